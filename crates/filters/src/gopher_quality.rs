//! `gopher_quality`: the quality rules of Gopher (Rae et al. 2021, appendix A), as datatrove 0.10.1's
//! `GopherQualityFilter` applies them.

use saring_core::{Document, DropReason, Step, Verdict};
use serde::{Deserialize, Serialize};

use crate::languages::{PerLanguage, record};
use crate::prefiltered::PrefilteredMap;
use crate::punctuation::is_punctuation;
use crate::words::{char_count, is_alpha, py_strip_end, py_strip_start, split_into_words};
use rustc_hash::FxHashMap;

/// Settings of the `gopher_quality` filter; defaults are datatrove 0.10.1's. A setting of 0 turns its rule
/// off (as `None` or 0 does in datatrove).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GopherQualityConfig {
    /// Drop with `gopher_short_doc` when the document has fewer non-symbol words (words with at least one
    /// character outside datatrove's punctuation set). Default 50.
    #[serde(default = "default_min_doc_words")]
    pub min_doc_words: u64,
    /// Drop with `gopher_long_doc` when it has more non-symbol words. Default 100000.
    #[serde(default = "default_max_doc_words")]
    pub max_doc_words: u64,
    /// Drop with `gopher_below_avg_threshold` when the mean length of non-symbol words, in characters, is
    /// lower. Default 3.
    #[serde(default = "default_min_avg_word_length")]
    pub min_avg_word_length: f64,
    /// Drop with `gopher_above_avg_threshold` when that mean is higher. Default 10.
    #[serde(default = "default_max_avg_word_length")]
    pub max_avg_word_length: f64,
    /// Drop with `gopher_too_many_hashes` (resp. `gopher_too_many_ellipsis`) when the number of `#` (resp.
    /// `...` and `…`) per word is higher. Default 0.1.
    #[serde(default = "default_max_symbol_word_ratio")]
    pub max_symbol_word_ratio: f64,
    /// Drop with `gopher_too_many_bullets` when a higher share of lines starts with `•` or `-`. Default 0.9.
    #[serde(default = "default_max_bullet_lines_ratio")]
    pub max_bullet_lines_ratio: f64,
    /// Drop with `gopher_too_many_end_ellipsis` when a higher share of lines ends with `...` or `…`.
    /// Default 0.3.
    #[serde(default = "default_max_ellipsis_lines_ratio")]
    pub max_ellipsis_lines_ratio: f64,
    /// Drop with `gopher_below_alpha_threshold` when the share of words containing a letter is lower
    /// (datatrove's name, kept for compatibility: it is a minimum). Default 0.8.
    #[serde(default = "default_max_non_alpha_words_ratio")]
    pub max_non_alpha_words_ratio: f64,
    /// Drop with `gopher_enough_stop_words` when fewer distinct `stop_words` occur as words. Default 2.
    #[serde(default = "default_min_stop_words")]
    pub min_stop_words: u64,
    /// The stop words (matched case-sensitively against whole words). Default Gopher's: `the`, `be`, `to`,
    /// `of`, `and`, `that`, `have`, `with`.
    #[serde(default = "default_stop_words")]
    pub stop_words: Vec<String>,
    /// Use FineWeb-2's values for the document's `language` (set by `langid`) where saring has them
    /// (`min_avg_word_length`, `max_avg_word_length`, `max_non_alpha_words_ratio`, `stop_words`), and
    /// split Thai, Chinese and Japanese into words by dictionary. Other languages, `en` and documents
    /// without a language use the settings above. Default false: datatrove's behaviour.
    #[serde(default)]
    pub language_aware: bool,
}

const fn default_min_doc_words() -> u64 {
    50
}
const fn default_max_doc_words() -> u64 {
    100_000
}
const fn default_min_avg_word_length() -> f64 {
    3.0
}
const fn default_max_avg_word_length() -> f64 {
    10.0
}
const fn default_max_symbol_word_ratio() -> f64 {
    0.1
}
const fn default_max_bullet_lines_ratio() -> f64 {
    0.9
}
const fn default_max_ellipsis_lines_ratio() -> f64 {
    0.3
}
const fn default_max_non_alpha_words_ratio() -> f64 {
    0.8
}
const fn default_min_stop_words() -> u64 {
    2
}
/// Gopher's English stop words.
pub const GOPHER_STOP_WORDS: [&str; 8] = ["the", "be", "to", "of", "and", "that", "have", "with"];
fn default_stop_words() -> Vec<String> {
    GOPHER_STOP_WORDS.iter().map(|w| (*w).to_owned()).collect()
}

impl Default for GopherQualityConfig {
    fn default() -> GopherQualityConfig {
        GopherQualityConfig {
            min_doc_words: default_min_doc_words(),
            max_doc_words: default_max_doc_words(),
            min_avg_word_length: default_min_avg_word_length(),
            max_avg_word_length: default_max_avg_word_length(),
            max_symbol_word_ratio: default_max_symbol_word_ratio(),
            max_bullet_lines_ratio: default_max_bullet_lines_ratio(),
            max_ellipsis_lines_ratio: default_max_ellipsis_lines_ratio(),
            max_non_alpha_words_ratio: default_max_non_alpha_words_ratio(),
            min_stop_words: default_min_stop_words(),
            stop_words: default_stop_words(),
            language_aware: false,
        }
    }
}

impl GopherQualityConfig {
    /// Problems with the values, each naming the field and value; empty when valid.
    pub fn validate(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (name, value) in [
            ("min_avg_word_length", self.min_avg_word_length),
            ("max_avg_word_length", self.max_avg_word_length),
            ("max_symbol_word_ratio", self.max_symbol_word_ratio),
            ("max_bullet_lines_ratio", self.max_bullet_lines_ratio),
            ("max_ellipsis_lines_ratio", self.max_ellipsis_lines_ratio),
            ("max_non_alpha_words_ratio", self.max_non_alpha_words_ratio),
        ] {
            if !(value.is_finite() && value >= 0.0) {
                problems.push(format!("{name} = {value} must be a number ≥ 0"));
            }
        }
        if self.max_doc_words != 0 && self.max_doc_words < self.min_doc_words {
            problems.push(format!(
                "max_doc_words = {} must be ≥ min_doc_words = {}",
                self.max_doc_words, self.min_doc_words
            ));
        }
        problems
    }
}

/// The signals of `gopher_quality` for one text (recorded as `gopher_quality.<name>`).
#[derive(Debug, Clone, PartialEq)]
struct Signals {
    words: usize,
    mean_word_length: Option<f64>,
    hash_word_ratio: Option<f64>,
    ellipsis_word_ratio: Option<f64>,
    bullet_lines_frac: Option<f64>,
    end_ellipsis_lines_frac: Option<f64>,
    alpha_words_frac: Option<f64>,
    stop_words: usize,
}

/// Python's `text.count(needle)`: non-overlapping occurrences, leftmost first, by a vectorised search.
fn count_substring(text: &str, needle: &str) -> usize {
    memchr::memmem::find_iter(text.as_bytes(), needle.as_bytes()).count()
}

fn ratio(a: usize, b: usize) -> Option<f64> {
    (b != 0).then(|| a as f64 / b as f64)
}

/// The first position from `i` that is not in a run of printable ASCII (0x20–0x7f, where no line break
/// begins), found eight bytes at a time; it may stop early, at a position that is still printable ASCII.
fn skip_printable_ascii(bytes: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(&[a, b, c, d, e, f, g, h]) = bytes.get(i..i + 8) {
        let x = u64::from_le_bytes([a, b, c, d, e, f, g, h]);
        // a byte of 0x80 or above has its high bit; one below 0x20 borrows (the lowest such one
        // always, so none is missed; a borrow may flag a later byte too, which only stops early)
        if (x.wrapping_sub(ONES * 0x20) | x) & HIGH != 0 {
            break;
        }
        i += 8;
    }
    i
}

/// Python's `str.splitlines()`.
pub(crate) fn py_splitlines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let bytes = text.as_bytes();
    let (mut start, mut i) = (0, 0);
    while let Some(&b) = bytes.get(i) {
        // the break's length in bytes: the ASCII breaks, `\r\n`, and U+0085, U+2028, U+2029 in UTF-8
        let len = match b {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => 2,
            b'\n' | b'\r' | 0x0b | 0x0c | 0x1c..=0x1e => 1,
            0xc2 if bytes.get(i + 1) == Some(&0x85) => 2,
            0xe2 if bytes.get(i + 1) == Some(&0x80) && matches!(bytes.get(i + 2), Some(0xa8 | 0xa9)) => 3,
            _ => 0,
        };
        if len == 0 {
            // after printable ASCII, more is likely: skip it eight bytes at a time
            i = if (0x20..0x80).contains(&b) {
                skip_printable_ascii(bytes, i + 1)
            } else {
                i + 1
            };
            continue;
        }
        lines.push(text.get(start..i).unwrap_or_default());
        i += len;
        start = i;
    }
    if start < text.len() {
        lines.push(text.get(start..).unwrap_or_default());
    }
    lines
}

/// Each distinct word of `words` with its number in order of first appearance.
fn numbered(words: &[String]) -> FxHashMap<String, usize> {
    let mut numbers = FxHashMap::default();
    for w in words {
        let next = numbers.len();
        numbers.entry(w.clone()).or_insert(next);
    }
    numbers
}

/// Drops documents that fail Gopher's quality rules; records `gopher_quality.*` on every document.
#[derive(Debug, Clone)]
pub struct GopherQuality {
    config: GopherQualityConfig,
    /// Each distinct stop word and its number (0, 1, …), for a bit set of those seen.
    stop_words: PrefilteredMap<String, usize>,
    languages: PerLanguage<GopherQuality>,
}

impl GopherQuality {
    /// The filter for the given (validated) settings.
    pub fn new(config: &GopherQualityConfig) -> GopherQuality {
        let languages = PerLanguage::new(config.language_aware, |s| {
            GopherQuality::new(&GopherQualityConfig {
                min_avg_word_length: s.min_avg_word_length,
                max_avg_word_length: s.max_avg_word_length,
                max_non_alpha_words_ratio: s.max_non_alpha_words_ratio,
                stop_words: s.stop_words.clone(),
                language_aware: false,
                ..config.clone()
            })
        });
        GopherQuality {
            config: config.clone(),
            stop_words: PrefilteredMap::new(numbered(&config.stop_words)),
            languages,
        }
    }

    fn signals(&self, text: &str, words: &[&str]) -> Signals {
        let mut non_symbol = 0usize;
        let mut non_symbol_chars = 0usize;
        let mut alpha_words = 0usize;
        let mut stop_seen = vec![0u64; self.stop_words.len().div_ceil(64)];
        let mut stop_words = 0usize;
        for w in words {
            if w.chars().any(|c| !is_punctuation(c)) {
                non_symbol += 1;
                non_symbol_chars += char_count(w.as_bytes());
            }
            if w.chars().any(is_alpha) {
                alpha_words += 1;
            }
            // once every stop word has been seen the count cannot grow: no more look-ups
            if stop_words < self.stop_words.len()
                && let Some(&i) = self.stop_words.get(w)
                && let Some(bits) = stop_seen.get_mut(i / 64)
                && *bits & (1 << (i % 64)) == 0
            {
                *bits |= 1 << (i % 64);
                stop_words += 1;
            }
        }
        let n = words.len();
        let lines = py_splitlines(text);
        let bullets = lines
            .iter()
            .filter(|s| {
                let s = py_strip_start(s);
                s.starts_with('•') || s.starts_with('-')
            })
            .count();
        let end_ellipsis = lines
            .iter()
            .filter(|s| {
                let s = py_strip_end(s);
                s.ends_with("...") || s.ends_with('…')
            })
            .count();
        Signals {
            words: non_symbol,
            mean_word_length: ratio(non_symbol_chars, non_symbol),
            hash_word_ratio: ratio(memchr::memchr_iter(b'#', text.as_bytes()).count(), n),
            ellipsis_word_ratio: ratio(count_substring(text, "...") + count_substring(text, "…"), n),
            bullet_lines_frac: ratio(bullets, lines.len()),
            end_ellipsis_lines_frac: ratio(end_ellipsis, lines.len()),
            alpha_words_frac: ratio(alpha_words, n),
            stop_words,
        }
    }

    fn decide(&self, s: &Signals) -> Option<DropReason> {
        let c = &self.config;
        let above = |v: Option<f64>, t: f64| t != 0.0 && v.is_some_and(|v| v > t);
        let below = |v: Option<f64>, t: f64| t != 0.0 && v.is_some_and(|v| v < t);
        if c.min_doc_words != 0 && (s.words as u64) < c.min_doc_words {
            return Some(DropReason::GopherShortDoc);
        }
        if c.max_doc_words != 0 && (s.words as u64) > c.max_doc_words {
            return Some(DropReason::GopherLongDoc);
        }
        if below(s.mean_word_length, c.min_avg_word_length) {
            return Some(DropReason::GopherBelowAvgThreshold);
        }
        if above(s.mean_word_length, c.max_avg_word_length) {
            return Some(DropReason::GopherAboveAvgThreshold);
        }
        if above(s.hash_word_ratio, c.max_symbol_word_ratio) {
            return Some(DropReason::GopherTooManyHashes);
        }
        if above(s.ellipsis_word_ratio, c.max_symbol_word_ratio) {
            return Some(DropReason::GopherTooManyEllipsis);
        }
        if above(s.bullet_lines_frac, c.max_bullet_lines_ratio) {
            return Some(DropReason::GopherTooManyBullets);
        }
        if above(s.end_ellipsis_lines_frac, c.max_ellipsis_lines_ratio) {
            return Some(DropReason::GopherTooManyEndEllipsis);
        }
        if below(s.alpha_words_frac, c.max_non_alpha_words_ratio) {
            return Some(DropReason::GopherBelowAlphaThreshold);
        }
        if c.min_stop_words != 0 && (s.stop_words as u64) < c.min_stop_words {
            return Some(DropReason::GopherEnoughStopWords);
        }
        None
    }

    /// The verdict for a text, with its signals as `(name, value)` pairs (names without the step prefix).
    pub fn evaluate(&self, text: &str) -> (Option<DropReason>, Vec<(&'static str, f64)>) {
        let words = split_into_words(text);
        self.evaluate_words(text, &words)
    }

    /// As [`GopherQuality::evaluate`], with the text's words already split (datatrove's `split_into_words`).
    pub fn evaluate_words(
        &self,
        text: &str,
        words: &[&str],
    ) -> (Option<DropReason>, Vec<(&'static str, f64)>) {
        let s = self.signals(text, words);
        let mut out = vec![("words", s.words as f64), ("stop_words", s.stop_words as f64)];
        for (name, v) in [
            ("mean_word_length", s.mean_word_length),
            ("hash_word_ratio", s.hash_word_ratio),
            ("ellipsis_word_ratio", s.ellipsis_word_ratio),
            ("bullet_lines_frac", s.bullet_lines_frac),
            ("end_ellipsis_lines_frac", s.end_ellipsis_lines_frac),
            ("alpha_words_frac", s.alpha_words_frac),
        ] {
            if let Some(v) = v {
                out.push((name, v));
            }
        }
        (self.decide(&s), out)
    }
}

impl Step for GopherQuality {
    fn name(&self) -> &str {
        "gopher_quality"
    }

    fn process(&self, doc: &mut Document) -> Verdict {
        let (filter, words) = self.languages.pick(self, doc.language.as_deref(), &doc.text);
        let (reason, signals) = filter.evaluate_words(&doc.text, &words);
        record(doc, "gopher_quality", reason, signals)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_are_counted_as_chars_counts_them() {
        for w in ["", "the", "café", "—", "über-", "x…", "ß", "😀a", "\u{7f}\u{80}"] {
            assert_eq!(char_count(w.as_bytes()), w.chars().count(), "{w:?}");
        }
    }

    #[test]
    fn substrings_are_counted_as_python_counts_them() {
        for (text, needle) in [
            ("....", "..."),
            ("......", "..."),
            ("a...b...", "..."),
            ("……", "…"),
            ("", "..."),
            ("a#b##", "#"),
        ] {
            assert_eq!(
                count_substring(text, needle),
                text.matches(needle).count(),
                "{text:?}"
            );
        }
    }

    fn run(text: &str) -> (Verdict, Document) {
        let filter = GopherQuality::new(&GopherQualityConfig::default());
        let mut doc = Document::new("d".into(), text.into());
        (filter.process(&mut doc), doc)
    }

    #[test]
    fn short_and_empty_documents_are_dropped_with_signals() {
        let (v, doc) = run("");
        assert_eq!(v, Verdict::Drop(DropReason::GopherShortDoc));
        assert_eq!(doc.signals["gopher_quality.words"], 0.0);
        let (v, _) = run("Just a few words here.");
        assert_eq!(v, Verdict::Drop(DropReason::GopherShortDoc));
    }

    #[test]
    fn keeps_ordinary_prose_and_drops_for_stop_words() {
        let prose = "The cat sat on the mat and looked at the birds with interest. ".repeat(8);
        let (v, doc) = run(&prose);
        assert_eq!(v, Verdict::Keep);
        assert!(doc.signals["gopher_quality.mean_word_length"] > 3.0);
        let no_stop = "Cats sit on mats looking at birds quite intently today. ".repeat(8);
        assert_eq!(run(&no_stop).0, Verdict::Drop(DropReason::GopherEnoughStopWords));
        let hashes = "#the #and #tag #of words ".repeat(20);
        assert_eq!(run(&hashes).0, Verdict::Drop(DropReason::GopherTooManyHashes));
    }

    #[test]
    fn splitlines_is_pythons() {
        assert_eq!(py_splitlines("a\r\nb\rc\u{2028}d\n"), ["a", "b", "c", "d"]);
        assert_eq!(py_splitlines("a\n\nb"), ["a", "", "b"]);
        assert!(py_splitlines("").is_empty());
        assert_eq!(
            py_splitlines("a\u{85}b\u{2028}c\u{2029}d\u{1e}e\u{1f}f\x0bg\x0ch\r\r\ni\u{2027}é"),
            ["a", "b", "c", "d", "e\u{1f}f", "g", "h", "", "i\u{2027}é"]
        );
    }

    /// `str.splitlines()` character by character, as Python's documentation lists the breaks.
    fn splitlines_by_chars(text: &str) -> Vec<&str> {
        let mut lines = Vec::new();
        let mut start = 0;
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if matches!(
                c,
                '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{1c}'..='\u{1e}' | '\u{85}' | '\u{2028}' | '\u{2029}'
            ) {
                lines.push(text.get(start..i).unwrap_or_default());
                start = i + c.len_utf8();
                if c == '\r' && chars.peek().is_some_and(|&(_, n)| n == '\n') {
                    chars.next();
                    start += 1;
                }
            }
        }
        if start < text.len() {
            lines.push(text.get(start..).unwrap_or_default());
        }
        lines
    }

    proptest::proptest! {
        #[test]
        fn splitlines_by_bytes_agrees_with_splitlines_by_chars(
            pieces in proptest::collection::vec(proptest::sample::select(&[
                "a", "é", "\n", "\r", "\r\n", "\u{b}", "\u{c}", "\u{1c}", "\u{1d}", "\u{1e}", "\u{1f}",
                "\u{85}", "\u{86}", "\u{2028}", "\u{2029}", "\u{2027}", "\u{202a}", "Ā", "—", "😀", " ",
                "plain ascii text", "0123456", "~\u{7f}",
            ][..]), 0..30),
        ) {
            let text = pieces.concat();
            proptest::prop_assert_eq!(py_splitlines(&text), splitlines_by_chars(&text));
        }
    }

    #[test]
    fn config_rejects_unknown_keys_and_has_a_default() {
        let config: GopherQualityConfig = toml::from_str("").unwrap();
        assert_eq!(config, GopherQualityConfig::default());
        assert!(toml::from_str::<GopherQualityConfig>("min_words = 3").is_err());
        let bad = GopherQualityConfig {
            min_doc_words: 50,
            max_doc_words: 10,
            ..GopherQualityConfig::default()
        };
        assert_eq!(bad.validate().len(), 1);
    }
}
