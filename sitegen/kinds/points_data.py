"""A points quarter's open data: the ranking as CSV, with a Frictionless Data Package (the model
is `finance_data.py`: the page path and title come from the caller)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import urls
from ..model import Site, Village
from ..tabular import CsvExport, csv_bytes, csv_inert, csv_resource

if TYPE_CHECKING:
    from .points import PointsQuarter

# (header's i18n key, Table Schema type, description's i18n key)
COLUMNS = (
    ("points_col_rank", "integer", "points_field_rank"),
    ("points_col_household", "string", "points_field_household"),
    ("points_col_group", "string", "points_field_group"),
    ("points_col_points", "integer", "points_field_points"),
    ("points_col_change", "integer", "points_field_change"),
)


def ranking_csv(quarter: PointsQuarter, strings: dict[str, str]) -> bytes:
    """One row per household in ranking order; points and change are plain integers (-10, 5)."""
    header = [strings[label] for label, _, _ in COLUMNS]
    rows = [[r.rank, csv_inert(r.household.household), csv_inert(r.household.group), r.household.points, r.household.change]
            for r in quarter.ranking]
    return csv_bytes([header, *rows])


def data_package(site: Site, village: Village, quarter: PointsQuarter, page: str, title: str, table: bytes, strings: dict[str, str]) -> dict:
    """A Frictionless (tabular) Data Package describing ranking.csv, with the rules in force."""
    fields = [
        {"name": strings[label], "title": strings[label], "description": strings[description], "type": kind,
         "format": "default", "constraints": {"required": True}}
        for label, kind, description in COLUMNS
    ]
    package = {
        "profile": "tabular-data-package",
        "name": f"{village.slug}-points-{quarter.period.lower()}",
        "title": title,
        "description": strings["points_package_description"].format(title=title, households=len(quarter.households),
                                                                      added=quarter.added, deducted=quarter.deducted),
        "homepage": urls.absolute(site.config.base_url, page),
        "keywords": [strings["kind_points"], village.name, quarter.period],
        "contributors": [{"title": village.committee, "role": "publisher"}],
        "points": {
            "period": quarter.period,
            "posted": quarter.posted.isoformat(),
            "updated": quarter.updated.isoformat(),
            "version": quarter.version,
            "households": len(quarter.households),
            "rules": [{"code": r.code, "text": r.text, "points": r.points} for r in quarter.rules],
        },
        "resources": [csv_resource("ranking", table, {"fields": fields, "missingValues": [""]}, title)],
    }
    return package


EXPORT = CsvExport("ranking", ranking_csv, data_package)
