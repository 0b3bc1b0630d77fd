//! The one error type of the crate: what went wrong, in which record, at which byte.

use std::io;

/// What kind of problem a reader met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The record header could not be parsed: no `WARC/` version line where a record should start, a field
    /// line without a colon, a header longer than [`Limits::max_header_bytes`](crate::Limits), or a header
    /// cut off by the end of the input. The reader resynchronises on the next record.
    BadHeader,
    /// `Content-Length` (or an ARC record's length) is missing, is not a number, or runs past the end of
    /// the input.
    BadContentLength,
    /// The record body is larger than [`Limits::max_record_bytes`](crate::Limits); its bytes were skipped
    /// without being buffered and the reader goes on with the next record.
    TooLarge,
    /// The underlying reader failed, with the given [`io::ErrorKind`]. A truncated or corrupt gzip member
    /// shows up here as `UnexpectedEof` or `InvalidData`. The reader ends after such an error.
    Io(io::ErrorKind),
}

/// A record that could not be read, with where it happened.
///
/// `offset` is a byte offset into the stream given to the reader (the decompressed stream for compressed
/// files) and is never past the bytes the reader has consumed; `record` is the 0-based index the record
/// would have had, so records and errors share one sequence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("record {record} at byte {offset}: {message}")]
pub struct Error {
    /// Byte offset of the problem in the stream.
    pub offset: u64,
    /// 0-based index of the record (or error) among everything the reader yielded.
    pub record: u64,
    /// The category of the problem.
    pub kind: ErrorKind,
    /// What went wrong, for a person.
    pub message: String,
}

impl Error {
    pub(crate) fn new(offset: u64, record: u64, kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            offset,
            record,
            kind,
            message: message.into(),
        }
    }

    pub(crate) fn io(offset: u64, record: u64, err: &io::Error) -> Error {
        Error::new(offset, record, ErrorKind::Io(err.kind()), err.to_string())
    }

    /// Whether the reader ends after this error (I/O failures); other errors are followed by the next
    /// readable record.
    pub fn is_fatal(&self) -> bool {
        matches!(self.kind, ErrorKind::Io(_))
    }
}
