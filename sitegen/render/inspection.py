"""The township's inspection page (乡镇检查页, contract §13): `status/index.html`, and the same
records as open data (`status.json`, `status.csv` with a Data Package).

Made from each village's `VillageStatus` (kept in the village's build record), so the page of a
county is made without loading its villages again. Only these files and the village homes depend
on the build's date.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from .. import periods, urls
from ..model import Site
from ..tabular import csv_bytes, csv_inert, csv_resource, json_bytes
from ..status import STANDING, STATES, Cell, Requirement, VillageStatus, day_label, period_label
from .html import Page

PATH = urls.STATUS
JSON, CSV, PACKAGE = PATH + "status.json", PATH + "status.csv", PATH + "datapackage.json"
CSV_COLUMNS = ("village", "village_name", "item", "item_name", "period", "state", "due", "posted", "reason")


def window(as_of) -> tuple[str, ...]:
    """The matrix's months: the last four quarters, ending with the as-of date's quarter, so each
    quarter's cell spans its own three months (months not begun yet are shown empty)."""
    last = periods.months(periods.quarter_of(periods.month_key(as_of.year, as_of.month)))[-1]
    year, month = periods.add_months(int(last[:4]), int(last[5:7]), -11)
    return tuple(periods.month_key(*periods.add_months(year, month, n)) for n in range(12))


@dataclass(frozen=True)
class Slot:
    """One cell of the matrix: a period of a requirement over `span` of the window's months."""

    span: int
    period: str
    label: str
    cell: Cell | None  # None: before the village's `since`, or not begun yet


@dataclass(frozen=True)
class Row:
    requirement: Requirement
    slots: tuple[Slot, ...]


def rows(result: VillageStatus, months: tuple[str, ...], groups: dict[str, tuple] | None = None) -> tuple[Row, ...]:
    """Each requirement's slots across the window, in the window's month columns (`groups`: the
    window's periods per cadence, `window_groups`, when the caller made them once for all villages)."""
    groups = groups if groups is not None else window_groups(months)
    cells: dict[tuple[str, str], Cell] = {}
    for cell in result.cells:  # the first of each, as `VillageStatus.cell` finds it
        cells.setdefault((cell.code, cell.period), cell)
    find = cells.get
    return tuple(
        Row(requirement, tuple(Slot(span, key, label, find((requirement.code, key))) for key, span, label in groups[requirement.cadence]))
        for requirement in result.requirements
    )


def window_groups(months: tuple[str, ...]) -> dict[str, tuple[tuple[str, int, str], ...]]:
    """Per cadence, the periods the window's months fall in: (period, months spanned, label)."""
    found = {}
    for cadence, period_of in ((periods.MONTHLY, str), (periods.QUARTERLY, periods.quarter_of), (periods.YEARLY, lambda m: m[:4]), (STANDING, lambda m: STANDING)):
        spans: dict[str, int] = {}
        for month in months:
            key = period_of(month)
            spans[key] = spans.get(key, 0) + 1
        found[cadence] = tuple((key, span, period_label(key)) for key, span in spans.items())
    return found


@dataclass(frozen=True)
class VillageView:
    status: VillageStatus
    rows: tuple[Row, ...]
    photos: tuple[tuple[str, bool], ...]  # (month, has a board photo), the window's begun months since `since`

    @property
    def photo_of(self) -> dict[str, bool]:
        """`photos` by month (the matrix asks for each of its months)."""
        return dict(self.photos)

    @property
    def photographed(self) -> int:
        """How many of `photos` have a board photo."""
        return sum(has for _, has in self.photos)


def plan_status(site: Site, statuses: list[VillageStatus], contacts: tuple) -> Page:
    months = window(site.as_of)
    begun = tuple(m for m in months if periods.start(m) <= site.as_of)
    groups = window_groups(months)
    views = [VillageView(s, rows(s, months, groups), tuple((m, m in s.photo_months) for m in begun if m >= s.since)) for s in statuses]
    return Page(
        PATH,
        "status.html",
        {
            "views": views,
            "months": months,
            "as_of": site.as_of,
            "states": STATES,
            "day_label": lambda day: day_label(day, site.as_of),
            "month_label": lambda month: f"{int(month[5:7])}月",
            "json_href": "status.json",
            "csv_href": "status.csv",
            "package_href": "datapackage.json",
        },
        updated=None,  # the page says its as-of date itself; the sitemap stays the same from day to day
        contacts=contacts,
    )


def _values(statuses: list[VillageStatus]) -> list[tuple[str, ...]]:
    """One record per (village, item, period), every period since the village's `since`: its
    values in `CSV_COLUMNS` order (a county has 38,000: one tuple each, dates said once per day)."""
    found: list[tuple[str, ...]] = []
    iso = {None: ""}
    for s in statuses:
        names: dict[str, str] = {}
        for requirement in s.requirements:  # the first of each code, as a search in order finds it
            names.setdefault(requirement.code, requirement.name)
        for cell in s.cells:
            due, posted = cell.due, cell.posted
            if due not in iso:
                iso[due] = due.isoformat()
            if posted not in iso:
                iso[posted] = posted.isoformat()
            found.append((s.slug, s.name, cell.code, names[cell.code], cell.period, cell.state, iso[due], iso[posted], cell.reason or ""))
    return found


_RISKY = tuple("\0" + first for first in ("=", "+", "-", "@", "\t", "\r"))  # what `csv_inert` guards, after a separator


def _csv_rows(values: list[tuple[str, ...]]) -> list:
    """`csv_inert` of every value: the rows as they are when no value starts with what it
    guards (one search of them all joined, in C; a value holding a NUL can only make it look
    again), else each value through it."""
    if not any(map(("\0" + "\0".join(itertools.chain.from_iterable(values))).__contains__, _RISKY)):
        return values
    return [list(map(csv_inert, row)) for row in values]


def summary(s: VillageStatus) -> dict:
    """The per-village counts the page shows, by the same names in status.json."""
    return {
        "village": s.slug,
        "village_name": s.name,
        "since": s.since,
        "on_time_share": s.on_time_share,
        **{state: s.count(state) for state in STATES},  # counted once per row (`VillageStatus._counts`)
        "corrections": s.corrections,
        "unanswered_questions": s.unanswered,
        "photo_months": list(s.photo_months),
    }


def files(site: Site, statuses: list[VillageStatus]) -> dict[str, bytes]:
    """status.json, status.csv (UTF-8 with BOM, CRLF, for Excel) and their Data Package."""
    values = _values(statuses)
    found = [dict(zip(CSV_COLUMNS, row)) for row in values]
    document = {"site": site.config.title, "as_of": site.as_of.isoformat(), "villages": [summary(s) for s in statuses], "records": found}
    table = csv_bytes([CSV_COLUMNS, *_csv_rows(values)])
    return {JSON: json_bytes(document), CSV: table, PACKAGE: json_bytes(_package(site, table))}


_FIELDS = (
    ("village", "string", "村文件夹名（网址中的一段）"),
    ("village_name", "string", "村名"),
    ("item", "string", "事项代码：finance 为每月财务收支公开，其余为公开目录中的代码"),
    ("item_name", "string", "事项名称"),
    ("period", "string", "期间：YYYY-MM（月）、YYYY-Qn（季度）、YYYY（年度）或 standing（长期公开）"),
    ("state", "string", "状态：on-time 按时公开，late 延迟公开，overdue 已逾期，not-due 未到期，not-applicable 不适用"),
    ("due", "date", "应公开的最后一天（当天公开仍算按时）"),
    ("posted", "date", "公开日期（长期公开为现行版本的公开日期）；未公开为空"),
    ("reason", "string", "不适用的原因"),
)


def _package(site: Site, table: bytes) -> dict:
    fields = []
    for name, kind, description in _FIELDS:
        field = {"name": name, "type": kind, "description": description}
        if name == "state":
            field["constraints"] = {"enum": list(STATES)}
        fields.append(field)
    return {
        "profile": "tabular-data-package",
        "name": "status",
        "title": f"{site.config.title} 按时公开情况",
        "description": f"截至 {site.as_of.isoformat()}，各村每项应公开内容（村、事项、期间）是否按时公开。",
        "homepage": site.config.base_url + PATH,
        "created": site.as_of.isoformat(),
        "resources": [csv_resource("status", table, {"fields": fields, "missingValues": [""]})],
    }
