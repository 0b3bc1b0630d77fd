//! Listing objects: a prefix, a glob over a listing, or one object.

use std::io;

use futures_util::TryStreamExt;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, ObjectStoreScheme};

use super::{Remote, block_on, store_error};

/// An object found by [`list_objects`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// The object's URL.
    pub url: String,
    /// The object's key below the listed prefix (its name for a single object).
    pub relative: String,
    /// True when the object was found by walking a prefix (and should be filtered by name like the files
    /// of a walked directory); false for an object named exactly or matched by a glob.
    pub walked: bool,
}

/// Expands an object URL the way a local argument is expanded:
///
/// - a URL ending in `/` (or naming a bucket) is a prefix: every object under it;
/// - a URL whose key holds `*`, `?` or `[` is a glob (the `glob` crate's syntax, `*` not crossing `/`,
///   `**` any depth) matched against the listing of the prefix before its first wildcard;
/// - any other URL is one object, or, when no such object exists but objects exist under `URL/`, that
///   prefix.
///
/// HTTP(S) servers cannot be listed: their URLs are taken as single objects. The result is in listing
/// order; the caller sorts. Fails (naming the URL) when the store cannot be reached, or with
/// `NotFound` when nothing matches.
pub fn list_objects(url: &str) -> io::Result<Vec<Listed>> {
    let (remote, key) = Remote::for_url(url)?;
    let parsed = url::Url::parse(url).map_err(|e| super::invalid(url, e))?;
    let single = || {
        vec![Listed {
            url: url.to_owned(),
            relative: key.filename().unwrap_or_default().to_owned(),
            walked: false,
        }]
    };
    if matches!(
        ObjectStoreScheme::parse(&parsed),
        Ok((ObjectStoreScheme::Http, _))
    ) {
        return Ok(single());
    }
    // The key as written: a URL parser would take a `?` wildcard for the start of a query.
    let raw_key = raw_key(url);
    let found = if let Some(star) = raw_key.find(['*', '?', '[']) {
        let pattern = glob::Pattern::new(raw_key).map_err(|e| super::invalid(url, e))?;
        let options = glob::MatchOptions {
            require_literal_separator: true,
            require_literal_leading_dot: true,
            ..glob::MatchOptions::new()
        };
        let prefix = raw_key.get(..star).unwrap_or_default();
        let dir = prefix.rsplit_once('/').map_or("", |(dir, _)| dir);
        walk(&remote, dir)?
            .into_iter()
            .filter(|(path, _)| pattern.matches_with(path.as_ref(), options))
            .map(|(path, relative)| Listed {
                url: remote.url(&path),
                relative,
                walked: false,
            })
            .collect()
    } else if raw_key.is_empty() || raw_key.ends_with('/') {
        walked(&remote, raw_key.trim_end_matches('/'))?
    } else {
        match block_on(remote.store.head(&key)) {
            Ok(_) => single(),
            Err(object_store::Error::NotFound { .. }) => walked(&remote, raw_key)?,
            Err(e) => return Err(store_error(url, e)),
        }
    };
    if found.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("{url}: no such object, and no object under it matches"),
        ));
    }
    Ok(found)
}

/// The objects under `dir/`, marked as walked.
fn walked(remote: &Remote, dir: &str) -> io::Result<Vec<Listed>> {
    Ok(walk(remote, dir)?
        .into_iter()
        .map(|(path, relative)| Listed {
            url: remote.url(&path),
            relative,
            walked: true,
        })
        .collect())
}

/// Every object under `dir/` (the whole bucket for `""`), with its key relative to `dir`.
fn walk(remote: &Remote, dir: &str) -> io::Result<Vec<(ObjectPath, String)>> {
    let prefix = ObjectPath::from(dir);
    let objects: Vec<_> = block_on(remote.store.list(Some(&prefix)).try_collect::<Vec<_>>())
        .map_err(|e| store_error(&remote.url(&prefix), e))?;
    Ok(objects
        .into_iter()
        .map(|meta| {
            let relative = meta
                .location
                .prefix_match(&prefix)
                .map(|parts| parts.map(|p| p.as_ref().to_owned()).collect::<Vec<_>>().join("/"))
                .unwrap_or_else(|| meta.location.to_string());
            (meta.location, relative)
        })
        .collect())
}

/// The part of `url` after its bucket or host, as written.
fn raw_key(url: &str) -> &str {
    url.split_once("://")
        .and_then(|(_, rest)| rest.split_once('/'))
        .map_or("", |(_, key)| key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_taken_as_written() {
        assert_eq!(raw_key("s3://b/dir/a b/*.warc.gz?"), "dir/a b/*.warc.gz?");
        assert_eq!(raw_key("s3://b/"), "");
        assert_eq!(raw_key("s3://b"), "");
    }
}
