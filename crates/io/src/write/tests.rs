//! Round trips through the readers, sharding, determinism.

use std::collections::BTreeMap;

use serde_json::json;

use super::*;
use crate::{ReaderConfig, open_input};

fn docs(n: usize) -> Vec<Document> {
    (0..n)
        .map(|i| {
            let mut doc = Document::new(
                format!("doc-{i}"),
                format!("text number {i}\nwith \"quotes\" and ünïcödé"),
            );
            if i % 2 == 0 {
                doc.url = Some(format!("https://example.com/{i}"));
                doc.language = Some("en".to_owned());
                doc.date = Some("2024-05-01T00:00:00Z".to_owned());
                doc.signals =
                    BTreeMap::from([("gopher.words".to_owned(), i as f64), ("x.frac".to_owned(), 0.25)]);
            }
            if i % 3 == 0 {
                doc.metadata
                    .insert("title".to_owned(), json!(format!("Title {i}")));
                doc.metadata
                    .insert("nested".to_owned(), json!({"a": [1, 2.5, null, true]}));
            }
            doc
        })
        .collect()
}

fn write_all(dir: &Path, config: &WriterConfig, docs: &[Document]) -> (Vec<PathBuf>, u64) {
    let mut writer = ShardWriter::new(dir, 0, config).unwrap();
    for doc in docs {
        writer.write(doc).unwrap();
    }
    let before = writer.bytes_written();
    let paths = writer.finish().unwrap();
    let stored: u64 = paths.iter().map(|p| fs::metadata(p).unwrap().len()).sum();
    assert!(before <= stored);
    (paths, stored)
}

fn read_all(paths: &[PathBuf]) -> Vec<Document> {
    let mut out = Vec::new();
    for path in paths {
        let reader = open_input(path, &ReaderConfig::default()).unwrap();
        for doc in reader {
            out.push(doc.unwrap());
        }
    }
    out
}

fn assert_same(written: &[Document], read: &[Document]) {
    assert_eq!(written.len(), read.len());
    for (w, r) in written.iter().zip(read) {
        assert_eq!(w.id, r.id);
        assert_eq!(w.text, r.text);
        assert_eq!(w.url, r.url);
        assert_eq!(w.language, r.language);
        assert_eq!(w.date, r.date);
        assert_eq!(w.metadata, r.metadata, "{}", w.id);
        assert_eq!(w.signals, r.signals, "{}", w.id);
    }
}

fn config(format: OutputFormat, compression: Compression) -> WriterConfig {
    WriterConfig {
        format,
        compression,
        ..WriterConfig::default()
    }
}

#[test]
fn jsonl_round_trips_for_every_compression() {
    let docs = docs(50);
    for (compression, name) in [
        (Compression::Zstd, "00000-00000.jsonl.zst"),
        (Compression::Gzip, "00000-00000.jsonl.gz"),
        (Compression::None, "00000-00000.jsonl"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let (paths, _) = write_all(dir.path(), &config(OutputFormat::Jsonl, compression), &docs);
        assert_eq!(paths, vec![dir.path().join(name)]);
        assert_same(&docs, &read_all(&paths));
    }
}

#[test]
fn parquet_round_trips() {
    let docs = docs(20_000);
    for compression in [Compression::Zstd, Compression::None] {
        let dir = tempfile::tempdir().unwrap();
        let (paths, _) = write_all(dir.path(), &config(OutputFormat::Parquet, compression), &docs);
        assert_eq!(paths, vec![dir.path().join("00000-00000.parquet")]);
        assert_same(&docs, &read_all(&paths));
    }
}

#[test]
fn parquet_row_groups_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let (paths, _) = write_all(
        dir.path(),
        &config(OutputFormat::Parquet, Compression::Zstd),
        &docs(20_000),
    );
    let file = fs::File::open(&paths[0]).unwrap();
    let builder = ::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    let metadata = builder.metadata();
    assert_eq!(metadata.num_row_groups(), 3);
    assert!(metadata.row_groups().iter().all(|g| g.num_rows() <= 8192));
    assert_eq!(metadata.file_metadata().created_by(), Some("saring"));
}

#[test]
fn parquet_refuses_gzip() {
    let dir = tempfile::tempdir().unwrap();
    let err = ShardWriter::new(dir.path(), 0, &config(OutputFormat::Parquet, Compression::Gzip))
        .err()
        .unwrap();
    assert!(
        err.to_string()
            .contains("parquet output supports compression zstd or none"),
        "{err}"
    );
}

#[test]
fn shards_by_size_with_final_names_and_no_temporary_files() {
    let docs = docs(100);
    for format in [OutputFormat::Jsonl, OutputFormat::Parquet] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out/nested");
        let config = WriterConfig {
            format,
            compression: Compression::Zstd,
            max_shard_bytes: 1000,
        };
        let mut writer = ShardWriter::new(&out, 7, &config).unwrap();
        assert_eq!(
            fs::read_dir(&out).unwrap().count(),
            0,
            "no file before the first document"
        );
        for doc in &docs {
            writer.write(doc).unwrap();
        }
        let paths = writer.finish().unwrap();
        assert!(paths.len() > 3, "{}", paths.len());
        let ext = if format == OutputFormat::Jsonl {
            "jsonl.zst"
        } else {
            "parquet"
        };
        for (i, path) in paths.iter().enumerate() {
            assert_eq!(path, &out.join(format!("00007-{i:05}.{ext}")));
        }
        let mut names: Vec<_> = fs::read_dir(&out).unwrap().map(|e| e.unwrap().path()).collect();
        names.sort();
        assert_eq!(names, paths, "only the final shards are left");
        assert_same(&docs, &read_all(&paths));
    }
}

#[test]
fn writing_twice_gives_identical_bytes() {
    let docs = docs(300);
    for (format, compression) in [
        (OutputFormat::Jsonl, Compression::Zstd),
        (OutputFormat::Jsonl, Compression::Gzip),
        (OutputFormat::Jsonl, Compression::None),
        (OutputFormat::Parquet, Compression::Zstd),
        (OutputFormat::Parquet, Compression::None),
    ] {
        let config = WriterConfig {
            format,
            compression,
            max_shard_bytes: 10_000,
        };
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (paths_a, bytes_a) = write_all(a.path(), &config, &docs);
        let (paths_b, bytes_b) = write_all(b.path(), &config, &docs);
        assert_eq!(bytes_a, bytes_b);
        assert_eq!(paths_a.len(), paths_b.len());
        assert!(paths_a.len() > 1);
        for (pa, pb) in paths_a.iter().zip(&paths_b) {
            assert_eq!(
                fs::read(pa).unwrap(),
                fs::read(pb).unwrap(),
                "{format:?} {compression:?}"
            );
        }
    }
}

#[test]
fn dropping_an_unfinished_writer_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut writer = ShardWriter::new(dir.path(), 0, &WriterConfig::default()).unwrap();
    writer.write(&Document::new("a".into(), "b".into())).unwrap();
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    drop(writer);
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn finish_without_documents_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let writer = ShardWriter::new(dir.path(), 0, &WriterConfig::default()).unwrap();
    assert_eq!(writer.bytes_written(), 0);
    assert!(writer.finish().unwrap().is_empty());
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn a_resumed_writer_continues_the_numbering_and_the_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let config = WriterConfig {
        max_shard_bytes: 300,
        ..WriterConfig::default()
    };
    let docs = docs(40);
    let whole = dir.path().join("whole");
    let (paths, _) = write_all(&whole, &config, &docs);
    assert!(paths.len() > 3);

    // A first writer stops after its second shard closed; a resumed one writes the rest.
    let parts = dir.path().join("parts");
    let mut first = ShardWriter::new(&parts, 0, &config).unwrap();
    let mut rest = docs.iter();
    for doc in rest.by_ref() {
        first.write(doc).unwrap();
        if first.finished_shards().len() == 2 {
            break;
        }
    }
    drop(first);
    let mut second = ShardWriter::new(&parts, 0, &config).unwrap().resume_after(2);
    assert_eq!(second.finished_shards().len(), 2);
    let earlier: u64 = second
        .finished_shards()
        .iter()
        .map(|p| fs::metadata(p).unwrap().len())
        .sum();
    assert_eq!(second.bytes_written(), earlier);
    for doc in rest {
        second.write(doc).unwrap();
    }
    let resumed = second.finish().unwrap();
    assert_eq!(resumed.len(), paths.len());
    for (a, b) in paths.iter().zip(&resumed) {
        assert_eq!(a.file_name(), b.file_name());
        assert_eq!(fs::read(a).unwrap(), fs::read(b).unwrap());
    }
}
