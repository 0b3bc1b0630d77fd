//! Stage 5, one task (rank 0; other ranks have nothing to do): clusters over dense document indices.
//!
//! Exact-text groups (and URL groups) are streamed from the merged `exact`/`urls` runs and joined first;
//! then the edges of every band, merged in `(later, earlier)` order, are joined when their clusters'
//! representatives (smallest index) are at least `link_threshold` alike and pass the line coverage
//! test, so chains of pairs cannot drift from one text to another, and a containment pair only when its
//! contained document has not joined a container yet ([`cluster`](crate::cluster)). Memory is a
//! union-find parent and a size per document, the keeper and its score, and a flag per document
//! (4 + 4 + 4 + 8 + 1 bytes); edges and keys stay on disk. Clusters larger than
//! `max_cluster_size` are reported and broken back into their exact-text groups; clusters of at least 10
//! documents mostly on one host or far from their first document are reported. Writes per shard each
//! document's representative, cluster size and whether it is kept.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use super::buckets::{BandCounts, band_name, sketches_for};
use super::{Shared, StageOutcome, StageTask, shard_offsets};
use crate::cluster::{ClusterStats, OverMerged, UnionFind, split_edge_earlier};
use crate::minhash::{jaccard_estimate, line_coverage};
use crate::records::{DocInfo, INFO_BYTES, RecordReader, ShardRecords, ShardSketches};
use crate::runs::merge_runs;
use crate::work::{Plan, address, io_error, shard_name, split_address};
use crate::{DedupConfig, DedupError};

/// Bytes of one `assign` record: representative (global index), cluster size, kept flag.
pub(super) const ASSIGN_BYTES: usize = 4 + 4 + 1;
/// The task name of the cluster stage.
const TASK: &str = "all";
/// Smallest cluster size for which a one-host majority is reported as suspect.
const SUSPECT_MIN_SIZE: u32 = 10;
/// Members whose estimated Jaccard similarity to their cluster's first document is below this are
/// counted in [`OverMerged::far_from_first`].
const FAR_JACCARD: f64 = 0.25;

/// What the cluster stage found.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub(super) struct ClusterCounts {
    /// Counts of joins and checks (bucket checks summed over bands).
    pub stats: ClusterStats,
    /// Reported clusters, by first document.
    pub over_merged: Vec<OverMerged>,
    /// Clusters of two or more documents.
    pub duplicate_clusters: u64,
    /// Size of the largest cluster.
    pub largest_cluster: u64,
    /// CPU seconds of the cluster stage, and of the bucket stage summed over bands.
    pub cpu_secs: f64,
}

/// Global index ↔ address, from the shards' document counts.
struct Numbering {
    offsets: Vec<u64>,
}

impl Numbering {
    fn global(&self, address: u64) -> u32 {
        let (shard, index) = split_address(address);
        (self.offsets.get(shard).copied().unwrap_or(0) + u64::from(index)) as u32
    }

    fn address(&self, global: u32) -> u64 {
        let shard = self
            .offsets
            .partition_point(|&o| o <= u64::from(global))
            .saturating_sub(1);
        let start = self.offsets.get(shard).copied().unwrap_or(0);
        address(shard, (u64::from(global) - start) as u32)
    }

    fn total(&self) -> usize {
        self.offsets.last().copied().unwrap_or(0) as usize
    }
}

pub(super) fn run(
    plan: &Plan,
    task: &StageTask,
    config: &DedupConfig,
    shared: Option<&Shared>,
) -> Result<StageOutcome, DedupError> {
    plan.stage_dir("cluster")?;
    if task.rank != 0 {
        return Ok(StageOutcome::default());
    }
    if plan.done::<ClusterCounts>("cluster", TASK).is_some() {
        return Ok(StageOutcome {
            skipped: 1,
            ..StageOutcome::default()
        });
    }
    let t = saring_io::process_cpu_secs();
    let numbering = Numbering {
        offsets: shard_offsets(plan)?,
    };
    let n = numbering.total();
    let mut counts = ClusterCounts::default();
    for band in 0..config.bands {
        let c: BandCounts = plan.require("buckets", &band_name(band))?;
        counts.stats.candidate_pairs += c.candidate_pairs;
        counts.stats.rejected_pairs += c.rejected_pairs;
        counts.cpu_secs += c.cpu_secs;
    }
    let num_perm = config.bands * config.rows;
    let sketches = sketches_for(plan, num_perm, shared, true)?;
    let shard_files = |ext: &str| -> Vec<_> {
        (0..plan.files.len())
            .map(|s| plan.path("lines", &format!("{}.{ext}", shard_name(s))))
            .collect()
    };
    let mut uf = UnionFind::new(n);
    counts.stats.exact_joins = join_groups(&shard_files("exact.runs"), &numbering, &mut uf)?;
    counts.stats.url_joins = join_groups(&shard_files("urls.runs"), &numbering, &mut uf)?;

    let edge_files: Vec<_> = (0..config.bands)
        .map(|b| plan.path("buckets", &format!("{}.runs", band_name(b))))
        .collect();
    let params = config.cluster_params();
    let (link, coverage) = (params.link_threshold, params.line_coverage_threshold);
    // Whether each document has joined a container through a containment pair.
    let mut claimed = vec![false; n];
    let mut previous = None;
    for edge in merge_runs(&edge_files).map_err(|e| io_error(&plan.work, e))? {
        let edge = edge.map_err(|e| io_error(&plan.work, e))?;
        if previous.replace(edge) == Some(edge) {
            continue;
        }
        let (earlier, contained) = split_edge_earlier(edge.1);
        let (a, b) = (numbering.global(earlier), numbering.global(edge.0));
        let (ra, rb) = (uf.find(a), uf.find(b));
        if ra == rb {
            continue;
        }
        let contained = contained.map(|later| if later { b } else { a });
        if let Some(y) = contained
            && claimed.get(y as usize).is_some_and(|&c| c)
        {
            counts.stats.contained_rejected += 1;
            continue;
        }
        if let Some(link) = link
            && !(ra == a && rb == b)
        {
            let ka = sketches.sketch(numbering.address(ra))?;
            let kb = sketches.sketch(numbering.address(rb))?;
            if let (Some(ka), Some(kb)) = (ka, kb)
                && (jaccard_estimate(ka.sketch(), kb.sketch()) < link
                    || coverage.is_some_and(|t| line_coverage(ka.lines(), kb.lines()) < t))
            {
                counts.stats.rejected_pairs += 1;
                continue;
            }
        }
        if uf.union(a, b) {
            counts.stats.minhash_joins += 1;
            if let Some(slot) = contained.and_then(|y| claimed.get_mut(y as usize)) {
                *slot = true;
            }
        }
    }

    let mut root = uf.into_roots();
    let mut size = sizes(&root);
    let capped: HashSet<u32> = (0..n as u32)
        .filter(|&r| size.get(r as usize).is_some_and(|&s| s > config.max_cluster_size))
        .collect();
    counts.over_merged = report(plan, &numbering, &root, &size, &capped, &sketches)?;
    if !capped.is_empty() {
        for (d, r) in root.iter_mut().enumerate() {
            if capped.contains(r) {
                *r = d as u32;
            }
        }
        let mut uf = UnionFind::from_parents(root);
        join_groups(&shard_files("exact.runs"), &numbering, &mut uf)?;
        root = uf.into_roots();
        size = sizes(&root);
    }
    counts.duplicate_clusters = root
        .iter()
        .enumerate()
        .filter(|&(d, &r)| r as usize == d && size.get(d).is_some_and(|&s| s > 1))
        .count() as u64;
    counts.largest_cluster = u64::from(size.iter().copied().max().unwrap_or(0));
    let keeper = keepers(plan, &root, &size)?;
    write_assignments(plan, &numbering, &root, &size, &keeper)?;
    counts.cpu_secs += saring_io::process_cpu_secs() - t;
    plan.mark_done("cluster", TASK, &counts)?;
    Ok(StageOutcome {
        ran: 1,
        ..StageOutcome::default()
    })
}

/// Joins the documents of every run of equal keys in the merged `files`; returns the joins made.
fn join_groups(
    files: &[std::path::PathBuf],
    numbering: &Numbering,
    uf: &mut UnionFind,
) -> Result<u64, DedupError> {
    let mut joins = 0;
    let mut previous: Option<(u64, u64)> = None;
    for pair in merge_runs(files).map_err(|e| io_error(&numbering_dir(files), e))? {
        let (key, doc) = pair.map_err(|e| io_error(&numbering_dir(files), e))?;
        if let Some((k, d)) = previous
            && k == key
            && uf.union(numbering.global(d), numbering.global(doc))
        {
            joins += 1;
        }
        previous = Some((key, doc));
    }
    Ok(joins)
}

fn numbering_dir(files: &[std::path::PathBuf]) -> std::path::PathBuf {
    files
        .first()
        .and_then(|f| f.parent())
        .map(|p| p.to_path_buf())
        .unwrap_or_default()
}

fn sizes(root: &[u32]) -> Vec<u32> {
    let mut size = vec![0u32; root.len()];
    for &r in root {
        if let Some(s) = size.get_mut(r as usize) {
            *s += 1;
        }
    }
    size
}

/// Streams every shard's `info` records in input order, with each document's global index.
fn for_each_info(plan: &Plan, mut f: impl FnMut(u32, DocInfo)) -> Result<(), DedupError> {
    let offsets = shard_offsets(plan)?;
    let mut d = 0u32;
    for (shard, pair) in offsets.windows(2).enumerate() {
        let docs = pair.get(1).copied().unwrap_or(0) - pair.first().copied().unwrap_or(0);
        let path = plan.path("lines", &format!("{}.info", shard_name(shard)));
        let mut reader = RecordReader::open(&path, INFO_BYTES)?;
        for _ in 0..docs {
            f(d, DocInfo::decode(reader.next_record()?));
            d += 1;
        }
    }
    Ok(())
}

/// Per representative, the document kept: the highest keep score, ties to the first in input order.
fn keepers(plan: &Plan, root: &[u32], size: &[u32]) -> Result<Vec<u32>, DedupError> {
    let mut keeper: Vec<u32> = (0..root.len() as u32).collect();
    let mut best = vec![f64::NEG_INFINITY; root.len()];
    for_each_info(plan, |d, info| {
        let Some(&r) = root.get(d as usize) else {
            return;
        };
        if size.get(r as usize).is_none_or(|&s| s < 2) {
            return;
        }
        if let (Some(k), Some(b)) = (keeper.get_mut(r as usize), best.get_mut(r as usize))
            && (d == r || info.score > *b)
        {
            *k = d;
            *b = info.score;
        }
    })?;
    Ok(keeper)
}

/// Clusters that look over-merged: the capped ones, and those of at least [`SUSPECT_MIN_SIZE`] documents
/// with more than half of them on one host (a site template) or far from the first document (a chain).
fn report(
    plan: &Plan,
    numbering: &Numbering,
    root: &[u32],
    size: &[u32],
    capped: &HashSet<u32>,
    sketches: &ShardSketches,
) -> Result<Vec<OverMerged>, DedupError> {
    let mut members: BTreeMap<u32, Vec<(u32, Option<u64>)>> = BTreeMap::new();
    for_each_info(plan, |d, info| {
        if let Some(&r) = root.get(d as usize)
            && size.get(r as usize).is_some_and(|&s| s >= SUSPECT_MIN_SIZE)
        {
            members.entry(r).or_default().push((d, info.host));
        }
    })?;
    let ids = ShardRecords::open(
        plan.files.len(),
        |s| plan.path("lines", &format!("{}.idx", shard_name(s))),
        Some(&|s| plan.path("lines", &format!("{}.ids", shard_name(s)))),
    )?;
    let mut out = Vec::new();
    for (r, cluster) in members {
        let mut per_host: BTreeMap<u64, u64> = BTreeMap::new();
        let first = sketches.sketch(numbering.address(r))?;
        let mut far = 0;
        for &(d, host) in &cluster {
            *per_host
                .entry(host.unwrap_or(u64::from(d) ^ u64::MAX))
                .or_default() += 1;
            if let Some(first) = &first
                && let Some(this) = sketches.sketch(numbering.address(d))?
                && jaccard_estimate(first.sketch(), this.sketch()) < FAR_JACCARD
            {
                far += 1;
            }
        }
        let largest = per_host.values().copied().max().unwrap_or(0);
        let cluster_size = cluster.len() as u64;
        let broken_up = capped.contains(&r);
        if broken_up || largest * 2 > cluster_size || far * 2 > cluster_size {
            out.push(OverMerged {
                first_doc: u64::from(r),
                first_id: ids.id(numbering.address(r))?,
                size: cluster_size,
                hosts: per_host.len() as u64,
                largest_host_docs: largest,
                far_from_first: far,
                broken_up,
            });
        }
    }
    Ok(out)
}

fn write_assignments(
    plan: &Plan,
    numbering: &Numbering,
    root: &[u32],
    size: &[u32],
    keeper: &[u32],
) -> Result<(), DedupError> {
    for (shard, pair) in numbering.offsets.windows(2).enumerate() {
        let (start, end) = (
            pair.first().copied().unwrap_or(0),
            pair.get(1).copied().unwrap_or(0),
        );
        let path = plan.path("cluster", &format!("{}.assign", shard_name(shard)));
        let mut out = plan.create(&path)?;
        for d in start as u32..end as u32 {
            let r = root.get(d as usize).copied().unwrap_or(d);
            let s = size.get(r as usize).copied().unwrap_or(1);
            let kept = keeper.get(r as usize).copied().unwrap_or(r) == d;
            let mut record = [0u8; ASSIGN_BYTES];
            for (slot, b) in record.iter_mut().zip(
                r.to_le_bytes()
                    .into_iter()
                    .chain(s.to_le_bytes())
                    .chain([u8::from(kept)]),
            ) {
                *slot = b;
            }
            out.write(&record)?;
        }
        out.finish()?;
    }
    Ok(())
}

/// The cluster stage's results; an error naming the stage when it has not run.
pub(super) fn counts(plan: &Plan) -> Result<ClusterCounts, DedupError> {
    plan.require("cluster", TASK)
}

/// The global index of `address`, for the filter stage.
pub(super) fn numbering(plan: &Plan) -> Result<impl Fn(u32) -> u64, DedupError> {
    let numbering = Numbering {
        offsets: shard_offsets(plan)?,
    };
    Ok(move |global| numbering.address(global))
}
