//! [`LangidConfig`]: the settings of the `langid` step, as written in a `[[step]]` table.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::{LanguageId, LanguageModel, ModelError};

/// Settings of the `langid` step.
///
/// ```toml
/// [[step]]
/// type = "langid"
/// languages = ["id", "ms"]   # empty or absent: any language
/// min_score = 0.65
/// label_only = false
/// close_pairs = true
/// # model = "models/glotlid.bin"   # another fastText model instead of the built-in lid.176
/// # model_sha256 = "…64 hex digits…"
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LangidConfig {
    /// Keep only documents in these languages, written as lid.176 codes without `__label__` (`"id"`,
    /// `"ms"`, `"en"`, `"min"`…). A document is kept when one of them scores above `min_score`, as in
    /// datatrove's `LanguageFilter`; otherwise it is dropped with reason `languages` (another language won)
    /// or `min_score` (the language is listed but not sure enough). Default: empty, any language.
    #[serde(default)]
    pub languages: Vec<String>,
    /// The probability the document's language must be above to keep it; 0 to 1. Documents at or under it
    /// are dropped with reason `min_score`. Default 0.65, datatrove's `language_threshold`.
    #[serde(default = "default_min_score")]
    pub min_score: f32,
    /// Only label: set the document's `language` and its `langid.score` signal, and keep every document.
    /// Default false.
    #[serde(default)]
    pub label_only: bool,
    /// Run the second stage for close languages: when lid.176's label is one of
    /// Indonesian/Malay/Javanese/Sundanese/Minangkabau, Croatian/Bosnian/Serbian (or `sh`),
    /// Nynorsk/Bokmål/Danish, Czech/Slovak or Galician/Spanish/Portuguese, words, word endings and
    /// letters that only some of them use decide between them (lid.176 alone labels most Malay,
    /// Minangkabau and Bosnian wrongly); when none is present in a Malay/Indonesian text, lid.176's
    /// probabilities without its training prior and lingua's models for the two decide. The score is then
    /// the model's probability for the group. Set false for lid.176's labels and scores exactly as
    /// fastText gives them. Default true.
    #[serde(default = "default_close_pairs")]
    pub close_pairs: bool,
    /// When the document has several paragraphs (split at blank lines) and they are not all in one
    /// language, record in metadata `language_shares`: each language's share of the paragraphs'
    /// characters, e.g. `{"de": 0.7, "en": 0.3}`. Paragraphs under 40 characters or predicted with a
    /// score under 0.5 do not count (a line of names is not a language). Costs a second prediction over
    /// multi-paragraph texts. Default true.
    #[serde(default = "default_paragraph_shares")]
    pub paragraph_shares: bool,
    /// A fastText-format model file (`.bin` or `.ftz`, e.g. GlotLID) to use instead of the built-in
    /// lid.176; `languages` are then that model's labels. Default: none, lid.176.
    #[serde(default)]
    pub model: Option<PathBuf>,
    /// The SHA-256 the `model` file must have (64 hex digits); checked when the model is loaded, and a
    /// mismatch is an error naming the file and both hashes. Default: not checked.
    #[serde(default)]
    pub model_sha256: Option<String>,
}

const fn default_close_pairs() -> bool {
    true
}

const fn default_paragraph_shares() -> bool {
    true
}

const fn default_min_score() -> f32 {
    0.65
}

impl Default for LangidConfig {
    fn default() -> LangidConfig {
        LangidConfig {
            languages: Vec::new(),
            min_score: default_min_score(),
            label_only: false,
            close_pairs: default_close_pairs(),
            paragraph_shares: default_paragraph_shares(),
            model: None,
            model_sha256: None,
        }
    }
}

impl LangidConfig {
    /// Problems with the settings against the configured model (`model`, else the built-in lid.176),
    /// each naming the field and value; empty when the step can be built. A model that cannot be read,
    /// parsed or whose checksum differs is one problem, prefixed `model:`.
    pub fn validate(&self) -> Vec<String> {
        if self.model_sha256.is_some() && self.model.is_none() {
            return vec!["model_sha256 is set but model is not".to_owned()];
        }
        match self.language_id() {
            Ok(id) => self.validate_for(&id),
            Err(e) => vec![format!("model: {e}")],
        }
    }

    /// The identifier these settings ask for: the `model` file (its checksum checked) or the built-in
    /// lid.176.
    pub fn language_id(&self) -> Result<LanguageId, ModelError> {
        match &self.model {
            Some(path) => Ok(LanguageId::new(LanguageModel::from_path(
                path,
                self.model_sha256.as_deref(),
            )?)),
            None => LanguageId::lid176(),
        }
    }

    /// Problems with the settings for the given identifier: `min_score` outside 0 to 1, and languages the
    /// model cannot return (all of them are listed, with a hint for the codes that trap people).
    pub fn validate_for(&self, id: &LanguageId) -> Vec<String> {
        let mut problems = Vec::new();
        if !(0.0..=1.0).contains(&self.min_score) {
            problems.push(format!("min_score = {} must be between 0 and 1", self.min_score));
        }
        let labels = id.labels();
        for language in &self.languages {
            if !labels.iter().any(|label| label == language) {
                problems.push(format!(
                    "languages: {language:?} is not a label of the model{}",
                    hint(language)
                ));
            }
        }
        problems
    }
}

/// A nudge for codes people often write instead of lid.176's.
fn hint(code: &str) -> &'static str {
    match code {
        "nb" | "nob" => " (lid.176 calls Norwegian Bokmål \"no\")",
        "zsm" | "msa" => " (lid.176 calls Malay \"ms\")",
        "ind" | "in" => " (lid.176 calls Indonesian \"id\")",
        "iw" => " (lid.176 calls Hebrew \"he\")",
        _ if code.starts_with("__label__") => " (write the code without \"__label__\")",
        _ if code.contains('_') => " (lid.176 codes have no script suffix)",
        _ => " (lid.176 labels are lowercase ISO 639-1 codes where one exists, e.g. \"en\", \"id\", \"ceb\")",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_unknown_keys() {
        let config: LangidConfig = toml::from_str("").unwrap();
        assert_eq!(config, LangidConfig::default());
        assert_eq!(config.min_score, 0.65);
        let err = toml::from_str::<LangidConfig>("language = [\"id\"]")
            .unwrap_err()
            .to_string();
        assert!(err.contains("language"), "{err}");
    }

    #[test]
    fn validation_names_every_bad_value() {
        let config: LangidConfig =
            toml::from_str("languages = [\"id\", \"nb\", \"xx\"]\nmin_score = 1.5").unwrap();
        let problems = config.validate();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("min_score = 1.5"), "{problems:?}");
        assert!(
            problems[1].contains("\"nb\"") && problems[1].contains("\"no\""),
            "{problems:?}"
        );
        assert!(problems[2].contains("\"xx\""), "{problems:?}");
        assert!(LangidConfig::default().validate().is_empty());
    }

    #[test]
    fn model_file_and_checksum_are_checked_at_load() {
        let model = concat!(env!("CARGO_MANIFEST_DIR"), "/models/lid.176.ftz");
        let good: LangidConfig = toml::from_str(&format!(
            "model = {model:?}\nmodel_sha256 = {:?}\nlanguages = [\"id\"]",
            crate::LID176_SHA256
        ))
        .unwrap();
        assert!(good.validate().is_empty(), "{:?}", good.validate());
        let wrong = "0".repeat(64);
        let bad = LangidConfig {
            model_sha256: Some(wrong.clone()),
            ..good.clone()
        };
        let problems = bad.validate();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("lid.176.ftz")
                && problems[0].contains(&wrong)
                && problems[0].contains(crate::LID176_SHA256),
            "{problems:?}"
        );
        let missing = LangidConfig {
            model: Some("no/such/model.bin".into()),
            model_sha256: None,
            ..LangidConfig::default()
        };
        assert!(missing.validate()[0].contains("no/such/model.bin"));
        let orphan = LangidConfig {
            model_sha256: Some(wrong),
            ..LangidConfig::default()
        };
        assert!(orphan.validate()[0].contains("model_sha256"));
    }
}
