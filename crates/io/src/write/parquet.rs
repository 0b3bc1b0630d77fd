//! Parquet shards, written in row groups of at most [`ROW_GROUP_ROWS`] rows or about
//! [`ROW_GROUP_TEXT_BYTES`] of text, so memory stays bounded.
//!
//! Schema:
//!
//! | column | type |
//! |---|---|
//! | `id` | Utf8, non-null |
//! | `text` | Utf8, non-null |
//! | `url` | Utf8, nullable |
//! | `metadata` | Struct, non-null: `language` Utf8 nullable, `date` Utf8 nullable, `signals` Map<Utf8, Float64> non-null (possibly empty), `extra` Utf8 nullable: the JSON object of `Document::metadata` (keys in order), null when empty |
//!
//! Column chunks are zstd-compressed (level 3) unless compression is `none`. The file's `created_by` is the
//! fixed string `saring`, so the same documents always give byte-identical files.

use std::fs::File;
use std::io;
use std::sync::Arc;

use arrow_array::builder::{Float64Builder, MapBuilder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch, StructArray};
use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::ZstdLevel;
use parquet::file::properties::WriterProperties;
use saring_core::Document;

use super::CountingFile;
use crate::Compression;

/// Rows buffered before they are written as one row group.
const ROW_GROUP_ROWS: usize = 8192;
/// Bytes of text buffered before they are written as one row group.
const ROW_GROUP_TEXT_BYTES: usize = 64 * 1024 * 1024;
/// zstd level of the column chunks.
const ZSTD_LEVEL: i32 = 3;

fn signals_fields() -> (Arc<Field>, Arc<Field>) {
    (
        Arc::new(Field::new("keys", DataType::Utf8, false)),
        Arc::new(Field::new("values", DataType::Float64, false)),
    )
}

fn metadata_fields() -> Fields {
    let (keys, values) = signals_fields();
    let entries = Field::new(
        "entries",
        DataType::Struct(Fields::from(vec![keys, values])),
        false,
    );
    Fields::from(vec![
        Field::new("language", DataType::Utf8, true),
        Field::new("date", DataType::Utf8, true),
        Field::new("signals", DataType::Map(Arc::new(entries), false), false),
        Field::new("extra", DataType::Utf8, true),
    ])
}

/// The Arrow schema of every Parquet shard.
fn schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("id", DataType::Utf8, false),
        Field::new("text", DataType::Utf8, false),
        Field::new("url", DataType::Utf8, true),
        Field::new("metadata", DataType::Struct(metadata_fields()), false),
    ]))
}

/// Rows not yet written, column by column.
struct Rows {
    id: StringBuilder,
    text: StringBuilder,
    url: StringBuilder,
    language: StringBuilder,
    date: StringBuilder,
    signals: MapBuilder<StringBuilder, Float64Builder>,
    extra: StringBuilder,
    len: usize,
    text_bytes: usize,
}

impl Rows {
    fn new() -> Rows {
        let (keys, values) = signals_fields();
        Rows {
            id: StringBuilder::new(),
            text: StringBuilder::new(),
            url: StringBuilder::new(),
            language: StringBuilder::new(),
            date: StringBuilder::new(),
            signals: MapBuilder::new(None, StringBuilder::new(), Float64Builder::new())
                .with_keys_field(keys)
                .with_values_field(values),
            extra: StringBuilder::new(),
            len: 0,
            text_bytes: 0,
        }
    }

    /// Adds one row; returns its size in bytes (strings, plus 8 bytes a signal value).
    fn push(&mut self, doc: &Document) -> io::Result<u64> {
        let extra = if doc.metadata.is_empty() {
            None
        } else {
            Some(serde_json::to_string(&doc.metadata).map_err(io::Error::other)?)
        };
        self.id.append_value(&doc.id);
        self.text.append_value(&doc.text);
        self.url.append_option(doc.url.as_deref());
        self.language.append_option(doc.language.as_deref());
        self.date.append_option(doc.date.as_deref());
        let mut signal_bytes = 0;
        for (key, value) in &doc.signals {
            self.signals.keys().append_value(key);
            self.signals.values().append_value(*value);
            signal_bytes += key.len() + 8;
        }
        self.signals.append(true).map_err(io::Error::other)?;
        self.extra.append_option(extra.as_deref());
        self.len += 1;
        self.text_bytes += doc.text.len();
        let bytes = doc.id.len()
            + doc.text.len()
            + doc.url.as_ref().map_or(0, String::len)
            + doc.language.as_ref().map_or(0, String::len)
            + doc.date.as_ref().map_or(0, String::len)
            + extra.as_ref().map_or(0, String::len)
            + signal_bytes;
        Ok(bytes as u64)
    }

    /// Takes the buffered rows as a record batch, leaving the buffer empty.
    fn take_batch(&mut self) -> io::Result<RecordBatch> {
        let metadata = StructArray::try_new(
            metadata_fields(),
            vec![
                Arc::new(self.language.finish()) as ArrayRef,
                Arc::new(self.date.finish()),
                Arc::new(self.signals.finish()),
                Arc::new(self.extra.finish()),
            ],
            None,
        )
        .map_err(io::Error::other)?;
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.id.finish()),
            Arc::new(self.text.finish()),
            Arc::new(self.url.finish()),
            Arc::new(metadata),
        ];
        self.len = 0;
        self.text_bytes = 0;
        RecordBatch::try_new(schema(), columns).map_err(io::Error::other)
    }
}

/// One Parquet shard being written.
pub(super) struct ParquetShard {
    writer: ArrowWriter<CountingFile>,
    rows: Rows,
}

impl ParquetShard {
    /// Starts a shard in `file`; `compression` is `zstd` or `none` (gzip is refused before we get here and
    /// would be written as zstd).
    pub(super) fn create(file: CountingFile, compression: Compression) -> io::Result<ParquetShard> {
        let codec = match compression {
            Compression::None => parquet::basic::Compression::UNCOMPRESSED,
            Compression::Zstd | Compression::Gzip => {
                parquet::basic::Compression::ZSTD(ZstdLevel::try_new(ZSTD_LEVEL).map_err(io::Error::other)?)
            }
        };
        let properties = WriterProperties::builder()
            .set_compression(codec)
            // The default embeds the parquet crate's version; a fixed string keeps files identical.
            .set_created_by("saring".to_owned())
            .build();
        let writer = ArrowWriter::try_new(file, schema(), Some(properties)).map_err(io::Error::other)?;
        Ok(ParquetShard {
            writer,
            rows: Rows::new(),
        })
    }

    /// Buffers one row, writing a row group when the buffer is full; returns the row's size in bytes.
    pub(super) fn write(&mut self, doc: &Document) -> io::Result<u64> {
        let bytes = self.rows.push(doc)?;
        if self.rows.len >= ROW_GROUP_ROWS || self.rows.text_bytes >= ROW_GROUP_TEXT_BYTES {
            self.write_row_group()?;
        }
        Ok(bytes)
    }

    fn write_row_group(&mut self) -> io::Result<()> {
        if self.rows.len == 0 {
            return Ok(());
        }
        let batch = self.rows.take_batch()?;
        self.writer.write(&batch).map_err(io::Error::other)?;
        self.writer.flush().map_err(io::Error::other)
    }

    /// Bytes that reached the file so far.
    pub(super) fn stored_bytes(&self) -> u64 {
        self.writer.inner().written
    }

    /// Writes the buffered rows and the footer and returns the file.
    pub(super) fn finish(mut self) -> io::Result<File> {
        self.write_row_group()?;
        let mut file = self.writer.into_inner().map_err(io::Error::other)?;
        io::Write::flush(&mut file)?;
        Ok(file.file)
    }
}
