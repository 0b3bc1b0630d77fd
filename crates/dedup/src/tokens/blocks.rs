//! The block way through text: 64 bytes classified at once into bit masks of word bytes (ASCII letters
//! and digits), non-ASCII bytes and newlines, with AVX2 or SSE2 on x86-64 (every x86-64 CPU has SSE2)
//! and a plain loop elsewhere. The ASCII words of a window are found with trailing-zero counts on the masks,
//! lowercased by setting bit 0x20 (which every ASCII letter and digit of a word may take: digits have it
//! already) and hashed: in registers ([`hash_short`]) up to 16 bytes, through a copy beyond. A stretch of text around a non-ASCII byte goes
//! through [`Tokenizer::hash_scalar`], from the start of the ASCII word that runs into it (or from the
//! byte) to the next ASCII separator: the tokenizer's state is empty at both ends, so the stretch gives
//! the tokens it would give as part of the whole text, and the window goes on after it. Newlines are
//! ASCII separators, so a text's tokens are those of its lines one after the other; the block way notes
//! where each line ends instead of cutting the text into lines first.

use super::{Tokenizer, hash_short, token_hash};

/// Bytes classified at once: one bit of a `u64` each.
const WINDOW: usize = 64;
/// A window and the 16 bytes after it: room for a 16-byte load at each of its positions.
const BUF: usize = WINDOW + 16;
/// Bit 0x20 in every byte: the lowercase bit of an ASCII letter.
const CASE: u64 = 0x2020_2020_2020_2020;

/// Where the word bytes (ASCII letters and digits), non-ASCII bytes and newlines of a window are: bit `k`
/// for byte `k`.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
struct Masks {
    word: u64,
    non_ascii: u64,
    newline: u64,
}

/// The bits below bit `n` (all 64 when `n` is 64).
#[inline(always)]
fn below(n: u32) -> u64 {
    1u64.checked_shl(n).map_or(u64::MAX, |bit| bit - 1)
}

/// `(low, high)` masks of the first `len` bytes (the index, 0 to 16) of a 16-byte value held as two
/// little-endian `u64`s: a table look-up is fewer instructions per word than shifts that must not overflow.
const LEN_MASKS: [(u64, u64); 17] = [
    (0x0, 0x0),
    (0xff, 0x0),
    (0xffff, 0x0),
    (0xffffff, 0x0),
    (0xffffffff, 0x0),
    (0xffffffffff, 0x0),
    (0xffffffffffff, 0x0),
    (0xffffffffffffff, 0x0),
    (0xffffffffffffffff, 0x0),
    (0xffffffffffffffff, 0xff),
    (0xffffffffffffffff, 0xffff),
    (0xffffffffffffffff, 0xffffff),
    (0xffffffffffffffff, 0xffffffff),
    (0xffffffffffffffff, 0xffffffffff),
    (0xffffffffffffffff, 0xffffffffffff),
    (0xffffffffffffffff, 0xffffffffffffff),
    (0xffffffffffffffff, 0xffffffffffffffff),
];

impl Tokenizer {
    /// Appends the token hashes of `text` to `out`, and calls `line_end` with the length of `out` at
    /// the end of each line (at every newline, and at the end of the text). With AVX2 (x86-64 CPUs since
    /// 2013) a window is classified in two 32-byte steps instead of four 16-byte ones, and bit scans
    /// use BMI1; the tokens are the same either way.
    pub(super) fn hash_blocks(&mut self, text: &str, out: &mut Vec<u64>, line_end: &mut impl FnMut(usize)) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("bmi1") {
            // SAFETY: the CPU has AVX2 and BMI1, checked just above.
            unsafe { self.hash_blocks_avx2(text, out, line_end) };
            return;
        }
        self.hash_blocks_with(text, out, line_end, classify);
    }

    /// [`Tokenizer::hash_blocks`] without AVX2 (SSE2 on x86-64), which the tests would otherwise never
    /// take on a CPU that has AVX2.
    #[cfg(test)]
    pub(super) fn hash_blocks_without_avx2(&mut self, text: &str, out: &mut Vec<u64>) {
        self.hash_blocks_with(text, out, &mut |_| {}, classify);
    }

    /// [`Tokenizer::hash_blocks`] compiled for AVX2 and BMI1; only to be called on a CPU that has them.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,bmi1")]
    fn hash_blocks_avx2(&mut self, text: &str, out: &mut Vec<u64>, line_end: &mut impl FnMut(usize)) {
        self.hash_blocks_with(text, out, line_end, |window| classify_avx2(window));
    }

    /// [`Tokenizer::hash_blocks`] with windows classified by `classify`; inlined into its callers, so
    /// that each compiles it for its own instruction set.
    #[inline(always)]
    fn hash_blocks_with(
        &mut self,
        text: &str,
        out: &mut Vec<u64>,
        line_end: &mut impl FnMut(usize),
        classify: impl Fn(&[u8; BUF]) -> Masks,
    ) {
        let bytes = text.as_bytes();
        let mut buf: [u8; BUF];
        let mut p = 0;
        while let Some(rest) = bytes.get(p..).filter(|rest| !rest.is_empty()) {
            // `p` is at a character boundary with no token under way. The window is read in place, with
            // the 16 bytes after it for the loads of its words; near the end of the text, from a copy
            // padded with zero bytes, which are separators.
            let window = match rest.first_chunk::<BUF>() {
                Some(window) => window,
                None => {
                    buf = [0; BUF];
                    if let Some(head) = buf.get_mut(..rest.len()) {
                        head.copy_from_slice(rest);
                    }
                    &buf
                }
            };
            let masks = classify(window);
            let all_starts = masks.word & !(masks.word << 1);
            let all_ends = !masks.word & (masks.word << 1);
            // ASCII separators (and the padding past the text).
            let separators = !masks.word & !masks.non_ascii;
            // The first byte of the window not taken yet, with no token under way there.
            let mut from = 0;
            p = loop {
                let after_from = !below(from);
                // The words that end before the first non-ASCII byte are whole ASCII words.
                let limit = (masks.non_ascii & after_from).trailing_zeros();
                let mut starts = all_starts & after_from;
                let mut ends = all_ends & below(limit) & !below(from + 1);
                let first = out.len();
                while ends != 0 {
                    let (s, e) = (starts.trailing_zeros(), ends.trailing_zeros());
                    starts &= starts - 1;
                    ends &= ends - 1;
                    out.push(self.window_word(window, s as usize, e as usize));
                }
                // Every word that starts before a newline ends before it.
                let mut newlines = masks.newline & below(limit) & after_from;
                while newlines != 0 {
                    let at = newlines.trailing_zeros();
                    newlines &= newlines - 1;
                    line_end(first + (all_starts & below(at) & after_from).count_ones() as usize);
                }
                // The word left, if any, runs into the non-ASCII byte or past the window.
                let pending = (starts != 0).then(|| starts.trailing_zeros());
                match (pending, limit) {
                    (Some(s), 64) if s > 0 => break p + s as usize,
                    (None, 64) => break p + WINDOW,
                    _ => {}
                }
                // A word of 64 ASCII bytes or more, or a non-ASCII byte: the scalar way, from the start of
                // the word (or the byte) up to the next ASCII separator. That holds no newline, and
                // leaves no token under way.
                let start = p + pending.unwrap_or(limit).min(limit) as usize;
                debug_assert!(text.is_char_boundary(start), "scalar stretch from {start}");
                let next = separators & !below(limit);
                let end = if next != 0 {
                    p + next.trailing_zeros() as usize
                } else {
                    next_separator(bytes, p + WINDOW)
                };
                self.hash_scalar(text.get(start..end.min(bytes.len())).unwrap_or_default(), out);
                if next == 0 {
                    break end;
                }
                from = next.trailing_zeros();
            };
        }
        line_end(out.len());
    }

    /// The hash of the ASCII word of `buf` from `s` to `e` (exclusive).
    #[inline(always)]
    fn window_word(&mut self, buf: &[u8; BUF], s: usize, e: usize) -> u64 {
        let len = e - s;
        if let Some(&(low_mask, high_mask)) = LEN_MASKS.get(len) {
            let load = |at: usize| {
                buf.get(at..)
                    .and_then(<[u8]>::first_chunk::<8>)
                    .map_or(0, |b| u64::from_le_bytes(*b))
                    | CASE
            };
            return hash_short(load(s) & low_mask, load(s + 8) & high_mask, len) & 0xFFFF_FFFF;
        }
        self.buf.clear();
        self.buf
            .extend(buf.get(s..e).unwrap_or_default().iter().map(|b| b | 0x20));
        let hash = token_hash(&self.buf);
        self.buf.clear();
        hash
    }
}

/// Where the first ASCII byte that is not a letter or digit is, from `from` on (the end of `bytes` if
/// there is none).
fn next_separator(bytes: &[u8], from: usize) -> usize {
    bytes
        .get(from..)
        .and_then(|rest| {
            rest.iter()
                .position(|&b| b.is_ascii() && !b.is_ascii_alphanumeric())
        })
        .map_or(bytes.len(), |k| from + k)
}

/// The [`Masks`] of the first [`WINDOW`] bytes of `buf`, sixteen bytes at a time with SSE2. A byte is
/// a letter when `(b | 0x20) + 0x1F`, as a signed byte, is below -102 (`'a'..='z'` land on -128..=-103,
/// every other byte above), and a digit when `b + 0x50` is below -118.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn classify(buf: &[u8; BUF]) -> Masks {
    use std::arch::x86_64::{
        __m128i, _mm_add_epi8, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_loadu_si128, _mm_movemask_epi8,
        _mm_or_si128, _mm_set1_epi8,
    };
    let mut masks = Masks::default();
    for (k, chunk) in buf.chunks_exact(16).take(WINDOW / 16).enumerate() {
        // SAFETY: SSE2 is part of x86-64, and `chunk` has the 16 bytes that the unaligned load reads.
        let (word, v, newline) = unsafe {
            let v = _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>());
            let folded = _mm_add_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)), _mm_set1_epi8(0x1F));
            let letter = _mm_cmpgt_epi8(_mm_set1_epi8(-102), folded);
            let digit = _mm_cmpgt_epi8(_mm_set1_epi8(-118), _mm_add_epi8(v, _mm_set1_epi8(0x50)));
            (
                _mm_movemask_epi8(_mm_or_si128(letter, digit)),
                _mm_movemask_epi8(v),
                _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(b'\n' as i8))),
            )
        };
        let bits = |x: i32| u64::from(x as u16) << (16 * k);
        masks.word |= bits(word);
        masks.non_ascii |= bits(v);
        masks.newline |= bits(newline);
    }
    masks
}

/// The [`Masks`] of the first [`WINDOW`] bytes of `buf`, 32 bytes at a time with AVX2, by the
/// comparisons of [`classify`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn classify_avx2(buf: &[u8; BUF]) -> Masks {
    use std::arch::x86_64::{
        __m256i, _mm256_add_epi8, _mm256_cmpeq_epi8, _mm256_cmpgt_epi8, _mm256_loadu_si256,
        _mm256_movemask_epi8, _mm256_or_si256, _mm256_set1_epi8,
    };
    let mut masks = Masks::default();
    for (k, chunk) in buf.chunks_exact(32).take(WINDOW / 32).enumerate() {
        // SAFETY: `chunk` has the 32 bytes that the unaligned load reads.
        let v = unsafe { _mm256_loadu_si256(chunk.as_ptr().cast::<__m256i>()) };
        let folded = _mm256_add_epi8(_mm256_or_si256(v, _mm256_set1_epi8(0x20)), _mm256_set1_epi8(0x1F));
        let letter = _mm256_cmpgt_epi8(_mm256_set1_epi8(-102), folded);
        let digit = _mm256_cmpgt_epi8(_mm256_set1_epi8(-118), _mm256_add_epi8(v, _mm256_set1_epi8(0x50)));
        let newline = _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'\n' as i8));
        let bits = |x: i32| u64::from(x as u32) << (32 * k);
        masks.word |= bits(_mm256_movemask_epi8(_mm256_or_si256(letter, digit)));
        masks.non_ascii |= bits(_mm256_movemask_epi8(v));
        masks.newline |= bits(_mm256_movemask_epi8(newline));
    }
    masks
}

#[cfg(not(target_arch = "x86_64"))]
use classify_bytes as classify;

/// The [`Masks`] of the first [`WINDOW`] bytes of `buf`, byte by byte: the way on other CPUs, and what
/// the SSE2 and AVX2 ways are tested against.
#[cfg(any(test, not(target_arch = "x86_64")))]
fn classify_bytes(buf: &[u8; BUF]) -> Masks {
    let mut masks = Masks::default();
    for (k, &b) in buf.iter().take(WINDOW).enumerate() {
        masks.word |= u64::from(b.is_ascii_alphanumeric()) << k;
        masks.non_ascii |= u64::from(!b.is_ascii()) << k;
        masks.newline |= u64::from(b == b'\n') << k;
    }
    masks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_match_the_byte_rules() {
        // Every byte value at every position of a window.
        let mut state = 3u64;
        for b in 0..=255u8 {
            for at in 0..WINDOW {
                let mut buf = [0u8; BUF];
                for (k, slot) in buf.iter_mut().enumerate().take(WINDOW) {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    *slot = if k % 3 == 0 {
                        (state >> 56) as u8
                    } else {
                        b'a' + k as u8 % 26
                    };
                }
                buf[at] = b;
                assert_eq!(classify(&buf), classify_bytes(&buf), "byte {b:#x} at {at}");
                #[cfg(target_arch = "x86_64")]
                if std::arch::is_x86_feature_detected!("avx2") {
                    // SAFETY: the CPU has AVX2, checked just above.
                    assert_eq!(
                        unsafe { classify_avx2(&buf) },
                        classify_bytes(&buf),
                        "byte {b:#x} at {at}"
                    );
                }
            }
        }
        let mut buf = [0; BUF];
        buf[..8].copy_from_slice(b"aZ9 \n\xc3\xa9_");
        let masks = classify_bytes(&buf);
        assert_eq!(
            masks,
            Masks {
                word: 0b111,
                non_ascii: 0b110_0000,
                newline: 0b1_0000
            }
        );
    }

    #[test]
    fn length_masks_keep_the_first_bytes() {
        for (len, &(low, high)) in LEN_MASKS.iter().enumerate() {
            let bytes = (u128::from(high) << 64) | u128::from(low);
            assert_eq!(bytes.count_ones() as usize, 8 * len);
            assert_eq!(bytes.trailing_ones() as usize, 8 * len);
        }
    }
}
