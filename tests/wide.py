"""Realistic large tables for the layout tests: a 7-column, 86-row subsidy list (the kind that
did not fit a phone) and the example's 9-row 低保 list, as content files."""

from __future__ import annotations

from decimal import Decimal

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林郑"
GIVEN = ["建国", "秀英", "德海", "玉兰", "长林", "福田", "桂芝", "振华", "广明", "国庆", "凤英", "德胜", "明亮", "淑珍", "春生", "金花", "永强"]
NOTES = ["", "", "", "新增承包地", "面积以确权为准", "", "代领：其子", ""]
RATE = Decimal("126.50")


def subsidy_rows(count: int = 86) -> list[list[str]]:
    rows = []
    for n in range(count):
        name = SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7) % len(GIVEN)]
        area = Decimal(20 + (n * 37) % 160) / 10
        rows.append([name, f"第{'一二三四五六'[n % 6]}组", str(1 + n % 6), f"{area:.2f}", f"{RATE:.2f}", f"{area * RATE:.2f}", NOTES[n % len(NOTES)]])
    return rows


def subsidy_list(count: int = 86) -> str:
    """An affairs item whose one table is 7 columns wide: 户主, 组, 人口, 面积, 标准, 金额, 备注."""
    rows = subsidy_rows(count)
    total = sum(Decimal(r[5]) for r in rows)
    lines = "\n".join("      - [" + ", ".join(r[:6]) + (f", {r[6]}" if r[6] else ', ""') + "]" for r in rows)
    return (
        "---\n"
        "title: 2026年耕地地力保护补贴发放公示\n"
        "period: 2026-Q3\nitem: subsidy\nposted: 2026-10-09\nposted_until: 2026-10-16\n"
        f"summary: 本村共{count}户领取耕地地力保护补贴，补贴金额合计{total:.2f}元。\n"
        "review: {reviewers: [刘秀英], date: 2026-10-08}\n"
        "tables:\n"
        "  - caption: 耕地地力保护补贴发放明细\n"
        "    columns: [户主姓名, 村民小组, 家庭人口, 补贴面积(亩), 补贴标准(元/亩), 补贴金额(元), 备注]\n"
        "    rows:\n" + lines + "\n---\n"
        "对面积或金额有异议的，请在公示期内向村务监督委员会反映（电话 0543-7321001），"
        "也可拨打镇纪委监督电话0543-7320000或政务服务便民热线12345。\n"
    )
