"""One village: its village.yaml and every file of its years, from a Random seeded by its slug."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from pathlib import Path

from . import affairs, corrections, finance, major, points, postings, standing
from .common import AREA_CODE, BASE_URL, COUNTY, Calendar, Village, person, write

VILLAGE_FIRST = "东西南北前后上下大小新老高李王张刘赵孙杨马黄河湖山柳杏桃梨枣桑"
VILLAGE_SECOND = "滩旺庄河沟洼岭坡湾营店集屯寨桥口台堡坊林园家"
VILLAGE_SUFFIX = ("村", "庄村", "屯村", "营村")
NOT_APPLICABLE = {  # item: (share of villages, reason)
    "tekun": (0.15, "本村无特困供养人员"),
    "homestead": (0.08, "本村已整体纳入城镇规划区，暂停审批新增宅基地"),
}
POINTS_SHARE = 0.25  # villages that run a 积分制


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


def village_yaml(village: Village, calendar: Calendar, absent: dict[str, str]) -> str:
    lines = [
        f"name: {village.name}",
        f'code: "{village.code}"',
        f"committee: {village.name}村民委员会",
        f"party_branch: 中共{village.name}支部委员会",
        "supervisors:",
        f"  chair: {village.chair}",
        f"  members: [{', '.join(village.members)}]",
        "contacts:",
        "  - label: 村务监督委员会",
        f"    phone: {village.phone}",
        f"board: {village.name}村委会大院公开栏",
        f"since: {calendar.since}",
    ]
    if absent:
        lines += ["not_applicable:", *(f"  {code}: {reason}" for code, reason in absent.items())]
    return "\n".join(lines) + "\n"


def write_village(root: Path, seed: int, village: Village, calendar: Calendar) -> tuple[Counter, list[corrections.Corrected]]:
    """All files of one village; returns the number of files per kind and its corrected items."""
    rng = random.Random(f"{seed}:{village.slug}")
    folder = root / village.slug
    absent = {code: reason for code, (share, reason) in NOT_APPLICABLE.items() if rng.random() < share}
    write(folder / "village.yaml", village_yaml(village, calendar, absent))
    files: dict[str, str | bytes] = {}
    for code, writer in standing.ITEMS.items():
        files[f"standing/{code}.md"] = writer(rng, village, calendar)
    balance = rng.randint(5000, 50000) * 1000
    for year in calendar.years:
        for month in range(1, 13):
            files[f"finance/{year}-{month:02d}.yaml"], balance = finance.finance_statement(rng, village, calendar, year, month, balance)
        for quarter in range(1, 5):
            for code, writer in affairs.QUARTERLY.items():
                if code not in absent:
                    files[f"affairs/{year}-Q{quarter}/{code}.md"] = writer(rng, village, calendar, year, quarter)
        for code, (quarter, writer) in affairs.YEARLY.items():
            files[f"affairs/{year}-Q{quarter}/{code}.md"] = writer(rng, village, calendar, year)
        for index, topic in enumerate(rng.sample(major.TOPICS, major.PER_YEAR)):
            files[f"major/{year}-{topic.word}.md"] = major.major_matter(rng, village, calendar, year, index, topic)
    if rng.random() < POINTS_SHARE:
        files.update({f"points/{name}": text for name, text in points.write_all(rng, village, calendar).items()})
    records, photos = postings.write_all(rng, calendar)
    files.update({f"postings/{name}": text for name, text in records.items()})
    files.update({f"files/{name}": data for name, data in photos.items()})
    corrected = _correct(rng, village, calendar, files)
    for path, text in files.items():
        write(folder / path, text)
    return Counter(path.split("/", 1)[0] for path in files), corrected


def _correct(rng: random.Random, village: Village, calendar: Calendar, files: dict) -> list[corrections.Corrected]:
    """In a share of villages, one published item corrected (in `files`): the village rules
    amended, or a finance statement's summary completed."""
    if rng.random() >= corrections.SHARE:
        return []
    if rng.random() < 0.5:
        path = "standing/village-rules.md"
        new = corrections.village_rules(rng, files[path], calendar)
    else:
        year, month = calendar.years[-1 if len(calendar.years) == 1 else -2], rng.randint(1, 12)
        path = f"finance/{year}-{month:02d}.yaml"
        posted = dt.date.fromisoformat(files[path].split("\nposted: ", 1)[1][:10])
        new = corrections.finance(rng, files[path], posted, calendar)
        if new is None:
            return []
    original, files[path] = files[path], new
    return [corrections.Corrected(village.slug, path, original)]
