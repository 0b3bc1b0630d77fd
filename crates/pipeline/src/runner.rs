//! The runner: reads inputs on one thread, runs the steps on a pool of workers, writes on the calling
//! thread in input order.
//!
//! Documents travel in numbered batches through bounded channels. At most `4 × threads` batches are in
//! flight at once (a token is taken before a batch is read and given back once it is written), so memory
//! stays flat whatever the input size, and the writer restores input order, so the output does not depend
//! on the number of threads.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use crossbeam_channel::{Receiver, Sender, bounded};
use saring_core::{Document, RunStats, StepStats, Verdict};
use saring_io::{DocReader, ReadError, ShardWriter, WriteError, list_inputs, open_input};
use serde_json::json;

use crate::PipelineConfig;
use crate::cpu::process_cpu_secs;
use crate::registry::Pipeline;

/// Most documents in one batch.
const BATCH_DOCS: usize = 32;
/// A batch is also closed once its documents hold this many bytes of HTML and text.
const BATCH_BYTES: usize = 4 * 1024 * 1024;
/// Batches in flight per worker thread.
const BATCHES_PER_THREAD: usize = 4;
/// Error messages kept in [`RunOutcome::first_errors`]; all of them go to `errors.jsonl`.
const FIRST_ERRORS: usize = 20;

/// How to run: settings of the run, not of the pipeline (those are in the config).
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Worker threads running the steps (reading and writing have a thread each besides). At least 1.
    pub threads: usize,
    /// Stop at the first errored record instead of counting it and going on.
    pub fail_fast: bool,
    /// This process's rank: output shards are named `RRRRR-SSSSS`.
    pub rank: u32,
}

impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions {
            threads: 1,
            fail_fast: false,
            rank: 0,
        }
    }
}

/// Live counters of a run, for a progress display on another thread.
#[derive(Debug, Default)]
pub struct Progress {
    read: AtomicU64,
    kept: AtomicU64,
    bytes_in: AtomicU64,
}

impl Progress {
    /// Records read so far (documents and errored records).
    pub fn read(&self) -> u64 {
        self.read.load(Ordering::Relaxed)
    }
    /// Documents written so far.
    pub fn kept(&self) -> u64 {
        self.kept.load(Ordering::Relaxed)
    }
    /// Stored input bytes consumed so far.
    pub fn bytes_in(&self) -> u64 {
        self.bytes_in.load(Ordering::Relaxed)
    }
}

/// What a finished run did.
#[derive(Debug)]
pub struct RunOutcome {
    /// The run's books, also written to `OUT/stats.json`.
    pub stats: RunStats,
    /// The output shards written, in order.
    pub shards: Vec<PathBuf>,
    /// The first few error messages, in input order (all are in `OUT/errors.jsonl`).
    pub first_errors: Vec<String>,
    /// True when `fail_fast` stopped the run at an error before the end of the inputs.
    pub stopped_early: bool,
}

/// A failure that stops the run: the output cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// A shard could not be written.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// Another output file (stats, error log) could not be written, or the output directory prepared.
    #[error("cannot write {path}: {source}")]
    Output {
        /// The file or directory.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
}

/// One record on the way from reader to writer.
enum Item {
    Doc(Document),
    Failed(ErrorRecord),
}

/// An errored record: its error kind (as counted in the stats) and a message naming file, record, offset.
struct ErrorRecord {
    kind: String,
    message: String,
}

impl From<ReadError> for ErrorRecord {
    fn from(e: ReadError) -> ErrorRecord {
        ErrorRecord {
            kind: e.kind.as_str().to_owned(),
            message: e.to_string(),
        }
    }
}

struct Batch {
    seq: u64,
    items: Vec<Item>,
}

/// A batch after the steps: what to write and what to count.
struct Processed {
    seq: u64,
    read: u64,
    kept: Vec<Document>,
    dropped: u64,
    errors: Vec<ErrorRecord>,
    steps: Vec<StepStats>,
}

/// Runs the pipeline over `inputs` (files, directories, globs) into `out_dir`.
///
/// Errored records are counted, logged to `OUT/errors.jsonl`, and skipped (or stop the run with
/// `fail_fast`); only a failure to write output is an `Err`. Earlier shards of the same rank in `out_dir`
/// are removed first, so a rerun gives the same files.
pub fn run(
    inputs: &[String],
    out_dir: &Path,
    config: &PipelineConfig,
    pipeline: &Pipeline,
    options: &RunOptions,
    progress: &Progress,
) -> Result<RunOutcome, RunError> {
    let started = Instant::now();
    let cpu_started = process_cpu_secs();
    prepare_out_dir(out_dir, options.rank)?;
    let (files, listing_errors) = list_inputs(inputs);
    let threads = options.threads.max(1);
    let in_flight = threads * BATCHES_PER_THREAD;
    let stop = AtomicBool::new(false);

    let (batch_tx, batch_rx) = bounded::<Batch>(in_flight);
    let (done_tx, done_rx) = bounded::<Processed>(in_flight);
    let (token_tx, token_rx) = bounded::<()>(in_flight);
    for _ in 0..in_flight {
        // The channel has room for exactly `in_flight` tokens and its receiver is alive.
        let _ = token_tx.send(());
    }

    let mut writer = ShardWriter::new(out_dir, options.rank, &config.output)?;
    let mut log = ErrorLog::new(out_dir, options.rank);
    let mut stats = RunStats {
        steps: pipeline
            .steps()
            .iter()
            .map(|s| StepStats::named(s.name()))
            .collect(),
        ..RunStats::default()
    };
    let mut first_errors = Vec::new();
    let mut stopped_early = false;

    let reader_totals = std::thread::scope(|scope| -> Result<ReaderTotals, RunError> {
        let reader = scope.spawn(|| {
            read_all(
                &files,
                listing_errors,
                config,
                options.fail_fast,
                batch_tx,
                token_rx,
                &stop,
                progress,
            )
        });
        for _ in 0..threads {
            let batch_rx = batch_rx.clone();
            let done_tx = done_tx.clone();
            scope.spawn(move || process_all(pipeline, batch_rx, done_tx));
        }
        drop(batch_rx);
        drop(done_tx);

        let mut pending = BTreeMap::new();
        let mut next_seq = 0u64;
        let result = (|| -> Result<(), RunError> {
            for processed in &done_rx {
                pending.insert(processed.seq, processed);
                while let Some(batch) = pending.remove(&next_seq) {
                    next_seq += 1;
                    let had_errors = !batch.errors.is_empty();
                    write_batch(batch, &mut writer, &mut log, &mut stats, &mut first_errors)?;
                    progress.kept.store(stats.kept, Ordering::Relaxed);
                    if had_errors && options.fail_fast {
                        stopped_early = true;
                        return Ok(());
                    }
                    // The reader holds the receiving end until it has finished; a closed channel only
                    // means it is done, and needs no more tokens.
                    let _ = token_tx.send(());
                }
            }
            Ok(())
        })();
        // Unblock and stop the other threads whatever happened: they see closed channels.
        stop.store(true, Ordering::Relaxed);
        drop(done_rx);
        drop(token_tx);
        let totals = reader
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        result.map(|()| totals)
    })?;

    let shards = writer.finish()?;
    log.finish()?;
    stats.bytes_in = reader_totals.bytes_in;
    stats.files = reader_totals.files;
    stats.skipped = reader_totals.skipped;
    stats.bytes_out = shards
        .iter()
        .filter_map(|p| fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    stats.wall_secs = started.elapsed().as_secs_f64();
    stats.cpu_secs = process_cpu_secs() - cpu_started;
    write_atomically(&out_dir.join("stats.json"), |w| {
        serde_json::to_writer_pretty(&mut *w, &stats).map_err(std::io::Error::other)?;
        w.write_all(b"\n")
    })?;
    Ok(RunOutcome {
        stats,
        shards,
        first_errors,
        stopped_early,
    })
}

/// What only the reader knows: bytes consumed, files opened, records skipped.
#[derive(Default)]
struct ReaderTotals {
    bytes_in: u64,
    files: u64,
    skipped: BTreeMap<String, u64>,
}

/// Reads every input in order into batches. Stops early when the writer stops taking batches, or after the
/// first error when `fail_fast`.
#[allow(clippy::too_many_arguments)]
fn read_all(
    files: &[PathBuf],
    listing_errors: Vec<ReadError>,
    config: &PipelineConfig,
    fail_fast: bool,
    batch_tx: Sender<Batch>,
    token_rx: Receiver<()>,
    stop: &AtomicBool,
    progress: &Progress,
) -> ReaderTotals {
    let mut totals = ReaderTotals::default();
    let mut batcher = Batcher {
        seq: 0,
        items: Vec::with_capacity(BATCH_DOCS),
        bytes: 0,
        fail_fast,
        batch_tx,
        token_rx,
    };
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
struct Batcher {
    seq: u64,
    items: Vec<Item>,
    bytes: usize,
    /// Send the batch at once after an error, and take no more items.
    fail_fast: bool,
    batch_tx: Sender<Batch>,
    token_rx: Receiver<()>,
}

impl Batcher {
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

/// A worker: runs every document of each batch through the steps.
fn process_all(pipeline: &Pipeline, batch_rx: Receiver<Batch>, done_tx: Sender<Processed>) {
    for batch in batch_rx {
        let processed = process_batch(pipeline, batch);
        if done_tx.send(processed).is_err() {
            return;
        }
    }
}

fn process_batch(pipeline: &Pipeline, batch: Batch) -> Processed {
    let steps = pipeline.steps();
    let mut out = Processed {
        seq: batch.seq,
        read: batch.items.len() as u64,
        kept: Vec::with_capacity(batch.items.len()),
        dropped: 0,
        errors: Vec::new(),
        steps: steps.iter().map(|s| StepStats::named(s.name())).collect(),
    };
    'docs: for item in batch.items {
        let mut doc = match item {
            Item::Doc(doc) => doc,
            Item::Failed(error) => {
                out.errors.push(error);
                continue;
            }
        };
        for (step, step_stats) in steps.iter().zip(out.steps.iter_mut()) {
            let started = Instant::now();
            let verdict = step.process(&mut doc);
            step_stats.secs += started.elapsed().as_secs_f64();
            step_stats.total += 1;
            match verdict {
                Verdict::Keep => step_stats.kept += 1,
                Verdict::Drop(reason) => {
                    step_stats.dropped += 1;
                    *step_stats
                        .drop_reasons
                        .entry(reason.as_str().to_owned())
                        .or_default() += 1;
                    out.dropped += 1;
                    continue 'docs;
                }
                Verdict::Error(message) => {
                    step_stats.errored += 1;
                    let p = &doc.provenance;
                    out.errors.push(ErrorRecord {
                        kind: format!("step:{}", step.name()),
                        message: format!(
                            "{}: record {} at byte {}: step {}: {message}",
                            p.path,
                            p.record,
                            p.offset,
                            step.name()
                        ),
                    });
                    continue 'docs;
                }
            }
        }
        out.kept.push(doc);
    }
    out
}

fn write_batch(
    batch: Processed,
    writer: &mut ShardWriter,
    log: &mut ErrorLog,
    stats: &mut RunStats,
    first_errors: &mut Vec<String>,
) -> Result<(), RunError> {
    for doc in &batch.kept {
        writer.write(doc)?;
    }
    stats.read += batch.read;
    stats.kept += batch.kept.len() as u64;
    stats.dropped += batch.dropped;
    stats.errored += batch.errors.len() as u64;
    for (mine, theirs) in stats.steps.iter_mut().zip(&batch.steps) {
        *mine += theirs;
    }
    for error in batch.errors {
        log.write(&error)?;
        *stats.errors.entry(error.kind).or_default() += 1;
        if first_errors.len() < FIRST_ERRORS {
            first_errors.push(error.message);
        }
    }
    Ok(())
}

/// `OUT/errors.jsonl` (for rank 0; `errors-RRRRR.jsonl` for other ranks): one line per errored record.
/// Created at the first error, under a temporary name until the run ends.
struct ErrorLog {
    path: PathBuf,
    tmp: PathBuf,
    file: Option<BufWriter<File>>,
}

impl ErrorLog {
    fn new(dir: &Path, rank: u32) -> ErrorLog {
        let name = error_log_name(rank);
        ErrorLog {
            path: dir.join(&name),
            tmp: dir.join(format!(".{name}.tmp")),
            file: None,
        }
    }

    fn write(&mut self, error: &ErrorRecord) -> Result<(), RunError> {
        let file = match &mut self.file {
            Some(file) => file,
            None => {
                let file = File::create(&self.tmp).map_err(|source| output_error(&self.tmp, source))?;
                self.file.insert(BufWriter::new(file))
            }
        };
        let line = json!({"kind": error.kind, "message": error.message});
        serde_json::to_writer(&mut *file, &line)
            .map_err(std::io::Error::other)
            .and_then(|()| file.write_all(b"\n"))
            .map_err(|source| output_error(&self.tmp, source))
    }

    fn finish(self) -> Result<(), RunError> {
        let Some(mut file) = self.file else { return Ok(()) };
        file.flush().map_err(|source| output_error(&self.tmp, source))?;
        fs::rename(&self.tmp, &self.path).map_err(|source| output_error(&self.path, source))
    }
}

fn error_log_name(rank: u32) -> String {
    if rank == 0 {
        "errors.jsonl".to_owned()
    } else {
        format!("errors-{rank:05}.jsonl")
    }
}

fn output_error(path: &Path, source: std::io::Error) -> RunError {
    RunError::Output {
        path: path.display().to_string(),
        source,
    }
}

/// Creates `dir` and removes this rank's shards and error log of an earlier run, so that a rerun leaves
/// exactly the files it writes.
fn prepare_out_dir(dir: &Path, rank: u32) -> Result<(), RunError> {
    fs::create_dir_all(dir).map_err(|source| output_error(dir, source))?;
    let prefix = format!("{rank:05}-");
    let hidden_prefix = format!(".{prefix}");
    let error_log = error_log_name(rank);
    if let Err(source) = fs::remove_file(dir.join(&error_log))
        && source.kind() != std::io::ErrorKind::NotFound
    {
        return Err(output_error(&dir.join(&error_log), source));
    }
    for entry in fs::read_dir(dir).map_err(|source| output_error(dir, source))? {
        let entry = entry.map_err(|source| output_error(dir, source))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(&prefix) || name.starts_with(&hidden_prefix) {
            fs::remove_file(entry.path()).map_err(|source| output_error(&entry.path(), source))?;
        }
    }
    Ok(())
}

/// Writes a file under a temporary name in the same directory, then renames it into place.
fn write_atomically(
    path: &Path,
    fill: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> Result<(), RunError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    let result = File::create(&tmp).and_then(|file| {
        let mut writer = BufWriter::new(file);
        fill(&mut writer)?;
        writer.flush()
    });
    result.map_err(|source| output_error(&tmp, source))?;
    fs::rename(&tmp, path).map_err(|source| output_error(path, source))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `n` JSONL documents of varied length into `dir/in.jsonl`.
    fn jsonl_input(dir: &Path, n: usize) -> String {
        let path = dir.join("in.jsonl");
        let mut text = String::new();
        for i in 0..n {
            let body = "word ".repeat(i % 97);
            text.push_str(&serde_json::to_string(&json!({"id": i.to_string(), "text": body})).unwrap());
            text.push('\n');
        }
        fs::write(&path, text).unwrap();
        path.display().to_string()
    }

    fn run_with(input: &str, out: &Path, toml: &str, threads: usize) -> RunOutcome {
        let config = PipelineConfig::from_toml(toml).unwrap();
        let pipeline = config.build().unwrap();
        let options = RunOptions {
            threads,
            ..RunOptions::default()
        };
        run(
            &[input.to_owned()],
            out,
            &config,
            &pipeline,
            &options,
            &Progress::default(),
        )
        .unwrap()
    }

    const FILTER: &str =
        "[[step]]\ntype = \"min_length\"\nmin_chars = 100\n[output]\nmax_shard_bytes = 50000\n";

    #[test]
    fn every_step_keeps_its_books_and_the_run_reconciles() {
        let dir = tempfile::tempdir().unwrap();
        let input = jsonl_input(dir.path(), 3000);
        let stats = run_with(&input, &dir.path().join("out"), FILTER, 3).stats;
        assert_eq!(stats.read, 3000);
        assert_eq!(stats.read, stats.kept + stats.dropped + stats.errored);
        let step = &stats.steps[0];
        assert_eq!(step.name, "min_length");
        assert_eq!(step.total, stats.read);
        assert_eq!(step.total, step.kept + step.dropped + step.errored);
        assert_eq!(step.drop_reasons["min_chars"], step.dropped);
        assert!(step.dropped > 0 && step.kept > 0);
        let mut written: StepStats = serde_json::from_value(
            serde_json::from_slice::<serde_json::Value>(
                &fs::read(dir.path().join("out/stats.json")).unwrap(),
            )
            .unwrap()["steps"][0]
                .clone(),
        )
        .unwrap();
        assert!((written.secs - step.secs).abs() < 1e-9);
        written.secs = step.secs;
        assert_eq!(written, *step);
    }

    #[test]
    fn output_bytes_do_not_depend_on_threads() {
        let dir = tempfile::tempdir().unwrap();
        let input = jsonl_input(dir.path(), 5000);
        let one = run_with(&input, &dir.path().join("one"), FILTER, 1);
        let four = run_with(&input, &dir.path().join("four"), FILTER, 4);
        assert!(one.shards.len() > 2);
        assert_eq!(one.shards.len(), four.shards.len());
        for (a, b) in one.shards.iter().zip(&four.shards) {
            assert_eq!(a.file_name(), b.file_name());
            assert_eq!(fs::read(a).unwrap(), fs::read(b).unwrap());
        }
    }

    #[test]
    fn a_rerun_replaces_the_earlier_shards() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let big = jsonl_input(dir.path(), 5000);
        let first = run_with(&big, &out, FILTER, 2);
        let small = dir.path().join("small.jsonl");
        fs::write(&small, "{\"text\": \"one document, long enough to be kept by the filter of this test, and then some more words to pass one hundred\"}\n").unwrap();
        let second = run_with(&small.display().to_string(), &out, FILTER, 2);
        assert!(first.shards.len() > 1);
        assert_eq!(second.shards.len(), 1);
        let left: Vec<_> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left.len(), 2, "one shard and stats.json: {left:?}");
    }
}
