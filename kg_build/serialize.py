r"""Deterministic N-Quads and TriG: same quads in, same bytes out (sorted, fixed prefixes).

A dataset is written as its default graph (every distinct triple of the quads) followed by each
named graph, so a reader that knows nothing of named graphs still sees every triple once.

>>> from rdflib import URIRef, Literal
>>> a, g = URIRef("https://w3id.org/zhaotong-kg/id/a"), URIRef("https://w3id.org/zhaotong-kg/id/fact/f")
>>> q = [(a, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal('甲 "x"', lang="zh"), g)]
>>> print(to_nquads(q), end="")
<https://w3id.org/zhaotong-kg/id/a> <http://www.w3.org/2000/01/rdf-schema#label> "甲 \"x\""@zh .
<https://w3id.org/zhaotong-kg/id/a> <http://www.w3.org/2000/01/rdf-schema#label> "甲 \"x\""@zh <https://w3id.org/zhaotong-kg/id/fact/f> .
>>> print("\n".join(line for line in to_trig(q).splitlines() if not line.startswith("@prefix")))
@base <https://w3id.org/zhaotong-kg/id/> .
<BLANKLINE>
{
<a>
    rdfs:label "甲 \"x\""@zh .
}
<BLANKLINE>
GRAPH <fact/f> {
<a>
    rdfs:label "甲 \"x\""@zh .
}
"""

from __future__ import annotations

import re
from itertools import groupby
from typing import Iterable

from rdflib import RDF, BNode, Literal, URIRef
from rdflib.namespace import XSD

from kg_build.vocab import PREFIXES, ZTD_IRI

__all__ = ["nt_term", "to_nquads", "to_trig", "to_files"]

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_NEEDS_ESCAPE = re.compile(r'[\\"\n\r\t\b\f\x00-\x1f\x7f]')
_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_RELATIVE = re.compile(r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$")


def _escape(text: str) -> str:
    return _NEEDS_ESCAPE.sub(lambda m: _ESCAPES.get(m.group(), f"\\u{ord(m.group()):04X}"), text)


def nt_term(term: URIRef | Literal) -> str:
    """A term in N-Triples syntax (UTF-8 text, minimal escapes)."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        body = f'"{_escape(str(term))}"'
        if term.language:
            return f"{body}@{term.language}"
        if term.datatype and term.datatype != XSD.string:
            return f"{body}^^<{term.datatype}>"
        return body
    if isinstance(term, BNode):
        raise ValueError("blank nodes are not allowed: give the thing an IRI")
    raise TypeError(f"not an RDF term: {term!r}")


Rows = tuple[list[tuple[str, str, str]], list[tuple[str, str, str, str]]]


def _sorted_dataset(quads: Iterable[tuple]) -> Rows:
    """The default graph (distinct triples, sorted) and the named graphs' quads (sorted by graph),
    as N-Triples terms (each distinct term converted once)."""
    terms: dict = {}

    def nt(term: URIRef | Literal) -> str:
        text = terms.get(term)
        if text is None:
            text = terms[term] = nt_term(term)
        return text

    named = sorted({(nt(g), nt(s), nt(p), nt(o)) for s, p, o, g in quads})
    return sorted({(s, p, o) for _, s, p, o in named}), named


def _nquads(rows: Rows) -> tuple[str, str]:
    default, named = rows
    return ("".join(f"{s} {p} {o} .\n" for s, p, o in default),
            "".join(f"{s} {p} {o} {g} .\n" for g, s, p, o in named))


def to_nquads(quads: Iterable[tuple]) -> str:
    """N-Quads: the default graph's triples, then every quad in its named graph; sorted."""
    return "".join(_nquads(_sorted_dataset(quads)))


def to_files(quads: Iterable[tuple], header: str = "") -> tuple[str, str, str]:
    """:func:`to_trig` and :func:`to_nquads` of the same quads, and the default graph alone as
    N-Triples (the first lines of the N-Quads), sorting the dataset once."""
    rows = _sorted_dataset(quads)
    default, named = _nquads(rows)
    return _trig(rows, header), default + named, default


def _turtle_term(nt: str, predicate: bool = False) -> str:
    if nt.startswith("<"):
        iri = nt[1:-1]
        if predicate and iri == str(RDF.type):
            return "a"
        if iri.startswith(ZTD_IRI) and _RELATIVE.match(iri[len(ZTD_IRI):]):
            return f"<{iri[len(ZTD_IRI):]}>"
        for prefix, ns in PREFIXES.items():
            if prefix != "ztd" and iri.startswith(ns) and _LOCAL.match(iri[len(ns):]):
                return f"{prefix}:{iri[len(ns):]}"
        return nt
    if "^^<" in nt:
        body, datatype = nt.rsplit("^^<", 1)
        if datatype[:-1] == str(XSD.integer) and re.fullmatch(r'"-?[0-9]+"', body):
            return body[1:-1]
        return body + "^^" + _turtle_term("<" + datatype)
    return nt


def _turtle_block(rows: list[tuple[str, str, str]]) -> list[str]:
    """Triples in Turtle, grouped by subject (rdf:type first)."""

    def pred_key(row: tuple[str, str, str]) -> tuple[bool, str]:
        return (row[1] != f"<{RDF.type}>", row[1])

    lines = []
    for subject, group in groupby(rows, key=lambda r: r[0]):
        by_pred = sorted(group, key=lambda r: (pred_key(r), r[2]))
        parts = []
        for pred, objs in groupby(by_pred, key=lambda r: r[1]):
            objects = ", ".join(_turtle_term(o) for _, _, o in objs)
            parts.append(f"{_turtle_term(pred, predicate=True)} {objects}")
        lines.append(f"{_turtle_term(subject)}\n    " + " ;\n    ".join(parts) + " .")
    return lines


def to_trig(quads: Iterable[tuple], header: str = "") -> str:
    """TriG with the project's fixed prefixes and ``@base`` for data IRIs: the default graph in
    ``{ }``, then one ``GRAPH <g> { }`` block per named graph, each grouped by subject."""
    return _trig(_sorted_dataset(quads), header)


def _trig(rows: Rows, header: str) -> str:
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    lines += [f"@base <{ZTD_IRI}> ."]
    lines += [f"@prefix {p}: <{ns}> ." for p, ns in PREFIXES.items()]
    default, named = rows
    lines += ["", "{", *_turtle_block(default), "}"]
    for graph, group in groupby(named, key=lambda q: q[0]):
        lines += ["", f"GRAPH {_turtle_term(graph)} {{", *_turtle_block([q[1:] for q in group]), "}"]
    return "\n".join(lines) + "\n"
