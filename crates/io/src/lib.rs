//! Everything saring reads and writes, and nothing else.
//!
//! - [`list_inputs`] expands the paths, directories and globs a user gives into a sorted list of files,
//!   so that every run (and every rank of a sharded run) sees the same order.
//! - [`open_input`] opens one file as a [`DocReader`]: a streaming iterator of
//!   [`Document`](saring_core::Document)s or [`ReadError`]s, whatever the format (WARC, ARC, WET, HTML
//!   files, JSONL, Parquet) and compression (gzip, zstd, none).
//! - [`ShardWriter`] writes kept documents into size-capped JSONL or Parquet shards named by rank and shard
//!   index, each written under a temporary name and renamed when complete, into an [`OutputDir`].
//! - Object storage: an input or output named by a URL (`s3://`, `gs://`, `az://`, `abfs://`, `http(s)://`)
//!   is listed, streamed ([`ObjectReader`], resuming dropped connections) and written (staged locally,
//!   uploaded whole) through the `object_store` crate; an [`OutputDir`] is a local directory or such a
//!   prefix, and [`write_atomic`] is the one way a small local output file is written.
#![deny(missing_docs)]

mod compression;
mod cpu;
mod gzip;
#[cfg(feature = "isal")]
mod igzip;
mod read;
mod store;
mod write;

pub use compression::{ByteCounter, Compression, open_decompressed};
pub use cpu::process_cpu_secs;
pub use read::{DocReader, InputFormat, ReadError, ReadErrorKind, ReaderConfig, list_inputs, open_input};
pub use store::{AtomicFile, ObjectReader, OutputDir, is_url, write_atomic};
pub use write::{OutputFormat, ShardWriter, WriteError, WriterConfig};
