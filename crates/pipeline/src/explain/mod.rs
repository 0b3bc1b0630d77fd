//! `saring explain`: one document through the steps one at a time, with a record of what each did.
//!
//! [`explain`] builds the steps exactly as a run does ([`PipelineConfig::build`]) and applies them in the
//! same order with the same rule (the first drop or error ends the document), so an explanation cannot
//! disagree with a run of the same config. [`read_document`] picks the document from an input file.

mod input;
mod lines;

use std::collections::BTreeMap;

use saring_core::{Document, Verdict};
use serde::Serialize;
use serde_json::Value;

pub use input::{ExplainError, read_document};
pub use lines::{LineMark, TracedLine};

use crate::config::{ConfigError, PipelineConfig};
use crate::thresholds::Threshold;

/// What every step of a pipeline did to one document, and what was left of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// The document's id, as a run writes it.
    pub id: String,
    /// Its URL, when the input gives one.
    pub url: Option<String>,
    /// The input file, as given.
    pub path: String,
    /// The 0-based index of its record in the file (as in error messages).
    pub record: u64,
    /// What the steps were given: `html` (a page to extract) or `text` (text only; `extract` has nothing
    /// to do).
    pub input: InputKind,
    /// Every step of the pipeline in order, including those the document never reached.
    pub steps: Vec<StepExplanation>,
    /// The document's fate: kept, or the step that dropped it or failed on it.
    pub outcome: Outcome,
    /// The language label, when a step set it, and its score (the `langid.score` signal).
    pub language: Option<Language>,
    /// The document's metadata at the end (title, author, dates, site… from `extract`).
    pub metadata: BTreeMap<String, Value>,
    /// The text at the end: what a run writes when the document is kept.
    pub text: String,
    /// The lines of the text at the end, with every non-blank line removed along the way in its place,
    /// marked with the step (and rule) that removed it.
    pub lines: Vec<TracedLine>,
}

/// What the steps were given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// An HTML page: `extract` turns it into text.
    Html,
    /// Text only (a `.txt` file, a JSONL or Parquet text field, a WET record).
    Text,
}

/// A language label and its score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Language {
    /// The label (a lid.176 code).
    pub label: String,
    /// The identifier's probability for it, when recorded.
    pub score: Option<f64>,
}

/// The document's fate.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Every step kept it: a run writes it.
    Kept,
    /// A step dropped it.
    Dropped {
        /// The step's name.
        step: String,
        /// The drop reason, as counted in the stats.
        reason: String,
    },
    /// A step failed on it: a run counts it as errored.
    Errored {
        /// The step's name.
        step: String,
        /// The step's message.
        message: String,
    },
}

/// What one step did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepExplanation {
    /// The step's name (its config `type`).
    pub step: String,
    /// Its verdict.
    #[serde(flatten)]
    pub verdict: StepVerdict,
    /// A remark on how the step applied (`extract` on a text input: nothing to extract).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The signals the step wrote, by name, with the thresholds of the step's config they are compared to.
    pub signals: Vec<SignalValue>,
    /// The metadata the step set or changed.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, Value>,
    /// The text after the step, when the step changed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// A step's verdict on the document.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum StepVerdict {
    /// Passed on to the next step.
    Keep,
    /// Dropped.
    Drop {
        /// The drop reason, as counted in the stats.
        reason: String,
    },
    /// The step failed on the document.
    Error {
        /// The step's message.
        message: String,
    },
    /// Not run: an earlier step dropped the document or failed on it.
    NotRun,
}

/// One signal a step wrote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SignalValue {
    /// The signal, `step.name`.
    pub name: String,
    /// Its value.
    pub value: f64,
    /// The settings of the step it is compared to; empty for a signal that only informs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub thresholds: Vec<ThresholdCheck>,
}

/// A signal held against one threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThresholdCheck {
    /// The setting, its value, which side drops and the reason it gives.
    #[serde(flatten)]
    pub threshold: Threshold,
    /// Whether the signal is on the dropping side (an inactive rule never drops).
    pub crossed: bool,
    /// Whether this threshold is the one that dropped the document.
    pub decided: bool,
}

/// Runs `doc` through the steps of `config` one at a time, recording what each did.
///
/// Fails only when the config does not build. Nothing in the explanation depends on time or threads.
pub fn explain(config: &PipelineConfig, mut doc: Document) -> Result<Explanation, ConfigError> {
    let pipeline = config.build()?;
    let input = if doc.html.is_some() {
        InputKind::Html
    } else {
        InputKind::Text
    };
    let mut trace = lines::LineTrace::new(&doc.text);
    let mut steps = Vec::with_capacity(config.steps.len());
    let mut outcome = Outcome::Kept;
    for (step, step_config) in pipeline.steps().iter().zip(&config.steps) {
        let name = step.name().to_owned();
        if outcome != Outcome::Kept {
            steps.push(StepExplanation {
                step: name,
                verdict: StepVerdict::NotRun,
                note: None,
                signals: Vec::new(),
                metadata: BTreeMap::new(),
                text: None,
            });
            continue;
        }
        let before = doc.clone();
        let verdict = step.process(&mut doc);
        let verdict = match verdict {
            Verdict::Keep => StepVerdict::Keep,
            Verdict::Drop(reason) => {
                outcome = Outcome::Dropped {
                    step: name.clone(),
                    reason: reason.as_str().to_owned(),
                };
                StepVerdict::Drop {
                    reason: reason.as_str().to_owned(),
                }
            }
            Verdict::Error(message) => {
                outcome = Outcome::Errored {
                    step: name.clone(),
                    message: message.clone(),
                };
                StepVerdict::Error { message }
            }
        };
        let thresholds = step_config.thresholds();
        let signals = changed(&before.signals, &doc.signals)
            .map(|(signal, &value)| SignalValue {
                name: signal.clone(),
                value,
                thresholds: checks(&thresholds, signal, value, &verdict),
            })
            .collect();
        let text = (doc.text != before.text).then(|| {
            trace.update(step.as_ref(), &doc.text);
            doc.text.clone()
        });
        let note = (before.html.is_none() && name == "extract").then(|| {
            "not applicable: the document has no HTML, so its text passes through unchanged".to_owned()
        });
        steps.push(StepExplanation {
            step: name,
            verdict,
            note,
            signals,
            metadata: changed(&before.metadata, &doc.metadata)
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            text,
        });
    }
    let language = doc.language.clone().map(|label| Language {
        label,
        score: doc.signals.get("langid.score").copied(),
    });
    Ok(Explanation {
        id: doc.id,
        url: doc.url,
        path: doc.provenance.path,
        record: doc.provenance.record,
        input,
        steps,
        outcome,
        language,
        metadata: doc.metadata,
        text: doc.text,
        lines: trace.into_lines(),
    })
}

/// The entries of `after` that are new or differ from `before`.
fn changed<'a, V: PartialEq>(
    before: &'a BTreeMap<String, V>,
    after: &'a BTreeMap<String, V>,
) -> impl Iterator<Item = (&'a String, &'a V)> {
    after
        .iter()
        .filter(move |(key, value)| before.get(*key) != Some(*value))
}

/// The signal `signal` of value `value` held against each of the step's thresholds for it.
fn checks(thresholds: &[Threshold], signal: &str, value: f64, verdict: &StepVerdict) -> Vec<ThresholdCheck> {
    thresholds
        .iter()
        .filter(|t| t.signal == signal)
        .map(|t| {
            let crossed = t.active && t.drops_when.drops(value, t.value);
            let decided = crossed && matches!(verdict, StepVerdict::Drop { reason } if reason == t.reason);
            ThresholdCheck {
                threshold: t.clone(),
                crossed,
                decided,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(toml: &str) -> PipelineConfig {
        PipelineConfig::from_toml(toml).unwrap()
    }

    fn page(body: &str) -> Document {
        let mut doc = Document::new("d".into(), String::new());
        doc.html = Some(format!(
            "<html><head><title>T</title></head><body><article>{body}</article></body></html>"
        ));
        doc
    }

    #[test]
    fn a_short_page_is_dropped_by_min_length_with_its_threshold() {
        let e = explain(
            &config("[[step]]\ntype = \"extract\"\n[[step]]\ntype = \"min_length\"\nmin_chars = 50\n[[step]]\ntype = \"clean\"\n"),
            page("<p>Short text.</p>"),
        )
        .unwrap();
        assert_eq!(e.input, InputKind::Html);
        assert_eq!(e.steps[0].verdict, StepVerdict::Keep);
        assert_eq!(e.steps[0].text.as_deref(), Some("Short text."));
        assert_eq!(e.steps[0].metadata["title"], "T");
        let min_length = &e.steps[1];
        assert_eq!(
            min_length.verdict,
            StepVerdict::Drop {
                reason: "min_chars".into()
            }
        );
        let signal = &min_length.signals[0];
        assert_eq!((signal.name.as_str(), signal.value), ("min_length.chars", 11.0));
        assert!(signal.thresholds[0].crossed && signal.thresholds[0].decided);
        assert_eq!(signal.thresholds[0].threshold.value, 50.0);
        assert_eq!(e.steps[2].verdict, StepVerdict::NotRun);
        assert_eq!(
            e.outcome,
            Outcome::Dropped {
                step: "min_length".into(),
                reason: "min_chars".into()
            }
        );
        assert_eq!(e.text, "Short text.");
    }

    #[test]
    fn text_input_skips_extract_and_marks_the_lines_clean_removes() {
        let doc = Document::new(
            "t".into(),
            "The weather was warm and the people walked along the river.\nfbpx\nThey talked about  the news."
                .into(),
        );
        let e = explain(&PipelineConfig::default(), doc).unwrap();
        assert_eq!(e.input, InputKind::Text);
        assert!(e.steps[0].note.as_deref().unwrap().starts_with("not applicable"));
        assert_eq!(e.steps[0].text, None);
        assert_eq!(
            e.text,
            "The weather was warm and the people walked along the river.\nThey talked about the news."
        );
        let marks: Vec<(&str, &LineMark)> = e.lines.iter().map(|l| (l.text.as_str(), &l.mark)).collect();
        assert_eq!(
            marks,
            [
                (
                    "The weather was warm and the people walked along the river.",
                    &LineMark::Kept
                ),
                (
                    "fbpx",
                    &LineMark::Removed {
                        step: "clean".into(),
                        rule: Some("drop_tracking_lines".into())
                    }
                ),
                ("They talked about the news.", &LineMark::Kept),
            ]
        );
        assert_eq!(e.language.as_ref().map(|l| l.label.as_str()), Some("en"));
        assert!(e.language.unwrap().score.is_some());
    }

    #[test]
    fn the_explanation_agrees_with_the_steps_run_directly() {
        let c = config(
            "[[step]]\ntype = \"gopher_quality\"\nmin_doc_words = 5\n[[step]]\ntype = \"c4_quality\"\nmin_num_sentences = 1\n",
        );
        let text = "The first sentence is here and it is long enough to count for the rules.\n\
                    menu\nThe second sentence has the words of the stop list, with the end.";
        let e = explain(&c, Document::new("x".into(), text.into())).unwrap();
        let pipeline = c.build().unwrap();
        let mut doc = Document::new("x".into(), text.into());
        let mut kept = true;
        for step in pipeline.steps() {
            if step.process(&mut doc) != Verdict::Keep {
                kept = false;
                break;
            }
        }
        assert_eq!(kept, e.outcome == Outcome::Kept, "{:?}", e.outcome);
        assert_eq!(e.text, doc.text);
        assert!(
            e.lines.iter().any(|l| l.text == "menu"
                && l.mark
                    == LineMark::Removed {
                        step: "c4_quality".into(),
                        rule: None
                    }),
            "{:?}",
            e.lines
        );
    }
}
