//! Tests of the union-find.

use super::*;

#[test]
fn union_find_roots_are_smallest() {
    let mut uf = UnionFind::new(6);
    assert!(uf.union(4, 3));
    assert!(uf.union(3, 1));
    assert!(!uf.union(1, 4));
    assert!(uf.union(5, 2));
    assert_eq!(uf.find(4), 1);
    assert_eq!(uf.find(99), 99);
    let roots = uf.into_roots();
    assert_eq!(roots, vec![0, 1, 2, 1, 1, 2]);
    // Reset members of a cluster to themselves, then rebuild part of it.
    let mut parents = roots;
    parents[3] = 3;
    parents[4] = 4;
    let mut uf = UnionFind::from_parents(parents);
    assert!(uf.union(4, 3));
    assert_eq!(uf.into_roots(), vec![0, 1, 2, 3, 3, 2]);
}

#[test]
fn containment_pairs_name_their_contained_side() {
    // Both directions covered: a near copy, no containment.
    assert_eq!(contained_side(0.9, 0.7, 0.6), None);
    // All of the later document's lines are in the earlier one, a third the other way: the later is
    // contained.
    assert_eq!(contained_side(0.33, 1.0, 0.6), Some(true));
    assert_eq!(contained_side(1.0, 0.25, 0.6), Some(false));
    let address = (3u64 << 32) | 17;
    for kind in [None, Some(true), Some(false)] {
        let earlier = edge_earlier(address, kind);
        assert_eq!(split_edge_earlier(earlier), (address, kind));
        assert_eq!(earlier == address, kind.is_none());
    }
}
