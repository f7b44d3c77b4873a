"""Attachments (contract §15): what may sit in `<village>/files/`, how items refer to it, how it is published.

A clerk drops scans and phone photos into `files/` and links them from an item's Markdown, written
relative to the item's file as an editor's preview resolves it (`../files/x.jpg` from `major/`,
`../../files/x.jpg` from `affairs/2026-Q3/`). Only referenced files of published items are
published, at `<village>/files/<name>`:

- images (jpg, jpeg, png, webp, gif) re-encoded with Pillow: EXIF orientation applied, then every
  piece of metadata dropped (EXIF with GPS position and camera, XMP, ICC, thumbnails, text chunks),
  at most 1,600 px on the long side, with fixed encoder settings so the same photo gives the same
  bytes; an animated GIF keeps its first frame;
- PDFs and plain text (txt, csv, md, json) as they are, once the privacy guard passed them;
- anything else is refused (`file-type`): office files and archives cannot be checked for personal
  data, and active formats (html, svg, xml, js) would run script on the site's own origin.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import os
import posixpath
import re
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import unquote

from . import kinds, links, privacy
from .problems import Problem, error
from .text import line_col

FOLDER = "files"
IMAGES = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP", ".gif": "GIF"}
PUBLISHED_AS_IS = {".pdf", ".txt", ".csv", ".md", ".json"}
ACTIVE = {".html", ".htm", ".xhtml", ".svg", ".xml", ".js", ".mjs"}
TEXT = {".txt", ".csv", ".md", ".json", ".xml", ".html", ".htm", ".xhtml", ".svg"}  # privacy-scanned content
MAX_BYTES = 10 * 1024 * 1024
MAX_SIDE = 1600
MAX_PIXELS = 60_000_000  # a 60-megapixel photo is plenty; more is a decompression bomb, not a scan
JPEG_QUALITY = 85


# --- the folder -------------------------------------------------------------------------


def scan_folder(folder: Path, shown: Callable[[Path], str]) -> tuple[tuple[str, ...], list[Problem]]:
    """Every file under `files/` (names relative to it) and its problems; `shown` names a path for the clerk."""
    names: list[str] = []
    problems: list[Problem] = []

    def walk(directory: Path, prefix: str) -> None:
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            problems.append(error(shown(directory), 1, 1, "encoding", f"无法读取文件夹（{exc.strerror}）"))
            return
        for entry in entries:
            path, name = directory / entry.name, prefix + entry.name
            if any(unicodedata.category(c) in ("Cc", "Cf") for c in entry.name):  # a line break would split the report
                escaped = entry.name.encode("unicode_escape").decode("ascii")
                problems.append(error(shown(directory), 1, 1, "slug", f"文件名“{escaped}”里有换行、控制字符或看不见的字符，请重新命名"))
                continue
            problems.extend(name_problems(shown(path), entry.name))
            if entry.name.startswith(".."):
                problems.append(error(shown(path), 1, 1, "slug", f"文件名“{entry.name}”不能以 .. 开头"))
            elif entry.name.startswith("."):
                continue
            elif entry.is_symlink():
                problems.append(error(shown(path), 1, 1, "slug", f"files 文件夹里不能放链接（符号链接）“{entry.name}”，请放入文件本身"))
            elif entry.is_dir():
                walk(path, name + "/")
            elif entry.is_file():
                names.append(name)
                try:
                    problems.extend(check_file(path, shown(path)))
                except OSError as exc:
                    problems.append(error(shown(path), 1, 1, "encoding", f"无法读取文件（{exc.strerror}）"))
            else:
                problems.append(error(shown(path), 1, 1, "file-type", f"“{entry.name}”不是普通文件"))

    walk(folder, "")
    return tuple(names), problems


def name_problems(path: str, name: str) -> list[Problem]:
    """A resident ID or phone number in a file name is published in the address: the guard reads names too."""
    return [
        error(path, 1, 1, p.code, f"文件名“{name}”中{p.message}")
        for p in privacy.scan(path, name)
    ]


def check_file(path: Path, shown: str) -> list[Problem]:
    """Size, type and, for text, the privacy guard over the content, of one file under `files/`."""
    suffix = path.suffix.lower()
    size = path.stat().st_size
    if size > MAX_BYTES:
        return [error(shown, 1, 1, "file-size", f"附件 {size / 1048576:.1f} MB，超过 10 MB：照片请缩小后再放入，扫描件请分成几个文件")]
    problems: list[Problem] = []
    if suffix in TEXT:
        raw = path.read_bytes()
        if b"\0" in raw or not _decodes(raw):  # UTF-16 (Excel's "Unicode text") would hide every digit run
            return [error(shown, 1, 1, "encoding", "文本附件应为 UTF-8（或 GB18030）编码，请用“另存为”选择 UTF-8")]
        problems += [dataclasses.replace(p, path=shown) for p in privacy.scan_files([path])]
    if suffix in ACTIVE:
        problems.append(error(shown, 1, 1, "file-type", f"不能发布 {suffix} 文件：网页、SVG、XML 和脚本文件在网站上可能运行代码；请改为 PDF 或图片"))
    elif suffix in IMAGES:
        problems += _image_problems(path, shown)
    elif suffix == ".pdf":
        with open(path, "rb") as handle:
            if not handle.read(1024).lstrip().startswith(b"%PDF-"):
                problems.append(error(shown, 1, 1, "file-type", "这个 .pdf 文件不是 PDF（可能只是改了扩展名），请重新导出"))
    elif suffix not in PUBLISHED_AS_IS:
        shown_suffix = suffix or "无扩展名"
        problems.append(error(shown, 1, 1, "file-type", f"不能发布 {shown_suffix} 文件：附件只能是图片（jpg、png、webp、gif）、PDF 或纯文本（txt、csv）；表格和文档请另存为 PDF"))
    return problems


def _decodes(raw: bytes) -> bool:
    for encoding in ("utf-8-sig", "gb18030"):  # what the privacy guard reads
        try:
            raw.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def _image_problems(path: Path, shown: str) -> list[Problem]:
    from PIL import Image, UnidentifiedImageError  # noqa: PLC0415 - only villages with photos need it

    too_big = error(shown, 1, 1, "file-size", "图片像素过多（超过 6000 万像素），请缩小后再放入")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)  # never English on the clerk's screen
            with Image.open(path) as image:
                width, height = image.size
                kind = image.format
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return [too_big]
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return [error(shown, 1, 1, "file-type", "无法读取这张图片（文件损坏或不是图片），请重新拍照或导出")]
    if width * height > MAX_PIXELS:
        return [error(shown, 1, 1, "file-size", f"图片 {width}×{height} 像素过大，请缩小后再放入")]
    if kind not in set(IMAGES.values()):
        return [error(shown, 1, 1, "file-type", f"文件扩展名是 {path.suffix}，内容却是 {kind} 图片，请另存为 jpg 或 png")]
    return []


def privacy_scan(paths: list[Path]) -> list[Problem]:
    """`sitegen privacy FILE|FOLDER…`: every file given or under a folder given, by name and, unless
    it is binary (images, PDFs, office files), by content in UTF-8 or GB18030."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            for folder, dirs, names in os.walk(path):  # never follows a symlinked folder: no loops
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))  # .git holds packed objects, not content
                found += [Path(folder) / name for name in sorted(names) if not (Path(folder) / name).is_symlink()]
        else:
            found.append(path)
    problems: list[Problem] = []
    for path in found:
        problems += name_problems(path.as_posix(), path.name)
        try:
            with open(path, "rb") as handle:
                binary = path.suffix.lower() in IMAGES or path.suffix.lower() == ".pdf" or b"\0" in handle.read(8192)
            problems += [] if binary else privacy.scan_files([path])
        except OSError as exc:
            problems.append(error(path.as_posix(), 1, 1, "encoding", f"无法读取文件（{exc.strerror}）"))
    return problems


# --- references in Markdown ---------------------------------------------------------------

_INLINE = re.compile(r"!?\[(?:[^\]\\\n]|\\.)*\]\(\s*(<[^>\n]*>|[^\s)]+)")
_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*(<[^>\n]*>|\S+)", re.MULTILINE)
_CODE = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1[^\n]*$|`[^`\n]+`", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Reference:
    href: str  # as written
    line: int
    col: int


def references(text: str, first_line: int, raw: str | None = None) -> list[Reference]:
    """Link and image destinations in Markdown `text` starting at `first_line` of the file.

    `raw` is the whole file: a YAML block (`notes: |`) indents each line, so the column is found
    where the destination really stands on that line of the file.
    """
    found = []
    lines = raw.splitlines() if raw is not None else None
    masked = _CODE.sub(lambda code: re.sub(r"[^\n]", " ", code.group()), text)  # code shows a link, never makes one
    for pattern in (_INLINE, _DEFINITION):
        for match in pattern.finditer(masked):
            offset = match.start(1)
            line, col = line_col(text, offset, first_line)
            if lines is not None and 0 < line <= len(lines):
                at = lines[line - 1].find(match.group(1))
                col = at + 1 if at >= 0 else col
            found.append(Reference(match.group(1), line, col))
    return sorted(found, key=lambda r: (r.line, r.col))


@dataclass(frozen=True)
class Target:
    """Where a relative link of an item points: an attachment `name`, or outside `files/` (name None)."""

    name: str | None
    suffix: str  # "?query#fragment" as written, kept on the published link


def resolve(href: str, item_dir: str, village: str) -> Target | None:
    """The attachment a destination names, from the item's folder `item_dir` (e.g. dongtan/major).

    None for what is not a file of the content folder: web addresses, mail, `#anchors`, site paths.
    """
    href = href.strip().removeprefix("<").removesuffix(">").strip()
    if not href or href.startswith(("/", "#", "?")) or links.scheme(href) is not None:  # as a browser reads it
        return None
    cut = min((i for i in (href.find("#"), href.find("?")) if i >= 0), default=len(href))
    path, suffix = unquote(href[:cut]).replace("\\", "/"), href[cut:]
    resolved = posixpath.normpath(posixpath.join(item_dir, path))
    prefix = f"{village}/{FOLDER}/"
    if not resolved.startswith(prefix) or path.endswith("/"):
        return Target(None, suffix)
    return Target(resolved[len(prefix):], suffix)


def item_dir(item) -> str:
    """The item's folder in the content tree, relative to the content folder, as its links start from."""
    return kinds.kind_of(item).source_dir(item)


def site_path(village: str, name: str) -> str:
    """Where an attachment is published, relative to the site root."""
    return f"{village}/{FOLDER}/{name}"


def link_rewriter(item, to_url: Callable[[str, bool], str]) -> Callable[[str, bool], str | None]:
    """For the renderer: (a destination of `item`, is an image) → its published address, made by
    `to_url` from the attachment's site path; None for what is not an attachment."""
    where = item_dir(item)

    def rewrite(href: str, image: bool) -> str | None:
        target = resolve(href, where, item.village)
        if target is None or target.name is None:
            return None
        return to_url(site_path(item.village, target.name), image) + target.suffix

    return rewrite


MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


def data_uri(path: str, data: bytes) -> str:
    """A published image inlined, so a poster embeds exactly the web's copy without fetching anything."""
    return f"data:{MIME[IMAGES[posixpath.splitext(path)[1].lower()]]};base64,{base64.b64encode(data).decode()}"


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a published image, for the page's <img> (no layout shift on a phone)."""
    from PIL import Image  # noqa: PLC0415

    with Image.open(io.BytesIO(data)) as image:
        return image.size


def is_image(path: str) -> bool:
    return posixpath.splitext(path)[1].lower() in IMAGES


def referenced(item) -> list[str]:
    """Names of the attachments an item links to or lists (`photos:`), in the order written."""
    where, names = item_dir(item), []
    written = [ref.href for ref in references(markdown_of(item) or "", 1)]
    for href in (*written, *(name for _, name in kinds.kind_of(item).attached(item))):
        target = resolve(href, where, item.village)
        if target is not None and target.name is not None and target.name not in names:
            names.append(target.name)
    return names


def markdown_of(item) -> str | None:
    """The Markdown an item shows (a statement's notes, an item's body)."""
    return kinds.kind_of(item).markdown(item)[0]


# --- publishing ---------------------------------------------------------------------------


def publish(path: Path) -> bytes:
    """The bytes published for one attachment: a clean re-encoded image, or the file as it is."""
    suffix = path.suffix.lower()
    data = path.read_bytes()
    if suffix not in IMAGES:
        return data
    return clean_image(data, IMAGES[suffix])


def clean_image(data: bytes, kind: str) -> bytes:
    """Orientation applied, metadata dropped, long side ≤ 1,600 px, fixed settings: same photo, same bytes."""
    from PIL import Image, ImageOps  # noqa: PLC0415

    with Image.open(io.BytesIO(data)) as image:
        image.seek(0)
        upright = ImageOps.exif_transpose(image)
        mode = "RGBA" if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info else "RGB"
        if kind == "JPEG":
            mode = "RGB"
        # a new image holds pixels only: no info, no EXIF, no ICC, no XMP, no text chunks
        pixels = Image.new(mode, upright.size)
        pixels.paste(upright.convert(mode))
    if max(pixels.size) > MAX_SIDE:
        pixels.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if kind == "JPEG":
        pixels.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=False, subsampling=2)
    elif kind == "PNG":
        pixels.save(out, "PNG", optimize=True)
    elif kind == "WEBP":
        pixels.save(out, "WEBP", quality=JPEG_QUALITY, method=4)
    else:
        pixels.convert("RGB").quantize(256, dither=Image.Dither.NONE).save(out, "GIF", optimize=False)
    return out.getvalue()


def publish_village(village, folder: Path) -> tuple[dict[str, bytes], list[Problem]]:
    """The attachments the village's published items and records name (site path → bytes); no other file goes out."""
    names = sorted({name for item in village.paged for name in referenced(item)})
    shown = posixpath.join(posixpath.dirname(village.source.path), FOLDER)
    files, problems = {}, []
    for name in names:
        try:
            files[site_path(village.slug, name)] = publish(folder / FOLDER / name)
        except (OSError, ValueError, SyntaxError) as exc:  # Pillow reports a damaged file with any of these
            problems.append(error(f"{shown}/{name}", 1, 1, "file-type", f"无法处理这张图片（{type(exc).__name__}），请重新拍照或导出"))
    return files, problems
