"""The explorer in a real headless Chromium (Playwright on Debian's chromium) against real ``zkg serve``
processes, through the harness of ``tests/browser.py``.

Every page reached by crawling from ``/`` (a few of each kind: home, search, entity, article,
questions, question, ontology, network, sparql) must, at 1280 and at 390 pixels wide: answer 200,
log no console error, ask nothing of another origin, not scroll sideways, show the banner, main and
navigation landmarks, and have no serious or critical axe-core violation. Tab from the top reaches
the skip link, then the search box. A label made to break out of HTML and scripts (``</script>``,
quotes, U+2028) is shown as text on every page of a graph that holds it, and runs nothing. Search
finds 昭通一中 by its other name as one types; the editor runs a query and shows its rows, with
JavaScript and without. A crawl of every page of the real graph finds no broken link and no 5xx.
"""

from __future__ import annotations

import shutil
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import (WIDTHS, Serve, Visit, axe_violations, crawl, horizontal_overflow, landmarks,  # noqa: E402
                     launch)

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
GRAPH_DIR = ROOT / "graph"
D = "https://w3id.org/zhaotong-kg/id/"
#: The kinds of page every explorer has (tests/browser.py tells them apart by path).
KINDS = ("home", "search", "entity", "article", "questions", "question", "ontology", "network", "sparql")
PER_KIND = 3
HOSTILE = ('Hostile </script><script>window.__pwned = 1</script> "double" \'single\' '
           '<img src=x onerror="window.__pwned = 2"> line\u2028separated')


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture(scope="module")
def served():
    server = Serve("--graph-dir", str(GRAPH_DIR))
    yield server
    code, err = server.stop()
    assert code == 0, err


@pytest.fixture(scope="module")
def pages(served):
    """A few pages of each kind, reached from / by links."""
    return crawl(served.url, per_kind=PER_KIND)


# --------------------------------------------------------------------------- every kind of page


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_page_is_reached_from_home_and_answers(pages, kind):
    found = [p for p in pages if p.kind == kind]
    assert found, f"no {kind} page is linked from / (pages reached: {sorted({p.kind for p in pages})})"
    broken = [f"{p.url} → {p.status} (linked from {p.linked_from})" for p in found if p.status != 200]
    assert broken == []


@pytest.mark.parametrize("kind", KINDS)
def test_pages_pass_the_browser_checks(browser, served, pages, kind):
    found = [p for p in pages if p.kind == kind and p.status == 200]
    assert found, f"no {kind} page answers 200 from / (see the test above)"
    problems = []
    for item in found:
        path = item.url[len(served.url):]
        for width in WIDTHS:
            visit = Visit(browser, served.url, path, width=width)
            try:
                problems += [f"{path} @{width}: {p}" for p in visit.problems()]
                over = horizontal_overflow(visit.page)
                if over > 0:
                    problems.append(f"{path} @{width}: scrolls sideways by {over} px")
                if width == WIDTHS[0]:
                    missing = {"banner", "main", "navigation"} - landmarks(visit.page)
                    if missing:
                        problems.append(f"{path}: no landmark {sorted(missing)}")
                    problems += [f"{path}: axe {v}" for v in axe_violations(visit.page)]
            finally:
                visit.close()
    assert problems == [], "\n".join(problems)


def test_tab_from_the_top_reaches_the_skip_link_then_the_search_box(browser, served):
    visit = Visit(browser, served.url, "/")
    try:
        page = visit.page
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.classList.contains('skip')"), "the first Tab stop is not the skip link"
        assert page.evaluate("getComputedStyle(document.activeElement).left") != "-999px"  # shown when focused
        for _ in range(20):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "site-search":
                break
        assert page.evaluate("document.activeElement.id") == "site-search", "Tab never reached the search box"
        page.goto(served.url + "/")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")  # the skip link moves focus to the main content
        assert page.evaluate("document.activeElement.id") == "main"
    finally:
        visit.close()
    assert visit.problems() == []


def test_search_finds_the_school_by_its_other_name_as_one_types(browser, served):
    visit = Visit(browser, served.url, "/")
    try:
        visit.page.locator("#site-search").press_sequentially("昭通一中", delay=50)
        result = visit.page.locator('a[href$="id/school/zhaotong-no1"]').first
        result.wait_for(state="visible", timeout=15_000)  # no Enter pressed: results as you type
        assert "昭通市第一中学" in result.inner_text()
    finally:
        visit.close()
    assert visit.problems() == []


# --------------------------------------------------------------------------- the editor


QUERY = ("PREFIX zt: <https://w3id.org/zhaotong-kg/ontology#>\n"
         "SELECT ?alliance ?county WHERE { ?alliance zt:covers ?county } ORDER BY ?alliance ?county")


def test_the_editor_highlights_runs_a_query_and_shows_rows(browser, served):
    visit = Visit(browser, served.url, "/sparql")
    try:
        page = visit.page
        assert page.locator(".CodeMirror .cm-keyword").count() > 0, "CodeMirror did not highlight the query"
        page.evaluate(f"window.zkgEditor.setValue({QUERY!r})")
        page.locator(".CodeMirror [contenteditable=true]").focus()
        with page.expect_navigation():
            page.keyboard.press("Control+Enter")
        rows = page.locator("#answer tbody tr")
        assert rows.count() > 0 and page.locator("#answer-count").inner_text().startswith(f"{rows.count()} row")
        first = rows.first.locator("a").first
        href = first.get_attribute("href")
        assert href.startswith("id/alliance/"), href
        assert axe_violations(page) == []
    finally:
        visit.close()
    assert visit.problems() == []


def test_the_editor_works_without_javascript(browser, served):
    visit = Visit(browser, served.url, "/sparql", javascript=False)
    try:
        page = visit.page
        assert page.locator(".CodeMirror").count() == 0
        page.fill("#query", QUERY)
        page.select_option("#format", "html")
        with page.expect_navigation():
            page.click("form#editor button[type=submit]")
        assert page.locator("#answer tbody tr").count() > 0
        page.click('a[href^="sparql?example="] >> nth=0')
        assert page.locator("#query").input_value().startswith("#")  # a named question's header
    finally:
        visit.close()
    assert visit.problems() == []


# --------------------------------------------------------------------------- a hostile label


@pytest.fixture(scope="module")
def hostile(two_articles, tmp_path_factory):
    """``zkg serve`` on the two-articles graph with one more school, whose labels (zh, en), other
    name and quote are :data:`HOSTILE`, added as the build adds a record (default graph, its own
    named graph, its quote in the provenance graph), with a manifest."""
    import pyoxigraph as ox

    from kg_build.manifest import make_manifest, manifest_text

    folder = tmp_path_factory.mktemp("hostile")
    shutil.copytree(two_articles.root / "ontology", folder / "ontology")
    store = ox.Store()
    store.bulk_load(path=str(two_articles.graph / "zhaotong.nq"), format=ox.RdfFormat.N_QUADS)
    zt, rdfs, skos = ("https://w3id.org/zhaotong-kg/ontology#", "http://www.w3.org/2000/01/rdf-schema#",
                      "http://www.w3.org/2004/02/skos/core#")
    school, record = ox.NamedNode(D + "school/hostile"), ox.NamedNode(D + "fact/hostile")
    triples = [(school, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(zt + "PrimarySchool")),
               (school, ox.NamedNode(rdfs + "label"), ox.Literal(HOSTILE, language="zh")),
               (school, ox.NamedNode(rdfs + "label"), ox.Literal(HOSTILE, language="en")),
               (school, ox.NamedNode(skos + "altLabel"), ox.Literal("别名" + HOSTILE, language="zh")),
               (school, ox.NamedNode(zt + "locatedIn"), ox.NamedNode(D + "division/jia-county"))]
    for s, p, o in triples:
        store.add(ox.Quad(s, p, o, ox.DefaultGraph()))
        store.add(ox.Quad(s, p, o, record))
    store.add(ox.Quad(record, ox.NamedNode(zt + "quote"), ox.Literal("quote " + HOSTILE, language="zh"),
                      ox.NamedNode(D + "provenance")))
    quads = list(store)
    text = (ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"").decode("utf-8")
    nq = "".join(sorted(line + "\n" for line in text.split("\n") if line)).encode("utf-8")  # not splitlines: U+2028
    default = sum(1 for q in quads if isinstance(q.graph_name, ox.DefaultGraph))
    named = [q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)]
    graph = folder / "graph"
    graph.mkdir()
    (graph / "zhaotong.nq").write_bytes(nq)
    manifest = make_manifest({"zhaotong.nq": nq}, triples=default, quads=len(named),
                             graphs=len({str(q.graph_name) for q in named}))
    (graph / "manifest.json").write_text(manifest_text(manifest), encoding="utf-8")
    server = Serve("--graph-dir", str(graph))
    yield server
    code, err = server.stop()
    assert code == 0, err


def test_a_hostile_label_is_shown_as_text_and_runs_nothing(browser, hostile):
    query = f"SELECT ?label WHERE {{ <{D}school/hostile> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
    pages = ["/sparql?" + urllib.parse.urlencode({"query": query, "format": "html"}),
             "/sparql?" + urllib.parse.urlencode({"query": f"SELECT ?s WHERE {{ VALUES ?s {{ <{D}school/hostile> }} }}",
                                                  "format": "html"})]
    # every other page of the site that names the school (found over plain HTTP), and one of each kind
    kinds: set[str] = set()
    for item in crawl(hostile.url):
        if item.status != 200 or item.kind in ("static", "sparql"):
            continue
        with urllib.request.urlopen(item.url, timeout=60) as response:
            if response.headers.get_content_type() != "text/html":
                continue  # a download (a question's .csv names it too): no page to open
            names_it = b"Hostile" in response.read()
        if names_it or item.kind not in kinds:
            pages.append(item.url[len(hostile.url):])
            kinds.add(item.kind)
    shown = 0
    for path in pages:
        visit = Visit(browser, hostile.url, path)
        try:
            assert visit.page.evaluate("window.__pwned") is None, f"{path}: the label ran as a script"
            text = visit.page.evaluate("document.body.textContent")
            if "Hostile" in text:
                assert HOSTILE in text, f"{path}: the label is not shown as it is"
                shown += 1
        finally:
            visit.close()
        assert visit.problems() == [], path
    assert shown >= 2  # at least the editor's two answers; every other page that names the school too


# --------------------------------------------------------------------------- the whole site


def test_a_crawl_of_every_page_finds_no_broken_link(served):
    """Every page of the real graph (embedded store) reachable from /; ``scripts/crawl.py`` prints
    the slowest."""
    done = crawl(served.url)
    broken = [f"{p.url} → {p.status} (linked from {p.linked_from})" for p in done if p.status != 200]
    assert broken == [], f"{len(broken)} broken of {len(done)}:\n" + "\n".join(broken[:40])
    assert {p.kind for p in done} >= set(KINDS)
