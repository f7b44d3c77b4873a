"""Monthly finance statements (contract §5): 10–40 entries, chained balances, a few questions."""

from __future__ import annotations

import calendar
import datetime as dt
import random
from typing import NamedTuple

from . import questions
from .common import BODY_SENTENCES, GROUPS, Calendar, Village, next_month, review_yaml, yuan

# (category, item text, min yuan, max yuan); {m} is the month, {g} a villager group.
INCOME = (
    ("经营收入", "收集体机动地承包费（{g}）", 3000, 20000),
    ("经营收入", "收集体鱼塘承包费", 5000, 15000),
    ("经营收入", "收集体厂房租金", 8000, 20000),
    ("经营收入", "收集体晒场使用费", 300, 2000),
    ("经营收入", "收集体林带树木销售款", 2000, 12000),
    ("投资收益", "收光伏电站{m}月发电收益", 2000, 8000),
    ("投资收益", "收农业合作社入股分红", 3000, 15000),
    ("补助收入", "收镇财政拨付村级组织运转经费", 10000, 30000),
    ("补助收入", "收镇财政拨付公共服务运行维护资金", 5000, 20000),
    ("其他收入", "收废旧办公桌椅变卖收入", 100, 800),
    ("其他收入", "收银行存款利息", 50, 600),
)
SUBSIDY_INCOME = ("补助收入", "收镇财政拨付专项补助资金")
EXPENSE = (
    ("经营支出", "支付光伏电站组件清洗费", 500, 2000),
    ("经营支出", "支付{g}机井维修费", 800, 3000),
    ("经营支出", "支付集体晒场平整及清扫费", 300, 1200),
    ("税金及附加", "缴纳厂房出租房产税", 600, 2400),
    ("税金及附加", "缴纳租赁合同印花税", 10, 60),
    ("管理费用", "支付{m}月村委会办公用电电费", 200, 600),
    ("管理费用", "购买办公用品（打印纸、墨盒、文件盒）", 200, 900),
    ("管理费用", "支付{m}月村民小组长误工补贴", 1000, 2500),
    ("公益支出", "支付{m}月保洁员工资", 4000, 8000),
    ("公益支出", "支付{m}月路灯电费", 800, 1800),
    ("公益支出", "支付{m}月垃圾清运费", 1500, 3000),
    ("公益支出", "支付文化广场健身器材维修费", 300, 1500),
    ("公益支出", "支付{g}下水道疏通费", 400, 1200),
    ("其他支出", "支付银行账户管理费及转账手续费", 10, 80),
    ("所得税费用", "缴纳集体经营所得企业所得税", 200, 1500),
)
QUESTION_SHARE = 0.06


class Entry(NamedTuple):
    """One line of a finance statement; money in fen."""

    day: int
    side: str  # "income" or "expense"
    category: str
    item: str
    fen: int


def fill(template: str, rng: random.Random, month: int) -> str:
    return template.format(m=month, g=rng.choice(GROUPS))


def finance_entries(rng: random.Random, year: int, month: int, opening: int) -> list[Entry]:
    """The month's entries in date order.

    One subsidy income per month is sized last so that the closing balance never goes
    negative, as a township would top up a village that cannot pay its bills.
    """
    days = calendar.monthrange(year, month)[1]
    count = rng.randint(10, 40)
    incomes = round(count * rng.uniform(0.1, 0.25))
    entries = []
    for index in range(count - 1):
        side, pool = ("income", INCOME) if index < incomes else ("expense", EXPENSE)
        category, template, low, high = rng.choice(pool)
        fen = rng.randint(low, high) * 100 + (rng.randint(1, 99) if rng.random() < 0.3 else 0)
        entries.append(Entry(rng.randint(1, days), side, category, fill(template, rng, month), fen))
    balance = opening + sum(entry.fen if entry.side == "income" else -entry.fen for entry in entries)
    subsidy = rng.randint(20, 200) * 10000 + max(0, -balance)
    entries.append(Entry(rng.randint(1, days), "income", *SUBSIDY_INCOME, subsidy))
    return sorted(entries, key=lambda entry: entry.day)


def entry_lines(entries: list[Entry], side: str, year: int, month: int) -> list[str]:
    """One side of the statement; vouchers are numbered in date order across both sides."""
    lines = [f"{side}:"]
    for number, entry in enumerate(entries, start=1):
        if entry.side == side:
            lines += [
                f"  - date: {dt.date(year, month, entry.day)}",
                f"    voucher: 记-{number:02d}",
                f"    item: {entry.item}",
                f"    category: {entry.category}",
                f"    amount: {yuan(entry.fen)}",
            ]
    return lines


def finance_statement(rng: random.Random, village: Village, calendar_: Calendar, year: int, month: int, opening: int) -> tuple[str, int]:
    """The YAML of one month and its closing balance in fen (the next month's opening)."""
    entries = finance_entries(rng, year, month, opening)
    income = sum(entry.fen for entry in entries if entry.side == "income")
    expense = sum(entry.fen for entry in entries if entry.side == "expense")
    closing = opening + income - expense
    posted = dt.date(*next_month(year, month), rng.randint(5, 10))
    top = max((entry for entry in entries if entry.side == "expense"), key=lambda entry: entry.fen)
    asked = (
        (f"本月{top.item}{yuan(top.fen)}元，这个标准是怎么定的？", "按村民代表会议确定的标准支付，合同和原始凭证存村委会档案室，可在办公时间查阅。"),
        (f"{month}月的专项补助资金是镇里拨的哪一项？", "是镇财政拨付的村级公共服务专项补助，用途以镇财政所的拨款文件为准，文件已在公开栏张贴。"),
        ("村里的账是谁在记？村民能不能看原始凭证？", "实行村账乡管，由镇农经站代理记账；村民可在每月民主日到村委会查阅原始凭证。"),
    )
    lines = [
        f"period: {year}-{month:02d}",
        f"posted: {posted}",
        f"posted_until: {posted + dt.timedelta(days=rng.randint(10, 20))}",
        f"summary: 本月收入合计{yuan(income)}元，支出合计{yuan(expense)}元，最大一笔支出为{top.item}{yuan(top.fen)}元。",
        review_yaml(village, posted - dt.timedelta(days=rng.randint(1, 2)), f"经村务监督委员会逐笔核对，本月{len(entries)}笔收支均有原始凭证，同意公开。"),
        *questions.block(rng, calendar_, posted, QUESTION_SHARE, asked),
        f"opening_balance: {yuan(opening)}",
        f"closing_balance: {yuan(closing)}",
        *entry_lines(entries, "income", year, month),
        *entry_lines(entries, "expense", year, month),
    ]
    if rng.random() < 0.3:
        lines += ["notes: |", f"  1. {rng.choice(BODY_SENTENCES)}", f"  2. {rng.choice(BODY_SENTENCES)}"]
    return "\n".join(lines) + "\n", closing
