//! Internet Archive ARC files (versions 1 and 2): a one-line header per record, then its bytes.

use std::io::{self, BufRead};

use crate::error::{Error, ErrorKind};
use crate::input::{Line, Tracked};
use crate::records::{self, ReadRecord, State};
use crate::warc::{Limits, preview};

/// One ARC record: the fields of its header line and the bytes that follow it.
///
/// The first record of an ARC file is its `filedesc://` version block, which describes the file rather
/// than a capture; it is yielded like any other record so that callers can count it, and
/// [`ArcRecord::is_filedesc`] tells it apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArcRecord {
    /// Byte offset of the record's header line in the stream read.
    pub offset: u64,
    /// 0-based index of the record among everything the reader yielded (records and errors).
    pub index: u64,
    /// The URL captured (`filedesc://…` for the version block).
    pub url: String,
    /// The IP address it was fetched from, as written.
    pub ip: String,
    /// The archive date in ISO 8601 (`YYYY-MM-DDTHH:MM:SSZ`), converted from the header's 14-digit form;
    /// kept as written when it is not a digit string.
    pub date: String,
    /// The content type the header declares, as written.
    pub content_type: String,
    /// The record's bytes (for a capture over HTTP, the HTTP response with its headers).
    pub body: Vec<u8>,
}

impl ArcRecord {
    /// Whether this is the file's `filedesc://` version block rather than a capture.
    pub fn is_filedesc(&self) -> bool {
        self.url
            .get(..9)
            .is_some_and(|p| p.eq_ignore_ascii_case("filedesc:"))
    }
}

/// Reads ARC records one by one from a buffered stream (already decompressed).
///
/// The header line is `URL IP-address Archive-date Content-type Archive-length` (version 1) or the ten
/// fields of version 2, which the `filedesc://` block announces; the length is always the last field. A
/// header line that cannot be parsed yields an [`Error`], after which the reader skips lines until one
/// looks like an ARC header line. Records larger than [`Limits::max_record_bytes`] are skipped unbuffered
/// and reported as [`ErrorKind::TooLarge`]; the reader ends at the end of the input or after an I/O error.
pub struct ArcReader<R> {
    input: Tracked<R>,
    limits: Limits,
    index: u64,
    state: State,
    line: Vec<u8>,
    version: u8,
}

/// The fields of a parsed header line.
struct HeaderLine {
    url: String,
    ip: String,
    date: String,
    content_type: String,
    length: Result<u64, String>,
}

impl<R: BufRead> ArcReader<R> {
    /// A reader over `reader`, whose first byte is taken as offset 0.
    pub fn new(reader: R, limits: Limits) -> ArcReader<R> {
        ArcReader {
            input: Tracked::new(reader),
            limits,
            index: 0,
            state: State::Ready,
            line: Vec::new(),
            version: 1,
        }
    }

    /// Bytes consumed from the underlying reader so far.
    pub fn bytes_consumed(&self) -> u64 {
        self.input.pos()
    }

    /// The next record, an error for a record that could not be read, or `None` at the end of the input
    /// (and forever after it, or after an I/O error).
    pub fn next_record(&mut self) -> Option<Result<ArcRecord, Error>> {
        let item = records::next_record(self)?;
        if let Ok(record) = &item
            && record.is_filedesc()
        {
            // The block's first line is `<version> <reserved> <origin>`.
            let first = record.body.split(|&b| b == b'\n').next().unwrap_or_default();
            if first.trim_ascii_start().starts_with(b"2") {
                self.version = 2;
            }
        }
        Some(item)
    }

    fn io_error(&self, index: u64, err: &io::Error) -> (Error, State) {
        (Error::io(self.input.pos(), index, err), State::Done)
    }

    fn read_arc_record(&mut self, index: u64) -> Result<Option<ArcRecord>, (Error, State)> {
        let max_header = self.limits.max_header_bytes.max(16);
        let (start, header) = loop {
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
            if end == Line::TooLong {
                self.input.skip_line().map_err(|e| self.io_error(index, &e))?;
            }
            if end == Line::Eof && self.line.is_empty() {
                return Ok(None);
            }
            let header = if end == Line::TooLong {
                None
            } else {
                parse_header_line(&self.line, self.version)
            };
            if let Some(header) = header {
                if end == Line::Eof {
                    let msg = "record cut off after its header line".to_owned();
                    return Err((
                        Error::new(start, index, ErrorKind::BadContentLength, msg),
                        State::Done,
                    ));
                }
                break (start, header);
            }
            if self.state == State::Ready {
                let msg = format!("expected an ARC header line, found {}", preview(&self.line));
                return Err((Error::new(start, index, ErrorKind::BadHeader, msg), State::Resync));
            }
            if end == Line::Eof {
                return Ok(None);
            }
        };
        let length = match header.length {
            Ok(length) => length,
            Err(value) => {
                let msg = format!("archive length is not a number: {}", preview(value.as_bytes()));
                return Err((
                    Error::new(start, index, ErrorKind::BadContentLength, msg),
                    State::Resync,
                ));
            }
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
            return Err((Error::new(start, index, ErrorKind::TooLarge, msg), state));
        }
        let body = self
            .input
            .read_body(length)
            .map_err(|e| self.io_error(index, &e))?;
        if (body.len() as u64) < length {
            let msg = format!("record body ends after {} of its {length} bytes", body.len());
            let err = Error::new(self.input.pos(), index, ErrorKind::BadContentLength, msg);
            return Err((err, State::Done));
        }
        let HeaderLine {
            url,
            ip,
            date,
            content_type,
            ..
        } = header;
        Ok(Some(ArcRecord {
            offset: start,
            index,
            url,
            ip,
            date,
            content_type,
            body,
        }))
    }
}

impl<R: BufRead> ReadRecord for ArcReader<R> {
    type Record = ArcRecord;

    fn position(&mut self) -> (&mut State, &mut u64) {
        (&mut self.state, &mut self.index)
    }

    fn read_record(&mut self, index: u64) -> Result<Option<ArcRecord>, (Error, State)> {
        self.read_arc_record(index)
    }
}

impl<R: BufRead> Iterator for ArcReader<R> {
    type Item = Result<ArcRecord, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_record()
    }
}

impl<R: BufRead> std::iter::FusedIterator for ArcReader<R> {}

/// Parses an ARC header line, or returns `None` when the line does not look like one: fewer than five
/// fields, a URL without a colon, or a date that is not a digit string. A length that is not a number is
/// kept as an `Err` so that it can be reported as such.
fn parse_header_line(line: &[u8], version: u8) -> Option<HeaderLine> {
    let text = String::from_utf8_lossy(line);
    let fields: Vec<&str> = text.split_ascii_whitespace().collect();
    let n = fields.len();
    if n < 5 {
        return None;
    }
    // Fields are counted from the right, so that a URL holding spaces stays whole. The layout announced
    // by the filedesc block is tried first, then the other one (the filedesc line itself comes before
    // the announcement).
    let layouts = if version == 2 { [9, 4] } else { [4, 9] };
    layouts
        .into_iter()
        .find_map(|from_right| header_fields(&fields, from_right))
}

fn header_fields(fields: &[&str], from_right: usize) -> Option<HeaderLine> {
    let url_end = fields.len().checked_sub(from_right).filter(|&end| end > 0)?;
    let url = fields.get(..url_end)?.join(" ");
    let ip = fields.get(url_end)?;
    let date = fields.get(url_end + 1)?;
    let content_type = fields.get(url_end + 2)?;
    let length = fields.last()?;
    if !url.contains(':') || date.len() < 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(HeaderLine {
        url,
        ip: (*ip).to_owned(),
        date: iso_date(date),
        content_type: (*content_type).to_owned(),
        length: length.parse::<u64>().map_err(|_| (*length).to_owned()),
    })
}

/// `YYYYMMDDhhmmss` → `YYYY-MM-DDThh:mm:ssZ`; shorter digit strings are padded with zeros, anything else
/// is returned as it is.
pub(crate) fn iso_date(raw: &str) -> String {
    if raw.len() > 14 || raw.len() < 4 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return raw.to_owned();
    }
    let d: Vec<char> = raw.chars().chain(std::iter::repeat('0')).take(14).collect();
    let part = |from: usize, to: usize| {
        d.get(from..to)
            .map(|c| c.iter().collect::<String>())
            .unwrap_or_default()
    };
    format!(
        "{}-{}-{}T{}:{}:{}Z",
        part(0, 4),
        part(4, 6),
        part(6, 8),
        part(8, 10),
        part(10, 12),
        part(12, 14)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILEDESC_BLOCK: &str =
        "1 0 Alexa Internet\nURL IP-address Archive-date Content-type Archive-length\n";

    fn arc_file(records: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = format!(
            "filedesc://IA-001102.arc 0.0.0.0 19960923142103 text/plain {}\n",
            FILEDESC_BLOCK.len()
        )
        .into_bytes();
        out.extend_from_slice(FILEDESC_BLOCK.as_bytes());
        for (url, body) in records {
            out.extend_from_slice(b"\n");
            out.extend_from_slice(
                format!("{url} 127.10.100.2 19961104142103 text/html {}\n", body.len()).as_bytes(),
            );
            out.extend_from_slice(body);
        }
        out.push(b'\n');
        out
    }

    fn read_all(data: &[u8], limits: Limits) -> Vec<Result<ArcRecord, Error>> {
        ArcReader::new(data, limits).collect()
    }

    #[test]
    fn reads_filedesc_then_records() {
        let page = b"HTTP/1.0 200 Document follows\r\nContent-type: text/html\r\n\r\n<html>hi</html>";
        let data = arc_file(&[
            ("http://www.dryswamp.edu:80/index.html", page),
            ("http://b.example/", b"x"),
        ]);
        let records: Vec<ArcRecord> = read_all(&data, Limits::default())
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(records.len(), 3);
        assert!(records[0].is_filedesc());
        assert_eq!(records[0].date, "1996-09-23T14:21:03Z");
        assert_eq!(records[0].body, FILEDESC_BLOCK.as_bytes());
        let r = &records[1];
        assert!(!r.is_filedesc());
        assert_eq!(r.url, "http://www.dryswamp.edu:80/index.html");
        assert_eq!(r.ip, "127.10.100.2");
        assert_eq!(r.date, "1996-11-04T14:21:03Z");
        assert_eq!(r.content_type, "text/html");
        assert_eq!(r.body, page);
        assert_eq!(r.index, 1);
        assert_eq!(&data[r.offset as usize..][..7], b"http://");
        assert_eq!(records[2].body, b"x");
    }

    #[test]
    fn version_2_headers_and_spaces_in_urls() {
        let block = "2 0 Alexa\nURL IP-address Archive-date Content-type Result-code Checksum Location Offset Filename Archive-length\n";
        let mut data = format!(
            "filedesc://x.arc 0.0.0.0 20010101000000 text/plain 200 - - 0 x.arc {}\n",
            block.len()
        )
        .into_bytes();
        data.extend_from_slice(block.as_bytes());
        data.extend_from_slice(
            b"\nhttp://a.example/a b 1.2.3.4 20010203040506 text/html 200 abc - 0 x.arc 3\nabc\n",
        );
        let records: Vec<ArcRecord> = read_all(&data, Limits::default())
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(records.len(), 2);
        assert_eq!(records[1].url, "http://a.example/a b");
        assert_eq!(records[1].date, "2001-02-03T04:05:06Z");
        assert_eq!(records[1].body, b"abc");
    }

    #[test]
    fn resyncs_and_skips_too_large() {
        let mut data = arc_file(&[
            ("http://big.example/", &[b'z'; 100]),
            ("http://ok.example/", b"fine"),
        ]);
        data.extend_from_slice(
            b"garbage line\nmore garbage\nhttp://last.example/ 1.1.1.1 20200101000000 text/html 2\nok\n",
        );
        let limits = Limits {
            max_record_bytes: 50,
            ..Limits::default()
        };
        let items = read_all(&data, limits);
        assert_eq!(items.len(), 5);
        assert_eq!(items[1].as_ref().unwrap_err().kind, ErrorKind::TooLarge);
        assert_eq!(items[2].as_ref().unwrap().body, b"fine");
        assert_eq!(items[3].as_ref().unwrap_err().kind, ErrorKind::BadHeader);
        assert_eq!(items[4].as_ref().unwrap().url, "http://last.example/");
    }

    #[test]
    fn bad_length_and_truncation() {
        let data = b"http://a.example/ 1.1.1.1 20200101000000 text/html many\nhttp://b.example/ 1.1.1.1 20200101000000 text/html 10\nshort";
        let items = read_all(data, Limits::default());
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].as_ref().unwrap_err().kind, ErrorKind::BadContentLength);
        let err = items[1].as_ref().unwrap_err();
        assert_eq!(err.kind, ErrorKind::BadContentLength);
        assert_eq!(err.offset, data.len() as u64);
        assert!(read_all(b"", Limits::default()).is_empty());
        assert!(read_all(b"\n\r\n", Limits::default()).is_empty());
    }

    #[test]
    fn dates() {
        assert_eq!(iso_date("19961104142103"), "1996-11-04T14:21:03Z");
        assert_eq!(iso_date("19961104"), "1996-11-04T00:00:00Z");
        assert_eq!(iso_date("not-a-date"), "not-a-date");
        assert_eq!(iso_date("199611041421039999"), "199611041421039999");
    }
}
