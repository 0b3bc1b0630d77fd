//! Python exceptions for saring's errors, with the CLI's messages.

use std::io::ErrorKind;

use pyo3::PyErr;
use pyo3::exceptions::{PyException, PyFileNotFoundError, PyPermissionError, PyValueError};

pyo3::create_exception!(
    saring,
    SaringError,
    PyException,
    "A saring operation could not complete (for example an output that cannot be written)."
);
pyo3::create_exception!(
    saring,
    ConfigError,
    PyValueError,
    "A pipeline or dedup config that cannot be used; the message names every bad key or value."
);

/// A config problem, with the message `saring run` prints after `saring: error: `.
pub(crate) fn config_error(message: String) -> PyErr {
    ConfigError::new_err(message)
}

/// An I/O failure as the matching built-in exception (`FileNotFoundError`, `PermissionError`), else
/// [`SaringError`]; `message` is the CLI's.
pub(crate) fn io_error(kind: ErrorKind, message: String) -> PyErr {
    match kind {
        ErrorKind::NotFound => PyFileNotFoundError::new_err(message),
        ErrorKind::PermissionDenied => PyPermissionError::new_err(message),
        _ => SaringError::new_err(message),
    }
}

/// Any other failure of a saring operation.
pub(crate) fn saring_error(message: String) -> PyErr {
    SaringError::new_err(message)
}
