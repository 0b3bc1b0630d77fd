//! The stages of a dedup run, each a task per rank that reads the inputs or earlier stages' files in a work
//! directory and writes only its own files there (see [`work`](crate::work) for the layout):
//!
//! 1. [`Stage::Lines`] (per input shard): document keys, line keys for the boilerplate count, ids;
//! 2. [`Stage::Boilerplate`] (per part of the line-key space): merges the line keys of all shards and keeps
//!    those on at least `boilerplate_min_docs` distinct texts of a host and on `boilerplate_min_share` of
//!    them;
//! 3. [`Stage::Signatures`] (per input shard): MinHash signatures without the boilerplate lines, written
//!    as sketches and as sorted `(band key, document)` runs per band;
//! 4. [`Stage::Buckets`] (per band): merges a band's runs and checks each bucket's members, writing the
//!    candidate pairs that pass as sorted edges (marked when one side is only contained in the other);
//! 5. [`Stage::Cluster`] (one task): streams exact-text groups and edges through a union-find over
//!    document indices, caps and reports clusters, picks the survivors;
//! 6. [`Stage::Filter`] (per input shard): writes the survivors and the clusters TSV, and once every shard
//!    is written, the whole TSV and `stats.json`.
//!
//! Tasks are numbered independently of the number of ranks (shards, 16 key parts, bands), and rank `R` of
//! `N` takes the tasks whose number is `R` modulo `N`, so the files do not depend on `N`. A finished task
//! leaves a marker and is skipped when run again with the same config and inputs.

mod boilerplate;
mod buckets;
mod cluster;
mod filter;
mod lines;
mod signatures;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use saring_core::Document;
use saring_io::{ReaderConfig, open_input};
use serde::{Deserialize, Serialize};

pub(crate) use filter::write_stats;

use crate::records::ShardSketches;
use crate::work::{Durability, Plan};
use crate::{DedupConfig, DedupError, DedupStats};

/// Documents handed to the worker threads at a time: few enough that a batch's texts (or token lines)
/// are still in the CPU's cache when the workers tokenise (or sign) them, about 1 MB on web text; enough
/// to keep two or more threads busy between hand-offs.
const BATCH_DOCS: usize = 256;
/// Error messages kept in the stats.
const MAX_ERROR_MESSAGES: usize = 20;
/// Pairs a stage buffers in memory before sorting them into a run on disk (16 bytes each), over all the
/// run files it writes at once.
const SORT_BUFFER_PAIRS: usize = 1 << 21;

/// One stage of a staged dedup run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Per input shard: document keys, line keys, ids.
    Lines,
    /// Per part of the line-key space: the boilerplate lines.
    Boilerplate,
    /// Per input shard: signatures and band runs.
    Signatures,
    /// Per band: candidate pairs.
    Buckets,
    /// One task: clusters, survivors.
    Cluster,
    /// Per input shard: the surviving documents (unless the task has no output directory) and the
    /// clusters TSV.
    Filter,
}

impl Stage {
    /// Every stage, in the order they run.
    pub const ALL: [Stage; 6] = [
        Stage::Lines,
        Stage::Boilerplate,
        Stage::Signatures,
        Stage::Buckets,
        Stage::Cluster,
        Stage::Filter,
    ];
}

/// Where and as which task a stage runs.
#[derive(Debug, Clone)]
pub struct StageTask {
    /// Input files, directories or globs (the same for every stage and rank).
    pub inputs: Vec<String>,
    /// The work directory shared by all stages and ranks.
    pub work: PathBuf,
    /// Output directory of the surviving documents; without it [`Stage::Filter`] writes only the
    /// clusters TSV, and the stats beside it ([`clusters_stats_path`](crate::clusters_stats_path)).
    pub out_dir: Option<PathBuf>,
    /// The clusters TSV [default: `out_dir/clusters.tsv`].
    pub clusters_tsv: Option<PathBuf>,
    /// This task's rank, `0..world_size`.
    pub rank: u32,
    /// Number of tasks running the stage.
    pub world_size: u32,
    /// Worker threads; 0 means one per CPU. The output does not depend on it.
    pub threads: usize,
}

/// What one call of [`run_stage`] did.
#[derive(Debug, Clone, Default)]
pub struct StageOutcome {
    /// Tasks run.
    pub ran: u64,
    /// Tasks skipped because an earlier run finished them.
    pub skipped: u64,
    /// The whole run's stats, when this call finished the last filter task.
    pub stats: Option<DedupStats>,
}

/// Runs rank `task.rank`'s tasks of `stage`. Earlier stages must be complete for the tasks they feed; if
/// not, the error names the missing stage.
pub fn run_stage(stage: Stage, task: &StageTask, config: &DedupConfig) -> Result<StageOutcome, DedupError> {
    run_stage_keeping(stage, task, config, true, Durability::Synced, None)
}

/// A pool of `threads` worker threads (0: one per CPU).
fn pool(threads: usize) -> Result<rayon::ThreadPool, DedupError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| DedupError::Threads {
            threads,
            message: e.to_string(),
        })
}

/// What the stages of a one-shot run share in memory besides the work files (the stages of a staged run,
/// which may be separate processes, share only the files): one pool of worker threads, and the sketches
/// the bucket stage read, for the cluster stage, which then needs not read them again.
pub(crate) struct Shared {
    /// The workers of every stage: with a pool per stage, a stage's threads could start before the last
    /// stage's had ended and take new malloc arenas, leaving the old ones' free memory resident (the
    /// peak RSS of 100k documents was 44 or 72 MB from run to run).
    pool: rayon::ThreadPool,
    /// The sketches of every shard, once opened.
    sketches: Mutex<Option<Arc<ShardSketches>>>,
}

impl Shared {
    /// Shares a pool of `threads` workers (0: one per CPU).
    pub(crate) fn new(threads: usize) -> Result<Shared, DedupError> {
        Ok(Shared {
            pool: pool(threads)?,
            sketches: Mutex::default(),
        })
    }

    /// The sketches opened by an earlier stage of the run, or newly opened with `open` (and kept for a
    /// later stage unless `last`, the last stage to read them).
    fn sketches(
        &self,
        last: bool,
        open: impl FnOnce() -> Result<ShardSketches, DedupError>,
    ) -> Result<Arc<ShardSketches>, DedupError> {
        // A poisoned lock only means another thread panicked; the value itself is whole.
        let mut slot = self
            .sketches
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let sketches = match slot.take() {
            Some(sketches) => sketches,
            None => Arc::new(open()?),
        };
        if !last {
            *slot = Some(Arc::clone(&sketches));
        }
        Ok(sketches)
    }
}

/// [`run_stage`], where `documents` says whether the `lines` stage keeps a copy of the documents for the
/// `filter` stage (a one-shot run that writes only the clusters keeps none), `durability` whether the
/// work files are synced (a one-shot run's are scratch), and `shared` what a one-shot run's stages hand
/// each other in memory.
pub(crate) fn run_stage_keeping(
    stage: Stage,
    task: &StageTask,
    config: &DedupConfig,
    documents: bool,
    durability: Durability,
    shared: Option<&Shared>,
) -> Result<StageOutcome, DedupError> {
    config.validate()?;
    if task.rank >= task.world_size.max(1) {
        return Err(DedupError::Config(format!(
            "rank {} is not below the world size {}",
            task.rank, task.world_size
        )));
    }
    let own;
    let pool = match shared {
        Some(shared) => &shared.pool,
        None => {
            own = pool(task.threads)?;
            &own
        }
    };
    let plan = Plan::new(&task.inputs, &task.work, config, durability);
    pool.install(|| match stage {
        Stage::Lines => lines::run(&plan, task, config, documents),
        Stage::Boilerplate => boilerplate::run(&plan, task, config),
        Stage::Signatures => signatures::run(&plan, task, config),
        Stage::Buckets => buckets::run(&plan, task, config, || {
            buckets::sketches_for(&plan, config.bands * config.rows, shared, false)
        }),
        Stage::Cluster => cluster::run(&plan, task, config, shared),
        Stage::Filter => filter::run(&plan, task, config),
    })
}

/// Counts of one input shard's `lines` task.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct LinesCounts {
    /// Documents read.
    pub docs: u64,
    /// Records (or the file) that could not be read.
    pub errored: u64,
    /// The first error messages.
    pub first_errors: Vec<String>,
    /// CPU seconds.
    pub cpu_secs: f64,
}

/// The documents per input shard from the `lines` markers, and their prefix sums (global index of each
/// shard's first document, then the total).
pub(crate) fn shard_offsets(plan: &Plan) -> Result<Vec<u64>, DedupError> {
    let mut offsets = vec![0u64];
    let mut total = 0u64;
    for shard in 0..plan.files.len() {
        let counts: LinesCounts = plan.require("lines", &crate::work::shard_name(shard))?;
        total += counts.docs;
        offsets.push(total);
    }
    if total > u64::from(u32::MAX) {
        return Err(DedupError::TooManyDocuments);
    }
    Ok(offsets)
}

/// Reads every document of `path` in order, in batches. Read errors are collected into `errors`.
pub(crate) fn read_batches(
    path: &Path,
    reader: &ReaderConfig,
    errors: &mut Vec<String>,
    mut f: impl FnMut(Vec<Document>) -> Result<(), DedupError>,
) -> Result<(), DedupError> {
    let docs = match open_input(path, reader) {
        Ok(docs) => docs,
        Err(e) => {
            errors.push(e.to_string());
            return Ok(());
        }
    };
    let mut batch = Vec::with_capacity(BATCH_DOCS);
    for doc in docs {
        match doc {
            Ok(doc) => {
                batch.push(doc);
                if batch.len() >= BATCH_DOCS {
                    f(std::mem::replace(&mut batch, Vec::with_capacity(BATCH_DOCS)))?;
                }
            }
            Err(e) => errors.push(e.to_string()),
        }
    }
    if !batch.is_empty() {
        f(batch)?;
    }
    Ok(())
}

/// Checks that a later stage read as many documents from a shard as the `lines` stage did.
pub(crate) fn check_count(stage: &str, path: &Path, seen: u64, expected: u64) -> Result<(), DedupError> {
    if seen == expected {
        Ok(())
    } else {
        Err(DedupError::InputChanged {
            stage: stage.to_owned(),
            path: path.display().to_string(),
            seen,
            expected,
        })
    }
}

/// Runs `task` for every item `0..count` of this rank whose marker is missing, counting ran and skipped.
pub(crate) fn for_my_tasks(
    plan: &Plan,
    task: &StageTask,
    stage: &str,
    count: usize,
    name: impl Fn(usize) -> String,
    mut run: impl FnMut(usize) -> Result<(), DedupError>,
) -> Result<StageOutcome, DedupError> {
    plan.stage_dir(stage)?;
    let mut outcome = StageOutcome::default();
    for item in (0..count).filter(|&i| crate::work::is_mine(i, task.rank, task.world_size)) {
        if plan.done::<serde_json::Value>(stage, &name(item)).is_some() {
            outcome.skipped += 1;
        } else {
            run(item)?;
            outcome.ran += 1;
        }
    }
    Ok(outcome)
}

/// Keeps the first [`MAX_ERROR_MESSAGES`] of `messages` in `into`.
pub(crate) fn keep_messages(into: &mut Vec<String>, messages: impl IntoIterator<Item = String>) {
    let room = MAX_ERROR_MESSAGES.saturating_sub(into.len());
    into.extend(messages.into_iter().take(room));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_one_shot_run_reads_the_sketches_once_and_frees_them_after_the_last_stage() {
        let shared = Shared::new(1).unwrap();
        let mut opened = 0;
        let mut open = || {
            opened += 1;
            ShardSketches::open(0, |_| PathBuf::new(), |_| PathBuf::new(), 4)
        };
        let buckets = shared.sketches(false, &mut open).unwrap();
        let cluster = shared.sketches(true, &mut open).unwrap();
        assert!(Arc::ptr_eq(&buckets, &cluster));
        drop((buckets, cluster));
        shared.sketches(true, &mut open).unwrap();
        assert_eq!(opened, 2, "the last stage let them go");
    }
}
