"""The article against other reports: their figures as observations, and a verdict on each article figure.

Two curated files feed this stage (DESIGN.md, "The article against other reports"):

- ``facts/reference/other-reports.csv``, figures from other public reports (a copy of
  shared/reference/other-reports.csv), each row citing a report declared under ``sources`` in
  ``facts/reference/other-reports.yaml``;
- ``facts/reference/other-reports-measures.csv``, one line per measure those rows use: whether it is
  the **same** as one of the article's indicators, only **related** to one, or has **none**, its
  kind, unit and the reason.

:func:`load_reports` reads and checks both (every error names file, line and fix);
:func:`report_quads` makes each row an observation with status Reference; :func:`compare` sets each of
the article's figures against every report figure of the same or a related measure for the same
thing and gives the verdicts; :func:`corroboration_quads` stores them as derived facts with their rule.

The ranges a figure's words allow, and whether two of them meet:

>>> value_range(Decimal(69600), "6.96万人", "exactly")
Range(lo=Decimal('69550'), hi=Decimal('69650'), lo_open=False, hi_open=True)
>>> meets(value_range(Decimal(69600), "6.96万人", "exactly"), value_range(Decimal(69640), None, "exactly"))
True
>>> value_range(Decimal(1140), "1140余所", "more-than")
Range(lo=Decimal('1140'), hi=Decimal('1150'), lo_open=True, hi_open=True)
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS, XSD

from kg_build.errors import FactError
from kg_build.facts import ID_RE, YEARS, Record, read_csv
from kg_build.numerals import NumeralError, parse
from kg_build.vocab import PROVENANCE, ZTD, Vocabulary, minted

__all__ = ["REPORTS_CSV", "MEASURES_CSV", "Measure", "ReportFigure", "ArticleFigure", "Reports", "Range", "ROUNDED_UNITS",
           "Pair", "Verdict", "VERDICT_ORDER", "load_reports", "read_reports", "article_figures", "value_range",
           "meets", "compare", "report_quads", "corroboration_quads", "verdict_counts"]

REPORTS_CSV = "facts/reference/other-reports.csv"
MEASURES_CSV = "facts/reference/other-reports-measures.csv"
MATCHES = ("same", "related", "none")
KINDS = ("level", "change", "cumulative", "target")
REPORT_COLUMNS = {
    "source": ("text", True), "scope": ("text", True), "indicator_zh": ("text", True),
    "indicator_en": ("text", True), "value": ("amount", True), "unit": ("text", True),
    "as_stated": ("text", True), "year": ("count", False), "when": ("text", True), "note": ("text", False),
}
MEASURE_COLUMNS = {
    "measure": ("text", True), "id": ("text", True), "match": ({m: m for m in MATCHES}, True),
    "indicator": ("text", False), "kind": ({k: k for k in KINDS}, True), "baseline_year": ("count", False),
    "unit": ("text", True), "en": ("text", False), "reason": ("text", True),
}
#: The figure-level verdict is the first of these that one of its same-measure comparisons has.
VERDICT_ORDER = ("conflicts", "agrees", "consistent", "uncertain")
#: How each verdict is reached (the rule stored with every verdict; DESIGN.md says the same).
RULES = {
    "agrees": "same measure, same thing, same certain year (and comparable kind), and the ranges the two "
              "figures' words allow (stated rounding, bound words) meet",
    "conflicts": "same measure, same thing, same certain year (and comparable kind), and the ranges the two "
                 "figures' words allow do not meet",
    "consistent": "same measure and thing, another year (or a year not certain), and the value fits the "
                  "article's series: it lies between the article's values of the nearest years before and "
                  "after it (when the article has both), or, when a year is not certain, the values meet or "
                  "lie within the article's dated values",
    "uncertain": "same measure and thing, but another year whose value lies outside the article's values "
                 "around it, or a year or period that is not certain and values that do not meet: neither "
                 "agreement nor conflict can be said",
    "related-only": "the other report's measure is only related to the article's (similar, not the same "
                    "definition): shown, not judged",
}
#: Units whose whole numbers are rounded (99% is 98.5 % to 99.5 %); other whole numbers are exact.
ROUNDED_UNITS = ("percent", "pp")
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Measure:
    """One line of the measure mapping."""

    line: int
    measure: str
    id: str
    match: str
    indicator: str | None  # the article's indicator (same, related)
    kind: str
    baseline_year: int | None
    unit: str
    en: str | None
    reason: str

    @property
    def own_indicator(self) -> str:
        """The indicator its rows are observations of: the article's when the same, else one of its own."""
        if self.match == "same" and self.indicator:
            return self.indicator
        return f"indicator/reported/{self.id}"


@dataclass(frozen=True)
class ReportFigure:
    """One row of the other reports' figures, resolved: its scope is an entity, its measure mapped."""

    line: int
    id: str
    source: str
    about: str
    measure: Measure
    value: Decimal
    as_stated: str
    year: int | None
    when: str
    note: str | None
    bound: str


@dataclass(frozen=True)
class ArticleFigure:
    """What a comparison needs of one of the article's figures (stated or derived)."""

    id: str
    about: str
    indicator: str
    value: Decimal
    unit: str
    kind: str
    year: int | None
    baseline_year: int | None
    as_stated: str | None
    bound: str | None
    status: str  # stated | derived


@dataclass
class Reports:
    """The other reports' figures and the measure mapping, checked."""

    figures: list[ReportFigure]
    measures: list[Measure]
    rows: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # rows per file, for the manifest


# ------------------------------------------------------------------------------------------- reading


def _read(root: Path, rel: str, columns: dict) -> list[tuple[int, dict[str, str]]]:
    try:
        text = (root / rel).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FactError(rel, None, f"not UTF-8 ({exc.reason})", "save the file as UTF-8") from None
    except OSError as exc:
        raise FactError(rel, None, f"cannot be read ({exc.strerror or exc})",
                        f"restore {rel} (git checkout -- {rel})") from None
    return read_csv(rel, text, columns)


def load_reports(root: Path, records: list[Record], vocab: Vocabulary) -> Reports | None:
    """The other reports' figures of the project at ``root``, or None when it has none. Raises FactError."""
    if not (root / REPORTS_CSV).exists():
        return None
    rows = _read(root, REPORTS_CSV, REPORT_COLUMNS)
    if not (root / MEASURES_CSV).exists():
        raise FactError(MEASURES_CSV, None, f"is missing, but {REPORTS_CSV} needs it",
                        "restore it: one line per measure of the reports, saying same, related or none, with a reason")
    mapping = _read(root, MEASURES_CSV, MEASURE_COLUMNS)
    return read_reports(rows, mapping, records, vocab)


def read_reports(rows: list[tuple[int, dict[str, str]]], mapping: list[tuple[int, dict[str, str]]],
                 records: list[Record], vocab: Vocabulary) -> Reports:
    """Check the rows against the mapping, the declared sources and entities; resolve scopes."""
    entities = {r.id: r for r in records if r.section == "entities"}
    measures = _measures(mapping, entities, vocab)
    by_measure = {m.measure: m for m in measures}
    sources = {r.id for r in records if r.section == "sources"}
    names: dict[str, set[str]] = {}
    for rec in entities.values():
        for name in [rec["zh"], *rec.get("alt_zh", [])]:
            names.setdefault(name, set()).add(rec.id)
    figures: list[ReportFigure] = []
    seen: dict[str, int] = {}
    unit_words: dict[str, tuple[str, int]] = {}
    used: set[str] = set()
    for line, row in rows:
        def error(problem: str, fix: str) -> FactError:
            return FactError(REPORTS_CSV, line, problem, fix)

        if row["source"] not in sources:
            raise error(f"source {row['source']!r} is not a declared source",
                        "declare it under sources in facts/reference/other-reports.yaml, or correct the id")
        scope = names.get(row["scope"], set())
        if len(scope) != 1:
            raise error(f"scope {row['scope']} is " + ("the name of no entity" if not scope else
                        f"the name of {len(scope)} entities ({', '.join(sorted(scope))})"),
                        "declare the entity (facts/reference/other-reports.yaml), add the name as its alt_zh, "
                        "or correct the scope" if not scope else "give each entity its own name")
        measure = by_measure.get(row["indicator_zh"])
        if measure is None:
            raise error(f"measure {row['indicator_zh']} is not mapped",
                        f"add a line for it to {MEASURES_CSV}: same, related or none, with a reason")
        used.add(measure.measure)
        first = unit_words.setdefault(measure.measure, (row["unit"], line))
        if first[0] != row["unit"]:
            raise error(f"unit {row['unit']!r} differs from {first[0]!r} of the same measure at line {first[1]}",
                        f"map the two onto separate measures in {MEASURES_CSV}, or correct the unit")
        year = int(row["year"]) if row["year"] else None
        if year is not None and not YEARS[0] <= year <= YEARS[1]:
            raise error(f"year {year} is not from {YEARS[0]} to {YEARS[1]}", "write the four-digit year, or leave it empty")
        value = Decimal(row["value"])
        bound = "exactly"
        try:
            numeral = parse(row["as_stated"])
        except NumeralError:
            numeral = None  # words without digits ("three"): the value stands as given
        if numeral is not None:
            if numeral.value != value:
                raise error(f"value {row['value']} disagrees with as_stated {row['as_stated']}, which reads "
                            f"{format(numeral.value.normalize(), 'f')}", "correct the value (base units: 亿 = 10^8, 万 = 10^4)")
            bound = numeral.bound
        fid = f"report-{row['source']}-{measure.id}"
        if fid in seen:
            raise error(f"a second figure of measure {measure.measure} from {row['source']} (first at line {seen[fid]})",
                        f"map one of them onto another measure in {MEASURES_CSV}")
        seen[fid] = line
        figures.append(ReportFigure(line, fid, row["source"], next(iter(scope)), measure, value, row["as_stated"],
                                    year, row["when"], row.get("note") or None, bound))
    for m in measures:
        if m.measure not in used:
            raise FactError(MEASURES_CSV, m.line, f"measure {m.measure} is used by no row of {REPORTS_CSV}",
                            "remove the line, or correct the measure's name")
    return Reports(figures, measures, len(rows), {REPORTS_CSV: len(rows), MEASURES_CSV: len(mapping)})


def _measures(mapping: list[tuple[int, dict[str, str]]], entities: dict[str, Record],
              vocab: Vocabulary) -> list[Measure]:
    out: list[Measure] = []
    seen: dict[str, int] = {}
    ids: dict[str, int] = {}
    units = vocab.codes.get("Unit", {})
    for line, row in mapping:
        def error(problem: str, fix: str) -> FactError:
            return FactError(MEASURES_CSV, line, problem, fix)

        match, kind = row["match"].split(" (")[0], row["kind"].split(" (")[0]
        m = Measure(line, row["measure"], row["id"], match, row["indicator"] or None, kind,
                    int(row["baseline_year"]) if row["baseline_year"] else None, row["unit"], row["en"] or None,
                    row["reason"])
        if m.measure in seen:
            raise error(f"measure {m.measure} is mapped twice (first at line {seen[m.measure]})", "keep one line")
        seen[m.measure] = line
        if not ID_RE.match(m.id) or "/" in m.id:
            raise error(f"id {m.id!r} is not a slug", "write lower-case ASCII words joined by '-', e.g. full-time-teachers")
        if m.id in ids:
            raise error(f"id {m.id} is used twice (first at line {ids[m.id]})", "give each measure its own id")
        ids[m.id] = line
        if match == "none" and m.indicator:
            raise error(f"measure {m.measure} has no counterpart (none) but names {m.indicator}",
                        "clear the indicator, or say same or related")
        if match != "none":
            rec = entities.get(m.indicator or "")
            if rec is None or rec["class"] != "Indicator":
                raise error(f"measure {m.measure} is {match}, but {m.indicator or '(empty)'} is not an indicator of "
                            "the article", "name an entity of class Indicator, e.g. indicator/full-time-teachers")
        if match != "same" and not m.en:
            raise error(f"measure {m.measure} gets an indicator of its own but no English label",
                        "write en: a lower-case description, e.g. teaching and non-teaching staff")
        if match != "same" and m.own_indicator in entities:
            raise error(f"{m.own_indicator} is already a declared entity", "give the measure another id")
        if m.unit not in units:
            raise error(f"unit {m.unit!r} is not a Unit code of the ontology", f"use one of: {', '.join(sorted(units))}")
        if (kind == "change") != (m.baseline_year is not None):
            raise error(f"measure {m.measure} is a {kind} " + ("without" if kind == "change" else "with") +
                        " a baseline_year", "a change needs the year it is measured from; other kinds have none")
        out.append(m)
    return out


def article_figures(records: Iterable[Record]) -> list[ArticleFigure]:
    """The article's figures, stated and derived (not those of a reference source)."""
    out = []
    for rec in records:
        if rec.section != "figures" or "source" in rec.data:
            continue
        out.append(ArticleFigure(rec.id, rec["about"], rec["indicator"], Decimal(rec["value"]), rec["unit"],
                                 rec["kind"], rec.get("year"), rec.get("baseline_year"), rec.get("as_stated"),
                                 rec.get("bound"), "derived" if "derived" in rec.data else "stated"))
    return out


# ------------------------------------------------------------------------------------------- ranges


@dataclass(frozen=True)
class Range:
    """The amounts a figure's words allow: from lo to hi (None: unbounded), each end open or closed."""

    lo: Decimal | None
    hi: Decimal | None
    lo_open: bool
    hi_open: bool

    def __str__(self) -> str:
        lo = "(-∞" if self.lo is None else ("(" if self.lo_open else "[") + _plain(self.lo)
        hi = "∞)" if self.hi is None else _plain(self.hi) + (")" if self.hi_open else "]")
        return f"{lo}, {hi}"


def _plain(d: Decimal) -> str:
    return format(d.normalize(), "f") if d == d.to_integral_value() else format(d, "f").rstrip("0").rstrip(".")


def value_range(value: Decimal, as_stated: str | None, bound: str | None, unit: str | None = None) -> Range:
    """The range a figure's words allow (DESIGN.md, "The article against other reports"); ``unit`` is
    its unit code (default: a count).

    Rounding: a number stands for the amounts that round to it, half a unit of its last written digit
    either side, the upper end excluded (6.96万 → [69550, 69650), 46亿 → [45.5亿, 46.5亿), 72.93% →
    [72.925, 72.935)); a whole number written out to its last digit, with no multiplier, in a unit that
    is not a percentage (:data:`ROUNDED_UNITS`), is exact (69640 persons → [69640, 69640]).
    Bounds: 余/多 → above the number, below the next step of its last non-zero digit (1140余 → (1140,
    1150), 2000多 → (2000, 3000), 万余 → (10000, 20000)); 超/以外 → above it; 以上 → it or above;
    近/约/左右 → within half a step of its last non-zero digit (近4000 → [3500, 4500)).

    >>> str(value_range(Decimal(99), "99%以上", "at-least")), str(value_range(Decimal(4000), "近4000名", None))
    ('[99, ∞)', '[3500, 4500)')
    >>> str(value_range(Decimal(10000), "万余人", None)), str(value_range(Decimal("50.52"), None, None, "percent"))
    ('(10000, 20000)', '[50.515, 50.525)')
    """
    digits, multiplier, words = None, Decimal(1), ""
    unit = unit or "persons"
    if as_stated:
        try:
            n = parse(as_stated)
        except NumeralError:
            n = None
        if n is not None and n.value == value:
            bound, words, digits = n.bound, as_stated, n.written
            multiplier = value / digits if digits else Decimal(1)
    if digits is None:
        digits = value
    written = Decimal(1).scaleb(int(digits.as_tuple().exponent)) * multiplier  # a unit of the last written digit
    nonzero = Decimal(1).scaleb(int(digits.normalize().as_tuple().exponent)) * multiplier if digits else written
    bound = bound or "exactly"
    if bound == "at-least":
        return Range(value, None, False, False)
    if bound == "more-than":
        if any(w in words for w in ("余", "多")):
            return Range(value, value + nonzero, True, True)
        return Range(value, None, True, False)
    if bound == "about":
        return Range(value - nonzero / 2, value + nonzero / 2, False, True)
    if written == 1 and unit not in ROUNDED_UNITS and value == value.to_integral_value():
        return Range(value, value, False, False)  # a count written out in full
    return Range(value - written / 2, value + written / 2, False, True)


def meets(a: Range, b: Range) -> bool:
    """Whether two ranges have an amount in common."""
    los = [(r.lo, r.lo_open) for r in (a, b) if r.lo is not None]
    his = [(r.hi, r.hi_open) for r in (a, b) if r.hi is not None]
    if not los or not his:
        return True  # one side unbounded in both ranges: they share every large (or small) amount
    lo = max(v for v, _ in los)
    hi = min(v for v, _ in his)
    lo_open = any(o for v, o in los if v == lo)
    hi_open = any(o for v, o in his if v == hi)
    return lo < hi or (lo == hi and not lo_open and not hi_open)


# ------------------------------------------------------------------------------------------- verdicts


@dataclass(frozen=True)
class Pair:
    """One article figure against one report figure."""

    article: ArticleFigure
    other: ReportFigure
    verdict: str
    values_meet: bool
    why: str


@dataclass(frozen=True)
class Verdict:
    """The verdict on one article figure, with every comparison it rests on."""

    figure: ArticleFigure
    verdict: str
    pairs: tuple[Pair, ...]


def _comparable(a: ArticleFigure, r: ReportFigure) -> bool:
    kind = r.measure.kind
    if kind == "target":
        return False
    if a.kind == "change" or kind == "change":
        return a.kind == kind == "change" and a.baseline_year == r.measure.baseline_year
    return True  # a level (at a time or over a period) against a level or a cumulative total


def _range_of(f: ArticleFigure | ReportFigure) -> Range:
    return value_range(f.value, f.as_stated, f.bound, f.unit if isinstance(f, ArticleFigure) else f.measure.unit)


def _shown(f: ArticleFigure | ReportFigure) -> str:
    words = f.as_stated or format(f.value, "f")
    year = f"year {f.year}" if f.year is not None else "year not certain" if isinstance(f, ReportFigure) \
        else "no year stated"
    return f"{f.id} ({words}, {year}, range {_range_of(f)})"


def _pair(a: ArticleFigure, r: ReportFigure, series: list[ArticleFigure]) -> Pair:
    ra, rr = _range_of(a), _range_of(r)
    meet = meets(ra, rr)
    said = f"{_shown(a)} against {_shown(r)}: the ranges {'meet' if meet else 'do not meet'}"
    if r.measure.match == "related":
        return Pair(a, r, "related-only", meet, f"related-only ({RULES['related-only']}): {said}")
    dated = [f for f in series if f.year is not None]
    if a.year is not None and r.year is not None and a.year == r.year:
        verdict = "agrees" if meet else "conflicts"
        return Pair(a, r, verdict, meet, f"{verdict} ({RULES[verdict]}): {said}")
    if a.year is not None and r.year is not None:
        year = r.year
        before = max((f for f in dated if (f.year or 0) < year), key=lambda f: f.year or 0, default=None)
        after = min((f for f in dated if (f.year or 0) > year), key=lambda f: f.year or 0, default=None)
        if before is not None and after is not None:
            fits = meets(rr, _hull([before, after]))
            around = f"; the article's series gives {_plain(before.value)} in {before.year} and " \
                     f"{_plain(after.value)} in {after.year}"
        else:
            fits, around = True, "; the article's series has no values on both sides of that year"
        verdict = "consistent" if fits else "uncertain"
        return Pair(a, r, verdict, meet, f"{verdict} ({RULES[verdict]}): {said}{around}")
    within = len(dated) >= 2 and meets(rr, _hull(dated))
    verdict = "consistent" if meet or within else "uncertain"
    extra = "; it lies within the article's dated values" if within and not meet else ""
    return Pair(a, r, verdict, meet, f"{verdict} ({RULES[verdict]}): {said}{extra}")


def _hull(figures: list[ArticleFigure]) -> Range:
    ranges = [_range_of(f) for f in figures]
    lo = None if any(r.lo is None for r in ranges) else min(r.lo for r in ranges)  # type: ignore[type-var]
    hi = None if any(r.hi is None for r in ranges) else max(r.hi for r in ranges)  # type: ignore[type-var]
    return Range(lo, hi, False, False)


def compare(figures: list[ArticleFigure], reports: list[ReportFigure]) -> list[Verdict]:
    """The verdict on each article figure (in the order given) against the report figures."""
    out = []
    for a in figures:
        series = [f for f in figures if f.about == a.about and f.indicator == a.indicator and f.unit == a.unit
                  and f.kind == "level"]
        pairs = []
        for r in reports:
            m = r.measure
            if r.about != a.about or m.match == "none" or m.indicator != a.indicator or m.unit != a.unit:
                continue
            if m.match == "same" and not _comparable(a, r):
                continue
            pairs.append(_pair(a, r, series if a.kind == "level" else []))
        same = {p.verdict for p in pairs if p.other.measure.match == "same"}
        verdict = next((v for v in VERDICT_ORDER if v in same), None) or \
            ("related-only" if pairs else "no-other-source")
        out.append(Verdict(a, verdict, tuple(pairs)))
    return out


def verdict_counts(verdicts: list[Verdict]) -> dict[str, int]:
    """How many article figures got each verdict."""
    return dict(sorted(Counter(v.verdict for v in verdicts).items()))


# ------------------------------------------------------------------------------------------- quads


def _en_or_zh(text: str) -> Literal:
    return Literal(text, lang="zh" if _CJK.search(text) else "en")


def report_quads(vocab: Vocabulary, reports: Reports) -> Iterator[tuple]:
    """Each row an observation (graph ``ztd:fact/report-<source>-<measure>``, status Reference, citing
    its report), and each measure without the same counterpart an indicator of its own."""
    zt = vocab.zt
    code = vocab.codes
    for m in reports.measures:
        if m.match == "same":
            continue
        g = minted("fact", f"report-measure-{m.id}")
        ind = ZTD[m.own_indicator]
        triples = [(ind, RDF.type, zt.Indicator), (ind, RDFS.label, Literal(m.measure, lang="zh")),
                   (ind, RDFS.label, Literal(m.en, lang="en")),
                   (ind, zt.labelBasis, code["LabelBasis"]["translation"])]
        if m.match == "related":
            triples.append((ind, SKOS.related, ZTD[str(m.indicator)]))
        for t in triples:
            yield (*t, g)
        for t in ((g, RDF.type, zt.Fact), (g, zt.curatedIn, Literal(MEASURES_CSV)),
                  (g, zt.status, code["FactStatus"]["curated"]),
                  (g, zt.note, Literal(f"{m.match}: {m.reason}", lang="en"))):
            yield (*t, PROVENANCE)
    for f in reports.figures:
        g = minted("fact", f.id)
        m = f.measure
        triples = [(g, RDF.type, zt.Observation), (g, zt.about, ZTD[f.about]), (g, zt.indicator, ZTD[m.own_indicator]),
                   (g, zt.value, Literal(format(f.value.normalize(), "f"), datatype=XSD.decimal)),
                   (g, zt.unit, code["Unit"][m.unit]), (g, zt.observationKind, code["ObservationKind"][m.kind]),
                   (g, zt.valueAsStated, _en_or_zh(f.as_stated)), (g, zt.periodLabel, Literal(f.when, lang="en")),
                   (g, zt.bound, code["Bound"][f.bound]),
                   (g, zt.yearCertainty, code["YearCertainty"]["certain" if f.year is not None else "uncertain"])]
        if f.year is not None:
            triples.append((g, zt.year, Literal(str(f.year), datatype=XSD.gYear)))
        if m.baseline_year is not None:
            triples.append((g, zt.baselineYear, Literal(str(m.baseline_year), datatype=XSD.gYear)))
        for t in triples:
            yield (*t, g)
        how = {"same": f"the same measure as the article's {m.indicator}", "related":
               f"related to the article's {m.indicator}", "none": "no counterpart in the article"}[m.match]
        note = f"Measure {m.measure}: {how} ({m.reason})" + (f" Row note: {f.note}" if f.note else "")
        for t in ((g, RDF.type, zt.Fact), (g, zt.curatedIn, Literal(REPORTS_CSV)),
                  (g, zt.status, code["FactStatus"]["reference"]), (g, DCTERMS.source, minted("source", f.source)),
                  (g, zt.note, Literal(note, lang="en"))):
            yield (*t, PROVENANCE)


def corroboration_quads(vocab: Vocabulary, verdicts: list[Verdict],
                        defects_of: Mapping[str, list[URIRef]] | None = None) -> Iterator[tuple]:
    """Each verdict a derived fact ``ztd:fact/corr-<figure>`` naming its figure and comparisons, and
    each comparison one ``ztd:fact/corr-<figure>/<report figure>``, with its rule. Like every derived
    fact, both rest on the defects of what they are derived from: ``defects_of`` gives the defect
    IRIs of each article figure (by record id)."""
    zt = vocab.zt
    defects_of = defects_of or {}
    code = vocab.codes["Verdict"]
    derived = vocab.codes["FactStatus"]["derived"]
    for v in verdicts:
        a = minted("fact", v.figure.id)
        c = minted("fact", f"corr-{v.figure.id}")
        comparisons = []
        for p in v.pairs:
            g = minted("fact", f"corr-{v.figure.id}/{p.other.id}")
            comparisons.append(g)
            other = minted("fact", p.other.id)
            for t in ((g, RDF.type, zt.Comparison), (g, zt.articleFigure, a), (g, zt.otherFigure, other),
                      (g, zt.verdict, code[p.verdict]), (g, zt.valuesMeet, Literal(p.values_meet))):
                yield (*t, g)
            yield from _derived(zt, g, derived, p.why, [a, other], defects_of.get(v.figure.id, []))
        for t in ((c, RDF.type, zt.Corroboration), (c, zt.ofFigure, a), (c, zt.verdict, code[v.verdict]),
                  *((c, zt.comparison, g) for g in comparisons)):
            yield (*t, c)
        if v.pairs:
            counts = Counter(p.verdict for p in v.pairs)
            how = (f"{v.verdict}: the first of {', '.join(VERDICT_ORDER)} among the comparisons of the same measure, "
                   "else related-only when only related measures were found; comparisons: " +
                   ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
        else:
            how = ("no-other-source: no other report gives the same or a related measure for the same thing "
                   f"(checked against {REPORTS_CSV} through {MEASURES_CSV})")
        yield from _derived(zt, c, derived, how, [a, *comparisons], defects_of.get(v.figure.id, []))


def _derived(zt, g: URIRef, status: URIRef, how: str, sources: list[URIRef],
             defects: list[URIRef]) -> Iterator[tuple]:
    yield g, RDF.type, zt.Fact, PROVENANCE
    yield g, zt.curatedIn, Literal(MEASURES_CSV), PROVENANCE
    yield g, zt.status, status, PROVENANCE
    yield g, zt.derivation, Literal(how, lang="en"), PROVENANCE
    for s in sources:
        yield g, PROV.wasDerivedFrom, s, PROVENANCE
    for d in defects:
        yield g, zt.restsOnDefect, d, PROVENANCE
