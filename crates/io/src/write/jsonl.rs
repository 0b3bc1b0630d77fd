//! JSONL shards: one JSON object per line, compressed with zstd (level 3), gzip (no timestamp) or not.
//!
//! Each line is exactly `{"id":…,"text":…,"url":…,"metadata":{…}}`, with `url` `null` when unknown and
//! `metadata` holding, in this order: `language` (if set), `date` (if set), every entry of
//! `Document::metadata` in key order (minus an entry named `language`, `date` or `signals` when the
//! document's own field of that name is set), then `signals` (an object in key order, only if non-empty;
//! a non-finite signal is written as `null`). This is what datatrove's `JsonlReader` and Hugging Face
//! `datasets.load_dataset("json")` read, and exactly what saring's JSONL reader maps back.

use std::fs::File;
use std::io::{self, BufWriter, Write};

use flate2::write::GzEncoder;
use saring_core::Document;
use serde::Serialize;

use super::CountingFile;
use crate::Compression;

/// zstd level of JSONL shards.
const ZSTD_LEVEL: i32 = 3;
/// Bytes gathered before they go to the compressor.
const BUFFER_BYTES: usize = 256 * 1024;

/// The compressor between the records and the file.
enum Encoder {
    Plain(CountingFile),
    Gzip(GzEncoder<CountingFile>),
    Zstd(zstd::stream::write::Encoder<'static, CountingFile>),
}

impl Encoder {
    fn file(&self) -> &CountingFile {
        match self {
            Encoder::Plain(file) => file,
            Encoder::Gzip(encoder) => encoder.get_ref(),
            Encoder::Zstd(encoder) => encoder.get_ref(),
        }
    }

    fn finish(self) -> io::Result<CountingFile> {
        let mut file = match self {
            Encoder::Plain(file) => file,
            Encoder::Gzip(encoder) => encoder.finish()?,
            Encoder::Zstd(encoder) => encoder.finish()?,
        };
        file.flush()?;
        Ok(file)
    }
}

impl Write for Encoder {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Encoder::Plain(file) => file.write(buf),
            Encoder::Gzip(encoder) => encoder.write(buf),
            Encoder::Zstd(encoder) => encoder.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Encoder::Plain(file) => file.flush(),
            Encoder::Gzip(encoder) => encoder.flush(),
            Encoder::Zstd(encoder) => encoder.flush(),
        }
    }
}

/// One JSONL shard being written.
pub(super) struct JsonlShard {
    out: BufWriter<Encoder>,
    line: Vec<u8>,
}

impl JsonlShard {
    /// Starts a shard in `file` with the given compression.
    pub(super) fn create(file: CountingFile, compression: Compression) -> io::Result<JsonlShard> {
        let encoder = match compression {
            Compression::None => Encoder::Plain(file),
            // A fixed header (mtime 0, no name, OS "unknown") keeps the output byte-identical.
            Compression::Gzip => Encoder::Gzip(
                flate2::GzBuilder::new()
                    .mtime(0)
                    .write(file, flate2::Compression::new(6)),
            ),
            Compression::Zstd => {
                let mut encoder = zstd::stream::write::Encoder::new(file, ZSTD_LEVEL)?;
                encoder.include_checksum(true)?;
                Encoder::Zstd(encoder)
            }
        };
        Ok(JsonlShard {
            out: BufWriter::with_capacity(BUFFER_BYTES, encoder),
            line: Vec::new(),
        })
    }

    /// Appends one record; returns its uncompressed size in bytes, newline included.
    pub(super) fn write(&mut self, doc: &Document) -> io::Result<u64> {
        self.line.clear();
        encode_record(doc, &mut self.line).map_err(io::Error::other)?;
        self.line.push(b'\n');
        self.out.write_all(&self.line)?;
        Ok(self.line.len() as u64)
    }

    /// Bytes that reached the file so far.
    pub(super) fn stored_bytes(&self) -> u64 {
        self.out.get_ref().file().written
    }

    /// Flushes everything, ends the compressed stream and returns the file.
    pub(super) fn finish(self) -> io::Result<File> {
        let encoder = self.out.into_inner().map_err(io::IntoInnerError::into_error)?;
        Ok(encoder.finish()?.file)
    }
}

/// Serialises `doc` as one JSON object (without newline) in the documented field order.
pub(crate) fn encode_record(doc: &Document, out: &mut Vec<u8>) -> serde_json::Result<()> {
    out.extend_from_slice(b"{\"id\":");
    serde_json::to_writer(&mut *out, &doc.id)?;
    out.extend_from_slice(b",\"text\":");
    serde_json::to_writer(&mut *out, &doc.text)?;
    out.extend_from_slice(b",\"url\":");
    serde_json::to_writer(&mut *out, &doc.url)?;
    out.extend_from_slice(b",\"metadata\":{");
    let mut first = true;
    if let Some(language) = &doc.language {
        entry(out, &mut first, "language", language)?;
    }
    if let Some(date) = &doc.date {
        entry(out, &mut first, "date", date)?;
    }
    for (key, value) in &doc.metadata {
        let shadowed = match key.as_str() {
            "language" => doc.language.is_some(),
            "date" => doc.date.is_some(),
            "signals" => !doc.signals.is_empty(),
            _ => false,
        };
        if !shadowed {
            entry(out, &mut first, key, value)?;
        }
    }
    if !doc.signals.is_empty() {
        entry(out, &mut first, "signals", &doc.signals)?;
    }
    out.extend_from_slice(b"}}");
    Ok(())
}

fn entry(out: &mut Vec<u8>, first: &mut bool, key: &str, value: &impl Serialize) -> serde_json::Result<()> {
    if !*first {
        out.push(b',');
    }
    *first = false;
    serde_json::to_writer(&mut *out, key)?;
    out.push(b':');
    serde_json::to_writer(&mut *out, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_layout_is_fixed() {
        let mut doc = Document::new("i\"d".into(), "t\nx".into());
        let mut out = Vec::new();
        encode_record(&doc, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"id":"i\"d","text":"t\nx","url":null,"metadata":{}}"#
        );

        doc.url = Some("http://a/".into());
        doc.language = Some("fr".into());
        doc.date = Some("2024-01-01".into());
        doc.metadata.insert("z".into(), serde_json::json!(1));
        doc.metadata.insert("a".into(), serde_json::json!({"k": [true]}));
        doc.metadata
            .insert("language".into(), serde_json::json!("shadowed"));
        doc.signals.insert("b.y".into(), 2.0);
        doc.signals.insert("a.x".into(), f64::NAN);
        let mut out = Vec::new();
        encode_record(&doc, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"id":"i\"d","text":"t\nx","url":"http://a/","metadata":{"language":"fr","date":"2024-01-01","a":{"k":[true]},"z":1,"signals":{"a.x":null,"b.y":2.0}}}"#
        );
    }
}
