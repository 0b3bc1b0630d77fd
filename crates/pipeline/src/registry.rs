//! The registry of step types: one variant per `type` a `[[step]]` table may name.

use saring_core::{Document, Step, Verdict};
use saring_extract::ExtractConfig;
use saring_filters::{
    C4Quality, C4QualityConfig, FineWebQuality, FineWebQualityConfig, GopherQuality, GopherQualityConfig,
    GopherRepetition, GopherRepetitionConfig, MinLength, MinLengthConfig,
};
use saring_langid::{Langid, LangidConfig};
use saring_text::{Clean, CleanConfig, Pii, PiiConfig};
use serde::{Deserialize, Serialize};

use crate::steps::ExtractStep;

/// One `[[step]]` table: its `type` chooses the variant, the other keys are that step's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StepConfig {
    /// `extract`: turns a document's HTML into its main text; the title and page language go to metadata.
    Extract(ExtractConfig),
    /// `min_length`: drops documents whose text is shorter than `min_chars`.
    MinLength(MinLengthConfig),
    /// `langid`: labels each document's language (fastText lid.176, built in) and keeps the wanted ones.
    Langid(LangidConfig),
    /// `clean`: repairs Unicode and whitespace and removes boilerplate lines by rule.
    Clean(CleanConfig),
    /// `pii`: replaces e-mail and IP addresses (optionally phone numbers) with placeholders.
    Pii(PiiConfig),
    /// `gopher_repetition`: Gopher's repetition rules (duplicated lines, paragraphs, n-grams).
    GopherRepetition(GopherRepetitionConfig),
    /// `gopher_quality`: Gopher's quality rules (word counts and lengths, symbols, stop words).
    GopherQuality(GopherQualityConfig),
    /// `c4_quality`: C4's line rules; keeps only the good lines.
    C4Quality(C4QualityConfig),
    /// `fineweb_quality`: FineWeb's line rules.
    #[serde(rename = "fineweb_quality")]
    FineWebQuality(FineWebQualityConfig),
}

impl StepConfig {
    /// The step's `type` as written in TOML and in the stats.
    pub fn type_name(&self) -> &'static str {
        match self {
            StepConfig::Extract(_) => "extract",
            StepConfig::MinLength(_) => "min_length",
            StepConfig::Langid(_) => "langid",
            StepConfig::Clean(_) => "clean",
            StepConfig::Pii(_) => "pii",
            StepConfig::GopherRepetition(_) => "gopher_repetition",
            StepConfig::GopherQuality(_) => "gopher_quality",
            StepConfig::C4Quality(_) => "c4_quality",
            StepConfig::FineWebQuality(_) => "fineweb_quality",
        }
    }

    /// Problems with the step's values, each naming the field and value; empty when the step is valid.
    pub fn validate(&self) -> Vec<String> {
        let mut problems = Vec::new();
        match self {
            StepConfig::Extract(config) => {
                if config.max_html_bytes == 0 {
                    problems.push("max_html_bytes = 0 must be > 0".to_owned());
                }
                if config.max_nodes == 0 {
                    problems.push("max_nodes = 0 must be > 0".to_owned());
                }
            }
            StepConfig::MinLength(_) => {}
            StepConfig::Langid(config) => problems.extend(config.validate()),
            StepConfig::Clean(_) => {}
            StepConfig::Pii(config) => problems.extend(config.validate()),
            StepConfig::GopherRepetition(config) => problems.extend(config.validate()),
            StepConfig::GopherQuality(config) => problems.extend(config.validate()),
            StepConfig::C4Quality(config) => problems.extend(config.validate()),
            StepConfig::FineWebQuality(config) => problems.extend(config.validate()),
        }
        problems
    }

    /// The runtime step. Call [`StepConfig::validate`] first; `build` assumes valid values.
    pub fn build(&self) -> Box<dyn Step> {
        match self {
            StepConfig::Extract(config) => Box::new(ExtractStep::new(config)),
            StepConfig::MinLength(config) => Box::new(MinLength::new(config)),
            StepConfig::Langid(config) => Box::new(Langid::new(config)),
            StepConfig::Clean(config) => Box::new(Clean::new(config)),
            StepConfig::Pii(config) => Box::new(Pii::new(config)),
            StepConfig::GopherRepetition(config) => Box::new(GopherRepetition::new(config)),
            StepConfig::GopherQuality(config) => Box::new(GopherQuality::new(config)),
            StepConfig::C4Quality(config) => Box::new(C4Quality::new(config)),
            StepConfig::FineWebQuality(config) => Box::new(FineWebQuality::new(config)),
        }
    }
}

/// The runtime pipeline: built steps in order, shared by every worker thread.
pub struct Pipeline {
    steps: Vec<Box<dyn Step>>,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("steps", &self.step_names())
            .finish()
    }
}

impl Pipeline {
    pub(crate) fn new(steps: Vec<Box<dyn Step>>) -> Pipeline {
        Pipeline { steps }
    }

    /// The steps, in order.
    pub fn steps(&self) -> &[Box<dyn Step>] {
        &self.steps
    }

    /// The steps' names, in order, as they appear in the stats.
    pub fn step_names(&self) -> Vec<&str> {
        self.steps.iter().map(|step| step.name()).collect()
    }

    /// Runs one document through the steps in order, as a worker of the runner does, and stops at the
    /// first step that does not keep it.
    ///
    /// Returns the final verdict and, unless every step kept the document, the name of the step that
    /// dropped it or failed on it. For callers that hold documents in memory (the Python package); the
    /// runner keeps per-step books around the same calls.
    pub fn apply(&self, doc: &mut Document) -> (Verdict, Option<&str>) {
        for step in &self.steps {
            match step.process(doc) {
                Verdict::Keep => {}
                verdict => return (verdict, Some(step.name())),
            }
        }
        (Verdict::Keep, None)
    }
}

#[cfg(test)]
mod tests {
    use saring_core::DropReason;

    use super::*;
    use crate::PipelineConfig;

    #[test]
    fn apply_stops_at_the_first_step_that_does_not_keep() {
        let pipeline = PipelineConfig::from_toml(
            "[[step]]\ntype = \"min_length\"\nmin_chars = 5\n[[step]]\ntype = \"pii\"\n",
        )
        .unwrap()
        .build()
        .unwrap();
        let mut short = Document::new("a".into(), "abc".into());
        assert_eq!(
            pipeline.apply(&mut short),
            (Verdict::Drop(DropReason::MinChars), Some("min_length"))
        );
        assert_eq!(short.signals["min_length.chars"], 3.0);
        let mut long = Document::new("b".into(), "write to me@example.com".into());
        assert_eq!(pipeline.apply(&mut long), (Verdict::Keep, None));
        assert!(!long.text.contains("me@example.com"), "{}", long.text);
        assert_eq!(long.signals["min_length.chars"], 23.0);
    }
}
