"""The offline picture, tested in a real headless Chromium with the network blocked.

Debian's ``/usr/bin/chromium`` driven by Playwright (no browser download). Every page load
asserts: no request other than the file itself, no failed request, no console error, the node
and edge counts of the page's data equal the NetworkX graph's, and a screenshot that is not
blank. The real graph's school network is saved as ``docs/school-network.png`` for the README.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pytest
import rdflib

from zkg import network as net
from zkg.viz import LARGE, render_html

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures"
FIX_GRAPH = FIX / "network_graph" / "zhaotong.ttl"
FIX_ONTO = FIX / "network_ontology.ttl"
REAL_GRAPH = ROOT / "graph" / "zhaotong.nt"
REAL_ONTO = ROOT / "ontology" / "zhaotong.ttl"
CHROMIUM = Path("/usr/bin/chromium")
D = "https://w3id.org/zhaotong-kg/id/"
XSS = '<img src=x onerror="window.__xss=1;alert(1)"></script><script>window.__xss=2;alert(2)</script>'

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.fail("no /usr/bin/chromium: apt-get install chromium fonts-wqy-microhei (see .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def G() -> nx.MultiDiGraph:
    """The fixture graph plus a school whose name and quote are an XSS probe."""
    g = rdflib.Graph().parse(FIX_GRAPH)
    zt = rdflib.Namespace("https://w3id.org/zhaotong-kg/ontology#")
    probe, fact = rdflib.URIRef(D + "school/xss-probe"), rdflib.URIRef(D + "fact/xss-probe")
    g.add((probe, rdflib.RDF.type, zt.PrimarySchool))
    g.add((probe, rdflib.RDFS.label, rdflib.Literal(XSS, lang="zh")))
    g.add((probe, rdflib.RDFS.label, rdflib.Literal("XSS probe " + XSS, lang="en")))
    g.add((probe, zt.locatedIn, rdflib.URIRef(D + "division/530602")))
    g.add((fact, rdflib.RDF.subject, probe))
    g.add((fact, zt.quote, rdflib.Literal("quote " + XSS, lang="zh")))
    return net.project(g, rdflib.Graph().parse(FIX_ONTO))


class Loaded:
    """A page opened from a file with every other request aborted, and what happened."""

    def __init__(self, browser, path: Path, viewport=(1280, 800)):
        self.url = path.resolve().as_uri()
        self.blocked: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                           service_workers="block")
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.goto(self.url)
        self.page.wait_for_function("window.zkg && window.zkg.ready === true", timeout=120_000)

    def _route(self, route):
        if route.request.url == self.url:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def js(self, expr: str):
        return self.page.evaluate(expr)

    def check_clean(self):
        assert self.blocked == [], f"the page asked the network for {self.blocked[:5]}"
        assert self.failed == [], f"failed requests: {self.failed[:5]}"
        assert self.errors == [], f"console errors: {self.errors[:5]}"
        assert self.dialogs == []

    def check_counts(self, H: nx.MultiDiGraph):
        counts = self.js("[zkg.data.nodes.length, zkg.data.edges.length, zkg.nodes.length, zkg.edges.length]")
        assert counts == [H.number_of_nodes(), H.number_of_edges()] * 2

    def screenshot(self, path: Path) -> int:
        """Save a screenshot; return its number of distinct colours (asserting it is not blank)."""
        from PIL import Image

        self.page.screenshot(path=str(path))
        img = Image.open(path).convert("RGB")
        colours = img.getcolors(maxcolors=1 << 20) or []
        non_white = sum(c for c, rgb in colours if rgb != (255, 255, 255))
        assert len(colours) > 50, f"{path.name}: only {len(colours)} colours: blank picture"
        assert non_white > 0.05 * img.width * img.height
        return len(colours)

    def close(self):
        self.context.close()


def _open(browser, tmp_path: Path, H: nx.MultiDiGraph, view: str = "all", seed: int = 0,
          name: str = "page.html") -> Loaded:
    path = tmp_path / name
    path.write_text(render_html(H, view, seed=seed), encoding="utf-8")
    return Loaded(browser, path)


def _node_id(loaded: Loaded, iri: str) -> int:
    return loaded.js(f"zkg.data.nodes.find(n => n.iri === {json.dumps(iri)}).id")


# --------------------------------------------------------------------------- the page itself


def test_page_is_self_contained_and_escaped(G):
    page = render_html(G, "all", seed=1)
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", page)
    assert "cdnjs" not in page and "bootstrap" not in page.lower()
    assert "vis-network" in page and "window.__xss" in page  # the library is inlined, the probe is data
    assert XSS not in page and "</script><script>window.__xss" not in page
    data = page.split('<script type="application/json" id="zkg-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data
    assert json.loads(data)["nodes"][-1]["zh"] == XSS or XSS in {n["zh"] for n in json.loads(data)["nodes"]}


def test_same_graph_and_seed_same_bytes(G):
    assert render_html(G, "school-network", seed=4) == render_html(G, "school-network", seed=4)
    assert render_html(G, "school-network", seed=4) != render_html(G, "school-network", seed=5)


def test_large_graphs_get_precomputed_positions_and_no_physics():
    H = net.synthetic(LARGE + 500, seed=2)
    page = render_html(H, "all", seed=2)
    data = json.loads(page.split('id="zkg-data">', 1)[1].split("</script>", 1)[0])
    assert data["large"] is True
    assert all("x" in n and "y" in n for n in data["nodes"])
    assert len({(n["x"], n["y"]) for n in data["nodes"]}) > 0.99 * len(data["nodes"])
    assert render_html(H, "all", seed=2) == page


# --------------------------------------------------------------------------- in Chromium


def test_fixture_page_in_chromium_offline(browser, tmp_path, G):
    page = _open(browser, tmp_path, G, "all", seed=1)
    try:
        page.check_clean()
        page.check_counts(G)
        assert page.js("zkg.physicsStopped") is True
        assert page.js("zkg.network.physics.physicsEnabled") is False  # settled, then stopped
        page.screenshot(tmp_path / "fixture.png")
        # the legend has one row per kind with its count
        legend = page.js("Array.from(document.querySelectorAll('#legend .legend-row')).map(r => r.textContent)")
        assert "学校(6)" in legend and "教研联盟(2)" in legend
    finally:
        page.close()


def test_xss_label_is_text_everywhere(browser, tmp_path, G):
    page = _open(browser, tmp_path, G, "all", seed=1)
    try:
        probe = _node_id(page, D + "school/xss-probe")
        page.js(f"zkg.showDetails({probe})")
        assert XSS in page.page.inner_text("#details")
        assert "quote " + XSS in page.page.inner_text("#details")
        # hover the probe: the tooltip shows the same words as text
        pos = page.js(f"(() => {{ const p = zkg.network.getPositions([{probe}])[{probe}]; return zkg.network.canvasToDOM(p); }})()")
        box = page.page.locator("#network").bounding_box()
        page.page.mouse.move(box["x"] + pos["x"], box["y"] + pos["y"])
        page.page.wait_for_selector("#tip", state="visible", timeout=10_000)
        assert XSS in page.page.inner_text("#tip")
        page.page.wait_for_timeout(300)
        assert page.js("document.querySelectorAll('img').length") == 0
        assert page.js("document.scripts.length") == 3  # data, vis-network, ours: none injected
        assert page.js("window.__xss === undefined") is True
        page.check_clean()  # no alert fired, no request for "x"
    finally:
        page.close()


def test_language_switch_and_class_filter(browser, tmp_path, G):
    page = _open(browser, tmp_path, G, "school-network", seed=1)
    V = net.view(G, "school-network")
    try:
        page.check_counts(V)
        no1 = _node_id(page, D + "school/zhaotong-no1")
        assert page.js(f"zkg.nodes.get({no1}).label") == "昭通市第一中学"
        page.page.check("input[name=lang][value=en]")
        assert page.js(f"zkg.nodes.get({no1}).label") == "Zhaotong No.1 Middle School"
        assert page.page.inner_text("#heading") == "Zhaotong school network"
        shown = "zkg.network.body.nodeIndices.length"
        assert page.js(shown) == V.number_of_nodes()
        page.page.uncheck("#legend input[value=school]")
        schools = sum(1 for _, k in V.nodes(data="kind") if k == "school")
        assert page.js(shown) == V.number_of_nodes() - schools
        visible_edges = page.js("zkg.network.body.edgeIndices.length")
        assert visible_edges == sum(1 for s, o in V.edges() if V.nodes[s]["kind"] != "school" != V.nodes[o]["kind"])
        page.page.check("#legend input[value=school]")
        assert page.js(shown) == V.number_of_nodes()
        page.check_clean()
    finally:
        page.close()


def test_same_seed_same_layout_in_the_browser(browser, tmp_path, G):
    positions = []
    for i in range(2):
        page = _open(browser, tmp_path, G, "school-network", seed=7, name=f"p{i}.html")
        positions.append(page.js("zkg.network.getPositions()"))
        page.close()
    assert positions[0] == positions[1]


def test_large_synthetic_graph_stays_usable(browser, tmp_path):
    H = net.synthetic(5000, seed=3)
    page = _open(browser, tmp_path, H, "all", seed=3)
    try:
        page.check_clean()
        page.check_counts(H)
        assert page.js("zkg.network.physics.physicsEnabled") is False
        page.screenshot(tmp_path / "large.png")
    finally:
        page.close()


@pytest.mark.skipif(not REAL_GRAPH.is_file(), reason="graph/zhaotong.nt not built yet (zkg build)")
def test_real_school_network_screenshot_for_the_readme(browser, tmp_path):
    import pyoxigraph as ox

    H = net.project(ox.parse(path=str(REAL_GRAPH), format=ox.RdfFormat.N_TRIPLES),
                    ox.parse(path=str(REAL_ONTO), format=ox.RdfFormat.TURTLE))
    V = net.view(H, "school-network")
    assert V.number_of_nodes() > 10 and net.alliance_leaders(V)
    page = _open(browser, tmp_path, H, "school-network", seed=0)
    try:
        page.check_clean()
        page.check_counts(V)
        out = ROOT / "docs" / "school-network.png"
        out.parent.mkdir(exist_ok=True)
        page.screenshot(out)
    finally:
        page.close()
