//! WARC records (WARC/1.0, 1.1, WET, and the older 0.x drafts) read one at a time from a `BufRead`.

use std::io::{self, BufRead};

use crate::error::{Error, ErrorKind};
use crate::headers::{Headers, is_blank, trim_eol};
use crate::http::{HttpResponse, parse_http_response};
use crate::input::{Line, Tracked};
use crate::records::{self, ReadRecord, State};

/// Size caps that keep a reader's memory bounded whatever the input says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest record header (version line and fields) accepted, in bytes; a longer header is a
    /// [`ErrorKind::BadHeader`]. Default 64 KiB.
    pub max_header_bytes: u64,
    /// Largest record body accepted, in bytes; a larger body is skipped unbuffered and reported as
    /// [`ErrorKind::TooLarge`]. Default 64 MiB.
    pub max_record_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_header_bytes: 64 * 1024,
            max_record_bytes: 64 * 1024 * 1024,
        }
    }
}

/// One WARC record: its header fields and its block (the bytes `Content-Length` counts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Byte offset of the record's version line in the stream read.
    pub offset: u64,
    /// 0-based index of the record among everything the reader yielded (records and errors).
    pub index: u64,
    /// The version line as written, without its line ending (`WARC/1.0`, `WARC/1.1`, …).
    pub version: String,
    /// The header fields, in order.
    pub headers: Headers,
    /// The record block: for a `response`, the HTTP response with its headers (see
    /// [`parse_http_response`](crate::parse_http_response)), unless [`Record::http`] is set.
    pub body: Vec<u8>,
    /// The HTTP response head, parsed by a reader asked to
    /// ([`WarcReader::split_http_responses`]); `body` then holds only the payload, the block's bytes from
    /// `http.body_offset` on, so it is copied once, straight where it is used. `None` when not asked, for
    /// other records, and for a head the reader could not parse or see whole (the caller parses `body`).
    pub http: Option<HttpResponse>,
}

impl Record {
    /// `WARC-Type` (`warcinfo`, `response`, `request`, `resource`, `metadata`, `revisit`, `conversion`…).
    pub fn warc_type(&self) -> Option<&str> {
        self.headers.get("WARC-Type")
    }

    /// `WARC-Record-ID` as written, angle brackets included (`<urn:uuid:…>`).
    pub fn record_id(&self) -> Option<&str> {
        self.headers.get("WARC-Record-ID")
    }

    /// `WARC-Target-URI`, the URL the record was fetched from. Angle brackets that some WARC/1.0 writers
    /// put around it are removed.
    pub fn target_uri(&self) -> Option<&str> {
        self.headers.get("WARC-Target-URI").map(|uri| {
            uri.strip_prefix('<')
                .and_then(|u| u.strip_suffix('>'))
                .unwrap_or(uri)
        })
    }

    /// `WARC-Date` as written (ISO 8601, `2024-01-01T00:00:00Z`).
    pub fn date(&self) -> Option<&str> {
        self.headers.get("WARC-Date")
    }

    /// The record's own `Content-Type` (for a `response`, usually `application/http; msgtype=response`).
    pub fn content_type(&self) -> Option<&str> {
        self.headers.get("Content-Type")
    }

    /// Whether the block is an HTTP message: the record's `Content-Type`, if any, is `application/http`.
    pub fn block_is_http(&self) -> bool {
        block_is_http(&self.headers)
    }

    /// `Content-Length` as a number; for every record the reader yields it equals `body.len()`, plus
    /// `http.body_offset` when [`Record::http`] is set.
    pub fn content_length(&self) -> Option<u64> {
        self.headers
            .get("Content-Length")
            .and_then(|v| v.trim().parse().ok())
    }

    /// `WARC-Identified-Payload-Type`: the payload's media type as the crawler sniffed it.
    pub fn identified_payload_type(&self) -> Option<&str> {
        self.headers.get("WARC-Identified-Payload-Type")
    }
}

/// Reads WARC records one by one from a buffered stream (already decompressed).
///
/// Field names are matched case-insensitively, lines may end in CRLF or a bare LF, header fields may be
/// continued on lines starting with whitespace, and any number of blank lines may separate records. A
/// record that cannot be read yields an [`Error`]; after a bad header or a bad `Content-Length` the reader
/// scans forward to the next line starting with `WARC/` and goes on, after a record larger than
/// [`Limits::max_record_bytes`] it skips that record's body, and after an I/O error or the end of the input
/// it ends.
pub struct WarcReader<R> {
    input: Tracked<R>,
    limits: Limits,
    index: u64,
    state: State,
    line: Vec<u8>,
    split_http: bool,
}

impl<R: BufRead> WarcReader<R> {
    /// A reader over `reader`, whose first byte is taken as offset 0.
    pub fn new(reader: R, limits: Limits) -> WarcReader<R> {
        WarcReader {
            input: Tracked::new(reader),
            limits,
            index: 0,
            state: State::Ready,
            line: Vec::new(),
            split_http: false,
        }
    }

    /// Makes the reader parse the HTTP head of `response` records (those whose `Content-Type`, when there
    /// is one, is `application/http`) and yield it as [`Record::http`], with only the payload in
    /// [`Record::body`]: the payload is then copied once, not copied and moved down past the head.
    pub fn split_http_responses(mut self) -> WarcReader<R> {
        self.split_http = true;
        self
    }

    /// Bytes consumed from the underlying reader so far.
    pub fn bytes_consumed(&self) -> u64 {
        self.input.pos()
    }

    /// The next record, an error for a record that could not be read, or `None` at the end of the input
    /// (and forever after it, or after an I/O error).
    pub fn next_record(&mut self) -> Option<Result<Record, Error>> {
        records::next_record(self)
    }

    fn io_error(&self, index: u64, err: &io::Error) -> (Error, State) {
        (Error::io(self.input.pos(), index, err), State::Done)
    }

    fn bad(&self, offset: u64, index: u64, kind: ErrorKind, message: String, state: State) -> (Error, State) {
        (Error::new(offset, index, kind, message), state)
    }

    /// Reads one record; `Ok(None)` at the end of the input, `Err` with the state to go on in.
    fn read_warc_record(&mut self, index: u64) -> Result<Option<Record>, (Error, State)> {
        let max_header = self.limits.max_header_bytes.max(16);
        // Find the version line.
        let start = loop {
            if self.state == State::Ready {
                match self.input.skip_blank() {
                    Ok(true) => {}
                    Ok(false) => return Ok(None),
                    Err(e) => return Err(self.io_error(index, &e)),
                }
            }
            let start = self.input.pos();
            let end = self
                .input
                .read_line(&mut self.line, max_header)
                .map_err(|e| self.io_error(index, &e))?;
            let is_version = self
                .line
                .get(..5)
                .is_some_and(|p| p.eq_ignore_ascii_case(b"WARC/"));
            match end {
                Line::Complete if is_version => break start,
                Line::Eof if self.line.is_empty() => return Ok(None),
                Line::Eof if is_version => {
                    let msg = "record header cut off by the end of the input".to_owned();
                    return Err(self.bad(start, index, ErrorKind::BadHeader, msg, State::Done));
                }
                Line::TooLong => {
                    self.input.skip_line().map_err(|e| self.io_error(index, &e))?;
                }
                Line::Complete | Line::Eof => {}
            }
            if self.state == State::Ready && !is_blank(&self.line) {
                let msg = format!("expected a `WARC/` version line, found {}", preview(&self.line));
                return Err(self.bad(start, index, ErrorKind::BadHeader, msg, State::Resync));
            }
            if end == Line::Eof {
                return Ok(None);
            }
        };
        let version = String::from_utf8_lossy(trim_eol(&self.line)).trim().to_owned();
        let mut header_bytes = self.line.len() as u64;

        // Header fields, up to the blank line.
        let mut headers = Headers::new();
        loop {
            let line_start = self.input.pos();
            let remaining = max_header.saturating_sub(header_bytes);
            let end = self
                .input
                .read_line(&mut self.line, remaining)
                .map_err(|e| self.io_error(index, &e))?;
            header_bytes += self.line.len() as u64;
            match end {
                Line::Complete if is_blank(&self.line) => break,
                Line::Complete => {
                    if let Err(problem) = headers.push_line(&self.line) {
                        let msg = format!("{problem}: {}", preview(&self.line));
                        return Err(self.bad(line_start, index, ErrorKind::BadHeader, msg, State::Resync));
                    }
                }
                Line::TooLong => {
                    self.input.skip_line().map_err(|e| self.io_error(index, &e))?;
                    let msg = format!("record header longer than {max_header} bytes");
                    return Err(self.bad(start, index, ErrorKind::BadHeader, msg, State::Resync));
                }
                Line::Eof => {
                    let msg = "record header cut off by the end of the input".to_owned();
                    return Err(self.bad(line_start, index, ErrorKind::BadHeader, msg, State::Done));
                }
            }
        }

        // The block.
        let length = match headers.get("Content-Length") {
            None => {
                let msg = "record has no Content-Length".to_owned();
                return Err(self.bad(start, index, ErrorKind::BadContentLength, msg, State::Resync));
            }
            Some(value) => match value.trim().parse::<u64>() {
                Ok(length) => length,
                Err(_) => {
                    let msg = format!("Content-Length is not a number: {}", preview(value.as_bytes()));
                    return Err(self.bad(start, index, ErrorKind::BadContentLength, msg, State::Resync));
                }
            },
        };
        if length > self.limits.max_record_bytes {
            let skipped = self
                .input
                .skip_bytes(length)
                .map_err(|e| self.io_error(index, &e))?;
            let state = if skipped < length {
                State::Done
            } else {
                State::Ready
            };
            let max = self.limits.max_record_bytes;
            let msg = format!("record of {length} bytes is larger than the limit of {max} bytes; skipped");
            return Err(self.bad(start, index, ErrorKind::TooLarge, msg, state));
        }
        let http = if self.split_http && is_http_response(&headers) {
            self.split_http_head(length)
        } else {
            None
        };
        let head_len = http.as_ref().map_or(0, |http| http.body_offset as u64);
        let body = self
            .input
            .read_body(length - head_len)
            .map_err(|e| self.io_error(index, &e))?;
        let read = head_len + body.len() as u64;
        if read < length {
            let msg = format!("record body ends after {read} of its {length} bytes");
            return Err(self.bad(
                self.input.pos(),
                index,
                ErrorKind::BadContentLength,
                msg,
                State::Done,
            ));
        }
        Ok(Some(Record {
            offset: start,
            index,
            version,
            headers,
            body,
            http,
        }))
    }

    /// Parses the HTTP head at the start of the next `length` bytes, from what the input has buffered,
    /// and consumes it; `None` (nothing consumed) when the buffered bytes do not hold the whole head or it
    /// does not parse, which leaves the caller to parse the whole block and report the error (and the
    /// body read to report a failing input).
    fn split_http_head(&mut self, length: u64) -> Option<HttpResponse> {
        let buffered = self.input.fill_buf().ok()?;
        let seen = buffered
            .get(..usize::try_from(length).unwrap_or(usize::MAX))
            .unwrap_or(buffered);
        let http = parse_http_response(seen).ok()?;
        // A head that runs to the end of what is seen may go on past it, unless that is the block's end.
        if http.body_offset >= seen.len() && (seen.len() as u64) < length {
            return None;
        }
        self.input.consume(http.body_offset);
        Some(http)
    }
}

/// Whether a record is one whose block [`WarcReader::split_http_responses`] parses: a `response` whose
/// block is HTTP ([`block_is_http`]).
fn is_http_response(headers: &Headers) -> bool {
    headers
        .get("WARC-Type")
        .is_some_and(|kind| kind.eq_ignore_ascii_case("response"))
        && block_is_http(headers)
}

/// Whether a record's block is an HTTP message: its `Content-Type`, if any, is `application/http`
/// (crawlers also store DNS lookups and other non-HTTP fetches as `response` records).
fn block_is_http(headers: &Headers) -> bool {
    headers.get("Content-Type").is_none_or(|ct| {
        ct.trim_start()
            .get(..16)
            .is_some_and(|p| p.eq_ignore_ascii_case("application/http"))
    })
}

impl<R: BufRead> ReadRecord for WarcReader<R> {
    type Record = Record;

    fn position(&mut self) -> (&mut State, &mut u64) {
        (&mut self.state, &mut self.index)
    }

    fn read_record(&mut self, index: u64) -> Result<Option<Record>, (Error, State)> {
        self.read_warc_record(index)
    }
}

impl<R: BufRead> Iterator for WarcReader<R> {
    type Item = Result<Record, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_record()
    }
}

impl<R: BufRead> std::iter::FusedIterator for WarcReader<R> {}

/// The start of a line, for error messages: at most 60 characters, lossily decoded.
pub(crate) fn preview(line: &[u8]) -> String {
    let line = trim_eol(line);
    let text = String::from_utf8_lossy(line.get(..60).unwrap_or(line));
    format!("{:?}{}", text, if line.len() > 60 { "…" } else { "" })
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use proptest::prelude::*;

    use super::*;

    fn read_all(data: &[u8], limits: Limits) -> Vec<Result<Record, Error>> {
        WarcReader::new(data, limits).collect()
    }

    fn record_bytes(fields: &[(&str, &str)], body: &[u8], eol: &str) -> Vec<u8> {
        let mut out = format!("WARC/1.1{eol}").into_bytes();
        for (name, value) in fields {
            out.extend_from_slice(format!("{name}: {value}{eol}").as_bytes());
        }
        out.extend_from_slice(format!("Content-Length: {}{eol}{eol}", body.len()).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(format!("{eol}{eol}").as_bytes());
        out
    }

    #[test]
    fn empty_input_has_no_records() {
        assert!(read_all(b"", Limits::default()).is_empty());
        assert!(read_all(b"\r\n\r\n\n", Limits::default()).is_empty());
    }

    #[test]
    fn canonical_fields() {
        let fields = [
            ("WARC-Type", "response"),
            ("WARC-Record-ID", "<urn:uuid:0001>"),
            ("WARC-Date", "2024-01-01T00:00:00Z"),
            ("WARC-Target-URI", "https://a.example/"),
            ("Content-Type", "application/http; msgtype=response"),
            ("WARC-Identified-Payload-Type", "text/html"),
        ];
        let data = record_bytes(&fields, b"HTTP/1.1 200 OK\r\n\r\nhi", "\r\n");
        let records = read_all(&data, Limits::default());
        let r = records[0].as_ref().unwrap();
        assert_eq!(records.len(), 1);
        assert_eq!((r.offset, r.index, r.version.as_str()), (0, 0, "WARC/1.1"));
        assert_eq!(r.warc_type(), Some("response"));
        assert_eq!(r.record_id(), Some("<urn:uuid:0001>"));
        assert_eq!(r.date(), Some("2024-01-01T00:00:00Z"));
        assert_eq!(r.target_uri(), Some("https://a.example/"));
        assert_eq!(r.content_type(), Some("application/http; msgtype=response"));
        assert_eq!(r.identified_payload_type(), Some("text/html"));
        assert_eq!(r.content_length(), Some(21));
        assert_eq!(r.body, b"HTTP/1.1 200 OK\r\n\r\nhi");
    }

    #[test]
    fn lower_case_fields_lf_only_and_continuations() {
        let data = b"warc/1.0\nwarc-type: conversion\nwarc-target-uri: <https://b.example/>\nx-folded: one\n\ttwo\ncontent-length: 3\n\nabc\n\nWARC/0.18\nWARC-Type: resource\nContent-Length: 0\n\n";
        let records = read_all(data, Limits::default());
        assert_eq!(records.len(), 2);
        let r = records[0].as_ref().unwrap();
        assert_eq!(r.warc_type(), Some("conversion"));
        assert_eq!(r.target_uri(), Some("https://b.example/"));
        assert_eq!(r.headers.get("X-Folded"), Some("one two"));
        assert_eq!(r.body, b"abc");
        let r = records[1].as_ref().unwrap();
        assert_eq!((r.index, r.version.as_str(), r.body.len()), (1, "WARC/0.18", 0));
        assert_eq!(&data[r.offset as usize..][..9], b"WARC/0.18");
    }

    #[test]
    fn bad_content_length_then_resync() {
        let mut data =
            b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: lots\r\n\r\nbody\r\n\r\n".to_vec();
        data.extend(b"WARC/1.0\r\nWARC-Type: response\r\n\r\nbody\r\n\r\n");
        data.extend(record_bytes(&[("WARC-Type", "request")], b"ok", "\r\n"));
        let items = read_all(&data, Limits::default());
        assert_eq!(items.len(), 3);
        let err = items[0].as_ref().unwrap_err();
        assert_eq!(
            (err.kind, err.offset, err.record),
            (ErrorKind::BadContentLength, 0, 0)
        );
        assert_eq!(items[1].as_ref().unwrap_err().kind, ErrorKind::BadContentLength);
        let r = items[2].as_ref().unwrap();
        assert_eq!((r.index, r.body.as_slice()), (2, &b"ok"[..]));
    }

    #[test]
    fn truncated_body_is_reported_then_end() {
        let data = record_bytes(&[("WARC-Type", "response")], b"0123456789", "\r\n");
        let cut = &data[..data.len() - 8];
        let items = read_all(cut, Limits::default());
        assert_eq!(items.len(), 1);
        let err = items[0].as_ref().unwrap_err();
        assert_eq!(err.kind, ErrorKind::BadContentLength);
        assert_eq!(err.offset, cut.len() as u64);
        // A header cut off.
        let items = read_all(b"WARC/1.0\r\nWARC-Type: resp", Limits::default());
        assert_eq!(items[0].as_ref().unwrap_err().kind, ErrorKind::BadHeader);
        assert_eq!(items.len(), 1);
    }

    #[test]
    fn oversize_record_is_skipped_then_next_read() {
        let mut data = record_bytes(&[("WARC-Type", "response")], &[b'x'; 5000], "\r\n");
        data.extend(record_bytes(&[("WARC-Type", "resource")], b"small", "\r\n"));
        let limits = Limits {
            max_record_bytes: 1000,
            ..Limits::default()
        };
        let items = read_all(&data, limits);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].as_ref().unwrap_err().kind, ErrorKind::TooLarge);
        assert_eq!(items[1].as_ref().unwrap().body, b"small");
    }

    #[test]
    fn overlong_header_and_bad_fields_resync() {
        let mut data = format!(
            "WARC/1.0\r\nX-Big: {}\r\nContent-Length: 0\r\n\r\n",
            "y".repeat(300)
        )
        .into_bytes();
        data.extend(b"WARC/1.0\r\nno colon\r\nContent-Length: 0\r\n\r\n");
        data.extend(b"WARC/1.0\r\n continuation first\r\nContent-Length: 0\r\n\r\n");
        data.extend(record_bytes(&[("WARC-Type", "metadata")], b"m", "\n"));
        let limits = Limits {
            max_header_bytes: 200,
            ..Limits::default()
        };
        let items = read_all(&data, limits);
        let kinds: Vec<_> = items
            .iter()
            .map(|i| i.as_ref().map_err(|e| e.kind).map(|r| r.body.clone()))
            .collect();
        assert_eq!(
            kinds,
            [
                Err(ErrorKind::BadHeader),
                Err(ErrorKind::BadHeader),
                Err(ErrorKind::BadHeader),
                Ok(b"m".to_vec())
            ]
        );
    }

    #[test]
    fn resync_after_garbage() {
        let mut data = b"\x00\x01 total garbage\nmore garbage WARC/1.0\n".to_vec();
        data.extend(record_bytes(&[("WARC-Type", "warcinfo")], b"info", "\r\n"));
        data.extend(b"junk between records\r\n");
        data.extend(record_bytes(
            &[("WARC-Type", "response")],
            b"WARC/1.0 in a body",
            "\r\n",
        ));
        let items = read_all(&data, Limits::default());
        assert_eq!(items.len(), 4);
        assert_eq!(items[0].as_ref().unwrap_err().kind, ErrorKind::BadHeader);
        assert_eq!(items[1].as_ref().unwrap().warc_type(), Some("warcinfo"));
        assert_eq!(items[2].as_ref().unwrap_err().kind, ErrorKind::BadHeader);
        assert_eq!(items[3].as_ref().unwrap().body, b"WARC/1.0 in a body");
    }

    #[test]
    fn io_errors_end_the_reader() {
        struct Failing(usize);
        impl Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.0 == 0 {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "gzip member cut off",
                    ));
                }
                let data = b"WARC/1.0\r\nContent-Length: 100\r\n\r\n";
                let n = data.len().min(buf.len());
                buf[..n].copy_from_slice(&data[..n]);
                self.0 -= 1;
                Ok(n)
            }
        }
        let items: Vec<_> = WarcReader::new(io::BufReader::new(Failing(1)), Limits::default()).collect();
        assert_eq!(items.len(), 1);
        assert_eq!(
            items[0].as_ref().unwrap_err().kind,
            ErrorKind::Io(io::ErrorKind::UnexpectedEof)
        );
    }

    #[test]
    fn gzip_members_read_through_multigz() {
        use flate2::{Compression, write::GzEncoder};
        use std::io::Write;
        let mut data = Vec::new();
        for body in [&b"one"[..], b"two"] {
            let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
            gz.write_all(&record_bytes(&[("WARC-Type", "resource")], body, "\r\n"))
                .unwrap();
            data.extend(gz.finish().unwrap());
        }
        let decoder = io::BufReader::new(flate2::read::MultiGzDecoder::new(&data[..]));
        let bodies: Vec<_> = WarcReader::new(decoder, Limits::default())
            .map(|r| r.unwrap().body)
            .collect();
        assert_eq!(bodies, [b"one".to_vec(), b"two".to_vec()]);
    }

    /// A record's header fields and its block.
    type FieldsAndBlock<'a> = (&'a [(&'a str, &'a str)], &'a [u8]);

    #[test]
    fn split_http_responses_yield_the_parsed_head_and_the_payload() {
        let http_ct = ("Content-Type", "application/http; msgtype=response");
        let blocks: [FieldsAndBlock; 6] = [
            (
                &[("WARC-Type", "response"), http_ct],
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>hi</p>",
            ),
            (
                &[("WARC-Type", "Response")],
                b"HTTP/1.0 404 Gone\nX-Folded: a\n b\n\n",
            ),
            (
                &[("WARC-Type", "response"), http_ct],
                b"HTTP/1.1 200 OK\r\nServer: x",
            ),
            (
                &[("WARC-Type", "response"), http_ct],
                b"not http at all\r\n\r\nbody",
            ),
            (
                &[("WARC-Type", "response"), ("Content-Type", "text/dns")],
                b"HTTP/1.1 200 OK\r\n\r\nx",
            ),
            (&[("WARC-Type", "request"), http_ct], b"GET / HTTP/1.1\r\n\r\n"),
        ];
        let mut data = Vec::new();
        for (fields, block) in blocks {
            data.extend(record_bytes(fields, block, "\r\n"));
        }
        // Buffers too small to hold a whole head leave the parsing to the caller; the result is the same.
        for capacity in [1, 7, 30, 64, 100, 1 << 16] {
            let reader = WarcReader::new(
                io::BufReader::with_capacity(capacity, &data[..]),
                Limits::default(),
            );
            let records: Vec<Record> = reader.split_http_responses().map(Result::unwrap).collect();
            assert_eq!(records.len(), blocks.len());
            for (record, (_, block)) in records.iter().zip(blocks) {
                match &record.http {
                    Some(http) => {
                        assert_eq!(Ok(http), parse_http_response(block).as_ref());
                        assert_eq!(record.body, &block[http.body_offset..]);
                    }
                    None => assert_eq!(record.body, block),
                }
            }
            let split: Vec<bool> = records.iter().map(|r| r.http.is_some()).collect();
            if capacity == 1 << 16 {
                assert_eq!(split, [true, true, true, false, false, false]);
                assert_eq!(records[0].body, b"<p>hi</p>");
                assert_eq!(
                    records[1].http.as_ref().unwrap().headers.get("x-folded"),
                    Some("a b")
                );
            } else if capacity == 1 {
                assert!(split.iter().all(|s| !s), "{split:?}");
            }
        }
        // Without the setting, blocks stay whole.
        assert!(
            read_all(&data, Limits::default())
                .iter()
                .all(|r| r.as_ref().unwrap().http.is_none())
        );
    }

    #[test]
    fn split_http_response_cut_short_counts_its_head() {
        let block = b"HTTP/1.1 200 OK\r\n\r\n0123456789";
        let data = record_bytes(&[("WARC-Type", "response")], block, "\r\n");
        let cut = &data[..data.len() - 8];
        let items: Vec<_> = WarcReader::new(cut, Limits::default())
            .split_http_responses()
            .collect();
        let err = items[0].as_ref().unwrap_err();
        assert_eq!(
            (items.len(), err.kind, err.offset),
            (1, ErrorKind::BadContentLength, cut.len() as u64)
        );
        assert!(
            err.message
                .contains(&format!("after {} of its {} bytes", block.len() - 4, block.len())),
            "{err}"
        );
    }

    fn field_name() -> impl Strategy<Value = String> {
        "[A-Za-z][A-Za-z0-9-]{0,20}"
    }

    fn field_value() -> impl Strategy<Value = String> {
        "[!-~]([ -~]{0,40}[!-~])?"
    }

    fn record_strategy() -> impl Strategy<Value = (Vec<(String, String)>, Vec<u8>)> {
        let fields = prop::collection::vec((field_name(), field_value()), 0..6).prop_map(|fields| {
            fields
                .into_iter()
                .filter(|(n, _)| !n.eq_ignore_ascii_case("content-length"))
                .collect()
        });
        (fields, prop::collection::vec(any::<u8>(), 0..300))
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..2000), small in any::<bool>(), split in any::<bool>()) {
            let limits = if small { Limits { max_header_bytes: 40, max_record_bytes: 50 } } else { Limits::default() };
            let mut reader = WarcReader::new(&data[..], limits);
            if split {
                reader = reader.split_http_responses();
            }
            let mut n = 0;
            while let Some(item) = reader.next_record() {
                if let Err(err) = item {
                    prop_assert!(err.offset <= reader.bytes_consumed());
                    prop_assert_eq!(err.record, n);
                }
                n += 1;
                prop_assert!(n <= data.len() as u64 + 1);
            }
            prop_assert!(reader.next_record().is_none());
            let _ = crate::parse_http_response(&data);
            let _ = crate::decode_chunked(&data);
            let mut arc = crate::ArcReader::new(&data[..], limits);
            while let Some(item) = arc.next_record() {
                if let Err(err) = item {
                    prop_assert!(err.offset <= arc.bytes_consumed());
                }
            }
        }

        #[test]
        fn warc_like_garbage_never_panics(parts in prop::collection::vec(prop_oneof![
            Just(&b"WARC/1.0\r\n"[..]), Just(&b"Content-Length: 5\r\n"[..]), Just(&b"HTTP/1.1 200 OK\r\n"[..]), Just(&b"\r\n"[..]), Just(&b"\n"[..]),
            Just(&b" cont\r\n"[..]), Just(&b"WARC-Type: response\n"[..]), Just(&b"abcde"[..]), Just(&b"x"[..]),
            Just(&b"Content-Length: 99999999999999999999\r\n"[..]),
        ], 0..40)) {
            let data = parts.concat();
            let mut reader = WarcReader::new(&data[..], Limits { max_header_bytes: 64, max_record_bytes: 20 }).split_http_responses();
            while let Some(item) = reader.next_record() {
                if let Err(err) = item {
                    prop_assert!(err.offset <= reader.bytes_consumed());
                }
            }
        }

        #[test]
        fn valid_warc_round_trips(records in prop::collection::vec(record_strategy(), 0..8), lf in any::<bool>()) {
            let eol = if lf { "\n" } else { "\r\n" };
            let mut data = Vec::new();
            let mut offsets = Vec::new();
            for (fields, body) in &records {
                offsets.push(data.len() as u64);
                let fields: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
                data.extend(record_bytes(&fields, body, eol));
            }
            let read: Vec<Record> = read_all(&data, Limits::default()).into_iter().collect::<Result<_, _>>().unwrap();
            prop_assert_eq!(read.len(), records.len());
            for (i, (r, (fields, body))) in read.iter().zip(&records).enumerate() {
                prop_assert_eq!(r.index, i as u64);
                prop_assert_eq!(r.offset, offsets[i]);
                prop_assert_eq!(&r.body, body);
                let got: Vec<(&str, &str)> = r.headers.iter().collect();
                let mut want: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
                let length = body.len().to_string();
                want.push(("Content-Length", &length));
                prop_assert_eq!(got, want);
            }
        }
    }
}
