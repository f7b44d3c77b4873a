"""A wide table on a phone, phone numbers in text, the way to the phones, the favicon: read back
from real builds, the layout from Chromium at 360 px."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import Browser
from conftest import write_tree
from helpers import soup
from sample import files
from test_browser import AXE, AXE_JS, BROKEN_CELLS_JS, OVERFLOW_JS, WIDTH
from wide import subsidy_list, subsidy_rows

from sitegen.build import build

SUBSIDY = "dongtan/affairs/2026-Q3/subsidy/index.html"
DIBAO = "dongtan/affairs/2026-Q3/dibao/index.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("wide")
    content = write_tree(root / "content", {**files(), "dongtan/affairs/2026-Q3/subsidy.md": subsidy_list()})
    result = build(content, root / "out", posters=False)
    assert result.ok, result.problems
    return root / "out"


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    with Browser.launch(tmp_path_factory.mktemp("chromium-profile")) as browser:
        yield browser


def test_a_wide_table_carries_every_columns_name_on_every_cell(site):
    table = soup(site / SUBSIDY).find("table", class_="data")
    columns = [th.get_text(strip=True) for th in table.thead.find_all("th")]
    assert len(columns) == 7 and "cards" in table["class"]
    rows = table.tbody.find_all("tr")
    assert len(rows) == 86
    for row, expected in zip(rows, subsidy_rows()):
        cells = row.find_all(["th", "td"])
        assert [c["data-label"] for c in cells] == columns
        assert [c.get_text(strip=True) for c in cells] == expected
        (amount,) = row.select(".amount")
        assert amount["data-label"] == "补贴金额(元)", "the money column, not the last numeric one"


def test_a_narrow_table_stays_a_table(site):
    table = soup(site / DIBAO).find("table", class_="data")
    assert "cards" not in table["class"]


def layout(chromium, url: str, width: int) -> dict:
    page = chromium.new_page()
    try:
        page.send("Page.enable")
        page.send("Emulation.setDeviceMetricsOverride", width=width, height=740, deviceScaleFactor=1, mobile=width < 600)
        page.navigate(url)
        return page.evaluate("""(() => {
          const table = document.querySelector('table.data');
          const box = table.parentElement;
          const cells = [...table.querySelectorAll('tbody td')];
          const shown = cells.filter(c => c.getBoundingClientRect().height > 0);
          const size = (el) => parseFloat(getComputedStyle(el).fontSize);
          return {
            overflow: %s, broken: %s,
            tableWidth: table.scrollWidth, boxWidth: box.clientWidth,
            rightmost: Math.max(...shown.map(c => c.getBoundingClientRect().right)),
            labels: shown.filter(c => getComputedStyle(c, '::before').content !== JSON.stringify(c.dataset.label)).length,
            shown: shown.length, empty: cells.filter(c => !c.textContent.trim()).length, cells: cells.length,
            amountSize: size(table.querySelector('td.amount')), otherSize: size(table.querySelector('td.num:not(.amount)')),
            headVisible: table.tHead.getBoundingClientRect().height > 1,
          };
        })()""" % (OVERFLOW_JS.strip(), BROKEN_CELLS_JS.strip()))
    finally:
        chromium.send("Target.closeTarget", targetId=page.target)


def test_at_360_px_every_cell_is_on_screen_under_its_label(site, chromium):
    seen = layout(chromium, (site / SUBSIDY).as_uri(), WIDTH)
    o = seen["overflow"]
    assert o["scrollWidth"] <= WIDTH and not o["offenders"], o
    assert seen["tableWidth"] <= seen["boxWidth"], "nothing hidden in a sideways scroll box"
    assert seen["rightmost"] <= WIDTH, seen
    assert seen["shown"] == seen["cells"] - seen["empty"] and seen["labels"] == 0, seen
    assert seen["amountSize"] > 1.2 * seen["otherSize"], "the amount is what a villager looks for"
    assert not seen["headVisible"] and not seen["broken"], seen


def test_at_1280_px_it_is_an_ordinary_table(site, chromium):
    seen = layout(chromium, (site / SUBSIDY).as_uri(), 1280)
    assert seen["headVisible"] and seen["labels"] == seen["shown"], "no card labels on a wide screen"
    assert seen["tableWidth"] <= seen["boxWidth"]


def test_the_card_layout_passes_axe(site, chromium):
    page = chromium.new_page()
    try:
        page.send("Page.enable")
        page.send("Emulation.setDeviceMetricsOverride", width=WIDTH, height=740, deviceScaleFactor=1, mobile=True)
        page.navigate((site / SUBSIDY).as_uri())
        page.evaluate(AXE.read_text("utf-8") + "\n;true")
        violations = page.evaluate(AXE_JS, timeout=120)
    finally:
        chromium.send("Target.closeTarget", targetId=page.target)
    assert not [v for v in violations if v["impact"] in ("serious", "critical")], violations


def test_phone_numbers_in_text_are_tap_to_call_and_unbroken(site):
    page = soup(site / SUBSIDY)
    prose = page.find("div", class_="prose")
    links = {a.get_text(): a["href"] for a in prose.find_all("a")}
    assert links == {"0543-7321001": "tel:05437321001", "0543-7320000": "tel:05437320000", "12345": "tel:12345"}
    assert all("tel-inline" in a["class"] for a in prose.find_all("a"))
    summary = page.find("div", class_="summary").get_text()
    assert "105" in summary and not page.find("div", class_="summary").find("a"), "an amount is not a phone number"


def test_a_number_already_in_a_link_or_code_is_left_alone():
    from markupsafe import Markup

    from sitegen.render.phones import tel_links

    html = tel_links(Markup('<p>拨打 <a href="tel:05437321001">0543-7321001</a>，或 <code>0543-7320000</code>；2026-10-09 发放 12000 元，账号 60543-7321001</p>'))
    assert html.count("<a ") == 1 and "tel:05437320000" not in html and "tel:2026" not in html
    assert tel_links("电话：0543-7325101。") == '电话：<a class="tel-inline" href="tel:05437325101">0543-7325101</a>。'
    assert tel_links("<b>&</b>") == "&lt;b&gt;&amp;&lt;/b&gt;", "plain text is escaped first"


def test_numbers_do_not_break_at_360_px(site, chromium):
    page = chromium.new_page()
    try:
        page.send("Page.enable")
        page.send("Emulation.setDeviceMetricsOverride", width=WIDTH, height=740, deviceScaleFactor=1, mobile=True)
        page.navigate((site / SUBSIDY).as_uri())
        lines = page.evaluate("[...document.querySelectorAll('a.tel-inline')].map(a => a.getClientRects().length)")
    finally:
        chromium.send("Target.closeTarget", targetId=page.target)
    assert lines == [1, 1, 1]


def test_every_page_links_the_phones_from_its_top(site):
    for path in sorted(site.rglob("index.html")):
        page = soup(path)
        if page.find("meta", attrs={"http-equiv": "refresh"}):
            continue
        top = page.find("header", class_="masthead").find("a", href="#contacts")
        assert top is not None and "监督电话" in top.get_text(), path
        section = page.find(id="contacts")
        assert section is not None and section.find("a", href=re.compile("^tel:")), path


def test_the_favicon_is_published_and_linked_from_every_page(site):
    icons = set()
    for path in sorted(site.rglob("*.html")):
        page = soup(path)
        if page.find("meta", attrs={"http-equiv": "refresh"}):
            continue
        (link,) = page.find_all("link", rel="icon")
        assert link["type"] == "image/svg+xml"
        target = (site / link["href"].lstrip("/").removeprefix("ceshi/")) if path.name == "404.html" else (path.parent / link["href"]).resolve()
        assert target.is_file(), (path, link["href"])
        icons.add(target.read_bytes())
    (icon,) = icons
    assert icon.startswith(b"<svg") and b'viewBox="0 0 16 16"' in icon
