//! URL keys: the host a document belongs to (for boilerplate lines), and the page it is (for exact URL
//! dedup).

use xxhash_rust::xxh3::xxh3_64;

/// The site of a URL as a hash: its host, lowercased, without user info, port and a leading `www.`;
/// `None` for a URL without a host.
///
/// ```
/// use saring_dedup::host_key;
///
/// assert_eq!(host_key("https://WWW.Example.com:443/a?b"), host_key("http://example.com"));
/// assert_ne!(host_key("https://m.example.com/"), host_key("https://example.com/"));
/// assert_eq!(host_key("no host here"), None);
/// ```
pub fn host_key(url: &str) -> Option<u64> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    if !url.contains("://") {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let host = match host.rsplit_once(':') {
        Some((h, port)) if !h.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host,
    };
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    if host.is_empty() {
        None
    } else {
        Some(xxh3_64(host.as_bytes()))
    }
}

/// The page a URL names, as a hash: scheme and host lowercased, the fragment dropped; path and query
/// kept as they are. `None` for a URL without `://` and a host.
///
/// ```
/// use saring_dedup::url_key;
///
/// assert_eq!(url_key("HTTPS://Example.com/a?b=1#top"), url_key("https://example.com/a?b=1"));
/// assert_ne!(url_key("https://example.com/a"), url_key("https://example.com/A"));
/// ```
pub fn url_key(url: &str) -> Option<u64> {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://")?;
    let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
    let split = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at_checked(split)?;
    if authority.is_empty() {
        return None;
    }
    let tail = if tail.is_empty() { "/" } else { tail };
    // Built in one allocation of its final size.
    let mut normal = Vec::with_capacity(scheme.len() + 3 + authority.len() + tail.len());
    normal.extend(scheme.bytes().map(|b| b.to_ascii_lowercase()));
    normal.extend_from_slice(b"://");
    normal.extend(authority.bytes().map(|b| b.to_ascii_lowercase()));
    normal.extend_from_slice(tail.as_bytes());
    Some(xxh3_64(&normal))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        let k = |u: &str| host_key(u);
        assert_eq!(k("https://user:pw@Example.com:8080/x"), k("https://example.com"));
        assert_eq!(k("https://example.com#frag"), k("https://example.com?q"));
        assert_eq!(k("https:///path"), None);
        assert_eq!(k(""), None);
        assert!(k("https://[::1]:80/").is_some());
    }

    #[test]
    fn urls() {
        assert_eq!(url_key("https://a.example"), url_key("https://A.example/"));
        assert_ne!(
            url_key("https://a.example/?x=1"),
            url_key("https://a.example/?x=2")
        );
        assert_eq!(url_key("a.example/page"), None);
        // The key is the hash of the normalised URL.
        assert_eq!(
            url_key(" HTTP://WWW.A.Example?q=B#F"),
            Some(xxh3_64(b"http://www.a.example?q=B"))
        );
        assert_eq!(url_key("https://a.example"), Some(xxh3_64(b"https://a.example/")));
        assert_eq!(url_key("https:///page"), None);
    }
}
