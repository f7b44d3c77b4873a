"""Progress on long builds: a live line on a terminal, a plain line now and then in a log, on stderr
only; none with --quiet, none on stdout with --format json, none in any output file."""

from __future__ import annotations

import io
import json
from types import SimpleNamespace

from conftest import write_tree
from sample import files

from sitegen import cli
from sitegen.progress import Progress, duration


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def village(pages: int, pdfs: int = 0):
    return SimpleNamespace(files={**{f"v/{n}/index.html": 0 for n in range(pages)}, **{f"v/{n}/poster.pdf": 0 for n in range(pdfs)}, "v/data.json": 0})


def test_a_terminal_gets_one_line_rewritten_in_place_and_erased_at_the_end():
    stream, clock = Terminal(), Clock()
    progress = Progress(stream, clock)
    progress.start(4)
    for _ in range(4):
        clock.now += 30
        progress.village_done(village(80, 40))
    progress.finish()
    text = stream.getvalue()
    assert "\n" not in text, "a live line never scrolls the terminal"
    shown = [part for part in text.split("\r\x1b[K") if part]
    assert shown[0] == "生成中：村 1/4，页面 80，PDF 40，已用 30秒，约剩 1分30秒"
    assert shown[-1] == "生成中：村 4/4，页面 320，PDF 160，已用 2分00秒"
    assert text.endswith("\r\x1b[K"), "erased, so the summary starts on a clean line"


def test_a_terminal_line_is_not_rewritten_more_than_five_times_a_second():
    stream, clock = Terminal(), Clock()
    progress = Progress(stream, clock)
    progress.start(1000)
    for _ in range(1000):
        clock.now += 0.01  # ten seconds in all
        progress.village_done(village(1))
    assert 40 <= stream.getvalue().count("\r\x1b[K") <= 52


def test_a_log_gets_a_plain_line_every_ten_seconds_or_tenth_and_never_a_flood():
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream, clock)
    progress.start(3000)  # an hour's build: a village every 1.2 s
    for _ in range(3000):
        clock.now += 1.2
        progress.village_done(village(81, 81))
    progress.finish()
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue() and "\x1b" not in stream.getvalue()
    assert 300 <= len(lines) <= 400, "about one line every ten seconds"
    assert lines[0] == "生成中：村 9/3000，页面 729，PDF 729，已用 11秒，约剩 59分49秒"
    assert all(line.startswith("生成中：村 ") for line in lines)


def test_a_short_build_in_a_log_prints_no_progress_at_all():
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream, clock)
    progress.start(30)
    for _ in range(30):
        clock.now += 0.05
        progress.village_done(village(80))
    progress.finish()
    assert stream.getvalue() == ""


def test_durations_read_as_a_clock():
    assert [duration(s) for s in (0, 9.6, 65, 3599, 3600, 3900)] == ["0秒", "10秒", "1分05秒", "59分59秒", "1时00分", "1时05分"]


def _run(monkeypatch, *args):
    out, err = io.StringIO(), Terminal()
    monkeypatch.setattr("sys.stdout", out)
    monkeypatch.setattr("sys.stderr", err)
    code = cli.main(["build", *args, "--no-posters", "--preview", "--jobs", "1"])
    return code, out.getvalue(), err.getvalue()


def test_the_cli_shows_progress_on_stderr_only_and_never_in_json_or_files(tmp_path, monkeypatch):
    content = write_tree(tmp_path / "content", files())
    code, out, err = _run(monkeypatch, str(content), "-o", str(tmp_path / "out"), "--format", "json")
    assert code == 0
    assert json.loads(out) == [] and "生成中" not in out
    assert "\r\x1b[K生成中：村 1/1，页面 " in err and err.endswith("\r\x1b[K")
    assert not [p for p in (tmp_path / "out").rglob("*") if p.is_file() and b"\xe7\x94\x9f\xe6\x88\x90\xe4\xb8\xad" in p.read_bytes()]  # 生成中


def test_quiet_shows_no_progress(tmp_path, monkeypatch):
    content = write_tree(tmp_path / "content", files())
    code, _, err = _run(monkeypatch, str(content), "-o", str(tmp_path / "out"), "--quiet")
    assert code == 0 and "生成中" not in err and "\x1b" not in err
    assert err.startswith("已生成 ")


def test_sitegen_status_shows_villages_read_on_stderr_and_its_report_alone_on_stdout(tmp_path, monkeypatch, capsys):
    content = write_tree(tmp_path / "content", files())
    err = Terminal()
    monkeypatch.setattr("sys.stderr", err)
    assert cli.main(["status", str(content), "--as-of", "2026-12-20", "-j", "1"]) == 0
    assert err.getvalue().startswith("\r\x1b[K读取中：村 1/1，已用 ") and "页面" not in err.getvalue() and err.getvalue().endswith("\r\x1b[K")
    report = capsys.readouterr().out
    assert "按时公开情况" in report.splitlines()[0] and "读取中" not in report and "\x1b" not in report
    quiet = Terminal()
    monkeypatch.setattr("sys.stderr", quiet)
    assert cli.main(["status", str(content), "--as-of", "2026-12-20", "--quiet"]) == 0
    assert quiet.getvalue() == "" and capsys.readouterr().out == report
