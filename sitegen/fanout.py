"""Many small file operations at once, on a few threads.

A no-op rebuild of a county is 166,000 stats (every input, every output file and folder) and
little else; a fresh clone hashes its 47,000 inputs again. `os.stat`, reading and hashing
release the GIL, so a handful of threads overlap them, as git's preloaded index does for
`git status`. Each thread runs a chunk through `map`: no Python code per file but the
function's own.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Sequence, TypeVar

THREADS = min(4, os.cpu_count() or 1)  # more threads than cores only fight over the GIL
_CHUNK = 2048  # small enough that the threads finish together, big enough that handing out costs nothing

T = TypeVar("T")
R = TypeVar("R")


def each(function: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """`function` of each item, in order; the first exception raised is raised here."""
    if len(items) <= _CHUNK or THREADS < 2:
        return list(map(function, items))
    chunks = [items[at : at + _CHUNK] for at in range(0, len(items), _CHUNK)]
    found: list[R] = []
    with ThreadPoolExecutor(THREADS) as pool:
        for results in pool.map(lambda chunk: list(map(function, chunk)), chunks):
            found += results
    return found


def stat_all(paths: Sequence[str]) -> list[os.stat_result]:
    """`os.stat` of each path, in order; the first OSError (a file gone, a folder unreadable) is raised."""
    return each(os.stat, paths)
