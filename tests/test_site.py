"""``zkg site -o DIR`` on the real graph: the static site, served by a plain static file server (a
real ``python -m http.server`` process) and crawled page by page; the network page in real
headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import html.parser
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from zkg.explorer.site import links

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory, zkg) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    done = zkg("site", "-o", str(out))
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def served(site_dir):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                               "--directory", str(site_dir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=2).close()
            break
        except OSError:
            time.sleep(0.1)
    yield url
    server.terminate()
    server.wait(10)


class _Ids(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.ids.update(v for k, v in attrs if k in ("id", "name") and v)


def _ids(page: str) -> set[str]:
    parser = _Ids()
    parser.feed(page)
    return parser.ids


def _crawl(start: str) -> tuple[dict[str, str], list[str]]:
    """Every page and file reachable from ``start``: {url: text of HTML pages} and the problems found."""
    pages: dict[str, str] = {}
    problems: list[str] = []
    fragments: list[tuple[str, str, str]] = []
    todo, seen = [start], {start}
    host = urllib.parse.urlsplit(start).netloc
    while todo:
        url = todo.pop()
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:
                body, ctype = answer.read(), answer.headers.get_content_type()
        except urllib.error.HTTPError as exc:
            problems.append(f"{url}: HTTP {exc.code}")
            continue
        if ctype != "text/html":
            continue
        text = body.decode("utf-8")
        pages[url] = text
        for target in links(text):
            parts = urllib.parse.urlsplit(target)
            if parts.scheme or parts.netloc or target.startswith("/"):
                problems.append(f"{url}: absolute or outside link {target}")
                continue
            if host in target:
                problems.append(f"{url}: names this host: {target}")
            resolved = urllib.parse.urljoin(url, target)
            page_url, _, fragment = resolved.partition("#")
            if fragment:
                fragments.append((url, page_url or url, urllib.parse.unquote(fragment)))
            if page_url not in seen:
                seen.add(page_url)
                todo.append(page_url)
    ids = {url: _ids(text) for url, text in pages.items()}
    for source, page_url, fragment in fragments:
        if page_url in pages and fragment not in ids[page_url]:
            problems.append(f"{source}: link to #{fragment} of {page_url}, which has no such id")
    return pages, problems


def test_every_page_links_only_inside_and_nothing_is_broken(served, site_dir):
    pages, problems = _crawl(served + "index.html")
    assert not problems, "\n".join(problems[:40])
    paths = {urllib.parse.urlsplit(u).path for u in pages}
    for expected in ("/index.html", "/questions.html", "/questions/alliance-counties.html",
                     "/questions/alliance-counties/alliance/zhaotong-no1.html", "/ontology.html", "/network.html",
                     "/network/people.html"):
        assert expected in paths
    assert (site_dir / "questions" / "alliance-counties" / "alliance" / "zhaotong-no1.csv").is_file()
    assert (site_dir / "static" / "vis-network.min.js").is_file()
    assert len(pages) == len(list(site_dir.rglob("*.html")))  # every page written is reachable, and no more


def test_static_question_pages_have_their_answers_and_downloads(site_dir):
    import pandas as pd

    frame = pd.read_csv(site_dir / "questions" / "alliance-counties" / "alliance" / "zhaotong-no1.csv")
    assert set(frame["placeZh"]) == {"昭阳区", "鲁甸县", "巧家县", "彝良县"}
    page = (site_dir / "questions" / "alliance-counties.html").read_text(encoding="utf-8")
    assert "<form class=\"params\"" not in page and "static copy" in page
    for name in ("alliance-counties.srj", "alliance-counties.srx", "alliance-counties.json", "alliance-counties.tsv"):
        assert (site_dir / "questions" / name).stat().st_size > 100


def test_no_inline_script(site_dir):
    """The pages run under a Content-Security-Policy that allows scripts from the site only."""
    for page in site_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for tag in [t for t in text.split("<script")[1:]]:
            head = tag.split(">", 1)[0]
            assert "src=" in head or 'type="application/json"' in head, (page, head)


def test_a_folder_that_is_not_empty_is_refused_unless_forced(tmp_path, zkg):
    out = tmp_path / "site"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    refused = zkg("site", "-o", str(out))
    error = refused.stderr.strip().splitlines()[-1]  # click's usage lines, then the one-line error
    assert refused.returncode == 2 and error.startswith("Error: ") and "not empty" in error and "--force" in error
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    forced = zkg("site", "-o", str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert (out / "index.html").is_file() and not (out / "keep.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no temporary folder left


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.fail("no /usr/bin/chromium: apt-get install chromium fonts-wqy-microhei (see .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.mark.parametrize("path", ["network.html", "network/people.html"])
def test_network_page_draws_without_errors_or_outside_requests(browser, served, path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(served) and
            not r.url.startswith("data:") else None)
    page.goto(served + path)
    page.wait_for_selector("body[data-ready='1']", timeout=30000)
    assert not errors and not outside, (errors, outside)
    assert page.evaluate("document.querySelectorAll('#network canvas').length") == 1
    # a click on a node opens its entity page
    if path == "network.html":
        target = page.evaluate("""() => { const z = window.zkg; const id = Object.keys(z.data.links)[0];
            const p = z.network.getPositions([Number(id)])[Number(id)]; const d = z.network.canvasToDOM(p);
            const r = document.querySelector('#network canvas').getBoundingClientRect();
            return {x: r.left + d.x, y: r.top + d.y, href: z.data.links[id]}; }""")
        page.mouse.click(target["x"], target["y"])
        page.wait_for_url("**/id/**", timeout=10000)
        assert page.url == urllib.parse.urljoin(served + path, target["href"])
    page.close()


def test_network_page_fits_a_phone(browser, served):
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto(served + "network.html")
    page.wait_for_selector("body[data-ready='1']", timeout=30000)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.close()

