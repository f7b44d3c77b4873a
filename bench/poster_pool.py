"""Poster tasks over a pool of processes: only the benchmark uses it (a build renders each
village's posters inside that village's own worker).

forkserver: workers fork from a clean process that has only imported WeasyPrint, not from a
parent holding fonts and caches. WeasyPrint gives memory back only when a process ends, so the
pool is renewed after about MAX_TASKS_PER_WORKER tasks a worker. (Not max_tasks_per_child: on
Python 3.11 it deadlocks once a worker retires, CPython gh-115634.) A worker that dies fails the
run with BrokenProcessPool instead of hanging it.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from sitegen.render import pdf

MAX_TASKS_PER_WORKER = 8  # WeasyPrint frees memory only at process exit


def runner(workers: int | None):
    """A `pdf.render_posters(run=…)` that uses `workers` processes (one task runs in-process)."""

    def run(tasks: list[pdf.Task], stylesheet: Path):
        count = max(1, min(workers or os.cpu_count() or 1, len(tasks)))
        if count == 1:
            yield from pdf.run_here(tasks, stylesheet)
            return
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["weasyprint", "sitegen.render.pdf"])
        largest_first = sorted(tasks, key=lambda t: -sum(len(d.html) for d in t.docs))
        per_pool = count * MAX_TASKS_PER_WORKER
        for start in range(0, len(largest_first), per_pool):
            with ProcessPoolExecutor(count, context, pdf.init_worker, (str(stylesheet),)) as pool:
                futures = [pool.submit(pdf.render_task, task) for task in largest_first[start : start + per_pool]]
                for future in as_completed(futures):
                    yield future.result()

    return run
