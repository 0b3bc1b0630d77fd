"""`saring.run`, `saring.merge_stats` and `saring.dedup` against the binary on the bundled crawl."""

import json
import subprocess

import pytest

import saring
from conftest import CRAWL


def shard_bytes(directory):
    """Name → bytes of every data shard in `directory`."""
    return {p.name: p.read_bytes() for p in sorted(directory.glob("[0-9]*-[0-9]*.jsonl*"))}


def test_run_writes_the_same_shards_as_the_binary(tmp_path, saring_bin):
    subprocess.run([saring_bin, "run", str(CRAWL), "-o", str(tmp_path / "cli"), "--threads", "2"],
                   check=True, capture_output=True)
    stats = saring.run(str(CRAWL), tmp_path / "py", threads=1)

    cli_shards = shard_bytes(tmp_path / "cli")
    assert cli_shards and shard_bytes(tmp_path / "py") == cli_shards
    cli_stats = json.loads((tmp_path / "cli" / "stats.json").read_text(encoding="utf-8"))
    assert set(cli_stats) <= set(stats)
    for key in ("read", "kept", "dropped", "errored", "bytes_in", "bytes_out", "files", "skipped", "errors"):
        assert stats[key] == cli_stats[key], key
    assert stats["read"] == stats["kept"] + stats["dropped"] + stats["errored"]
    assert [p.rsplit("/", 1)[-1] for p in stats["shards"]] == list(cli_shards)
    assert stats["already_complete"] is False
    # The run is recorded as `saring run` records it: run.json, the report and the dataset card.
    assert stats["report"] == str(tmp_path / "py" / "report.html")
    assert "<html" in (tmp_path / "py" / "report.html").read_text(encoding="utf-8")
    assert "saring" in (tmp_path / "py" / "README.md").read_text(encoding="utf-8")
    info = json.loads((tmp_path / "py" / "run.json").read_text(encoding="utf-8"))
    assert info["inputs"] == [str(CRAWL)] and info["command"][0] == "python"
    assert "[[step]]" in info["config"]
    assert not [p.name for p in (tmp_path / "py").iterdir() if p.name.endswith(".tmp")]

    again = saring.run([CRAWL], tmp_path / "py", threads=1)
    assert again["already_complete"] is True and again["kept"] == stats["kept"]
    merged = saring.merge_stats(tmp_path / "py")
    assert merged["kept"] == stats["kept"] and "shards" not in merged

    deduped = saring.dedup(tmp_path / "py" / "*.jsonl.zst", tmp_path / "dedup", threads=1)
    assert deduped["read"] == stats["kept"] and deduped["kept"] + deduped["removed"] == deduped["read"]
    assert (tmp_path / "dedup" / "clusters.tsv").exists()


def test_run_rejects_bad_ranks_and_reports_unwritable_output(tmp_path):
    with pytest.raises(ValueError, match="rank 2 is not below the world size 2"):
        saring.run(str(CRAWL), tmp_path / "out", rank=2, world_size=2)
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    with pytest.raises((saring.SaringError, OSError), match=f"run into {blocker}/out failed"):
        saring.run(str(CRAWL), blocker / "out", threads=1)
    with pytest.raises(saring.ConfigError, match="invalid dedup config"):
        saring.dedup(str(tmp_path), tmp_path / "d", config={"bands": 0})
