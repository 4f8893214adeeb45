"""The named questions: headers, prefixes, same answers on every engine, expected results."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pyoxigraph
import pytest

from zkg.api import open_graph, read_queries
from zkg.catalogue import Catalogue, CatalogueError
from zkg.errors import StoreError
from zkg.guard import prepare
from zkg.result import result_from_json
from zkg.store import open_store
from zkg.values import IRI, LangString

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
GRAPH = ROOT / "graph"
ZT = "https://w3id.org/zhaotong-kg/ontology#"
ZTD = "https://w3id.org/zhaotong-kg/id/"
CATALOGUE = Catalogue.from_texts(read_queries(QUERIES))
NAMES = [q.name for q in CATALOGUE]


def test_there_are_at_least_twenty_questions():
    assert len(NAMES) >= 20


@pytest.mark.parametrize("name", NAMES)
def test_header_matches_the_query(name):
    q = CATALOGUE.get(name)
    assert q.question_zh and q.question_en and re.search(r"[\u4e00-\u9fff]", q.question_zh)
    columns = pyoxigraph.Store().query(q.text).variables  # no store prefixes: the file declares its own
    assert [c for c, _ in q.columns] == [v.value for v in columns], "every column documented, in order"
    assert all(doc for _, doc in q.columns)
    for p in q.params:  # pyoxigraph binds only projected variables
        assert p.name in [v.value for v in columns]
    assert prepare(q.text).form == "SELECT"


@pytest.fixture(scope="module")
def fixture_graphs(two_articles):
    """The built two-articles project on both engines (the ontology beside its graph goes in with it)."""
    return {e: open_graph(two_articles.graph, engine=e, queries=QUERIES) for e in ("oxigraph", "rdflib")}


@pytest.mark.parametrize("name", NAMES)
def test_same_answer_on_oxigraph_and_rdflib_fixture(name, fixture_graphs):
    # Most questions are about the real article and have no rows on the two test articles; the
    # comparison still runs every query on both engines. The next test checks that the questions
    # the test articles are about do have rows, so that the engines agree on something.
    a = fixture_graphs["oxigraph"].result(name)
    b = fixture_graphs["rdflib"].result(name)
    assert a.same_as(b), (a.rows, b.rows)


def test_the_fixture_answers_the_questions_it_is_about(fixture_graphs):
    answered = {name for name in NAMES if fixture_graphs["oxigraph"].result(name).rows}
    assert {"alliance-counties", "alliance-members", "alliance-overview", "defect-facts", "derived-facts",
            "graph-summary", "investment", "posts", "principals", "provenance-summary", "school-figures",
            "schools", "source-audit"} <= answered


def test_alliance_members_on_fixture(fixture_graphs):
    # yixian-alliance P2: 乙县以甲县第一中学为“盟主”，携手乙县第二中学等6所高中组建教研联盟
    rows = fixture_graphs["oxigraph"].ask("alliance-members")
    assert [(r["schoolZh"], r["role"], r["paragraph"]) for r in rows] == [
        (LangString("甲县第一中学", "zh"), IRI(ZT + "AllianceLeader"), 2),
        (LangString("乙县第二中学", "zh"), IRI(ZT + "AllianceMember"), 2)]


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_parameters_restrict_and_hostile_values_match_nothing(engine, fixture_graphs, two_articles, ontology_size):
    g = fixture_graphs[engine]
    before = g.store.triple_count()  # the fixture's triples and the ontology beside them
    assert before == two_articles.result.manifest()["triples"] + ontology_size
    assert len(g.ask("alliance-members", alliance="ztd:alliance/yixian")) == 2
    assert g.ask("alliance-members", alliance="ztd:alliance/none") == []
    # jiaxian-school P4 (the other article stops at P3): the investment and its indicator
    assert [(r["fact"], r["quote"]) for r in g.ask("paragraph-facts", paragraph=4)] == [
        (IRI(ZTD + "fact/fig-jia-investment-2024"), "2024年，甲县投入资金1.2亿元，为甲县第一中学新建教学楼一栋"),
        (IRI(ZTD + "fact/indicator/construction-investment"), "甲县投入资金1.2亿元，为甲县第一中学新建教学楼一栋")]
    assert g.ask("paragraph-facts", paragraph=99) == []
    with pytest.raises(StoreError):
        g.ask("alliance-members", alliance='x:"} ; DROP ALL ; <a')
    with pytest.raises(CatalogueError, match="no parameter"):
        g.ask("alliance-members", school="x:y")
    assert g.store.triple_count() == before


def test_indicator_change_is_computed_and_statuses_told_apart(real_store):
    # The test articles state no 2022 level (their rate rises from 2023), so this question is asked
    # of the real graph, whose 2022 levels are derived from a 2025 level and a stated change
    # (on Oxigraph; test_real_graph_same_on_rdflib checks that rdflib gives the same answer).
    q = CATALOGUE.get("indicators-2022-2025")
    answer = real_store.select(q.text, q.bind({}))
    rows = [dict(zip(answer.columns, row)) for row in answer.rows]
    assert len(rows) >= 2
    for row in rows:
        assert row["computedChange"] == row["statedChange"] == row["value2025"] - row["value2022"]
        assert row["status2022"].endswith("#Derived") and row["status2025"].endswith("#Stated")


def test_investment_is_largest_first(fixture_graphs, real_store):
    # jiaxian-school P4: the one amount in yuan of the test articles
    [row] = fixture_graphs["oxigraph"].ask("investment")
    assert (row["value"], row["asStated"], row["aboutZh"], row["paragraph"]) == (
        Decimal("120000000"), LangString("1.2亿元", "zh"), LangString("甲县第一中学", "zh"), 4)
    q = CATALOGUE.get("investment")  # the order needs several amounts: the real graph's
    answer = real_store.select(q.text, q.bind({}))
    values = [row[answer.columns.index("value")] for row in answer.rows]
    assert values == sorted(values, reverse=True) and len(values) > 3


def test_frame_has_the_columns(fixture_graphs):
    df = fixture_graphs["oxigraph"].frame("schools")
    assert list(df.columns) == [c for c, _ in CATALOGUE.get("schools").columns]
    assert list(df["schoolZh"].map(str)) == ["甲县第一中学", "乙县第二中学"]


def test_unknown_name_suggests():
    with pytest.raises(CatalogueError, match="alliance-members"):
        CATALOGUE.get("aliance-members")


@pytest.fixture(scope="module")
def real_store():
    return open_store(GRAPH)


@pytest.fixture(scope="module")
def real_rdflib():
    return open_store(GRAPH, engine="rdflib")


@pytest.mark.parametrize("name", NAMES)
def test_real_graph_answer_equals_expected(name, real_store):
    q = CATALOGUE.get(name)
    expected_file = QUERIES / "expected" / f"{name}.srj"
    assert expected_file.is_file(), f"write it: zkg query {name} --update-expected"
    got = real_store.select(q.text, q.bind({}), max_rows=0)
    expected = result_from_json(expected_file.read_text(encoding="utf-8"), ordered=got.ordered)
    assert got.same_as(expected), (
        f"{name}: the answer differs from {expected_file.relative_to(QUERIES.parent)}\n{got.differences(expected)}\n"
        f"if the change is meant, run: zkg query {name} --update-expected (and review git diff)")


@pytest.mark.slow  # rdflib answers the real graph's questions in seconds; the fixture twin above is quick
@pytest.mark.parametrize("name", NAMES)
def test_real_graph_same_on_rdflib(name, real_store, real_rdflib):
    q = CATALOGUE.get(name)
    assert real_store.select(q.text, q.bind({})).same_as(real_rdflib.select(q.text, q.bind({})))


def test_readme_documents_every_command_and_question():
    readme = (QUERIES / "README.md").read_text(encoding="utf-8")
    for command in ("zkg query --list", "zkg query alliance-members", "zkg query -e", "zkg query --all",
                    "--engine rdflib", "--endpoint", "--param", "--format", "zkg push --endpoint", "zkg serve"):
        assert command in readme, f"queries/README.md lacks an example of {command!r}"
    for name in NAMES:
        assert f"`{name}`" in readme, f"queries/README.md does not list {name}"


def test_update_expected_rewrites_the_expected_answers(tmp_path, zkg):
    import shutil

    queries = tmp_path / "queries"
    shutil.copytree(QUERIES, queries)
    target = queries / "expected" / "graph-summary.srj"
    original = target.read_text(encoding="utf-8")
    target.write_text('{"head": {"vars": ["x"]}, "results": {"bindings": []}}\n', encoding="utf-8")
    done = zkg("query", "graph-summary", "--update-expected", "--queries-dir", str(queries), "--graph-dir", str(GRAPH))
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8") == original
    misuse = zkg("query", "-e", "ASK {}", "--update-expected")
    assert misuse.returncode == 2 and "--update-expected takes NAME or --all" in misuse.stderr


def test_a_differing_answer_names_the_rows_missing_and_added(real_store):
    q = CATALOGUE.get("schools")
    got = real_store.select(q.text, q.bind({}))
    fewer = type(got)(got.columns, got.rows[1:], got.ordered)
    text = got.differences(fewer)
    assert "added (got, not expected):" in text and repr(got.rows[0]) in text


# ------------------------------------------------- what the questions' portable forms rely on
# queries/README.md ("Portable forms") says why the questions spell a class test and GRAPH this way.

#: A class test ``{ ?x a zt:C } UNION { ?x a ?k . ?k rdfs:subClassOf zt:C }``: the class or a direct subclass.
ONE_STEP = re.compile(r"\?\w+ rdfs:subClassOf zt:(\w+)")
DEEPER = "SELECT ?k WHERE { ?k <http://www.w3.org/2000/01/rdf-schema#subClassOf>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>+ ?c }"


def _one_step_classes() -> dict[str, list[str]]:
    """Each class a question tests one step deep, with the questions that do."""
    found: dict[str, list[str]] = {}
    for q in CATALOGUE:
        body = "\n".join(line for line in q.text.splitlines() if not line.startswith("#"))
        for cls in ONE_STEP.findall(body):
            found.setdefault(cls, []).append(q.name)
    return found


def _too_deep(store) -> list[str]:
    """The classes tested one step deep that have classes two or more steps below them in ``store``."""
    return [f"{sorted(set(names))}: zt:{cls} has {[k for (k,) in rows]} two or more steps below it"
            for cls, names in sorted(_one_step_classes().items())
            if (rows := store.select(DEEPER, {"c": IRI(ZT + cls)}).rows)]


def test_a_one_step_class_test_sees_the_whole_hierarchy(real_store):
    assert {"School", "Program", "Event"} <= set(_one_step_classes())
    assert _too_deep(real_store) == [], "ontology/zhaotong.ttl got deeper: add the level to these class tests"


def test_a_class_two_steps_down_would_be_caught(tmp_path):
    ontology = tmp_path / "zhaotong.ttl"
    ontology.write_text((ROOT / "ontology" / "zhaotong.ttl").read_text(encoding="utf-8") + (
        f"\n<{ZT}BoardingSeniorHighSchool> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <{ZT}SeniorHighSchool> .\n"),
        encoding="utf-8")
    [problem] = _too_deep(open_store(engine="oxigraph", data="", ontology=ontology))
    assert problem.startswith("['school-figures', 'schools', 'schools-by-county']: zt:School has ")
    assert "BoardingSeniorHighSchool" in problem


def test_every_named_graph_is_one_the_dataset_describes(real_store, fixture_graphs):
    # triple-support keeps a graph only if the default graph gives it a type: so every one must have one
    untyped = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?g a ?kind } }"
    graphs = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert real_store.select(graphs).rows[0][0] > 800 and real_store.select(untyped).rows == []
    assert fixture_graphs["oxigraph"].sparql(graphs).rows[0][0] > 2 and fixture_graphs["oxigraph"].sparql(untyped).rows == []


@pytest.mark.parametrize("name", NAMES)
def test_the_endpoint_engine_sends_each_question_as_a_query(name):
    # SPARQLWrapper guesses the form from the first keyword outside comments, and its comment pattern
    # leaves every other line of a header: a header word such as "added" made a question an ADD update,
    # which Oxigraph's /query refuses (HTTP 400). So the headers must not lead it astray.
    from SPARQLWrapper import SPARQLWrapper

    wrapper = SPARQLWrapper("http://127.0.0.1/")
    wrapper.setQuery(CATALOGUE.get(name).text)  # what zkg.store.EndpointStore does
    assert wrapper.queryType == "SELECT" and not wrapper.isSparqlUpdateRequest()
