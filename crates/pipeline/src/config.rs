//! The TOML schema of a pipeline, and its validation.

use saring_dedup::DedupConfig;
use saring_io::{ReaderConfig, WriterConfig};
use saring_langid::LangidConfig;
use serde::{Deserialize, Serialize};

use crate::registry::{Pipeline, StepConfig};
use crate::runner::DroppedConfig;

/// A whole pipeline as written in `pipeline.toml`.
///
/// ```toml
/// seed = 0
/// [input]
/// format = "auto"
/// [[step]]
/// type = "extract"
/// [[step]]
/// type = "min_length"
/// min_chars = 200
/// [output]
/// format = "jsonl"
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineConfig {
    /// The seed every random choice of every step derives from. Default 0.
    #[serde(default)]
    pub seed: u64,
    /// How to read the inputs.
    #[serde(default)]
    pub input: ReaderConfig,
    /// The steps, in order; each table's `type` names the step.
    #[serde(default = "default_steps", rename = "step")]
    pub steps: Vec<StepConfig>,
    /// How to write the kept documents.
    #[serde(default)]
    pub output: WriterConfig,
    /// What to keep of the dropped documents: a sample per drop reason, or all of them.
    #[serde(default)]
    pub dropped: DroppedConfig,
    /// Deduplicate the kept documents after the steps (`[dedup]`, the settings of `saring dedup`); see
    /// [`crate::dedup_after_run`] for where the shards go. Default none: no dedup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dedup: Option<DedupConfig>,
}

fn default_steps() -> Vec<StepConfig> {
    vec![
        StepConfig::Extract(Default::default()),
        StepConfig::Clean(Default::default()),
        StepConfig::Langid(LangidConfig {
            label_only: true,
            ..Default::default()
        }),
        StepConfig::MinLength(Default::default()),
    ]
}

impl Default for PipelineConfig {
    /// The pipeline `saring run` uses without `--config`: extract, clean, label the language (dropping
    /// nothing), then drop documents under 200 characters.
    fn default() -> PipelineConfig {
        PipelineConfig {
            seed: 0,
            input: ReaderConfig::default(),
            steps: default_steps(),
            output: WriterConfig::default(),
            dropped: DroppedConfig::default(),
            dedup: None,
        }
    }
}

/// A pipeline config that cannot be used: every problem found, each naming its place.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The TOML does not parse or does not match the schema; the message names the key, line and column.
    #[error("{0}")]
    Parse(String),
    /// The TOML parsed but some values are invalid; one line per problem, each naming step and field.
    #[error("invalid pipeline config:\n  {}", .0.join("\n  "))]
    Invalid(Vec<String>),
}

impl PipelineConfig {
    /// Parses a pipeline from TOML text. Unknown keys are errors that name the key and its place.
    pub fn from_toml(text: &str) -> Result<PipelineConfig, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::Parse(describe_parse_error(text, &e)))
    }

    /// The config as TOML text that [`from_toml`](PipelineConfig::from_toml) reads back to the same
    /// config: what a run records of a config given as values rather than as a file (from Python).
    pub fn to_toml(&self) -> Result<String, ConfigError> {
        toml::to_string(self).map_err(|e| ConfigError::Parse(e.to_string()))
    }

    /// Checks every value of every step and the output, reporting all problems together, and builds the
    /// runtime pipeline.
    pub fn build(&self) -> Result<Pipeline, ConfigError> {
        let mut problems = Vec::new();
        if self.output.max_shard_bytes == 0 {
            problems.push("output: max_shard_bytes = 0 must be > 0".to_owned());
        }
        if self.input.max_record_bytes == 0 {
            problems.push("input: max_record_bytes = 0 must be > 0".to_owned());
        }
        if self.output.format == saring_io::OutputFormat::Parquet
            && self.output.compression == saring_io::Compression::Gzip
        {
            problems.push(
                "output: compression = \"gzip\" is not available for parquet; use \"zstd\" or \"none\""
                    .into(),
            );
        }
        if let Some(Err(e)) = self.dedup.as_ref().map(DedupConfig::validate) {
            problems.push(format!("dedup: {e}"));
        }
        for (i, step) in self.steps.iter().enumerate() {
            for problem in step.validate() {
                problems.push(format!("step {} ({}): {problem}", i + 1, step.type_name()));
            }
        }
        if !problems.is_empty() {
            return Err(ConfigError::Invalid(problems));
        }
        Ok(Pipeline::new(self.steps.iter().map(StepConfig::build).collect()))
    }
}

/// The parser's message, led by the line of the offending key when the parser only pointed at its table.
///
/// A `[[step]]` table is read through its `type` tag, and for such tables the parser reports an unknown key
/// at the table header; the key's own line is what a user needs.
fn describe_parse_error(text: &str, error: &toml::de::Error) -> String {
    let full = error.to_string().trim_end().to_owned();
    let unknown = error
        .message()
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split_once('`'));
    let (Some(span), Some((key, _))) = (error.span(), unknown) else {
        return full;
    };
    let table = text.get(span.start..).unwrap_or_default();
    let first_line = text.get(..span.start).unwrap_or_default().matches('\n').count() + 1;
    let found = table
        .lines()
        .enumerate()
        .skip(1)
        .take_while(|(_, line)| !line.trim_start().starts_with('['))
        .find(|(_, line)| {
            line.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        });
    match found {
        Some((offset, _)) => format!("line {}: {}\n{full}", first_line + offset, error.message()),
        None => full,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn to_toml_reads_back_to_the_same_config() {
        for text in [
            include_str!("../../../examples/pipeline.toml"),
            include_str!("../../../presets/fineweb2.toml"),
            include_str!("../../../presets/c4.toml"),
        ] {
            let config = super::PipelineConfig::from_toml(text).unwrap();
            let written = config.to_toml().unwrap();
            assert_eq!(
                super::PipelineConfig::from_toml(&written).unwrap(),
                config,
                "{written}"
            );
        }
    }

    use super::*;

    #[test]
    fn empty_config_is_the_default_pipeline() {
        assert_eq!(PipelineConfig::from_toml("").unwrap(), PipelineConfig::default());
    }

    #[test]
    fn unknown_keys_are_named_with_their_place() {
        let err = PipelineConfig::from_toml("[[step]]\ntype = \"min_length\"\nmin_char = 3\n").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("line 3: unknown field `min_char`"), "{msg}");
        let msg = PipelineConfig::from_toml("[output]\nshard_size = 3\n")
            .unwrap_err()
            .to_string();
        assert!(msg.contains("shard_size") && msg.contains("line 2"), "{msg}");
        let msg = PipelineConfig::from_toml("[[step]]\ntype = \"frobnicate\"\n")
            .unwrap_err()
            .to_string();
        assert!(msg.contains("frobnicate"), "{msg}");
        let msg = PipelineConfig::from_toml("sed = 1\n").unwrap_err().to_string();
        assert!(msg.contains("sed"), "{msg}");
    }

    #[test]
    fn invalid_values_are_all_reported_together() {
        let config = PipelineConfig::from_toml(
            "[output]\nmax_shard_bytes = 0\nformat = \"parquet\"\ncompression = \"gzip\"\n",
        )
        .unwrap();
        let msg = config.build().unwrap_err().to_string();
        assert!(msg.contains("max_shard_bytes = 0"), "{msg}");
        assert!(msg.contains("gzip"), "{msg}");
    }

    #[test]
    fn bundled_example_config_parses_and_builds() {
        let text = include_str!("../../../examples/pipeline.toml");
        let config = PipelineConfig::from_toml(text).unwrap();
        config.build().unwrap();
        // `saring run` records this file as the config of a run without --config.
        assert_eq!(config, PipelineConfig::default());
    }
}
