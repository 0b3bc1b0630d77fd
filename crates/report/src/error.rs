//! The errors of building or writing a report.

use std::path::PathBuf;

/// Why a report could not be made.
///
/// Unreadable shard records are not errors: the report counts them and says so.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// The directory holds neither `stats.json` nor any `stats/RRRRR.json`.
    #[error("{}: no stats.json and no stats/*.json: is this the output directory of a saring run?", dir.display())]
    NoStats {
        /// The directory given.
        dir: PathBuf,
    },
    /// A file could not be read, listed or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A stats file is not the JSON of run stats.
    #[error("{}: not a saring stats file: {source}", path.display())]
    BadStats {
        /// The stats file.
        path: PathBuf,
        /// What the JSON parser said.
        source: serde_json::Error,
    },
    /// The pipeline config given for thresholds is not a valid pipeline config.
    #[error("{}: cannot read the pipeline config: {message}", path.display())]
    BadConfig {
        /// The config file.
        path: PathBuf,
        /// What the config parser said.
        message: String,
    },
    /// The output of `inspect` could not be written (a closed pipe, say).
    #[error("cannot write the output: {0}")]
    Write(#[source] std::io::Error),
}

impl ReportError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> ReportError {
        ReportError::Io {
            path: path.into(),
            source,
        }
    }
}
