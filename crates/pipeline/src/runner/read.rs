//! The reader thread: inputs in order, cut into numbered batches.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use crossbeam_channel::{Receiver, Sender};
use saring_io::{DocReader, ReadError, open_input};
use serde::{Deserialize, Serialize};

use super::{BATCH_BYTES, BATCH_DOCS, Batch, Item, Progress};
use crate::PipelineConfig;

/// What only the reader knows: bytes consumed, files opened, records skipped.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct ReaderTotals {
    pub(super) bytes_in: u64,
    pub(super) files: u64,
    pub(super) skipped: BTreeMap<String, u64>,
}

/// A place in the rank's input stream, just after one item: `record` items (documents and errored
/// records, counted from 1) of file number `file` of the rank's sorted list have been read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub(super) struct Position {
    pub(super) file: usize,
    pub(super) record: u64,
}

/// What the reader shares with the writer while the run goes.
#[derive(Default)]
pub(super) struct Shared {
    /// Set when the writer stops taking batches.
    pub(super) stop: AtomicBool,
    /// The reader's totals when it began each file, by file number: what a checkpoint inside that file
    /// records of the files before it.
    pub(super) file_starts: Mutex<BTreeMap<usize, ReaderTotals>>,
}

/// Where reading begins: at `position` (the start for a fresh run), with `totals` of the files before it.
#[derive(Default)]
pub(super) struct Start {
    pub(super) position: Position,
    pub(super) totals: ReaderTotals,
}

/// Reads every input in order into batches, from `start` on (the files before it are not opened, the
/// records of its file before it are read and passed over). Stops early when the writer stops taking
/// batches, or after the first error when `fail_fast`.
pub(super) fn read_all(
    files: &[PathBuf],
    listing_errors: Vec<ReadError>,
    config: &PipelineConfig,
    mut batcher: Batcher,
    start: Start,
    shared: &Shared,
    progress: &Progress,
) -> ReaderTotals {
    let mut totals = start.totals;
    for error in listing_errors {
        if !batcher.push(Item::Failed(error.into()), Position::default(), progress) {
            return totals;
        }
    }
    for (file, path) in files.iter().enumerate().skip(start.position.file) {
        if shared.stop.load(Ordering::Relaxed) {
            return totals;
        }
        shared
            .file_starts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(file, totals.clone());
        totals.files += 1;
        let reader: Box<dyn DocReader> = match open_input(path, &config.input) {
            Ok(reader) => reader,
            Err(error) => {
                let after = Position { file, record: 1 };
                if !batcher.push(Item::Failed(error.into()), after, progress) {
                    return totals;
                }
                continue;
            }
        };
        let done_before = totals.bytes_in;
        let mut reader = reader;
        let mut alive = true;
        let read_before = if file == start.position.file {
            start.position.record
        } else {
            0
        };
        let mut record = 0;
        while alive {
            let Some(item) = reader.next() else { break };
            record += 1;
            if record <= read_before {
                continue;
            }
            let item = match item {
                Ok(doc) => Item::Doc(doc),
                Err(error) => Item::Failed(error.into()),
            };
            alive = batcher.push(item, Position { file, record }, progress);
            progress
                .bytes_in
                .store(done_before + reader.bytes_read(), Ordering::Relaxed);
        }
        totals.bytes_in = done_before + reader.bytes_read();
        for (kind, n) in reader.skipped() {
            *totals.skipped.entry(kind.clone()).or_default() += n;
        }
        if !alive {
            return totals;
        }
    }
    batcher.flush();
    totals
}

/// Groups items into numbered batches, taking a token for each batch sent.
pub(super) struct Batcher {
    seq: u64,
    items: Vec<(Item, Position)>,
    bytes: usize,
    /// Send the batch at once after an error, and take no more items.
    fail_fast: bool,
    batch_tx: Sender<Batch>,
    token_rx: Receiver<()>,
}

impl Batcher {
    /// A batcher sending into `batch_tx`, taking a token from `token_rx` for each batch.
    pub(super) fn new(fail_fast: bool, batch_tx: Sender<Batch>, token_rx: Receiver<()>) -> Batcher {
        Batcher {
            seq: 0,
            items: Vec::with_capacity(BATCH_DOCS),
            bytes: 0,
            fail_fast,
            batch_tx,
            token_rx,
        }
    }

    /// Adds an item read up to `after`, sending the batch when full. Returns false once the run no longer
    /// takes items.
    fn push(&mut self, item: Item, after: Position, progress: &Progress) -> bool {
        let failed = match &item {
            Item::Doc(doc) => {
                self.bytes += doc.text.len() + doc.html.as_ref().map_or(0, String::len);
                false
            }
            Item::Failed(_) => true,
        };
        self.items.push((item, after));
        progress.read.fetch_add(1, Ordering::Relaxed);
        if failed && self.fail_fast {
            self.flush();
            return false;
        }
        if self.items.len() >= BATCH_DOCS || self.bytes >= BATCH_BYTES {
            self.flush()
        } else {
            true
        }
    }

    fn flush(&mut self) -> bool {
        if self.items.is_empty() {
            return true;
        }
        if self.token_rx.recv().is_err() {
            return false;
        }
        let items = std::mem::replace(&mut self.items, Vec::with_capacity(BATCH_DOCS));
        self.bytes = 0;
        let batch = Batch { seq: self.seq, items };
        self.seq += 1;
        self.batch_tx.send(batch).is_ok()
    }
}
