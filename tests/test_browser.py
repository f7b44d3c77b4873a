"""The example township in a real browser: Debian's Chromium, headless, as a 360 px phone.

The built site is served over HTTP on 127.0.0.1 under the path of `base_url` (`/qinghe/`), the
way its host serves it: one folder down, so a link that assumes the host's root fails. For one
page of every page type (the largest, so the worst case) Chromium loads the page at 360×740 with
mobile emulation, and the tests check: a screenshot (kept in pytest's tmp folder, browser-<type>/,
with axe's full report in audit.json), no sideways scrolling, no serious or critical axe-core
finding, and a first load of at most 150 KB. Every page is also checked for sideways scrolling,
at normal and at double text size. A link checker fetches every page over HTTP and every
internal address they use.

Needs `chromium` (tools/system-deps.sh) and axe-core (tools/fetch-axe.sh); `make test` installs
both. Nothing here is skipped when they are missing: the tests fail and say how to get them.
"""

from __future__ import annotations

import http.client
import http.server
import json
import struct
import threading
from functools import partial
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from browser import Browser
from conftest import ROOT

AXE = ROOT / "tests" / ".axe" / "axe.min.js"
WIDTH, HEIGHT = 360, 740  # a common cheap Android phone, in CSS pixels
WEIGHT_BUDGET = 150_000  # bytes on the wire for a first load, the PDFs aside
# WeChat's in-app browser on Android, which is where most villagers open the pages.
USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 10; M2006C3LC Build/QP1A.190711.020; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/156.0.0.0 Mobile Safari/537.36 MicroMessenger/8.0.50.2701"
)
PAGE_TYPES = ["index", "village", "finance", "affairs", "major", "404"]


# -- serving the build ---------------------------------------------------------------------------


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """The build under `sub_path`; anything else is 404. A missing file gets `404.html` (if the
    build has one) with status 404, as static hosts do."""

    def __init__(self, *args, site: Path, sub_path: str, **kwargs):
        self.site, self.sub_path = site, sub_path
        super().__init__(*args, directory=str(site), **kwargs)

    def translate_path(self, path: str) -> str:
        if not urlsplit(path).path.startswith(self.sub_path):
            return str(self.site / "__outside_the_sub_path__")
        return super().translate_path(path[len(self.sub_path) - 1 :])

    def list_directory(self, path):
        self.send_error(404)  # a folder without index.html is not a page (no listings on a host)
        return None

    def send_error(self, code, message=None, explain=None):
        page = self.site / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="session")
def base_url(example_site) -> str:
    return example_site.config.base_url


@pytest.fixture(scope="session")
def server(built, base_url):
    """The site's address on the local server: http://127.0.0.1:PORT/qinghe/."""
    sub_path = urlsplit(base_url).path
    assert sub_path.startswith("/") and sub_path.endswith("/") and sub_path != "/", "the example must live in a sub-folder"
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(SiteHandler, site=built, sub_path=sub_path))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="site-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}{sub_path}"
    httpd.shutdown()
    httpd.server_close()


def page_url(server: str, built: Path, path: Path) -> str:
    relative = path.relative_to(built).as_posix()
    if relative == "index.html":
        return server
    if relative.endswith("/index.html"):
        return server + relative[: -len("index.html")]
    return server + relative


def fetch(url: str) -> tuple[int, str, bytes]:
    """GET without following redirects: a link must reach its target directly."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


# -- the link checker ----------------------------------------------------------------------------


class LinkParser(HTMLParser):
    """Every href/src of a, link and img (with the tag and attribute), and every id."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []
        self.ids: set[str] = set()
        self.refresh: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "a" and attributes.get("name"):
            self.ids.add(attributes["name"])
        for name in {"a": ("href",), "link": ("href",), "img": ("src",), "script": ("src",), "source": ("src",)}.get(tag, ()):
            if attributes.get(name) is not None:
                self.links.append((tag, name, attributes[name]))
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            content = attributes.get("content") or ""
            if "url=" in content.lower():
                self.refresh = content[content.lower().index("url=") + 4 :].strip().strip("'\"")


def parse(body: bytes) -> LinkParser:
    parser = LinkParser()
    parser.feed(body.decode("utf-8"))
    parser.close()
    return parser


def test_every_page_and_every_internal_link_answers_200_under_a_sub_path(built, server, base_url):
    """Fetch every HTML file of the build over HTTP; every internal a/link/img address (also the
    absolute ones to base_url, mapped onto the local server) must answer 200 itself (no redirect),
    stay inside the site's folder, and a #fragment must name an id on the target page. Pages link
    relatively, so the site works under any sub-path; only 404.html, which a host serves at any
    depth, may start its links with "/" (base_url's path)."""
    pages = {page_url(server, built, p) for p in sorted(built.rglob("*.html"))}
    assert len(pages) >= 30
    fetched: dict[str, tuple[int, str, bytes]] = {}

    def get(url: str) -> tuple[int, str, bytes]:
        if url not in fetched:
            fetched[url] = fetch(url)
        return fetched[url]

    problems: list[str] = []
    checked = 0
    queue = sorted(pages)
    seen = set(queue)
    while queue:
        page = queue.pop(0)
        status, content_type, body = get(page)
        if status != 200 or not content_type.startswith("text/html"):
            problems.append(f"{page}: HTTP {status} {content_type}")
            continue
        parsed = parse(body)
        links = list(parsed.links)
        if parsed.refresh is not None:
            links.append(("meta", "refresh", parsed.refresh))
        for tag, attribute, link in links:
            if not link.strip():
                problems.append(f"{page}: empty {tag} {attribute}")
                continue
            scheme = urlsplit(link).scheme
            if scheme in ("tel", "mailto"):
                continue
            if link.startswith("/") and not page.endswith("/404.html"):
                problems.append(f"{page}: {tag} {attribute}={link!r} starts at the host's root, not relative")
            if link.startswith(base_url):  # our own public address: must exist in this build
                link = server + link[len(base_url) :]
            elif scheme in ("http", "https") and not link.startswith(server):
                continue  # another site
            elif scheme not in ("", "http"):
                problems.append(f"{page}: {tag} {attribute}={link!r}: scheme {scheme}: not allowed")
                continue
            target, fragment = urldefrag(urljoin(page, link))
            if not target.startswith(server):
                problems.append(f"{page}: {tag} {attribute}={link!r} leaves the site's folder ({target})")
                continue
            status, content_type, target_body = get(target)
            checked += 1
            if status != 200:
                problems.append(f"{page}: {tag} {attribute}={link!r} → {target}: HTTP {status}")
                continue
            if content_type.startswith("text/html"):
                if fragment and fragment not in parse(target_body).ids:
                    problems.append(f"{page}: {tag} {attribute}={link!r}: no id {fragment!r} on {target}")
                if target not in seen:  # a page only reachable by links is checked too
                    seen.add(target)
                    queue.append(target)
    assert not problems, f"{len(problems)} broken links:\n" + "\n".join(problems)
    assert checked > 300, checked
    assert len(seen) >= len(pages)


# -- the browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def axe_source() -> str:
    assert AXE.is_file(), f"{AXE.relative_to(ROOT)} is missing: run `sh tools/fetch-axe.sh` (`make test` does)"
    return AXE.read_text("utf-8")


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    with Browser.launch(tmp_path_factory.mktemp("chromium-profile")) as chromium:
        yield chromium


def page_type(relative: str) -> str | None:
    parts = relative.split("/")
    if relative == "index.html":
        return "index"
    if relative == "404.html":
        return "404"
    if len(parts) == 2:
        return "village"
    if len(parts) == 4 and parts[1] == "finance":
        return "finance"
    if len(parts) == 5 and parts[1] == "affairs":
        return "affairs"
    if len(parts) == 4 and parts[1] == "major":
        return "major"
    return None


def representative(built: Path, kind: str) -> Path | None:
    """The largest page of a type (pages that only redirect aside): the worst case for weight and width."""
    candidates = [
        p for p in built.rglob("*.html")
        if page_type(p.relative_to(built).as_posix()) == kind and 'http-equiv="refresh"' not in p.read_text("utf-8")
    ]
    return max(candidates, key=lambda p: (p.stat().st_size, p.as_posix()), default=None)


OVERFLOW_JS = """
(() => {
  const vw = document.documentElement.clientWidth;
  const offenders = [];
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.classList.length ? '.' + [...el.classList].join('.') : '');
  for (const el of document.querySelectorAll('body *')) {
    let inside = false;  // inside a box that scrolls or clips sideways: it does not widen the page
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') { inside = true; break; }
    }
    if (inside) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.right > vw + 0.5 || r.width > vw + 0.5) {
      let path = [], n = el;
      while (n && n !== document.body) { path.unshift(describe(n)); n = n.parentElement; }
      offenders.push({element: path.join(' > '), left: Math.round(r.left), right: Math.round(r.right),
                      width: Math.round(r.width), text: (el.textContent || '').trim().slice(0, 40)});
    }
  }
  return {viewport: vw, innerWidth: window.innerWidth, scrollWidth: document.documentElement.scrollWidth,
          bodyScrollWidth: document.body.scrollWidth, offenders: offenders.slice(0, 15)};
})()
"""

# Body cells of tables whose own text is a short word (a name, "第一组", an amount) but is drawn on more than
# one line: "王\n喆" in a squeezed column is how a villager fails to find their own name.
BROKEN_CELLS_JS = """
(() => {
  const broken = [];
  for (const cell of document.querySelectorAll('tbody td, tbody th, tfoot td, tfoot th')) {
    for (const node of cell.childNodes) {
      if (node.nodeType !== Node.TEXT_NODE) continue;
      const text = node.textContent.trim();
      if (!text || [...text].length > 4) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (lines.size > 1) broken.push({cell: cell.tagName.toLowerCase(), text, lines: lines.size,
                                       table: (cell.closest('table').caption || {}).textContent || ''});
    }
  }
  return broken;
})()
"""

AXE_JS = """
axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ({
  id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, tags: v.tags,
  nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                            summary: (n.failureSummary || '').slice(0, 400)}))
})))
"""


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", f"{path} is not a PNG"
    assert data[-8:-4] == b"IEND", f"{path} is cut short"
    return struct.unpack(">II", data[16:24])


def first_load_weight(network: list[dict]) -> dict:
    """Bytes on the wire (headers and bodies) of every request of one page load, PDFs aside."""
    requests = {}
    for event in network:
        params = event["params"]
        if "requestId" not in params:
            continue
        request = requests.setdefault(params["requestId"], {})
        if event["method"] == "Network.requestWillBeSent":
            request["url"] = params["request"]["url"]
            request["type"] = params.get("type")
        elif event["method"] == "Network.responseReceived":
            request["status"] = params["response"]["status"]
            request["mime"] = params["response"]["mimeType"]
        elif event["method"] == "Network.loadingFinished":
            request["bytes"] = int(params["encodedDataLength"])
        elif event["method"] == "Network.loadingFailed":
            request["failed"] = params.get("errorText", "failed")
    # Chromium's own probe for the host's /favicon.ico (sent at some point after the load, not
    # asked for by the page, and outside the site's folder on the real host) is not the page's.
    requests = {k: r for k, r in requests.items() if not (r.get("type") == "Other" and urlsplit(r.get("url", "")).path == "/favicon.ico")}
    counted = [r for r in requests.values() if r.get("mime") != "application/pdf"]
    return {"total": sum(r.get("bytes", 0) for r in counted), "requests": counted}


class Audit:
    """What Chromium saw of one page."""

    def __init__(self, kind, url, screenshot, full_screenshot, overflow, broken_cells, violations, weight):
        self.kind, self.url = kind, url
        self.screenshot, self.full_screenshot = screenshot, full_screenshot
        self.overflow, self.broken_cells = overflow, broken_cells
        self.violations, self.weight = violations, weight


@pytest.fixture(scope="session", params=PAGE_TYPES)
def audit(request, built, server, browser, axe_source, tmp_path_factory) -> Audit:
    kind = request.param
    path = representative(built, kind)
    if path is None:
        if kind == "404":
            pytest.skip("this build has no 404.html")
        pytest.fail(f"the example build has no {kind} page")
    url = page_url(server, built, path)
    if kind == "404":
        url = server + "no-such-village/no-such-page/"  # how a villager meets it: a mistyped address
    folder = tmp_path_factory.mktemp(f"browser-{kind}")
    page = browser.new_page()
    try:
        page.send("Page.enable")
        page.send("Network.enable")
        page.send("Network.setCacheDisabled", cacheDisabled=True)  # a first visit
        page.send("Emulation.setUserAgentOverride", userAgent=USER_AGENT, acceptLanguage="zh-CN,zh")
        page.send("Emulation.setDeviceMetricsOverride", width=WIDTH, height=HEIGHT, deviceScaleFactor=1,
                  mobile=True, screenWidth=WIDTH, screenHeight=HEIGHT)
        page.send("Emulation.setTouchEmulationEnabled", enabled=True, maxTouchPoints=5)
        network = page.navigate(url)
        weight = first_load_weight(network)
        screenshot = page.screenshot(folder / f"{kind}.png")
        overflow = page.evaluate(OVERFLOW_JS)
        broken_cells = page.evaluate(BROKEN_CELLS_JS)
        full = page.screenshot(folder / f"{kind}-full.png", full_page=True)
        page.evaluate(axe_source + "\n;true")
        violations = page.evaluate(AXE_JS, timeout=120)
    finally:
        browser.send("Target.closeTarget", targetId=page.target)
    (folder / "audit.json").write_text(
        json.dumps({"url": url, "overflow": overflow, "broken_cells": broken_cells, "violations": violations, "weight": weight},
                   ensure_ascii=False, indent=1), "utf-8")
    return Audit(kind, url, screenshot, full, overflow, broken_cells, violations, weight)


def test_chromium_is_the_real_thing(browser):
    assert "Chrome/" in browser.version["product"], browser.version


def test_screenshot_is_a_360_px_png(audit):
    width, height = png_size(audit.screenshot)
    assert (width, height) == (WIDTH, HEIGHT), audit.screenshot
    width, height = png_size(audit.full_screenshot)
    assert width == WIDTH and height >= HEIGHT // 2, (audit.full_screenshot, width, height)


def test_nothing_scrolls_sideways_at_360_px(audit):
    o = audit.overflow
    report = json.dumps(o, ensure_ascii=False, indent=1)
    assert o["viewport"] == WIDTH and o["innerWidth"] == WIDTH, f"{audit.url}: the layout is not 360 px wide\n{report}"
    assert o["scrollWidth"] <= WIDTH and o["bodyScrollWidth"] <= WIDTH, f"{audit.url}: the page scrolls sideways\n{report}"
    assert not o["offenders"], f"{audit.url}: elements wider than the screen\n{report}"


def test_short_table_cells_stay_on_one_line(audit):
    assert not audit.broken_cells, f"{audit.url}: short words broken over lines at 360 px:\n" + json.dumps(
        audit.broken_cells, ensure_ascii=False, indent=1)


def test_axe_finds_nothing_serious(audit):
    serious = [v for v in audit.violations if v["impact"] in ("serious", "critical")]
    assert not serious, f"{audit.url}: axe-core {len(serious)} serious/critical:\n" + json.dumps(serious, ensure_ascii=False, indent=1)


def test_first_load_is_at_most_150_kb(audit, server):
    weight = audit.weight
    report = json.dumps(weight["requests"], ensure_ascii=False, indent=1)
    assert weight["requests"], f"{audit.url}: no requests seen"
    document = weight["requests"][0]
    assert document["url"] == audit.url and document.get("status") == (404 if audit.kind == "404" else 200), report
    for request in weight["requests"][1:]:
        assert request["url"].startswith(server) or request["url"].startswith("data:"), (
            f"{audit.url}: loads from outside the site: {request['url']}"
        )
        assert request.get("status") == 200 and "failed" not in request, f"{audit.url}: a resource failed\n{report}"
    assert weight["total"] <= WEIGHT_BUDGET, f"{audit.url}: {weight['total']} bytes\n{report}"
    print(f"{audit.kind}: {weight['total']} bytes in {len(weight['requests'])} requests ({audit.url})")


def test_every_page_fits_a_360_px_screen(built, server, browser):
    """Not only one page per type: every page of the example at 360 px, without sideways
    scrolling and without short words in tables broken over lines (pages that only redirect aside);
    then again with the text twice as large (WeChat's and Android's large-font settings, WCAG 1.4.4)."""
    page = browser.new_page()
    problems = {}
    loaded = 0
    try:
        page.send("Page.enable")
        page.send("Emulation.setDeviceMetricsOverride", width=WIDTH, height=HEIGHT, deviceScaleFactor=1, mobile=True)
        for path in sorted(built.rglob("*.html")):
            if 'http-equiv="refresh"' in path.read_text("utf-8"):
                continue
            url = page_url(server, built, path)
            page.navigate(url)
            loaded += 1
            o = page.evaluate(OVERFLOW_JS)
            broken = page.evaluate(BROKEN_CELLS_JS)
            if o["innerWidth"] != WIDTH or o["scrollWidth"] > WIDTH or o["bodyScrollWidth"] > WIDTH or o["offenders"] or broken:
                problems[url] = {"overflow": o, "broken_cells": broken}
            page.evaluate("const root = document.documentElement;"
                          "root.style.fontSize = 2 * parseFloat(getComputedStyle(root).fontSize) + 'px'; true")
            o = page.evaluate(OVERFLOW_JS)
            if o["innerWidth"] != WIDTH or o["scrollWidth"] > WIDTH or o["bodyScrollWidth"] > WIDTH or o["offenders"]:
                problems[url + " (text 200%)"] = {"overflow": o}
    finally:
        browser.send("Target.closeTarget", targetId=page.target)
    assert loaded >= 30
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)
