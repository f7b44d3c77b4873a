"""Live preview for clerks: build, serve on localhost, rebuild on every change, reload the browser.

Every build runs `python -m sitegen build` in a fresh subprocess: a long-running server must
never serve stale theme data (the build keeps compiled templates, strings and the stylesheet in
per-process caches), and a crash while rendering must not take the server down. A no-op
rebuild costs about 0.2 s of interpreter start-up, which is nothing next to a clerk's save.

The published site has no JavaScript: only the preview server adds a one-line script to the
HTML it sends, which listens on `/__sitegen/events` (Server-Sent Events) and reloads the page
when a build finishes. While the last build failed, every page is replaced by a Chinese list
of the located problems, so fixing the file brings the site back by itself.

Only requests whose Host header names this server (`127.0.0.1:PORT` or `localhost:PORT`) are
answered: a page on another site can make the browser resolve its own name to 127.0.0.1 (DNS
rebinding) and read drafts and 低保 lists through it; such a request names that other site.
"""

from __future__ import annotations

import errno
import html
import http.server
import io
import json
import os
import re
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from .problems import Problem, Severity, format_text

EVENTS = "/__sitegen/events"
HOST = "127.0.0.1"  # never reachable from the network: drafts may hold what is not yet public
HEARTBEAT = 15.0  # seconds between keep-alive comments on an idle event stream

# Injected before </body> of every HTML response (never written to the output folder). The
# token says which build the page comes from; the stream sends the current one on (re)connect
# and after every build, so a page from any other build reloads, also after a server restart.
RELOAD_SCRIPT = (
    '<script>/* sitegen serve */new EventSource("' + EVENTS + '").onmessage='
    'function(e){if(e.data!=="{token}")location.reload()}</script>'
)


def default_output() -> Path:
    """The preview's own folder in the build cache, so a preview never touches the published `output/`."""
    return Path(os.environ.get("SITEGEN_CACHE") or ".sitegen-cache") / "preview"


class Preview:
    """What the server shows: the current build token and, while the last build failed, why."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._session = secrets.token_hex(4)  # differs after a restart, so open pages reload
        self.generation = 0
        self.failure: str | None = None  # the error page's list, as HTML, while the last build failed
        self.closing = False

    @property
    def token(self) -> str:
        return f"{self._session}-{self.generation}"

    def finished(self, failure: str | None) -> None:
        with self._changed:
            self.failure = failure
            self.generation += 1
            self._changed.notify_all()

    def close(self) -> None:
        with self._changed:
            self.closing = True
            self._changed.notify_all()

    def wait(self, token: str, timeout: float) -> str:
        """The token after the next build (or the current one when `timeout` passes first)."""
        with self._changed:
            self._changed.wait_for(lambda: self.closing or self.token != token, timeout)
            return self.token


def run_build(content: str, output: Path, theme: Path | None, posters: bool) -> tuple[bool, list[Problem], str]:
    """One build in a fresh interpreter: (ok, problems, message when it failed without located problems)."""
    command = [sys.executable, "-m", "sitegen", "build", content, "-o", str(output), "--format", "json", "--preview", "--quiet"]
    if theme is not None:
        command += ["--theme", str(theme)]
    if not posters:
        command.append("--no-posters")
    done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", errors="replace")
    try:
        problems = [
            Problem(p["path"], p["line"], p["col"], Severity(p["severity"]), p["code"], p["message"])
            for p in json.loads(done.stdout or "[]")
        ]
    except (ValueError, KeyError, TypeError):
        problems = []
    if done.returncode == 0:
        return True, problems, ""
    if done.returncode == 1 and problems:
        return False, problems, ""
    # an internal error (exit 3) prints one line; anything else (killed, crashed) gets a plain note
    message = done.stderr.strip() or f"生成进程异常退出（退出码 {done.returncode}）"
    return False, problems, message


def error_list(problems: list[Problem], message: str) -> str:
    """The failed build as HTML: every problem in the clerk's usual `path:line:col: …` form, escaped."""
    items = "".join(f"<li>{html.escape(str(p))}</li>\n" for p in sorted(problems))
    note = f"<pre>{html.escape(message)}</pre>\n" if message else ""
    return f"<ol>\n{items}</ol>\n{note}" if items else note


def error_page(failure: str, token: str) -> bytes:
    return _page(
        "生成失败",
        "<h1>生成失败：请修正下面的问题</h1>\n"
        "<p>预览仍在运行。修改文件并保存后会自动重新生成，本页会自动刷新。</p>\n" + failure,
        token,
    )


def forbidden_page() -> bytes:
    """No reload hook and no file content: whoever sent a foreign Host learns nothing."""
    body = "<h1>禁止访问</h1>\n<p>预览只供本机使用，请用地址栏里的 http://127.0.0.1:端口/ 打开。</p>\n"
    return _document("禁止访问", body)


def host_allowed(hosts: list[str], port: int) -> bool:
    """Exactly one Host header naming 127.0.0.1 or localhost with this port (a browser omits :80)."""
    if len(hosts) != 1:
        return False
    names = {f"127.0.0.1:{port}", f"localhost:{port}"}
    if port == 80:
        names |= {"127.0.0.1", "localhost"}
    return hosts[0].strip().lower() in names


def not_found_page(path: str, token: str) -> bytes:
    return _page("页面不存在", f"<h1>页面不存在</h1>\n<p>{html.escape(path)}</p>\n<p><a href=\"/\">返回首页</a></p>\n", token)


def _page(title: str, body: str, token: str) -> bytes:
    """The server's own pages carry the reload hook too, so fixing the problem brings the site back."""
    return inject(_document(title, body), token)


def _document(title: str, body: str) -> bytes:
    document = (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title} - sitegen 预览</title>\n"
        "<style>body{font:18px/1.7 system-ui,sans-serif;margin:2em auto;max-width:60em;padding:0 1em}"
        "h1{color:#a00}li{font-family:monospace;white-space:pre-wrap;margin:.4em 0}</style>\n"
        f"</head>\n<body>\n{body}</body>\n</html>\n"
    )
    return document.encode("utf-8")


_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


def inject(document: bytes, token: str) -> bytes:
    """The page with the reload script before its last </body> (or at the end when there is none)."""
    script = RELOAD_SCRIPT.replace("{token}", token).encode("utf-8")
    ends = list(_BODY_END.finditer(document))
    if not ends:
        return document + script
    at = ends[-1].start()
    return document[:at] + script + document[at:]


def _is_page(path: str) -> bool:
    last = path.rsplit("/", 1)[-1]
    return path.endswith("/") or last.endswith((".html", ".htm")) or "." not in last


class Handler(http.server.SimpleHTTPRequestHandler):
    """The output folder as a static server, plus the reload hook, the event stream and the error page."""

    preview: Preview  # set on the subclass made in `serve`
    root: str  # the output folder

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, directory=self.root, **kwargs)

    def do_GET(self) -> None:
        if not self._host_checked():
            return
        if urlsplit(self.path).path == EVENTS:
            self._events()
        else:
            super().do_GET()

    def do_HEAD(self) -> None:
        if self._host_checked():
            super().do_HEAD()

    def _host_checked(self) -> bool:
        """True when the Host header names this server; otherwise a 403 has been sent."""
        if host_allowed(self.headers.get_all("Host") or [], self.server.server_address[1]):
            return True
        body = forbidden_page()
        self.send_response(403)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.close_connection = True
        return False

    def send_head(self):
        path = urlsplit(self.path).path
        if not _is_page(path):
            return super().send_head()  # CSS, PDFs, sitemap: as built
        token, failure = self.preview.token, self.preview.failure
        if failure is not None:
            return self._send(500, error_page(failure, token))
        file = Path(self.translate_path(self.path))
        if file.is_dir():
            if not path.endswith("/"):
                return super().send_head()  # redirects to the folder's address with a slash
            file = file / "index.html"
        try:
            document = file.read_bytes()
        except OSError:
            return self._send(404, not_found_page(path, token))
        return self._send(200, inject(document, token))

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # a rebuilt page must never come from the browser cache
        super().end_headers()

    def _send(self, status: int, body: bytes):
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def _events(self) -> None:
        """Server-Sent Events: the current build token now and after every build, until the page goes."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.end_headers()
        token = self.preview.token
        try:
            self.wfile.write(f"retry: 1000\ndata: {token}\n\n".encode())
            self.wfile.flush()
            while not self.preview.closing:
                latest = self.preview.wait(token, HEARTBEAT)
                if self.preview.closing:
                    break
                message = f"data: {latest}\n\n" if latest != token else ": ping\n\n"
                self.wfile.write(message.encode())
                self.wfile.flush()
                token = latest
        except OSError:
            pass  # the tab was closed or reloaded
        self.close_connection = True

    def log_message(self, format: str, *args) -> None:
        pass  # one line per request would bury the build messages the clerk needs


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A browser that went away mid-response is normal; anything else gets one line, never a traceback."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, OSError):
            print(f"预览服务器处理请求出错（{type(exc).__name__}: {exc}）", file=sys.stderr)


def _describe(changes, roots: list[Path]) -> str:
    names = sorted({_shown(Path(path), roots) for _, path in changes})
    more = f" 等 {len(names)} 个文件" if len(names) > 3 else ""
    return "、".join(names[:3]) + more


def _shown(path: Path, roots: list[Path]) -> str:
    """A changed file as the clerk named its folder (content/dongtan/village.yaml), not as an absolute path."""
    for root in roots:
        try:
            return (root / path.relative_to(root.resolve())).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def serve(content: str, output: str | None, port: int, theme: Path | None = None, posters: bool = True) -> int:
    """Preview `content` on http://127.0.0.1:PORT/ until Ctrl+C; 0 when stopped, 1 when it cannot start."""
    import watchfiles  # noqa: PLC0415 - only the preview needs it

    from .render.html import default_theme  # noqa: PLC0415

    out = Path(output) if output else default_output()
    theme_dir = Path(theme) if theme else default_theme()
    for folder, what in ((Path(content), "内容"), (theme_dir, "主题")):
        if not folder.is_dir():
            print(f"找不到{what}文件夹：{folder}", file=sys.stderr)
            return 1
    preview = Preview()
    handler = type("PreviewHandler", (Handler,), {"preview": preview, "root": str(out)})
    server = serving = changes = None
    try:
        try:
            server = Server((HOST, port), handler)  # bound before the first build: a busy port fails at once
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                print(f"端口 {port} 已被占用，请用 --port 换一个端口（如 --port {port + 1}）。", file=sys.stderr)
            else:
                print(f"无法在 {HOST}:{port} 上启动预览（{exc.strerror or exc}）。", file=sys.stderr)
            return 1
        roots = [Path(content), theme_dir]
        # yield_on_timeout: the first step returns once the watcher is in place, so an edit made
        # during the first build, or right after the address is printed, is never missed
        changes = watchfiles.watch(*roots, yield_on_timeout=True, rust_timeout=300)
        next(changes)
        print(f"正在生成预览到 {out}/ ……", file=sys.stderr)
        _rebuild(preview, content, out, theme, posters)
        serving = threading.Thread(target=server.serve_forever, daemon=True)
        serving.start()
        address = f"http://{HOST}:{server.server_address[1]}/"
        print(f"预览地址：{address} （修改内容或主题后自动重新生成并刷新页面；按 Ctrl+C 停止）", file=sys.stderr, flush=True)
        for changed in changes:
            if changed:
                print(f"检测到修改：{_describe(changed, roots)}，重新生成……", file=sys.stderr, flush=True)
                _rebuild(preview, content, out, theme, posters)
    except KeyboardInterrupt:
        pass
    finally:
        preview.close()
        if changes is not None:
            changes.close()  # stops the file watcher
        if server is not None:
            if serving is not None:
                server.shutdown()
            server.server_close()
    print("\n已停止预览。", file=sys.stderr)
    return 0


def _rebuild(preview: Preview, content: str, output: Path, theme: Path | None, posters: bool) -> None:
    started = time.monotonic()
    ok, problems, message = run_build(content, output, theme, posters)
    if problems:
        sys.stderr.write(format_text(problems))
    if message:
        print(message, file=sys.stderr)
    seconds = time.monotonic() - started
    if ok:
        print(f"已生成（{seconds:.1f} 秒）。", file=sys.stderr, flush=True)
        preview.finished(None)
    else:
        print("生成失败：浏览器中的预览页面会列出上面的问题，修正后自动恢复。", file=sys.stderr, flush=True)
        preview.finished(error_list(problems, message))
