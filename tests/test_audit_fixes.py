"""What the audit found (issue "One source of truth", section 5): each fix, checked on the graph,
the loader or the shapes, so that it cannot come back unnoticed."""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef

from kg_build.errors import FactError
from kg_build.facts import parse_yaml
from kg_build.source import detect, read_article
from kg_build.validate import shacl_violations

ZT = "https://w3id.org/zhaotong-kg/ontology#"
ZTD = "https://w3id.org/zhaotong-kg/id/"
ORG = "http://www.w3.org/ns/org#"
zt = lambda n: URIRef(ZT + n)  # noqa: E731
ztd = lambda n: URIRef(ZTD + n)  # noqa: E731


@pytest.fixture(scope="module")
def g(built) -> Graph:
    return built.graph


def test_the_unsound_difference_of_72_and_36_is_gone(g):
    assert (ztd("fact/fig-alliances-other-two-schools"), None, None) not in g
    assert (ztd("indicator/alliance-member-schools-other-two"), None, None) not in g


@pytest.mark.parametrize("s,p,o", [
    ("org/fudu-former-supply-marketing-coop", "locatedIn", "place/fudu-building"),
    ("event/zhaotong-no1-alliance-seminar", "organizedBy", "alliance/zhaotong-no1"),
    ("program/enterprise-farmer-coop-model", "runBy", "org/rural-credit-cooperative"),
])
def test_relations_that_said_more_than_the_article_are_gone(g, s, p, o):
    assert (ztd(s), zt(p), ztd(o)) not in g


@pytest.mark.parametrize("s,p,o", [
    ("org/fudu-former-supply-marketing-coop", "namedWith", "place/fudu-building"),
    ("event/zhaotong-no1-alliance-seminar", "namedWith", "alliance/zhaotong-no1"),
    ("org/rural-credit-cooperative", "partyTo", "program/enterprise-farmer-coop-model"),
    ("alliance/zhaotong-no1", "formedUnder", "program/alliance-model"),
    ("alliance/zhenxiong-ynnu", "formedUnder", "program/alliance-model"),
    ("alliance/yuntianhua", "formedUnder", "program/alliance-model"),
    ("school/zhenxiong-ynnu", "affiliatedWith", "school/yunnan-normal-university"),
    ("org/huilongyuan-liaison-unit", "namedWith", "place/longteng-huilongyuan"),
    ("place/longteng-huilongyuan", "namedWith", "place/longteng-compound"),
    ("program/campus-safety", "runBy", "division/530600"),
])
def test_what_is_written_is_said_and_no_more(built, g, s, p, o):
    assert (ztd(s), zt(p), ztd(o)) in g
    facts = [f for *triple, f in built.quads if tuple(triple) == (ztd(s), zt(p), ztd(o))]  # the records saying it
    assert len(facts) == 1 and g.value(facts[0], zt("quote")) is not None


def test_the_city_run_high_schools_are_in_the_no1_alliance(g):
    group = ztd("group/city-run-high-schools")
    assert (group, RDF.type, zt("SchoolGroup")) in g
    assert (group, URIRef(ORG + "memberOf"), ztd("alliance/zhaotong-no1")) in g


@pytest.mark.parametrize("entity,zh", [
    ("school/yunnan-normal-university", "云南师范大学"), ("org/huilongyuan-liaison-unit", "挂联单位"),
    ("place/longteng-compound", "龙腾小区"), ("program/new-gaokao", "新高考"), ("program/dropout-control", "控辍保学"),
    ("program/summer-drowning-prevention", "暑期防溺水"), ("program/student-mental-health", "学生心理健康"),
    ("program/campus-safety", "校园安全"),
])
def test_entities_the_article_names_are_in_the_graph(g, entity, zh):
    assert Literal(zh, lang="zh") in set(g.objects(ztd(entity), RDFS.label))


def test_financial_commissioner_is_a_role(project_root):
    from kg_build.vocab import load_vocabulary

    vocab = load_vocabulary(project_root / "ontology" / "zhaotong.ttl")
    assert vocab.codes["Role"]["financial-commissioner"] == zt("FinancialCommissioner")


def test_the_last_161_characters_of_p21_are_a_partial_duplicate_of_p9(g, project_root):
    art = read_article(project_root / "sources" / "zhaotong-education-2025.txt")
    assert ("partial-duplicate", (21,), (9,)) in [(f.kind, f.paragraphs, f.of) for f in detect(art)]
    d = ztd("source/zhaotong-education-2025/defect/partdup-p21")
    assert (d, zt("defectKind"), zt("PartialDuplicate")) in g
    assert (d, zt("repeats"), ztd("source/zhaotong-education-2025/p/009")) in g
    assert "own repetition" not in str(g.value(ztd("source/zhaotong-education-2025/defect/garbled-p21"), zt("note")))


@pytest.mark.parametrize("entity,en", [
    ("program/yunhua-fruit-vegetable-loan", "Yunnan Flowers, Fruit and Vegetables Loan"),
    ("indicator/financial-commissioners", "number of financial commissioners"),
])
def test_english_labels_say_what_the_chinese_says(g, entity, en):
    assert Literal(en, lang="en") in set(g.objects(ztd(entity), RDFS.label))


def test_no_literal_rendering_is_left(g):
    english = " ".join(str(o) for o in g.objects() if isinstance(o, Literal) and o.language == "en")
    for words in ("running water", "blood transfusion", "Through train", "teaching function rooms",
                  "through-training", "county-level listed supervision"):
        assert words not in english, words


# --- level or change: one rule (DESIGN.md), checked by the loader and by a shape -----------------------

FIGURE = """\
figures:
  - id: f
    about: a
    indicator: b
    value: 9
    unit: schools
    kind: {kind}
{extra}    source: s
"""


def test_a_change_needs_a_baseline_year_and_a_level_has_none():
    with pytest.raises(FactError, match="is a change with no baseline_year"):
        parse_yaml("f.yaml", FIGURE.format(kind="change", extra="    period: 3年来\n"))
    with pytest.raises(FactError, match="is a level with a baseline_year"):
        parse_yaml("f.yaml", FIGURE.format(kind="level", extra="    baseline_year: 2022\n"))
    assert parse_yaml("f.yaml", FIGURE.format(kind="change", extra="    baseline_year: 2022\n"))


def test_every_change_in_the_graph_has_a_baseline_year_and_no_level_has_one(g):
    changes = set(g.subjects(zt("observationKind"), zt("Change")))
    assert changes
    assert all(g.value(c, zt("baselineYear")) is not None for c in changes)
    assert all(g.value(x, zt("baselineYear")) is None for x in g.subjects(zt("observationKind"), zt("Level")))
    for fid in ("fig-provincial-first-class-high-schools-new", "fig-p11-fengchi-places-increase",
                "fig-p11-fengchi-campus-area-increase"):
        assert g.value(ztd(f"fact/{fid}"), zt("observationKind")) == zt("Level"), fid


def test_the_shape_refuses_a_change_without_a_baseline_year(g, project_root):
    ontology = Graph().parse(project_root / "ontology" / "zhaotong.ttl", format="turtle")
    shapes = Graph().parse(project_root / "ontology" / "shapes.ttl", format="turtle")
    fig = ztd("fact/fig-p09-zhongkao-pass-rate-change")
    broken = Graph()
    for t in g.triples((fig, None, None)):
        broken.add(t)
    for t in g.triples((None, None, None)):
        if t[0] != fig and (t[0] in set(broken.objects()) or t[0] == g.value(fig, zt("indicator"))):
            broken.add(t)
    assert not [v for v in shacl_violations(broken, shapes, ontology) if v.focus == fig]
    broken.remove((fig, zt("baselineYear"), None))
    assert [v for v in shacl_violations(broken, shapes, ontology) if v.focus == fig and "baselineYear" in v.message]
