"""The store layer: value mapping, read-only guard, bound parameters, one-line CLI errors."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from zkg.store import (IRI, LangString, ParameterError, QuerySyntaxError, TypedLiteral, UpdateRefused,
                       inject_values, open_store, term_text, prepare, result_from_json, result_to_json)
from zkg.table import format_result, width

FIXTURE = Path(__file__).parent / "fixtures" / "query_graph"
ROOT = Path(__file__).resolve().parents[1]


ZTD = "https://w3id.org/zhaotong-kg/id/"
UPDATES = ["INSERT DATA { <a:s> <a:p> <a:o> }", "DELETE WHERE { ?s ?p ?o }", "DROP ALL", "CLEAR DEFAULT",
           "LOAD <http://example.org/x.nt>", "CREATE GRAPH <a:g>", "ADD DEFAULT TO <a:g>",
           "MOVE DEFAULT TO <a:g>", "COPY DEFAULT TO <a:g>",
           "PREFIX x: <a:> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }"]


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def store(request):
    return open_store(FIXTURE, engine=request.param)


def test_values_are_mapped_the_same_way(store):
    r = store.select("""PREFIX zt: <https://w3id.org/zhaotong-kg/ontology#>
        SELECT ?v ?st ?y ?n WHERE { ?f zt:value ?v ; zt:valueAsStated ?st ; zt:year ?y .
        BIND(COUNT(1) AS ?ignored) } """.replace("BIND(COUNT(1) AS ?ignored)", "BIND(3 AS ?n)"))
    v, st, y, n = r.rows[0]
    assert v == Decimal("235000000") and isinstance(v, Decimal)
    assert isinstance(st, LangString) and st.lang == "zh" and str(st) == "2.35亿元"
    assert isinstance(y, TypedLiteral) and y.datatype.endswith("#gYear") and y == "2023"
    assert n == 3 and type(n) is int


def test_iris_are_iri_values(store):
    r = store.select("SELECT ?s WHERE { ?s a <https://w3id.org/zhaotong-kg/ontology#County> }")
    assert r.rows == [(IRI(ZTD + "division/530627"),)] and isinstance(r.rows[0][0], IRI)


def test_engines_agree_and_language_tags_count():
    q = "SELECT ?s ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    a, b = open_store(FIXTURE, "oxigraph").select(q), open_store(FIXTURE, "rdflib").select(q)
    assert a.same_as(b) and len(a.rows) > 10
    changed = type(b)(b.columns, [(s, LangString(str(x), "en")) for s, x in b.rows], b.ordered)
    assert not a.same_as(changed)  # the same text in another language is a different answer


@pytest.mark.parametrize("update", UPDATES)
def test_updates_are_refused_before_any_engine(update, store):
    with pytest.raises(UpdateRefused, match="refused: this is a SPARQL update"):
        store.select(update)
    assert store.triple_count() == 176


def test_syntax_error_has_line_and_column():
    with pytest.raises(QuerySyntaxError, match="line 2, column 10"):
        prepare("SELECT * WHERE {\n  ?s ?p }")


@pytest.mark.parametrize("evil", ['} ; DROP ALL', 'x" } ; DROP ALL ; SELECT * { "', "a'b\"c{}\n\\"])
def test_hostile_parameter_is_a_value_not_query_text(evil, store):
    q = "SELECT ?l ?s WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    assert store.select(q, {"l": evil}).rows == []
    assert store.select(q, {"l": LangString("镇雄县", "zh")}).rows == [
        (LangString("镇雄县", "zh"), IRI(ZTD + "division/530627"))]
    rewritten = inject_values(q, {"l": evil})
    assert rewritten == q.replace("WHERE {", f"WHERE {{ VALUES (?l) {{ ({term_text(evil)}) }}", 1)
    assert store.select(rewritten).rows == []  # the endpoint form binds it the same way
    assert store.triple_count() == 176


def test_invalid_iri_parameter_is_refused(store):
    with pytest.raises(ParameterError):
        store.select("SELECT ?s WHERE { ?s ?p ?o }", {"s": IRI('a:b> } ; DROP ALL ; <a:c')})


def test_values_go_into_the_outer_where_not_a_string_or_comment():
    q = 'SELECT ?s # { not here\nWHERE { ?s ?p "{" . { ?s ?p ?o } }'
    out = inject_values(q, {"o": 1})
    assert out.index("VALUES") > out.index("WHERE {") and '"{"' in out
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    assert inject_values(construct, {"o": 1}).startswith("CONSTRUCT { ?s ?p ?o } WHERE { VALUES")


def test_sparql_json_round_trip(store):
    r = store.select("SELECT ?s ?l ?v WHERE { ?s <https://w3id.org/zhaotong-kg/ontology#valueAsStated> ?l ; "
                     "<https://w3id.org/zhaotong-kg/ontology#value> ?v } ORDER BY ?s")
    back = result_from_json(result_to_json(r), ordered=True)
    assert back.same_as(r) and back.rows == r.rows


def test_table_lines_up_chinese():
    r = open_store(FIXTURE).select("SELECT ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l "
                                   "FILTER(LANG(?l) = 'zh') } ORDER BY ?l")
    lines = format_result(r, "table").splitlines()
    assert len({width(line) for line in lines[1:]} - {0}) == 1 or max(map(width, lines[2:])) == width(lines[1])
    assert width("昭通") == 4 and width(lines[1]) == max(width(str(v[0])) for v in r.rows)


def test_cli_refuses_update_in_one_line(zkg):
    done = zkg("query", "--graph-dir", str(FIXTURE), "-e", "DROP ALL")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0 and "read" in done.stderr


def test_cli_syntax_error_one_line(zkg):
    done = zkg("query", "--graph-dir", str(FIXTURE), "-e", "SELECT * WHERE {\n ?s ?p }")
    assert done.returncode == 1 and "line 2, column" in done.stderr and "Traceback" not in done.stderr


def test_cli_unknown_name_suggests_close_names(zkg):
    done = zkg("query", "--graph-dir", str(FIXTURE), "alliance-member")
    assert done.returncode == 1 and "alliance-members" in done.stderr and "Traceback" not in done.stderr


def test_cli_misuse_exits_2(zkg):
    assert zkg("query").returncode == 2
    assert zkg("query", "alliance-members", "--param", "noequals").returncode == 2


def test_cli_missing_graph_says_build(zkg):
    done = zkg("query", "--graph-dir", "/nonexistent-zkg", "-e", "ASK {}")
    assert done.returncode == 1 and "zkg build" in done.stderr
