//! `run` and `merge_stats`: a whole pipeline run over files, and the books of all ranks.

use std::path::PathBuf;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use saring_pipeline::{Progress, RunError, RunOptions};
use saring_report::{ReportOptions, RunInfo};

use crate::convert::{inputs, serialize_to_py};
use crate::error::{io_error, saring_error};

/// Runs a pipeline over files into shards in `output`, as `saring run` does, and returns the rank's
/// stats (the keys of `stats.json`) plus `shards` (the paths the pipeline wrote), `first_errors` (the
/// first error messages; all are in `errors/`) and `already_complete` (the rank had done this work
/// before, and nothing was redone), and `report`: the path of the run's `report.html`, written with
/// `run.json` and the dataset card `README.md` once the stats of the whole run are merged (else `None`).
///
/// With a `[dedup]` table in the config the pipeline writes into `output/.pre-dedup/`; with one rank
/// the dedup stages then run over its shards into `output`, the stats returned are the run's books with
/// dedup as the last step, and `dedup` holds the dedup's own stats. With ranks, the stages are left
/// for `dedup_stage` (or `python -m saring.ray`) once every rank is done.
///
/// `inputs` is a path, glob or directory, or a list of them; `config` as for `apply` (`None`: the default
/// pipeline). With `world_size` > 1 this is rank `rank` of an array job: it takes every
/// `world_size`-th input file of the sorted list, starting at `rank`, and the last rank to finish writes
/// the merged `stats.json`. `threads` defaults to the number of CPUs. Records that cannot be read are
/// counted (`errored`) and the run goes on, unless `fail_fast`.
#[pyfunction]
#[pyo3(signature = (inputs, output, config = None, rank = 0, world_size = 1, threads = None, fail_fast = false))]
#[allow(clippy::too_many_arguments)] // the keyword arguments of one Python function
pub(crate) fn run<'py>(
    py: Python<'py>,
    inputs: &Bound<'py, PyAny>,
    output: PathBuf,
    config: Option<&Bound<'py, PyAny>>,
    rank: u32,
    world_size: u32,
    threads: Option<usize>,
    fail_fast: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let inputs = self::inputs(inputs)?;
    let (config, pipeline) = crate::config::pipeline(config)?;
    if rank >= world_size {
        return Err(PyValueError::new_err(format!(
            "rank {rank} is not below the world size {world_size}"
        )));
    }
    if threads == Some(0) {
        return Err(PyValueError::new_err("threads = 0 must be at least 1"));
    }
    let options = RunOptions {
        threads: threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from)),
        fail_fast,
        rank,
        world_size,
    };
    let pipeline_out = saring_pipeline::pipeline_dir(&output, &config);
    let outcome = py
        .detach(|| {
            saring_pipeline::run(
                &inputs,
                &pipeline_out,
                &config,
                &pipeline,
                &options,
                &Progress::default(),
            )
        })
        .map_err(|e| run_error(&format!("run into {} failed", output.display()), &e))?;
    let dedup = py
        .detach(|| saring_pipeline::dedup_after_run(&output, &config, &options, &outcome))
        .map_err(|e| {
            let context = format!("dedup of the shards in {} failed", pipeline_out.display());
            crate::dedup::dedup_run_error(&context, e)
        })?;
    let report = record_run(py, &output, &config, &inputs, outcome.already_complete)?;
    let books = dedup.as_ref().map_or(&outcome.stats, |done| &done.books);
    let stats = serialize_to_py(py, books)?.cast_into::<PyDict>()?;
    if let Some(done) = &dedup {
        stats.set_item("dedup", serialize_to_py(py, &done.dedup)?)?;
    }
    let shards: Vec<String> = outcome.shards.iter().map(|p| p.display().to_string()).collect();
    stats.set_item("shards", shards)?;
    stats.set_item("first_errors", outcome.first_errors)?;
    stats.set_item("already_complete", outcome.already_complete)?;
    stats.set_item("report", report)?;
    Ok(stats)
}

/// Writes `output/run.json` and, once the stats of the whole run are merged, the report and the dataset
/// card, as `saring run` does (nothing when the rank was `already_complete` and they are there); returns
/// the report's path. A part that cannot be written is a Python
/// warning, not an error: the run's shards and stats stand without it.
fn record_run(
    py: Python<'_>,
    output: &std::path::Path,
    config: &saring_pipeline::PipelineConfig,
    inputs: &[String],
    already_complete: bool,
) -> PyResult<Option<String>> {
    let argv: Vec<String> = py.import("sys")?.getattr("argv")?.extract().unwrap_or_default();
    let info = RunInfo {
        saring_version: env!("CARGO_PKG_VERSION").to_owned(),
        command: std::iter::once("python".to_owned()).chain(argv).collect(),
        inputs: inputs.to_vec(),
        config: config
            .to_toml()
            .map_err(|e| saring_error(format!("cannot record the config: {e}")))?,
        config_path: None,
    };
    let records =
        py.detach(|| saring_report::record_run(output, &info, &ReportOptions::default(), already_complete));
    let warn = |message: String| -> PyResult<()> {
        let warnings = py.import("warnings")?;
        warnings
            .call_method1("warn", (format!("saring: {message}"),))
            .map(drop)
    };
    if let Err(e) = &records.run_info {
        warn(e.to_string())?;
    }
    let Some((report, card)) = records.report_and_card else {
        return Ok(None);
    };
    if let Err(e) = card {
        warn(format!("no dataset card: {e}"))?;
    }
    match report {
        Ok(path) => Ok(Some(path.display().to_string())),
        Err(e) => warn(format!("no report: {e}")).map(|()| None),
    }
}

/// Adds up the stats of every rank in `output/stats/`, writes `output/stats.json` and returns it, as
/// `saring stats merge` does.
#[pyfunction]
pub(crate) fn merge_stats(py: Python<'_>, output: PathBuf) -> PyResult<Bound<'_, PyDict>> {
    let merged = py.detach(|| saring_pipeline::merge_stats(&output)).map_err(|e| {
        let context = format!("cannot merge the stats in {}", output.join("stats").display());
        run_error(&context, &e)
    })?;
    Ok(serialize_to_py(py, &merged)?.cast_into::<PyDict>()?)
}

/// A failed run as the exception for its cause, with the CLI's message: `context`, then the cause.
pub(crate) fn run_error(context: &str, error: &RunError) -> PyErr {
    let message = format!("{context}: {error}");
    match error {
        RunError::Output { source, .. } => io_error(source.kind(), message),
        RunError::Write(_) => saring_error(message),
    }
}
