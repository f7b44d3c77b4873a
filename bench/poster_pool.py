"""Poster tasks over a pool of processes: only the benchmark uses it (a build renders each
village's posters inside that village's own worker).

forkserver: workers fork from a clean process that has only imported WeasyPrint, not from a
parent holding fonts and caches. WeasyPrint gives memory back only when a process ends, so the
pool is renewed after about MAX_TASKS_PER_WORKER tasks a worker. (Not max_tasks_per_child: on
Python 3.11 it deadlocks once a worker retires, CPython gh-115634.) A worker that dies fails the
run with BrokenProcessPool instead of hanging it.

CPU seconds: a forked worker's CPU clock starts at zero, so each task reports the worker's
clock when it ends (`timed`) and the last report of each worker is what that worker used;
the wall clock on this shared machine says little.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Callable, Iterable, Iterator

from sitegen.render import pdf

MAX_TASKS_PER_WORKER = 8  # WeasyPrint frees memory only at process exit


class Clock:
    """CPU seconds of this process since `start` plus those of every worker that reported."""

    def __init__(self) -> None:
        self.started = time.process_time()
        self.workers: dict[tuple[int, int], float] = {}  # (pool, pid) → that worker's CPU seconds

    def report(self, pool: int, pid: int, seconds: float) -> None:
        self.workers[(pool, pid)] = max(seconds, self.workers.get((pool, pid), 0.0))

    def seconds(self) -> float:
        return time.process_time() - self.started + sum(self.workers.values())


def timed(function: Callable, *args):
    """Run in a worker: the result, this worker's pid and its CPU seconds so far."""
    result = function(*args)
    return result, os.getpid(), time.process_time()


def pool_map(function: Callable, jobs: list[tuple], workers: int, clock: Clock | None = None, init=None, initargs=()) -> Iterator:
    """`function(*job)` for every job over `workers` forkserver processes, renewed every
    MAX_TASKS_PER_WORKER jobs a worker; results in completion order. One worker: in-process."""
    if workers == 1:
        if init:
            init(*initargs)
        yield from (function(*job) for job in jobs)
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["weasyprint", "sitegen.render.pdf"])
    per_pool = workers * MAX_TASKS_PER_WORKER
    for pool_number, start in enumerate(range(0, len(jobs), per_pool)):
        with ProcessPoolExecutor(workers, context, init, initargs) as pool:
            futures = [pool.submit(timed, function, *job) for job in jobs[start : start + per_pool]]
            for future in as_completed(futures):
                result, pid, seconds = future.result()
                if clock:
                    clock.report(pool_number, pid, seconds)
                yield result


def runner(workers: int | None, clock: Clock | None = None):
    """A `pdf.render_posters(run=…)` that uses `workers` processes (one worker: in-process)."""

    def run(tasks: list[pdf.Task], stylesheet: Path) -> Iterable[pdf.Outputs]:
        count = max(1, min(workers or os.cpu_count() or 1, len(tasks)))
        if count == 1:
            yield from pdf.run_here(tasks, stylesheet)
            return
        largest_first = sorted(tasks, key=lambda t: -sum(len(d.html) for d in t.docs))
        yield from pool_map(pdf.render_task, [(task,) for task in largest_first], count, clock, pdf.init_worker, (str(stylesheet),))

    return run
