//! Apache Parquet, read in record batches of [`BATCH_ROWS`] rows so memory stays bounded.
//!
//! Columns: `text_field` (a string column, required), `id_field` (string or integer; when absent or null
//! the id is [`stable_id`]`(path, row)`), `url_field` (string). A `metadata` struct column as the Parquet
//! writer makes it (`language`, `date`, `signals` map, `extra` JSON object) is mapped back to the
//! document's fields; every other column of a scalar type (strings, integers, floats, booleans) goes to
//! `metadata` under its name.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Float64Type, Int32Type, Int64Type, UInt32Type, UInt64Type};
use arrow_array::{Array, MapArray, RecordBatch, StructArray};
use arrow_schema::DataType;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use saring_core::{Document, Provenance, stable_id};
use serde_json::Value;

use super::{DocReader, ReadError, ReadErrorKind, ReaderConfig};

/// Rows decoded at a time.
const BATCH_ROWS: usize = 1024;

/// A streaming reader of one Parquet file.
pub(crate) struct ParquetDocs {
    path: PathBuf,
    /// The path as shown in ids, provenance and errors.
    shown: String,
    batches: ParquetRecordBatchReader,
    batch: Option<RecordBatch>,
    /// Next row within `batch`.
    row_in_batch: usize,
    /// Index in the file of the next row.
    row: u64,
    text_field: String,
    id_field: String,
    url_field: String,
    file_bytes: u64,
    done: bool,
    skipped: BTreeMap<String, u64>,
}

impl ParquetDocs {
    /// Opens `path` and checks that it has a string column `text_field`.
    pub(crate) fn open(path: &Path, config: &ReaderConfig) -> Result<ParquetDocs, ReadError> {
        let file =
            crate::compression::open_seekable(path).map_err(|e| ReadError::from_io(path, None, None, e))?;
        let file_bytes = file
            .metadata()
            .map_err(|e| ReadError::from_io(path, None, None, e))?
            .len();
        if file_bytes == 0 {
            return Err(ReadError::empty(path));
        }
        let bad = |e: String| {
            ReadError::new(
                path,
                None,
                None,
                ReadErrorKind::BadParquet,
                format!("not a readable Parquet file: {e}"),
            )
        };
        let builder = guarded(|| ParquetRecordBatchReaderBuilder::try_new(file)).map_err(bad)?;
        let schema = builder.schema().clone();
        let Some((_, text)) = schema.column_with_name(&config.text_field) else {
            let columns: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
            let message = format!(
                "missing column `{}`. Is your `text_field` correct? Available columns: {}",
                config.text_field,
                columns.join(", ")
            );
            return Err(ReadError::new(
                path,
                None,
                None,
                ReadErrorKind::MissingField,
                message,
            ));
        };
        if !is_string(text.data_type()) {
            let message = format!(
                "column `{}` has type {}, not a string. Is your `text_field` correct?",
                config.text_field,
                text.data_type()
            );
            return Err(ReadError::new(
                path,
                None,
                None,
                ReadErrorKind::MissingField,
                message,
            ));
        }
        // Decode only the columns that become part of a document.
        let roots = schema.fields().iter().enumerate().filter_map(|(i, field)| {
            let name = field.name();
            let wanted = name == &config.text_field
                || name == &config.id_field
                || name == &config.url_field
                || name == "metadata"
                || is_scalar(field.data_type());
            wanted.then_some(i)
        });
        let mask = ProjectionMask::roots(builder.parquet_schema(), roots);
        let batches =
            guarded(|| builder.with_batch_size(BATCH_ROWS).with_projection(mask).build()).map_err(bad)?;
        Ok(ParquetDocs {
            path: path.to_path_buf(),
            shown: path.display().to_string(),
            batches,
            batch: None,
            row_in_batch: 0,
            row: 0,
            text_field: config.text_field.clone(),
            id_field: config.id_field.clone(),
            url_field: config.url_field.clone(),
            file_bytes,
            done: false,
            skipped: BTreeMap::new(),
        })
    }

    /// Builds the document of row `i` of `batch`.
    fn document(&self, batch: &RecordBatch, i: usize) -> Result<Document, ReadError> {
        let record = self.row;
        let Some(text) = batch
            .column_by_name(&self.text_field)
            .and_then(|c| string_at(c.as_ref(), i))
        else {
            let message = format!("column `{}` is null", self.text_field);
            return Err(ReadError::new(
                &self.path,
                Some(record),
                None,
                ReadErrorKind::MissingField,
                message,
            ));
        };
        let id = batch
            .column_by_name(&self.id_field)
            .and_then(|c| match scalar_at(c.as_ref(), i)? {
                Value::String(s) => Some(s),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .unwrap_or_else(|| stable_id(&self.shown, record));
        let mut doc = Document::new(id, text);
        doc.url = batch
            .column_by_name(&self.url_field)
            .and_then(|c| string_at(c.as_ref(), i));
        let schema = batch.schema();
        for (field, column) in schema.fields().iter().zip(batch.columns()) {
            let name = field.name();
            if name == &self.text_field || name == &self.id_field || name == &self.url_field {
                continue;
            }
            if name == "metadata"
                && let Some(metadata) = column.as_struct_opt()
            {
                unpack_metadata(metadata, i, &mut doc);
            } else if let Some(value) = scalar_at(column.as_ref(), i) {
                doc.metadata.entry(name.clone()).or_insert(value);
            }
        }
        doc.provenance = Provenance {
            path: self.shown.clone(),
            record,
            offset: 0,
        };
        Ok(doc)
    }
}

/// Maps row `i` of our `metadata` struct back: `language`, `date`, `signals`, and `extra`'s entries.
fn unpack_metadata(metadata: &StructArray, i: usize, doc: &mut Document) {
    if metadata.is_null(i) {
        return;
    }
    for (field, column) in metadata.fields().iter().zip(metadata.columns()) {
        match field.name().as_str() {
            "language" => doc.language = string_at(column.as_ref(), i),
            "date" => doc.date = string_at(column.as_ref(), i),
            "signals" => {
                if let Some(map) = column.as_map_opt() {
                    doc.signals = signals_at(map, i);
                }
            }
            "extra" => match string_at(column.as_ref(), i).map(|s| serde_json::from_str::<Value>(&s)) {
                Some(Ok(Value::Object(extra))) => doc.metadata.extend(extra),
                Some(Ok(other)) => {
                    doc.metadata.insert("extra".to_owned(), other);
                }
                Some(Err(_)) => {
                    if let Some(raw) = string_at(column.as_ref(), i) {
                        doc.metadata.insert("extra".to_owned(), Value::String(raw));
                    }
                }
                None => {}
            },
            name => {
                if let Some(value) = scalar_at(column.as_ref(), i) {
                    doc.metadata.insert(name.to_owned(), value);
                }
            }
        }
    }
}

/// The entries of row `i` of a map of strings to numbers.
fn signals_at(map: &MapArray, i: usize) -> BTreeMap<String, f64> {
    if map.is_null(i) {
        return BTreeMap::new();
    }
    let entries = map.value(i);
    let (Some(keys), Some(values)) = (entries.columns().first(), entries.columns().get(1)) else {
        return BTreeMap::new();
    };
    (0..keys.len().min(values.len()))
        .filter_map(|j| {
            let key = string_at(keys.as_ref(), j)?;
            let value = scalar_at(values.as_ref(), j)?.as_f64()?;
            Some((key, value))
        })
        .collect()
}

/// Runs one decoding step of the parquet crate, turning an error or a panic into a message.
///
/// The parquet crate can still panic on some corrupt files (an overflowing shift while unpacking bits,
/// say); a corrupt input must cost one errored file, not the run. After a panic the reader is not used
/// again.
fn guarded<T, E: std::fmt::Display>(step: impl FnOnce() -> Result<T, E>) -> Result<T, String> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(step)) {
        Ok(result) => result.map_err(|e| e.to_string()),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(format!("the decoder failed: {what}"))
        }
    }
}

fn is_string(data_type: &DataType) -> bool {
    matches!(
        data_type,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
    )
}

fn is_scalar(data_type: &DataType) -> bool {
    is_string(data_type)
        || matches!(
            data_type,
            DataType::Boolean
                | DataType::Int32
                | DataType::Int64
                | DataType::UInt32
                | DataType::UInt64
                | DataType::Float32
                | DataType::Float64
        )
}

/// The string in row `i` of a string column; `None` when null or not a string column.
fn string_at(array: &dyn Array, i: usize) -> Option<String> {
    if i >= array.len() || array.is_null(i) {
        return None;
    }
    match array.data_type() {
        DataType::Utf8 => Some(array.as_string_opt::<i32>()?.value(i).to_owned()),
        DataType::LargeUtf8 => Some(array.as_string_opt::<i64>()?.value(i).to_owned()),
        DataType::Utf8View => Some(array.as_string_view_opt()?.value(i).to_owned()),
        _ => None,
    }
}

/// Row `i` of a scalar column as JSON; `None` when null or of another type.
fn scalar_at(array: &dyn Array, i: usize) -> Option<Value> {
    if i >= array.len() || array.is_null(i) {
        return None;
    }
    Some(match array.data_type() {
        DataType::Boolean => Value::Bool(array.as_boolean_opt()?.value(i)),
        DataType::Int32 => Value::from(array.as_primitive_opt::<Int32Type>()?.value(i)),
        DataType::Int64 => Value::from(array.as_primitive_opt::<Int64Type>()?.value(i)),
        DataType::UInt32 => Value::from(array.as_primitive_opt::<UInt32Type>()?.value(i)),
        DataType::UInt64 => Value::from(array.as_primitive_opt::<UInt64Type>()?.value(i)),
        DataType::Float32 => float(f64::from(array.as_primitive_opt::<Float32Type>()?.value(i)))?,
        DataType::Float64 => float(array.as_primitive_opt::<Float64Type>()?.value(i))?,
        _ => Value::String(string_at(array, i)?),
    })
}

fn float(value: f64) -> Option<Value> {
    serde_json::Number::from_f64(value).map(Value::Number)
}

impl Iterator for ParquetDocs {
    type Item = Result<Document, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            if let Some(batch) = self.batch.take()
                && self.row_in_batch < batch.num_rows()
            {
                let result = self.document(&batch, self.row_in_batch);
                self.row_in_batch += 1;
                self.row += 1;
                self.batch = Some(batch);
                return Some(result);
            }
            match guarded(|| self.batches.next().transpose()) {
                Ok(Some(batch)) => {
                    self.batch = Some(batch);
                    self.row_in_batch = 0;
                }
                Err(e) => {
                    self.done = true;
                    let message = format!("cannot decode the rows from here on: {e}");
                    return Some(Err(ReadError::new(
                        &self.path,
                        Some(self.row),
                        None,
                        ReadErrorKind::BadParquet,
                        message,
                    )));
                }
                Ok(None) => self.done = true,
            }
        }
        None
    }
}

impl DocReader for ParquetDocs {
    fn skipped(&self) -> &BTreeMap<String, u64> {
        &self.skipped
    }

    fn bytes_read(&self) -> u64 {
        self.file_bytes
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{ArrayRef, Int64Array, StringArray};
    use parquet::arrow::ArrowWriter;

    use super::*;
    use std::fs::File;

    fn write(path: &Path, columns: Vec<(&str, ArrayRef)>) {
        let batch = RecordBatch::try_from_iter(columns).unwrap();
        let mut writer = ArrowWriter::try_new(File::create(path).unwrap(), batch.schema(), None).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
    }

    #[test]
    fn reads_foreign_files_with_other_columns() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.parquet");
        write(
            &path,
            vec![
                (
                    "content",
                    Arc::new(StringArray::from(vec![Some("a"), None, Some("c")])) as ArrayRef,
                ),
                ("id", Arc::new(Int64Array::from(vec![Some(1), Some(2), None]))),
                ("score", Arc::new(Int64Array::from(vec![10, 20, 30]))),
            ],
        );
        let config = ReaderConfig {
            text_field: "content".to_owned(),
            ..ReaderConfig::default()
        };
        let results: Vec<_> = ParquetDocs::open(&path, &config).unwrap().collect();
        assert_eq!(results.len(), 3);
        let first = results[0].as_ref().unwrap();
        assert_eq!((first.id.as_str(), first.text.as_str()), ("1", "a"));
        assert_eq!(first.metadata["score"], 10);
        assert_eq!(results[1].as_ref().unwrap_err().kind, ReadErrorKind::MissingField);
        let third = results[2].as_ref().unwrap();
        assert_eq!(third.id, stable_id(&path.display().to_string(), 2));
        assert_eq!(third.provenance.record, 2);
    }

    #[test]
    fn missing_text_column_names_it_and_lists_columns() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.parquet");
        write(
            &path,
            vec![("body", Arc::new(StringArray::from(vec!["a"])) as ArrayRef)],
        );
        let e = ParquetDocs::open(&path, &ReaderConfig::default()).err().unwrap();
        assert_eq!(e.kind, ReadErrorKind::MissingField);
        assert!(
            e.message.contains("`text`") && e.message.contains("Available columns: body"),
            "{}",
            e.message
        );
    }

    #[test]
    fn corrupt_and_empty_files_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.parquet");
        std::fs::write(&path, b"PAR1 this is not parquet at all PAR1").unwrap();
        let e = ParquetDocs::open(&path, &ReaderConfig::default()).err().unwrap();
        assert_eq!(e.kind, ReadErrorKind::BadParquet);
        std::fs::write(&path, b"").unwrap();
        let e = ParquetDocs::open(&path, &ReaderConfig::default()).err().unwrap();
        assert_eq!(e.kind, ReadErrorKind::Empty);

        // A real file with its data pages damaged: either the footer or the pages fail, never a panic.
        let good = dir.path().join("g.parquet");
        let texts: Vec<String> = (0..5000).map(|i| format!("document number {i}")).collect();
        write(
            &good,
            vec![("text", Arc::new(StringArray::from(texts)) as ArrayRef)],
        );
        let mut bytes = std::fs::read(&good).unwrap();
        for b in bytes.iter_mut().skip(8).take(2000) {
            *b ^= 0x5a;
        }
        std::fs::write(&path, &bytes).unwrap();
        match ParquetDocs::open(&path, &ReaderConfig::default()) {
            Err(e) => assert_eq!(e.kind, ReadErrorKind::BadParquet),
            Ok(reader) => {
                let errors: Vec<_> = reader.filter_map(Result::err).collect();
                assert!(
                    errors.iter().any(|e| e.kind == ReadErrorKind::BadParquet),
                    "{errors:?}"
                );
            }
        }
    }

    #[test]
    fn randomly_damaged_files_give_errors_never_panics() {
        let dir = tempfile::tempdir().unwrap();
        let config = crate::WriterConfig {
            format: crate::OutputFormat::Parquet,
            ..Default::default()
        };
        let mut writer = crate::ShardWriter::new(&dir.path().join("src"), 0, &config).unwrap();
        for i in 0..3000 {
            let mut doc = Document::new(format!("id{i}"), format!("text {i} ").repeat(i % 7 + 1));
            doc.language = Some("en".into());
            doc.signals.insert("a".into(), i as f64);
            doc.metadata.insert("k".into(), serde_json::json!(i));
            writer.write(&doc).unwrap();
        }
        let good = std::fs::read(writer.finish().unwrap().remove(0)).unwrap();
        let path = dir.path().join("bad.parquet");
        let mut seed: u64 = 12345;
        for round in 0..1000 {
            let mut bytes = good.clone();
            for _ in 0..1 + round % 5 {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let at = (seed >> 33) as usize % bytes.len();
                bytes[at] = (seed >> 13) as u8;
            }
            if round % 7 == 0 {
                bytes.truncate(((seed >> 20) as usize % bytes.len()).max(1));
            }
            std::fs::write(&path, &bytes).unwrap();
            if let Ok(reader) = ParquetDocs::open(&path, &ReaderConfig::default()) {
                reader.count();
            }
        }
    }
}
