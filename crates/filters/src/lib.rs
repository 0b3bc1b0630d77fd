//! Quality filters: each module holds one filter's config (`…Config`, plain data from TOML) and its
//! runtime (a [`Step`](saring_core::Step)).
//!
//! A filter records the signals it computed on every document it sees, kept or not, so users can re-filter
//! without re-running, and drops with a [`DropReason`](saring_core::DropReason) named after the setting
//! that decided.
//!
//! | step | config | runtime | what |
//! |---|---|---|---|
//! | `min_length` | [`MinLengthConfig`] | [`MinLength`] | too-short texts |
//! | `gopher_quality` | [`GopherQualityConfig`] | [`GopherQuality`] | Gopher's quality rules (word count and length, symbols, bullets, letters, stop words) |
//! | `gopher_repetition` | [`GopherRepetitionConfig`] | [`GopherRepetition`] | Gopher's repetition rules (duplicated lines, paragraphs and n-grams) |
//! | `c4_quality` | [`C4QualityConfig`] | [`C4Quality`] | C4's line rules; keeps only the good lines |
//! | `fineweb_quality` | [`FineWebQualityConfig`] | [`FineWebQuality`] | FineWeb's line rules (punctuation, short lines, duplicated lines, lists) |
//!
//! The last four give the same signals, verdicts and reasons as datatrove 0.10.1's filters of the same
//! name with English settings: words are split as datatrove splits English (spaCy's English tokenizer
//! rules, built in), and the reason strings are datatrove's.
//!
//! With `language_aware = true`, `gopher_quality`, `gopher_repetition` and `fineweb_quality` use
//! FineWeb-2's thresholds and stop words for the document's `language` (34 languages built in, see
//! [`languages_with_settings`] and `data/fineweb2/README.md`), and split Thai, Chinese and Japanese into
//! words by dictionary ([`saring_text::dictionary_words`]); `en`, unlisted languages and the default
//! (`false`) keep datatrove's behaviour exactly.
//!
//! ```
//! use saring_core::{Document, DropReason, Step, Verdict};
//! use saring_filters::{GopherQuality, GopherQualityConfig, MinLength, MinLengthConfig};
//!
//! let filter = MinLength::new(&MinLengthConfig { min_chars: 10 });
//! let mut doc = Document::new("d".into(), "too short".into());
//! assert_eq!(filter.process(&mut doc), Verdict::Drop(DropReason::MinChars));
//! assert_eq!(doc.signals["min_length.chars"], 9.0);
//!
//! let gopher = GopherQuality::new(&GopherQualityConfig::default());
//! assert_eq!(gopher.process(&mut doc), Verdict::Drop(DropReason::GopherShortDoc));
//! assert_eq!(doc.signals["gopher_quality.words"], 2.0);
//! ```
#![deny(missing_docs)]

mod c4_quality;
mod fineweb_quality;
mod gopher_quality;
mod gopher_repetition;
mod languages;
mod min_length;
mod prefiltered;
mod punctuation;
mod seen_index;
mod words;

pub use c4_quality::{C4Quality, C4QualityConfig};
pub use fineweb_quality::{FineWebQuality, FineWebQualityConfig};
pub use gopher_quality::{GOPHER_STOP_WORDS, GopherQuality, GopherQualityConfig};
pub use gopher_repetition::{GopherRepetition, GopherRepetitionConfig, dup_n_gram_reason, top_n_gram_reason};
pub use languages::{LanguageSettings, language_settings, languages_with_settings};
pub use min_length::{MinLength, MinLengthConfig};

/// datatrove's `split_into_words(text, "en")`: spaCy's English tokenizer with whitespace tokens removed.
/// Shared by the filters; exposed so callers running several filters can split a text once.
pub fn split_into_words(text: &str) -> Vec<&str> {
    words::split_into_words(text)
}
