//! The runner: reads inputs on one thread, runs the steps on a pool of workers, writes on the calling
//! thread in input order.
//!
//! Documents travel in numbered batches through bounded channels. At most `4 × threads` batches are in
//! flight at once (a token is taken before a batch is read and given back once it is written), so memory
//! stays flat whatever the input size, and the writer restores input order, so the output does not depend
//! on the number of threads.
//!
//! Each time a shard is complete the writer records a checkpoint, from which a rerun after a crash
//! resumes (see `checkpoint`).

mod books;
mod checkpoint;
mod dropped;
mod read;
mod sources;
mod work;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::PoisonError;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use crossbeam_channel::bounded;
use saring_core::{Document, RunStats, StepStats, Timeline, TimelinePoint};
use saring_io::{OutputDir, ReadError, ShardWriter, WriteError, list_inputs, process_cpu_secs};

pub use books::merge_stats;
pub(crate) use books::write_json;
pub use dropped::{DROPPED_DIR, DroppedConfig, EXCLUDED_DIR};

use crate::PipelineConfig;
use crate::registry::Pipeline;
use books::{Books, ErrorLog};
use checkpoint::{Checkpoint, Plan, Sink, SinkMark};
use dropped::{DroppedDoc, DroppedWriter, Sampled};
use read::{Position, Shared, Start};
use sources::Sources;

/// Most documents in one batch.
const BATCH_DOCS: usize = 32;
/// A batch is also closed once its documents hold this many bytes of HTML and text. Small, so that the
/// batches in flight hold little and few fresh pages are touched: on the benchmark WARC, 4 MiB gave the
/// chain 20.3k page faults and 78 MB peak RSS, 512 KiB 13.8k and 62 MB, for the same CPU time.
const BATCH_BYTES: usize = 512 * 1024;
/// Batches in flight per worker thread.
const BATCHES_PER_THREAD: usize = 4;
/// Error messages kept in [`RunOutcome::first_errors`]; all of them go to `errors/RRRRR.jsonl`.
const FIRST_ERRORS: usize = 20;
/// Seconds between the first points of the timeline (the gap doubles as points are thinned).
const FIRST_TIMELINE_GAP: f64 = 0.5;

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
    /// When the run resumed an interrupted one from its checkpoint: the complete shards it kept.
    pub resumed_after_shards: Option<u32>,
    /// When a checkpoint was found but not resumed (it is of other work, or its files are gone): why. The
    /// run started afresh.
    pub checkpoint_set_aside: Option<String>,
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
    /// Each item with the input position just after it.
    items: Vec<(Item, Position)>,
}

/// A batch after the steps: what became of each record, in input order, and the time each step took.
struct Processed {
    seq: u64,
    outcomes: Vec<Outcome>,
    step_secs: Vec<f64>,
}

/// What became of one record, and the input position just after it.
struct Outcome {
    after: Position,
    fate: Fate,
}

/// Kept, dropped by a step (the document goes on to the dropped writer), or errored (unreadable, or
/// failed in a step).
enum Fate {
    Kept(Document),
    Dropped(DroppedDoc),
    Errored { step: Option<usize>, error: ErrorRecord },
}

/// Runs the pipeline over `inputs` (files, directories, globs, object URLs) into `out_dir` (a directory,
/// or an object-store prefix such as `s3://bucket/out/` given as a path whose text is the URL).
///
/// The inputs are listed in sorted order and this rank takes every `world_size`-th file. Errored records
/// are counted, logged to `OUT/errors/RRRRR.jsonl`, and skipped (or stop the run with `fail_fast`); only a
/// failure to write output is an `Err`. A rank that already completed the same work (same config, same
/// input files, same sizes and times) in `out_dir` is not redone; one that was interrupted resumes from
/// its checkpoint; otherwise its earlier files are removed first, so a rerun gives the same files.
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

    let out = OutputDir::open(out_dir).map_err(|source| books::output_error(out_dir, source))?;
    let books = Books::new(&out, options.rank, world_size);
    let fingerprint = fingerprint(config, &files, &listing_errors, world_size);
    let existing = ShardWriter::existing_shards(&out, options.rank, &config.output);
    if let Some(stats) = books.completed(&fingerprint) {
        books.merge_when_all_done()?;
        return Ok(RunOutcome {
            stats,
            shards: existing,
            first_errors: Vec::new(),
            stopped_early: false,
            already_complete: true,
            resumed_after_shards: None,
            checkpoint_set_aside: None,
        });
    }
    let excluded_dir = OutputDir::open(&out.location(EXCLUDED_DIR))
        .map_err(|source| books::output_error(&out.location(EXCLUDED_DIR), source))?;
    let excluded = ShardWriter::existing_shards(&excluded_dir, options.rank, &config.output);
    let plan = Plan::choose(&books, &fingerprint, existing, excluded);
    let shards = ShardWriter::new(out.clone(), options.rank, &config.output)?;
    let (resume, start, resumed_after_shards, checkpoint_set_aside) = match plan {
        Plan::Fresh { set_aside } => {
            books.prepare(None)?;
            let log = ErrorLog::new(&out, books.error_log_name());
            let steps = pipeline.steps().iter().map(|s| StepStats::named(s.name()));
            let stats = RunStats {
                steps: steps.collect(),
                ..RunStats::default()
            };
            let resume = Resume {
                log,
                first_errors: Vec::new(),
                stats,
                timeline_gap: FIRST_TIMELINE_GAP,
                sample: Vec::new(),
                shards: SinkMark::default(),
                excluded: SinkMark::default(),
                counted: None,
            };
            (resume, Start::default(), None, set_aside)
        }
        Plan::Resume { checkpoint, shards } => {
            books.prepare(Some(&shards))?;
            let (log, first_errors) = ErrorLog::resume(
                &out,
                books.error_log_name(),
                checkpoint.error_log_bytes,
                FIRST_ERRORS,
            )?;
            let start = checkpoint.start();
            let resumed = Some(checkpoint.shards.next_shard);
            let Checkpoint {
                position,
                shards,
                excluded,
                stats,
                timeline_gap,
                sample,
                ..
            } = *checkpoint;
            let resume = Resume {
                log,
                first_errors,
                stats,
                timeline_gap,
                sample,
                shards,
                excluded: excluded.unwrap_or_default(),
                counted: Some(position),
            };
            (resume, start, resumed, None)
        }
    };
    let mut writer = Writer::new(shards, resume, &out, options.rank, config, Sources::new(inputs))?;
    let listing_errors = if resumed_after_shards.is_some() {
        // Errors of the listing come before every document, so a checkpoint has them all.
        Vec::new()
    } else {
        listing_errors
    };
    let checkpoints = Checkpoints {
        books: &books,
        fingerprint: &fingerprint,
        files: &files,
        started,
        cpu_started,
    };

    let threads = options.threads.max(1);
    let in_flight = threads * BATCHES_PER_THREAD;
    let shared = Shared::default();
    let (batch_tx, batch_rx) = bounded::<Batch>(in_flight);
    let (done_tx, done_rx) = bounded::<Processed>(in_flight);
    let (token_tx, token_rx) = bounded::<()>(in_flight);
    for _ in 0..in_flight {
        // The channel has room for exactly `in_flight` tokens and its receiver is alive.
        let _ = token_tx.send(());
    }

    let mut stopped_early = false;

    let reader_totals = std::thread::scope(|scope| -> Result<read::ReaderTotals, RunError> {
        let reader = scope.spawn(|| {
            let batcher = read::Batcher::new(options.fail_fast, batch_tx, token_rx);
            read::read_all(&files, listing_errors, config, batcher, start, &shared, progress)
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
                    let had_errors = writer.write(batch, &checkpoints, &shared)?;
                    writer.record_time(&checkpoints, progress);
                    progress.kept.store(writer.stats.kept, Ordering::Relaxed);
                    progress.done.store(writer.stats.read, Ordering::Relaxed);
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
        shared.stop.store(true, Ordering::Relaxed);
        drop(done_rx);
        drop(token_tx);
        let totals = reader
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        result.map(|()| totals)
    })?;

    let Writer {
        shards,
        log,
        dropped,
        mut stats,
        mut timeline,
        first_errors,
        ..
    } = writer;
    let shards = shards.shards.finish()?;
    log.finish()?;
    dropped.finish()?;
    stats.bytes_in = reader_totals.bytes_in;
    stats.files = reader_totals.files;
    stats.skipped = reader_totals.skipped;
    stats.bytes_out = shards
        .iter()
        .filter_map(|p| out.size(&p.file_name()?.to_string_lossy()).ok())
        .sum();
    checkpoints.add_time(&mut stats);
    timeline.finish(TimelinePoint {
        secs: stats.wall_secs,
        docs: stats.read,
        bytes: stats.bytes_in,
    });
    stats.timeline = vec![timeline];
    books.record(&stats, (!stopped_early).then_some(fingerprint.as_str()))?;
    Ok(RunOutcome {
        stats,
        shards,
        first_errors,
        stopped_early,
        already_complete: false,
        resumed_after_shards,
        checkpoint_set_aside,
    })
}

/// What identifies a rank's work: saring's version, the pipeline, the world size, and this rank's input
/// files with their sizes and modification times. Equal fingerprints mean a rerun would give the same
/// output. The config's `[dedup]` table is left out: dedup works on the rank's output after it is
/// written, so changing it reruns the dedup stages, not the pipeline.
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
    let pipeline = PipelineConfig {
        dedup: None,
        ..config.clone()
    };
    let key = serde_json::json!({
        "saring": env!("CARGO_PKG_VERSION"),
        "config": pipeline,
        "world_size": world_size,
        "inputs": inputs,
        "missing": missing,
    });
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(key.to_string().as_bytes()))
}

/// Where the writer begins: from nothing, or from a checkpoint.
struct Resume {
    log: ErrorLog,
    first_errors: Vec<String>,
    /// The books so far, their timeline among them.
    stats: RunStats,
    timeline_gap: f64,
    sample: Vec<Sampled>,
    shards: SinkMark,
    excluded: SinkMark,
    /// Records up to here are in the books already: a resumed run reads them again only for the shards
    /// that do not hold them.
    counted: Option<Position>,
}

/// The writing end of a run: shards, dropped documents, error log and books, in input order.
struct Writer<'c> {
    shards: Sink,
    dropped: DroppedWriter<'c>,
    log: ErrorLog,
    sources: Sources,
    stats: RunStats,
    timeline: Timeline,
    timeline_gap: f64,
    first_errors: Vec<String>,
    counted: Option<Position>,
}

/// What the writer needs to record checkpoints.
struct Checkpoints<'a> {
    books: &'a Books,
    fingerprint: &'a str,
    files: &'a [PathBuf],
    started: Instant,
    cpu_started: f64,
}

impl Checkpoints<'_> {
    /// Adds this run's wall-clock and CPU time to `stats`, which holds that of the runs it resumes.
    fn add_time(&self, stats: &mut RunStats) {
        stats.wall_secs += self.started.elapsed().as_secs_f64();
        stats.cpu_secs += process_cpu_secs() - self.cpu_started;
    }
}

impl<'c> Writer<'c> {
    fn new(
        shards: ShardWriter,
        mut resume: Resume,
        out: &OutputDir,
        rank: u32,
        config: &'c PipelineConfig,
        sources: Sources,
    ) -> Result<Writer<'c>, RunError> {
        let dropped = DroppedWriter::new(
            out,
            rank,
            &config.dropped,
            &config.output,
            resume.sample,
            resume.excluded,
        )?;
        let timeline = resume.stats.timeline.pop().unwrap_or_else(|| Timeline::new(rank));
        Ok(Writer {
            shards: Sink::new(shards, resume.shards),
            dropped,
            log: resume.log,
            sources,
            stats: resume.stats,
            timeline,
            timeline_gap: resume.timeline_gap,
            first_errors: resume.first_errors,
            counted: resume.counted,
        })
    }

    /// Adds a point to the timeline (if enough time passed since the last one).
    fn record_time(&mut self, checkpoints: &Checkpoints, progress: &Progress) {
        let point = TimelinePoint {
            secs: self.stats.wall_secs + checkpoints.started.elapsed().as_secs_f64(),
            docs: self.stats.read,
            bytes: progress.bytes_in(),
        };
        self.timeline_gap = self.timeline.record(point, self.timeline_gap);
    }

    /// Writes and counts one batch, record by record, recording a checkpoint after each record that
    /// completes a shard. Records a resumed run reads again go only to the shards that lack them. Returns
    /// whether the batch held an error.
    fn write(
        &mut self,
        batch: Processed,
        checkpoints: &Checkpoints,
        shared: &Shared,
    ) -> Result<bool, RunError> {
        for (mine, secs) in self.stats.steps.iter_mut().zip(&batch.step_secs) {
            mine.secs += secs;
        }
        let mut had_errors = false;
        for Outcome { after, fate } in batch.outcomes {
            let replayed = self.counted.is_some_and(|counted| after <= counted);
            if !replayed {
                self.count(&fate);
            }
            let completed = match fate {
                Fate::Kept(doc) => self.shards.write(&doc, after)?,
                Fate::Dropped(dropped) => {
                    let step = self.stats.steps.get(dropped.step).map_or("", |s| s.name.as_str());
                    self.dropped.add(dropped, step, after, replayed)?
                }
                Fate::Errored { error, .. } if !replayed => {
                    had_errors = true;
                    self.log.write(&error)?;
                    if self.first_errors.len() < FIRST_ERRORS {
                        self.first_errors.push(error.message);
                    }
                    false
                }
                Fate::Errored { .. } => false,
            };
            if completed {
                let counted = self.counted.filter(|_| replayed).unwrap_or(after);
                self.checkpoint(counted, checkpoints, shared)?;
            }
        }
        Ok(had_errors)
    }

    /// Adds one record to the books: the run's counts and those of every step it went through.
    fn count(&mut self, fate: &Fate) {
        let stats = &mut self.stats;
        stats.read += 1;
        match fate {
            Fate::Kept(doc) => {
                bump(&mut stats.languages_kept, language_of(doc));
                bump(&mut stats.sources, self.sources.of(doc));
            }
            Fate::Dropped(dropped) => {
                bump(&mut stats.languages_dropped, language_of(&dropped.doc));
                bump(&mut stats.sources, self.sources.of(&dropped.doc));
            }
            Fate::Errored { .. } => {}
        }
        let (passed, last) = match fate {
            Fate::Kept(_) => (stats.steps.len(), None),
            Fate::Dropped(dropped) => (dropped.step, Some(dropped.step)),
            Fate::Errored { step, .. } => (step.unwrap_or(0), *step),
        };
        for step in stats.steps.iter_mut().take(passed) {
            step.total += 1;
            step.kept += 1;
        }
        let last = last.and_then(|i| stats.steps.get_mut(i));
        match fate {
            Fate::Kept(_) => stats.kept += 1,
            Fate::Dropped(dropped) => {
                stats.dropped += 1;
                if let Some(step) = last {
                    step.total += 1;
                    step.dropped += 1;
                    *step.drop_reasons.entry(dropped.reason.to_owned()).or_default() += 1;
                }
            }
            Fate::Errored { error, .. } => {
                stats.errored += 1;
                *stats.errors.entry(error.kind.clone()).or_default() += 1;
                if let Some(step) = last {
                    step.total += 1;
                    step.errored += 1;
                }
            }
        }
    }

    /// Records how far the run has got: the books hold every record up to `counted`, the shards what
    /// their marks say.
    fn checkpoint(
        &mut self,
        counted: Position,
        checkpoints: &Checkpoints,
        shared: &Shared,
    ) -> Result<(), RunError> {
        let excluded = self.dropped.all_mark();
        let from = Checkpoint::resume_from(self.shards.mark, excluded);
        let reader = match from {
            Some(from) => shared
                .file_starts
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(&from.file)
                .cloned(),
            None => Some(read::ReaderTotals::default()),
        };
        // The reader notes a file's start before it sends any record of it, so this always finds it;
        // were it missing, the earlier checkpoint would stand, which is still correct.
        let Some(reader) = reader else { return Ok(()) };
        let mut stats = self.stats.clone();
        checkpoints.add_time(&mut stats);
        stats.timeline = vec![self.timeline.clone()];
        let checkpoint = Checkpoint {
            fingerprint: checkpoints.fingerprint.to_owned(),
            path: checkpoints
                .files
                .get(counted.file)
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            position: counted,
            shards: self.shards.mark,
            excluded,
            error_log_bytes: self.log.sync()?,
            reader,
            stats,
            timeline_gap: self.timeline_gap,
            sample: self.dropped.sample().to_vec(),
        };
        let books = checkpoints.books;
        write_json(books.out(), &books.checkpoint_name(), &checkpoint)
    }
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
