"""Where village tasks run: in this process, in forked worker processes, or on a Dask cluster.
The results come back in the order of the tasks, whichever ran first."""

from __future__ import annotations

import multiprocessing
import os
from typing import Callable

from .problems import Problem, error
from .village_build import VillageOutput, VillageTask

VILLAGES_PER_WORKER = 8  # with posters, a worker process is replaced after this many villages


def run_local(function: Callable[[VillageTask], VillageOutput], tasks: list[VillageTask], jobs: int | None, recycle: bool) -> list[VillageOutput]:
    """Run tasks in order, in forked worker processes when there are several.

    With posters, a worker is replaced after a few villages: WeasyPrint gives memory back only
    when its process ends.
    """
    jobs = min(jobs or os.cpu_count() or 1, len(tasks))
    if jobs <= 1:
        return [function(task) for task in tasks]
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs, maxtasksperchild=VILLAGES_PER_WORKER if recycle else None) as pool:
        return pool.map(function, tasks, chunksize=1)


def run_dask(address: str, function: Callable[[VillageTask], VillageOutput], tasks: list[VillageTask]) -> list[VillageOutput] | Problem:
    """Run tasks on a Dask cluster whose workers have sitegen installed and see the same folders."""
    if not address.startswith("dask://"):
        return error("--executor", 1, 1, "executor", f"不认识的执行器 {address}，应为 dask://主机:端口")
    try:
        from distributed import Client
    except ImportError:
        return error("--executor", 1, 1, "executor", "未安装 Dask：请运行 pip install 'sitegen[dask]'")
    try:
        with Client("tcp://" + address.removeprefix("dask://"), timeout="10s") as client:
            # pure=False: a cluster that outlives a build must never hand back an earlier result
            return client.gather(client.map(function, tasks, pure=False))
    except OSError as exc:
        return error("--executor", 1, 1, "executor", f"连接 Dask 集群 {address} 失败（{exc}）")
