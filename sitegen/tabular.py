"""Open data tables: CSV for Excel and the public, JSON, and Frictionless resources describing them.

One writer for every CSV the site publishes (finance statements, points rankings, the inspection
page's records), so each is UTF-8 with BOM, CRLF and formula-inert; one description of such a file
in a Data Package; one JSON writer; and `CsvExport`, a kind's CSV and Data Package beside its page.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from . import jsontext, urls
from .sizes import size_label

PACKAGE_NAME = "datapackage.json"


def csv_bytes(rows: Iterable[Iterable[object]]) -> bytes:
    """UTF-8 with BOM (Excel on Windows reads BOM-less files as GBK), CRLF as RFC 4180 says."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def csv_inert(text: str) -> str:
    """Clerk's text that Excel would run as a formula (=, +, -, @ first) gets a leading ' (OWASP
    CSV injection): the file is downloaded by the public and opened with a double-click."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def json_bytes(value: object) -> bytes:
    """Readable, deterministic JSON (keys in the order built), Chinese unescaped: the text of
    `json.dumps(value, ensure_ascii=False, indent=2)`, made at C speed (`jsontext`)."""
    return (jsontext.dumps(value) + "\n").encode("utf-8")


def csv_resource(name: str, table: bytes, schema: dict[str, Any], title: str | None = None) -> dict[str, Any]:
    """A Frictionless tabular resource for `<name>.csv` as `csv_bytes` wrote it, hashed."""
    resource: dict[str, Any] = {"profile": "tabular-data-resource", "name": name, "path": f"{name}.csv"}
    if title is not None:
        resource["title"] = title
    return {
        **resource,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(table),
        "hash": "sha256:" + hashlib.sha256(table).hexdigest(),
        "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
        "schema": schema,
    }


@dataclass(frozen=True)
class CsvExport:
    """A kind's table beside its page: `<page><name>.csv` and `datapackage.json`, their addresses in
    data.json and the page's download links (the `Kind.files`/`data_entry`/`page_links` hooks)."""

    name: str  # the CSV's name without .csv, also the resource's name
    table: Callable[[Any, dict[str, str]], bytes]  # (item, strings) → CSV bytes
    package: Callable[..., dict[str, Any]]  # (site, village, item, page, title, table, strings) → the package

    def csv_path(self, page: str) -> str:
        return f"{page}{self.name}.csv"

    def files(self, site, village, item, page: str, title: str, strings: dict[str, str]) -> dict[str, bytes]:
        table = self.table(item, strings)
        package = self.package(site, village, item, page, title, table, strings)
        return {self.csv_path(page): table, page + PACKAGE_NAME: json_bytes(package)}

    def data_entry(self, _item, page: str, base: str) -> dict[str, str]:
        return {"csv": urls.absolute(base, self.csv_path(page)), "datapackage": urls.absolute(base, page + PACKAGE_NAME)}

    def page_links(self, _item, page: str, written: dict[str, bytes]) -> dict[str, str]:
        """The page's download links, when the CSV was written (a public item)."""
        if self.csv_path(page) not in written:
            return {}
        return {"csv_href": urls.relative(page, self.csv_path(page)), "csv_size": size_label(len(written[self.csv_path(page)])),
                "package_href": urls.relative(page, page + PACKAGE_NAME)}
