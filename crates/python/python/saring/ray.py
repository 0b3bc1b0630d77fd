"""Run a saring pipeline on a Ray cluster: ``python -m saring.ray INPUT... -o OUT --ranks N``.

Ray schedules; saring brings the work. A job is a list of stages run one after the other; a stage is a
list of independent tasks, each a call of a function of the ``saring`` package on a Ray worker, retried
by Ray (``--max-retries``) when the worker dies or the call raises an I/O or saring error:

1. ``ranks``: ``saring.run(inputs, OUT, config, rank=r, world_size=N)`` for every rank ``r``. A rank whose
   completion marker matches (same config and input files) does nothing, so a resubmitted job redoes no
   finished rank. With a ``[dedup]`` table in the config the ranks write into ``OUT/.pre-dedup/``;
2. ``merge``: ``saring.merge_stats``, the same as ``saring stats merge``;
3. dedup, when the config has a ``[dedup]`` table (the deduplicated shards go to ``OUT``, and the run's
   ``stats.json`` counts the duplicates removed) or with ``--dedup DEDUP_OUT`` (over the shards of ``OUT``,
   settings from ``--dedup-config``): every stage of ``saring.DEDUP_STAGES`` in order, each as ``N`` tasks
   ``saring.dedup_stage(stage, ..., rank=r, world_size=N)``, except ``cluster``, one task. Each task
   leaves a completion marker in the work directory (``.dedup-work`` in the dedup's output), so a
   resubmitted job skips every finished task, and the output is the same bytes as ``saring dedup``'s.

Every task reads and writes the paths it is given, so inputs and outputs must be on storage all workers
see (a shared file system).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence

import saring

#: The work directory of a ``--dedup`` job, inside DEDUP_OUT (hidden, as ``saring dedup``'s own).
DEDUP_WORK = ".dedup-work"
#: The dedup stage that is one task whatever the number of ranks.
ONE_TASK_STAGES = ("cluster",)


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
    """The merged ``stats.json`` of all ranks of the pipeline run in ``output``."""
    return Stage("merge", [Task("merge_stats", {"output": output}, num_cpus=0.1)])


def dedup_stages(dedup: dict[str, Any], ranks: int, threads: int) -> list[Stage]:
    """Every dedup stage in order: ``ranks`` tasks each, one for ``cluster``.

    The ``filter`` tasks that find every shard written (one or more, when they finish together) each join
    the clusters TSV and write the stats, the same bytes, each file under a temporary name of its own.

    ``dedup`` holds the arguments every task shares: ``inputs``, ``work``, ``output`` and ``config``.
    """
    stages = []
    for name in saring.DEDUP_STAGES:
        world_size = 1 if name in ONE_TASK_STAGES else ranks
        tasks = [
            Task(
                "dedup_stage",
                {"stage": name, **dedup, "rank": rank, "world_size": world_size, "threads": threads},
                num_cpus=threads,
            )
            for rank in range(world_size)
        ]
        stages.append(Stage(name, tasks))
    return stages


def _call(function: str, kwargs: dict[str, Any]) -> Any:
    """The body of every Ray task: one function of the ``saring`` package."""
    return getattr(saring, function)(**kwargs)


def run_stages(stages: Sequence[Stage], max_retries: int) -> dict[str, list[Any]]:
    """Runs the stages in order on the Ray cluster this process is connected to; the results by stage name."""
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
        results.setdefault(stage.name, []).extend(ray.get(refs))
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
    """Runs the pipeline's ranks, merges their stats and dedups the shards (see the module's help).

    Needs a connected Ray (``ray.init``). The config is checked here first, so a bad key fails at once
    with saring's message instead of on every worker. Returns ``ranks`` (each rank's stats, with
    ``already_complete``), ``stats`` (the pipeline's merged stats), ``dedup`` (each dedup stage's task
    results, with ``ran`` and ``skipped``; empty without dedup), ``dedup_stats`` (the dedup's stats) and
    ``books`` (with ``[dedup]``: the run's stats with dedup as the last step, as in ``OUT/stats.json``).
    """
    if ranks < 1:
        raise ValueError(f"ranks = {ranks} must be at least 1")
    saring.apply(config, [])
    dedup = saring.dedup_layout(output, config)
    pipeline_output = output
    if dedup is not None:
        if dedup_output is not None or dedup_config is not None:
            raise ValueError(
                "the run config has a [dedup] table: the deduplicated shards go to OUT with its settings; "
                "drop --dedup and --dedup-config"
            )
        pipeline_output = dedup.pop("pipeline_output")
    elif dedup_output is not None:
        dedup = {
            "inputs": [output],
            "work": str(Path(dedup_output) / DEDUP_WORK),
            "output": dedup_output,
            "config": dedup_config,
        }
    elif dedup_config is not None:
        raise ValueError("--dedup-config needs --dedup DEDUP_OUT (or a [dedup] table in the run config)")
    results = run_stages([rank_stage(inputs, output, config, ranks, threads), merge_stage(pipeline_output)], max_retries)
    job = {"ranks": results["ranks"], "stats": results["merge"][0], "dedup": {}, "dedup_stats": None, "books": None}
    if dedup is not None:
        job["dedup"] = run_stages(dedup_stages(dedup, ranks, threads), max_retries)
        finished = [task for task in job["dedup"]["filter"] if task["stats"] is not None]
        if finished:
            job["dedup_stats"] = finished[0]["stats"]
            job["books"] = finished[0]["books"]
    return job


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``python -m saring.ray``: parse the arguments, connect to Ray, run the job, print a summary."""
    parser = argparse.ArgumentParser(
        prog="python -m saring.ray",
        description="Run a saring pipeline as Ray tasks: every rank, then merged stats, then every dedup stage.",
    )
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="input files, directories or globs")
    parser.add_argument("-o", "--output", required=True, metavar="OUT", help="output directory (shared)")
    parser.add_argument("--ranks", type=int, required=True, metavar="N", help="how many ranks share the inputs")
    parser.add_argument("--config", type=Path, metavar="PIPELINE.toml", help="pipeline config (TOML)")
    parser.add_argument("--threads", type=int, default=1, metavar="T", help="threads (and Ray CPUs) per task")
    parser.add_argument(
        "--dedup", metavar="DEDUP_OUT", help="then dedup the shards into DEDUP_OUT (without [dedup] in the config)"
    )
    parser.add_argument(
        "--dedup-config", type=Path, metavar="DEDUP.toml", help="dedup config (TOML) for --dedup"
    )
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
    if result["dedup"]:
        ran = sum(task["ran"] for tasks in result["dedup"].values() for task in tasks)
        done = sum(task["skipped"] for tasks in result["dedup"].values() for task in tasks)
        dedup = result["dedup_stats"] or {}
        print(
            f"saring: dedup: {ran} task(s) run, {done} already done; kept {dedup.get('kept')}, removed "
            f"{dedup.get('removed')} as duplicates; in {args.dedup or args.output}",
            file=sys.stderr,
        )
    return 1 if stats["errored"] else 0


if __name__ == "__main__":
    sys.exit(main())
