"""A village's last result in the cache (`VillageOutput`, JSON through `records`), with its big
tables kept as columns.

A one-file edit of a county reads the records of its 299 other villages; their files (70,000
blobs), status cells (38,000) and sitemap entries (38,000) were most of those bytes, one JSON
object or list per entry, each decoded by a call of its own. Kept as columns (the paths, the
digests run together, the sizes, ...), the C decoder reads them and each column is checked in
one pass. The cache is untrusted input: every value is still checked against its type, the
columns must be of one length, every digest a sha256 and every path inside the output folder.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from . import atomic, records
from .blobs import Blob
from .status import Cell
from .village_build import PageMemo, VillageOutput

RECORD_VERSION = 7  # of the village records in the cache: a record of another shape is not read


@dataclass(frozen=True)
class Files:
    """A village's files (all blobs: a record is saved only then), as columns."""

    paths: tuple[str, ...]
    digests: str  # every sha256, run together
    sizes: tuple[int, ...]
    mtimes: tuple[int, ...]


@dataclass(frozen=True)
class Cells:
    """The status row's cells (`status.Cell`), as columns."""

    code: tuple[str, ...]
    period: tuple[str, ...]
    state: tuple[str, ...]
    due: tuple[dt.date, ...]
    posted: tuple[dt.date | None, ...]
    reason: tuple[str | None, ...]


@dataclass(frozen=True)
class Sitemap:
    """The village's sitemap entries (path, noindex, updated), as columns."""

    paths: tuple[str, ...]
    noindex: tuple[bool, ...]
    updated: tuple[dt.date | None, ...]


@dataclass(frozen=True)
class Recorded:
    """The record: the output without its memos, version lines and the tables below (empty in it)."""

    output: VillageOutput
    files: Files
    cells: Cells | None  # None: no status row
    sitemap: Sitemap


def record_file(cache: Path, content: Path, slug: str, posters: bool) -> Path:
    name = hashlib.sha256(f"{content.resolve()}\0{slug}\0{posters}".encode()).hexdigest()[:24]
    return cache / "villages" / f"{name}.json"


def record_key(key: str, recorded: bool, store: str) -> str:
    """A record's key: the village's key, preview or not, and its version store's sha256 (not the
    date: the record says which dates it holds for)."""
    return hashlib.sha256(f"{key}\0{'recorded' if recorded else 'preview'}\0{store}".encode()).hexdigest()


def memo_file(record: Path) -> Path:
    """Where the record's page and poster memos are kept: read only for a village built again,
    so a one-file edit does not decode the 24,000 page memos of a county's other villages."""
    return record.parent.parent / "memos" / record.name


def load_record(path: Path) -> tuple[str, VillageOutput] | None:
    """A village's last result without its memos, if the file is one this version wrote: plain
    JSON checked against the types (the cache is untrusted input), every output path inside the
    output folder."""
    try:
        with records.acyclic():
            version, key, recorded = records.read(path, tuple[int, str, Recorded])
            return (key, _output(recorded)) if version == RECORD_VERSION else None
    except (OSError, records.RecordError, ValueError):  # ValueError: a Blob whose name is not a sha256
        return None  # a damaged record costs a render, never a wrong page


def with_memos(path: Path, key: str, record: VillageOutput) -> VillageOutput:
    """The record with the page and poster memos saved with it (none when they are missing,
    damaged or from another build: every page is then rendered again)."""
    try:
        version, saved, pages, posters = records.read(memo_file(path), tuple[int, str, dict[str, PageMemo], dict[str, str]])
    except (OSError, records.RecordError, ValueError):
        return record
    return dataclasses.replace(record, pages=pages, posters=posters) if (version, saved) == (RECORD_VERSION, key) else record


def save_record(path: Path, key: str, output: VillageOutput) -> None:
    """The memos, then the record without them and without the version lines (the store holds
    those now: two thirds of a record's bytes)."""
    if not all(isinstance(blob, Blob) for blob in output.files.values()):
        return  # the cache could not take its files: nothing to point the record at
    try:
        atomic.write_bytes(memo_file(path), records.dumps((RECORD_VERSION, key, output.pages, output.posters)))
        atomic.write_bytes(path, records.dumps((RECORD_VERSION, key, _recorded(output))))
    except (OSError, TypeError):  # TypeError: a model field the codec cannot record yet (a test catches it)
        pass  # a read-only or full cache costs speed next time, never the build


def _recorded(output: VillageOutput) -> Recorded:
    blobs = output.files.values()
    files = Files(tuple(output.files), "".join(b.sha256 for b in blobs), tuple(b.size for b in blobs), tuple(b.mtime_ns for b in blobs))
    clock, cells = output.clock, None
    if clock is not None:
        cells = Cells(*(tuple(getattr(cell, name) for cell in clock.cells) for name in _CELL_FIELDS))
        clock = dataclasses.replace(clock, cells=())
    sitemap = Sitemap(*(tuple(column) for column in zip(*output.sitemap))) if output.sitemap else Sitemap((), (), ())
    bare = dataclasses.replace(output, files={}, pages={}, posters={}, versions=(), clock=clock, sitemap=())
    return Recorded(bare, files, cells, sitemap)


_CELL_FIELDS = tuple(f.name for f in dataclasses.fields(Cell))


def _output(recorded: Recorded) -> VillageOutput:
    """The `VillageOutput` a record stands for; `RecordError` if its columns do not fit together,
    a digest is not a sha256, a size is negative or a path leaves the output folder."""
    output, files, cells, sitemap = recorded.output, recorded.files, recorded.cells, recorded.sitemap
    if output.files or output.sitemap or output.pages or output.posters or output.versions or (output.clock is None) != (cells is None):
        raise records.RecordError("a table outside its columns")
    made = Blob.many(files.digests, files.sizes, files.mtimes)  # ValueError: columns of other lengths, a digest not a sha256
    if len(made) != len(files.paths) or not inside(files.paths) or len(set(files.paths)) != len(made):
        raise records.RecordError("a file outside the output folder, or twice")
    blobs = dict(zip(files.paths, made))
    if not len(sitemap.paths) == len(sitemap.noindex) == len(sitemap.updated):
        raise records.RecordError("sitemap columns of different lengths")
    clock = output.clock
    if cells is not None:
        columns = [getattr(cells, name) for name in _CELL_FIELDS]
        if len(set(map(len, columns))) > 1:
            raise records.RecordError("cell columns of different lengths")
        clock = dataclasses.replace(clock, cells=tuple(map(Cell, *columns)))
    return dataclasses.replace(output, files=blobs, clock=clock, sitemap=tuple(zip(sitemap.paths, sitemap.noindex, sitemap.updated)))


def inside(paths: tuple[str, ...]) -> bool:
    """Every path stays in the output folder (no root, no `..`, no empty or hidden part, no NUL
    in any part of any of them), tested on all of them joined, in C: with a NUL between them and
    each wrapped in slashes, an empty part is a `//` and a hidden one a `/.`."""
    if not paths:
        return True
    joined = "/\0/".join(paths)
    return joined.count("\0") == max(len(paths) - 1, 0) and "//" not in f"/{joined}/" and "/." not in f"/{joined}/"
