use std::collections::BTreeMap;

use serde_json::Value;

/// One record on its way through the pipeline.
///
/// Readers fill in what the record carries; steps fill in the rest (`text` from `html`, `language`,
/// `signals`). Maps are ordered so that serialised output is byte-identical from run to run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// Stable identifier: the WARC-Record-ID, the input's own id field, or [`stable_id`] of the source.
    pub id: String,
    /// The URL the record was fetched from, when known.
    pub url: Option<String>,
    /// When the record was fetched (the WARC-Date, as written in the record), when known.
    pub date: Option<String>,
    /// The HTML payload decoded to UTF-8, for records that carry HTML.
    pub html: Option<String>,
    /// The document's text: given by the input, or extracted from `html` by a step.
    pub text: String,
    /// Language label (fastText lid.176 code) once a step has decided it.
    pub language: Option<String>,
    /// Everything else known about the document (title, content type, input fields…).
    pub metadata: BTreeMap<String, Value>,
    /// Numeric signals steps record whether they keep the document or not, keyed `step.signal`.
    pub signals: BTreeMap<String, f64>,
    /// Where the record came from; used in error messages, never written as data.
    pub provenance: Provenance,
}

/// Where a document was read from: enough to find the record again and to name it in an error.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    /// The input path as given to the reader.
    pub path: String,
    /// The 0-based index of the record within the input file.
    pub record: u64,
    /// Byte offset of the record within the input (of the decompressed stream for compressed inputs).
    pub offset: u64,
}

impl Document {
    /// A document with the given id and text and nothing else known yet.
    pub fn new(id: String, text: String) -> Document {
        Document {
            id,
            text,
            ..Document::default()
        }
    }
}

/// A stable id for a record that carries none: a hex hash of its source path and byte offset.
///
/// The hash (XXH3-64) is fixed by its specification, so the id is the same on every machine and release.
pub fn stable_id(path: &str, offset: u64) -> String {
    let mut key = Vec::with_capacity(path.len() + 9);
    key.extend_from_slice(path.as_bytes());
    key.push(0);
    key.extend_from_slice(&offset.to_le_bytes());
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_id_is_fixed_and_depends_on_path_and_offset() {
        assert_eq!(stable_id("a.jsonl", 0), stable_id("a.jsonl", 0));
        assert_ne!(stable_id("a.jsonl", 0), stable_id("a.jsonl", 1));
        assert_ne!(stable_id("a.jsonl", 0), stable_id("b.jsonl", 0));
        assert_eq!(stable_id("a.jsonl", 0).len(), 16);
        // Pinned: the id must never change between releases.
        assert_eq!(
            stable_id("a.jsonl", 0),
            format!(
                "{:016x}",
                xxhash_rust::xxh3::xxh3_64(b"a.jsonl\0\0\0\0\0\0\0\0\0")
            )
        );
    }
}
