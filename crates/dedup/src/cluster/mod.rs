//! Clustering: exact-text groups and MinHash band buckets give candidate pairs, a Jaccard check keeps the
//! likely ones, and a union-find joins them into clusters.
//!
//! Everything is sequential over sorted arrays, so the result depends only on the input: a cluster's
//! representative is its smallest document index, whatever order pairs were found in.
//!
//! - **Exact groups.** Documents whose whole normalised text hashes equal are joined unconditionally
//!   (this needs no signature, so it also covers documents too short for MinHash).
//! - **URLs.** With exact URL matching on, documents with the same [`url_key`](crate::url_key) are
//!   joined unconditionally too.
//! - **Buckets.** Per band, `(key, doc)` pairs are sorted; each run of equal keys is a bucket. Each
//!   member is compared with up to `max_bucket_checks` earlier members of its bucket and joined to the
//!   first that passes the check (or is already in its cluster). Without the check every member is
//!   joined to the bucket's first member, as datatrove does.
//! - **Check.** A pair passes when its estimated Jaccard similarity reaches `jaccard_threshold`, one of
//!   the two has most of its lines found in the other ([`line_coverage`] ≥ `line_coverage_threshold`:
//!   this is what tells a syndicated copy from two articles quoting one long paragraph), and, when
//!   it would join two existing clusters, their representatives are at least `link_threshold` alike
//!   (so chains cannot drift from one text to another).
//! - **Cap.** A cluster larger than `max_cluster_size` is almost surely a chain of false merges (a site
//!   template, near-empty pages). It is reported as over-merged and broken back into its exact-text
//!   groups.

mod report;
mod store;
#[cfg(test)]
mod tests;
mod union_find;

pub use report::OverMerged;
pub use store::SignatureStore;
pub use union_find::UnionFind;

use serde::Serialize;

use crate::minhash::{jaccard_estimate, line_coverage};

/// How to turn candidates into clusters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClusterParams {
    /// Keep a candidate pair only if its estimated Jaccard similarity is at least this; `None` keeps
    /// every pair that shares a band key.
    pub jaccard_threshold: Option<f64>,
    /// With the check, two clusters are joined only if their representatives' estimated Jaccard
    /// similarity is at least this too; `None` joins on the pair alone.
    pub link_threshold: Option<f64>,
    /// With the check, a pair is joined only if one document has at least this share of its line units
    /// found in the other ([`line_coverage`]); `None` skips this test.
    pub line_coverage_threshold: Option<f64>,
    /// Larger clusters are reported as over-merged and broken into their exact-text groups.
    pub max_cluster_size: u32,
    /// How many earlier members of a bucket a document is compared with at most.
    pub max_bucket_checks: usize,
}

/// Per-document facts clustering needs besides signatures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DocKeys {
    /// Hash of the whole normalised text, `None` when it has no tokens.
    pub text_hash: Option<u64>,
    /// The document's host key, when it has a URL.
    pub host: Option<u64>,
    /// The document's URL key, when it has a URL and exact URL matching is on.
    pub url_hash: Option<u64>,
}

/// Counts from clustering.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ClusterStats {
    /// Pairs joined because their normalised texts are identical.
    pub exact_joins: u64,
    /// Pairs joined because their URLs are the same page.
    pub url_joins: u64,
    /// Candidate pairs from band buckets that were checked (or joined, without the check).
    pub candidate_pairs: u64,
    /// Candidate pairs that failed the Jaccard check.
    pub rejected_pairs: u64,
    /// Candidate pairs that joined two clusters.
    pub minhash_joins: u64,
}

/// The result: each document's cluster.
#[derive(Debug, Clone)]
pub struct Clusters {
    root: Vec<u32>,
    size: Vec<u32>,
    /// Counts from clustering.
    pub stats: ClusterStats,
    /// Clusters that were broken up by the cap or look over-merged (mostly one host), by first document.
    pub over_merged: Vec<OverMerged>,
}

impl Clusters {
    /// Number of documents.
    pub fn len(&self) -> usize {
        self.root.len()
    }

    /// Whether there are no documents.
    pub fn is_empty(&self) -> bool {
        self.root.is_empty()
    }

    /// The representative of `doc`'s cluster: its smallest document index (`doc` itself when alone or
    /// out of range).
    pub fn representative(&self, doc: usize) -> usize {
        self.root.get(doc).map_or(doc, |&r| r as usize)
    }

    /// The size of `doc`'s cluster (1 when alone or out of range).
    pub fn size(&self, doc: usize) -> u32 {
        self.root
            .get(doc)
            .and_then(|&r| self.size.get(r as usize))
            .copied()
            .unwrap_or(1)
    }

    /// Number of clusters with at least two documents.
    pub fn duplicate_clusters(&self) -> usize {
        self.root
            .iter()
            .enumerate()
            .filter(|&(i, &r)| r as usize == i && self.size(i) > 1)
            .count()
    }

    /// Size of the largest cluster.
    pub fn largest(&self) -> u32 {
        self.size.iter().copied().max().unwrap_or(0)
    }
}

/// Clusters documents `0..keys.len()` (the signature store must hold the same number).
pub fn cluster(sigs: &SignatureStore, keys: &[DocKeys], params: &ClusterParams) -> Clusters {
    let n = keys.len().min(sigs.len()).min(u32::MAX as usize);
    let mut uf = UnionFind::new(n);
    let mut stats = ClusterStats::default();

    let exact = exact_pairs(keys, n);
    for pair in exact.windows(2) {
        if let [(ha, a), (hb, b)] = pair
            && ha == hb
            && uf.union(*a, *b)
        {
            stats.exact_joins += 1;
        }
    }

    let mut urls: Vec<(u64, u32)> = keys
        .iter()
        .take(n)
        .enumerate()
        .filter_map(|(d, k)| Some((k.url_hash?, d as u32)))
        .collect();
    urls.sort_unstable();
    for pair in urls.windows(2) {
        if let [(ha, a), (hb, b)] = pair
            && ha == hb
            && uf.union(*a, *b)
        {
            stats.url_joins += 1;
        }
    }
    drop(urls);

    let mut bucket: Vec<(u64, u32)> = Vec::with_capacity(n);
    for band in 0..sigs.bands() {
        bucket.clear();
        bucket.extend((0..n).filter_map(|d| Some((sigs.band_key(d, band)?, d as u32))));
        bucket.sort_unstable();
        for run in bucket.chunk_by(|a, b| a.0 == b.0) {
            join_bucket(run, sigs, params, &mut uf, &mut stats);
        }
    }
    drop(bucket);

    let mut root: Vec<u32> = (0..n as u32).map(|d| uf.find(d)).collect();
    let mut size = sizes(&root);
    let capped: Vec<bool> = size.iter().map(|&s| s > params.max_cluster_size).collect();
    let mut over_merged = report::report(&root, &size, &capped, keys, sigs);
    if capped.iter().any(|&c| c) {
        let mut uf = UnionFind::new(n);
        for (d, &r) in root.iter().enumerate() {
            if !capped.get(r as usize).copied().unwrap_or(false) {
                uf.union(d as u32, r);
            }
        }
        for pair in exact.windows(2) {
            if let [(ha, a), (hb, b)] = pair
                && ha == hb
                && root
                    .get(*a as usize)
                    .is_some_and(|&r| capped.get(r as usize) == Some(&true))
            {
                uf.union(*a, *b);
            }
        }
        root = (0..n as u32).map(|d| uf.find(d)).collect();
        size = sizes(&root);
    }
    over_merged.sort_by_key(|o| o.first_doc);
    Clusters {
        root,
        size,
        stats,
        over_merged,
    }
}

/// `(text hash, doc)` for every document with text, sorted.
fn exact_pairs(keys: &[DocKeys], n: usize) -> Vec<(u64, u32)> {
    let mut pairs: Vec<(u64, u32)> = keys
        .iter()
        .take(n)
        .enumerate()
        .filter_map(|(d, k)| Some((k.text_hash?, d as u32)))
        .collect();
    pairs.sort_unstable();
    pairs
}

/// Joins the members of one bucket (sorted by document index) that pass the check.
fn join_bucket(
    run: &[(u64, u32)],
    sigs: &SignatureStore,
    params: &ClusterParams,
    uf: &mut UnionFind,
    stats: &mut ClusterStats,
) {
    let Some(&(_, first)) = run.first() else {
        return;
    };
    for (j, &(_, doc)) in run.iter().enumerate().skip(1) {
        let Some(threshold) = params.jaccard_threshold else {
            stats.candidate_pairs += 1;
            if uf.union(first, doc) {
                stats.minhash_joins += 1;
            }
            continue;
        };
        let root = uf.find(doc);
        for &(_, earlier) in run.iter().take(j.min(params.max_bucket_checks.max(1))) {
            if uf.find(earlier) == root {
                break;
            }
            stats.candidate_pairs += 1;
            let j = jaccard_estimate(sigs.sketch(earlier as usize), sigs.sketch(doc as usize));
            if j >= threshold
                && lines_agree(sigs, earlier, doc, params)
                && representatives_agree(sigs, uf, earlier, doc, params)
            {
                if uf.union(earlier, doc) {
                    stats.minhash_joins += 1;
                }
                break;
            }
            stats.rejected_pairs += 1;
        }
    }
}

/// Whether the line coverage test passes (or is off).
fn lines_agree(sigs: &SignatureStore, a: u32, b: u32, params: &ClusterParams) -> bool {
    params
        .line_coverage_threshold
        .is_none_or(|t| line_coverage(sigs.lines(a as usize), sigs.lines(b as usize)) >= t)
}

/// Whether the clusters of `a` and `b` may be joined: their representatives (when either is not the
/// document itself) must be at least `link_threshold` similar, so that a chain of pairs cannot drift from
/// one story to another.
fn representatives_agree(
    sigs: &SignatureStore,
    uf: &mut UnionFind,
    a: u32,
    b: u32,
    params: &ClusterParams,
) -> bool {
    let Some(link) = params.link_threshold else {
        return true;
    };
    let (ra, rb) = (uf.find(a), uf.find(b));
    if (ra == a && rb == b) || !sigs.is_signed(ra as usize) || !sigs.is_signed(rb as usize) {
        return true;
    }
    jaccard_estimate(sigs.sketch(ra as usize), sigs.sketch(rb as usize)) >= link
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
