"""Curated records to quads, one record at a time (constant work per record, streamed).

Every record asserts its triples in a named graph of its own, ``ztd:fact/<id>``; what supports them
(the article's words, the paragraph(s), the status, the defects they rest on and, for derived facts,
how they were derived) is said about that graph in the provenance bundle ``ztd:provenance``. An
article's text and metadata are the graph ``ztd:source/<id>``. The build then adds every triple to
the default graph too (``kg_build.build``), so plain questions need no GRAPH clause.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterator

from rdflib import RDF, RDFS, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS, XSD

from kg_build.errors import FactError
from kg_build.facts import Record, as_ints
from kg_build.source import CATALOGUE, Article
from kg_build.vocab import PROVENANCE, ZTD, PREFIXES, Vocabulary, minted

__all__ = ["Context", "Quad", "PROVENANCE", "article_quads", "bundle_quads", "record_quads", "reference_quads",
           "REFERENCE_FIGURES", "PLACE_COLUMNS", "place_columns", "reference_value_columns"]

Triple = tuple[URIRef, URIRef, URIRef | Literal]
Quad = tuple[URIRef, URIRef, URIRef | Literal, URIRef]  # the fourth term names the graph
ORG = PREFIXES["org"]
SCHEMA = Namespace(PREFIXES["schema"])


def _decimal(value: int | float | str) -> Literal:
    lexical = format(Decimal(str(value)).normalize(), "f")
    return Literal(lexical, datatype=XSD.decimal)


def zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def en(text: str) -> Literal:
    return Literal(text, lang="en")


@dataclass
class Context:
    """What every record needs to become triples: the vocabulary, the articles, the defects."""

    vocab: Vocabulary
    articles: dict[str, Article]
    defect_articles: dict[str, str]  # defect id -> the article it is a defect of
    defects_of: dict[str, list[str]] = field(default_factory=dict)  # record id -> defect ids it rests on
    entity_labels: dict[str, str] = field(default_factory=dict)  # entity id -> its zh label

    @staticmethod
    def article_iri(article: str) -> URIRef:
        return minted("source", article)

    @staticmethod
    def paragraph_iri(article: str, n: int) -> URIRef:
        return minted("source", f"{article}/p/{n:03d}")

    def defect_iri(self, defect_id: str) -> URIRef:
        return minted("source", f"{self.defect_articles[defect_id]}/defect/{defect_id}")

    def code(self, rec: Record, key: str, scheme: str, value: str | None = None) -> URIRef:
        """The individual of class ``scheme`` whose zt:code is the record's ``key`` value."""
        value = rec[key] if value is None else value
        known = self.vocab.codes.get(scheme, {})
        if value not in known:
            raise rec.error(key, f"{key} {value!r} is not a {scheme} code of the ontology",
                            f"use one of: {', '.join(sorted(known)) or '(none declared)'}")
        return known[value]


def article_quads(ctx: Context, article: Article) -> Iterator[Quad]:
    """An article's graph ``ztd:source/<id>``: what the catalogue knows of it and its numbered
    paragraphs (with their text); and, in the provenance bundle, the files that graph comes from."""
    zt = ctx.vocab.zt
    art = ctx.article_iri(article.key)
    for t in _article_triples(ctx, article, art):
        yield (*t, art)
    yield art, zt.file, Literal(article.path), PROVENANCE
    yield art, zt.curatedIn, Literal(CATALOGUE), PROVENANCE


def _article_triples(ctx: Context, article: Article, art: URIRef) -> Iterator[Triple]:
    zt = ctx.vocab.zt
    yield art, RDF.type, zt.Article
    yield art, RDFS.label, Literal(article.key)
    meta = article.meta
    if meta.get("title"):
        yield art, DCTERMS.title, zh(meta["title"])
    if meta.get("kicker"):
        yield art, SCHEMA.alternativeHeadline, zh(meta["kicker"])
    if meta.get("byline"):
        yield art, SCHEMA.creditText, zh(meta["byline"])
    if meta.get("publisher"):
        yield art, DCTERMS.publisher, zh(meta["publisher"])
    if meta.get("date"):
        date = meta["date"]
        kind = {4: XSD.gYear, 7: XSD.gYearMonth}.get(len(date), XSD.date)
        yield art, DCTERMS.issued, Literal(date, datatype=kind)
    if meta.get("page"):
        yield art, SCHEMA.pagination, Literal(meta["page"])
    if meta.get("url"):
        yield art, SCHEMA.url, Literal(meta["url"], datatype=XSD.anyURI)
    if meta.get("note"):
        yield art, zt.note, en(meta["note"])
    for n, text in enumerate(article.paragraphs, 1):
        p = ctx.paragraph_iri(article.key, n)
        yield p, RDF.type, zt.Paragraph
        yield p, DCTERMS.isPartOf, art
        yield p, zt.paragraphNumber, Literal(n)
        yield p, zt.text, zh(text)


def bundle_quads() -> Iterator[Quad]:
    """The provenance bundle says what it is, in itself."""
    yield PROVENANCE, RDF.type, PROV.Bundle, PROVENANCE
    yield PROVENANCE, RDFS.label, en("provenance of every curated record and article graph"), PROVENANCE
    yield PROVENANCE, RDFS.label, zh("每条整理记录和每篇报道之图的出处"), PROVENANCE


def _defect(ctx: Context, rec: Record) -> Iterator[Triple]:
    zt = ctx.vocab.zt
    d = ctx.defect_iri(rec.id)
    yield d, RDF.type, zt.SourceDefect
    yield d, zt.defectKind, ctx.code(rec, "kind", "DefectKind")
    yield d, RDFS.label, Literal(rec.id)
    for n in as_ints(rec["paragraphs"]):
        yield d, zt.affects, ctx.paragraph_iri(rec["article"], n)
    for n in as_ints(rec.get("of", [])):
        yield d, zt.repeats, ctx.paragraph_iri(rec["article"], n)
    yield d, zt.quote, zh(rec["evidence"])
    if rec.get("note"):
        yield d, zt.note, en(rec["note"])


def _provenance(ctx: Context, rec: Record) -> Iterator[Triple]:
    """What is known of a record's graph ``ztd:fact/<id>``: the file it was curated in, the quote and
    paragraph(s) it rests on, its status, the defects it rests on and, for a derived fact, how it was
    derived and from which facts (whose defects it inherits)."""
    zt = ctx.vocab.zt
    f = minted("fact", rec.id)
    yield f, RDF.type, zt.Fact
    yield f, zt.curatedIn, Literal(rec.path)
    if rec.section == "defects":  # the curators' finding, shown by its evidence (its note is on the defect)
        yield f, zt.status, ctx.code(rec, "kind", "FactStatus", "curated")
        yield f, zt.quote, zh(rec["evidence"])
        for n in as_ints(rec["paragraphs"]):
            yield f, zt.paragraph, ctx.paragraph_iri(rec["article"], n)
        return
    if rec.get("note"):
        yield f, zt.note, en(rec["note"])
    if "quote" in rec.data:
        yield f, zt.quote, zh(rec["quote"])
        for n in rec.paragraphs:
            yield f, zt.paragraph, ctx.paragraph_iri(rec["article"], n)
    # the defects of its own paragraphs and, for a derived fact, those of every fact it rests on
    for d in ctx.defects_of.get(rec.id, ()):
        yield f, zt.restsOnDefect, ctx.defect_iri(d)
    if "derived" in rec.data:
        yield f, zt.status, ctx.code(rec, "derived", "FactStatus", "derived")
        yield f, zt.derivation, en(rec["derived"]["method"])
        for other in rec["derived"]["from"]:
            yield f, PROV.wasDerivedFrom, minted("fact", other)
    elif rec.section == "sources":  # a reference source the curators describe
        yield f, zt.status, ctx.code(rec, "id", "FactStatus", "curated")
    elif "source" in rec.data:
        yield f, zt.status, ctx.code(rec, "source", "FactStatus", "reference")
        yield f, DCTERMS.source, minted("source", rec["source"])
    else:
        yield f, zt.status, ctx.code(rec, "quote", "FactStatus", "stated")


def record_quads(ctx: Context, rec: Record) -> Iterator[Quad]:
    """One curated record: the triples it asserts, in its own graph ``ztd:fact/<id>``, and what
    supports them, about that graph, in the provenance bundle."""
    g = minted("fact", rec.id)
    for t in _EMITTERS[rec.section](ctx, rec):
        yield (*t, g)
    for t in _provenance(ctx, rec):
        yield (*t, PROVENANCE)


def _entity(ctx: Context, rec: Record) -> Iterator[Triple]:
    zt, vocab = ctx.vocab.zt, ctx.vocab
    e = ZTD[rec.id]
    cls = vocab.classes.get(rec["class"])
    if cls is None:
        raise rec.error("class", f"class {rec['class']!r} is not declared in the ontology",
                        "use a class of ontology/zhaotong.ttl, e.g. School, County, Person, Program")
    yield e, RDF.type, cls
    yield e, RDFS.label, zh(rec["zh"])
    yield e, RDFS.label, en(rec["en"])
    for alt in rec.get("alt_zh", []):
        yield e, SKOS.altLabel, zh(alt)
    yield e, zt.labelBasis, ctx.code(rec, "en_basis", "LabelBasis")
    if rec.get("description_en"):
        yield e, zt.description, en(rec["description_en"])
    if rec.get("description_zh"):
        yield e, zt.description, zh(rec["description_zh"])


def _relation(ctx: Context, rec: Record) -> Iterator[Triple]:
    prop = ctx.vocab.curie(rec["property"])
    if prop is None:
        raise rec.error("property", f"property {rec['property']!r} is not declared in the ontology",
                        "use a zt property name (e.g. locatedIn, partOf, runBy) or a declared CURIE (org:memberOf)")
    s, o = ZTD[rec["subject"]], ZTD[rec["object"]]
    yield s, prop, o


def _post(ctx: Context, rec: Record) -> Iterator[Triple]:
    org = lambda local: URIRef(ORG + local)  # noqa: E731 - reused W3C ORG terms
    post, person = minted("post", rec.id), ZTD[rec["person"]]
    yield post, RDF.type, org("Post")
    yield post, org("heldBy"), person
    yield post, org("postIn"), ZTD[rec["organization"]]
    yield post, org("role"), ctx.code(rec, "role", "Role")
    yield person, org("holds"), post


def _membership(ctx: Context, rec: Record) -> Iterator[Triple]:
    org = lambda local: URIRef(ORG + local)  # noqa: E731
    m, member, group = minted("membership", rec.id), ZTD[rec["member"]], ZTD[rec["organization"]]
    role = ctx.code(rec, "role", "Role")
    yield m, RDF.type, org("Membership")
    yield m, org("member"), member
    yield m, org("organization"), group
    yield m, org("role"), role
    yield member, org("memberOf"), group
    for prop in ctx.vocab.graph.objects(role, org("roleProperty")):  # e.g. zt:leads for the alliance leader
        if isinstance(prop, URIRef):  # only an IRI can be a predicate
            yield member, prop, group


def _figure(ctx: Context, rec: Record) -> Iterator[Triple]:
    zt = ctx.vocab.zt
    f = minted("fact", rec.id)
    value = _decimal(rec["value"])
    yield f, RDF.type, zt.Observation
    yield f, zt.about, ZTD[rec["about"]]
    yield f, zt.indicator, ZTD[rec["indicator"]]
    yield f, zt.value, value
    yield f, zt.unit, ctx.code(rec, "unit", "Unit")
    yield f, zt.observationKind, ctx.code(rec, "kind", "ObservationKind")
    if rec.get("as_stated"):
        yield f, zt.valueAsStated, zh(rec["as_stated"])
    if rec.get("year") is not None:
        yield f, zt.year, Literal(str(rec["year"]), datatype=XSD.gYear)
    if rec.get("baseline_year") is not None:
        yield f, zt.baselineYear, Literal(str(rec["baseline_year"]), datatype=XSD.gYear)
    if rec.get("period"):
        yield f, zt.periodLabel, zh(rec["period"])
    if rec.get("bound"):
        yield f, zt.bound, ctx.code(rec, "bound", "Bound")


def _source(ctx: Context, rec: Record) -> Iterator[Triple]:
    zt = ctx.vocab.zt
    s = minted("source", rec.id)
    yield s, RDF.type, zt.ReferenceSource
    yield s, DCTERMS.title, en(rec["title"])
    yield s, DCTERMS.bibliographicCitation, en(rec["citation"])
    for file in rec.get("files", []):
        yield s, zt.file, Literal(file)
    if rec.get("publisher"):  # a report's publisher, as its masthead names it (Chinese or English)
        yield s, DCTERMS.publisher, Literal(rec["publisher"])
    if rec.get("date"):
        date = rec["date"]
        yield s, DCTERMS.issued, Literal(date, datatype={4: XSD.gYear, 7: XSD.gYearMonth}.get(len(date), XSD.date))
    if rec.get("url"):
        yield s, SCHEMA.url, Literal(rec["url"], datatype=XSD.anyURI)
    if rec.get("reliability"):
        yield s, zt.reliability, Literal(rec["reliability"])
    if rec.get("note"):
        yield s, zt.note, en(rec["note"])


def _mention(ctx: Context, rec: Record) -> Iterator[Triple]:
    """An entity declared elsewhere, named in (another) article: the entity zt:mentionedIn the paragraph,
    and the name used there as an alternative label when it is not the entity's label."""
    e = ZTD[rec["entity"]]
    if rec["zh"] != ctx.entity_labels.get(rec["entity"]):
        yield e, SKOS.altLabel, zh(rec["zh"])
    for n in rec.paragraphs:
        yield e, ctx.vocab.zt.mentionedIn, ctx.paragraph_iri(rec["article"], n)


_EMITTERS = {"entities": _entity, "mentions": _mention, "relations": _relation, "posts": _post, "memberships": _membership,
             "figures": _figure, "sources": _source, "defects": _defect}

# The reference CSV's columns and the form of their cells: (type, required), types as in
# kg_build.facts.CSV_TYPES. Which words the column ``kind`` may hold, and the class each names, is
# the ontology's (``zt:referenceKind``, :func:`place_columns`); so is which data property a column
# of values fills (``zt:referenceColumn``).
PLACE_COLUMNS: dict[str, tuple[str, bool]] = {
    "name_zh": ("text", True),
    "name_en": ("text", True),
    "kind": ("text", True),
    "admin_code": ("division-code", False),
    "wikidata_qid": ("wikidata-id", False),
    "geonames_id": ("count", False),
    "area_km2": ("amount", False),
    "population_2020": ("count", False),
}

# The columns that are figures: the indicator (an entity of facts/reference/sources.yaml), the unit
# code and the year they give. This one table stays here: indicator ids are data, not ontology terms,
# and the CSV is a copy of a shared file that we do not edit, so it cannot carry them in its header.
REFERENCE_FIGURES: dict[str, tuple[str, str, int | None]] = {
    "area_km2": ("indicator/land-area", "km2", None),
    "population_2020": ("indicator/population", "persons", 2020),
}


def place_columns(vocab: Vocabulary) -> dict[str, tuple[str | dict[str, str], bool]]:
    """:data:`PLACE_COLUMNS` with the words of ``kind`` the ontology declares (``zt:referenceKind``)."""
    return {**PLACE_COLUMNS, "kind": (vocab.reference_kinds, True)}


def reference_value_columns(vocab: Vocabulary) -> list[str]:
    """The columns whose cells become facts: the data properties' and the figures', in CSV order."""
    values = set(vocab.reference_columns) | set(REFERENCE_FIGURES)
    return [c for c in PLACE_COLUMNS if c in values]


def reference_quads(ctx: Context, path: str, rows: list[tuple[int, dict[str, str]]],
                    entities_by_zh: dict[str, str], source_id: str) -> Iterator[Quad]:
    """Facts from the reference CSV for the entities whose Chinese name matches a row's ``name_zh``.

    Each column value becomes a record of its own (graph ``ztd:fact/ref-<entity>-<column>``) with
    status Reference citing ``source_id``.
    """
    zt = ctx.vocab.zt
    for line, row in rows:
        entity_id = entities_by_zh.get(row["name_zh"])
        if entity_id is None:
            continue
        e = ZTD[entity_id]
        slug = entity_id.replace("/", "-")
        for column in reference_value_columns(ctx.vocab):
            raw = row.get(column, "")
            if not raw:
                continue
            prop, figure = ctx.vocab.reference_columns.get(column), REFERENCE_FIGURES.get(column)
            rec = Record("figures" if figure else "relations", {"id": f"ref-{slug}-{column.replace('_', '-')}",
                                                                  "source": source_id}, path, line)
            g = minted("fact", rec.id)
            if prop:
                yield e, prop, Literal(raw), g
                if prop == zt.wikidataId:
                    yield e, SKOS.exactMatch, URIRef(f"http://www.wikidata.org/entity/{raw}"), g
            else:
                assert figure is not None  # reference_value_columns: a column is a property's or a figure's
                indicator, unit, year = figure
                try:
                    number = Decimal(raw)
                except ArithmeticError:
                    raise FactError(path, line, f"{column} {raw!r} is not a number",
                                    "write the number in digits") from None
                rec.data.update({"about": entity_id, "indicator": indicator, "value": number, "unit": unit,
                                 "kind": "level", "as_stated": raw, **({"year": year} if year else {})})
                for t in _figure(ctx, rec):
                    yield (*t, g)
            for t in _provenance(ctx, rec):
                yield (*t, PROVENANCE)
