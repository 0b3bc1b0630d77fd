//! `gopher_repetition`: the repetition rules of Gopher (Rae et al. 2021, table A1), as datatrove 0.10.1's
//! `GopherRepetitionFilter` applies them.

use saring_core::{Document, DropReason, Step, Verdict};

mod config;
#[cfg(test)]
mod tests;

pub use config::{GopherRepetitionConfig, dup_n_gram_reason, top_n_gram_reason};

use crate::fxhash::{FxHashMap, FxHashSet};
use crate::languages::{PerLanguage, record};
use crate::words::{py_strip, split_into_words};

/// datatrove's `find_duplicates`: how many elements repeat an earlier one, and their characters.
pub(crate) fn find_duplicates<'a>(items: impl IntoIterator<Item = &'a str>) -> (usize, usize) {
    let mut unique: FxHashSet<&str> = FxHashSet::default();
    let (mut elements, mut chars) = (0, 0);
    for item in items {
        if !unique.insert(item) {
            elements += 1;
            chars += item.chars().count();
        }
    }
    (elements, chars)
}

/// The base of the polynomial hash of byte strings used to find repeated n-grams.
const POLY: u64 = 0x0100_0000_01b3;

/// Whether the concatenations of two runs of words are equal.
fn same_concatenation(a: &[&str], b: &[&str]) -> bool {
    let len = |ws: &[&str]| ws.iter().map(|w| w.len()).sum::<usize>();
    len(a) == len(b)
        && a.iter()
            .flat_map(|w| w.bytes())
            .eq(b.iter().flat_map(|w| w.bytes()))
}

/// datatrove's `find_all_duplicate(words, n)`: walks the word n-grams (joined without a separator); a
/// repeat counts its characters and skips n words, a new one moves one word on.
///
/// An n-gram is keyed by a polynomial hash of its concatenated bytes (combined from per-word hashes, so
/// nothing is copied); equal hashes are confirmed by comparing the bytes.
fn dup_n_gram_chars(words: &[&str], lens: &[usize], word_hashes: &[(u64, u64)], n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    let hash_at = |idx: usize| {
        word_hashes
            .get(idx..idx + n)
            .unwrap_or_default()
            .iter()
            .fold(0u64, |h, &(wh, pow)| h.wrapping_mul(pow).wrapping_add(wh))
    };
    // first start of each hash; starts of other n-grams with a hash already taken (a 64-bit collision)
    let mut unique: FxHashMap<u64, usize> =
        FxHashMap::with_capacity_and_hasher(words.len(), Default::default());
    let mut collided: FxHashMap<u64, Vec<usize>> = FxHashMap::default();
    let (mut repeated, mut idx) = (0usize, 0usize);
    while idx + n <= words.len() {
        let gram = words.get(idx..idx + n).unwrap_or_default();
        let same = |j: usize| same_concatenation(words.get(j..j + n).unwrap_or_default(), gram);
        let hash = hash_at(idx);
        let seen = match unique.get(&hash) {
            None => {
                unique.insert(hash, idx);
                false
            }
            Some(&j) if same(j) => true,
            Some(_) => {
                let others = collided.entry(hash).or_default();
                let seen = others.iter().any(|&j| same(j));
                if !seen {
                    others.push(idx);
                }
                seen
            }
        };
        if seen {
            repeated += lens.get(idx..idx + n).map_or(0, |l| l.iter().sum::<usize>());
            idx += n;
        } else {
            idx += 1;
        }
    }
    repeated
}

/// datatrove's `find_top_duplicate(get_n_grams(words, n))`: the characters of the most frequent n-gram
/// (words joined by a space; ties go to the first seen) times its count; `None` without any n-gram.
///
/// n-grams are keyed by the polynomial hash of their space-joined bytes (equal hashes are confirmed by
/// comparing the words: words hold no space, so equal word runs are exactly equal joined strings).
fn top_n_gram_chars(words: &[&str], lens: &[usize], word_hashes: &[(u64, u64)], n: usize) -> Option<usize> {
    if n == 0 || words.len() < n {
        return None;
    }
    let hash_at = |idx: usize| {
        word_hashes
            .get(idx..idx + n)
            .unwrap_or_default()
            .iter()
            .enumerate()
            .fold(0u64, |h, (k, &(wh, pow))| {
                let h = if k == 0 {
                    h
                } else {
                    h.wrapping_mul(POLY).wrapping_add(u64::from(b' ') + 1)
                };
                h.wrapping_mul(pow).wrapping_add(wh)
            })
    };
    // (first start, count) by hash; n-grams whose hash was taken by another n-gram (a collision)
    let mut counts: FxHashMap<u64, (usize, usize)> =
        FxHashMap::with_capacity_and_hasher(words.len(), Default::default());
    let mut collided: FxHashMap<u64, Vec<(usize, usize)>> = FxHashMap::default();
    let same = |i: usize, j: usize| words.get(i..i + n) == words.get(j..j + n);
    for idx in 0..=words.len() - n {
        let hash = hash_at(idx);
        match counts.get_mut(&hash) {
            None => {
                counts.insert(hash, (idx, 1));
            }
            Some(entry) if same(entry.0, idx) => entry.1 += 1,
            Some(_) => {
                let others = collided.entry(hash).or_default();
                match others.iter_mut().find(|e| same(e.0, idx)) {
                    Some(e) => e.1 += 1,
                    None => others.push((idx, 1)),
                }
            }
        }
    }
    let (first, count) = counts
        .values()
        .chain(collided.values().flatten())
        .copied()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))?;
    let chars: usize = lens.get(first..first + n).map_or(0, |l| l.iter().sum::<usize>()) + n - 1;
    Some(chars * count)
}

/// Each word's polynomial hash and `POLY` to the power of its byte length.
fn word_hashes(words: &[&str]) -> Vec<(u64, u64)> {
    words
        .iter()
        .map(|w| {
            w.bytes().fold((0u64, 1u64), |(h, pow), b| {
                (
                    h.wrapping_mul(POLY).wrapping_add(u64::from(b) + 1),
                    pow.wrapping_mul(POLY),
                )
            })
        })
        .collect()
}

/// Python's `re.split(r"\n{2,}", s)`.
fn split_paragraphs(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        if bytes.get(i) == Some(&b'\n') && bytes.get(i + 1) == Some(&b'\n') {
            let mut j = i;
            while bytes.get(j) == Some(&b'\n') {
                j += 1;
            }
            out.push(s.get(start..i).unwrap_or_default());
            start = j;
            i = j;
        } else {
            i += 1;
        }
    }
    out.push(s.get(start..).unwrap_or_default());
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
        let (para_dups, para_chars) = find_duplicates(paragraphs.iter().copied());
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
        let (line_dups, line_chars) = find_duplicates(lines.iter().copied());
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
        let lens: Vec<usize> = words.iter().map(|w| w.chars().count()).collect();
        let hashes = word_hashes(words);
        for &(n, frac) in &c.top_n_grams {
            let value =
                top_n_gram_chars(words, &lens, &hashes, n).map_or(0.0, |chars| chars as f64 / text_chars);
            if let Some(r) = top_n_gram_reason(n) {
                // datatrove compares even at a fraction of 0 here (no `if frac` guard)
                if reason.is_none() && value > frac {
                    reason = Some(r);
                }
            }
            signals.push((format!("top_{n}_gram_char_frac"), value));
        }
        for &(n, frac) in &c.dup_n_grams {
            let value = dup_n_gram_chars(words, &lens, &hashes, n) as f64 / text_chars;
            if let Some(r) = dup_n_gram_reason(n)
                && reason.is_none()
                && value > frac
            {
                reason = Some(r);
            }
            signals.push((format!("dup_{n}_gram_char_frac"), value));
        }
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
