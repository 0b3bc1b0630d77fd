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
