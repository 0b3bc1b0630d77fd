//! `saring._saring`, the native half of saring's Python package: a thin skin over the library crates.
//!
//! Each function converts its arguments to Rust values while holding the GIL, releases the GIL for the
//! Rust work (extraction, language ID, the steps, a whole run), and converts the result back. Nothing here
//! decides anything the CLI does not: the same config parser, the same steps and the same runner run, so
//! Python and `saring run` give the same bytes and the same error messages. Errors become Python
//! exceptions: `ConfigError` (a `ValueError`) for configs, `FileNotFoundError` and
//! `PermissionError` for such I/O failures, `SaringError` otherwise.
//!
//! The pure-Python part (`python/saring/`) re-exports these functions, adds Arrow batches to `apply`,
//! and holds the Ray driver (`python -m saring.ray`).
#![deny(missing_docs)]

mod apply;
mod config;
mod convert;
mod dedup;
mod error;
mod extract;
mod run;

use pyo3::prelude::*;

/// The extension module: every function and exception the `saring` package exposes from Rust.
#[pymodule]
fn _saring(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    module.add("SaringError", py.get_type::<error::SaringError>())?;
    module.add("ConfigError", py.get_type::<error::ConfigError>())?;
    module.add_function(wrap_pyfunction!(extract::extract, module)?)?;
    module.add_function(wrap_pyfunction!(extract::detect_language, module)?)?;
    module.add_function(wrap_pyfunction!(apply::apply, module)?)?;
    module.add_function(wrap_pyfunction!(run::run, module)?)?;
    module.add_function(wrap_pyfunction!(run::merge_stats, module)?)?;
    module.add_function(wrap_pyfunction!(dedup::dedup, module)?)?;
    module.add_function(wrap_pyfunction!(dedup::dedup_stage, module)?)?;
    module.add_function(wrap_pyfunction!(dedup::dedup_layout, module)?)?;
    module.add("DEDUP_STAGES", dedup::stage_names(py)?)?;
    Ok(())
}
