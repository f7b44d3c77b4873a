"""Points (积分制, contract §14.2) in the villages that run a 文明银行: one table a quarter.

20–40 households from the scheme's first quarter on, a few joining later; every balance after
the first quarter is the previous one plus the quarter's changes, each worth its rule.
"""

from __future__ import annotations

import calendar as months
import datetime as dt
import random

from .common import Calendar, Village, people, quarter_name, quarter_posting, review_yaml

RULES = (
    ("A1", "参加村内义务劳动（清理沟渠、修补道路等）", 5, "参加清理村内排水沟渠"),
    ("A2", "庭院整洁，月度评为“美丽庭院”", 10, "月度评为“美丽庭院”"),
    ("A3", "垃圾分类投放规范（月度评比）", 3, "垃圾分类月度评比合格"),
    ("A4", "参加志愿服务（关爱老人、防汛值守等）", 5, "参加敬老志愿服务"),
    ("A5", "见义勇为、拾金不昧等好人好事", 20, "拾到村民财物如数归还"),
    ("B1", "按时缴纳城乡居民医保", 2, "按时缴纳城乡居民医保"),
    ("B2", "家庭和睦、孝老爱亲，经评议通过", 5, "评为本季度“孝老爱亲”家庭"),
    ("C1", "乱堆乱放经劝阻不改", -10, "路边堆放杂物经劝阻不改"),
    ("C2", "露天焚烧秸秆、垃圾", -20, "露天焚烧秸秆"),
    ("C3", "无正当理由不参加环境整治", -5, "无正当理由未参加环境整治"),
)
WEIGHTS = (6, 3, 8, 4, 1, 6, 3, 2, 1, 2)  # how often each rule applies


def quarters(rng: random.Random, calendar: Calendar) -> list[tuple[int, int]]:
    """The quarters of the scheme: from a first one in the corpus's first 18 months to the last."""
    every = [(year, quarter) for year in calendar.years for quarter in range(1, 5)]
    return every[rng.randint(0, min(5, len(every) - 1)):]


def changes(rng: random.Random, year: int, quarter: int) -> list[tuple[dt.date, tuple[str, str, int, str]]]:
    first = (quarter - 1) * 3 + 1
    dates = []
    for _ in range(rng.choices((0, 1, 2, 3, 4), (2, 4, 3, 2, 1))[0]):
        month = rng.randint(first, first + 2)
        dates.append(dt.date(year, month, rng.randint(1, months.monthrange(year, month)[1])))
    return [(date, rng.choices(RULES, WEIGHTS)[0]) for date in sorted(dates)]


def write_all(rng: random.Random, village: Village, calendar: Calendar) -> dict[str, str]:
    """`points/<YYYY-Qn>.yaml` texts by file name, balances chained quarter to quarter."""
    households = people(rng, rng.randint(20, 40))
    balances = {household: rng.randint(40, 100) for household in households}
    files = {}
    for year, quarter in quarters(rng, calendar):
        if rng.random() < 0.3:  # a household or two join the scheme
            for household in people(rng, rng.randint(1, 2)):
                balances.setdefault(household, rng.randint(40, 100))
        lines, gained, lost = [], 0, 0
        for (name, group), balance in balances.items():
            made = changes(rng, year, quarter)
            balance += sum(rule[2] for _, rule in made)
            balances[(name, group)] = balance
            gained += sum(rule[2] for _, rule in made if rule[2] > 0)
            lost -= sum(rule[2] for _, rule in made if rule[2] < 0)
            lines += [f"  - household: {name}", f"    group: {group}", f"    points: {balance}"]
            if made:
                lines.append("    changes:")
                lines += [f"      - {{date: {date}, rule: {code}, points: {points}, reason: {reason}}}" for date, (code, _, points, reason) in made]
        posted = quarter_posting(rng, year, quarter)
        head = [
            f"# {village.name}{quarter_name(year, quarter)}积分制（文明银行）公示。积分细则经村民代表会议通过。",
            f"period: {year}-Q{quarter}",
            f"posted: {posted}",
            f"posted_until: {posted + dt.timedelta(days=rng.randint(10, 15))}",
            f"summary: 本季度共评议{len(balances)}户，加分{gained}分，扣分{lost}分；积分可到村超市兑换日用品。",
            review_yaml(village, posted - dt.timedelta(days=rng.randint(1, 2)), "经审核，积分记录属实，同意公开。"),
            "rules:",
            *(f"  - {{code: {code}, text: {text}, points: {points}}}" for code, text, points, _ in RULES),
            "households:",
        ]
        files[f"{year}-Q{quarter}.yaml"] = "\n".join(head + lines) + "\n"
    return files
