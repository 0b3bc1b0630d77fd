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
    /// The inputs gave a different number of documents on a later pass than on the first.
    #[error(
        "the inputs changed while dedup read them: pass {pass} saw {seen} documents, the first {expected}"
    )]
    InputChanged {
        /// The pass (2 or 3).
        pass: u32,
        /// Documents seen on that pass.
        seen: u64,
        /// Documents seen on the first pass.
        expected: u64,
    },
    /// One-shot dedup indexes documents with 32 bits.
    #[error("too many documents for one-shot dedup (at most 4,294,967,295)")]
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
