"""The Ray driver on a local two-CPU Ray: the same records as one process, every dedup stage as Ray tasks
giving `saring dedup`'s bytes, and no work done twice."""

import subprocess
import sys
from pathlib import Path

import pytest

import saring
from conftest import CRAWL, SEED, read_records

ray = pytest.importorskip("ray")
import saring.ray as driver  # noqa: E402  (after the skip: it needs no Ray, but the test does)

CONFIG = '[output]\ncompression = "none"\n'
INPUTS = [str(CRAWL), str(SEED / "page.html"), str(SEED / "syndicated.html")]


@pytest.fixture(scope="module")
def local_ray(tmp_path_factory):
    """A local Ray with two CPUs, its temp dir inside the test's (short: Ray's socket paths live there)."""
    tmp = tmp_path_factory.mktemp("r")
    ray.init(num_cpus=2, _temp_dir=str(tmp / "ray"), include_dashboard=False, log_to_driver=False)
    yield tmp
    ray.shutdown()


def dedup_output(directory):
    """Name → bytes of the data shards and the clusters TSV of a dedup output."""
    files = sorted(Path(directory).glob("[0-9]*-[0-9]*.jsonl*")) + [Path(directory) / "clusters.tsv"]
    return {p.name: p.read_bytes() for p in files}


def mtimes(*directories):
    """Path → modification time of every file under `directories` (hidden ones included), but the merged
    `stats.json`, which every job writes again from the ranks' books."""
    files = (p for d in directories for p in Path(d).rglob("*") if p.is_file() and p.name != "stats.json")
    return {p: p.stat().st_mtime_ns for p in files}


def ran(job):
    """Dedup stage → tasks run by its Ray tasks in `job`."""
    return {stage: sum(task["ran"] for task in tasks) for stage, tasks in job["dedup"].items()}


def test_ray_ranks_and_dedup_stages_equal_one_process_and_a_resubmission_redoes_nothing(local_ray, saring_bin):
    tmp = local_ray / "plain"
    single = saring.run(INPUTS, tmp / "single", config=CONFIG, threads=1)
    out, dedup = tmp / "ranks", tmp / "dedup"
    # A job that died after the signatures stage: its ranks and first three dedup stages are done.
    shared = {"inputs": [str(out)], "work": str(dedup / driver.DEDUP_WORK), "output": str(dedup), "config": None}
    driver.run_stages([driver.rank_stage(INPUTS, str(out), CONFIG, 2, 1), driver.merge_stage(str(out))], 0)
    died = driver.run_stages(driver.dedup_stages(shared, ranks=2, threads=1)[:3], 0)
    assert list(died) == ["lines", "boilerplate", "signatures"]
    first = driver.run_job(INPUTS, str(out), ranks=2, config=CONFIG, dedup_output=str(dedup))

    by_id = lambda records: sorted(records, key=lambda r: r["id"])  # noqa: E731
    assert by_id(read_records(out)) == by_id(read_records(tmp / "single"))
    assert {p.name[:5] for p in out.glob("*.jsonl")} == {"00000", "00001"}
    for key in ("read", "kept", "dropped", "errored", "files", "skipped", "errors"):
        assert first["stats"][key] == single[key], key
    assert [r["already_complete"] for r in first["ranks"]] == [True, True]
    # The resubmission skipped the stages that had finished and ran the others, each as Ray tasks.
    assert list(first["dedup"]) == list(saring.DEDUP_STAGES)
    assert [len(tasks) for tasks in first["dedup"].values()] == [2, 2, 2, 2, 1, 2]
    counts = ran(first)
    assert counts["lines"] == counts["boilerplate"] == counts["signatures"] == 0
    assert counts["buckets"] > 0 and counts["cluster"] == 1 and counts["filter"] == 2
    assert first["dedup_stats"]["read"] == single["kept"] and first["dedup_stats"]["removed"] > 0
    assert first["books"] is None  # a --dedup output is not a run's output

    subprocess.run([saring_bin, "dedup", str(out), "-o", str(tmp / "oneshot"), "--threads", "1"],
                   check=True, capture_output=True)
    expected = dedup_output(tmp / "oneshot")
    assert dedup_output(dedup) == expected

    before = mtimes(out, dedup / driver.DEDUP_WORK)
    before.update({p: p.stat().st_mtime_ns for p in dedup.glob("[0-9]*")})
    second = driver.run_job(INPUTS, str(out), ranks=2, config=CONFIG, dedup_output=str(dedup))
    assert [r["already_complete"] for r in second["ranks"]] == [True, True]
    assert set(ran(second).values()) == {0}
    assert {p: p.stat().st_mtime_ns for p in before} == before
    assert dedup_output(dedup) == expected


def test_ray_with_a_dedup_table_writes_deduplicated_shards_and_books_into_out(local_ray, saring_bin):
    tmp = local_ray / "table"
    config = CONFIG + "[dedup]\n"
    single = saring.run(INPUTS, tmp / "single", config=config, threads=1)
    removed = single["dedup"]["removed"]
    assert removed > 0 and single["steps"][-1]["name"] == "dedup"

    out = tmp / "ranks"
    job = driver.run_job(INPUTS, str(out), ranks=2, config=config)
    books = job["books"]
    assert books["read"] == books["kept"] + books["dropped"] + books["errored"]
    for key in ("read", "kept", "dropped", "errored"):
        assert books[key] == single[key], key
    assert books["steps"][-1] == {**books["steps"][-1], "name": "dedup", "dropped": removed}
    assert job["stats"]["kept"] == books["kept"] + removed  # the pipeline's merged books, before dedup
    assert {p.name[:5] for p in (out / ".pre-dedup").glob("*.jsonl")} == {"00000", "00001"}

    subprocess.run([saring_bin, "dedup", str(out / ".pre-dedup"), "-o", str(tmp / "oneshot"), "--threads", "1"],
                   check=True, capture_output=True)
    assert dedup_output(out) == dedup_output(tmp / "oneshot")

    again = driver.run_job(INPUTS, str(out), ranks=2, config=config)
    assert set(ran(again).values()) == {0} and again["books"]["kept"] == books["kept"]
    with pytest.raises(ValueError, match=r"has a \[dedup\] table"):
        driver.run_job(INPUTS, str(out), ranks=2, config=config, dedup_output=str(tmp / "d"))


def test_dedup_stage_checks_its_arguments(tmp_path):
    with pytest.raises(ValueError, match='stage "sort" is not one of lines, boilerplate'):
        saring.dedup_stage("sort", str(CRAWL), tmp_path / "work")
    with pytest.raises(saring.SaringError, match=r"run `saring dedup \w+` first"):
        saring.dedup_stage("buckets", str(CRAWL), tmp_path / "work")
    with pytest.raises(saring.ConfigError, match="unknown field `band`"):
        saring.dedup_stage("lines", str(CRAWL), tmp_path / "work", config="[dedup]\nband = 1\n")
    assert saring.dedup_layout(tmp_path, CONFIG) is None
    layout = saring.dedup_layout(tmp_path, "[dedup]\nrows = 4\n")
    assert layout["pipeline_output"] == str(tmp_path / ".pre-dedup") and layout["config"]["rows"] == 4


def test_ray_driver_command_line_checks_its_arguments():
    help_text = subprocess.run([sys.executable, "-m", "saring.ray", "--help"], check=True,
                               capture_output=True, text=True).stdout
    assert "--ranks" in help_text and "--dedup" in help_text and "--max-retries" in help_text
    with pytest.raises(ValueError, match="ranks = 0"):
        driver.run_job([str(CRAWL)], "unused", ranks=0)
    with pytest.raises(saring.ConfigError, match="unknown field `sed`"):
        driver.run_job([str(CRAWL)], "unused", ranks=1, config="sed = 1\n")
    with pytest.raises(ValueError, match="--dedup-config needs --dedup"):
        driver.run_job([str(CRAWL)], "unused", ranks=1, dedup_config="bands = 4\n")
