//! Language-aware filtering: FineWeb-2's per-language settings and dictionary word splitting, on FLORES
//! paragraphs (`../shared/data/langid/flores_dev_paragraphs5.tsv`), against the English defaults.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)] // test code: a panic is a failure report

use std::fmt::Write as _;

use saring_core::{Document, Step, Verdict};
use saring_filters::{
    FineWebQuality, FineWebQualityConfig, GopherQuality, GopherQualityConfig, GopherRepetition,
    GopherRepetitionConfig, language_settings,
};

const PARAGRAPHS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/langid/flores_dev_paragraphs5.tsv"
);
const SNAPSHOT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/snapshots/language_signals.txt"
);

/// The first FLORES paragraph of each language, as a document labelled with it.
fn paragraph(language: &str) -> Document {
    let table = std::fs::read_to_string(PARAGRAPHS).unwrap();
    let text = table
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .find(|(label, _)| *label == language)
        .and_then(|(_, rest)| rest.split_once('\t'))
        .map(|(_, text)| text.to_owned())
        .unwrap();
    let mut doc = Document::new(language.into(), text);
    doc.language = Some(language.into());
    doc
}

fn steps(language_aware: bool) -> Vec<Box<dyn Step>> {
    vec![
        Box::new(GopherRepetition::new(&GopherRepetitionConfig {
            language_aware,
            ..GopherRepetitionConfig::default()
        })),
        Box::new(GopherQuality::new(&GopherQualityConfig {
            language_aware,
            ..GopherQualityConfig::default()
        })),
        Box::new(FineWebQuality::new(&FineWebQualityConfig {
            language_aware,
            ..FineWebQualityConfig::default()
        })),
    ]
}

/// Each step's verdict on the document, and the document with every step's signals.
fn run(mut doc: Document, language_aware: bool) -> (Vec<Verdict>, Document) {
    let verdicts = steps(language_aware)
        .iter()
        .map(|s| s.process(&mut doc))
        .collect();
    (verdicts, doc)
}

#[test]
fn indonesian_and_malay_pass_the_stop_word_rule_only_with_their_own_stop_words() {
    for language in ["id", "ms"] {
        let (default, _) = run(paragraph(language), false);
        let (aware, doc) = run(paragraph(language), true);
        assert_eq!(
            format!("{:?}", default[1]),
            "Drop(GopherEnoughStopWords)",
            "{language}"
        );
        assert_eq!(aware[1], Verdict::Keep, "{language}");
        assert!(doc.signals["gopher_quality.stop_words"] >= 2.0, "{language}");
    }
}

#[test]
fn thai_chinese_japanese_words_are_dictionary_words() {
    for language in ["th", "zh", "ja"] {
        let (_, default) = run(paragraph(language), false);
        let (_, aware) = run(paragraph(language), true);
        let words = |d: &Document| d.signals["gopher_quality.words"];
        let mean = |d: &Document| d.signals["gopher_quality.mean_word_length"];
        // English rules split only at spaces and punctuation: few, very long "words".
        assert!(words(&aware) > 3.0 * words(&default), "{language}");
        let settings = language_settings(language).unwrap();
        assert!(
            (settings.min_avg_word_length..=settings.max_avg_word_length).contains(&mean(&aware)),
            "{language}: {}",
            mean(&aware)
        );
        assert!(mean(&default) > settings.max_avg_word_length, "{language}");
    }
}

#[test]
fn english_and_unlisted_languages_keep_datatroves_settings() {
    for language in ["en", "sw"] {
        let (default_verdicts, default) = run(paragraph(language), false);
        let (aware_verdicts, aware) = run(paragraph(language), true);
        assert_eq!(default_verdicts, aware_verdicts, "{language}");
        assert_eq!(default.signals, aware.signals, "{language}");
    }
}

#[test]
fn per_language_signals_snapshot() {
    let mut out = String::new();
    for language in ["en", "de", "fr", "id", "ms", "ru", "vi", "th", "zh", "ja"] {
        let (default, _) = run(paragraph(language), false);
        let (aware, doc) = run(paragraph(language), true);
        writeln!(out, "{language} default {default:?}").unwrap();
        writeln!(out, "{language} aware   {aware:?}").unwrap();
        for (name, value) in &doc.signals {
            writeln!(out, "  {name} = {value:.4}").unwrap();
        }
    }
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(SNAPSHOT, &out).unwrap();
    }
    let snapshot = std::fs::read_to_string(SNAPSHOT).unwrap_or_default();
    assert!(
        snapshot == out,
        "set UPDATE_SNAPSHOTS=1 to rewrite the snapshot\n{out}"
    );
}
