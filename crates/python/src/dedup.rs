//! `dedup`, `dedup_stage` and `dedup_layout`: near-duplicate removal over shards, in one call (as
//! `saring dedup` does) or one stage and rank at a time (as `saring dedup STAGE` does).

use std::path::PathBuf;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use saring_dedup::{DedupError, RunOptions, Stage, StageTask, dedup_files_with, run_stage};
use saring_pipeline::{DedupRunError, PRE_DEDUP_DIR};

use crate::convert::{inputs, serialize_to_py};
use crate::error::{config_error, io_error, saring_error};

/// The stages' names, in the order they run (the `saring dedup` subcommands).
const STAGES: [(&str, Stage); 6] = [
    ("lines", Stage::Lines),
    ("boilerplate", Stage::Boilerplate),
    ("signatures", Stage::Signatures),
    ("buckets", Stage::Buckets),
    ("cluster", Stage::Cluster),
    ("filter", Stage::Filter),
];

/// `DEDUP_STAGES`: the stages' names in the order they run.
pub(crate) fn stage_names(py: Python<'_>) -> PyResult<Bound<'_, PyTuple>> {
    PyTuple::new(py, STAGES.map(|(name, _)| name))
}

/// Removes exact and near-duplicate documents from JSONL shards (`inputs`: a path, glob or directory, or
/// a list of them) into shards in `output`, keeping one document per cluster, as `saring dedup` does;
/// returns the dedup stats (also written to `output/stats.json`).
///
/// `clusters` is where the `id<TAB>cluster_id` TSV goes (default `output/clusters.tsv`); `config` is the
/// dedup config as TOML text, a TOML file (`os.PathLike`) or a dict (`None`: the defaults); a run config
/// with a `[dedup]` table gives that table. `threads` defaults to the number of CPUs. The output does not
/// depend on `threads`.
#[pyfunction]
#[pyo3(signature = (inputs, output, clusters = None, config = None, threads = None))]
pub(crate) fn dedup<'py>(
    py: Python<'py>,
    inputs: &Bound<'py, PyAny>,
    output: PathBuf,
    clusters: Option<PathBuf>,
    config: Option<&Bound<'py, PyAny>>,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let inputs = self::inputs(inputs)?;
    let config = crate::config::dedup(config)?;
    let threads = threads_or_all(threads)?;
    let clusters = clusters.unwrap_or_else(|| output.join("clusters.tsv"));
    let options = RunOptions { threads };
    let stats = py
        .detach(|| dedup_files_with(&inputs, &output, &clusters, &config, &options))
        .map_err(|e| dedup_error(&format!("dedup into {} failed", output.display()), e))?;
    Ok(serialize_to_py(py, &stats)?.cast_into::<PyDict>()?)
}

/// Runs rank `rank` of `world_size` of one dedup stage (`stage`: one of `DEDUP_STAGES`) in the work
/// directory `work`, as `saring dedup STAGE` does; returns `ran` and `skipped` (tasks run, and tasks an
/// earlier call had finished), and `stats`: the dedup stats when this call finished the last task of
/// the `filter` stage, else `None`.
///
/// Every stage and rank of one dedup must get the same `inputs` and `config` (as for `dedup`); each
/// stage needs every rank of the stage before it finished. `filter` needs `output` (and takes
/// `clusters`, default `output/clusters.tsv`). A finished task leaves a marker in `work` and is skipped
/// when called again. When `output` is the output directory of a run with `[dedup]` (the stages read
/// its `.pre-dedup/`), the call that finishes the filter stage also completes the run's books and
/// returns them as `books` (else `None`).
#[pyfunction]
#[pyo3(signature = (stage, inputs, work, output = None, clusters = None, rank = 0, world_size = 1, config = None, threads = None))]
#[allow(clippy::too_many_arguments)] // the keyword arguments of one Python function
pub(crate) fn dedup_stage<'py>(
    py: Python<'py>,
    stage: &str,
    inputs: &Bound<'py, PyAny>,
    work: PathBuf,
    output: Option<PathBuf>,
    clusters: Option<PathBuf>,
    rank: u32,
    world_size: u32,
    config: Option<&Bound<'py, PyAny>>,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let Some(&(name, which)) = STAGES.iter().find(|(name, _)| *name == stage) else {
        let names: Vec<&str> = STAGES.iter().map(|(name, _)| *name).collect();
        return Err(PyValueError::new_err(format!(
            "stage {stage:?} is not one of {}",
            names.join(", ")
        )));
    };
    let task = StageTask {
        inputs: self::inputs(inputs)?,
        work,
        clusters_tsv: clusters.or_else(|| output.as_ref().map(|out| out.join("clusters.tsv"))),
        out_dir: output,
        rank,
        world_size,
        threads: threads_or_all(threads)?,
    };
    let config = crate::config::dedup(config)?;
    let context = format!("dedup stage {name} (rank {rank} of {world_size}) failed");
    let (outcome, books) = py
        .detach(|| {
            let outcome = run_stage(which, &task, &config)?;
            let books = match (&outcome.stats, &task.out_dir) {
                (Some(stats), Some(out)) => saring_pipeline::record_dedup(out, stats)?,
                _ => None,
            };
            Ok::<_, DedupRunError>((outcome, books))
        })
        .map_err(|e| dedup_run_error(&context, e))?;
    let result = PyDict::new(py);
    result.set_item("stage", name)?;
    result.set_item("ran", outcome.ran)?;
    result.set_item("skipped", outcome.skipped)?;
    result.set_item("stats", optional(py, outcome.stats.as_ref())?)?;
    result.set_item("books", optional(py, books.as_ref())?)?;
    Ok(result)
}

/// Where a run with `config` writes into `output` when the config has a `[dedup]` table: a dict with
/// `pipeline_output` (the pipeline's run directory, `output/.pre-dedup`), and the arguments of
/// `dedup_stage` over its shards: `inputs`, `work`, `output` and `config` (the `[dedup]` table as a dict).
/// `None` when the config has no `[dedup]`.
#[pyfunction]
#[pyo3(signature = (output, config = None))]
pub(crate) fn dedup_layout<'py>(
    py: Python<'py>,
    output: PathBuf,
    config: Option<&Bound<'py, PyAny>>,
) -> PyResult<Option<Bound<'py, PyDict>>> {
    let (config, _) = crate::config::pipeline(config)?;
    let Some(dedup) = &config.dedup else {
        return Ok(None);
    };
    let task = saring_pipeline::dedup_stage_task(&output, 0, 1, 0);
    let layout = PyDict::new(py);
    let text = |path: &std::path::Path| path.display().to_string();
    layout.set_item("pipeline_output", text(&output.join(PRE_DEDUP_DIR)))?;
    layout.set_item("inputs", task.inputs)?;
    layout.set_item("work", text(&task.work))?;
    layout.set_item("output", text(&output))?;
    layout.set_item("config", serialize_to_py(py, dedup)?)?;
    Ok(Some(layout))
}

/// `threads` as the dedup takes it: 0 for one per CPU; `Some(0)` is an error.
fn threads_or_all(threads: Option<usize>) -> PyResult<usize> {
    match threads {
        Some(0) => Err(PyValueError::new_err("threads = 0 must be at least 1")),
        Some(n) => Ok(n),
        None => Ok(0),
    }
}

/// `value` as a Python object, `None` as `None`.
fn optional<'py, T: serde::Serialize>(py: Python<'py>, value: Option<&T>) -> PyResult<Bound<'py, PyAny>> {
    match value {
        Some(value) => serialize_to_py(py, value),
        None => Ok(py.None().into_bound(py)),
    }
}

/// A failed dedup as the exception for its cause: `context`, then the cause.
fn dedup_error(context: &str, error: DedupError) -> PyErr {
    let message = format!("{context}: {error}");
    match error {
        DedupError::Config(_) => config_error(message),
        DedupError::Io { source, .. } => io_error(source.kind(), message),
        _ => saring_error(message),
    }
}

/// A failed dedup of a run's shards (stages, then the run's books) as the exception for its cause.
pub(crate) fn dedup_run_error(context: &str, error: DedupRunError) -> PyErr {
    match error {
        DedupRunError::Dedup(e) => dedup_error(context, e),
        DedupRunError::Books(e) => crate::run::run_error(context, &e),
        e => saring_error(format!("{context}: {e}")),
    }
}
