//! `fineweb_quality`: FineWeb's own line rules (Penedo et al. 2024), as datatrove 0.10.1's
//! `FineWebQualityFilter` applies them.

use saring_core::{Document, DropReason, Step, Verdict};
use serde::{Deserialize, Serialize};

use crate::gopher_repetition::find_duplicates;
use crate::languages::{PerLanguage, record};
use crate::punctuation::is_terminal_punctuation;
use crate::words::{count_words, py_strip, split_into_words};

/// Settings of the `fineweb_quality` filter; defaults are datatrove 0.10.1's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FineWebQualityConfig {
    /// Drop with `line_punct_ratio` when a lower share of non-blank lines ends in terminal punctuation
    /// (`stop_chars`). Default 0.12.
    #[serde(default = "default_line_punct_thr")]
    pub line_punct_thr: f64,
    /// Do not apply `line_punct_thr` to documents where no line ends in terminal punctuation.
    /// Default false.
    #[serde(default)]
    pub line_punct_exclude_zero: bool,
    /// The characters that end a line for `line_punct_thr`. Default: datatrove's `TERMINAL_PUNCTUATION`
    /// (sentence-ending marks of every script).
    #[serde(default)]
    pub stop_chars: Option<Vec<char>>,
    /// Drop with `short_line_ratio` when a higher share of non-blank lines has at most
    /// `short_line_length` characters. Default 0.67.
    #[serde(default = "default_short_line_thr")]
    pub short_line_thr: f64,
    /// The length, in characters, up to which a line is short. Default 30.
    #[serde(default = "default_short_line_length")]
    pub short_line_length: u64,
    /// Drop with `char_dup_ratio` when the characters of non-blank lines repeating an earlier line are a
    /// higher share of the text's characters (newlines not counted). Default 0.01.
    #[serde(default = "default_char_duplicates_ratio")]
    pub char_duplicates_ratio: f64,
    /// Drop with `list_ratio` when the text has more newlines per word. Default 0.3.
    #[serde(default = "default_new_line_ratio")]
    pub new_line_ratio: f64,
    /// Use FineWeb-2's `line_punct_thr` and `new_line_ratio` for the document's `language` (set by
    /// `langid`) where saring has them, and count Thai, Chinese and Japanese words by dictionary. Other
    /// languages, `en` and documents without a language use the settings above. Default false.
    #[serde(default)]
    pub language_aware: bool,
}

const fn default_line_punct_thr() -> f64 {
    0.12
}
const fn default_short_line_thr() -> f64 {
    0.67
}
const fn default_short_line_length() -> u64 {
    30
}
const fn default_char_duplicates_ratio() -> f64 {
    0.01
}
const fn default_new_line_ratio() -> f64 {
    0.3
}

impl Default for FineWebQualityConfig {
    fn default() -> FineWebQualityConfig {
        FineWebQualityConfig {
            line_punct_thr: default_line_punct_thr(),
            line_punct_exclude_zero: false,
            stop_chars: None,
            short_line_thr: default_short_line_thr(),
            short_line_length: default_short_line_length(),
            char_duplicates_ratio: default_char_duplicates_ratio(),
            new_line_ratio: default_new_line_ratio(),
            language_aware: false,
        }
    }
}

impl FineWebQualityConfig {
    /// Problems with the values, each naming the field and value; empty when valid.
    pub fn validate(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (name, value) in [
            ("line_punct_thr", self.line_punct_thr),
            ("short_line_thr", self.short_line_thr),
            ("char_duplicates_ratio", self.char_duplicates_ratio),
            ("new_line_ratio", self.new_line_ratio),
        ] {
            if !(value.is_finite() && value >= 0.0) {
                problems.push(format!("{name} = {value} must be a number ≥ 0"));
            }
        }
        if self.stop_chars.as_ref().is_some_and(Vec::is_empty) {
            problems.push("stop_chars = [] must hold at least one character".to_owned());
        }
        problems
    }
}

/// Drops documents that look like lists, menus or boilerplate; records `fineweb_quality.*` on every
/// document.
#[derive(Debug, Clone)]
pub struct FineWebQuality {
    config: FineWebQualityConfig,
    languages: PerLanguage<FineWebQuality>,
}

impl FineWebQuality {
    /// The filter for the given (validated) settings.
    pub fn new(config: &FineWebQualityConfig) -> FineWebQuality {
        let languages = PerLanguage::new(config.language_aware, |s| {
            FineWebQuality::new(&FineWebQualityConfig {
                line_punct_thr: s.line_punct_thr,
                new_line_ratio: s.new_line_ratio,
                language_aware: false,
                ..config.clone()
            })
        });
        FineWebQuality {
            config: config.clone(),
            languages,
        }
    }

    fn is_stop_char(&self, c: char) -> bool {
        match &self.config.stop_chars {
            Some(chars) => chars.contains(&c),
            None => is_terminal_punctuation(c),
        }
    }

    /// The verdict for a text, with its signals as `(name, value)` pairs (names without the step prefix).
    pub fn evaluate(&self, text: &str) -> (Option<DropReason>, Vec<(&'static str, f64)>) {
        let lines: Vec<&str> = text.split('\n').filter(|l| !py_strip(l).is_empty()).collect();
        if lines.is_empty() {
            return (Some(DropReason::Empty), Vec::new());
        }
        let words = split_into_words(text);
        self.evaluate_lines(text, &lines, words.len())
    }

    /// As [`FineWebQuality::evaluate`], with the words of the text already split.
    pub fn evaluate_words(
        &self,
        text: &str,
        words: &[&str],
    ) -> (Option<DropReason>, Vec<(&'static str, f64)>) {
        self.evaluate_count(text, words.len())
    }

    /// As [`FineWebQuality::evaluate`], with the number of words of the text already known.
    fn evaluate_count(&self, text: &str, n_words: usize) -> (Option<DropReason>, Vec<(&'static str, f64)>) {
        let lines: Vec<&str> = text.split('\n').filter(|l| !py_strip(l).is_empty()).collect();
        if lines.is_empty() {
            return (Some(DropReason::Empty), Vec::new());
        }
        self.evaluate_lines(text, &lines, n_words)
    }

    fn evaluate_lines(
        &self,
        text: &str,
        lines: &[&str],
        n_words: usize,
    ) -> (Option<DropReason>, Vec<(&'static str, f64)>) {
        let c = &self.config;
        let n = lines.len() as f64;
        let punct = lines
            .iter()
            .filter(|l| l.chars().next_back().is_some_and(|ch| self.is_stop_char(ch)))
            .count() as f64
            / n;
        let short = lines
            .iter()
            // a line has at most as many characters as bytes: most are settled by their length
            .filter(|l| {
                l.len() as u64 <= c.short_line_length || l.chars().count() as u64 <= c.short_line_length
            })
            .count() as f64
            / n;
        // '\n' is one byte and one character: the characters that are not one are all but those bytes
        let newline_count = memchr::memchr_iter(b'\n', text.as_bytes()).count();
        let non_newline_chars = text.chars().count() - newline_count;
        let dup = find_duplicates(lines).1 as f64 / non_newline_chars as f64;
        let newlines = newline_count as f64;
        let list = if n_words == 0 {
            f64::INFINITY
        } else {
            newlines / n_words as f64
        };
        let mut signals = vec![
            ("line_punct_ratio", punct),
            ("short_line_ratio", short),
            ("char_dup_ratio", dup),
        ];
        if n_words != 0 {
            signals.push(("list_ratio", list));
        }
        let reason = if punct < c.line_punct_thr && !(punct == 0.0 && c.line_punct_exclude_zero) {
            Some(DropReason::LinePunctRatio)
        } else if short > c.short_line_thr {
            Some(DropReason::ShortLineRatio)
        } else if dup > c.char_duplicates_ratio {
            Some(DropReason::CharDupRatio)
        } else if list > c.new_line_ratio {
            Some(DropReason::ListRatio)
        } else {
            None
        };
        (reason, signals)
    }
}

impl Step for FineWebQuality {
    fn name(&self) -> &str {
        "fineweb_quality"
    }

    fn process(&self, doc: &mut Document) -> Verdict {
        // only the number of words is needed: they are counted, not collected
        let (filter, dictionary) = self.languages.pick_filter(self, doc.language.as_deref());
        let n_words = if dictionary {
            saring_text::dictionary_words(&doc.text).len()
        } else {
            count_words(&doc.text)
        };
        let (reason, signals) = filter.evaluate_count(&doc.text, n_words);
        record(doc, "fineweb_quality", reason, signals)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Verdict {
        let filter = FineWebQuality::new(&FineWebQualityConfig::default());
        let mut doc = Document::new("d".into(), text.into());
        filter.process(&mut doc)
    }

    #[test]
    fn rules_in_datatroves_order() {
        assert_eq!(run(" \n\n"), Verdict::Drop(DropReason::Empty));
        assert_eq!(
            run("Home\nAbout\nContact"),
            Verdict::Drop(DropReason::LinePunctRatio)
        );
        assert_eq!(
            run("Short.\nLines.\nHere."),
            Verdict::Drop(DropReason::ShortLineRatio)
        );
        let long = "This is a reasonably long line of prose that ends with a period.";
        assert_eq!(
            run(&format!("{long}\n{long}")),
            Verdict::Drop(DropReason::CharDupRatio)
        );
        assert_eq!(
            run(&format!("{long} And more words to make it longer than before.")),
            Verdict::Keep
        );
    }

    #[test]
    fn lines_are_measured_in_characters_not_bytes() {
        let filter = FineWebQuality::new(&FineWebQualityConfig::default());
        // twice 20 characters in 40 bytes (short: at most 30 characters), then 31 characters (not short)
        let e20 = "é".repeat(20);
        let text = format!("{e20}\n{e20}\nThis line has thirty-one chars.\n");
        let (_, signals) = filter.evaluate_count(&text, 10);
        let signal = |name: &str| signals.iter().find(|(n, _)| *n == name).map(|&(_, v)| v);
        assert_eq!(signal("short_line_ratio"), Some(2.0 / 3.0));
        // the repeated line's 20 characters of the 71 that are not newlines
        assert_eq!(signal("char_dup_ratio"), Some(20.0 / 71.0));
        assert_eq!(signal("list_ratio"), Some(3.0 / 10.0));
    }

    #[test]
    fn config_parses_stop_chars() {
        let config: FineWebQualityConfig = toml::from_str("stop_chars = ['.', '!']").unwrap();
        assert_eq!(config.stop_chars, Some(vec!['.', '!']));
        assert!(toml::from_str::<FineWebQualityConfig>("line_punct = 1").is_err());
    }
}
