//! The work directory of a staged run: which files each stage writes, the plan every task shares (the
//! sorted inputs and a fingerprint of them and the config), completion markers, and atomic writes.
//!
//! ```text
//! WORK/lines/SSSSS.{lines,exact,urls}.runs  per input shard: line keys, text keys, URL keys (sorted runs)
//! WORK/lines/SSSSS.{info,ids,idx}           per document: host, length, keep score; ids
//! WORK/lines/SSSSS.{docs,tokens}            the shard's work copy: documents, token lines (see `copy`)
//! WORK/boilerplate/PP.runs                  boilerplate line keys, part PP of 16 (by key)
//! WORK/signatures/SSSSS.{sketch,sidx}       per document: sketch and line units, where each ends
//! WORK/signatures/SSSSS.bBBB.runs           band BBB's (band key, document) pairs of the shard
//! WORK/buckets/bBBB.runs                    candidate pairs found in band BBB (later, earlier)
//! WORK/cluster/SSSSS.assign                 per document: representative, cluster size, kept
//! WORK/filter/SSSSS.tsv                     the shard's lines of the clusters TSV
//! WORK/<stage>/<task>.done.json             completion marker: fingerprint and the task's counts
//! ```
//!
//! Documents are named in work files by their address, `shard << 32 | index in shard`, which sorts like
//! their global input order; the cluster stage turns addresses into dense indices. No file name depends on
//! the number of tasks, so any rank layout produces the same files.

use std::io::Write;
use std::path::{Path, PathBuf};

use saring_io::list_inputs;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{DedupConfig, DedupError};

/// The inputs and fingerprint every task of a staged run shares.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// The work directory.
    pub work: PathBuf,
    /// Input files, sorted.
    pub files: Vec<PathBuf>,
    /// Messages of inputs that could not be listed.
    pub listing_errors: Vec<String>,
    /// Hash of the config and the input list: a marker with another fingerprint is stale.
    pub fingerprint: String,
    /// Whether the work files and markers are synced to disk before they are renamed into place.
    pub durability: Durability,
}

/// Whether a work file is synced to disk before it is renamed into place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Durability {
    /// Synced: a staged run's files outlive its processes, and a later stage or a rerun trusts every file
    /// with a final name.
    Synced,
    /// Not synced: a one-shot run's work directory is created empty at its start and removed at its end,
    /// so a crash leaves no file that is read again (about 50 syncs saved per input shard).
    Scratch,
}

impl Durability {
    /// Starts writing `path` as a [`saring_io::AtomicFile`] that is synced before it is renamed into place
    /// unless `self` is [`Durability::Scratch`].
    pub(crate) fn create(self, path: &Path) -> std::io::Result<saring_io::AtomicFile> {
        let file = saring_io::AtomicFile::create(path)?;
        Ok(match self {
            Durability::Synced => file,
            Durability::Scratch => file.unsynced(),
        })
    }
}

/// A completion marker: the fingerprint of the work and what the task counted.
#[derive(Serialize, serde::Deserialize)]
struct Marker<T> {
    fingerprint: String,
    counts: T,
}

/// The format of the work files, in the fingerprint: raised whenever a stage's files change meaning (2:
/// one-permutation signatures and the work copy of the `lines` stage; 3: 32-bit token hashes; 4: a sketch and its line units in one record), so that a
/// work directory left by an older saring is redone rather than misread.
const WORK_FORMAT: u32 = 4;

impl Plan {
    /// Lists the inputs and fingerprints them with `config` and the [`WORK_FORMAT`].
    pub(crate) fn new(inputs: &[String], work: &Path, config: &DedupConfig, durability: Durability) -> Plan {
        let (files, errors) = list_inputs(inputs);
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        hasher.update(&WORK_FORMAT.to_le_bytes());
        hasher.update(serde_json::to_string(config).unwrap_or_default().as_bytes());
        for file in &files {
            hasher.update(file.to_string_lossy().as_bytes());
            hasher.update(&[0]);
        }
        Plan {
            work: work.to_path_buf(),
            files,
            listing_errors: errors.iter().map(ToString::to_string).collect(),
            fingerprint: format!("{:016x}", hasher.digest()),
            durability,
        }
    }

    /// `WORK/stage/name`.
    pub(crate) fn path(&self, stage: &str, name: &str) -> PathBuf {
        self.work.join(stage).join(name)
    }

    /// The marker of `task` of `stage`.
    fn marker(&self, stage: &str, task: &str) -> PathBuf {
        self.path(stage, &format!("{task}.done.json"))
    }

    /// The counts of a finished task with this plan's fingerprint, if any.
    pub(crate) fn done<T: DeserializeOwned>(&self, stage: &str, task: &str) -> Option<T> {
        let bytes = std::fs::read(self.marker(stage, task)).ok()?;
        let marker: Marker<T> = serde_json::from_slice(&bytes).ok()?;
        (marker.fingerprint == self.fingerprint).then_some(marker.counts)
    }

    /// The counts of a task a later stage needs; an error naming the stage to run when it is missing.
    pub(crate) fn require<T: DeserializeOwned>(&self, stage: &str, task: &str) -> Result<T, DedupError> {
        self.done(stage, task).ok_or_else(|| DedupError::StageMissing {
            stage: stage.to_owned(),
            task: task.to_owned(),
            work: self.work.display().to_string(),
        })
    }

    /// Records that `task` of `stage` finished with `counts`.
    pub(crate) fn mark_done<T: Serialize>(
        &self,
        stage: &str,
        task: &str,
        counts: &T,
    ) -> Result<(), DedupError> {
        let marker = Marker {
            fingerprint: self.fingerprint.clone(),
            counts,
        };
        let path = self.marker(stage, task);
        let json = serde_json::to_vec_pretty(&marker).map_err(|e| io_error(&path, e.into()))?;
        match self.durability {
            Durability::Synced => write_atomic(&path, &json),
            Durability::Scratch => {
                let mut file = AtomicFile::create(&path, Durability::Scratch)?;
                file.write(&json)?;
                file.finish()
            }
        }
    }

    /// Starts writing the work file `path` with this plan's [`Durability`].
    pub(crate) fn create(&self, path: &Path) -> Result<AtomicFile, DedupError> {
        AtomicFile::create(path, self.durability)
    }

    /// Creates `WORK/stage`.
    pub(crate) fn stage_dir(&self, stage: &str) -> Result<(), DedupError> {
        let dir = self.work.join(stage);
        std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, e))
    }
}

/// The task name of input shard `shard`.
pub(crate) fn shard_name(shard: usize) -> String {
    format!("{shard:05}")
}

/// The address of document `index` of input shard `shard`.
pub(crate) fn address(shard: usize, index: u32) -> u64 {
    (shard as u64) << 32 | u64::from(index)
}

/// The shard and index of an address.
pub(crate) fn split_address(address: u64) -> (usize, u32) {
    ((address >> 32) as usize, address as u32)
}

/// Whether task `task` (of a fixed, rank-independent numbering) is rank `rank`'s of `world_size`.
pub(crate) fn is_mine(task: usize, rank: u32, world_size: u32) -> bool {
    task as u64 % u64::from(world_size.max(1)) == u64::from(rank)
}

/// Bytes a work file gathers before writing them: fewer, larger writes than the 8 KiB of a plain
/// buffered file (a shard's sketch file was over 3,000 writes on 100,000 documents), and a record that
/// is encoded in place ([`AtomicFile::pending`]) is not copied through a second buffer.
const WRITE_BUFFER_BYTES: usize = 256 << 10;

/// A [`saring_io::AtomicFile`] written in gathered writes of about [`WRITE_BUFFER_BYTES`], whose errors
/// are [`DedupError`]s naming the file.
pub(crate) struct AtomicFile {
    file: saring_io::AtomicFile,
    pending: Vec<u8>,
}

impl AtomicFile {
    /// Starts writing `path` with `durability`.
    pub(crate) fn create(path: &Path, durability: Durability) -> Result<AtomicFile, DedupError> {
        let file = durability.create(path).map_err(|e| io_error(path, e))?;
        Ok(AtomicFile {
            file,
            pending: Vec::new(),
        })
    }

    /// Appends bytes.
    pub(crate) fn write(&mut self, bytes: &[u8]) -> Result<(), DedupError> {
        self.pending.extend_from_slice(bytes);
        self.gathered()
    }

    /// The bytes gathered and not yet written, for a record to be encoded straight into them; call
    /// [`AtomicFile::gathered`] after each record.
    pub(crate) fn pending(&mut self) -> &mut Vec<u8> {
        &mut self.pending
    }

    /// Writes the gathered bytes once there are enough of them.
    pub(crate) fn gathered(&mut self) -> Result<(), DedupError> {
        if self.pending.len() >= WRITE_BUFFER_BYTES {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), DedupError> {
        let file = &mut self.file;
        file.write_all(&self.pending)
            .map_err(|e| io_error(file.temporary_path(), e))?;
        self.pending.clear();
        Ok(())
    }

    /// Flushes, syncs (unless created as [`Durability::Scratch`]) and renames the file to its final name.
    pub(crate) fn finish(mut self) -> Result<(), DedupError> {
        self.flush()?;
        let tmp = self.file.temporary_path().to_path_buf();
        self.file.finish().map_err(|e| io_error(&tmp, e))
    }
}

/// Appends `values` to `b`, each as the `W` bytes `bytes` gives it (little-endian, in the work files):
/// the room made at once and filled in one loop, since an `extend_from_slice` per value checks the
/// capacity and moves the length every time, and is not vectorised.
pub(crate) fn put_all<const W: usize, T>(
    b: &mut Vec<u8>,
    values: impl ExactSizeIterator<Item = T>,
    bytes: impl Fn(T) -> [u8; W],
) {
    let start = b.len();
    b.resize(start + W * values.len(), 0);
    let (room, _) = b.get_mut(start..).unwrap_or_default().as_chunks_mut::<W>();
    for (slot, v) in room.iter_mut().zip(values) {
        *slot = bytes(v);
    }
}

/// Writes a whole file atomically.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), DedupError> {
    saring_io::write_atomic(path, |file| file.write_all(bytes)).map_err(|e| io_error(path, e))
}

/// An I/O error on `path`.
pub(crate) fn io_error(path: &Path, source: std::io::Error) -> DedupError {
    DedupError::Io {
        path: path.display().to_string(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_need_the_same_fingerprint() {
        let dir = tempfile::tempdir().unwrap();
        let plan = Plan::new(&[], dir.path(), &DedupConfig::default(), Durability::Synced);
        plan.stage_dir("lines").unwrap();
        assert!(plan.require::<u64>("lines", "00000").is_err());
        plan.mark_done("lines", "00000", &7u64).unwrap();
        assert_eq!(plan.done::<u64>("lines", "00000"), Some(7));
        let other = Plan::new(
            &[],
            dir.path(),
            &DedupConfig {
                seed: 2,
                ..DedupConfig::default()
            },
            Durability::Scratch,
        );
        assert_eq!(other.done::<u64>("lines", "00000"), None);
        // A scratch plan's unsynced marker is as readable as a synced one, and leaves no temporary file.
        other.mark_done("lines", "00000", &9u64).unwrap();
        assert_eq!(other.done::<u64>("lines", "00000"), Some(9));
        let names: Vec<_> = std::fs::read_dir(dir.path().join("lines"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["00000.done.json"]);
        assert_eq!(split_address(address(3, 9)), (3, 9));
        assert!(is_mine(5, 1, 4) && !is_mine(5, 0, 4) && is_mine(5, 0, 1));
    }

    #[test]
    fn values_are_appended_in_their_bytes_in_order() {
        let mut b = vec![9];
        put_all(&mut b, [1u16, 0x0302].iter(), |v| v.to_le_bytes());
        // A run pair: its key's bytes first.
        put_all(&mut b, [5u128 << 64 | 7].iter(), |&p| {
            p.rotate_left(64).to_le_bytes()
        });
        assert_eq!(b[..5], [9, 1, 0, 2, 3]);
        assert_eq!(b[5..13], 5u64.to_le_bytes());
        assert_eq!(b[13..], 7u64.to_le_bytes());
    }

    #[test]
    fn writers_of_one_file_at_once_do_not_trip_over_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("clusters.tsv");
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    for _ in 0..200 {
                        write_atomic(&path, b"same bytes\n").unwrap();
                    }
                });
            }
        });
        assert_eq!(std::fs::read(&path).unwrap(), b"same bytes\n");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["clusters.tsv"]);
    }
}
