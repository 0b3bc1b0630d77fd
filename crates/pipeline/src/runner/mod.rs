//! The runner: reads inputs on one thread, runs the steps on a pool of workers, writes on the calling
//! thread in input order.
//!
//! Documents travel in numbered batches through bounded channels. At most `4 × threads` batches are in
//! flight at once (a token is taken before a batch is read and given back once it is written), so memory
//! stays flat whatever the input size, and the writer restores input order, so the output does not depend
//! on the number of threads.

mod books;
mod dropped;
mod read;
mod sources;
mod work;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use crossbeam_channel::bounded;
use saring_core::{Document, RunStats, StepStats, Timeline, TimelinePoint};
use saring_io::{ReadError, ShardWriter, WriteError, list_inputs};

pub use books::merge_stats;
pub(crate) use books::write_json;
pub use dropped::{DROPPED_DIR, DroppedConfig, EXCLUDED_DIR};

use crate::PipelineConfig;
use crate::registry::Pipeline;
use books::{Books, ErrorLog};
use dropped::{DroppedDoc, DroppedWriter};
use saring_io::process_cpu_secs;
use sources::Sources;

/// Most documents in one batch.
const BATCH_DOCS: usize = 32;
/// A batch is also closed once its documents hold this many bytes of HTML and text.
const BATCH_BYTES: usize = 4 * 1024 * 1024;
/// Batches in flight per worker thread.
const BATCHES_PER_THREAD: usize = 4;
/// Error messages kept in [`RunOutcome::first_errors`]; all of them go to `errors/RRRRR.jsonl`.
const FIRST_ERRORS: usize = 20;

/// How to run: settings of the run, not of the pipeline (those are in the config).
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Worker threads running the steps (reading and writing have a thread each besides). At least 1.
    pub threads: usize,
    /// Stop at the first errored record instead of counting it and going on.
    pub fail_fast: bool,
    /// This process's rank, `0..world_size`: it takes every `world_size`-th input file of the sorted list,
    /// starting at `rank`, and names its shards `RRRRR-SSSSS`.
    pub rank: u32,
    /// How many ranks share the inputs. At least 1.
    pub world_size: u32,
}

impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions {
            threads: 1,
            fail_fast: false,
            rank: 0,
            world_size: 1,
        }
    }
}

/// Live counters of a run, for a progress display on another thread.
#[derive(Debug, Default)]
pub struct Progress {
    read: AtomicU64,
    done: AtomicU64,
    kept: AtomicU64,
    bytes_in: AtomicU64,
}

impl Progress {
    /// Records read so far (documents and errored records).
    pub fn read(&self) -> u64 {
        self.read.load(Ordering::Relaxed)
    }
    /// Records through every step and accounted for (kept, dropped or errored) so far.
    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
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
    /// The first few error messages, in input order (all are in `OUT/errors/RRRRR.jsonl`).
    pub first_errors: Vec<String>,
    /// True when `fail_fast` stopped the run at an error before the end of the inputs.
    pub stopped_early: bool,
    /// True when this rank had already completed the same work in `out_dir` and nothing was redone.
    pub already_complete: bool,
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
    dropped: Vec<DroppedDoc>,
    errors: Vec<ErrorRecord>,
    steps: Vec<StepStats>,
}

/// Runs the pipeline over `inputs` (files, directories, globs) into `out_dir`.
///
/// The inputs are listed in sorted order and this rank takes every `world_size`-th file. Errored records
/// are counted, logged to `OUT/errors/RRRRR.jsonl`, and skipped (or stop the run with `fail_fast`); only a
/// failure to write output is an `Err`. A rank that already completed the same work (same config, same
/// input files, same sizes and times) in `out_dir` is not redone; otherwise its earlier files are removed
/// first, so a rerun gives the same files.
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
    let world_size = options.world_size.max(1);
    let (files, listing_errors) = list_inputs(inputs);
    let files: Vec<PathBuf> = files
        .into_iter()
        .enumerate()
        .filter(|(i, _)| *i as u64 % u64::from(world_size) == u64::from(options.rank))
        .map(|(_, file)| file)
        .collect();
    // A missing input belongs to no rank's files; rank 0 reports it, so it is counted once.
    let listing_errors = if options.rank == 0 {
        listing_errors
    } else {
        Vec::new()
    };

    let books = Books::new(out_dir, options.rank, world_size);
    let fingerprint = fingerprint(config, &files, &listing_errors, world_size);
    if let Some(stats) = books.completed(&fingerprint) {
        let shards = ShardWriter::existing_shards(out_dir, options.rank, &config.output);
        return Ok(RunOutcome {
            stats,
            shards,
            first_errors: Vec::new(),
            stopped_early: false,
            already_complete: true,
        });
    }
    books.prepare()?;

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
    let mut log = ErrorLog::new(books.error_log_path());
    let mut dropped = DroppedWriter::new(out_dir, options.rank, &config.dropped, &config.output)?;
    let sources = Sources::new(inputs);
    let mut timeline = Timeline::new(options.rank);
    let mut timeline_gap = 0.5;
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

    let reader_totals = std::thread::scope(|scope| -> Result<read::ReaderTotals, RunError> {
        let reader = scope.spawn(|| {
            let batcher = read::Batcher::new(options.fail_fast, batch_tx, token_rx);
            read::read_all(&files, listing_errors, config, batcher, &stop, progress)
        });
        for _ in 0..threads {
            let batch_rx = batch_rx.clone();
            let done_tx = done_tx.clone();
            scope.spawn(move || work::process_all(pipeline, batch_rx, done_tx));
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
                    let mut out = Outputs {
                        writer: &mut writer,
                        log: &mut log,
                        dropped: &mut dropped,
                        sources: &sources,
                    };
                    write_batch(batch, &mut out, &mut stats, &mut first_errors)?;
                    timeline_gap = timeline.record(
                        TimelinePoint {
                            secs: started.elapsed().as_secs_f64(),
                            docs: stats.read,
                            bytes: progress.bytes_in(),
                        },
                        timeline_gap,
                    );
                    progress.kept.store(stats.kept, Ordering::Relaxed);
                    progress.done.store(stats.read, Ordering::Relaxed);
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
    dropped.finish()?;
    stats.bytes_in = reader_totals.bytes_in;
    stats.files = reader_totals.files;
    stats.skipped = reader_totals.skipped;
    stats.bytes_out = shards
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    stats.wall_secs = started.elapsed().as_secs_f64();
    timeline.finish(TimelinePoint {
        secs: stats.wall_secs,
        docs: stats.read,
        bytes: stats.bytes_in,
    });
    stats.timeline = vec![timeline];
    stats.cpu_secs = process_cpu_secs() - cpu_started;
    books.record(&stats, (!stopped_early).then_some(fingerprint.as_str()))?;
    Ok(RunOutcome {
        stats,
        shards,
        first_errors,
        stopped_early,
        already_complete: false,
    })
}

/// What identifies a rank's work: saring's version, the pipeline, the world size, and this rank's input
/// files with their sizes and modification times. Equal fingerprints mean a rerun would give the same
/// output.
fn fingerprint(
    config: &PipelineConfig,
    files: &[PathBuf],
    listing_errors: &[ReadError],
    world_size: u32,
) -> String {
    let inputs: Vec<serde_json::Value> = files
        .iter()
        .map(|path| {
            let meta = std::fs::metadata(path).ok();
            let modified = meta
                .as_ref()
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_nanos().to_string());
            serde_json::json!([path.display().to_string(), meta.map(|m| m.len()), modified])
        })
        .collect();
    let missing: Vec<String> = listing_errors.iter().map(ToString::to_string).collect();
    let key = serde_json::json!({
        "saring": env!("CARGO_PKG_VERSION"),
        "config": config,
        "world_size": world_size,
        "inputs": inputs,
        "missing": missing,
    });
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(key.to_string().as_bytes()))
}

/// Where the writer thread puts what a batch holds.
struct Outputs<'o, 'c> {
    writer: &'o mut ShardWriter,
    log: &'o mut ErrorLog,
    dropped: &'o mut DroppedWriter<'c>,
    sources: &'o Sources,
}

fn write_batch(
    batch: Processed,
    out: &mut Outputs,
    stats: &mut RunStats,
    first_errors: &mut Vec<String>,
) -> Result<(), RunError> {
    for doc in &batch.kept {
        out.writer.write(doc)?;
        bump(&mut stats.languages_kept, language_of(doc));
        bump(&mut stats.sources, out.sources.of(doc));
    }
    stats.read += batch.read;
    stats.kept += batch.kept.len() as u64;
    stats.dropped += batch.dropped.len() as u64;
    stats.errored += batch.errors.len() as u64;
    for (mine, theirs) in stats.steps.iter_mut().zip(&batch.steps) {
        *mine += theirs;
    }
    for dropped in batch.dropped {
        bump(&mut stats.languages_dropped, language_of(&dropped.doc));
        bump(&mut stats.sources, out.sources.of(&dropped.doc));
        let step = stats.steps.get(dropped.step).map_or("", |s| s.name.as_str());
        out.dropped.add(dropped, step)?;
    }
    for error in batch.errors {
        out.log.write(&error)?;
        *stats.errors.entry(error.kind).or_default() += 1;
        if first_errors.len() < FIRST_ERRORS {
            first_errors.push(error.message);
        }
    }
    Ok(())
}

/// A document's language label, `(none)` when no step set one.
fn language_of(doc: &Document) -> &str {
    doc.language.as_deref().unwrap_or("(none)")
}

/// Adds one to `counts[key]`.
fn bump(counts: &mut BTreeMap<String, u64>, key: &str) {
    *counts.entry(key.to_owned()).or_default() += 1;
}

#[cfg(test)]
pub(super) mod tests {
    use std::fs;

    use serde_json::json;

    use super::*;

    /// Writes `n` JSONL documents of varied length into `dir/in.jsonl`.
    pub(crate) fn jsonl_input(dir: &Path, n: usize) -> String {
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

    pub(crate) fn run_with(input: &str, out: &Path, toml: &str, threads: usize) -> RunOutcome {
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

    pub(crate) const FILTER: &str =
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
        let mut left: Vec<_> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        left.sort();
        assert_eq!(left, ["00000-00000.jsonl.zst", "dropped", "stats", "stats.json"]);
        assert_eq!(fs::read_dir(out.join("dropped")).unwrap().count(), 0);
    }
}
