//! The files a run keeps beside its shards, one set per rank:
//!
//! ```text
//! OUT/stats/RRRRR.json     the rank's RunStats
//! OUT/stats/RRRRR.done     completion marker: the fingerprint of what the rank did
//! OUT/errors/RRRRR.jsonl   one line per errored record (only when there were errors)
//! OUT/dropped/, excluded/  samples of dropped documents, and all of them (see `dropped`)
//! OUT/stats.json           the whole run: written once every rank is done
//! ```

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use saring_core::RunStats;
use serde_json::json;

use super::dropped::{DROPPED_DIR, EXCLUDED_DIR};
use super::{ErrorRecord, RunError};

/// The paths of one rank's books in an output directory.
pub(super) struct Books {
    dir: PathBuf,
    rank: u32,
    world_size: u32,
}

impl Books {
    pub(super) fn new(dir: &Path, rank: u32, world_size: u32) -> Books {
        Books {
            dir: dir.to_path_buf(),
            rank,
            world_size,
        }
    }

    fn stats_path(&self, rank: u32) -> PathBuf {
        self.dir.join("stats").join(format!("{rank:05}.json"))
    }

    fn marker_path(&self, rank: u32) -> PathBuf {
        self.dir.join("stats").join(format!("{rank:05}.done"))
    }

    /// The error log of this rank.
    pub(super) fn error_log_path(&self) -> PathBuf {
        self.dir.join("errors").join(format!("{:05}.jsonl", self.rank))
    }

    /// Creates the directories and removes this rank's files of an earlier run (shards, books, temporary
    /// files), so that a rerun leaves exactly the files it writes and no stale completion marker.
    pub(super) fn prepare(&self) -> Result<(), RunError> {
        for dir in [self.dir.clone(), self.dir.join("stats")] {
            fs::create_dir_all(&dir).map_err(|source| output_error(&dir, source))?;
        }
        for path in [
            self.marker_path(self.rank),
            self.stats_path(self.rank),
            self.error_log_path(),
        ] {
            remove_if_present(&path)?;
        }
        for dir in [
            self.dir.clone(),
            self.dir.join(DROPPED_DIR),
            self.dir.join(EXCLUDED_DIR),
        ] {
            self.remove_rank_files(&dir)?;
        }
        Ok(())
    }

    /// Removes this rank's shards (`RRRRR-…`) and their temporary files from `dir`, if it exists.
    fn remove_rank_files(&self, dir: &Path) -> Result<(), RunError> {
        let prefix = format!("{:05}-", self.rank);
        let hidden_prefix = format!(".{prefix}");
        let entries = match fs::read_dir(dir) {
            Err(source) if source.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            entries => entries.map_err(|source| output_error(dir, source))?,
        };
        for entry in entries {
            let entry = entry.map_err(|source| output_error(dir, source))?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with(&prefix) || name.starts_with(&hidden_prefix) {
                remove_if_present(&entry.path())?;
            }
        }
        Ok(())
    }

    /// The stats of an earlier run of this rank that finished with the same `fingerprint`, if any.
    pub(super) fn completed(&self, fingerprint: &str) -> Option<RunStats> {
        let marker: serde_json::Value =
            serde_json::from_slice(&fs::read(self.marker_path(self.rank)).ok()?).ok()?;
        if marker.get("fingerprint")?.as_str()? != fingerprint {
            return None;
        }
        serde_json::from_slice(&fs::read(self.stats_path(self.rank)).ok()?).ok()
    }

    /// Records the rank's stats, then, for work that ran to its end, its completion marker (a run stopped
    /// by `fail_fast` is not complete). Writes the merged `stats.json` of the whole run once every rank is
    /// complete, or at once for a single-rank run.
    pub(super) fn record(&self, stats: &RunStats, completed: Option<&str>) -> Result<(), RunError> {
        write_json(&self.stats_path(self.rank), stats)?;
        if let Some(fingerprint) = completed {
            write_json(&self.marker_path(self.rank), &json!({"fingerprint": fingerprint}))?;
        }
        if self.world_size == 1 || (0..self.world_size).all(|rank| self.marker_path(rank).exists()) {
            merge_stats(&self.dir)?;
        }
        Ok(())
    }
}

/// Adds up the stats of every rank found in `OUT/stats/` into the stats of the whole run, and writes them
/// to `OUT/stats.json`.
pub fn merge_stats(out_dir: &Path) -> Result<RunStats, RunError> {
    let dir = out_dir.join("stats");
    let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
        .map_err(|source| output_error(&dir, source))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    let mut total = RunStats::default();
    for path in paths {
        let bytes = fs::read(&path).map_err(|source| output_error(&path, source))?;
        let stats: RunStats = serde_json::from_slice(&bytes)
            .map_err(|e| output_error(&path, std::io::Error::new(std::io::ErrorKind::InvalidData, e)))?;
        total += &stats;
    }
    write_json(&out_dir.join("stats.json"), &total)?;
    Ok(total)
}

/// `OUT/errors/RRRRR.jsonl`: one line per errored record. Created at the first error, under a temporary
/// name until the run ends.
pub(super) struct ErrorLog {
    path: PathBuf,
    tmp: PathBuf,
    file: Option<BufWriter<File>>,
}

impl ErrorLog {
    pub(super) fn new(path: PathBuf) -> ErrorLog {
        let tmp = temporary_name(&path);
        ErrorLog {
            path,
            tmp,
            file: None,
        }
    }

    pub(super) fn write(&mut self, error: &ErrorRecord) -> Result<(), RunError> {
        let file = match &mut self.file {
            Some(file) => file,
            None => {
                let file = self
                    .tmp
                    .parent()
                    .map_or(Ok(()), fs::create_dir_all)
                    .and_then(|()| File::create(&self.tmp))
                    .map_err(|source| output_error(&self.tmp, source))?;
                self.file.insert(BufWriter::new(file))
            }
        };
        let line = json!({"kind": error.kind, "message": error.message});
        serde_json::to_writer(&mut *file, &line)
            .map_err(std::io::Error::other)
            .and_then(|()| file.write_all(b"\n"))
            .map_err(|source| output_error(&self.tmp, source))
    }

    pub(super) fn finish(self) -> Result<(), RunError> {
        let Some(mut file) = self.file else { return Ok(()) };
        file.flush().map_err(|source| output_error(&self.tmp, source))?;
        fs::rename(&self.tmp, &self.path).map_err(|source| output_error(&self.path, source))
    }
}

pub(super) fn output_error(path: &Path, source: std::io::Error) -> RunError {
    RunError::Output {
        path: path.display().to_string(),
        source,
    }
}

fn remove_if_present(path: &Path) -> Result<(), RunError> {
    match fs::remove_file(path) {
        Err(source) if source.kind() != std::io::ErrorKind::NotFound => Err(output_error(path, source)),
        _ => Ok(()),
    }
}

fn temporary_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp"))
}

/// Writes pretty JSON under a temporary name in the same directory, then renames it into place.
pub(crate) fn write_json(path: &Path, value: &impl serde::Serialize) -> Result<(), RunError> {
    let tmp = temporary_name(path);
    let result = File::create(&tmp).and_then(|file| {
        let mut writer = BufWriter::new(file);
        serde_json::to_writer_pretty(&mut writer, value).map_err(std::io::Error::other)?;
        writer.write_all(b"\n")?;
        writer.flush()
    });
    result.map_err(|source| output_error(&tmp, source))?;
    fs::rename(&tmp, path).map_err(|source| output_error(path, source))
}
