"""Projecting the RDF dataset into NetworkX with a few set-oriented SPARQL queries.

:func:`project` (re-exported by :mod:`zkg.network`, whose docstring says what the network holds)
asks the store for what it needs, each in one query: the ontology's node kinds, edge names,
subclass axioms and labels; the typed nodes of the kind classes; the triples of the
``zt:networkEdge`` properties (and ``zt:runBy``); posts, memberships and figures; and the quotes
of the named graphs holding them. Rows become nodes and edges in bulk (``add_nodes_from``,
``add_edges_from``), so the time goes into the engine and into one Python step per node, edge
and figure, not per triple of the graph.

Queries read the union of the default graph and the named graphs (``use_default_graph_as_union``,
with ``DISTINCT``): a fact counts once whichever graphs hold it, so the default graph alone, the
named graphs alone and the whole dataset give the same network (the named graphs add the quotes).
A dataset whose default graph holds every triple of its named graphs (as ``zkg build`` writes it:
DESIGN.md, "one named graph each") is read there instead (``union=False``): the same network, for
a third to a half of the time, since the union repeats each triple once per graph that holds it.

``edges`` (a set of edge names) projects only those edges and the nodes at their ends, reading
the ends' classes, labels and other names in one query per batch of ends (their IRIs as a VALUES
block, so the engine does the joins: a lookup per end from Python costs several times more), so a
question about one relation costs what that relation holds, not what the whole network does; the
nodes and edges it keeps are the whole projection's, with the same attributes in the same order.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Iterable, Mapping

import networkx as nx

from zkg.prefixes import PREFIXES

__all__ = ["DERIVED_EDGES", "as_store", "local", "project"]

ZT, ORG = PREFIXES["zt"], PREFIXES["org"]

#: The edges that are not one property of the data each: name → (zh, en). The one table of edge
#: names the ontology does not hold (every other edge is a property's ``zt:networkEdge``).
DERIVED_EDGES: dict[str, tuple[str, str]] = {
    "runs": ("实施", "runs"),  # zt:runBy reversed
    "holds-post-at": ("任职", "holds post at"),  # org:Post: heldBy → postIn
}
_RUN_BY = ZT + "runBy"
_RDF_TYPE, _ALT_LABEL = PREFIXES["rdf"] + "type", PREFIXES["skos"] + "altLabel"
_NETWORK_KIND, _NETWORK_EDGE = ZT + "networkKind", ZT + "networkEdge"  # the ontology's annotations
_COUNTY_LEVEL = frozenset({ZT + "District", ZT + "County", ZT + "CountyLevelCity"})

_HEAD = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("zt", "rdfs", "skos", "org"))
_KINDS = f"SELECT DISTINCT ?c ?k WHERE {{ ?c <{_NETWORK_KIND}> ?k }}"
_EDGE_NAMES = f"SELECT DISTINCT ?p ?e WHERE {{ ?p <{_NETWORK_EDGE}> ?e }}"
_SUBCLASS = "SELECT DISTINCT ?c ?s WHERE { ?c rdfs:subClassOf ?s FILTER(isIRI(?s)) }"
_LABEL_PROPS = (PREFIXES["rdfs"] + "label", PREFIXES["skos"] + "prefLabel")
_LABELS = ("SELECT DISTINCT ?x ?l WHERE { { ?x rdfs:label ?l } UNION { ?x skos:prefLabel ?l } "
           "FILTER(isLiteral(?l)) }")
# The nodes (every class of each thing typed with a kind class) and their other names; ?k is bound
# to the kind classes by a VALUES block.
_NODES = "SELECT DISTINCT ?n ?c WHERE { ?n a ?k . ?n a ?c FILTER(isIRI(?c)) }"
# (from the other names, few, to their things: not from every node to its other names)
_ALTS = "SELECT DISTINCT ?n ?l WHERE { ?n skos:altLabel ?l FILTER(isLiteral(?l)) }"
# The classes (t), labels (l) and other names (a) of the things ?n (bound by a VALUES block, in
# batches of _BATCH): the ends of a projection's edges.
_ABOUT = ("SELECT ?n ?w ?v WHERE { { ?n a ?v BIND(\"t\" AS ?w) } UNION { ?n skos:altLabel ?v BIND(\"a\" AS ?w) } "
          "UNION { ?n rdfs:label ?v BIND(\"l\" AS ?w) } UNION { ?n skos:prefLabel ?v BIND(\"l\" AS ?w) } }")
_ABOUT_LABELS = ("SELECT ?n ?w ?v WHERE { { ?n rdfs:label ?v BIND(\"l\" AS ?w) } "
                 "UNION { ?n skos:prefLabel ?v BIND(\"l\" AS ?w) } }")
_BATCH = 10_000
_NODE_QUOTES = "SELECT DISTINCT ?n ?q WHERE { ?n a ?k . GRAPH ?g { ?n ?p ?o } ?g zt:quote ?q }"
# The triples of the edge properties (?p bound by VALUES), and the quotes of the graphs holding them.
_LINKS = "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o FILTER(isIRI(?o)) }"
_LINK_QUOTES = "SELECT DISTINCT ?s ?p ?o ?q WHERE { GRAPH ?g { ?s ?p ?o } ?g zt:quote ?q }"
_POSTS = """SELECT DISTINCT ?post ?person ?org ?role WHERE {
  ?post org:heldBy ?person ; org:postIn ?org . OPTIONAL { ?post org:role ?role } }"""
_POST_QUOTES = "SELECT DISTINCT ?post ?q WHERE { GRAPH ?g { ?post org:heldBy ?x } ?g zt:quote ?q }"
_MEMBERSHIPS = """SELECT DISTINCT ?m ?member ?org ?role WHERE {
  ?m org:member ?member ; org:organization ?org . OPTIONAL { ?m org:role ?role } }"""
#: The properties of a figure (?p of :data:`_FIGURES`).
_FIGURE_PROPS = ("about", "indicator", "value", "valueAsStated", "year", "periodLabel", "unit",
                 "observationKind", "baselineYear", "status", "bound")
# (A FILTER, not a VALUES block: the engine then starts from the figures, not from every zt:status.)
_FIGURES = ("SELECT DISTINCT ?obs ?p ?v WHERE { ?obs zt:about ?a ; ?p ?v FILTER(?p IN ("
            + ", ".join(f"zt:{p}" for p in _FIGURE_PROPS) + ")) }")
_FIGURE_QUOTES = "SELECT DISTINCT ?obs ?q WHERE { ?obs zt:about ?a ; zt:quote ?q }"


def local(iri: str) -> str:
    """The local name of an IRI (after the last ``#`` or ``/``)."""
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _number(lexical: str | None) -> str:
    """A canonical decimal text ("36.0" and "36" are the same value; stores differ in which)."""
    if lexical is None:
        return ""
    try:
        return format(Decimal(lexical).normalize(), "f")
    except InvalidOperation:
        return lexical


def _key(term: Any) -> Any:
    """A term as the network names it: an IRI as str, a blank node as ``_:id``; None stays None."""
    import pyoxigraph as ox

    if term is None or isinstance(term, ox.NamedNode):
        return None if term is None else term.value
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term


def _rdflib_term(t: Any) -> Any:
    import pyoxigraph as ox
    import rdflib

    if isinstance(t, rdflib.Literal):
        dt = ox.NamedNode(str(t.datatype)) if t.datatype and not t.language else None
        return ox.Literal(str(t), language=t.language, datatype=dt)
    return ox.NamedNode(str(t)) if isinstance(t, rdflib.URIRef) else ox.BlankNode(str(t))


def as_store(source: Any):
    """A pyoxigraph ``Store`` holding ``source``: a ``pyoxigraph.Store`` as it is; pyoxigraph quads or
    triples (e.g. ``pyoxigraph.parse``), an ``rdflib.Dataset`` or an ``rdflib.Graph`` copied into a new
    one (small inputs: examples and tests)."""
    import pyoxigraph as ox

    if isinstance(source, ox.Store):
        return source
    store = ox.Store()
    if type(source).__module__.startswith("rdflib"):  # rdflib is imported only when given its objects
        import rdflib

        if isinstance(source, rdflib.Dataset):
            quads = []
            for s, p, o, g in source.quads((None, None, None, None)):
                name = g.identifier if isinstance(g, rdflib.Graph) else g
                graph = (ox.DefaultGraph() if name is None or name == rdflib.graph.DATASET_DEFAULT_GRAPH_ID
                         else _rdflib_term(name))
                quads.append(ox.Quad(_rdflib_term(s), _rdflib_term(p), _rdflib_term(o), graph))
        else:
            quads = [ox.Quad(_rdflib_term(s), _rdflib_term(p), _rdflib_term(o)) for s, p, o in source]
        store.extend(quads)
        return store
    store.extend(t if isinstance(t, ox.Quad) else ox.Quad(t.subject, t.predicate, t.object) for t in source)
    return store


class _Reader:
    """The queries of one projection on a store (and the ontology's store, when apart): on the union
    of the graphs, or (``union`` False) on the default graph."""

    def __init__(self, stores: list[Any], union: bool = True) -> None:
        self.stores, self.union = stores, union

    def rows(self, query: str, values: Mapping[str, Iterable[str]] | None = None, every: bool = False):
        """The solutions of ``query`` on the data store (``every``: on each store), with ``values``
        (variable → IRIs) as a VALUES block."""
        block = "".join(f"VALUES ?{v} {{ {' '.join(f'<{i}>' for i in sorted(iris))} }} "
                        for v, iris in (values or {}).items())
        text = _HEAD + (query.replace("WHERE {", "WHERE { " + block, 1) if block else query)
        for store in self.stores if every else self.stores[:1]:
            yield from store.query(text, use_default_graph_as_union=self.union)

    def objects(self, term: Any, predicate: str, every: bool = False) -> list[Any]:
        """The objects of ``term predicate ?o`` (the same graphs as :meth:`rows`; repeats possible)."""
        import pyoxigraph as ox

        graph = None if self.union else ox.DefaultGraph()
        return [q.object for store in (self.stores if every else self.stores[:1])
                for q in store.quads_for_pattern(term, ox.NamedNode(predicate), None, graph)]

    def about(self, terms: Iterable[Any], label: _Labels) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """The classes (IRIs, data store) and other names (literals, data store) of ``terms`` (IRIs,
        blank nodes), their labels (every store) put into ``label``: the IRIs' in a few queries of
        :data:`_ABOUT` with the IRIs as a VALUES block (the engine joins them, not Python one lookup
        at a time), a blank node's by lookups."""
        import pyoxigraph as ox

        types: dict[str, set[str]] = defaultdict(set)
        alts: dict[str, set[str]] = defaultdict(set)
        terms = list(terms)
        iris = sorted({t.value for t in terms if isinstance(t, ox.NamedNode)})
        for i, store in enumerate(self.stores):
            query = _ABOUT if i == 0 else _ABOUT_LABELS
            for start in range(0, len(iris), _BATCH):
                block = "VALUES ?n { " + " ".join(f"<{x}>" for x in iris[start:start + _BATCH]) + " } "
                labels = []
                for n, w, v in store.query(_HEAD + query.replace("WHERE {", "WHERE { " + block, 1),
                                           use_default_graph_as_union=self.union):
                    which = w.value
                    if which == "t":
                        if isinstance(v, ox.NamedNode):
                            types[n.value].add(v.value)
                    elif isinstance(v, ox.Literal):
                        (alts[n.value].add(v.value) if which == "a" else labels.append((n.value, v)))
                label.add(labels, iris[start:start + _BATCH])
        for t in terms:
            if isinstance(t, ox.BlankNode):
                key = _key(t)
                types[key].update(c.value for c in self.objects(t, _RDF_TYPE) if isinstance(c, ox.NamedNode))
                alts[key].update(a.value for a in self.objects(t, _ALT_LABEL) if isinstance(a, ox.Literal))
                label.add(self.labels(key), [key])
        return types, alts

    def labels(self, key: str) -> list[tuple[str, Any]]:
        """The labels of one thing (by its key) in every store, as :data:`_LABELS` gives them."""
        import pyoxigraph as ox

        term = ox.BlankNode(key[2:]) if key.startswith("_:") else ox.NamedNode(key)
        return [(key, lab) for p in _LABEL_PROPS for lab in self.objects(term, p, every=True)
                if isinstance(lab, ox.Literal)]


class _Kinds:
    """The node kind of a set of classes: the zt:networkKind classes they reach through
    rdfs:subClassOf (memoised), the most specific one winning."""

    def __init__(self, kind_of: dict[str, str], sub: dict[str, set[str]]) -> None:
        self.kind_of, self.sub = kind_of, sub
        self.memo: dict[str, frozenset[str]] = {}

    def reach(self, c: str, seen: frozenset[str] = frozenset()) -> frozenset[str]:
        if c in self.memo:
            return self.memo[c]
        out = {c} if c in self.kind_of else set()
        for sup in self.sub.get(c, ()):
            if sup not in seen:
                out |= self.reach(sup, seen | {c})
        if not seen:
            self.memo[c] = frozenset(out)
        return frozenset(out)

    def of(self, classes: Iterable[str]) -> str | None:
        """The kind class no other reached kind class falls under (ties: by kind name)."""
        groups: set[str] = set().union(*(self.reach(c) for c in classes))
        if not groups:
            return None
        lowest = [c for c in groups if not any(c != d and c in self.reach(d) for d in groups)]
        return self.kind_of[min(lowest, key=lambda c: self.kind_of[c])]

    def classes(self) -> set[str]:
        """Every class that reaches a kind (the kind classes and their subclasses)."""
        return {c for c in {*self.kind_of, *self.sub} if self.reach(c)}


class _Labels:
    """Labels by thing and language (zh, en; an untagged label counts as zh; of several, the least):
    from ``rows`` (thing, literal), or looked up one thing at a time by ``fetch`` when first asked."""

    def __init__(self, rows: Iterable[Any] = (), fetch: Callable[[str], Iterable[Any]] | None = None) -> None:
        self.by: dict[str, dict[str, str]] = defaultdict(dict)
        self.fetch = fetch
        self._add(rows)

    def _add(self, rows: Iterable[Any]) -> None:
        for x, lab in rows:
            lang = (lab.language or "").split("-")[0] or "zh"
            if lang in ("zh", "en"):
                have = self.by[_key(x)]
                have[lang] = min(have.get(lang, lab.value), lab.value)  # several: the same one every time

    def add(self, rows: Iterable[Any], things: Iterable[str]) -> None:
        """Every label of each of ``things`` (keys) is in ``rows`` (thing, literal): none to fetch."""
        self._add(rows)
        for x in things:
            self.by.setdefault(x, {})

    def of(self, iri: str) -> dict[str, str]:
        """The labels of ``iri`` by language."""
        if self.fetch is not None and iri not in self.by:
            self._add(self.fetch(iri))
            self.by.setdefault(iri, {})
        return self.by.get(iri, {})

    def __call__(self, iri: str | None, lang: str) -> str:
        if not iri:
            return ""
        lab = self.of(iri)
        return lab.get(lang) or lab.get("zh") or lab.get("en") or local(iri)


def project(source: Any, ontology: Any = None, provenance: bool = True, union: bool = True,
            edges: Iterable[str] | None = None) -> nx.MultiDiGraph:
    """Project an RDF dataset (or plain triples) into a typed :class:`networkx.MultiDiGraph`
    (see :mod:`zkg.network`).

    ``source`` and ``ontology`` are each a ``pyoxigraph.Store``, pyoxigraph quads or triples (e.g.
    ``pyoxigraph.parse``), an ``rdflib.Dataset`` or an ``rdflib.Graph`` (:func:`as_store`);
    ``ontology`` adds the node kinds, edge names, subclass axioms and labels when the data does not
    carry them. Every fact is taken once, whichever graphs (default, named) hold it; ``union=False``
    reads the default graph alone, for a dataset whose default graph holds every triple of its named
    graphs (as ``zkg build`` writes it; the quotes still come from the named graphs).
    ``provenance=False`` leaves out what only pictures and exports show (the figures and every
    ``quotes`` stay empty), for the answers, which read kinds, labels, edges and roles only.
    ``edges`` (edge names, e.g. ``{"member-of"}``) keeps only those edges and the nodes at their ends.
    """
    read = _Reader([as_store(source)] + ([as_store(ontology)] if ontology is not None else []), union)
    kind_of = {_key(c): k.value for c, k in read.rows(_KINDS, every=True)}
    edge_of = {_key(p): e.value for p, e in read.rows(_EDGE_NAMES, every=True)}
    sub: dict[str, set[str]] = defaultdict(set)
    for c, s in read.rows(_SUBCLASS, every=True):
        sub[_key(c)].add(s.value)
    wanted = None if edges is None else frozenset(edges)
    label = _Labels(read.rows(_LABELS, every=True)) if wanted is None else _Labels(fetch=read.labels)
    kinds = _Kinds(kind_of, sub)
    G: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    found = _Links(read, edge_of, wanted, provenance)
    classes = kinds.classes()
    if classes:
        _add_nodes(G, read, kinds, label, classes, provenance, None if wanted is None else found.ends)
    G.graph["kind_labels"] = {k: (label(c, "zh"), label(c, "en")) for c, k in sorted(kind_of.items())}
    G.graph["edge_labels"] = {**{name: (label(p, "zh"), label(p, "en")) for p, name in sorted(edge_of.items())},
                              **DERIVED_EDGES}
    if len(G):
        figures = _figures(G, read, label) if provenance else {}
        keyed: list[Any] = [(s, o, name, attrs) for (s, name, o), attrs
                            in sorted(found.edges(G, edge_of, label).items())]
        G.add_edges_from(keyed)
        for node, got in figures.items():
            G.nodes[node]["figures"] = sorted(got, key=lambda f: (f["indicator_zh"], f["year"], f["fact"]))
    return G


def _add_nodes(G: nx.MultiDiGraph, read: _Reader, kinds: _Kinds, label: _Labels, classes: set[str],
               provenance: bool, ends: Mapping[str, Any] | None) -> None:
    """One node per thing whose classes reach a network kind, in IRI order: every such thing, or
    (``ends``: key → term) those of ``ends``, their classes and other names looked up one by one."""
    import pyoxigraph as ox

    types: dict[str, set[str]] = defaultdict(set)
    alts: dict[str, set[str]] = defaultdict(set)
    if ends is None:
        for n, c in read.rows(_NODES, {"k": classes}):
            types[_key(n)].add(c.value)
        for n, lab in read.rows(_ALTS):
            alts[_key(n)].add(lab.value)
    else:  # (a post held by a literal: never a node)
        got, other = read.about((t for t in ends.values() if not isinstance(t, ox.Literal)), label)
        for key, cls in got.items():
            if cls & classes:
                types[key] = cls
                alts[key] = other.get(key, set())
    quotes: dict[str, set[str]] = defaultdict(set)
    for n, q in read.rows(_NODE_QUOTES, {"k": classes}) if provenance else ():
        quotes[_key(n)].add(q.value)
    by_classes: dict[frozenset[str], dict[str, Any]] = {}  # what a set of classes gives, made once

    def of_classes(cls: set[str]) -> dict[str, Any]:
        key = frozenset(cls)
        if key not in by_classes:
            zt_iris = sorted(c for c in cls if c.startswith(ZT))
            by_classes[key] = {
                "kind": kinds.of(cls),
                "cls": "|".join(local(c) for c in zt_iris),
                "cls_zh": "|".join(label.of(c).get("zh") or local(c) for c in zt_iris),
                "cls_en": "|".join(label.of(c).get("en") or local(c) for c in zt_iris),
            }
        return by_classes[key]

    nodes = []
    for node, cls in sorted(types.items()):
        lab = label.of(node)
        nodes.append((node, {
            **of_classes(cls),
            "alt_labels": sorted(alts.get(node, ())),
            "county_level": bool(cls & _COUNTY_LEVEL),
            "label_zh": lab.get("zh") or lab.get("en") or local(node),
            "label_en": lab.get("en") or lab.get("zh") or local(node),
            "figures": [],
            "quotes": sorted(quotes.get(node, ())),
        }))
    G.add_nodes_from(nodes)


def _role(label: _Labels, role: Any) -> dict[str, str]:
    if not isinstance(role, str):
        return {}
    return {"role": local(role), "role_zh": label(role, "zh"), "role_en": label(role, "en")}


class _Links:
    """The rows edges are made of (the zt:networkEdge properties' triples, zt:runBy, memberships,
    posts: of the edge names ``wanted``, or all) and the terms at their ends (``ends``: key → term)."""

    def __init__(self, read: _Reader, edge_of: dict[str, str], wanted: frozenset[str] | None, provenance: bool) -> None:
        self.read, self.provenance = read, provenance
        want = (lambda name: True) if wanted is None else wanted.__contains__  # noqa: E731
        self.props = {p for p, name in edge_of.items() if want(name)} | ({_RUN_BY} if want("runs") else set())
        self.ends: dict[str, Any] = {}
        self.links = {(self._end(s), p.value, self._end(o)) for s, p, o in read.rows(_LINKS, {"p": self.props})} \
            if self.props else set()
        self.memberships = self._by_resource(read.rows(_MEMBERSHIPS), ends=()) \
            if want(edge_of.get(ORG + "memberOf", "")) else []
        self.posts = self._by_resource(read.rows(_POSTS), ends=(1, 2)) if want("holds-post-at") else []

    def _end(self, term: Any) -> Any:
        key = _key(term)
        self.ends.setdefault(key, term)
        return key

    def _by_resource(self, rows: Iterable[Any], ends: tuple[int, ...]) -> list[tuple[Any, ...]]:
        """Rows of terms as keys, in the order of their first column (a post, a membership); the
        terms of the columns ``ends`` are ends of edges."""
        keyed = [tuple(self._end(t) if i in ends else _key(t) for i, t in enumerate(sol)) for sol in rows]
        return sorted(keyed, key=lambda r: tuple(str(x or "") for x in r))

    def edges(self, G: nx.MultiDiGraph, edge_of: dict[str, str], label: _Labels
              ) -> dict[tuple[str, str, str], dict[str, Any]]:
        """The edges between nodes of ``G``, keyed (from, name, to), each with the quotes of the
        graphs holding its triple: zt:networkEdge properties, zt:runBy reversed, posts; memberships
        add their role."""
        read = self.read
        link_quotes: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        for s, p, o, q in read.rows(_LINK_QUOTES, {"p": self.props}) if self.provenance and self.props else ():
            link_quotes[(_key(s), p.value, _key(o))].add(q.value)
        edges: dict[tuple[str, str, str], dict[str, Any]] = {}

        def add_edge(s: str, name: str, o: str, predicate: str, quotes: Iterable[str], **attrs: Any) -> None:
            if s in G and o in G:
                e = edges.setdefault((s, name, o), {"name": name, "predicate": predicate, "quotes": set()})
                e["quotes"] |= set(quotes)
                e.update({k: v for k, v in attrs.items() if v})

        for s, p, o in sorted(self.links):
            if p in edge_of:
                add_edge(s, edge_of[p], o, p, link_quotes.get((s, p, o), ()))
            elif p == _RUN_BY:
                add_edge(o, "runs", s, p, link_quotes.get((s, p, o), ()))
        member_of = edge_of.get(ORG + "memberOf", "")
        for m, member, org, role in self.memberships:
            e = edges.get((member, member_of, org))  # org:Membership: its role on the member-of edge
            if e is not None:
                e.update({k: v for k, v in _role(label, role).items() if v})
        post_quotes: dict[str, set[str]] = defaultdict(set)
        for post, q in read.rows(_POST_QUOTES) if self.provenance and self.posts else ():
            post_quotes[_key(post)].add(q.value)
        for post, person, org, role in self.posts:
            add_edge(person, "holds-post-at", org, ORG + "Post", post_quotes.get(post, ()), post=post,
                     **_role(label, role))
        for e in edges.values():
            e["quotes"] = sorted(e["quotes"])
        return edges


def _figures(G: nx.MultiDiGraph, read: _Reader, label: _Labels) -> dict[str, list[dict[str, Any]]]:
    """Each zt:Observation about a node, by node (its IRI is its record graph's)."""
    import pyoxigraph as ox

    quotes: dict[str, set[str]] = defaultdict(set)
    for obs, q in read.rows(_FIGURE_QUOTES):
        quotes[_key(obs)].add(q.value)
    props: dict[str, dict[str, Any]] = defaultdict(dict)
    for obs, p, v in read.rows(_FIGURES):
        have = props[_key(obs)]
        name = local(p.value)
        have[name] = min(have.get(name, v), v, key=str)  # several: the same one every time
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for node, r in props.items():
        about = _key(r["about"])
        if not isinstance(about, str) or about not in G:
            continue
        iri = {p: (r[p].value if isinstance(r.get(p), ox.NamedNode) else None) for p in _FIGURE_PROPS}
        val = {p: (r[p].value if p in r else None) for p in _FIGURE_PROPS}
        out[about].append({
            "indicator_zh": label(iri["indicator"], "zh"),
            "indicator_en": label(iri["indicator"], "en"),
            "as_stated": str(val["valueAsStated"] or _number(val["value"])),
            "value": _number(val["value"]),
            "year": val["year"] or "",
            "period": val["periodLabel"] or "",
            "quote": " / ".join(sorted(quotes.get(node, ()))),
            "fact": node,
            # the unit, kind, baseline and status, with the ontology's labels of the individuals
            "unit": local(iri["unit"]) if iri["unit"] else "",
            "unit_zh": label(iri["unit"], "zh"),
            "unit_en": label(iri["unit"], "en"),
            "kind": local(iri["observationKind"]).lower() if iri["observationKind"] else "",
            "baseline_year": val["baselineYear"] or "",
            "status": local(iri["status"]) if iri["status"] else "",
            "status_zh": label(iri["status"], "zh"),
            "status_en": label(iri["status"], "en"),
            "bound": local(iri["bound"]) if iri["bound"] else "",
            "bound_zh": label(iri["bound"], "zh") if iri["bound"] else "",
            "bound_en": label(iri["bound"], "en") if iri["bound"] else "",
        })
    return out
