"""The offline picture, tested in a real headless Chromium with the network blocked.

Debian's ``/usr/bin/chromium`` driven by Playwright (no browser download). Every page load
asserts: no request other than the file itself, no failed request, no console error, the node
and edge counts of the page's data equal the NetworkX graph's, and a screenshot that is not
blank. Screenshots go to the test's temporary folder (``scripts/make_pictures.py`` draws the
README picture).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
import rdflib

from zkg import network as net
from zkg.viz import LARGE, render_html

ROOT = Path(__file__).resolve().parents[1]
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
def G(two_articles) -> nx.MultiDiGraph:
    """The two_articles fixture dataset plus a school whose name and quote are an XSS probe, added
    as the build would: its triples in the default graph and in its record graph, the record's
    quote stated about that graph in the provenance graph."""
    ds = rdflib.Dataset()
    ds.parse(two_articles.graph / "zhaotong.nq", format="nquads")
    zt = rdflib.Namespace("https://w3id.org/zhaotong-kg/ontology#")
    probe, record = rdflib.URIRef(D + "school/xss-probe"), rdflib.URIRef(D + "fact/xss-probe")
    for triple in [(probe, rdflib.RDF.type, zt.PrimarySchool), (probe, rdflib.RDFS.label, rdflib.Literal(XSS, lang="zh")),
                   (probe, rdflib.RDFS.label, rdflib.Literal("XSS probe " + XSS, lang="en")),
                   (probe, zt.locatedIn, rdflib.URIRef(D + "division/jia-county"))]:
        ds.default_graph.add(triple)
        ds.graph(record).add(triple)
    ds.graph(rdflib.URIRef(D + "provenance")).add((record, zt.quote, rdflib.Literal("quote " + XSS, lang="zh")))
    H = net.project(ds, rdflib.Graph().parse(REAL_ONTO))
    assert H.nodes[D + "school/xss-probe"]["quotes"] == ["quote " + XSS]
    return H


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
        """Nodes as in H; edges as in H less each leader's member-of (drawn as one leads edge)."""
        counts = self.js("[zkg.data.nodes.length, zkg.data.edges.length, zkg.nodes.length, zkg.edges.length]")
        folded = sum(1 for s, o, k in H.edges(keys=True) if k == "member-of" and H.has_edge(s, o, "leads"))
        assert counts == [H.number_of_nodes(), H.number_of_edges() - folded] * 2

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
        assert "学校(3)" in legend and "教研联盟(1)" in legend  # 甲县第一中学, 乙县第二中学 and the probe
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


def test_language_switch_and_class_filter(browser, tmp_path, R):
    page = _open(browser, tmp_path, R, "school-network", seed=1)
    V = net.view(R, "school-network")
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
        into = Counter(o for _, o, k in V.edges(keys=True) if k == "part-of")
        hub = {(s, o) for s, o, k in V.edges(keys=True) if k == "part-of" and into[o] >= 5}  # hidden until asked
        assert hub, "昭通市 should have its counties' part-of edges hidden as a hub"
        assert visible_edges == sum(1 for s, o in V.edges() if V.nodes[s]["kind"] != "school" != V.nodes[o]["kind"]
                                    and (s, o) not in hub)
        page.page.check("#show-hub")
        assert page.js("zkg.network.body.edgeIndices.length") == visible_edges + len(hub)
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


# --------------------------------------------------------------------------- the real graph


@pytest.fixture(scope="module")
def R() -> nx.MultiDiGraph:
    return net.load_network(ROOT / "graph", REAL_ONTO)


def _open_real(browser, tmp_path, R, view, name, viewport=(1280, 900)) -> Loaded:
    path = tmp_path / name
    path.write_text(render_html(R, view, seed=0), encoding="utf-8")
    return Loaded(browser, path, viewport)


def _alliance_labels(page) -> dict[str, str]:
    return page.js("Object.fromEntries(zkg.data.nodes.filter(n => n.kind === 'alliance')"
                   ".map(n => [n.iri, zkg.nodes.get(n.id).label]))")


def test_alliances_view_in_chromium(browser, tmp_path, R):
    page = _open_real(browser, tmp_path, R, "alliances", "alliances.html")
    A = net.view(R, "alliances")
    try:
        page.check_counts(A)
        assert page.js("zkg.data.view") == "alliances" and page.js("zkg.network.physics.physicsEnabled") is False
        no1, zx, yth = D + "alliance/zhaotong-no1", D + "alliance/zhenxiong-ynnu", D + "alliance/yuntianhua"
        labels = _alliance_labels(page)
        assert labels[no1] == "昭通市第一中学高中教研联盟\n成员 36所"
        assert labels[zx].endswith("\n成员数未说明") and labels[yth].endswith("\n成员数未说明")
        # one drawn edge into each alliance: 盟主 from its leader school
        into = page.js("""Object.fromEntries(zkg.data.nodes.filter(n => n.kind === 'alliance').map(a => [a.iri,
            zkg.edges.get().filter(e => e.to === a.id).map(e => [zkg.nodes.get(e.from).label, e.label])]))""")
        leads_zh = R.graph["edge_labels"]["leads"][0]  # the ontology's label of zt:leads (牵头)
        assert into == {no1: [["昭通市第一中学", leads_zh]], zx: [["云南师范大学附属镇雄中学", leads_zh]],
                        yth: [["云天化中学", leads_zh]]}
        # "counties not stated" for the two alliances the article is silent about, dashed
        unstated = page.js("""zkg.data.nodes.filter(n => n.kind === 'unstated').map(n => [zkg.nodes.get(n.id).label,
            zkg.network.body.nodes[n.id].options.shapeProperties.borderDashes,
            zkg.edges.get().filter(e => e.to === n.id).map(e => zkg.data.nodes[e.from].iri)])""")
        assert sorted(u[2][0] for u in unstated) == sorted([zx, yth])
        assert all(u[0] == "区县未说明" and u[1] for u in unstated)
        part_of_zh = json.dumps(R.graph["edge_labels"]["part-of"][0])
        assert page.js(f"zkg.edges.get().filter(e => e.label === {part_of_zh}).length") == 0
        assert page.js("zkg.network.body.edgeIndices.length") == A.number_of_edges()
        page.screenshot(tmp_path / "alliances-zh.png")
        page.page.check("input[name=lang][value=en]")
        labels = _alliance_labels(page)
        assert labels[no1].endswith("\nmembers: 36 schools") and labels[zx].endswith("\nmembers not stated")
        assert page.js("zkg.data.nodes.filter(n => n.kind === 'unstated').map(n => zkg.nodes.get(n.id).label)") == \
            ["counties not stated"] * 2
        page.screenshot(tmp_path / "alliances-en.png")
        page.check_clean()
    finally:
        page.close()


def test_tooltip_of_the_busiest_node_fits_the_window_and_scrolls(browser, tmp_path, R):
    V = net.view(R, "school-network")
    busiest = max(V, key=lambda n: (len(V.nodes[n]["figures"]), n))
    assert busiest == D + "division/530600" and len(V.nodes[busiest]["figures"]) > 30
    page = _open_real(browser, tmp_path, R, "school-network", "school.html", viewport=(1280, 900))
    try:
        nid = _node_id(page, busiest)
        pos = page.js(f"(() => {{ const p = zkg.network.getPositions([{nid}])[{nid}]; return zkg.network.canvasToDOM(p); }})()")
        box = page.page.locator("#network").bounding_box()
        page.page.mouse.move(box["x"] + pos["x"], box["y"] + pos["y"])
        tip = page.page.locator("#tip")
        tip.wait_for(state="visible", timeout=10_000)
        bb = tip.bounding_box()
        assert bb["y"] >= 0 and bb["y"] + bb["height"] <= 900 and bb["x"] >= 0 and bb["x"] + bb["width"] <= 1280, bb
        assert page.js("getComputedStyle(document.getElementById('tip')).overflowY") == "auto"
        assert page.js("document.getElementById('tip').scrollHeight > document.getElementById('tip').clientHeight")
        assert "另有" in tip.inner_text()  # the long list is summarised
        # the pointer can move onto the tip and scroll it with the wheel
        page.page.mouse.move(bb["x"] + bb["width"] / 2, bb["y"] + bb["height"] / 2, steps=4)
        page.page.mouse.wheel(0, 400)
        page.page.wait_for_function("document.getElementById('tip').scrollTop > 0", timeout=5_000)
        assert tip.is_visible()
        page.check_clean()
    finally:
        page.close()


def test_details_give_units_change_baselines_status_and_class_names_in_the_language(browser, tmp_path, R):
    page = _open_real(browser, tmp_path, R, "school-network", "details.html")
    try:
        city = _node_id(page, D + "division/530600")
        page.js(f"zkg.showDetails({city})")
        text = page.page.inner_text("#details")
        assert "中考合格率：较2022年 +23.96个百分点（至2025年）" in text
        assert "中考合格率：50.52百分比（2022年） · 水平 · 推导所得" in text  # derived: value + the unit's label
        assert "面积：" in text and "平方公里" in text and "参考来源" in text
        assert "地级市" in text and "PrefectureLevelCity" not in text
        page.page.check("input[name=lang][value=en]")
        page.js(f"zkg.showDetails({city})")
        text = page.page.inner_text("#details")
        assert "+23.96 percentage point since 2022 (to 2025)" in text and "Prefecture-level city" in text
        assert "50.52 percent (2022) · level · derived" in text
        page.check_clean()
    finally:
        page.close()


def test_search_finds_an_alternative_label_and_focuses_it(browser, tmp_path, R):
    page = _open_real(browser, tmp_path, R, "alliances", "search.html")
    try:
        no1 = _node_id(page, D + "school/zhaotong-no1")
        page.page.fill("#search", "昭通一中")
        assert page.page.inner_text("#hits") == "昭通市第一中学"
        page.page.press("#search", "Enter")
        assert page.js("zkg.focused") == no1 and page.js("zkg.network.getSelectedNodes()") == [no1]
        centre = page.js(f"(() => {{ const p = zkg.network.getPositions([{no1}])[{no1}]; return zkg.network.canvasToDOM(p); }})()")
        box = page.page.locator("#network").bounding_box()
        assert abs(centre["x"] - box["width"] / 2) < 2 and abs(centre["y"] - box["height"] / 2) < 2
        assert page.page.inner_text("#details").startswith("昭通市第一中学")
        page.page.fill("#search", "zhaotong no.1 middle")  # English, any case
        assert page.js("zkg.search('zhaotong no.1 middle')")[0] == no1
        page.page.fill("#search", "没有这个名字")
        assert page.page.inner_text("#hits") == "没有找到"
        page.check_clean()
    finally:
        page.close()


def test_png_export_downloads_a_png(browser, tmp_path, R):
    from PIL import Image

    page = _open_real(browser, tmp_path, R, "alliances", "png.html")
    try:
        with page.page.expect_download() as info:
            page.page.click("#png")
        download = info.value
        assert download.suggested_filename == "zhaotong-alliances.png"
        out = tmp_path / "export.png"
        download.save_as(out)
        img = Image.open(out)
        assert img.format == "PNG" and img.width > 500 and img.height > 500
        assert len(img.convert("RGB").getcolors(maxcolors=1 << 20) or []) > 50  # a picture, not a blank
        page.check_clean()
    finally:
        page.close()


SWATCH = {"dot": ("circle", None), "ellipse": ("ellipse", None), "square": ("rect", None), "box": ("rect", None),
          "triangle": ("polygon", 3), "triangleDown": ("polygon", 3), "diamond": ("polygon", 4),
          "hexagon": ("polygon", 6), "star": ("polygon", 10)}


@pytest.mark.parametrize("view", ["all", "alliances"])
def test_legend_swatches_have_the_node_shapes(browser, tmp_path, R, view):
    page = _open_real(browser, tmp_path, R, view, f"legend-{view}.html")
    try:
        rows = page.js("""Array.from(document.querySelectorAll('#legend .legend-row')).map(r => {
            const svg = r.querySelector('svg'), shape = svg.firstElementChild;
            const node = zkg.data.nodes.find(n => n.kind === r.dataset.kind);
            return [r.dataset.kind, svg.dataset.shape, shape.tagName,
                    shape.getAttribute('points') ? shape.getAttribute('points').trim().split(/\\s+/).length : null,
                    zkg.network.body.nodes[node.id].shape.constructor.name, zkg.network.body.nodes[node.id].options.shape];
        })""")
        assert len(rows) >= (8 if view == "all" else 4)
        for kind, swatch_shape, tag, points, _, node_shape in rows:
            assert swatch_shape == node_shape, f"{kind}: legend {swatch_shape}, nodes {node_shape}"
            assert (tag, points) == SWATCH[node_shape], f"{kind}: a {node_shape} drawn as {tag} with {points} points"
        page.check_clean()
    finally:
        page.close()
