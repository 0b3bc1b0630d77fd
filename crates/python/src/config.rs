//! Configs given from Python: TOML text, a TOML file, or the same tables as Python values.

use std::fmt::Display;
use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use saring_dedup::DedupConfig;
use saring_pipeline::{Pipeline, PipelineConfig};
use serde::de::DeserializeOwned;

use crate::convert::from_py;
use crate::error::{config_error, io_error};

/// A config read from a Python argument, and how to name it in messages (as `saring run` names it).
struct Parsed<T> {
    config: T,
    place: String,
}

/// Reads `obj` as a config: `None` gives the default; a `str` is TOML text; an `os.PathLike` is a TOML
/// file (read like `--config`); a `dict` holds the TOML's tables as Python values; a `list` (pipelines
/// only, `list_key = Some("step")`) is the list of `[[step]]` tables.
fn parse<T, E>(
    obj: Option<&Bound<'_, PyAny>>,
    default_place: &str,
    list_key: Option<&str>,
    from_toml: impl Fn(&str) -> Result<T, E>,
) -> PyResult<Parsed<T>>
where
    T: DeserializeOwned + Default,
    E: Display,
{
    let Some(obj) = obj.filter(|obj| !obj.is_none()) else {
        return Ok(Parsed {
            config: T::default(),
            place: default_place.to_owned(),
        });
    };
    let from_text = |text: &str, place: String| match from_toml(text) {
        Ok(config) => Ok(Parsed { config, place }),
        Err(e) => Err(config_error(format!("{place}: {e}"))),
    };
    if let Ok(text) = obj.cast::<PyString>() {
        return from_text(&text.to_cow()?, "in config".to_owned());
    }
    let is_list = obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>();
    if obj.is_instance_of::<PyDict>() || is_list {
        let mut value = from_py(obj, "config")?;
        if let (true, Some(key)) = (is_list, list_key) {
            value = serde_json::json!({ key: value });
        }
        let place = "in config".to_owned();
        return match serde_json::from_value(value) {
            Ok(config) => Ok(Parsed { config, place }),
            Err(e) => Err(config_error(format!("{place}: {e}"))),
        };
    }
    let path: PathBuf = obj.extract().map_err(|_| {
        pyo3::exceptions::PyTypeError::new_err(
            "config: give TOML text (str), a TOML file (os.PathLike), a dict of its tables or a list of steps",
        )
    })?;
    let text = std::fs::read_to_string(&path)
        .map_err(|e| io_error(e.kind(), format!("cannot read config {}: {e}", path.display())))?;
    from_text(&text, format!("in config {}", path.display()))
}

/// The pipeline config and its built steps; every invalid value is reported, each naming its step.
pub(crate) fn pipeline(obj: Option<&Bound<'_, PyAny>>) -> PyResult<(PipelineConfig, Pipeline)> {
    let parsed = parse(
        obj,
        "in the default config",
        Some("step"),
        PipelineConfig::from_toml,
    )?;
    let pipeline = parsed
        .config
        .build()
        .map_err(|e| config_error(format!("{}: {e}", parsed.place)))?;
    Ok((parsed.config, pipeline))
}

/// The dedup config, checked.
pub(crate) fn dedup(obj: Option<&Bound<'_, PyAny>>) -> PyResult<DedupConfig> {
    let parsed = parse(
        obj,
        "in the default dedup config",
        None,
        saring_pipeline::dedup_config_from_toml,
    )?;
    parsed
        .config
        .validate()
        .map_err(|e| config_error(format!("{}: {e}", parsed.place)))?;
    Ok(parsed.config)
}
