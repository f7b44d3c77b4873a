"""What several kinds share: the §4 fields' schema, the §6 table schema, the full title, CSV files."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .. import questions, schema as s
from ..model import Correction, Disclosure, Review, Table, Village
from ..reading import Reader, entries, markdown_slug, skip_or_unsafe
from ..source import Source

review = s.record(
    Review,
    {"reviewers": s.req(s.names), "date": s.req(s.date), "opinion": s.opt(s.text)},
    "审核记录 review",
)
correction = s.record(Correction, {"date": s.req(s.date), "reason": s.req(s.text)}, "更正记录")

COMMON = {
    "posted": s.req(s.date),
    "posted_until": s.opt(s.date),
    "summary": s.req(s.text),
    "review": s.opt(review),
    "corrections": s.opt(s.list_of(correction), ()),
    "questions": questions.FIELD,  # §14.3, sitegen/questions.py
}


def table(ctx: s.Ctx, value: Any, keys: tuple) -> Any:
    values = s.fields(
        ctx,
        value,
        keys,
        {
            "caption": s.req(s.text),
            "columns": s.req(s.list_of(s.text, allow_empty=False)),
            "rows": s.opt(s.list_of(s.list_of(s.cell)), ()),
        },
        "表格 tables",
        whole=True,
    )
    if values is s.INVALID:
        return values
    width = len(values["columns"])
    for index, row in enumerate(values["rows"]):
        if len(row) != width:
            return ctx.fail(
                keys + ("rows", index),
                "schema",
                f"表格“{values['caption']}”第{index + 1}行有 {len(row)} 格，应与表头一样是 {width} 格",
            )
    return Table(**values)


def table_texts(tables: tuple[Table, ...]):
    """Every text of the tables, by key path, as a poster prints them."""
    for t, each in enumerate(tables):
        yield ("tables", t, "caption"), each.caption
        for c, column in enumerate(each.columns):
            yield ("tables", t, "columns", c), column
        for r, row in enumerate(each.rows):
            for c, cell in enumerate(row):
                yield ("tables", t, "rows", r, c), str(cell)


def markdown_items(
    reader: Reader, folder: Path, village: str, spec: dict, what: str, model: type,
    keep: Callable[[dict, Any], bool] = lambda values, source: True,
) -> list:
    """A folder of `<slug>.md` files, one item each (major matters, standing items, a quarter of
    affairs); `keep` may refuse a file that loaded (reporting why), e.g. for a wrong period."""
    result = []
    for dirent in entries(folder):
        path = folder / dirent.name
        if skip_or_unsafe(reader, path, dirent):
            continue
        slug = markdown_slug(reader, path, dirent)
        if slug is None:
            continue
        values, source, body, body_line = reader.read_markdown(path, spec, what)
        if values is not None and keep(values, source):
            result.append(model(village=village, slug=slug, source=source, body=body, body_line=body_line, **values))
    return result


def period_files(
    reader: Reader, folder: Path, name: str, example: str, spec: dict, what: str, folder_note: bool = False
) -> Iterator[tuple[str, dict, Source]]:
    """A folder of `<period>.yaml` files, one item or record each (finance months, points
    quarters, board photos): (period, values, source) of each file that loaded. `name` is the
    period pattern; anything else in the folder is `unknown-file`, a folder named so when
    `folder_note`."""
    for dirent in entries(folder):
        path = folder / dirent.name
        if skip_or_unsafe(reader, path, dirent):
            continue
        if folder_note and dirent.is_dir():
            reader.problem(path, "unknown-file", f"“{dirent.name}”是一个文件夹；{folder.name} 文件夹里只放{example}")
            continue
        if not (dirent.is_file() and re.fullmatch(name + r"\.yaml", dirent.name)):
            reader.problem(path, "unknown-file", f"{folder.name} 文件夹里只放{example}，不应有“{dirent.name}”")
            continue
        values, source = reader.read_yaml(path, spec, what, partial=True)
        if values is not None:
            yield dirent.name[:-5], values, source


def tabled_texts(item: Disclosure):
    """The poster texts of an item with a title, a Markdown body and §6 tables (affairs, standing)."""
    yield ("title",), item.title
    yield ("line", item.body_line), item.body
    yield from table_texts(item.tables)


def titled(item: Disclosure, _strings: dict[str, str]) -> str:
    """The title of an item that has one written (`title:`)."""
    return item.title


def markdown_body(item: Disclosure) -> tuple[str, int]:
    """A Markdown item's body and the line it starts on."""
    return item.body, item.body_line


def full_title(title: str, village: Village) -> str:
    """The title as the page's <title> shows it: the village name first unless the title has it."""
    return title if village.name in title else village.name + title


