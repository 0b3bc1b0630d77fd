//! Clustering's vocabulary: the parameters, per-document keys, counts and over-merge reports of the
//! `buckets` and `cluster` stages ([`run_stage`](crate::run_stage)), and the union-find they use.
//!
//! - **Exact groups.** Documents whose whole normalised text hashes equal are joined unconditionally
//!   (this needs no signature, so it also covers documents too short for MinHash).
//! - **URLs.** With exact URL matching on, documents with the same [`url_key`](crate::url_key) are
//!   joined unconditionally too.
//! - **Buckets.** Per band, `(key, doc)` pairs are sorted; each run of equal keys is a bucket. Each
//!   member is compared with up to `max_bucket_checks` first members of its bucket and paired with the
//!   first that passes the check. Without the check every member is paired with the bucket's first
//!   member, as datatrove does.
//! - **Check.** A pair passes when its estimated Jaccard similarity reaches `jaccard_threshold` and one of
//!   the two has most of its lines found in the other ([`line_coverage`](crate::line_coverage) ≥
//!   `line_coverage_threshold`: this is what tells a syndicated copy from two articles quoting one long
//!   paragraph). When a pair would join two existing clusters, their representatives must be at least
//!   `link_threshold` alike and pass the line coverage test too (so chains cannot drift from one text
//!   to another: on a million documents, pages that each share one quoted paragraph with the next
//!   otherwise chain into clusters of hundreds of unrelated pages).
//! - **Containment.** A pair that passes the line coverage test in one direction only (one document's
//!   lines are mostly in the other, not the other way round: a short page that a longer one quotes) is
//!   a *containment* pair. The contained document may join one container, but not a second: a short
//!   page that many distinct pages quote in full (a hub) would otherwise join all of them into one
//!   cluster through itself, though they share nothing else. On the 1M benchmark corpus one such page,
//!   a single long passage, had joined 674 distinct pages.
//! - **Cap.** A cluster larger than `max_cluster_size` is almost surely a chain of false merges (a site
//!   template, near-empty pages). It is reported as over-merged and broken back into its exact-text
//!   groups.
//!
//! A cluster's representative is its smallest document index, whatever order pairs were joined in.

#[cfg(test)]
mod tests;
mod union_find;

pub use union_find::UnionFind;

use serde::{Deserialize, Serialize};

/// How to turn candidates into clusters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClusterParams {
    /// Keep a candidate pair only if its estimated Jaccard similarity is at least this; `None` keeps
    /// every pair that shares a band key.
    pub jaccard_threshold: Option<f64>,
    /// With the check, two clusters are joined only if their representatives' estimated Jaccard
    /// similarity is at least this too (and their line coverage passes `line_coverage_threshold`);
    /// `None` joins on the pair alone.
    pub link_threshold: Option<f64>,
    /// With the check, a pair is joined only if one document has at least this share of its line units
    /// found in the other ([`line_coverage`](crate::line_coverage)); `None` skips this test.
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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
    /// Containment pairs refused because their contained document had already joined a container.
    pub contained_rejected: u64,
}

/// Bit of an edge's earlier address: the pair passed the line coverage test in one direction only.
const CONTAINMENT: u64 = 1 << 63;
/// Bit of an edge's earlier address, with [`CONTAINMENT`]: the later document is the contained one.
const LATER_CONTAINED: u64 = 1 << 62;

/// Which document of a checked pair is contained in the other, if only one is: from the share of the
/// earlier document's line units found in the later one and the other way round, and the line
/// coverage threshold. `Some(true)` when the later document is the contained one.
pub(crate) fn contained_side(earlier_in_later: f64, later_in_earlier: f64, threshold: f64) -> Option<bool> {
    (earlier_in_later.min(later_in_earlier) < threshold).then_some(later_in_earlier >= earlier_in_later)
}

/// The earlier address of an edge, with the kind of pair in its top bits (addresses use the low 48 bits
/// or so: shard in the high half, index in the low).
pub(crate) fn edge_earlier(earlier: u64, contained: Option<bool>) -> u64 {
    match contained {
        None => earlier,
        Some(later) => earlier | CONTAINMENT | if later { LATER_CONTAINED } else { 0 },
    }
}

/// The earlier address of an edge and its kind (as given to [`edge_earlier`]).
pub(crate) fn split_edge_earlier(earlier: u64) -> (u64, Option<bool>) {
    let address = earlier & !(CONTAINMENT | LATER_CONTAINED);
    (
        address,
        (earlier & CONTAINMENT != 0).then_some(earlier & LATER_CONTAINED != 0),
    )
}

/// A cluster that looks like a chain of false merges.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverMerged {
    /// Input index of the cluster's first document.
    pub first_doc: u64,
    /// The first document's id (filled in when documents are written).
    pub first_id: String,
    /// Number of documents it had.
    pub size: u64,
    /// Number of distinct hosts among them.
    pub hosts: u64,
    /// Documents on its most common host.
    pub largest_host_docs: u64,
    /// Documents whose estimated Jaccard similarity to the first is below 0.25: many of them mean a
    /// chain of pairs that drifted from one text to others.
    pub far_from_first: u64,
    /// Whether it was broken up (larger than `max_cluster_size`); otherwise it is only reported.
    pub broken_up: bool,
}
