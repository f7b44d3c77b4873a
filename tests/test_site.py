"""Build the example township and check the real pages a villager would open."""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
import yaml
from conftest import EXAMPLE
from helpers import decode_qr, rasterize_qr_svg, soup

from sitegen import history, urls
from sitegen.money import format_money, uppercase_yuan


def raw_yaml(path: Path) -> dict:
    """An independent reading of a content file: every scalar as text, no sitegen code involved."""
    return yaml.load(path.read_text("utf-8"), Loader=yaml.BaseLoader)


def page_text(page) -> str:
    return re.sub(r"\s+", "", page.get_text())


def all_pages(built: Path) -> list[Path]:
    return sorted(built.rglob("index.html"))


def test_every_disclosure_has_its_contract_path(built, example_site):
    expected = {"index.html"}
    for village in example_site.villages:
        expected.add(f"{village.slug}/index.html")
        expected.update(urls.disclosure_path(d) + "index.html" for d in village.paged)  # board photos have pages too
    expected.update(old + "index.html" for old, _ in example_site.config.redirects)  # redirect pages
    expected.update(w.path + "index.html" for w in example_site.config.withdrawn)  # withdrawal notices
    expected.update(path + "index.html" for path in history.superseded_paths(EXAMPLE, example_site))  # old versions (§12)
    expected.add("status/index.html")  # the township's inspection page (§13)
    found = {p.relative_to(built).as_posix() for p in all_pages(built)}
    assert found == expected
    finance = {p.relative_to(EXAMPLE).as_posix()[: -len(".yaml")] for p in EXAMPLE.glob("*/finance/*.yaml")}
    assert {f.replace("/finance/", "/finance/") + "/index.html" for f in finance} <= found
    assert len(example_site.villages) >= 3


def test_finance_pages_show_balances_and_totals(built):
    for source in sorted(EXAMPLE.glob("*/finance/*.yaml")):
        data = raw_yaml(source)
        village, period = source.parts[-3], source.stem
        income = sum((Decimal(e["amount"]) for e in data.get("income", [])), Decimal("0"))
        expense = sum((Decimal(e["amount"]) for e in data.get("expense", [])), Decimal("0"))
        closing = Decimal(data["closing_balance"])
        assert Decimal(data["opening_balance"]) + income - expense == closing, source  # the example balances
        page = soup(built / village / "finance" / period / "index.html")
        text = page_text(page)
        for amount in (Decimal(data["opening_balance"]), income, expense, closing):
            assert format_money(amount) in text, (source, amount)
        assert uppercase_yuan(closing) in text
        for entry in data.get("income", []) + data.get("expense", []):
            assert entry["voucher"] in text and entry["item"] in text
        for reviewer in data["review"]["reviewers"]:
            assert reviewer in text
        assert data["summary"].replace(" ", "") in text
        year, month = period.split("-")
        assert f"{int(year)}年{int(month)}月财务收支公开" in page.title.get_text()


def test_disclosure_pages_show_review_posting_and_contacts(built, example_site):
    site_phones = {c.tel for c in example_site.config.contacts}
    for village in example_site.villages:
        village_phones = {c.tel for c in village.contacts}
        for item in village.disclosures:
            page = soup(built / urls.disclosure_path(item) / "index.html")
            text = page_text(page)
            assert page.find("html")["lang"] == "zh-CN"
            assert len(page.find_all("h1")) == 1
            assert all(name in text for name in item.review.reviewers)
            assert f"{item.posted.year}年{item.posted.month}月{item.posted.day}日" in text
            if item.posted_until:
                assert f"{item.posted_until.month}月{item.posted_until.day}日" in text
            assert village.committee in text
            tel_links = {a["href"][4:] for a in page.select('a[href^="tel:"]')}
            assert site_phones | village_phones <= tel_links
            for correction in item.corrections:
                assert correction.reason.replace(" ", "") in text


def test_affairs_tables_and_major_votes_are_shown(built, example_site):
    for village in example_site.villages:
        for item in village.of("affairs"):
            page = soup(built / urls.disclosure_path(item) / "index.html")
            tables = page.find_all("table")
            for table_data in item.tables:
                match = [t for t in tables if t.caption and t.caption.get_text(strip=True) == table_data.caption]
                assert match, table_data.caption
                rows = [[c.get_text(strip=True) for c in tr.find_all(["td", "th"])] for tr in match[0].select("tbody tr")]
                assert rows == [list(r) for r in table_data.rows]
        for matter in village.of("major"):
            text = page_text(soup(built / urls.disclosure_path(matter) / "index.html"))
            for step in matter.steps:
                if step.voted:
                    assert str(step.present) in text and str(step.votes_for) in text


def test_every_internal_link_resolves(built):
    checked = 0
    for page_path in all_pages(built):
        page = soup(page_path)
        for tag, attribute in (("a", "href"), ("link", "href"), ("img", "src"), ("script", "src")):
            for element in page.find_all(tag):
                link = element.get(attribute)
                if not link or urlsplit(link).scheme in ("tel", "mailto", "http", "https"):
                    continue
                target = (page_path.parent / urlsplit(link).path).resolve()
                if target.is_dir():
                    target = target / "index.html"
                assert target.is_file(), f"{page_path.relative_to(built)}: broken link {link}"
                assert built.resolve() in target.parents
                checked += 1
    assert checked > 100


def test_every_qr_code_decodes_to_its_page_url(built, example_site):
    base = example_site.config.base_url
    for page_path in all_pages(built):
        relative = page_path.parent.relative_to(built).as_posix()
        expected = base + ("" if relative == "." else relative + "/")
        page = soup(page_path)
        svgs = [s for s in page.find_all("svg") if s.find("path")]
        assert len(svgs) == 1, page_path
        assert decode_qr(rasterize_qr_svg(str(svgs[0]))) == [expected]
        assert expected in page_text(page), "the URL is printed beside the code"


def test_personal_data_pages_are_noindex_and_out_of_the_sitemap(built, example_site):
    sitemap = (built / "sitemap.xml").read_text("utf-8")
    locs = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    base = example_site.config.base_url
    personal = 0
    for village in example_site.villages:
        assert base + urls.village_path(village) in locs
        for item in village.disclosures:
            page = soup(built / urls.disclosure_path(item) / "index.html")
            robots = page.find("meta", attrs={"name": "robots"})
            if example_site.is_personal(item):
                personal += 1
                assert robots and "noindex" in robots["content"]
                assert base + urls.disclosure_path(item) not in locs
            else:
                assert robots is None
                assert base + urls.disclosure_path(item) in locs
    assert personal >= 3 and base in locs


def test_pages_are_small_and_need_no_javascript(built):
    for page_path in all_pages(built):
        html = page_path.read_text("utf-8")
        assert "<script" not in html
        assert 'name="viewport"' in html and "user-scalable" not in html
        page = soup(page_path)
        css = [page_path.parent / l["href"] for l in page.find_all("link", rel="stylesheet")]
        weight = len(html.encode()) + sum(p.resolve().stat().st_size for p in css)
        assert weight <= 150_000, (page_path, weight)


def tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(built, tmp_path):
    from sitegen.build import build

    again = tmp_path / "again"
    assert build(EXAMPLE, again).ok
    assert tree_digest(again) == tree_digest(built)


_SEGMENT = st.sampled_from(["v0001", "finance", "2026-10", "a", "b", "v", "64582c6f", "", ".", ".."])


@given(st.lists(_SEGMENT, max_size=5), st.lists(_SEGMENT, max_size=5), st.booleans(), st.booleans())
def test_relative_links_are_posixpaths_relpath(start, target, start_dir, target_dir):
    """The string shortcut for plain site paths gives exactly what posixpath.relpath gives."""
    import posixpath

    from_dir = "/".join(start) + ("/" if start_dir and start else "")
    to_path = "/".join(target) + ("/" if target_dir and target else "")
    link = posixpath.relpath(to_path.rstrip("/") or ".", from_dir.rstrip("/") or ".")
    expected = ("./" if link == "." else link + "/") if to_path.endswith("/") or to_path == "" else link
    assert urls.relative(from_dir, to_path) == expected
