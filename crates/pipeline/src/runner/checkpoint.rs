//! Resuming a rank after a crash: `OUT/stats/RRRRR.checkpoint`.
//!
//! Each time a shard is complete (renamed to its final name), a data shard or, with `[dropped]
//! write_all`, an excluded one, the writer syncs the error log and writes, atomically, how far the run
//! has got: for each set of shards the number of complete ones and the input position just after the
//! last record they hold, the length of the error log, the dropped-document sample so far, and the books
//! (stats, timeline) of every record up to the position of the record that completed the shard. A rerun
//! of the same work (same fingerprint) keeps those shards, cuts the error log back to that length,
//! removes everything later, reads on from the earliest of the shard sets' positions, and writes each
//! record only to the shards that do not hold it yet and counts it only if the books do not, so its
//! output is byte for byte that of an uninterrupted run. A checkpoint of other work (another config,
//! other input files) is set aside with a warning and the rank starts afresh; the two are never mixed.

use std::path::PathBuf;

use saring_core::RunStats;
use saring_io::ShardWriter;
use serde::{Deserialize, Serialize};

use super::RunError;
use super::books::{Books, ErrorLog};
use super::dropped::Sampled;
use super::read::{Position, ReaderTotals, Start};

/// How far a set of shards (the data, or the excluded documents) is complete.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct SinkMark {
    /// Shards `0..next_shard` are complete.
    pub(super) next_shard: u32,
    /// Just after the last record those shards hold; `None` when no shard is complete.
    pub(super) through: Option<Position>,
}

/// A shard writer that knows how far its complete shards go, so that a resumed run writes each record to
/// it once.
pub(super) struct Sink {
    /// The writer.
    pub(super) shards: ShardWriter,
    /// How far its complete shards go.
    pub(super) mark: SinkMark,
}

impl Sink {
    /// `shards`, going on after the complete shards `mark` counts.
    pub(super) fn new(shards: ShardWriter, mark: SinkMark) -> Sink {
        Sink {
            shards: shards.resume_after(mark.next_shard),
            mark,
        }
    }

    /// Writes `doc`, read up to `after`, unless a complete shard holds it already. Returns true when it
    /// completed a shard.
    pub(super) fn write(&mut self, doc: &saring_core::Document, after: Position) -> Result<bool, RunError> {
        if self.mark.through.is_some_and(|through| after <= through) {
            return Ok(false);
        }
        let complete = self.shards.finished_shards().len();
        self.shards.write(doc)?;
        let now = self.shards.finished_shards().len();
        if now == complete {
            return Ok(false);
        }
        self.mark = SinkMark {
            next_shard: now as u32,
            through: Some(after),
        };
        Ok(true)
    }
}

/// How far a rank had got, written each time one of its shards completes.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Checkpoint {
    /// The rank's work, as in its completion marker: a checkpoint of other work is never resumed.
    pub(super) fingerprint: String,
    /// The input file `position` is in, as given (for people; `position.file` is its number).
    pub(super) path: String,
    /// Just after the last record the books (stats, error log, sample) account for.
    pub(super) position: Position,
    /// How far the data shards are complete.
    pub(super) shards: SinkMark,
    /// How far the excluded shards are complete, with `[dropped] write_all`.
    pub(super) excluded: Option<SinkMark>,
    /// Bytes of the error log that belong to the records up to `position`.
    pub(super) error_log_bytes: u64,
    /// The reader's totals of the files before the one reading resumes in (see [`Checkpoint::start`]).
    pub(super) reader: ReaderTotals,
    /// The books of the records up to `position`, with the timeline and the time spent so far.
    pub(super) stats: RunStats,
    /// The timeline's gap between points at `position`.
    pub(super) timeline_gap: f64,
    /// The dropped-document sample of the records up to `position`.
    pub(super) sample: Vec<Sampled>,
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
        /// Its complete data and excluded shards.
        shards: Vec<PathBuf>,
    },
}

impl Plan {
    /// Decides how to begin, from the checkpoint in `books` (if any), the rank's `fingerprint` and the
    /// data and excluded shards already complete in the output directory (each numbered from 0 without
    /// a gap).
    pub(super) fn choose(
        books: &Books,
        fingerprint: &str,
        mut shards: Vec<PathBuf>,
        mut excluded: Vec<PathBuf>,
    ) -> Plan {
        let name = books.checkpoint_name();
        let path = books.out().location(&name);
        let bytes = match books.out().read(&name) {
            Ok(Some(bytes)) => bytes,
            _ => return Plan::Fresh { set_aside: None },
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
        let complete = checkpoint.shards.next_shard as usize;
        let excluded_complete = checkpoint.excluded.map_or(0, |mark| mark.next_shard as usize);
        if shards.len() < complete || excluded.len() < excluded_complete {
            return set_aside(format!(
                "the checkpoint counts {complete} complete shards and {excluded_complete} excluded ones, \
                 {} and {} are left",
                shards.len(),
                excluded.len()
            ));
        }
        let log_bytes = ErrorLog::left_bytes(books.out(), &books.error_log_name());
        if log_bytes < checkpoint.error_log_bytes {
            return set_aside(format!(
                "the checkpoint counts {} bytes of error log, {log_bytes} are left",
                checkpoint.error_log_bytes
            ));
        }
        shards.truncate(complete);
        excluded.truncate(excluded_complete);
        shards.append(&mut excluded);
        Plan::Resume {
            checkpoint: Box::new(checkpoint),
            shards,
        }
    }
}

impl Checkpoint {
    /// Where a resumed run reads from: just after the last record every set of shards holds (the
    /// start of the inputs when one has no complete shard).
    pub(super) fn resume_from(shards: SinkMark, excluded: Option<SinkMark>) -> Option<Position> {
        excluded
            .into_iter()
            .chain([shards])
            .map(|mark| mark.through)
            .min()
            .flatten()
    }

    /// Where the reader of a resumed run begins.
    pub(super) fn start(&self) -> Start {
        match Checkpoint::resume_from(self.shards, self.excluded) {
            Some(position) => Start {
                position,
                totals: self.reader.clone(),
            },
            None => Start::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

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
        let books = Books::new(&saring_io::OutputDir::from(dir.path()), 0, 1);
        fs::create_dir_all(dir.path().join("stats")).unwrap();
        let shards: Vec<PathBuf> = (0..3).map(|i| dir.path().join(format!("{i}"))).collect();
        assert!(matches!(
            Plan::choose(&books, "f", shards.clone(), Vec::new()),
            Plan::Fresh { set_aside: None }
        ));

        fs::write(dir.path().join(books.checkpoint_name()), "{").unwrap();
        assert!(
            set_aside(Plan::choose(&books, "f", shards.clone(), Vec::new()))
                .contains("unreadable checkpoint")
        );

        let checkpoint = Checkpoint {
            fingerprint: "f".to_owned(),
            path: "in.jsonl".to_owned(),
            position: Position { file: 0, record: 9 },
            shards: SinkMark {
                next_shard: 2,
                through: Some(Position { file: 0, record: 7 }),
            },
            excluded: None,
            error_log_bytes: 10,
            reader: ReaderTotals::default(),
            stats: RunStats::default(),
            timeline_gap: 0.5,
            sample: Vec::new(),
        };
        write_json(books.out(), &books.checkpoint_name(), &checkpoint).unwrap();
        assert!(set_aside(Plan::choose(&books, "g", shards.clone(), Vec::new())).contains("of other work"));
        let one = shards.iter().take(1).cloned().collect();
        assert!(
            set_aside(Plan::choose(&books, "f", one, Vec::new()))
                .contains("2 complete shards and 0 excluded ones, 1 and 0 are left")
        );
        assert!(
            set_aside(Plan::choose(&books, "f", shards.clone(), Vec::new()))
                .contains("10 bytes of error log, 0")
        );

        fs::create_dir_all(dir.path().join("errors")).unwrap();
        fs::write(dir.path().join("errors/00000.jsonl"), "0123456789ab").unwrap();
        match Plan::choose(&books, "f", shards.clone(), Vec::new()) {
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

    #[test]
    fn reading_resumes_where_the_least_complete_shards_end() {
        let at = |record| SinkMark {
            next_shard: 1,
            through: Some(Position { file: 1, record }),
        };
        let position = |record| Some(Position { file: 1, record });
        assert_eq!(Checkpoint::resume_from(at(5), None), position(5));
        assert_eq!(Checkpoint::resume_from(at(5), Some(at(3))), position(3));
        assert_eq!(Checkpoint::resume_from(at(2), Some(at(3))), position(2));
        // Excluded shards none of which is complete: from the start.
        assert_eq!(Checkpoint::resume_from(at(5), Some(SinkMark::default())), None);
    }
}
