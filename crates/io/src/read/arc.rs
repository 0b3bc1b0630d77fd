//! Internet Archive ARC files: HTML captures become documents.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use saring_core::{Document, Provenance, stable_id};
use saring_warc::{ArcReader, ArcRecord, Limits, parse_http_response};
use serde_json::Value;

use super::charset::decode_html;
use super::warc::{is_html, read_error};
use super::{DocReader, ReadError, ReadErrorKind, ReaderConfig};
use crate::compression::{ByteCounter, open_decompressed};

/// Reads one ARC file, compressed or not, as a stream of documents.
///
/// Captures whose HTTP response is a 2xx HTML page become documents with `html` set and an id made by
/// [`stable_id`] of the path and record offset (ARC records carry no id). The `filedesc://` block is
/// counted in [`DocReader::skipped`] as `filedesc`, other captures as `not_html`, `not_ok_status` or
/// `not_http` (DNS and other non-HTTP captures).
pub(crate) struct ArcDocs {
    path: PathBuf,
    path_text: String,
    reader: ArcReader<Box<dyn BufRead + Send>>,
    counter: ByteCounter,
    skipped: BTreeMap<String, u64>,
}

impl ArcDocs {
    /// Opens `path`, sniffing gzip or zstd compression, with records capped at `max_record_bytes`.
    pub(crate) fn open(path: &Path, config: &ReaderConfig) -> Result<ArcDocs, ReadError> {
        let (stream, counter) = open_decompressed(path)?;
        let limits = Limits {
            max_record_bytes: config.max_record_bytes,
            ..Limits::default()
        };
        Ok(ArcDocs {
            path: path.to_path_buf(),
            path_text: path.display().to_string(),
            reader: ArcReader::new(stream, limits),
            counter,
            skipped: BTreeMap::new(),
        })
    }

    fn skip(&mut self, reason: &str) {
        *self.skipped.entry(reason.to_owned()).or_insert(0) += 1;
    }

    fn document(&mut self, record: ArcRecord) -> Result<Option<Document>, ReadError> {
        if record.is_filedesc() {
            self.skip("filedesc");
            return Ok(None);
        }
        let scheme_is_http = record
            .url
            .get(..4)
            .is_some_and(|s| s.eq_ignore_ascii_case("http"));
        if !scheme_is_http {
            self.skip("not_http");
            return Ok(None);
        }
        let http = parse_http_response(&record.body).map_err(|e| {
            let message = format!("{} (ARC record body offset {})", e.message, e.offset);
            let (index, offset) = (Some(record.index), Some(record.offset));
            ReadError::new(&self.path, index, offset, ReadErrorKind::BadHeader, message)
        })?;
        if !http.is_success() {
            self.skip("not_ok_status");
            return Ok(None);
        }
        let content_type = http.content_type().unwrap_or(&record.content_type);
        if !is_html(Some(content_type)) {
            self.skip("not_html");
            return Ok(None);
        }
        let mut metadata = BTreeMap::new();
        metadata.insert("content_type".to_owned(), Value::String(content_type.to_owned()));
        metadata.insert("http_status".to_owned(), Value::from(http.status));
        Ok(Some(Document {
            id: stable_id(&self.path_text, record.offset),
            url: Some(record.url.clone()),
            date: Some(record.date.clone()),
            html: Some(decode_html(http.payload(&record.body), http.content_type())),
            metadata,
            provenance: Provenance {
                path: self.path_text.clone(),
                record: record.index,
                offset: record.offset,
            },
            ..Document::default()
        }))
    }
}

impl Iterator for ArcDocs {
    type Item = Result<Document, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let record = match self.reader.next_record()? {
                Ok(record) => record,
                Err(err) => return Some(Err(read_error(&self.path, err))),
            };
            match self.document(record) {
                Ok(Some(doc)) => return Some(Ok(doc)),
                Ok(None) => {}
                Err(err) => return Some(Err(err)),
            }
        }
    }
}

impl DocReader for ArcDocs {
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
    use crate::read::open_input;

    fn arc_record(url: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
        let mut out = format!("{url} 127.0.0.1 19961104142103 {content_type} {}\n", body.len()).into_bytes();
        out.extend_from_slice(body);
        out.push(b'\n');
        out
    }

    fn arc_file() -> Vec<Vec<u8>> {
        let block = b"1 0 Alexa Internet\nURL IP-address Archive-date Content-type Archive-length\n";
        vec![
            arc_record("filedesc://test.arc", "text/plain", block),
            arc_record(
                "http://a.example/",
                "text/html",
                b"HTTP/1.0 200 OK\r\nContent-Type: text/html; charset=iso-8859-1\r\n\r\n<p>caf\xe9</p>",
            ),
            arc_record(
                "http://a.example/x.gif",
                "image/gif",
                b"HTTP/1.0 200 OK\r\nContent-Type: image/gif\r\n\r\nGIF89a",
            ),
            arc_record(
                "http://a.example/old",
                "text/html",
                b"HTTP/1.0 302 Found\r\nLocation: /\r\n\r\n",
            ),
            arc_record("dns:a.example", "text/dns", b"a.example. 300 IN A 127.0.0.1"),
            arc_record(
                "http://a.example/bare",
                "text/html",
                b"HTTP/1.0 200 OK\r\n\r\n<p>bare</p>",
            ),
        ]
    }

    #[test]
    fn html_captures_become_documents() {
        let dir = tempfile::tempdir().unwrap();
        let records = arc_file();
        let mut gz = Vec::new();
        for record in &records {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            enc.write_all(record).unwrap();
            gz.extend(enc.finish().unwrap());
        }
        for (name, data) in [("a.arc", records.concat()), ("a.arc.gz", gz)] {
            let path = dir.path().join(name);
            std::fs::write(&path, &data).unwrap();
            let mut reader = open_input(&path, &ReaderConfig::default()).unwrap();
            let docs: Vec<Document> = reader.by_ref().map(Result::unwrap).collect();
            assert_eq!(docs.len(), 2);
            let doc = &docs[0];
            let offset = records[0].len() as u64;
            assert_eq!(doc.id, stable_id(&path.display().to_string(), offset));
            assert_eq!(doc.url.as_deref(), Some("http://a.example/"));
            assert_eq!(doc.date.as_deref(), Some("1996-11-04T14:21:03Z"));
            assert_eq!(doc.html.as_deref(), Some("<p>café</p>"));
            assert_eq!(doc.metadata["http_status"], 200);
            assert_eq!((doc.provenance.record, doc.provenance.offset), (1, offset));
            // No HTTP Content-Type: the ARC header's type decides.
            assert_eq!(docs[1].html.as_deref(), Some("<p>bare</p>"));
            let skipped: Vec<(&str, u64)> = reader.skipped().iter().map(|(k, v)| (k.as_str(), *v)).collect();
            assert_eq!(
                skipped,
                [
                    ("filedesc", 1),
                    ("not_html", 1),
                    ("not_http", 1),
                    ("not_ok_status", 1)
                ]
            );
            assert_eq!(reader.bytes_read(), data.len() as u64);
        }
    }

    #[test]
    fn errors_carry_kind_record_and_offset() {
        let dir = tempfile::tempdir().unwrap();
        let mut data = arc_file().concat();
        let bad_at = data.len() as u64;
        data.extend_from_slice(
            b"http://b.example/ 1.2.3.4 20000101000000 text/html 500\nHTTP/1.0 200 OK\r\n\r\nshort",
        );
        let path = dir.path().join("cut.arc");
        std::fs::write(&path, &data).unwrap();
        let config = ReaderConfig {
            max_record_bytes: 100,
            ..ReaderConfig::default()
        };
        let items: Vec<_> = open_input(&path, &config).unwrap().collect();
        let err = items.last().unwrap().as_ref().unwrap_err();
        assert_eq!(
            (err.kind, err.record, err.offset),
            (ReadErrorKind::TooLarge, Some(6), Some(bad_at))
        );
        let items: Vec<_> = open_input(&path, &ReaderConfig::default()).unwrap().collect();
        let err = items.last().unwrap().as_ref().unwrap_err();
        assert_eq!(err.kind, ReadErrorKind::BadContentLength);
    }
}
