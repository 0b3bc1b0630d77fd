//! Template awareness: lines that repeat on many documents of one host are boilerplate (menus, footers,
//! copyright lines, "most read" lists) and are left out before shingling.
//!
//! A line is compared by its normalised tokens (case, punctuation and spacing ignored), keyed together
//! with the document's host, and counted once per *distinct* document text of that host, so exact
//! copies of one page (print and tracking-parameter URLs) do not make their own body look like
//! boilerplate. Lines seen on at least `boilerplate_min_docs` distinct texts of a host are boilerplate
//! there; the `lines` and `boilerplate` stages count them out of core.

use std::collections::HashSet;
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

/// The set of boilerplate line keys, counted by the `boilerplate` stage.
#[derive(Debug, Default)]
pub struct BoilerplateLines {
    lines: PrehashedSet,
}

impl BoilerplateLines {
    /// The set of these line keys.
    pub fn from_keys(keys: impl IntoIterator<Item = u64>) -> BoilerplateLines {
        BoilerplateLines {
            lines: keys.into_iter().collect(),
        }
    }

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
