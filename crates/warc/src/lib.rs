//! A fast, careful parser of web-archive records that knows nothing of what they will become.
//!
//! - [`WarcReader`] reads WARC records (WARC/1.0 and 1.1, WET files, tolerant of the 0.x drafts) from any
//!   [`BufRead`](std::io::BufRead) — decompress first; a multi-member gzip decoder reads Common Crawl's
//!   per-record gzip files. Each [`Record`] carries its byte offset, its ordered [`Headers`] (looked up
//!   case-insensitively) and its block.
//! - [`parse_http_response`] splits a `response` block into status, HTTP headers and the payload offset;
//!   [`decode_chunked`] undoes `Transfer-Encoding: chunked` when a crawler kept it.
//! - [`ArcReader`] reads the Internet Archive's older ARC files into [`ArcRecord`]s.
//!
//! Every read is bounded by [`Limits`]; no input makes a reader panic. A record that cannot be read
//! yields an [`Error`] with its byte offset and index, and the reader goes on with the next record it can
//! find (after a bad header it scans for the next `WARC/` line), or ends when the input itself fails.
//!
//! ```
//! use saring_warc::{Limits, WarcReader, parse_http_response};
//!
//! let data = b"WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.com/\r\n\
//!     Content-Length: 53\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>hi</p>\r\n\r\n\
//!     garbage\nwarc/1.0\nwarc-type: metadata\ncontent-length: 0\n\n";
//! let mut reader = WarcReader::new(&data[..], Limits::default());
//!
//! let record = reader.next_record().unwrap()?;
//! assert_eq!(record.warc_type(), Some("response"));
//! assert_eq!(record.target_uri(), Some("https://example.com/"));
//! let http = parse_http_response(&record.body)?;
//! assert_eq!(http.status, 200);
//! assert_eq!(http.payload(&record.body), b"<p>hi</p>");
//!
//! // The garbage is reported once, then the reader finds the next record.
//! assert!(reader.next_record().unwrap().is_err());
//! assert_eq!(reader.next_record().unwrap()?.warc_type(), Some("metadata"));
//! assert!(reader.next_record().is_none());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod arc;
mod error;
mod headers;
mod http;
mod input;
mod records;
mod warc;

pub use arc::{ArcReader, ArcRecord};
pub use error::{Error, ErrorKind};
pub use headers::Headers;
pub use http::{HttpError, HttpResponse, decode_chunked, parse_http_response};
pub use warc::{Limits, Record, WarcReader};
