//! Writers: size-capped shards of JSONL or Parquet, each written under a temporary name and renamed when
//! complete, so a reader never sees half a shard.

mod jsonl;
mod parquet;

use std::path::{Path, PathBuf};

use saring_core::Document;
use serde::{Deserialize, Serialize};

use crate::Compression;

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

/// Writes documents into numbered shards `OUT/RRRRR-SSSSS.<ext>` for one rank.
pub struct ShardWriter {
    _todo: (),
}

impl ShardWriter {
    /// Prepares to write rank `rank`'s shards into `dir` (created if missing). No file is created until
    /// the first document arrives.
    pub fn new(dir: &Path, rank: u32, config: &WriterConfig) -> Result<ShardWriter, WriteError> {
        let _ = (dir, rank, config);
        todo!("helper B")
    }

    /// Appends one document to the current shard, closing it and opening the next when it is full.
    pub fn write(&mut self, doc: &Document) -> Result<(), WriteError> {
        let _ = doc;
        todo!("helper B")
    }

    /// Bytes written to disk so far, as stored (complete shards plus what was flushed of the open one).
    pub fn bytes_written(&self) -> u64 {
        todo!("helper B")
    }

    /// Closes the open shard (renaming it to its final name) and returns the paths of all shards written.
    pub fn finish(self) -> Result<Vec<PathBuf>, WriteError> {
        todo!("helper B")
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
