//! A union-find whose roots are the smallest index of their set, so representatives do not depend on the
//! order of unions.

/// Union-find over document indices whose roots are always the smallest index of their set.
#[derive(Debug, Clone)]
pub struct UnionFind {
    parent: Vec<u32>,
}

impl UnionFind {
    /// `n` singletons; `n` must fit in `u32` (larger values are cut to `u32::MAX`).
    pub fn new(n: usize) -> UnionFind {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        UnionFind {
            parent: (0..n).collect(),
        }
    }

    /// The root of `x` (with path halving). Out-of-range indices are their own root.
    pub fn find(&mut self, x: u32) -> u32 {
        let mut x = x;
        loop {
            let Some(&p) = self.parent.get(x as usize) else {
                return x;
            };
            if p == x {
                return x;
            }
            let gp = self.parent.get(p as usize).copied().unwrap_or(p);
            if let Some(slot) = self.parent.get_mut(x as usize) {
                *slot = gp;
            }
            x = gp;
        }
    }

    /// Joins the sets of `a` and `b`; the smaller root becomes the root. Returns whether they were
    /// apart.
    pub fn union(&mut self, a: u32, b: u32) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        match self.parent.get_mut(hi as usize) {
            Some(slot) => {
                *slot = lo;
                true
            }
            None => false,
        }
    }

    /// A union-find with these parents; each must be at most its own index (as [`UnionFind::into_roots`]
    /// gives), others are reset to themselves.
    pub fn from_parents(mut parent: Vec<u32>) -> UnionFind {
        for (i, p) in parent.iter_mut().enumerate() {
            if *p as usize > i {
                *p = i as u32;
            }
        }
        UnionFind { parent }
    }

    /// Every index's root. A parent is never larger than its child (roots are the smallest index, and
    /// path halving only moves links towards the root), so one pass in index order resolves them all.
    pub fn into_roots(mut self) -> Vec<u32> {
        for i in 0..self.parent.len() {
            let p = self.parent.get(i).copied().unwrap_or(i as u32);
            let root = self.parent.get(p as usize).copied().unwrap_or(p);
            if let Some(slot) = self.parent.get_mut(i) {
                *slot = root;
            }
        }
        self.parent
    }
}
