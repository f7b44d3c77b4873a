"""Board photos (公开栏照片, contract §14.4): a record of the board, not a disclosure.

Each test runs the real program on real files: the example township (xiwang has a postings file
with two drawn photos, one carrying fake EXIF with a GPS position), or a small content folder.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
from pathlib import Path

import pytest
from conftest import EXAMPLE, write_tree
from helpers import soup
from PIL import Image, PngImagePlugin
from sample import files
from test_init import FILLED, fill

from sitegen import cli, new
from sitegen.build import build
from sitegen.rules import check_content

GPS = 0x8825
AS_OF = dt.date(2026, 12, 2)


def photo(size=(800, 600), kind="JPEG", exif: bool = False, text: str | None = None) -> bytes:
    image = Image.new("RGB", size, (40, 90, 150))
    options = {}
    if exif:
        data = Image.Exif()
        data[0x0110] = "ExamplePhone 12"  # camera model
        data.get_ifd(GPS).update({1: "N", 2: (37.0, 41.0, 24.5), 3: "E", 4: (118.0, 7.0, 51.2)})
        options["exif"] = data
    if text:
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", text)
        info.add_itxt("Location", text)
        options["pnginfo"] = info
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


POSTING = "date: 2026-11-10\nphotos:\n  - files/board-a.jpg\n  - files/board-b.png\nnote: 10月财务收支公开已上墙。\n"


def tree(posting: str = POSTING, **extra: str | bytes) -> dict:
    return {
        **files(),
        "dongtan/postings/2026-11.yaml": posting,
        "dongtan/files/board-a.jpg": photo((3000, 2250), exif=True),
        "dongtan/files/board-b.png": photo((1200, 900), "PNG", text="拍摄于村委会大院 13853412345"),
        **extra,
    }


def problems_of(tmp_path: Path, content: dict) -> set[tuple[str, int, int, str]]:
    _, problems = check_content(write_tree(tmp_path / "content", content), AS_OF)
    return {(p.path.split("content/")[-1], p.line, p.col, p.code) for p in problems}


# --- the example -------------------------------------------------------------------------


def test_the_example_postings_page_shows_the_published_photos_with_their_sizes(built):
    page = soup(built / "xiwang/postings/2026-11/index.html")
    images = page.select(".board-photos img")
    assert len(images) == 2
    for img in images:
        published = (built / "xiwang/postings/2026-11" / img["src"]).resolve()
        assert published.parent == (built / "xiwang/files").resolve() and published.is_file()
        with Image.open(published) as image:
            assert (int(img["width"]), int(img["height"])) == image.size
        assert img["alt"] == "公开栏照片" and img["loading"] == "lazy"
        assert img.find_parent("a")["href"] == img["src"], "a tap opens the full copy"
    text = page.get_text()
    assert "2026年11月10日" in text and "10月财务收支公开已于11月9日上墙" in text
    assert "版本" not in text and "审核" not in text, "a record has no version and no review"


def test_the_example_photo_loses_its_exif_and_gps_when_published(built):
    original = EXAMPLE / "xiwang/files/board-2026-11-a.jpg"
    with Image.open(original) as image:
        assert image.getexif().get_ifd(GPS), "the example's source photo carries a GPS position"
    with Image.open(built / "xiwang/files/board-2026-11-a.jpg") as image:
        assert not image.getexif() and "exif" not in image.info and "icc_profile" not in image.info
    assert b"ExamplePhone" in original.read_bytes()
    assert b"ExamplePhone" not in (built / "xiwang/files/board-2026-11-a.jpg").read_bytes()


def test_the_village_home_has_a_board_photos_section(built):
    page = soup(built / "xiwang/index.html")
    section = page.find(id="kind-postings-h").find_parent("section")
    link = section.select_one("a.item")
    assert link["href"] == "postings/2026-11/" and "2026年11月公开栏照片" in link.get_text()
    assert "2张照片" in section.get_text()


def test_postings_have_no_poster_and_stay_out_of_board_packs_feeds_and_data(built):
    assert not (built / "xiwang/postings/2026-11/poster.pdf").exists()
    pack = built / "xiwang/board/2026-11.pdf"
    assert pack.is_file(), "November's board pack exists (October's statement went up then)"
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pack), "-"], capture_output=True, text=True, check=True).stdout
    assert "财务收支公开" in text and "公开栏照片" not in text
    for feed in ("feed.xml", "xiwang/feed.xml"):
        assert "postings" not in (built / feed).read_text("utf-8")
    data = json.loads((built / "xiwang/data.json").read_text("utf-8"))
    assert data["items"] and all(item["kind"] != "postings" for item in data["items"])
    assert "xiwang/postings/2026-11/</loc>" in (built / "sitemap.xml").read_text("utf-8")


def test_the_clean_check_counts_board_photos_apart_from_disclosures(capsys):
    assert cli.main(["check", str(EXAMPLE)]) == 0
    line = capsys.readouterr().err.splitlines()[-1]
    assert "长期公开 16 份，积分制 2 份），公开栏照片 1 份，没有错误" in line


def test_the_clock_reads_postings_by_month_date_and_photos(example_site):
    xiwang = next(v for v in example_site.villages if v.slug == "xiwang")
    (record,) = xiwang.of("postings")
    assert (record.month, record.date, record.photos) == ("2026-11", dt.date(2026, 11, 10), ("files/board-2026-11-a.jpg", "files/board-2026-11-b.jpg"))
    assert record not in xiwang.disclosures and record not in xiwang.items


# --- publishing photos ---------------------------------------------------------------------


def test_published_photos_are_stripped_and_at_most_1600_px(tmp_path):
    content = write_tree(tmp_path / "content", tree())
    result = build(content, tmp_path / "out", posters=False, as_of=AS_OF, record_urls=False)
    assert result.ok, result.problems
    with Image.open(tmp_path / "out/dongtan/files/board-a.jpg") as image:
        assert image.size == (1600, 1200) and not image.getexif() and "exif" not in image.info
    with Image.open(tmp_path / "out/dongtan/files/board-b.png") as image:
        assert image.size == (1200, 900) and not image.getexif()
        assert not (set(image.info) & {"Comment", "Location", "exif", "icc_profile"})
    assert b"13853412345" in (content / "dongtan/files/board-b.png").read_bytes(), "the source's text chunks hold it"
    assert b"13853412345" not in (tmp_path / "out/dongtan/files/board-b.png").read_bytes()
    page = soup(tmp_path / "out/dongtan/postings/2026-11/index.html")
    assert [(img["width"], img["height"]) for img in page.select(".board-photos img")] == [("1600", "1200"), ("1200", "900")]


def test_a_replaced_photo_changes_the_page_of_an_unchanged_record(tmp_path):
    """The page shows each photo's size: a new photo under the same name must re-render it."""
    content = write_tree(tmp_path / "content", tree())
    assert build(content, tmp_path / "out", posters=False, as_of=AS_OF, record_urls=False).ok
    (content / "dongtan/files/board-b.png").write_bytes(photo((900, 1200), "PNG"))
    assert build(content, tmp_path / "out", posters=False, as_of=AS_OF, record_urls=False).ok
    page = soup(tmp_path / "out/dongtan/postings/2026-11/index.html")
    assert [(img["width"], img["height"]) for img in page.select(".board-photos img")][1] == ("900", "1200")


def test_the_home_lists_the_latest_month_first_and_every_month(tmp_path):
    content = tree()
    content["dongtan/postings/2026-10.yaml"] = "date: 2026-10-09\nphotos: [files/board-a.jpg]\n"
    assert build(write_tree(tmp_path / "content", content), tmp_path / "out", posters=False, as_of=AS_OF, record_urls=False).ok
    section = soup(tmp_path / "out/dongtan/index.html").find(id="kind-postings-h").find_parent("section")
    latest, *months = [a["href"] for a in section.select("a.item")]
    assert latest == "postings/2026-11/" and months == ["postings/2026-11/", "postings/2026-10/"]
    assert "2张照片" in section.select_one("a.item").get_text() and "共2个月" in section.get_text()


# --- located problems ----------------------------------------------------------------------


def test_a_missing_photo_is_located_at_its_list_entry(tmp_path):
    posting = POSTING.replace("files/board-b.png", "files/board-c.jpg")
    assert ("dongtan/postings/2026-11.yaml", 4, 5, "file-missing") in problems_of(tmp_path, tree(posting))


@pytest.mark.parametrize("entry", ["../dongtan/village.yaml", "../files/board-b.png", "https://example.com/x.jpg", "/etc/x.jpg", "files/"])
def test_a_photo_outside_files_is_a_slug_error_at_its_entry(tmp_path, entry):
    """Written relative to the postings file, a web address or a site path: never silently dropped."""
    found = problems_of(tmp_path, tree(POSTING.replace("files/board-b.png", entry)))
    assert [where for where in found if where[0].startswith("dongtan/postings")] == [("dongtan/postings/2026-11.yaml", 4, 5, "slug")]


def test_a_photo_name_with_a_space_is_an_address_on_the_page(tmp_path):
    content = tree(POSTING.replace("files/board-b.png", "files/11月/board%20b.png"))
    content["dongtan/files/11月/board b.png"] = content.pop("dongtan/files/board-b.png")
    assert build(write_tree(tmp_path / "content", content), tmp_path / "out", posters=False, as_of=AS_OF, record_urls=False).ok
    img = soup(tmp_path / "out/dongtan/postings/2026-11/index.html").select(".board-photos img")[1]
    assert img["src"] == "../../files/11%E6%9C%88/board%20b.png" and (tmp_path / "out/dongtan/files/11月/board b.png").is_file()


def test_a_listed_file_that_is_no_image_is_a_file_type_error(tmp_path):
    posting = POSTING.replace("files/board-b.png", "files/notes.txt")
    found = problems_of(tmp_path, tree(posting, **{"dongtan/files/notes.txt": "11月公开栏已更新。\n"}))
    assert ("dongtan/postings/2026-11.yaml", 4, 5, "file-type") in found


def test_a_document_renamed_jpg_is_a_file_type_error(tmp_path):
    docx = b"PK\x03\x04" + b"\0" * 200  # a .docx is a zip archive
    found = problems_of(tmp_path, tree(**{"dongtan/files/board-a.jpg": docx}))
    assert ("dongtan/files/board-a.jpg", 1, 1, "file-type") in found


def test_disclosure_fields_are_refused_at_their_key(tmp_path):
    posting = POSTING + "posted: 2026-11-10\nreview:\n  reviewers: [刘秀英]\n  date: 2026-11-09\n"
    found = problems_of(tmp_path, tree(posting))
    assert {("dongtan/postings/2026-11.yaml", 6, 1, "schema"), ("dongtan/postings/2026-11.yaml", 7, 1, "schema")} <= found
    _, problems = check_content(tmp_path / "content", AS_OF)
    assert any("posted 是公开内容的字段" in p.message for p in problems)


@pytest.mark.parametrize(("key", "hint"), [("author", "（可用的键：date、photos、note）"), ("photo", "是不是要写 photos？")])
def test_an_unknown_key_is_offered_only_the_three_fields(tmp_path, key, hint):
    _, problems = check_content(write_tree(tmp_path / "content", tree(POSTING + f"{key}: x\n")), AS_OF)
    (problem,) = [p for p in problems if "不认识的键" in p.message]
    assert problem.message.endswith(hint) and (problem.line, problem.col) == (6, 1)


@pytest.mark.parametrize("date", ["2026-11-31", "11月10日", "[2026-11-10]"])
def test_a_bad_date_is_a_schema_error_at_the_date(tmp_path, date):
    assert ("dongtan/postings/2026-11.yaml", 1, 7, "schema") in problems_of(tmp_path, tree(POSTING.replace("2026-11-10", date)))


def test_a_date_outside_the_files_month_is_period_mismatch(tmp_path):
    found = problems_of(tmp_path, tree(POSTING.replace("2026-11-10", "2026-12-01")))
    assert ("dongtan/postings/2026-11.yaml", 1, 7, "period-mismatch") in found


@pytest.mark.parametrize("name", ["2026-13.yaml", "november.yaml", "2026-11.yml"])
def test_a_file_not_named_by_its_month_is_unknown(tmp_path, name):
    content = tree()
    content[f"dongtan/postings/{name}"] = content.pop("dongtan/postings/2026-11.yaml")
    assert (f"dongtan/postings/{name}", 1, 1, "unknown-file") in problems_of(tmp_path, content)


def test_an_empty_photo_list_and_a_personal_number_in_the_note_are_refused(tmp_path):
    posting = "date: 2026-11-10\nphotos: []\nnote: 有事请找王会计 13853412345\n"
    found = {code for *_, code in problems_of(tmp_path, tree(posting))}
    assert {"schema", "privacy-phone"} <= found


# --- sitegen new standing / new postings -----------------------------------------------------


@pytest.fixture
def repo(tmp_path) -> Path:
    assert cli.main(["init", str(tmp_path / "repo"), "--village", "dongtan", "--period", "2026-11"]) == 0
    content = tmp_path / "repo" / "content"
    fill(content)
    assert check_content(content)[1] == []
    return content


def test_new_standing_names_the_catalogue_entry_and_passes_check_once_filled(repo):
    assert cli.main(["new", "standing", "dongtan", "rules", "village-rules", "--content", str(repo)]) == 0
    text = (repo / "dongtan/standing/rules.md").read_text("utf-8")
    assert "title: 村规民约" in text and "item: village-rules" in text
    assert {p.code for p in check_content(repo)[1]} == {"schema"}, "only the places left for the clerk"
    assert sorted(fill(repo, FILLED, "rules.md")) == ["date", "posted", "reviewers", "summary"]
    assert check_content(repo)[1] == []


def test_new_standing_refuses_an_item_that_is_not_standing(repo, capsys):
    assert cli.main(["new", "standing", "dongtan", "x", "dibao", "--content", str(repo)]) == 1
    assert "不是长期公开事项" in capsys.readouterr().err and not (repo / "dongtan/standing").exists()


def test_new_postings_lists_the_months_photos_and_passes_check_once_filled(repo):
    (repo / "dongtan/files").mkdir()
    (repo / "dongtan/files/IMG_20261106_0941.jpg").write_bytes(photo())
    (repo / "dongtan/files/IMG_20261005_1200.jpg").write_bytes(photo())  # October's: not listed
    path = new.new_postings(repo, "dongtan", "2026-11", dt.date(2026, 11, 20))
    text = path.read_text("utf-8")
    assert "date: 2026-11-20" in text and "- files/IMG_20261106_0941.jpg" in text and "20261005" not in text
    assert check_content(repo, AS_OF)[1] == []


def test_new_postings_of_an_earlier_month_leaves_date_and_photos_to_fill(repo):
    path = new.new_postings(repo, "dongtan", "2026-10", dt.date(2026, 11, 20))
    assert {p.code for p in check_content(repo, AS_OF)[1]} == {"schema"}
    (repo / "dongtan/files").mkdir()
    (repo / "dongtan/files/board.jpg").write_bytes(photo())
    assert sorted(fill(repo, {"date": "2026-10-08", "photos": "[files/board.jpg]"}, path.name)) == ["date", "photos"]
    assert check_content(repo, AS_OF)[1] == []


@pytest.mark.parametrize("args", [("standing", "dongtan", "rules", "village-rules"), ("postings", "dongtan", "2026-11")])
def test_new_never_overwrites(repo, args, capsys):
    assert cli.main(["new", *args, "--content", str(repo)]) == 0
    written = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}
    capsys.readouterr()
    assert cli.main(["new", *args, "--content", str(repo)]) == 1
    assert "已存在，没有覆盖" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()} == written
