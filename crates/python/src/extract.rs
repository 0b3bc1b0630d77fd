//! `extract` and `detect_language`: one page, one text.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use saring_extract::{ExtractConfig, Extractor, OutputFormat};
use saring_langid::LanguageId;

use crate::convert::serialize_to_py;
use crate::error::saring_error;

/// The main text and metadata of one HTML page, as `saring extract --format json` prints them.
///
/// Returns a dict with `text` (one block a line, a blank line between blocks; Markdown with
/// `format="markdown"`) and the page's `title`, `author`, `date` (publication, `YYYY-MM-DD`),
/// `sitename`, `url` (canonical), `description`, `language` (declared by the page), `categories`, `tags`
/// and `sources`. `url` is the address the page was fetched from: it stands in for `url` when the page
/// names no canonical URL.
#[pyfunction]
#[pyo3(signature = (html, url = None, format = "text"))]
pub(crate) fn extract<'py>(
    py: Python<'py>,
    html: &str,
    url: Option<String>,
    format: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let format = match format {
        "text" => OutputFormat::Text,
        "markdown" => OutputFormat::Markdown,
        other => {
            return Err(PyValueError::new_err(format!(
                "format = {other:?}: expected \"text\" or \"markdown\""
            )));
        }
    };
    let config = ExtractConfig {
        format,
        ..ExtractConfig::default()
    };
    let extracted = py.detach(|| Extractor::new(&config).extract(html));
    let mut metadata = extracted.metadata;
    if metadata.url.is_none() {
        metadata.url = url;
    }
    let dict = serialize_to_py(py, &metadata)?.cast_into::<PyDict>()?;
    dict.set_item("text", extracted.text)?;
    Ok(dict)
}

/// The language of `text` by lid.176 (built in) with the close-pair stage, as `saring langid` gives it:
/// `(label, score)`, the label a lid.176 code (`"id"`, `"en"`, `"ms"`, …) and the score its probability.
#[pyfunction]
pub(crate) fn detect_language(py: Python<'_>, text: &str) -> PyResult<(String, f32)> {
    py.detach(|| {
        let id = LanguageId::lid176()
            .map_err(|e| e.to_string())?
            .with_close_pairs(true);
        Ok(id
            .detect(text)
            .map_or((String::new(), 0.0), |p| (p.label.to_owned(), p.score)))
    })
    .map_err(saring_error)
}
