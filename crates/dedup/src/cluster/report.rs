//! Reports of clusters that look over-merged.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{DocKeys, SignatureStore};
use crate::minhash::jaccard_estimate;

/// A cluster that looks like a chain of false merges.
#[derive(Debug, Clone, PartialEq, Serialize)]
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

/// Smallest cluster size for which a one-host majority is reported as suspect.
const SUSPECT_MIN_SIZE: u64 = 10;

/// Members whose estimated Jaccard similarity to their cluster's first document is below this are
/// counted in [`OverMerged::far_from_first`].
const FAR_JACCARD: f64 = 0.25;

/// Over-merged clusters: the capped ones, and those of at least [`SUSPECT_MIN_SIZE`] documents with more
/// than half of them on one host (a site template) or far from the first document (a chain).
pub(super) fn report(
    root: &[u32],
    size: &[u32],
    capped: &[bool],
    keys: &[DocKeys],
    sigs: &SignatureStore,
) -> Vec<OverMerged> {
    let big = |r: u32| {
        size.get(r as usize)
            .is_some_and(|&s| u64::from(s) >= SUSPECT_MIN_SIZE)
    };
    let mut members: Vec<(u32, u32)> = root
        .iter()
        .enumerate()
        .filter(|&(_, &r)| big(r))
        .map(|(d, &r)| (r, d as u32))
        .collect();
    members.sort_unstable();
    let mut out = Vec::new();
    for cluster in members.chunk_by(|a, b| a.0 == b.0) {
        let Some(&(r, _)) = cluster.first() else {
            continue;
        };
        let mut per_host: BTreeMap<u64, u64> = BTreeMap::new();
        let mut far = 0;
        let first_signed = sigs.is_signed(r as usize);
        for &(_, d) in cluster {
            let host = keys
                .get(d as usize)
                .and_then(|k| k.host)
                .unwrap_or(u64::from(d) ^ u64::MAX);
            *per_host.entry(host).or_default() += 1;
            if first_signed
                && sigs.is_signed(d as usize)
                && jaccard_estimate(sigs.sketch(r as usize), sigs.sketch(d as usize)) < FAR_JACCARD
            {
                far += 1;
            }
        }
        let largest = per_host.values().copied().max().unwrap_or(0);
        let cluster_size = cluster.len() as u64;
        let broken_up = capped.get(r as usize).copied().unwrap_or(false);
        if broken_up || largest * 2 > cluster_size || far * 2 > cluster_size {
            out.push(OverMerged {
                first_doc: u64::from(r),
                first_id: String::new(),
                size: cluster_size,
                hosts: per_host.len() as u64,
                largest_host_docs: largest,
                far_from_first: far,
                broken_up,
            });
        }
    }
    out
}
