"""Writing one file so that nobody ever sees half of it."""

from __future__ import annotations

import os
from pathlib import Path


def write_bytes(path: Path, data: bytes) -> os.stat_result:
    """Write `data` to `path` through a hidden temporary name in the same folder and a rename:
    a reader, or a second build writing the same file, finds the old file or the new one, and a
    build stopped half-way leaves no truncated file (hidden names are skipped everywhere).
    Returns the stat of the file written, taken before the rename (which changes its ctime)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            written = os.fstat(handle.fileno())
        temporary.replace(path)
        return written
    except BaseException:  # a full disk: no half-written temporary file stays behind
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass
        raise
