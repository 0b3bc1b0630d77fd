//! A hash map of strings with a bit set of cheap fingerprints in front: the tokenizer asks its special
//! cases and matcher rules about every word, `gopher_quality` its stop words, and nearly every answer is
//! "no"; the bit set gives most of those from the string's length and a few of its bytes, without
//! hashing it.

use std::borrow::Borrow;
use std::hash::Hash;

use rustc_hash::FxHashMap;

/// Bits in the fingerprint set (a power of two): about 1.5k keys leave it about 2% full.
const BITS: usize = 1 << 16;

/// A map from strings, answering lookups of absent keys mostly without hashing.
#[derive(Debug, Clone)]
pub(crate) struct PrefilteredMap<K, V> {
    map: FxHashMap<K, V>,
    bits: Vec<u64>,
}

/// The fingerprint of a string: its length, first two and last bytes, spread over `BITS`.
fn fingerprint(s: &str) -> usize {
    let b = s.as_bytes();
    let byte = |i: Option<&u8>| u64::from(i.copied().unwrap_or(0));
    let x = (b.len() as u64) | byte(b.first()) << 16 | byte(b.get(1)) << 24 | byte(b.last()) << 32;
    (x.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - BITS.trailing_zeros())) as usize
}

impl<K: Borrow<str> + Hash + Eq, V> PrefilteredMap<K, V> {
    /// The map, with its fingerprints.
    pub(crate) fn new(map: FxHashMap<K, V>) -> PrefilteredMap<K, V> {
        let mut bits = vec![0u64; BITS / 64];
        for key in map.keys() {
            let f = fingerprint(key.borrow());
            if let Some(word) = bits.get_mut(f / 64) {
                *word |= 1 << (f % 64);
            }
        }
        PrefilteredMap { map, bits }
    }

    /// The value for `key`, if it has one. Inlined: the fingerprint test settles most calls, in a few
    /// instructions.
    #[inline(always)]
    pub(crate) fn get(&self, key: &str) -> Option<&V> {
        let f = fingerprint(key);
        let maybe = self
            .bits
            .get(f / 64)
            .is_some_and(|word| word & (1 << (f % 64)) != 0);
        if maybe { self.map.get(key) } else { None }
    }

    /// The number of keys.
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether `key` has a value.
    pub(crate) fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_like_the_map() {
        let keys = ["a", "ab", "don't", "e.g.", ":)", "", "é"];
        let map: FxHashMap<&str, usize> = keys.iter().enumerate().map(|(i, k)| (*k, i)).collect();
        let filtered = PrefilteredMap::new(map);
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(filtered.get(k), Some(&i), "{k}");
        }
        for absent in ["b", "abc", "dont", "e.g", "x", "éé"] {
            assert!(!filtered.contains_key(absent), "{absent}");
        }
    }
}
