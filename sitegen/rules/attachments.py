"""Every link or image of an item, and every file it lists (`photos:`), must find it in the
village's `files/` (contract §15).

A broken image on the web and a blank on the board are what a missing file costs, so a reference
to a file that is not there is `file-missing`, and one that leads out of the village's `files/`
folder (to site.yaml, another village, a page's source) is a `slug` error, like any other path
that leaves where it belongs. Both are located at the link's destination in the file.
"""

from __future__ import annotations

from .. import attachments
from ..kinds import kind_of
from ..model import Site
from ..problems import Problem, error


def check(site: Site) -> list[Problem]:
    problems: list[Problem] = []
    for village in site.villages:
        present = set(village.attachments)
        for item in (*village.items, *village.records):
            kind = kind_of(item)
            text, first = kind.markdown(item)
            where = attachments.item_dir(item)
            written = attachments.references(text, first, item.source.text) if text else []
            listed = [attachments.Reference(name, *item.source.at(keys)) for keys, name in kind.attached(item)]
            for ref in (*written, *listed):
                target = attachments.resolve(ref.href, where, village.slug)
                if target is None and ref in listed:  # a web address or a site path where a file must be named
                    target = attachments.Target(None, "")
                if target is None:
                    continue
                if target.name is None and ref in listed:
                    problems.append(error(item.source.path, ref.line, ref.col, "slug", f"“{ref.href}”不是本村 files 文件夹里的文件：照片请放入 {village.slug}/files/，从村文件夹写起（如 files/照片.jpg）；网上的图片不能列在这里"))
                elif target.name is None:
                    problems.append(error(item.source.path, ref.line, ref.col, "slug", f"链接“{ref.href}”指向本村 files 文件夹以外：附件请放入 {village.slug}/files/ 并写成相对本文件的路径（如 {_example(where, village.slug)}）；其他网页请写完整的 https:// 地址"))
                elif target.name not in present:
                    problems.append(error(item.source.path, ref.line, ref.col, "file-missing", f"找不到附件 {village.slug}/files/{target.name}（链接写的是“{ref.href}”）：请把文件放入 files 文件夹，或改正文件名（区分大小写）"))
    return problems


def _example(item_dir: str, village: str) -> str:
    depth = item_dir.count("/")  # dongtan/major → ../files/, dongtan/affairs/2026-Q3 → ../../files/
    return "../" * depth + "files/照片.jpg"
