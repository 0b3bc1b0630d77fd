//! The work copy of an input shard, written by the `lines` stage so that the later stages never decode,
//! parse or tokenise the input again (gzip decoding, JSON parsing and tokenising were most of their CPU):
//!
//! - `docs`: every document in a compact binary form, read back in order by the `filter` stage;
//! - `tokens`: every document's host key and token hashes by line, read back in order by the
//!   `signatures` stage.
//!
//! Both are sequences of records, all integers little-endian, strings as a `u32` length and their UTF-8
//! bytes, optional strings as a presence byte and (when present) the string:
//!
//! ```text
//! docs:   record u64, offset u64, id, url?, date?, html?, text, language?,
//!         metadata (u32 length + JSON object, length 0 when empty), signals (u32 count, then key + f64 bits)
//! tokens: host? (presence byte + u64), lines u32, tokens per line u32 × lines, token hashes u32 × sum
//! ```
//!
//! Token hashes are 32-bit ([`Tokenizer`](crate::Tokenizer)), so they are stored in 4 bytes each. Records
//! are gathered into large writes ([`AtomicFile`]), so a long document is not a write of its
//! own of an odd size (a partial page the file system zeroes first).
//!
//! A record that does not parse (a damaged or truncated work file) is an `InvalidData` error naming the
//! file and the record's number.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use saring_core::{Document, Provenance};

use crate::DedupError;
use crate::doc_hasher::TokenLines;
use crate::work::{AtomicFile, Durability, io_error, put_all};

/// Buffer of the readers.
const READ_BUFFER_BYTES: usize = 1 << 20;

/// Writes a shard's `tokens` file and, unless the run writes no documents, its `docs` file.
pub(crate) struct CopyWriter {
    docs_path: PathBuf,
    docs: Option<AtomicFile>,
    tokens: AtomicFile,
}

impl CopyWriter {
    /// Starts the work copy; `docs` is `None` when no stage will read the documents back (a run that
    /// writes only the clusters); the files are written with `durability`.
    pub(crate) fn create(
        docs: Option<&Path>,
        tokens: &Path,
        durability: Durability,
    ) -> Result<CopyWriter, DedupError> {
        Ok(CopyWriter {
            docs_path: docs.map(Path::to_path_buf).unwrap_or_default(),
            docs: docs
                .map(|docs| AtomicFile::create(docs, durability))
                .transpose()?,
            tokens: AtomicFile::create(tokens, durability)?,
        })
    }

    /// Appends the next document (when documents are kept), and its host key and token lines.
    pub(crate) fn write(
        &mut self,
        doc: &Document,
        host: Option<u64>,
        lines: &TokenLines,
    ) -> Result<(), DedupError> {
        if let Some(docs) = &mut self.docs {
            let b = docs.pending();
            b.extend_from_slice(&doc.provenance.record.to_le_bytes());
            b.extend_from_slice(&doc.provenance.offset.to_le_bytes());
            put_str(b, &doc.id);
            put_opt(b, doc.url.as_deref());
            put_opt(b, doc.date.as_deref());
            put_opt(b, doc.html.as_deref());
            put_str(b, &doc.text);
            put_opt(b, doc.language.as_deref());
            if doc.metadata.is_empty() {
                put_len(b, 0);
            } else {
                let json =
                    serde_json::to_vec(&doc.metadata).map_err(|e| io_error(&self.docs_path, e.into()))?;
                put_len(b, json.len());
                b.extend_from_slice(&json);
            }
            put_len(b, doc.signals.len());
            for (key, value) in &doc.signals {
                put_str(b, key);
                b.extend_from_slice(&value.to_bits().to_le_bytes());
            }
            docs.gathered()?;
        }

        let b = self.tokens.pending();
        match host {
            Some(host) => {
                b.push(1);
                b.extend_from_slice(&host.to_le_bytes());
            }
            None => b.push(0),
        }
        put_len(b, lines.line_lens.len());
        put_all(b, lines.line_lens.iter(), |n| n.to_le_bytes());
        // Token hashes have 32 bits (see `Tokenizer`): the high half is always zero.
        put_all(b, lines.tokens.iter(), |&token| (token as u32).to_le_bytes());
        self.tokens.gathered()
    }

    pub(crate) fn finish(self) -> Result<(), DedupError> {
        if let Some(docs) = self.docs {
            docs.finish()?;
        }
        self.tokens.finish()
    }
}

fn put_len(b: &mut Vec<u8>, len: usize) {
    b.extend_from_slice(&u32::try_from(len).unwrap_or(u32::MAX).to_le_bytes());
}

fn put_str(b: &mut Vec<u8>, s: &str) {
    put_len(b, s.len());
    b.extend_from_slice(s.as_bytes());
}

fn put_opt(b: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => {
            b.push(1);
            put_str(b, s);
        }
        None => b.push(0),
    }
}

/// Reads one of a shard's work copy files in order.
pub(crate) struct CopyReader {
    path: PathBuf,
    input: BufReader<File>,
    /// Records read so far, for error messages.
    records: u64,
    bytes: Vec<u8>,
}

impl CopyReader {
    pub(crate) fn open(path: &Path) -> Result<CopyReader, DedupError> {
        let file = File::open(path).map_err(|e| io_error(path, e))?;
        Ok(CopyReader {
            path: path.to_path_buf(),
            input: BufReader::with_capacity(READ_BUFFER_BYTES, file),
            records: 0,
            bytes: Vec::new(),
        })
    }

    /// Whether the file has no more records.
    fn at_end(&mut self) -> Result<bool, DedupError> {
        let buf = self.input.fill_buf().map_err(|e| io_error(&self.path, e))?;
        Ok(buf.is_empty())
    }

    fn damaged(&self, what: &str) -> DedupError {
        io_error(
            &self.path,
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("damaged work file: record {} ({what})", self.records),
            ),
        )
    }

    /// The next `n` bytes, copied out. Read through `take`, so a damaged length asks for no more memory
    /// than the file holds.
    fn exact(&mut self, n: usize) -> Result<&[u8], DedupError> {
        self.bytes.clear();
        (&mut self.input)
            .take(n as u64)
            .read_to_end(&mut self.bytes)
            .map_err(|e| io_error(&self.path, e))?;
        if self.bytes.len() != n {
            return Err(self.damaged("truncated"));
        }
        Ok(&self.bytes)
    }

    /// `f` of the next `n` bytes: straight from the read buffer when it holds them all (most records),
    /// else copied out of it first.
    fn decode<T>(&mut self, n: usize, f: impl FnOnce(&[u8]) -> T) -> Result<T, DedupError> {
        if let Some(bytes) = self.input.buffer().get(..n) {
            let out = f(bytes);
            self.input.consume(n);
            return Ok(out);
        }
        Ok(f(self.exact(n)?))
    }

    fn u8(&mut self) -> Result<u8, DedupError> {
        self.decode(1, |b| b.first().copied().unwrap_or(0))
    }

    fn u32(&mut self) -> Result<u32, DedupError> {
        self.decode(4, le_u32)
    }

    fn u64(&mut self) -> Result<u64, DedupError> {
        self.decode(8, |b| b.try_into().map(u64::from_le_bytes).unwrap_or(0))
    }

    fn string(&mut self) -> Result<String, DedupError> {
        let len = self.u32()? as usize;
        // Read straight into the string's buffer: texts are most of the bytes. Reserved up to a bound, so
        // a damaged length asks for no more memory than the file holds.
        let mut bytes = Vec::with_capacity(len.min(READ_BUFFER_BYTES));
        (&mut self.input)
            .take(len as u64)
            .read_to_end(&mut bytes)
            .map_err(|e| io_error(&self.path, e))?;
        if bytes.len() != len {
            return Err(self.damaged("truncated"));
        }
        String::from_utf8(bytes).map_err(|_| self.damaged("not UTF-8"))
    }

    fn opt_string(&mut self) -> Result<Option<String>, DedupError> {
        match self.u8()? {
            0 => Ok(None),
            1 => self.string().map(Some),
            _ => Err(self.damaged("bad presence byte")),
        }
    }

    /// The next document of a `docs` file (its provenance path is `input`), `None` at the end.
    pub(crate) fn next_doc(&mut self, input: &Path) -> Result<Option<Document>, DedupError> {
        if self.at_end()? {
            return Ok(None);
        }
        let record = self.u64()?;
        let offset = self.u64()?;
        let id = self.string()?;
        let url = self.opt_string()?;
        let date = self.opt_string()?;
        let html = self.opt_string()?;
        let text = self.string()?;
        let language = self.opt_string()?;
        let len = self.u32()? as usize;
        let metadata = if len == 0 {
            BTreeMap::new()
        } else {
            let json = self.exact(len)?.to_vec();
            serde_json::from_slice(&json).map_err(|_| self.damaged("bad metadata"))?
        };
        let mut signals = BTreeMap::new();
        for _ in 0..self.u32()? {
            let key = self.string()?;
            signals.insert(key, f64::from_bits(self.u64()?));
        }
        self.records += 1;
        Ok(Some(Document {
            id,
            url,
            date,
            html,
            text,
            language,
            metadata,
            signals,
            provenance: Provenance {
                path: input.display().to_string(),
                record,
                offset,
            },
        }))
    }

    /// The next host key and token lines of a `tokens` file, `None` at the end.
    pub(crate) fn next_tokens(&mut self) -> Result<Option<(Option<u64>, TokenLines)>, DedupError> {
        if self.at_end()? {
            return Ok(None);
        }
        let host = match self.u8()? {
            0 => None,
            1 => Some(self.u64()?),
            _ => return Err(self.damaged("bad presence byte")),
        };
        let lines = self.u32()? as usize;
        let line_lens = self.decode(lines * 4, |b| read_u32s(b, |n| n))?;
        let count = line_lens.iter().map(|&n| n as usize).sum::<usize>();
        let tokens = self.decode(count * 4, |b| read_u32s(b, u64::from))?;
        self.records += 1;
        Ok(Some((host, TokenLines { tokens, line_lens })))
    }
}

/// The little-endian `u32` of four bytes.
fn le_u32(bytes: &[u8]) -> u32 {
    bytes.try_into().map_or(0, u32::from_le_bytes)
}

/// The little-endian `u32`s of `bytes`, each turned into a `T` by `f`, in a vector of their number (read as
/// whole four-byte arrays, in a loop the compiler vectorises).
fn read_u32s<T>(bytes: &[u8], f: impl Fn(u32) -> T) -> Vec<T> {
    let (words, _) = bytes.as_chunks::<4>();
    let mut out = Vec::with_capacity(words.len());
    out.extend(words.iter().map(|&w| f(u32::from_le_bytes(w))));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documents_and_tokens_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let (docs, tokens) = (dir.path().join("docs"), dir.path().join("tokens"));
        let mut full = Document {
            id: "a\tb".to_owned(),
            url: Some("https://x.example/é".to_owned()),
            date: Some("2024".to_owned()),
            html: None,
            text: "line one\n\nline two".to_owned(),
            language: Some("fr".to_owned()),
            ..Document::default()
        };
        full.metadata
            .insert("title".to_owned(), json!({"x": [1, 2.5, null]}));
        full.signals.insert("f.nan".to_owned(), f64::NAN);
        full.signals.insert("f.one".to_owned(), 1.0);
        full.provenance = Provenance {
            path: String::new(),
            record: 7,
            offset: 1234,
        };
        let bare = Document {
            id: "b".to_owned(),
            ..Document::default()
        };
        let lines = TokenLines {
            tokens: vec![1, 0x8000_0002, 0xFFFF_FFFF],
            line_lens: vec![2, 1],
        };
        let mut w = CopyWriter::create(Some(&docs), &tokens, Durability::Synced).unwrap();
        w.write(&full, Some(9), &lines).unwrap();
        w.write(&bare, None, &TokenLines::default()).unwrap();
        w.finish().unwrap();

        let input = Path::new("in.jsonl");
        let mut r = CopyReader::open(&docs).unwrap();
        let back = r.next_doc(input).unwrap().unwrap();
        assert_eq!(back.provenance.path, "in.jsonl");
        assert_eq!((back.provenance.record, back.provenance.offset), (7, 1234));
        assert!(back.signals["f.nan"].is_nan());
        let mut expected = full.clone();
        expected.signals.remove("f.nan");
        let mut got = back.clone();
        got.signals.remove("f.nan");
        got.provenance = expected.provenance.clone();
        assert_eq!(got, expected);
        assert_eq!(r.next_doc(input).unwrap().unwrap().id, "b");
        assert!(r.next_doc(input).unwrap().is_none());

        let mut r = CopyReader::open(&tokens).unwrap();
        assert_eq!(r.next_tokens().unwrap(), Some((Some(9), lines)));
        assert_eq!(r.next_tokens().unwrap(), Some((None, TokenLines::default())));
        assert_eq!(r.next_tokens().unwrap(), None);
    }

    #[test]
    fn records_longer_than_the_read_buffer_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let (docs, tokens) = (dir.path().join("docs"), dir.path().join("tokens"));
        let long = |n: usize, seed: u64| TokenLines {
            tokens: (0..n as u64)
                .map(|i| (i * 2_654_435_761 + seed) & 0xFFFF_FFFF)
                .collect(),
            line_lens: vec![n as u32],
        };
        // Records of 1.2 MiB and more straddle the 1 MiB read buffer: decoded from a copy, not in place.
        let lines = [long(300_000, 1), long(5, 2), long(400_000, 3)];
        let text = "word ".repeat(300_000);
        let mut w = CopyWriter::create(Some(&docs), &tokens, Durability::Scratch).unwrap();
        for (i, l) in lines.iter().enumerate() {
            let doc = Document {
                id: i.to_string(),
                text: text.clone(),
                ..Document::default()
            };
            w.write(&doc, None, l).unwrap();
        }
        w.finish().unwrap();
        let mut r = CopyReader::open(&tokens).unwrap();
        for l in &lines {
            assert_eq!(r.next_tokens().unwrap(), Some((None, l.clone())));
        }
        assert_eq!(r.next_tokens().unwrap(), None);
        let mut r = CopyReader::open(&docs).unwrap();
        for i in 0..lines.len() {
            let doc = r.next_doc(Path::new("x")).unwrap().unwrap();
            assert_eq!((doc.id, doc.text.len()), (i.to_string(), text.len()));
        }
        assert!(r.next_doc(Path::new("x")).unwrap().is_none());
    }

    #[test]
    fn a_truncated_work_file_is_an_error_naming_the_record() {
        let dir = tempfile::tempdir().unwrap();
        let (docs, tokens) = (dir.path().join("docs"), dir.path().join("tokens"));
        let mut w = CopyWriter::create(Some(&docs), &tokens, Durability::Scratch).unwrap();
        for id in ["a", "b"] {
            let doc = Document {
                id: id.to_owned(),
                text: "some text".to_owned(),
                ..Document::default()
            };
            w.write(&doc, None, &TokenLines::default()).unwrap();
        }
        w.finish().unwrap();
        let bytes = std::fs::read(&docs).unwrap();
        std::fs::write(&docs, &bytes[..bytes.len() - 3]).unwrap();
        let mut r = CopyReader::open(&docs).unwrap();
        assert!(r.next_doc(Path::new("x")).unwrap().is_some());
        let err = r.next_doc(Path::new("x")).unwrap_err().to_string();
        assert!(err.contains("record 1 (truncated)"), "{err}");
    }
}
