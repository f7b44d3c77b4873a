"""The registry of disclosure kinds. Everything outside a kind's own module loops over `KINDS`
or asks `kind_of(item)`; nothing else tests which kind an item is."""

from __future__ import annotations

from ..model import Record
from .base import Kind
from . import affairs, finance, major, points, postings, standing

KINDS: tuple[Kind, ...] = (finance.KIND, affairs.KIND, major.KIND, standing.KIND, points.KIND, postings.KIND)  # the order of a village's items
BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}


def kind_of(item: Record) -> Kind:
    return BY_NAME[item.kind]
