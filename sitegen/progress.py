"""Progress of a long build on stderr: a live line on a terminal, a plain line now and then in a log.

A county's first build with posters runs for most of an hour. On a terminal one line is rewritten
in place (villages done of total, pages and PDFs, elapsed and time left), at most every 0.2 s,
and erased at the end so problems and the summary print as before. Where stderr is not a terminal
(CI logs, `serve`'s pipe) a plain line is printed every `interval` seconds, or every tenth of the
villages but never twice within `gap` seconds: never a flood, and nothing for a build that is over
in a few seconds. Nothing of it goes to stdout (`--format json`) or into any output file.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Callable, TextIO

LIVE_EVERY = 0.2  # seconds between rewrites of the terminal line
INTERVAL = 10.0  # seconds between plain lines in a log
GAP = 2.0  # a plain line at a tenth of the villages waits at least this long after the last one
_ERASE = "\r\x1b[K"


def duration(seconds: float) -> str:
    """1时05分, 4分30秒, 12秒: as a clerk reads a clock."""
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}时{minutes:02d}分"
    return f"{minutes}分{secs:02d}秒" if minutes else f"{secs}秒"


@dataclass
class Progress:
    """Counts villages as their tasks finish and says so on `stream` (stderr)."""

    stream: TextIO = field(default_factory=lambda: sys.stderr)
    clock: Callable[[], float] = time.monotonic
    interval: float = INTERVAL
    doing: str = "生成中"  # what the line says is under way (`sitegen status`: 读取中, no files counted)
    files: bool = True  # count the pages and PDFs of each village's output
    total: int = 0  # villages to build (those unchanged are not counted)
    done: int = 0
    pages: int = 0
    pdfs: int = 0
    _started: float = 0.0
    _last: float = 0.0
    _last_done: int = 0
    _shown: bool = False  # a live line is on the terminal

    def __post_init__(self) -> None:
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())

    def start(self, total: int) -> None:
        self.total, self.done, self.pages, self.pdfs = total, 0, 0, 0
        self._started = self._last = self.clock()
        self._last_done = 0

    def village_done(self, output) -> None:
        """One village's task finished (a `VillageOutput`: its `files` are counted)."""
        self.done += 1
        for path in output.files if self.files else ():
            if path.endswith(".html"):
                self.pages += 1
            elif path.endswith(".pdf"):
                self.pdfs += 1
        now = self.clock()
        if self.live:
            if now - self._last >= LIVE_EVERY or self.done == self.total:
                self._write(_ERASE + self.line(now))
                self._shown = True
                self._last = now
        elif self._due(now):
            self._write(self.line(now) + "\n")
            self._last, self._last_done = now, self.done

    def _due(self, now: float) -> bool:
        if now - self._last >= self.interval:
            return True
        step = max(1, self.total // 10)
        return self.done - self._last_done >= step and now - self._last >= GAP and self.done < self.total

    def line(self, now: float) -> str:
        elapsed = now - self._started
        counted = f"，页面 {self.pages:,}，PDF {self.pdfs:,}" if self.files else ""
        text = f"{self.doing}：村 {self.done}/{self.total}{counted}，已用 {duration(elapsed)}"
        if 0 < self.done < self.total:
            text += f"，约剩 {duration(elapsed / self.done * (self.total - self.done))}"
        return text

    def finish(self) -> None:
        """Erase the live line, so what the build prints next starts on a clean line."""
        if self._shown:
            self._write(_ERASE)
            self._shown = False

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a closed or broken stderr never stops a build
            pass
