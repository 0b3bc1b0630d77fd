"""saring: clean, deduplicated, language-labelled text from web crawls, from Python.

The functions run saring's Rust code (the same steps, config parser and runner as the ``saring``
binary) with the GIL released::

    import saring
    page = saring.extract(html, url="https://example.org/a")      # {"text": ..., "title": ..., ...}
    label, score = saring.detect_language("Dia sudah lama tinggal di desa itu.")   # ("id", 0.88)
    results = saring.apply([{"type": "gopher_quality"}], ["some text", "more text"])
    stats = saring.run("crawl.warc.gz", "out/", config=pathlib.Path("pipeline.toml"))

``apply`` also takes a ``pyarrow.RecordBatch`` or ``pyarrow.Table`` and returns the same kind with the
verdicts and signals as columns. ``dedup`` removes near-duplicates in one call, ``dedup_stage`` one
stage and rank at a time (``DEDUP_STAGES`` in order). ``python -m saring.ray`` runs every rank of a
pipeline, then every dedup stage, as Ray tasks.
Config errors raise ``ConfigError`` (a ``ValueError``) naming every bad key or value; unwritable output
raises ``FileNotFoundError``, ``PermissionError`` or ``SaringError``.
"""

from __future__ import annotations

from typing import Any

from saring import _saring
from saring._saring import (
    DEDUP_STAGES,
    ConfigError,
    SaringError,
    __version__,
    dedup,
    dedup_layout,
    dedup_stage,
    detect_language,
    extract,
    merge_stats,
    run,
)

__all__ = [
    "DEDUP_STAGES",
    "ConfigError",
    "SaringError",
    "__version__",
    "apply",
    "dedup",
    "dedup_layout",
    "dedup_stage",
    "detect_language",
    "extract",
    "merge_stats",
    "run",
]

#: The columns of an Arrow batch that ``apply`` reads; all others are carried through untouched.
_DOC_COLUMNS = ("id", "text", "html", "url", "date")


def apply(config: Any, docs: Any) -> Any:
    """Run the steps of a pipeline config over documents, as ``saring run`` runs them on each record.

    ``config`` is TOML text (``str``), a TOML file (``os.PathLike``), a dict of the TOML's tables, or a
    list of ``[[step]]`` tables (dicts with a ``type``); ``None`` is the default pipeline.

    ``docs`` is a list of texts, or of dicts with ``text`` (or ``html``, for pipelines with ``extract``)
    and optionally ``id``, ``url`` and ``date`` (other keys become metadata). The result is a list with
    one dict per document: ``id``, ``text`` (as the steps left it), ``url``, ``date``, ``language``,
    ``metadata``, ``signals`` (``"step.signal"`` to number), ``keep``, ``step`` (the step that dropped
    the document or failed on it), ``drop_reason`` (as counted in ``stats.json``) and ``error``.

    ``docs`` may also be a ``pyarrow.RecordBatch`` or ``pyarrow.Table`` with a ``text`` or ``html``
    column (and optionally ``id``, ``url``, ``date``); the result is then the same kind, with ``text``
    replaced by the steps' text and the columns ``language``, ``keep``, ``step``, ``drop_reason``,
    ``error`` and ``signals`` (a map of string to double) added.
    """
    if _is_arrow(docs):
        return _apply_arrow(config, docs)
    return _saring.apply(config, docs)


def _is_arrow(obj: Any) -> bool:
    """Whether ``obj`` is a pyarrow ``RecordBatch`` or ``Table`` (without importing pyarrow)."""
    return type(obj).__module__.startswith("pyarrow") and hasattr(obj, "schema") and hasattr(obj, "column")


def _apply_arrow(config: Any, batch: Any) -> Any:
    """``apply`` over an Arrow batch or table: the documents' columns in, the verdicts as columns out."""
    import pyarrow as pa

    names = list(batch.schema.names)
    wanted = [name for name in _DOC_COLUMNS if name in names]
    if "text" not in wanted and "html" not in wanted:
        raise ValueError(f"the batch has no `text` or `html` column (columns: {', '.join(names)})")
    results = _saring.apply(config, batch.select(wanted).to_pylist())
    columns = {name: batch.column(name) for name in names}

    def column(key: str, kind: Any) -> Any:
        return pa.array([result[key] for result in results], type=kind)

    columns["text"] = column("text", pa.string())
    columns["language"] = column("language", pa.string())
    columns["keep"] = column("keep", pa.bool_())
    columns["step"] = column("step", pa.string())
    columns["drop_reason"] = column("drop_reason", pa.string())
    columns["error"] = column("error", pa.string())
    columns["signals"] = pa.array(
        [list(result["signals"].items()) for result in results], type=pa.map_(pa.string(), pa.float64())
    )
    return type(batch).from_arrays(list(columns.values()), names=list(columns))
