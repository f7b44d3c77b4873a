"""Feeds and open data, read from the built example: Atom feeds, statement.csv with its
datapackage.json, each village's data.json; and never anything of a personal-data item.

Expectations come from an independent reading of the content files (PyYAML BaseLoader, every
scalar as text), not from sitegen's model.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLE, ROOT, write_tree
from helpers import soup
from sample import files

from sitegen.build import build

A = "{http://www.w3.org/2005/Atom}"
THEME = ROOT / "themes" / "default"
STRINGS = yaml.safe_load((THEME / "i18n/zh-Hans.yaml").read_text("utf-8"))
SITE = yaml.load((EXAMPLE / "site.yaml").read_text("utf-8"), Loader=yaml.BaseLoader)
BASE = SITE["base_url"]
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T00:00:00\+08:00$")
HEADER = ["收支", "日期", "凭证号", "摘要", "科目", "金额(元)"]
PERSONAL_CODES = {
    item["code"]
    for item in yaml.load((ROOT / "sitegen/baseline.yaml").read_text("utf-8"), Loader=yaml.BaseLoader)["items"]
    if item.get("personal_data") == "true"
}


def raw(path: Path) -> dict:
    """A content file's YAML (a Markdown file's front matter), every scalar as text."""
    text = path.read_text("utf-8")
    if path.suffix == ".md":
        text = text.split("---\n")[1]
    return yaml.load(text, Loader=yaml.BaseLoader)


@dataclass(frozen=True)
class Item:
    village: str  # slug
    village_name: str
    kind: str
    path: str  # site path, directory form
    title: str  # as the page's <title> names it, before " - site"
    posted: str
    updated: str
    summary: str
    personal: bool
    data: dict


def example_items() -> list[Item]:
    """Every published item of the example, read straight from the files."""
    items = []
    for village_dir in sorted(p for p in EXAMPLE.iterdir() if (p / "village.yaml").is_file()):  # not the version store
        slug, name = village_dir.name, raw(village_dir / "village.yaml")["name"]
        sources = [("finance", p) for p in sorted(village_dir.glob("finance/*.yaml"))]
        sources += [("affairs", p) for p in sorted(village_dir.glob("affairs/*/*.md"))]
        sources += [("major", p) for p in sorted(village_dir.glob("major/*.md"))]
        sources += [("standing", p) for p in sorted(village_dir.glob("standing/*.md"))]
        sources += [("points", p) for p in sorted(village_dir.glob("points/*.yaml"))]
        for kind, source in sources:
            data = raw(source)
            if "review" not in data:
                continue
            if kind == "finance":
                year, month = data["period"].split("-")
                title, path = f"{int(year)}年{int(month)}月财务收支公开", f"{slug}/finance/{source.stem}/"
            elif kind == "points":
                title, path = f"{int(data['period'][:4])}年第{data['period'][-1]}季度积分公示", f"{slug}/points/{source.stem}/"
            elif kind == "affairs":
                title, path = data["title"], f"{slug}/affairs/{source.parent.name}/{source.stem}/"
            else:  # major, standing: one file per item
                title, path = data["title"], f"{slug}/{kind}/{source.stem}/"
            dates = [data["posted"], *(c["date"] for c in data.get("corrections", []))]
            if kind == "major":
                dates += [s["date"] for s in data.get("steps", [])] + [p["date"] for p in data.get("progress", [])]
            full = title if name in title else name + title
            personal = data.get("item") in PERSONAL_CODES
            items.append(Item(slug, name, kind, path, full, data["posted"], max(dates), data["summary"], personal, data))
    return items


ITEMS = example_items()
PUBLIC = [i for i in ITEMS if not i.personal]


def newest_first(items: list[Item]) -> list[Item]:
    return sorted(items, key=lambda i: (i.updated, i.posted, i.path), reverse=True)


def read_feed(path: Path) -> ET.Element:
    root = ET.fromstring(path.read_bytes())
    assert root.tag == A + "feed"
    return root


def test_the_example_has_personal_and_corrected_items():
    assert len([i for i in ITEMS if i.personal]) >= 3
    assert any(i.updated != i.posted for i in PUBLIC if i.kind != "major"), "a corrected item shows its correction date"


@pytest.mark.parametrize("village", sorted({i.village for i in ITEMS}))
def test_village_feed_lists_its_public_items_with_content_dates(built, village):
    feed = read_feed(built / village / "feed.xml")
    assert feed.findtext(A + "id") == BASE + village + "/feed.xml"
    name = raw(EXAMPLE / village / "village.yaml")["name"]
    assert feed.findtext(A + "title") == f"{name} - {SITE['title']}"
    self_link = feed.find(A + "link[@rel='self']")
    assert self_link.get("href") == BASE + village + "/feed.xml" and self_link.get("type") == "application/atom+xml"
    assert feed.find(A + "link[@rel='alternate']").get("href") == BASE + village + "/"
    expected = newest_first([i for i in PUBLIC if i.village == village])
    entries = feed.findall(A + "entry")
    assert [e.findtext(A + "id") for e in entries] == [BASE + i.path for i in expected]
    for entry, item in zip(entries, expected):
        check_entry(built, entry, item)
    assert feed.findtext(A + "updated") == f"{expected[0].updated}T00:00:00+08:00"


def check_entry(built: Path, entry: ET.Element, item: Item) -> None:
    url = BASE + item.path
    assert entry.find(A + "link[@rel='alternate']").get("href") == url
    assert entry.findtext(A + "title") == item.title
    assert entry.findtext(A + "published") == f"{item.posted}T00:00:00+08:00"
    assert entry.findtext(A + "updated") == f"{item.updated}T00:00:00+08:00"
    assert entry.findtext(A + "summary") == item.summary
    assert entry.find(A + "category").get("term") == item.kind
    assert entry.findtext(f"{A}author/{A}name")
    page = soup(built / item.path / "index.html")
    assert page.title.get_text() == f"{item.title} - {SITE['title']}", "the entry is titled as its page"


def test_township_feed_has_the_newest_public_items_of_every_village(built):
    feed = read_feed(built / "feed.xml")
    assert feed.findtext(A + "id") == BASE + "feed.xml"
    assert feed.findtext(A + "title") == SITE["title"]
    expected = newest_first(PUBLIC)[:20]
    entries = feed.findall(A + "entry")
    assert [e.findtext(A + "id") for e in entries] == [BASE + i.path for i in expected]
    assert {i.village for i in expected} == {i.village for i in ITEMS}
    for entry, item in zip(entries, expected):
        check_entry(built, entry, item)
    assert feed.findtext(A + "updated") == f"{max(i.updated for i in PUBLIC)}T00:00:00+08:00"
    for element in feed.iter():
        if element.tag in (A + "updated", A + "published"):
            assert TIMESTAMP.match(element.text), element.text


def bulk_files(built: Path) -> list[Path]:
    """Every file meant for machines and bulk download."""
    found = [built / "sitemap.xml", built / "feed.xml"]
    for pattern in ("*/feed.xml", "*/data.json", "*/finance/*/statement.csv", "*/finance/*/datapackage.json"):
        found += sorted(built.glob(pattern))
    return found


def test_nothing_of_a_personal_data_item_reaches_feeds_data_or_sitemap(built):
    texts = {path.relative_to(built).as_posix(): path.read_text("utf-8-sig") for path in bulk_files(built)}
    villages, statements = len({i.village for i in ITEMS}), len([i for i in ITEMS if i.kind == "finance"])
    assert len(texts) == 2 + 2 * villages + 2 * statements  # sitemap, township feed; feed, data.json; CSV, package
    personal = [i for i in ITEMS if i.personal]
    for item in personal:
        assert (built / item.path / "index.html").is_file(), "its page stays"
        for name, text in texts.items():
            assert item.path not in text, (name, item.path)
            assert item.title not in text and item.summary not in text, (name, item.path)
            for table in item.data.get("tables", []):
                for row in table["rows"]:
                    assert row[0] not in text, (name, row[0])


def statement_files() -> list[Path]:
    return sorted(EXAMPLE.glob("*/finance/*.yaml"))


@pytest.mark.parametrize("source", statement_files(), ids=lambda p: f"{p.parts[-3]}-{p.stem}")
def test_statement_csv_has_every_entry_and_its_sums_match_the_statement(built, source):
    data = raw(source)
    path = built / source.parts[-3] / "finance" / source.stem / "statement.csv"
    content = path.read_bytes()
    assert content.startswith(b"\xef\xbb\xbf"), "a BOM, so Excel reads UTF-8"
    text = content.decode("utf-8-sig")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == HEADER
    expected = [["收入", e["date"], e["voucher"], e["item"], e["category"]] for e in data.get("income", [])]
    expected += [["支出", e["date"], e["voucher"], e["item"], e["category"]] for e in data.get("expense", [])]
    assert [row[:5] for row in rows[1:]] == expected
    for row, entry in zip(rows[1:], data.get("income", []) + data.get("expense", [])):
        assert re.fullmatch(r"\d+\.\d\d", row[5]), row[5]
        assert Decimal(row[5]) == Decimal(entry["amount"])
    income = sum((Decimal(r[5]) for r in rows[1:] if r[0] == "收入"), Decimal(0))
    expense = sum((Decimal(r[5]) for r in rows[1:] if r[0] == "支出"), Decimal(0))
    assert Decimal(data["opening_balance"]) + income - expense == Decimal(data["closing_balance"])
    package = json.loads((path.parent / "datapackage.json").read_text("utf-8"))
    totals = package["statement"]
    assert Decimal(totals["income_total"]) == income and Decimal(totals["expense_total"]) == expense
    assert totals["opening_balance"] == f"{Decimal(data['opening_balance']):.2f}"
    assert totals["closing_balance"] == f"{Decimal(data['closing_balance']):.2f}"
    assert (totals["income_count"], totals["expense_count"]) == (len(data.get("income", [])), len(data.get("expense", [])))


CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("source", statement_files(), ids=lambda p: f"{p.parts[-3]}-{p.stem}")
def test_datapackage_describes_the_csv_by_the_frictionless_specs(built, source):
    folder = built / source.parts[-3] / "finance" / source.stem
    package = json.loads((folder / "datapackage.json").read_text("utf-8"))
    assert package["profile"] == "tabular-data-package"
    assert re.fullmatch(r"[-a-z0-9._/]+", package["name"])
    assert package["homepage"] == BASE + folder.relative_to(built).as_posix() + "/"
    assert CJK.search(package["title"]) and CJK.search(package["description"])
    (resource,) = package["resources"]
    assert resource["profile"] == "tabular-data-resource"
    assert re.fullmatch(r"[-a-z0-9._/]+", resource["name"])
    table = folder / resource["path"]
    assert table.is_file() and resource["format"] == "csv" and resource["mediatype"] == "text/csv"
    content = table.read_bytes()
    assert resource["bytes"] == len(content) and resource["hash"] == "sha256:" + hashlib.sha256(content).hexdigest()
    assert resource["dialect"]["header"] is True and resource["dialect"]["delimiter"] == ","
    schema = resource["schema"]
    fields = schema["fields"]
    assert [f["name"] for f in fields] == HEADER, "field names are the header labels, as validators compare them"
    assert [f["type"] for f in fields] == ["string", "date", "string", "string", "string", "number"]
    assert all(CJK.search(f["title"]) and CJK.search(f["description"]) for f in fields)
    assert schema["primaryKey"] == ["凭证号"]
    data = raw(source)
    closing = f"{Decimal(data['closing_balance']):,.2f}"
    assert closing in package["description"], "the description states the closing balance"
    # the rows obey the schema's types and constraints
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    for row in rows:
        for field in fields:
            value = row[field["name"]]
            if field["constraints"].get("required"):
                assert value != ""
            if field["type"] == "date":
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) and value[:7] == data["period"]
            if field["type"] == "number":
                Decimal(value)
            if "enum" in field["constraints"]:
                assert value in field["constraints"]["enum"]
    vouchers = [row["凭证号"] for row in rows]
    assert len(set(vouchers)) == len(vouchers)


DATA_FILES = {"finance": "statement.csv", "points": "ranking.csv"}  # the kinds with a CSV beside their page


@pytest.mark.parametrize("village", sorted({i.village for i in ITEMS}))
def test_data_json_lists_the_villages_public_items(built, village):
    data = json.loads((built / village / "data.json").read_text("utf-8"))
    assert data["slug"] == village and data["url"] == BASE + village + "/"
    assert data["feed"] == BASE + village + "/feed.xml" and (built / village / "feed.xml").is_file()
    expected = sorted((i for i in PUBLIC if i.village == village), key=lambda i: i.path)
    listed = data["items"]
    assert sorted(d["path"] for d in listed) == [i.path for i in expected]
    assert [d["posted"] for d in listed] == sorted((d["posted"] for d in listed), reverse=True), "newest posting first"
    by_path = {i.path: i for i in expected}
    for entry in listed:
        item = by_path[entry["path"]]
        assert entry["kind"] == item.kind and entry["title"] == item.title
        assert entry["url"] == BASE + item.path
        assert (entry["posted"], entry["updated"]) == (item.posted, item.updated)
        page = soup(built / item.path / "index.html")
        assert page.select_one("code.version-id").get_text() == entry["version"]
        assert entry["poster"] == BASE + item.path + "poster.pdf" and (built / item.path / "poster.pdf").is_file()
        if item.kind in DATA_FILES:
            for key, name in (("csv", DATA_FILES[item.kind]), ("datapackage", "datapackage.json")):
                assert entry[key] == BASE + item.path + name and (built / item.path / name).is_file()
        else:
            assert "csv" not in entry and "datapackage" not in entry


def test_pages_link_their_feed_and_the_finance_page_its_csv(built):
    index = soup(built / "index.html")
    (link,) = index.select('head link[rel="alternate"][type="application/atom+xml"]')
    assert link["href"] == "feed.xml" and link["title"]
    for item in ITEMS:
        page_path = built / item.path / "index.html"
        page = soup(page_path)
        (link,) = page.select('head link[rel="alternate"][type="application/atom+xml"]')
        assert (page_path.parent / link["href"]).resolve() == (built / item.village / "feed.xml").resolve()
        downloads = page.select('a[href$="statement.csv"]')
        if item.kind != "finance":
            assert not downloads
            continue
        (download,) = downloads
        assert download["href"] == "statement.csv"
        assert download.get_text().startswith(STRINGS["csv_link"].split("（")[0])
        size = re.search(r"约 (\d+) KB", download.get_text()).group(1)
        assert abs(int(size) - (page_path.parent / "statement.csv").stat().st_size / 1024) <= 1
        assert page.select_one('a[href="datapackage.json"]')
    village = soup(built / "dongtan/index.html")
    assert village.select_one('head link[type="application/atom+xml"]')["href"] == "feed.xml"


def open_data(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in bulk_files(root) if p.name != "sitemap.xml"}


def test_feeds_and_data_ignore_the_clock(built, tmp_path, monkeypatch):
    """No build time: another build, with SOURCE_DATE_EPOCH set, writes the same bytes."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1893456000")  # 2030-01-01
    out = tmp_path / "out"
    assert build(EXAMPLE, out, posters=False, cache_dir=tmp_path / "cache").ok
    again, before = open_data(out), open_data(built)
    assert again.keys() == before.keys()
    for name, content in again.items():
        if name.endswith("data.json"):  # no posters in this build: only the poster URLs differ
            content = json.loads(content)
            expected = json.loads(before[name])
            for entry in expected["items"]:
                entry.pop("poster")
            assert content == expected
        else:
            assert content == before[name], name


def test_a_village_with_only_personal_items_has_an_empty_feed_and_no_data(tmp_path):
    content = write_tree(tmp_path / "content", files(finance=None))
    shutil.rmtree(content / "dongtan/major")
    out = tmp_path / "out"
    assert build(content, out, posters=False, cache_dir=tmp_path / "cache").ok
    assert (out / "dongtan/affairs/2026-Q3/dibao/index.html").is_file()
    for feed in (out / "feed.xml", out / "dongtan/feed.xml"):
        root = read_feed(feed)
        assert root.findall(A + "entry") == [] and TIMESTAMP.match(root.findtext(A + "updated"))
    assert json.loads((out / "dongtan/data.json").read_text("utf-8"))["items"] == []
    # only the inspection page's records (village, item, period, dates: nothing personal)
    assert [p.relative_to(out).as_posix() for p in out.rglob("*.csv")] == ["status/status.csv"]


def test_csv_cells_never_start_a_spreadsheet_formula(example_site):
    import dataclasses
    import datetime as dt

    from sitegen.kinds.finance import Entry
    from sitegen.kinds import finance_data as data
    from sitegen.render.html import Theme, default_theme

    strings = Theme(default_theme(), "zh-Hans").strings
    entry = Entry(date=dt.date(2026, 10, 8), voucher="记-01", item='=HYPERLINK("http://x")', category="@SUM(1)", amount=Decimal("1.00"))
    statement = dataclasses.replace(example_site.villages[0].of("finance")[0], income=(entry,), expense=())
    rows = list(csv.reader(io.StringIO(data.statement_csv(statement, strings).decode("utf-8-sig"), newline="")))
    assert rows[1][2:5] == ["记-01", "\'=HYPERLINK(\"http://x\")", "\'@SUM(1)"]
