"""The township's inspection page (乡镇检查页, contract §13): `status/index.html`, and the same
records as open data (`status.json`, `status.csv` with a Data Package).

Made from each village's `VillageStatus` (kept in the village's build record), so the page of a
county is made without loading its villages again. Only these files and the village homes depend
on the build's date.
"""

from __future__ import annotations

from collections import Counter
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


def rows(result: VillageStatus, months: tuple[str, ...]) -> tuple[Row, ...]:
    """Each requirement's slots across the window, in the window's month columns."""
    out = []
    cells: dict[tuple[str, str], Cell] = {}
    for cell in result.cells:  # the first of each, as `VillageStatus.cell` finds it
        cells.setdefault((cell.code, cell.period), cell)
    for requirement in result.requirements:
        groups: dict[str, int] = {}
        for month in months:
            key = {
                periods.MONTHLY: month,
                periods.QUARTERLY: periods.quarter_of(month),
                periods.YEARLY: month[:4],
                STANDING: STANDING,
            }[requirement.cadence]
            groups[key] = groups.get(key, 0) + 1
        slots = tuple(Slot(span, key, period_label(key), cells.get((requirement.code, key))) for key, span in groups.items())
        out.append(Row(requirement, slots))
    return tuple(out)


@dataclass(frozen=True)
class VillageView:
    status: VillageStatus
    rows: tuple[Row, ...]
    photos: tuple[tuple[str, bool], ...]  # (month, has a board photo), the window's begun months since `since`


def plan_status(site: Site, statuses: list[VillageStatus], contacts: tuple) -> Page:
    months = window(site.as_of)
    begun = tuple(m for m in months if periods.start(m) <= site.as_of)
    views = [VillageView(s, rows(s, months), tuple((m, m in s.photo_months) for m in begun if m >= s.since)) for s in statuses]
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


def records(statuses: list[VillageStatus]) -> list[dict[str, str]]:
    """One record per (village, item, period): every period since the village's `since`."""
    found = []
    for s in statuses:
        names: dict[str, str] = {}
        for requirement in s.requirements:  # the first of each code, as a search in order finds it
            names.setdefault(requirement.code, requirement.name)
        found += (
            {
                "village": s.slug,
                "village_name": s.name,
                "item": cell.code,
                "item_name": names[cell.code],
                "period": cell.period,
                "state": cell.state,
                "due": cell.due.isoformat(),
                "posted": cell.posted.isoformat() if cell.posted else "",
                "reason": cell.reason or "",
            }
            for cell in s.cells
        )
    return found


def summary(s: VillageStatus) -> dict:
    """The per-village counts the page shows, by the same names in status.json."""
    counts = Counter(cell.state for cell in s.cells)  # as `VillageStatus.count`, in one pass
    return {
        "village": s.slug,
        "village_name": s.name,
        "since": s.since,
        "on_time_share": s.on_time_share,
        **{state: counts[state] for state in STATES},
        "corrections": s.corrections,
        "unanswered_questions": s.unanswered,
        "photo_months": list(s.photo_months),
    }


def files(site: Site, statuses: list[VillageStatus]) -> dict[str, bytes]:
    """status.json, status.csv (UTF-8 with BOM, CRLF, for Excel) and their Data Package."""
    found = records(statuses)
    document = {"site": site.config.title, "as_of": site.as_of.isoformat(), "villages": [summary(s) for s in statuses], "records": found}
    table = csv_bytes([CSV_COLUMNS, *(list(map(csv_inert, map(record.get, CSV_COLUMNS))) for record in found)])
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
