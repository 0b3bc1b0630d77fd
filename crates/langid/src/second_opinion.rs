//! The close-pair stage's decision when the marker words of Malay and Indonesian are silent.
//!
//! Two models weigh in, with equal say, as independent evidence (naive Bayes, even odds before the text):
//!
//! - lid.176's own probabilities for the two labels, with its training prior taken out. The model learned
//!   from 2.48 times more Indonesian than Malay (the label counts stored in the model file: 158,394 and
//!   63,899), and its probabilities carry that prior; dividing each by its label's count leaves what the
//!   text itself says.
//! - lingua's character n-gram models for just Malay and Indonesian (the `lingua` crate, Apache-2.0, built
//!   with those two languages only; see `models/README.md`), a specialist for this pair.
//!
//! The label whose summed log-odds win is chosen; a sum of exactly 0 (or none computable) leaves the
//! model's label. The rule has no constant fitted to data: it was chosen from these principles, then
//! measured on FLORES dev (`bench/results/langid.md` says how many rules were tried).

use std::sync::OnceLock;

use lingua::{Language, LanguageDetector, LanguageDetectorBuilder};

/// lingua restricted to Malay and Indonesian; built once per process. Its models load on first use from
/// the bytes compiled into the binary (no file, no download, no thread pool).
fn detector() -> &'static LanguageDetector {
    static DETECTOR: OnceLock<LanguageDetector> = OnceLock::new();
    DETECTOR.get_or_init(|| {
        LanguageDetectorBuilder::from_languages(&[Language::Malay, Language::Indonesian]).build()
    })
}

/// The lingua language of a lid.176 label this stage can weigh, if any.
fn lingua_language(label: &str) -> Option<Language> {
    match label {
        "ms" => Some(Language::Malay),
        "id" => Some(Language::Indonesian),
        _ => None,
    }
}

/// lid.176's view of a pair: its probability for each label of the text and the number of training lines
/// it saw for each label (its prior).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ModelView {
    /// The model's probabilities for the two labels, in the pair's order.
    pub(crate) probabilities: [f32; 2],
    /// The model's training counts for the two labels, in the same order; 0 where unknown.
    pub(crate) counts: [i64; 2],
}

/// `ln(a / b)`, or 0 (no evidence) when either side is not a positive finite number.
fn log_ratio(a: f64, b: f64) -> f64 {
    if a > 0.0 && b > 0.0 && a.is_finite() && b.is_finite() {
        (a / b).ln()
    } else {
        0.0
    }
}

/// The index (0 or 1) of the label of `labels` that lid.176 (prior removed) and lingua together favour
/// for `text`; `None` on an exact tie, or when `labels` are not Malay and Indonesian.
pub(crate) fn decide(labels: &[&str], text: &str, view: ModelView) -> Option<usize> {
    let [first, second] = labels else {
        return None;
    };
    let (first, second) = (lingua_language(first)?, lingua_language(second)?);
    if first == second {
        return None;
    }
    let [p0, p1] = view.probabilities.map(f64::from);
    let [c0, c1] = match view.counts {
        [c0, c1] if c0 > 0 && c1 > 0 => [c0 as f64, c1 as f64],
        _ => [1.0, 1.0],
    };
    let model = log_ratio(p0 / c0, p1 / c1);
    let mut confidence = [0.0f64; 2];
    for (language, value) in detector().compute_language_confidence_values(text) {
        if language == first {
            confidence[0] = value;
        } else if language == second {
            confidence[1] = value;
        }
    }
    let lingua = log_ratio(confidence[0], confidence[1]);
    let sum = model + lingua;
    if sum > 0.0 {
        Some(0)
    } else if sum < 0.0 {
        Some(1)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// lid.176's training counts for `ms` and `id`.
    const COUNTS: [i64; 2] = [63_899, 158_394];

    #[test]
    fn only_malay_and_indonesian() {
        for labels in [&["ms", "ms"][..], &["no", "nn"], &["ms", "id", "jv"], &["ms"]] {
            assert_eq!(decide(labels, "12345", evidence([0.9, 0.1])), None);
        }
        assert_eq!(decide(&["ms", "id"], "12345", evidence([0.9, 0.1])), Some(0));
    }

    fn evidence(probabilities: [f32; 2]) -> ModelView {
        ModelView {
            probabilities,
            counts: COUNTS,
        }
    }

    #[test]
    fn the_prior_is_taken_out_of_the_model() {
        // No letters: lingua has no view, so lid.176 alone decides, prior removed. 0.3 against 0.7 for
        // Indonesian is what a model with a 2.48:1 prior says of text that is slightly Malay.
        assert_eq!(lingua_log_odds_of("12345"), 0.0);
        assert_eq!(decide(&["ms", "id"], "12345", evidence([0.3, 0.7])), Some(0));
        assert_eq!(decide(&["ms", "id"], "12345", evidence([0.2, 0.8])), Some(1));
        // Unknown counts: the probabilities are taken as they are.
        let no_counts = ModelView {
            probabilities: [0.3, 0.7],
            counts: [0, 0],
        };
        assert_eq!(decide(&["ms", "id"], "12345", no_counts), Some(1));
        // Nothing at all: a tie.
        assert_eq!(decide(&["ms", "id"], "", evidence([0.0, 0.0])), None);
    }

    /// lingua's log-odds of Malay over Indonesian for `text`.
    fn lingua_log_odds_of(text: &str) -> f64 {
        let values = detector().compute_language_confidence_values(text);
        let get = |l| values.iter().find(|(x, _)| *x == l).map_or(0.0, |(_, v)| *v);
        log_ratio(get(Language::Malay), get(Language::Indonesian))
    }

    #[test]
    fn lingua_weighs_in_when_the_model_is_unsure() {
        // Sentences written for this test, with none of the close-pair marker words; lid.176 is taken as
        // undecided (its prior-free odds even), so lingua's n-grams decide.
        let even = evidence([63_899.0 / 222_293.0, 158_394.0 / 222_293.0]);
        let malay = "Ramai orang beratur panjang di hadapan kaunter itu sejak awal pagi tadi.";
        let indonesian = "Banyak orang mengantre panjang di depan loket itu sejak tadi pagi.";
        assert!(lingua_log_odds_of(malay) > 0.0, "{}", lingua_log_odds_of(malay));
        assert!(lingua_log_odds_of(indonesian) < 0.0);
        assert_eq!(decide(&["ms", "id"], malay, even), Some(0));
        assert_eq!(decide(&["ms", "id"], indonesian, even), Some(1));
    }
}
