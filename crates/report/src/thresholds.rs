//! Thresholds read from a pipeline config, matched to signals by name.
//!
//! A signal `step.name` is matched to the `[[step]]` tables with `type = "step"`: a numeric `min_name` or
//! `max_name` there is its threshold. [`ALIASES`] names the signals whose setting is called otherwise. Only
//! values written in the config are known: a default left out of the config draws no line.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::ReportError;

/// Signals whose threshold key is not `min_<signal>`/`max_<signal>`: (signal, step type, config key).
/// Today every known signal follows the rule (`min_length.chars` ↔ `min_chars`, `langid.score` ↔
/// `min_score`); they are listed so that a rename shows up here.
const ALIASES: &[(&str, &str, &str)] = &[
    ("min_length.chars", "min_length", "min_chars"),
    ("langid.score", "langid", "min_score"),
];

/// Largest config read, in bytes.
const MAX_CONFIG_BYTES: u64 = 16 * 1024 * 1024;

/// A threshold to draw on a signal's histogram.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Threshold {
    /// The config key, `min_chars`.
    pub key: String,
    /// Its value.
    pub value: f64,
}

/// The numeric settings of each step type in a config: type → key → value.
#[derive(Debug, Default)]
pub(crate) struct Thresholds {
    steps: BTreeMap<String, BTreeMap<String, f64>>,
}

impl Thresholds {
    /// Reads the `[[step]]` tables of the pipeline config at `path`.
    pub(crate) fn read(path: &Path) -> Result<Thresholds, ReportError> {
        let file = File::open(path).map_err(|e| ReportError::io(path, e))?;
        let mut text = String::new();
        file.take(MAX_CONFIG_BYTES)
            .read_to_string(&mut text)
            .map_err(|e| ReportError::io(path, e))?;
        Thresholds::parse(&text).map_err(|message| ReportError::BadConfig {
            path: path.to_owned(),
            message,
        })
    }

    /// Parses a pipeline config's text.
    pub(crate) fn parse(text: &str) -> Result<Thresholds, String> {
        let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut steps: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
        if let Some(toml::Value::Array(list)) = table.get("step") {
            for step in list {
                let toml::Value::Table(step) = step else { continue };
                let Some(toml::Value::String(kind)) = step.get("type") else {
                    continue;
                };
                let settings = steps.entry(kind.clone()).or_default();
                for (key, value) in step {
                    let number = match value {
                        toml::Value::Integer(i) => *i as f64,
                        toml::Value::Float(f) => *f,
                        _ => continue,
                    };
                    settings.insert(key.clone(), number);
                }
            }
        }
        Ok(Thresholds { steps })
    }

    /// The thresholds of the signal `signal` (`step.name`), min before max.
    pub(crate) fn for_signal(&self, signal: &str) -> Vec<Threshold> {
        let mut keys: Vec<(String, String)> = ALIASES
            .iter()
            .filter(|(name, _, _)| *name == signal)
            .map(|(_, step, key)| ((*step).to_owned(), (*key).to_owned()))
            .collect();
        if let Some((step, name)) = signal.split_once('.') {
            for prefix in ["min_", "max_"] {
                let key = format!("{prefix}{name}");
                if !keys.iter().any(|(s, k)| s == step && *k == key) {
                    keys.push((step.to_owned(), key));
                }
            }
        }
        keys.into_iter()
            .filter_map(|(step, key)| {
                let value = *self.steps.get(&step)?.get(&key)?;
                Some(Threshold { key, value })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_thresholds_by_signal_name() {
        let t = Thresholds::parse(
            "[[step]]\ntype = \"extract\"\n[[step]]\ntype = \"langid\"\nmin_score = 0.65\n\
             [[step]]\ntype = \"min_length\"\nmin_chars = 200\n[[step]]\ntype = \"x\"\nmax_ratio = 0.3\n",
        )
        .unwrap();
        assert_eq!(
            t.for_signal("min_length.chars"),
            vec![Threshold {
                key: "min_chars".into(),
                value: 200.0
            }]
        );
        assert_eq!(t.for_signal("langid.score")[0].value, 0.65);
        assert_eq!(t.for_signal("x.ratio")[0].key, "max_ratio");
        assert!(t.for_signal("extract.nodes").is_empty());
        assert!(t.for_signal("nodot").is_empty());
        assert!(Thresholds::default().for_signal("min_length.chars").is_empty());
    }

    #[test]
    fn bad_toml_is_an_error() {
        assert!(Thresholds::parse("[[step]\n").is_err());
    }
}
