//! `gopher_repetition`: the repetition rules of Gopher (Rae et al. 2021, table A1), as datatrove 0.10.1's
//! `GopherRepetitionFilter` applies them.

use saring_core::{Document, DropReason, Step, Verdict};

mod config;
#[cfg(test)]
mod tests;

pub use config::{GopherRepetitionConfig, dup_n_gram_reason, top_n_gram_reason};

use std::cell::RefCell;
use std::hash::Hasher;

use crate::languages::{PerLanguage, record};
use crate::seen_index::{SeenIndex, with_indexes};
use crate::words::{char_count, py_strip, split_into_words};
use rustc_hash::FxHasher;

/// The Fx hash of a string's bytes.
fn str_hash(s: &str) -> u64 {
    let mut hasher = FxHasher::default();
    hasher.write(s.as_bytes());
    hasher.finish()
}

/// datatrove's `find_duplicates`: how many elements repeat an earlier one, and their characters.
pub(crate) fn find_duplicates(items: &[&str]) -> (usize, usize) {
    with_indexes(|index, _| {
        index.reset(items.len());
        let (mut elements, mut chars) = (0, 0);
        for (i, item) in items.iter().enumerate() {
            let same = |j: u32| items.get(j as usize) == Some(item);
            if index.see(str_hash(item), position(i), same).is_some() {
                elements += 1;
                chars += item.chars().count();
            }
        }
        (elements, chars)
    })
}

/// A position as the index stores it; texts have far fewer than 2^32 words or lines, and a larger one
/// (which no input can reach: it would take more than 4 GB of text per document) only merges entries.
fn position(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// The base of the polynomial hash of byte strings used to find repeated n-grams.
const POLY: u64 = 0x0100_0000_01b3;

/// `POLY` to the power `n`, modulo 2^64: by lookup up to 255, else by squaring (n-grams and words of
/// 256 bytes and more are rare).
fn poly_power(n: usize) -> u64 {
    if let Some(&p) = POWERS.get(n) {
        return p;
    }
    let (mut p, mut base, mut e) = (1u64, POLY, n);
    while e > 0 {
        if e & 1 == 1 {
            p = p.wrapping_mul(base);
        }
        base = base.wrapping_mul(base);
        e >>= 1;
    }
    p
}

/// `POLY` to the powers 0–255: the shifts of words and n-grams of up to 255 bytes, by lookup.
const POWERS: [u64; 256] = powers(POLY);

const fn powers(base: u64) -> [u64; 256] {
    let mut out = [1u64; 256];
    let mut p = 1u64;
    let mut rest: &mut [u64] = &mut out;
    while let [first, tail @ ..] = rest {
        *first = p;
        p = p.wrapping_mul(base);
        rest = tail;
    }
    out
}

/// A word's polynomial hash (base `POLY`, each byte counting as its value plus 1). Four bytes at a
/// time: their terms are independent products, so one multiply per four bytes (not per byte) waits on
/// the hash so far.
fn word_hash(bytes: &[u8]) -> u64 {
    const P2: u64 = POLY.wrapping_mul(POLY);
    const P3: u64 = P2.wrapping_mul(POLY);
    const P4: u64 = P3.wrapping_mul(POLY);
    let term = |b: u8| u64::from(b) + 1;
    let mut h = 0u64;
    let mut quads = bytes.chunks_exact(4);
    for quad in &mut quads {
        if let &[a, b, c, d] = quad {
            let part = term(a)
                .wrapping_mul(P3)
                .wrapping_add(term(b).wrapping_mul(P2))
                .wrapping_add(term(c).wrapping_mul(POLY))
                .wrapping_add(term(d));
            h = h.wrapping_mul(P4).wrapping_add(part);
        }
    }
    for &b in quads.remainder() {
        h = h.wrapping_mul(POLY).wrapping_add(term(b));
    }
    h
}

/// The base of the hash of word sequences (over the words' own hashes).
const SEQ: u64 = 0x9e37_79b9_7f4a_7c15;

/// The prefix sums over a document's first k words (see [`WordPrefixes`]), kept together so that filling
/// them pushes once per word.
#[derive(Debug, Clone, Copy)]
struct Prefix {
    /// The polynomial hash (base `POLY`) of the first k words' bytes, concatenated.
    concat: u64,
    /// The polynomial hash (base `SEQ`) of the first k words' own hashes.
    seq: u64,
}

impl Prefix {
    /// The sums over no words.
    const EMPTY: Prefix = Prefix { concat: 0, seq: 0 };
}

/// Prefix sums over a document's words, in buffers reused from document to document: with them an
/// n-gram's hashes take O(1) whatever n.
#[derive(Debug, Default)]
struct WordPrefixes {
    /// `sums[k]`: the sums over the first k words.
    sums: Vec<Prefix>,
    /// The words' bytes, concatenated, and where each word starts in them (`starts[len]`: the end).
    bytes: Vec<u8>,
    starts: Vec<usize>,
    /// The words where an n-gram that may repeat starts, in order (see
    /// [`WordPrefixes::mark_may_repeat`]): the walks of `dup_n_gram_chars` visit only these.
    may_repeat: Vec<u32>,
    /// Scratch of `mark_may_repeat`: whether each word's window also starts at another word.
    window_repeats: Vec<bool>,
    /// Scratch of `top_n_gram_chars`, reused from document to document: which (n-1)-grams repeat, and
    /// each start looked up with its class.
    top_repeated: Vec<bool>,
    top_class: Vec<(u32, u32)>,
}

/// The bytes of the window [`WordPrefixes::mark_may_repeat`] compares.
const WINDOW: usize = 16;

thread_local! {
    static PREFIXES: RefCell<WordPrefixes> = RefCell::new(WordPrefixes::default());
}

impl WordPrefixes {
    /// Fills the sums, bytes and starts for `words`. Each buffer is sized once, before it is filled.
    fn fill(&mut self, words: &[&str]) {
        self.sums.clear();
        self.sums.reserve(words.len() + 1);
        self.sums.push(Prefix::EMPTY);
        let mut sum = Prefix::EMPTY;
        self.sums.extend(words.iter().map(|w| {
            let h = word_hash(w.as_bytes());
            sum = Prefix {
                concat: sum.concat.wrapping_mul(poly_power(w.len())).wrapping_add(h),
                seq: sum.seq.wrapping_mul(SEQ).wrapping_add(h),
            };
            sum
        }));
        self.starts.clear();
        self.starts.reserve(words.len() + 1);
        let mut at = 0;
        self.starts.extend(words.iter().map(|w| {
            let start = at;
            at += w.len();
            start
        }));
        self.starts.push(at);
        self.bytes.clear();
        self.bytes.reserve(at);
        for w in words {
            self.bytes.extend_from_slice(w.as_bytes());
        }
    }

    /// The bytes of words `i..j`, concatenated.
    fn concatenation(&self, i: usize, j: usize) -> Option<&[u8]> {
        self.bytes.get(*self.starts.get(i)?..*self.starts.get(j)?)
    }

    /// The `WINDOW` bytes of the concatenation from the start of word `i` as one little-endian number,
    /// if that many remain: windows are compared as numbers, in registers, not through a memory compare.
    fn window_key(&self, i: usize) -> Option<u128> {
        let start = self.starts.get(i).copied()?;
        let window: [u8; WINDOW] = self.bytes.get(start..start + WINDOW)?.try_into().ok()?;
        Some(u128::from_le_bytes(window))
    }

    /// Leaves word i out of `may_repeat` only where no n-gram (n ≥ `min_n`, joined without a separator)
    /// starting at word i can equal one starting at another word: where the n-gram is at least `WINDOW`
    /// bytes long and its first `WINDOW` bytes start at no other word. One pass, with exact keys; the
    /// walks of `dup_n_gram_chars` then skip those words (neither looking them up nor adding them).
    fn mark_may_repeat(&mut self, index: &mut SeenIndex, min_n: usize) {
        let words = self.starts.len().saturating_sub(1);
        index.reset(words);
        // a window seen again flags itself and its first sighting: then a word's flag tells whether its
        // window starts at another word too
        self.window_repeats.clear();
        self.window_repeats.resize(words, false);
        for i in 0..words {
            // starts only grow: past the first word without a whole window, none has one (those words'
            // n-grams are all short, and kept below)
            let Some(key) = self.window_key(i) else {
                break;
            };
            let hash = ((key >> 64) as u64 ^ (key as u64).rotate_left(29)).wrapping_mul(SEQ);
            let same = |j: u32| self.window_key(j as usize) == Some(key);
            if let Some((first, _)) = index.see(hash, position(i), same) {
                for k in [first as usize, i] {
                    if let Some(flag) = self.window_repeats.get_mut(k) {
                        *flag = true;
                    }
                }
            }
        }
        self.may_repeat.clear();
        for (i, &repeated) in self.window_repeats.iter().enumerate() {
            let start = self.starts.get(i).copied().unwrap_or_default();
            let short = self.starts.get(i + min_n).is_none_or(|&end| end - start < WINDOW);
            if short || repeated {
                self.may_repeat.push(position(i));
            }
        }
    }

    /// The characters of words `i..j`: counted only for the n-grams that score (the top one of each n,
    /// the repeats of the duplicate walks), so the prefix sums carry no count for every word. Counted on
    /// the concatenated bytes, one pass over one slice.
    fn chars(&self, i: usize, j: usize) -> usize {
        char_count(self.concatenation(i, j).unwrap_or_default())
    }

    /// Whether the n-gram from word i may equal one from another word. `may_repeat` answers this for
    /// the shortest n of the walks ([`WordPrefixes::mark_may_repeat`]'s `min_n`); for a longer n, a
    /// start in it whose n-gram has grown to `WINDOW` bytes or more, with a window that starts at no
    /// other word, repeats nowhere, and the walk skips it like the starts left out.
    fn may_start_repeat(&self, i: usize, n: usize) -> bool {
        let repeated = self.window_repeats.get(i).copied().unwrap_or(false);
        let start = self.starts.get(i).copied().unwrap_or_default();
        repeated || self.starts.get(i + n).is_none_or(|&end| end - start < WINDOW)
    }

    /// The sums over the first k words (those over none past the end, which no caller asks for).
    fn at(&self, k: usize) -> Prefix {
        self.sums.get(k).copied().unwrap_or(Prefix::EMPTY)
    }

    /// The polynomial hash of the bytes of words `i..j`, concatenated: the hash to j less the hash to
    /// i shifted by the bytes between.
    fn concat_hash(&self, i: usize, j: usize) -> u64 {
        let between = self
            .starts
            .get(j)
            .zip(self.starts.get(i))
            .map_or(0, |(end, start)| end - start);
        let shift = poly_power(between);
        self.at(j)
            .concat
            .wrapping_sub(self.at(i).concat.wrapping_mul(shift))
    }

    /// The hash of the word sequence `i..i + n`; `seq_pow` is `SEQ` to the power n.
    fn seq_hash(&self, i: usize, n: usize, seq_pow: u64) -> u64 {
        self.at(i + n)
            .seq
            .wrapping_sub(self.at(i).seq.wrapping_mul(seq_pow))
    }
}

/// datatrove's `find_all_duplicate(words, n)`: walks the word n-grams (joined without a separator); a
/// repeat counts its characters and skips n words, a new one moves one word on.
///
/// An n-gram is keyed by the polynomial hash of its concatenated bytes (from the prefix hashes, so
/// nothing is copied); equal hashes are confirmed by comparing the bytes.
fn dup_n_gram_chars(words: &[&str], prefixes: &WordPrefixes, index: &mut SeenIndex, n: usize) -> usize {
    if n == 0 || words.len() < n {
        return 0;
    }
    // only the starts that may repeat are visited (the others are new, and no later n-gram can equal
    // them: nothing to look up or add), and the table is sized for them
    let starts = words.len() - n + 1;
    let visited = prefixes.may_repeat.partition_point(|&i| (i as usize) < starts);
    let candidates = prefixes.may_repeat.get(..visited).unwrap_or_default();
    index.reset(candidates.len());
    // `next`: the first word the walk may look at (a repeat skips its n words)
    let (mut repeated, mut next) = (0usize, 0usize);
    for idx in candidates.iter().map(|&i| i as usize) {
        if idx < next || !prefixes.may_start_repeat(idx, n) {
            continue;
        }
        let hash = prefixes.concat_hash(idx, idx + n);
        let same = |j: u32| {
            let j = j as usize;
            prefixes.concatenation(j, j + n) == prefixes.concatenation(idx, idx + n)
        };
        if index.see(hash, position(idx), same).is_some() {
            repeated += prefixes.chars(idx, idx + n);
            next = idx + n;
        } else {
            next = idx + 1;
        }
    }
    repeated
}

/// datatrove's `find_top_duplicate(get_n_grams(words, n))`: the characters of the most frequent n-gram
/// (words joined by a space; ties go to the first seen) times its count; `None` without any n-gram.
///
/// n-grams are keyed by a hash of their word sequence, confirmed by comparing the words (words hold no
/// space, so equal word runs are exactly equal joined strings). `repeated` and `class` carry the
/// previous call's flags and looked-up starts, on the same `words`, to the next n (a caller clears
/// `repeated` when this n is not the previous call's n plus 1).
fn top_n_gram_chars(
    words: &[&str],
    prefixes: &WordPrefixes,
    index: &mut SeenIndex,
    n: usize,
    repeated: &mut Vec<bool>,
    class: &mut Vec<(u32, u32)>,
) -> Option<usize> {
    if n == 0 || words.len() < n {
        repeated.clear();
        return None;
    }
    let starts = words.len() - n + 1;
    let seq_pow = (0..n).fold(1u64, |p, _| p.wrapping_mul(SEQ));
    let gram = |i: usize| words.get(i..i + n);
    // the starts looked up (all of them, unless the previous n's flags tell which (n-1)-grams repeat:
    // then those whose two (n-1)-grams both do), each with its class, filled in below; the others
    // occur once, and are neither looked up nor walked again. A start whose (n-1)-gram repeats was
    // looked up by the previous n, whose starts `class` still holds in order: only those are tested,
    // in place (fewer than all starts).
    if repeated.is_empty() {
        class.clear();
        class.extend((0..starts).map(|i| (position(i), u32::MAX)));
    } else {
        let flag = |i: usize| repeated.get(i).copied().unwrap_or(false);
        class.retain_mut(|(start, start_class)| {
            *start_class = u32::MAX;
            let i = *start as usize;
            i < starts && flag(i) && flag(i + 1)
        });
    }
    // the table is sized for the starts looked up, not all starts: smaller to clear, denser in cache
    index.reset(class.len());
    // (count, first start) of the most frequent n-gram so far
    let mut best = (1u32, 0u32);
    for (start, start_class) in class.iter_mut() {
        let idx = *start as usize;
        let hash = prefixes.seq_hash(idx, n, seq_pow);
        let same = |j: u32| gram(j as usize) == gram(idx);
        *start_class = match index.see(hash, *start, same) {
            None => *start,
            Some((first, count)) => {
                if count > best.0 || (count == best.0 && first < best.1) {
                    best = (count, first);
                }
                first
            }
        };
    }
    // an n-gram repeats when its class (its first start) is seen again: mark the classes (in `repeated`,
    // whose old flags are no longer needed), then every start from its class's mark. In place, in
    // order: a class is never after its members, and a class's own mark is left as it is.
    repeated.clear();
    repeated.resize(starts, false);
    for &(idx, c) in class.iter() {
        if c != idx
            && let Some(flag) = repeated.get_mut(c as usize)
        {
            *flag = true;
        }
    }
    for &(idx, c) in class.iter() {
        let mark = repeated.get(c as usize).copied().unwrap_or(false);
        if let Some(flag) = repeated.get_mut(idx as usize) {
            *flag = mark;
        }
    }
    let first = best.1 as usize;
    Some((prefixes.chars(first, first + n) + n - 1) * best.0 as usize)
}

/// Python's `re.split(r"\n{2,}", s)`; the breaks are found by a vectorised search.
fn split_paragraphs(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let finder = memchr::memmem::Finder::new(b"\n\n");
    let mut rest = s;
    while let Some(i) = finder.find(rest.as_bytes()) {
        out.push(rest.get(..i).unwrap_or_default());
        rest = rest.get(i..).unwrap_or_default().trim_start_matches('\n');
    }
    out.push(rest);
    out
}

/// Python's `re.split("\n+", s)`.
fn split_lines(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find('\n') {
        out.push(rest.get(..i).unwrap_or_default());
        rest = rest.get(i..).unwrap_or_default().trim_start_matches('\n');
    }
    out.push(rest);
    out
}

/// Drops documents with too much repetition; records `gopher_repetition.*` on every document.
#[derive(Debug, Clone)]
pub struct GopherRepetition {
    config: GopherRepetitionConfig,
    languages: PerLanguage<GopherRepetition>,
}

impl GopherRepetition {
    /// The filter for the given (validated) settings.
    pub fn new(config: &GopherRepetitionConfig) -> GopherRepetition {
        let languages = PerLanguage::new(config.language_aware, |s| {
            GopherRepetition::new(&GopherRepetitionConfig {
                dup_line_frac: s.dup_line_frac,
                top_n_grams: s.top_n_grams.clone(),
                dup_n_grams: s.dup_n_grams.clone(),
                language_aware: false,
                ..config.clone()
            })
        });
        GopherRepetition {
            config: config.clone(),
            languages,
        }
    }

    /// The verdict for a text, with its signals as `(name, value)` pairs (names without the step prefix).
    pub fn evaluate(&self, text: &str) -> (Option<DropReason>, Vec<(String, f64)>) {
        let words = split_into_words(text);
        self.evaluate_words(text, &words)
    }

    /// As [`GopherRepetition::evaluate`], with the text's words already split.
    pub fn evaluate_words(&self, text: &str, words: &[&str]) -> (Option<DropReason>, Vec<(String, f64)>) {
        let mut signals = Vec::new();
        if text.is_empty() {
            return (Some(DropReason::Empty), signals);
        }
        let c = &self.config;
        let text_chars = text.chars().count() as f64;
        let mut reason: Option<DropReason> = None;
        let check = |reason_slot: &mut Option<DropReason>, value: f64, max: f64, r: DropReason| {
            if reason_slot.is_none() && max != 0.0 && value > max {
                *reason_slot = Some(r);
            }
        };
        let paragraphs = split_paragraphs(py_strip(text));
        let (para_dups, para_chars) = find_duplicates(&paragraphs);
        let dup_para_frac = para_dups as f64 / paragraphs.len() as f64;
        let dup_para_char_frac = para_chars as f64 / text_chars;
        check(
            &mut reason,
            dup_para_frac,
            c.dup_para_frac,
            DropReason::DupParaFrac,
        );
        check(
            &mut reason,
            dup_para_char_frac,
            c.dup_para_char_frac,
            DropReason::DupParaCharFrac,
        );
        let lines = split_lines(text);
        let (line_dups, line_chars) = find_duplicates(&lines);
        let dup_line_frac = line_dups as f64 / lines.len() as f64;
        let dup_line_char_frac = line_chars as f64 / text_chars;
        check(
            &mut reason,
            dup_line_frac,
            c.dup_line_frac,
            DropReason::DupLineFrac,
        );
        check(
            &mut reason,
            dup_line_char_frac,
            c.dup_line_char_frac,
            DropReason::DupLineCharFrac,
        );
        signals.push(("dup_para_frac".to_owned(), dup_para_frac));
        signals.push(("dup_para_char_frac".to_owned(), dup_para_char_frac));
        signals.push(("dup_line_frac".to_owned(), dup_line_frac));
        signals.push(("dup_line_char_frac".to_owned(), dup_line_char_frac));
        PREFIXES.with(|cell| {
            let mut fresh = WordPrefixes::default();
            let mut borrowed = cell.try_borrow_mut();
            let prefixes = match borrowed.as_deref_mut() {
                Ok(prefixes) => prefixes,
                Err(_) => &mut fresh,
            };
            prefixes.fill(words);
            with_indexes(|index, _| {
                // which (n-1)-grams repeat, from the previous n when the n are consecutive
                let mut repeated = std::mem::take(&mut prefixes.top_repeated);
                let mut class = std::mem::take(&mut prefixes.top_class);
                repeated.clear();
                let mut last_n = 0;
                for &(n, frac) in &c.top_n_grams {
                    if n != last_n + 1 {
                        repeated.clear();
                    }
                    last_n = n;
                    let value = top_n_gram_chars(words, prefixes, index, n, &mut repeated, &mut class)
                        .map_or(0.0, |chars| chars as f64 / text_chars);
                    if let Some(r) = top_n_gram_reason(n) {
                        // datatrove compares even at a fraction of 0 here (no `if frac` guard)
                        if reason.is_none() && value > frac {
                            reason = Some(r);
                        }
                    }
                    signals.push((format!("top_{n}_gram_char_frac"), value));
                }
                prefixes.top_repeated = repeated;
                prefixes.top_class = class;
                let min_n = c.dup_n_grams.iter().map(|&(n, _)| n).min().unwrap_or(1).max(1);
                prefixes.mark_may_repeat(index, min_n);
                for &(n, frac) in &c.dup_n_grams {
                    let value = dup_n_gram_chars(words, prefixes, index, n) as f64 / text_chars;
                    if let Some(r) = dup_n_gram_reason(n)
                        && reason.is_none()
                        && value > frac
                    {
                        reason = Some(r);
                    }
                    signals.push((format!("dup_{n}_gram_char_frac"), value));
                }
            });
        });
        (reason, signals)
    }
}

impl Step for GopherRepetition {
    fn name(&self) -> &str {
        "gopher_repetition"
    }

    fn process(&self, doc: &mut Document) -> Verdict {
        let (filter, words) = self.languages.pick(self, doc.language.as_deref(), &doc.text);
        let (reason, signals) = filter.evaluate_words(&doc.text, &words);
        record(doc, "gopher_repetition", reason, signals)
    }
}
