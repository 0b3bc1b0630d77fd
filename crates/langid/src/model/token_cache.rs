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

/// Token vectors of one dictionary, remembered per thread. Bounded: past [`TokenCache::MAX_BYTES`] it
/// starts again empty.
#[derive(Debug, Default)]
pub(crate) struct TokenCache {
    /// The dictionary id the vectors belong to (0: none yet).
    dictionary: u64,
    /// The model's dimension: each vector's length.
    dim: usize,
    /// Open addressing, a power of two long: `hash << 32 | (entry + 1)`, or [`EMPTY`].
    table: Vec<u64>,
    /// Every entry's token bytes, one after another; entry `i` spans `starts[i]..starts[i + 1]`.
    text: Vec<u8>,
    starts: Vec<u32>,
    /// Entry `i`'s row count.
    counts: Vec<u32>,
    /// Entry `i`'s vector spans `i * dim..(i + 1) * dim`.
    vectors: Vec<f32>,
}

impl TokenCache {
    /// Token bytes, vectors and table past which the cache is emptied (about 4 MB a thread, kept by the
    /// thread once grown).
    const MAX_BYTES: usize = 4 << 20;
    /// Longer tokens (a URL, a run of symbols) are not remembered.
    pub(crate) const MAX_TOKEN_BYTES: usize = 64;

    /// Empties the cache when it has grown past its bound or belongs to another dictionary. The buffers
    /// are kept, and the table at its size: their memory is already the thread's, so filling the cache
    /// again takes no fresh pages from the kernel (new buffers cost a page fault and a zeroed page every
    /// 4 KiB, each time the cache starts again).
    pub(crate) fn reset_unless(&mut self, dictionary: u64, dim: usize) {
        let bytes = self.text.len() + 4 * self.vectors.len() + 8 * self.table.len();
        if self.dictionary != dictionary || self.dim != dim || bytes > Self::MAX_BYTES {
            self.dictionary = dictionary;
            self.dim = dim;
            // A table past a quarter of the bound starts small again: with a model of very short vectors
            // its slots alone would fill the bound, and each new token would empty the cache.
            if self.table.is_empty() || 8 * self.table.len() > Self::MAX_BYTES / 4 {
                self.table = vec![EMPTY; 1 << 12];
            } else {
                self.table.fill(EMPTY);
            }
            self.text.clear();
            self.starts.clear();
            self.starts.push(0);
            self.counts.clear();
            self.vectors.clear();
        }
    }

    /// Empties a cache that has grown past its bound.
    pub(crate) fn trim(&mut self) {
        if self.dictionary != 0 {
            self.reset_unless(self.dictionary, self.dim);
        }
    }

    /// Entry `i`'s token bytes.
    fn token(&self, i: usize) -> &[u8] {
        match (self.starts.get(i), self.starts.get(i + 1)) {
            (Some(&a), Some(&b)) => self.text.get(a as usize..b as usize).unwrap_or_default(),
            _ => &[],
        }
    }

    /// Entry `i`'s vector and row count.
    fn entry(&self, i: usize) -> (&[f32], u32) {
        let vector = self
            .vectors
            .get(i * self.dim..(i + 1) * self.dim)
            .unwrap_or_default();
        (vector, self.counts.get(i).copied().unwrap_or(0))
    }

    /// The slot of `token` (whose FNV hash is `hash`): where it is, or the empty slot where it goes.
    #[inline]
    fn slot(&self, token: &[u8], hash: u32) -> (usize, Option<usize>) {
        let mask = self.table.len().wrapping_sub(1);
        let mut slot = hash as usize & mask;
        loop {
            match self.table.get(slot).copied() {
                None | Some(EMPTY) => return (slot, None),
                Some(cell) if (cell >> 32) as u32 == hash => {
                    let i = (cell as u32).wrapping_sub(1) as usize;
                    if super::dictionary::same_bytes(self.token(i), token) {
                        return (slot, Some(i));
                    }
                    slot = (slot + 1) & mask;
                }
                Some(_) => slot = (slot + 1) & mask,
            }
        }
    }

    /// The vector of `token` and its row count. The first time the cache sees the token, `compute` adds
    /// the token's rows to the zeroed vector it is given and returns their count; `None`, and nothing
    /// remembered, when it returns `None` (a label). The cache must have been [reset](Self::reset_unless)
    /// for the dictionary first.
    pub(crate) fn vector(
        &mut self,
        token: &[u8],
        hash: u32,
        compute: impl FnOnce(&mut [f32]) -> Option<u32>,
    ) -> Option<(&[f32], u32)> {
        let entry = match self.slot(token, hash) {
            (_, Some(entry)) => entry,
            (slot, None) => {
                let before = self.vectors.len();
                self.vectors.resize(before + self.dim, 0.0);
                let Some(count) = compute(self.vectors.get_mut(before..).unwrap_or_default()) else {
                    self.vectors.truncate(before);
                    return None;
                };
                let entry = self.counts.len();
                self.counts.push(count);
                self.text.extend_from_slice(token);
                // It fits: the cache is emptied long before the text reaches 4 GB.
                self.starts
                    .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
                if let Some(cell) = self.table.get_mut(slot) {
                    *cell = (u64::from(hash) << 32) | (entry as u64 + 1);
                }
                if 2 * (entry + 1) > self.table.len() {
                    self.grow();
                }
                entry
            }
        };
        Some(self.entry(entry))
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
        self.counts.len()
    }

    /// The bytes the cache holds (token bytes, vectors and table).
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> usize {
        self.text.len() + 4 * self.vectors.len() + 8 * self.table.len()
    }

    /// Where the vectors are kept and how many fit: the same across a reset, which keeps its buffers.
    #[cfg(test)]
    pub(crate) fn vector_buffer(&self) -> (*const f32, usize) {
        (self.vectors.as_ptr(), self.vectors.capacity())
    }

    /// The dictionary the vectors belong to.
    #[cfg(test)]
    pub(crate) fn dictionary(&self) -> u64 {
        self.dictionary
    }
}
