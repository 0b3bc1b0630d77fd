//! `c4_quality`: the line and page rules of C4 (Raffel et al. 2020), as datatrove 0.10.1's
//! `C4QualityFilter` applies them with its defaults (lines split at line breaks).

use std::borrow::Cow;

use saring_core::{Document, DropReason, Step, Verdict};
use serde::{Deserialize, Serialize};

use crate::gopher_quality::py_splitlines;
use crate::words::{count_sentences, is_decimal, is_py_space, py_strip, py_strip_end, py_strip_start};

/// Settings of the `c4_quality` filter; defaults are datatrove 0.10.1's.
///
/// Like datatrove, a kept document's text is replaced by its kept lines joined with `\n`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct C4QualityConfig {
    /// Remove Wikipedia-style citations (`[1]`, `[edit]`, `[citation needed]`) from each line. Default true.
    #[serde(default = "yes")]
    pub remove_citations: bool,
    /// Remove lines that do not end in `.`, `?`, `!`, `"` or `'`, or that end in `...`. Default true.
    #[serde(default = "yes")]
    pub filter_no_terminal_punct: bool,
    /// Drop with `too_few_sentences` when the kept lines hold fewer sentences; -1 turns it off.
    /// Default 5.
    #[serde(default = "default_min_num_sentences")]
    pub min_num_sentences: i64,
    /// Remove lines with fewer whitespace-separated words. Default 3.
    #[serde(default = "default_min_words_per_line")]
    pub min_words_per_line: i64,
    /// Remove lines with a word longer than this many characters; -1 turns it off. Default 1000.
    #[serde(default = "default_max_word_length")]
    pub max_word_length: i64,
    /// Drop with `lorem_ipsum` a document with a kept line containing "lorem ipsum". Default true.
    #[serde(default = "yes")]
    pub filter_lorem_ipsum: bool,
    /// Remove lines containing "javascript". Default true.
    #[serde(default = "yes")]
    pub filter_javascript: bool,
    /// Drop with `curly_bracket` a document with a kept line containing `{`. Default true.
    #[serde(default = "yes")]
    pub filter_curly_bracket: bool,
    /// Remove lines containing "terms of use", "privacy policy", "cookie policy", "uses cookies",
    /// "use of cookies" or "use cookies". Default true.
    #[serde(default = "yes")]
    pub filter_policy: bool,
}

const fn yes() -> bool {
    true
}
const fn default_min_num_sentences() -> i64 {
    5
}
const fn default_min_words_per_line() -> i64 {
    3
}
const fn default_max_word_length() -> i64 {
    1000
}

impl Default for C4QualityConfig {
    fn default() -> C4QualityConfig {
        C4QualityConfig {
            remove_citations: true,
            filter_no_terminal_punct: true,
            min_num_sentences: default_min_num_sentences(),
            min_words_per_line: default_min_words_per_line(),
            max_word_length: default_max_word_length(),
            filter_lorem_ipsum: true,
            filter_javascript: true,
            filter_curly_bracket: true,
            filter_policy: true,
        }
    }
}

impl C4QualityConfig {
    /// Problems with the values, each naming the field and value; empty when valid.
    pub fn validate(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (name, value) in [
            ("min_num_sentences", self.min_num_sentences),
            ("min_words_per_line", self.min_words_per_line),
            ("max_word_length", self.max_word_length),
        ] {
            if value < -1 {
                problems.push(format!("{name} = {value} must be ≥ 0, or -1 for off"));
            }
        }
        problems
    }
}

const POLICY_SUBSTRINGS: [&str; 6] = [
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
];

/// datatrove's `CITATION_REGEX.sub("", line)`: `\[\d*]|\[edit]|\[citation needed]`, leftmost first.
fn remove_citations(line: &str) -> Cow<'_, str> {
    if !line.contains('[') {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(i) = rest.find('[') {
        out.push_str(rest.get(..i).unwrap_or_default());
        let after = rest.get(i + 1..).unwrap_or_default();
        let digits = after.find(|c: char| !is_decimal(c)).unwrap_or(after.len());
        let matched = if after.get(digits..).is_some_and(|s| s.starts_with(']')) {
            Some(digits + 1)
        } else if after.starts_with("edit]") {
            Some(5)
        } else if after.starts_with("citation needed]") {
            Some(16)
        } else {
            None
        };
        match matched {
            Some(len) => rest = after.get(len..).unwrap_or_default(),
            None => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The number of words in `line` (Python's `line.split()`), and whether one has more than `max_len`
/// characters (-1: no limit). The words are only counted and measured, so they are not collected. An
/// ASCII line no longer than `max_len` cannot hold a long word, and its words are counted as the starts
/// of non-space runs, in a branch-free pass the compiler vectorises.
fn count_words(line: &str, max_len: i64) -> (i64, bool) {
    let b = line.as_bytes();
    if (max_len == -1 || b.len() as i64 <= max_len) && b.is_ascii() {
        // `is_py_space` on ASCII: `\t`..=`\r`, U+001C..=U+001F and the space
        let space = |x: u8| matches!(x, b'\t'..=b'\r' | 0x1c..=0x1f | b' ');
        let first = b.first().is_some_and(|&x| !space(x));
        let starts = b
            .iter()
            .zip(b.get(1..).unwrap_or_default())
            .filter(|&(&before, &x)| space(before) && !space(x))
            .count();
        return ((usize::from(first) + starts) as i64, false);
    }
    let (mut words, mut too_long) = (0i64, false);
    for w in line.split(is_py_space).filter(|w| !w.is_empty()) {
        words += 1;
        // a word has at most as many characters as bytes: only a long one is counted
        too_long =
            too_long || (max_len != -1 && w.len() as i64 > max_len && w.chars().count() as i64 > max_len);
    }
    (words, too_long)
}

/// `line.to_lowercase()` written into `buf` (cleared first): an ASCII line is copied and lowered in
/// place, so the per-line walk reuses one buffer instead of allocating a lowered copy of every line.
fn lowercase_into(line: &str, buf: &mut String) {
    buf.clear();
    if line.is_ascii() {
        buf.push_str(line);
        buf.make_ascii_lowercase();
    } else {
        // full Unicode rules (final sigma, `İ`, the Kelvin sign lowering to ASCII `k`, ...)
        buf.push_str(&line.to_lowercase());
    }
}

/// The kept lines joined with `\n` and stripped (Python's `strip()`), the text datatrove leaves in a
/// kept document; stripped in place, so the joined text is not copied again.
fn join_stripped(kept: &[Cow<'_, str>]) -> String {
    let mut joined = kept.join("\n");
    let end = py_strip_end(&joined).len();
    joined.truncate(end);
    let start = joined.len() - py_strip_start(&joined).len();
    joined.drain(..start);
    joined
}

/// What the C4 walk over a document's lines found.
struct Walk<'t> {
    reason: Option<DropReason>,
    lines: usize,
    kept: Vec<Cow<'t, str>>,
    sentences: usize,
}

impl Walk<'_> {
    /// The signals recorded on every document, as `(name, value)` pairs.
    fn signals(&self) -> [(&'static str, f64); 3] {
        [
            ("lines", self.lines as f64),
            ("kept_lines", self.kept.len() as f64),
            ("sentences", self.sentences as f64),
        ]
    }
}

/// Drops documents with too few good sentences and removes the bad lines of the rest; records
/// `c4_quality.lines`, `c4_quality.kept_lines` and `c4_quality.sentences` on every document.
#[derive(Debug, Clone)]
pub struct C4Quality {
    config: C4QualityConfig,
}

impl C4Quality {
    /// The filter for the given (validated) settings.
    pub fn new(config: &C4QualityConfig) -> C4Quality {
        C4Quality {
            config: config.clone(),
        }
    }

    /// datatrove's walk; after a whole-document drop it goes on counting (for the signals only).
    fn walk<'t>(&self, text: &'t str) -> Walk<'t> {
        let c = &self.config;
        let lines = py_splitlines(text);
        let mut walk = Walk {
            reason: None,
            lines: lines.len(),
            kept: Vec::new(),
            sentences: 0,
        };
        let mut lower = String::new();
        for line in lines {
            let line = py_strip(line);
            let (words, too_long) = count_words(line, c.max_word_length);
            if too_long {
                continue;
            }
            let line = if c.remove_citations {
                remove_citations(line)
            } else {
                Cow::Borrowed(line)
            };
            if c.filter_no_terminal_punct
                && (!line.ends_with(['.', '?', '!', '"', '\'']) || line.ends_with("..."))
            {
                continue;
            }
            if words < c.min_words_per_line {
                continue;
            }
            lowercase_into(&line, &mut lower);
            if c.filter_lorem_ipsum && lower.contains("lorem ipsum") {
                walk.reason.get_or_insert(DropReason::LoremIpsum);
            }
            if c.filter_javascript && lower.contains("javascript") {
                continue;
            }
            if c.filter_curly_bracket && line.contains('{') {
                walk.reason.get_or_insert(DropReason::CurlyBracket);
            }
            if c.filter_policy && POLICY_SUBSTRINGS.iter().any(|p| lower.contains(p)) {
                continue;
            }
            if c.min_num_sentences != -1 {
                walk.sentences += count_sentences(&line);
            }
            walk.kept.push(line);
        }
        if walk.reason.is_none() && (walk.sentences as i64) < c.min_num_sentences {
            walk.reason = Some(DropReason::TooFewSentences);
        }
        walk
    }

    /// The verdict for a text, its signals as `(name, value)` pairs, and the text datatrove leaves in a
    /// kept document (the kept lines joined with `\n`, stripped).
    pub fn evaluate(&self, text: &str) -> (Option<DropReason>, Vec<(&'static str, f64)>, String) {
        let walk = self.walk(text);
        let signals = walk.signals().to_vec();
        (walk.reason, signals, join_stripped(&walk.kept))
    }
}

impl Step for C4Quality {
    fn name(&self) -> &str {
        "c4_quality"
    }

    fn process(&self, doc: &mut Document) -> Verdict {
        // `evaluate`'s work, but the kept text is only built for a kept document
        let walk = self.walk(&doc.text);
        for (name, value) in walk.signals() {
            doc.signals.insert(format!("c4_quality.{name}"), value);
        }
        match walk.reason {
            Some(reason) => Verdict::Drop(reason),
            None => {
                let text = join_stripped(&walk.kept);
                doc.text = text;
                Verdict::Keep
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (Verdict, Document) {
        let filter = C4Quality::new(&C4QualityConfig::default());
        let mut doc = Document::new("d".into(), text.into());
        (filter.process(&mut doc), doc)
    }

    #[test]
    fn citations_are_removed_like_the_regex() {
        assert_eq!(
            remove_citations("a[1] b[] c[edit] d[citation needed] e[x]"),
            "a b c d e[x]"
        );
        assert_eq!(remove_citations("[[2]]"), "[]");
        assert_eq!(remove_citations("x[١٢]"), "x");
        // a line without a bracket is handed back as it is, not copied
        assert!(matches!(
            remove_citations("no citation here"),
            Cow::Borrowed("no citation here")
        ));
    }

    /// `count_words` as the plain split it stands for.
    fn split_count(line: &str, max_len: i64) -> (i64, bool) {
        let words: Vec<&str> = line.split(is_py_space).filter(|w| !w.is_empty()).collect();
        let too_long = max_len != -1 && words.iter().any(|w| w.chars().count() as i64 > max_len);
        (words.len() as i64, too_long)
    }

    #[test]
    fn count_words_is_pythons_split() {
        for line in [
            "",
            " ",
            "one",
            "  two words  ",
            "a\tb\nc\x0bd\x0ce\rf\x1cg\x1dh\x1ei\x1fj",
            "abcdef gh",
            "abcde fghij",
            "ünïcödé wörds\u{3000}here\u{a0}too",
            "äääääää b",
            "x",
            " x",
            "x ",
            &"long ".repeat(300),
        ] {
            for max_len in [-1, 0, 4, 5, 6, 1000] {
                assert_eq!(
                    count_words(line, max_len),
                    split_count(line, max_len),
                    "{line:?} {max_len}"
                );
            }
        }
        assert_eq!(count_words("abcdef gh", 5), (2, true));
        assert_eq!(count_words("abcde fghij", 5), (2, false));
        assert_eq!(count_words("a\x1cb c", -1), (3, false));
    }

    #[test]
    fn lowercase_into_is_to_lowercase() {
        let mut buf = String::from("left over");
        for line in [
            "",
            "Plain ASCII Line, With JavaScript!",
            "ΟΔΟΣ ΣΑΣ",
            "\u{212A}elvin and İstanbul",
            "Straße GROSS",
        ] {
            lowercase_into(line, &mut buf);
            assert_eq!(buf, line.to_lowercase(), "{line:?}");
        }
        // the Kelvin sign lowers to an ASCII `k`, so a non-ASCII line must take the Unicode path
        lowercase_into("Use Coo\u{212A}ies", &mut buf);
        assert!(buf.contains("use cookies"));
    }

    #[test]
    fn join_stripped_is_join_then_strip() {
        let cases: [&[&str]; 5] = [
            &[],
            &["a b c."],
            &["a b ", "c d."],
            &[" \u{3000}x", "y\t "],
            &["  ", " "],
        ];
        for lines in cases {
            let kept: Vec<Cow<'_, str>> = lines.iter().map(|l| Cow::Borrowed(*l)).collect();
            assert_eq!(join_stripped(&kept), py_strip(&lines.join("\n")), "{lines:?}");
        }
    }

    #[test]
    fn process_matches_evaluate_for_kept_and_dropped_documents() {
        // as the fineweb preset: a line ending in a space after citation removal is kept, so the
        // joined text has to be stripped
        let filter = C4Quality::new(&C4QualityConfig {
            filter_no_terminal_punct: false,
            ..C4QualityConfig::default()
        });
        let kept = "This is the first good line. It has two sentences.\nMenu\n\
                    Another line that is good! And then more. And more here. [1]";
        let dropped = "Only one good sentence is here.\nLorem ipsum dolor sit amet.";
        for text in [kept, dropped] {
            let (reason, signals, new_text) = filter.evaluate(text);
            let mut doc = Document::new("d".into(), text.into());
            let verdict = filter.process(&mut doc);
            match reason {
                Some(reason) => {
                    assert_eq!(verdict, Verdict::Drop(reason));
                    assert_eq!(doc.text, text);
                }
                None => {
                    assert_eq!(verdict, Verdict::Keep);
                    assert_eq!(doc.text, new_text);
                }
            }
            for (name, value) in signals {
                assert_eq!(doc.signals[&format!("c4_quality.{name}")], value);
            }
        }
        assert_eq!(filter.evaluate(dropped).0, Some(DropReason::LoremIpsum));
        assert_eq!(filter.evaluate(kept).0, None);
        assert!(filter.evaluate(kept).2.ends_with("more here."));
        assert!(filter.evaluate(kept).2.starts_with("This is"));
    }

    #[test]
    fn keeps_good_lines_and_drops_whole_pages() {
        let text = "This is the first good line. It has two sentences.\nMenu\nWe use cookies on this site.\n\
                    Another line that is good! And then more. And more here.";
        let (v, doc) = run(text);
        assert_eq!(v, Verdict::Keep);
        assert_eq!(
            doc.text,
            "This is the first good line. It has two sentences.\nAnother line that is good! And then more. And more here."
        );
        assert_eq!(doc.signals["c4_quality.sentences"], 5.0);
        assert_eq!(
            run("Only one sentence here.").0,
            Verdict::Drop(DropReason::TooFewSentences)
        );
        assert_eq!(
            run("Some code { is here ok.").0,
            Verdict::Drop(DropReason::CurlyBracket)
        );
        assert_eq!(
            run("Lorem ipsum dolor sit.").0,
            Verdict::Drop(DropReason::LoremIpsum)
        );
    }
}
