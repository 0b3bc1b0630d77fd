//! The pipeline: what a run is made of, and the machinery that runs it.
//!
//! - [`PipelineConfig`] is the TOML schema: an `[input]` table (how to read), a list of `[[step]]` tables
//!   each naming its `type`, an `[output]` table (how to write) and a `seed`.
//! - [`StepConfig`] is the registry of step types; [`PipelineConfig::build`] validates every step at once and
//!   returns the runtime [`Pipeline`].
//! - [`explain`] runs one document (picked from an input by [`read_document`]) through the same steps a
//!   run builds, one at a time, and returns an [`Explanation`]: each step's verdict, the signals it wrote
//!   against the thresholds of its config ([`StepConfig::thresholds`]) and the lines it removed.
//! - [`run`] moves documents from the inputs through the steps into output shards on all cores, with
//!   bounded queues, writing in input order so the output is the same for any thread count, and returns the
//!   [`RunStats`](saring_core::RunStats) it also writes to `stats.json`.
//! - [`dedup_after_run`] and [`record_dedup`] run the `[dedup]` table of a config (`saring dedup`'s stages)
//!   over the run's own shards, so the run ends with deduplicated shards and books that count the
//!   duplicates removed.
//!
//! ```
//! use saring_pipeline::PipelineConfig;
//!
//! let config = PipelineConfig::from_toml("[[step]]\ntype = \"extract\"\n\n[[step]]\ntype = \"min_length\"\nmin_chars = 50\n").unwrap();
//! let pipeline = config.build().unwrap();
//! assert_eq!(pipeline.step_names(), ["extract", "min_length"]);
//! ```
#![deny(missing_docs)]

mod config;
mod dedup;
mod explain;
mod registry;
mod runner;
mod steps;
mod thresholds;

pub use config::{ConfigError, PipelineConfig};
pub use dedup::{
    DEDUP_STATS_FILE, DEDUP_STEP, DEDUP_WORK_DIR, DUPLICATE_REASON, DedupRunError, DedupRunOutcome,
    PRE_DEDUP_DIR, dedup_after_run, dedup_config_from_toml, dedup_stage_task, pipeline_dir, record_dedup,
};
pub use explain::{
    ExplainError, Explanation, InputKind, Language, LineMark, Outcome, SignalValue, StepExplanation,
    StepVerdict, ThresholdCheck, TracedLine, explain, read_document,
};
pub use registry::{Pipeline, StepConfig};
pub use runner::{
    DROPPED_DIR, DroppedConfig, EXCLUDED_DIR, Progress, RunError, RunOptions, RunOutcome, merge_stats, run,
};
pub use steps::ExtractStep;
pub use thresholds::{Compare, Threshold};
