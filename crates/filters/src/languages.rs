//! Per-language settings in the style of FineWeb-2, built in for the languages of
//! `data/fineweb2/languages.tsv` (see `data/fineweb2/README.md` for their source and licence).
//!
//! A filter with `language_aware = true` looks up the document's `language` (the lid.176 label the
//! `langid` step sets) here; a language not in the table, `en`, or no language keeps the filter's own
//! settings (datatrove's English defaults unless configured).

use std::sync::OnceLock;

use saring_core::{Document, DropReason, Verdict};

use crate::words::split_into_words;
use rustc_hash::FxHashMap;

/// FineWeb-2's values for one language (its `configs/<iso3>_<script>.yml`).
#[derive(Debug, Clone, PartialEq)]
pub struct LanguageSettings {
    /// The lid.176 label, e.g. `id`.
    pub language: String,
    /// FineWeb-2's config name, e.g. `ind_Latn`.
    pub source: String,
    /// `gopher_quality.min_avg_word_length`.
    pub min_avg_word_length: f64,
    /// `gopher_quality.max_avg_word_length`.
    pub max_avg_word_length: f64,
    /// `gopher_quality.max_non_alpha_words_ratio`.
    pub max_non_alpha_words_ratio: f64,
    /// `gopher_quality.stop_words`.
    pub stop_words: Vec<String>,
    /// `fineweb_quality.line_punct_thr`.
    pub line_punct_thr: f64,
    /// `fineweb_quality.new_line_ratio`.
    pub new_line_ratio: f64,
    /// `gopher_repetition.dup_line_frac`.
    pub dup_line_frac: f64,
    /// `gopher_repetition.top_n_grams`.
    pub top_n_grams: Vec<(usize, f64)>,
    /// `gopher_repetition.dup_n_grams`.
    pub dup_n_grams: Vec<(usize, f64)>,
}

const TABLE: &str = include_str!("../data/fineweb2/languages.tsv");

fn pairs(field: &str) -> Option<Vec<(usize, f64)>> {
    field
        .split(',')
        .map(|pair| {
            let (n, frac) = pair.split_once(':')?;
            Some((n.parse().ok()?, frac.parse().ok()?))
        })
        .collect()
}

fn parse_row(line: &str) -> Option<LanguageSettings> {
    let f: Vec<&str> = line.split('\t').collect();
    let [
        language,
        source,
        min_avg,
        max_avg,
        non_alpha,
        punct,
        new_line,
        dup_line,
        top,
        dup,
        stop,
    ] = f.as_slice()
    else {
        return None;
    };
    Some(LanguageSettings {
        language: (*language).to_owned(),
        source: (*source).to_owned(),
        min_avg_word_length: min_avg.parse().ok()?,
        max_avg_word_length: max_avg.parse().ok()?,
        max_non_alpha_words_ratio: non_alpha.parse().ok()?,
        stop_words: stop.split(' ').map(str::to_owned).collect(),
        line_punct_thr: punct.parse().ok()?,
        new_line_ratio: new_line.parse().ok()?,
        dup_line_frac: dup_line.parse().ok()?,
        top_n_grams: pairs(top)?,
        dup_n_grams: pairs(dup)?,
    })
}

fn table() -> &'static FxHashMap<String, LanguageSettings> {
    static TABLE_BY_LANGUAGE: OnceLock<FxHashMap<String, LanguageSettings>> = OnceLock::new();
    TABLE_BY_LANGUAGE.get_or_init(|| {
        // The table is a built-in constant; the unit test `every_row_parses` proves each row parses.
        TABLE
            .lines()
            .filter_map(parse_row)
            .map(|s| (s.language.clone(), s))
            .collect()
    })
}

/// The built-in settings for a lid.176 label, if it has any (`en` has none: it keeps the defaults).
pub fn language_settings(language: &str) -> Option<&'static LanguageSettings> {
    table().get(language)
}

/// The lid.176 labels with built-in settings, sorted.
pub fn languages_with_settings() -> Vec<&'static str> {
    let mut labels: Vec<&str> = table().keys().map(String::as_str).collect();
    labels.sort_unstable();
    labels
}

/// Whether words of this language are split by dictionary segmentation
/// ([`saring_text::dictionary_words`]) rather than datatrove's English rules: the languages written
/// without spaces between words.
pub(crate) fn needs_dictionary_segmentation(language: &str) -> bool {
    matches!(language, "th" | "zh" | "ja" | "lo" | "km" | "my" | "wuu" | "yue")
}

/// A filter's per-language copies: one filter per language of the table, built from the filter's own
/// settings with that language's values, when `language_aware` is on.
#[derive(Debug, Clone)]
pub(crate) struct PerLanguage<F> {
    enabled: bool,
    by_language: FxHashMap<&'static str, F>,
}

impl<F> PerLanguage<F> {
    /// The copies `make` builds from each language's settings, or none when `enabled` is false.
    pub(crate) fn new(enabled: bool, make: impl Fn(&LanguageSettings) -> F) -> PerLanguage<F> {
        let by_language = if enabled {
            table().values().map(|s| (s.language.as_str(), make(s))).collect()
        } else {
            FxHashMap::default()
        };
        PerLanguage { enabled, by_language }
    }

    /// The filter for a document in `language` (its copy, else `base`), and whether the document's words
    /// are split by dictionary (unspaced languages, when `language_aware` is on) rather than as datatrove
    /// splits English.
    pub(crate) fn pick_filter<'a>(&'a self, base: &'a F, language: Option<&str>) -> (&'a F, bool) {
        match language.filter(|_| self.enabled) {
            None => (base, false),
            Some(language) => (
                self.by_language.get(language).unwrap_or(base),
                needs_dictionary_segmentation(language),
            ),
        }
    }

    /// The filter for a document in `language` (see [`PerLanguage::pick_filter`]) and the document's words.
    pub(crate) fn pick<'a, 't>(
        &'a self,
        base: &'a F,
        language: Option<&str>,
        text: &'t str,
    ) -> (&'a F, Vec<&'t str>) {
        let (filter, dictionary) = self.pick_filter(base, language);
        let words = if dictionary {
            saring_text::dictionary_words(text)
        } else {
            split_into_words(text)
        };
        (filter, words)
    }
}

/// Records a filter's signals as `<step>.<name>` and turns its reason into the verdict.
pub(crate) fn record<N: std::fmt::Display>(
    doc: &mut Document,
    step: &str,
    reason: Option<DropReason>,
    signals: Vec<(N, f64)>,
) -> Verdict {
    for (name, value) in signals {
        doc.signals.insert(format!("{step}.{name}"), value);
    }
    match reason {
        Some(reason) => Verdict::Drop(reason),
        None => Verdict::Keep,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_parses() {
        let rows = TABLE.lines().count();
        assert_eq!(table().len(), rows);
        assert!(rows >= 30, "{rows}");
        for language in ["id", "ms", "de", "th", "zh", "ja", "ru", "vi"] {
            assert!(language_settings(language).is_some(), "{language}");
        }
        assert!(language_settings("en").is_none());
        let id = language_settings("id").unwrap();
        assert_eq!(id.source, "ind_Latn");
        assert_eq!(id.stop_words.first().map(String::as_str), Some("dan"));
        assert_eq!(id.top_n_grams.len(), 3);
        assert_eq!(id.dup_n_grams.len(), 6);
        assert!(parse_row("xx\tonly two").is_none());
    }

    #[test]
    fn korean_and_arabic_split_at_spaces_and_punctuation() {
        // Both write spaces between words (Korean between eojeol, a stem with its particles): the
        // spaCy-style rules give whole words, punctuation apart (Arabic ، and ؟ included), never one
        // character per word; dictionary segmentation is only for the scripts without spaces.
        for language in ["ko", "ar", "fa", "he", "hi", "ru", "el", "uk"] {
            assert!(!needs_dictionary_segmentation(language), "{language}");
        }
        let aware = PerLanguage::new(true, |_| ());
        let (_, korean) = aware.pick(&(), Some("ko"), "저는 어제 학교에 갔습니다. 날씨가 좋았어요!");
        assert_eq!(
            korean,
            [
                "저는",
                "어제",
                "학교에",
                "갔습니다",
                ".",
                "날씨가",
                "좋았어요",
                "!"
            ]
        );
        let (_, arabic) = aware.pick(&(), Some("ar"), "ذهبت إلى المدرسة، ثم عدت إلى البيت؟");
        assert_eq!(
            arabic,
            ["ذهبت", "إلى", "المدرسة", "،", "ثم", "عدت", "إلى", "البيت", "؟"]
        );
        // Thai, by contrast, gets dictionary words.
        let (_, thai) = aware.pick(&(), Some("th"), "ฉันชอบกินอาหารไทยมาก");
        assert_eq!(thai, ["ฉัน", "ชอบ", "กิน", "อาหาร", "ไทย", "มาก"]);
    }
}
