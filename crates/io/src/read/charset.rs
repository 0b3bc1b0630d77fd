//! Turning HTML bytes into UTF-8: the HTTP header's charset first, then the page's `<meta charset>`, then
//! detection from the bytes themselves.

use encoding_rs::Encoding;

/// How far into a page to look for a `<meta charset>` declaration, as the HTML standard's prescan does.
const META_PRESCAN_BYTES: usize = 1024;
/// How much of a page the encoding detector reads: enough to decide, and bounded on huge pages.
const DETECT_BYTES: usize = 64 * 1024;

/// Decodes an HTML payload to UTF-8.
///
/// `content_type` is the HTTP `Content-Type` header value, when there is one. A byte-order mark wins over
/// everything; bytes invalid in the chosen encoding become U+FFFD, so the result is always valid UTF-8.
pub(crate) fn decode_html(bytes: &[u8], content_type: Option<&str>) -> String {
    let encoding = declared(bytes, content_type).unwrap_or_else(|| detect(bytes));
    // `decode` sniffs and strips a BOM itself, and replaces malformed sequences.
    let (text, _, _) = encoding.decode(bytes);
    text.into_owned()
}

/// Decodes the HTML payload `block[start..]` to UTF-8, as [`decode_html`] does, reusing `block`'s
/// allocation: a UTF-8 page (most of the web) is checked once and becomes the `String` without a copy of
/// its bytes into a new buffer.
pub(crate) fn decode_html_in_place(mut block: Vec<u8>, start: usize, content_type: Option<&str>) -> String {
    let start = start.min(block.len());
    let payload = block.get(start..).unwrap_or_default();
    let encoding = declared(payload, content_type);
    if let Some(other) = encoding.filter(|&e| e != encoding_rs::UTF_8) {
        let (text, _, _) = other.decode(payload);
        return text.into_owned();
    }
    // UTF-8, declared or not: drop the header and a UTF-8 BOM, then check the bytes once.
    let bom = if payload.starts_with(b"\xef\xbb\xbf") {
        3
    } else {
        0
    };
    block.drain(..start + bom);
    if is_utf8(&block) {
        // SAFETY: `is_utf8` just checked that all of `block` is valid UTF-8.
        return unsafe { String::from_utf8_unchecked(block) };
    }
    let bytes = block;
    let encoding = encoding.unwrap_or_else(|| detect_not_utf8(&bytes));
    if bom == 0 {
        let (text, _, _) = encoding.decode(&bytes);
        return text.into_owned();
    }
    // The BOM, already removed, chose UTF-8.
    let (text, _) = encoding_rs::UTF_8.decode_without_bom_handling(&bytes);
    text.into_owned()
}

/// The encoding a page declares: its byte-order mark, the HTTP charset, then its `<meta charset>`.
fn declared(bytes: &[u8], content_type: Option<&str>) -> Option<&'static Encoding> {
    Encoding::for_bom(bytes)
        .map(|(encoding, _)| encoding)
        .or_else(|| content_type.and_then(charset_param).and_then(label_to_encoding))
        .or_else(|| meta_charset(bytes.get(..META_PRESCAN_BYTES).unwrap_or(bytes)))
}

/// The value of the `charset=` parameter of a Content-Type header.
fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches(['"', '\'']))
    })
}

fn label_to_encoding(label: &str) -> Option<&'static Encoding> {
    let encoding = Encoding::for_label(label.as_bytes())?;
    // A page cannot really be UTF-16 if it declares so in ASCII; the standard maps such labels to UTF-8.
    Some(encoding.output_encoding())
}

/// Finds `<meta charset=…>` or `<meta http-equiv="content-type" content="…charset=…">` in the page's head.
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let lower = head.to_ascii_lowercase();
    let mut rest = lower.as_slice();
    while let Some(start) = find(rest, b"<meta") {
        rest = rest.get(start + 5..)?;
        let end = rest.iter().position(|&b| b == b'>').unwrap_or(rest.len());
        let tag = rest.get(..end)?;
        if let Some(at) = find(tag, b"charset") {
            let value = tag.get(at + 7..)?;
            let value = value.trim_ascii_start().strip_prefix(b"=")?.trim_ascii_start();
            let value = value
                .strip_prefix(b"\"")
                .or_else(|| value.strip_prefix(b"'"))
                .unwrap_or(value);
            let len = value
                .iter()
                .position(|&b| matches!(b, b'"' | b'\'' | b';' | b'/' | b'>') || b.is_ascii_whitespace())
                .unwrap_or(value.len());
            if let Some(encoding) = value.get(..len).and_then(Encoding::for_label) {
                return Some(encoding.output_encoding());
            }
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Whether `bytes` are valid UTF-8, checked with encoding_rs's SIMD validator (faster than `from_utf8`).
fn is_utf8(bytes: &[u8]) -> bool {
    Encoding::utf8_valid_up_to(bytes) == bytes.len()
}

fn detect(bytes: &[u8]) -> &'static Encoding {
    if is_utf8(bytes) {
        return encoding_rs::UTF_8;
    }
    detect_not_utf8(bytes)
}

/// Guesses the encoding of bytes known not to be valid UTF-8.
fn detect_not_utf8(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    let sample = bytes.get(..DETECT_BYTES).unwrap_or(bytes);
    detector.feed(sample, sample.len() == bytes.len());
    detector.guess(None, chardetng::Utf8Detection::Allow)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_charset_wins_over_meta() {
        let page = b"<meta charset=utf-8><p>caf\xe9</p>";
        assert_eq!(
            decode_html(page, Some("text/html; charset=ISO-8859-1")),
            "<meta charset=utf-8><p>café</p>"
        );
    }

    #[test]
    fn meta_charset_is_used_without_header() {
        let page = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\"></head>\xcf\xf0\xe8\xe2\xe5\xf2";
        assert!(decode_html(page, None).ends_with("Привет"));
        assert!(decode_html(b"<meta charset='shift_jis'>\x82\xa0", Some("text/html")).ends_with('あ'));
    }

    #[test]
    fn in_place_decoding_matches_decode_html() {
        let head = b"HTTP/1.1 200 OK\r\n\r\n";
        let pages: [(&[u8], Option<&str>); 9] = [
            (b"<p>plain ascii</p>", None),
            ("<p>h\u{e9}llo</p>".as_bytes(), Some("text/html; charset=utf-8")),
            (b"\xef\xbb\xbf<p>bom</p>", Some("text/html; charset=iso-8859-1")),
            (b"\xef\xbb\xbf<p>bad \xff</p>", None),
            (b"\xff\xfe<\x00p\x00>\x00", None),
            (b"<p>caf\xe9</p>", Some("text/html; charset=windows-1252")),
            (b"<p>caf\xe9 sans d\xe9claration</p>", None),
            (b"<meta charset=utf-8><p>broken \xc3</p>", None),
            (b"", None),
        ];
        for (page, content_type) in pages {
            let mut block = head.to_vec();
            block.extend_from_slice(page);
            assert_eq!(
                decode_html_in_place(block, head.len(), content_type),
                decode_html(page, content_type),
                "{page:?}"
            );
        }
        assert_eq!(decode_html_in_place(b"abc".to_vec(), 10, None), "");
    }

    #[test]
    fn detection_and_invalid_bytes_give_valid_utf8() {
        assert_eq!(decode_html("héllo ünïcode".as_bytes(), None), "héllo ünïcode");
        let out = decode_html(
            b"<p>\xff\xfe\xfd broken \xc3</p>",
            Some("text/html; charset=utf-8"),
        );
        assert!(out.contains('\u{fffd}'));
    }
}
