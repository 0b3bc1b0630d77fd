//! Normalisation and word splitting: text in, one stable 64-bit hash per token out.
//!
//! The rules, applied in one pass without allocating per token:
//!
//! - Case is ignored: every character is lowercased (`char::to_lowercase`).
//! - Punctuation, symbols and white space separate tokens and are otherwise dropped, so quote style,
//!   punctuation and spacing changes do not change the tokens. A word character is a letter or digit
//!   (`char::is_alphanumeric`) or a combining mark (so accented words in decomposed form and Indic
//!   words with vowel signs stay whole).
//! - Scripts written without spaces (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar) are split into
//!   one token per character, with the combining marks that follow it; word n-grams over such text are
//!   character n-grams. This is the cheap choice: a dictionary segmenter (`icu_segmenter`) would give
//!   real words but carries megabytes of data and costs far more per character, and character 5-grams
//!   are what CJK near-dup detectors commonly use.
//! - Unicode normalisation (NFC) is not applied; precomposed and decomposed accents give different
//!   tokens. Crawled text is overwhelmingly NFC already.
//!
//! A token's hash is the low 32 bits of XXH3-64 (seed 0) of its lowercased UTF-8 bytes, held in a `u64`.
//! XXH3 is fixed by its specification, so hashes are identical on every machine and release; a test pins
//! them. 32 bits are plenty for a token (two distinct words of one shingle collide with probability
//! 2⁻³²; shingles fold five of them into 64 bits), and halve the work copy that keeps every token of a
//! corpus between two stages.
//!
//! Text is read 64 bytes at a time ([`blocks`]): the ASCII words of a block are found and hashed from bit
//! masks, and only the stretches around non-ASCII bytes (and ASCII words of 64 bytes or more) go character
//! by character.

use xxhash_rust::xxh3::xxh3_64;

mod blocks;

/// Splits text into normalised tokens and hashes them.
///
/// ```
/// use saring_dedup::Tokenizer;
///
/// let mut tokens = Vec::new();
/// Tokenizer::default().hash_tokens("Hello, WORLD!  hello", &mut tokens);
/// assert_eq!(tokens.len(), 3);
/// assert_eq!(tokens[0], tokens[2]);
/// ```
#[derive(Debug, Default)]
pub struct Tokenizer {
    /// The UTF-8 bytes of the token being built, reused across tokens and calls.
    buf: Vec<u8>,
    /// Whether `buf` holds a character of a script without spaces (a token on its own).
    single: bool,
}

/// How one character takes part in tokens.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum CharClass {
    /// Part of a space-separated word.
    Word,
    /// A character of a script written without spaces: a token on its own.
    Single,
    /// A combining mark: extends the current token, whatever it is.
    Mark,
    /// White space, punctuation, symbols: ends the current token.
    Separator,
}

impl Tokenizer {
    /// Appends the hash of each token of `text` to `out`, in order (32-bit values, see the module docs).
    pub fn hash_tokens(&mut self, text: &str, out: &mut Vec<u64>) {
        self.hash_blocks(text, out, &mut |_| {});
    }

    /// Appends the hash of each token of `text` to `tokens`, in order, and the number of tokens of each
    /// of its lines that has any (cut at `\n`) to `line_lens`: the tokens of each line by
    /// [`Tokenizer::hash_tokens`], without cutting the text into lines first.
    pub fn hash_lines(&mut self, text: &str, tokens: &mut Vec<u64>, line_lens: &mut Vec<u32>) {
        let mut line_start = tokens.len();
        self.hash_blocks(text, tokens, &mut |len| {
            if len > line_start {
                line_lens.push(u32::try_from(len - line_start).unwrap_or(u32::MAX));
                line_start = len;
            }
        });
    }

    /// [`Tokenizer::hash_tokens`] character by character, with fast paths for ASCII words and two-byte
    /// characters: the way of [`blocks`] for text around non-ASCII bytes.
    fn hash_scalar(&mut self, text: &str, out: &mut Vec<u64>) {
        self.buf.clear();
        self.single = false;
        let bytes = text.as_bytes();
        let classes = ascii_classes();
        let two_bytes = two_byte_table();
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            // ASCII fast path: letters and digits extend the word, anything else ends it.
            if b.is_ascii() {
                if !b.is_ascii_alphanumeric() {
                    // A whole run of ASCII separators ends the token once.
                    self.flush(out);
                    i += 1;
                    while bytes
                        .get(i)
                        .is_some_and(|&c| ascii_class(classes, c) == ASCII_SEPARATOR)
                    {
                        i += 1;
                    }
                    continue;
                }
                if self.single {
                    self.flush(out);
                }
                // A word of up to 15 bytes ended by an ASCII byte (most words): classified, lowercased and
                // hashed in registers from two eight-byte loads.
                if self.buf.is_empty()
                    && let Some((advance, hash)) = short_ascii_word(bytes, i)
                {
                    out.push(hash);
                    i += advance;
                    continue;
                }
                // A whole run of ASCII letters and digits at once, noting any capital in the same scan;
                // hashed in place when it is a complete lowercase word (the common case), without
                // copying it.
                let start = i;
                let (end, mut upper) = scan_ascii_word(bytes, i);
                i = end;
                while let Some(&c) = bytes.get(i) {
                    let class = ascii_class(classes, c);
                    if class & (ASCII_LOWER | ASCII_UPPER) == 0 {
                        break;
                    }
                    upper |= class == ASCII_UPPER;
                    i += 1;
                }
                let word = bytes.get(start..i).unwrap_or_default();
                let complete = bytes.get(i).is_none_or(u8::is_ascii);
                if complete && !upper && self.buf.is_empty() {
                    out.push(token_hash(word));
                } else {
                    self.buf.extend(word.iter().map(u8::to_ascii_lowercase));
                }
                continue;
            }
            // A two-byte character (Latin with accents, Greek, Cyrillic, Hebrew, Arabic…) through its
            // table entry, and the rest of its word with it.
            if let Some(entry) = two_byte_entry(two_bytes, bytes, i) {
                match entry {
                    TwoByte::Word(lower) => {
                        if self.single {
                            self.flush(out);
                        }
                        self.buf.extend_from_slice(&lower);
                        i = self.extend_word(classes, two_bytes, bytes, i + 2);
                        continue;
                    }
                    TwoByte::Mark(char_bytes) => {
                        if !self.buf.is_empty() {
                            self.buf.extend_from_slice(&char_bytes);
                        }
                        i += 2;
                        continue;
                    }
                    TwoByte::Separator => {
                        self.flush(out);
                        i += 2;
                        continue;
                    }
                    TwoByte::Other => {}
                }
            }
            // `i` is always at a character boundary: it only advances by whole characters.
            let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
                break;
            };
            i += c.len_utf8();
            let (class, lower) = classify_cached(c);
            match class {
                CharClass::Word => {
                    if self.single {
                        self.flush(out);
                    }
                    push_lower(&mut self.buf, c, lower);
                }
                CharClass::Mark => {
                    if !self.buf.is_empty() {
                        push_char(&mut self.buf, c);
                    }
                }
                CharClass::Single => {
                    self.flush(out);
                    push_lower(&mut self.buf, c, lower);
                    self.single = true;
                }
                CharClass::Separator => self.flush(out),
            }
        }
        self.flush(out);
    }

    /// Appends the lowercased ASCII letters and digits and two-byte word characters (the common
    /// [`TwoByte::Word`]s) of the word that goes on at `i` to the token being built; returns where they end
    /// (at anything else, which [`Tokenizer::hash_scalar`] then takes as usual).
    #[inline]
    fn extend_word(
        &mut self,
        classes: &[u8; 256],
        two_bytes: &TwoByteTable,
        bytes: &[u8],
        mut i: usize,
    ) -> usize {
        while let Some(&b) = bytes.get(i) {
            let class = ascii_class(classes, b);
            if class & (ASCII_LOWER | ASCII_UPPER) != 0 {
                self.buf.push(b.to_ascii_lowercase());
                i += 1;
            } else if let Some(TwoByte::Word(lower)) = two_byte_entry(two_bytes, bytes, i) {
                self.buf.extend_from_slice(&lower);
                i += 2;
            } else {
                break;
            }
        }
        i
    }

    #[inline(always)]
    fn flush(&mut self, out: &mut Vec<u64>) {
        if !self.buf.is_empty() {
            out.push(token_hash(&self.buf));
            self.buf.clear();
        }
        self.single = false;
    }
}

/// The low bit of every byte of a `u64`.
const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of every byte of a `u64`.
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Scans the ASCII letters and digits of `bytes` from `start` eight bytes at a time (SWAR: the bytes of
/// a `u64` classified by carry-free additions): returns where the scan stopped and whether it passed an
/// uppercase letter. It stops at the first byte that is not an ASCII letter or digit, or fewer than eight
/// bytes before the end; [`Tokenizer::hash_scalar`] goes on byte by byte from there.
#[inline]
fn scan_ascii_word(bytes: &[u8], start: usize) -> (usize, bool) {
    let mut i = start;
    let mut upper = 0u64;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let x = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let (word, caps) = classify_word_bytes(x);
        let stop = !word & HIGHS;
        if stop == 0 {
            upper |= caps;
            i += 8;
            continue;
        }
        // The bytes below the first stop are word bytes; `stop` has a high bit set, so `n < 8`.
        let n = (stop.trailing_zeros() / 8) as usize;
        upper |= caps & ((1u64 << (8 * n)) - 1);
        i += n;
        return (i, upper != 0);
    }
    (i, upper != 0)
}

/// For the eight bytes of `x`: the high bit of each byte that is an ASCII letter or digit, and the high
/// bit of each that is an uppercase ASCII letter. `at_least(lo)` sets a byte's high bit when its low
/// seven bits are `>= lo`; no addition carries into the next byte (at most `0x7F + 0x50`).
#[inline(always)]
fn classify_word_bytes(x: u64) -> (u64, u64) {
    let ascii = !x & HIGHS;
    let low = x & !HIGHS;
    let at_least = |lo: u8| low.wrapping_add(ONES * u64::from(0x80 - lo)) & HIGHS;
    let digit = at_least(b'0') & !at_least(b'9' + 1);
    let upper = at_least(b'A') & !at_least(b'Z' + 1);
    let lower = at_least(b'a') & !at_least(b'z' + 1);
    ((digit | upper | lower) & ascii, upper & ascii)
}

/// How far to go on from `start` (past the word, and past the ASCII separators after it that are in the
/// same eight bytes) and the [`token_hash`] of the ASCII word that starts at `start` (an ASCII letter or
/// digit), when it is shorter than 16 bytes, sixteen bytes can be loaded from `start`, and the byte after it
/// is ASCII (so the word ends there); `None` otherwise, and the caller takes the general way.
#[inline(always)]
fn short_ascii_word(bytes: &[u8], start: usize) -> Option<(usize, u64)> {
    let chunk = bytes.get(start..start + 16)?;
    let (a, b) = chunk.split_at(8);
    let (x0, x1) = (
        u64::from_le_bytes(a.try_into().ok()?),
        u64::from_le_bytes(b.try_into().ok()?),
    );
    let (word0, caps0) = classify_word_bytes(x0);
    // Uppercase ASCII letters have 0x80 in `caps`: `caps >> 2` is their 0x20, the lowercase bit.
    let lower0 = x0 | (caps0 >> 2);
    let stop0 = !word0 & HIGHS;
    if stop0 != 0 {
        let len = (stop0.trailing_zeros() / 8) as usize;
        // The stop byte's own high bit: set when it starts a multi-byte character.
        if x0 & (0x80 << (8 * len)) != 0 {
            return None;
        }
        let kept = lower0 & ((1u64 << (8 * len)) - 1);
        // The separators after the word end at the next word byte or multi-byte character; with none
        // in these eight bytes (`trailing_zeros` is 64), the scan goes on at their end.
        let next = ((word0 | x0) & HIGHS) >> (8 * len);
        let next = (len + (next.trailing_zeros() / 8) as usize).min(8);
        return Some((next, hash_short(kept, 0, len) & 0xFFFF_FFFF));
    }
    let (word1, caps1) = classify_word_bytes(x1);
    let stop1 = !word1 & HIGHS;
    if stop1 == 0 {
        return None;
    }
    let more = (stop1.trailing_zeros() / 8) as usize;
    if x1 & (0x80 << (8 * more)) != 0 {
        return None;
    }
    let kept1 = (x1 | (caps1 >> 2)) & ((1u64 << (8 * more)) - 1);
    let len = 8 + more;
    Some((len, hash_short(lower0, kept1, len) & 0xFFFF_FFFF))
}

/// XXH3-64 with seed 0 of the `len` bytes (1 to 16) held little-endian in `lo` (bytes 0–7) and `hi`
/// (bytes 8–15), both zero past `len`: the specification's short-input paths, on values already in
/// registers instead of loads from memory. A test checks it against `xxh3_64` for every length.
#[inline(always)]
fn hash_short(lo: u64, hi: u64, len: usize) -> u64 {
    // The XOR of the default secret's words that each short path uses (seed 0).
    const FLIP_1TO3: u64 = 0x8727_5a9b;
    const FLIP_4TO8: u64 = 0xc73a_b174_c5ec_d5a2;
    const FLIP_9TO16: (u64, u64) = (0x6782_737b_ea42_39b9, 0xaf56_bc3b_0996_523a);
    let n = len as u64;
    if len > 8 {
        let whole = (u128::from(hi) << 64) | u128::from(lo);
        let input_lo = lo ^ FLIP_9TO16.0;
        let input_hi = ((whole >> (8 * (len - 8))) as u64) ^ FLIP_9TO16.1;
        let product = u128::from(input_lo) * u128::from(input_hi);
        let acc = n
            .wrapping_add(input_lo.swap_bytes())
            .wrapping_add(input_hi)
            .wrapping_add((product as u64) ^ ((product >> 64) as u64));
        let acc = (acc ^ (acc >> 37)).wrapping_mul(0x1656_6791_9E37_79F9);
        acc ^ (acc >> 32)
    } else if len >= 4 {
        let first = lo & 0xFFFF_FFFF;
        let last = (lo >> (8 * (len - 4))) & 0xFFFF_FFFF;
        let mut h = (last + (first << 32)) ^ FLIP_4TO8;
        h ^= h.rotate_left(49) ^ h.rotate_left(24);
        h = h.wrapping_mul(0x9FB2_1C65_1E98_DF25);
        h ^= (h >> 35).wrapping_add(n);
        h = h.wrapping_mul(0x9FB2_1C65_1E98_DF25);
        h ^ (h >> 28)
    } else {
        let byte = |at: usize| (lo >> (8 * at)) & 0xFF;
        let combined = (byte(0) << 16) | (byte(len >> 1) << 24) | byte(len.saturating_sub(1)) | (n << 8);
        let mut h = combined ^ FLIP_1TO3;
        h ^= h >> 33;
        h = h.wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
        h ^= h >> 29;
        h = h.wrapping_mul(0x1656_67B1_9E37_79F9);
        h ^ (h >> 32)
    }
}

/// [`ascii_class`] of a lowercase ASCII letter or a digit.
const ASCII_LOWER: u8 = 1;
/// [`ascii_class`] of an uppercase ASCII letter.
const ASCII_UPPER: u8 = 2;
/// [`ascii_class`] of any other ASCII byte (white space, punctuation, symbols, controls).
const ASCII_SEPARATOR: u8 = 4;

/// The class of every byte ([`ASCII_LOWER`], [`ASCII_UPPER`], [`ASCII_SEPARATOR`]; 0 for bytes of
/// multi-byte characters): one table look-up per byte in the ASCII scans of [`Tokenizer::hash_scalar`]
/// instead of three range checks. Built once.
fn ascii_classes() -> &'static [u8; 256] {
    static TABLE: std::sync::OnceLock<[u8; 256]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        std::array::from_fn(|b| match u8::try_from(b) {
            Ok(c) if c.is_ascii_lowercase() || c.is_ascii_digit() => ASCII_LOWER,
            Ok(c) if c.is_ascii_uppercase() => ASCII_UPPER,
            Ok(c) if c.is_ascii() => ASCII_SEPARATOR,
            _ => 0,
        })
    })
}

/// The class of byte `b` in `classes` (see [`ascii_classes`]).
#[inline(always)]
fn ascii_class(classes: &[u8; 256], b: u8) -> u8 {
    classes.get(usize::from(b)).copied().unwrap_or(0)
}

/// The hash of one token's lowercased UTF-8 bytes: the low 32 bits of XXH3-64.
#[inline]
fn token_hash(bytes: &[u8]) -> u64 {
    xxh3_64(bytes) & 0xFFFF_FFFF
}

/// How a two-byte character (U+0080 to U+07FF) takes part in tokens: what [`Tokenizer::hash_scalar`]
/// does with it, decided once per character when the table is built.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum TwoByte {
    /// A word character whose lowercase is one two-byte character: these UTF-8 bytes.
    Word([u8; 2]),
    /// A combining mark: these (its own) UTF-8 bytes extend the current token.
    Mark([u8; 2]),
    /// Ends the current token.
    Separator,
    /// Anything else (a lowercase of another length, or of several characters): the general way.
    Other,
}

/// First code point with a two-byte UTF-8 encoding.
const TWO_BYTE_FIRST: u32 = 0x80;
/// The [`TwoByte`] of every two-byte character, by code point from [`TWO_BYTE_FIRST`].
type TwoByteTable = [TwoByte; 0x800 - TWO_BYTE_FIRST as usize];

/// The [`TwoByte`] table, built once from [`classify`] and [`single_lowercase`], so that it agrees with the
/// general way by construction.
fn two_byte_table() -> &'static TwoByteTable {
    static TABLE: std::sync::OnceLock<TwoByteTable> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        std::array::from_fn(|k| {
            let Some(c) = u32::try_from(k)
                .ok()
                .and_then(|k| char::from_u32(TWO_BYTE_FIRST + k))
            else {
                return TwoByte::Other;
            };
            let utf8 = |c: char| {
                let mut bytes = [0u8; 2];
                (c.len_utf8() == 2).then(|| {
                    c.encode_utf8(&mut bytes);
                    bytes
                })
            };
            match (classify(c), single_lowercase(c).and_then(utf8)) {
                (CharClass::Word, Some(lower)) => TwoByte::Word(lower),
                (CharClass::Mark, _) => utf8(c).map_or(TwoByte::Other, TwoByte::Mark),
                (CharClass::Separator, _) => TwoByte::Separator,
                _ => TwoByte::Other,
            }
        })
    })
}

/// The [`TwoByte`] entry of the character at `i` of `bytes` (valid UTF-8, `i` at a character boundary)
/// when it is a two-byte character; `None` otherwise.
#[inline(always)]
fn two_byte_entry(table: &TwoByteTable, bytes: &[u8], i: usize) -> Option<TwoByte> {
    let (&lead, &next) = (bytes.get(i)?, bytes.get(i + 1)?);
    // Lead bytes of two-byte characters are 0xC2 to 0xDF; the next byte is a continuation byte.
    if lead & 0xE0 != 0xC0 {
        return None;
    }
    let cp = (u32::from(lead & 0x1F) << 6) | u32::from(next & 0x3F);
    table.get(cp.checked_sub(TWO_BYTE_FIRST)? as usize).copied()
}

/// Appends the UTF-8 bytes of `c`: four bytes copied at once (a fixed-size copy, not a call to
/// `memmove` for one to four bytes), then the ones past the character cut off.
#[inline]
fn push_char(buf: &mut Vec<u8>, c: char) {
    let mut utf8 = [0u8; 4];
    let len = c.encode_utf8(&mut utf8).len();
    let end = buf.len() + len;
    buf.extend_from_slice(&utf8);
    buf.truncate(end);
}

/// Appends `c` lowercased; `lower` is its one-character lowercase when known.
fn push_lower(buf: &mut Vec<u8>, c: char, lower: Option<char>) {
    match lower {
        Some(lower) => push_char(buf, lower),
        None => {
            for lower in c.to_lowercase() {
                push_char(buf, lower);
            }
        }
    }
}

/// Characters of the Basic Multilingual Plane (below this code point: Latin, Greek, Cyrillic, Arabic,
/// Indic, Thai, CJK…) are classified and lowercased through tables of [`PAGE_CHARS`] characters, each
/// built the first time one of its characters is seen (the Unicode look-ups behind `is_alphanumeric`
/// and `to_lowercase` are binary searches, and every CJK character is a token of its own).
const TABLE_END: u32 = 0x1_0000;
/// Characters per table page.
const PAGE_CHARS: u32 = 256;

/// The class of `c` and its lowercase when that is a single character (`None`: compute it).
fn classify_cached(c: char) -> (CharClass, Option<char>) {
    type Page = Vec<(CharClass, Option<char>)>;
    static PAGES: [std::sync::OnceLock<Page>; (TABLE_END / PAGE_CHARS) as usize] =
        [const { std::sync::OnceLock::new() }; (TABLE_END / PAGE_CHARS) as usize];
    let cp = u32::from(c);
    if let Some(page) = PAGES.get((cp / PAGE_CHARS) as usize) {
        let page = page.get_or_init(|| {
            let first = cp - cp % PAGE_CHARS;
            (first..first + PAGE_CHARS)
                .map(|cp| match char::from_u32(cp) {
                    Some(c) => (classify(c), single_lowercase(c)),
                    None => (CharClass::Separator, None),
                })
                .collect()
        });
        if let Some(&entry) = page.get((cp % PAGE_CHARS) as usize) {
            return entry;
        }
    }
    (classify(c), None)
}

fn single_lowercase(c: char) -> Option<char> {
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => Some(l),
        _ => None,
    }
}

fn classify(c: char) -> CharClass {
    if c.is_ascii() {
        return if c.is_ascii_alphanumeric() {
            CharClass::Word
        } else {
            CharClass::Separator
        };
    }
    let cp = u32::from(c);
    let alnum = c.is_alphanumeric();
    if is_unspaced_script(cp) {
        return if alnum {
            CharClass::Single
        } else if is_mark(cp) {
            CharClass::Mark
        } else {
            CharClass::Separator
        };
    }
    if alnum {
        CharClass::Word
    } else if is_mark(cp) {
        CharClass::Mark
    } else {
        CharClass::Separator
    }
}

/// Scripts written without spaces between words.
fn is_unspaced_script(cp: u32) -> bool {
    matches!(cp,
        0x0E00..=0x0EFF       // Thai, Lao
        | 0x1000..=0x109F     // Myanmar
        | 0x1780..=0x17FF     // Khmer
        | 0x3040..=0x30FF     // Hiragana, Katakana
        | 0x31F0..=0x31FF     // Katakana phonetic extensions
        | 0x3400..=0x4DBF     // CJK extension A
        | 0x4E00..=0x9FFF     // CJK unified ideographs
        | 0xF900..=0xFAFF     // CJK compatibility ideographs
        | 0xFF66..=0xFF9F     // half-width Katakana
        | 0x20000..=0x3FFFF   // CJK extensions B and later
    )
}

/// Combining marks and joiners that belong to the word around them (an approximation of the Unicode
/// `M` categories for the common scripts; only consulted for characters that are not alphanumeric).
fn is_mark(cp: u32) -> bool {
    matches!(cp,
        0x0300..=0x036F
        | 0x0483..=0x0489
        | 0x0591..=0x05C7
        | 0x0610..=0x061A
        | 0x064B..=0x065F
        | 0x0670
        | 0x06D6..=0x06ED
        | 0x0900..=0x0963     // Indic scripts: everything but the dandas and the punctuation/symbols after
        | 0x0966..=0x0DFF
        | 0x0E31..=0x0E3A
        | 0x0E47..=0x0E4E
        | 0x0EB1..=0x0EBC
        | 0x0EC8..=0x0ECD
        | 0x102B..=0x103E
        | 0x17B4..=0x17D3
        | 0x1AB0..=0x1AFF
        | 0x1DC0..=0x1DFF
        | 0x200C..=0x200D
        | 0x20D0..=0x20FF
        | 0x302A..=0x302F
        | 0x3099..=0x309A
        | 0xFE00..=0xFE0F
        | 0xFE20..=0xFE2F
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<u64> {
        let mut out = Vec::new();
        Tokenizer::default().hash_tokens(text, &mut out);
        out
    }

    #[test]
    fn pinned_token_hashes() {
        // The low 32 bits of XXH3-64, seed 0, of the lowercased UTF-8 bytes (XXH3-64 of "hello" is
        // 0x9555e8555c62dcfd): these must never change between releases.
        assert_eq!(toks("Hello"), vec![0x5c62dcfd]);
        assert_eq!(toks("hello"), toks("HELLO"));
        assert_eq!(toks(""), Vec::<u64>::new());
    }

    #[test]
    fn punctuation_case_and_space_noise_is_ignored() {
        assert_eq!(
            toks("“Kerja sama,” kata   Kim.\n\nDia"),
            toks("\"kerja sama\" KATA kim dia")
        );
        assert_eq!(toks("a--b").len(), 2);
        assert_eq!(toks("état"), toks("ÉTAT"));
    }

    #[test]
    fn unspaced_scripts_give_one_token_per_character() {
        assert_eq!(toks("中华人民共和国").len(), 7);
        assert_eq!(toks("中华，人民").len(), 4);
        assert_eq!(toks("abc中文def").len(), 4);
        // Thai: a consonant with its tone mark is one token.
        assert_eq!(toks("ก่า").len(), 2);
    }

    #[test]
    fn ascii_words_hash_like_any_other_word() {
        // The in-place path (complete lowercase ASCII word) and the copying one agree.
        let mut one = Vec::new();
        let mut tok = Tokenizer::default();
        for word in ["hello", "HeLLo", "hello"] {
            tok.hash_tokens(word, &mut one);
        }
        assert_eq!(one, vec![0x5c62dcfd; 3]);
        // A word that goes on past its ASCII letters is one token.
        assert_eq!(toks("caf\u{e9} x"), toks("CAF\u{c9} X"));
        assert_eq!(toks("cafés").len(), 1);
        assert_eq!(toks("ab中cd"), [toks("ab"), toks("中"), toks("cd")].concat());
        assert_eq!(toks("e\u{301}x"), toks("E\u{301}X"));
    }

    #[test]
    fn short_hash_is_xxh3() {
        // Every length the short paths take, with bytes of every value in every position.
        let mut state = 11u64;
        for len in 1..=16usize {
            for round in 0..2000 {
                let mut bytes = [0u8; 16];
                for (k, b) in bytes.iter_mut().enumerate().take(len) {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    *b = if round < 256 {
                        round as u8 ^ k as u8
                    } else {
                        (state >> 56) as u8
                    };
                }
                let lo = u64::from_le_bytes(bytes[..8].try_into().unwrap());
                let hi = u64::from_le_bytes(bytes[8..].try_into().unwrap());
                assert_eq!(
                    hash_short(lo, hi, len),
                    xxh3_64(&bytes[..len]),
                    "{:?}",
                    &bytes[..len]
                );
            }
        }
    }

    #[test]
    fn short_words_hash_like_long_ones() {
        // Words of every length around the in-register way's limits, in every case, ended by ASCII
        // and by a multi-byte character, with and without sixteen bytes after them.
        for len in 1..=20usize {
            let word: String = (0..len).map(|k| char::from(b'a' + (k % 26) as u8)).collect();
            let want = token_hash(word.as_bytes());
            for text in [
                format!("{word} tail words past sixteen bytes"),
                format!("{} ,, tail words past sixteen bytes", word.to_uppercase()),
                word.clone(),
            ] {
                assert_eq!(toks(&text)[0], want, "{text:?}");
            }
            // Runs of separators of every length between words of every length.
            let words: Vec<String> = (1..=6).map(|k| word.repeat(k)).collect();
            let seps: Vec<String> = (1..=6)
                .map(|k| " ,-.".repeat(k).chars().take(2 * k + 1).collect())
                .collect();
            let text: String = words
                .iter()
                .zip(&seps)
                .map(|(w, sep)| format!("{w}{sep}"))
                .collect();
            let want: Vec<u64> = words.iter().map(|w| token_hash(w.as_bytes())).collect();
            assert_eq!(toks(&text), want, "{text:?}");
            assert_eq!(toks(&text.to_uppercase()), want, "{text:?}");
            let accented = format!("{word}\u{e9} tail words past sixteen bytes");
            assert_eq!(toks(&accented)[0], token_hash(format!("{word}\u{e9}").as_bytes()));
        }
    }

    #[test]
    fn ascii_classes_match_the_char_rules() {
        for b in 0..=255u8 {
            let c = char::from(b);
            let want = if !b.is_ascii() {
                0
            } else if c.is_ascii_uppercase() {
                ASCII_UPPER
            } else if c.is_alphanumeric() {
                ASCII_LOWER
            } else {
                ASCII_SEPARATOR
            };
            assert_eq!(ascii_class(ascii_classes(), b), want, "byte {b:#x}");
        }
        // Every ASCII separator ends a word, alone or in a run.
        let seps: String = (0..128u8)
            .map(char::from)
            .filter(|c| !c.is_ascii_alphanumeric())
            .collect();
        assert_eq!(toks(&format!("a{seps}b{seps}")), toks("a b"));
    }

    #[test]
    fn word_scan_matches_the_byte_rules() {
        // Every byte value at every position of a run of word bytes, and runs of every length with
        // and without capitals: the eight-byte scan stops where the byte-by-byte rule does.
        let check = |bytes: &[u8]| {
            let (end, upper) = scan_ascii_word(bytes, 0);
            let want_end = bytes
                .iter()
                .position(|b| !b.is_ascii_alphanumeric())
                .unwrap_or(bytes.len());
            // It stops at the word's end, or earlier only with fewer than eight bytes left.
            assert!(
                end == want_end || (end < want_end && bytes.len() - end < 8),
                "{bytes:?}"
            );
            assert_eq!(
                upper,
                bytes[..end].iter().any(u8::is_ascii_uppercase),
                "{bytes:?}"
            );
        };
        for b in 0..=255u8 {
            for at in 0..20 {
                let mut bytes = b"abcdefghij0123456789XYZ".to_vec();
                bytes[at] = b;
                check(&bytes);
            }
        }
        for len in 0..40 {
            for cap in [None, Some(0), Some(7), Some(8), Some(len / 2)] {
                let mut bytes: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
                if let Some(at) = cap.filter(|&at| at < len) {
                    bytes[at] = b'Q';
                }
                bytes.extend_from_slice(b" tail words here");
                check(&bytes);
            }
        }
        assert_eq!(
            toks("ABCDEFGHIJKLMNOP qrstuvwxyz0123456789"),
            toks("abcdefghijklmnop QRSTUVWXYZ0123456789")
        );
    }

    #[test]
    fn cached_classes_match_the_char_rules() {
        for c in (0..TABLE_END).filter_map(char::from_u32) {
            assert_eq!(classify_cached(c), (classify(c), single_lowercase(c)), "{c:?}");
        }
        assert_eq!(classify_cached('\u{20000}'), (CharClass::Single, None));
    }

    /// The rules of the module docs applied character by character, the slow way: what every fast path
    /// of [`Tokenizer::hash_tokens`] must agree with.
    fn reference_tokens(text: &str) -> Vec<u64> {
        fn flush(buf: &mut String, single: &mut bool, out: &mut Vec<u64>) {
            if !buf.is_empty() {
                out.push(token_hash(buf.as_bytes()));
                buf.clear();
            }
            *single = false;
        }
        let (mut out, mut buf, mut single) = (Vec::new(), String::new(), false);
        for c in text.chars() {
            match classify(c) {
                CharClass::Word => {
                    if single {
                        flush(&mut buf, &mut single, &mut out);
                    }
                    buf.extend(c.to_lowercase());
                }
                CharClass::Mark => {
                    if !buf.is_empty() {
                        buf.push(c);
                    }
                }
                CharClass::Single => {
                    flush(&mut buf, &mut single, &mut out);
                    buf.extend(c.to_lowercase());
                    single = true;
                }
                CharClass::Separator => flush(&mut buf, &mut single, &mut out),
            }
        }
        flush(&mut buf, &mut single, &mut out);
        out
    }

    #[test]
    fn every_two_byte_character_tokenizes_by_the_rules() {
        for c in (0x80..0x800).filter_map(char::from_u32) {
            for text in [
                format!("{c}"),
                format!("A{c}b"),
                format!("{c}{c}X z"),
                format!("x {c}, \u{e9}{c}Q\u{301} end of a longer line"),
                format!("\u{4e2d}{c}\u{3099}{c}"),
            ] {
                assert_eq!(toks(&text), reference_tokens(&text), "{text:?}");
            }
        }
    }

    #[test]
    fn mixed_scripts_tokenize_by_the_rules() {
        // Random texts over characters that take every way through the tokenizer: ASCII words of every
        // case and length, separators, two-byte letters, marks and signs, characters whose lowercase
        // is longer or of another length, scripts without spaces, and four-byte characters.
        let alphabet: Vec<char> = "aZq09 ,.-'\n\té\u{c9}\u{df}\u{430}\u{416}\u{3a3}\u{5d0}\u{627}\u{301}\u{64b}\u{b7}\u{a9}\
             \u{130}\u{23a}\u{1e9e}\u{212a}\u{4e2d}\u{3042}\u{3099}\u{e01}\u{e48}\u{2019}\u{200d}\u{ff01}\u{20000}\u{1f600}"
            .chars()
            .collect();
        let mut state = 5u64;
        for _ in 0..20_000 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let len = (state >> 59) as usize * 2;
            let text: String = (0..len)
                .map(|_| {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    let pick = (state >> 33) as usize;
                    // Runs of ASCII letters half the time, so that words of every length occur.
                    if pick & 1 == 0 {
                        char::from(b'a' + (pick / 2 % 26) as u8)
                    } else {
                        alphabet[pick / 2 % alphabet.len()]
                    }
                })
                .collect();
            assert_eq!(toks(&text), reference_tokens(&text), "{text:?}");
        }
    }

    /// The token hashes of each line of `text` with tokens, the scalar way, and their counts.
    fn scalar_lines(text: &str) -> (Vec<u64>, Vec<u32>) {
        let (mut tokens, mut lens) = (Vec::new(), Vec::new());
        for line in text.split('\n') {
            let before = tokens.len();
            Tokenizer::default().hash_scalar(line, &mut tokens);
            if tokens.len() > before {
                lens.push((tokens.len() - before) as u32);
            }
        }
        (tokens, lens)
    }

    /// Checks the block way against the scalar way and the reference on `text`, whole and by line.
    fn check_ways(text: &str) {
        let mut scalar = Vec::new();
        Tokenizer::default().hash_scalar(text, &mut scalar);
        assert_eq!(toks(text), scalar, "{text:?}");
        assert_eq!(scalar, reference_tokens(text), "{text:?}");
        let mut without_avx2 = Vec::new();
        Tokenizer::default().hash_blocks_without_avx2(text, &mut without_avx2);
        assert_eq!(without_avx2, scalar, "{text:?}");
        let (mut tokens, mut lens) = (vec![7], Vec::new());
        Tokenizer::default().hash_lines(text, &mut tokens, &mut lens);
        let (want_tokens, want_lens) = scalar_lines(text);
        assert_eq!(tokens.get(1..), Some(want_tokens.as_slice()), "{text:?}");
        assert_eq!(lens, want_lens, "{text:?}");
    }

    #[test]
    fn block_way_equals_the_scalar_way() {
        // Random texts of pieces that take every way through both: ASCII words of every length up to
        // past a block (capitals, digits), runs of separators with CR/LF and empty lines, non-ASCII
        // letters, separators and marks (also right after ASCII letters), scripts without spaces and
        // four-byte characters; hundreds of bytes, so words cross 64-byte blocks at every offset.
        let others = [
            "\u{e9}",
            "\u{c9}t\u{e9}",
            "\u{301}",
            "\u{64b}",
            "\u{2019}",
            "\u{2014}",
            "\u{a0}",
            "\u{416}\u{438}\u{437}\u{43d}\u{44c}",
            "\u{df}",
            "\u{130}",
            "\u{4e2d}\u{6587}",
            "\u{e01}\u{e48}",
            "\u{1f600}",
            "\u{20000}",
        ];
        let seps = [" ", ", ", ".\n", "\r\n", "\n\n", " - ", "\t", "!?"];
        let mut state = 17u64;
        let mut next = |bound: usize| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as usize % bound
        };
        for _ in 0..6_000 {
            let mut text = String::new();
            let pieces = next(60);
            for _ in 0..pieces {
                match next(10) {
                    0..=5 => {
                        let len = match next(4) {
                            0 => 1 + next(70),
                            1 => 15 + next(3),
                            _ => 1 + next(9),
                        };
                        text.extend((0..len).map(|_| {
                            let k = next(40);
                            match k {
                                0..=25 => char::from(b'a' + k as u8),
                                26..=29 => char::from(b'0' + k as u8 - 26),
                                _ => char::from(b'A' + k as u8 - 30),
                            }
                        }));
                    }
                    6..=8 => text.push_str(seps[next(seps.len())]),
                    _ => text.push_str(others[next(others.len())]),
                }
            }
            check_ways(&text);
        }
    }

    #[test]
    fn block_edges_tokenize_like_the_scalar_way() {
        // Words of the lengths around the in-register limits and past a block, at every offset from a
        // block's start, ended by ASCII, by a mark, by a letter or separator of two or three bytes, by
        // a newline, and by the end of the text.
        for offset in 0..70 {
            let pad = "ab ".repeat(offset / 3) + &" ".repeat(offset % 3);
            for len in [1, 7, 8, 9, 15, 16, 17, 33, 63, 64, 65, 130] {
                let word: String = (0..len).map(|k| char::from(b"Az9q"[k % 4])).collect();
                for tail in [
                    "",
                    " x",
                    "\u{301}y",
                    "\u{e9} z",
                    "\u{2019}s",
                    "\n\nnext",
                    "\r\n",
                    "\u{4e2d}",
                ] {
                    check_ways(&format!("{pad}{word}{tail}"));
                    check_ways(&format!("{pad}\u{e9}{word}{tail} after the tail, words"));
                }
            }
        }
    }

    #[test]
    fn combining_marks_stay_in_the_word() {
        assert_eq!(toks("e\u{301}te\u{301}").len(), 1);
        assert_eq!(toks("हिन्दी भाषा").len(), 2);
        // A stray mark with nothing before it is dropped.
        assert_eq!(toks("\u{301} a"), toks("a"));
    }
}
