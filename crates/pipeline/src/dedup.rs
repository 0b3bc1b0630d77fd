//! Dedup as the last part of a run: the `[dedup]` table of a run config runs `saring dedup`'s stages
//! ([`saring_dedup::run_stage`]) over the run's own shards, so that `OUT` ends with deduplicated shards.
//!
//! With `[dedup]`, a run's output directory holds:
//!
//! ```text
//! OUT/.pre-dedup/            the pipeline's run directory: every rank's RRRRR-SSSSS shards, stats/,
//!                            errors/, dropped/ and its stats.json (hidden, so a directory walk of OUT
//!                            does not read the shards twice)
//! OUT/.dedup-work/           the dedup stages' work files and completion markers
//! OUT/SSSSS-NNNNN.jsonl.zst  the deduplicated shards, as `saring dedup OUT/.pre-dedup -o OUT` names
//!                            them (SSSSS: the pre-dedup shard's place in sorted order)
//! OUT/clusters.tsv           id<TAB>cluster_id of every document in a duplicate cluster
//! OUT/dedup.json             the dedup's own stats (those of `saring dedup`)
//! OUT/stats.json             the run's books with dedup as their last step: its `dropped` are the
//!                            duplicates removed (drop reason `duplicate`), so read = kept + dropped +
//!                            errored still holds
//! ```
//!
//! With one rank, the run dedups by itself once the pipeline is done ([`dedup_after_run`]). With ranks,
//! each rank only writes its pre-dedup shards; once all have finished, the stages run over them as tasks
//! of their own ([`dedup_stage_task`]: `saring dedup STAGE OUT/.pre-dedup --work OUT/.dedup-work
//! --config RUN.toml`, the filter stage with `-o OUT`, or the Ray driver), and the task that finishes the
//! filter stage completes the books ([`record_dedup`]). A rerun skips every finished task.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use saring_core::{RunStats, StepStats};
use saring_dedup::{DedupConfig, DedupError, DedupStats, Stage, StageTask, run_stage};
use saring_io::OutputDir;

use crate::runner::{merge_stats, write_json};
use crate::{PipelineConfig, RunError, RunOptions, RunOutcome};

/// The pipeline's run directory inside `OUT` when the run config has `[dedup]`.
pub const PRE_DEDUP_DIR: &str = ".pre-dedup";
/// The dedup stages' work directory inside `OUT`.
pub const DEDUP_WORK_DIR: &str = ".dedup-work";
/// The dedup's own stats inside `OUT`.
pub const DEDUP_STATS_FILE: &str = "dedup.json";
/// The name of the dedup step in the run's books.
pub const DEDUP_STEP: &str = "dedup";
/// The drop reason of a document removed as a duplicate of a kept one.
pub const DUPLICATE_REASON: &str = "duplicate";

/// Dedup after a run could not finish.
#[derive(Debug, thiserror::Error)]
pub enum DedupRunError {
    /// A dedup stage failed.
    #[error(transparent)]
    Dedup(#[from] DedupError),
    /// The run's books could not be read or written.
    #[error(transparent)]
    Books(#[from] RunError),
    /// The pre-dedup shards do not hold the documents the pipeline's books say it kept (shards changed
    /// or removed by hand), so the books would not add up.
    #[error(
        "the shards in {dir} hold {dedup_read} records but the run's books say it kept {kept}; rerun the pipeline"
    )]
    Mismatch {
        /// The pre-dedup directory.
        dir: String,
        /// Records the dedup read.
        dedup_read: u64,
        /// Documents the pipeline kept.
        kept: u64,
    },
}

/// What [`dedup_after_run`] did.
#[derive(Debug, Clone)]
pub struct DedupRunOutcome {
    /// The dedup's own stats (also in `OUT/dedup.json`).
    pub dedup: DedupStats,
    /// The run's books with dedup as their last step (also in `OUT/stats.json`).
    pub books: RunStats,
    /// Dedup tasks run.
    pub ran: u64,
    /// Dedup tasks skipped because an earlier run finished them.
    pub skipped: u64,
}

/// Where the pipeline writes its shards and books: `OUT/.pre-dedup` with `[dedup]`, else `OUT`.
pub fn pipeline_dir(out: &Path, config: &PipelineConfig) -> PathBuf {
    match config.dedup {
        Some(_) => out.join(PRE_DEDUP_DIR),
        None => out.to_path_buf(),
    }
}

/// Rank `rank` of `world_size` of a dedup stage over the pre-dedup shards of the run in `out`.
pub fn dedup_stage_task(out: &Path, rank: u32, world_size: u32, threads: usize) -> StageTask {
    StageTask {
        inputs: vec![out.join(PRE_DEDUP_DIR).display().to_string()],
        work: out.join(DEDUP_WORK_DIR),
        out_dir: Some(out.to_path_buf()),
        clusters_tsv: Some(out.join("clusters.tsv")),
        rank,
        world_size,
        threads,
    }
}

/// After a run of one rank whose config has `[dedup]` and that did not stop early: every dedup stage in
/// this process (`options.threads` threads), then the books; `None` otherwise (no `[dedup]`, or ranks:
/// the stages run once all ranks are done).
pub fn dedup_after_run(
    out: &Path,
    config: &PipelineConfig,
    options: &RunOptions,
    outcome: &RunOutcome,
) -> Result<Option<DedupRunOutcome>, DedupRunError> {
    let Some(dedup) = &config.dedup else {
        return Ok(None);
    };
    if options.world_size > 1 || outcome.stopped_early {
        return Ok(None);
    }
    let started = Instant::now();
    let task = dedup_stage_task(out, 0, 1, options.threads);
    let (mut ran, mut skipped, mut stats) = (0, 0, None);
    for stage in Stage::ALL {
        let stage_outcome = run_stage(stage, &task, dedup)?;
        ran += stage_outcome.ran;
        skipped += stage_outcome.skipped;
        stats = stage_outcome.stats;
    }
    // The filter stage of the only rank finds every shard written and returns the stats, whose CPU
    // seconds are those the tasks recorded in their markers (a rerun that skips them adds none).
    let mut stats = stats.unwrap_or_default();
    stats.wall_secs = started.elapsed().as_secs_f64();
    let books = record_dedup(out, &stats)?;
    Ok(books.map(|books| DedupRunOutcome {
        dedup: stats,
        books,
        ran,
        skipped,
    }))
}

/// Completes the books of a run whose dedup (into `out`) has just finished, when `out` is such a run's
/// output (it has `.pre-dedup/`): merges the pipeline's books, adds dedup as their last step, and
/// writes `OUT/stats.json` and `OUT/dedup.json`. `None` when `out` is not a run's output.
pub fn record_dedup(out: &Path, dedup: &DedupStats) -> Result<Option<RunStats>, DedupRunError> {
    let pre = out.join(PRE_DEDUP_DIR);
    if !pre.join("stats").is_dir() {
        return Ok(None);
    }
    let pipeline = merge_stats(&pre)?;
    if dedup.read != pipeline.kept {
        return Err(DedupRunError::Mismatch {
            dir: pre.display().to_string(),
            dedup_read: dedup.read,
            kept: pipeline.kept,
        });
    }
    let books = with_dedup(pipeline, dedup, shard_bytes(out));
    let out_dir = OutputDir::open(out).map_err(|source| RunError::Output {
        path: out.display().to_string(),
        source,
    })?;
    write_json(&out_dir, DEDUP_STATS_FILE, dedup)?;
    write_json(&out_dir, "stats.json", &books)?;
    Ok(Some(books))
}

/// The pipeline's books with dedup as the last step: its kept documents move to dropped (reason
/// `duplicate`) or errored as the dedup decided, so read = kept + dropped + errored still holds.
/// `languages_kept` stays the pipeline's (before dedup).
fn with_dedup(mut books: RunStats, dedup: &DedupStats, bytes_out: u64) -> RunStats {
    let mut drop_reasons = BTreeMap::new();
    if dedup.removed > 0 {
        drop_reasons.insert(DUPLICATE_REASON.to_owned(), dedup.removed);
    }
    books.steps.push(StepStats {
        name: DEDUP_STEP.to_owned(),
        total: dedup.read,
        kept: dedup.kept,
        dropped: dedup.removed,
        errored: dedup.errored,
        drop_reasons,
        secs: dedup.cpu_secs,
    });
    books.kept = dedup.kept;
    books.dropped += dedup.removed;
    books.errored += dedup.errored;
    if dedup.errored > 0 {
        *books.errors.entry(DEDUP_STEP.to_owned()).or_default() += dedup.errored;
    }
    books.bytes_out = bytes_out;
    books.wall_secs += dedup.wall_secs;
    books.cpu_secs += dedup.cpu_secs;
    books
}

/// Bytes of the data shards (`NNNNN-NNNNN.*`) directly in `dir`.
fn shard_bytes(dir: &Path) -> u64 {
    let is_shard = |name: &str| {
        let bytes = name.as_bytes();
        bytes.len() > 12
            && bytes.iter().take(11).enumerate().all(|(i, b)| match i {
                5 => *b == b'-',
                _ => b.is_ascii_digit(),
            })
            && bytes.get(11) == Some(&b'.')
    };
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| is_shard(&entry.file_name().to_string_lossy()))
        .filter_map(|entry| entry.metadata().ok())
        .filter(|meta| meta.is_file())
        .map(|meta| meta.len())
        .sum()
}

/// A dedup config from TOML: the settings of `saring dedup`, or a run config's `[dedup]` table (a TOML
/// with a `dedup` key is read as a run config, parsed whole, and must have the table). Unknown keys are
/// errors that name the key and its line; invalid values are all reported together.
pub fn dedup_config_from_toml(text: &str) -> Result<DedupConfig, DedupError> {
    let is_run_config = toml::from_str::<toml::Table>(text).is_ok_and(|table| table.contains_key("dedup"));
    if !is_run_config {
        return DedupConfig::from_toml(text);
    }
    let config = PipelineConfig::from_toml(text).map_err(|e| DedupError::Config(e.to_string()))?;
    let dedup = config.dedup.unwrap_or_default();
    dedup.validate()?;
    Ok(dedup)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_books_add_up_with_dedup_as_the_last_step() {
        let pipeline = RunStats {
            read: 10,
            kept: 6,
            dropped: 3,
            errored: 1,
            steps: vec![StepStats::named("min_length")],
            ..RunStats::default()
        };
        let dedup = DedupStats {
            read: 6,
            kept: 4,
            removed: 2,
            cpu_secs: 0.5,
            ..DedupStats::default()
        };
        let books = with_dedup(pipeline, &dedup, 123);
        assert_eq!(
            (books.read, books.kept, books.dropped, books.errored),
            (10, 4, 5, 1)
        );
        assert_eq!(books.read, books.kept + books.dropped + books.errored);
        let step = books.steps.last().unwrap();
        assert_eq!(step.name, DEDUP_STEP);
        assert_eq!((step.total, step.kept, step.dropped), (6, 4, 2));
        assert_eq!(step.drop_reasons[DUPLICATE_REASON], 2);
        assert_eq!(books.bytes_out, 123);
    }

    #[test]
    fn a_dedup_config_is_its_own_toml_or_the_dedup_table_of_a_run_config() {
        assert_eq!(dedup_config_from_toml("bands = 7\n").unwrap().bands, 7);
        let run = "[[step]]\ntype = \"min_length\"\n[dedup]\nrows = 4\n";
        assert_eq!(dedup_config_from_toml(run).unwrap().rows, 4);
        let err = dedup_config_from_toml("[dedup]\nband = 4\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("unknown field `band`") && err.contains("line 2"),
            "{err}"
        );
        let err = dedup_config_from_toml("[dedup]\nbands = 0\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("bands = 0"), "{err}");
        let err = dedup_config_from_toml("band = 4\n").unwrap_err().to_string();
        assert!(err.contains("unknown field `band`"), "{err}");
    }

    #[test]
    fn only_a_run_with_dedup_writes_into_pre_dedup() {
        let out = Path::new("out");
        let mut config = PipelineConfig::default();
        assert_eq!(pipeline_dir(out, &config), out);
        config.dedup = Some(DedupConfig::default());
        assert_eq!(pipeline_dir(out, &config), out.join(".pre-dedup"));
        let task = dedup_stage_task(out, 1, 3, 2);
        assert_eq!(task.inputs, ["out/.pre-dedup"]);
        assert_eq!(task.work, out.join(".dedup-work"));
        assert_eq!((task.rank, task.world_size), (1, 3));
    }

    #[test]
    fn shard_bytes_counts_only_data_shards() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("00000-00001.jsonl.zst"), "abc").unwrap();
        std::fs::write(dir.path().join("00002-00000.jsonl"), "de").unwrap();
        std::fs::write(dir.path().join("clusters.tsv"), "xxxxxxxx").unwrap();
        std::fs::write(dir.path().join(".00003-00000.jsonl.tmp"), "xxxxxxxx").unwrap();
        assert_eq!(shard_bytes(dir.path()), 5);
    }
}
