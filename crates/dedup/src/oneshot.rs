//! One-shot dedup on one machine: the stages of a staged run ([`run_stage`](crate::run_stage)), run in sequence in one
//! process as rank 0 of 1, in a work directory inside the output directory that is removed at the end.
//!
//! The stages share one pool of worker threads, and hand each other some of their results in memory
//! ([`Shared`]: the sketches read whole), which a staged run reads from the work files.
//!
//! A run without an output directory ([`cluster_files_with`]) writes only the clusters TSV and its stats:
//! its `lines` stage keeps no copy of the documents and its `filter` stage writes none.
//!
//! Per-document work runs on a rayon pool and its results are collected back in input order, so every
//! output is the same for any thread count (and the same as a staged run with any number of ranks).

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::cluster::{ClusterStats, OverMerged};
use crate::stages::{Shared, Stage, StageTask, run_stage_keeping};
use crate::work::{Durability, io_error};
use crate::{DedupConfig, DedupError};
use saring_io::process_cpu_secs;

/// The work directory of a one-shot run, inside its output directory.
const WORK_DIR: &str = ".dedup-work";

/// How to run (not what to compute): flags, not config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// Worker threads; 0 means one per CPU. The output does not depend on it.
    pub threads: usize,
}

/// What a one-shot run did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DedupStats {
    /// Input files read.
    pub files: u64,
    /// Documents read (including errored records).
    pub read: u64,
    /// Documents written.
    pub kept: u64,
    /// Documents removed as duplicates of a kept one.
    pub removed: u64,
    /// Records or files that could not be read.
    pub errored: u64,
    /// Clusters of two or more documents.
    pub duplicate_clusters: u64,
    /// Documents in such clusters (lines of the clusters TSV).
    pub docs_in_clusters: u64,
    /// Size of the largest cluster.
    pub largest_cluster: u64,
    /// Documents with a MinHash signature (the others are matched as exact copies only).
    pub signed: u64,
    /// Distinct (host, line) pairs found to be boilerplate.
    pub boilerplate_keys: u64,
    /// Lines removed as boilerplate before shingling, over all documents.
    pub boilerplate_lines_removed: u64,
    /// Counts from clustering.
    pub cluster: ClusterStats,
    /// Clusters broken up by the size cap or looking over-merged (mostly one host).
    pub over_merged: Vec<OverMerged>,
    /// CPU seconds (all threads) of the `lines` and `boilerplate` stages (reading and tokenising the
    /// input, writing the work copy).
    pub lines_cpu_secs: f64,
    /// CPU seconds of the `signatures` stage.
    pub signature_cpu_secs: f64,
    /// CPU seconds of the `buckets` and `cluster` stages.
    pub cluster_cpu_secs: f64,
    /// CPU seconds of the `filter` stage (reading the work copy, writing the survivors).
    pub read_cpu_secs: f64,
    /// CPU seconds of the whole run.
    pub cpu_secs: f64,
    /// Wall-clock seconds of the whole run.
    pub wall_secs: f64,
    /// The first error messages (file, record, offset).
    pub first_errors: Vec<String>,
}

/// One-shot dedup with one worker thread per CPU; see [`dedup_files_with`].
pub fn dedup_files(
    inputs: &[String],
    out_dir: &Path,
    clusters_tsv: &Path,
    config: &DedupConfig,
) -> Result<DedupStats, DedupError> {
    dedup_files_with(inputs, out_dir, clusters_tsv, config, &RunOptions { threads: 0 })
}

/// Deduplicates the documents of `inputs` (files, directories, globs; JSONL with `id`, `text` and an
/// optional `url` by default) into shards in `out_dir`, keeping one document per duplicate cluster.
///
/// Writes, per input file `SSSSS` (in sorted order), `out_dir/SSSSS-NNNNN.jsonl.zst` shards (per
/// `config.output`) with its survivors in input order, each carrying `dedup_cluster_size` (1 for a unique
/// document) and, when in a cluster, `dedup_cluster_id` in its metadata; `clusters_tsv` with
/// `id<TAB>cluster_id` for every document in a cluster of two or more, in input order (the cluster id is
/// the id of its first document; tabs and newlines in ids are written as `\t` and `\n`); and
/// `out_dir/stats.json`.
pub fn dedup_files_with(
    inputs: &[String],
    out_dir: &Path,
    clusters_tsv: &Path,
    config: &DedupConfig,
    options: &RunOptions,
) -> Result<DedupStats, DedupError> {
    one_shot(inputs, Some(out_dir), clusters_tsv, config, options)
}

/// Finds the duplicate clusters of `inputs` like [`dedup_files_with`] but writes no documents: only
/// `clusters_tsv` (the same bytes) and its stats, `clusters_tsv` with the extension `stats.json`
/// ([`clusters_stats_path`]), where `kept` and `removed` count the documents a full run would keep and
/// remove. For joining cluster ids to a store of one's own; it reads the input once and keeps no copy of
/// the documents, so it costs less than a full run. The work directory is a hidden directory beside
/// `clusters_tsv`, removed at the end.
pub fn cluster_files_with(
    inputs: &[String],
    clusters_tsv: &Path,
    config: &DedupConfig,
    options: &RunOptions,
) -> Result<DedupStats, DedupError> {
    one_shot(inputs, None, clusters_tsv, config, options)
}

/// The stats file of a run that writes only the clusters TSV `clusters_tsv`: the same path with the
/// extension `stats.json` (`clusters.tsv` → `clusters.stats.json`).
pub fn clusters_stats_path(clusters_tsv: &Path) -> PathBuf {
    clusters_tsv.with_extension("stats.json")
}

/// The stages in sequence as rank 0 of 1; without `out_dir`, a run that writes only the clusters.
fn one_shot(
    inputs: &[String],
    out_dir: Option<&Path>,
    clusters_tsv: &Path,
    config: &DedupConfig,
    options: &RunOptions,
) -> Result<DedupStats, DedupError> {
    config.validate()?;
    let start_wall = std::time::Instant::now();
    let start_cpu = process_cpu_secs();
    let work = match out_dir {
        Some(out_dir) => out_dir.join(WORK_DIR),
        None => {
            let name = clusters_tsv.file_name().unwrap_or_default().to_string_lossy();
            let parent = clusters_tsv.parent().unwrap_or(Path::new(""));
            parent.join(format!(".{name}{WORK_DIR}"))
        }
    };
    // A one-shot run never trusts an earlier run's work files: the inputs may have changed.
    if work.exists() {
        std::fs::remove_dir_all(&work).map_err(|e| io_error(&work, e))?;
    }
    let task = StageTask {
        inputs: inputs.to_vec(),
        work: work.clone(),
        out_dir: out_dir.map(Path::to_path_buf),
        clusters_tsv: Some(clusters_tsv.to_path_buf()),
        rank: 0,
        world_size: 1,
        threads: options.threads,
    };
    let mut stats = None;
    let shared = Shared::new(options.threads)?;
    for stage in Stage::ALL {
        let documents = out_dir.is_some();
        stats = run_stage_keeping(
            stage,
            &task,
            config,
            documents,
            Durability::Scratch,
            Some(&shared),
        )?
        .stats;
    }
    std::fs::remove_dir_all(&work).map_err(|e| io_error(&work, e))?;
    let mut stats = stats.unwrap_or_default();
    stats.cpu_secs = process_cpu_secs() - start_cpu;
    stats.wall_secs = start_wall.elapsed().as_secs_f64();
    match out_dir {
        Some(out_dir) => crate::stages::write_stats(&out_dir.join("stats.json"), &stats)?,
        None => crate::stages::write_stats(&clusters_stats_path(clusters_tsv), &stats)?,
    }
    Ok(stats)
}
