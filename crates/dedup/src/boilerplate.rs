//! Template awareness: lines that repeat on many documents of one host are boilerplate (menus, footers,
//! copyright lines, "most read" lists) and are left out before shingling.
//!
//! A line is compared by its normalised tokens (case, punctuation and spacing ignored), keyed together
//! with the document's host, and counted once per *distinct* document text of that host, so exact
//! copies of one page (print and tracking-parameter URLs) do not make their own body look like
//! boilerplate. Lines seen on at least `min_docs` distinct texts of a host are boilerplate there.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A hasher for keys that are already uniformly distributed 64-bit hashes.
#[derive(Default, Clone, Copy)]
pub(crate) struct PrehashedHasher(u64);

impl Hasher for PrehashedHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

pub(crate) type PrehashedMap<V> = HashMap<u64, V, BuildHasherDefault<PrehashedHasher>>;
pub(crate) type PrehashedSet = HashSet<u64, BuildHasherDefault<PrehashedHasher>>;

/// The key of one line on one host: combines the host key with the line's hash (the fold of its token
/// hashes).
pub fn line_key(host: u64, line_tokens: &[u64]) -> u64 {
    let mut acc = host ^ 0x6c69_6e65; // "line"
    for &t in line_tokens {
        acc = (acc.rotate_left(27) ^ t).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    acc ^ (acc >> 31)
}

/// First pass of template awareness: counts, per host, on how many distinct document texts each line
/// appears.
#[derive(Debug)]
pub struct LineCounter {
    min_docs: u32,
    /// Line key → number of distinct texts of its host it appears on.
    counts: PrehashedMap<u32>,
    /// `(host, exact text hash)` pairs already counted.
    texts_seen: PrehashedSet,
}

impl LineCounter {
    /// A counter that will call a line boilerplate once it is on `min_docs` distinct texts of a host.
    pub fn new(min_docs: u32) -> LineCounter {
        LineCounter {
            min_docs: min_docs.max(1),
            counts: PrehashedMap::default(),
            texts_seen: PrehashedSet::default(),
        }
    }

    /// Counts one document: its host key, the hash of its whole normalised text, and the keys of its
    /// lines ([`line_key`]; duplicates within the document are counted once). A text already counted
    /// for this host is not counted again.
    pub fn add(&mut self, host: u64, text_hash: u64, line_keys: &mut Vec<u64>) {
        if !self.texts_seen.insert(host ^ text_hash.rotate_left(17)) {
            return;
        }
        line_keys.sort_unstable();
        line_keys.dedup();
        for &key in line_keys.iter() {
            let count = self.counts.entry(key).or_insert(0);
            *count = count.saturating_add(1);
        }
    }

    /// The boilerplate lines found.
    pub fn finish(self) -> BoilerplateLines {
        let min_docs = self.min_docs;
        let lines = self
            .counts
            .into_iter()
            .filter(|&(_, count)| count >= min_docs)
            .map(|(key, _)| key)
            .collect();
        BoilerplateLines { lines }
    }
}

/// The set of boilerplate line keys, from [`LineCounter::finish`].
#[derive(Debug, Default)]
pub struct BoilerplateLines {
    lines: PrehashedSet,
}

impl BoilerplateLines {
    /// Whether the line with this [`line_key`] is boilerplate.
    pub fn contains(&self, line_key: u64) -> bool {
        self.lines.contains(&line_key)
    }

    /// Number of distinct (host, line) pairs that are boilerplate.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether no line is boilerplate.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url::host_key;

    #[test]
    fn lines_on_enough_distinct_texts_are_boilerplate() {
        let host = host_key("https://a.example/").unwrap();
        let other = host_key("https://b.example/").unwrap();
        let footer = line_key(host, &[1, 2, 3]);
        let body = line_key(host, &[9, 9]);
        let mut counter = LineCounter::new(3);
        // The same text three times (exact copies) counts once.
        for _ in 0..3 {
            counter.add(host, 100, &mut vec![footer, body]);
        }
        counter.add(host, 101, &mut vec![footer, footer]);
        counter.add(other, 102, &mut vec![line_key(other, &[1, 2, 3])]);
        let set = LineCounter::new(3).finish();
        assert!(set.is_empty());
        counter.add(host, 103, &mut vec![footer]);
        let set = counter.finish();
        assert!(set.contains(footer));
        assert!(!set.contains(body));
        assert!(!set.contains(line_key(other, &[1, 2, 3])));
        assert_eq!(set.len(), 1);
    }
}
