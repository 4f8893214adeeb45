r"""The school network: project the RDF dataset into NetworkX and answer relational questions.

Data in, data out: :func:`project` takes the graph — a ``pyoxigraph.Store`` (as
:func:`load_network` opens ``graph/``), or, for small examples, the quads of a file
(``pyoxigraph.parse``), an ``rdflib.Dataset``, an ``rdflib.Graph`` or any iterable of plain triples
— and returns a :class:`networkx.MultiDiGraph`. It asks the store a few set-oriented SPARQL
questions (:mod:`zkg.projection`) and builds the graph in bulk, so its time goes with the nodes
and edges of the network, not with the triples of the graph. The answers walk the graph or views of
it (:func:`view`, :func:`undirected`), never a copy, except betweenness (:func:`most_central`), which
runs on a simple undirected graph that networkx's backends (``--backend``) can ship to their workers.

**What the network is made of comes from the ontology** (passed in the same input or as
``ontology=``): a class annotated ``zt:networkKind "school"`` makes a kind of node, and its
subclasses fall under it (``rdfs:subClassOf``), the most specific kind winning (an Event is an
``event``, not a ``program``); an object property annotated ``zt:networkEdge "located-in"``
makes an edge of that name from subject to object. The kinds' and edges' names in Chinese and
English are the classes' and properties' ``rdfs:label`` (``G.graph["kind_labels"]``,
``G.graph["edge_labels"]``). The only edges that are not one property each are in
:data:`DERIVED_EDGES`: ``runs`` (``zt:runBy`` reversed: ``P zt:runBy O`` becomes
``O --runs--> P``, so the organisation points at what it runs, like ``leads``) and
``holds-post-at`` (an ``org:Post``: the person it is ``org:heldBy`` → the organisation it is
``org:postIn``).

**Quotes come from the provenance of the named graphs.** Each curated record's triples are in
its named graph ``ztd:fact/<id>``, and the graph's ``zt:quote`` is stated about the graph IRI. An
edge's ``quotes`` are the quotes of every graph that holds its triple; a node's ``quotes`` those
of every graph that holds a triple with the node as subject (its declaration, its relations, the
``org:memberOf`` of a membership, the ``org:holds`` of a post, a mention). A triple held in
several graphs (the default graph, its record graph) is counted once. Plain triples carry no
graphs, so a projection of an ``rdflib.Graph`` has no quotes.

Node attributes:

``kind``      the node kind (``zt:networkKind`` of the class reached), e.g. ``school``
``cls``       the asserted zt class local name(s), e.g. ``SeniorHighSchool`` (sorted, ``|``-joined)
``cls_zh``, ``cls_en``  their ``rdfs:label`` in the ontology, e.g. 高中 / Senior high school
``label_zh``, ``label_en``, ``alt_labels`` (``skos:altLabel``, e.g. 昭通一中)
``figures``   list of ``{"indicator_zh", "indicator_en", "as_stated", "value", "year", "period",
              "quote", "unit", "unit_zh", "unit_en", "kind" (level | change), "baseline_year",
              "status", "status_zh", "status_en", "bound", "bound_zh", "bound_en"}`` for each
              ``zt:Observation`` whose ``zt:about`` is the node (its quote and status: the
              provenance of its record graph, which has the observation's IRI); the ``_zh``/``_en``
              names are the labels of the ``zt:Unit``, ``zt:FactStatus`` and ``zt:Bound`` individuals
``quotes``    see above (sorted, unique)

Edges carry ``name``, ``predicate`` (the IRI; ``org:Post`` for ``holds-post-at``) and ``quotes``;
key = name. A ``member-of`` edge whose ``org:Membership`` gives a role carries ``role``
(``AllianceLeader``), ``role_zh``, ``role_en``; so does ``holds-post-at``.

>>> import rdflib
>>> g = rdflib.Graph().parse(data='''
... @prefix zt: <https://w3id.org/zhaotong-kg/ontology#> .
... @prefix ztd: <https://w3id.org/zhaotong-kg/id/> .
... @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
... zt:School zt:networkKind "school" .
... zt:TeachingResearchAlliance zt:networkKind "alliance" .
... zt:leads zt:networkEdge "leads" .
... zt:SeniorHighSchool rdfs:subClassOf zt:School .
... ztd:school\\/a a zt:SeniorHighSchool ; rdfs:label "甲中学"@zh ; zt:leads ztd:alliance\\/a .
... ztd:alliance\\/a a zt:TeachingResearchAlliance ; rdfs:label "甲联盟"@zh .
... ''', format="turtle")
>>> G = project(g)
>>> sorted(G.nodes(data="kind"))
[('https://w3id.org/zhaotong-kg/id/alliance/a', 'alliance'), ('https://w3id.org/zhaotong-kg/id/school/a', 'school')]
>>> alliance_leaders(G)
{'https://w3id.org/zhaotong-kg/id/alliance/a': ['https://w3id.org/zhaotong-kg/id/school/a']}
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

import networkx as nx

from zkg.prefixes import PREFIXES
from zkg.projection import DERIVED_EDGES, local as _local, project

__all__ = [
    "VIEWS",
    "DERIVED_EDGES",
    "UNSTATED",
    "BACKENDS",
    "project",
    "load_network",
    "network_store",
    "VIEW_EDGES",
    "edges_for",
    "view",
    "undirected",
    "kinds",
    "alliances",
    "member_count",
    "find_node",
    "alliance_members",
    "alliance_leaders",
    "alliance_counties",
    "schools_per_county",
    "connection",
    "most_central",
    "SAMPLE",
    "SAMPLED_ABOVE",
    "components",
    "for_export",
    "synthetic",
    "Step",
]

ZT, ZTD = PREFIXES["zt"], PREFIXES["ztd"]

#: The kind of the placeholder nodes of the alliances view ("counties not stated"), with its
#: names: not a class of the ontology, the view's own.
UNSTATED = "unstated"
_UNSTATED_LABELS = ("未说明", "not stated")

#: The views: which kinds each one keeps. ``alliances`` (the default picture) is drawn apart
#: by :func:`alliances`: leader → alliance → counties, one edge per leader, placeholders for
#: counties the article does not give.
VIEWS: dict[str, frozenset[str] | None] = {
    "alliances": frozenset({"school", "alliance", "division", "place", UNSTATED}),
    # (+ the places that a school is located in, e.g. 北部新区敦煌路片区: see view())
    "school-network": frozenset({"school", "alliance", "division"}),
    "people": frozenset({"person", "organisation", "school"}),
    "programs": frozenset({"program", "event", "document", "organisation", "division", "school"}),
    "all": None,
}


def kinds(G: nx.MultiDiGraph) -> list[str]:
    """The node kinds the ontology gave this projection (``zt:networkKind``), sorted."""
    return sorted(G.graph.get("kind_labels", {}))


def network_store(graph_dir: str | Path = "graph", ontology: str | Path | None = "ontology/zhaotong.ttl"):
    """The graph of ``graph_dir`` opened as the query layer opens it (:func:`zkg.store.open_store`,
    the embedded Oxigraph store), with ``ontology`` (kinds, edge names, subclass axioms, labels)
    beside the data; one store serves the projection and the name resolver. With the ontology beside
    the graph folder (a checkout), that is the persistent store (:mod:`zkg.persistent`), not a reload.

    Raises :class:`zkg.errors.StoreError` when there is no graph or a file cannot be read.
    """
    from zkg.loading import find_ontology_file
    from zkg.store import open_store

    beside = find_ontology_file(graph_dir)
    if ontology is not None and beside is not None and Path(ontology).resolve() == beside:
        return open_store(graph_dir, ontology=True, timeout=None)  # the persistent store holds it
    return open_store(graph_dir, ontology=Path(ontology) if ontology is not None else None, timeout=None)


def load_network(graph_dir: str | Path = "graph", ontology: str | Path | None = "ontology/zhaotong.ttl") -> nx.MultiDiGraph:
    """Open the built graph (:func:`network_store`) and :func:`project` it.

    Raises :class:`zkg.errors.StoreError` when there is no graph or a file cannot be read.
    ``ontology=None`` projects the data alone (which then has no kinds: an empty network).
    """
    return project(network_store(graph_dir, ontology).store, union=False)  # its default graph holds every triple


#: The edges each view reads besides those a question asks for (:func:`edges_for`): the school network
#: keeps the places schools are ``located-in``; the alliances view is made of leads, member-of, covers.
VIEW_EDGES: dict[str, frozenset[str]] = {
    "school-network": frozenset({"located-in"}),
    "alliances": frozenset({"leads", "member-of", "covers"}),
}


def edges_for(view_name: str, edges: Iterable[str] | None) -> frozenset[str] | None:
    """The edges to project (``project(..., edges=)``) for a question that reads ``edges`` (None:
    all of them) in the view ``view_name``: the same answer as on the whole projection."""
    return None if edges is None else frozenset(edges) | VIEW_EDGES.get(view_name, frozenset())


def view(G: nx.MultiDiGraph, name: str = "all") -> nx.MultiDiGraph:
    """One view of :data:`VIEWS`, e.g. ``"school-network"``: ``G`` itself for ``all``, a read-only
    subgraph view of ``G`` for the others (no copy; nodes and edges in ``G``'s order), the
    :func:`alliances` graph for ``alliances``.

    The school network also keeps the places (areas) that a school is located in, so a school
    in 北部新区敦煌路片区 stays linked to its district; other places (parks, buildings) stay out.
    """
    if name not in VIEWS:
        raise KeyError(f"unknown view {name!r}; choose one of {', '.join(VIEWS)}")
    if name == "alliances":
        return alliances(G)
    kinds = VIEWS[name]
    if kinds is None:
        return G
    keep = {n for n, k in G.nodes(data="kind") if k in kinds}
    if name == "school-network":  # the areas schools stand in link them to their district
        keep |= {o for s, o, k in G.edges(keys=True)
                 if k == "located-in" and G.nodes[s]["kind"] == "school" and G.nodes[o]["kind"] == "place"}
    # A filter function, not G.subgraph(keep): networkx would walk the set ``keep`` when it is the
    # smaller side, in an order that follows Python's string hashing (exports must be the same bytes).
    return nx.subgraph_view(G, filter_node=keep.__contains__)


def member_count(figures: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The figure that counts an alliance's member schools (a level in the unit ``Schools``)."""
    hits = [f for f in figures if f.get("unit") == "Schools" and f.get("kind", "level") in ("level", "")]
    return hits[0] if hits else None


def alliances(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The alliances view: leader school → alliance → the counties it covers.

    One ``leads`` edge per leader (the data has ``zt:leads``, ``org:memberOf`` and an
    ``org:Membership`` for it; the edge keeps the membership's role and every quote), other
    member schools with a ``member-of`` edge, the ``covers`` edges, and, for an alliance whose
    counties the article does not give, a placeholder node of kind ``unstated`` (id
    ``_:counties-not-stated/<alliance>``) linked by an edge marked ``unstated``. Prefecture and
    province hubs are left out. Alliance nodes carry ``members`` (the figure counting their member
    schools, or None); county and school nodes carry ``alliances`` (the alliances they belong to).

    >>> G = synthetic(200, seed=1)
    >>> G.remove_edges_from([(a, c, "covers") for a, c, k in list(G.edges(keys=True)) if k == "covers"][:1])
    >>> sorted({k for _, k in alliances(G).nodes(data="kind")})
    ['alliance', 'division', 'school', 'unstated']
    """
    A: nx.MultiDiGraph[Any] = nx.MultiDiGraph()
    A.graph.update(G.graph)
    A.graph["kind_labels"] = {**G.graph.get("kind_labels", {}), UNSTATED: _UNSTATED_LABELS}
    ids = sorted((n for n, k in G.nodes(data="kind") if k == "alliance"), key=str)

    def add(n: Any, alliance: Any, **extra: Any) -> None:
        if n not in A:
            A.add_node(n, **({**G.nodes[n], "alliances": []} if n in G else extra))
        if alliance not in A.nodes[n].setdefault("alliances", []):
            A.nodes[n]["alliances"].append(alliance)

    for a in ids:
        add(a, a)
        A.nodes[a]["members"] = member_count(G.nodes[a].get("figures", []))
        for s in sorted(G.predecessors(a), key=str):
            if G.nodes[s]["kind"] != "school":
                continue
            edges = G[s][a]
            leads = "leads" in edges or (edges.get("member-of", {}).get("role") == "AllianceLeader")
            if not leads and "member-of" not in edges:
                continue
            quotes = sorted({q for d in edges.values() for q in d.get("quotes", [])})
            role = edges.get("member-of", {})
            add(s, a)
            name = "leads" if leads else "member-of"
            A.add_edge(s, a, key=name, name=name, predicate=(edges.get(name) or role).get("predicate", ""),
                       role=role.get("role", ""), role_zh=role.get("role_zh", ""),
                       role_en=role.get("role_en", ""), quotes=quotes)
        covered = sorted((o for o in G.successors(a) if "covers" in G[a][o]), key=str)
        for c in covered:
            add(c, a)
            A.add_edge(a, c, key="covers", **G[a][c]["covers"])
        if not covered:
            ph = f"_:counties-not-stated/{_local(a)}"
            add(ph, a, kind=UNSTATED, cls="", cls_zh="", cls_en="", alt_labels=[],
                label_zh="区县未说明", label_en="counties not stated", figures=[], quotes=[])
            A.add_edge(a, ph, key="covers", name="covers", predicate="", quotes=[], unstated=True)
    return A


def find_node(G: nx.MultiDiGraph, text: str, names: Any = None) -> str:
    """Resolve a name, an IRI, a CURIE (``ztd:school/zhaotong-no1``) or an id (``school/zhaotong-no1``)
    to a node, with the project's one resolver (:class:`zkg.lookup.Names`): exact label, exact
    other name, then a unique part of a name.

    ``names`` is a :class:`~zkg.lookup.Names` read from the store (with the other names, e.g.
    昭通一中), or a function that reads it (called only when ``text`` is not a node's IRI or id);
    by default the node labels of ``G``. Raises ``KeyError`` with a one-line message
    when nothing, more than one thing, or something outside ``G`` matches.
    """
    from zkg.errors import AmbiguousName, NameNotFound
    from zkg.lookup import Names, to_iri
    from zkg.values import compact, LangString

    iri = to_iri(text)
    for cand in (text, iri, ZTD + text, ZTD + text.removeprefix("ztd:")):
        if cand and cand in G:
            return cand
    if callable(names):
        names = names()
    if names is None:
        rows: list[tuple[str, str, Any]] = [(n, "label", LangString(d[k], lang)) for n, d in G.nodes(data=True)
                for k, lang in (("label_zh", "zh"), ("label_en", "en")) if d.get(k)]
        rows += [(n, "type", ZT + c) for n, d in G.nodes(data=True) for c in (d.get("cls") or "").split("|") if c]
        names = Names(rows)
    try:
        found = names.resolve(text)
    except (AmbiguousName, NameNotFound) as exc:
        raise KeyError(str(exc)) from None
    if found not in G:
        raise KeyError(f"{text!r} is {names.describe(found) if found in names.labels else compact(found)}, "
                       "which is not in this view: try --view all")
    return found


def _by_edge(G: nx.MultiDiGraph, name: str, src_kind: str | None, dst_kind: str | None,
             reverse: bool = False) -> dict[str, list[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for s, o, k in G.edges(keys=True):
        if k != name:
            continue
        if src_kind and G.nodes[s]["kind"] != src_kind or dst_kind and G.nodes[o]["kind"] != dst_kind:
            continue
        if reverse:
            out[o].add(s)
        else:
            out[s].add(o)
    return {a: sorted(b) for a, b in sorted(out.items())}


def alliance_members(G: nx.MultiDiGraph) -> dict[str, list[str]]:
    """Alliance → its member schools (``org:memberOf``; leaders are members too)."""
    return _by_edge(G, "member-of", "school", "alliance", reverse=True)


def alliance_leaders(G: nx.MultiDiGraph) -> dict[str, list[str]]:
    """Alliance → the schools that lead it (``zt:leads``)."""
    return _by_edge(G, "leads", "school", "alliance", reverse=True)


def alliance_counties(G: nx.MultiDiGraph) -> dict[str, list[str]]:
    """Alliance → the places it covers (``zt:covers``)."""
    return _by_edge(G, "covers", "alliance", None)


def schools_per_county(G: nx.MultiDiGraph) -> dict[str, list[str]]:
    """County-level division (District, County, CountyLevelCity) → the schools located in it.

    A school counts for a county when ``located-in`` then any number of ``part-of`` edges
    reach it (``zt:locatedIn/zt:partOf*`` in SPARQL). Schools with no county are left out.
    """
    up: dict[str, list[str]] = defaultdict(list)
    for s, o, k in G.edges(keys=True):
        if k == "part-of":
            up[s].append(o)
    out: dict[str, set[str]] = defaultdict(set)
    for s, o, k in G.edges(keys=True):
        if k != "located-in" or G.nodes[s]["kind"] != "school":
            continue
        stack, seen = [o], set()
        while stack:
            p = stack.pop()
            if p in seen:
                continue
            seen.add(p)
            if G.nodes[p].get("county_level"):
                out[p].add(s)
            stack.extend(up.get(p, ()))
    return {c: sorted(v) for c, v in sorted(out.items())}


class _Neighbours(Mapping):
    """The adjacency of :func:`undirected`: each node's successors and predecessors, one mapping in
    sorted order, made when a walk asks for it (nothing is copied ahead)."""

    def __init__(self, G: nx.MultiDiGraph) -> None:
        self._succ, self._pred = G.succ, G.pred

    def __getitem__(self, n: Any) -> dict[Any, dict]:
        return dict.fromkeys(sorted(self._succ[n].keys() | self._pred[n].keys(), key=str), {})

    def __iter__(self) -> Iterator[Any]:
        return iter(self._succ)

    def __len__(self) -> int:
        return len(self._succ)

    def __contains__(self, n: object) -> bool:
        return n in self._succ


def undirected(G: nx.MultiDiGraph) -> nx.MultiGraph:
    """A read-only undirected view of ``G`` (or of a view of it) for walks: a node's neighbours
    are its successors and predecessors, met in sorted order, so that among equally short paths
    the same one is found on every run. (networkx's own ``G.to_undirected(as_view=True)`` meets
    them in set order, which follows Python's string hashing.) Only walks that ask for neighbours
    (paths, BFS) may use it; it does not list edges.
    """
    U = nx.graphviews.generic_graph_view(G, nx.MultiGraph)
    setattr(U, "_adj", _Neighbours(G))  # the adjacency networkx's walks read (G.adj wraps it)
    return U


def _simple(G: nx.MultiDiGraph) -> nx.Graph:
    """A simple undirected graph of ``G``'s nodes and links, no attributes, in sorted order: what
    betweenness runs on. Its cost is small beside the analysis; it makes the result the same on
    every run (the summing order follows the adjacency order) and it is what a backend
    (``backend="parallel"``) sends to its worker processes, rather than the attributed graph.
    """
    U: nx.Graph[Any] = nx.Graph()
    U.add_nodes_from(sorted(G.nodes, key=str))
    U.add_edges_from(sorted({tuple(sorted((u, v), key=str)) for u, v in G.edges()}, key=lambda e: (str(e[0]), str(e[1]))))
    return U


@dataclass(frozen=True)
class Step:
    """One hop of a path: ``source --name--> target`` as in the data (``forward`` False when the
    path walks the edge backwards)."""

    node: str
    name: str
    forward: bool
    next: str


def connection(G: nx.MultiDiGraph, a: str, b: str, names: Any = None) -> list[Step]:
    """The shortest path from ``a`` to ``b`` ignoring edge direction, with the edge names.

    Raises ``nx.NetworkXNoPath`` when they are not connected; ``a``/``b`` and ``names`` as for
    :func:`find_node`.
    """
    a, b = find_node(G, a, names), find_node(G, b, names)
    path = nx.shortest_path(undirected(G), a, b)
    steps = []
    for u, v in zip(path, path[1:]):
        if G.has_edge(u, v):
            steps.append(Step(u, min(G[u][v]), True, v))
        else:
            steps.append(Step(u, min(G[v][u]), False, v))
    return steps


#: The networkx backends :func:`most_central` may run betweenness on: ``networkx`` itself and
#: ``parallel`` (nx-parallel, joblib across the cores; the extra ``networks``).
BACKENDS = ("networkx", "parallel")


def _degree_centrality(G: nx.MultiDiGraph) -> dict[Any, float]:
    """``nx.degree_centrality`` of the simple undirected graph of ``G``, read off ``G`` itself: a
    node's degree is its number of distinct neighbours either way (a self-loop counts twice)."""
    if len(G) <= 1:
        return {n: 1 for n in G}
    s = 1.0 / (len(G) - 1.0)
    succ, pred = G.succ, G.pred
    return {n: (len(succ[n].keys() | pred[n].keys()) + (n in succ[n])) * s for n in G}


#: Above this many nodes betweenness is sampled: from :data:`SAMPLE` sources, not from every node.
SAMPLED_ABOVE, SAMPLE = 2000, 500


def most_central(G: nx.MultiDiGraph, kind: str | None = None, k: int = 10,
                 measure: str = "betweenness", seed: int = 0, backend: str | None = None,
                 sample: int | None = None, note: Callable[[str], None] | None = None) -> list[tuple[str, float]]:
    """The ``k`` nodes of ``kind`` (or any kind) with the highest centrality, ties by IRI.

    ``measure`` is ``betweenness`` (on the undirected simple graph) or ``degree``. Betweenness walks
    the shortest paths from ``sample`` source nodes drawn with ``seed`` (networkx's ``k``; None: every
    node up to :data:`SAMPLED_ABOVE` nodes, else :data:`SAMPLE`; a sample of at least the node count is
    every node): its time grows with the sample times the graph's size, so on a big graph a smaller
    sample is faster and rougher. ``note``, when given, is told before a sampled run how many sources
    it walks and about how long that takes (one source timed first). ``backend`` is the networkx
    backend betweenness runs on, one of :data:`BACKENDS` (None: networkx's configured default,
    ``nx.config.backend_priority``, which is networkx itself unless set): the same call, dispatched
    by networkx. ``parallel`` uses every core unless ``nx.config.backends.parallel.n_jobs`` says how many.
    """
    if measure == "degree":
        score = _degree_centrality(G)
    elif measure == "betweenness":
        U = _simple(G)
        n = U.number_of_nodes()
        if sample is None:
            sample = SAMPLE if n > SAMPLED_ABOVE else n
        sources = sample if sample < n else None
        with _backend_config(backend):  # an int seed is random.Random(seed), on every backend
            if note is not None and sources is not None:
                import time

                start = time.perf_counter()
                nx.betweenness_centrality(U, k=1, seed=seed)
                each = time.perf_counter() - start
                note(f"betweenness from {sources:,} of {n:,} nodes ({U.number_of_edges():,} links), sampled with "
                     f"seed {seed}: about {each * sources:,.0f} s ({each:.2f} s a source{' on one core' if backend != 'parallel' else ''}); "
                     f"--sample N walks fewer (faster, rougher; --sample {max(1, int(60 / max(each, 1e-9))):,} "
                     "takes about a minute)")
            score = nx.betweenness_centrality(U, k=sources, seed=seed if sources else None,
                                              **({"backend": backend} if backend else {}))
    else:
        raise ValueError(f"unknown measure {measure!r}; use betweenness or degree")
    ranked = sorted(((n, s) for n, s in score.items() if kind is None or G.nodes[n]["kind"] == kind),
                    key=lambda t: (-t[1], t[0]))
    return ranked[:k]


def _backend_config(backend: str | None) -> Any:
    """The configuration a backend runs under: nx-parallel made active, on every core unless told."""
    import contextlib

    if backend not in (None, *BACKENDS):
        raise ValueError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
    if backend != "parallel":
        return contextlib.nullcontext()
    try:
        cfg = getattr(nx.config.backends, "parallel")
    except AttributeError:
        raise ImportError("the networkx backend 'parallel' is not installed: "
                          "pip install 'zhaotong-kg[networks]' (nx-parallel)") from None
    return cfg(active=True, n_jobs=cfg.n_jobs or -1)


def components(G: nx.MultiDiGraph) -> list[list[str]]:
    """Connected components ignoring direction, largest first, each sorted."""
    comps = [sorted(c) for c in nx.weakly_connected_components(G)]
    return sorted(comps, key=lambda c: (-len(c), c[0]))


def for_export(G: nx.MultiDiGraph, positions: dict[Any, tuple[float, float]] | None = None,
               colours: dict[Any, tuple[str, str]] | None = None, gexf: bool = False) -> nx.MultiDiGraph:
    """A copy whose attributes are all strings, numbers or bools, as GraphML and GEXF need.

    With ``positions`` (pixels, y down, e.g. :func:`zkg.viz.layout`) and ``colours`` (fill, border
    as ``#rrggbb``, e.g. :func:`zkg.viz.node_colours`), each node carries them so that Gephi opens
    the file laid out: as GEXF ``viz:position``/``viz:color``/``viz:size`` when ``gexf``, else as
    the attributes ``x``, ``y``, ``r``, ``g``, ``b`` and ``color`` that Gephi's GraphML reader takes.
    ``y`` is flipped (up is up in Gephi).
    """
    H: nx.MultiDiGraph[Any] = nx.MultiDiGraph()
    for n, d in G.nodes(data=True):
        members = d.get("members") or {}
        attrs: dict[str, Any] = dict(
            kind=d["kind"], cls=d.get("cls", ""), label=d["label_zh"], label_zh=d["label_zh"],
            label_en=d["label_en"],
            figures="; ".join(f"{f['indicator_zh']} {f['as_stated']}" for f in d.get("figures", [])),
            quotes=" / ".join(d.get("quotes", [])))
        if "alliances" in d:
            attrs["alliances"] = " ".join(str(a) for a in d["alliances"])
        if d["kind"] == "alliance" and "members" in d:
            attrs["members"] = members.get("as_stated") or members.get("value") or "not stated"
        viz: dict[str, Any] = {}
        if positions is not None and n in positions:
            x, y = positions[n]
            if gexf:
                viz["position"] = {"x": float(x), "y": -float(y), "z": 0.0}
            else:
                attrs["x"], attrs["y"] = float(x), -float(y)
        if colours is not None and n in colours:
            fill = colours[n][0]
            r, g, b = (int(fill[i:i + 2], 16) for i in (1, 3, 5))
            if gexf:
                viz["color"] = {"r": r, "g": g, "b": b, "a": 1.0}
            else:
                attrs.update(r=r, g=g, b=b, color=fill)
        if viz:
            viz["size"] = 20.0 if d["kind"] == "alliance" else 12.0
            attrs["viz"] = viz
        H.add_node(n, **attrs)
    for s, o, k, d in G.edges(keys=True, data=True):
        H.add_edge(s, o, key=k, label=k, name=k, predicate=d.get("predicate", ""), role=d.get("role", ""),
                   quotes=" / ".join(d.get("quotes", [])), unstated=bool(d.get("unstated")))
    return H


_SYNTH = (  # kind, share, zh, en
    ("school", 0.55, "学校", "School"), ("person", 0.2, "人物", "Person"),
    ("organisation", 0.1, "机构", "Organisation"), ("program", 0.08, "项目", "Program"),
    ("division", 0.05, "区县", "Division"), ("alliance", 0.02, "联盟", "Alliance"),
)


def synthetic(n: int, seed: int = 0) -> nx.MultiDiGraph:
    """A random graph shaped like a projection (kinds, labels, typed edges), for benchmarks.

    About 1.2 edges per node. The same ``n`` and ``seed`` give the same graph.

    >>> G = synthetic(1000, seed=1)
    >>> G.number_of_nodes(), G.number_of_edges() == synthetic(1000, seed=1).number_of_edges()
    (1000, True)
    """
    rng = random.Random(seed)
    G: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    G.graph["kind_labels"] = {kind: (zh, en) for kind, _, zh, en in _SYNTH}
    by_kind: dict[str, list[str]] = {}
    i = 0
    for kind, share, zh, en in _SYNTH:
        count = max(1, round(n * share)) if kind != "school" else 0
        by_kind[kind] = []
        for _ in range(count):
            node = f"{ZTD}{kind}/{i}"
            G.add_node(node, kind=kind, cls="", label_zh=f"{zh}{i}", label_en=f"{en} {i}", figures=[], quotes=[])
            by_kind[kind].append(node)
            i += 1
    by_kind["school"] = []
    while G.number_of_nodes() < n:
        node = f"{ZTD}school/{i}"
        G.add_node(node, kind="school", cls="School", label_zh=f"学校{i}", label_en=f"School {i}",
                   figures=[{"indicator_zh": "在校生", "indicator_en": "students", "as_stated": f"{100 + i % 900}人",
                             "value": str(100 + i % 900), "year": "2025", "period": "", "quote": "", "fact": ""}],
                   quotes=[])
        by_kind["school"].append(node)
        i += 1

    def pick(kind: str) -> str:
        return rng.choice(by_kind[kind])

    def edge(s: str, name: str, o: str) -> None:
        G.add_edge(s, o, key=name, name=name, predicate="", quotes=[])

    for s in by_kind["school"]:
        edge(s, "located-in", pick("division"))
        if rng.random() < 0.3:
            edge(s, "member-of", pick("alliance"))
    for p in by_kind["person"]:
        edge(p, "holds-post-at", pick("school" if rng.random() < 0.7 else "organisation"))
    for o in by_kind["organisation"]:
        edge(o, "located-in", pick("division"))
    for p in by_kind["program"]:
        edge(pick("organisation"), "runs", p)
        edge(p, "applies-to", pick("division"))
    for a in by_kind["alliance"]:
        edge(pick("school"), "leads", a)
        edge(a, "covers", pick("division"))
    return G
