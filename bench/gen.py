"""Synthetic county content for the benchmark (issue 5).

    python bench/gen.py OUT_DIR [--villages 300] [--years 3] [--seed 1]

Writes a content folder that obeys the contract (shared/spec/content-format.md) and
passes `sitegen check` with no problem at all, so a benchmark measures building, not
error reporting. Per village and year: 12 chained finance statements, 4 quarters × 2
affairs items (dibao, subsidy) and 7 major matters; the default is ≈ 24,300 disclosures.

Everything comes from seeded `random.Random` instances drawn in a fixed order, so a
seed always gives the same bytes. Money is kept in integer fen (cents) so balances are
exact. No digit run is longer than 10 digits (except the quoted 12-digit village code),
which keeps the privacy guard quiet.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

FIRST_YEAR = 2024
BASE_URL = "https://cwgk.example.gov.cn/bench/"
COUNTY = "临河县"
AREA_CODE = "0543"

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
GIVEN = "建国秀英桂兰玉芝德胜长山凤英广才国庆振华明丽淑芬立平成海福田志强春梅红霞金凤永刚宝山文华晓东丽娟德明俊杰新民学军家兴树林云峰"
VILLAGE_FIRST = "东西南北前后上下大小新老高李王张刘赵孙杨马黄河湖山柳杏桃梨枣桑"
VILLAGE_SECOND = "滩旺庄河沟洼岭坡湾营店集屯寨桥口台堡坊林园家"
VILLAGE_SUFFIX = ("村", "庄村", "屯村", "营村")
GROUPS = tuple(f"第{n}组" for n in "一二三四五六七八")
QUARTER_NAMES = "一二三四"

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
SUBSIDY_KINDS = ("耕地地力保护补贴", "玉米生产者补贴", "大豆生产者补贴", "稻谷补贴")


class Topic(NamedTuple):
    """A kind of major matter; a budget of 0 means no money is involved."""

    item: str
    word: str  # in the file name
    title: str
    what: str
    low: int  # budget range in yuan
    high: int


TOPICS = (
    Topic("public-works", "road", "村内主干道硬化工程", "硬化村内主干道，两侧设排水边沟", 200000, 800000),
    Topic("public-works", "square", "文化广场改造工程", "改造村文化广场，增设健身器材和照明", 80000, 300000),
    Topic("public-works", "streetlights", "太阳能路灯安装工程", "在主要街巷安装太阳能路灯", 40000, 150000),
    Topic("public-works", "canal", "排灌沟渠清淤整修", "清淤整修村东排灌沟渠", 30000, 120000),
    Topic("public-works", "clinic", "村卫生室改建工程", "改建村卫生室诊室和药房", 60000, 200000),
    Topic("collective-assets", "pond-lease", "集体鱼塘对外公开发包", "通过镇农村产权交易服务站公开竞价发包集体鱼塘", 50000, 250000),
    Topic("collective-assets", "factory-lease", "集体厂房对外出租", "公开招租集体闲置厂房", 60000, 300000),
    Topic("collective-assets", "land-lease", "集体机动地公开发包", "公开发包集体机动地", 40000, 200000),
    Topic("yishiyiyi", "farm-road", "生产路修建一事一议筹资筹劳", "修建田间生产路，村民筹资筹劳", 50000, 200000),
    Topic("yishiyiyi", "well-repair", "机井维修一事一议筹资筹劳", "维修更换老旧机井水泵", 20000, 90000),
    Topic("other", "rules", "村规民约修订", "修订村规民约，增加移风易俗条款", 0, 0),
    Topic("other", "garbage", "垃圾分类收集点建设", "建设垃圾分类收集点并配备分类桶", 20000, 80000),
)
MAJOR_PER_YEAR = 7
PROGRESS = ("开始组织实施，村务监督委员会派员全程监督。", "召开村民代表座谈会，通报实施进度，听取意见。", "实施完毕，村务监督委员会核查无异议。")
BODY_SENTENCES = (
    "本事项依照《中华人民共和国村民委员会组织法》和本县村务公开有关规定予以公开。",
    "相关原始凭证和会议记录存放于村委会档案室，村民可在办公时间查阅。",
    "村务监督委员会对本事项全程监督，并对公开内容的真实性负责。",
    "对公开内容有疑问的，请在公示期内向村务监督委员会反映，村委会在10日内答复。",
    "本次公开内容同时在村务公开栏张贴，并通过村民微信群告知。",
    "资金由镇财政所通过一卡通直接发放到户，村里不经手现金。",
)


@dataclass(frozen=True)
class Village:
    slug: str
    name: str
    code: str
    phone: str
    chair: str
    members: tuple[str, str]


class Entry(NamedTuple):
    """One line of a finance statement; money in fen."""

    day: int
    side: str  # "income" or "expense"
    category: str
    item: str
    fen: int


def yuan(fen: int) -> str:
    """Exact two-decimal money text from integer fen."""
    return f"{fen // 100}.{fen % 100:02d}"


def person(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
    return rng.choice(SURNAMES) + given


def village_names(rng: random.Random, count: int) -> list[str]:
    """Distinct names, drawn from the product of the name pools without repetition."""
    first, second, suffix = len(VILLAGE_FIRST), len(VILLAGE_SECOND), len(VILLAGE_SUFFIX)
    total = first * second * suffix
    if count > total:
        raise SystemExit(f"gen.py: at most {total} villages")
    names = []
    for index in rng.sample(range(total), count):
        a, rest = divmod(index, second * suffix)
        b, c = divmod(rest, suffix)
        names.append(VILLAGE_FIRST[a] + VILLAGE_SECOND[b] + VILLAGE_SUFFIX[c])
    return names


def make_villages(seed: int, count: int) -> list[Village]:
    rng = random.Random(seed)
    villages = []
    for number, name in enumerate(village_names(rng, count), start=1):
        township, local = divmod(number - 1, 30)
        villages.append(Village(
            slug=f"v{number:04d}",
            name=name,
            code=f"371699{township + 101:03d}{local + 201:03d}",
            phone=f"{AREA_CODE}-73{number:05d}",
            chair=person(rng),
            members=(person(rng), person(rng)),
        ))
    return villages


def site_yaml() -> str:
    return (
        f"title: {COUNTY}村务公开（基准测试）\n"
        f"base_url: {BASE_URL}\n"
        "locale: zh-Hans\n"
        f"county: {COUNTY}\n"
        "contacts:\n"
        "  - label: 县纪委监委监督电话\n"
        f"    phone: {AREA_CODE}-7321234\n"
        "  - label: 县农业农村局农经站\n"
        f"    phone: {AREA_CODE}-7321356\n"
        "poster:\n"
        "  size: A4\n"
    )


def village_yaml(village: Village) -> str:
    return (
        f"name: {village.name}\n"
        f'code: "{village.code}"\n'
        f"committee: {village.name}村民委员会\n"
        f"party_branch: 中共{village.name}支部委员会\n"
        "supervisors:\n"
        f"  chair: {village.chair}\n"
        f"  members: [{', '.join(village.members)}]\n"
        "contacts:\n"
        "  - label: 村务监督委员会\n"
        f"    phone: {village.phone}\n"
        f"board: {village.name}村委会大院公开栏\n"
    )


def review_yaml(village: Village, date: dt.date, opinion: str) -> str:
    reviewers = ", ".join((village.chair, *village.members))
    return f"review:\n  reviewers: [{reviewers}]\n  date: {date}\n  opinion: {opinion}"


def paragraphs(rng: random.Random, count: int) -> str:
    """A few paragraphs of boilerplate prose, like the closing part of a real notice."""
    return "\n\n".join(rng.sample(BODY_SENTENCES, count))


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


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


def finance_statement(rng: random.Random, village: Village, year: int, month: int, opening: int) -> tuple[str, int]:
    """The YAML of one month and its closing balance in fen (the next month's opening)."""
    entries = finance_entries(rng, year, month, opening)
    income = sum(entry.fen for entry in entries if entry.side == "income")
    expense = sum(entry.fen for entry in entries if entry.side == "expense")
    closing = opening + income - expense
    posted = dt.date(*next_month(year, month), rng.randint(5, 10))
    top = max((entry for entry in entries if entry.side == "expense"), key=lambda entry: entry.fen)
    lines = [
        f"period: {year}-{month:02d}",
        f"posted: {posted}",
        f"posted_until: {posted + dt.timedelta(days=rng.randint(10, 20))}",
        f"summary: 本月收入合计{yuan(income)}元，支出合计{yuan(expense)}元，最大一笔支出为{top.item}{yuan(top.fen)}元。",
        review_yaml(village, posted - dt.timedelta(days=rng.randint(1, 2)), f"经村务监督委员会逐笔核对，本月{len(entries)}笔收支均有原始凭证，同意公开。"),
        f"opening_balance: {yuan(opening)}",
        f"closing_balance: {yuan(closing)}",
        *entry_lines(entries, "income", year, month),
        *entry_lines(entries, "expense", year, month),
    ]
    if rng.random() < 0.3:
        lines += ["notes: |", f"  1. {rng.choice(BODY_SENTENCES)}", f"  2. {rng.choice(BODY_SENTENCES)}"]
    return "\n".join(lines) + "\n", closing


def front_matter(fields: list[str], body: str) -> str:
    return "---\n" + "\n".join(fields) + "\n---\n" + body + "\n"


def table_yaml(caption: str, columns: tuple[str, ...], rows: list[tuple[object, ...]]) -> str:
    lines = ["tables:", f"  - caption: {caption}", f"    columns: [{', '.join(columns)}]", "    rows:"]
    lines += [f"      - [{', '.join(map(str, row))}]" for row in rows]
    return "\n".join(lines)


def quarter_posting(rng: random.Random, year: int, quarter: int) -> dt.date:
    """Posted between the 5th and the 15th of the month after the quarter."""
    return dt.date(*next_month(year, quarter * 3), rng.randint(5, 15))


def dibao_item(rng: random.Random, village: Village, year: int, quarter: int) -> str:
    households = [(person(rng), rng.choice(GROUPS), rng.randint(1, 4)) for _ in range(rng.randint(10, 25))]
    grants = [size * rng.randint(42, 62) * 1000 for _, _, size in households]  # fen a month
    rows = [(*household, yuan(fen)) for household, fen in zip(households, grants)]
    people, total = sum(size for _, _, size in households), sum(grants)
    posted = quarter_posting(rng, year, quarter)
    period = f"{year}-Q{quarter}"
    quarter_name = f"{year}年第{QUARTER_NAMES[quarter - 1]}季度"
    fields = [
        f"title: {village.name}{quarter_name}城乡低保对象公示",
        f"period: {period}",
        "item: dibao",
        f"posted: {posted}",
        f"posted_until: {posted + dt.timedelta(days=rng.randint(7, 14))}",
        f"summary: {quarter_name}本村现有低保对象{len(rows)}户{people}人，每月发放低保金合计{yuan(total)}元。",
        review_yaml(village, posted - dt.timedelta(days=rng.randint(1, 2)), "经与镇民政办审核确认名单逐户核对，户数、人数和金额无误，同意公示。"),
        table_yaml(f"{village.name}城乡低保对象名单", ("户主姓名", "村民小组", "保障人数", "月保障金(元)"), rows),
    ]
    body = (
        f"根据《最低生活保障审核确认办法》，经本人申请、村民主评议、镇人民政府审核确认，现将本村{quarter_name}城乡低保对象名单予以公示。\n\n"
        "本季度变动情况：\n\n"
        f"- 新增{rng.randint(0, 3)}户，经入户调查、民主评议后审核确认；\n"
        f"- 退出{rng.randint(0, 2)}户，因家庭人均收入已超过本县农村低保标准。\n\n"
        f"{paragraphs(rng, 2)}\n\n"
        f"对名单有异议的，请向村务监督委员会反映（电话 {village.phone}）。"
    )
    return front_matter(fields, body)


def subsidy_item(rng: random.Random, village: Village, year: int, quarter: int) -> str:
    kind = SUBSIDY_KINDS[quarter - 1]
    rate = rng.randint(8000, 15000)  # fen per mu
    areas = [rng.randint(150, 1500) for _ in range(20)]  # hundredths of a mu
    grants = [(area * rate + 50) // 100 for area in areas]  # fen, rounded half up
    rows = [(person(rng), rng.choice(GROUPS), yuan(area), yuan(fen)) for area, fen in zip(areas, grants)]
    area_total, total = sum(areas), sum(grants)
    posted = quarter_posting(rng, year, quarter)
    fields = [
        f"title: {village.name}{year}年{kind}发放公示",
        f"period: {year}-Q{quarter}",
        "item: subsidy",
        f"posted: {posted}",
        f"posted_until: {posted + dt.timedelta(days=rng.randint(7, 14))}",
        f"summary: {year}年{kind}按每亩{yuan(rate)}元发放，本村20户，补贴面积{yuan(area_total)}亩，补贴金额{yuan(total)}元。",
        review_yaml(village, posted - dt.timedelta(days=rng.randint(1, 2)), "经核对承包地确权面积和补贴标准，面积、金额计算无误，同意公示。"),
        table_yaml(f"{village.name}{year}年{kind}发放明细", ("户主姓名", "村民小组", "补贴面积(亩)", "补贴金额(元)"), rows),
    ]
    body = (
        f"依据{COUNTY}农业农村局、财政局关于做好{year}年{kind}工作的通知，本年度补贴标准为每亩{yuan(rate)}元。\n\n"
        "补贴面积以农户第二轮土地承包确权面积为准，已改变用途、长期撂荒的耕地不予补贴。\n\n"
        f"{paragraphs(rng, 2)}"
    )
    return front_matter(fields, body)


def vote(rng: random.Random, members: int, majority_of: str) -> tuple[int, int, int, int]:
    """(present, for, against, abstain) with a two-thirds quorum that passes.

    `majority_of` is "members" for 党员大会 and "present" for 村民代表会议 (contract §7).
    """
    present = rng.randint(-(-2 * members // 3), members)
    base = members if majority_of == "members" else present
    votes_for = rng.randint(base // 2 + 1, present)
    against = rng.randint(0, min(3, present - votes_for))
    abstain = rng.randint(0, min(3, present - votes_for - against))
    return present, votes_for, against, abstain


def after(rng: random.Random, date: dt.date, low: int, high: int) -> dt.date:
    return date + dt.timedelta(days=rng.randint(low, high))


def major_matter(rng: random.Random, village: Village, year: int, index: int, topic: Topic, last_day: dt.date) -> str:
    """One 四议两公开 matter; completed when its result falls before the corpus's last day."""
    proposal = dt.date(year, 1 + index * 12 // MAJOR_PER_YEAR, rng.randint(1, 10))
    deliberation = after(rng, proposal, 1, 5)
    party = after(rng, deliberation, 3, 8)
    resolution = after(rng, party, 3, 8)
    disclosed = after(rng, resolution, 1, 3)
    result = after(rng, disclosed, 60, 200)
    completed = rng.random() < 0.75 and result <= last_day
    party_members, delegates = rng.randint(25, 60), rng.randint(20, 45)
    p_present, p_for, p_against, p_abstain = vote(rng, party_members, "members")
    r_present, r_for, r_against, r_abstain = vote(rng, delegates, "present")
    steps = [
        f"  - {{step: proposal, date: {proposal}}}",
        f"  - {{step: deliberation, date: {deliberation}}}",
        f"  - {{step: party-review, date: {party}, members: {party_members}, present: {p_present}, for: {p_for}, against: {p_against}, abstain: {p_abstain}}}",
        f"  - {{step: resolution, date: {resolution}, meeting: 村民代表会议, members: {delegates}, present: {r_present}, for: {r_for}, against: {r_against}, abstain: {r_abstain}}}",
        f"  - {{step: resolution-disclosed, date: {disclosed}}}",
    ]
    progress = []
    if completed:
        steps.append(f"  - {{step: result-disclosed, date: {result}}}")
        span = (result - disclosed).days
        for step, text in enumerate(PROGRESS, start=1):  # spread over the quarters of the work
            date = disclosed + dt.timedelta(days=span * step // 4 + rng.randint(0, span // 8))
            progress += [f"  - date: {date}", f"    text: {text}"]
    amount = rng.randint(topic.low // 100, topic.high // 100) * 10000 if topic.high else 0
    budget = f"，预算{yuan(amount)}元" if amount else ""
    fields = [f"title: {village.name}{topic.title}", f"item: {topic.item}"]
    fields += [f"amount: {yuan(amount)}"] if amount else []
    fields += [
        f"summary: {topic.what}{budget}，经党员大会审议和村民代表会议决议通过。",
        review_yaml(village, max(resolution, disclosed - dt.timedelta(days=rng.randint(1, 2))), "程序完备，表决结果真实，同意公开。"),
        f"posted: {disclosed}",
        "steps:",
        *steps,
    ]
    fields += ["progress:", *progress] if progress else []
    body = f"**方案**：{topic.what}。\n\n" + (f"**预算及资金来源**：总预算{yuan(amount)}元，由上级奖补资金和村集体自筹解决。\n\n" if amount else "")
    body += f"**监督**：{paragraphs(rng, 2)}"
    if completed:
        body += f"\n\n**实施结果**：已于{result.month}月{result.day}日完成并通过验收。"
    return front_matter(fields, body)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_village(root: Path, seed: int, village: Village, years: range) -> int:
    """All files of one village, from a Random seeded by its slug, so villages could be written in any order."""
    rng = random.Random(f"{seed}:{village.slug}")
    folder = root / village.slug
    write(folder / "village.yaml", village_yaml(village))
    count = 0
    balance = rng.randint(5000, 50000) * 1000
    last_day = dt.date(years[-1], 12, 31)
    for year in years:
        for month in range(1, 13):
            text, balance = finance_statement(rng, village, year, month, balance)
            write(folder / "finance" / f"{year}-{month:02d}.yaml", text)
        for quarter in range(1, 5):
            write(folder / "affairs" / f"{year}-Q{quarter}" / "dibao.md", dibao_item(rng, village, year, quarter))
            write(folder / "affairs" / f"{year}-Q{quarter}" / "subsidy.md", subsidy_item(rng, village, year, quarter))
        for index, topic in enumerate(rng.sample(TOPICS, MAJOR_PER_YEAR)):
            write(folder / "major" / f"{year}-{topic.word}.md", major_matter(rng, village, year, index, topic, last_day))
        count += 12 + 8 + MAJOR_PER_YEAR
    return count


def generate(root: Path, villages: int = 300, years: int = 3, seed: int = 1) -> int:
    """Write the county into `root` (which must be empty or absent); returns the number of disclosures."""
    if root.exists() and any(root.iterdir()):
        raise SystemExit(f"gen.py: {root} is not empty; give a new folder")
    write(root / "site.yaml", site_yaml())
    span = range(FIRST_YEAR, FIRST_YEAR + years)
    return sum(write_village(root, seed, village, span) for village in make_villages(seed, villages))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic county content folder for the benchmark.")
    parser.add_argument("out", type=Path, help="new content folder")
    parser.add_argument("--villages", type=int, default=300)
    parser.add_argument("--years", type=int, default=3, help=f"years from {FIRST_YEAR} on")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.villages < 1 or args.years < 1:
        parser.error("--villages and --years must be at least 1")
    start = time.perf_counter()
    count = generate(args.out, args.villages, args.years, args.seed)
    print(f"{count} disclosures in {args.villages} villages written to {args.out} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
