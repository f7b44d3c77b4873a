"""The `Kind` record: everything sitegen knows about one kind of disclosure, in one value.

Loading, rules, pages, posters, data exports and the glyph check ask a kind, never test which
kind an item is: adding a kind is one module under `sitegen/kinds/` plus its templates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from ..model import Disclosure, Profile, Record, Site, Village
from ..problems import Problem

if TYPE_CHECKING:
    from ..reading import Reader

Where = tuple  # a key path into the YAML, or ("line", n) for Markdown that starts at line n


def _nothing(*_args) -> Iterator:
    return iter(())


def _no_due(_item: Disclosure, _profile: Profile) -> dt.date | None:
    return None


def _covers_nothing(_item: Disclosure, _profile: Profile) -> tuple[tuple[str, str], ...]:
    return ()


def _no_extra(_item: Disclosure) -> dict[str, Any]:
    return {}


def _no_files(*_args) -> dict[str, bytes]:
    return {}


def catalogue_days(item: Disclosure, profile: Profile) -> int | None:
    """The minimum posting period of an item that names its catalogue entry (`item:`)."""
    entry = profile.item(item.item)
    return entry.min_posting_days if entry else None


@dataclass(frozen=True)
class Kind:
    """One kind of disclosure, or of record. `name` is its folder in a village, its page and
    poster template (`<name>.html`) and its label's string key (`kind_<name>`).

    A `record` kind (board photos, contract §14.4) reads a `Record` that is not a `Disclosure`: the
    loader keeps its items in `Village.records`, so nothing that works on disclosures (reviews,
    the catalogue, versions, posters, board packs, feeds, data.json, the glyph check) sees them;
    they get a page, a place on the village home and the sitemap, and nothing else."""

    name: str
    model: type[Record]
    load: Callable[[Reader, Path, str], list[Record]]  # the kind's folder of one village
    order: Callable[[Disclosure], tuple]  # how a village's items of this kind are sorted
    path: Callable[[Disclosure], str]  # its page, relative to base_url (urls.disclosure_path)
    source_dir: Callable[[Disclosure], str]  # its file's folder in the content tree: links start there
    markdown: Callable[[Disclosure], tuple[str | None, int]]  # the Markdown it shows, and its first line
    title: Callable[[Disclosure, dict[str, str]], str]
    texts: Callable[[Disclosure], Iterator[tuple[Where, str]]] = _nothing  # poster text beyond §4's fields
    coded: bool = False  # its items name a catalogue entry (`item:`): checked, and may be personal
    posting_days: Callable[[Disclosure, Profile], int | None] = catalogue_days
    due: Callable[[Disclosure, Profile], dt.date | None] = _no_due  # late after this day: posting-late
    # the required disclosures (§13) a published item fulfils: (requirement code, period) pairs,
    # the code a catalogue code or "finance", the period as sitegen/periods.py names it
    covers: Callable[[Disclosure, Profile], tuple[tuple[str, str], ...]] = _covers_nothing
    rules: tuple[Callable[[Site, Village, tuple[Disclosure, ...]], list[Problem]], ...] = ()
    bulk: dict[str, Any] = field(default_factory=dict)  # fields emptied in the township's listings
    markdown_var: str = "body_html"  # the page template's name for the rendered Markdown
    poster_context: Callable[[Disclosure], dict[str, Any]] = _no_extra
    # its part of the village home: a template given `items` (its newest published items, newest
    # first); None: the list of those items. A disclosure kind's goes inside its section, a record
    # kind's (which it must have) is the whole section
    home: str | None = None
    # data exports: extra files of a published public item (by output path), its data.json fields
    # and its page's links to them
    files: Callable[..., dict[str, bytes]] = _no_files  # (site, village, item, page, title, strings)
    data_entry: Callable[[Disclosure, str, str], dict[str, str]] = lambda item, page, base: {}  # (item, page, base_url)
    page_links: Callable[[Disclosure, str, dict[str, bytes]], dict[str, str]] = lambda item, page, files: {}
    record: bool = False  # not a disclosure: no review, version, poster, feed entry or data.json entry
    # attachments named outside the Markdown (`photos:`), each with its key path, relative to the village folder
    attached: Callable[[Record], tuple[tuple[Where, str], ...]] = lambda item: ()
    # page context from the published attachments (site path → bytes), e.g. photos with their pixel
    # sizes: it goes in the page's links, so a changed photo changes the page's cache key
    attachment_links: Callable[[Record, str, dict[str, bytes]], dict[str, Any]] = lambda item, page, published: {}
    # lists of dated entries that only grow at the end (§12): an added entry is a new version
    # without a correction, and puts the poster in that month's board pack
    append_only: tuple[str, ...] = ()

    @property
    def template(self) -> str:
        return f"{self.name}.html"
