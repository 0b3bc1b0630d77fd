//! The reader thread: inputs in order, cut into numbered batches.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use crossbeam_channel::{Receiver, Sender};
use saring_io::{DocReader, ReadError, open_input};

use super::{BATCH_BYTES, BATCH_DOCS, Batch, Item, Progress};
use crate::PipelineConfig;

/// What only the reader knows: bytes consumed, files opened, records skipped.
#[derive(Default)]
pub(super) struct ReaderTotals {
    pub(super) bytes_in: u64,
    pub(super) files: u64,
    pub(super) skipped: BTreeMap<String, u64>,
}

/// Reads every input in order into batches. Stops early when the writer stops taking batches, or after the
/// first error when `fail_fast`.
pub(super) fn read_all(
    files: &[PathBuf],
    listing_errors: Vec<ReadError>,
    config: &PipelineConfig,
    mut batcher: Batcher,
    stop: &AtomicBool,
    progress: &Progress,
) -> ReaderTotals {
    let mut totals = ReaderTotals::default();
    for error in listing_errors {
        if !batcher.push(Item::Failed(error.into()), progress) {
            return totals;
        }
    }
    for path in files {
        if stop.load(Ordering::Relaxed) {
            return totals;
        }
        totals.files += 1;
        let reader: Box<dyn DocReader> = match open_input(path, &config.input) {
            Ok(reader) => reader,
            Err(error) => {
                if !batcher.push(Item::Failed(error.into()), progress) {
                    return totals;
                }
                continue;
            }
        };
        let done_before = totals.bytes_in;
        let mut reader = reader;
        let mut alive = true;
        while alive {
            let Some(item) = reader.next() else { break };
            let item = match item {
                Ok(doc) => Item::Doc(doc),
                Err(error) => Item::Failed(error.into()),
            };
            alive = batcher.push(item, progress);
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
    items: Vec<Item>,
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

    /// Adds an item, sending the batch when full. Returns false once the run no longer takes items.
    fn push(&mut self, item: Item, progress: &Progress) -> bool {
        let failed = match &item {
            Item::Doc(doc) => {
                self.bytes += doc.text.len() + doc.html.as_ref().map_or(0, String::len);
                false
            }
            Item::Failed(_) => true,
        };
        self.items.push(item);
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
