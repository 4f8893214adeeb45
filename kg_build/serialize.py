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
from typing import Iterable, Iterator

from rdflib import RDF, BNode, Literal, URIRef
from rdflib.namespace import XSD

from kg_build.vocab import PREFIXES, ZTD_IRI

__all__ = ["nt_term", "Rows", "sorted_named", "default_of", "sorted_dataset", "triple_chunks", "default_chunks", "nquads_chunks", "trig_chunks", "to_nquads", "to_trig"]

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
_CHUNK = 4096  # lines per chunk of text the writers yield


def _distinct_sorted(rows: list) -> list:
    """``rows`` sorted, each once (sorted in place, then adjacent repeats dropped: no second set)."""
    rows.sort()
    out, last = [], None
    for row in rows:
        if row != last:
            out.append(row)
            last = row
    return out


def sorted_named(quads: Iterable[tuple]) -> list[tuple[str, str, str, str]]:
    """The named graphs' quads (distinct, sorted by graph) as rows of N-Triples terms ``(g, s, p, o)``.
    Each distinct IRI is converted once and its text shared by every row that holds it; ``quads``
    may be a generator (it is read once)."""
    iris: dict[str, str] = {}

    def nt(term: URIRef | Literal) -> str:
        if type(term) is URIRef:
            text = iris.get(term)
            if text is None:
                text = iris[term] = f"<{term}>"
            return text
        return nt_term(term)

    return _distinct_sorted([(nt(g), nt(s), nt(p), nt(o)) for s, p, o, g in quads])


def default_of(named: list[tuple[str, str, str, str]]) -> list[tuple[str, str, str]]:
    """The default graph of the named rows: every distinct triple, sorted."""
    return _distinct_sorted([row[1:] for row in named])


def sorted_dataset(quads: Iterable[tuple]) -> Rows:
    """The default graph (distinct triples, sorted) and the named graphs' quads (distinct, sorted by
    graph), as N-Triples terms (:func:`sorted_named`, :func:`default_of`)."""
    named = sorted_named(quads)
    return default_of(named), named


def triple_chunks(rows: Iterable[tuple[str, ...]]) -> Iterator[str]:
    """The last three terms of each row as N-Triples lines (in the rows' order, repeats kept), in chunks."""
    return _chunks(f"{row[-3]} {row[-2]} {row[-1]} .\n" for row in rows)


def _chunks(lines: Iterable[str]) -> Iterator[str]:
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= _CHUNK:
            yield "".join(batch)
            batch.clear()
    if batch:
        yield "".join(batch)


def default_chunks(rows: Rows) -> Iterator[str]:
    """The default graph as N-Triples (the first lines of the N-Quads), in chunks of text."""
    return triple_chunks(rows[0])


def nquads_chunks(rows: Rows) -> Iterator[str]:
    """N-Quads: the default graph's triples, then every quad in its named graph; in chunks of text."""
    yield from default_chunks(rows)
    yield from _chunks(f"{s} {p} {o} {g} .\n" for g, s, p, o in rows[1])


def to_nquads(quads: Iterable[tuple]) -> str:
    """N-Quads: the default graph's triples, then every quad in its named graph; sorted."""
    return "".join(nquads_chunks(sorted_dataset(quads)))


_TYPE = f"<{RDF.type}>"
_INTEGER = f"^^<{XSD.integer}>"
_INTEGER_BODY = re.compile(r'"-?[0-9]+"')


def _turtle_iri(nt: str) -> str:
    iri = nt[1:-1]
    if iri.startswith(ZTD_IRI) and _RELATIVE.match(iri[len(ZTD_IRI):]):
        return f"<{iri[len(ZTD_IRI):]}>"
    for prefix, ns in PREFIXES.items():
        if prefix != "ztd" and iri.startswith(ns) and _LOCAL.match(iri[len(ns):]):
            return f"{prefix}:{iri[len(ns):]}"
    return nt


def _turtle_term(nt: str) -> str:
    if nt.startswith("<"):
        return _turtle_iri(nt)
    if nt.endswith(">") and "^^<" in nt:
        body, datatype = nt.rsplit("^^<", 1)
        if nt.endswith(_INTEGER) and _INTEGER_BODY.fullmatch(body):
            return body[1:-1]
        return body + "^^" + _turtle_iri("<" + datatype)
    return nt


class _Turtle:
    """Terms in Turtle with the fixed prefixes; each IRI (and datatype) shortened once."""

    def __init__(self) -> None:
        self.iris: dict[str, str] = {}

    def iri(self, nt: str) -> str:
        text = self.iris.get(nt)
        if text is None:
            text = self.iris[nt] = _turtle_iri(nt)
        return text

    def predicate(self, nt: str) -> str:
        return "a" if nt == _TYPE else self.iri(nt)

    def term(self, nt: str) -> str:
        if nt[0] == "<":
            return self.iri(nt)
        return _turtle_term(nt) if nt[-1] == ">" else nt

    def block(self, rows: Iterable[tuple[str, str, str]]) -> Iterator[str]:
        """Triples (sorted) in Turtle, grouped by subject (rdf:type first)."""
        for subject, group in groupby(rows, key=lambda r: r[0]):
            triples = list(group)  # sorted by (predicate, object): only rdf:type moves to the front
            typed = [r for r in triples if r[1] == _TYPE]
            if typed and len(typed) < len(triples):
                triples = typed + [r for r in triples if r[1] != _TYPE]
            parts = []
            for pred, objs in groupby(triples, key=lambda r: r[1]):
                parts.append(f"{self.predicate(pred)} {', '.join(self.term(o) for _, _, o in objs)}")
            yield f"{self.term(subject)}\n    " + " ;\n    ".join(parts) + " .\n"


def trig_chunks(rows: Rows, header: str = "") -> Iterator[str]:
    """TriG with the project's fixed prefixes and ``@base`` for data IRIs: the default graph in
    ``{ }``, then one ``GRAPH <g> { }`` block per named graph, each grouped by subject; in chunks."""
    turtle = _Turtle()

    def lines() -> Iterator[str]:
        yield from (f"# {line}".rstrip() + "\n" for line in header.splitlines())
        yield f"@base <{ZTD_IRI}> .\n"
        yield from (f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
        default, named = rows
        yield "\n{\n"
        yield from turtle.block(default)
        yield "}\n"
        for graph, group in groupby(named, key=lambda q: q[0]):
            yield f"\nGRAPH {turtle.term(graph)} {{\n"
            yield from turtle.block(q[1:] for q in group)
            yield "}\n"

    return _chunks(lines())


def to_trig(quads: Iterable[tuple], header: str = "") -> str:
    """:func:`trig_chunks` of the quads, as one text."""
    return "".join(trig_chunks(sorted_dataset(quads), header))
