"""The ontology as the single source of truth: declared terms, class names and YAML codes.

The build never spells a ``zt:`` term that the ontology does not declare: :attr:`Vocabulary.zt` is a
closed namespace made from the ontology file, so a misspelt term raises instead of minting an IRI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Namespace, URIRef
from rdflib.namespace import ClosedNamespace

__all__ = ["ZT_IRI", "ZTD_IRI", "ZTD", "PREFIXES", "MINTED", "PROVENANCE", "minted", "Vocabulary", "load_vocabulary"]

ZT_IRI = "https://w3id.org/zhaotong-kg/ontology#"
ZTD_IRI = "https://w3id.org/zhaotong-kg/id/"
ZTD = Namespace(ZTD_IRI)
# The IRI spaces under ztd: that the build mints itself (DESIGN.md, "Data IRIs"): fact nodes, the
# article with its paragraphs and defects, reference sources, posts and memberships. No curated
# entity id may start with one of them, or it would be the same IRI as a minted node.
MINTED = ("fact", "source", "post", "membership")
#: The named graph (a prov:Bundle) that holds what supports every record's graph ``ztd:fact/<id>``.
PROVENANCE = ZTD["provenance"]


def minted(space: str, key: str) -> URIRef:
    """The IRI ``ztd:<space>/<key>`` of a node the build mints (``space`` one of :data:`MINTED`).

    >>> minted("fact", "fig-a")
    rdflib.term.URIRef('https://w3id.org/zhaotong-kg/id/fact/fig-a')
    """
    if space not in MINTED:
        raise ValueError(f"{space!r} is not a minted IRI space")
    return ZTD[f"{space}/{key}"]

# The fixed prefixes of every file we write (Turtle, queries). Order is the order they are printed.
from zkg.prefixes import PREFIXES  # noqa: E402  (the one table, in a module that imports nothing)
DECLARATIONS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                OWL.NamedIndividual, RDF.Property, RDFS.Class)


class _Closed(ClosedNamespace):
    """rdflib's closed namespace with each term also an attribute of its own, so that ``zt.status``
    is a plain attribute lookup (the build makes millions); a term not declared still raises."""

    def __new__(cls, uri: str, terms: list[str]):
        rt = super().__new__(cls, uri, terms)
        rt.__dict__.update({t: rt.term(t) for t in terms if t.isidentifier() and not hasattr(cls, t)})
        return rt


@dataclass
class Vocabulary:
    """What the ontology declares, read once."""

    graph: Graph
    zt: ClosedNamespace
    declared: set[URIRef]
    classes: dict[str, URIRef]
    properties: dict[str, URIRef]
    codes: dict[str, dict[str, URIRef]] = field(default_factory=dict)

    def curie(self, name: str) -> URIRef | None:
        """``org:memberOf`` or a bare ``zt`` local name, as a declared property IRI (else None)."""
        if ":" in name:
            prefix, local = name.split(":", 1)
            if prefix not in PREFIXES:
                return None
            iri = URIRef(PREFIXES[prefix] + local)
            return iri if iri in self.declared and iri not in self.classes.values() else None
        return self.properties.get(name)

    def class_annotation(self, prop: URIRef) -> dict[str, str]:
        """Every zt class (local name) with the value of the annotation ``prop`` it has or inherits:
        its own, else the nearest superclass's (breadth first up ``rdfs:subClassOf``; classes at the
        same distance are taken in name order). Classes that reach none are left out.

        >>> v = load_vocabulary(Graph().parse(data=_EXAMPLE, format="turtle"))
        >>> v.class_annotation(v.zt.labelForm)
        {'County': 'name', 'Division': 'name'}
        """
        out: dict[str, str] = {}
        for name, cls in self.classes.items():
            level, seen = [cls], {cls}
            while level:
                found = sorted((str(c), str(v)) for c in level for v in self.graph.objects(c, prop))
                if found:
                    out[name] = found[0][1]
                    break
                level = sorted({s for c in level for s in self.graph.objects(c, RDFS.subClassOf)
                                if isinstance(s, URIRef) and s not in seen}, key=str)
                seen.update(level)
        return dict(sorted(out.items()))

    @property
    def reference_kinds(self) -> dict[str, str]:
        """The words of the reference CSV's column ``kind`` (``zt:referenceKind``), each with the
        local name of the class a row of that kind must meet."""
        return dict(sorted((str(word), str(c)[len(ZT_IRI):])
                           for c, word in self.graph.subject_objects(self.zt.referenceKind)))

    @property
    def reference_columns(self) -> dict[str, URIRef]:
        """The reference CSV's columns that are values of a data property (``zt:referenceColumn``)."""
        return dict(sorted((str(col), p) for p, col in self.graph.subject_objects(self.zt.referenceColumn)
                           if isinstance(p, URIRef)))

    def is_subclass(self, cls: URIRef, ancestor: URIRef) -> bool:
        seen, todo = set(), [cls]
        while todo:
            c = todo.pop()
            if c == ancestor:
                return True
            if c not in seen:
                seen.add(c)
                todo.extend(o for o in self.graph.objects(c, RDFS.subClassOf) if isinstance(o, URIRef))
        return False


_EXAMPLE = """
@prefix zt: <https://w3id.org/zhaotong-kg/ontology#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
zt:labelForm a owl:AnnotationProperty . zt:Division a owl:Class ; zt:labelForm "name" .
zt:County a owl:Class ; rdfs:subClassOf zt:Division . zt:Area a owl:Class .
"""


def load_vocabulary(source: Path | Graph) -> Vocabulary:
    """Index what the ontology (a Turtle file, or a graph already parsed) declares."""
    g = source if isinstance(source, Graph) else Graph().parse(source, format="turtle")
    declared = {s for t in DECLARATIONS for s in g.subjects(RDF.type, t) if isinstance(s, URIRef)}
    zt_terms = sorted(str(s)[len(ZT_IRI):] for s in declared if str(s).startswith(ZT_IRI))
    zt = _Closed(ZT_IRI, zt_terms)
    classes = {str(c)[len(ZT_IRI):]: c for c in g.subjects(RDF.type, OWL.Class)
               if isinstance(c, URIRef) and str(c).startswith(ZT_IRI)}
    properties = {str(p)[len(ZT_IRI):]: p for t in (OWL.ObjectProperty, OWL.DatatypeProperty)
                  for p in g.subjects(RDF.type, t) if isinstance(p, URIRef) and str(p).startswith(ZT_IRI)}
    codes: dict[str, dict[str, URIRef]] = {}
    code_prop = URIRef(ZT_IRI + "code")
    for ind, code in g.subject_objects(code_prop):
        for cls in g.objects(ind, RDF.type):
            if isinstance(ind, URIRef) and isinstance(cls, URIRef) and str(cls).startswith(ZT_IRI):
                codes.setdefault(str(cls)[len(ZT_IRI):], {})[str(code)] = ind
    return Vocabulary(g, zt, declared, classes, properties, codes)
