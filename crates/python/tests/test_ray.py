"""The Ray driver on a local two-CPU Ray: the same records as one process, and no work done twice."""

import sys
import subprocess

import pytest

import saring
from conftest import CRAWL, SEED, read_records

ray = pytest.importorskip("ray")
import saring.ray as driver  # noqa: E402  (after the skip: it needs no Ray, but the test does)

CONFIG = '[output]\ncompression = "none"\n'


def test_ray_ranks_equal_one_process_and_a_resubmission_redoes_nothing(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("r")  # short: Ray's socket paths live under its temp dir
    inputs = [str(CRAWL), str(SEED / "page.html"), str(SEED / "syndicated.html")]
    single = saring.run(inputs, tmp / "single", config=CONFIG, threads=1)

    ray.init(num_cpus=2, _temp_dir=str(tmp / "ray"), include_dashboard=False, log_to_driver=False)
    try:
        out = tmp / "ranks"
        first = driver.run_job(inputs, str(out), ranks=2, config=CONFIG, dedup_output=str(tmp / "dedup"))
        shards = sorted(out.glob("*.jsonl"))
        mtimes = {p: p.stat().st_mtime_ns for p in shards + [tmp / "dedup" / "clusters.tsv"]}
        second = driver.run_job(inputs, str(out), ranks=2, config=CONFIG, dedup_output=str(tmp / "dedup"))
    finally:
        ray.shutdown()

    by_id = lambda records: sorted(records, key=lambda r: r["id"])  # noqa: E731
    assert by_id(read_records(out)) == by_id(read_records(tmp / "single"))
    assert {p.name[:5] for p in shards} == {"00000", "00001"}
    for key in ("read", "kept", "dropped", "errored", "files", "skipped", "errors"):
        assert first["stats"][key] == single[key], key
    assert [r["already_complete"] for r in first["ranks"]] == [False, False]
    assert first["dedup"]["read"] == single["kept"]

    assert [r["already_complete"] for r in second["ranks"]] == [True, True]
    assert second["dedup"] is None
    assert {p: p.stat().st_mtime_ns for p in mtimes} == mtimes
    assert second["stats"]["kept"] == first["stats"]["kept"]


def test_ray_driver_command_line_checks_its_arguments():
    help_text = subprocess.run([sys.executable, "-m", "saring.ray", "--help"], check=True,
                               capture_output=True, text=True).stdout
    assert "--ranks" in help_text and "--dedup" in help_text and "--max-retries" in help_text
    with pytest.raises(ValueError, match="ranks = 0"):
        driver.run_job([str(CRAWL)], "unused", ranks=0)
    with pytest.raises(saring.ConfigError, match="unknown field `sed`"):
        driver.run_job([str(CRAWL)], "unused", ranks=1, config="sed = 1\n")
