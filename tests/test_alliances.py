"""The alliances view, the figures' units and labels from the ontology, load_network, the laid-out
exports (parsed back with networkx) and the notebook helpers, on the committed real graph."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd
import pyoxigraph as ox
import pytest

from zkg import network as net
from zkg import notebook
from zkg.errors import StoreError
from zkg.values import IRI
from zkg.viz import bounded, layout, node_colours, page_data

ROOT = Path(__file__).resolve().parents[1]
GRAPH = ROOT / "graph"
ONTO = ROOT / "ontology" / "zhaotong.ttl"
D = net.ZTD
NO1, ZX, YTH = D + "alliance/zhaotong-no1", D + "alliance/zhenxiong-ynnu", D + "alliance/yuntianhua"


@pytest.fixture(scope="module")
def R() -> nx.MultiDiGraph:
    return net.load_network(GRAPH, ONTO)


# --------------------------------------------------------------------------- loading and labels


def test_load_network_is_the_projection_of_the_files(R, tmp_path):
    direct = net.project(ox.parse(path=str(GRAPH / "zhaotong.nq"), format=ox.RdfFormat.N_QUADS),
                         ox.parse(path=str(ONTO), format=ox.RdfFormat.TURTLE))
    assert sorted(direct.nodes(data=True)) == sorted(R.nodes(data=True))
    assert sorted(direct.edges(keys=True, data=True)) == sorted(R.edges(keys=True, data=True))
    with pytest.raises(StoreError, match="run `zkg build` first"):
        net.load_network(tmp_path, ONTO)


def _figure(R, node, fact):
    [f] = [f for f in R.nodes[D + node]["figures"] if f["fact"] == D + "fact/" + fact]
    return f


def test_figures_carry_unit_kind_baseline_and_status(R):
    change = _figure(R, "division/530600", "fig-p09-zhongkao-pass-rate-change")
    assert (change["kind"], change["baseline_year"], change["year"], change["value"]) == ("change", "2022", "2025", "23.96")
    assert (change["unit"], change["unit_zh"], change["unit_en"]) == ("PercentagePoint", "百分点", "percentage point")
    assert (change["status"], change["status_zh"], change["status_en"]) == ("Stated", "明确陈述", "stated")
    derived = _figure(R, "division/530600", "fig-derived-zhongkao-pass-rate-2022")
    assert (derived["kind"], derived["status_en"], derived["unit_en"], derived["as_stated"]) == ("level", "derived", "percent", "50.52")
    areas = [f for f in R.nodes[D + "division/530602"]["figures"] if f["unit"] == "SquareKilometre"]
    assert areas and all(f["unit_zh"] == "平方公里" and f["status"] == "Reference" for f in areas)


def test_unit_and_class_labels_come_from_the_ontology(R, tmp_path):
    """Change a unit's and a class's label in a copy of the ontology: the projection follows."""
    text = ONTO.read_text(encoding="utf-8")
    assert text.count('"百分点"@zh') == 1 and text.count('"高中"@zh') == 1
    other = tmp_path / "onto.ttl"
    other.write_text(text.replace('"百分点"@zh', '"百分点（试）"@zh').replace('"高中"@zh', '"高级中学（试）"@zh'),
                     encoding="utf-8")
    H = net.load_network(GRAPH, other)
    assert _figure(H, "division/530600", "fig-p09-zhongkao-pass-rate-change")["unit_zh"] == "百分点（试）"
    assert H.nodes[D + "school/zhaotong-no1"]["cls_zh"] == "高级中学（试）"
    assert R.nodes[D + "school/zhaotong-no1"]["cls_zh"] == "高中"
    assert R.nodes[D + "school/zhaotong-no1"]["cls_en"] == "Senior high school"
    assert "昭通一中" in R.nodes[D + "school/zhaotong-no1"]["alt_labels"]
    assert R.graph["kind_labels"]["school"] == ("学校", "School")
    assert R.graph["kind_labels"]["alliance"] == ("教研联盟", "Teaching-research alliance")


# --------------------------------------------------------------------------- the alliances view


def test_alliances_view_tells_the_alliance_story(R):
    A = net.view(R, "alliances")
    kinds = dict(A.nodes(data="kind"))
    assert sorted(n for n, k in kinds.items() if k == "alliance") == sorted([NO1, ZX, YTH])
    assert D + "division/530600" not in A and not [k for _, _, k in A.edges(keys=True) if k == "part-of"]
    for a in (NO1, ZX, YTH):
        into = list(A.in_edges(a, keys=True, data=True))
        assert len(into) == 1, f"{a}: one edge per leader, got {into}"
        s, _, k, d = into[0]
        assert kinds[s] == "school" and k == "leads" and d["role_zh"] == "盟主"
        # the leads shortcut is in the membership's record graph: its words are the membership's
        assert d["quotes"] == R[s][a]["leads"]["quotes"] == R[s][a]["member-of"]["quotes"] != []
        # the graph itself has both edges for the leader: the view folds them into one
        assert set(R[s][a]) == {"leads", "member-of"}
    assert A.nodes[NO1]["members"]["as_stated"] == "36所" and A.nodes[NO1]["members"]["unit"] == "Schools"
    assert A.nodes[ZX]["members"] is None and A.nodes[YTH]["members"] is None
    assert sorted(A.successors(NO1)) == [D + "division/530602", D + "division/530621", D + "division/530622",
                                         D + "division/530628"]
    assert all(A.nodes[c]["alliances"] == [NO1] for c in A.successors(NO1))
    for a in (ZX, YTH):
        [ph] = list(A.successors(a))
        assert kinds[ph] == net.UNSTATED and A.nodes[ph]["label_en"] == "counties not stated"
        assert A.get_edge_data(a, ph, "covers")["unstated"] is True
    # the NetworkX answers on the full graph still see both edges
    assert net.alliance_members(R)[NO1] == [D + "school/zhaotong-no1"]


def test_alliances_view_keeps_other_members_and_stated_counties(two_articles):
    G = net.load_network(two_articles.graph, ONTO)
    A = net.view(G, "alliances")
    alliance = D + "alliance/yixian"
    member = A.get_edge_data(D + "school/yixian-no2", alliance, "member-of")
    assert (member["role_zh"], member["quotes"]) == ("成员校", ["携手乙县第二中学等6所高中组建教研联盟"])
    [(leader, _, k)] = [e for e in A.in_edges(alliance, keys=True) if e[2] != "member-of"]
    assert (leader, k) == (D + "school/jiaxian-no1", "leads")
    assert list(A.successors(alliance)) == [D + "division/yi-county"]
    assert not [n for n, k in A.nodes(data="kind") if k == net.UNSTATED]
    assert A.nodes[alliance]["members"]["as_stated"] == "6所"


def test_alliance_layout_and_colours(R):
    A = net.view(R, "alliances")
    pos = layout(A, "alliances")
    assert set(pos) == set(A) and len(set(pos.values())) == len(pos)
    assert all(pos[s][0] < pos[a][0] < pos[o][0] for s, a in A.in_edges([NO1, ZX, YTH]) for o in A.successors(a))
    col = node_colours(A, "alliances")
    fills = {a: col[a][0] for a in (NO1, ZX, YTH)}
    assert len(set(fills.values())) == 3
    assert {col[c][0] for c in A.successors(NO1)} == {fills[NO1]}
    assert all(col[ph] == ("#ffffff", fills[a]) for a in (ZX, YTH) for ph in A.successors(a))


# --------------------------------------------------------------------------- exports


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_defaults_to_the_alliances_view_laid_out_and_coloured(R, tmp_path, fmt, zkg):
    out = tmp_path / f"a.{fmt}"
    proc = zkg("network", "--graph-dir", str(GRAPH), "--ontology", str(ONTO), "--export", fmt, "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "view alliances" in proc.stderr
    back = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(out)
    A = net.view(R, "alliances")
    assert set(back) == set(A) and back.number_of_edges() == A.number_of_edges()
    pos, col = layout(A, "alliances"), node_colours(A, "alliances")
    for n, d in back.nodes(data=True):
        if fmt == "gexf":
            xy = (d["viz"]["position"]["x"], -d["viz"]["position"]["y"])
            rgb = (d["viz"]["color"]["r"], d["viz"]["color"]["g"], d["viz"]["color"]["b"])
        else:
            xy, rgb = (d["x"], -d["y"]), (d["r"], d["g"], d["b"])
            assert d["color"] == col[n][0]
        assert xy == pytest.approx(pos[n])
        assert "#{:02x}{:02x}{:02x}".format(*rgb) == col[n][0]
    assert back.nodes[NO1]["members"] == "36所" and back.nodes[ZX]["members"] == "not stated"
    assert sum(1 for _, k in back.nodes(data="kind") if k == net.UNSTATED) == 2


def test_export_of_another_view_has_seeded_positions(tmp_path, zkg):
    def positions(seed: int, name: str) -> dict:
        out = tmp_path / name
        proc = zkg("network", "--graph-dir", str(GRAPH), "--ontology", str(ONTO), "--view", "school-network",
                   "--export", "gexf", "--seed", str(seed), "-o", str(out))
        assert proc.returncode == 0, proc.stderr
        return {n: (d["viz"]["position"]["x"], d["viz"]["position"]["y"]) for n, d in nx.read_gexf(out).nodes(data=True)}

    a, b, c = positions(1, "a.gexf"), positions(1, "b.gexf"), positions(2, "c.gexf")
    assert a == b and a != c and len(set(a.values())) == len(a)


# --------------------------------------------------------------------------- notebook helpers


def test_notebook_helpers_on_the_real_graph(R):
    from zkg.api import open_graph

    g = open_graph(GRAPH, queries=ROOT / "queries")
    sparql = notebook.from_sparql(g.ask("alliance-members"), "alliance", "school")
    table = notebook.compare(R, "members", net.alliance_members(R), sparql)
    assert len(table) == 3 and table["same in SPARQL"].all()
    assert set(table["alliance"]) == {R.nodes[a]["label_zh"] for a in (NO1, ZX, YTH)}
    # a difference shows as False
    off = notebook.compare(R, "members", {NO1: [D + "school/yuntianhua"]}, sparql)
    assert not off.set_index("alliance").loc[R.nodes[NO1]["label_zh"], "same in SPARQL"]
    df = notebook.short(pd.DataFrame({"x": [IRI(NO1), "text"]}))
    assert df["x"].tolist() == ["ztd:alliance/zhaotong-no1", "text"]


def test_use_cjk_font_finds_the_debian_font():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    assert notebook.use_cjk_font(dpi=72) == "WenQuanYi Micro Hei"  # fonts-wqy-microhei (scripts/setup.sh --test)
    assert plt.rcParams["font.family"][0] == "WenQuanYi Micro Hei" and plt.rcParams["figure.dpi"] == 72


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_static_drawing_labels_neither_overlap_nor_clip(R, lang):
    """The drawing of notebook 02 (zkg.viz.draw): every text inside the figure, no two texts overlapping."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from zkg.viz import draw

    notebook.use_cjk_font()
    fig = draw(R, "alliances", lang=lang)
    try:
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        ax = fig.axes[0]
        texts = [t for t in ax.texts if t.get_text().strip()]
        assert len(texts) >= 12 + 9  # a label per node, one per edge
        frame = fig.bbox
        boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
        for text, b in boxes:
            assert frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1, f"clipped: {text!r}"
        for i, (t1, b1) in enumerate(boxes):
            for t2, b2 in boxes[i + 1:]:
                assert not b1.overlaps(b2), f"{t1!r} overlaps {t2!r}"
        legend = ax.get_legend().get_window_extent(renderer)
        assert not any(legend.overlaps(b) for _, b in boxes)
        assert any("区县未说明" in t or "counties not stated" in t for t, _ in boxes)
    finally:
        plt.close(fig)


# --------------------------------------------------------------------------- a bounded picture


def test_a_view_above_max_nodes_keeps_whole_alliances_and_says_what_was_left_out(R):
    A = net.view(R, "alliances")
    whole = page_data(R, "alliances")
    assert page_data(R, "alliances", max_nodes=len(A)) == whole  # within the bound: the same page
    from zkg.viz import alliance_order
    first = alliance_order(A)[0]
    band = {first, *A.predecessors(first), *A.successors(first)}
    part, left = bounded(A, "alliances", len(band))
    assert set(part) == band and left is not None
    assert left[1] == (f"showing {len(band)} of {len(A)} nodes: the first 1 of {len(alliance_order(A))} alliances "
                       "(zkg viz --max-nodes)")
    data = page_data(R, "alliances", max_nodes=len(band))
    assert len(data["nodes"]) == len(band) and data["left_out"] == {"zh": left[0], "en": left[1]}
    assert data["title_en"].endswith(f"({left[1]})") and left[0] in data["title_zh"]


def test_other_views_above_max_nodes_keep_the_most_linked_nodes(R):
    V = net.view(R, "school-network")
    linked = {n: len(set(V.successors(n)) | set(V.predecessors(n))) for n in V}
    part, left = bounded(V, "school-network", 10)
    assert len(part) == 10 and left is not None and "most linked" in left[1]
    assert min(linked[n] for n in part) >= max(linked[n] for n in V if n not in part)
    assert set(part.edges()) == {(s, o) for s, o in V.edges() if s in part and o in part}


def test_cli_viz_max_nodes_says_what_it_left_out(tmp_path, zkg):
    proc = zkg("viz", "-o", str(tmp_path / "a.html"), "--max-nodes", "5")
    assert proc.returncode == 0, proc.stderr
    assert "note: showing " in proc.stderr and "alliances (zkg viz --max-nodes)" in proc.stderr
    assert "zkg viz --max-nodes" in (tmp_path / "a.html").read_text(encoding="utf-8")
