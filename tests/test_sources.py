"""Sources are first-class: a catalogue of articles, records that cite an article and a paragraph,
paragraph and defect IRIs per article, an audit per article, one entity named in two articles, and
derived facts that inherit the defects of what they rest on. Most of it is shown on the fixture
project tests/fixtures/two-articles (two short test articles), built by ``two_articles``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib import Dataset, RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, XSD

from kg_build import FactError, audit, build, load_project
from kg_build.build import derivation_closure

ROOT = Path(__file__).resolve().parents[1]
TWO_ARTICLES = ROOT / "tests" / "fixtures" / "two-articles"

ZT = "https://w3id.org/zhaotong-kg/ontology#"
ZTD = "https://w3id.org/zhaotong-kg/id/"
zt = lambda n: URIRef(ZT + n)  # noqa: E731
ztd = lambda n: URIRef(ZTD + n)  # noqa: E731


@pytest.fixture(scope="module")
def g(two_articles) -> Graph:
    """The default graph of the fixture's graph/zhaotong.nq as written by the build."""
    ds = Dataset()
    ds.parse(two_articles.graph / "zhaotong.nq", format="nquads")
    return ds.graph(DATASET_DEFAULT_GRAPH_ID)


def test_the_fixture_project_builds_both_articles_with_their_metadata(two_articles, g):
    assert two_articles.result.summary["articles"] == ["jiaxian-school", "yixian-alliance"]
    a, b = ztd("source/jiaxian-school"), ztd("source/yixian-alliance")
    assert set(g.subjects(RDF.type, zt("Article"))) == {a, b}
    assert g.value(a, DCTERMS.title) == Literal("甲县第一中学办学条件持续改善", lang="zh")
    assert g.value(a, DCTERMS.issued) == Literal("2025-01-15", datatype=XSD.date)
    assert g.value(b, DCTERMS.issued) == Literal("2025-09", datatype=XSD.gYearMonth)
    assert g.value(b, URIRef("https://schema.org/url")) == Literal("https://example.org/yixian-alliance",
                                                                    datatype=XSD.anyURI)
    assert g.value(b, DCTERMS.publisher) is None  # not known, not invented


def test_paragraph_iris_are_per_article(g):
    for article, count in (("jiaxian-school", 6), ("yixian-alliance", 3)):
        paras = set(g.subjects(DCTERMS.isPartOf, ztd(f"source/{article}")))
        assert paras == {ztd(f"source/{article}/p/{n:03d}") for n in range(1, count + 1)}


def test_an_entity_named_in_both_articles_is_one_entity_with_facts_from_both(two_articles, g):
    school = ztd("school/jiaxian-no1")
    assert len([o for o in g.objects(school, URIRef(str(RDF) + "type"))]) == 1
    assert len([x for x in g.objects(school, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
                if x.language == "zh"]) == 1
    facts = {graph for s, _, o, graph in two_articles.result.quads if school in (s, o)}  # the records
    articles = {g.value(p, DCTERMS.isPartOf) for f in facts for p in g.objects(f, zt("paragraph"))}
    assert articles == {ztd("source/jiaxian-school"), ztd("source/yixian-alliance")}
    # the second article's naming is itself a fact: the school is mentioned in its paragraph 2
    assert (school, zt("mentionedIn"), ztd("source/yixian-alliance/p/002")) in g
    # and it leads the alliance the second article is about
    assert (school, zt("leads"), ztd("alliance/yixian")) in g


def test_the_audit_runs_per_article(two_articles, zkg):
    audits = audit(load_project(two_articles.root))
    assert list(audits) == ["jiaxian-school", "yixian-alliance"]
    jia, yi = audits["jiaxian-school"], audits["yixian-alliance"]
    assert [(f.kind, f.paragraphs, f.of) for f in jia.detected] == [("exact-duplicate", (6,), (5,))]
    assert [r.id for r in jia.curated] == ["dup-jiaxian-p6"] and not jia.uncurated and not jia.unconfirmed
    assert yi.detected == [] and yi.curated == []
    out = zkg("audit", "--root", str(two_articles.root))
    assert out.returncode == 0, out.stderr
    assert "sources/jiaxian-school.txt (jiaxian-school" in out.stdout
    assert "sources/yixian-alliance.txt (yixian-alliance" in out.stdout


def test_defects_belong_to_their_article(g):
    dup = ztd("source/jiaxian-school/defect/dup-jiaxian-p6")
    assert (dup, zt("affects"), ztd("source/jiaxian-school/p/006")) in g
    assert (ztd("fact/fig-jiaxian-no1-students"), zt("restsOnDefect"), dup) in g
    assert not list(g.subjects(zt("restsOnDefect"), None)) or \
        all(str(d).startswith(ZTD + "source/jiaxian-school/") for d in g.objects(None, zt("restsOnDefect")))


@pytest.fixture()
def two(tmp_path):
    root = tmp_path / "p"
    shutil.copytree(TWO_ARTICLES, root)
    shutil.copytree(ROOT / "ontology", root / "ontology")
    return root


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _refused(root) -> str:
    with pytest.raises(FactError) as err:
        load_project(root)
    message = str(err.value)
    assert "\n" not in message and "fix:" in message, message
    return message


def test_with_two_articles_a_record_must_say_which(two):
    _edit(two / "facts" / "yixian.yaml", "    article: yixian-alliance\n    para: 3\n    quote: 乙县第二中学位于乙县\n",
          "    para: 3\n    quote: 乙县第二中学位于乙县\n")
    message = _refused(two)
    assert message.startswith("facts/yixian.yaml:") and "does not say which" in message
    assert "article: one of jiaxian-school, yixian-alliance" in message


def test_a_quote_is_checked_in_the_article_it_cites(two):
    # 乙县第二中学位于乙县 is in yixian-alliance P3, not in jiaxian-school P3
    _edit(two / "facts" / "yixian.yaml", "    article: yixian-alliance\n    para: 3\n    quote: 乙县第二中学位于乙县\n",
          "    article: jiaxian-school\n    para: 3\n    quote: 乙县第二中学位于乙县\n")
    assert "quote not found in paragraph(s) [3]" in _refused(two)


def test_an_article_not_in_the_catalogue_is_refused(two):
    _edit(two / "facts" / "yixian.yaml", "article: yixian-alliance", "article: bingxian")
    assert "article 'bingxian' is not in sources/catalogue.yaml" in _refused(two)


@pytest.mark.parametrize("change,words", [
    (lambda root: (root / "sources" / "extra.txt").write_text("一段。\n", encoding="utf-8"),
     "sources/extra.txt is not in the catalogue"),
    (lambda root: _edit(root / "sources" / "jiaxian-school.txt", "1.2亿元", "1.3亿元"),
     "does not have the sha256 the catalogue records"),
    (lambda root: _edit(root / "sources" / "catalogue.yaml", "date: 2025-09", "date: 2025-13"),
     "field 'date' must be a date YYYY, YYYY-MM or YYYY-MM-DD"),
    (lambda root: _edit(root / "sources" / "catalogue.yaml", "file: yixian-alliance.txt", "file: nowhere.txt"),
     "article file sources/nowhere.txt not found"),
    (lambda root: (root / "sources" / "catalogue.yaml").unlink(), "the sources catalogue is missing"),
])
def test_a_bad_catalogue_is_one_line(two, change, words):
    change(two)
    message = _refused(two)
    assert message.startswith("sources/catalogue.yaml") and words in message, message


def test_a_mention_must_quote_the_name_it_adds(two):
    _edit(two / "facts" / "yixian.yaml", "    zh: 甲县第一中学\n    article: yixian-alliance",
          "    zh: 甲县一中\n    article: yixian-alliance")
    assert "mention 'mention-jiaxian-no1-in-yixian': zh label 甲县一中 is not in its quote" in _refused(two)


# --- defects through derivations ---------------------------------------------------------------------

def test_a_derived_fact_rests_on_every_defect_of_what_it_is_derived_from(built):
    """Checked on the real graph: restsOnDefect of a derived fact ⊇ that of each fact it rests on."""
    g = built.graph
    rests = zt("restsOnDefect")
    derived = list(g.subjects(zt("status"), zt("Derived")))
    assert derived
    for f in derived:
        mine = set(g.objects(f, rests))
        for source in g.objects(f, PROV.wasDerivedFrom):
            assert set(g.objects(source, rests)) <= mine, (f, source)
    # the audit's case: averages over the doubled 授信 figures
    for fid, defect in (("fig-fin-avg-credit-per-household", "label-p40-credit"),
                        ("fig-fin-avg-credit-per-card", "label-p42-credit")):
        assert (ztd(f"fact/{fid}"), rests, ztd(f"source/zhaotong-education-2025/defect/{defect}")) in g


def test_defects_pass_through_a_chain_of_derivations(two):
    text = (two / "facts" / "yixian.yaml").read_text(encoding="utf-8")
    text += """  - id: fig-chain
    about: alliance/yixian
    indicator: indicator/undergraduate-rate
    value: 39.3
    unit: percent
    kind: level
    derived:
      from: [fig-alliance-yixian-undergraduate-2023]
      method: "the same as the 2023 value (a test of a chain)"
"""
    (two / "facts" / "yixian.yaml").write_text(text, encoding="utf-8")
    _edit(two / "facts" / "yixian.yaml", "      from: [fig-alliance-yixian-undergraduate-2025, ",
          "      from: [fig-jiaxian-no1-students, fig-alliance-yixian-undergraduate-2025, ")
    g = build(two, shacl=False).graph
    dup = ztd("source/jiaxian-school/defect/dup-jiaxian-p6")
    assert (ztd("fact/fig-alliance-yixian-undergraduate-2023"), zt("restsOnDefect"), dup) in g
    assert (ztd("fact/fig-chain"), zt("restsOnDefect"), dup) in g


def test_a_derivation_cycle_is_refused(two):
    _edit(two / "facts" / "yixian.yaml", "      from: [fig-alliance-yixian-undergraduate-2025, ",
          "      from: [fig-alliance-yixian-undergraduate-2023, ")
    assert "is derived, through other facts, from itself" in _refused(two)


def test_derivation_closure_is_transitive(two):
    records = load_project(two).records
    closure = derivation_closure(records)
    assert closure["fig-alliance-yixian-undergraduate-2023"] == ["fig-alliance-yixian-undergraduate-2025",
                                                                  "fig-alliance-yixian-undergraduate-change"]
