//! The HTTP response inside a WARC `response` record (or an ARC record): status line, headers, and where
//! the payload starts.

use crate::headers::{Headers, is_blank, trim_eol};

/// An HTTP response head parsed from a record block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The protocol as written: `HTTP/1.0`, `HTTP/1.1`, `HTTP/2`…
    pub version: String,
    /// The status code (`200`, `404`…).
    pub status: u16,
    /// The reason phrase, possibly empty.
    pub reason: String,
    /// The response header fields, in order, with case-insensitive look-up.
    pub headers: Headers,
    /// Byte offset in the block where the payload starts (just after the blank line ending the headers;
    /// the block's length when the headers run to its end).
    pub body_offset: usize,
}

impl HttpResponse {
    /// The `Content-Type` header, as written.
    pub fn content_type(&self) -> Option<&str> {
        self.headers.get("Content-Type")
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Whether `Transfer-Encoding` lists `chunked` (Common Crawl strips the chunking but keeps the header
    /// under another name, so this is usually false there).
    pub fn is_chunked(&self) -> bool {
        self.headers.get_all("Transfer-Encoding").any(|v| {
            v.split(',')
                .any(|coding| coding.trim().eq_ignore_ascii_case("chunked"))
        })
    }

    /// The payload: the part of `block` after the headers. `block` must be the bytes this response was
    /// parsed from; an out-of-range offset gives an empty payload rather than a panic. (A record split by
    /// [`WarcReader::split_http_responses`](crate::WarcReader::split_http_responses) holds only the payload
    /// in its `body`: that is not the block.)
    pub fn payload<'a>(&self, block: &'a [u8]) -> &'a [u8] {
        block.get(self.body_offset..).unwrap_or_default()
    }
}

/// Why a block is not an HTTP response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad HTTP response at byte {offset} of the block: {message}")]
pub struct HttpError {
    /// Byte offset in the block where the problem was found.
    pub offset: usize,
    /// What went wrong, for a person.
    pub message: String,
}

/// Parses the status line and headers of the HTTP response at the start of `block`.
///
/// Accepts CRLF and bare-LF line endings, `HTTP/1.0`, `HTTP/1.1` and `HTTP/2` status lines (a missing
/// reason phrase too), blank lines before the status line and header continuation lines. Headers that run
/// to the end of the block without a blank line are accepted, with an empty payload. Malformed header lines
/// are errors, as a real client would reject them.
pub fn parse_http_response(block: &[u8]) -> Result<HttpResponse, HttpError> {
    let mut lines = Lines { block, pos: 0 };
    // Status line, after any blank lines.
    let (status_at, status_line) = loop {
        match lines.next() {
            None => {
                return Err(HttpError {
                    offset: block.len(),
                    message: "no status line".to_owned(),
                });
            }
            Some((_, line)) if is_blank(line) => {}
            Some(found) => break found,
        }
    };
    let status_line = String::from_utf8_lossy(trim_eol(status_line));
    let mut parts = status_line.trim().splitn(3, [' ', '\t']);
    let version = parts.next().unwrap_or_default();
    if !version.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("HTTP/")) {
        let message = format!(
            "status line does not start with `HTTP/`: {:?}",
            status_line.chars().take(60).collect::<String>()
        );
        return Err(HttpError {
            offset: status_at,
            message,
        });
    }
    let code = parts.next().unwrap_or_default();
    let status = match code.parse::<u16>() {
        Ok(status) if code.len() == 3 => status,
        _ => {
            let message = format!(
                "status code is not a 3-digit number: {:?}",
                code.chars().take(20).collect::<String>()
            );
            return Err(HttpError {
                offset: status_at,
                message,
            });
        }
    };
    let reason = parts.next().unwrap_or_default().trim().to_owned();
    let version = version.to_owned();

    let mut headers = Headers::new();
    let body_offset = loop {
        match lines.next() {
            None => break block.len(),
            Some((_, line)) if is_blank(line) => break lines.pos,
            Some((at, line)) => {
                if let Err(problem) = headers.push_line(line) {
                    return Err(HttpError {
                        offset: at,
                        message: problem.to_owned(),
                    });
                }
            }
        }
    };
    Ok(HttpResponse {
        version,
        status,
        reason,
        headers,
        body_offset,
    })
}

/// Iterates over the lines of a block with their offsets, each line keeping its `\n`.
struct Lines<'a> {
    block: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for Lines<'a> {
    type Item = (usize, &'a [u8]);

    fn next(&mut self) -> Option<(usize, &'a [u8])> {
        let rest = self.block.get(self.pos..).filter(|rest| !rest.is_empty())?;
        let len = rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(rest.len(), |at| at + 1);
        let at = self.pos;
        self.pos += len;
        Some((at, rest.get(..len).unwrap_or(rest)))
    }
}

/// Decodes a `Transfer-Encoding: chunked` payload, or returns `None` when `body` is not well-formed
/// chunked data (so the caller can keep the bytes as they are).
///
/// Chunk extensions and trailers are ignored. A body cut off inside its last chunk yields the data
/// received so far. The output is never longer than the input.
pub fn decode_chunked(body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len());
    let mut rest = body;
    loop {
        let eol = rest.iter().position(|&b| b == b'\n')?;
        let size_line = trim_eol(rest.get(..=eol)?);
        let size_text = size_line.split(|&b| b == b';').next()?.trim_ascii();
        if size_text.is_empty() || size_text.len() > 15 || !size_text.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        let size = usize::from_str_radix(std::str::from_utf8(size_text).ok()?, 16).ok()?;
        rest = rest.get(eol + 1..)?;
        if size == 0 {
            return Some(out);
        }
        match rest.get(..size) {
            Some(chunk) => out.extend_from_slice(chunk),
            None => {
                out.extend_from_slice(rest);
                return Some(out);
            }
        }
        rest = rest.get(size..)?;
        rest = rest
            .strip_prefix(b"\r\n")
            .or_else(|| rest.strip_prefix(b"\n"))
            .unwrap_or(rest);
        if rest.is_empty() {
            return Some(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_crlf_response() {
        let block =
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\ncontent-length: 5\r\n\r\nhello";
        let r = parse_http_response(block).unwrap();
        assert_eq!(
            (r.version.as_str(), r.status, r.reason.as_str()),
            ("HTTP/1.1", 200, "OK")
        );
        assert_eq!(r.content_type(), Some("text/html; charset=utf-8"));
        assert_eq!(r.headers.get("Content-Length"), Some("5"));
        assert_eq!(r.payload(block), b"hello");
        assert!(r.is_success());
    }

    #[test]
    fn parses_lf_http2_and_no_reason() {
        let block = b"HTTP/2 404\nserver: x\n  continued\n\n<html>";
        let r = parse_http_response(block).unwrap();
        assert_eq!(
            (r.version.as_str(), r.status, r.reason.as_str()),
            ("HTTP/2", 404, "")
        );
        assert_eq!(r.headers.get("Server"), Some("x continued"));
        assert_eq!(r.payload(block), b"<html>");
        assert!(!r.is_success());
        let r = parse_http_response(b"HTTP/1.0 301 Moved Permanently\r\nLocation: /x\r\n").unwrap();
        assert_eq!(r.status, 301);
        assert_eq!(r.reason, "Moved Permanently");
        assert_eq!(r.body_offset, 46);
    }

    #[test]
    fn rejects_what_is_not_http() {
        assert!(parse_http_response(b"").is_err());
        assert!(parse_http_response(b"GET / HTTP/1.1\r\n\r\n").is_err());
        assert!(parse_http_response(b"HTTP/1.1 2000 OK\r\n\r\n").is_err());
        assert!(parse_http_response(b"HTTP/1.1 abc OK\r\n\r\n").is_err());
        let err = parse_http_response(b"HTTP/1.1 200 OK\r\nbroken header\r\n\r\n").unwrap_err();
        assert_eq!(err.offset, 17);
    }

    #[test]
    fn dechunks() {
        let r = parse_http_response(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n").unwrap();
        assert!(r.is_chunked());
        assert_eq!(
            decode_chunked(b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n").unwrap(),
            b"hello world"
        );
        assert_eq!(decode_chunked(b"5\nhello\n0\n").unwrap(), b"hello");
        assert_eq!(decode_chunked(b"a\r\nhel").unwrap(), b"hel");
        assert_eq!(decode_chunked(b"<html>not chunked</html>"), None);
        assert_eq!(decode_chunked(b"ffffffffffffffffffff\r\nx"), None);
    }
}
