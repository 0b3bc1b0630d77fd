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
//! - **Permutations: one-permutation hashing with optimal densification** (Li, Owen & Zhang 2012;
//!   Shrivastava 2017). Each shingle is hashed once: `v = fmix64(h ^ s)`, with `fmix64` MurmurHash3's
//!   64-bit finaliser and `s` SplitMix64 step 0 from `seed`. Its high 32 bits pick one of the `K = bands ×
//!   rows` bins, `((v >> 32) · K) >> 32`, and its low 32 bits are its value there; each bin keeps the
//!   smallest value of its shingles. A bin no shingle fell in takes the value of the first filled bin
//!   on its own probe sequence: probe `a = 1, 2, …` of bin `i` is bin `((w >> 32) · K) >> 32` of
//!   `w = fmix64(t ^ (i << 32 | a))`, `t` SplitMix64 step 1 (after `K · 64` probes, the next filled bin
//!   after `i`, cyclically). Two documents agree in a bin with probability equal to their Jaccard
//!   similarity, as with `K` independent permutations, for one hash per shingle instead of `K`. A value
//!   of `u32::MAX` counts as an empty bin (probability 2⁻³²).
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
    /// Seed of the bin hash (`s`) and of the probe sequences (`t`).
    bin_seed: u64,
    probe_seed: u64,
    line_seeds: [u32; LINE_PERMS],
    /// The first probes of every bin's probe sequence, which depend on the bin alone.
    probes: ProbeTable,
}

/// The first [`TABLED_PROBES`] probes of the probe sequence of every bin, bin by bin (empty when there
/// are more than [`TABLED_BINS`] bins): densifying a document's signature then looks them up instead of
/// hashing each (a short document leaves most bins empty, and each took a hash per probe).
#[derive(Clone, Default)]
struct ProbeTable(Vec<u16>);

impl std::fmt::Debug for ProbeTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ProbeTable({} probes)", self.0.len())
    }
}

/// Probes per bin in a [`ProbeTable`]: the first empty bin that all of them miss comes with a document
/// that fills less than a tenth of its bins, and only then are further probes hashed.
const TABLED_PROBES: usize = 32;
/// Most bins for which a [`ProbeTable`] is built (64 KiB); bins are numbered in `u16`.
const TABLED_BINS: usize = 1024;

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
        let bin_seed = splitmix64(&mut state);
        let probe_seed = splitmix64(&mut state);
        let mut state = seed ^ 0x6c69_6e65_7365_6564; // "lineseed"
        let line_seeds = std::array::from_fn(|_| splitmix64(&mut state) as u32);
        let k = bands * rows;
        let probes = if k <= TABLED_BINS {
            (0..k)
                .flat_map(|bin| (1..=TABLED_PROBES as u64).map(move |a| probe(probe_seed, bin, a, k) as u16))
                .collect()
        } else {
            Vec::new()
        };
        MinHasher {
            ngram_size,
            bands,
            rows,
            bin_seed,
            probe_seed,
            line_seeds,
            probes: ProbeTable(probes),
        }
    }

    /// Number of permutations, `bands × rows`.
    pub fn num_perm(&self) -> usize {
        self.bands * self.rows
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
        let k = self.num_perm();
        mins.clear();
        mins.resize(k, u32::MAX);
        let n = self.ngram_size.min(tokens.len());
        let mut lines = Vec::with_capacity(unit_starts.len());
        let shingles = Shingles {
            tokens,
            n,
            unit_starts,
        };
        // The default shingle size gets a loop with the window's length known at compile time.
        if n == DEFAULT_NGRAM {
            self.fold_shingles_fastest::<DEFAULT_NGRAM>(shingles, mins, &mut lines);
        } else {
            self.fold_shingles_fastest::<0>(shingles, mins, &mut lines);
        }
        self.densify(mins);
        // A band's bytes in a buffer on the stack for the usual band sizes.
        let (mut stack, mut heap) = ([0u8; 4 * STACK_ROWS], Vec::new());
        let bytes = match stack.get_mut(..self.rows * 4) {
            Some(bytes) => bytes,
            None => {
                heap.resize(self.rows * 4, 0);
                heap.as_mut_slice()
            }
        };
        let band_keys = mins
            .chunks(self.rows)
            .enumerate()
            .map(|(band, chunk)| {
                for (slot, v) in bytes.chunks_exact_mut(4).zip(chunk) {
                    slot.copy_from_slice(&v.to_le_bytes());
                }
                xxh3_64_with_seed(bytes, band as u64)
            })
            .collect();
        let sketch = mins.iter().map(|&v| v as u16).collect();
        Some(Signature {
            band_keys,
            sketch,
            lines,
        })
    }
}

impl MinHasher {
    /// [`MinHasher::fold_shingles`] compiled for the best instruction set the CPU has: with AVX2 (x86-64
    /// CPUs since 2013), a shingle's four line-unit minima take two vector multiplications and one vector
    /// minimum, which plain x86-64 (SSE2, without a 32-bit vector multiplication or unsigned minimum)
    /// spells out in about three times as many instructions. The arithmetic, and so every value, is the
    /// same either way.
    fn fold_shingles_fastest<const N: usize>(
        &self,
        shingles: Shingles<'_>,
        mins: &mut [u32],
        lines: &mut Vec<[u16; LINE_PERMS]>,
    ) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked just above.
            unsafe { self.fold_shingles_avx2::<N>(shingles, mins, lines) };
            return;
        }
        self.fold_shingles::<N>(shingles, mins, lines);
    }

    /// [`MinHasher::fold_shingles`] compiled with AVX2; only to be called on a CPU that has it.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn fold_shingles_avx2<const N: usize>(
        &self,
        shingles: Shingles<'_>,
        mins: &mut [u32],
        lines: &mut Vec<[u16; LINE_PERMS]>,
    ) {
        self.fold_shingles::<N>(shingles, mins, lines);
    }

    /// Folds every one of `shingles` (`N` is their length, or 0 when it is only known at run time) into
    /// the bins of `mins`, and each line unit's [`LINE_PERMS`] minima into `lines`. Unit by unit, so the
    /// inner loop over a unit's shingles checks no unit boundary. Inlined into its callers, so that each
    /// compiles it for its own instruction set (`mins` and `lines` stay arguments of their own: the
    /// compiler then knows that they overlap nothing else).
    #[inline(always)]
    fn fold_shingles<const N: usize>(
        &self,
        shingles: Shingles<'_>,
        mins: &mut [u32],
        lines: &mut Vec<[u16; LINE_PERMS]>,
    ) {
        let Shingles {
            tokens,
            n,
            unit_starts,
        } = shingles;
        let k = mins.len();
        let windows = tokens.len() + 1 - n;
        let mut units = unit_starts
            .iter()
            .skip(1)
            .map(|&s| s.min(windows))
            .chain([windows]);
        let mut start = 0;
        while start < windows {
            let end = units.next().unwrap_or(windows);
            if end <= start {
                continue;
            }
            let mut line_mins = [u32::MAX; LINE_PERMS];
            for window in tokens.get(start..end + n - 1).unwrap_or_default().windows(n) {
                let h = if N > 0 {
                    window.first_chunk::<N>().map_or(0, |w| shingle_hash(w))
                } else {
                    shingle_hash(window)
                };
                let v = fmix64(h ^ self.bin_seed);
                if let Some(m) = mins.get_mut(bin_of(v, k)) {
                    *m = (*m).min(v as u32);
                }
                let x = (h as u32) ^ ((h >> 32) as u32);
                for (m, &s) in line_mins.iter_mut().zip(&self.line_seeds) {
                    *m = (*m).min(fmix32(x ^ s));
                }
            }
            if line_mins[0] != u32::MAX {
                lines.push(line_mins.map(|v| v as u16));
            }
            start = end;
        }
    }

    /// Fills every empty bin of `mins` from the first filled bin on its probe sequence (see the module
    /// docs); leaves `mins` alone when every bin, or none, is filled.
    fn densify(&self, mins: &mut Vec<u32>) {
        let k = mins.len();
        let filled = mins.iter().filter(|&&m| m != u32::MAX).count();
        if filled == 0 || filled == k {
            return;
        }
        // Probes look at the bins as filled by shingles, never at values filled in here: a copy of them
        // past the bins, in the vector's spare capacity (no allocation once it has grown).
        mins.extend_from_within(..);
        let (bins, original) = mins.split_at_mut(k);
        let value_of = |bin: usize| original.get(bin).copied().filter(|&m| m != u32::MAX);
        for (i, m) in bins.iter_mut().enumerate() {
            if *m != u32::MAX {
                continue;
            }
            // The tabled probes first, then the rest of the sequence hashed.
            let tabled = self
                .probes
                .0
                .get(i * TABLED_PROBES..(i + 1) * TABLED_PROBES)
                .unwrap_or_default();
            let probed = tabled
                .iter()
                .find_map(|&bin| value_of(usize::from(bin)))
                .or_else(|| {
                    (tabled.len() as u64 + 1..=(k as u64) * 64)
                        .find_map(|a| value_of(probe(self.probe_seed, i, a, k)))
                });
            // Practically never reached: some filled bin exists, so a cyclic scan finds one.
            *m = probed
                .or_else(|| (1..k).find_map(|d| value_of((i + d) % k)))
                .unwrap_or(u32::MAX);
        }
        mins.truncate(k);
    }
}

/// The shingles [`MinHasher::fold_shingles`] folds: windows of `n` of `tokens`, cut into line units.
#[derive(Clone, Copy)]
struct Shingles<'a> {
    /// The document's token hashes.
    tokens: &'a [u64],
    /// Tokens per shingle, at most `tokens.len()`.
    n: usize,
    /// Where the line units start (see [`MinHasher::signature_with_lines`]).
    unit_starts: &'a [usize],
}

/// Rows per band up to which a band's bytes are gathered on the stack to compute its key (the default is
/// 8).
const STACK_ROWS: usize = 64;

/// The shingle size the loop of [`MinHasher::signature_with_lines`] is specialised for (the default).
const DEFAULT_NGRAM: usize = 5;

/// The hash of one shingle (a window of token hashes); see the module docs.
#[inline(always)]
pub fn shingle_hash(window: &[u64]) -> u64 {
    let acc = window
        .iter()
        .fold(window.len() as u64, |acc, &t| shingle_step(acc, t));
    shingle_finish(acc)
}

/// Folds token hash `t` into the state of a [`shingle_hash`] (which starts at the window's length).
#[inline(always)]
pub(crate) fn shingle_step(acc: u64, t: u64) -> u64 {
    (acc.rotate_left(23) ^ t).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// The [`shingle_hash`] from its state after the window's last token.
#[inline(always)]
pub(crate) fn shingle_finish(acc: u64) -> u64 {
    acc ^ (acc >> 29)
}

/// Probe `a` (from 1) of the probe sequence of bin `bin` among `k` with seed `probe_seed`.
fn probe(probe_seed: u64, bin: usize, a: u64, k: usize) -> usize {
    bin_of(fmix64(probe_seed ^ ((bin as u64) << 32 | a)), k)
}

/// The bin of hash `v` among `k`: its high 32 bits scaled to `0..k` (no modulo bias, no division).
#[inline(always)]
fn bin_of(v: u64, k: usize) -> usize {
    (((v >> 32) * k as u64) >> 32) as usize
}

/// MurmurHash3's 64-bit finaliser.
#[inline(always)]
fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
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
    let (a_in_b, b_in_a) = line_coverages(a, b);
    a_in_b.max(b_in_a)
}

/// The share of `a`'s line units found in `b`, and of `b`'s found in `a` (see [`line_coverage`]); both 0
/// when either has no units.
pub fn line_coverages(a: &[[u16; LINE_PERMS]], b: &[[u16; LINE_PERMS]]) -> (f64, f64) {
    if a.is_empty() || b.is_empty() {
        (0.0, 0.0)
    } else if a.len() * b.len() <= PAIRWISE_UNITS {
        // Few units (the common case): no allocation, no sorting.
        (coverage_pairwise(a, b), coverage_pairwise(b, a))
    } else {
        let (index_a, index_b) = (unit_index(a), unit_index(b));
        (coverage_indexed(a, &index_b), coverage_indexed(b, &index_a))
    }
}

/// The share of `units` found in `other`, every pair compared, four lanes at once.
fn coverage_pairwise(units: &[[u16; LINE_PERMS]], other: &[[u16; LINE_PERMS]]) -> f64 {
    let hits = units
        .iter()
        .filter(|u| {
            let u = pack_unit(**u);
            other.iter().any(|w| has_zero_lane(u ^ pack_unit(*w)))
        })
        .count();
    hits as f64 / units.len() as f64
}

/// Each permutation's values of `units`, sorted, for [`coverage_indexed`].
fn unit_index(units: &[[u16; LINE_PERMS]]) -> [Vec<u16>; LINE_PERMS] {
    std::array::from_fn(|p| {
        let mut v: Vec<u16> = units.iter().filter_map(|u| u.get(p).copied()).collect();
        v.sort_unstable();
        v
    })
}

/// The share of `units` found in the units whose [`unit_index`] is `other`.
fn coverage_indexed(units: &[[u16; LINE_PERMS]], other: &[Vec<u16>; LINE_PERMS]) -> f64 {
    let hits = units
        .iter()
        .filter(|u| u.iter().zip(other).any(|(v, set)| set.binary_search(v).is_ok()))
        .count();
    hits as f64 / units.len() as f64
}

/// Unit pairs up to which [`line_coverages`] compares every unit of one side with every unit of the
/// other instead of sorting each side's values per permutation (same result, no allocation).
const PAIRWISE_UNITS: usize = 1024;

/// A line unit's four 16-bit values in one `u64`, one per 16-bit lane.
#[inline(always)]
fn pack_unit(unit: [u16; LINE_PERMS]) -> u64 {
    unit.iter().rev().fold(0, |acc, &v| (acc << 16) | u64::from(v))
}

/// Whether any 16-bit lane of `x` is zero (the classic SWAR test: exact, no false positives).
#[inline(always)]
fn has_zero_lane(x: u64) -> bool {
    const LOW: u64 = 0x0001_0001_0001_0001;
    const HIGH: u64 = 0x8000_8000_8000_8000;
    x.wrapping_sub(LOW) & !x & HIGH != 0
}

/// The Jaccard similarity estimated from two sketches of equal length (b-bit corrected, clamped to
/// `0..=1`); 0 when they are empty or differ in length.
pub fn jaccard_estimate(a: &[u16], b: &[u16]) -> f64 {
    if a.is_empty() || a.len() != b.len() {
        return 0.0;
    }
    // Summed as 0s and 1s, not counted through a filter: the filter compiled to a branch per position,
    // mispredicted about every other time on a candidate pair, and the sum is branch-free and
    // vectorised (sketches are at most 2^20 long: a `u32` holds the count).
    let equal = a.iter().zip(b).map(|(x, y)| u32::from(x == y)).sum::<u32>();
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
        assert_eq!(fmix64(1), 0xb456bcfc34c2cb2c);
        // Five shingles in 112 bins: most bins are densified copies of the five.
        assert_eq!(s.band_keys[0], 12441595983979453119);
        assert_eq!(&s.sketch[..4], &[37888, 57606, 57606, 11106]);
        assert_eq!(s.lines, vec![[0x4256, 0xdb50, 0x5015, 0x5d40]]);
    }

    #[test]
    fn a_band_key_hashes_the_band_s_minima_as_little_endian_bytes() {
        // Even and odd rows, and more rows than the stack buffer holds.
        let words: Vec<String> = (0..60).map(|i| format!("w{i}")).collect();
        let tokens = tokens(&words.join(" "));
        for (bands, rows) in [(14, 8), (5, 3), (3, 1), (2, STACK_ROWS + 1)] {
            let hasher = MinHasher::new(5, bands, rows, 3);
            let mut mins = Vec::new();
            let sig = hasher.signature(&tokens, &mut mins).unwrap();
            let expected: Vec<u64> = mins
                .chunks(rows)
                .enumerate()
                .map(|(band, chunk)| {
                    let bytes: Vec<u8> = chunk.iter().flat_map(|v| v.to_le_bytes()).collect();
                    xxh3_64_with_seed(&bytes, band as u64)
                })
                .collect();
            assert_eq!(sig.band_keys, expected, "{bands} x {rows}");
        }
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
    fn pairwise_and_indexed_coverage_agree() {
        // Units drawn from a small range, so that some lanes match and some do not, of every size
        // around the switch between the two ways.
        let mut state = 7u64;
        let mut unit =
            || -> [u16; LINE_PERMS] { std::array::from_fn(|_| (splitmix64(&mut state) % 40) as u16) };
        for (na, nb) in [(1, 1), (3, 5), (32, 32), (33, 32), (1, 1024), (40, 60)] {
            let a: Vec<_> = (0..na).map(|_| unit()).collect();
            let b: Vec<_> = (0..nb).map(|_| unit()).collect();
            let indexed = (
                coverage_indexed(&a, &unit_index(&b)),
                coverage_indexed(&b, &unit_index(&a)),
            );
            let pairwise = (coverage_pairwise(&a, &b), coverage_pairwise(&b, &a));
            assert_eq!(pairwise, indexed, "{na} x {nb}");
            assert_eq!(line_coverages(&a, &b), indexed, "{na} x {nb}");
        }
        // A lane that differs only in its sign bit, or borrows from the next, is no match.
        assert!(!has_zero_lane(
            pack_unit([1, 2, 3, 4]) ^ pack_unit([0x8001, 3, 2, 5])
        ));
        assert!(has_zero_lane(pack_unit([0, 1, 0, 1]) ^ pack_unit([1, 1, 1, 0])));
        assert!(!has_zero_lane(
            pack_unit([0, 0x100, 0, 1]) ^ pack_unit([1, 0, 1, 0])
        ));
    }

    #[test]
    fn every_instruction_set_folds_the_same_shingles() {
        // The fold the CPU gets and the plain x86-64 one, on random tokens cut into units of every size,
        // for the specialised and the general window length.
        let mut state = 3u64;
        for (n, len) in [(5, 1), (5, 4), (5, 5), (5, 300), (3, 2), (3, 97), (1, 40)] {
            let hasher = MinHasher::new(n, 14, 8, 9);
            let tokens: Vec<u64> = (0..len).map(|_| splitmix64(&mut state) & 0xFFFF_FFFF).collect();
            let starts: Vec<usize> = (0..len).step_by(7).collect();
            let n = n.min(len);
            let fold = |fastest: bool| {
                let (mut mins, mut lines) = (vec![u32::MAX; 112], Vec::new());
                let shingles = Shingles {
                    tokens: &tokens,
                    n,
                    unit_starts: &starts,
                };
                match (fastest, n) {
                    (true, 5) => hasher.fold_shingles_fastest::<5>(shingles, &mut mins, &mut lines),
                    (true, _) => hasher.fold_shingles_fastest::<0>(shingles, &mut mins, &mut lines),
                    (false, 5) => hasher.fold_shingles::<5>(shingles, &mut mins, &mut lines),
                    (false, _) => hasher.fold_shingles::<0>(shingles, &mut mins, &mut lines),
                }
                (mins, lines)
            };
            let plain = fold(false);
            assert!(!plain.1.is_empty());
            assert_eq!(fold(true), plain, "n {n}, {len} tokens");
        }
    }

    #[test]
    fn densification_fills_every_bin_from_the_filled_ones() {
        let hasher = MinHasher::new(5, 10, 10, 3);
        let mut mins = vec![u32::MAX; 100];
        mins[7] = 11;
        mins[60] = 22;
        mins[93] = 33;
        let mut again = mins.clone();
        hasher.densify(&mut mins);
        assert!(mins.iter().all(|m| [11, 22, 33].contains(m)), "{mins:?}");
        assert_eq!((mins[7], mins[60], mins[93]), (11, 22, 33));
        // The same filled bins give the same densified signature.
        again[8] = 44;
        let mut twice = again.clone();
        hasher.densify(&mut again);
        hasher.densify(&mut twice);
        assert_eq!(again, twice);
        assert!(again.iter().all(|m| [11, 22, 33, 44].contains(m)));
        // Nothing to fill, nothing filled.
        let mut empty = vec![u32::MAX; 4];
        hasher.densify(&mut empty);
        assert_eq!(empty, vec![u32::MAX; 4]);
    }

    #[test]
    fn tabled_probes_densify_as_hashed_ones_do() {
        // Many fill levels, from one filled bin (most bins probe past the table) to about two thirds filled
        // (bins drawn at random, with repeats).
        let mut state = 11u64;
        for (bands, rows) in [(14, 8), (2, 2), (32, 32)] {
            let tabled = MinHasher::new(5, bands, rows, 4);
            let hashed = MinHasher {
                probes: ProbeTable::default(),
                ..tabled.clone()
            };
            let k = tabled.num_perm();
            assert_eq!(tabled.probes.0.len(), k * TABLED_PROBES);
            for filled in [1, 2, k / 10, k / 2, k - 1] {
                let mut mins = vec![u32::MAX; k];
                for _ in 0..filled.max(1) {
                    let bin = (splitmix64(&mut state) % k as u64) as usize;
                    mins[bin] = splitmix64(&mut state) as u32 >> 1;
                }
                let mut again = mins.clone();
                tabled.densify(&mut mins);
                hashed.densify(&mut again);
                assert_eq!(mins, again, "{k} bins, {filled} filled");
                assert!(mins.iter().all(|&m| m != u32::MAX));
            }
        }
        // Too many bins for a table: every probe hashed.
        assert!(MinHasher::new(5, 64, 32, 4).probes.0.is_empty());
    }

    #[test]
    fn short_documents_agree_on_shared_shingles() {
        // Fewer shingles than bins: densified signatures still estimate the Jaccard similarity.
        let hasher = MinHasher::new(1, 16, 16, 5);
        let words: Vec<String> = (0..40).map(|i| format!("w{i}")).collect();
        let a = sig(&hasher, &words[..30].join(" "));
        let b = sig(&hasher, &words[10..].join(" "));
        let est = jaccard_estimate(&a.sketch, &b.sketch);
        assert!((est - 0.5).abs() < 0.15, "estimate {est}, exact 0.5");
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
        // Three positions of four agree, a long sketch of 300 agreeing in 100 (counted past one vector).
        let chance = 1.0 / 65536.0;
        assert_eq!(
            jaccard_estimate(&[1, 2, 3, 4], &[1, 2, 0, 4]),
            (0.75 - chance) / (1.0 - chance)
        );
        let long: Vec<u16> = (0..300).collect();
        let third: Vec<u16> = (0..300).map(|v| if v % 3 == 0 { v } else { v + 1 }).collect();
        assert_eq!(
            jaccard_estimate(&long, &third),
            (100.0 / 300.0 - chance) / (1.0 - chance)
        );
        assert_eq!(jaccard_estimate(&[1, 2], &[1]), 0.0);
    }
}
