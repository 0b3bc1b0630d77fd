//! Writers: size-capped shards of JSONL or Parquet, each built under a temporary name and published into
//! an [`OutputDir`] when complete, so a reader never sees half a shard.

mod jsonl;
mod parquet;

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use saring_core::Document;
use serde::{Deserialize, Serialize};

use crate::{Compression, OutputDir};

/// How to write output shards: the `[output]` table of a pipeline config.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WriterConfig {
    /// `jsonl` (the default) or `parquet`.
    #[serde(default)]
    pub format: OutputFormat,
    /// JSONL: `zstd` (the default), `gzip` or `none`. Parquet: `zstd` or `none`, per column chunk.
    #[serde(default)]
    pub compression: Compression,
    /// A shard is closed and the next begun once this many bytes of uncompressed records went into it.
    /// Counting uncompressed bytes keeps shard boundaries the same on every machine. Default 512 MiB.
    #[serde(default = "default_max_shard_bytes")]
    pub max_shard_bytes: u64,
}

const fn default_max_shard_bytes() -> u64 {
    512 * 1024 * 1024
}

impl Default for WriterConfig {
    fn default() -> WriterConfig {
        WriterConfig {
            format: OutputFormat::default(),
            compression: Compression::default(),
            max_shard_bytes: default_max_shard_bytes(),
        }
    }
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum OutputFormat {
    /// One JSON object per line: `id`, `text`, `url`, `metadata`.
    #[default]
    Jsonl,
    /// Apache Parquet with columns `id`, `text`, `url` and a `metadata` struct.
    Parquet,
}

/// Writes documents into numbered shards `DIR/RRRRR-SSSSS.<ext>` for one rank (`RRRRR` the rank, `SSSSS`
/// the shard index, both zero-padded to 5 digits; `<ext>` is `jsonl.zst`, `jsonl.gz`, `jsonl` or
/// `parquet`).
///
/// `DIR` is an [`OutputDir`]: a local directory or an object-store prefix. Each shard is written to its
/// [staging path](OutputDir::staging_path) (`DIR/.RRRRR-SSSSS.<ext>.tmp` locally), and
/// [published](OutputDir::publish) when closed (synced and renamed, or uploaded), so a reader never sees
/// half a shard. A shard is closed once the uncompressed bytes of the
/// records written to it reach `max_shard_bytes` (checked after each record, so every shard holds at least
/// one). The same documents in the same order always give byte-identical files.
///
/// ```
/// use saring_core::Document;
/// use saring_io::{ShardWriter, WriterConfig};
///
/// let dir = tempfile::tempdir()?;
/// let mut writer = ShardWriter::new(dir.path(), 3, &WriterConfig::default())?;
/// writer.write(&Document::new("a".into(), "hello".into()))?;
/// let shards = writer.finish()?;
/// assert_eq!(shards, vec![dir.path().join("00003-00000.jsonl.zst")]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Dropping a writer without calling [`ShardWriter::finish`] deletes the open shard's temporary file.
pub struct ShardWriter {
    out: OutputDir,
    rank: u32,
    config: WriterConfig,
    /// Index of the next shard to open.
    next_shard: u32,
    open: Option<OpenShard>,
    finished: Vec<PathBuf>,
    /// Stored bytes of the closed shards.
    closed_bytes: u64,
}

/// The shard being written.
struct OpenShard {
    tmp_path: PathBuf,
    name: String,
    sink: Sink,
    /// Uncompressed bytes of the records written so far.
    record_bytes: u64,
}

enum Sink {
    Jsonl(Box<jsonl::JsonlShard>),
    Parquet(Box<parquet::ParquetShard>),
}

impl Sink {
    fn write(&mut self, doc: &Document) -> io::Result<u64> {
        match self {
            Sink::Jsonl(shard) => shard.write(doc),
            Sink::Parquet(shard) => shard.write(doc),
        }
    }

    fn stored_bytes(&self) -> u64 {
        match self {
            Sink::Jsonl(shard) => shard.stored_bytes(),
            Sink::Parquet(shard) => shard.stored_bytes(),
        }
    }

    fn finish(self) -> io::Result<File> {
        match self {
            Sink::Jsonl(shard) => (*shard).finish(),
            Sink::Parquet(shard) => (*shard).finish(),
        }
    }
}

/// The file name of rank `rank`'s shard number `shard`: `RRRRR-SSSSS.<ext>`.
fn shard_name(rank: u32, shard: u32, config: &WriterConfig) -> String {
    let ext = match config.format {
        OutputFormat::Jsonl => format!("jsonl{}", config.compression.extension()),
        OutputFormat::Parquet => "parquet".to_owned(),
    };
    format!("{rank:05}-{shard:05}.{ext}")
}

impl ShardWriter {
    /// Prepares to write rank `rank`'s shards into `out` (a local directory, created if missing, or an
    /// object-store prefix). No file is created until the first document arrives.
    ///
    /// Fails if the directory cannot be created, or for Parquet with gzip compression (Parquet output
    /// supports `zstd` or `none`).
    pub fn new(
        out: impl Into<OutputDir>,
        rank: u32,
        config: &WriterConfig,
    ) -> Result<ShardWriter, WriteError> {
        let out = out.into();
        let dir = out.location("");
        let dir = dir.as_path();
        if config.format == OutputFormat::Parquet && config.compression == Compression::Gzip {
            return Err(WriteError::new(
                dir,
                "parquet output supports compression zstd or none",
            ));
        }
        out.create(&[]).map_err(|e| WriteError::new(dir, e))?;
        Ok(ShardWriter {
            out,
            rank,
            config: config.clone(),
            next_shard: 0,
            open: None,
            finished: Vec::new(),
            closed_bytes: 0,
        })
    }

    /// Appends one document to the current shard, closing it and opening the next when it is full.
    pub fn write(&mut self, doc: &Document) -> Result<(), WriteError> {
        let shard = match self.open.take() {
            Some(shard) => shard,
            None => self.open_shard()?,
        };
        let shard = self.open.insert(shard);
        let bytes = shard
            .sink
            .write(doc)
            .map_err(|e| WriteError::new(&shard.tmp_path, e))?;
        shard.record_bytes += bytes;
        if shard.record_bytes >= self.config.max_shard_bytes {
            self.close_shard()?;
        }
        Ok(())
    }

    /// Bytes written to disk so far, as stored (complete shards plus what was flushed of the open one).
    pub fn bytes_written(&self) -> u64 {
        self.closed_bytes + self.open.as_ref().map_or(0, |shard| shard.sink.stored_bytes())
    }

    /// Closes the open shard (publishing it under its final name) and returns the paths of all shards
    /// written (for an object store, paths whose text is the object's URL).
    pub fn finish(mut self) -> Result<Vec<PathBuf>, WriteError> {
        self.close_shard()?;
        Ok(std::mem::take(&mut self.finished))
    }

    /// Continues an earlier writer of the same rank whose first `shards` shards are complete in the
    /// directory: the next shard opened is number `shards`, and [`ShardWriter::finish`] lists the earlier
    /// ones first. This is how an interrupted run resumes from its checkpoint.
    pub fn resume_after(mut self, shards: u32) -> ShardWriter {
        let names: Vec<String> = (0..shards).map(|s| self.shard_name(s)).collect();
        self.closed_bytes = names.iter().filter_map(|name| self.out.size(name).ok()).sum();
        self.finished = names.iter().map(|name| self.out.location(name)).collect();
        self.next_shard = shards;
        self
    }

    /// The shards closed so far (renamed to their final names), in order; a shard closes once full, so a
    /// longer list after [`ShardWriter::write`] means that document completed a shard.
    pub fn finished_shards(&self) -> &[PathBuf] {
        &self.finished
    }

    /// The file name of shard `shard`.
    fn shard_name(&self, shard: u32) -> String {
        shard_name(self.rank, shard, &self.config)
    }

    /// The shards an earlier writer of rank `rank` left complete in `out`, in order: those numbered from 0
    /// without a gap.
    pub fn existing_shards(out: &OutputDir, rank: u32, config: &WriterConfig) -> Vec<PathBuf> {
        let names = out.list("").unwrap_or_default();
        (0..)
            .map(|shard| shard_name(rank, shard, config))
            .take_while(|name| names.binary_search(name).is_ok())
            .map(|name| out.location(&name))
            .collect()
    }

    fn open_shard(&mut self) -> Result<OpenShard, WriteError> {
        let name = self.shard_name(self.next_shard);
        let tmp_path = self
            .out
            .staging_path(&name)
            .map_err(|e| WriteError::new(&self.out.location(&name), e))?;
        let file = File::create(&tmp_path).map_err(|e| WriteError::new(&tmp_path, e))?;
        let file = CountingFile { file, written: 0 };
        let sink = match self.config.format {
            OutputFormat::Jsonl => jsonl::JsonlShard::create(file, self.config.compression)
                .map(|shard| Sink::Jsonl(Box::new(shard))),
            OutputFormat::Parquet => parquet::ParquetShard::create(file, self.config.compression)
                .map(|shard| Sink::Parquet(Box::new(shard))),
        };
        let sink = match sink {
            Ok(sink) => sink,
            Err(e) => {
                // Best effort: the error about creating the shard is the one worth reporting.
                let _ = fs::remove_file(&tmp_path);
                return Err(WriteError::new(&tmp_path, e));
            }
        };
        self.next_shard += 1;
        Ok(OpenShard {
            tmp_path,
            name,
            sink,
            record_bytes: 0,
        })
    }

    /// Finishes and publishes the open shard, if any.
    fn close_shard(&mut self) -> Result<(), WriteError> {
        let Some(shard) = self.open.take() else {
            return Ok(());
        };
        let tmp_path = shard.tmp_path;
        let result = shard
            .sink
            .finish()
            .and_then(|file| file.metadata().map(|m| m.len()));
        let stored = match result {
            Ok(stored) => stored,
            Err(e) => {
                // Best effort: the write error is the one worth reporting.
                let _ = fs::remove_file(&tmp_path);
                return Err(WriteError::new(&tmp_path, e));
            }
        };
        let final_path = self.out.location(&shard.name);
        self.out
            .publish(&tmp_path, &shard.name)
            .map_err(|e| WriteError::new(&final_path, e))?;
        self.closed_bytes += stored;
        self.finished.push(final_path);
        Ok(())
    }
}

impl Drop for ShardWriter {
    fn drop(&mut self) {
        if let Some(shard) = self.open.take() {
            // An unfinished shard must not be left behind; nothing useful can be done if removal fails.
            let _ = fs::remove_file(&shard.tmp_path);
        }
    }
}

/// A file that counts the bytes written to it.
struct CountingFile {
    file: File,
    written: u64,
}

impl Write for CountingFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// A failure to write output; always fatal for the run.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {message}")]
pub struct WriteError {
    /// The file being written.
    pub path: String,
    /// What went wrong.
    pub message: String,
}

impl WriteError {
    fn new(path: &Path, message: impl std::fmt::Display) -> WriteError {
        WriteError {
            path: path.display().to_string(),
            message: message.to_string(),
        }
    }
}

#[cfg(test)]
mod tests;
