"""Posters, signs and board packs: read back from the real PDFs with poppler and zxing-cpp.

The example township is rendered once per session (conftest `built`); these tests only read it,
except the few that render on purpose (reproducibility, cache, A3, setup failures).
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import pytest
import zxingcpp
from conftest import EXAMPLE, write_tree
from helpers import soup
from PIL import Image
from sample import AFFAIRS, SITE, files

from sitegen import history, urls
from sitegen.build import build
from sitegen.render import pdf, poster_plan, posters
from sitegen.render.html import Theme, default_theme
from sitegen.rules import check_content

A4 = (595, 842)
A3 = (842, 1191)
DPI = 150
FONT = "Sitegen-Noto-Sans-SC"


# --- reading PDFs -----------------------------------------------------------------------


def run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


@lru_cache(maxsize=None)
def info(path: Path) -> dict[str, str]:
    lines = run("pdfinfo", "-isodates", str(path)).splitlines()
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in lines)}


def page_size(path: Path) -> tuple[int, int]:
    width, height = re.match(r"([\d.]+) x ([\d.]+) pts", info(path)["Page size"]).groups()
    return round(float(width)), round(float(height))


def pages(path: Path) -> int:
    return int(info(path)["Pages"])


@lru_cache(maxsize=None)
def page_texts(path: Path) -> tuple[str, ...]:
    """Text of each page with all white space removed (CJK lines wrap anywhere)."""
    text = run("pdftotext", "-enc", "UTF-8", str(path), "-")
    return tuple(re.sub(r"\s+", "", page) for page in text.split("\f")[: pages(path)])


def text(path: Path) -> str:
    return "".join(page_texts(path))


def fonts(path: Path) -> list[dict[str, str]]:
    lines = run("pdffonts", str(path)).splitlines()[2:]
    rows = []
    for line in lines:
        fields = line.split()
        # name type... encoding emb sub uni object-id generation
        rows.append({"name": fields[0], "emb": fields[-5], "sub": fields[-4], "uni": fields[-3]})
    return rows


def qr_codes(path: Path, page: int = 1) -> list[tuple[str, float]]:
    """(text, printed width in mm including the 4-module quiet zone) of each QR code on a page."""
    raw = subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-f", str(page), "-l", str(page), "-gray", str(path)],
        check=True,
        capture_output=True,
    ).stdout
    image = Image.open(io.BytesIO(raw))
    found = []
    for result in zxingcpp.read_barcodes(image):
        if result.format != zxingcpp.BarcodeFormat.QRCode:
            continue
        corners = result.position
        width_px = ((corners.top_right.x - corners.top_left.x) + (corners.bottom_right.x - corners.bottom_left.x)) / 2
        modules = 4 * result_version(result.text) + 17
        found.append((result.text, (width_px + 1) * (modules + 8) / modules / DPI * 25.4))
    return found


def result_version(data: str) -> int:
    from sitegen.render.qr import qr_matrix

    return (len(qr_matrix(data)) - 17) // 4


def all_pdfs(built: Path) -> list[Path]:
    return sorted(built.rglob("*.pdf"))


# --- what the example produces ----------------------------------------------------------


def changed(item) -> set[str]:
    """The months whose board pack holds the item's poster (§12): posted, corrected, or a step or
    progress entry added (dated on or after posting)."""
    dates = [item.posted, *(c.date for c in item.corrections)]
    dates += [entry.date for entry in (*getattr(item, "steps", ()), *getattr(item, "progress", ()))]
    return {f"{day:%Y-%m}" for day in dates if day >= item.posted}


def test_every_published_item_has_a_poster_and_every_village_a_sign_and_packs(built, example_site):
    expected = set()
    for village in example_site.villages:
        expected.add(f"{village.slug}/sign.pdf")
        for item in village.disclosures:
            expected.add(urls.disclosure_path(item) + "poster.pdf")
            expected |= {f"{village.slug}/board/{month}.pdf" for month in changed(item)}
    expected |= {path + "poster.pdf" for path in history.superseded_paths(EXAMPLE, example_site)}  # old versions (§12)
    assert {p.relative_to(built).as_posix() for p in all_pdfs(built)} == expected
    assert len(expected) > 40


def test_pdfs_are_a4_with_only_the_shipped_font_embedded(built):
    for pdf in all_pdfs(built):
        assert page_size(pdf) == A4, pdf
        used = fonts(pdf)
        assert used, pdf
        for font in used:
            assert font["name"].split("+")[-1].startswith(FONT), (pdf, font)  # no system font
            assert (font["emb"], font["sub"], font["uni"]) == ("yes", "yes", "yes"), (pdf, font)
        assert len(run("pdfimages", "-list", str(pdf)).splitlines()) == 2, "no bitmap: the QR code is vector"


def test_nothing_is_printed_within_10_mm_of_the_paper_edge(built):
    """Office printers cannot print to the edge: every word (margin boxes too) stays inside."""
    limit = 10 / 25.4 * 72
    for pdf in all_pdfs(built):
        html = run("pdftotext", "-bbox", str(pdf), "-")
        for page in re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S):
            width, height = float(page[0]), float(page[1])
            for x0, y0, x1, y1 in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', page[2]):
                assert min(float(x0), float(y0), width - float(x1), height - float(y1)) >= limit, pdf


def test_posters_show_what_the_board_needs(built, example_site):
    base = example_site.config.base_url
    for village in example_site.villages:
        for item in village.disclosures:
            pdf = built / urls.disclosure_path(item) / "poster.pdf"
            found = text(pdf)
            assert village.name in found and village.committee in found, pdf
            assert re.sub(r"\s+", "", item.summary) in found, pdf
            assert base + urls.disclosure_path(item) in found, "the URL is printed beside the code"
            assert item.version in found, "the version id the web page shows"
            assert all(name in found for name in item.review.reviewers)
            assert f"{item.posted.year}年{item.posted.month}月{item.posted.day}日" in found
            if item.posted_until:
                assert f"公示期{item.posted:%Y}年{item.posted.month}月{item.posted.day}日至" in found
            assert "审核人签字" in found and "（盖章）" in found
            for contact in village.contacts + example_site.config.contacts:
                assert contact.phone in found
            assert f"第1页共{pages(pdf)}页" in page_texts(pdf)[0]
            assert info(pdf)["CreationDate"].startswith(item.posted.isoformat()), "dates come from the content"
            assert info(pdf)["ModDate"].startswith(item.updated.isoformat())


def test_finance_posters_show_totals_and_uppercase_closing_balance(built, example_site):
    from sitegen.money import format_money, uppercase_yuan

    for village in example_site.villages:
        for statement in village.of("finance"):
            found = text(built / urls.disclosure_path(statement) / "poster.pdf")
            for amount in (statement.opening_balance, statement.income_total, statement.expense_total):
                assert format_money(amount) in found
            assert uppercase_yuan(statement.closing_balance) in found
            for category, amount, count in statement.subtotals(statement.income + statement.expense):
                assert category in found


def test_major_matter_posters_show_votes_and_progress(built, example_site):
    for village in example_site.villages:
        for matter in village.of("major"):
            found = text(built / urls.disclosure_path(matter) / "poster.pdf")
            for step in matter.steps:
                if step.voted:
                    assert f"{step.present}人" in found and f"{step.votes_for}人" in found
            for progress in matter.progress:
                assert re.sub(r"\s+", "", progress.text) in found


def test_rare_name_characters_are_drawn(built):
    assert "王喆" in text(built / "dongtan/affairs/2026-Q3/dibao/poster.pdf")
    every = "".join(text(p) for p in all_pdfs(built))
    assert all(char in every for char in "喆堃玥䶮"), "extractable, so drawn with a real glyph"


def test_the_font_has_every_character_the_theme_prints():
    from sitegen import fonts

    covered = fonts.coverage()
    theme = default_theme()
    for path in [*(theme / "i18n").glob("*.yaml"), *(theme / "poster").glob("*.html")]:
        missing = {c for c in path.read_text("utf-8") if ord(c) > 0x7F and ord(c) not in covered}
        assert not missing, (path.name, missing)


def test_every_qr_code_decodes_to_its_page_and_is_large_enough(built):
    base = "https://cwgk.example.gov.cn/qinghe/"
    jobs = {}
    for pdf in all_pdfs(built):
        relative = pdf.relative_to(built).as_posix()
        if relative.endswith("/poster.pdf"):
            jobs[pdf] = (base + relative[: -len("poster.pdf")], 30)
        elif relative.endswith("/sign.pdf"):
            jobs[pdf] = (base + relative[: -len("sign.pdf")], 90)
    with ThreadPoolExecutor(4) as pool:
        decoded = dict(zip(jobs, pool.map(qr_codes, jobs)))
    for pdf, (url, minimum_mm) in jobs.items():
        ((found, width_mm),) = decoded[pdf]
        assert found == url, pdf
        assert width_mm >= minimum_mm, (pdf, width_mm)


def test_long_statement_keeps_every_voucher(built, example_site):
    (statement,) = [s for v in example_site.villages if v.slug == "dongtan" for s in v.of("finance") if s.period == "2026-10"]
    entries = statement.income + statement.expense
    assert len(entries) == 40
    texts = page_texts(built / "dongtan/finance/2026-10/poster.pdf")
    assert len(texts) >= 2
    for entry in entries:  # every row on exactly one page, whole: voucher, summary and amount together
        row = entry.voucher + re.sub(r"\s+", "", entry.item)
        holding = [t for t in texts if row in t]
        assert len(holding) == 1, entry
        assert f"{entry.amount:,.2f}" in holding[0]
    assert all(f"第{n}页共{len(texts)}页" in t for n, t in enumerate(texts, 1))


def test_a_table_across_pages_repeats_its_head_and_says_continued(tmp_path):
    lines = [f"  - {{date: 2026-10-{1 + n % 28:02d}, voucher: 记-{n + 1:03d}, item: 第{n + 1}笔日常支出, category: 管理费用, amount: 10.00}}" for n in range(90)]
    finance = (
        "period: 2026-10\nposted: 2026-11-05\nsummary: 本月支出九十笔。\n"
        "review: {reviewers: [刘秀英], date: 2026-11-03}\nopening_balance: 1000.00\nclosing_balance: 100.00\n"
        "expense:\n" + "\n".join(lines) + "\n"
    )
    content = write_tree(tmp_path / "content", files(finance=finance))
    out = tmp_path / "out"
    result = build(content, out)
    assert result.ok, result.problems
    texts = page_texts(out / "dongtan/finance/2026-10/poster.pdf")
    assert len(texts) >= 3
    for n in range(90):
        assert sum(f"记-{n + 1:03d}第{n + 1}笔日常支出" in t for t in texts) == 1, n
    continued = [t for t in texts if "续表：支出明细" in t]
    assert texts.index(continued[0]) == 1 and len(continued) >= 2, "every page that goes on with the table"
    for page in continued:
        assert "日期凭证号摘要科目" in page and "金额(元)" in page, "the head row repeats"
    assert "续表" not in texts[0]


def test_sign_carries_village_name_call_to_scan_and_contacts(built, example_site):
    for village in example_site.villages:
        pdf = built / village.slug / "sign.pdf"
        assert pages(pdf) == 1
        found = text(pdf)
        assert village.name in found and "扫码查看村务公开" in found
        assert example_site.config.base_url + village.slug + "/" in found
        for contact in village.contacts + example_site.config.contacts:
            assert contact.phone in found


def test_board_pack_is_the_months_posters_in_one_file(built, example_site):
    for village in example_site.villages:
        months: dict[str, list] = {}
        for item in village.disclosures:
            for month in changed(item):
                months.setdefault(month, []).append(item)
        for month, items in months.items():
            pack = built / village.slug / "board" / f"{month}.pdf"
            parts = sorted(items, key=lambda d: (d.posted, d.kind, urls.disclosure_path(d)))
            poster_pdfs = [built / urls.disclosure_path(d) / "poster.pdf" for d in parts]
            assert pages(pack) == sum(pages(p) for p in poster_pdfs)
            assert page_texts(pack) == tuple(t for p in poster_pdfs for t in page_texts(p)), "the very same pages"
            assert info(pack)["Title"] == f"{village.name}{int(month[:4])}年{int(month[5:])}月公开栏张贴材料"
    (first,) = [code for code, _ in qr_codes(built / "dongtan/board/2026-11.pdf")]
    assert first.startswith("https://cwgk.example.gov.cn/qinghe/dongtan/")


def test_pdfs_link_only_public_urls_and_hold_no_local_path(built):
    for pdf in all_pdfs(built):
        data = pdf.read_bytes()
        assert b"file:" not in data and str(built).encode() not in data and b"/work/" not in data, pdf
    uris = re.findall(rb"/URI \((.*?)\)", (built / "dongtan/finance/2026-10/poster.pdf").read_bytes())
    if uris:  # links may sit in a compressed object stream; qpdf-free check via pdftotext is above
        assert all(u.startswith(b"https://cwgk.example.gov.cn/qinghe/") for u in uris)


def test_pages_link_their_pdfs_with_the_size(built, example_site):
    for village in example_site.villages:
        for item in village.disclosures:
            page = soup(built / urls.disclosure_path(item) / "index.html")
            (link,) = page.select('a[href="poster.pdf"]')
            size = (built / urls.disclosure_path(item) / "poster.pdf").stat().st_size
            assert posters.size_label(size) in link.get_text()
        home = soup(built / village.slug / "index.html")
        hrefs = {a["href"] for a in home.select('a[type="application/pdf"]')}
        assert "sign.pdf" in hrefs and {f"board/{d.posted:%Y-%m}.pdf" for d in village.disclosures} <= hrefs


# --- rendering on purpose -----------------------------------------------------------------


def test_same_content_gives_byte_identical_pdfs(built, example_site, tmp_path):
    """Rendered again in this process without cache: the same bytes as the build's workers made."""
    theme = Theme(default_theme(), example_site.config.locale)
    wanted = {"dongtan/sign.pdf", "dongtan/board/2026-11.pdf", "dongtan/finance/2026-10/poster.pdf"}
    batches = [b for b in poster_plan.plan_posters(example_site, theme) if wanted & {f.path for f in b.files}]
    again = pdf.render_posters(batches, theme, tmp_path / "cache")
    assert again.rendered == len(again.files) >= 3 and not again.warnings
    for path in wanted:
        assert again.files[path] == (built / path).read_bytes(), path


def test_unchanged_posters_come_from_the_cache(tmp_path):
    content = write_tree(tmp_path / "content", files())
    site, _ = check_content(content)
    theme = Theme(default_theme(), site.config.locale)
    cache = tmp_path / "cache"
    plan = poster_plan.plan_posters(site, theme)
    first = pdf.render_posters(plan, theme, cache)
    assert first.rendered == len(first.files) == sum(len(batch.files) for batch in plan) >= 4
    second = pdf.render_posters(poster_plan.plan_posters(site, theme), theme, cache)
    assert second.rendered == 0 and second.files == first.files
    (content / "dongtan/affairs/2026-Q3/dibao.md").write_text(AFFAIRS.replace("现有低保对象1户。", "现有低保对象1户，无变动。"), "utf-8")
    site, _ = check_content(content)
    third = pdf.render_posters(poster_plan.plan_posters(site, theme), theme, cache)
    assert third.rendered == 2, "only the changed poster and its month's pack"


def test_a_layout_is_let_go_once_no_file_still_to_write_prints_it(tmp_path):
    """Layouts are kept only for the files still to come (a village's layouts kept to its end were
    most of a worker's memory), yet each document is laid out once: a poster that is in a month's
    pack and also in a later batch keeps its layout until then. Same PDFs as rendered with every
    layout kept."""
    site, _ = check_content(write_tree(tmp_path / "content", files()))
    theme = Theme(default_theme(), site.config.locale)
    held: list[tuple[set[bytes], frozenset[bytes], int]] = []

    def watching(tasks, sheet):
        for task, outputs in zip(tasks, pdf.run_here(tasks, sheet)):
            held.append((set(pdf._WORKER["laid_out"]), task.later, len(task.files)))
            yield outputs

    watched = pdf.render_posters(poster_plan.plan_posters(site, theme), theme, tmp_path / "cache", run=watching)
    assert len(held) >= 3 and sum(count for _, _, count in held) == watched.rendered == len(watched.files)
    assert all(kept <= later for kept, later, _ in held), "a layout no later task prints is still held"
    assert any(later for _, later, _ in held[:-1]) and not held[-1][1]
    kept_all = pdf.render_posters(poster_plan.plan_posters(site, theme), theme, tmp_path / "other-cache", run=lambda tasks, sheet: pdf.run_here([dataclasses.replace(t, later=frozenset(pdf.same_document(d) for d in t.docs)) for t in tasks], sheet))
    assert kept_all.files == watched.files


def test_rendering_in_this_process_leaves_the_cache_keys_of_later_villages_alone(tmp_path, monkeypatch):
    """Posters of a village task render in the build's own process; the content date they write
    with must not stay in the environment, where it would change every later cache key."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    site, _ = check_content(write_tree(tmp_path / "content", files()))
    theme = Theme(default_theme(), site.config.locale)
    before = pdf.engine_fingerprint(theme)
    first = pdf.render_posters(poster_plan.plan_posters(site, theme), theme, tmp_path / "cache")
    assert first.rendered and "SOURCE_DATE_EPOCH" not in os.environ and pdf.engine_fingerprint(theme) == before
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1893456000")  # a CI that sets it per commit: same key, same bytes
    assert pdf.engine_fingerprint(theme) == before
    again = pdf.render_posters(poster_plan.plan_posters(site, theme), theme, tmp_path / "fresh-cache")
    assert again.rendered == first.rendered and again.files == first.files


def test_an_edit_renders_the_html_of_its_months_posters_only(tmp_path, monkeypatch):
    """Unchanged posters are found in the cache by their input key, without rendering HTML.
    (Previews, so the edit without a correction is not a silent change of a published item.)"""
    content, cache, theme = write_tree(tmp_path / "content", files()), tmp_path / "cache", tmp_path / "theme"
    shutil.copytree(default_theme(), theme)
    assert build(content, tmp_path / "out", theme, cache_dir=cache, jobs=1, record_urls=False).ok
    made: list[str] = []
    real = poster_plan.context
    monkeypatch.setattr(poster_plan, "context", lambda site, theme, page_path, **extra: made.append(page_path) or real(site, theme, page_path, **extra))
    (content / "dongtan/affairs/2026-Q3/dibao.md").write_text(AFFAIRS.replace("现有低保对象1户。", "现有低保对象1户，无变动。"), "utf-8")
    assert build(content, tmp_path / "out", theme, cache_dir=cache, jobs=1, record_urls=False).ok
    october = {"dongtan/affairs/2026-Q3/dibao/"}  # the only item posted in 2026-10: its poster and pack
    assert set(made) == october
    made.clear()
    sign = theme / "poster" / "sign.html"
    sign.write_text(sign.read_text("utf-8") + "{# v2 #}\n", "utf-8")
    assert build(content, tmp_path / "out", theme, cache_dir=cache, jobs=1, record_urls=False).ok  # a poster template: every HTML again
    assert set(made) == october | {"dongtan/", "dongtan/finance/2026-10/", "dongtan/major/2026-road/"}


def test_a3_when_the_site_asks_for_it(tmp_path):
    content = write_tree(tmp_path / "content", files(site=SITE + "poster:\n  size: A3\n"))
    out = tmp_path / "out"
    assert build(content, out).ok
    poster = out / "dongtan/finance/2026-10/poster.pdf"
    assert page_size(poster) == A3 and page_size(out / "dongtan/sign.pdf") == A3
    ((url, width_mm),) = qr_codes(poster)
    assert url == "https://cwgk.example.gov.cn/ceshi/dongtan/finance/2026-10/" and width_mm >= 45


def test_missing_glyph_is_a_located_error(tmp_path):
    rare = AFFAIRS.replace("[王某某, 第三组", "[王𪚥, 第三组")
    content = write_tree(tmp_path / "content", files(affairs=rare))
    _, problems = check_content(content)
    (problem,) = [p for p in problems if p.code == "glyph-missing"]
    line = rare.splitlines().index("      - [王𪚥, 第三组, 3, 1260.00]") + 1
    assert (problem.path, problem.line, problem.col) == (f"{content.as_posix()}/dongtan/affairs/2026-Q3/dibao.md", line, 11)
    assert "𪚥" in problem.message and "U+2A6A5" in problem.message
    result = build(content, tmp_path / "out")
    assert not result.ok and not (tmp_path / "out").exists()


def test_no_posters_skips_every_pdf_and_link(tmp_path):
    from sitegen.cli import main

    content = write_tree(tmp_path / "content", files())
    out = tmp_path / "out"
    assert main(["build", str(content), "-o", str(out), "--no-posters"]) == 0
    assert not list(out.rglob("*.pdf"))
    assert not soup(out / "dongtan/finance/2026-10/index.html").select('a[href$=".pdf"]')


def test_poster_template_error_is_located(tmp_path):
    import shutil

    theme = tmp_path / "theme"
    shutil.copytree(default_theme(), theme)
    template = theme / "poster/finance.html"
    lines = template.read_text("utf-8").splitlines()
    line = lines.index("{% block content %}") + 2
    lines.insert(line - 1, "{{ no_such_variable }}")
    template.write_text("\n".join(lines) + "\n", "utf-8")
    result = build(write_tree(tmp_path / "content", files()), tmp_path / "out", theme)
    (problem,) = result.problems
    assert problem.code == "template" and problem.path.endswith("poster/finance.html") and problem.line == line
    assert not (tmp_path / "out").exists()


def test_refuses_to_render_without_harfbuzz_subset(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "harfbuzz_subset_loaded", lambda: False)
    content = write_tree(tmp_path / "content", files())
    result = build(content, tmp_path / "out")
    assert not result.ok and not (tmp_path / "out").exists()
    (problem,) = result.problems
    assert problem.code == "poster-setup" and "libharfbuzz-subset0" in problem.message
    assert build(content, tmp_path / "out", posters=False).ok, "--no-posters still builds the site"


def test_refuses_to_render_without_the_font(tmp_path, monkeypatch):
    import shutil

    monkeypatch.setenv("SITEGEN_FONT_DIR", str(tmp_path / "no-fonts"))  # nor in the per-user folder
    theme = tmp_path / "theme"
    shutil.copytree(default_theme(), theme, ignore=shutil.ignore_patterns("*.ttf"))
    content = write_tree(tmp_path / "content", files())
    result = build(content, tmp_path / "out", theme)
    assert not result.ok
    errors = [p for p in result.problems if p.severity == "error"]  # and a glyph-missing warning: no font to check with
    assert {p.code for p in errors} == {"poster-setup"}
    assert all("请先运行 sitegen fonts" in p.message for p in errors)


@pytest.mark.parametrize("pattern, expected", [("第{page}页 共{pages}页", '"第" counter(page) "页 共" counter(pages) "页"')])
def test_page_counter_pattern_becomes_css(pattern, expected):
    assert poster_plan.css_counters(pattern) == expected
    assert poster_plan.css_string('a"b\\c') == '"a\\22 b\\5c c"'
