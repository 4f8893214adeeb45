"""Checks on the built graph: closed vocabulary, SHACL shapes, and OWL consistency.

Each check takes graphs (or a pyoxigraph store) and returns a list of problems (empty when the graph
passes). SHACL runs as SPARQL on a pyoxigraph store (``kg_build.shacl``); pyshacl, the OWL RL closure
(owlrl) and HermiT stay here as the cross-checks the tests compare with.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path
from typing import Any, Iterable, NamedTuple

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from kg_build import shacl

from kg_build.vocab import Vocabulary

__all__ = ["undeclared_terms", "shacl_problems", "shacl_violations", "store_violations", "pyshacl_violations",
           "Violation", "data_store", "rdflib_term", "owl_rl_problems", "hermit_problems"]

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


def data_store(data: Graph | bytes, ontology: Graph | bytes) -> ox.Store:
    """A pyoxigraph store whose default graph holds the data and the ontology (each an rdflib graph,
    or N-Triples / Turtle bytes), as the SHACL and OWL checks read them."""
    store = ox.Store()
    for graph, fmt in ((data, ox.RdfFormat.N_TRIPLES), (ontology, ox.RdfFormat.TURTLE)):
        text = graph.serialize(format="nt", encoding="utf-8") if isinstance(graph, Graph) else graph
        store.load(text, ox.RdfFormat.N_TRIPLES if isinstance(graph, Graph) else fmt)
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
