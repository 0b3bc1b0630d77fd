//! Resuming a rank after a crash: `OUT/stats/RRRRR.checkpoint`.
//!
//! Each time a shard is complete (renamed to its final name), the writer syncs the error log and writes,
//! atomically, how far the complete shards go: the input position just after the last document in them,
//! the next shard number, the length of the error log, and the books of every record up to that position.
//! A rerun of the same work (same fingerprint) keeps those shards, cuts the error log back to that length,
//! removes everything later, and reads on from that position, so its output is byte for byte that of an
//! uninterrupted run. A checkpoint of other work (another config, other input files) is set aside with a
//! warning and the rank starts afresh; the two are never mixed.

use std::fs;
use std::path::PathBuf;

use saring_core::RunStats;
use serde::{Deserialize, Serialize};

use super::books::{Books, ErrorLog};
use super::read::{Position, ReaderTotals, Start};

/// What a rank's complete shards hold, written each time one completes.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Checkpoint {
    /// The rank's work, as in its completion marker: a checkpoint of other work is never resumed.
    pub(super) fingerprint: String,
    /// The input file the complete shards end in, as given (for people; `position.file` is its number).
    pub(super) path: String,
    /// Just after the last record the complete shards account for.
    pub(super) position: Position,
    /// Shards `0..next_shard` are complete.
    pub(super) next_shard: u32,
    /// Bytes of the error log that belong to the records up to `position`.
    pub(super) error_log_bytes: u64,
    /// The reader's totals of the files before `position.file`.
    pub(super) reader: ReaderTotals,
    /// The books of the records up to `position` (and the time spent so far).
    pub(super) stats: RunStats,
}

/// How a run of a rank begins.
pub(super) enum Plan {
    /// From the start of the inputs; `set_aside` says why an existing checkpoint was not used.
    Fresh {
        /// Why the checkpoint found was not resumed, if one was found.
        set_aside: Option<String>,
    },
    /// From a checkpoint, keeping the complete shards it names.
    Resume {
        /// The checkpoint.
        checkpoint: Box<Checkpoint>,
        /// Its complete shards, in order.
        shards: Vec<PathBuf>,
    },
}

impl Plan {
    /// Decides how to begin, from the checkpoint in `books` (if any), the rank's `fingerprint` and the
    /// shards already complete in the output directory (numbered from 0 without a gap).
    pub(super) fn choose(books: &Books, fingerprint: &str, mut shards: Vec<PathBuf>) -> Plan {
        let path = books.checkpoint_path();
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(_) => return Plan::Fresh { set_aside: None },
        };
        let set_aside = |why: String| Plan::Fresh {
            set_aside: Some(format!("{}: {why}", path.display())),
        };
        let checkpoint: Checkpoint = match serde_json::from_slice(&bytes) {
            Ok(checkpoint) => checkpoint,
            Err(e) => return set_aside(format!("unreadable checkpoint: {e}")),
        };
        if checkpoint.fingerprint != fingerprint {
            return set_aside(
                "the checkpoint is of other work (another config, saring version or input files)".into(),
            );
        }
        let complete = checkpoint.next_shard as usize;
        if shards.len() < complete {
            return set_aside(format!(
                "the checkpoint counts {complete} complete shards, {} are left",
                shards.len()
            ));
        }
        let log_bytes = ErrorLog::left_bytes(&books.error_log_path());
        if log_bytes < checkpoint.error_log_bytes {
            return set_aside(format!(
                "the checkpoint counts {} bytes of error log, {log_bytes} are left",
                checkpoint.error_log_bytes
            ));
        }
        shards.truncate(complete);
        Plan::Resume {
            checkpoint: Box::new(checkpoint),
            shards,
        }
    }
}

impl Checkpoint {
    /// Where the reader of a resumed run begins.
    pub(super) fn start(&self) -> Start {
        Start {
            position: self.position,
            totals: self.reader.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::books::write_json;

    fn set_aside(plan: Plan) -> String {
        match plan {
            Plan::Fresh { set_aside } => set_aside.unwrap_or_default(),
            Plan::Resume { .. } => "resumed".to_owned(),
        }
    }

    #[test]
    fn only_a_checkpoint_of_the_same_work_with_its_files_is_resumed() {
        let dir = tempfile::tempdir().unwrap();
        let books = Books::new(dir.path(), 0, 1);
        fs::create_dir_all(dir.path().join("stats")).unwrap();
        let shards: Vec<PathBuf> = (0..3).map(|i| dir.path().join(format!("{i}"))).collect();
        assert!(matches!(
            Plan::choose(&books, "f", shards.clone()),
            Plan::Fresh { set_aside: None }
        ));

        fs::write(books.checkpoint_path(), "{").unwrap();
        assert!(set_aside(Plan::choose(&books, "f", shards.clone())).contains("unreadable checkpoint"));

        let checkpoint = Checkpoint {
            fingerprint: "f".to_owned(),
            path: "in.jsonl".to_owned(),
            position: Position { file: 0, record: 7 },
            next_shard: 2,
            error_log_bytes: 10,
            reader: ReaderTotals::default(),
            stats: RunStats::default(),
        };
        write_json(&books.checkpoint_path(), &checkpoint).unwrap();
        assert!(set_aside(Plan::choose(&books, "g", shards.clone())).contains("of other work"));
        let one = shards.iter().take(1).cloned().collect();
        assert!(set_aside(Plan::choose(&books, "f", one)).contains("2 complete shards, 1 are left"));
        assert!(set_aside(Plan::choose(&books, "f", shards.clone())).contains("10 bytes of error log, 0"));

        fs::create_dir_all(dir.path().join("errors")).unwrap();
        fs::write(dir.path().join("errors/00000.jsonl"), "0123456789ab").unwrap();
        match Plan::choose(&books, "f", shards.clone()) {
            Plan::Resume {
                checkpoint,
                shards: kept,
            } => {
                assert_eq!(kept, shards.get(..2).unwrap());
                assert_eq!(checkpoint.start().position, Position { file: 0, record: 7 });
            }
            Plan::Fresh { set_aside } => panic!("not resumed: {set_aside:?}"),
        }
    }
}
