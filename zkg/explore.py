"""Look around the graph as a person would: find things by name, see everything about one thing,
read one paragraph of the article with the facts that cite it (``zkg search``, ``zkg show``,
``zkg paragraph``).

Each function takes a store (and the :class:`~zkg.lookup.Names` read from it) and returns data:
:class:`~zkg.result.Result` tables and plain values; the CLI lays them out. The queries are plain
SPARQL 1.1 with the thing bound as a parameter, so they run on every engine.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import Any

from zkg.lookup import TIERS, Names
from zkg.prefixes import PREFIXES, PROLOGUE
from zkg.result import Result
from zkg.store import Store
from zkg.values import compact, IRI

__all__ = ["EntityReport", "ParagraphReport", "entity_report", "paragraph_report", "search"]

_PROLOGUE = PROLOGUE
ARTICLE = PREFIXES["ztd"] + "source/zhaotong-education-2025"

#: Predicates shown in the heading of ``zkg show`` rather than as statements.
_HEADING = {PREFIXES["rdf"] + "type", PREFIXES["rdfs"] + "label", PREFIXES["skos"] + "prefLabel",
            PREFIXES["skos"] + "altLabel", PREFIXES["zt"] + "labelBasis", PREFIXES["zt"] + "description"}
#: The properties that tie a post or a membership node to its person, organisation and role.
_NODE_LINKS = {PREFIXES["org"] + p for p in ("heldBy", "postIn", "member", "organization", "role")}

_OUT = _PROLOGUE + "SELECT ?e ?p ?o WHERE { ?e ?p ?o } ORDER BY ?p ?o"
_IN = _PROLOGUE + "SELECT ?e ?s ?p WHERE { ?s ?p ?e } ORDER BY ?p ?s"
# Posts and memberships that involve the thing: who, where, as what.
_NODES = _PROLOGUE + """SELECT ?e ?n ?role ?org ?who WHERE {
  { ?n org:heldBy ?e } UNION { ?n org:postIn ?e } UNION { ?n org:member ?e } UNION { ?n org:organization ?e }
  UNION { ?e org:holds ?n }
  ?n org:role ?role .
  OPTIONAL { ?n org:postIn|org:organization ?org }
  OPTIONAL { ?n org:heldBy|org:member ?who }
}"""
# Every triple that touches the thing, or one of its posts and memberships, with the record (the
# named graph) that asserts it and that record's words.
_FACTS = _PROLOGUE + """SELECT DISTINCT ?e ?fact ?s ?p ?o ?quote ?paragraph ?status WHERE {
  { GRAPH ?fact { ?e ?p ?o } BIND(?e AS ?s) }
  UNION { GRAPH ?fact { ?s ?p ?e } BIND(?e AS ?o) }
  UNION { GRAPH ?fact { ?n org:heldBy|org:postIn|org:member|org:organization ?e . ?n ?p ?o } BIND(?n AS ?s) }
  ?fact a zt:Fact .
  OPTIONAL { ?fact zt:quote ?quote }
  OPTIONAL { ?fact zt:paragraph/zt:paragraphNumber ?paragraph }
  OPTIONAL { ?fact zt:status ?status }
} ORDER BY ?paragraph ?fact"""
_FIGURES = _PROLOGUE + """SELECT ?e ?fact ?indicator ?asStated ?value ?unit ?year ?period ?baseline ?kind ?paragraph ?quote
       ?source ?verdict WHERE {
  ?fact a zt:Observation ; zt:about ?e ; zt:indicator ?indicator ; zt:value ?value .
  OPTIONAL { ?fact zt:valueAsStated ?asStated }
  OPTIONAL { ?fact zt:unit ?unit }
  OPTIONAL { ?fact zt:year ?year }
  OPTIONAL { ?fact zt:periodLabel ?period }
  OPTIONAL { ?fact zt:baselineYear ?baseline }
  OPTIONAL { ?fact zt:observationKind ?kind }
  OPTIONAL { ?fact zt:paragraph/zt:paragraphNumber ?paragraph }
  OPTIONAL { ?fact zt:quote ?quote }
  OPTIONAL { ?fact dcterms:source ?source }                  # another report's (or reference) figure
  OPTIONAL { ?check zt:ofFigure ?fact ; zt:verdict ?verdict }  # an article figure against other reports
} ORDER BY ?paragraph ?indicator ?fact"""
_DEFECTS = _PROLOGUE + """SELECT ?e ?defect ?kind ?paragraph ?fact WHERE {
  { GRAPH ?fact { ?e ?p ?o } } UNION { GRAPH ?fact { ?s ?p ?e } }
  ?fact zt:restsOnDefect ?defect .
  ?defect zt:defectKind ?kind ; zt:affects/zt:paragraphNumber ?paragraph .
} ORDER BY ?paragraph ?defect ?fact"""
_PARAGRAPH = _PROLOGUE + """SELECT ?n ?p ?text WHERE {
  ?p a zt:Paragraph ; zt:paragraphNumber ?n ; zt:text ?text .
}"""
_PARAGRAPH_RANGE = _PROLOGUE + """SELECT (MIN(?n) AS ?first) (MAX(?n) AS ?last) WHERE {
  ?p a zt:Paragraph ; zt:paragraphNumber ?n }"""
_PARAGRAPH_FACTS = _PROLOGUE + """SELECT ?n ?fact ?status ?s ?pred ?o ?quote ?about ?indicator ?asStated ?role ?org
WHERE {
  ?p a zt:Paragraph ; zt:paragraphNumber ?n .
  ?fact zt:paragraph ?p .
  FILTER NOT EXISTS { ?fact zt:status zt:Curated }  # a defect: listed under the paragraph's defects
  OPTIONAL { ?fact zt:status ?status }
  OPTIONAL { ?fact zt:quote ?quote }
  OPTIONAL { ?fact zt:about ?about ; zt:indicator ?indicator . OPTIONAL { ?fact zt:valueAsStated ?asStated } }
  # the record's own statement: its triples but labels, a figure's parts, a post's or a membership's
  # parts and shortcuts (the row shows the person or member, the role and the organisation)
  OPTIONAL { GRAPH ?fact { ?s ?pred ?o }
             FILTER(?pred NOT IN (rdfs:label, skos:altLabel, zt:labelBasis, zt:description, org:holds,
                                  org:memberOf, zt:leads, org:role, org:postIn, org:organization))
             FILTER NOT EXISTS { ?fact a zt:Observation }
             FILTER(?pred != rdf:type || NOT EXISTS { GRAPH ?fact { ?s org:role ?anyRole } }) }
  OPTIONAL { ?s org:role ?role ; org:postIn|org:organization ?org }
} ORDER BY ?fact"""
_PARAGRAPH_DEFECTS = _PROLOGUE + """SELECT ?n ?defect ?kind ?evidence WHERE {
  ?p a zt:Paragraph ; zt:paragraphNumber ?n .
  ?defect zt:affects ?p ; zt:defectKind ?kind .
  OPTIONAL { ?defect zt:quote ?evidence }
} ORDER BY ?defect"""


def search(names: Names, text: str, cls: str | None = None, limit: int | None = None) -> Result:
    """The things whose names match ``text``, best first (:meth:`Names.search`), as a table:
    the name matched, the zh and en labels, the class and its Chinese name, the IRI, how it matched."""
    rows = []
    for rank, m in enumerate(names.search(text, cls)[:limit], 1):
        cls_short = names.class_of(m.iri)
        cls_iri = PREFIXES.get(cls_short.split(":")[0], "") + cls_short.split(":", 1)[-1] if cls_short else ""
        rows.append((rank, names.label(m.iri, "zh"), names.label(m.iri, "en"), cls_short,
                     names.label(cls_iri, "zh") if cls_iri in names.labels else "", m.iri, TIERS[m.tier]))
    return Result(("rank", "nameZh", "nameEn", "class", "classZh", "iri", "match"), rows, True)


def _label(names: Names, value: Any, lang: str = "zh") -> str:
    if isinstance(value, IRI):
        return names.label(value, lang) if value in names.labels else compact(value)
    return "" if value is None else str(value)


@dataclasses.dataclass
class EntityReport:
    """Everything about one thing (the CLI prints it)."""

    iri: IRI
    labels: dict[str, str]
    alt: list[str]
    classes: list[str]
    descriptions: list[str]
    introduced: list[tuple[str, str]]        # the words that name it, and their paragraphs
    statements: Result                       # direction, property, other end, words, paragraphs
    figures: Result
    defects: Result
    mentions: Result = dataclasses.field(default_factory=lambda: Result(("paragraph", "words"), []))
    #: The records (``ztd:fact/…``) behind each row of :attr:`statements`, in the same order.
    statement_facts: list[tuple[IRI, ...]] = dataclasses.field(default_factory=list)
    #: The rows of :attr:`figures` as the query gave them (IRIs and typed values), same order.
    figure_records: list[dict] = dataclasses.field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.labels or self.classes or self.statements.rows or self.figures.rows)


def _words(facts: list[dict]) -> tuple[str, str]:
    quotes = list(dict.fromkeys(str(f["quote"]) for f in facts if f.get("quote")))
    paras = sorted({int(f["paragraph"]) for f in facts if f.get("paragraph") is not None})
    return " / ".join(quotes), ", ".join(f"¶{n}" for n in paras)


def entity_report(store: Store, names: Names, iri: IRI) -> EntityReport:
    """Labels, classes, statements in and out with the article's words and paragraphs, the
    figures about it and the defects its facts rest on."""
    bind = {"e": IRI(iri)}
    out = store.select(_OUT, bind, max_rows=None).rows
    inc = store.select(_IN, bind, max_rows=None).rows
    nodes = {n: (role, org, who) for _, n, role, org, who in store.select(_NODES, bind, max_rows=None).rows}
    facts = store.select(_FACTS, bind, max_rows=None).records()
    by_triple: dict[tuple, list[dict]] = defaultdict(list)
    by_subject: dict[str, list[dict]] = defaultdict(list)
    for f in facts:
        by_triple[(f["s"], f["p"], f["o"])].append(f)
        by_subject[f["s"]].append(f)

    labels = {lang: names.label(iri, lang) for lang in ("zh", "en") if iri in names.labels}
    alt = [str(a) for a in names.alts.get(iri, [])]
    classes = sorted({_class_text(names, o) for _, p, o in out if p == PREFIXES["rdf"] + "type"})
    descriptions = [str(o) for _, p, o in out if p == PREFIXES["zt"] + "description"]
    introduced = [_words(fs) for (s, p, _o), fs in by_triple.items()
                  if s == iri and p == PREFIXES["rdf"] + "type"]

    def node_text(n: str) -> str:
        role, org, who = nodes[n]
        parts = [_label(names, role)]
        if who is not None and who != iri:
            parts.append(_label(names, who))
        if org is not None and org != iri:
            parts.append("@ " + _label(names, org))
        return " ".join(p for p in parts if p)

    def via_node(who: Any, org: Any) -> list[dict]:
        """The words of a shortcut (org:memberOf, zt:leads, org:holds): those of its membership or post."""
        return [f for n, (_r, o, w) in nodes.items() if w == who and o == org for f in by_subject.get(n, [])]

    rows, row_facts = [], []

    def record(fs: list[dict]) -> None:
        row_facts.append(tuple(dict.fromkeys(IRI(f["fact"]) for f in fs)))

    for _, p, o in out:
        if p in _HEADING:
            continue
        if o in nodes:
            other, fs = node_text(o), by_subject.get(o, [])
        else:
            other, fs = _label(names, o), by_triple.get((iri, p, o), []) or via_node(iri, o)
        quote, paras = _words(fs)
        rows.append(("→", _label(names, p), compact(p), other, o if isinstance(o, IRI) else None, quote, paras))
        record(fs)
    for _, s, p in inc:
        if s in nodes and p in _NODE_LINKS:
            role, org, who = nodes[s]
            if org == iri:  # a post in / membership of this organisation: who holds it
                quote, paras = _words(by_subject.get(s, []))
                rows.append(("←", _label(names, p), compact(p), node_text(s), who, quote, paras))
                record(by_subject.get(s, []))
            continue
        if p == PREFIXES["zt"] + "about":
            continue  # figures: shown under figures
        fs = by_triple.get((s, p, iri), []) or via_node(s, iri)
        quote, paras = _words(fs)
        rows.append(("←", _label(names, p), compact(p), _label(names, s), s if isinstance(s, IRI) else None,
                     quote, paras))
        record(fs)
    statements = Result(("dir", "property", "propertyIri", "other", "otherIri", "words", "paragraphs"), rows, True)

    fig_rows = []
    fig_records = store.select(_FIGURES, bind, max_rows=None).records()
    for r in fig_records:
        when = " ".join(str(x) for x in (r["year"], r["period"]) if x is not None)
        if r["baseline"] is not None:
            when = (when + " " if when else "") + f"(vs {r['baseline']})"
        source = "article" if r["source"] is None else str(r["source"]).rsplit("/", 1)[-1]
        fig_rows.append((_label(names, r["indicator"]), r["asStated"], r["value"], _label(names, r["unit"]), when,
                         _label(names, r["kind"]), r["paragraph"], source,
                         None if r["verdict"] is None else _label(names, r["verdict"]), r["fact"]))
    figures = Result(("indicator", "asStated", "value", "unit", "when", "kind", "paragraph", "source",
                      "verdict", "fact"), fig_rows, True)

    defect_facts: dict[tuple, list[str]] = defaultdict(list)
    for r in store.select(_DEFECTS, bind, max_rows=None).records():
        defect_facts[(r["defect"], r["kind"], r["paragraph"])].append(compact(r["fact"]))
    defects = Result(("defect", "kind", "paragraph", "facts"),
                     [(d, _label(names, k), n, len(set(fs))) for (d, k, n), fs in defect_facts.items()], True)
    return EntityReport(IRI(iri), labels, alt, classes, descriptions, introduced, statements, figures, defects,
                        mentions(store, [labels.get("zh", ""), *alt]), row_facts, fig_records)


_PARAGRAPHS = """PREFIX zt: <https://w3id.org/zhaotong-kg/ontology#>
SELECT ?n ?text WHERE { ?p a zt:Paragraph ; zt:paragraphNumber ?n ; zt:text ?text } ORDER BY ?n"""


def mentions(store: Store, names: list[str], around: int = 24) -> Result:
    r"""The paragraphs whose text contains one of ``names`` (the article's own words, found by a
    plain text search: where a person speaks, or a school is named without a fact of its own),
    each with the words around the first occurrence.

    >>> from zkg.store import open_store
    >>> s = open_store(data='<https://w3id.org/zhaotong-kg/id/p1> '
    ...     '<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/zhaotong-kg/ontology#Paragraph> .\n'
    ...     '<https://w3id.org/zhaotong-kg/id/p1> <https://w3id.org/zhaotong-kg/ontology#paragraphNumber> "3"'
    ...     '^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    ...     '<https://w3id.org/zhaotong-kg/id/p1> <https://w3id.org/zhaotong-kg/ontology#text> "局长周世碧介绍说"@zh .')
    >>> mentions(s, ["周世碧"]).rows
    [(3, '局长周世碧介绍说')]
    """
    names = sorted({n for n in names if len(n) >= 2}, key=len, reverse=True)
    rows = []
    for number, text in store.select(_PARAGRAPHS, max_rows=None).rows:
        hits = [text.find(n) for n in names if n in text]
        if hits:
            at = min(hits)
            start, end = max(0, at - around), min(len(text), at + around)
            rows.append((number, ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")))
    return Result(("paragraph", "words"), rows, True)


def _class_text(names: Names, cls: Any) -> str:
    if not isinstance(cls, IRI):
        return str(cls)
    zh, en = _label(names, cls, "zh"), _label(names, cls, "en")
    shown = " / ".join(dict.fromkeys(x for x in (zh, en) if x and x != compact(cls)))
    return f"{shown} ({compact(cls)})" if shown else compact(cls)


@dataclasses.dataclass
class ParagraphReport:
    number: int
    iri: IRI
    text: str
    facts: Result
    defects: Result


def paragraph_range(store: Store) -> tuple[int, int] | None:
    """The first and last paragraph numbers of the article in the graph (None if it has none)."""
    first, last = store.select(_PARAGRAPH_RANGE).rows[0]
    return None if first is None else (int(first), int(last))


def paragraph_report(store: Store, names: Names, number: int) -> ParagraphReport | None:
    """Paragraph ``number`` (the N-th non-blank line), the facts that cite it and its defects;
    None when the article has no such paragraph."""
    bind = {"n": number}
    found = store.select(_PARAGRAPH, bind).rows
    if not found:
        return None
    _, iri, text = found[0]
    rows = []
    for r in store.select(_PARAGRAPH_FACTS, bind, max_rows=None).records():
        if r["about"] is not None:  # a figure: what it is about, the indicator and the value as stated
            about = _label(names, r["about"])
            said = f"{_label(names, r['indicator'])}: {r['asStated'] or _label(names, r['o'])}"
        elif r["role"] is not None:  # a post or a membership: where, who, as what
            about = _label(names, r["org"])
            said = f"{_label(names, r['role'])} {_label(names, r['o'])}"
        else:
            about = _label(names, r["s"]) if r["s"] is not None else ""
            said = " ".join(x for x in (_label(names, r["pred"]), _label(names, r["o"])) if x)
        rows.append((r["fact"], _label(names, r["status"]), about, said, r["quote"]))
    facts = Result(("fact", "status", "about", "statement", "quote"), rows, True)
    defects = Result(("defect", "kind", "evidence"),
                     [(r["defect"], _label(names, r["kind"]), r["evidence"])
                      for r in store.select(_PARAGRAPH_DEFECTS, bind, max_rows=None).records()], True)
    return ParagraphReport(number, iri, str(text), facts, defects)
