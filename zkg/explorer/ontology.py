"""The explorer's ontology page, ``/ontology``: every class, property, concept scheme and controlled
individual of ``ontology/zhaotong.ttl``, as pyLODE-style documentation.

Each term is at an anchor equal to its local name (``/ontology#School``), so the ``zt:`` IRIs,
which :func:`zkg.explorer.web.entity_path` sends there, dereference to their entry; a term of
another vocabulary that the ontology declares again (``org:Post``) is at its short IRI
(``/ontology#org:Post``). An entry gives the labels in Chinese and English, the definition, the
alignments to standard vocabularies (shown as text: no link leaves the site), every other statement
about the term, its SHACL shape (from the shapes the explorer was given, ``ontology/shapes.ttl``)
and, for a class, the things of that class (linked to their pages; long lists cut with a count).

The terms are read from the store (the ontology's named graph, which the embedded stores and
``zkg push`` load), so the page works in front of a remote server too; the model is made once per
explorer (:meth:`zkg.explorer.Explorer.cached`).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import Any

from flask import Blueprint, render_template

from zkg.explorer.state import Explorer
from zkg.explorer.web import entity_path, explorer
from zkg.loading import ONTOLOGY_GRAPH
from zkg.prefixes import PREFIXES
from zkg.values import BNode, IRI, LangString, compact

__all__ = ["INSTANCE_LIMIT", "SECTIONS", "Term", "blueprint", "anchor", "ontology_terms"]

blueprint = Blueprint("ontology", __name__)

#: A class lists at most this many of its things, then says how many more there are.
INSTANCE_LIMIT = 40

_ZT = PREFIXES["zt"]
_OWL = PREFIXES["owl"]
_RDFS = PREFIXES["rdfs"]
_SKOS = PREFIXES["skos"]
_SH = "http://www.w3.org/ns/shacl#"

#: (kind of declaration, section title), in the page's order. A term is in the first section whose
#: declaration it has; zt individuals are the controlled values (units, roles, statuses, …).
SECTIONS = (
    (_OWL + "Class", "Classes"),
    (_OWL + "ObjectProperty", "Object properties"),
    (_OWL + "DatatypeProperty", "Datatype properties"),
    (_OWL + "AnnotationProperty", "Annotation properties"),
    (_SKOS + "ConceptScheme", "Concept schemes"),
    (_OWL + "NamedIndividual", "Controlled values"),
)
_LABELS = {_RDFS + "label", _SKOS + "prefLabel"}
_DEFINITIONS = (_SKOS + "definition", _RDFS + "comment")
#: Statements that align a term with another vocabulary (shown first, as "alignments").
_ALIGN = {_RDFS + "subClassOf", _RDFS + "subPropertyOf", _OWL + "equivalentClass", _OWL + "equivalentProperty",
          _SKOS + "exactMatch", _SKOS + "closeMatch", _SKOS + "broadMatch", _SKOS + "narrowMatch",
          _SKOS + "relatedMatch"}

_TERMS = f"""SELECT ?term ?p ?o WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?term ?p ?o }} FILTER(isIRI(?term)) }}"""
_UNIONS = f"""PREFIX owl: <{_OWL}>
PREFIX rdf: <{PREFIXES["rdf"]}>
SELECT ?list ?member WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?list (owl:unionOf|owl:intersectionOf)/rdf:rest*/rdf:first ?member }} }}"""
_INSTANCES = f"""SELECT ?cls ?thing WHERE {{ ?thing a ?cls FILTER(isIRI(?thing) && STRSTARTS(STR(?cls), "{_ZT}")) }}"""


def anchor(iri: str) -> str:
    """The anchor of a term on the page: its local name for ``zt:`` terms, else its short IRI.

    >>> anchor("https://w3id.org/zhaotong-kg/ontology#School"), anchor("http://www.w3.org/ns/org#Post")
    ('School', 'org:Post')
    """
    return iri[len(_ZT):] if iri.startswith(_ZT) else compact(iri)


@dataclasses.dataclass
class Term:
    """One term of the ontology as the page shows it."""

    iri: str
    kind: str
    labels: dict[str, str] = dataclasses.field(default_factory=dict)
    definitions: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # (text, lang)
    alignments: list[tuple[str, list[dict[str, Any]]]] = dataclasses.field(default_factory=list)
    statements: list[tuple[str, list[dict[str, Any]]]] = dataclasses.field(default_factory=list)
    shapes: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    instances: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    instance_count: int = 0

    @property
    def anchor(self) -> str:
        return anchor(self.iri)

    @property
    def short(self) -> str:
        return compact(self.iri)


def _value(o: Any, unions: dict[str, list[str]]) -> dict[str, Any]:
    """How one object of a statement is shown: a link for a term of this ontology or a thing of the
    graph, text (the short IRI) for anything else, the members of a union or intersection."""
    if isinstance(o, IRI):
        path = entity_path(o)
        if path is not None and path.startswith("/ontology#"):
            path = "/ontology#" + anchor(str(o))
        return {"text": compact(o), "href": path}
    if isinstance(o, BNode):
        members = unions.get(str(o))
        return {"text": "one of " + ", ".join(compact(m) for m in members) if members else "(a class expression)"}
    lang = getattr(o, "lang", "") if isinstance(o, LangString) else ""
    return {"text": str(o), "lang": lang}


def ontology_terms(state: Explorer) -> dict[str, list[Term]]:
    """Every term of the ontology, by section title (see :data:`SECTIONS`), sorted by anchor."""
    rows = state.store.select(_TERMS, max_rows=None).rows
    unions: dict[str, list[str]] = defaultdict(list)
    for lst, member in state.store.select(_UNIONS, max_rows=None).rows:
        if isinstance(member, IRI):
            unions[str(lst)].append(str(member))
    about: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    for term, p, o in rows:
        about[str(term)].append((str(p), o))
    order = [k for k, _ in SECTIONS]
    shapes = _shapes(state.shapes)
    instances: dict[str, list[str]] = defaultdict(list)
    for cls, thing in state.store.select(_INSTANCES, max_rows=None).rows:
        instances[str(cls)].append(str(thing))
    names = state.names
    sections: dict[str, list[Term]] = {title: [] for _, title in SECTIONS}
    for iri, statements in about.items():
        kinds = {str(o) for p, o in statements if p == PREFIXES["rdf"] + "type"}
        found = [k for k in order if k in kinds]
        if not found or iri == ONTOLOGY_GRAPH:
            continue
        term = Term(iri, found[0])
        grouped: dict[tuple[bool, str], list[dict[str, Any]]] = defaultdict(list)
        for p, o in sorted(statements, key=lambda s: (s[0], str(s[1]))):
            if p in _LABELS and isinstance(o, LangString):
                term.labels.setdefault(o.lang.split("-")[0], str(o))
            elif p in _DEFINITIONS and not isinstance(o, IRI):
                term.definitions.append((str(o), getattr(o, "lang", "")))
            elif not (p == PREFIXES["rdf"] + "type" and str(o) in order):
                outside = isinstance(o, IRI) and entity_path(o) is None
                grouped[(p in _ALIGN and outside, compact(p))].append(_value(o, unions))
        term.alignments = [(p, vs) for (align, p), vs in sorted(grouped.items()) if align]
        term.statements = [(p, vs) for (align, p), vs in sorted(grouped.items()) if not align]
        term.shapes = shapes.get(iri, [])
        things = sorted(instances.get(iri, []), key=lambda t: (names.label(t), t))
        term.instance_count = len(things)
        term.instances = [{"label": names.label(t), "short": compact(t), "href": _href(t)}
                          for t in things[:INSTANCE_LIMIT]]
        sections[dict(SECTIONS)[term.kind]].append(term)
    for terms in sections.values():
        terms.sort(key=lambda t: (not t.iri.startswith(_ZT), t.anchor.lower(), t.anchor))
    return sections


def _href(iri: str) -> str | None:
    path = entity_path(iri)
    if path is not None and path.startswith("/ontology#"):
        return "/ontology#" + anchor(iri)
    return path


def _shapes(text: str) -> dict[str, list[dict[str, Any]]]:
    """The SHACL shapes of each term: for a class, the node shapes that target it (with their
    property shapes); for a property, the property shapes whose path it is. Values as text."""
    if not text.strip():
        return {}
    import rdflib
    from rdflib.namespace import RDF

    g = rdflib.Graph().parse(data=text, format="turtle")
    sh = rdflib.Namespace(_SH)

    def show(o: Any, depth: int = 0) -> str:
        if isinstance(o, rdflib.URIRef):
            return compact(str(o))
        if isinstance(o, rdflib.Literal):
            return str(o)
        items = list(rdflib.collection.Collection(g, o)) if (o, RDF.first, None) in g else None
        if items is not None:
            return "(" + ", ".join(show(i, depth + 1) for i in items) + ")"
        if depth > 3:
            return "[…]"
        return "[" + "; ".join(f"{compact(str(p))} {show(v, depth + 1)}" for p, v in sorted(g.predicate_objects(o))) + "]"

    def constraints(node: Any) -> list[tuple[str, str]]:
        skip = {RDF.type, sh.path, rdflib.RDFS.label, sh.property, sh.targetClass}
        return [(compact(str(p)), show(o)) for p, o in sorted(g.predicate_objects(node)) if p not in skip]

    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for shape, cls in sorted(g.subject_objects(sh.targetClass)):
        props = [{"path": show(g.value(ps, sh.path)), "constraints": constraints(ps)}
                 for ps in sorted(g.objects(shape, sh.property), key=lambda ps: str(g.value(ps, sh.path)))]
        out[str(cls)].append({"name": show(shape), "constraints": constraints(shape), "properties": props})
    for ps, path in sorted(g.subject_objects(sh.path)):
        if isinstance(path, rdflib.URIRef):
            owners = [show(n) for n in g.subjects(sh.property, ps)]
            out[str(path)].append({"name": show(ps) if isinstance(ps, rdflib.URIRef) else "in " + ", ".join(sorted(owners)),
                                   "constraints": constraints(ps), "properties": []})
    return out


@blueprint.route("/ontology")
def ontology():
    state = explorer()
    sections = state.cached("ontology", lambda: ontology_terms(state))
    # one page, at one path: rendered once (it is large) and kept
    return state.cached("ontology.html", lambda: render_template(
        "explorer/ontology.html", sections=sections, limit=INSTANCE_LIMIT, has_shapes=bool(state.shapes.strip())))
