"""Corrections (contract §12) in a share of villages, with the version store that makes them legal.

A correction changes a published item, so the item's earlier version must be in the village's
`published-versions/<slug>.jsonl`, as the build that first published it would have left it. The
store line is made by sitegen itself (loader, versions, history) from the original file, loaded
alone from a scratch content folder: the same code the build runs, so the line is what a build
would have written, chain and all.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .common import Calendar, write

SHARE = 0.1  # villages with one correction
ROOT = Path(__file__).resolve().parents[2]
NEW_RULE = "不参与赌博，不搞封建迷信活动。"


@dataclass(frozen=True)
class Corrected:
    """One corrected item: its path in the village folder and the text before the correction."""

    slug: str
    path: str
    original: str


def _dated(text: str, date: dt.date, reason: str) -> str:
    return text.replace("\nsummary: ", f"\ncorrections:\n  - {{date: {date}, reason: {reason}}}\nsummary: ", 1)


def finance(rng: random.Random, text: str, posted: dt.date, calendar: Calendar) -> str | None:
    """The statement with its summary completed, or None when the month is too late to correct."""
    date = posted + dt.timedelta(days=rng.randint(3, 20))
    if date > calendar.quiet:
        return None
    summary = text.split("\nsummary: ", 1)[1].split("\n", 1)[0]
    corrected = text.replace(f"\nsummary: {summary}\n", f"\nsummary: {summary}专项补助资金由镇财政所直接拨付到村集体账户。\n", 1)
    return _dated(corrected, date, "补充说明本月专项补助资金的来源。")


def village_rules(rng: random.Random, text: str, calendar: Calendar) -> str:
    """The village rules with one rule added by a later 村民会议."""
    year = calendar.years[min(1, len(calendar.years) - 1)]
    date = dt.date(year, rng.randint(3, 10), rng.randint(1, 28))
    count = len(re.findall(r"^\d+\. ", text, re.MULTILINE))
    body_end = text.index("\n\n本村规民约由")
    corrected = text[:body_end] + f"\n{count + 1}. {NEW_RULE}" + text[body_end:]
    corrected = corrected.replace(f"共{count}条", f"共{count + 1}条", 1)
    return _dated(corrected, date, f"经{year}年{date.month}月村民会议讨论通过，增加第{count + 1}条。")


def record(root: Path, corrected: list[Corrected]) -> None:
    """Write each corrected item's original version into its village's store in `root`."""
    if not corrected:
        return
    sys.path.insert(0, str(ROOT))
    from sitegen import history, loader, versions  # noqa: PLC0415 (only gen.py needs sitegen, and only here)

    scratch = Path(tempfile.mkdtemp(prefix="gen-corrections-"))
    try:
        shutil.copy(root / "site.yaml", scratch / "site.yaml")
        for each in corrected:
            write(scratch / each.slug / each.path, each.original)
            shutil.copy(root / each.slug / "village.yaml", scratch / each.slug / "village.yaml")
            village, problems = loader.load_village(scratch, each.slug)
            if village is None or problems:
                raise SystemExit(f"gen.py: the original of {each.slug}/{each.path} does not load: {problems}")
            item = next(item for item in village.items if history.relative(item, village) == each.path)
            entry = versions.Entry(each.path, versions.version_id(item), history.went_up(item).isoformat(), None, item)
            line, _ = versions.line_of(entry, versions.last_chain(b"", each.slug))
            write(versions.store_path(root, each.slug), line + "\n")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
