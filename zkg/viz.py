"""The offline picture: one self-contained HTML page for a projected network.

:func:`render_html` returns the page as a string (the CLI writes it). The page inlines the
vis-network 9.1.2 JS and CSS that ship inside the pyvis package (no CDN, no Bootstrap) into our
own template ``zkg/templates/network.html``; the data goes in a
``<script type="application/json">`` block with ``<``, ``>`` and ``&`` written as ``\\u003c`` …,
so no label can close the script, and the page builds every tooltip and panel with
``textContent``, so a label like ``<img src=x onerror=alert(1)>`` shows as text.

Small graphs lay out with vis physics from ``layout.randomSeed = seed``, stabilise, then physics
is switched off. Above :data:`LARGE` nodes physics is off from the start and the positions are
computed here (a seeded layout that groups nodes by kind, linear time), so a 50,000-node page is
written in about a second and stays usable. Above ``max_nodes`` (``zkg viz``: :data:`MAX_NODES`)
only part of the view is drawn (:func:`bounded`: whole alliances, or the most linked nodes), and
the page's title and stderr say what was left out.

>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_node("a", kind="school", label_zh="<甲>", label_en="A", cls="School", figures=[], quotes=[])
>>> page = render_html(G, "all", seed=1)
>>> "<甲>" in page, "\\\\u003c甲\\\\u003e" in page, "<script src" in page, "<link" in page
(False, True, False, False)
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx

from zkg.network import UNSTATED, VIEWS, view as _view

__all__ = ["page_data", "page_script", "render_html", "vis_assets", "layout", "layout_large", "layout_alliances", "alliance_order",
           "node_colours", "draw", "bounded", "render_page", "LARGE", "MAX_NODES", "KIND_STYLE", "ALLIANCE_COLOURS"]

#: Above this many nodes physics is off and positions come from :func:`layout_large`.
LARGE = 2000

#: ``zkg viz`` draws at most this many nodes (``--max-nodes``; :func:`bounded` says which): a page
#: of a province's whole network would be hundreds of MB, too big to open and too dense to read.
MAX_NODES = 10_000

#: kind → (colour, border, vis shape): how each node kind is drawn; the legend follows this order.
#: The kinds' names come from the graph (``G.graph["kind_labels"]``: the ontology's class labels).
KIND_STYLE: dict[str, tuple[str, str, str]] = {
    "school": ("#4e79a7", "#2c4a6b", "dot"),
    "alliance": ("#e15759", "#8c2a2c", "star"),
    "division": ("#59a14f", "#2f5f29", "square"),
    "place": ("#8cd17d", "#4d7f42", "triangleDown"),
    "person": ("#f28e2b", "#99561a", "triangle"),
    "organisation": ("#b07aa1", "#6b4862", "diamond"),
    "program": ("#edc948", "#8f7a26", "hexagon"),
    "event": ("#ff9da7", "#9c5b62", "star"),
    "document": ("#9c755f", "#5c4537", "square"),
    "performance": ("#bab0ac", "#6e6764", "ellipse"),
    UNSTATED: ("#ffffff", "#888888", "box"),
}
_OTHER_STYLE = ("#cccccc", "#777777", "dot")

#: Colours of the alliances in the alliances view (in the order of :func:`alliance_order`).
ALLIANCE_COLOURS = ("#e15759", "#f28e2b", "#76b7b2", "#b07aa1", "#edc948", "#9c755f")

_VIEW_TITLES = {
    "alliances": ("昭通高中教研联盟", "Zhaotong teaching-research alliances"),
    "school-network": ("昭通学校网络", "Zhaotong school network"),
    "people": ("人物与机构", "People and organisations"),
    "programs": ("项目与成效", "Programs and outcomes"),
    "all": ("昭通教育知识图谱", "Zhaotong education knowledge graph"),
}

#: A part-of edge into a node that has at least this many is a "hub" edge (昭通市's 隶属),
#: hidden until the reader asks for it.
HUB = 5


@lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str]:
    """The vis-network (JS, CSS) text shipped in the installed pyvis package."""
    import pyvis

    lib = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    css = (lib / "vis-network.css").read_text(encoding="utf-8")
    # The source map is not shipped; drop the comment so no tool goes looking for it.
    # (split on "\n" only: str.splitlines would also cut at characters inside JS strings)
    js = "\n".join(line for line in js.split("\n") if not line.startswith("//# sourceMappingURL"))
    return js, css


@lru_cache(maxsize=1)
def _template() -> str:
    return resources.files("zkg").joinpath("templates/network.html").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def page_script() -> str:
    """The page's own script (``zkg/static/network.js``): inlined here, and served as a file by the
    explorer's network page (:mod:`zkg.explorer.networkpage`), which draws the same data."""
    return resources.files("zkg").joinpath("static/network.js").read_text(encoding="utf-8")


def layout_large(G: nx.Graph, seed: int = 0) -> dict[Any, tuple[float, float]]:
    """Seeded positions in linear time: one disc per kind, discs round a circle, area ∝ count.

    >>> G = nx.Graph(); G.add_nodes_from([(1, {"kind": "school"}), (2, {"kind": "person"})])
    >>> layout_large(G, 3) == layout_large(G, 3)
    True
    """
    import numpy as np

    by_kind: dict[str, list[Any]] = {}
    for n, d in G.nodes(data=True):
        by_kind.setdefault(d.get("kind") or "?", []).append(n)
    rng = np.random.default_rng(seed)
    spacing = 12.0  # px per node, roughly
    kinds = sorted(by_kind, key=lambda k: (-len(by_kind[k]), k))
    radii = {k: spacing * math.sqrt(len(by_kind[k])) for k in kinds}
    # discs round a ring 1.3× longer than their diameters laid end to end, so they do not overlap
    ring = 1.3 * sum(2 * r for r in radii.values()) / (2 * math.pi) if len(kinds) > 1 else 0.0
    pos: dict[Any, tuple[float, float]] = {}
    total = sum(2 * r for r in radii.values()) or 1.0
    done = 0.0  # arc length used so far; each disc takes an arc as long as its diameter
    for k in kinds:
        r = radii[k]
        a = 2 * math.pi * (done + r) / total
        done += 2 * r
        cx, cy = ring * math.cos(a), ring * math.sin(a)
        members = by_kind[k]
        rho = r * np.sqrt(rng.random(len(members)))
        theta = 2 * math.pi * rng.random(len(members))
        xs, ys = cx + rho * np.cos(theta), cy + rho * np.sin(theta)
        for n, x, y in zip(members, xs.round(1).tolist(), ys.round(1).tolist()):
            pos[n] = (x, y)
    return pos


def alliance_order(G: nx.DiGraph) -> list[Any]:
    """The alliances of ``G``, those with the most covered counties first, then by name."""
    def stated(a: Any) -> int:
        return sum(1 for o in G.successors(a) if G.nodes[o].get("kind") != UNSTATED)
    return sorted((n for n, k in G.nodes(data="kind") if k == "alliance"),
                  key=lambda a: (-stated(a), G.nodes[a].get("label_zh", ""), str(a)))


def bounded(G: nx.MultiDiGraph, view: str, max_nodes: int) -> tuple[nx.MultiDiGraph, tuple[str, str] | None]:
    """At most ``max_nodes`` nodes of ``G`` (a view), as a subgraph view, and what was left out (zh,
    en; None when nothing was). The alliances view keeps whole alliances (their schools and counties)
    in :func:`alliance_order` while they fit; other views keep the most linked nodes (degree either
    way, ties by IRI) and the edges between them.

    >>> G = nx.MultiDiGraph([(1, 2), (1, 3), (1, 4), (2, 3)])
    >>> H, left = bounded(G, "all", 2)
    >>> sorted(H), left[1]
    ([1, 2], 'showing the 2 most linked of 4 nodes (zkg viz --max-nodes)')
    """
    total = G.number_of_nodes()
    if total <= max_nodes:
        return G, None
    keep: set[Any] = set()
    if view == "alliances":
        order = alliance_order(G)
        shown = 0
        for a in order:
            band = {a, *G.predecessors(a), *G.successors(a)}
            if len(keep | band) > max_nodes:
                break
            keep |= band
            shown += 1
        left = (f"只画出 {len(keep):,}/{total:,} 个节点：前 {shown:,} 个联盟（共 {len(order):,} 个；zkg viz --max-nodes）",
                f"showing {len(keep):,} of {total:,} nodes: the first {shown:,} of {len(order):,} alliances "
                "(zkg viz --max-nodes)")
    else:
        ranked = sorted(G.nodes, key=lambda n: (-len(set(G.successors(n)) | set(G.predecessors(n))), str(n)))
        keep = set(ranked[:max_nodes])
        left = (f"只画出连接最多的 {len(keep):,}/{total:,} 个节点（zkg viz --max-nodes）",
                f"showing the {len(keep):,} most linked of {total:,} nodes (zkg viz --max-nodes)")
    return nx.subgraph_view(G, filter_node=keep.__contains__), left


def layout_alliances(G: nx.DiGraph, row: float = 80.0, gap: float = 110.0,
                     columns: tuple[float, float, float] = (0.0, 330.0, 660.0)) -> dict[Any, tuple[float, float]]:
    """Positions for the alliances view: one band per alliance, schools left, the alliance in the
    middle, the counties it covers (or the placeholder) right. Deterministic: no seed needed.
    Nodes outside any band (none in a view from :func:`zkg.network.alliances`) are left out.
    """
    pos: dict[Any, tuple[float, float]] = {}
    y = 0.0
    for a in alliance_order(G):
        left = sorted(G.predecessors(a), key=lambda s: ("leads" not in G[s][a], str(s)))
        right = sorted(G.successors(a), key=lambda c: (G.nodes[c].get("label_zh", ""), str(c)))
        band = row * max(len(left), len(right), 1)
        centre = y + band / 2
        for col, items in ((0, left), (2, right)):
            for i, n in enumerate(items):
                pos.setdefault(n, (columns[col], round(centre + (i - (len(items) - 1) / 2) * row, 1)))
        pos[a] = (columns[1], round(centre, 1))
        y += band + gap
    return pos


def layout(G: nx.DiGraph, view: str = "alliances", seed: int = 0) -> dict[Any, tuple[float, float]]:
    """Seeded positions (in pixels) for a view of a graph: :func:`layout_alliances` for the
    alliances view, :func:`layout_large` above :data:`LARGE` nodes, else a spring layout
    (``networkx.spring_layout`` with ``seed``, on the nodes and edges in sorted order).
    """
    if view == "alliances":
        pos = layout_alliances(G)
        if len(pos) == G.number_of_nodes():
            return pos
    if G.number_of_nodes() > LARGE:
        return layout_large(G, seed)
    S: nx.Graph[Any] = nx.Graph()
    S.add_nodes_from(sorted(G.nodes, key=str))
    S.add_edges_from(sorted({tuple(sorted((u, v), key=str)) for u, v in G.edges()}, key=str))
    raw = nx.spring_layout(S, seed=seed, k=1.5 / math.sqrt(max(S.number_of_nodes(), 1)))
    scale = 60.0 * math.sqrt(max(S.number_of_nodes(), 1))
    return {n: (round(float(x) * scale, 1), round(float(y) * scale, 1)) for n, (x, y) in raw.items()}


def node_colours(G: nx.DiGraph, view: str = "alliances") -> dict[Any, tuple[str, str]]:
    """(fill, border) per node: the kind's colours, or in the alliances view the alliance's colour
    for alliances and the counties they cover (a placeholder: white with the alliance's border)."""
    out = {}
    for n, d in G.nodes(data=True):
        colour, border, _ = KIND_STYLE.get(d.get("kind", ""), _OTHER_STYLE)
        out[n] = (colour, border)
    if view == "alliances":
        for i, a in enumerate(alliance_order(G)):
            c = ALLIANCE_COLOURS[i % len(ALLIANCE_COLOURS)]
            for n in [a, *G.successors(a)]:
                kind = G.nodes[n].get("kind", "")
                if kind == UNSTATED:
                    out[n] = ("#ffffff", c)
                elif kind != "school" and out[n][0] == KIND_STYLE.get(kind, ("", "", ""))[0]:  # first alliance wins
                    out[n] = (c, _darker(c))
    return out


def _darker(colour: str, f: float = 0.6) -> str:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(int(r * f), int(g * f), int(b * f))


def _kind_names(G: nx.Graph, kind: str) -> tuple[str, str]:
    """A kind's names (zh, en): the ontology's class labels that :func:`zkg.network.project` put in
    ``G.graph["kind_labels"]``, else the kind's code."""
    zh, en = G.graph.get("kind_labels", {}).get(kind, (kind, kind))
    return zh, en


def _edge_names(G: nx.Graph, name: str) -> tuple[str, str]:
    """An edge's names (zh, en): the ontology's property labels (``G.graph["edge_labels"]``)."""
    zh, en = G.graph.get("edge_labels", {}).get(name, (name, name))
    return zh, en


def _json_for_script(obj: Any) -> str:
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_FIGURE_KEYS = ("indicator_zh", "indicator_en", "as_stated", "value", "year", "period", "quote", "unit_zh",
                "unit_en", "kind", "baseline_year", "status", "status_zh", "status_en", "bound", "bound_zh",
                "bound_en")


def _figure(f: dict[str, Any]) -> dict[str, Any]:
    return {k: f[k] for k in _FIGURE_KEYS if f.get(k)}


def _merged_edges(G: nx.MultiDiGraph) -> list[tuple[Any, Any, str, dict[str, Any]]]:
    """The edges to draw: a leader's ``member-of`` (role 盟主) folds into its ``leads`` edge."""
    out = []
    for s, o, k, d in G.edges(keys=True, data=True):
        keys = G[s][o]
        if k == "member-of" and "leads" in keys:
            continue
        if k == "leads" and "member-of" in keys:
            m = keys["member-of"]
            d = {**d, "role": m.get("role", ""), "role_zh": m.get("role_zh", ""), "role_en": m.get("role_en", ""),
                 "quotes": sorted(set(d.get("quotes", [])) | set(m.get("quotes", [])))}
        out.append((s, o, k, d))
    return out


def render_html(graph: nx.MultiDiGraph, view: str = "alliances", seed: int = 0,
                iterations: int = 300, max_nodes: int | None = None) -> str:
    """One self-contained HTML page showing ``view`` of ``graph`` (see :data:`zkg.network.VIEWS`):
    :func:`page_data` and :func:`page_script` inlined into our template with vis-network.
    """
    return render_page(page_data(graph, view, seed, iterations, max_nodes))


def render_page(data: dict[str, Any]) -> str:
    """The page of :func:`page_data`'s ``data``."""
    js, css = vis_assets()
    parts = {"TITLE": _html_text(f"{data['title_zh']} · {data['title_en']}"), "VIS_CSS": css, "VIS_JS": js,
             "DATA": _json_for_script(data), "APP_JS": page_script()}
    # One pass over the template (not str.format / Template: the JS is full of braces and
    # dollars), so nothing inside the data is ever taken for a placeholder.
    return _PLACEHOLDER.sub(lambda m: parts[m.group(1)], _template())


def page_data(graph: nx.MultiDiGraph, view: str = "alliances", seed: int = 0,
              iterations: int = 300, max_nodes: int | None = None) -> dict[str, Any]:
    """What the page's script draws for ``view`` of ``graph``: nodes, edges, kinds, titles (plain JSON data).

    ``graph`` is a :func:`zkg.network.project` result (nodes need ``kind``, ``label_zh``,
    ``label_en``; ``cls``, ``figures``, ``quotes`` are optional). The same graph, view and seed
    give the same bytes. The alliances view and large graphs are laid out here (physics off);
    other views settle with vis physics from ``seed``. With ``max_nodes``, a bigger view is drawn in
    part (:func:`bounded`) and ``left_out`` (zh, en) says what was left out, in the title too.
    """
    if view not in VIEWS:
        raise KeyError(f"unknown view {view!r}; choose one of {', '.join(VIEWS)}")
    G = graph if view == "all" else _view(graph, view)
    left_out = None
    if max_nodes is not None:
        G, left_out = bounded(G, view, max_nodes)
    large = G.number_of_nodes() > LARGE
    positioned = large or view == "alliances"
    order = sorted(G.nodes, key=str)
    index = {n: i for i, n in enumerate(order)}
    pos = (layout_large(G, seed) if large else layout(G, view, seed)) if positioned else {}
    colours = node_colours(G, view)
    default_colours = {k: (v[0], v[1]) for k, v in KIND_STYLE.items()}
    counts: dict[str, int] = {}
    nodes = []
    for n in order:
        d = G.nodes[n]
        kind = d.get("kind") or "place"
        counts[kind] = counts.get(kind, 0) + 1
        rec: dict[str, Any] = {"id": index[n], "kind": kind,
                               "zh": d.get("label_zh") or str(n), "en": d.get("label_en") or str(n)}
        if isinstance(n, str) and n.startswith("http"):
            rec["iri"] = n
        for key in ("cls", "cls_zh", "cls_en", "quotes"):
            if d.get(key):
                rec[key] = d[key]
        if d.get("alt_labels"):
            rec["alt"] = d["alt_labels"]
        if d.get("figures"):
            rec["figures"] = [_figure(f) for f in d["figures"]]
        if kind == "alliance" and view == "alliances":
            rec["members"] = _figure(d["members"]) if d.get("members") else None
        if colours[n] != default_colours.get(kind):
            rec["color"], rec["border"] = colours[n]
        if positioned:
            rec["x"], rec["y"] = pos[n]
        nodes.append(rec)
    part_of_in: dict[Any, int] = {}
    for _, o, k in G.edges(keys=True):
        if k == "part-of":
            part_of_in[o] = part_of_in.get(o, 0) + 1
    edges = []
    seen_pairs: dict[tuple[int, int], int] = {}
    for s, o, k, d in sorted(_merged_edges(G), key=lambda e: (index[e[0]], index[e[1]], str(e[2]))):
        rec = {"from": index[s], "to": index[o], "name": d.get("name", k)}
        pair = (min(index[s], index[o]), max(index[s], index[o]))
        seen_pairs[pair] = seen_pairs.get(pair, -1) + 1
        if seen_pairs[pair]:  # a second edge between the same two nodes: curve it apart
            rec["par"] = seen_pairs[pair]
        role = d.get("role_zh") or d.get("role")
        if role:
            rec["role"] = role if d.get("role_en") in (None, "", role) else f"{role} · {d['role_en']}"
        if d.get("quotes"):
            rec["quotes"] = d["quotes"]
        if d.get("unstated"):
            rec["unstated"] = True
        if k == "part-of" and part_of_in.get(o, 0) >= HUB:
            rec["hub"] = True
        edges.append(rec)
    kinds = []
    for k in [*KIND_STYLE, *sorted(set(counts) - set(KIND_STYLE))]:
        if k not in counts:
            continue
        c, b, sh = KIND_STYLE.get(k, _OTHER_STYLE)
        zh, en = _kind_names(G, k)
        kinds.append({"name": k, "color": c, "border": b, "shape": sh, "zh": zh, "en": en, "count": counts[k]})
    alliance_key = []
    if view == "alliances":
        for a in alliance_order(G):
            alliance_key.append({"id": index[a], "color": colours[a][0], "zh": G.nodes[a]["label_zh"],
                        "en": G.nodes[a]["label_en"]})
    title_zh, title_en = _VIEW_TITLES.get(view, (view, view))
    if left_out is not None:
        title_zh, title_en = f"{title_zh}（{left_out[0]}）", f"{title_en} ({left_out[1]})"
    data = {
        "title_zh": title_zh, "title_en": title_en, "view": view, "seed": seed,
        "iterations": iterations, "large": large, "positioned": positioned,
        "edgeLabels": len(edges) <= 300, "kinds": kinds, "allianceKey": alliance_key, "nodes": nodes, "edges": edges,
        "edgeNames": {k: {"zh": zh, "en": en} for k, (zh, en) in
                      sorted(G.graph.get("edge_labels", {}).items()) if k in {e["name"] for e in edges}},
    }
    if left_out is not None:
        data["left_out"] = {"zh": left_out[0], "en": left_out[1]}
    return data


_PLACEHOLDER = re.compile(r"@@(TITLE|VIS_CSS|VIS_JS|DATA|APP_JS)@@")


def _html_text(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_MARKERS = {"dot": "o", "star": "*", "square": "s", "triangle": "^", "triangleDown": "v", "diamond": "D",
            "hexagon": "h", "ellipse": "o", "box": "s"}


def _wrap(text: str, lang: str) -> str:
    import textwrap

    if lang == "en":
        return "\n".join(textwrap.wrap(text, 24)) or text
    lines = -(-len(text) // 12)  # as few lines of at most 12 characters as fit, evenly filled
    width = -(-len(text) // max(lines, 1))
    return "\n".join(text[i:i + width] for i in range(0, len(text), width))


def draw(graph: nx.MultiDiGraph, view: str = "alliances", seed: int = 0, lang: str = "zh", ax: Any = None):
    """A static matplotlib drawing of a view, with the page's layout, colours, shapes and labels.

    Returns the matplotlib ``Figure``. Labels are wrapped and drawn under their nodes; pass a CJK
    font in ``matplotlib.rcParams["font.family"]`` for Chinese labels.
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    G = graph if view == "all" else _view(graph, view)
    pos = layout(G, view, seed)
    colours = node_colours(G, view)
    if ax is None:
        _, ax = plt.subplots(figsize=(11, 7.5))
    fig = ax.figure
    label = "label_zh" if lang == "zh" else "label_en"
    drawn = _merged_edges(G)
    for s, o, k, d in drawn:
        (x0, y0), (x1, y1) = pos[s], pos[o]
        ax.annotate("", xy=(x1, -y1), xytext=(x0, -y0),
                    arrowprops=dict(arrowstyle="-|>", color="#8a9a9a", lw=1.0, shrinkA=12, shrinkB=12,
                                    linestyle="--" if d.get("unstated") else "-"))
        if len(drawn) <= 40:
            name = _edge_names(G, k)[0 if lang == "zh" else 1]
            ax.text((x0 + x1) / 2, -(y0 + y1) / 2, name, fontsize=9, color="#345", ha="center", va="center",
                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none"))
    for n, d in G.nodes(data=True):
        x, y = pos[n]
        kind = d.get("kind", "")
        fill, border = colours[n]
        text = d.get(label) or str(n)
        if kind == "alliance" and view == "alliances":
            m = d.get("members")
            text = _wrap(text, lang) + "\n" + (
                ("成员 " if lang == "zh" else "members: ") + (
                    (m.get("as_stated") or m["value"]) if lang == "zh" else f"{m['value']} {m.get('unit_en', '')}".strip())
                if m else ("成员数未说明" if lang == "zh" else "members not stated"))
        else:
            text = _wrap(text, lang)
        if kind == UNSTATED:
            ax.text(x, -y, text, fontsize=10, color="#555", ha="center", va="center",
                    bbox=dict(boxstyle="round,pad=0.4", fc="white", ec=border, ls="--", lw=1.5))
            continue
        shape = KIND_STYLE.get(kind, ("", "", "dot"))[2]
        ax.scatter([x], [-y], s=420 if kind == "alliance" else 220, marker=_MARKERS.get(shape, "o"), c=fill,
                   edgecolors=border, linewidths=1, zorder=3)
        ax.text(x, -y - 22, text, fontsize=10, ha="center", va="top", zorder=4, linespacing=1.15)
    xs = [p[0] for p in pos.values()] or [0.0]
    ys = [-p[1] for p in pos.values()] or [0.0]
    ax.set_xlim(min(xs) - 130, max(xs) + 130)
    ax.set_ylim(min(ys) - 110, max(ys) + 40)
    handles = []
    for k in [k for k in KIND_STYLE if any(kk == k for _, kk in G.nodes(data="kind"))]:
        c, b, shape = KIND_STYLE[k]
        zh_name, en_name = _kind_names(G, k)
        by_alliance = view == "alliances" and k in ("alliance", "division")
        handles.append(Line2D([], [], ls="", marker=_MARKERS.get(shape, "o"), markersize=10,
                              markerfacecolor="#dddddd" if by_alliance or k == UNSTATED else c,
                              markeredgecolor=b, label=zh_name if lang == "zh" else en_name))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=len(handles), fontsize=9,
              frameon=False)
    title = _VIEW_TITLES.get(view, (view, view))[0 if lang == "zh" else 1]
    ax.set_title(title)
    ax.axis("off")
    fig.tight_layout()
    return fig
