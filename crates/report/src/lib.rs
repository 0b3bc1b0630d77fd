//! The run report: one self-contained HTML file that shows what a run kept, what it dropped and why.
//!
//! [`render_report`] reads a run's output directory — `stats.json` (or, while ranks are still running, the
//! sum of `stats/RRRRR.json`), the first lines of `errors/*.jsonl`, and a bounded sample of the output
//! shards read through [`saring_io::open_input`] — and returns the page as a string. [`write_report`] writes
//! it to `OUT/report.html` atomically. The page needs no network: its charts are static inline SVG and its
//! styles inline CSS; it has no script.
//!
//! Sections: the funnel of documents (and bytes) through each step, drop reasons per step, errors and
//! skipped records by kind, the languages of kept and dropped documents, top domains, histograms of text
//! length and of every signal found in the sample (with the threshold drawn when a pipeline config gives
//! it, see [`ReportOptions::config`]), duplicate cluster sizes (from `clusters.tsv` or the shards'
//! `dedup_cluster_size`), throughput over time per rank, and tables of sample kept documents and of the
//! runner's sample of dropped documents (`dropped/`) per reason. A `saring dedup` output, whose
//! `stats.json` has another shape, gets the sections that apply. Everything taken from the data is
//! HTML-escaped.
//!
//! [`write_card`] writes the dataset card `README.md` (Hugging Face style) from the stats and the
//! [`RunInfo`] that `saring run` records in `run.json`.
//!
//! [`inspect()`] prints the documents of the shards for a terminal: the first matches of a language or id
//! filter, or a seeded random sample.
//!
//! ```
//! use saring_core::{Document, RunStats};
//! use saring_io::{ShardWriter, WriterConfig};
//! use saring_report::{ReportOptions, render_report};
//!
//! let dir = tempfile::tempdir()?;
//! let mut writer = ShardWriter::new(dir.path(), 0, &WriterConfig::default())?;
//! writer.write(&Document::new("a".into(), "<b>hello</b>".into()))?;
//! writer.finish()?;
//! let stats = RunStats { read: 1, kept: 1, ..RunStats::default() };
//! std::fs::write(dir.path().join("stats.json"), serde_json::to_string(&stats)?)?;
//! let html = render_report(dir.path(), &ReportOptions::default())?;
//! assert!(html.contains("&lt;b&gt;hello&lt;/b&gt;"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

mod card;
mod chart;
mod clusters;
mod error;
mod escape;
mod inspect;
mod load;
mod options;
mod render;
mod sample;
mod thresholds;
mod write;

pub use card::{CARD_FILE, CARD_MARKER, CardOutcome, RUN_INFO_FILE, RunInfo, render_card, write_card};
pub use error::ReportError;
pub use inspect::{InspectOptions, InspectSummary, inspect};
pub use options::ReportOptions;
pub use render::render_report;
pub use write::{REPORT_FILE, RunRecords, record_run, write_report, write_report_to};
