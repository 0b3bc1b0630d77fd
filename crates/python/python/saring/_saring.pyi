"""Type stubs of saring's native module; the functions are documented in their docstrings."""

import os
from typing import Any, Literal, Mapping, Optional, Sequence, Tuple, Union

__version__: str
#: The dedup stages' names, in the order they run.
DEDUP_STAGES: Tuple[str, ...]

class SaringError(Exception):
    """A saring operation could not complete (for example an output that cannot be written)."""

class ConfigError(ValueError):
    """A pipeline or dedup config that cannot be used; the message names every bad key or value."""

#: TOML text, a TOML file, a dict of the TOML's tables, a list of ``[[step]]`` tables, or None (default).
Config = Union[str, "os.PathLike[str]", Mapping[str, Any], Sequence[Mapping[str, Any]], None]
#: A path, glob or directory, or a list of them.
Inputs = Union[str, "os.PathLike[str]", Sequence[Union[str, "os.PathLike[str]"]]]

def extract(html: str, url: Optional[str] = None, format: Literal["text", "markdown"] = "text") -> dict[str, Any]:
    """The main text and metadata of one HTML page, as ``saring extract --format json`` prints them."""

def detect_language(text: str) -> Tuple[str, float]:
    """The language of ``text`` by lid.176 with the close-pair stage: ``(label, score)``."""

def apply(config: Config, docs: Sequence[Union[str, Mapping[str, Any]]]) -> list[dict[str, Any]]:
    """Run the steps of a pipeline config over documents; one dict of verdict and signals per document."""

def dedup_stage(
    stage: str,
    inputs: Inputs,
    work: Union[str, "os.PathLike[str]"],
    output: Optional[Union[str, "os.PathLike[str]"]] = None,
    clusters: Optional[Union[str, "os.PathLike[str]"]] = None,
    rank: int = 0,
    world_size: int = 1,
    config: Union[str, "os.PathLike[str]", Mapping[str, Any], None] = None,
    threads: Optional[int] = None,
) -> dict[str, Any]:
    """Run rank ``rank`` of one dedup stage in ``work``; ``ran``, ``skipped``, ``stats`` and ``books``."""

def dedup_layout(output: Union[str, "os.PathLike[str]"], config: Config = None) -> Optional[dict[str, Any]]:
    """Where a run with a ``[dedup]`` table writes, and ``dedup_stage``'s arguments; ``None`` without one."""

def run(
    inputs: Inputs,
    output: Union[str, "os.PathLike[str]"],
    config: Config = None,
    rank: int = 0,
    world_size: int = 1,
    threads: Optional[int] = None,
    fail_fast: bool = False,
) -> dict[str, Any]:
    """Run a pipeline over files into shards in ``output``, as ``saring run`` does; returns the rank's stats.

    Like ``saring run`` it also writes ``run.json`` and, once the stats of the whole run are merged,
    ``report.html`` and the dataset card ``README.md``; ``stats["report"]`` is the report's path (or None).
    """

def merge_stats(output: Union[str, "os.PathLike[str]"]) -> dict[str, Any]:
    """Add up the stats of every rank in ``output/stats/`` into ``output/stats.json`` and return them."""

def dedup(
    inputs: Inputs,
    output: Union[str, "os.PathLike[str]"],
    clusters: Optional[Union[str, "os.PathLike[str]"]] = None,
    config: Union[str, "os.PathLike[str]", Mapping[str, Any], None] = None,
    threads: Optional[int] = None,
) -> dict[str, Any]:
    """Remove exact and near-duplicate documents from JSONL shards, as ``saring dedup`` does."""
