"""The staging tree a build writes the new site into: the spare brought up to date, else a fresh tree.

A county's site has 30,000 folders and 47,000 files. Making and removing all of them on every
build cost seconds of system time (each mkdir and rmdir waits on a disk mounted with `discard`),
while between two builds most files keep their bytes. An unchanged file is one inode shared by
the output, the site before it and usually the blob cache, so the site before the current one,
kept beside the output as the spare (`.NAME.spare`), already holds most of the next site.

The spare is trusted no further than its record (`state.Spare`): its top folder must be the
recorded inode and every folder a real folder with its recorded mtime (an entry added, removed
or renamed changes its folder's mtime), else it is removed and a fresh tree made. A file in it
is kept only when it is the very inode the new site needs there (the unchanged old output file,
checked by size and mtime, or the verified blob); anything else is replaced. So no byte is
taken from the spare on its own word.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .blobs import NO_LINKS, Blob, Blobs
from .state import BuildState, Spare

THREADS = 8  # making a fresh tree's folders


def spare_path(output: Path) -> Path:
    return output.with_name(f".{output.name}.spare")


def folders_of(files) -> list[str]:
    """Every folder the files need, parents first (each file's ancestors climbed only as far as
    one already found: a county's 70,000 files share 49,000 folders)."""
    needed: set[str] = set()
    for relative in files:
        folder = relative.rpartition("/")[0]
        while folder and folder not in needed:
            needed.add(folder)
            folder = folder.rpartition("/")[0]
    return sorted(needed, key=lambda folder: (folder.count("/"), folder))


@dataclass(frozen=True)
class Prepared:
    """The staging tree made: whether it is the spare, every folder the new site has (parents
    first), and, in the spare, the folders whose entries were changed (as "a/b/", "" the top)."""

    reused: bool
    folders: list[str]
    touched: set[str]


def prepare(staging: Path, output: Path, files, previous: BuildState | None, remove_tree: Callable[[Path], None]) -> Prepared:
    """Make `staging` hold every folder `files` need: the spare, checked and pruned to the new
    site's folders and files, or a fresh tree."""
    spare = spare_path(output)
    record = previous.spare if previous else None
    needed = folders_of(files)
    if os.path.lexists(spare):
        if record is not None and _matches(spare, record):
            spare.rename(staging)
            try:
                touched = _prune(staging, record.files(previous.outputs) - set(files), set(record.folders), needed)
                return Prepared(True, needed, touched)
            except OSError:  # not as recorded after all: start afresh
                remove_tree(staging)
        else:
            remove_tree(spare)
    staging.mkdir()
    _fresh_folders(staging, needed)
    return Prepared(False, needed, set())


def _matches(spare: Path, record: Spare) -> bool:
    """The spare is the recorded tree: the same top folder, every folder real and unchanged."""
    base = os.fspath(spare)
    try:
        top = os.lstat(base)
        if not stat.S_ISDIR(top.st_mode) or (top.st_dev, top.st_ino) != (record.device, record.inode):
            return False
        for folder, mtime in record.folders.items():
            info = os.lstat(f"{base}/{folder}".rstrip("/"))  # lstat: a folder swapped for a link fails
            if not stat.S_ISDIR(info.st_mode) or info.st_mtime_ns != mtime:
                return False
    except OSError:
        return False
    return bool(record.folders)


def _prune(staging: Path, extra: set[str], had: set[str], needed: list[str]) -> set[str]:
    """Remove the spare's files the new site does not have and its folders it does not need, and
    make the folders it lacks; returns the folders changed. A folder that is not empty when it
    should be raises OSError."""
    base = os.fspath(staging)
    touched: set[str] = set()
    for relative in sorted(extra):
        try:
            os.unlink(f"{base}/{relative}")
        except FileNotFoundError:
            pass
        touched.add(_parent(relative))
    had = {folder.removesuffix("/") for folder in had} - {""}
    for folder in sorted(had - set(needed), key=lambda f: (-f.count("/"), f)):  # deepest first
        os.rmdir(f"{base}/{folder}")
        touched.add(_parent(folder))
    for folder in needed:
        if folder not in had:
            os.mkdir(f"{base}/{folder}")
            touched.update((_parent(folder), folder + "/"))
    return touched


def _parent(relative: str) -> str:
    """The folder holding `relative`, as the build state names folders ("a/b/", "" the top)."""
    parent = relative.rpartition("/")[0]
    return parent + "/" if parent else ""


def _fresh_folders(staging: Path, needed: list[str]) -> None:
    """Every folder the files need, a thread per top-level folder: each mkdir waits on a disk
    mounted with `discard`, and a county has 30,000 folders (4× faster than one thread)."""
    groups: dict[str, list[str]] = {}
    for folder in needed:
        groups.setdefault(folder.split("/")[0], []).append(folder)
    base = os.fspath(staging)

    def make(folders: list[str]) -> None:
        for folder in folders:  # parents first
            os.mkdir(f"{base}/{folder}")

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(make, groups.values()))


def fill(
    staging: Path, output: Path, files: dict[str, bytes | Blob], blobs: Blobs, recorded: dict, checked: dict, prepared: Prepared, step: Callable[[], None]
) -> tuple[dict[str, list], int]:
    """Put every file into `staging`: an unchanged old output file (as `recorded`, found so by
    `checked`: its stat from `BuildState.checked`) or a verified blob by hard link (kept as it is
    when the spare already holds that inode there), new bytes written. Returns path → [size,
    mtime_ns, sha256] and how many files did not come from the old output; adds the folders
    whose entries it changed to `prepared.touched`."""
    base, old = os.fspath(staging), os.fspath(output)
    written: dict[str, list] = {}
    changed = 0
    touched = prepared.touched
    for relative in sorted(files):
        target = f"{base}/{relative}"
        data = files[relative]
        digest = data.sha256 if isinstance(data, Blob) else hashlib.sha256(data).hexdigest()
        there = _lstat(target) if prepared.reused else None
        row = recorded.get(relative)
        source = checked.get(relative) if row is not None and row[2] == digest else None
        if source is not None and not _same(there, source):
            _clear(target, there)
            there = None
            touched.add(_parent(relative))
            if not _link(f"{old}/{relative}", target):  # gone since the check: written instead
                source = None
        if source is None:
            changed += 1
            if isinstance(data, Blob):  # one check of the blob: by `link`, unless the spare may already hold it
                source = blobs.verified(data) if there is not None else None
                if source is None or not _same(there, source):
                    _clear(target, there)
                    touched.add(_parent(relative))
                    source = blobs.link(data, target)
            else:
                _clear(target, there)
                touched.add(_parent(relative))
                with open(target, "xb") as handle:
                    handle.write(data)
        info = source if source is not None else os.stat(target)
        written[relative] = [info.st_size, info.st_mtime_ns, digest]
        step()
    return written, changed


def folder_mtimes(output: Path, prepared: Prepared, previous: BuildState | None) -> dict[str, int]:
    """The mtime of every folder of the new output (the filled staging tree, swapped in): a
    spare's folder that nothing changed keeps the mtime it was checked to have (`_matches`), the
    others are read (49,000 stats for a county otherwise). A wrong figure could only make the
    next build find the output changed and link it afresh, never keep a changed one."""
    known = previous.spare.folders if prepared.reused and previous and previous.spare else {}
    base = os.fspath(output)
    found = {}
    for folder in ("", *(f"{folder}/" for folder in prepared.folders)):
        mtime = known.get(folder) if folder and folder not in prepared.touched else None
        found[folder] = mtime if mtime is not None else os.stat(f"{base}/{folder}").st_mtime_ns
    return found


def _lstat(path: str) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def _same(there: os.stat_result | None, source: os.stat_result) -> bool:
    return there is not None and stat.S_ISREG(there.st_mode) and (there.st_dev, there.st_ino) == (source.st_dev, source.st_ino)


def _clear(target: str, there: os.stat_result | None) -> None:
    """Make way for a file (the spare's folders were checked, so a folder here is not expected)."""
    if there is not None:
        if stat.S_ISDIR(there.st_mode):
            shutil.rmtree(target)
        else:
            os.unlink(target)


def _link(old: str, new: str) -> bool:
    """A hard link, keeping inode and mtime; a copy (which keeps the mtime too) where links fail.
    False when `old` is gone."""
    try:
        os.link(old, new)
    except FileNotFoundError:
        return False
    except OSError as exc:
        if exc.errno not in NO_LINKS:
            raise
        shutil.copy2(old, new)
    return True


def retire(old_tree: Path | None, output: Path, previous: BuildState | None, written: dict, remove_tree: Callable[[Path], None]) -> Spare | None:
    """After the swap: keep the old site (at `old_tree`) as the spare when it is exactly as
    `previous` recorded it (else, or on any failure, remove it). Returns the spare's record."""
    if old_tree is None:
        return None
    if previous is None or not previous.folders:
        remove_tree(old_tree)
        return None
    spare = spare_path(output)
    try:
        old_tree.rename(spare)
        top = os.lstat(spare)
    except OSError:
        remove_tree(old_tree)
        return None
    removed = tuple(sorted(set(previous.outputs) - set(written)))
    added = tuple(sorted(set(written) - set(previous.outputs)))
    return Spare(top.st_dev, top.st_ino, dict(previous.folders), removed, added)
