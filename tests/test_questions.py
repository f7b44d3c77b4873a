"""Questions and replies (群众提问与答复, contract §14.3): `questions:` on a finance statement and a
Markdown item, shown on page, poster, village home and data.json; every error located exactly;
`reply-overdue` against the profile's `reply_days` with the as-of date always passed explicitly."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess

import pytest

from conftest import write_tree
from helpers import soup
from sample import AFFAIRS, FINANCE, files

from sitegen.build import build
from sitegen.rules import check_content

AS_OF = dt.date(2026, 11, 20)
FINANCE_PATH = "dongtan/finance/2026-10.yaml"
AFFAIRS_PATH = "dongtan/affairs/2026-Q3/dibao.md"

ANSWERED = """\
questions:
  - asked: 2026-11-08
    channel: 民主日
    question: 路灯电费为什么比上月高？
    answered: 2026-11-12
    answer: 新装了南街路灯12盏。
"""
OPEN = """\
questions:
  - asked: 2026-11-10
    channel: 扫码
    question: 低保名单多久复核一次？
"""


def with_questions(finance: str = ANSWERED, affairs: str = OPEN, **overrides: str) -> dict[str, str]:
    """The minimal site with `finance` appended to the statement and `affairs` put into the dibao
    item's front matter (line 9 on), so line numbers below are easy to count."""
    return files(
        finance=FINANCE + finance,
        affairs=AFFAIRS.replace("tables:\n", affairs + "tables:\n", 1),
        **overrides,
    )


def _text(node) -> str:
    return re.sub(r"\s+", "", node.get_text())


def _lines(root, problems, *codes: str) -> list[str]:
    """The printed problems of these codes, with paths relative to the content folder as a clerk sees them."""
    return [str(p).removeprefix(f"{root}/") for p in problems if p.code in codes]


# --- shown -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = write_tree(tmp_path_factory.mktemp("questions") / "content", with_questions())
    out = root.parent / "output"
    result = build(root, out, as_of=AS_OF)
    assert result.ok, "\n".join(map(str, result.problems))
    return root, out


def test_the_finance_page_shows_the_question_its_channel_date_and_the_answer(site):
    section = soup(site[1] / "dongtan/finance/2026-10/index.html").find("section", id="questions")
    assert _text(section.find("h2")) == "群众提问与答复共1条"
    (entry,) = section.find_all("li")
    assert _text(entry.find(class_="log-date")) == "民主日2026年11月8日提问"
    assert _text(entry.find(class_="q")) == "问：路灯电费为什么比上月高？"
    assert _text(entry.find(class_="a")) == "答：新装了南街路灯12盏。（2026年11月12日答复）"
    assert "待答复" not in _text(section)


def test_an_unanswered_question_on_a_markdown_item_shows_pending_since_it_was_asked(site):
    section = soup(site[1] / "dongtan/affairs/2026-Q3/dibao/index.html").find("section", id="questions")
    (entry,) = section.find_all("li")
    assert _text(entry.find(class_="q")) == "问：低保名单多久复核一次？"
    assert _text(entry.find(class_="a")) == "待答复自2026年11月10日起"


def test_an_item_without_questions_has_no_questions_section(site):
    assert soup(site[1] / "dongtan/major/2026-road/index.html").find("section", id="questions") is None


def _poster_text(path) -> str:
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", "", done.stdout)


def test_the_posters_print_questions_answers_and_pending(site):
    finance = _poster_text(site[1] / "dongtan/finance/2026-10/poster.pdf")
    assert "群众提问与答复" in finance and "路灯电费为什么比上月高？" in finance
    assert "2026年11月8日·民主日" in finance and "2026年11月12日答复" in finance and "新装了南街路灯12盏。" in finance
    affairs = _poster_text(site[1] / "dongtan/affairs/2026-Q3/dibao/poster.pdf")
    assert "低保名单多久复核一次？" in affairs and "2026年11月10日·扫码" in affairs and "待答复" in affairs


def test_the_village_home_lists_the_latest_questions_linked_to_their_items(site):
    home = soup(site[1] / "dongtan/index.html")
    heading = next(h for h in home.find_all("h2") if _text(h) == "群众提问与答复")
    entries = heading.find_parent("section").find_all("a")
    assert [a["href"] for a in entries] == ["affairs/2026-Q3/dibao/#questions", "finance/2026-10/#questions"], "newest first"
    assert _text(entries[0]).startswith("低保名单多久复核一次？待答复扫码·2026年11月10日提问")
    assert _text(entries[1]).startswith("路灯电费为什么比上月高？2026年11月12日答复民主日")


def test_the_village_home_shows_at_most_five_questions(tmp_path):
    many = "questions:\n" + "".join(
        f"  - {{asked: 2026-11-{day:02d}, channel: 电话, question: 第{day}问}}\n" for day in range(6, 13)
    )
    root = write_tree(tmp_path / "content", with_questions(finance=many))
    assert build(root, tmp_path / "out", posters=False, as_of=AS_OF).ok
    home = soup(tmp_path / "out/dongtan/index.html")
    section = next(h for h in home.find_all("h2") if _text(h) == "群众提问与答复").find_parent("section")
    titles = [_text(t) for t in section.find_all(class_="item-title")]
    assert titles == ["第12问", "第11问", "第10问", "低保名单多久复核一次？", "第9问"], "a tie goes to the newer item"


def test_data_json_carries_each_items_questions(tmp_path):
    tree = with_questions()
    tree["dongtan/major/2026-road.md"] = tree["dongtan/major/2026-road.md"].replace("steps:\n", OPEN.replace("低保名单多久复核一次？", "路修到哪了？") + "steps:\n", 1)
    root = write_tree(tmp_path / "content", tree)
    assert build(root, tmp_path / "out", posters=False, as_of=AS_OF).ok
    data = json.loads((tmp_path / "out/dongtan/data.json").read_text("utf-8"))
    by_kind = {entry["kind"]: entry for entry in data["items"]}
    assert by_kind["finance"]["questions"] == [{
        "asked": "2026-11-08", "channel": "民主日", "question": "路灯电费为什么比上月高？",
        "answered": "2026-11-12", "answer": "新装了南街路灯12盏。",
    }]
    assert by_kind["major"]["questions"] == [
        {"asked": "2026-11-10", "channel": "扫码", "question": "路修到哪了？", "answered": None, "answer": None}
    ]
    assert "affairs" not in by_kind, "the dibao list has personal data: never in data.json, questions or not"


def test_item_pages_do_not_depend_on_the_as_of_date(site, tmp_path):
    """An overdue question shows the same 待答复 on the page: overdue marks belong to the status page."""
    later = tmp_path / "later"
    assert build(site[0], later, as_of=dt.date(2026, 12, 31)).ok
    for page in ("dongtan/affairs/2026-Q3/dibao/index.html", "dongtan/finance/2026-10/index.html"):
        assert (later / page).read_bytes() == (site[1] / page).read_bytes()


# --- located errors ----------------------------------------------------------------------------


def test_each_malformed_question_is_a_located_schema_error(tmp_path):
    bad = """\
questions:
  - asked: 2026-11-08
    channel: 微信
    question: 渠道写错了
  - asked: 2026-11-09
    channel: 电话
    question: 有答复没日期
    answer: 已答复。
  - asked: 2026-11-09
    channel: 信箱
    question: 有日期没答复
    answered: 2026-11-10
  - asked: 2026-11-09
    channel: 民主日
    name: 张三
  - asked: 11月9日
    channel: 其他
    question: 日期写错了
"""
    root = write_tree(tmp_path / "content", with_questions(finance=bad))
    _, problems = check_content(root, AS_OF)
    assert _lines(root, problems, "schema") == [
        f"{FINANCE_PATH}:26:14: error[schema]: questions第1项 的 channel 只能是 民主日、扫码、电话、信箱、其他 之一，实际为“微信”",
        f"{FINANCE_PATH}:31:13: error[schema]: questions第2项 写了 answer 却没有 answered：答复内容 answer 和答复日期 answered 要一起写；还没答复就两项都不写",
        f"{FINANCE_PATH}:35:15: error[schema]: questions第3项 写了 answered 却没有 answer：答复内容 answer 和答复日期 answered 要一起写；还没答复就两项都不写",
        f"{FINANCE_PATH}:36:5: error[schema]: 群众提问 questions 缺少必填字段 question",
        f"{FINANCE_PATH}:38:5: error[schema]: 群众提问 questions 中不认识的键 name（可用的键：asked、channel、question、answered、answer）",
        f"{FINANCE_PATH}:39:12: error[schema]: questions第5项 的 asked 应为日期，格式 YYYY-MM-DD（如 2026-11-05），实际为“11月9日”",
    ]
    result = build(root, tmp_path / "out", posters=False, as_of=AS_OF)
    assert not result.ok and not (tmp_path / "out").exists()


def test_questions_must_be_a_list(tmp_path):
    root = write_tree(tmp_path / "content", with_questions(finance="questions: 有人问电费\n"))
    _, problems = check_content(root, AS_OF)
    assert _lines(root, problems, "schema") == [
        f"{FINANCE_PATH}:24:12: error[schema]: questions 应为列表（每项以“- ”开头），实际为“有人问电费”",
    ]


def test_dates_out_of_order_or_after_the_as_of_date_are_located_question_date_errors(tmp_path):
    bad = """\
questions:
  - asked: 2026-11-08
    channel: 民主日
    question: 答复早于提问
    answered: 2026-11-07
    answer: 答复。
  - asked: 2026-11-21
    channel: 扫码
    question: 明天才问
  - asked: 2026-11-09
    channel: 电话
    question: 明天才答
    answered: 2026-11-21
    answer: 答复。
  - asked: 2026-11-04
    channel: 信箱
    question: 公开前就问了
"""
    root = write_tree(tmp_path / "content", with_questions(finance=bad))
    _, problems = check_content(root, AS_OF)
    assert _lines(root, problems, "question-date") == [
        f"{FINANCE_PATH}:28:15: error[question-date]: 第1个提问的答复日期 2026-11-07 早于提问日期 2026-11-08，请核对日期",
        f"{FINANCE_PATH}:30:12: error[question-date]: 第2个提问的提问日期 2026-11-21 晚于本次检查的日期 2026-11-20，请核对日期",
        f"{FINANCE_PATH}:36:15: error[question-date]: 第3个提问的答复日期 2026-11-21 晚于本次检查的日期 2026-11-20，请核对日期",
        f"{FINANCE_PATH}:38:12: error[question-date]: 第4个提问的提问日期 2026-11-04 早于本项公开日期 2026-11-05：群众只能对已公开的内容提问，请核对日期",
    ]
    assert _lines(root, problems, "reply-overdue") == [], "a question with a wrong date is not also overdue"


# --- reply-overdue -----------------------------------------------------------------------------


def _overdue(root, as_of: dt.date) -> list[str]:
    return _lines(root, check_content(root, as_of)[1], "reply-overdue")


def test_an_unanswered_question_warns_the_day_after_reply_days(tmp_path):
    root = write_tree(tmp_path / "content", with_questions())  # asked 2026-11-10, no answer
    assert _overdue(root, dt.date(2026, 11, 20)) == [], "day 10 is still in time"
    assert _overdue(root, dt.date(2026, 11, 21)) == [
        f"{AFFAIRS_PATH}:10:12: warning[reply-overdue]: 第1个提问（2026-11-10 提出）已 11 天未答复，超过了 10 天的答复期限；"
        "请尽快答复，并写上答复日期 answered 和答复内容 answer",
    ]
    result = build(root, tmp_path / "out", posters=False, as_of=dt.date(2026, 11, 21))
    assert result.ok and "reply-overdue" in {p.code for p in result.problems}, "a warning never stops the build"


def test_an_answered_question_never_warns(tmp_path):
    root = write_tree(tmp_path / "content", with_questions(affairs=""))  # only the answered finance question
    assert _overdue(root, dt.date(2027, 6, 1)) == []


def test_the_profile_sets_other_reply_days(tmp_path):
    files_ = with_questions()
    files_["profile.yaml"] = "reply_days: 3\n"
    root = write_tree(tmp_path / "content", files_)
    assert _overdue(root, dt.date(2026, 11, 13)) == []
    (warning,) = _overdue(root, dt.date(2026, 11, 14))
    assert warning.startswith(f"{AFFAIRS_PATH}:10:12: warning[reply-overdue]: 第1个提问（2026-11-10 提出）已 4 天未答复，超过了 3 天的答复期限")


@pytest.mark.parametrize("value, shown", [("0", "“0”"), ("十天", "“十天”"), ("true", "“True”")])
def test_reply_days_must_be_a_whole_number_of_days(tmp_path, value, shown):
    files_ = with_questions()
    files_["profile.yaml"] = f"reply_days: {value}\n"
    root = write_tree(tmp_path / "content", files_)
    _, problems = check_content(root, AS_OF)
    assert _lines(root, problems, "schema") == [
        f"profile.yaml:1:13: error[schema]: reply_days 应为答复期限的天数（1 或更大的整数，如 10），实际为{shown}",
    ]


# --- privacy -----------------------------------------------------------------------------------


def test_personal_numbers_in_a_question_or_an_answer_are_located_privacy_errors(tmp_path):
    leaky = """\
questions:
  - asked: 2026-11-08
    channel: 电话
    question: 我的电话13853412345，请回电
    answered: 2026-11-09
    answer: "已核实身份证\\x33\\x37\\x31\\x36\\x30\\x33\\x31\\x39\\x36\\x35\\x30\\x33\\x31\\x32\\x30\\x30\\x32\\x35的低保资格。"
"""
    root = write_tree(tmp_path / "content", with_questions(finance=leaky))
    _, problems = check_content(root, AS_OF)
    assert [(p.path.removeprefix(f"{root}/"), p.line, p.col, p.code) for p in problems if p.code.startswith("privacy")] == [
        (FINANCE_PATH, 27, 19, "privacy-phone"),  # in the raw text
        (FINANCE_PATH, 29, 13, "privacy-id"),  # only in the loaded value (YAML escapes): at the value
    ]


def test_a_character_the_poster_font_lacks_in_an_answer_is_a_located_glyph_error(tmp_path):
    rare = ANSWERED.replace("新装了南街路灯12盏。", "由王𪚥负责维修。")
    root = write_tree(tmp_path / "content", with_questions(finance=rare))
    _, problems = check_content(root, AS_OF)
    assert [(p.path.removeprefix(f"{root}/"), p.line, p.col) for p in problems if p.code == "glyph-missing"] == [
        (FINANCE_PATH, 29, 15),
    ]
