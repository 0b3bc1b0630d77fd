//! WARC files (including WET): `response`, `resource` and `conversion` records become documents.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use saring_core::{Document, Provenance};
use saring_warc::{ErrorKind, HttpResponse, Limits, Record, WarcReader, parse_http_response};
use serde_json::Value;

use super::charset::decode_html_in_place;
use super::{DocReader, ReadError, ReadErrorKind, ReaderConfig};
use crate::compression::{ByteCounter, open_decompressed};

/// Reads one WARC file, compressed or not, as a stream of documents.
///
/// HTML `response` and `resource` records become documents with `html` set; `conversion` records (WET
/// files) become documents with `text` set. Everything else is counted in [`DocReader::skipped`]: records
/// by their `WARC-Type`, responses by why they were left out (`not_html`, `not_ok_status`, `not_http`).
pub(crate) struct WarcDocs {
    path: PathBuf,
    reader: WarcReader<Box<dyn BufRead + Send>>,
    counter: ByteCounter,
    skipped: BTreeMap<String, u64>,
}

impl WarcDocs {
    /// Opens `path`, sniffing gzip or zstd compression, with records capped at `max_record_bytes`.
    pub(crate) fn open(path: &Path, config: &ReaderConfig) -> Result<WarcDocs, ReadError> {
        let (stream, counter) = open_decompressed(path)?;
        let limits = Limits {
            max_record_bytes: config.max_record_bytes,
            ..Limits::default()
        };
        Ok(WarcDocs {
            path: path.to_path_buf(),
            reader: WarcReader::new(stream, limits).split_http_responses(),
            counter,
            skipped: BTreeMap::new(),
        })
    }

    fn skip(&mut self, reason: &str) {
        // Avoids allocating the key for every record once it is counted.
        match self.skipped.get_mut(reason) {
            Some(n) => *n += 1,
            None => {
                self.skipped.insert(reason.to_owned(), 1);
            }
        }
    }

    /// Turns a record into a document, or `Ok(None)` (after counting why) when it is not one.
    fn document(&mut self, record: Record) -> Result<Option<Document>, ReadError> {
        let kind = record.warc_type().unwrap_or("unknown").to_ascii_lowercase();
        match kind.as_str() {
            "response" => self.response(record),
            "resource" => {
                let content_type = record.content_type().map(str::to_owned);
                if !is_html(content_type.as_deref()) {
                    self.skip("not_html");
                    return Ok(None);
                }
                let mut doc = self.base(&record);
                doc.html = Some(decode_html_in_place(record.body, 0, content_type.as_deref()));
                if let Some(content_type) = content_type {
                    doc.metadata
                        .insert("content_type".to_owned(), Value::String(content_type));
                }
                Ok(Some(doc))
            }
            "conversion" => {
                let mut doc = self.base(&record);
                if let Some(content_type) = record.content_type() {
                    doc.metadata
                        .insert("content_type".to_owned(), Value::String(content_type.to_owned()));
                }
                doc.text = match String::from_utf8(record.body) {
                    Ok(text) => text,
                    Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
                };
                Ok(Some(doc))
            }
            _ => {
                self.skip(&kind);
                Ok(None)
            }
        }
    }

    fn response(&mut self, mut record: Record) -> Result<Option<Document>, ReadError> {
        if !record.block_is_http() {
            self.skip("not_http");
            return Ok(None);
        }
        // The reader has parsed the head and left only the payload in `body`, unless it could not.
        let (http, payload_start) = match record.http.take() {
            Some(http) => (http, 0),
            None => {
                let http = self.parse_http(&record)?;
                let start = http.body_offset;
                (http, start)
            }
        };
        if !http.is_success() {
            self.skip("not_ok_status");
            return Ok(None);
        }
        let content_type = http.content_type().or_else(|| record.identified_payload_type());
        if !is_html(content_type) {
            self.skip("not_html");
            return Ok(None);
        }
        let mut doc = self.base(&record);
        if let Some(content_type) = content_type {
            doc.metadata
                .insert("content_type".to_owned(), Value::String(content_type.to_owned()));
        }
        doc.metadata
            .insert("http_status".to_owned(), Value::from(http.status));
        doc.html = Some(decode_html_in_place(
            record.body,
            payload_start,
            http.content_type(),
        ));
        Ok(Some(doc))
    }

    /// Parses the HTTP head at the start of a record's block.
    fn parse_http(&self, record: &Record) -> Result<HttpResponse, ReadError> {
        parse_http_response(&record.body).map_err(|e| {
            let message = format!("{} (WARC record body offset {})", e.message, e.offset);
            ReadError::new(
                &self.path,
                Some(record.index),
                Some(record.offset),
                ReadErrorKind::BadHeader,
                message,
            )
        })
    }

    /// A document with the record's id, URL, date and provenance.
    fn base(&self, record: &Record) -> Document {
        Document {
            id: record
                .record_id()
                .map(str::to_owned)
                .unwrap_or_else(|| saring_core::stable_id(&self.path.display().to_string(), record.offset)),
            url: record.target_uri().map(str::to_owned),
            date: record.date().map(str::to_owned),
            provenance: Provenance {
                path: self.path.display().to_string(),
                record: record.index,
                offset: record.offset,
            },
            ..Document::default()
        }
    }
}

/// Whether a Content-Type names an HTML document (`text/html` or `application/xhtml+xml`).
pub(crate) fn is_html(content_type: Option<&str>) -> bool {
    let Some(content_type) = content_type else {
        return false;
    };
    let mime = content_type.split(';').next().unwrap_or_default().trim();
    mime.eq_ignore_ascii_case("text/html") || mime.eq_ignore_ascii_case("application/xhtml+xml")
}

/// Converts a parser error into the reader's error type.
pub(crate) fn read_error(path: &Path, err: saring_warc::Error) -> ReadError {
    let kind = match err.kind {
        ErrorKind::BadHeader => ReadErrorKind::BadHeader,
        ErrorKind::BadContentLength => ReadErrorKind::BadContentLength,
        ErrorKind::TooLarge => ReadErrorKind::TooLarge,
        ErrorKind::Io(
            std::io::ErrorKind::UnexpectedEof
            | std::io::ErrorKind::InvalidData
            | std::io::ErrorKind::InvalidInput,
        ) => ReadErrorKind::Truncated,
        _ => ReadErrorKind::Io,
    };
    ReadError::new(path, Some(err.record), Some(err.offset), kind, err.message)
}

impl Iterator for WarcDocs {
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

impl DocReader for WarcDocs {
    fn skipped(&self) -> &BTreeMap<String, u64> {
        &self.skipped
    }

    fn bytes_read(&self) -> u64 {
        self.counter.get()
    }

    fn decompressed_bytes(&self) -> Option<u64> {
        Some(self.reader.bytes_consumed())
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::read::open_input;

    fn record(kind: &str, id: &str, fields: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
        let mut out = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{id}>\r\nWARC-Date: 2024-01-01T00:00:00Z\r\n"
        )
        .into_bytes();
        for (name, value) in fields {
            out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\r\n\r\n");
        out
    }

    fn response(id: &str, url: &str, http_head: &str, payload: &[u8]) -> Vec<u8> {
        let mut block = http_head.as_bytes().to_vec();
        block.extend_from_slice(payload);
        let fields = [
            ("WARC-Target-URI", url),
            ("Content-Type", "application/http; msgtype=response"),
        ];
        record("response", id, &fields, &block)
    }

    /// A small crawl: one HTML page among records of every other kind.
    fn crawl() -> Vec<Vec<u8>> {
        vec![
            record(
                "warcinfo",
                "0",
                &[("Content-Type", "application/warc-fields")],
                b"software: test\r\n",
            ),
            record(
                "request",
                "1",
                &[("WARC-Target-URI", "https://a.example/")],
                b"GET / HTTP/1.1\r\n\r\n",
            ),
            response(
                "2",
                "https://a.example/",
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n",
                b"<p>A</p>",
            ),
            response(
                "3",
                "https://a.example/i.png",
                "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n",
                b"\x89PNG",
            ),
            response(
                "4",
                "https://a.example/gone",
                "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n",
                b"no",
            ),
            record("metadata", "5", &[], b"fetchTimeMs: 1\r\n"),
            record("revisit", "6", &[], b""),
            record(
                "resource",
                "7",
                &[
                    ("WARC-Target-URI", "file:///b.html"),
                    ("Content-Type", "text/html"),
                ],
                b"<p>B</p>",
            ),
        ]
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(data).unwrap();
        gz.finish().unwrap()
    }

    fn write(dir: &tempfile::TempDir, name: &str, data: &[u8]) -> PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, data).unwrap();
        path
    }

    fn read(
        path: &Path,
        config: &ReaderConfig,
    ) -> (Vec<Result<Document, ReadError>>, BTreeMap<String, u64>, u64) {
        let mut reader = open_input(path, config).unwrap();
        let items: Vec<_> = reader.by_ref().collect();
        (items, reader.skipped().clone(), reader.bytes_read())
    }

    #[test]
    fn html_responses_and_resources_become_documents_in_every_compression() {
        let dir = tempfile::tempdir().unwrap();
        let records = crawl();
        let plain = records.concat();
        let files = [
            write(&dir, "plain.warc", &plain),
            write(
                &dir,
                "members.warc.gz",
                &records.iter().flat_map(|r| gzip(r)).collect::<Vec<_>>(),
            ),
            write(&dir, "whole.warc.gz", &gzip(&plain)),
            write(&dir, "crawl.warc.zst", &zstd::encode_all(&plain[..], 3).unwrap()),
        ];
        for path in &files {
            let (items, skipped, bytes) = read(path, &ReaderConfig::default());
            let docs: Vec<Document> = items.into_iter().map(Result::unwrap).collect();
            assert_eq!(docs.len(), 2, "{}", path.display());
            let a = &docs[0];
            assert_eq!(a.id, "<urn:uuid:2>");
            assert_eq!(a.url.as_deref(), Some("https://a.example/"));
            assert_eq!(a.date.as_deref(), Some("2024-01-01T00:00:00Z"));
            assert_eq!(a.html.as_deref(), Some("<p>A</p>"));
            assert_eq!(a.text, "");
            assert_eq!(a.metadata["content_type"], "text/html");
            assert_eq!(a.metadata["http_status"], 200);
            assert_eq!(
                (a.provenance.record, a.provenance.path.clone()),
                (2, path.display().to_string())
            );
            assert_eq!(&plain[a.provenance.offset as usize..][..8], b"WARC/1.0");
            assert_eq!(docs[1].html.as_deref(), Some("<p>B</p>"));
            assert_eq!(docs[1].url.as_deref(), Some("file:///b.html"));
            let want: BTreeMap<String, u64> = [
                ("metadata", 1),
                ("not_html", 1),
                ("not_ok_status", 1),
                ("request", 1),
                ("revisit", 1),
                ("warcinfo", 1),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
            assert_eq!(skipped, want);
            assert_eq!(bytes, std::fs::metadata(path).unwrap().len());
            let mut reader = open_input(path, &ReaderConfig::default()).unwrap();
            reader.by_ref().for_each(drop);
            assert_eq!(reader.decompressed_bytes(), Some(plain.len() as u64));
        }
    }

    #[test]
    fn truncated_gzip_member_reads_what_it_can_then_ends() {
        let dir = tempfile::tempdir().unwrap();
        let first = gzip(&response(
            "a",
            "https://a.example/",
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n",
            b"one",
        ));
        let second = gzip(&response(
            "b",
            "https://b.example/",
            "HTTP/1.1 200 OK\r\n\r\n",
            &[b'x'; 4000],
        ));
        let mut data = first.clone();
        data.extend_from_slice(&second[..second.len() / 2]);
        let path = write(&dir, "cut.warc.gz", &data);
        let (items, _, _) = read(&path, &ReaderConfig::default());
        assert_eq!(items.len(), 2, "{items:?}");
        assert_eq!(items[0].as_ref().unwrap().id, "<urn:uuid:a>");
        let err = items[1].as_ref().unwrap_err();
        assert_eq!(err.kind, ReadErrorKind::Truncated, "{err}");
        assert_eq!(err.record, Some(1));
    }

    #[test]
    fn bad_content_length_and_too_large_records_are_errored_and_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let ok = |id: &str| {
            response(
                id,
                "https://a.example/",
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n",
                b"ok",
            )
        };
        let mut data = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: twelve\r\n\r\nHTTP/1.1 200 OK\r\n\r\n\r\n\r\n".to_vec();
        data.extend(ok("after-bad"));
        data.extend(response(
            "big",
            "https://a.example/",
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n",
            &[b'x'; 2000],
        ));
        data.extend(ok("after-big"));
        let path = write(&dir, "bad.warc", &data);
        let config = ReaderConfig {
            max_record_bytes: 1000,
            ..ReaderConfig::default()
        };
        let (items, _, _) = read(&path, &config);
        let summary: Vec<Result<String, ReadErrorKind>> = items
            .into_iter()
            .map(|i| i.map(|d| d.id).map_err(|e| e.kind))
            .collect();
        assert_eq!(
            summary,
            [
                Err(ReadErrorKind::BadContentLength),
                Ok("<urn:uuid:after-bad>".to_owned()),
                Err(ReadErrorKind::TooLarge),
                Ok("<urn:uuid:after-big>".to_owned()),
            ]
        );
    }

    #[test]
    fn declared_charset_is_decoded() {
        let dir = tempfile::tempdir().unwrap();
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=windows-1252\r\n\r\n";
        let data = response(
            "cp",
            "https://a.example/",
            head,
            b"<p>caf\xe9 \x93quoted\x94 \x80</p>",
        );
        let path = write(&dir, "cp.warc", &data);
        let (items, _, _) = read(&path, &ReaderConfig::default());
        let doc = items[0].as_ref().unwrap();
        assert_eq!(doc.html.as_deref(), Some("<p>café “quoted” €</p>"));
        assert_eq!(doc.metadata["content_type"], "text/html; charset=windows-1252");
    }

    #[test]
    fn identified_payload_type_stands_in_for_a_missing_content_type() {
        let dir = tempfile::tempdir().unwrap();
        let mut block = b"HTTP/1.1 200 OK\r\n\r\n<p>x</p>".to_vec();
        let fields = [
            ("WARC-Target-URI", "https://a.example/"),
            ("WARC-Identified-Payload-Type", "text/html"),
        ];
        let mut data = record("response", "p", &fields, &block);
        block.truncate(19);
        data.extend(record(
            "response",
            "q",
            &[("WARC-Target-URI", "https://b.example/")],
            &block,
        ));
        data.extend(record(
            "response",
            "dns",
            &[("Content-Type", "text/dns")],
            b"example.com. 300 IN A 1.2.3.4",
        ));
        data.extend(record("response", "bad", &[], b"not http at all"));
        let path = write(&dir, "ipt.warc", &data);
        let (items, skipped, _) = read(&path, &ReaderConfig::default());
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].as_ref().unwrap().html.as_deref(), Some("<p>x</p>"));
        assert_eq!(items[1].as_ref().unwrap_err().kind, ReadErrorKind::BadHeader);
        assert_eq!(skipped.get("not_html"), Some(&1));
        assert_eq!(skipped.get("not_http"), Some(&1));
    }

    #[test]
    fn wet_conversion_records_become_text_documents() {
        let dir = tempfile::tempdir().unwrap();
        let text = "Hello wörld\nSecond line";
        let fields = [
            ("WARC-Target-URI", "https://w.example/"),
            ("Content-Type", "text/plain"),
        ];
        let mut data = record("warcinfo", "i", &[], b"x");
        data.extend(record("conversion", "c", &fields, text.as_bytes()));
        data.extend(record("conversion", "d", &fields, b"bad \xff byte"));
        let path = write(&dir, "x.warc.wet.gz", &gzip(&data));
        let (items, skipped, _) = read(&path, &ReaderConfig::default());
        let docs: Vec<Document> = items.into_iter().map(Result::unwrap).collect();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].text, text);
        assert_eq!(docs[0].html, None);
        assert_eq!(docs[0].id, "<urn:uuid:c>");
        assert_eq!(docs[0].url.as_deref(), Some("https://w.example/"));
        assert_eq!(docs[1].text, "bad \u{fffd} byte");
        assert_eq!(skipped.get("warcinfo"), Some(&1));
    }

    #[test]
    fn seed_page_round_trips_through_a_warc() {
        let seed = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/examples/seed/page.html"
        );
        let Ok(html) = std::fs::read(seed) else {
            return; // The shared folder is not beside the repository here.
        };
        let dir = tempfile::tempdir().unwrap();
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n";
        let path = write(
            &dir,
            "seed.warc.gz",
            &gzip(&response("seed", "https://seed.example/", head, &html)),
        );
        let (items, _, _) = read(&path, &ReaderConfig::default());
        assert_eq!(
            items[0].as_ref().unwrap().html.as_deref(),
            Some(String::from_utf8_lossy(&html).as_ref())
        );
    }
}
