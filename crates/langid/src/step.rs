//! [`Langid`]: the `langid` pipeline step.

use std::collections::BTreeMap;
use std::ops::Range;

use saring_core::{Document, DropReason, Step, Verdict};

use crate::{LangidConfig, LanguageId, Prediction};

/// Paragraphs shorter than this many characters do not count toward a document's language shares.
const SHARE_MIN_CHARS: usize = 40;
/// Paragraphs whose best language scores below this do not count toward a document's language shares.
const SHARE_MIN_SCORE: f32 = 0.5;

/// The `langid` step: labels each document's language and keeps or drops it.
///
/// On every document, kept or not, it sets `language` to the most probable label and records the
/// signal `langid.score` (that label's probability). The whole text is predicted at once, newlines read
/// as spaces (as datatrove's `LanguageFilter` does). Unless `label_only`, documents are dropped with
/// [`DropReason::Language`] (`languages`) or [`DropReason::LanguageScore`] (`min_score`).
#[derive(Debug, Clone)]
pub struct Langid {
    /// The identifier, or why the built-in model could not be loaded (then every document errors).
    id: Result<LanguageId, String>,
    languages: Vec<String>,
    min_score: f32,
    label_only: bool,
    paragraph_shares: bool,
}

impl Langid {
    /// The step with the configured model (`model`, else the built-in lid.176). Call
    /// [`LangidConfig::validate`] first: it also reports a model that cannot be loaded, in which case
    /// this step marks every document errored rather than panicking.
    pub fn new(config: &LangidConfig) -> Langid {
        Langid::build(config, config.language_id().map_err(|e| e.to_string()))
    }

    /// The step with another identifier (e.g. GlotLID). Call [`LangidConfig::validate_for`] first.
    pub fn with_language_id(config: &LangidConfig, id: LanguageId) -> Langid {
        Langid::build(config, Ok(id))
    }

    fn build(config: &LangidConfig, id: Result<LanguageId, String>) -> Langid {
        Langid {
            id: id.map(|id| id.with_close_pairs(config.close_pairs)),
            languages: config.languages.clone(),
            min_score: config.min_score,
            label_only: config.label_only,
            paragraph_shares: config.paragraph_shares,
        }
    }

    /// The best language of `text` and, with `paragraph_shares`, each language's share of the characters
    /// of the text's paragraphs, when the text has more than one paragraph and they are in more than one
    /// language. Paragraphs too short to tell a language (names, bylines, a list of sources) or predicted
    /// without confidence are left out, so that one line of names does not make an article "mixed". The
    /// text and its paragraphs are predicted in one pass ([`LanguageId::detect_with_parts`]).
    fn detect<'i>(
        &self,
        id: &'i LanguageId,
        text: &str,
    ) -> (Option<Prediction<'i>>, Option<BTreeMap<String, f64>>) {
        if !self.paragraph_shares || saring_text::paragraphs(text).nth(1).is_none() {
            return (id.detect(text), None);
        }
        let start = text.as_ptr() as usize;
        let (ranges, lengths): (Vec<Range<usize>>, Vec<usize>) = saring_text::paragraphs(text)
            .filter_map(|paragraph| {
                let length = paragraph.chars().count();
                let offset = (paragraph.as_ptr() as usize).wrapping_sub(start);
                (length >= SHARE_MIN_CHARS).then_some((offset..offset + paragraph.len(), length))
            })
            .unzip();
        let (best, predictions) = id.detect_with_parts(text, &ranges);
        let mut chars: BTreeMap<String, usize> = BTreeMap::new();
        for (prediction, length) in predictions.into_iter().zip(lengths) {
            if let Some(p) = prediction
                && p.score >= SHARE_MIN_SCORE
            {
                *chars.entry(p.label.to_owned()).or_default() += length;
            }
        }
        if chars.len() < 2 {
            return (best, None);
        }
        let total = chars.values().sum::<usize>() as f64;
        let shares = chars
            .into_iter()
            .map(|(label, n)| (label, (n as f64 / total * 1e4).round() / 1e4))
            .collect();
        (best, Some(shares))
    }

    /// Whether one of the wanted languages scores above `min_score`, as datatrove decides. Only the top
    /// label can be above a threshold of at least one half, so the model's full ranking is consulted only
    /// below it.
    fn wanted_language_passes(&self, text: &str, top_label: &str, top_score: f32) -> bool {
        if self.is_wanted(top_label) && top_score > self.min_score {
            return true;
        }
        if self.min_score >= 0.5 {
            return false;
        }
        let Ok(id) = &self.id else { return false };
        id.top_k(text, id.labels().len())
            .iter()
            .any(|p| self.is_wanted(p.label) && p.score > self.min_score)
    }

    fn is_wanted(&self, label: &str) -> bool {
        self.languages.iter().any(|l| l == label)
    }
}

impl Step for Langid {
    fn name(&self) -> &str {
        "langid"
    }

    fn process(&self, doc: &mut Document) -> Verdict {
        let id = match &self.id {
            Ok(id) => id,
            Err(message) => return Verdict::Error(message.clone()),
        };
        let (best, shares) = self.detect(id, &doc.text);
        let Some(best) = best else {
            doc.signals.insert("langid.score".to_owned(), 0.0);
            return if self.label_only {
                Verdict::Keep
            } else {
                Verdict::Drop(DropReason::LanguageScore)
            };
        };
        doc.language = Some(best.label.to_owned());
        doc.signals
            .insert("langid.score".to_owned(), f64::from(best.score));
        if let Some(shares) = shares {
            doc.metadata
                .insert("language_shares".to_owned(), serde_json::json!(shares));
        }
        if self.label_only {
            return Verdict::Keep;
        }
        if self.languages.is_empty() {
            return if best.score > self.min_score {
                Verdict::Keep
            } else {
                Verdict::Drop(DropReason::LanguageScore)
            };
        }
        if self.wanted_language_passes(&doc.text, best.label, best.score) {
            Verdict::Keep
        } else if self.is_wanted(best.label) {
            Verdict::Drop(DropReason::LanguageScore)
        } else {
            Verdict::Drop(DropReason::Language)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(languages: &[&str], min_score: f32, label_only: bool) -> LangidConfig {
        LangidConfig {
            languages: languages.iter().map(|l| (*l).to_owned()).collect(),
            min_score,
            label_only,
            close_pairs: false,
            ..LangidConfig::default()
        }
    }

    #[test]
    fn close_pairs_keep_malay_that_lid176_calls_indonesian() {
        let malay = "Mereka tinggal di rumah itu sejak bulan Ogos tahun lepas.";
        let plain = Langid::new(&config(&["ms"], 0.65, false));
        let mut doc = Document::new("d".into(), malay.into());
        assert_eq!(plain.process(&mut doc), Verdict::Drop(DropReason::Language));
        assert_eq!(doc.language.as_deref(), Some("id"));

        let two_stage = Langid::new(&LangidConfig {
            close_pairs: true,
            ..config(&["ms"], 0.65, false)
        });
        let mut doc = Document::new("d".into(), malay.into());
        assert_eq!(two_stage.process(&mut doc), Verdict::Keep);
        assert_eq!(doc.language.as_deref(), Some("ms"));
        assert!(doc.signals["langid.score"] > 0.65);
    }

    const INDONESIAN: &str = "Ilmuwan dari Stanford University School of Medicine pada hari Senin \
                              mengumumkan penemuan alat diagnostik baru.";

    #[test]
    fn labels_and_keeps_a_wanted_language() {
        let step = Langid::new(&config(&["id", "ms"], 0.5, false));
        let mut doc = Document::new("d".into(), INDONESIAN.into());
        assert_eq!(step.process(&mut doc), Verdict::Keep);
        assert_eq!(doc.language.as_deref(), Some("id"));
        assert!(doc.signals["langid.score"] > 0.5);
    }

    #[test]
    fn drops_other_languages_and_low_scores_with_their_reasons() {
        let step = Langid::new(&config(&["fr"], 0.65, false));
        let mut doc = Document::new("d".into(), INDONESIAN.into());
        assert_eq!(step.process(&mut doc), Verdict::Drop(DropReason::Language));
        assert_eq!(doc.language.as_deref(), Some("id"), "labelled even when dropped");

        let step = Langid::new(&config(&[], 0.999_999, false));
        let mut doc = Document::new("d".into(), "ok".into());
        assert_eq!(step.process(&mut doc), Verdict::Drop(DropReason::LanguageScore));
        assert!(doc.signals.contains_key("langid.score"));

        let step = Langid::new(&config(&["id"], 0.999_999, false));
        let mut doc = Document::new("d".into(), INDONESIAN.into());
        assert_eq!(step.process(&mut doc), Verdict::Drop(DropReason::LanguageScore));
    }

    #[test]
    fn low_threshold_looks_past_the_top_label() {
        // With min_score under one half a listed language that is not the top label can still pass.
        let id = LanguageId::lid176().unwrap();
        let text = "Saya suka makan nasi goreng di rumah.";
        let top = id.top_k(text, 2);
        let second = top[1];
        let step = Langid::new(&config(&[second.label], second.score / 2.0, false));
        let mut doc = Document::new("d".into(), text.into());
        assert_eq!(step.process(&mut doc), Verdict::Keep);
        assert_eq!(doc.language.as_deref(), Some(top[0].label));
    }

    #[test]
    fn mixed_documents_get_language_shares_by_paragraph_characters() {
        let german = "Die Wissenschaftler der Universität haben am Montag ein neues Verfahren vorgestellt, \
                      mit dem sich Krankheiten früher erkennen lassen.";
        let step = Langid::new(&config(&[], 0.0, true));
        let mut doc = Document::new("d".into(), format!("{german}\n\n{INDONESIAN}\n\n{german}"));
        step.process(&mut doc);
        let shares = &doc.metadata["language_shares"];
        let de = shares["de"].as_f64().unwrap();
        let id = shares["id"].as_f64().unwrap();
        let expected_de = 2.0 * german.chars().count() as f64
            / (2 * german.chars().count() + INDONESIAN.chars().count()) as f64;
        assert!((de - expected_de).abs() < 1e-4, "{shares}");
        assert!((de + id - 1.0).abs() < 1e-3, "{shares}");

        // One language, one paragraph, or the switch off: no shares.
        for text in [format!("{INDONESIAN}\n\n{INDONESIAN}"), INDONESIAN.to_owned()] {
            let mut doc = Document::new("d".into(), text);
            step.process(&mut doc);
            assert!(!doc.metadata.contains_key("language_shares"));
        }
        let off = Langid::new(&LangidConfig {
            paragraph_shares: false,
            ..config(&[], 0.0, true)
        });
        let mut doc = Document::new("d".into(), format!("{german}\n\n{INDONESIAN}"));
        off.process(&mut doc);
        assert!(!doc.metadata.contains_key("language_shares"));
    }

    #[test]
    fn label_only_keeps_everything_and_odd_input_does_not_panic() {
        let step = Langid::new(&config(&["xx"], 0.9, true));
        for text in [
            "",
            " \n\t ",
            "🙂🙂🙂",
            "</s> hidden",
            "__label__en",
            "\0\u{feff}",
            "a\u{a0}b\u{3000}c",
        ] {
            let mut doc = Document::new("d".into(), text.into());
            assert_eq!(step.process(&mut doc), Verdict::Keep, "{text:?}");
            assert!(doc.language.is_some(), "{text:?}");
        }
    }
}
