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
written in about a second and stays usable.

>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_node("a", kind="school", label_zh="<甲>", label_en="A", cls="School", figures=[], quotes=[])
>>> page = render_html(G, seed=1)
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

from zkg.network import VIEWS, view as _view

__all__ = ["render_html", "vis_assets", "layout_large", "LARGE", "KIND_STYLE", "EDGE_LABELS"]

#: Above this many nodes physics is off and positions come from :func:`layout_large`.
LARGE = 2000

#: kind → (colour, border, vis shape, zh, en); the legend follows this order.
KIND_STYLE: dict[str, tuple[str, str, str, str, str]] = {
    "school": ("#4e79a7", "#2c4a6b", "dot", "学校", "school"),
    "alliance": ("#e15759", "#8c2a2c", "star", "教研联盟", "alliance"),
    "division": ("#59a14f", "#2f5f29", "square", "行政区划", "division"),
    "place": ("#8cd17d", "#4d7f42", "triangleDown", "地点", "place"),
    "person": ("#f28e2b", "#99561a", "triangle", "人物", "person"),
    "organisation": ("#b07aa1", "#6b4862", "diamond", "机构", "organisation"),
    "program": ("#edc948", "#8f7a26", "hexagon", "项目", "program"),
    "event": ("#ff9da7", "#9c5b62", "star", "活动", "event"),
    "document": ("#9c755f", "#5c4537", "square", "文件", "document"),
    "performance": ("#bab0ac", "#6e6764", "ellipse", "节目", "performance"),
}

#: edge name → (zh, en) shown on edges and in tooltips.
EDGE_LABELS: dict[str, tuple[str, str]] = {
    "leads": ("牵头", "leads"), "member-of": ("成员", "member of"), "covers": ("覆盖", "covers"),
    "located-in": ("位于", "located in"), "part-of": ("隶属", "part of"),
    "holds-post-at": ("任职", "holds post at"), "runs": ("实施", "runs"),
    "supplies": ("输送学生", "supplies"), "manages": ("管理", "manages"),
    "selected-in": ("入选", "selected in"), "part-of-program": ("属于", "part of program"),
    "applies-to": ("面向", "applies to"), "issued-by": ("印发", "issued by"),
    "performed-at": ("演出于", "performed at"), "organized-by": ("主办", "organized by"),
}

_VIEW_TITLES = {
    "school-network": ("昭通学校网络", "Zhaotong school network"),
    "people": ("人物与机构", "People and organisations"),
    "programs": ("项目与成效", "Programs and outcomes"),
    "all": ("昭通教育知识图谱", "Zhaotong education knowledge graph"),
}


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


def layout_large(G: nx.Graph, seed: int = 0) -> dict[Any, tuple[float, float]]:
    """Seeded positions in linear time: one disc per kind, discs round a circle, area ∝ count.

    >>> G = nx.Graph(); G.add_nodes_from([(1, {"kind": "school"}), (2, {"kind": "person"})])
    >>> layout_large(G, 3) == layout_large(G, 3)
    True
    """
    import numpy as np

    by_kind: dict[str, list[Any]] = {}
    for n, k in G.nodes(data="kind"):
        by_kind.setdefault(k or "?", []).append(n)
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


def _json_for_script(obj: Any) -> str:
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_html(graph: nx.MultiDiGraph, view: str = "all", seed: int = 0,
                iterations: int = 300) -> str:
    """One self-contained HTML page showing ``view`` of ``graph`` (see :data:`zkg.network.VIEWS`).

    ``graph`` is a :func:`zkg.network.project` result (nodes need ``kind``, ``label_zh``,
    ``label_en``; ``cls``, ``figures``, ``quotes`` are optional). The same graph, view and seed
    give the same bytes.
    """
    if view not in VIEWS:
        raise KeyError(f"unknown view {view!r}; choose one of {', '.join(VIEWS)}")
    G = graph if view == "all" else _view(graph, view)
    large = G.number_of_nodes() > LARGE
    order = sorted(G.nodes, key=str)
    index = {n: i for i, n in enumerate(order)}
    pos = layout_large(G, seed) if large else {}
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
        for key in ("cls", "figures", "quotes"):
            if d.get(key):
                rec[key] = [{k: v for k, v in f.items() if k != "fact"} for f in d[key]] \
                    if key == "figures" else d[key]
        if large:
            rec["x"], rec["y"] = pos[n]
        nodes.append(rec)
    edges = []
    seen_pairs: dict[tuple[int, int], int] = {}
    for s, o, k, d in sorted(G.edges(keys=True, data=True),
                             key=lambda e: (index[e[0]], index[e[1]], str(e[2]))):
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
        edges.append(rec)
    kinds = [{"name": k, "color": c, "border": b, "shape": sh, "zh": zh, "en": en, "count": counts[k]}
             for k, (c, b, sh, zh, en) in KIND_STYLE.items() if k in counts]
    kinds += [{"name": k, "color": "#cccccc", "border": "#777777", "shape": "dot", "zh": k, "en": k,
               "count": counts[k]} for k in sorted(counts) if k not in KIND_STYLE]
    title_zh, title_en = _VIEW_TITLES.get(view, (view, view))
    data = {
        "title_zh": title_zh, "title_en": title_en, "view": view, "seed": seed,
        "iterations": iterations, "large": large, "edgeLabels": len(edges) <= 300,
        "kinds": kinds, "nodes": nodes, "edges": edges,
        "edgeNames": {k: {"zh": zh, "en": en} for k, (zh, en) in EDGE_LABELS.items()},
    }
    js, css = vis_assets()
    parts = {"TITLE": _html_text(f"{title_zh} · {title_en}"), "VIS_CSS": css, "VIS_JS": js,
             "DATA": _json_for_script(data)}
    # One pass over the template (not str.format / Template: the JS is full of braces and
    # dollars), so nothing inside the data is ever taken for a placeholder.
    return _PLACEHOLDER.sub(lambda m: parts[m.group(1)], _template())


_PLACEHOLDER = re.compile(r"@@(TITLE|VIS_CSS|VIS_JS|DATA)@@")


def _html_text(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
