//! What to put in a report, and how much of it.

use std::path::PathBuf;

/// Settings of a report. [`ReportOptions::default`] suits any run.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportOptions {
    /// The run's pipeline config (TOML). When given, the thresholds of its steps (`min_chars` of
    /// `min_length`, `min_score` of `langid`, the quality filters' settings; defaults included) are drawn
    /// on the signal histograms. Default none: the config the run recorded in `run.json` (a preset or the
    /// default pipeline included), and no threshold lines without one.
    pub config: Option<PathBuf>,
    /// Most documents read from the shards, in shard order, for the languages, domains, histograms and
    /// samples. Default 20 000.
    pub max_docs: usize,
    /// Rows of the sample-documents table, spread evenly over the documents read. Default 60.
    pub max_examples: usize,
    /// Characters of each sample document's text shown. Default 300.
    pub example_chars: usize,
    /// Bars in the language and domain charts; the rest are summed as "other". Default 25.
    pub max_bars: usize,
    /// Lines of `errors/*.jsonl` shown. Default 20.
    pub max_error_lines: usize,
    /// Rows of the dropped-documents table per (step, reason), from the run's sample in `dropped/`.
    /// Default 5.
    pub dropped_examples: usize,
    /// Rows of the largest-clusters table of a `saring dedup` output. Default 15.
    pub max_clusters: usize,
}

impl Default for ReportOptions {
    fn default() -> ReportOptions {
        ReportOptions {
            config: None,
            max_docs: 20_000,
            max_examples: 60,
            example_chars: 300,
            max_bars: 25,
            max_error_lines: 20,
            dropped_examples: 5,
            max_clusters: 15,
        }
    }
}
