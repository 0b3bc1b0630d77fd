//! Tests of clustering.

use super::*;
use crate::minhash::{LINE_PERMS, Signature};

fn store(sigs: &[Option<Signature>]) -> SignatureStore {
    let mut s = SignatureStore::new(2, 4);
    for sig in sigs {
        s.push(sig.as_ref());
    }
    s
}

fn sig(keys: [u64; 2], sketch: [u16; 4]) -> Option<Signature> {
    Some(Signature {
        band_keys: keys.to_vec(),
        sketch: sketch.to_vec(),
        lines: vec![[sketch[0]; LINE_PERMS]],
    })
}

const PARAMS: ClusterParams = ClusterParams {
    jaccard_threshold: Some(0.5),
    link_threshold: None,
    line_coverage_threshold: None,
    max_cluster_size: 1000,
    max_bucket_checks: 8,
};

#[test]
fn union_find_roots_are_smallest() {
    let mut uf = UnionFind::new(5);
    assert!(uf.union(4, 3));
    assert!(uf.union(3, 1));
    assert!(!uf.union(1, 4));
    assert_eq!(uf.find(4), 1);
    assert_eq!(uf.find(99), 99);
}

#[test]
fn buckets_checks_and_exact_groups() {
    let sigs = store(&[
        sig([1, 2], [1, 2, 3, 4]),
        sig([9, 2], [1, 2, 3, 5]), // shares band 1 with doc 0, J est 0.75
        sig([1, 7], [8, 8, 8, 8]), // shares band 0 with doc 0, fails the check
        None,                      // exact copy of doc 2's text
        sig([5, 6], [0, 0, 0, 0]),
    ]);
    let mut keys = vec![DocKeys::default(); 5];
    keys[2].text_hash = Some(42);
    keys[3].text_hash = Some(42);
    keys[4].text_hash = Some(43);
    let c = cluster(&sigs, &keys, &PARAMS);
    assert_eq!(
        (0..5).map(|d| c.representative(d)).collect::<Vec<_>>(),
        vec![0, 0, 2, 2, 4]
    );
    assert_eq!(c.size(1), 2);
    assert_eq!(c.size(4), 1);
    assert_eq!(c.duplicate_clusters(), 2);
    assert_eq!(c.stats.exact_joins, 1);
    assert_eq!(c.stats.rejected_pairs, 1);
    assert_eq!(c.stats.minhash_joins, 1);

    // The same URL joins documents whatever their texts.
    keys[1].url_hash = Some(7);
    keys[4].url_hash = Some(7);
    let c = cluster(&sigs, &keys, &PARAMS);
    assert_eq!(c.representative(4), 0);
    assert_eq!(c.stats.url_joins, 1);
    keys[4].url_hash = None;

    let unchecked = ClusterParams {
        jaccard_threshold: None,
        ..PARAMS
    };
    let c = cluster(&sigs, &keys, &unchecked);
    assert_eq!(c.representative(3), 0);
    assert_eq!(c.largest(), 4);
}

#[test]
fn oversized_clusters_are_broken_into_exact_groups_and_reported() {
    let n = 12;
    let sigs = store(&vec![sig([1, 1], [1, 1, 1, 1]); n]);
    let mut keys = vec![DocKeys::default(); n];
    for (d, k) in keys.iter_mut().enumerate() {
        k.text_hash = Some((d % 3) as u64 + 100);
        k.host = Some(7);
    }
    let params = ClusterParams {
        max_cluster_size: 10,
        ..PARAMS
    };
    let c = cluster(&sigs, &keys, &params);
    assert_eq!(c.size(0), 4);
    assert_eq!(c.representative(5), 2);
    assert_eq!(c.over_merged.len(), 1);
    let o = &c.over_merged[0];
    assert_eq!(
        (o.first_doc, o.size, o.hosts, o.largest_host_docs, o.broken_up),
        (0, 12, 1, 12, true)
    );

    let c = cluster(&sigs, &keys, &PARAMS);
    assert_eq!(c.size(0), 12);
    assert!(!c.over_merged[0].broken_up);
}
