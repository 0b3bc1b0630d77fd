//! `dedup`: one-shot exact and MinHash near-duplicate removal over shards, as `saring dedup` does.

use std::path::PathBuf;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use saring_dedup::{DedupError, RunOptions, dedup_files_with};

use crate::convert::{inputs, serialize_to_py};
use crate::error::{config_error, io_error, saring_error};

/// Removes exact and near-duplicate documents from JSONL shards (`inputs`: a path, glob or directory, or
/// a list of them) into shards in `output`, keeping one document per cluster, as `saring dedup` does;
/// returns the dedup stats (also written to `output/stats.json`).
///
/// `clusters` is where the `id<TAB>cluster_id` TSV goes (default `output/clusters.tsv`); `config` is the
/// dedup config as TOML text, a TOML file (`os.PathLike`) or a dict (`None`: the defaults); `threads`
/// defaults to the number of CPUs. The output does not depend on `threads`.
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
    if threads == Some(0) {
        return Err(PyValueError::new_err("threads = 0 must be at least 1"));
    }
    let clusters = clusters.unwrap_or_else(|| output.join("clusters.tsv"));
    let options = RunOptions {
        threads: threads.unwrap_or(0),
    };
    let stats = py
        .detach(|| dedup_files_with(&inputs, &output, &clusters, &config, &options))
        .map_err(|e| {
            let message = format!("dedup into {} failed: {e}", output.display());
            match e {
                DedupError::Config(_) => config_error(message),
                DedupError::Io { source, .. } => io_error(source.kind(), message),
                _ => saring_error(message),
            }
        })?;
    Ok(serialize_to_py(py, &stats)?.cast_into::<PyDict>()?)
}
