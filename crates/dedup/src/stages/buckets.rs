//! Stage 4, per band: merges the band's sorted `(band key, document)` runs of every shard; each run of
//! equal keys is a bucket, whose members come in input order. Each member is compared with up to
//! `max_bucket_checks` first members of its bucket and paired with the first that passes the check
//! (estimated Jaccard similarity and line coverage; a pair that passes the coverage test in one direction
//! only is marked as a containment pair, with its contained side, for the cluster stage); without the check, with the bucket's first member, as
//! datatrove does. The pairs are written as sorted `(later, earlier)` edges. Sketches come from the shards'
//! files through a [`ShardSketches`] (read whole when they take at most 48 MiB, else by document with a
//! cache), and only a bucket's first members are held.

use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::signatures::band_file;
use super::{SORT_BUFFER_PAIRS, Shared, StageOutcome, StageTask, for_my_tasks};
use crate::cluster::{ClusterParams, contained_side, edge_earlier};
use crate::minhash::{jaccard_estimate, line_coverages};
use crate::records::{ShardSketches, SketchRef};
use crate::runs::{RunWriter, merge_runs};
use crate::work::{Plan, io_error, is_mine, shard_name};
use crate::{DedupConfig, DedupError};

/// Counts of one band.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub(super) struct BandCounts {
    /// Candidate pairs checked (or joined, without the check).
    pub candidate_pairs: u64,
    /// Candidate pairs that failed the check.
    pub rejected_pairs: u64,
    /// Edges written.
    pub edges: u64,
    /// CPU seconds.
    pub cpu_secs: f64,
}

/// The task name of band `band`.
pub(super) fn band_name(band: usize) -> String {
    format!("b{band:03}")
}

/// The sketch files of every shard, for reads by document.
fn open_sketches(plan: &Plan, num_perm: usize) -> Result<ShardSketches, DedupError> {
    for shard in 0..plan.files.len() {
        plan.require::<serde_json::Value>("signatures", &shard_name(shard))?;
    }
    ShardSketches::open(
        plan.files.len(),
        |s| plan.path("signatures", &format!("{}.sketch", shard_name(s))),
        |s| plan.path("signatures", &format!("{}.sidx", shard_name(s))),
        num_perm,
    )
}

/// The sketches of every shard, shared with the other stages of a one-shot run (`shared`; the cluster
/// stage is the `last` to read them) or opened for this stage alone.
pub(super) fn sketches_for(
    plan: &Plan,
    num_perm: usize,
    shared: Option<&Shared>,
    last: bool,
) -> Result<Arc<ShardSketches>, DedupError> {
    match shared {
        Some(shared) => shared.sketches(last, || open_sketches(plan, num_perm)),
        None => open_sketches(plan, num_perm).map(Arc::new),
    }
}

/// Runs rank `task.rank`'s bands; `sketches` opens the sketches of every shard ([`sketches_for`]) when
/// a band is left to do.
pub(super) fn run(
    plan: &Plan,
    task: &StageTask,
    config: &DedupConfig,
    sketches: impl FnOnce() -> Result<Arc<ShardSketches>, DedupError>,
) -> Result<StageOutcome, DedupError> {
    let bands = config.bands;
    let params = config.cluster_params();
    let pending: Vec<usize> = (0..bands)
        .filter(|&b| is_mine(b, task.rank, task.world_size))
        .filter(|&b| plan.done::<BandCounts>("buckets", &band_name(b)).is_none())
        .collect();
    plan.stage_dir("buckets")?;
    let counts: Vec<(usize, BandCounts)> = if pending.is_empty() {
        Vec::new()
    } else {
        let sketches = sketches()?;
        pending
            .par_iter()
            .map(|&band| {
                let t = saring_io::process_cpu_secs();
                let mut counts = band_edges(plan, band, &sketches, &params)?;
                counts.cpu_secs = saring_io::process_cpu_secs() - t;
                Ok((band, counts))
            })
            .collect::<Result<_, DedupError>>()?
    };
    for_my_tasks(plan, task, "buckets", bands, band_name, |band| {
        let c = counts
            .iter()
            .find(|(b, _)| *b == band)
            .map(|(_, c)| c.clone())
            .unwrap_or_default();
        plan.mark_done("buckets", &band_name(band), &c)
    })
}

/// A bucket being read: its key, its first members (with sketches once read) and its size so far.
struct Bucket<'a> {
    key: u64,
    first: Vec<(u64, Option<SketchRef<'a>>)>,
    size: usize,
}

fn band_edges(
    plan: &Plan,
    band: usize,
    sketches: &ShardSketches,
    params: &ClusterParams,
) -> Result<BandCounts, DedupError> {
    let inputs: Vec<_> = (0..plan.files.len())
        .map(|s| plan.path("signatures", &band_file(s, band)))
        .collect();
    let out_path = plan.path("buckets", &format!("{}.runs", band_name(band)));
    let mut out = RunWriter::create(&out_path, SORT_BUFFER_PAIRS / 4, plan.durability)
        .map_err(|e| io_error(&out_path, e))?;
    let mut counts = BandCounts::default();
    let mut bucket = Bucket {
        key: 0,
        first: Vec::new(),
        size: 0,
    };
    let checks = params.max_bucket_checks.max(1);
    for pair in merge_runs(&inputs).map_err(|e| io_error(&plan.work, e))? {
        let (key, doc) = pair.map_err(|e| io_error(&plan.work, e))?;
        if bucket.size == 0 || key != bucket.key {
            bucket.key = key;
            bucket.first.clear();
            bucket.first.push((doc, None));
            bucket.size = 1;
            continue;
        }
        bucket.size += 1;
        let Some(threshold) = params.jaccard_threshold else {
            counts.candidate_pairs += 1;
            if let Some(&(first, _)) = bucket.first.first() {
                out.push((doc, first)).map_err(|e| io_error(&out_path, e))?;
                counts.edges += 1;
            }
            continue;
        };
        let Some(this) = sketches.sketch(doc)? else {
            continue;
        };
        for (earlier, sketch) in bucket.first.iter_mut() {
            if sketch.is_none() {
                *sketch = sketches.sketch(*earlier)?;
            }
            let Some(other) = sketch.as_ref() else {
                continue;
            };
            counts.candidate_pairs += 1;
            if jaccard_estimate(other.sketch(), this.sketch()) < threshold {
                counts.rejected_pairs += 1;
                continue;
            }
            let contained = match params.line_coverage_threshold {
                Some(t) => {
                    let (earlier_in_later, later_in_earlier) = line_coverages(other.lines(), this.lines());
                    if earlier_in_later.max(later_in_earlier) < t {
                        counts.rejected_pairs += 1;
                        continue;
                    }
                    contained_side(earlier_in_later, later_in_earlier, t)
                }
                None => None,
            };
            out.push((doc, edge_earlier(*earlier, contained)))
                .map_err(|e| io_error(&out_path, e))?;
            counts.edges += 1;
            break;
        }
        if bucket.first.len() < checks {
            bucket.first.push((doc, Some(this)));
        }
    }
    out.finish().map_err(|e| io_error(&out_path, e))?;
    Ok(counts)
}
