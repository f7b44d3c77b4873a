"""Where village tasks run: in this process, in forked worker processes, or on a Dask cluster.
The results come back in the order of the tasks, whichever ran first."""

from __future__ import annotations

import functools
import multiprocessing
import os
from typing import Callable, TypeVar

from . import blobs
from .problems import Problem, error
from .village_build import VillageOutput, VillageTask

VILLAGES_PER_WORKER = 8  # with posters, a worker process is replaced after this many villages


Done = Callable[[VillageOutput], None]  # told of each village as it finishes (progress)
Task, Result = TypeVar("Task"), TypeVar("Result")


def run_local(
    function: Callable[[Task], Result], tasks: list[Task], jobs: int | None, recycle: bool, on_done: Callable[[Result], None] | None = None
) -> list[Result]:
    """Run tasks, in forked worker processes when there are several; results in the tasks' order.

    With posters, a worker is replaced after a few villages: WeasyPrint gives memory back only
    when its process ends. Each worker hands back, with each result, the identities of the blobs
    it wrote or hashed (`blobs.handed`), which this process then trusts without hashing them again:
    they come from its own forked child on this machine, through the pool's pipe.
    """
    done = on_done or (lambda output: None)
    jobs = min(jobs or os.cpu_count() or 1, len(tasks))
    results: list[Result] = []
    if jobs <= 1:
        for task in tasks:
            results.append(function(task))
            done(results[-1])
        return results
    context = multiprocessing.get_context("fork")
    results = [None] * len(tasks)  # type: ignore[list-item]
    with context.Pool(jobs, initializer=blobs.start_handing, maxtasksperchild=VILLAGES_PER_WORKER if recycle else None) as pool:
        for index, output, verified in pool.imap_unordered(functools.partial(_numbered, function), enumerate(tasks), chunksize=1):
            blobs.trust(verified)
            results[index] = output
            done(output)
    return results


def _numbered(function: Callable[[Task], Result], item: tuple[int, Task]) -> tuple[int, Result, tuple[blobs.Identity, ...]]:
    index, task = item
    result = function(task)
    return index, result, blobs.handed()


def run_dask(
    address: str, function: Callable[[VillageTask], VillageOutput], tasks: list[VillageTask], on_done: Done | None = None
) -> list[VillageOutput] | Problem:
    """Run tasks on a Dask cluster whose workers have sitegen installed and see the same folders."""
    if not address.startswith("dask://"):
        return error("--executor", 1, 1, "executor", f"不认识的执行器 {address}，应为 dask://主机:端口")
    try:
        from distributed import Client, as_completed
    except ImportError:
        return error("--executor", 1, 1, "executor", "未安装 Dask：请运行 pip install 'sitegen[dask]'")
    try:
        with Client("tcp://" + address.removeprefix("dask://"), timeout="10s") as client:
            # pure=False: a cluster that outlives a build must never hand back an earlier result
            futures = client.map(function, tasks, pure=False)
            if on_done is not None:
                for _, output in as_completed(futures, with_results=True):
                    on_done(output)
            return client.gather(futures)
    except OSError as exc:
        return error("--executor", 1, 1, "executor", f"连接 Dask 集群 {address} 失败（{exc}）")
