"""The school network: project the RDF dataset into NetworkX and answer relational questions.

Data in, data out: :func:`project` takes the graph — the quads of ``graph/zhaotong.nq``
(``pyoxigraph.parse(..., format=RdfFormat.N_QUADS)``), a ``pyoxigraph.Store``, an ``rdflib.Dataset``,
or, for small examples, an ``rdflib.Graph`` or any iterable of plain triples — and returns a
:class:`networkx.MultiDiGraph`. It reads the input once, keeping small dicts, and builds the graph
at the end, so it scales with the number of quads.

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
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable, NamedTuple

import networkx as nx

__all__ = [
    "VIEWS",
    "DERIVED_EDGES",
    "UNSTATED",
    "project",
    "load_network",
    "view",
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
    "components",
    "for_export",
    "synthetic",
    "Step",
]

ZT = "https://w3id.org/zhaotong-kg/ontology#"
ZTD = "https://w3id.org/zhaotong-kg/id/"
ORG = "http://www.w3.org/ns/org#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
_TYPE = RDF + "type"
_NETWORK_KIND = ZT + "networkKind"
_NETWORK_EDGE = ZT + "networkEdge"

#: The kind of the placeholder nodes of the alliances view ("counties not stated"), with its
#: names: not a class of the ontology, the view's own.
UNSTATED = "unstated"
_UNSTATED_LABELS = ("未说明", "not stated")

#: The edges that are not one property of the data each: name → (zh, en). The one table of edge
#: names the ontology does not hold (every other edge is a property's ``zt:networkEdge``).
DERIVED_EDGES: dict[str, tuple[str, str]] = {
    "runs": ("实施", "runs"),  # zt:runBy reversed
    "holds-post-at": ("任职", "holds post at"),  # org:Post: heldBy → postIn
}
_RUN_BY = ZT + "runBy"

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

_COUNTY_LEVEL = frozenset({ZT + "District", ZT + "County", ZT + "CountyLevelCity"})


class _Lit(NamedTuple):
    value: str
    lang: str | None


def _quads(source: Any) -> Iterable[tuple[str, str, Any, str | None]]:
    """Yield (s, p, o, graph) with IRIs as str, literals as :class:`_Lit` and graph None for the
    default graph (and for plain triples), from either library."""
    import pyoxigraph as ox
    import rdflib

    def rterm(t: Any) -> Any:
        if isinstance(t, rdflib.Literal):
            return _Lit(str(t), t.language)
        return str(t) if isinstance(t, rdflib.URIRef) else f"_:{t}"

    def oterm(t: Any) -> Any:
        if isinstance(t, ox.Literal):
            return _Lit(t.value, t.language)
        return t.value if isinstance(t, ox.NamedNode) else f"_:{t.value}"

    if isinstance(source, rdflib.Dataset):
        for s, p, o, g in source.quads((None, None, None, None)):
            name = g.identifier if isinstance(g, rdflib.Graph) else g
            graph = None if name is None or name == rdflib.graph.DATASET_DEFAULT_GRAPH_ID else rterm(name)
            yield rterm(s), str(p), rterm(o), graph
        return
    if isinstance(source, rdflib.Graph):
        for s, p, o in source:
            yield rterm(s), str(p), rterm(o), None
        return
    items = source.quads_for_pattern(None, None, None) if isinstance(source, ox.Store) else source
    for t in items:
        g = getattr(t, "graph_name", None)
        graph = None if g is None or isinstance(g, ox.DefaultGraph) else oterm(g)
        yield oterm(t.subject), t.predicate.value, oterm(t.object), graph


def _number(lexical: str | None) -> str:
    """A canonical decimal text ("36.0" and "36" are the same value; stores differ in which)."""
    if lexical is None:
        return ""
    try:
        return format(Decimal(lexical).normalize(), "f")
    except InvalidOperation:
        return lexical


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def kinds(G: nx.MultiDiGraph) -> list[str]:
    """The node kinds the ontology gave this projection (``zt:networkKind``), sorted."""
    return sorted(G.graph.get("kind_labels", {}))


@dataclass
class _Read:
    """What :func:`project` keeps of the quads, read once: small dicts, no graph yet."""

    types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    sub: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    labels: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    alts: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    kind_of: dict[str, str] = field(default_factory=dict)  # class IRI → zt:networkKind
    edge_of: dict[str, str] = field(default_factory=dict)  # property IRI → zt:networkEdge
    links: set[tuple[str, str, str]] = field(default_factory=set)  # every IRI → IRI triple
    res: dict[str, dict[str, Any]] = field(default_factory=lambda: defaultdict(dict))  # posts, memberships, observations
    quotes_of: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # graph → its zt:quote
    graphs_of: dict[tuple[str, str, str], set[str]] = field(default_factory=lambda: defaultdict(set))  # link → graphs
    graphs_about: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # subject → graphs

    def add(self, s: str, p: str, o: Any, g: str | None) -> None:
        if g is not None:
            self.graphs_about[s].add(g)
            if isinstance(o, str):
                self.graphs_of[(s, p, o)].add(g)
        if p == _TYPE:
            if isinstance(o, str):
                self.types[s].add(o)
        elif p == RDFS + "subClassOf":
            if isinstance(o, str):
                self.sub[s].add(o)
        elif p in (RDFS + "label", SKOS + "prefLabel"):
            if isinstance(o, _Lit):
                lang = (o.lang or "").split("-")[0] or "zh"
                if lang in ("zh", "en"):
                    self.labels[s].setdefault(lang, o.value)
        elif p == SKOS + "altLabel":
            if isinstance(o, _Lit):
                self.alts[s].add(o.value)
        elif p == _NETWORK_KIND:
            self.kind_of[s] = o.value if isinstance(o, _Lit) else str(o)
        elif p == _NETWORK_EDGE:
            self.edge_of[s] = o.value if isinstance(o, _Lit) else str(o)
        elif p == ZT + "quote":
            if isinstance(o, _Lit):
                self.quotes_of[s].add(o.value)
        elif p in _RESOURCE_PROPS:
            self.res[s].setdefault(_RESOURCE_PROPS[p], o.value if isinstance(o, _Lit) else o)
        elif isinstance(o, str):
            self.links.add((s, p, o))

    def label(self, iri: str | None, lang: str) -> str:
        if not iri:
            return ""
        lab = self.labels.get(iri, {})
        return lab.get(lang) or lab.get("zh") or lab.get("en") or _local(iri)

    def quotes(self, graphs: Iterable[str]) -> set[str]:
        return {q for g in graphs for q in self.quotes_of.get(g, ())}


class _Kinds:
    """The node kind of a set of classes: the zt:networkKind classes they reach through
    rdfs:subClassOf (memoised), the most specific one winning."""

    def __init__(self, read: _Read) -> None:
        self.read = read
        self.memo: dict[str, frozenset[str]] = {}

    def reach(self, c: str, seen: frozenset[str] = frozenset()) -> frozenset[str]:
        if c in self.memo:
            return self.memo[c]
        out = {c} if c in self.read.kind_of else set()
        for sup in self.read.sub.get(c, ()):
            if sup not in seen:
                out |= self.reach(sup, seen | {c})
        if not seen:
            self.memo[c] = frozenset(out)
        return frozenset(out)

    def of(self, classes: Iterable[str]) -> str | None:
        """The kind class no other reached kind class falls under (ties: by kind name)."""
        groups = set().union(*(self.reach(c) for c in classes)) if classes else set()
        if not groups:
            return None
        lowest = [c for c in groups if not any(c != d and c in self.reach(d) for d in groups)]
        return self.read.kind_of[min(lowest, key=lambda c: self.read.kind_of[c])]


def project(source: Any, ontology: Any = None) -> nx.MultiDiGraph:
    """Project an RDF dataset (or plain triples) into a typed :class:`networkx.MultiDiGraph`
    (see the module doc).

    ``source`` and ``ontology`` are each pyoxigraph quads or triples (e.g. ``pyoxigraph.parse``), a
    ``pyoxigraph.Store``, an ``rdflib.Dataset`` or an ``rdflib.Graph``; ``ontology`` adds the node
    kinds, edge names, subclass axioms and labels when the data does not carry them. Every fact
    is taken once, whichever graphs (default, named) hold it.
    """
    read = _Read()
    for src in [source] + ([ontology] if ontology is not None else []):
        for s, p, o, g in _quads(src):
            read.add(s, p, o, g)
    G: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    _add_nodes(G, read)
    # The names of the kinds and edges in both languages: the ontology's labels.
    G.graph["kind_labels"] = {k: (read.label(c, "zh"), read.label(c, "en")) for c, k in sorted(read.kind_of.items())}
    G.graph["edge_labels"] = {**{name: (read.label(p, "zh"), read.label(p, "en"))
                                 for p, name in sorted(read.edge_of.items())}, **DERIVED_EDGES}
    edges = _edges(G, read)
    _add_figures(G, read)
    for (s, name, o), attrs in sorted(edges.items()):
        attrs["quotes"] = sorted(attrs["quotes"])
        G.add_edge(s, o, key=name, **attrs)
    for _, data in G.nodes(data=True):
        data["figures"].sort(key=lambda f: (f["indicator_zh"], f["year"], f["fact"]))
    return G


def _add_nodes(G: nx.MultiDiGraph, read: _Read) -> None:
    """One node per typed IRI whose classes reach a network kind."""
    kinds = _Kinds(read)
    for node, cls in sorted(read.types.items()):  # sorted: the same graph whatever the quad order
        kind = kinds.of(cls)
        if kind is None:
            continue
        zt_iris = sorted(c for c in cls if c.startswith(ZT))
        lab = read.labels.get(node, {})
        G.add_node(
            node,
            kind=kind,
            cls="|".join(_local(c) for c in zt_iris),
            cls_zh="|".join(read.labels.get(c, {}).get("zh") or _local(c) for c in zt_iris),
            cls_en="|".join(read.labels.get(c, {}).get("en") or _local(c) for c in zt_iris),
            alt_labels=sorted(read.alts.get(node, ())),
            county_level=bool(cls & _COUNTY_LEVEL),
            label_zh=lab.get("zh") or lab.get("en") or _local(node),
            label_en=lab.get("en") or lab.get("zh") or _local(node),
            figures=[],
            quotes=sorted(read.quotes(read.graphs_about.get(node, ()))),
        )


def _role(read: _Read, r: dict[str, Any]) -> dict[str, str]:
    return {"role": _local(r["role"]), "role_zh": read.label(r["role"], "zh"),
            "role_en": read.label(r["role"], "en")} if isinstance(r.get("role"), str) else {}


def _edges(G: nx.MultiDiGraph, read: _Read) -> dict[tuple[str, str, str], dict[str, Any]]:
    """The edges between nodes, keyed (from, name, to), each with the quotes of the graphs holding
    its triple: zt:networkEdge properties, zt:runBy reversed, posts; memberships add their role."""
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}

    def add_edge(s: str, name: str, o: str, predicate: str, graphs: Iterable[str], **attrs: Any) -> None:
        if s in G and o in G:
            e = edges.setdefault((s, name, o), {"name": name, "predicate": predicate, "quotes": set()})
            e["quotes"] |= read.quotes(graphs)
            e.update({k: v for k, v in attrs.items() if v})

    for s, p, o in sorted(read.links):
        if p in read.edge_of:
            add_edge(s, read.edge_of[p], o, p, read.graphs_of.get((s, p, o), ()))
        elif p == _RUN_BY:
            add_edge(o, "runs", s, p, read.graphs_of.get((s, p, o), ()))
    for node, r in sorted(read.res.items()):
        if "member" in r and "organization" in r:  # org:Membership: its role on the member-of edge
            e = edges.get((r["member"], read.edge_of.get(ORG + "memberOf", ""), r["organization"]))
            if e is not None:
                e.update({k: v for k, v in _role(read, r).items() if v})
        if "heldBy" in r and "postIn" in r:  # org:Post
            add_edge(r["heldBy"], "holds-post-at", r["postIn"], ORG + "Post",
                     read.graphs_of.get((node, ORG + "heldBy", r["heldBy"]), ()), post=node, **_role(read, r))
    return edges


def _add_figures(G: nx.MultiDiGraph, read: _Read) -> None:
    """Each zt:Observation about a node, on that node (its IRI is its record graph's)."""
    label = read.label
    for node, r in sorted(read.res.items()):
        if "about" not in r or r["about"] not in G:
            continue
        G.nodes[r["about"]]["figures"].append({
            "indicator_zh": label(r.get("indicator"), "zh"),
            "indicator_en": label(r.get("indicator"), "en"),
            "as_stated": str(r.get("valueAsStated") or _number(r.get("value"))),
            "value": _number(r.get("value")),
            "year": str(r.get("year", "")),
            "period": str(r.get("periodLabel", "")),
            "quote": " / ".join(sorted(read.quotes_of.get(node, ()))),
            "fact": node,
            # the unit, kind, baseline and status, with the ontology's labels of the individuals
            "unit": _local(r["unit"]) if isinstance(r.get("unit"), str) else "",
            "unit_zh": label(r.get("unit"), "zh"),
            "unit_en": label(r.get("unit"), "en"),
            "kind": _local(r["observationKind"]).lower() if isinstance(r.get("observationKind"), str) else "",
            "baseline_year": str(r.get("baselineYear", "")),
            "status": _local(r["status"]) if isinstance(r.get("status"), str) else "",
            "status_zh": label(r.get("status"), "zh"),
            "status_en": label(r.get("status"), "en"),
            "bound": _local(r["bound"]) if isinstance(r.get("bound"), str) else "",
            "bound_zh": label(r.get("bound"), "zh") if isinstance(r.get("bound"), str) else "",
            "bound_en": label(r.get("bound"), "en") if isinstance(r.get("bound"), str) else "",
        })


_RESOURCE_PROPS = {
    ORG + "member": "member",
    ORG + "organization": "organization",
    ORG + "role": "role",
    ORG + "heldBy": "heldBy",
    ORG + "postIn": "postIn",
    ZT + "about": "about",
    ZT + "indicator": "indicator",
    ZT + "value": "value",
    ZT + "valueAsStated": "valueAsStated",
    ZT + "year": "year",
    ZT + "periodLabel": "periodLabel",
    ZT + "unit": "unit",
    ZT + "observationKind": "observationKind",
    ZT + "baselineYear": "baselineYear",
    ZT + "status": "status",
    ZT + "bound": "bound",
}


def load_network(graph_dir: str | Path = "graph", ontology: str | Path | None = "ontology/zhaotong.ttl") -> nx.MultiDiGraph:
    """Read the built graph (``zhaotong.nq`` in ``graph_dir``, as :func:`zkg.store.find_graph_file`
    finds it) and the ontology (kinds, edge names, subclass axioms, labels), and :func:`project` them.

    Raises :class:`zkg.errors.StoreError` when there is no graph, ``OSError`` or ``SyntaxError``
    when a file cannot be read. ``ontology=None`` projects the data alone (which then has no kinds:
    an empty network).
    """
    import pyoxigraph as ox

    from zkg.loading import find_graph_file, ox_format

    path = find_graph_file(Path(graph_dir))
    data = ox.parse(path=str(path), format=ox_format(path))
    onto = ox.parse(path=str(ontology), format=ox.RdfFormat.TURTLE) if ontology is not None else None
    return project(data, onto)


def view(G: nx.MultiDiGraph, name: str = "all") -> nx.MultiDiGraph:
    """The subgraph of one view in :data:`VIEWS` (a copy), e.g. ``"school-network"``.

    The school network also keeps the places (areas) that a school is located in, so a school
    in 北部新区敦煌路片区 stays linked to its district; other places (parks, buildings) stay out.
    """
    if name not in VIEWS:
        raise KeyError(f"unknown view {name!r}; choose one of {', '.join(VIEWS)}")
    if name == "alliances":
        return alliances(G)
    kinds = VIEWS[name]
    if kinds is None:
        return G.copy()
    keep = {n for n, k in G.nodes(data="kind") if k in kinds}
    if name == "school-network":  # the areas schools stand in link them to their district
        keep |= {o for s, o, k in G.edges(keys=True)
                 if k == "located-in" and G.nodes[s]["kind"] == "school" and G.nodes[o]["kind"] == "place"}
    return _induced(G, keep)


def _induced(G: nx.MultiDiGraph, keep: set[str]) -> nx.MultiDiGraph:
    """The subgraph on ``keep``, a copy, its nodes and edges in ``G``'s order. (``G.subgraph(keep)``
    iterates the set ``keep`` when it is the smaller side, in an order that changes from run to
    run with Python's string hashing: the exports would not be the same bytes twice.)"""
    H: nx.MultiDiGraph = nx.MultiDiGraph()
    H.graph.update(G.graph)
    H.add_nodes_from((n, dict(d)) for n, d in G.nodes(data=True) if n in keep)
    for u, v, k, d in G.edges(keys=True, data=True):
        if u in keep and v in keep:
            H.add_edge(u, v, key=k, **d)
    return H


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
    昭通一中); by default the node labels of ``G``. Raises ``KeyError`` with a one-line message
    when nothing, more than one thing, or something outside ``G`` matches.
    """
    from zkg.errors import AmbiguousName, NameNotFound
    from zkg.lookup import Names, to_iri
    from zkg.values import compact, LangString

    iri = to_iri(text)
    for cand in (text, iri, ZTD + text, ZTD + text.removeprefix("ztd:")):
        if cand and cand in G:
            return cand
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


def _undirected(G: nx.MultiDiGraph) -> nx.Graph:
    """A simple undirected copy with nodes and edges in sorted order.

    (networkx's undirected *view* of a digraph walks neighbours in set order, which changes
    from run to run with string hashing; among equally short paths it would pick differently.)
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


def connection(G: nx.MultiDiGraph, a: str, b: str) -> list[Step]:
    """The shortest path from ``a`` to ``b`` ignoring edge direction, with the edge names.

    Raises ``nx.NetworkXNoPath`` when they are not connected; ``a``/``b`` as for :func:`find_node`.
    """
    a, b = find_node(G, a), find_node(G, b)
    path = nx.shortest_path(_undirected(G), a, b)
    steps = []
    for u, v in zip(path, path[1:]):
        if G.has_edge(u, v):
            steps.append(Step(u, min(G[u][v]), True, v))
        else:
            steps.append(Step(u, min(G[v][u]), False, v))
    return steps


def most_central(G: nx.MultiDiGraph, kind: str | None = None, k: int = 10,
                 measure: str = "betweenness", seed: int = 0) -> list[tuple[str, float]]:
    """The ``k`` nodes of ``kind`` (or any kind) with the highest centrality, ties by IRI.

    ``measure`` is ``betweenness`` (on the undirected simple graph; sampled with ``seed`` above
    2,000 nodes) or ``degree``.
    """
    U = _undirected(G)
    if measure == "degree":
        score = nx.degree_centrality(U)
    elif measure == "betweenness":
        sample = 500 if U.number_of_nodes() > 2000 else None
        score = nx.betweenness_centrality(U, k=sample, seed=seed if sample else None)  # an int seed is random.Random(seed)
    else:
        raise ValueError(f"unknown measure {measure!r}; use betweenness or degree")
    ranked = sorted(((n, s) for n, s in score.items() if kind is None or G.nodes[n]["kind"] == kind),
                    key=lambda t: (-t[1], t[0]))
    return ranked[:k]


def components(G: nx.MultiDiGraph) -> list[list[str]]:
    """Connected components ignoring direction, largest first, each sorted."""
    comps = [sorted(c) for c in nx.connected_components(_undirected(G))]
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
