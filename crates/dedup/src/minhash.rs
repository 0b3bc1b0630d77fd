//! MinHash signatures: shingles of token hashes, `bands × rows` permutations, band keys and a compact
//! sketch for the Jaccard check.
//!
//! Specification (all of it is pinned by tests, so signatures are identical on every machine and
//! release, and can be written by one task and read by another):
//!
//! - **Shingles.** The token hashes ([`Tokenizer`](crate::Tokenizer)) of a document are cut into windows
//!   of `n` consecutive tokens (a document with fewer than `n` tokens is one window of all of them). A
//!   window's 64-bit hash folds its token hashes: `acc = n`, then per token
//!   `acc = (acc.rotate_left(23) ^ t) * 0x9E3779B97F4A7C15`, then `acc ^ (acc >> 29)`. No string is
//!   built per shingle.
//! - **Permutations.** Shingle hash `h` is folded to 32 bits, `x = lo32(h) ^ hi32(h)`; permutation `i`
//!   maps it to `fmix32(x ^ s_i)`, where `fmix32` is MurmurHash3's 32-bit finaliser (a bijection with full
//!   avalanche) and `s_i` is the low 32 bits of SplitMix64 step `i` from `seed`. Each `x ↦ fmix32(x ^
//!   s_i)` is a permutation of the 32-bit values, and the xor with independent seeds makes the `K =
//!   bands × rows` permutations behave as independent random ones; the check is empirical (a test
//!   compares estimated and exact Jaccard). Why not `(a·h + b) mod (2⁶¹−1)`: that needs a 128-bit
//!   product per shingle and permutation, several times the cost of `fmix32`, which runs in 32-bit SIMD
//!   lanes (eight per AVX2 instruction). A false tie between two different shingles' minima happens
//!   with probability 2⁻³², far below the sampling error of 112 permutations.
//! - **Band keys.** Band `b` of the signature is the `rows` minima `b·rows .. (b+1)·rows`; its key is
//!   XXH3-64 with seed `b` of their little-endian bytes.
//! - **Sketch.** The low 16 bits of each minimum (b-bit MinHash, Li & König 2010): two documents agree at
//!   position `i` with probability `J + (1 − J)·2⁻¹⁶`, so [`jaccard_estimate`] corrects for that. It
//!   takes 2 bytes per permutation instead of 4 or 8.

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// The MinHash parameters and derived permutation seeds.
#[derive(Debug, Clone)]
pub struct MinHasher {
    ngram_size: usize,
    bands: usize,
    rows: usize,
    seeds: Vec<u32>,
    line_seeds: [u32; LINE_PERMS],
}

/// One document's signature: a key per band, and the 16-bit sketch of every minimum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// `bands` keys: documents that share any key are candidate duplicates.
    pub band_keys: Vec<u64>,
    /// `bands × rows` low halves of the minima, for the Jaccard estimate.
    pub sketch: Vec<u16>,
    /// Per line (unit of at least `n` tokens), [`LINE_PERMS`] low halves of the minima of the shingles
    /// that start in it, for the line coverage check.
    pub lines: Vec<[u16; LINE_PERMS]>,
}

/// Permutations per line in [`Signature::lines`].
pub const LINE_PERMS: usize = 4;

impl MinHasher {
    /// A hasher for word `ngram_size`-grams with `bands × rows` permutations derived from `seed`.
    /// Sizes are clamped to `1..=1024` ([`DedupConfig::validate`](crate::DedupConfig::validate) reports
    /// values out of range).
    pub fn new(ngram_size: usize, bands: usize, rows: usize, seed: u64) -> MinHasher {
        let clamp = |v: usize| v.clamp(1, 1024);
        let (ngram_size, bands, rows) = (clamp(ngram_size), clamp(bands), clamp(rows));
        let mut state = seed;
        let seeds = (0..bands * rows).map(|_| splitmix64(&mut state) as u32).collect();
        let mut state = seed ^ 0x6c69_6e65_7365_6564; // "lineseed"
        let line_seeds = std::array::from_fn(|_| splitmix64(&mut state) as u32);
        MinHasher {
            ngram_size,
            bands,
            rows,
            seeds,
            line_seeds,
        }
    }

    /// Number of permutations, `bands × rows`.
    pub fn num_perm(&self) -> usize {
        self.seeds.len()
    }

    /// Tokens per shingle.
    pub fn ngram_size(&self) -> usize {
        self.ngram_size
    }

    /// Number of bands.
    pub fn bands(&self) -> usize {
        self.bands
    }

    /// The signature of a document given as its token hashes, or `None` when it has no tokens.
    ///
    /// `mins` is scratch space, reused across calls to avoid an allocation per document.
    pub fn signature(&self, tokens: &[u64], mins: &mut Vec<u32>) -> Option<Signature> {
        self.signature_with_lines(tokens, &[0], mins)
    }

    /// Like [`MinHasher::signature`], with the document cut into line units: `unit_starts` are the
    /// token indices where units begin (ascending; the first should be 0). Each shingle belongs to the
    /// unit it starts in; units in which no shingle starts get no entry in [`Signature::lines`].
    pub fn signature_with_lines(
        &self,
        tokens: &[u64],
        unit_starts: &[usize],
        mins: &mut Vec<u32>,
    ) -> Option<Signature> {
        if tokens.is_empty() {
            return None;
        }
        mins.clear();
        mins.resize(self.seeds.len(), u32::MAX);
        let n = self.ngram_size.min(tokens.len());
        let mut lines = Vec::with_capacity(unit_starts.len());
        let mut unit = 0;
        let mut line_mins = [u32::MAX; LINE_PERMS];
        for (start, window) in tokens.windows(n).enumerate() {
            while unit_starts.get(unit + 1).is_some_and(|&next| next <= start) {
                if line_mins[0] != u32::MAX {
                    lines.push(line_mins.map(|v| v as u16));
                }
                line_mins = [u32::MAX; LINE_PERMS];
                unit += 1;
            }
            let h = shingle_hash(window);
            let x = (h as u32) ^ ((h >> 32) as u32);
            update_mins(mins, &self.seeds, x);
            for (m, &s) in line_mins.iter_mut().zip(&self.line_seeds) {
                *m = (*m).min(fmix32(x ^ s));
            }
        }
        if line_mins[0] != u32::MAX {
            lines.push(line_mins.map(|v| v as u16));
        }
        let mut band_keys = Vec::with_capacity(self.bands);
        let mut bytes = Vec::with_capacity(self.rows * 4);
        for (band, chunk) in mins.chunks(self.rows).enumerate() {
            bytes.clear();
            for v in chunk {
                bytes.extend_from_slice(&v.to_le_bytes());
            }
            band_keys.push(xxh3_64_with_seed(&bytes, band as u64));
        }
        let sketch = mins.iter().map(|&v| v as u16).collect();
        Some(Signature {
            band_keys,
            sketch,
            lines,
        })
    }
}

/// The hash of one shingle (a window of token hashes); see the module docs.
pub fn shingle_hash(window: &[u64]) -> u64 {
    let mut acc = window.len() as u64;
    for &t in window {
        acc = (acc.rotate_left(23) ^ t).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    acc ^ (acc >> 29)
}

/// Updates every permutation's minimum with shingle `x`. Written as a plain loop over slices so the
/// compiler vectorises it; on x86-64 an AVX2 copy is chosen at run time.
fn update_mins(mins: &mut [u32], seeds: &[u32], x: u32) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above; the function is otherwise safe code.
            unsafe { update_mins_avx2(mins, seeds, x) };
            return;
        }
    }
    update_mins_portable(mins, seeds, x);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn update_mins_avx2(mins: &mut [u32], seeds: &[u32], x: u32) {
    update_mins_portable(mins, seeds, x);
}

#[inline(always)]
fn update_mins_portable(mins: &mut [u32], seeds: &[u32], x: u32) {
    for (m, &s) in mins.iter_mut().zip(seeds) {
        let v = fmix32(x ^ s);
        *m = (*m).min(v);
    }
}

/// MurmurHash3's 32-bit finaliser.
#[inline(always)]
fn fmix32(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// SplitMix64: the next value of the sequence started at `state`.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The share of line units of one document found in the other, for the document better covered: a
/// unit is found when any of its [`LINE_PERMS`] minima equals the same permutation's minimum of some unit
/// of the other. A near-duplicate shares most of its lines with the other (even when truncated or
/// extended); two different pages that quote one long paragraph share one line each. 0 when either has
/// no units.
pub fn line_coverage(a: &[[u16; LINE_PERMS]], b: &[[u16; LINE_PERMS]]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let index = |units: &[[u16; LINE_PERMS]]| -> [Vec<u16>; LINE_PERMS] {
        std::array::from_fn(|p| {
            let mut v: Vec<u16> = units.iter().filter_map(|u| u.get(p).copied()).collect();
            v.sort_unstable();
            v
        })
    };
    let found = |units: &[[u16; LINE_PERMS]], other: &[Vec<u16>; LINE_PERMS]| {
        let hits = units
            .iter()
            .filter(|u| u.iter().zip(other).any(|(v, set)| set.binary_search(v).is_ok()))
            .count();
        hits as f64 / units.len() as f64
    };
    found(a, &index(b)).max(found(b, &index(a)))
}

/// The Jaccard similarity estimated from two sketches of equal length (b-bit corrected, clamped to
/// `0..=1`); 0 when they are empty or differ in length.
pub fn jaccard_estimate(a: &[u16], b: &[u16]) -> f64 {
    if a.is_empty() || a.len() != b.len() {
        return 0.0;
    }
    let equal = a.iter().zip(b).filter(|(x, y)| x == y).count();
    let p = equal as f64 / a.len() as f64;
    let chance = 1.0 / 65536.0;
    ((p - chance) / (1.0 - chance)).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Tokenizer;
    use std::collections::HashSet;

    fn tokens(text: &str) -> Vec<u64> {
        let mut out = Vec::new();
        Tokenizer::default().hash_tokens(text, &mut out);
        out
    }

    fn sig(hasher: &MinHasher, text: &str) -> Signature {
        hasher.signature(&tokens(text), &mut Vec::new()).unwrap()
    }

    #[test]
    fn pinned_signature() {
        // These values are the specification: changing them changes every stored signature.
        assert_eq!(shingle_hash(&[1, 2, 3, 4, 5]), 0xabd73f1ff1272cd9);
        let mut state = 1;
        assert_eq!(splitmix64(&mut state), 0x910a2dec89025cc1);
        assert_eq!(fmix32(1), 0x514e28b7);
        let hasher = MinHasher::new(5, 14, 8, 1);
        let s = sig(&hasher, "the quick brown fox jumps over the lazy dog");
        assert_eq!(s.band_keys.len(), 14);
        assert_eq!(s.sketch.len(), 112);
        assert_eq!(s.band_keys[0], 0xb1da12602f142c95);
        assert_eq!(&s.sketch[..4], &[0xf4d8, 0xc8b6, 0xca10, 0xa7ec]);
        assert_eq!(s.lines, vec![[0xd13e, 0xde9f, 0xb50a, 0xc6e0]]);
    }

    #[test]
    fn line_units_and_coverage() {
        let hasher = MinHasher::new(2, 4, 4, 1);
        let lines = |text: &str| {
            let mut tokens = Vec::new();
            let mut starts = Vec::new();
            let mut tok = Tokenizer::default();
            for line in text.split('\n') {
                starts.push(tokens.len());
                tok.hash_tokens(line, &mut tokens);
            }
            hasher
                .signature_with_lines(&tokens, &starts, &mut Vec::new())
                .unwrap()
                .lines
        };
        let story = "alpha beta gamma\ndelta epsilon zeta\neta theta iota\nkappa lambda mu";
        let a = lines(story);
        assert_eq!(a.len(), 4);
        // Truncated and with two new lines: every line of the copy's shared part is found.
        let copy = lines("alpha beta gamma\ndelta epsilon zeta\nnew words here\nmore new words");
        assert_eq!(line_coverage(&a, &copy), 0.5);
        assert_eq!(
            line_coverage(&a, &lines("alpha beta gamma\ndelta epsilon zeta")),
            1.0
        );
        // One shared line among others.
        let other = lines("one two three\nfour five six\nseven eight nine\ndelta epsilon zeta");
        assert_eq!(line_coverage(&a, &other), 0.25);
        assert_eq!(line_coverage(&a, &[]), 0.0);
    }

    #[test]
    fn avx2_and_portable_agree() {
        let seeds: Vec<u32> = (0..112u32).map(|i| i.wrapping_mul(0x9E37_79B9)).collect();
        let mut a = vec![u32::MAX; 112];
        let mut b = vec![u32::MAX; 112];
        for x in [0u32, 1, 12345, u32::MAX] {
            update_mins(&mut a, &seeds, x);
            update_mins_portable(&mut b, &seeds, x);
        }
        assert_eq!(a, b);
    }

    #[test]
    fn same_text_same_signature_and_seed_matters() {
        let hasher = MinHasher::new(5, 14, 8, 1);
        let text = "one two three four five six seven eight nine ten";
        assert_eq!(sig(&hasher, text), sig(&hasher, &text.to_uppercase()));
        assert_ne!(sig(&hasher, text), sig(&MinHasher::new(5, 14, 8, 2), text));
        assert!(hasher.signature(&[], &mut Vec::new()).is_none());
        // Fewer tokens than n: one shingle of all of them.
        assert!(hasher.signature(&tokens("two words"), &mut Vec::new()).is_some());
    }

    #[test]
    fn estimate_tracks_exact_jaccard() {
        let hasher = MinHasher::new(5, 16, 16, 7);
        let words: Vec<String> = (0..400).map(|i| format!("w{i}")).collect();
        let base = words.join(" ");
        let shingles = |t: &[u64]| t.windows(5).map(shingle_hash).collect::<HashSet<u64>>();
        for keep in [100usize, 200, 300, 380] {
            let other = format!("{} {}", words[..keep].join(" "), "x ".repeat(400 - keep));
            let (ta, tb) = (tokens(&base), tokens(&other));
            let (sa, sb) = (shingles(&ta), shingles(&tb));
            let exact = sa.intersection(&sb).count() as f64 / sa.union(&sb).count() as f64;
            let est = jaccard_estimate(&sig(&hasher, &base).sketch, &sig(&hasher, &other).sketch);
            assert!(
                (est - exact).abs() < 0.1,
                "keep {keep}: exact {exact}, estimate {est}"
            );
        }
        assert_eq!(jaccard_estimate(&[], &[]), 0.0);
        assert_eq!(jaccard_estimate(&[1, 2], &[1]), 0.0);
    }
}
