"""An entity's page (``/id/…``): what :func:`zkg.explore.entity_report` says about it, laid out
for a browser, with each statement's support (:mod:`zkg.explorer.evidence`) and its description
in RDF for machines (:func:`describe`).

:func:`entity_view` returns plain data for the template ``explorer/entity.html``: nothing here
writes HTML, so the template escapes every value.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import Any

from zkg import explore
from zkg.explorer.charts import Chart, Network, network, series_chart
from zkg.explorer.evidence import Evidence, Paragraph, Support, highlight
from zkg.errors import ParameterError
from zkg.lookup import Names
from zkg.prefixes import PREFIXES, PROLOGUE
from zkg.store import Store
from zkg.table import format_graph
from zkg.values import IRI

__all__ = ["FORMATS", "EntityView", "Statement", "describe", "entity_view", "known", "paragraph_path", "support_view"]

#: The RDF formats an entity's description is given in: media type → (``format_graph`` name, file suffix).
FORMATS = {"text/turtle": ("ttl", ".ttl"), "application/n-triples": ("nt", ".nt"),
           "application/ld+json": ("jsonld", ".jsonld")}

_DESCRIBE = PROLOGUE + """CONSTRUCT { ?e ?p ?o . ?s ?q ?e } WHERE { { ?e ?p ?o } UNION { ?s ?q ?e } }"""
_KNOWN = "ASK { { ?e ?p ?o } UNION { ?s ?q ?e } }"


def describe(store: Store, iri: str, fmt: str) -> str:
    """The triples of the default graph with ``iri`` as subject or object, as RDF text
    (``fmt``: ``ttl``, ``nt`` or ``jsonld``)."""
    return format_graph(store.select(_DESCRIBE, {"e": IRI(iri)}, max_rows=None), fmt)


def known(store: Store, iri: str) -> bool:
    """Whether ``iri`` stands in some triple of the default graph (False for text that is no IRI,
    such as a path with ``<`` or a space in it)."""
    try:
        return bool(store.select(_KNOWN, {"e": IRI(iri)}).rows[0][0])
    except ParameterError:
        return False


def paragraph_path(paragraph: Paragraph, single: bool) -> str:
    """The article view's link to a paragraph: ``/article#p16`` (or ``/article/<id>#p16`` when the
    graph holds several articles)."""
    if single or paragraph.article is None:
        return f"/article#p{paragraph.number}"
    return f"/article/{str(paragraph.article).rsplit('/', 1)[-1]}#p{paragraph.number}"


@dataclasses.dataclass
class Quoted:
    """A paragraph with a record's words marked in it."""

    number: int
    path: str
    pieces: list[tuple[str, bool]]


@dataclasses.dataclass
class SupportView:
    support: Support
    quoted: list[Quoted]
    defects: list[tuple[IRI, str, list[int]]]  # defect, its kind's label, its paragraphs


@dataclasses.dataclass
class Statement:
    other: str
    other_iri: IRI | None
    supports: list[SupportView]
    value: Any = None  # a literal's value (shown with its language)


@dataclasses.dataclass
class Group:
    direction: str
    prop: IRI
    label_zh: str
    label_en: str
    statements: list[Statement]


@dataclasses.dataclass
class EntityView:
    report: explore.EntityReport
    classes: list[tuple[IRI, str, str]]
    groups: list[Group]
    figures: list[dict]
    charts: list[Chart]
    network: Network | None
    own: SupportView | None           # the record's own provenance, on a record's page
    asserts: list[tuple[Any, Any, Any]]  # the triples a record asserts
    paragraph: Paragraph | None       # on a paragraph's page
    paragraph_path: str | None        # …and its place in the article view
    article: str | None               # on an article's page: its view
    defects: list[tuple[IRI, str, int, int, str]]  # defect, kind, paragraph, records, its link
    mentions: list[tuple[int, str, str]]


def _expand(curie: str) -> IRI:
    prefix, _, local = curie.partition(":")
    return IRI(PREFIXES[prefix] + local) if prefix in PREFIXES else IRI(curie)


def support_view(ev: Evidence, names: Names, fact: str, single: bool) -> SupportView:
    """One record's support, its words marked inside their paragraphs."""
    s = ev.support.get(str(fact)) or Support(IRI(fact))
    quoted = []
    for p_iri in s.paragraphs:
        p = ev.paragraphs.get(str(p_iri))
        if p is not None:
            quoted.append(Quoted(p.number, paragraph_path(p, single), highlight(p.text, s.quotes)))
    defects = []
    for d_iri in s.defects:
        d = ev.defects.get(str(d_iri))
        numbers = sorted(ev.paragraphs[str(a)].number for a in (d.affects if d else []) if str(a) in ev.paragraphs)
        defects.append((IRI(d_iri), names.label(str(d.kind), "en") if d and d.kind else "", numbers))
    return SupportView(s, quoted, defects)


def _figures(report: explore.EntityReport, names: Names, ev: Evidence, single: bool) -> list[dict]:
    rows = []
    for r in report.figure_records:
        cited = [ev.paragraphs[str(p)] for p in (ev.support.get(str(r["fact"])) or Support(r["fact"])).paragraphs
                 if str(p) in ev.paragraphs]
        rows.append({**r, "paragraphPath": paragraph_path(cited[0], single) if cited else None, "indicatorZh": names.label(r["indicator"], "zh"),
                     "indicatorEn": names.label(r["indicator"], "en"),
                     "unitLabel": names.label(r["unit"], "zh") if r["unit"] else "",
                     "kindLabel": names.label(r["kind"], "en") if r["kind"] else "",
                     "verdictLabel": names.label(r["verdict"], "en") if r["verdict"] else ""})
    return rows


def _charts(figures: list[dict], names: Names) -> list[Chart]:
    """One chart per indicator and unit that has levels in two or more years."""
    series: dict[tuple, list[dict]] = defaultdict(list)
    for f in figures:
        if f["year"] is not None and str(f["kind"] or "").endswith("#Level"):
            series[(f["indicator"], f["unit"])].append(f)
    charts = []
    for (indicator, unit), points in series.items():
        if len({str(p["year"]) for p in points}) >= 2:
            title = f"{names.label(indicator, 'zh')} ({names.label(indicator, 'en')})"
            charts.append(series_chart(title, names.label(unit, "zh") if unit else "",
                                       [(int(str(p["year"])[:4]), float(p["value"]), str(p["asStated"] or p["value"]),
                                         p["source"] is None) for p in points]))
    return charts


def entity_view(store: Store, names: Names, ev: Evidence, iri: str) -> EntityView:
    """Everything the entity page shows about ``iri``."""
    report = explore.entity_report(store, names, IRI(iri))
    single = len(ev.articles()) <= 1
    views: dict[str, SupportView] = {}

    def view(fact: str) -> SupportView:
        if fact not in views:
            views[fact] = support_view(ev, names, fact, single)
        return views[fact]

    groups: dict[tuple[str, str], Group] = {}
    for row, facts in zip(report.statements.rows, report.statement_facts):
        direction, _plabel, pcompact, other, other_iri, _w, _n = row
        prop = _expand(pcompact)
        group = groups.get((direction, prop))
        if group is None:
            group = groups[(direction, prop)] = Group(direction, prop, names.label(prop, "zh"),
                                                      names.label(prop, "en"), [])
        group.statements.append(Statement(other, other_iri, [view(f) for f in facts]))
    classes = [(IRI(c), names.label(c, "zh"), names.label(c, "en"))
               for c in sorted(names.types.get(str(iri), ()))]
    figures = _figures(report, names, ev, single)
    neighbours: dict[IRI, str] = {}
    for row in report.statements.rows:
        if isinstance(row[4], IRI) and row[4].startswith(PREFIXES["ztd"]) and row[4] != iri:
            neighbours.setdefault(row[4], names.label(row[4], "zh"))
    is_fact = str(iri) in ev.support
    paragraph = ev.paragraphs.get(str(iri))
    return EntityView(
        report, classes,
        sorted(groups.values(), key=lambda g: (g.direction != "→", g.label_en.lower(), g.prop)),
        figures, _charts(figures, names),
        network(names.label(iri, "zh"), list(neighbours.items())[:24]) if neighbours else None,
        view(str(iri)) if is_fact else None,
        sorted(ev.asserts.get(str(iri), []), key=lambda t: (str(t[0]), str(t[1]), str(t[2]))),
        paragraph, paragraph_path(paragraph, single) if paragraph else None,
        ("/article" if single else "/article/" + str(iri).rsplit("/", 1)[-1]) if iri in ev.articles() else None,
        [(IRI(d), kind, n, count, _defect_path(ev, d, n, single)) for d, kind, n, count in report.defects.rows],
        [(n, words, paragraph_path(ev.paragraphs[p], single))
         for n, words in report.mentions.rows
         for p in _paragraph_iris(ev, n, words)][:40])


def _defect_path(ev: Evidence, defect: str, number: int, single: bool) -> str:
    d = ev.defects.get(str(defect))
    for p in (d.affects if d else []):
        if str(p) in ev.paragraphs and ev.paragraphs[str(p)].number == number:
            return paragraph_path(ev.paragraphs[str(p)], single)
    return f"/article#p{number}"


def _paragraph_iris(ev: Evidence, number: int, words: str) -> list[IRI]:
    """The paragraph numbered ``number`` whose text holds ``words`` (numbers repeat across articles)."""
    snippet = words.strip("…")
    return [p.iri for p in ev.paragraphs.values() if p.number == number and snippet in p.text][:1]
