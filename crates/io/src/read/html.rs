//! One HTML page per file (`.html`, `.htm`, optionally gzip- or zstd-compressed): one document each.

use std::collections::BTreeMap;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

use saring_core::{Document, Provenance, stable_id};
use serde_json::Value;

use super::charset::decode_html;
use super::{DocReader, ReadError, ReadErrorKind, ReaderConfig};
use crate::{ByteCounter, open_decompressed};

/// Reads a single HTML file as one document: id [`stable_id`]`(path, 0)`, no URL, the decoded page in
/// `html` and the path in `metadata.source_path`.
pub(crate) struct HtmlFile {
    path: PathBuf,
    /// The decompressed stream, until the one document has been read.
    input: Option<Box<dyn BufRead + Send>>,
    counter: ByteCounter,
    max_record_bytes: u64,
    skipped: BTreeMap<String, u64>,
}

impl HtmlFile {
    /// Opens `path`; fails if it is missing, unreadable or empty.
    pub(crate) fn open(path: &Path, config: &ReaderConfig) -> Result<HtmlFile, ReadError> {
        let (input, counter) = open_decompressed(path)?;
        Ok(HtmlFile {
            path: path.to_path_buf(),
            input: Some(input),
            counter,
            max_record_bytes: config.max_record_bytes,
            skipped: BTreeMap::new(),
        })
    }

    fn read_document(&self, input: Box<dyn BufRead + Send>) -> Result<Document, ReadError> {
        let mut bytes = Vec::new();
        input
            .take(self.max_record_bytes.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| ReadError::from_io(&self.path, Some(0), Some(0), e))?;
        if bytes.len() as u64 > self.max_record_bytes {
            let message = format!(
                "the page is larger than max_record_bytes = {}",
                self.max_record_bytes
            );
            return Err(ReadError::new(
                &self.path,
                Some(0),
                Some(0),
                ReadErrorKind::TooLarge,
                message,
            ));
        }
        let path = self.path.display().to_string();
        let mut doc = Document::new(stable_id(&path, 0), String::new());
        doc.html = Some(decode_html(&bytes, None));
        doc.metadata
            .insert("source_path".to_owned(), Value::String(path.clone()));
        doc.provenance = Provenance {
            path,
            record: 0,
            offset: 0,
        };
        Ok(doc)
    }
}

impl Iterator for HtmlFile {
    type Item = Result<Document, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        let input = self.input.take()?;
        Some(self.read_document(input))
    }
}

impl DocReader for HtmlFile {
    fn skipped(&self) -> &BTreeMap<String, u64> {
        &self.skipped
    }

    fn bytes_read(&self) -> u64 {
        self.counter.get()
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn reads_one_document_per_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("page.html.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(b"<html><head><meta charset=\"windows-1252\"></head><body>caf\xe9</body></html>")
            .unwrap();
        std::fs::write(&path, enc.finish().unwrap()).unwrap();
        let docs: Vec<_> = HtmlFile::open(&path, &ReaderConfig::default()).unwrap().collect();
        assert_eq!(docs.len(), 1);
        let doc = docs.into_iter().next().unwrap().unwrap();
        let shown = path.display().to_string();
        assert_eq!(doc.id, stable_id(&shown, 0));
        assert!(doc.html.unwrap().contains("café"));
        assert_eq!(doc.url, None);
        assert_eq!(doc.metadata["source_path"], Value::String(shown));
    }

    #[test]
    fn too_large_and_empty_files_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.html");
        std::fs::write(&path, vec![b'a'; 101]).unwrap();
        let config = ReaderConfig {
            max_record_bytes: 100,
            ..ReaderConfig::default()
        };
        let mut reader = HtmlFile::open(&path, &config).unwrap();
        assert_eq!(reader.next().unwrap().unwrap_err().kind, ReadErrorKind::TooLarge);
        assert!(reader.next().is_none());
        std::fs::write(&path, vec![b'a'; 100]).unwrap();
        assert!(HtmlFile::open(&path, &config).unwrap().next().unwrap().is_ok());

        let empty = dir.path().join("empty.htm");
        std::fs::write(&empty, b"").unwrap();
        assert_eq!(
            HtmlFile::open(&empty, &config).err().unwrap().kind,
            ReadErrorKind::Empty
        );
    }
}
