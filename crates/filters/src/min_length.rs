use saring_core::{Document, DropReason, Step, Verdict};
use serde::{Deserialize, Serialize};

/// Settings of the `min_length` filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinLengthConfig {
    /// Documents whose text has fewer Unicode characters (after trimming surrounding whitespace) are
    /// dropped with reason `min_chars`. Default 200.
    #[serde(default = "default_min_chars")]
    pub min_chars: u64,
}

const fn default_min_chars() -> u64 {
    200
}

impl Default for MinLengthConfig {
    fn default() -> MinLengthConfig {
        MinLengthConfig {
            min_chars: default_min_chars(),
        }
    }
}

/// Drops documents too short to be worth keeping; records `min_length.chars` on every document.
#[derive(Debug, Clone)]
pub struct MinLength {
    min_chars: u64,
}

impl MinLength {
    /// The filter for the given settings.
    pub fn new(config: &MinLengthConfig) -> MinLength {
        MinLength {
            min_chars: config.min_chars,
        }
    }
}

impl Step for MinLength {
    fn name(&self) -> &str {
        "min_length"
    }

    fn process(&self, doc: &mut Document) -> Verdict {
        let chars = doc.text.trim().chars().count() as u64;
        doc.signals.insert("min_length.chars".to_owned(), chars as f64);
        if chars < self.min_chars {
            Verdict::Drop(DropReason::MinChars)
        } else {
            Verdict::Keep
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_not_bytes_and_keeps_at_threshold() {
        let filter = MinLength::new(&MinLengthConfig { min_chars: 5 });
        let mut doc = Document::new("a".into(), "  ünïcö  ".into());
        assert_eq!(filter.process(&mut doc), Verdict::Keep);
        assert_eq!(doc.signals["min_length.chars"], 5.0);
        let mut doc = Document::new("b".into(), "abcd".into());
        assert_eq!(filter.process(&mut doc), Verdict::Drop(DropReason::MinChars));
    }

    #[test]
    fn config_rejects_unknown_keys_and_has_a_default() {
        let config: MinLengthConfig = toml::from_str("").unwrap();
        assert_eq!(config, MinLengthConfig::default());
        let err = toml::from_str::<MinLengthConfig>("min_char = 3")
            .unwrap_err()
            .to_string();
        assert!(err.contains("min_char"), "{err}");
    }
}
