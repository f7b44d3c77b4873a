"""A minimal valid content folder, as text, for tests that change one thing at a time."""

SITE = """\
title: 测试镇村务公开
base_url: https://cwgk.example.gov.cn/ceshi/
contacts:
  - label: 镇纪委监督电话
    phone: 0543-7320000
"""

VILLAGE = """\
name: 东滩村
supervisors:
  chair: 刘秀英
  members: [王建国]
contacts:
  - label: 村务监督委员会
    phone: 0543-7321001
"""

FINANCE = """\
period: 2026-10
posted: 2026-11-05
summary: 本月收入为土地发包费。
review: {reviewers: [刘秀英], date: 2026-11-03, opinion: 同意公开。}
opening_balance: 100.10
closing_balance: 100.30
income:
  - date: 2026-10-08
    voucher: 记-01
    item: 土地发包收入
    category: 经营收入
    amount: 0.10
  - date: 2026-10-09
    voucher: 记-02
    item: 鱼塘承包费
    category: 经营收入
    amount: 0.20
expense:
  - date: 2026-10-12
    voucher: 记-03
    item: 路灯电费
    category: 管理费用
    amount: 0.10
"""

AFFAIRS = """\
---
title: 2026年第三季度城乡低保对象公示
period: 2026-Q3
item: dibao
posted: 2026-10-08
posted_until: 2026-10-15
summary: 现有低保对象1户。
review: {reviewers: [刘秀英], date: 2026-10-06}
tables:
  - caption: 低保对象名单
    columns: [户主姓名, 村民小组, 保障人数, 月保障金(元)]
    rows:
      - [王某某, 第三组, 3, 1260.00]
---
依据有关规定公示。<script>alert(1)</script>
"""


def files(**overrides: str) -> dict[str, str]:
    """The minimal site; keyword overrides replace a file by its short name, None removes it."""
    tree = {
        "site.yaml": SITE,
        "dongtan/village.yaml": VILLAGE,
        "dongtan/finance/2026-10.yaml": FINANCE,
        "dongtan/affairs/2026-Q3/dibao.md": AFFAIRS,
    }
    names = {"site": "site.yaml", "village": "dongtan/village.yaml", "finance": "dongtan/finance/2026-10.yaml",
             "affairs": "dongtan/affairs/2026-Q3/dibao.md"}
    for key, value in overrides.items():
        if value is None:
            tree.pop(names[key])
        else:
            tree[names[key]] = value
    return tree
