//! Which setting of a step each signal is compared to: the one map from signals to thresholds, used by
//! `saring explain` (why a step dropped a document) and by the run report (lines on the histograms).
//!
//! The map is written per step type against the typed configs, so a threshold left at its default is
//! known as well as one written in the TOML, and a renamed field cannot be missed.

use saring_core::DropReason;
use serde::Serialize;

use crate::config::PipelineConfig;
use crate::registry::StepConfig;

/// Which side of a threshold drops a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Compare {
    /// Dropped when the signal is below the threshold (`value < threshold`).
    Below,
    /// Dropped when the signal is at or below the threshold (`value <= threshold`).
    AtOrBelow,
    /// Dropped when the signal is above the threshold (`value > threshold`).
    Above,
}

impl Compare {
    /// Whether a signal of `value` is on the dropping side of `threshold`.
    pub fn drops(self, value: f64, threshold: f64) -> bool {
        match self {
            Compare::Below => value < threshold,
            Compare::AtOrBelow => value <= threshold,
            Compare::Above => value > threshold,
        }
    }

    /// The operator that drops, as a person reads it: `<`, `≤` or `>`.
    pub fn symbol(self) -> &'static str {
        match self {
            Compare::Below => "<",
            Compare::AtOrBelow => "≤",
            Compare::Above => ">",
        }
    }
}

/// One setting a step compares one of its signals to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Threshold {
    /// The signal compared, as recorded in `signals`: `step.name` (`min_length.chars`).
    pub signal: String,
    /// The setting as written in the `[[step]]` table (`min_chars`); for a list of `[n, fraction]` pairs,
    /// the list and its n (`top_n_grams[n=2]`).
    pub key: String,
    /// The setting's value in this config (its default when the TOML leaves it out).
    pub value: f64,
    /// Which side of `value` drops the document.
    pub drops_when: Compare,
    /// The drop reason the step gives when this threshold decides.
    pub reason: &'static str,
    /// Whether the rule is on: a 0 (Gopher rules), -1 (C4) or `label_only = true` (langid) turns it off.
    pub active: bool,
}

impl StepConfig {
    /// The thresholds this step compares its signals to, in the order the step checks them.
    ///
    /// Steps that only label or rewrite (`extract`, `clean`, `pii`) have none; rules that test words or
    /// lines rather than a recorded signal (`lorem_ipsum`, `curly_bracket`, `languages`) are not here.
    pub fn thresholds(&self) -> Vec<Threshold> {
        let step = self.type_name();
        let rule =
            |signal: &str, key: String, value: f64, drops_when: Compare, reason: DropReason| Threshold {
                signal: format!("{step}.{signal}"),
                key,
                value,
                drops_when,
                reason: reason.as_str(),
                active: true,
            };
        let off_at = |mut threshold: Threshold, off: f64| {
            threshold.active = threshold.value != off;
            threshold
        };
        use Compare::{Above, AtOrBelow, Below};
        use DropReason as R;
        match self {
            StepConfig::Extract(_) | StepConfig::Clean(_) | StepConfig::Pii(_) => Vec::new(),
            StepConfig::MinLength(c) => vec![rule(
                "chars",
                "min_chars".into(),
                c.min_chars as f64,
                Below,
                R::MinChars,
            )],
            StepConfig::Langid(c) => {
                let mut t = rule(
                    "score",
                    "min_score".into(),
                    as_written(c.min_score),
                    AtOrBelow,
                    R::LanguageScore,
                );
                t.active = !c.label_only;
                vec![t]
            }
            StepConfig::GopherQuality(c) => [
                (
                    "words",
                    "min_doc_words",
                    c.min_doc_words as f64,
                    Below,
                    R::GopherShortDoc,
                ),
                (
                    "words",
                    "max_doc_words",
                    c.max_doc_words as f64,
                    Above,
                    R::GopherLongDoc,
                ),
                (
                    "mean_word_length",
                    "min_avg_word_length",
                    c.min_avg_word_length,
                    Below,
                    R::GopherBelowAvgThreshold,
                ),
                (
                    "mean_word_length",
                    "max_avg_word_length",
                    c.max_avg_word_length,
                    Above,
                    R::GopherAboveAvgThreshold,
                ),
                (
                    "hash_word_ratio",
                    "max_symbol_word_ratio",
                    c.max_symbol_word_ratio,
                    Above,
                    R::GopherTooManyHashes,
                ),
                (
                    "ellipsis_word_ratio",
                    "max_symbol_word_ratio",
                    c.max_symbol_word_ratio,
                    Above,
                    R::GopherTooManyEllipsis,
                ),
                (
                    "bullet_lines_frac",
                    "max_bullet_lines_ratio",
                    c.max_bullet_lines_ratio,
                    Above,
                    R::GopherTooManyBullets,
                ),
                (
                    "end_ellipsis_lines_frac",
                    "max_ellipsis_lines_ratio",
                    c.max_ellipsis_lines_ratio,
                    Above,
                    R::GopherTooManyEndEllipsis,
                ),
                (
                    "alpha_words_frac",
                    "max_non_alpha_words_ratio",
                    c.max_non_alpha_words_ratio,
                    Below,
                    R::GopherBelowAlphaThreshold,
                ),
                (
                    "stop_words",
                    "min_stop_words",
                    c.min_stop_words as f64,
                    Below,
                    R::GopherEnoughStopWords,
                ),
            ]
            .into_iter()
            .map(|(signal, key, value, cmp, reason)| {
                off_at(rule(signal, key.into(), value, cmp, reason), 0.0)
            })
            .collect(),
            StepConfig::GopherRepetition(c) => {
                let mut out: Vec<Threshold> = [
                    ("dup_para_frac", c.dup_para_frac, R::DupParaFrac),
                    ("dup_para_char_frac", c.dup_para_char_frac, R::DupParaCharFrac),
                    ("dup_line_frac", c.dup_line_frac, R::DupLineFrac),
                    ("dup_line_char_frac", c.dup_line_char_frac, R::DupLineCharFrac),
                ]
                .into_iter()
                .map(|(name, value, reason)| off_at(rule(name, name.into(), value, Above, reason), 0.0))
                .collect();
                // datatrove compares the n-gram fractions even at 0: those rules are always on
                let n_grams = |list: &[(usize, f64)],
                               key: &str,
                               signal: &str,
                               reason: fn(usize) -> Option<DropReason>| {
                    list.iter()
                        .filter_map(|&(n, frac)| {
                            let signal = format!("{}_{n}_gram_char_frac", signal);
                            Some(rule(&signal, format!("{key}[n={n}]"), frac, Above, reason(n)?))
                        })
                        .collect::<Vec<_>>()
                };
                out.extend(n_grams(
                    &c.top_n_grams,
                    "top_n_grams",
                    "top",
                    saring_filters::top_n_gram_reason,
                ));
                out.extend(n_grams(
                    &c.dup_n_grams,
                    "dup_n_grams",
                    "dup",
                    saring_filters::dup_n_gram_reason,
                ));
                out
            }
            StepConfig::C4Quality(c) => vec![off_at(
                rule(
                    "sentences",
                    "min_num_sentences".into(),
                    c.min_num_sentences as f64,
                    Below,
                    R::TooFewSentences,
                ),
                -1.0,
            )],
            StepConfig::FineWebQuality(c) => vec![
                rule(
                    "line_punct_ratio",
                    "line_punct_thr".into(),
                    c.line_punct_thr,
                    Below,
                    R::LinePunctRatio,
                ),
                rule(
                    "short_line_ratio",
                    "short_line_thr".into(),
                    c.short_line_thr,
                    Above,
                    R::ShortLineRatio,
                ),
                rule(
                    "char_dup_ratio",
                    "char_duplicates_ratio".into(),
                    c.char_duplicates_ratio,
                    Above,
                    R::CharDupRatio,
                ),
                rule(
                    "list_ratio",
                    "new_line_ratio".into(),
                    c.new_line_ratio,
                    Above,
                    R::ListRatio,
                ),
            ],
        }
    }
}

/// An `f32` setting as the user wrote it (0.65, not 0.6499999761…), which compares with the `f64` signal
/// of the `f32` score as the step compares in `f32`.
fn as_written(value: f32) -> f64 {
    value.to_string().parse().unwrap_or(f64::from(value))
}

impl PipelineConfig {
    /// The active thresholds of the signal `signal` (`step.name`), from the last step of that type (a
    /// later step of the same type overwrites the signal).
    pub fn thresholds_for(&self, signal: &str) -> Vec<Threshold> {
        let Some((step, _)) = signal.split_once('.') else {
            return Vec::new();
        };
        self.steps
            .iter()
            .rev()
            .find(|s| s.type_name() == step)
            .map(|s| {
                s.thresholds()
                    .into_iter()
                    .filter(|t| t.active && t.signal == signal)
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use saring_core::{Document, Verdict};

    use super::*;

    fn config(toml: &str) -> PipelineConfig {
        PipelineConfig::from_toml(toml).unwrap()
    }

    #[test]
    fn finds_thresholds_by_signal_with_defaults() {
        let c = config("[[step]]\ntype = \"langid\"\nmin_score = 0.5\n[[step]]\ntype = \"min_length\"\n");
        let t = c.thresholds_for("min_length.chars");
        assert_eq!((t[0].key.as_str(), t[0].value), ("min_chars", 200.0));
        assert_eq!(c.thresholds_for("langid.score")[0].value, 0.5);
        assert!(c.thresholds_for("extract.nodes").is_empty());
        assert!(c.thresholds_for("nodot").is_empty());
        let label_only = config("[[step]]\ntype = \"langid\"\nlabel_only = true\n");
        assert!(
            label_only.thresholds_for("langid.score").is_empty(),
            "off rules draw nothing"
        );
        let gopher = config("[[step]]\ntype = \"gopher_quality\"\nmax_doc_words = 0\n");
        let words = gopher.thresholds_for("gopher_quality.words");
        assert_eq!(words.len(), 1, "{words:?}");
        assert_eq!(words[0].key, "min_doc_words");
        let rep = config("[[step]]\ntype = \"gopher_repetition\"\n");
        assert_eq!(
            rep.thresholds_for("gopher_repetition.top_3_gram_char_frac")[0].key,
            "top_n_grams[n=3]"
        );
    }

    /// Every threshold names a signal its step records and the reason the step gives when the signal
    /// crosses it alone: checked by running each filter on texts built to cross one rule.
    #[test]
    fn thresholds_name_signals_the_steps_record() {
        let toml = "[[step]]\ntype = \"min_length\"\n[[step]]\ntype = \"gopher_quality\"\n\
                    [[step]]\ntype = \"gopher_repetition\"\n[[step]]\ntype = \"c4_quality\"\n\
                    [[step]]\ntype = \"fineweb_quality\"\n[[step]]\ntype = \"langid\"\n";
        let c = config(toml);
        let pipeline = c.build().unwrap();
        let text = "The cat sat on the mat and that was all there was to it, with the dog.\n".repeat(30);
        for (step, step_config) in pipeline.steps().iter().zip(&c.steps) {
            let mut doc = Document::new("d".into(), text.clone());
            let verdict = step.process(&mut doc);
            for t in step_config.thresholds() {
                let value = doc.signals.get(&t.signal);
                assert!(value.is_some(), "{} not recorded by {}", t.signal, step.name());
                if let Verdict::Drop(reason) = &verdict
                    && t.reason == reason.as_str()
                {
                    assert!(t.drops_when.drops(*value.unwrap(), t.value), "{t:?}");
                }
            }
        }
    }

    #[test]
    fn comparisons() {
        assert!(Compare::Below.drops(1.0, 2.0) && !Compare::Below.drops(2.0, 2.0));
        assert!(Compare::AtOrBelow.drops(2.0, 2.0));
        assert!(Compare::Above.drops(3.0, 2.0) && !Compare::Above.drops(2.0, 2.0));
    }
}
