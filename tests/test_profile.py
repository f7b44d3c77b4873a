"""A local profile overrides and extends the national baseline, and the rules follow it."""

from __future__ import annotations

from conftest import write_tree
from sample import AFFAIRS, FINANCE, files

from sitegen.rules import check_content

PROFILE = """\
items:
  - code: dibao
    min_posting_days: 10          # stricter than the national 7 days
  - code: well-repair             # a local item
    name: 机井维修
    domain: 村务
    cadence: event
  - code: cadre-pay
    remove: true
finance:
  expense: [管理费用, 公益支出, 办公费]
deadlines:
  monthly: 10
"""


def problems_with(tmp_path, profile_name="profile.yaml", site_extra="", **overrides):
    tree = files(**overrides)
    tree[profile_name] = PROFILE
    if site_extra:
        tree["site.yaml"] += site_extra
    site, problems = check_content(write_tree(tmp_path / "content", tree))
    prefix = (tmp_path / "content").as_posix() + "/"
    return site, [(p.path.removeprefix(prefix), p.line, p.code) for p in problems]


def test_profile_overrides_items_categories_and_deadlines(tmp_path):
    site, problems = problems_with(tmp_path)
    assert site.profile.item("dibao").min_posting_days == 10
    assert site.profile.item("well-repair").name == "机井维修"
    assert site.profile.item("cadre-pay") is None
    assert site.profile.item("public-works") is not None  # untouched baseline items stay
    assert site.profile.expense_categories == ("管理费用", "公益支出", "办公费")
    assert site.profile.income_categories[0] == "经营收入"
    assert problems == [
        ("dongtan/affairs/2026-Q3/dibao.md", 6, "posting-period"),  # 7 days < 10
    ]


def test_rules_read_the_profile(tmp_path):
    finance = FINANCE.replace("category: 管理费用", "category: 办公费").replace("posted: 2026-11-05", "posted: 2026-11-12")
    finance = finance.replace("date: 2026-11-03, opinion", "date: 2026-11-10, opinion")
    affairs = AFFAIRS.replace("item: dibao", "item: well-repair")
    _, problems = problems_with(tmp_path, finance=finance, affairs=affairs)
    # 办公费 is a local category; well-repair a local item; October is late after the 10th
    assert problems == [("dongtan/finance/2026-10.yaml", 2, "posting-late")]


def test_profile_named_in_site_yaml(tmp_path):
    site, problems = problems_with(tmp_path, "linhe-county.yaml", "profile: linhe-county.yaml\n")
    assert site.profile.item("well-repair") is not None
    assert ("linhe-county.yaml", 1, "unknown-file") not in problems


def test_removed_item_becomes_unknown(tmp_path):
    _, problems = problems_with(tmp_path, affairs=AFFAIRS.replace("item: dibao", "item: cadre-pay"))
    assert ("dongtan/affairs/2026-Q3/dibao.md", 4, "unknown-item") in problems


def test_profile_permits_reviewers_besides_the_supervisors(tmp_path):
    """The township's 经管站 reviews finance in some counties: allowed only where the profile says so."""
    finance = FINANCE.replace("reviewers: [刘秀英", "reviewers: [镇经管站 李明, 刘秀英", 1)
    assert finance != FINANCE
    tree = write_tree(tmp_path / "without", files(finance=finance))
    _, problems = check_content(tree)
    assert [(p.code, p.line, p.col) for p in problems] == [("reviewer", 4, 22)]
    assert "镇经管站 李明" in problems[0].message
    with_profile = files(finance=finance)
    with_profile["profile.yaml"] = "reviewers: [镇经管站 李明]\n"
    site, problems = check_content(write_tree(tmp_path / "with", with_profile))
    assert problems == []
    assert site.profile.reviewers == ("镇经管站 李明",)
