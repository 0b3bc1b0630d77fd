//! The files a run keeps beside its shards, one set per rank, in an [`OutputDir`] (a local directory or
//! an object-store prefix):
//!
//! ```text
//! OUT/stats/RRRRR.json     the rank's RunStats
//! OUT/stats/RRRRR.done     completion marker: the fingerprint of what the rank did
//! OUT/stats/RRRRR.checkpoint  while the rank runs: how far its finished shards go (see `checkpoint`)
//! OUT/errors/RRRRR.jsonl   one line per errored record (only when there were errors)
//! OUT/dropped/, excluded/  samples of dropped documents, and all of them (see `dropped`)
//! OUT/stats.json           the whole run: written once every rank is done
//! ```

use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use saring_core::RunStats;
use saring_io::OutputDir;
use serde_json::json;

use super::dropped::{DROPPED_DIR, EXCLUDED_DIR};
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

    /// The name of this rank's checkpoint.
    pub(super) fn checkpoint_name(&self) -> String {
        format!("stats/{:05}.checkpoint", self.rank)
    }

    /// The name of this rank's error log.
    pub(super) fn error_log_name(&self) -> String {
        format!("errors/{:05}.jsonl", self.rank)
    }

    /// The output the books are in.
    pub(super) fn out(&self) -> &OutputDir {
        &self.out
    }

    /// Creates the directories and removes this rank's files of an earlier run (shards, books, temporary
    /// files), so that a rerun leaves exactly the files it writes and no stale completion marker. When
    /// resuming, the shards in `keep` stay, and so do the checkpoint and the error log (which
    /// [`ErrorLog::resume`] cuts back to the checkpoint).
    pub(super) fn prepare(&self, keep: Option<&[PathBuf]>) -> Result<(), RunError> {
        self.out
            .create(&["stats"])
            .map_err(|e| self.output_error("", e))?;
        let books = [Books::marker_name(self.rank), Books::stats_name(self.rank)];
        let checkpoint = self.checkpoint_name();
        // The temporaries of the books a killed run was writing in a directory.
        for name in books.iter().chain([&checkpoint]) {
            let (sub, file) = name.rsplit_once('/').unwrap_or(("", name));
            self.out
                .remove_temporaries(sub, Some(file))
                .map_err(|e| self.output_error(name, e))?;
        }
        let mut remove = books.to_vec();
        if keep.is_none() {
            let log = self.error_log_name();
            ErrorLog::remove_staged(&self.out, &log)?;
            remove.extend([partial_name(&log), log, checkpoint]);
        }
        for name in &remove {
            self.out.remove(name).map_err(|e| self.output_error(name, e))?;
        }
        let prefix = format!("{:05}-", self.rank);
        for sub in ["", DROPPED_DIR, EXCLUDED_DIR] {
            self.out
                .remove_prefixed(sub, &prefix, keep.unwrap_or_default())
                .map_err(|e| self.output_error(sub, e))?;
        }
        Ok(())
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
    /// complete, or at once for a single-rank run. The checkpoint goes before the marker: a rank is never
    /// both complete and resumable.
    pub(super) fn record(&self, stats: &RunStats, completed: Option<&str>) -> Result<(), RunError> {
        write_json(&self.out, &Books::stats_name(self.rank), stats)?;
        let checkpoint = self.checkpoint_name();
        self.out
            .remove(&checkpoint)
            .map_err(|e| self.output_error(&checkpoint, e))?;
        if let Some(fingerprint) = completed {
            let marker = json!({"fingerprint": fingerprint});
            write_json(&self.out, &Books::marker_name(self.rank), &marker)?;
        }
        self.merge_when_all_done()
    }

    /// Writes the merged `stats.json` of the whole run when every rank is complete (at once for a
    /// single-rank run). Also called for a rank found complete, since a rank killed after its marker but
    /// before the merge must still leave the merged stats on its rerun.
    pub(super) fn merge_when_all_done(&self) -> Result<(), RunError> {
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
        if self.world_size == 1 {
            // The output is this process's alone: the temporaries a killed run left of the files written
            // for the whole run (stats.json, run.json, the report) go too. With several ranks another
            // rank may be writing such a file now.
            for sub in ["", "stats"] {
                self.out
                    .remove_temporaries(sub, None)
                    .map_err(|e| self.output_error(sub, e))?;
            }
        }
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

/// `OUT/errors/RRRRR.jsonl`: one line per errored record. Created at the first error, built at its
/// staging path until the run ends. For a checkpoint the lines so far are synced; in an object store
/// they are also uploaded as `errors/.RRRRR.jsonl.partial`, from which a resumed run takes them up.
pub(super) struct ErrorLog {
    out: OutputDir,
    name: String,
    file: Option<(PathBuf, BufWriter<File>)>,
    /// Bytes of the lines written so far.
    bytes: u64,
}

impl ErrorLog {
    pub(super) fn new(out: &OutputDir, name: String) -> ErrorLog {
        ErrorLog {
            out: out.clone(),
            name,
            file: None,
            bytes: 0,
        }
    }

    /// The file a log of a directory is built in (a killed run's is left there); none for a store, whose
    /// staging directory is the process's own. Its directory is not created.
    fn staged_here(out: &OutputDir, name: &str) -> Option<PathBuf> {
        (!out.is_remote()).then(|| out.location(&temporary_name(name)))
    }

    fn remove_staged(out: &OutputDir, name: &str) -> Result<(), RunError> {
        match ErrorLog::staged_here(out, name).map(fs::remove_file) {
            Some(Err(e)) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(output_error(&out.location(name), e))
            }
            _ => Ok(()),
        }
    }

    /// The bytes an interrupted run left of the log `name`: built locally, uploaded as the partial log,
    /// or under the final name when the run ended between publishing the log and completing.
    pub(super) fn left_bytes(out: &OutputDir, name: &str) -> u64 {
        ErrorLog::staged_here(out, name)
            .and_then(|path| fs::metadata(path).ok())
            .map(|m| m.len())
            .or_else(|| out.size(&partial_name(name)).ok())
            .or_else(|| out.size(name).ok())
            .unwrap_or(0)
    }

    /// Takes up the log `name` an interrupted run left, cut back to its first `bytes` (those of the
    /// records its checkpoint covers; [`ErrorLog::left_bytes`] has at least as many). Returns the log
    /// and up to `first` of its messages.
    pub(super) fn resume(
        out: &OutputDir,
        name: String,
        bytes: u64,
        first: usize,
    ) -> Result<(ErrorLog, Vec<String>), RunError> {
        let mut log = ErrorLog::new(out, name);
        let final_error = |source| output_error(&out.location(&log.name), source);
        if bytes == 0 {
            ErrorLog::remove_staged(out, &log.name)?;
            for name in [partial_name(&log.name), log.name.clone()] {
                out.remove(&name).map_err(final_error)?;
            }
            return Ok((log, Vec::new()));
        }
        let staged = out.staging_path(&log.name).map_err(final_error)?;
        if !staged.exists() {
            let earlier = match out.read(&partial_name(&log.name)).map_err(final_error)? {
                Some(bytes) => Some(bytes),
                None => out.read(&log.name).map_err(final_error)?,
            };
            let earlier = earlier.unwrap_or_default();
            let kept = earlier.get(..bytes as usize).unwrap_or(&earlier);
            fs::write(&staged, kept).map_err(|source| output_error(&staged, source))?;
        }
        out.remove(&log.name).map_err(final_error)?;
        let error = |source| output_error(&staged, source);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&staged)
            .map_err(error)?;
        file.set_len(bytes).map_err(error)?;
        let messages = BufReader::new(&file)
            .lines()
            .take(first)
            .map_while(Result::ok)
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(&line).ok())
            .filter_map(|line| line.get("message")?.as_str().map(str::to_owned))
            .collect();
        file.seek(SeekFrom::End(0)).map_err(error)?;
        log.file = Some((staged, BufWriter::new(file)));
        log.bytes = bytes;
        Ok((log, messages))
    }

    /// Makes every line written so far durable (synced; uploaded as the partial log for a store) and
    /// returns their length in bytes, for a checkpoint.
    pub(super) fn sync(&mut self) -> Result<u64, RunError> {
        if let Some((staged, file)) = &mut self.file {
            file.flush()
                .and_then(|()| file.get_ref().sync_data())
                .map_err(|source| output_error(staged, source))?;
            if self.out.is_remote() {
                let partial = partial_name(&self.name);
                fs::read(&*staged)
                    .and_then(|bytes| self.out.write(&partial, &bytes))
                    .map_err(|source| output_error(&self.out.location(&partial), source))?;
            }
        }
        Ok(self.bytes)
    }

    pub(super) fn write(&mut self, error: &ErrorRecord) -> Result<(), RunError> {
        let (staged, file) = match &mut self.file {
            Some((staged, file)) => (staged, file),
            None => {
                let opened = self
                    .out
                    .staging_path(&self.name)
                    .and_then(|staged| File::create(&staged).map(|file| (staged, BufWriter::new(file))))
                    .map_err(|source| output_error(&self.out.location(&self.name), source))?;
                let (staged, file) = self.file.insert(opened);
                (staged, file)
            }
        };
        let mut line = serde_json::to_vec(&json!({"kind": error.kind, "message": error.message}))
            .map_err(|e| output_error(staged, std::io::Error::other(e)))?;
        line.push(b'\n');
        file.write_all(&line)
            .map_err(|source| output_error(staged, source))?;
        self.bytes += line.len() as u64;
        Ok(())
    }

    pub(super) fn finish(self) -> Result<(), RunError> {
        let Some((staged, mut file)) = self.file else {
            return Ok(());
        };
        file.flush().map_err(|source| output_error(&staged, source))?;
        drop(file);
        let location = self.out.location(&self.name);
        self.out
            .publish(&staged, &self.name)
            .map_err(|source| output_error(&location, source))?;
        self.out
            .remove(&partial_name(&self.name))
            .map_err(|source| output_error(&location, source))
    }
}

pub(super) fn output_error(path: &Path, source: std::io::Error) -> RunError {
    RunError::Output {
        path: path.display().to_string(),
        source,
    }
}

/// `DIR/.NAME.tmp` for `DIR/NAME`: where a directory's file is written before it is renamed into place.
fn temporary_name(name: &str) -> String {
    hidden(name, ".tmp")
}

/// `DIR/.NAME.partial` for `DIR/NAME`: the lines of an error log up to a checkpoint, in a store.
fn partial_name(name: &str) -> String {
    hidden(name, ".partial")
}

fn hidden(name: &str, suffix: &str) -> String {
    match name.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/.{file}{suffix}"),
        None => format!(".{name}{suffix}"),
    }
}

/// Writes pretty JSON to file `name` of `out`, atomically.
pub(crate) fn write_json(out: &OutputDir, name: &str, value: &impl serde::Serialize) -> Result<(), RunError> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(std::io::Error::other);
    if let Ok(bytes) = &mut bytes {
        bytes.push(b'\n');
    }
    bytes
        .and_then(|bytes| out.write(name, &bytes))
        .map_err(|source| output_error(&out.location(name), source))
}
