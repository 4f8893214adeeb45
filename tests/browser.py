"""The explorer's quality harness: a real ``zkg serve`` process, Debian's headless Chromium driven by
Playwright, axe-core from the npm registry, and a crawl from ``/`` that covers every kind of page.

Used by ``tests/test_explorer_browser.py``, ``tests/test_explorer_sparql.py``, ``scripts/crawl.py``
and ``scripts/make_pictures.py``; it knows no page by heart: what it checks it finds by following
the links of ``/``, so pages added later are covered too.

* :class:`Serve` – ``python -m zkg serve --port 0 …`` as a child process, its base ``url``;
* :func:`launch` – Chromium (headless, no sandbox, no background networking);
* :class:`Visit` – one page opened in a fresh context, with every request, console error and page
  error recorded, and every request to another origin aborted and recorded;
* :func:`axe_violations`, :func:`horizontal_overflow`, :func:`landmarks` – what a page is checked for;
* :func:`crawl` – every page reachable from ``/`` over plain HTTP (status, links, time to answer).
"""

from __future__ import annotations

import collections
import dataclasses
import html.parser
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
AXE = ROOT / "tests" / "vendor" / "node_modules" / "axe-core" / "axe.min.js"
#: Widths a page must fit without horizontal scrolling: a laptop and a phone.
WIDTHS = (1280, 390)

__all__ = ["ARGS", "AXE", "CHROMIUM", "WIDTHS", "Crawled", "Serve", "Visit", "axe_violations", "crawl",
           "horizontal_overflow", "kind_of", "landmarks", "launch"]


class Serve:
    """``zkg serve --port 0 ARGS`` started as a real process (``--graph-dir`` or ``--endpoint`` among
    ``args``); ``url`` is its base URL, ``announced`` its first line."""

    def __init__(self, *args: str, timeout: int = 30, cwd: Path = ROOT) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "zkg", "serve", "--port", "0", "--timeout",
                                         str(timeout), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, cwd=cwd)
        line = _readline(self.process.stdout, 180)
        match = re.search(r"endpoint (http://127\.0\.0\.1:\d+)/sparql", line)
        if not match:
            self.process.kill()
            raise RuntimeError(f"zkg serve did not announce itself: {line!r} {self.process.stderr.read()!r}")
        self.announced = line
        self.url = match.group(1)
        self.endpoint = self.url + "/sparql"

    def stop(self) -> tuple[int, str]:
        """SIGINT, then wait: (exit code, stderr)."""
        if self.process.poll() is None:
            self.process.send_signal(2)
        code = self.process.wait(timeout=30)
        return code, self.process.stderr.read() if self.process.stderr else ""


def _readline(stream, timeout: float) -> str:
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return got[0] if got else ""


def launch(playwright):
    """Debian's Chromium, headless (``scripts/setup.sh --test`` installs it)."""
    if not CHROMIUM.is_file():
        raise RuntimeError("no /usr/bin/chromium: apt-get install chromium (scripts/setup.sh --test does)")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)


class Visit:
    """``path`` of the server at ``base`` opened in a fresh context ``width`` pixels wide, JavaScript
    on or off. Records ``requests`` (every URL asked for), ``outside`` (those to another origin,
    aborted), ``errors`` (console errors and page errors) and ``dialogs``."""

    def __init__(self, browser, base: str, path: str = "/", width: int = 1280, javascript: bool = True) -> None:
        self.base = base
        self.origin = urllib.parse.urlsplit(base).netloc
        self.requests: list[str] = []
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(viewport={"width": width, "height": 900}, service_workers="block",
                                           java_script_enabled=javascript, accept_downloads=True)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.response = self.page.goto(base + path)
        self.page.wait_for_load_state("networkidle")

    def _route(self, route) -> None:
        if urllib.parse.urlsplit(route.request.url).netloc == self.origin:
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def goto(self, path: str) -> None:
        self.response = self.page.goto(self.base + path)
        self.page.wait_for_load_state("networkidle")

    def problems(self) -> list[str]:
        """What went wrong on the page so far: outside requests, console errors, dialogs."""
        found = [f"request to another origin: {u}" for u in self.outside]
        found += [f"request outside the server: {u}" for u in self.requests
                  if urllib.parse.urlsplit(u).netloc != self.origin and not u.startswith(("data:", "about:"))
                  and u not in self.outside]
        found += [f"console error: {e}" for e in self.errors]
        found += [f"dialog: {d}" for d in self.dialogs]
        return found

    def close(self) -> None:
        self.context.close()


def axe_violations(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """axe-core's violations of ``impacts`` on the page (one line each: rule, impact, first target).

    axe-core is read from ``tests/vendor`` (installed by ``scripts/setup.sh --test``) and evaluated
    in the page through the DevTools protocol, which the page's Content-Security-Policy does not
    govern (a ``<script>`` tag would be refused by it, rightly)."""
    if not AXE.is_file():
        raise RuntimeError(f"no {AXE.relative_to(ROOT)}: run scripts/setup.sh --test (npm install axe-core)")
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})"
                           ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, "
                           "targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))")
    return [f"{v['id']} ({v['impact']}): {v['help']} at {v['targets']}" for v in result if v["impact"] in impacts]


def horizontal_overflow(page) -> int:
    """How many pixels the page is wider than the window (0: no horizontal scroll)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def landmarks(page) -> set[str]:
    """The ARIA landmarks present: banner, main, navigation, search, contentinfo, region…"""
    found = page.evaluate("""() => {
      const roles = new Set();
      const implicit = {HEADER: 'banner', MAIN: 'main', NAV: 'navigation', FOOTER: 'contentinfo', ASIDE: 'complementary'};
      for (const el of document.querySelectorAll('header, main, nav, footer, aside, [role]')) {
        const role = el.getAttribute('role') || implicit[el.tagName];
        if ((el.tagName === 'HEADER' || el.tagName === 'FOOTER') && !el.getAttribute('role')
            && el.parentElement.closest('article, aside, main, nav, section')) continue;
        if (role) roles.add(role);
      }
      return [...roles];
    }""")
    return set(found)


# --------------------------------------------------------------------------- the crawl

#: The kinds of page, by path (first match wins); the crawl visits at most ``per_kind`` of each.
KINDS = [("home", r"^/$"), ("search", r"^/search$"), ("entity", r"^/id/"), ("article", r"^/article$"),
         ("question", r"^/questions/."), ("questions", r"^/questions$"), ("ontology", r"^/ontology"),
         ("network", r"^/network"), ("sparql", r"^/sparql$"), ("static", r"^/static/")]


def kind_of(path: str) -> str:
    """The kind of page at ``path`` (``other`` when none fits).

    >>> kind_of("/id/school/zhaotong-no1"), kind_of("/questions/alliance-counties"), kind_of("/")
    ('entity', 'question', 'home')
    """
    for kind, pattern in KINDS:
        if re.search(pattern, path):
            return kind
    return "other"


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {"a": "href", "link": "href", "script": "src", "img": "src", "form": "action"}
        value = dict(attrs).get(names.get(tag, ""))
        if value and not (tag == "a" and dict(attrs).get("download") is not None):
            self.links.append(value)


@dataclasses.dataclass
class Crawled:
    """One URL the crawl fetched: its status, kind, seconds to answer and the page it was linked from."""

    url: str
    status: int
    kind: str
    seconds: float
    linked_from: str


def _get(url: str) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def crawl(base: str, per_kind: int | None = None, limit: int = 20000,
          progress: Callable[[Crawled], None] | None = None) -> list[Crawled]:
    """Every page of the server at ``base`` reachable from ``/`` by links (``a``, ``link``, ``script``,
    ``img``, ``form``) within the site, breadth first: at most ``per_kind`` URLs of each kind (all
    when None), ``limit`` in all. Fragments are dropped; query strings kept (a search is a page)."""
    origin = urllib.parse.urlsplit(base).netloc
    seen = {base + "/"}
    queue = collections.deque([(base + "/", "(start)")])
    taken: collections.Counter[str] = collections.Counter()
    done: list[Crawled] = []
    while queue and len(done) < limit:
        url, source = queue.popleft()
        path = urllib.parse.urlsplit(url).path
        kind = kind_of(path)
        if per_kind is not None and taken[kind] >= per_kind:
            continue
        taken[kind] += 1
        started = time.perf_counter()
        status, ctype, body = _get(url)
        item = Crawled(url, status, kind, time.perf_counter() - started, source)
        done.append(item)
        if progress:
            progress(item)
        if status != 200 or not ctype.startswith("text/html"):
            continue
        parser = _Links()
        parser.feed(body.decode("utf-8", "replace"))
        for link in parser.links:
            target = urllib.parse.urljoin(url, link.strip())
            parts = urllib.parse.urlsplit(target)
            if parts.scheme not in ("http", "https") or parts.netloc != origin:
                continue
            target = urllib.parse.urlunsplit(parts._replace(fragment=""))
            if target not in seen:
                seen.add(target)
                queue.append((target, url))
    return done
