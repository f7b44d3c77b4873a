"""Attachments under files/: what is published, how pages link it, and what a photo loses on the way."""

from __future__ import annotations

import io
import posixpath
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest
from bs4 import BeautifulSoup
from conftest import write_tree
from PIL import Image
from sample import AFFAIRS, files

from sitegen.build import build
from sitegen.cli import main
from sitegen.rules import check_content

GPS_IFD = 0x8825


def photo(width: int = 4000, height: int = 3000, orientation: int = 6) -> bytes:
    """A phone photo: big, sideways (EXIF orientation), with camera, GPS and XMP metadata."""
    image = Image.new("RGB", (width, height), (180, 120, 60))
    image.paste((20, 40, 200), (0, 0, width // 4, height // 4))  # a blue corner shows which way is up
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "HUAWEI", "P60 Pro", orientation
    exif[GPS_IFD] = {1: "N", 2: (36.0, 30.0, 10.0), 3: "E", 4: (118.0, 20.0, 5.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), xmp=b"<x:xmpmeta>GPS 36.5N</x:xmpmeta>", quality=90)
    return out.getvalue()


def site_with(tmp_path: Path, body: str, extra: dict[str, str | bytes], name: str = "content") -> Path:
    tree = {**files(affairs=AFFAIRS.replace("依据有关规定公示。", body)), **extra}
    return write_tree(tmp_path / name, tree)


def image_sources(page: Path, site_root: Path) -> list[Path]:
    """Each <img src> of a built page, resolved against the page's own address into the output folder."""
    soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    page_url = "/" + page.parent.relative_to(site_root).as_posix() + "/"
    return [site_root / unquote(urljoin(page_url, img["src"])).lstrip("/") for img in soup.select(".prose img")]


def test_a_photo_is_published_upright_small_and_without_metadata(tmp_path):
    content = site_with(tmp_path, "公示照片：\n\n![公开栏](../../files/board.jpg)", {"dongtan/files/board.jpg": photo()})
    out = tmp_path / "output"
    result = build(content, out, posters=False)
    assert result.ok, result.problems
    page = out / "dongtan/affairs/2026-Q3/dibao/index.html"
    (published,) = image_sources(page, out)
    assert published == out / "dongtan/files/board.jpg"
    with Image.open(published) as image:
        assert max(image.size) <= 1600
        assert image.size == (1200, 1600)  # orientation 6 applied: the sideways 4000×3000 stands up
        assert dict(image.getexif()) == {}
        assert not {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile"} & set(image.info)
        assert image.getpixel((1199 - 10, 10))[2] > 150  # the blue corner went to the top right
    data = published.read_bytes()
    assert b"HUAWEI" not in data and b"GPS" not in data and b"xmpmeta" not in data
    again = tmp_path / "again"
    assert build(site_with(tmp_path, "公示照片：\n\n![公开栏](../../files/board.jpg)", {"dongtan/files/board.jpg": photo()}, "copy"), again, posters=False).ok
    assert (again / "dongtan/files/board.jpg").read_bytes() == data  # same photo, same bytes


def test_only_files_that_published_items_link_are_published(tmp_path):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
    road = files()["dongtan/major/2026-road.md"].replace("公开招标。", "公开招标。[中标通知书](../files/award.pdf#page=2)")
    extra = {"dongtan/major/2026-road.md": road, "dongtan/files/award.pdf": pdf, "dongtan/files/unused.jpg": photo(40, 30)}
    content = write_tree(tmp_path / "content", {**files(), **extra})
    out = tmp_path / "output"
    assert build(content, out, posters=False).ok
    assert sorted(p.name for p in (out / "dongtan/files").iterdir()) == ["award.pdf"]
    assert (out / "dongtan/files/award.pdf").read_bytes() == pdf  # a PDF as it is
    soup = BeautifulSoup((out / "dongtan/major/2026-road/index.html").read_text("utf-8"), "html.parser")
    link = soup.find("a", string="中标通知书")
    assert link["href"] == "../../files/award.pdf#page=2"
    assert posixpath.normpath(posixpath.join("dongtan/major/2026-road", link["href"].split("#")[0])) == "dongtan/files/award.pdf"


def test_a_chinese_file_name_is_linked_percent_encoded(tmp_path):
    content = site_with(tmp_path, "![照片](../../files/公开栏%20照片.png)", {"dongtan/files/公开栏 照片.png": _png()})
    out = tmp_path / "output"
    assert build(content, out, posters=False).ok
    (published,) = image_sources(out / "dongtan/affairs/2026-Q3/dibao/index.html", out)
    assert published == out / "dongtan/files/公开栏 照片.png" and published.is_file()


def _png() -> bytes:
    image = Image.new("RGB", (3200, 800), (0, 128, 0))
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=_text_chunk())
    return out.getvalue()


def _text_chunk():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "拍摄者 王某某")
    return info


def test_png_text_chunks_are_dropped(tmp_path):
    content = site_with(tmp_path, "![图](../../files/map.png)", {"dongtan/files/map.png": _png()})
    out = tmp_path / "output"
    assert build(content, out, posters=False).ok
    with Image.open(out / "dongtan/files/map.png") as image:
        assert image.size == (1600, 400)
        assert "Comment" not in image.info and not image.text


def test_a_poster_prints_the_same_processed_photo(tmp_path):
    content = site_with(tmp_path, "![公开栏](../../files/board.jpg)", {"dongtan/files/board.jpg": photo(800, 600, 1)})
    out = tmp_path / "output"
    assert build(content, out, posters=True).ok
    poster = (out / "dongtan/affairs/2026-Q3/dibao/poster.pdf").read_bytes()
    assert b"/DCTDecode" in poster  # the JPEG is embedded, not fetched from the web address
    assert (out / "dongtan/files/board.jpg").read_bytes() in poster  # the very bytes the web shows
    assert b"HUAWEI" not in poster


def test_a_large_file_a_symlink_and_a_dotdot_name_are_refused(tmp_path):
    content = site_with(tmp_path, "见附件。", {"dongtan/files/scan.pdf": b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)})
    (content / "dongtan/files/link.jpg").symlink_to(content / "site.yaml")
    (content / "dongtan/files/..hidden.jpg").write_bytes(b"x")
    _, problems = check_content(content)
    prefix = content.as_posix() + "/"
    assert [(p.path.removeprefix(prefix), p.line, p.col, p.code) for p in problems] == [
        ("dongtan/files/..hidden.jpg", 1, 1, "slug"),
        ("dongtan/files/link.jpg", 1, 1, "slug"),
        ("dongtan/files/scan.pdf", 1, 1, "file-size"),
    ]
    assert "10 MB" in problems[2].message


def test_a_damaged_photo_is_a_located_problem_not_a_crash(tmp_path):
    content = site_with(tmp_path, "![照片](../../files/board.jpg)", {"dongtan/files/board.jpg": photo(400, 300)[:600]})
    out = tmp_path / "output"
    result = build(content, out, posters=False)
    assert not result.ok
    assert [(Path(p.path).name, p.code) for p in result.problems] == [("board.jpg", "file-type")]
    assert not out.exists()


def test_privacy_command_walks_folders_and_reads_names(tmp_path, capsys):
    folder = write_tree(tmp_path / "files", {
        "13853412345.jpg": photo(20, 20),  # a phone number in a name, a binary content never decoded
        "sub/list.csv": "户主,身份证\n王某某,11010519491231002X\n",
        "clean.txt": "监督电话 0543-7321001\n",
    })
    assert main(["privacy", str(folder)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(": ")[0] + ": " + line.split(": ")[1].split("]")[0] + "]" for line in lines] == [
        f"{folder.as_posix()}/13853412345.jpg:1:1: error[privacy-phone]",
        f"{folder.as_posix()}/sub/list.csv:2:5: error[privacy-id]",
    ]
    assert "文件名" in lines[0]


@pytest.mark.parametrize("name", ["x.svg", "x.htm", "x.js", "x.docx", "x.zip", "README"])
def test_types_that_cannot_be_published(tmp_path, name):
    content = site_with(tmp_path, "无", {f"dongtan/files/{name}": "<svg onload=alert(1)/>"})
    _, problems = check_content(content)
    assert [(Path(p.path).name, p.code) for p in problems] == [(name, "file-type")]


def test_a_link_shown_as_code_is_not_a_reference(tmp_path):
    body = "写法示例：`![照片](../../files/示例.jpg)`\n\n```\n[扫描件](../../files/示例.pdf)\n```\n"
    _, problems = check_content(site_with(tmp_path, body, {}))
    assert problems == []


def test_a_huge_image_is_refused_in_chinese_without_a_warning(tmp_path, capfd):
    big = io.BytesIO()
    Image.new("1", (10000, 10000)).save(big, "PNG")  # 100 megapixels in a few kilobytes
    content = site_with(tmp_path, "![图](../../files/map.png)", {"dongtan/files/map.png": big.getvalue()})
    _, problems = check_content(content)
    assert [(Path(p.path).name, p.code) for p in problems] == [("map.png", "file-size")]
    assert "Warning" not in capfd.readouterr().err


def test_a_utf16_text_attachment_is_refused_not_waved_through(tmp_path):
    """Excel's "Unicode text" is UTF-16: a NUL after every digit would hide an ID from the guard."""
    listing = "户主,身份证\n王某某,11010519491231002X\n".encode("utf-16")
    _, problems = check_content(site_with(tmp_path, "无", {"dongtan/files/list.csv": listing}))
    assert [(Path(p.path).name, p.line, p.code) for p in problems] == [("list.csv", 1, "encoding")]


def test_a_files_folder_that_is_a_symlink_is_refused(tmp_path):
    content = site_with(tmp_path, "无", {"dongtan/scans/a.pdf": b"%PDF-1.4\n"})
    (content / "dongtan/files").symlink_to(content / "dongtan/scans")
    _, problems = check_content(content)
    prefix = content.as_posix() + "/"
    assert ("dongtan/files", "slug") in [(p.path.removeprefix(prefix), p.code) for p in problems]


def test_privacy_walk_skips_hidden_folders(tmp_path, capsys):
    folder = write_tree(tmp_path / "content", {".git/objects/ab": "11010519491231002X", "ok.md": "无\n"})
    assert main(["privacy", str(folder)]) == 0


def test_a_file_name_with_a_line_break_cannot_split_the_report(tmp_path, capsys):
    content = site_with(tmp_path, "无", {"dongtan/files/a\nb.jpg": photo(20, 20), "dongtan/files/c\u200bd.pdf": b"%PDF-1.4\n"})
    assert main(["check", str(content)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2 and all(": error[slug]: " in line for line in lines)
    assert all(line.startswith(f"{content.as_posix()}/dongtan/files:1:1:") for line in lines)
