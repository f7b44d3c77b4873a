"""docs/field-reference.zh.md (字段说明) names every field the loader accepts, required as the
schema says, so the Chinese reference cannot fall behind the program."""

from __future__ import annotations

import inspect
import re
import sys

import pytest

from conftest import ROOT
from sitegen import loader, profile, schema
from sitegen.kinds import KINDS
from sitegen.kinds.shared import COMMON

REFERENCE = ROOT / "docs" / "field-reference.zh.md"
ROW = re.compile(r"^\| `([\w.]+)` \| (必填|可选)", re.M)


def sections() -> dict[str, str]:
    """The reference's `## ` sections, by heading."""
    parts = re.split(r"^## (.+)$", REFERENCE.read_text("utf-8"), flags=re.M)
    return dict(zip(parts[1::2], parts[2::2]))


def section(marker: str) -> str:
    found = [body for heading, body in sections().items() if marker in heading]
    assert len(found) == 1, f"docs/field-reference.zh.md needs one section whose heading has {marker}"
    return found[0]


def spec_of(convert, depth: int = 0) -> dict[str, schema.Field] | None:
    """The field spec a nested record or list converter reads with, if it has one."""
    if depth > 4 or not callable(convert):
        return None
    try:
        seen = inspect.getclosurevars(convert)
    except TypeError:
        return None
    for value in [*seen.nonlocals.values(), *seen.globals.values()]:
        if isinstance(value, dict) and value and all(isinstance(f, schema.Field) for f in value.values()):
            return value
    for value in seen.nonlocals.values():
        if (found := spec_of(value, depth + 1)) is not None:
            return found
    return None


def expected(spec: dict[str, schema.Field], prefix: str = "") -> dict[str, bool]:
    """Every field name, nested ones as `parent.child`, and whether it is required."""
    fields: dict[str, bool] = {}
    for key, field in spec.items():
        fields[prefix + key] = field.required
        if (nested := spec_of(field.convert)) is not None:
            fields |= expected(nested, f"{prefix}{key}.")
    return fields


def kind_spec(kind) -> dict[str, schema.Field]:
    """A kind's front matter schema: its module's upper-case dict, less the common fields."""
    spec = getattr(sys.modules[kind.load.__module__], kind.name.upper())
    return {key: field for key, field in spec.items() if key not in COMMON}


CASES = [
    ("site.yaml", loader.SITE),
    ("village.yaml", loader.VILLAGE),
    ("profile.yaml", profile.PROFILE),
    ("各类公开内容共有的字段", COMMON),
    *((f"`{kind.name}/`", kind_spec(kind)) for kind in KINDS),
]


@pytest.mark.parametrize(("marker", "spec"), CASES, ids=[marker for marker, _ in CASES])
def test_every_field_is_in_the_chinese_reference_as_required_or_optional(marker, spec):
    rows = {name: level for name, level in ROW.findall(section(marker))}
    for name, required in expected(spec).items():
        assert name in rows, f"{name} is missing from the {marker} section of docs/field-reference.zh.md"
        assert rows[name] == ("必填" if required else "可选"), f"{name} is {'required' if required else 'optional'}"


def test_nested_fields_are_found_so_the_check_reaches_them():
    assert {"review.reviewers", "corrections.reason"} <= expected(COMMON).keys()
    assert {"steps.for", "steps.adults", "progress.text"} <= expected(kind_spec(KINDS[2])).keys()
    assert {"items.personal_data", "deadlines.monthly", "procedure.vote"} <= expected(profile.PROFILE).keys()


def test_the_guide_and_the_english_reference_link_it():
    for doc in ("clerk-guide.md", "content-format.md"):
        assert "(field-reference.zh.md)" in (ROOT / "docs" / doc).read_text("utf-8"), doc
