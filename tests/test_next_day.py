"""The next day's build (issue 15): a village record holds for a range of as-of dates, and a
site built day after day with the cache kept equals a clean build of each day, byte for byte."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

from conftest import ROOT, write_tree
from sample import AFFAIRS, FINANCE, VILLAGE, files
from test_site import tree_digest

import sitegen.build
import sitegen.village_build
from sitegen import history, questions, status
from sitegen.loader import load_site
from sitegen.village_build import dated

THEME = ROOT / "themes" / "default"
FIRST, LAST = dt.date(2026, 12, 10), dt.date(2027, 1, 22)
# dongtan: a correction dated 12-11 (an error before), November's statement posted late on 12-20,
# a question asked 12-08 and never answered (reply-overdue from 12-19, the days counted each day),
# its village rules on the board until 01-05; xitan: nothing but the clock. The span crosses the
# due dates 12-15, 01-15 and 01-20, and the start of a month, a quarter and a year (01-01).
CORRECTION = "corrections:\n  - date: 2026-12-11\n    reason: 摘要补充了收入来源。\nopening_balance:"
NOVEMBER = (
    FINANCE.replace("period: 2026-10", "period: 2026-11").replace("posted: 2026-11-05", "posted: 2026-12-20")
    .replace("date: 2026-11-03", "date: 2026-12-18").replace("2026-10-", "2026-11-")
    .replace("opening_balance: 100.10", "opening_balance: 100.30").replace("closing_balance: 100.30", "closing_balance: 100.50")
)
QUESTION = "questions:\n  - asked: 2026-12-08\n    channel: 扫码\n    question: 低保名单多久复核一次？\n"
RULES = """---
title: 东滩村村规民约
item: village-rules
posted: 2026-11-02
posted_until: 2027-01-05
summary: 经村民会议表决通过，共十四条。
review: {reviewers: [刘秀英], date: 2026-10-30}
---
村民应遵纪守法。
"""


def corpus() -> dict[str, str]:
    tree = files(finance=FINANCE.replace("opening_balance:", CORRECTION, 1), affairs=AFFAIRS.replace("tables:\n", QUESTION + "tables:\n", 1))
    tree["dongtan/finance/2026-11.yaml"] = NOVEMBER
    tree["dongtan/standing/village-rules.md"] = RULES
    tree["xitan/village.yaml"] = VILLAGE.replace("东滩村", "西滩村")
    return tree


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def test_day_after_day_with_the_cache_kept_equals_a_clean_build_of_each_day(tmp_path, monkeypatch):
    content = write_tree(tmp_path / "content", corpus())
    theme = tmp_path / "theme"
    shutil.copytree(THEME, theme, ignore=shutil.ignore_patterns("*.ttf"))
    built: list[tuple[dt.date, str]] = []
    real = sitegen.village_build.build_village

    def spy(task):
        built.append((dt.date.fromisoformat(task.as_of), task.slug))
        return real(task)

    out, cache = tmp_path / "out", tmp_path / "cache"
    for day in days(FIRST, LAST):
        clean = tmp_path / "clean"
        shutil.rmtree(clean, ignore_errors=True)
        shutil.copytree(content, clean / "content")  # as the days before left it: ledger and version store
        monkeypatch.setattr(sitegen.village_build, "build_village", spy)  # the build imports it when it renders
        kept = sitegen.build.build(content, out, theme, posters=False, cache_dir=cache, jobs=1, as_of=day)
        monkeypatch.undo()
        fresh = sitegen.build.build(clean / "content", clean / "out", theme, posters=False, cache_dir=clean / "cache", jobs=1, as_of=day)
        shown = lambda result, root: [str(p).replace(str(root), "") for p in result.problems]
        assert shown(kept, content) == shown(fresh, clean / "content"), day
        assert kept.ok == (day >= dt.date(2026, 12, 11)), (day, kept.problems)
        if kept.ok:
            assert tree_digest(out) == tree_digest(clean / "out"), day
        assert tree_digest(content) == tree_digest(clean / "content"), day
    again = {day for day, slug in built if slug == "xitan"}
    # xitan is built again only when its clock moves: a due date passed, or a month began
    assert again == {FIRST, dt.date(2026, 12, 16), dt.date(2027, 1, 1), dt.date(2027, 1, 16), dt.date(2027, 1, 21)}
    dongtan = {day for day, slug in built if slug == "dongtan"}
    assert dt.date(2026, 12, 13) not in dongtan and dt.date(2026, 12, 19) in dongtan


def test_what_each_reader_of_the_date_promises_holds_on_every_day_it_covers(tmp_path):
    """Day by day from each as-of date, what a village shows and is warned of that depends on
    the date is the same up to the end its readers give (`steady_until`), without the build's
    last-day check to catch a wrong end."""
    content = write_tree(tmp_path / "content", corpus())
    site, _ = load_site(content, FIRST)
    span = days(dt.date(2026, 11, 25), dt.date(2027, 4, 10))
    for village in site.villages:
        at = {day: dataclasses.replace(site, villages=(village,), as_of=day) for day in span}
        shown = {day: dated(at[day], village) for day in span}
        for day in span:
            clock = status.village_status(at[day], village)
            until = min(status.steady_until(at[day], village, clock), questions.steady_until(at[day]), history.steady_until(at[day], village))
            assert until >= day
            changed = [later for later in span if day < later <= until and shown[later] != shown[day]]
            assert not changed, (village.slug, day, until, changed[:1])


def test_every_reader_of_the_build_date_is_one_the_record_range_knows():
    """A new module or template reading the build's date must bound what it shows in a village
    record's range (`village_build.steady`, docs/developers.md *Dates*), or be site-wide."""
    package = ROOT / "sitegen"
    readers = {p.relative_to(package).as_posix() for p in package.rglob("*.py") if ".as_of" in p.read_text("utf-8")}
    bounded = {"status.py", "questions.py", "history.py", "rules/timeliness.py", "render/html.py", "village_build.py"}
    site_wide = {"render/inspection.py", "status_report.py", "cli.py"}
    assert readers == bounded | site_wide
    templates = {p.name for p in THEME.rglob("*.html") if "as_of" in p.read_text("utf-8")}
    assert templates <= {"status.html"}
