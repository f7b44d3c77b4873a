"""Standing items (长期公开, contract §14.1): the example's pages and posters, and the errors of
a bad `standing/<slug>.md`, located."""

from __future__ import annotations

import json
import re
import subprocess

from conftest import write_tree
from helpers import decode_qr, rasterize_qr_svg, soup
from sample import files

from sitegen.build import build
from sitegen.rules import check_content

POWER_LIST = "dongtan/standing/power-list/"
RULES = """---
title: 东滩村村规民约
item: village-rules
posted: 2026-03-02
summary: 经村民会议表决通过，共十四条。
review: {reviewers: [刘秀英], date: 2026-02-28}
---
村民应遵纪守法。
"""


def _text(node) -> str:
    return re.sub(r"\s+", "", node.get_text())


def _item(site, village: str, slug: str):
    return next(d for v in site.villages if v.slug == village for d in v.disclosures if d.kind == "standing" and d.slug == slug)


def test_every_village_of_the_example_has_its_village_rules(built, example_site):
    for village in example_site.villages:
        rules = _item(example_site, village.slug, "village-rules")
        assert rules.item == "village-rules" and rules.posted.year == 2026
        assert set(rules.review.reviewers) <= {village.supervisors.chair, *village.supervisors.members}
        assert (built / village.slug / "standing/village-rules/index.html").is_file()
        assert (built / village.slug / "standing/village-rules/poster.pdf").is_file()


def test_the_standing_page_shows_title_summary_table_and_its_qr_code(built, example_site):
    page = soup(built / POWER_LIST / "index.html")
    assert _text(page.find("h1")) == "东滩村小微权力清单"
    item = _item(example_site, "dongtan", "power-list")
    assert item.summary in _text(page)
    table = page.find("table", class_="data")
    assert [_text(th) for th in table.find("thead").find_all("th")] == ["权力事项", "责任主体", "办理流程", "办理时限"]
    rows = table.find("tbody").find_all("tr")
    assert len(rows) == 8 and _text(rows[0].find("th")) == "村级重大事项决策"
    assert "5个工作日" in [_text(td) for td in rows[3].find_all("td")]
    url = example_site.config.base_url + POWER_LIST
    svgs = [s for s in page.find_all("svg") if s.find("path")]
    assert decode_qr(rasterize_qr_svg(str(svgs[0]))) == [url]
    assert "村规民约" not in _text(page.find("main")), "one item per page"


def test_the_standing_poster_prints_title_url_and_version(built, example_site):
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(built / POWER_LIST / "poster.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    item = _item(example_site, "dongtan", "power-list")
    assert "东滩村小微权力清单" in flat and "长期公开·小微权力清单" in flat
    assert example_site.config.base_url + POWER_LIST in flat
    assert f"版本{item.version}" in flat
    assert "城乡低保申请" in flat


def test_the_village_home_lists_standing_items_under_their_own_heading(built):
    home = soup(built / "dongtan/index.html")
    heading = next(h for h in home.find_all("h2") if _text(h) == "长期公开")
    links = [a["href"] for a in heading.find_parent("section").find_all("a")]
    assert links == ["standing/service-guide/", "standing/charter/", "standing/power-list/", "standing/village-rules/"], "newest first"


def test_standing_items_are_in_the_feed_the_data_and_the_sitemap(built, example_site):
    url = example_site.config.base_url + POWER_LIST
    assert url in (built / "sitemap.xml").read_text("utf-8")
    assert url in (built / "dongtan/feed.xml").read_text("utf-8")
    data = json.loads((built / "dongtan/data.json").read_text("utf-8"))
    entry = next(i for i in data["items"] if i["url"] == url)
    assert (entry["kind"], entry["title"], entry["poster"]) == ("standing", "东滩村小微权力清单", url + "poster.pdf")


def test_a_small_site_with_a_standing_item_builds(tmp_path):
    root = write_tree(tmp_path / "content", {**files(), "dongtan/standing/village-rules.md": RULES})
    result = build(root, tmp_path / "out")
    assert result.ok, [str(p) for p in result.problems]
    page = soup(tmp_path / "out/dongtan/standing/village-rules/index.html")
    assert "村民应遵纪守法。" in _text(page)


def _problems(tmp_path, name: str, text: str):
    root = write_tree(tmp_path / "content", {**files(), f"dongtan/standing/{name}": text})
    _, problems = check_content(root)
    return [(p.path.split("content/", 1)[-1], p.line, p.col, p.code) for p in problems if p.severity == "error"], problems


def test_an_item_that_is_not_standing_is_an_unknown_item_at_its_code(tmp_path):
    shown, problems = _problems(tmp_path, "dibao.md", RULES.replace("item: village-rules", "item: party-affairs"))
    assert shown == [("dongtan/standing/dibao.md", 3, 7, "unknown-item")]
    message = next(p.message for p in problems if p.code == "unknown-item")
    assert "不是长期公开事项" in message and "village-rules" in message and "power-list" in message


def test_an_unknown_code_is_an_unknown_item_once(tmp_path):
    shown, _ = _problems(tmp_path, "rules.md", RULES.replace("item: village-rules", "item: cun-gui"))
    assert shown == [("dongtan/standing/rules.md", 3, 7, "unknown-item")]


def test_a_table_row_of_the_wrong_width_is_a_schema_error_at_the_row(tmp_path):
    table = "tables:\n  - caption: 小微权力清单\n    columns: [权力事项, 办理时限]\n    rows:\n      - [宅基地申请, 15个工作日]\n      - [困难救助申请]\n---"
    text = RULES.replace("---\n村民", table + "\n村民", 1)
    shown, _ = _problems(tmp_path, "power-list.md", text.replace("village-rules", "power-list"))
    assert shown == [("dongtan/standing/power-list.md", 12, 9, "schema")]


def test_a_file_that_is_not_markdown_in_standing_is_an_unknown_file(tmp_path):
    root = write_tree(tmp_path / "content", {**files(), "dongtan/standing/村规民约.docx": b"PK\x03\x04"})
    _, problems = check_content(root)
    assert [(p.path.rsplit("/", 1)[-1], p.code) for p in problems] == [("村规民约.docx", "unknown-file")]


def test_the_board_pack_of_its_month_carries_the_standing_poster(built, example_site):
    pack = subprocess.run(["pdftotext", "-enc", "UTF-8", str(built / "dongtan/board/2026-05.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", pack)
    assert "东滩村小微权力清单" in flat and example_site.config.base_url + POWER_LIST in flat
