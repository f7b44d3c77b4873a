"""Name pools, the corpus's calendar and the small text helpers every kind of file shares.

Money is kept in integer fen (cents) so sums are exact. No digit run is longer than 10 digits
(except the quoted 12-digit village code), which keeps the privacy guard quiet.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

FIRST_YEAR = 2024
BASE_URL = "https://cwgk.example.gov.cn/bench/"
COUNTY = "临河县"
AREA_CODE = "0543"

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
GIVEN = "建国秀英桂兰玉芝德胜长山凤英广才国庆振华明丽淑芬立平成海福田志强春梅红霞金凤永刚宝山文华晓东丽娟德明俊杰新民学军家兴树林云峰"
GROUPS = tuple(f"第{n}组" for n in "一二三四五六七八")
QUARTER_NAMES = "一二三四"
BODY_SENTENCES = (
    "本事项依照《中华人民共和国村民委员会组织法》和本县村务公开有关规定予以公开。",
    "相关原始凭证和会议记录存放于村委会档案室，村民可在办公时间查阅。",
    "村务监督委员会对本事项全程监督，并对公开内容的真实性负责。",
    "对公开内容有疑问的，请在公示期内向村务监督委员会反映，村委会在10日内答复。",
    "本次公开内容同时在村务公开栏张贴，并通过村民微信群告知。",
    "资金由镇财政所通过一卡通直接发放到户，村里不经手现金。",
)


@dataclass(frozen=True)
class Calendar:
    """The corpus's span and the dates that keep it clean.

    `as_of` is the date bench/run.py builds as of: late January after the last year, when every
    item of the last year is posted except the yearly ones (due 31 January). `quiet` is the last
    day a clerk writes a question, an answer or a correction, so that a build as of any day from
    then to `as_of` (bench/ab.py and bench/profile_build.py build as of today) has no date after
    its as-of date and no unanswered question.
    """

    years: range

    @property
    def since(self) -> str:
        return f"{self.years[0]}-01"

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.years[-1], 12, 31)

    @property
    def as_of(self) -> dt.date:
        return dt.date(self.years[-1] + 1, 1, 25)

    @property
    def quiet(self) -> dt.date:
        return dt.date(self.years[-1], 11, 30)


def as_of(years: int = 3) -> dt.date:
    """The as-of date of a corpus of `years` years from FIRST_YEAR (what bench/run.py passes)."""
    return Calendar(range(FIRST_YEAR, FIRST_YEAR + years)).as_of


@dataclass(frozen=True)
class Village:
    slug: str
    name: str
    code: str
    phone: str
    chair: str
    members: tuple[str, str]


def yuan(fen: int) -> str:
    """Exact two-decimal money text from integer fen."""
    return f"{fen // 100}.{fen % 100:02d}"


def person(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
    return rng.choice(SURNAMES) + given


def people(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """`count` distinct (name, group) pairs: a household is known by both (points, §14.2)."""
    seen: dict[tuple[str, str], None] = {}
    while len(seen) < count:
        seen[(person(rng), rng.choice(GROUPS))] = None
    return list(seen)


def paragraphs(rng: random.Random, count: int) -> str:
    """A few paragraphs of boilerplate prose, like the closing part of a real notice."""
    return "\n\n".join(rng.sample(BODY_SENTENCES, count))


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def after(rng: random.Random, date: dt.date, low: int, high: int) -> dt.date:
    return date + dt.timedelta(days=rng.randint(low, high))


def quarter_posting(rng: random.Random, year: int, quarter: int) -> dt.date:
    """Posted between the 5th and the 15th of the month after the quarter (due by the 20th)."""
    return dt.date(*next_month(year, quarter * 3), rng.randint(5, 15))


def quarter_name(year: int, quarter: int) -> str:
    return f"{year}年第{QUARTER_NAMES[quarter - 1]}季度"


def review_yaml(village: Village, date: dt.date, opinion: str) -> str:
    reviewers = ", ".join((village.chair, *village.members))
    return f"review:\n  reviewers: [{reviewers}]\n  date: {date}\n  opinion: {opinion}"


def front_matter(fields: list[str], body: str) -> str:
    return "---\n" + "\n".join(fields) + "\n---\n" + body + "\n"


def table_yaml(caption: str, columns: tuple[str, ...], rows: list[tuple[object, ...]]) -> str:
    lines = ["tables:", f"  - caption: {caption}", f"    columns: [{', '.join(columns)}]", "    rows:"]
    lines += [f"      - [{', '.join(map(str, row))}]" for row in rows]
    return "\n".join(lines)


def write(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
