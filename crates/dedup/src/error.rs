//! The errors of dedup.

/// Why a dedup run could not complete. Unreadable records are not errors of the run: they are counted
/// in [`DedupStats`](crate::DedupStats) and the run goes on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DedupError {
    /// A setting is invalid; the message lists every problem.
    #[error("invalid dedup config: {0}")]
    Config(String),
    /// An output shard could not be written.
    #[error(transparent)]
    Write(#[from] saring_io::WriteError),
    /// Another output file (the clusters TSV, stats) could not be written.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The failure.
        source: std::io::Error,
    },
    /// A later stage read a different number of documents from an input than the `lines` stage did.
    #[error(
        "the input {path} changed between stages: the {stage} stage read {seen} documents, the lines stage {expected}"
    )]
    InputChanged {
        /// The stage that noticed.
        stage: String,
        /// The input file.
        path: String,
        /// Documents it read.
        seen: u64,
        /// Documents the `lines` stage read.
        expected: u64,
    },
    /// A stage needs a task of an earlier stage that has not finished (with this config and inputs).
    #[error(
        "the {stage} stage's task {task} is not finished in {work} (for this config and inputs): run `saring dedup {stage}` first"
    )]
    StageMissing {
        /// The earlier stage (its directory name in the work directory).
        stage: String,
        /// Its task.
        task: String,
        /// The work directory.
        work: String,
    },
    /// Documents are indexed with 32 bits (per input file and over the run).
    #[error("too many documents for dedup (at most 4,294,967,295)")]
    TooManyDocuments,
    /// The worker threads could not be started.
    #[error("cannot start {threads} worker threads: {message}")]
    Threads {
        /// Threads asked for.
        threads: usize,
        /// Why not.
        message: String,
    },
}
