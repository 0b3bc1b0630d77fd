//! The per-thread cache of token vectors: each distinct token's input rows, summed once.
//!
//! Most words of a web page come back many times. Looking a word up in the dictionary, or for a word it
//! lacks (names, inflected forms, capitalised words) hashing its character n-grams and looking each up in
//! the pruned-bucket map, then adding its ten to thirty rows, is most of the inference. The cache keeps,
//! for each token seen lately on the thread, the sum of its rows (added in fastText's order, starting
//! from zero) and how many rows that is; a token seen before costs one probe of a small table and one
//! vector add.
//!
//! A line's hidden vector is then the sum of its tokens' vectors rather than of their rows one by one, so
//! it equals fastText's up to the order of float summation (not to the bit): scores agree with
//! `fasttext-predict`'s within 2e-6 on every FLORES dev row (`tests/parity.rs` holds them to 1e-5,
//! and labels equal), and every prediction path (whole text, parts, a line alone) adds
//! the same token vectors in the same order, so they agree with each other to the bit.

/// Marks an empty slot of [`TokenCache::table`].
const EMPTY: u64 = 0;
/// Words of a record before its token: the token's length in bytes and its row count.
const HEADER: usize = 2;
/// Token bytes per record word.
const WORD_BYTES: usize = 4;

/// Token vectors of one dictionary, remembered per thread. Bounded: past [`TokenCache::MAX_BYTES`] it
/// starts again empty.
///
/// Each token is one record, its parts side by side, so that a hit reads the table slot and then one
/// place of memory (a record of a short token spans one or two cache lines): the token's length and
/// row count, its bytes, then its vector. Kept in separate arrays, a hit waited on the slot, then on the
/// token's start offset, then on its bytes, each most likely a miss of the processor's caches.
#[derive(Debug, Default)]
pub(crate) struct TokenCache {
    /// The dictionary id the vectors belong to (0: none yet).
    dictionary: u64,
    /// The model's dimension: each vector's length.
    dim: usize,
    /// Open addressing, a power of two long: `hash << 32 | (record + 1)`, where `record` is where the
    /// token's record starts in [`TokenCache::records`], or [`EMPTY`].
    table: Vec<u64>,
    /// The records one after another. A record is its token's length in bytes, its row count, its bytes
    /// packed little-endian four to a word (the last word padded with zeros), then its vector. The
    /// vector is what callers add, so the words are `f32`s; the others hold the `u32` with the same bits
    /// (`f32::from_bits`, which moves bits unchanged and is never used in arithmetic here).
    records: Vec<f32>,
    /// How many records there are.
    entries: usize,
    /// The vector of a token too long to remember.
    long: Vec<f32>,
}

/// The record words of `token`: its bytes packed four to a `u32`, little-endian, the last padded with
/// zeros; `words` must hold at least `token.len().div_ceil(4)` (it is given its first words).
#[inline]
fn pack(token: &[u8], words: &mut [u32]) -> usize {
    let (whole, rest) = token.as_chunks::<WORD_BYTES>();
    let mut len = 0;
    for (word, &chunk) in words.iter_mut().zip(whole) {
        *word = u32::from_le_bytes(chunk);
        len += 1;
    }
    if !rest.is_empty()
        && let Some(word) = words.get_mut(len)
    {
        let mut bytes = [0u8; WORD_BYTES];
        for (b, &c) in bytes.iter_mut().zip(rest) {
            *b = c;
        }
        *word = u32::from_le_bytes(bytes);
        len += 1;
    }
    len
}

impl TokenCache {
    /// Token bytes, vectors and table past which the cache is emptied (about 4 MB a thread, kept by the
    /// thread once grown).
    const MAX_BYTES: usize = 4 << 20;
    /// Longer tokens (a URL, a run of symbols) are not remembered.
    pub(crate) const MAX_TOKEN_BYTES: usize = 64;
    /// Record words the longest remembered token takes.
    const MAX_TOKEN_WORDS: usize = Self::MAX_TOKEN_BYTES.div_ceil(WORD_BYTES);

    /// The bytes the cache holds (records and table).
    fn held_bytes(&self) -> usize {
        4 * self.records.len() + 8 * self.table.len()
    }

    /// Empties the cache when it has grown past its bound or belongs to another dictionary. The buffers
    /// are kept, and the table at its size: their memory is already the thread's, so filling the cache
    /// again takes no fresh pages from the kernel (new buffers cost a page fault and a zeroed page every
    /// 4 KiB, each time the cache starts again).
    pub(crate) fn reset_unless(&mut self, dictionary: u64, dim: usize) {
        if self.dictionary != dictionary || self.dim != dim || self.held_bytes() > Self::MAX_BYTES {
            self.dictionary = dictionary;
            self.dim = dim;
            // A table past a quarter of the bound starts small again: with a model of very short vectors
            // its slots alone would fill the bound, and each new token would empty the cache.
            if self.table.is_empty() || 8 * self.table.len() > Self::MAX_BYTES / 4 {
                self.table = vec![EMPTY; 1 << 12];
            } else {
                self.table.fill(EMPTY);
            }
            self.records.clear();
            self.entries = 0;
        }
    }

    /// Empties a cache that has grown past its bound, and lets go of a long token's vector of a model
    /// with huge vectors.
    pub(crate) fn trim(&mut self) {
        if self.dictionary != 0 {
            self.reset_unless(self.dictionary, self.dim);
        }
        if self.long.capacity() > 1 << 14 {
            self.long = Vec::new();
        }
    }

    /// The record starting at `start`, if it holds the token of `len` bytes packed as `words`.
    #[inline]
    fn holds(&self, start: usize, len: usize, words: &[u32]) -> bool {
        let header_len = self.records.get(start).map(|w| w.to_bits() as usize);
        header_len == Some(len)
            && self
                .records
                .get(start + HEADER..start + HEADER + words.len())
                .is_some_and(|stored| stored.iter().zip(words).all(|(s, &w)| s.to_bits() == w))
    }

    /// The record at `start`: its vector and row count.
    #[inline]
    fn entry(&self, start: usize) -> (&[f32], u32) {
        let len = self.records.get(start).map_or(0, |w| w.to_bits() as usize);
        let rows = self.records.get(start + 1).map_or(0, |w| w.to_bits());
        let vector = start + HEADER + len.div_ceil(WORD_BYTES);
        let vector = self.records.get(vector..vector + self.dim).unwrap_or_default();
        (vector, rows)
    }

    /// The slot of the token of `len` bytes packed as `words` (whose FNV hash is `hash`): the start of
    /// its record, or the empty slot where it goes.
    #[inline]
    fn slot(&self, len: usize, words: &[u32], hash: u32) -> (usize, Option<usize>) {
        self.probe(hash, |start| self.holds(start, len, words))
    }

    /// Walks the table from `hash`'s slot: the first slot naming `hash` whose record (its start) `accept`
    /// takes, with that start, or the empty slot that ends the walk. One walk for lookups and prefetches.
    #[inline]
    fn probe(&self, hash: u32, mut accept: impl FnMut(usize) -> bool) -> (usize, Option<usize>) {
        let mask = self.table.len().wrapping_sub(1);
        let mut slot = hash as usize & mask;
        loop {
            match self.table.get(slot).copied() {
                None | Some(EMPTY) => return (slot, None),
                Some(cell) if (cell >> 32) as u32 == hash => {
                    let start = (cell as u32).wrapping_sub(1) as usize;
                    if accept(start) {
                        return (slot, Some(start));
                    }
                }
                Some(_) => {}
            }
            slot = (slot + 1) & mask;
        }
    }

    /// The vector of `token` and its row count. The first time the cache sees the token, `compute` adds
    /// the token's rows to the zeroed vector it is given and returns their count; `None`, and nothing
    /// remembered, when it returns `None` (a label). A token longer than
    /// [`TokenCache::MAX_TOKEN_BYTES`] is computed each time. The cache must have been
    /// [reset](Self::reset_unless) for the dictionary first.
    pub(crate) fn vector(
        &mut self,
        token: &[u8],
        hash: u32,
        compute: impl FnOnce(&mut [f32]) -> Option<u32>,
    ) -> Option<(&[f32], u32)> {
        if token.len() > Self::MAX_TOKEN_BYTES {
            self.long.clear();
            self.long.resize(self.dim, 0.0);
            let count = compute(&mut self.long)?;
            return Some((&self.long, count));
        }
        let mut packed = [0u32; Self::MAX_TOKEN_WORDS];
        let packed_len = pack(token, &mut packed);
        let words = packed.get(..packed_len).unwrap_or_default();
        let start = match self.slot(token.len(), words, hash) {
            (_, Some(start)) => start,
            (slot, None) => {
                let start = self.records.len();
                // The cache is emptied long before its records reach 16 GB, so the start fits.
                let cell = u32::try_from(start + 1).ok()?;
                self.records.push(f32::from_bits(token.len() as u32));
                self.records.push(f32::from_bits(0));
                self.records.extend(words.iter().map(|&w| f32::from_bits(w)));
                let vector = self.records.len();
                self.records.resize(vector + self.dim, 0.0);
                let Some(count) = compute(self.records.get_mut(vector..).unwrap_or_default()) else {
                    self.records.truncate(start);
                    return None;
                };
                if let Some(rows) = self.records.get_mut(start + 1) {
                    *rows = f32::from_bits(count);
                }
                if let Some(c) = self.table.get_mut(slot) {
                    *c = (u64::from(hash) << 32) | u64::from(cell);
                }
                self.entries += 1;
                if 2 * self.entries > self.table.len() {
                    self.grow();
                }
                start
            }
        };
        Some(self.entry(start))
    }

    /// Starts loading the table slot a lookup of `hash` reads first, so that the cache miss it most
    /// likely is overlaps with the work on the tokens before it.
    #[inline]
    pub(crate) fn prefetch_slot(&self, hash: u32) {
        let slot = hash as usize & self.table.len().wrapping_sub(1);
        if let Some(cell) = self.table.get(slot) {
            super::prefetch(cell);
        }
    }

    /// Starts loading the record a lookup of `hash` most likely reads: the one named by the first slot
    /// from `hash`'s on that holds the hash, before an empty one. Reads those slots, so it pays once
    /// [`TokenCache::prefetch_slot`] had the first loaded (the others most likely share its cache line).
    /// Returns whether a slot holds the hash: false, the lookup misses (unless the token is looked up
    /// in between).
    #[inline]
    pub(crate) fn prefetch_record(&self, hash: u32) -> bool {
        let (_, found) = self.probe(hash, |start| {
            if let Some(record) = self.records.get(start) {
                super::prefetch(record);
            }
            true
        });
        found.is_some()
    }

    /// Doubles the table and places every entry again.
    fn grow(&mut self) {
        let slots = self.table.len() * 2;
        let mask = slots - 1;
        let mut table = vec![EMPTY; slots];
        for &cell in self.table.iter().filter(|&&cell| cell != EMPTY) {
            let mut slot = (cell >> 32) as usize & mask;
            while table.get(slot).is_some_and(|&c| c != EMPTY) {
                slot = (slot + 1) & mask;
            }
            if let Some(c) = table.get_mut(slot) {
                *c = cell;
            }
        }
        self.table = table;
    }

    /// How many tokens the cache holds.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries
    }

    /// The bytes the cache holds (records and table).
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> usize {
        self.held_bytes()
    }

    /// Where the records (token bytes and vectors) are kept and how many words fit: the same across a
    /// reset, which keeps its buffers.
    #[cfg(test)]
    pub(crate) fn vector_buffer(&self) -> (*const f32, usize) {
        (self.records.as_ptr(), self.records.capacity())
    }

    /// The dictionary the vectors belong to.
    #[cfg(test)]
    pub(crate) fn dictionary(&self) -> u64 {
        self.dictionary
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    /// A vector and row count that only `token` gives: what a lookup must hand back for it.
    fn made_up(token: &[u8], dim: usize) -> (Vec<f32>, u32) {
        let seed = token
            .iter()
            .fold(token.len() as f32, |acc, &b| acc * 1.5 + f32::from(b));
        let vector = (0..dim).map(|k| seed + k as f32 * 0.25).collect();
        (vector, token.len() as u32 + 1)
    }

    /// Looks `token` up under `hash`, computing its made-up vector when the cache lacks it; returns
    /// what the cache hands back and whether `compute` ran.
    fn look_up(cache: &mut TokenCache, token: &[u8], hash: u32) -> (Vec<f32>, u32, bool) {
        let mut computed = false;
        let dim = cache.dim;
        let found = cache.vector(token, hash, |vector| {
            computed = true;
            let (made, rows) = made_up(token, dim);
            for (v, m) in vector.iter_mut().zip(made) {
                *v += m;
            }
            Some(rows)
        });
        let (vector, rows) = found.map(|(v, r)| (v.to_vec(), r)).unwrap_or_default();
        (vector, rows, computed)
    }

    #[test]
    fn packing_is_the_bytes_four_to_a_word_zero_padded() {
        let mut words = [0u32; TokenCache::MAX_TOKEN_WORDS];
        assert_eq!(pack(b"", &mut words), 0);
        assert_eq!(pack(b"abcde", &mut words), 2);
        assert_eq!(words[..2], [u32::from_le_bytes(*b"abcd"), u32::from(b'e')]);
        let long = [7u8; TokenCache::MAX_TOKEN_BYTES];
        assert_eq!(pack(&long, &mut words), TokenCache::MAX_TOKEN_WORDS);
        assert!(words.iter().all(|&w| w == 0x0707_0707));
    }

    #[test]
    fn tokens_alike_in_their_words_or_hash_keep_their_own_vectors() {
        let mut cache = TokenCache::default();
        cache.reset_unless(1, 3);
        // The same packed words but for the length, and one hash for all: each is its own entry.
        let tokens: [&[u8]; 5] = [b"ab", b"ab\0", b"ab\0\0", b"abc", b"abcd"];
        for round in 0..2 {
            for token in tokens {
                let (vector, rows, computed) = look_up(&mut cache, token, 42);
                assert_eq!((vector, rows), made_up(token, 3), "{token:?}");
                assert_eq!(computed, round == 0, "{token:?} in round {round}");
            }
        }
        assert_eq!(cache.len(), tokens.len());
    }

    #[test]
    fn a_label_is_not_remembered_and_a_long_token_is_computed_each_time() {
        let mut cache = TokenCache::default();
        cache.reset_unless(1, 2);
        assert!(cache.vector(b"__label__en", 5, |_| None).is_none());
        let long = [b'x'; TokenCache::MAX_TOKEN_BYTES + 1];
        for _ in 0..2 {
            let (vector, rows, computed) = look_up(&mut cache, &long, 9);
            assert_eq!((vector, rows), made_up(&long, 2));
            assert!(computed);
        }
        assert_eq!(cache.len(), 0);
    }

    #[test]
    fn prefetching_never_panics_even_before_a_reset() {
        let mut cache = TokenCache::default();
        cache.prefetch_slot(7);
        assert!(!cache.prefetch_record(7), "an empty cache holds nothing");
        cache.reset_unless(1, 4);
        look_up(&mut cache, b"word", 7);
        cache.prefetch_slot(7);
        assert!(cache.prefetch_record(7), "the first slot holds the hash");
        assert!(!cache.prefetch_record(8), "nor does its slot hold another");
        assert!(!look_up(&mut cache, b"word", 7).2, "remembered");
    }

    proptest::proptest! {
        /// Any run of lookups (few hashes, so that slots collide; tokens of a small alphabet, so that
        /// they repeat and share words) hands back each token's own vector, computed once until a reset.
        #[test]
        fn lookups_equal_a_map_of_tokens(
            tokens in proptest::collection::vec(
                (proptest::collection::vec(0u8..3, 0..70), 0u32..4),
                1..300,
            ),
            dim in 1usize..20,
        ) {
            let mut cache = TokenCache::default();
            cache.reset_unless(1, dim);
            let mut seen = HashMap::new();
            for (token, hash) in &tokens {
                let token: Vec<u8> = token.iter().map(|&b| b"a\x80\xff"[usize::from(b)]).collect();
                let (vector, rows, computed) = look_up(&mut cache, &token, *hash);
                proptest::prop_assert_eq!((vector, rows), made_up(&token, dim));
                let remembered = token.len() <= TokenCache::MAX_TOKEN_BYTES;
                let again = seen.insert((token, *hash), ()).is_some();
                proptest::prop_assert_eq!(computed, !(again && remembered));
            }
        }
    }
}
