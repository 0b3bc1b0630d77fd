"""Shared paths and helpers of the Python package's tests (run by `cargo test` through tests/python.rs)."""

import json
import os
import shutil
from pathlib import Path

import pytest

#: The repository root (tests read `examples/` from it and `../shared/` beside it).
REPO = Path(__file__).resolve().parents[3]
SEED = REPO.parent / "shared" / "examples" / "seed"
CRAWL = REPO / "examples" / "crawl.warc.gz"


@pytest.fixture(scope="session")
def saring_bin():
    """The `saring` binary: $SARING_BIN (set by `cargo test`), else the one on PATH."""
    path = os.environ.get("SARING_BIN") or shutil.which("saring")
    if not path:
        pytest.skip("the saring binary is needed: set SARING_BIN (cargo test does)")
    return path


def read_records(directory):
    """Every record of the uncompressed JSONL shards in `directory`, in shard order."""
    records = []
    for shard in sorted(Path(directory).glob("*.jsonl")):
        records.extend(json.loads(line) for line in shard.read_text(encoding="utf-8").splitlines())
    return records
