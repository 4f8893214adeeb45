"""Checks on the built graph: closed vocabulary, SHACL shapes, and OWL consistency.

Each check takes graphs (or a pyoxigraph store) and returns a list of problems (empty when the graph
passes). SHACL runs as SPARQL on a pyoxigraph store (``kg_build.shacl``); pyshacl, the OWL RL closure
(owlrl) and HermiT stay here as the cross-checks the tests compare with.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path
from typing import Any, BinaryIO, Iterable, NamedTuple

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import XSD

from kg_build import shacl

from kg_build.vocab import Vocabulary

__all__ = ["undeclared_terms", "shacl_problems", "shacl_violations", "store_violations", "pyshacl_violations",
           "Violation", "chunk_reader", "data_store", "rdflib_term", "owl_problems", "owl_rl_problems", "hermit_problems"]

BUILTIN = {RDF.type, RDFS.label, RDFS.comment, RDF.Statement, RDF.subject, RDF.predicate, RDF.object}


def undeclared_terms(triples: Iterable[tuple], vocab: Vocabulary) -> list[str]:
    """Predicates and classes used by the graph that the ontology does not declare."""
    used: set[URIRef] = set()
    for _, p, o in triples:
        used.add(p)
        if p == RDF.type and isinstance(o, URIRef):
            used.add(o)
    missing = sorted(str(t) for t in used - vocab.declared - BUILTIN)
    return [f"term not declared in the ontology: <{t}>" for t in missing]


class Violation(NamedTuple):
    """One SHACL violation: the node, the property path (or None), the message, the constraint kind
    (the local name of its sh:sourceConstraintComponent, e.g. ClassConstraintComponent) and the value."""

    focus: URIRef
    path: URIRef | None
    message: str
    component: str
    value: object = None


def rdflib_term(term: Any) -> Any:
    """A pyoxigraph term as the rdflib term the build emits (an xsd:string literal has no datatype)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype))
    return term


def chunk_reader(chunks: Iterable[str]) -> BinaryIO:
    """A readable binary file over chunks of text (encoded as UTF-8 as they are read), so that a
    store can load a graph that is never held whole."""
    return io.BufferedReader(_ChunkReader(chunks), 1 << 20)


class _ChunkReader(io.RawIOBase):

    def __init__(self, chunks: Iterable[str]):
        self._chunks = iter(chunks)
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = memoryview(chunk.encode("utf-8"))
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]  # a view: nothing copied
        return n


def data_store(data: Graph | bytes | BinaryIO, ontology: Graph | bytes) -> ox.Store:
    """A pyoxigraph store whose default graph holds the data and the ontology (each an rdflib graph,
    or N-Triples / Turtle bytes; the data may also be a readable binary file of N-Triples), as the
    SHACL and OWL checks read them. Loaded in bulk (no transaction: the store is new and ours)."""
    store = ox.Store()
    for graph, fmt in ((data, ox.RdfFormat.N_TRIPLES), (ontology, ox.RdfFormat.TURTLE)):
        text = graph.serialize(format="nt", encoding="utf-8") if isinstance(graph, Graph) else graph
        store.bulk_load(text, ox.RdfFormat.N_TRIPLES if isinstance(graph, Graph) else fmt)
    return store


def store_violations(store: ox.Store, shapes: Graph) -> list[Violation]:
    """SHACL Core validation compiled to SPARQL (``kg_build.shacl``) on a store whose default graph
    holds data and ontology: every violation, sorted like :func:`pyshacl_violations`.

    Raises ValueError (a ``kg_build.shacl.ShapeError``) when the shapes use what the compiler
    does not support."""
    out = []
    for result in shacl.validate(store, shapes):
        check = result.check
        out.append(Violation(rdflib_term(result.focus), URIRef(check.path) if check.path else None, check.message,
                             check.component, None if result.value is None else rdflib_term(result.value)))
    return sorted(set(out), key=lambda v: (str(v.focus), str(v.path), v.message, v.component, str(v.value)))


def shacl_violations(data: Graph, shapes: Graph, ontology: Graph) -> list[Violation]:
    """SHACL Core validation of ``data`` with ``ontology`` (SPARQL on a pyoxigraph store)."""
    return store_violations(data_store(data, ontology), shapes)


def pyshacl_violations(data: Graph, shapes: Graph, ontology: Graph) -> list[Violation]:
    """SHACL Core validation with pyshacl (the cross-check): every violation (warnings are not reported).

    Raises ValueError when the shapes themselves cannot be loaded."""
    from pyshacl import validate  # imported here: a slow import that only this check needs
    from pyshacl.errors import ConstraintLoadError, ReportableRuntimeError, ShapeLoadError

    try:
        conforms, report, _ = validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none",
                                       advanced=False, allow_warnings=True)
    except (ShapeLoadError, ConstraintLoadError, ReportableRuntimeError) as exc:
        raise ValueError(f"the SHACL shapes cannot be used ({type(exc).__name__}: "
                         f"{str(exc).strip().splitlines()[0] if str(exc).strip() else ''})") from None
    if conforms:
        return []
    sh = "http://www.w3.org/ns/shacl#"
    out = []
    for result in report.subjects(RDF.type, URIRef(sh + "ValidationResult")):
        if report.value(result, URIRef(sh + "resultSeverity")) != URIRef(sh + "Violation"):
            continue
        path = report.value(result, URIRef(sh + "resultPath"))
        component = str(report.value(result, URIRef(sh + "sourceConstraintComponent")) or "")
        message = " ".join(str(report.value(result, URIRef(sh + "resultMessage")) or "").split())
        out.append(Violation(report.value(result, URIRef(sh + "focusNode")),
                             path if isinstance(path, URIRef) else None, message,
                             component.rsplit("#", 1)[-1], report.value(result, URIRef(sh + "value"))))
    return sorted(out, key=lambda v: (str(v.focus), str(v.path), v.message))


def shacl_problems(data: Graph, shapes: Graph, ontology: Graph) -> list[str]:
    """SHACL Core validation; one line per violation (focus node, path, message).

    Raises ValueError when the shapes themselves cannot be loaded."""
    return [f"{v.focus}: {v.path.n3(data.namespace_manager) if v.path else ''} {v.message}".strip()
            for v in shacl_violations(data, shapes, ontology)]


def owl_rl_problems(data: Graph, ontology: Graph) -> list[str]:
    """Inconsistencies that the OWL 2 RL closure (owlrl) finds: members of owl:Nothing and the
    closure's own error reports (disjoint classes shared, functional properties broken, ...)."""
    import owlrl

    g = Graph()
    for t in ontology:
        g.add(t)
    for t in data:
        g.add(t)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, rdfs_closure=False, axiomatic_triples=False,
                           datatype_axioms=False).expand(g)
    from owlrl.Namespaces import ERRNS

    problems = [f"{s} is a member of owl:Nothing" for s in g.subjects(RDF.type, OWL.Nothing)]
    problems += [f"OWL-RL: {m}" for m in g.objects(None, ERRNS.error)]
    return sorted(problems)


def hermit_problems(data: Graph, ontology: Graph, java: str = "java") -> list[str]:
    """Run the HermiT reasoner (owlready2, the machine's Java) on ontology + data.

    Returns the reasoner's complaint when the ontology is inconsistent, or unsatisfiable classes.
    """
    import owlready2

    owlready2.JAVA_EXE = java
    g = Graph()
    for t in ontology:
        g.add(t)
    for t in data:
        g.add(t)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "all.owl"
        g.serialize(path, format="xml")
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load()
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0,
                                              ignore_unsupported_datatypes=True)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            return [f"HermiT: the ontology and data are inconsistent ({exc})"]
        except (subprocess.CalledProcessError, FileNotFoundError) as exc:
            return [f"HermiT could not run: {exc}"]
        return [f"unsatisfiable class: {c.iri}" for c in world.inconsistent_classes()]


# -- OWL consistency as SPARQL --------------------------------------------------------------------
# What the ontology says that can make data inconsistent, checked on the store as SPARQL: classes
# declared disjoint (owl:AllDisjointClasses, owl:disjointWith) shared by one node, through its types,
# their superclasses, and the domains and ranges (named or unions) of its properties, their
# super-properties and inverses; functional properties with two different values (stricter than
# OWL, which would merge two IRIs: here every IRI names one thing); literals outside a data
# property's datatype range. An axiom these checks do not cover is refused, naming it, so a new
# kind of axiom never passes silently (the tests compare with owlrl and HermiT).
_OWL_UNSUPPORTED = ("Restriction", "complementOf", "intersectionOf", "oneOf", "disjointUnionOf",
                    "propertyDisjointWith", "AllDisjointProperties", "hasKey", "sameAs", "differentFrom",
                    "equivalentClass", "equivalentProperty", "propertyChainAxiom", "IrreflexiveProperty",
                    "AsymmetricProperty", "InverseFunctionalProperty", "ReflexiveProperty", "SymmetricProperty",
                    "NegativePropertyAssertion", "Nothing")
_PLAIN = {str(XSD.string), str(RDF.langString)}


class _Owl:
    """The parts of the ontology the checks read: superclasses, disjoint groups, what each
    property says of its subject and object, functional properties, data ranges."""

    def __init__(self, onto: Graph):
        self.g = onto
        for term in _OWL_UNSUPPORTED:
            iri = URIRef(str(OWL) + term)
            if (None, iri, None) in onto or (None, RDF.type, iri) in onto or (None, None, iri) in onto:
                raise ValueError(f"the ontology uses owl:{term}, which the SPARQL consistency checks do not "
                                 "cover (kg_build.validate.owl_problems)")
        for union in onto.subjects(OWL.unionOf, None):
            if not any(onto.subjects(RDFS.domain, union)) and not any(onto.subjects(RDFS.range, union)):
                raise ValueError("the ontology uses owl:unionOf outside a domain or range, which the SPARQL "
                                 "consistency checks do not cover (kg_build.validate.owl_problems)")
        self.groups: list[list[Any]] = [list(Collection(onto, m)) for g in onto.subjects(RDF.type, OWL.AllDisjointClasses)
                                           for m in onto.objects(g, OWL.members)]
        self.groups += [[a, b] for a, b in onto.subject_objects(OWL.disjointWith)]

    def supers(self, node: Any, pred: URIRef = RDFS.subClassOf) -> set:
        seen, todo = {node}, [node]
        while todo:
            for up in self.g.objects(todo.pop(), pred):
                if up not in seen:
                    seen.add(up)
                    todo.append(up)
        return seen

    def alternatives(self, expr: Any) -> list | None:
        """A domain or range as its alternative named classes (None: a datatype, no class)."""
        head = self.g.value(expr, OWL.unionOf)
        if head is not None:
            return list(Collection(self.g, head))
        return [expr] if (expr, RDF.type, RDFS.Datatype) not in self.g and not str(expr).startswith(str(XSD)) \
            and expr not in (RDF.PlainLiteral, RDFS.Literal, RDF.langString) else None

    def implied(self, prop: Any) -> tuple[list[list], list[list]]:
        """The class expressions (lists of alternatives) a triple with ``prop`` gives its subject and object."""
        subject: list[list] = []
        obj: list[list] = []
        for q in self.supers(prop, RDFS.subPropertyOf):
            inverses = set(self.g.objects(q, OWL.inverseOf)) | set(self.g.subjects(OWL.inverseOf, q))
            for side, pred, target in ((subject, RDFS.domain, q), (obj, RDFS.range, q)):
                side += [a for d in self.g.objects(target, pred) if (a := self.alternatives(d))]
            for inv in inverses:
                subject += [a for d in self.g.objects(inv, RDFS.range) if (a := self.alternatives(d))]
                obj += [a for d in self.g.objects(inv, RDFS.domain) if (a := self.alternatives(d))]
        return subject, obj

    def allowed(self, alternatives: list, group: list) -> frozenset | None:
        """The members of a disjoint group that an instance of the alternatives may be in (None: any)."""
        out: set = set()
        for a in alternatives:
            members = self.supers(a) & set(group)
            if not members:
                return None
            out |= members
        return frozenset(out)


def owl_problems(store: ox.Store, ontology: Graph) -> list[Violation]:
    """The OWL consistency checks (see above) as SPARQL on a store of data and ontology; each
    problem as a :class:`Violation` (component ``DisjointClasses``, ``FunctionalProperty`` or
    ``DataRange``). Raises ValueError when the ontology uses an axiom they do not cover."""
    owl = _Owl(ontology)
    out = [*_disjoint(store, owl), *_functional(store, owl), *_data_ranges(store, owl)]
    return sorted(set(out), key=lambda v: (str(v.focus), str(v.path), v.component, str(v.value)))


def _select(store: ox.Store, query: str) -> ox.QuerySolutions:
    answer = store.query(query)
    assert isinstance(answer, ox.QuerySolutions)
    return answer


def _short(term: Any) -> str:
    return str(term).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _disjoint(store: ox.Store, owl: _Owl) -> list[Violation]:
    classes = {c for c in owl.g.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    props = {p for k in (OWL.ObjectProperty, OWL.DatatypeProperty) for p in owl.g.subjects(RDF.type, k)}
    out = []
    for group in owl.groups:
        sets: list[frozenset] = []

        def key(allowed: frozenset) -> str:
            if allowed not in sets:
                sets.append(allowed)
            return f'"{sets.index(allowed)}"'

        typed, subjects, objects = [], [], []
        for c in sorted(classes, key=str):
            allowed = owl.allowed([c], group)
            if allowed is not None and len(allowed) > 1:
                out.append(Violation(c, RDFS.subClassOf, f"the class {_short(c)} is a subclass of disjoint classes "
                                     f"{' and '.join(sorted(map(_short, allowed)))}", "DisjointClasses"))
            if allowed is not None:
                typed.append(f"(<{c}> {key(allowed)})")
        for p in sorted(props, key=str):
            on_subject, on_object = owl.implied(p)
            subjects += [f"(<{p}> {key(a)})" for alts in on_subject if (a := owl.allowed(alts, group)) is not None]
            objects += [f"(<{p}> {key(a)})" for alts in on_object if (a := owl.allowed(alts, group)) is not None]
        sources = [("t", "?x a ?c", "?c", typed), ("s", "?x ?p ?o", "?p", subjects), ("o", "?s ?p ?x", "?p", objects)]

        def union(detail: bool) -> str:
            return " UNION ".join(
                f"{{ VALUES ({var} ?k) {{ {' '.join(rows)} }} {pattern}"
                + (f' BIND(CONCAT("{side} ", STR({var})) AS ?src)' if detail else "") + " }"
                for side, pattern, var, rows in sources if rows)

        if not any(rows for *_, rows in sources):
            continue
        # first the nodes whose constraints share no member (cheap: small keys), then why, for those only
        screen = (f'SELECT ?x (GROUP_CONCAT(DISTINCT ?k; separator=" ") AS ?ks) WHERE {{ {union(False)} }} '
                  "GROUP BY ?x HAVING (COUNT(DISTINCT ?k) > 1)")
        failing = [row["x"] for row in _select(store, screen)
                   if not frozenset.intersection(*(sets[int(k)] for k in row["ks"].value.split()))]
        if not failing:
            continue
        only = "" if any(isinstance(x, ox.BlankNode) for x in failing) else \
            f"VALUES ?x {{ {' '.join(map(str, failing))} }}"  # VALUES cannot hold a blank node
        query = (f'SELECT ?x (GROUP_CONCAT(DISTINCT CONCAT(?k, " ", ?src); separator="\\n") AS ?ks) '
                 f"WHERE {{ {only} {union(True)} }} GROUP BY ?x HAVING (COUNT(DISTINCT ?k) > 1)")
        for row in _select(store, query):
            why = [line.split(" ", 2) for line in row["ks"].value.split("\n")]
            constraints = [(sets[int(k)], side, term) for k, side, term in why]
            if frozenset.intersection(*(c for c, _, _ in constraints)):
                continue
            (a, _, _), (b, side, term) = next(
                (x, y) for i, x in enumerate(constraints) for y in constraints[i + 1:] if not x[0] & y[0])
            if side != "s":  # say the property on the node that made it a member, where there is one
                (b, side, term), (a, _, _) = next(
                    ((y, x) for x in constraints for y in constraints if y[1] == "s" and not x[0] & y[0]),
                    ((b, side, term), (a, "", "")))
            path = URIRef(term) if side == "s" else RDF.type
            out.append(Violation(rdflib_term(row["x"]), path,
                                 f"is of class {' or '.join(sorted(map(_short, a)))} and, by "
                                 f"{'its type' if side == 't' else 'the ' + ('domain' if side == 's' else 'range') + ' of ' + _short(term)}"
                                 f", of class {' or '.join(sorted(map(_short, b)))}, which the ontology declares disjoint",
                                 "DisjointClasses"))
    return out


def _functional(store: ox.Store, owl: _Owl) -> list[Violation]:
    props = sorted(owl.g.subjects(RDF.type, OWL.FunctionalProperty), key=str)
    if not props:
        return []
    query = (f"SELECT ?x ?p ?a ?b WHERE {{ VALUES ?p {{ {' '.join(f'<{p}>' for p in props)} }} ?x ?p ?a . ?x ?p ?b "
             "FILTER(!sameTerm(?a, ?b) && COALESCE(?a != ?b, true) && STR(?a) <= STR(?b)) }")
    return [Violation(rdflib_term(row["x"]), rdflib_term(row["p"]),
                      f"{_short(row['p'].value)} is functional (one value), but it has two: {row['a'].value} and "
                      f"{row['b'].value}", "FunctionalProperty", rdflib_term(row["b"]))
            for row in _select(store, query)]


def _data_ranges(store: ox.Store, owl: _Owl) -> list[Violation]:
    rows = []
    for p in sorted(owl.g.subjects(RDF.type, OWL.DatatypeProperty), key=str):
        for d in owl.g.objects(p, RDFS.range):
            if not isinstance(d, URIRef) or d == RDFS.Literal:
                continue
            rows.append(f"(<{p}> <{d}>)")
    if not rows:
        return []
    lexical = " || ".join(f"(sameTerm(?d, <{d}>) && !REGEX(STR(?v), {shacl.sparql_string(pattern)}))"
                          for d, pattern in shacl.LEXICAL.items())
    query = (f"SELECT ?x ?p ?v ?d WHERE {{ VALUES (?p ?d) {{ {' '.join(rows)} }} ?x ?p ?v FILTER(!COALESCE("
             f"isLiteral(?v) && (sameTerm(datatype(?v), ?d) || (sameTerm(?d, <{RDF.PlainLiteral}>) && "
             f"(sameTerm(datatype(?v), <{XSD.string}>) || lang(?v) != \"\")) || (sameTerm(?d, <{XSD.decimal}>) "
             f"&& sameTerm(datatype(?v), <{XSD.integer}>))) && !({lexical}), false)) }}")
    return [Violation(rdflib_term(row["x"]), rdflib_term(row["p"]),
                      f"{_short(row['p'].value)} takes a {_short(row['d'].value)} (its range), not this value",
                      "DataRange", rdflib_term(row["v"]))
            for row in _select(store, query)]
