"""The output folder: only one sitegen made, one build at a time, replaced whole in one step.

A build writes the new site into a hidden sibling staging folder (unchanged files hard-linked from
the old output, so their inodes and mtimes stay and deploys upload only what changed; blobs linked
from the cache once verified), then swaps it with the old output in one atomic directory exchange
(Linux `renameat2(RENAME_EXCHANGE)`) and keeps the old tree beside it as the next build's staging
tree (`staging.py`: updated, not made anew). Killed at any instant, the output is
the previous complete site or the new one. Where the exchange is missing, two renames are used and
a build killed between them leaves the old site as `.NAME.retired-PID`, which the next build puts
back first.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .blobs import NO_LINKS, Blob, Blobs
from .problems import Problem, error
from .staging import fill, folder_mtimes, prepare, retire
from .state import BuildState, Spare

MARKER = ".sitegen-output"
MARKER_TEXT = (
    "此文件夹由 sitegen 生成，每次生成都会整体替换，请不要在里面存放别的文件。\n"
    "This folder is made by sitegen and replaced whole by every build; keep nothing else in it.\n"
).encode("utf-8")
LOCK_TIMEOUT = 600  # seconds a second build waits for the first (SITEGEN_LOCK_TIMEOUT)
KILL_AT_STEP = "SITEGEN_TEST_KILL_AT_STEP"  # tests: the writer exits at write step N, as if killed
THREADS = 8  # removing an old site
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class OutputError(Exception):
    """The output folder cannot be written; carries the located problem for the clerk."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def check_folders(content: Path, output: Path) -> list[Problem]:
    """Refuse an output folder whose replacement would destroy content or an unrelated folder."""
    shown = output.as_posix()
    content_abs, output_abs = content.resolve(), output.resolve()
    if output_abs == content_abs or output_abs in content_abs.parents or content_abs in output_abs.parents:
        return [error(shown, 1, 1, "output", "输出文件夹不能是内容文件夹本身，也不能包含它或在它里面")]
    if output_abs == Path.cwd().resolve() or output_abs == Path.home().resolve() or output_abs == Path("/"):
        return [error(shown, 1, 1, "output", "输出文件夹不能是当前文件夹或主目录，请用单独的文件夹（如 output）")]
    blocker = next((p for p in (output, *output.parents) if p.exists() and not p.is_dir()), None)
    if blocker == output:
        return [error(shown, 1, 1, "output", "输出路径已存在且是文件，不是文件夹；请换一个文件夹名")]
    if blocker is not None:
        return [error(shown, 1, 1, "output", f"输出路径中的 {blocker.as_posix()} 是文件，不是文件夹；请换一个输出文件夹")]
    return []


def check_marker(output: Path) -> list[Problem]:
    """Only a folder sitegen made (it holds the marker) is replaced; a non-empty other one is refused."""
    try:
        if not output.is_dir() or (output / MARKER).is_file() or not any(output.iterdir()):
            return []
    except OSError as exc:
        return [problem(output, exc)]
    return [
        error(
            output.as_posix(),
            1,
            1,
            "output",
            f"输出文件夹已存在，但不是 sitegen 生成的（里面没有 {MARKER} 标记文件）；为免误删其中的文件，本次未作任何改动。"
            "请换一个新的或空的文件夹；如果它是旧版 sitegen 生成的网站，确认里面没有要保留的文件后删除它，再重新生成",
        )
    ]


@contextmanager
def locked(output: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the output's lock file (beside it, never in it) for the whole build; wait for another build."""
    lock = output.absolute().with_name(f".{output.name}.lock")
    timeout = float(os.environ.get("SITEGEN_LOCK_TIMEOUT", LOCK_TIMEOUT)) if timeout is None else timeout
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        handle = _acquire(lock, output, timeout)
    except OSError as exc:
        raise OutputError(problem(output, exc)) from None
    try:
        yield
    finally:
        try:
            lock.unlink()  # while still held: a build that opened it finds it gone and retries
        except OSError:
            pass
        os.close(handle)


def _acquire(lock: Path, output: Path, timeout: float) -> int:
    deadline, told = time.monotonic() + timeout, False
    while True:
        handle = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            if time.monotonic() > deadline:
                raise OutputError(
                    error(output.as_posix(), 1, 1, "output", f"另一个 sitegen 正在生成这个输出文件夹，已等待 {timeout:.0f} 秒仍未结束；本次未作改动，请等它完成后重新运行")
                ) from None
            if not told:
                print(f"另一个 sitegen 正在生成 {output.as_posix()}，等待它完成……", file=sys.stderr, flush=True)
                told = True
            time.sleep(0.1)
            continue
        try:
            if os.stat(lock).st_ino == os.fstat(handle).st_ino:
                return handle
        except FileNotFoundError:
            pass
        os.close(handle)  # the holder removed it as we took it: take the new one


def recover(output: Path) -> None:
    """Before anything else (under the lock): put back an old site a killed build had moved aside,
    and remove the staging and retired folders killed builds left behind."""
    output = output.absolute()
    leftovers = sorted(output.parent.glob(f".{output.name}.retired-*")) + sorted(output.parent.glob(f".{output.name}.staging-*"))
    for folder in leftovers:
        if folder.name.startswith(f".{output.name}.retired-") and not output.exists():
            folder.rename(output)
        else:
            remove_tree(folder)


def publish(
    output: Path, files: dict[str, bytes | Blob], blobs: Blobs, previous: BuildState | None = None, checked: dict | None = None
) -> tuple[dict[str, list], int, Spare | None, dict[str, int]]:
    """Write every file into a staging folder, then swap it in. Returns what was written
    (path → [size, mtime_ns, sha256]), how many files got new bytes, the record of the old
    site kept beside the output as the next build's staging tree (`staging.py`), and the mtime
    of every folder of the new output.

    A file whose bytes the previous build wrote, still untouched (`checked`: the stat of each
    old output file when the output is as `previous` recorded it, `BuildState.checked`), is
    hard-linked instead of rewritten, keeping its mtime. On any failure the staging folder is
    removed and the output is as it was.
    """
    output = output.absolute()
    staging = output.with_name(f".{output.name}.staging-{os.getpid()}")
    intact = previous is not None and checked is not None
    recorded = previous.outputs if intact else {}
    kill = _killer()
    old_tree: Path | None = None
    try:
        prepared = prepare(staging, output, files, previous, remove_tree)
        kill()
        written, changed = fill(staging, output, files, blobs, recorded, checked or {}, prepared, kill)
        _mark(output, staging)
        kill()
        old_tree = _swap(staging, output)
        folders = folder_mtimes(output, prepared, previous)
        kill()
    except BaseException:
        if old_tree is None:
            remove_tree(staging)
        raise
    spare = retire(old_tree, output, previous if intact else None, written, remove_tree)
    kill()
    return written, changed, spare, folders


def _mark(output: Path, staging: Path) -> None:
    """The marker, linked from the old output when it is the same (its mtime stays, deploys skip it)."""
    try:
        same = (output / MARKER).read_bytes() == MARKER_TEXT
    except OSError:
        same = False
    try:
        there = os.lstat(staging / MARKER)  # a spare holds one: keep it if it is the old output's
        if same and os.path.samestat(there, os.stat(output / MARKER)):
            return
        os.unlink(staging / MARKER)
    except FileNotFoundError:
        pass
    if same:
        try:
            os.link(output / MARKER, staging / MARKER)
            return
        except OSError as exc:
            if exc.errno not in NO_LINKS:
                raise
    (staging / MARKER).write_bytes(MARKER_TEXT)


def remove_tree(folder: Path) -> None:
    """Remove a whole site, one thread per top-level folder: on a disk mounted with `discard`
    each rmdir waits for the device, and a county has 30,000 folders (4–5× faster than one thread)."""
    if os.path.islink(folder):  # never what a link points to
        os.unlink(folder)
        return
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(_remove_entry, entries))
    shutil.rmtree(folder, ignore_errors=True)


def _remove_entry(entry: os.DirEntry) -> None:
    if entry.is_dir(follow_symlinks=False):
        shutil.rmtree(entry.path, ignore_errors=True)
    else:
        try:
            os.unlink(entry.path)
        except OSError:
            pass


def _swap(staging: Path, output: Path) -> Path | None:
    """Put `staging` in place of `output` in one step; returns where the old site is now (None
    when there was none)."""
    if not output.exists():
        staging.rename(output)
        return None
    if _exchange(staging, output):
        return staging
    retired = output.with_name(f".{output.name}.retired-{os.getpid()}")  # the window `recover` closes
    output.rename(retired)
    staging.rename(output)
    return retired


def _exchange(first: Path, second: Path) -> bool:
    """renameat2(RENAME_EXCHANGE): False where the system or file system does not have it."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except AttributeError:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), os.fspath(second))


def _killer():
    """The test hook: with SITEGEN_TEST_KILL_AT_STEP=N the process exits at write step N, unclean."""
    at = int(os.environ.get(KILL_AT_STEP) or 0)
    steps = [0]

    def step() -> None:
        steps[0] += 1
        if steps[0] == at:
            os._exit(86)

    return step


_REASONS = {
    errno.ENOSPC: ("磁盘空间已满", "请腾出磁盘空间后重新运行"),
    errno.EDQUOT: ("超出了磁盘配额", "请腾出空间或请管理员提高配额后重新运行"),
    errno.EROFS: ("所在的磁盘是只读的", "请换一个可以写入的输出文件夹"),
    errno.EACCES: ("没有写入权限", "请检查文件夹权限，或换一个输出文件夹"),
    errno.EPERM: ("没有写入权限", "请检查文件夹权限，或换一个输出文件夹"),
    errno.ENOTDIR: ("路径中有一段是文件而不是文件夹", "请换一个输出文件夹"),
    errno.EEXIST: ("路径中有一段是文件而不是文件夹", "请换一个输出文件夹"),
    errno.ENAMETOOLONG: ("路径太长", "请换一个较短的输出文件夹路径"),
    errno.EMLINK: ("文件夹里的文件太多", "请换一个输出文件夹"),
}


def problem(output: Path, exc: OSError) -> Problem:
    """A located `output` problem in Chinese for a write that failed (never the English strerror)."""
    reason, advice = _REASONS.get(exc.errno, (f"系统错误 {errno.errorcode.get(exc.errno, exc.errno)}", "请检查磁盘和文件夹后重新运行"))
    return error(output.as_posix(), 1, 1, "output", f"无法写入输出文件夹：{reason}。原有网站未改动；{advice}")
