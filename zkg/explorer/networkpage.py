"""The explorer's network pages: the alliance picture at ``/network`` and the other views of
``zkg viz`` at ``/network/VIEW`` (``school-network``, ``people``, ``programs``, ``all``), inside the site.

The picture is the one ``zkg viz`` draws (:func:`zkg.viz.page_data`, the same layout, colours,
search and 中文/English switch, by the same script, ``zkg/static/network.js``), with vis-network
served from the pyvis package (``/static/vis-network.min.js``, never a CDN) and one addition: a click
on a node opens its entity page (``zkg/static/network-links.js``; the data carries each node's
link). No script is inline, so the server's Content-Security-Policy (scripts from this site only)
holds. Below the picture the same view is a list of links (for the alliances: each alliance with
its leader schools, members and the counties it covers), which is what a reader without
JavaScript, or a screen reader, gets.

The network is projected (:func:`zkg.network.project`) from the quads of the explorer's store, so
the page works on the embedded store and in front of a remote server; it is made once per explorer.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, render_template

from zkg.explorer.state import Explorer
from zkg.explorer.web import entity_path, explorer, link
from zkg.network import UNSTATED, VIEWS, project, view as network_view
from zkg.values import BNode, ox_term
from zkg.viz import KIND_STYLE, alliance_order, page_data, vis_assets

__all__ = ["DEFAULT_VIEW", "blueprint", "store_network"]

blueprint = Blueprint("networkpage", __name__)

#: The view at ``/network``.
DEFAULT_VIEW = "alliances"

_QUADS = "SELECT ?s ?p ?o ?g WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"


def store_network(state: Explorer):
    """The graph of the explorer's store projected into NetworkX (default graph and named graphs, so
    edges and nodes keep the article's quotes; the ontology in the store gives kinds and names)."""
    import pyoxigraph as ox

    def term(value: Any):
        return ox.BlankNode(str(value)) if isinstance(value, BNode) else ox_term(value)

    quads = []
    for s, p, o, g in state.store.select(_QUADS, max_rows=None).rows:
        graph = ox.DefaultGraph() if g is None else term(g)
        quads.append(ox.Quad(term(s), ox.NamedNode(str(p)), term(o), graph))
    return project(quads)


def _full(state: Explorer):
    return state.cached("network", lambda: store_network(state))


def _view_graph(state: Explorer, name: str):
    return state.cached(f"network/{name}", lambda: network_view(_full(state), name))


def _item(G, n: Any) -> dict[str, Any]:
    d = G.nodes[n]
    return {"zh": d.get("label_zh") or str(n), "en": d.get("label_en") or "",
            "href": entity_path(n) if isinstance(n, str) and n.startswith("http") else None}


def _alliances(G) -> list[dict[str, Any]]:
    """Each alliance of the alliances view with its schools (leaders first) and covered counties."""
    out = []
    for a in alliance_order(G):
        schools = sorted(G.predecessors(a), key=lambda s: ("leads" not in G[s][a], str(s)))
        counties = [c for c in G.successors(a) if G.nodes[c].get("kind") != UNSTATED]
        members = G.nodes[a].get("members") or {}
        out.append({**_item(G, a), "members": members.get("as_stated") or members.get("value") or "",
                    "schools": [{**_item(G, s), "leads": "leads" in G[s][a]} for s in schools],
                    "counties": sorted((_item(G, c) for c in counties), key=lambda c: c["zh"])})
    return out


def _by_kind(G) -> list[tuple[str, list[dict[str, Any]]]]:
    kinds: dict[str, list[dict[str, Any]]] = {}
    for n, k in G.nodes(data="kind"):
        if k != UNSTATED:
            kinds.setdefault(k or "place", []).append(_item(G, n))
    names = G.graph.get("kind_labels", {})
    order = [k for k in KIND_STYLE if k in kinds] + sorted(set(kinds) - set(KIND_STYLE))
    return [(" · ".join(names.get(k, (k, k))), sorted(kinds[k], key=lambda i: i["zh"])) for k in order]


@blueprint.route("/network", defaults={"name": DEFAULT_VIEW})
@blueprint.route("/network/<name>")
def network(name: str):
    if name not in VIEWS or (name == DEFAULT_VIEW and not _is_default_path()):
        abort(404)
    state = explorer()
    G = _view_graph(state, name)
    data = dict(state.cached(f"network-data/{name}", lambda: page_data(_full(state), name)))
    index = {i: n for i, n in enumerate(sorted(G.nodes, key=str))}
    data["links"] = {i: link(path) for i, n in index.items()
                     if isinstance(n, str) and (path := entity_path(n)) is not None}
    others = [(v, "/network" if v == DEFAULT_VIEW else f"/network/{v}") for v in VIEWS]
    return render_template("explorer/network.html", name=name, data=data,
                           title_zh=data["title_zh"], title_en=data["title_en"], views=others,
                           alliances=_alliances(G) if name == DEFAULT_VIEW else [],
                           kinds=_by_kind(G) if name != DEFAULT_VIEW else [])


def _is_default_path() -> bool:
    from flask import request

    return request.path == "/network"


@blueprint.route("/static/vis-network.min.js")
def vis_js():
    return Response(vis_assets()[0], mimetype="text/javascript")


@blueprint.route("/static/vis-network.css")
def vis_css():
    return Response(vis_assets()[1], mimetype="text/css")

