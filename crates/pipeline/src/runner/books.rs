//! The files a run keeps beside its shards, one set per rank:
//!
//! ```text
//! OUT/stats/RRRRR.json     the rank's RunStats
//! OUT/stats/RRRRR.done     completion marker: the fingerprint of what the rank did
//! OUT/errors/RRRRR.jsonl   one line per errored record (only when there were errors)
//! OUT/stats.json           the whole run: written once every rank is done
//! ```

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use saring_core::RunStats;
use saring_io::OutputDir;
use serde_json::json;

use super::{ErrorRecord, RunError};

/// The names of one rank's books in an output directory (local or an object-store prefix).
pub(super) struct Books {
    out: OutputDir,
    rank: u32,
    world_size: u32,
}

impl Books {
    pub(super) fn new(out: &OutputDir, rank: u32, world_size: u32) -> Books {
        Books {
            out: out.clone(),
            rank,
            world_size,
        }
    }

    fn stats_name(rank: u32) -> String {
        format!("stats/{rank:05}.json")
    }

    fn marker_name(rank: u32) -> String {
        format!("stats/{rank:05}.done")
    }

    /// The name of this rank's error log.
    pub(super) fn error_log_name(&self) -> String {
        format!("errors/{:05}.jsonl", self.rank)
    }

    /// Creates the directories and removes this rank's files of an earlier run (shards, books, temporary
    /// files), so that a rerun leaves exactly the files it writes and no stale completion marker.
    pub(super) fn prepare(&self) -> Result<(), RunError> {
        self.out
            .create(&["stats"])
            .map_err(|e| self.output_error("", e))?;
        for name in [
            Books::marker_name(self.rank),
            Books::stats_name(self.rank),
            self.error_log_name(),
        ] {
            self.out.remove(&name).map_err(|e| self.output_error(&name, e))?;
        }
        self.out
            .remove_prefixed("", &format!("{:05}-", self.rank))
            .map_err(|e| self.output_error("", e))
    }

    /// The stats of an earlier run of this rank that finished with the same `fingerprint`, if any.
    pub(super) fn completed(&self, fingerprint: &str) -> Option<RunStats> {
        let marker = self.out.read(&Books::marker_name(self.rank)).ok()??;
        let marker: serde_json::Value = serde_json::from_slice(&marker).ok()?;
        if marker.get("fingerprint")?.as_str()? != fingerprint {
            return None;
        }
        serde_json::from_slice(&self.out.read(&Books::stats_name(self.rank)).ok()??).ok()
    }

    /// Records the rank's stats, then, for work that ran to its end, its completion marker (a run stopped
    /// by `fail_fast` is not complete). Writes the merged `stats.json` of the whole run once every rank is
    /// complete, or at once for a single-rank run.
    pub(super) fn record(&self, stats: &RunStats, completed: Option<&str>) -> Result<(), RunError> {
        write_json(&self.out, &Books::stats_name(self.rank), stats)?;
        if let Some(fingerprint) = completed {
            let marker = json!({"fingerprint": fingerprint});
            write_json(&self.out, &Books::marker_name(self.rank), &marker)?;
        }
        let all_done = || -> Result<bool, RunError> {
            let names = self
                .out
                .list("stats")
                .map_err(|e| self.output_error("stats", e))?;
            Ok((0..self.world_size).all(|rank| {
                let marker = Books::marker_name(rank);
                let marker = marker.trim_start_matches("stats/");
                names.iter().any(|name| name == marker)
            }))
        };
        if self.world_size == 1 || all_done()? {
            merge_stats_in(&self.out)?;
        }
        Ok(())
    }

    fn output_error(&self, name: &str, source: std::io::Error) -> RunError {
        output_error(&self.out.location(name), source)
    }
}

/// Adds up the stats of every rank found in `OUT/stats/` into the stats of the whole run, and writes them
/// to `OUT/stats.json`. `OUT` may be an object-store URL (`s3://bucket/out/`).
pub fn merge_stats(out_dir: &Path) -> Result<RunStats, RunError> {
    let out = OutputDir::open(out_dir).map_err(|source| output_error(out_dir, source))?;
    merge_stats_in(&out)
}

fn merge_stats_in(out: &OutputDir) -> Result<RunStats, RunError> {
    let names = out
        .list("stats")
        .map_err(|source| output_error(&out.location("stats"), source))?;
    let mut total = RunStats::default();
    for name in names.iter().filter(|name| name.ends_with(".json")) {
        let name = format!("stats/{name}");
        let path = out.location(&name);
        let bytes = out
            .read(&name)
            .and_then(|bytes| bytes.ok_or_else(|| std::io::ErrorKind::NotFound.into()))
            .map_err(|source| output_error(&path, source))?;
        let stats: RunStats = serde_json::from_slice(&bytes)
            .map_err(|e| output_error(&path, std::io::Error::new(std::io::ErrorKind::InvalidData, e)))?;
        total += &stats;
    }
    write_json(out, "stats.json", &total)?;
    Ok(total)
}

/// `OUT/errors/RRRRR.jsonl`: one line per errored record. Created at the first error, under a temporary
/// name until the run ends.
pub(super) struct ErrorLog {
    out: OutputDir,
    name: String,
    file: Option<(PathBuf, BufWriter<File>)>,
}

impl ErrorLog {
    pub(super) fn new(out: &OutputDir, name: String) -> ErrorLog {
        ErrorLog {
            out: out.clone(),
            name,
            file: None,
        }
    }

    pub(super) fn write(&mut self, error: &ErrorRecord) -> Result<(), RunError> {
        let (tmp, file) = match &mut self.file {
            Some((tmp, file)) => (tmp, file),
            None => {
                let opened = self
                    .out
                    .staging_path(&self.name)
                    .and_then(|tmp| File::create(&tmp).map(|file| (tmp, BufWriter::new(file))))
                    .map_err(|source| output_error(&self.out.location(&self.name), source))?;
                let (tmp, file) = self.file.insert(opened);
                (tmp, file)
            }
        };
        let line = json!({"kind": error.kind, "message": error.message});
        serde_json::to_writer(&mut *file, &line)
            .map_err(std::io::Error::other)
            .and_then(|()| file.write_all(b"\n"))
            .map_err(|source| output_error(tmp, source))
    }

    pub(super) fn finish(self) -> Result<(), RunError> {
        let Some((tmp, mut file)) = self.file else {
            return Ok(());
        };
        file.flush().map_err(|source| output_error(&tmp, source))?;
        drop(file);
        self.out
            .publish(&tmp, &self.name)
            .map_err(|source| output_error(&self.out.location(&self.name), source))
    }
}

pub(super) fn output_error(path: &Path, source: std::io::Error) -> RunError {
    RunError::Output {
        path: path.display().to_string(),
        source,
    }
}

/// Writes pretty JSON to file `name` of `out`, atomically.
pub(super) fn write_json(out: &OutputDir, name: &str, value: &impl serde::Serialize) -> Result<(), RunError> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(std::io::Error::other);
    if let Ok(bytes) = &mut bytes {
        bytes.push(b'\n');
    }
    bytes
        .and_then(|bytes| out.write(name, &bytes))
        .map_err(|source| output_error(&out.location(name), source))
}
