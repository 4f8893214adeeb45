"""What the pages show beside every fact, read from the store once and kept: each record's
provenance (status, words, paragraphs, derivation, sources, defects), the triples each record
asserts, the article's paragraphs and its defects.

Four queries in all, however many pages are served, so no page runs one query per statement
(the store is read-only, so what is read once stays true). :func:`highlight` cuts a paragraph's
text into plain and marked pieces for the quotes that stand in it, including a quote that runs
across a split into the next paragraph.

>>> [(text, marked) for text, marked in highlight("近年来，昭通市投", ["昭通市投资"])]
[('近年来，', False), ('昭通市投', True)]
>>> [(text, marked) for text, marked in highlight("资2.35亿元，新建", ["片区投资2.35亿元"])]
[('资2.35亿元', True), ('，新建', False)]
"""

from __future__ import annotations

import dataclasses
import threading
import weakref
from collections import defaultdict
from typing import Any, Iterable, Iterator

from zkg.prefixes import PREFIXES, PROLOGUE
from zkg.store import Store
from zkg.values import IRI

__all__ = ["Defect", "Evidence", "Paragraph", "Support", "evidence", "highlight", "marks"]

_PROLOGUE = PROLOGUE

# Each record's provenance, one (record, key, value) row per statement about it.
_SUPPORT = _PROLOGUE + """SELECT ?fact ?key ?value WHERE {
  ?fact a zt:Fact .
  { ?fact zt:status ?value BIND("status" AS ?key) }
  UNION { ?fact zt:quote ?value BIND("quote" AS ?key) }
  UNION { ?fact zt:paragraph ?value BIND("paragraph" AS ?key) }
  UNION { ?fact zt:derivation ?value BIND("derivation" AS ?key) }
  UNION { ?fact prov:wasDerivedFrom ?value BIND("from" AS ?key) }
  UNION { ?fact dcterms:source ?value BIND("source" AS ?key) }
  UNION { ?fact zt:restsOnDefect ?value BIND("defect" AS ?key) }
  UNION { ?fact zt:curatedIn ?value BIND("file" AS ?key) }
  UNION { ?fact zt:note ?value BIND("note" AS ?key) }
}"""
_ASSERTS = _PROLOGUE + """SELECT ?fact ?s ?p ?o WHERE { ?fact a zt:Fact . GRAPH ?fact { ?s ?p ?o } }"""
_PARAGRAPHS = _PROLOGUE + """SELECT ?p ?n ?text ?article WHERE {
  ?p a zt:Paragraph ; zt:paragraphNumber ?n ; zt:text ?text .
  OPTIONAL { ?p dcterms:isPartOf ?article }
} ORDER BY ?article ?n"""
_DEFECTS = _PROLOGUE + """SELECT ?d ?key ?value WHERE {
  ?d a zt:SourceDefect .
  { ?d zt:defectKind ?value BIND("kind" AS ?key) }
  UNION { ?d zt:affects ?value BIND("affects" AS ?key) }
  UNION { ?d zt:repeats ?value BIND("repeats" AS ?key) }
  UNION { ?d zt:quote ?value BIND("evidence" AS ?key) }
  UNION { ?d zt:note ?value BIND("note" AS ?key) }
}"""


@dataclasses.dataclass
class Support:
    """One record (``ztd:fact/…``): what supports the triples it asserts."""

    fact: IRI
    status: IRI | None = None
    quotes: list[str] = dataclasses.field(default_factory=list)
    paragraphs: list[IRI] = dataclasses.field(default_factory=list)
    derivations: list[str] = dataclasses.field(default_factory=list)
    derived_from: list[IRI] = dataclasses.field(default_factory=list)
    sources: list[IRI] = dataclasses.field(default_factory=list)
    defects: list[IRI] = dataclasses.field(default_factory=list)
    files: list[str] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)

    @property
    def status_code(self) -> str:
        """``stated``, ``derived``, ``reference``, ``curated`` (from the status IRI), or ``""``."""
        return str(self.status or "").rsplit("#", 1)[-1].lower()


@dataclasses.dataclass
class Paragraph:
    iri: IRI
    number: int
    text: str
    article: IRI | None


@dataclasses.dataclass
class Defect:
    iri: IRI
    kind: IRI | None = None
    affects: list[IRI] = dataclasses.field(default_factory=list)
    repeats: list[IRI] = dataclasses.field(default_factory=list)
    evidence: list[str] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)

    @property
    def kind_code(self) -> str:
        """The kind's local name (``ExactDuplicate``), for CSS classes and tests."""
        return str(self.kind or "").rsplit("#", 1)[-1]


_KEYS = {"quote": "quotes", "paragraph": "paragraphs", "derivation": "derivations", "from": "derived_from",
         "source": "sources", "defect": "defects", "file": "files", "note": "notes"}
_DEFECT_KEYS = {"affects": "affects", "repeats": "repeats", "evidence": "evidence", "note": "notes"}


class Evidence:
    """The provenance of every record, the triples each asserts, the paragraphs and the defects."""

    def __init__(self, store: Store) -> None:
        self.support: dict[str, Support] = {}
        for fact, key, value in store.select(_SUPPORT, max_rows=None).rows:
            s = self.support.setdefault(str(fact), Support(IRI(fact)))
            if key == "status":
                s.status = value
            elif value not in getattr(s, _KEYS[key]):
                getattr(s, _KEYS[key]).append(value)
        for s in self.support.values():
            s.paragraphs.sort()
        self.asserts: dict[str, list[tuple]] = defaultdict(list)
        for fact, s_, p, o in store.select(_ASSERTS, max_rows=None).rows:
            self.asserts[str(fact)].append((s_, p, o))
        self.paragraphs: dict[str, Paragraph] = {}
        for p, n, text, article in store.select(_PARAGRAPHS, max_rows=None).rows:
            self.paragraphs[str(p)] = Paragraph(IRI(p), int(n), str(text), article)
        self.defects: dict[str, Defect] = {}
        for d, key, value in store.select(_DEFECTS, max_rows=None).rows:
            defect = self.defects.setdefault(str(d), Defect(IRI(d)))
            if key == "kind":
                defect.kind = value
            elif value not in getattr(defect, _DEFECT_KEYS[key]):
                getattr(defect, _DEFECT_KEYS[key]).append(value)
        self.citing: dict[str, list[Support]] = defaultdict(list)  # paragraph → the records citing it
        for s in self.support.values():
            for p in s.paragraphs:
                self.citing[str(p)].append(s)
        self.defects_of: dict[str, list[Defect]] = defaultdict(list)  # paragraph → its defects
        for d in sorted(self.defects.values(), key=lambda d: str(d.iri)):
            for p in d.affects:
                self.defects_of[str(p)].append(d)

    def articles(self) -> list[IRI]:
        """The articles whose paragraphs the graph holds, in IRI order."""
        return sorted({p.article for p in self.paragraphs.values() if p.article is not None})

    def paragraphs_of(self, article: str) -> list[Paragraph]:
        return sorted((p for p in self.paragraphs.values() if p.article == article), key=lambda p: p.number)

    def things(self, fact: str) -> list[IRI]:
        """The project's things a record's triples are about (subjects and objects), in order,
        without the record itself unless it is a figure (a figure's IRI is its record's)."""
        seen: dict[IRI, None] = {}
        for s, _p, o in self.asserts.get(str(fact), []):
            for term in (s, o):
                if isinstance(term, IRI) and term.startswith(PREFIXES["ztd"]) and term not in self.paragraphs:
                    seen.setdefault(term, None)
        return list(seen)


_CACHE: "weakref.WeakKeyDictionary[object, Evidence]" = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def evidence(owner: object, store: Store) -> Evidence:
    """The :class:`Evidence` of ``store``, read the first time ``owner`` (an Explorer) asks, then kept."""
    with _LOCK:
        if owner not in _CACHE:
            _CACHE[owner] = Evidence(store)
        return _CACHE[owner]


def _spans(text: str, quote: str) -> Iterator[tuple[int, int]]:
    """Where ``quote`` stands in ``text``: every whole occurrence; else the part of it that ends
    ``text`` or begins it (a quote that runs across a split paragraph)."""
    if not quote:
        return
    at = text.find(quote)
    if at >= 0:
        while at >= 0:
            yield at, at + len(quote)
            at = text.find(quote, at + 1)
        return
    for k in range(min(len(text), len(quote)) - 1, 1, -1):  # two characters at least
        if text.endswith(quote[:k]):
            yield len(text) - k, len(text)
            return
        if text.startswith(quote[-k:]):
            yield 0, k
            return


def marks(text: str, quotes: Iterable[tuple[Any, str]]) -> list[tuple[str, tuple]]:
    """``text`` as (piece, keys) pairs: a piece where some of the ``(key, quote)`` quotes stand
    carries their keys (overlapping quotes make one piece with all their keys); a plain piece ()."""
    spans = sorted((start, end, key) for key, q in quotes for start, end in _spans(text, str(q)))
    merged: list[list] = []
    for start, end, key in spans:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            if key not in merged[-1][2]:
                merged[-1][2].append(key)
        else:
            merged.append([start, end, [key]])
    pieces: list[tuple[str, tuple]] = []
    at = 0
    for start, end, keys in merged:
        if start > at:
            pieces.append((text[at:start], ()))
        pieces.append((text[start:end], tuple(keys)))
        at = end
    if at < len(text):
        pieces.append((text[at:], ()))
    return pieces


def highlight(text: str, quotes: Iterable[str]) -> list[tuple[str, bool]]:
    """``text`` as (piece, marked) pairs: the pieces where any of ``quotes`` stands are marked."""
    return [(piece, bool(keys)) for piece, keys in marks(text, ((None, q) for q in quotes))]
