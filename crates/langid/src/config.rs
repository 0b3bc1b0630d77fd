//! [`LangidConfig`]: the settings of the `langid` step, as written in a `[[step]]` table.

use serde::{Deserialize, Serialize};

use crate::LanguageId;

/// Settings of the `langid` step.
///
/// ```toml
/// [[step]]
/// type = "langid"
/// languages = ["id", "ms"]   # empty or absent: any language
/// min_score = 0.65
/// label_only = false
/// close_pairs = true
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
    /// Run the second stage for close languages: when lid.176's label is one of Indonesian/Malay,
    /// Nynorsk/Bokmål/Danish, Czech/Slovak or Galician/Spanish/Portuguese, words and letters that only one
    /// of them uses decide between them (lid.176 alone labels most Malay `id`); the score is then the
    /// model's probability for the group. Set false for lid.176's labels and scores exactly as fastText
    /// gives them. Default true.
    #[serde(default = "default_close_pairs")]
    pub close_pairs: bool,
}

const fn default_close_pairs() -> bool {
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
        }
    }
}

impl LangidConfig {
    /// Problems with the settings against the built-in lid.176 model, each naming the field and value;
    /// empty when the step can be built.
    pub fn validate(&self) -> Vec<String> {
        match LanguageId::lid176() {
            Ok(id) => self.validate_for(&id),
            Err(e) => vec![e.to_string()],
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
}
