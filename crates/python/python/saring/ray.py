"""Run a saring pipeline on a Ray cluster: ``python -m saring.ray INPUT... -o OUT --ranks N``.

Ray schedules; saring brings the work. A job is a list of stages run one after the other; a stage is a
list of independent tasks, each a call of a function of the ``saring`` package on a Ray worker, retried
by Ray (``--max-retries``) when the worker dies or the call raises an I/O or saring error:

1. ``ranks``: ``saring.run(inputs, OUT, config, rank=r, world_size=N)`` for every rank ``r``. A rank whose
   completion marker in ``OUT/stats/`` matches (same config and input files) does nothing, so a
   resubmitted job redoes no finished rank;
2. ``merge``: ``saring.merge_stats(OUT)``, the same as ``saring stats merge OUT``;
3. with ``--dedup DEDUP_OUT``: ``saring.dedup`` over the shards of ``OUT``. It is skipped when
   ``DEDUP_OUT`` holds a marker written for the same shards and dedup config.

Every task reads and writes the paths it is given, so inputs and outputs must be on storage all workers
see (a shared file system). The one-shot dedup is one task; staged dedup (signatures per rank, buckets
per band, clusters, filter per rank) becomes more stages of the same form (:func:`dedup_stages`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence

import saring

#: The file in DEDUP_OUT that records which shards and config the dedup output was made from.
DEDUP_MARKER = "ray-dedup.done"


@dataclass
class Task:
    """One call ``saring.<function>(**kwargs)`` on a Ray worker, needing ``num_cpus`` cores."""

    function: str
    kwargs: dict[str, Any]
    num_cpus: float = 1.0


@dataclass
class Stage:
    """Tasks that may run in any order and in parallel; the next stage starts once all have finished."""

    name: str
    tasks: list[Task] = field(default_factory=list)


def rank_stage(inputs: Sequence[str], output: str, config: Any, ranks: int, threads: int) -> Stage:
    """Every rank of the pipeline run, each on ``threads`` cores."""
    return Stage(
        "ranks",
        [
            Task(
                "run",
                {
                    "inputs": list(inputs),
                    "output": output,
                    "config": config,
                    "rank": rank,
                    "world_size": ranks,
                    "threads": threads,
                },
                num_cpus=threads,
            )
            for rank in range(ranks)
        ],
    )


def merge_stage(output: str) -> Stage:
    """The merged ``stats.json`` of all ranks."""
    return Stage("merge", [Task("merge_stats", {"output": output}, num_cpus=0.1)])


def dedup_stages(output: str, dedup_output: str, dedup_config: Any, threads: int) -> list[Stage]:
    """Dedup over the pipeline's shards: today one one-shot task, skipped when its marker matches."""
    shards = shard_paths(output)
    marker = dedup_fingerprint(shards, dedup_config)
    if read_marker(Path(dedup_output)) == marker:
        return []
    task = Task(
        "_dedup_with_marker",
        {
            "inputs": [str(path) for path in shards],
            "output": dedup_output,
            "config": dedup_config,
            "threads": threads,
            "marker": marker,
        },
        num_cpus=threads,
    )
    return [Stage("dedup", [task])]


def shard_paths(output: str) -> list[Path]:
    """The data shards of a run directory (``RRRRR-SSSSS.jsonl*``), sorted."""
    return sorted(Path(output).glob("[0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9][0-9].jsonl*"))


def dedup_fingerprint(shards: Sequence[Path], config: Any) -> str:
    """What identifies a dedup's work: its input shards (name, size, modification time) and config."""
    if isinstance(config, os.PathLike):
        config = Path(config).read_text(encoding="utf-8")
    stats = [(str(path), path.stat().st_size, path.stat().st_mtime_ns) for path in shards]
    key = json.dumps({"saring": saring.__version__, "shards": stats, "config": config}, sort_keys=True)
    return hashlib.sha256(key.encode()).hexdigest()


def read_marker(directory: Path) -> Optional[str]:
    """The fingerprint recorded in ``directory``, if any."""
    try:
        return (directory / DEDUP_MARKER).read_text(encoding="utf-8").strip()
    except OSError:
        return None


def _dedup_with_marker(inputs: list[str], output: str, config: Any, threads: int, marker: str) -> dict:
    """``saring.dedup``, then the marker (written atomically) that lets a resubmitted job skip it."""
    stats = saring.dedup(inputs, output, config=config, threads=threads)
    tmp = Path(output) / (DEDUP_MARKER + ".tmp")
    tmp.write_text(marker + "\n", encoding="utf-8")
    tmp.replace(Path(output) / DEDUP_MARKER)
    return stats


def _call(function: str, kwargs: dict[str, Any]) -> Any:
    """The body of every Ray task: one function of this module or of the ``saring`` package."""
    target = globals()[function] if function.startswith("_") else getattr(saring, function)
    return target(**kwargs)


def run_stages(stages: Sequence[Stage], max_retries: int) -> dict[str, list[Any]]:
    """Runs the stages in order on the Ray cluster this process is connected to; each stage's results."""
    import ray

    remote = ray.remote(_call)
    results = {}
    for stage in stages:
        refs = [
            remote.options(
                num_cpus=task.num_cpus,
                max_retries=max_retries,
                retry_exceptions=[saring.SaringError, OSError],
            ).remote(task.function, task.kwargs)
            for task in stage.tasks
        ]
        results[stage.name] = ray.get(refs)
    return results


def run_job(
    inputs: Sequence[str],
    output: str,
    ranks: int,
    config: Any = None,
    threads: int = 1,
    dedup_output: Optional[str] = None,
    dedup_config: Any = None,
    max_retries: int = 3,
) -> dict[str, Any]:
    """Runs the pipeline's ranks, merges their stats and, with ``dedup_output``, dedups the shards.

    Needs a connected Ray (``ray.init``). The config is checked here first, so a bad key fails at once
    with saring's message instead of on every worker. Returns ``ranks`` (each rank's stats, with
    ``already_complete``), ``stats`` (the merged stats) and ``dedup`` (the dedup stats, or ``None`` when
    not asked for or already done).
    """
    if ranks < 1:
        raise ValueError(f"ranks = {ranks} must be at least 1")
    saring.apply(config, [])
    results = run_stages([rank_stage(inputs, output, config, ranks, threads), merge_stage(output)], max_retries)
    dedup = None
    if dedup_output is not None:
        dedup_results = run_stages(dedup_stages(output, dedup_output, dedup_config, threads), max_retries)
        dedup = dedup_results.get("dedup", [None])[0]
    return {"ranks": results["ranks"], "stats": results["merge"][0], "dedup": dedup}


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``python -m saring.ray``: parse the arguments, connect to Ray, run the job, print a summary."""
    parser = argparse.ArgumentParser(
        prog="python -m saring.ray",
        description="Run a saring pipeline as Ray tasks: every rank, then merged stats, then dedup.",
    )
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="input files, directories or globs")
    parser.add_argument("-o", "--output", required=True, metavar="OUT", help="output directory (shared)")
    parser.add_argument("--ranks", type=int, required=True, metavar="N", help="how many ranks share the inputs")
    parser.add_argument("--config", type=Path, metavar="PIPELINE.toml", help="pipeline config (TOML)")
    parser.add_argument("--threads", type=int, default=1, metavar="T", help="threads (and Ray CPUs) per task")
    parser.add_argument("--dedup", metavar="DEDUP_OUT", help="then dedup the shards into DEDUP_OUT")
    parser.add_argument("--dedup-config", type=Path, metavar="DEDUP.toml", help="dedup config (TOML)")
    parser.add_argument("--max-retries", type=int, default=3, help="Ray retries per task [default: 3]")
    parser.add_argument("--address", help="Ray cluster address [default: $RAY_ADDRESS, else a local Ray]")
    args = parser.parse_args(argv)

    import ray

    if not ray.is_initialized():
        ray.init(address=args.address)
    try:
        result = run_job(
            args.inputs,
            args.output,
            args.ranks,
            config=args.config,
            threads=args.threads,
            dedup_output=args.dedup,
            dedup_config=args.dedup_config,
            max_retries=args.max_retries,
        )
    except (saring.ConfigError, ValueError) as error:
        print(f"saring: error: {error}", file=sys.stderr)
        return 2
    skipped = sum(1 for rank in result["ranks"] if rank["already_complete"])
    stats = result["stats"]
    print(
        f"saring: {args.ranks} ranks ({skipped} already complete): read {stats['read']} records: "
        f"kept {stats['kept']}, dropped {stats['dropped']}, errored {stats['errored']}; in {args.output}",
        file=sys.stderr,
    )
    if args.dedup is not None:
        dedup = result["dedup"]
        if dedup is None:
            print(f"saring: dedup in {args.dedup} already complete; nothing redone", file=sys.stderr)
        else:
            print(
                f"saring: dedup: kept {dedup['kept']}, removed {dedup['removed']} as duplicates; in {args.dedup}",
                file=sys.stderr,
            )
    return 1 if stats["errored"] else 0


if __name__ == "__main__":
    sys.exit(main())
