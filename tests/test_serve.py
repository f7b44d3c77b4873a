"""`sitegen serve` as a clerk uses it: a real server process, real edits, real HTTP.

The server runs `python -m sitegen serve` in a subprocess on a copy of the example content and
theme; every check polls the served pages until the rebuild shows (or a timeout says it never
did). The process is always stopped at the end.
"""

from __future__ import annotations

import html
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from sitegen.rules import check_content

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 90  # seconds for a rebuild to show: generous, the machine is shared


class Preview:
    """A running `sitegen serve` and what it printed."""

    def __init__(self, folder: Path, *args: str) -> None:
        # PYTHONPATH: the sitegen of this source tree, not whichever one the interpreter has installed
        env = {**os.environ, "SITEGEN_CACHE": str(folder / "cache"), "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sitegen", "serve", *args],
            cwd=folder,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.err: list[str] = []
        self.out: list[str] = []
        for stream, lines in ((self.process.stderr, self.err), (self.process.stdout, self.out)):
            threading.Thread(target=lambda s=stream, l=lines: l.extend(iter(s.readline, "")), daemon=True).start()
        self.port = 0

    @property
    def stderr(self) -> str:
        return "".join(self.err)

    def wait_ready(self) -> None:
        found = poll(lambda: re.search(r"预览地址：http://127\.0\.0\.1:(\d+)/", self.stderr) or self.process.poll() is not None)
        assert self.process.poll() is None, f"serve exited early:\n{self.stderr}"
        self.port = int(found.group(1))

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=10) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        time.sleep(0.2)  # let the reader threads take the last lines
        return self.process.returncode


def poll(condition, timeout: float = TIMEOUT):
    """The first truthy value of `condition()`, retried until `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, "timed out waiting for the preview"
        time.sleep(0.2)


def token_of(page: str) -> str:
    return re.search(r'e\.data!=="([^"]+)"', page).group(1)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """A clerk's working folder: the example content, and a theme copy to edit (no fonts: --no-posters)."""
    root = tmp_path_factory.mktemp("serve")
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copytree(ROOT / "themes" / "default", root / "theme", ignore=shutil.ignore_patterns("*.ttf", "*.otf"))
    return root


@pytest.fixture(scope="module")
def preview(folder):
    server = Preview(folder, "content", "--port", "0", "--theme", "theme", "--no-posters")
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def edit(path: Path, old: str, new: str) -> str:
    """Replace one exact text in a file; return the original text for restoring."""
    text = path.read_text("utf-8")
    assert text.count(old) == 1, f"{old!r} not once in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")
    return text


def test_pages_carry_the_reload_hook_only_when_served(preview, folder):
    status, page = preview.get("/")
    assert status == 200
    assert "青禾镇村务公开" in page
    assert 'new EventSource("/__sitegen/events")' in page
    assert page.index("__sitegen/events") < page.rindex("</body>")
    status, page = preview.get("/dongtan/major/2026-road/")
    assert status == 200 and "__sitegen/events" in page

    built = folder / "cache" / "preview"  # the default preview folder, not output/
    pages = list(built.rglob("*.html"))
    assert built / "index.html" in pages and len(pages) > 10
    for file in pages:
        text = file.read_text("utf-8")
        assert "__sitegen" not in text and "<script" not in text, file
    assert not (folder / "output").exists()

    status, page = preview.get("/dongtan")  # a folder without its slash: redirected, then served
    assert status == 200 and "东滩村" in page
    status, page = preview.get("/nowhere/")
    assert status == 404 and "页面不存在" in page and "__sitegen/events" in page


def test_content_edit_is_served_after_rebuild_and_announced(preview, folder):
    stream = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=TIMEOUT)
    stream.request("GET", "/__sitegen/events")
    events = stream.getresponse()
    assert events.status == 200 and events.getheader("Content-Type").startswith("text/event-stream")

    def next_token() -> str:
        while True:
            line = events.readline().decode()
            assert line, "event stream closed"
            if line.startswith("data: "):
                return line[6:].strip()

    before = next_token()
    assert token_of(preview.get("/")[1]) == before

    source = folder / "content" / "dongtan" / "major" / "2026-road.md"
    original = source.read_text("utf-8")
    try:
        corrected = original.replace("posted: 2026-03-16\n", "posted: 2026-03-16\ncorrections:\n  - {date: 2026-03-20, reason: 预览测试。}\n", 1)
        assert corrected != original  # a published item changes only with a correction (§12)
        source.write_text(corrected + "\n预览测试：新增的一句话。\n", "utf-8")
        after = next_token()  # pushed when the rebuild finishes: the open page reloads
        assert after != before
        status, page = preview.get("/dongtan/major/2026-road/")
        assert status == 200 and "预览测试：新增的一句话。" in page
        assert token_of(page) == after
        assert "检测到修改：content/dongtan/major/2026-road.md" in preview.stderr
    finally:
        source.write_text(original, "utf-8")
        stream.close()
    poll(lambda: "预览测试" not in preview.get("/dongtan/major/2026-road/")[1])


def test_broken_yaml_shows_the_located_problem_until_fixed(preview, folder, monkeypatch):
    village = folder / "content" / "dongtan" / "village.yaml"
    monkeypatch.chdir(folder)  # problems are named as the server was given the folder: content/…
    original = edit(village, "name: 东滩村", "name: [东滩村")
    try:
        problems = check_content("content")[1]
        assert problems and all(p.path == "content/dongtan/village.yaml" for p in problems)
        status, page = poll(lambda: (r := preview.get("/"))[0] == 500 and r)
        assert "生成失败" in page and "__sitegen/events" in page  # so the fix reloads it
        for problem in problems:
            assert html.escape(str(problem)) in page
            assert str(problem) in preview.stderr  # the terminal says it too
        assert re.search(r"content/dongtan/village\.yaml:\d+:\d+: error\[yaml-syntax\]", page)
        status, other = preview.get("/xiwang/")  # every page, not only the broken village's
        assert status == 500 and html.escape(str(problems[0])) in other
        assert "Traceback" not in preview.stderr

        village.write_text(original.replace('code: "371699103201"', 'code: "<b>&x"'), "utf-8")
        problems = check_content("content")[1]
        assert any("<b>&x" in p.message for p in problems)
        page = poll(lambda: (r := preview.get("/"))[0] == 500 and "[schema]" in r[1] and r[1])
        for problem in problems:
            assert html.escape(str(problem)) in page
        assert "<b>&x" not in page and "&lt;b&gt;&amp;x" in page
    finally:
        village.write_text(original, "utf-8")
    status, page = poll(lambda: (r := preview.get("/"))[0] == 200 and r)
    assert "青禾镇村务公开" in page and "生成失败" not in page


def test_template_css_and_strings_changes_reach_the_page(preview, folder):
    theme = folder / "theme"
    template, css, strings = theme / "templates" / "base.html", theme / "static" / "site.css", theme / "i18n" / "zh-Hans.yaml"
    originals = {path: path.read_text("utf-8") for path in (template, css, strings)}
    try:
        edit(template, "</footer>", "</footer>\n<p>模板改动已生效</p>")
        poll(lambda: (r := preview.get("/dongtan/"))[0] == 200 and "模板改动已生效" in r[1])

        def stylesheet() -> str:
            return re.search(r'href="[./]*(assets/site\.\w+\.css)"', preview.get("/dongtan/")[1]).group(1)

        old = stylesheet()
        css.write_text(originals[css] + "\n.serve-test{color:#123456}\n", "utf-8")
        new = poll(lambda: (sheet := stylesheet()) != old and sheet)
        status, text = preview.get("/" + new)
        assert status == 200 and ".serve-test{color:#123456}" in text

        edit(strings, "skip_link: 跳到正文", "skip_link: 跳到正文（预览测试）")
        poll(lambda: "跳到正文（预览测试）" in preview.get("/dongtan/")[1])
    finally:
        for path, text in originals.items():
            path.write_text(text, "utf-8")
    poll(lambda: "模板改动已生效" not in (page := preview.get("/dongtan/")[1]) and "预览测试" not in page)


def test_listens_on_localhost_only(preview):
    """Bound to 127.0.0.1 (read from the kernel's socket table): drafts never reach the office network."""
    table = Path("/proc/net/tcp")
    if not table.exists():
        pytest.skip("needs Linux /proc/net/tcp")
    listening = [
        fields[1] for fields in (line.split() for line in table.read_text().splitlines()[1:])
        if fields[3] == "0A" and int(fields[1].split(":")[1], 16) == preview.port
    ]
    assert listening == [f"0100007F:{preview.port:04X}"]


def _raw_get(port: int, path: str, hosts: list[str]) -> tuple[int, str]:
    """A GET with exactly these Host headers (none at all when empty), as a rebinding page would send."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_host=True)
        for host in hosts:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8")
    finally:
        connection.close()


@pytest.mark.parametrize("hosts", [
    ["evil.example:{port}"], ["127.0.0.1.evil.example:{port}"], ["localhost:1"], ["127.0.0.1"], [],
    ["127.0.0.1:{port}", "evil.example:{port}"], ["localhost.:{port}"], ["[::1]:{port}"],
], ids=["other-name", "suffix", "other-port", "no-port", "none", "two-headers", "trailing-dot", "ipv6"])
@pytest.mark.parametrize("path", ["/", "/dongtan/", "/dongtan/affairs/2026-Q3/dibao/", "/sitemap.xml", "/__sitegen/events"])
def test_a_foreign_host_gets_403_and_no_content(preview, hosts, path):
    """DNS rebinding: a page elsewhere points its own name at 127.0.0.1 and reads the preview."""
    status, body = _raw_get(preview.port, path, [host.format(port=preview.port) for host in hosts])
    assert status == 403
    assert "禁止访问" in body
    assert "东滩" not in body and "低保" not in body and "<url>" not in body and "data:" not in body


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}"])
def test_the_servers_own_host_is_answered(preview, host):
    status, body = _raw_get(preview.port, "/dongtan/affairs/2026-Q3/dibao/", [host.format(port=preview.port)])
    assert status == 200
    assert "东滩" in body


def test_ctrl_c_stops_cleanly_in_chinese(preview):
    assert preview.stop() == 0
    assert "已停止预览。" in preview.stderr
    assert "Traceback" not in preview.stderr
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", preview.port), timeout=2).close()


def test_busy_port_is_refused_in_chinese(folder):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = Preview(folder, "content", "--port", str(taken.getsockname()[1]), "--no-posters")
        try:
            assert server.process.wait(timeout=60) == 1
        finally:
            server.stop()
    assert "已被占用" in server.stderr and "Traceback" not in server.stderr

