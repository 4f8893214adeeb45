"""The named questions: headers, prefixes, same answers on every engine, expected results."""

from __future__ import annotations

import re
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
FIXTURE = Path(__file__).parent / "fixtures" / "query_graph"
GRAPH = ROOT / "graph"
ZT = "https://w3id.org/zhaotong-kg/ontology#"
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
def fixture_graphs():
    # The fixture graph has no ontology/ beside it: the project's ontology goes in with it.
    return {e: open_graph(FIXTURE, engine=e, queries=QUERIES, ontology=ROOT / "ontology" / "zhaotong.ttl")
            for e in ("oxigraph", "rdflib")}


@pytest.mark.parametrize("name", NAMES)
def test_same_answer_on_oxigraph_and_rdflib_fixture(name, fixture_graphs):
    a = fixture_graphs["oxigraph"].result(name)
    b = fixture_graphs["rdflib"].result(name)
    assert a.same_as(b), (a.rows, b.rows)


def test_alliance_members_on_fixture(fixture_graphs):
    rows = fixture_graphs["oxigraph"].ask("alliance-members")
    assert [(r["schoolZh"], r["role"]) for r in rows] == [
        (LangString("昭通市第一中学", "zh"), IRI(ZT + "AllianceLeader")),
        (LangString("昭通市凤池九年一贯制学校", "zh"), IRI(ZT + "AllianceMember"))]


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_parameters_restrict_and_hostile_values_match_nothing(engine, fixture_graphs):
    g = fixture_graphs[engine]
    before = g.store.triple_count()  # the fixture's 176 triples and the ontology beside them
    assert before > 176
    assert len(g.ask("alliance-members", alliance="ztd:alliance/zhaotong-no1")) == 2
    assert g.ask("alliance-members", alliance="ztd:alliance/none") == []
    assert g.ask("paragraph-facts", paragraph=17)[0]["quote"] == "资2.35亿元"
    with pytest.raises(StoreError):
        g.ask("alliance-members", alliance='x:"} ; DROP ALL ; <a')
    with pytest.raises(CatalogueError, match="no parameter"):
        g.ask("alliance-members", school="x:y")
    assert g.store.triple_count() == before


def test_indicator_change_is_computed_and_statuses_told_apart(fixture_graphs):
    [row] = fixture_graphs["rdflib"].ask("indicators-2022-2025")
    assert row["computedChange"] == row["statedChange"] == row["value2025"] - row["value2022"]
    assert row["status2022"].endswith("#Derived") and row["status2025"].endswith("#Stated")


def test_investment_is_largest_first(fixture_graphs):
    values = [r["value"] for r in fixture_graphs["oxigraph"].ask("investment")]
    assert values == sorted(values, reverse=True) and len(values) == 3


def test_frame_has_the_columns(fixture_graphs):
    df = fixture_graphs["oxigraph"].frame("schools")
    assert list(df.columns) == [c for c, _ in CATALOGUE.get("schools").columns] and len(df) == 3


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
