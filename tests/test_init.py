"""`sitegen init`: a township's new content repository, checked with the real `sitegen check`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from sitegen import __version__, cli, scaffold
from sitegen.rules import check_content

# What a technical contact writes into each `# 待填写` place (the key before the comment).
FILLED = {
    "title": "青禾镇村务公开",
    "base_url": "https://cwgk.example.gov.cn/qinghe/",
    "phone": "0543-7321234",
    "name": "东滩村",
    "chair": "刘秀英",
    "members": "[王建国, 赵敏]",
    "posted": "2026-12-05",
    "summary": "本月无收支。",
    "reviewers": "[刘秀英]",
    "date": "2026-12-03",
    "opening_balance": "125300.50",
    "closing_balance": "125300.50",
}
PLACE = re.compile(r"^(\s*(?:- )?)(\w+):(?: \[\])? +# 待填写.*$", re.MULTILINE)


def fill(content: Path, values: dict[str, str] = FILLED, pattern: str = "*.yaml") -> list[str]:
    """Fill every marked place like a person would; returns the keys filled."""
    keys = []
    for path in sorted(content.rglob(pattern)):
        text = path.read_text("utf-8")
        keys += [match[2] for match in PLACE.finditer(text)]
        path.write_text(PLACE.sub(lambda m: f"{m[1]}{m[2]}: {values[m[2]]}", text), "utf-8")
    return keys


def init(tmp_path: Path, *args: str) -> Path:
    target = tmp_path / "qinghe"
    assert cli.main(["init", str(target), "--period", "2026-11", *args]) == 0
    return target


def test_init_writes_a_repository_that_check_accepts_once_filled(tmp_path):
    repo = init(tmp_path, "--village", "dongtan")
    assert sorted(str(p.relative_to(repo)) for p in repo.rglob("*") if p.is_file()) == [
        ".github/workflows/publish.yml",
        ".gitignore",
        ".pre-commit-config.yaml",
        "README.md",
        "content/dongtan/finance/2026-11.yaml",
        "content/dongtan/village.yaml",
        "content/profile.yaml",
        "content/site.yaml",
    ]
    _, unfilled = check_content(repo / "content")
    errors = [p for p in unfilled if p.severity == "error"]
    assert errors and {p.code for p in errors} == {"schema"}
    for field in ("title", "base_url", "phone", "name", "posted", "summary", "opening_balance", "closing_balance", "reviewers", "date", "members"):
        assert any(field in p.message for p in errors), f"an empty {field} is not reported"

    assert sorted(set(fill(repo / "content"))) == sorted(FILLED)
    site, problems = check_content(repo / "content")
    assert problems == [], "\n".join(map(str, problems))
    (village,) = site.villages
    assert village.slug == "dongtan" and village.name == "东滩村"
    assert str(village.disclosures[0].opening_balance) == "125300.50", "the amount as the clerk wrote it"
    assert "content/dongtan/finance/2026-11.yaml" in (repo / "README.md").read_text("utf-8")


def test_a_commented_out_profile_is_the_national_baseline(tmp_path):
    repo = init(tmp_path)
    fill(repo / "content")
    site, _ = check_content(repo / "content")
    from sitegen.profile import baseline

    assert site.profile == baseline()
    assert "# items:" in (repo / "content" / "profile.yaml").read_text("utf-8")


@pytest.mark.parametrize("ci, path", [("github", ".github/workflows/publish.yml"), ("gitlab", ".gitlab-ci.yml")])
def test_the_ci_file_of_the_users_choice_installs_this_release(tmp_path, ci, path):
    repo = init(tmp_path, "--ci", ci)
    other = {".github/workflows/publish.yml", ".gitlab-ci.yml"} - {path}
    assert not any((repo / name).exists() for name in other)
    text = (repo / path).read_text("utf-8")
    workflow = yaml.safe_load(text)
    assert isinstance(workflow, dict)
    assert f"SITEGEN: sitegen=={__version__}" in text and 'pip install --quiet "$SITEGEN"' in text
    assert "sitegen fonts" in text and "sitegen build content" in text
    assert "git clone" not in text and "fetch-fonts" not in text, "no checkout of the tool any more"
    hook = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text("utf-8"))["repos"][0]["hooks"][0]
    assert hook["entry"] == "sitegen privacy" and hook["additional_dependencies"] == [f"sitegen=={__version__}"]
    assert "/.sitegen-cache/" in (repo / ".gitignore").read_text("utf-8")


def test_init_never_touches_an_existing_folder(tmp_path, capsys):
    target = tmp_path / "town"
    target.mkdir()
    (target / "notes.txt").write_text("keep me", "utf-8")
    assert cli.main(["init", str(target)]) == 1
    assert "已存在且不是空文件夹" in capsys.readouterr().err
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    (tmp_path / "file").write_text("x", "utf-8")
    assert cli.main(["init", str(tmp_path / "file")]) == 1
    (tmp_path / "link").symlink_to(tmp_path / "empty", target_is_directory=True)
    (tmp_path / "empty").mkdir()
    assert cli.main(["init", str(tmp_path / "link")]) == 1 and not any((tmp_path / "empty").iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "file", "link", "town"], "no staging folder left"


def test_init_fills_an_empty_folder(tmp_path):
    (tmp_path / "qinghe").mkdir()
    assert (init(tmp_path) / "content" / "site.yaml").is_file()


@pytest.mark.parametrize("args", [["--village", "东滩"], ["--village", "Dongtan"], ["--period", "2026-13"], ["--ci", "jenkins"]])
def test_bad_options_are_usage_errors(tmp_path, args, capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["init", str(tmp_path / "x"), *args])
    assert stop.value.code == 2 and not (tmp_path / "x").exists()
    assert "Traceback" not in capsys.readouterr().err


def test_a_statement_template_for_any_month(tmp_path):
    december = yaml.safe_load(scaffold.finance_statement("2026-12"))
    assert december["period"] == "2026-12" and december["income"] == [] and december["summary"] is None
    text = scaffold.finance_statement("2026-12")
    assert "如 2027-01-05" in text and "date: 2026-12-01" in text
    assert "经营收入、投资收益、补助收入、其他收入" in text, "the profile's categories, for the clerk"


def test_a_folder_that_cannot_be_made_is_a_chinese_message(tmp_path, capsys):
    (tmp_path / "afile").write_text("x", "utf-8")
    assert cli.main(["init", str(tmp_path / "afile" / "town")]) == 1
    assert "无法在" in (err := capsys.readouterr().err) and "路径中有一段不是文件夹" in err and "Not a directory" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]
