//! `c4_quality`: the line and page rules of C4 (Raffel et al. 2020), as datatrove 0.10.1's
//! `C4QualityFilter` applies them with its defaults (lines split at line breaks).

use std::borrow::Cow;

use saring_core::{Document, DropReason, Step, Verdict};
use serde::{Deserialize, Serialize};

use crate::gopher_quality::py_splitlines;
use crate::words::{count_sentences, is_decimal, is_py_space, py_strip};

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

/// What the C4 walk over a document's lines found.
struct Walk<'t> {
    reason: Option<DropReason>,
    lines: usize,
    kept: Vec<Cow<'t, str>>,
    sentences: usize,
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
        for line in lines {
            let line = py_strip(line);
            // the words are only counted and measured, so they are not collected
            let (mut words, mut too_long) = (0i64, false);
            for w in line.split(is_py_space).filter(|w| !w.is_empty()) {
                words += 1;
                // a word has at most as many characters as bytes: only a long one is counted
                too_long = too_long
                    || (c.max_word_length != -1
                        && w.len() as i64 > c.max_word_length
                        && w.chars().count() as i64 > c.max_word_length);
            }
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
            let lower = line.to_lowercase();
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
        let signals = vec![
            ("lines", walk.lines as f64),
            ("kept_lines", walk.kept.len() as f64),
            ("sentences", walk.sentences as f64),
        ];
        let joined = walk.kept.join("\n");
        (walk.reason, signals, py_strip(&joined).to_owned())
    }
}

impl Step for C4Quality {
    fn name(&self) -> &str {
        "c4_quality"
    }

    fn process(&self, doc: &mut Document) -> Verdict {
        let (reason, signals, text) = self.evaluate(&doc.text);
        for (name, value) in signals {
            doc.signals.insert(format!("c4_quality.{name}"), value);
        }
        match reason {
            Some(reason) => Verdict::Drop(reason),
            None => {
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
