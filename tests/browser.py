"""A small Chrome DevTools Protocol client for the browser tests, standard library only.

Starts Debian's `chromium` headless with `--remote-debugging-pipe`: the browser reads commands
from its fd 3 and writes replies and events to its fd 4, each one JSON message ended by a NUL
byte. One reader thread collects the messages; calls wait for their reply by id. The browser is
started with os.posix_spawn, which can put the pipe on exactly fds 3 and 4 (subprocess's
pass_fds keeps the parent's numbers, and remapping them would need preexec_fn, unsafe with
threads, or a shell, and dash cannot name fds above 9). Only the Chromium started here is ever
stopped, by its pid.

    with Browser.launch(profile_dir) as browser:
        page = browser.new_page()
        page.send("Page.navigate", url="http://127.0.0.1:8000/")
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import signal
import threading
import time
from pathlib import Path

CHROMIUM = os.environ.get("SITEGEN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"

FLAGS = [
    "--headless",
    "--remote-debugging-pipe",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--disable-features=Translate,MediaRouter,OptimizationHints",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
    "--force-color-profile=srgb",
    "--font-render-hinting=none",
    "--lang=zh-CN",
]


class CDPError(RuntimeError):
    pass


def _above_9(fd: int) -> int:
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)  # non-inheritable, like every Python fd
    os.close(fd)
    return moved


class _Process:
    """The spawned browser, by its pid (the little of subprocess.Popen that is needed)."""

    def __init__(self, pid: int):
        self.pid, self.returncode = pid, None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        while self.poll() is None:
            if time.monotonic() > deadline:
                raise TimeoutError(f"Chromium (pid {self.pid}) still running after {timeout} s")
            time.sleep(0.05)
        return self.returncode

    def kill(self) -> None:
        if self.poll() is None:
            os.kill(self.pid, signal.SIGKILL)


class Browser:
    """One headless Chromium process and its DevTools pipe."""

    def __init__(self, process: "_Process", to_browser: int, from_browser: int, stderr_path: Path):
        self.process = process
        self._out = os.fdopen(to_browser, "wb", buffering=0)
        self._in = os.fdopen(from_browser, "rb", buffering=0)
        self._stderr_path = stderr_path
        self._next_id = 0
        self._lock = threading.Lock()
        self._cond = threading.Condition()
        self._replies: dict[int, dict] = {}
        self._events: list[dict] = []
        self._closed = False
        self._reader = threading.Thread(target=self._read, name="cdp-reader", daemon=True)
        self._reader.start()

    @classmethod
    def launch(cls, profile_dir: Path, extra_flags: list[str] | None = None) -> "Browser":
        if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
            raise FileNotFoundError(
                f"no Chromium at {CHROMIUM}: the browser tests need Debian's `chromium` "
                "(`make test` installs it through tools/system-deps.sh)"
            )
        profile_dir = Path(profile_dir)
        profile_dir.mkdir(parents=True, exist_ok=True)
        flags = [*FLAGS, f"--user-data-dir={profile_dir}"]
        if os.geteuid() == 0:
            flags.append("--no-sandbox")  # Chromium refuses to start its sandbox as root
        flags += extra_flags or []
        # Our ends: we write commands into `to_browser`, read replies from `from_browser`.
        browser_reads, to_browser = os.pipe()
        from_browser, browser_writes = os.pipe()
        stderr_path = profile_dir / "chromium-stderr.log"
        log = os.open(stderr_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        devnull = os.open(os.devnull, os.O_RDONLY)
        # Keep the sources of the dup2s below clear of 0-4, the numbers they write.
        moved = [_above_9(fd) for fd in (browser_reads, browser_writes, log, devnull)]
        browser_reads, browser_writes, log, devnull = moved
        try:
            # The browser expects its pipe on fds 3 and 4 exactly: posix_spawn puts it there.
            process = _Process(os.posix_spawn(
                CHROMIUM,
                [CHROMIUM, *flags, "about:blank"],
                os.environ,
                file_actions=[
                    (os.POSIX_SPAWN_DUP2, devnull, 0),
                    (os.POSIX_SPAWN_DUP2, log, 1),
                    (os.POSIX_SPAWN_DUP2, log, 2),
                    (os.POSIX_SPAWN_DUP2, browser_reads, 3),
                    (os.POSIX_SPAWN_DUP2, browser_writes, 4),
                ],
                setsid=True,
            ))
        finally:
            for fd in moved:
                os.close(fd)
        browser = cls(process, to_browser, from_browser, stderr_path)
        try:
            browser.version = browser.send("Browser.getVersion", timeout=60)
        except Exception:
            browser.close()
            raise
        return browser

    # -- the pipe -----------------------------------------------------------------------------

    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = self._in.read(1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                break
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            with self._cond:
                for raw in messages:
                    message = json.loads(raw)
                    if "id" in message:
                        self._replies[message["id"]] = message
                    else:
                        self._events.append(message)
                self._cond.notify_all()
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def _stderr_tail(self) -> str:
        try:
            return self._stderr_path.read_text("utf-8", "replace")[-3000:]
        except OSError:
            return ""

    def send(self, method: str, session: str | None = None, timeout: float = 30, **params) -> dict:
        with self._lock:
            self._next_id += 1
            message_id = self._next_id
            message = {"id": message_id, "method": method, "params": params}
            if session:
                message["sessionId"] = session
            try:
                self._out.write(json.dumps(message).encode() + b"\0")
            except OSError as error:
                raise CDPError(f"{method}: the browser is gone ({error})\n{self._stderr_tail()}") from error
        deadline = time.monotonic() + timeout
        with self._cond:
            while message_id not in self._replies:
                remaining = deadline - time.monotonic()
                if self._closed:
                    raise CDPError(f"{method}: the browser closed the pipe\n{self._stderr_tail()}")
                if remaining <= 0:
                    raise TimeoutError(f"{method}: no reply within {timeout} s")
                self._cond.wait(remaining)
            reply = self._replies.pop(message_id)
        if "error" in reply:
            raise CDPError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def events(self, session: str | None = None, method: str | None = None, since: int = 0) -> list[dict]:
        """Logged events (of `session`, named `method`) from index `since` of the append-only log."""
        with self._cond:
            return [
                e for e in self._events[since:]
                if (session is None or e.get("sessionId") == session) and (method is None or e["method"] == method)
            ]

    def wait_event(self, method: str, session: str | None = None, timeout: float = 30, since: int = 0) -> dict:
        """The first event `method` (of `session`) at index >= `since` in the event log."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for event in self._events[since:]:
                    if event["method"] == method and (session is None or event.get("sessionId") == session):
                        return event
                remaining = deadline - time.monotonic()
                if self._closed:
                    raise CDPError(f"waiting for {method}: the browser closed the pipe\n{self._stderr_tail()}")
                if remaining <= 0:
                    raise TimeoutError(f"no {method} event within {timeout} s")
                self._cond.wait(remaining)

    def event_count(self) -> int:
        with self._cond:
            return len(self._events)

    # -- pages --------------------------------------------------------------------------------

    def new_page(self) -> "Page":
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        return Page(self, target, session)

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.send("Browser.close", timeout=5)
            except Exception:
                pass
            try:
                self.process.wait(timeout=10)
            except TimeoutError:
                self.process.kill()  # only the Chromium this object started, by its pid
                self.process.wait(timeout=10)
        for stream in (self._out, self._in):
            try:
                stream.close()
            except OSError:
                pass

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Page:
    """One tab, attached in flat session mode."""

    def __init__(self, browser: Browser, target: str, session: str):
        self.browser, self.target, self.session = browser, target, session

    def send(self, method: str, timeout: float = 30, **params) -> dict:
        return self.browser.send(method, session=self.session, timeout=timeout, **params)

    def evaluate(self, expression: str, timeout: float = 60):
        """Evaluate JavaScript in the page (awaiting a promise) and return its JSON value."""
        result = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True, timeout=timeout
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise CDPError(f"JavaScript error: {text}")
        return result["result"].get("value")

    def navigate(self, url: str, timeout: float = 30) -> list[dict]:
        """Load `url`, wait for its load event and return the Network events of that load."""
        since = self.browser.event_count()
        reply = self.send("Page.navigate", url=url)
        if reply.get("errorText"):
            raise CDPError(f"cannot load {url}: {reply['errorText']}")
        self.browser.wait_event("Page.loadEventFired", session=self.session, timeout=timeout, since=since)
        deadline = time.monotonic() + timeout
        while True:  # until every request of this load has finished or failed
            network = [e for e in self.browser.events(session=self.session, since=since) if e["method"].startswith("Network.")]
            started = {e["params"]["requestId"] for e in network if e["method"] == "Network.requestWillBeSent"}
            ended = {e["params"]["requestId"] for e in network if e["method"] in ("Network.loadingFinished", "Network.loadingFailed")}
            if started <= ended:
                return network
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url}: requests still open after {timeout} s: {started - ended}")
            time.sleep(0.05)

    def screenshot(self, path: Path, full_page: bool = False) -> Path:
        params = {"format": "png"}
        if full_page:
            size = self.evaluate(
                "({w: document.documentElement.clientWidth,"
                " h: Math.ceil(document.documentElement.getBoundingClientRect().height)})"
            )
            params.update(captureBeyondViewport=True, clip={"x": 0, "y": 0, "width": size["w"], "height": size["h"], "scale": 1})
        data = self.send("Page.captureScreenshot", timeout=60, **params)["data"]
        path = Path(path)
        path.write_bytes(base64.b64decode(data))
        return path
