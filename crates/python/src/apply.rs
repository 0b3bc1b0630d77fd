//! `apply`: the pipeline's steps over documents held in Python, with every verdict and signal.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use rayon::prelude::*;
use saring_core::{Document, Provenance, Verdict};

use crate::convert::{from_py, to_py};

/// Runs the steps of a pipeline config over documents, exactly as `saring run` runs them on each record,
/// and returns one dict per document, in order.
///
/// `config` is TOML text, a TOML file (`os.PathLike`), a dict of the TOML's tables or a list of `[[step]]`
/// tables (dicts with a `type`); `None` is the default pipeline. `docs` is a list of texts, or of dicts
/// with `text` (or `html` for pipelines that extract), and optionally `id`, `url` and `date`; other keys
/// become metadata. Each result has `id`, `text` (as the steps left it), `url`, `date`, `language`,
/// `metadata`, `signals` (`step.signal` → number), `keep`, `step` (the step that dropped the document or
/// failed on it, else `None`), `drop_reason` (as counted in `stats.json`) and `error`. Documents are
/// processed in parallel with the GIL released; the results do not depend on the number of threads.
#[pyfunction]
#[pyo3(signature = (config, docs))]
pub(crate) fn apply<'py>(
    py: Python<'py>,
    config: Option<&Bound<'py, PyAny>>,
    docs: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    let (_, pipeline) = crate::config::pipeline(config)?;
    let mut documents = docs
        .try_iter()?
        .enumerate()
        .map(|(i, item)| document(&item?, i))
        .collect::<PyResult<Vec<Document>>>()?;
    let verdicts: Vec<(Verdict, Option<String>)> = py.detach(|| {
        documents
            .par_iter_mut()
            .map(|doc| {
                let (verdict, step) = pipeline.apply(doc);
                (verdict, step.map(str::to_owned))
            })
            .collect()
    });
    let results = PyList::empty(py);
    for (doc, (verdict, step)) in documents.into_iter().zip(verdicts) {
        results.append(result(py, doc, verdict, step)?)?;
    }
    Ok(results)
}

/// The `i`-th input document: a text, or a dict of fields.
fn document(item: &Bound<'_, PyAny>, i: usize) -> PyResult<Document> {
    let mut doc = Document::new(i.to_string(), String::new());
    doc.provenance = Provenance {
        path: "docs".to_owned(),
        record: i as u64,
        offset: 0,
    };
    if let Ok(text) = item.cast::<PyString>() {
        doc.text = text.to_cow()?.into_owned();
        return Ok(doc);
    }
    let fields = item.cast::<PyDict>().map_err(|_| {
        PyTypeError::new_err(format!(
            "docs[{i}]: a {} is not a document (give a str, or a dict with `text` or `html`)",
            item.get_type().name().map(|n| n.to_string()).unwrap_or_default()
        ))
    })?;
    for (key, value) in fields.iter() {
        let key: String = key
            .extract()
            .map_err(|_| PyTypeError::new_err(format!("docs[{i}]: the keys must be strings")))?;
        let string = || -> PyResult<Option<String>> {
            value
                .extract()
                .map_err(|_| PyTypeError::new_err(format!("docs[{i}][{key:?}] must be a str or None")))
        };
        match key.as_str() {
            "id" => doc.id = string()?.unwrap_or(doc.id),
            "text" => doc.text = string()?.unwrap_or_default(),
            "html" => doc.html = string()?,
            "url" => doc.url = string()?,
            "date" => doc.date = string()?,
            _ => {
                let value = from_py(&value, &format!("docs[{i}][{key:?}]"))?;
                doc.metadata.insert(key, value);
            }
        }
    }
    Ok(doc)
}

/// One document's outcome as a dict.
fn result<'py>(
    py: Python<'py>,
    doc: Document,
    verdict: Verdict,
    step: Option<String>,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("id", doc.id)?;
    dict.set_item("text", doc.text)?;
    dict.set_item("url", doc.url)?;
    dict.set_item("date", doc.date)?;
    dict.set_item("language", doc.language)?;
    let metadata = PyDict::new(py);
    for (key, value) in &doc.metadata {
        metadata.set_item(key, to_py(py, value)?)?;
    }
    dict.set_item("metadata", metadata)?;
    dict.set_item("signals", doc.signals)?;
    let (drop_reason, error) = match verdict {
        Verdict::Keep => (None, None),
        Verdict::Drop(reason) => (Some(reason.as_str()), None),
        Verdict::Error(message) => (None, Some(message)),
    };
    dict.set_item("keep", step.is_none())?;
    dict.set_item("step", step)?;
    dict.set_item("drop_reason", drop_reason)?;
    dict.set_item("error", error)?;
    Ok(dict)
}
