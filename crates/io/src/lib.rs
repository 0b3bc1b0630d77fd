//! Everything saring reads and writes, and nothing else.
//!
//! - [`list_inputs`] expands the paths, directories and globs a user gives into a sorted list of files,
//!   so that every run (and every rank of a sharded run) sees the same order.
//! - [`open_input`] opens one file as a [`DocReader`]: a streaming iterator of
//!   [`Document`](saring_core::Document)s or [`ReadError`]s, whatever the format (WARC, ARC, WET, HTML
//!   files, JSONL, Parquet) and compression (gzip, zstd, none).
//! - [`ShardWriter`] writes kept documents into size-capped JSONL or Parquet shards named by rank and shard
//!   index, each written under a temporary name and renamed when complete.
#![deny(missing_docs)]

mod compression;
mod cpu;
mod gzip;
mod read;
mod write;

pub use compression::{ByteCounter, Compression, open_decompressed};
pub use cpu::process_cpu_secs;
pub use read::{DocReader, InputFormat, ReadError, ReadErrorKind, ReaderConfig, list_inputs, open_input};
pub use write::{OutputFormat, ShardWriter, WriteError, WriterConfig};
