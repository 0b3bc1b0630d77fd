//! `DedupConfig`: every setting of exact and MinHash dedup, as plain data parsed from TOML.

use saring_io::{ReaderConfig, WriterConfig};
use serde::{Deserialize, Serialize};

use crate::DedupError;
use crate::cluster::ClusterParams;
use crate::minhash::MinHasher;

/// The settings of a dedup run. Every field has a default, so `DedupConfig::default()` (or an empty
/// TOML table) is the recommended setup.
///
/// ```
/// let config = saring_dedup::DedupConfig::from_toml("bands = 20\nrows = 5\nkeep = \"longest\"")?;
/// assert_eq!(config.bands * config.rows, 100);
/// # Ok::<(), saring_dedup::DedupError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DedupConfig {
    /// Seed of the MinHash permutations. Runs that share signatures or buckets must use the same seed.
    /// Default 1.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Tokens per shingle (word n-grams; character n-grams in scripts without spaces). Default 5.
    #[serde(default = "default_ngram_size")]
    pub ngram_size: usize,
    /// Number of LSH bands. Default 20.
    ///
    /// Why 20 × 5 and not datatrove's 14 × 8: with 20 × 5 (100 permutations) a pair becomes a
    /// candidate with probability 1 − (1 − J⁵)²⁰: 0.47 at Jaccard 0.5, 0.80 at 0.6, 0.98 at 0.7; with
    /// 14 × 8, 0.05, 0.21 and 0.57. Near copies of a story (edited, truncated, with comments, on
    /// another site's template) mostly sit between 0.5 and 0.7 even with boilerplate lines removed, so
    /// 14 × 8 never even proposes about 40% of them; the candidate check, not the banding, is what
    /// keeps precision. On the 100k benchmark corpus (`bench/results/dedup.md`) pair recall rises from
    /// 0.58 to 0.70 and pair F1 from 0.72 to 0.81. `bands = 14`, `rows = 8` gives datatrove's setting.
    #[serde(default = "default_bands")]
    pub bands: usize,
    /// Permutations per band. Default 5 (see `bands`).
    #[serde(default = "default_rows")]
    pub rows: usize,
    /// Check each candidate pair's estimated Jaccard similarity before joining it. Default true.
    #[serde(default = "default_true")]
    pub candidate_check: bool,
    /// The least estimated Jaccard similarity (0–1) a candidate pair needs to be joined, with
    /// `candidate_check`. Default 0.5.
    #[serde(default = "default_jaccard_threshold")]
    pub jaccard_threshold: f64,
    /// With `candidate_check`, two clusters are joined only if their representatives (first documents)
    /// are at least this similar too (estimated Jaccard, 0–1) and pass the line coverage test, so
    /// chains of pairs cannot drift from one text to another; 0 turns this off. Default 0.3.
    #[serde(default = "default_link_threshold")]
    pub link_threshold: f64,
    /// With `candidate_check`, a pair is joined only if one of the two documents has at least this share
    /// of its lines (units of at least `ngram_size` tokens, boilerplate removed) found in the other. A
    /// near-duplicate shares most of its lines with its original even when truncated or extended; two
    /// different pages that quote one long paragraph share one line each. 0 turns this off. Default 0.6.
    #[serde(default = "default_line_coverage_threshold")]
    pub line_coverage_threshold: f64,
    /// Documents with fewer tokens than this (after boilerplate lines are removed) get no MinHash
    /// signature: they are only matched as exact copies. Default 10.
    #[serde(default = "default_min_tokens")]
    pub min_tokens: usize,
    /// Join documents whose normalised texts are identical, before and regardless of MinHash. Default
    /// true.
    #[serde(default = "default_true")]
    pub exact: bool,
    /// Join documents fetched from the same URL (scheme and host case and the fragment ignored), as
    /// exact copies. Default false.
    #[serde(default)]
    pub exact_url: bool,
    /// Remove boilerplate lines (those repeated on many documents of one host) before shingling.
    /// Default true.
    #[serde(default = "default_true")]
    pub boilerplate_lines: bool,
    /// A line is boilerplate on a host when it appears on at least this many distinct document texts of
    /// that host. Default 3.
    #[serde(default = "default_boilerplate_min_docs")]
    pub boilerplate_min_docs: u32,
    /// …and on at least this share (0–1) of the host's distinct document texts. A template repeats on a
    /// large share of a site's pages; on a big site a paragraph of content (a quote, a syndicated
    /// passage) also turns up on a few pages by chance, more often the bigger the site, and must not be
    /// cut out of them. This only matters for hosts with more than `boilerplate_min_docs /
    /// boilerplate_min_share` pages (300 by default). On the 1M benchmark corpus the fixed count alone
    /// cut body paragraphs out of pages of big sites, and pair recall fell from 0.69 (100k) to 0.46
    /// (`bench/results/dedup.md`). 0 turns this off. Default 0.01.
    #[serde(default = "default_boilerplate_min_share")]
    pub boilerplate_min_share: f64,
    /// Clusters larger than this are reported as over-merged and broken into their exact-text groups.
    /// Default 1000.
    #[serde(default = "default_max_cluster_size")]
    pub max_cluster_size: u32,
    /// How many earlier members of a band bucket a document is checked against at most. Default 16.
    #[serde(default = "default_max_bucket_checks")]
    pub max_bucket_checks: usize,
    /// Which document of a cluster survives. Default `first`.
    #[serde(default)]
    pub keep: Keep,
    /// How to read the inputs (fields `text`, `id`, `url` by default).
    #[serde(default)]
    pub input: ReaderConfig,
    /// How to write the surviving documents.
    #[serde(default)]
    pub output: WriterConfig,
}

/// Which document of a duplicate cluster is kept; in TOML `"first"`, `"longest"` or `"signal:NAME"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(try_from = "String", into = "String")]
pub enum Keep {
    /// The first in input order.
    #[default]
    First,
    /// The longest text (in bytes); ties go to the first in input order.
    Longest,
    /// The highest value of this signal (`step.signal`, e.g. `fineweb_quality.line_punct_ratio`, from the
    /// documents' `signals`); documents without it rank lowest, and ties go to the first in input order.
    Signal(String),
}

impl Keep {
    /// The value copies are ranked by (higher is kept) for a document whose text has `text_bytes` bytes.
    pub fn score(&self, doc: &saring_core::Document, text_bytes: u32) -> f64 {
        match self {
            Keep::First => 0.0,
            Keep::Longest => f64::from(text_bytes),
            Keep::Signal(name) => doc
                .signals
                .get(name)
                .copied()
                .filter(|v| !v.is_nan())
                .unwrap_or(f64::NEG_INFINITY),
        }
    }
}

impl TryFrom<String> for Keep {
    type Error = String;

    fn try_from(value: String) -> Result<Keep, String> {
        match value.as_str() {
            "first" => Ok(Keep::First),
            "longest" => Ok(Keep::Longest),
            other => match other.strip_prefix("signal:") {
                Some(name) if !name.is_empty() => Ok(Keep::Signal(name.to_owned())),
                _ => Err(format!(
                    "keep = {value:?} must be \"first\", \"longest\" or \"signal:NAME\""
                )),
            },
        }
    }
}

impl From<Keep> for String {
    fn from(keep: Keep) -> String {
        match keep {
            Keep::First => "first".to_owned(),
            Keep::Longest => "longest".to_owned(),
            Keep::Signal(name) => format!("signal:{name}"),
        }
    }
}

const fn default_seed() -> u64 {
    1
}
const fn default_ngram_size() -> usize {
    5
}
const fn default_bands() -> usize {
    20
}
const fn default_rows() -> usize {
    5
}
const fn default_true() -> bool {
    true
}
const fn default_jaccard_threshold() -> f64 {
    0.5
}
const fn default_link_threshold() -> f64 {
    0.3
}
const fn default_line_coverage_threshold() -> f64 {
    0.6
}
const fn default_min_tokens() -> usize {
    10
}
const fn default_boilerplate_min_docs() -> u32 {
    3
}
const fn default_boilerplate_min_share() -> f64 {
    0.01
}
const fn default_max_cluster_size() -> u32 {
    1000
}
const fn default_max_bucket_checks() -> usize {
    16
}

impl Default for DedupConfig {
    fn default() -> DedupConfig {
        DedupConfig {
            seed: default_seed(),
            ngram_size: default_ngram_size(),
            bands: default_bands(),
            rows: default_rows(),
            candidate_check: true,
            jaccard_threshold: default_jaccard_threshold(),
            link_threshold: default_link_threshold(),
            line_coverage_threshold: default_line_coverage_threshold(),
            min_tokens: default_min_tokens(),
            exact: true,
            exact_url: false,
            boilerplate_lines: true,
            boilerplate_min_docs: default_boilerplate_min_docs(),
            boilerplate_min_share: default_boilerplate_min_share(),
            max_cluster_size: default_max_cluster_size(),
            max_bucket_checks: default_max_bucket_checks(),
            keep: Keep::First,
            input: ReaderConfig::default(),
            output: WriterConfig::default(),
        }
    }
}

impl DedupConfig {
    /// Parses a TOML table of these settings and validates it.
    pub fn from_toml(text: &str) -> Result<DedupConfig, DedupError> {
        let config: DedupConfig = toml::from_str(text).map_err(|e| DedupError::Config(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks every value, reporting all problems together.
    pub fn validate(&self) -> Result<(), DedupError> {
        let mut errors = Vec::new();
        if !(1..=64).contains(&self.ngram_size) {
            errors.push(format!("ngram_size = {} must be in 1..=64", self.ngram_size));
        }
        if self.bands == 0 {
            errors.push("bands = 0 must be at least 1".to_owned());
        }
        if self.rows == 0 {
            errors.push("rows = 0 must be at least 1".to_owned());
        }
        if self.bands.saturating_mul(self.rows) > 1024 {
            errors.push(format!(
                "bands × rows = {} × {} must be at most 1024 permutations",
                self.bands, self.rows
            ));
        }
        if !(0.0..=1.0).contains(&self.jaccard_threshold) {
            errors.push(format!(
                "jaccard_threshold = {} must be in 0..=1",
                self.jaccard_threshold
            ));
        }
        if !(0.0..=1.0).contains(&self.link_threshold) {
            errors.push(format!(
                "link_threshold = {} must be in 0..=1",
                self.link_threshold
            ));
        }
        if !(0.0..=1.0).contains(&self.line_coverage_threshold) {
            errors.push(format!(
                "line_coverage_threshold = {} must be in 0..=1",
                self.line_coverage_threshold
            ));
        }
        if self.min_tokens == 0 {
            errors.push("min_tokens = 0 must be at least 1".to_owned());
        }
        if self.boilerplate_min_docs < 2 {
            errors.push(format!(
                "boilerplate_min_docs = {} must be at least 2",
                self.boilerplate_min_docs
            ));
        }
        if !(0.0..=1.0).contains(&self.boilerplate_min_share) {
            errors.push(format!(
                "boilerplate_min_share = {} must be in 0..=1",
                self.boilerplate_min_share
            ));
        }
        if self.max_cluster_size < 2 {
            errors.push(format!(
                "max_cluster_size = {} must be at least 2",
                self.max_cluster_size
            ));
        }
        if self.max_bucket_checks == 0 {
            errors.push("max_bucket_checks = 0 must be at least 1".to_owned());
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(DedupError::Config(errors.join("; ")))
        }
    }

    /// The MinHash hasher these settings describe.
    pub fn min_hasher(&self) -> MinHasher {
        MinHasher::new(self.ngram_size, self.bands, self.rows, self.seed)
    }

    /// The clustering parameters these settings describe.
    pub fn cluster_params(&self) -> ClusterParams {
        ClusterParams {
            jaccard_threshold: self.candidate_check.then_some(self.jaccard_threshold),
            line_coverage_threshold: (self.candidate_check && self.line_coverage_threshold > 0.0)
                .then_some(self.line_coverage_threshold),
            link_threshold: (self.candidate_check && self.link_threshold > 0.0)
                .then_some(self.link_threshold),
            max_cluster_size: self.max_cluster_size,
            max_bucket_checks: self.max_bucket_checks,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse_and_validate() {
        assert_eq!(DedupConfig::from_toml("").unwrap(), DedupConfig::default());
        let text = "seed = 1\nngram_size = 5\nbands = 20\nrows = 5\ncandidate_check = true\n\
                    jaccard_threshold = 0.5\nlink_threshold = 0.3\nline_coverage_threshold = 0.6\n\
                    min_tokens = 10\nexact = true\nexact_url = false\nboilerplate_lines = true\n\
                    boilerplate_min_docs = 3\nboilerplate_min_share = 0.01\nmax_cluster_size = 1000\nmax_bucket_checks = 16\n\
                    keep = \"first\"\n[input]\n[output]\n";
        assert_eq!(DedupConfig::from_toml(text).unwrap(), DedupConfig::default());
    }

    #[test]
    fn all_errors_are_reported_together() {
        let err = DedupConfig::from_toml("bands = 0\njaccard_threshold = 2.0\nboilerplate_min_docs = 1")
            .unwrap_err()
            .to_string();
        assert!(err.contains("bands = 0"), "{err}");
        assert!(err.contains("jaccard_threshold = 2"), "{err}");
        assert!(err.contains("boilerplate_min_docs = 1"), "{err}");
        let err = DedupConfig::from_toml("band = 3").unwrap_err().to_string();
        assert!(err.contains("unknown field `band`"), "{err}");
        let err = DedupConfig::from_toml("keep = \"best\"").unwrap_err().to_string();
        assert!(err.contains("signal:NAME"), "{err}");
    }

    #[test]
    fn keep_ranks_by_length_or_signal() {
        let keep = DedupConfig::from_toml("keep = \"signal:q.x\"").unwrap().keep;
        assert_eq!(keep, Keep::Signal("q.x".to_owned()));
        let mut doc = saring_core::Document::default();
        assert_eq!(keep.score(&doc, 5), f64::NEG_INFINITY);
        doc.signals.insert("q.x".to_owned(), 0.25);
        assert_eq!(keep.score(&doc, 5), 0.25);
        assert_eq!(Keep::Longest.score(&doc, 5), 5.0);
        assert_eq!(String::from(keep), "signal:q.x");
    }
}
