"""The article view (``/article``): every paragraph in order, the words each fact rests on marked
and linked to the fact, the article's defects shown where they are (repeated paragraphs marked and
linked to what they repeat, split words joined, cut, garbled and mislabelled passages flagged).

:func:`article_view` returns plain data for ``explorer/article.html`` (which escapes it all).
"""

from __future__ import annotations

import dataclasses

from zkg.explorer.evidence import Defect, Evidence, Paragraph, Support, marks
from zkg.lookup import Names
from zkg.prefixes import PREFIXES, PROLOGUE
from zkg.store import Store
from zkg.values import IRI

__all__ = ["ArticleView", "Join", "article_view", "fact_summary"]

_HEAD = PROLOGUE + """SELECT ?key ?value WHERE {
  { ?a dcterms:title ?value BIND("title" AS ?key) }
  UNION { ?a schema:alternativeHeadline ?value BIND("kicker" AS ?key) }
  UNION { ?a schema:creditText ?value BIND("byline" AS ?key) }
  UNION { ?a dcterms:issued ?value BIND("date" AS ?key) }
  UNION { ?a dcterms:publisher ?value BIND("publisher" AS ?key) }
}"""
#: Statements that name or classify a thing, left out of a record's summary when it has others.
_NAMING = {PREFIXES["rdfs"] + "label", PREFIXES["skos"] + "altLabel", PREFIXES["skos"] + "prefLabel",
           PREFIXES["zt"] + "labelBasis", PREFIXES["zt"] + "description"}


@dataclasses.dataclass
class CitedFact:
    support: Support
    status: str  # the status's English label
    summary: str
    things: list[tuple[IRI, str]]


@dataclasses.dataclass
class Join:
    """Where a paragraph continues another (a split, a misplaced fragment): the words either side."""

    before: Paragraph
    after: Paragraph
    tail: str
    head: str


@dataclasses.dataclass
class ParagraphView:
    paragraph: Paragraph
    pieces: list[tuple[str, tuple]]   # text pieces, each with the indexes of the facts whose words it holds
    facts: list[CitedFact]
    defects: list[Defect]
    repeats: list[Paragraph]          # what a duplicate repeats
    joins: list[Join]


@dataclasses.dataclass
class ArticleView:
    iri: IRI
    head: dict[str, str]
    paragraphs: list[ParagraphView]
    facts: int
    quoted: int


def fact_summary(ev: Evidence, names: Names, fact: str) -> str:
    """A record's statement in words: its triples with labels (``昭通市第一中学 牵头 昭通市第一中学高中教研联盟``)."""
    triples = ev.asserts.get(str(fact), [])
    shown = [t for t in triples if str(t[1]) not in _NAMING] or triples
    if any(str(t[1]) == PREFIXES["zt"] + "indicator" for t in shown):  # a figure: what, of what, how much
        parts = {str(p).rsplit("#", 1)[-1]: o for _s, p, o in shown}
        return " ".join(str(x) for x in (names.label(parts.get("about", ""), "zh"),
                                         names.label(parts.get("indicator", ""), "zh"),
                                         parts.get("valueAsStated", parts.get("value", ""))) if x)
    shown = [t for t in shown if str(t[1]) != PREFIXES["rdf"] + "type"] or shown

    def text(term) -> str:
        return names.label(term, "zh") if isinstance(term, IRI) else str(term)
    return "; ".join(f"{text(s)} {text(p)} {text(o)}" for s, p, o in sorted(shown, key=str)[:3])


def _join(before: Paragraph, after: Paragraph, width: int = 12) -> Join:
    return Join(before, after, before.text[-width:], after.text[:width])


def article_view(store: Store, names: Names, ev: Evidence, article: str) -> ArticleView:
    """The article ``article`` as the view shows it."""
    head: dict[str, str] = {}
    for key, value in store.select(_HEAD, {"a": IRI(article)}).rows:
        head.setdefault(str(key), str(value))
    paragraphs = ev.paragraphs_of(article)
    by_iri = {str(p.iri): p for p in paragraphs}
    views: list[ParagraphView] = []
    statuses: dict[str, str] = {}
    facts: set[str] = set()
    quoted = 0
    for p in paragraphs:
        cited = [s for s in ev.citing.get(str(p.iri), []) if s.status_code != "curated"]
        cited.sort(key=lambda s: str(s.fact))
        shown = [CitedFact(s, statuses.setdefault(str(s.status), names.label(str(s.status), "en") if s.status else "record"),
                           fact_summary(ev, names, s.fact),
                           [(t, names.label(t, "zh")) for t in ev.things(s.fact)][:6]) for s in cited]
        pieces = marks(p.text, [(i, q) for i, s in enumerate(cited) for q in s.quotes])
        quoted += sum(len(piece) for piece, keys in pieces if keys)
        facts.update(str(s.fact) for s in cited)
        defects = ev.defects_of.get(str(p.iri), [])
        repeats = [by_iri[str(r)] for d in defects if d.kind_code.endswith("Duplicate")
                   for r in d.repeats if str(r) in by_iri]
        joins = []
        for d in defects:
            if d.kind_code == "SplitParagraph":
                parts = sorted((by_iri[str(a)] for a in d.affects if str(a) in by_iri), key=lambda x: x.number)
                if len(parts) >= 2 and parts[-1].number == p.number:
                    joins.append(_join(parts[-2], parts[-1]))
            elif d.kind_code == "MisplacedFragment":
                for r in d.repeats:
                    if str(r) in by_iri:
                        joins.append(_join(by_iri[str(r)], p))
        views.append(ParagraphView(p, pieces, shown, defects, repeats, joins))
    return ArticleView(IRI(article), head, views, len(facts), quoted)
