//! Readers: one module per input format, all yielding [`Document`]s through [`DocReader`].

mod arc;
mod charset;
mod html;
mod jsonl;
mod list;
mod parquet;
mod warc;

use std::collections::BTreeMap;
use std::path::Path;

use saring_core::Document;
use serde::{Deserialize, Serialize};

pub use list::list_inputs;

/// How to read inputs: the `[input]` table of a pipeline config.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReaderConfig {
    /// Input format; `auto` (the default) decides from each file's name.
    #[serde(default)]
    pub format: InputFormat,
    /// JSONL and Parquet: the field holding the document text. Default `text`.
    #[serde(default = "default_text_field")]
    pub text_field: String,
    /// JSONL and Parquet: the field holding the document id; when absent, the id is a hash of path and
    /// offset. Default `id`.
    #[serde(default = "default_id_field")]
    pub id_field: String,
    /// JSONL and Parquet: the field holding the URL. Default `url`.
    #[serde(default = "default_url_field")]
    pub url_field: String,
    /// Largest record accepted, in bytes (WARC/ARC record body, HTML file, JSONL line); larger records
    /// are errored with `too_large`. Default 64 MiB.
    #[serde(default = "default_max_record_bytes")]
    pub max_record_bytes: u64,
}

const fn default_max_record_bytes() -> u64 {
    64 * 1024 * 1024
}
fn default_text_field() -> String {
    "text".to_owned()
}
fn default_id_field() -> String {
    "id".to_owned()
}
fn default_url_field() -> String {
    "url".to_owned()
}

impl Default for ReaderConfig {
    fn default() -> ReaderConfig {
        ReaderConfig {
            format: InputFormat::Auto,
            text_field: default_text_field(),
            id_field: default_id_field(),
            url_field: default_url_field(),
            max_record_bytes: default_max_record_bytes(),
        }
    }
}

/// An input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum InputFormat {
    /// Decide from the file name: `.warc`, `.arc`, `.html`/`.htm`, `.jsonl`/`.json`/`.ndjson`, `.parquet`,
    /// each optionally followed by `.gz` or `.zst` (WET files are WARC files).
    #[default]
    Auto,
    /// WARC 1.0/1.1 (including WET): `response`, `resource` and `conversion` records become documents.
    Warc,
    /// The Internet Archive's ARC format.
    Arc,
    /// One HTML page per file.
    Html,
    /// One JSON object per line.
    Jsonl,
    /// Apache Parquet.
    Parquet,
}

impl InputFormat {
    /// The format of a file judged by its name, or `None` when the name says nothing known.
    pub fn from_name(name: &str) -> Option<InputFormat> {
        let lower = name.to_ascii_lowercase();
        let stem = lower
            .strip_suffix(".gz")
            .or_else(|| lower.strip_suffix(".zst"))
            .unwrap_or(&lower);
        let ext = stem.rsplit_once('.').map(|(_, ext)| ext)?;
        Some(match ext {
            "warc" | "wet" | "wat" => InputFormat::Warc,
            "arc" => InputFormat::Arc,
            "html" | "htm" | "xhtml" => InputFormat::Html,
            "jsonl" | "json" | "ndjson" => InputFormat::Jsonl,
            "parquet" => InputFormat::Parquet,
            _ => return None,
        })
    }
}

/// A streaming reader over one input file.
///
/// It yields documents in file order, and an `Err` for each record it could not read; after an error it
/// goes on with the next record it can find, or ends when the rest of the file is unreadable (a truncated
/// gzip member, say). Every error counts as one read-and-errored document.
pub trait DocReader: Iterator<Item = Result<Document, ReadError>> + Send {
    /// Records present in the file but deliberately not turned into documents, by kind
    /// (`warcinfo`, `request`, `metadata`, `not_html`, …).
    fn skipped(&self) -> &BTreeMap<String, u64>;

    /// Bytes consumed from the file so far, as stored on disk.
    fn bytes_read(&self) -> u64;

    /// Bytes of the decompressed stream parsed so far, for the formats read as one stream of records
    /// (WARC); `None` for the others. At the end of a file it is the file's decompressed size.
    fn decompressed_bytes(&self) -> Option<u64> {
        None
    }
}

/// Opens one input file for reading.
///
/// Fails when the file cannot be opened at all (missing, unreadable, empty, unknown format); such an error
/// counts as one errored document.
pub fn open_input(path: &Path, config: &ReaderConfig) -> Result<Box<dyn DocReader>, ReadError> {
    let format = match config.format {
        InputFormat::Auto => InputFormat::from_name(&path.to_string_lossy()).ok_or_else(|| {
            ReadError::new(
                path,
                None,
                None,
                ReadErrorKind::UnknownFormat,
                "cannot tell the format from the file name; set `format` in the [input] table",
            )
        })?,
        format => format,
    };
    Ok(match format {
        InputFormat::Warc => Box::new(warc::WarcDocs::open(path, config)?),
        InputFormat::Arc => Box::new(arc::ArcDocs::open(path, config)?),
        InputFormat::Html => Box::new(html::HtmlFile::open(path, config)?),
        InputFormat::Jsonl => Box::new(jsonl::JsonlDocs::open(path, config)?),
        InputFormat::Parquet => Box::new(parquet::ParquetDocs::open(path, config)?),
        InputFormat::Auto => unreachable!("resolved above"),
    })
}

/// Why a record or a file could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ReadErrorKind {
    /// The path does not exist.
    NotFound,
    /// The file exists but holds no bytes.
    Empty,
    /// The format could not be told from the name.
    UnknownFormat,
    /// The compressed stream ends in the middle of a gzip or zstd frame, or is corrupt.
    Truncated,
    /// A WARC/ARC header or HTTP header could not be parsed.
    BadHeader,
    /// A record's Content-Length is missing, not a number, or runs past the end of the data.
    BadContentLength,
    /// A record is larger than `max_record_bytes`.
    TooLarge,
    /// A JSONL line is not a JSON object.
    InvalidJson,
    /// A required field or column (the text) is missing or has the wrong type.
    MissingField,
    /// A Parquet file could not be decoded.
    BadParquet,
    /// Any other I/O failure.
    Io,
}

impl ReadErrorKind {
    /// The kind as counted in `stats.json` under `errors`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReadErrorKind::NotFound => "not_found",
            ReadErrorKind::Empty => "empty_file",
            ReadErrorKind::UnknownFormat => "unknown_format",
            ReadErrorKind::Truncated => "truncated",
            ReadErrorKind::BadHeader => "bad_header",
            ReadErrorKind::BadContentLength => "bad_content_length",
            ReadErrorKind::TooLarge => "too_large",
            ReadErrorKind::InvalidJson => "invalid_json",
            ReadErrorKind::MissingField => "missing_field",
            ReadErrorKind::BadParquet => "bad_parquet",
            ReadErrorKind::Io => "io",
        }
    }
}

/// A record or file that could not be read, with where it happened.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{path}{}{}: {message}", record.map(|r| format!(": record {r}")).unwrap_or_default(), offset.map(|o| format!(" at byte {o}")).unwrap_or_default())]
pub struct ReadError {
    /// The input path, as given.
    pub path: String,
    /// The 0-based index of the record in the file, when the error belongs to one record.
    pub record: Option<u64>,
    /// The byte offset of the problem (in the decompressed stream for compressed files).
    pub offset: Option<u64>,
    /// What went wrong, as a category.
    pub kind: ReadErrorKind,
    /// What went wrong, for a person.
    pub message: String,
}

impl ReadError {
    /// An error of `kind` at the given place.
    pub fn new(
        path: &Path,
        record: Option<u64>,
        offset: Option<u64>,
        kind: ReadErrorKind,
        message: impl Into<String>,
    ) -> ReadError {
        ReadError {
            path: path.display().to_string(),
            record,
            offset,
            kind,
            message: message.into(),
        }
    }

    /// The error for a file that holds no bytes at all.
    pub fn empty(path: &Path) -> ReadError {
        ReadError::new(path, None, Some(0), ReadErrorKind::Empty, "the file is empty")
    }

    /// An error from an I/O failure, classified by its kind (missing file, truncated stream, other).
    pub fn from_io(path: &Path, record: Option<u64>, offset: Option<u64>, err: std::io::Error) -> ReadError {
        let kind = match err.kind() {
            std::io::ErrorKind::NotFound => ReadErrorKind::NotFound,
            std::io::ErrorKind::UnexpectedEof
            | std::io::ErrorKind::InvalidData
            | std::io::ErrorKind::InvalidInput => ReadErrorKind::Truncated,
            _ => ReadErrorKind::Io,
        };
        ReadError::new(path, record, offset, kind, err.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_from_names() {
        assert_eq!(
            InputFormat::from_name("a/CC-MAIN-1.warc.gz"),
            Some(InputFormat::Warc)
        );
        assert_eq!(InputFormat::from_name("x.warc.wet.gz"), Some(InputFormat::Warc));
        assert_eq!(InputFormat::from_name("p.HTML.gz"), Some(InputFormat::Html));
        assert_eq!(InputFormat::from_name("d.jsonl.zst"), Some(InputFormat::Jsonl));
        assert_eq!(InputFormat::from_name("d.parquet"), Some(InputFormat::Parquet));
        assert_eq!(InputFormat::from_name("old.arc.gz"), Some(InputFormat::Arc));
        assert_eq!(InputFormat::from_name("README"), None);
    }

    #[test]
    fn error_names_file_record_and_offset() {
        let e = ReadError::new(
            Path::new("a.warc.gz"),
            Some(3),
            Some(1200),
            ReadErrorKind::BadHeader,
            "no colon",
        );
        assert_eq!(e.to_string(), "a.warc.gz: record 3 at byte 1200: no colon");
    }
}
