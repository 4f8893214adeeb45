"""The article against other reports: ranges of stated figures, every verdict on hand-made cases, the
checks on the reports' CSV and the measure mapping (one line through the real CLI), and the built graph."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from kg_build.corroborate import (MEASURES_CSV, REPORTS_CSV, ArticleFigure, Measure, ReportFigure, Range,
                                  compare, meets, value_range)
from kg_build.facts import read_csv
from kg_build.numerals import parse

ZT = Namespace("https://w3id.org/zhaotong-kg/ontology#")
ZTD = Namespace("https://w3id.org/zhaotong-kg/id/")
D = Decimal


# --------------------------------------------------------------------------- ranges: rounding and bounds


def r(value, words=None, bound=None, unit="persons") -> Range:
    return value_range(D(str(value)), words, bound, unit)


@pytest.mark.parametrize("words, value, other, expected", [
    ("6.96万人", 69600, 69600, True),      # the case: 6.96万 against 69,600 ...
    ("6.96万人", 69600, 69640, True),      # ... and 69,640: both round to 6.96万
    ("6.96万人", 69600, 69650, False),     # 69,650 rounds to 6.97万
    ("6.96万人", 69600, 69549, False),
    ("46亿元", 4600000000, 4649000000, True),
    ("46亿元", 4600000000, 5000000000, False),
    ("25所", 25, 26, False),               # counts: 25 and 26 never meet
    ("1140余所", 1140, 1145, True),        # 余: above the number, below the next step of its last digit
    ("1140余所", 1140, 1140, False),
    ("1140余所", 1140, 1151, False),
    ("2000多人", 2000, 2500, True),        # 多: (2000, 3000)
    ("2000多人", 2000, 3100, False),
    ("200多亿元", 20000000000, 23000000000, True),
    ("万余人", 10000, 15000, True),        # 万余: (10000, 20000)
    ("万余人", 10000, 9000, False),
    ("99%以上", 99, D("99.5"), True),       # 以上: the number or more
    ("99%以上", 99, 99, True),
    ("99%以上", 99, D("98.9"), False),
    ("1061名", 1061, 1061, True),           # a count written out in full is exact
    ("1061名", 1061, 1062, False),
    ("近4000名", 4000, 3900, True),        # 近: about, half a step of the last non-zero digit
    ("近4000名", 4000, 3000, False),
])
def test_ranges_meet_within_rounding_and_bounds(words, value, other, expected):
    assert meets(r(value, words, parse(words).bound), r(other)) is expected


def test_range_of_a_derived_value_is_its_written_precision():
    assert str(r("50.52", unit="percent")) == "[50.515, 50.525)" and str(r("12.70", unit="percent")) == "[12.695, 12.705)"
    assert str(r(99, "99%", unit="percent")) == "[98.5, 99.5)" and str(r(69640)) == "[69640, 69640]"
    assert str(r(1140, "1140余所", "more-than")) == "(1140, 1150)"


def test_bound_word_between_number_and_multiplier_is_read():
    n = parse("200多亿元")
    assert n.value == 20000000000 and n.bound == "more-than"
    assert parse("6万余元").value == 60000 and parse("6万余元").bound == "more-than"


# --------------------------------------------------------------------------- verdicts on hand-made cases

CITY, SCHOOL = "division/530600", "school/a"


def measure(match="same", indicator="indicator/teachers", kind="level", unit="persons", baseline=None,
            mid="m") -> Measure:
    return Measure(1, "专任教师", mid, match, indicator, kind, baseline, unit, None if match == "same" else "x", "why")


def art(value, words=None, year=None, *, fid="fig-a", about=CITY, indicator="indicator/teachers", unit="persons",
        kind="level", baseline=None, bound=None) -> ArticleFigure:
    return ArticleFigure(fid, about, indicator, D(str(value)), unit, kind, year, baseline, words,
                         bound or (parse(words).bound if words else None), "stated" if words else "derived")


def rep(value, words, year=None, *, m=None, about=CITY, fid="report-x-m") -> ReportFigure:
    return ReportFigure(2, fid, "x", about, m or measure(), D(str(value)), words, year, str(year or "c. 2023"), None,
                        parse(words).bound if any(c.isdigit() for c in words) else "exactly")


def verdict_of(a, reports, figures=None):
    (v,) = [v for v in compare(figures or [a], reports) if v.figure.id == a.id]
    return v


def test_agrees_same_year_within_rounding():
    v = verdict_of(art(69600, "6.96万人", 2023), [rep(69640, "69640人", 2023)])
    assert v.verdict == "agrees" and [p.verdict for p in v.pairs] == ["agrees"] and v.pairs[0].values_meet
    assert "fig-a" in v.pairs[0].why and "report-x-m" in v.pairs[0].why  # the figures behind it


def test_conflicts_same_year_values_apart():
    v = verdict_of(art(69800, "6.98万人", 2023), [rep(69600, "6.96万人", 2023)])
    assert v.verdict == "conflicts" and not v.pairs[0].values_meet


def test_bounds_decide_agreement():
    assert verdict_of(art(1140, "1140余所", 2025), [rep(1146, "1146所", 2025)]).verdict == "agrees"
    assert verdict_of(art(1140, "1140余所", 2025), [rep(1160, "1160所", 2025)]).verdict == "conflicts"
    assert verdict_of(art(99, "99%以上", 2025, unit="percent"),
                      [rep(D("99.91"), "99.91%", 2025, m=measure(unit="percent"))]).verdict == "agrees"


def test_consistent_another_year_between_the_articles_values():
    pct = measure(unit="percent")
    y22 = art(D("50.52"), None, 2022, fid="fig-2022", unit="percent")
    y25 = art(D("74.48"), "74.48%", 2025, fid="fig-2025", unit="percent")
    inside = verdict_of(y25, [rep(D("72.93"), "72.93%", 2024, m=pct)], [y22, y25])
    assert inside.verdict == "consistent"
    outside = verdict_of(y25, [rep(D("80.1"), "80.1%", 2024, m=pct)], [y22, y25])
    assert outside.verdict == "uncertain"


def test_uncertain_years_never_agree_or_conflict():
    same_value = verdict_of(art(69600, "6.96万人", 2023), [rep(69600, "6.96万人", None)])
    assert same_value.verdict == "consistent"  # not "agrees": the report's year is not certain
    apart = verdict_of(art(69800, "6.98万人", 2023), [rep(69600, "6.96万人", None)])
    assert apart.verdict == "uncertain"        # not "conflicts"
    no_year = verdict_of(art(69800, "6.98万人", None), [rep(69600, "6.96万人", 2023)])
    assert no_year.verdict == "uncertain"      # the article's year is not stated either


def test_related_measure_is_shown_not_judged():
    v = verdict_of(art(69600, "6.96万人", 2023), [rep(69600, "6.96万人", 2023, m=measure(match="related"))])
    assert v.verdict == "related-only" and v.pairs[0].verdict == "related-only" and v.pairs[0].values_meet


def test_no_other_source_for_another_thing_a_target_or_an_unmapped_measure():
    a = art(69600, "6.96万人", 2023)
    others = [rep(69600, "6.96万人", 2023, about=SCHOOL),
              rep(69600, "6.96万人", 2023, m=measure(kind="target"), fid="report-y"),
              rep(69600, "6.96万人", 2023, m=measure(match="none", indicator=None), fid="report-z")]
    v = verdict_of(a, others)
    assert v.verdict == "no-other-source" and v.pairs == ()


def test_a_conflict_outweighs_an_agreement():
    v = verdict_of(art(69600, "6.96万人", 2023), [rep(69600, "6.96万人", 2023, fid="r1"),
                                                 rep(80000, "8万人", 2023, fid="r2")])
    assert v.verdict == "conflicts" and sorted(p.verdict for p in v.pairs) == ["agrees", "conflicts"]


def test_changes_compare_only_with_the_same_baseline():
    pp = dict(unit="pp", kind="change", baseline=2022)
    change = art(D("23.96"), "23.96个百分点", 2025, **pp)
    same_base = rep(D("23.96"), "23.96个百分点", 2025, m=measure(unit="pp", kind="change", baseline=2022))
    other_base = rep(D("30.1"), "30.1个百分点", 2025, m=measure(unit="pp", kind="change", baseline=2012))
    level = rep(D("74.48"), "74.48%", 2025, m=measure(unit="pp"))
    assert verdict_of(change, [same_base]).verdict == "agrees"
    assert verdict_of(change, [other_base, level]).verdict == "no-other-source"


# --------------------------------------------------------------------------- the checks, through the CLI


def _break(project, rel, old, new):
    path = project / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1  # the line that now holds the broken row


@pytest.mark.parametrize("rel, old, new, problem, fix", [
    (REPORTS_CSV, "chinadaily-2023-04-11-zhenxiong,镇雄县,学前教育入园率", "chinadaily-2023-04-11-zhenxiong,彝良县城,学前教育入园率",
     "scope 彝良县城 is the name of no entity", "declare the entity"),
    (REPORTS_CSV, "repost-2024-11-13,昭通市,专任教师,", "repost-2024-11-13,昭通市,专任老师,",
     "measure 专任老师 is not mapped", f"add a line for it to {MEASURES_CSV}"),
    (REPORTS_CSV, "ztgov-2024-05-20,昭通市,高校,", "ztgov-2024-05-21,昭通市,高校,",
     "source 'ztgov-2024-05-21' is not a declared source", "declare it under sources"),
    (REPORTS_CSV, "69600,persons,6.96万人", "69640,persons,6.96万人",
     "value 69640 disagrees with as_stated 6.96万人", "correct the value"),
    (MEASURES_CSV, "专任教师,full-time-teachers,same,indicator/full-time-teachers",
     "专任教师,full-time-teachers,same,indicator/full-time-teacher",
     "indicator/full-time-teacher is not an indicator of the article", "name an entity of class Indicator"),
    (MEASURES_CSV, "教职工,staff,related,indicator/full-time-teachers,level,,persons,teaching and non-teaching staff,",
     "教职工,staff,bogus,indicator/full-time-teachers,level,,persons,teaching and non-teaching staff,",
     "column match must be one of: same, related, none", "write one of"),
])
def test_bad_report_row_or_mapping_is_one_line_naming_file_row_and_fix(scratch_project, zkg, tmp_path, rel, old, new,
                                                                       problem, fix):
    line = _break(scratch_project, rel, old, new)
    result = zkg("build", "--root", str(scratch_project), "--out", str(tmp_path / "out"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    (error,) = result.stderr.strip().splitlines()
    assert f"{rel}:{line}:" in error and problem in error and f"fix: {fix}" in error, error
    assert not (tmp_path / "out").exists()


def test_a_measure_no_row_uses_is_refused(scratch_project, zkg, tmp_path):
    path = scratch_project / MEASURES_CSV
    path.write_text(path.read_text(encoding="utf-8") + "旧指标,old-measure,none,,level,,persons,an old measure,gone\n",
                    encoding="utf-8")
    result = zkg("build", "--root", str(scratch_project), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert f"{MEASURES_CSV}:82: measure 旧指标 is used by no row" in result.stderr


# --------------------------------------------------------------------------- the built graph


def test_every_row_is_mapped_with_a_reason(project_root):
    rows = read_csv(REPORTS_CSV, (project_root / REPORTS_CSV).read_text(encoding="utf-8"),
                    {c: ("text", False) for c in "source,scope,indicator_zh,indicator_en,value,unit,as_stated,year,"
                                                 "when,note".split(",")})
    mapping = read_csv(MEASURES_CSV, (project_root / MEASURES_CSV).read_text(encoding="utf-8"),
                       {c: ("text", False) for c in "measure,id,match,indicator,kind,baseline_year,unit,en,reason".split(",")})
    reasons = {row["measure"]: (row["match"], row["reason"]) for _, row in mapping}
    assert len(rows) == 89
    assert all(reasons[row["indicator_zh"]][1].strip() for _, row in rows)
    assert {m for m, _ in reasons.values()} == {"same", "related", "none"}


# sha256 of shared/reference/other-reports.csv when it was copied (2026-11-29): the copy is never edited.
SHARED_SHA256 = "2eef7b834123df12a1594121d52a64eb5fa389f7857edb291e04c27044c53af1"


def test_the_copy_of_the_shared_csv_is_byte_for_byte(project_root):
    assert hashlib.sha256((project_root / REPORTS_CSV).read_bytes()).hexdigest() == SHARED_SHA256


def test_every_report_row_is_a_reference_observation_citing_its_report(built):
    g = built.graph
    rows = set(g.subjects(ZT.yearCertainty, None))
    assert len(rows) == 89
    for obs in rows:
        (src,) = g.objects(obs, DCTERMS.source)
        assert (obs, ZT.status, ZT.Reference) in g and (src, RDF.type, ZT.ReferenceSource) in g
        assert (src, ZT.reliability, None) in g and (src, DCTERMS.issued, None) in g
        assert not list(g.objects(obs, ZT.quote))  # their texts are not ours: figures only, never a quote
        certain = (obs, ZT.yearCertainty, ZT.CertainYear) in g
        assert certain == ((obs, ZT.year, None) in g)


def test_every_article_figure_has_one_verdict_naming_its_figures(built):
    g = built.graph
    article = {s for s in g.subjects(RDF.type, ZT.Observation) if (s, ZT.status, ZT.Reference) not in g}
    verdicts = list(g.subjects(RDF.type, ZT.Corroboration))
    assert sorted(str(o) for c in verdicts for o in g.objects(c, ZT.ofFigure)) == sorted(map(str, article))
    for c in verdicts:
        (figure,) = g.objects(c, ZT.ofFigure)
        assert (c, PROV.wasDerivedFrom, figure) in g and (c, ZT.derivation, None) in g
        for pair in g.objects(c, ZT.comparison):
            other = g.value(pair, ZT.otherFigure)
            assert g.value(pair, ZT.articleFigure) == figure and (pair, PROV.wasDerivedFrom, other) in g
            if (other, ZT.yearCertainty, ZT.UncertainYear) in g or (figure, ZT.year, None) not in g:
                assert g.value(pair, ZT.verdict) not in (ZT.Agrees, ZT.Conflicts)


def test_what_the_reports_say_against_the_article(built):
    g = built.graph

    def verdict(fig):
        (c,) = g.subjects(ZT.ofFigure, ZTD[f"fact/{fig}"])
        return g.value(c, ZT.verdict)

    assert verdict("fig-compulsory-consolidation-rate") == ZT.Consistent   # 99%以上 against 99.91 %, 99.65 %
    assert verdict("fig-p16-full-time-teachers") == ZT.Uncertain          # 6.98万 (no year) against 6.96万 (2023)
    assert verdict("fig-p09-education-investment-3y") == ZT.Uncertain     # 46亿元 against 50亿元, period unknown
    assert verdict("fig-p09-zhongkao-pass-rate-2025") == ZT.RelatedOnly   # 初中学业水平考试合格率 may differ
    assert verdict("fig-p16-teachers-added-3y") == ZT.NoOtherSource
    pair = ZTD["fact/corr-fig-p09-education-investment-3y/report-ztdaily-2025-04-24-education-project-investment"]
    assert g.value(pair, ZT.valuesMeet) == Literal(False) and isinstance(pair, URIRef)


def test_show_gives_each_figure_its_source_and_verdict(zkg):
    done = zkg("show", "昭通市")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    teachers = next(line for line in lines if "6.98万人" in line)
    assert "article" in teachers and "不确定" in teachers                       # the article's, uncertain
    assert any("6.96万人" in line and "repost-2024-11-13" in line for line in lines)  # the report's, cited


def test_every_named_question_is_a_select_to_sparqlwrapper(project_root):
    """SPARQLWrapper (the --endpoint client) guesses a query's form from its text after removing
    comments, but its pattern removes only every other line of a header, and finds the form as a bare
    substring: "what the figure describes" in a column line made it send a DESCRIBE's Accept header."""
    from SPARQLWrapper import SPARQLWrapper

    wrapper = SPARQLWrapper("http://127.0.0.1:9/query")
    forms = {path.stem: wrapper._parseQueryType(path.read_text(encoding="utf-8"))
             for path in sorted((project_root / "queries").glob("*.rq"))}
    assert forms and {name: form for name, form in forms.items() if form != "SELECT"} == {}
