//! Picking the one document to explain from an input file.

use std::fmt::Write;
use std::io::Read;
use std::path::Path;

use saring_core::{Document, Provenance, stable_id};
use saring_io::{ReadError, ReaderConfig, open_decompressed, open_input};
use serde_json::Value;

/// Documents named in an error that lists what the input holds.
const LISTED: usize = 10;

/// Why there is no document to explain.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExplainError {
    /// The input, or the record asked for, could not be read.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The input holds no document (only non-document records, or nothing).
    #[error("{path}: no document in the input")]
    NoDocument {
        /// The input, as given.
        path: String,
    },
    /// No id was given and the input holds more than one document.
    #[error(
        "{path} holds more than one document: pick one with `--id ID` (its id as saring gives it: the \
         WARC-Record-ID for WARC, the id field for JSONL and Parquet) or `--id N` (its record number, \
         0-based, as in error messages). The first ones:\n{listing}"
    )]
    SeveralDocuments {
        /// The input, as given.
        path: String,
        /// The first documents, one per line: record number, id and URL.
        listing: String,
    },
    /// No document of the input has the id or record number asked for.
    #[error(
        "{path}: no document with id or record number {id} among its {read} document(s); the first ones:\n{listing}"
    )]
    UnknownId {
        /// The input, as given.
        path: String,
        /// The id asked for.
        id: String,
        /// Documents read.
        read: u64,
        /// The first documents, one per line: record number, id and URL.
        listing: String,
    },
}

/// Reads the document to explain from `path`: with `id`, the document with that id (WARC ids may be
/// given with or without their angle brackets) or that record number; without, the only document of
/// the input.
///
/// Inputs are read as `saring run` reads them (`reader`), so the document is the one a run sees. A
/// `.txt` file (optionally `.gz` or `.zst`) is one text document: id [`stable_id`]`(path, 0)`, its
/// path in `metadata.source_path`, as for an HTML file.
pub fn read_document(path: &Path, reader: &ReaderConfig, id: Option<&str>) -> Result<Document, ExplainError> {
    let docs: Box<dyn Iterator<Item = Result<Document, ReadError>>> = if is_text_file(path) {
        Box::new(std::iter::once(read_text(path, reader.max_record_bytes)))
    } else {
        Box::new(open_input(path, reader)?)
    };
    let name = path.display().to_string();
    let wanted = id.map(|id| (id.trim_matches(['<', '>']), id.parse::<u64>().ok()));
    let mut listing = String::new();
    let mut read = 0u64;
    let mut first_error = None;
    let mut only = None;
    for item in docs {
        let doc = match item {
            Ok(doc) => doc,
            Err(error) => {
                if wanted.is_some_and(|(_, record)| record.is_some() && record == error.record) {
                    return Err(error.into());
                }
                if first_error.is_none() {
                    first_error = Some(error);
                }
                continue;
            }
        };
        read += 1;
        match wanted {
            Some((id, record))
                if doc.id.trim_matches(['<', '>']) == id || record == Some(doc.provenance.record) =>
            {
                return Ok(doc);
            }
            Some(_) => {}
            None if only.is_none() => {
                list(&mut listing, &doc);
                only = Some(doc);
                continue;
            }
            None => {}
        }
        if read as usize <= LISTED {
            list(&mut listing, &doc);
        } else if wanted.is_none() {
            break;
        }
    }
    match (id, only) {
        (None, Some(_)) if read > 1 => {
            if read as usize > LISTED {
                listing.push_str("  …\n");
            }
            Err(ExplainError::SeveralDocuments { path: name, listing })
        }
        (None, Some(doc)) => Ok(doc),
        (Some(id), _) if read > 0 => Err(ExplainError::UnknownId {
            path: name,
            id: id.to_owned(),
            read,
            listing,
        }),
        _ => Err(first_error.map_or(ExplainError::NoDocument { path: name }, ExplainError::Read)),
    }
}

/// Appends one line naming `doc` to a listing.
fn list(listing: &mut String, doc: &Document) {
    let _ = write!(listing, "  record {}  {}", doc.provenance.record, doc.id);
    if let Some(url) = &doc.url {
        let _ = write!(listing, "  {url}");
    }
    listing.push('\n');
}

/// Whether the file is plain text by its name: `.txt`, optionally `.gz` or `.zst`.
fn is_text_file(path: &Path) -> bool {
    let name = path.to_string_lossy().to_ascii_lowercase();
    let stem = name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".zst"))
        .unwrap_or(&name);
    stem.ends_with(".txt")
}

/// A text file as one document, at most `max_bytes` long; bytes that are not UTF-8 are replaced.
fn read_text(path: &Path, max_bytes: u64) -> Result<Document, ReadError> {
    let (input, _) = open_decompressed(path)?;
    let mut bytes = Vec::new();
    input
        .take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::from_io(path, Some(0), Some(0), e))?;
    if bytes.len() as u64 > max_bytes {
        let message = format!("the text is larger than max_record_bytes = {max_bytes}");
        return Err(ReadError::new(
            path,
            Some(0),
            Some(0),
            saring_io::ReadErrorKind::TooLarge,
            message,
        ));
    }
    let name = path.display().to_string();
    let mut doc = Document::new(stable_id(&name, 0), String::from_utf8_lossy(&bytes).into_owned());
    doc.metadata
        .insert("source_path".to_owned(), Value::String(name.clone()));
    doc.provenance = Provenance {
        path: name,
        record: 0,
        offset: 0,
    };
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jsonl(dir: &Path, lines: &[&str]) -> std::path::PathBuf {
        let path = dir.join("docs.jsonl");
        std::fs::write(&path, lines.join("\n")).unwrap();
        path
    }

    #[test]
    fn picks_by_id_or_record_number_and_lists_when_ambiguous() {
        let dir = tempfile::tempdir().unwrap();
        let path = jsonl(
            dir.path(),
            &[
                r#"{"id":"a","text":"first"}"#,
                "not json",
                r#"{"id":"b","text":"second"}"#,
            ],
        );
        let config = ReaderConfig::default();
        assert_eq!(read_document(&path, &config, Some("b")).unwrap().text, "second");
        assert_eq!(read_document(&path, &config, Some("0")).unwrap().id, "a");
        assert_eq!(read_document(&path, &config, Some("2")).unwrap().id, "b");
        let bad = read_document(&path, &config, Some("1")).unwrap_err();
        assert!(matches!(bad, ExplainError::Read(_)), "{bad}");
        let several = read_document(&path, &config, None).unwrap_err().to_string();
        assert!(
            several.contains("--id") && several.contains("record 2  b"),
            "{several}"
        );
        let unknown = read_document(&path, &config, Some("zz")).unwrap_err().to_string();
        assert!(
            unknown.contains("zz") && unknown.contains("record 0  a"),
            "{unknown}"
        );
        let one = jsonl(dir.path(), &[r#"{"id":"a","text":"only"}"#]);
        assert_eq!(read_document(&one, &config, None).unwrap().text, "only");
    }

    #[test]
    fn a_text_file_is_one_document_and_a_missing_file_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("page.txt");
        std::fs::write(&path, "Some text.\n").unwrap();
        let doc = read_document(&path, &ReaderConfig::default(), None).unwrap();
        assert_eq!((doc.text.as_str(), doc.html.is_none()), ("Some text.\n", true));
        let small = ReaderConfig {
            max_record_bytes: 4,
            ..ReaderConfig::default()
        };
        assert!(read_document(&path, &small, None).is_err());
        let missing = read_document(&dir.path().join("nope.txt"), &ReaderConfig::default(), None);
        assert!(matches!(missing, Err(ExplainError::Read(_))));
    }
}
