"""The store layer: value mapping, read-only guard, bound parameters, one-line CLI errors, and
loading a dataset (default graph and named graphs, the ontology in both) on both engines."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from zkg.binding import inject_values
from zkg.errors import ParameterError, QuerySyntaxError, UpdateRefused
from zkg.guard import prepare
from zkg.result import result_from_json, result_to_json
from zkg.store import open_store
from zkg.values import IRI, LangString, term_text, TypedLiteral
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


# --------------------------------------------------------------------------- a dataset

LEADS = ("<https://w3id.org/zhaotong-kg/id/school/a> <https://w3id.org/zhaotong-kg/ontology#leads> "
         "<https://w3id.org/zhaotong-kg/id/alliance/x>")
ONTOLOGY = "https://w3id.org/zhaotong-kg/ontology"
ENGINES = ["oxigraph", "rdflib"]


def _graphs_of(store, triple: str) -> set[str]:
    return {str(g) for (g,) in store.select(f"SELECT ?g WHERE {{ GRAPH ?g {{ {triple} }} }}").rows}


def _named(store) -> tuple[int, int]:
    """(quads in named graphs, number of named graphs)."""
    return tuple(store.select("SELECT (COUNT(*) AS ?q) (COUNT(DISTINCT ?g) AS ?n) "
                              "WHERE { GRAPH ?g { ?s ?p ?o } }").rows[0])


@pytest.mark.parametrize("engine", ENGINES)
def test_a_dataset_keeps_its_default_and_named_graphs(dataset, engine):
    store = open_store(dataset, engine, ontology=False)
    assert store.triple_count() == 4  # the default graph: each triple once, though leads is in two graphs
    assert store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {LEADS} }}").rows == [(1,)]
    assert _named(store) == (5, 4)
    assert _graphs_of(store, LEADS) == {ZTD + "fact/lead-a", ZTD + "fact/label-a"}
    assert _graphs_of(store, "?s <https://w3id.org/zhaotong-kg/ontology#quote> ?o") == {ZTD + "provenance"}


@pytest.mark.parametrize("engine", ENGINES)
def test_the_ontology_is_in_the_default_graph_and_its_named_graph(dataset, engine, ontology_size):
    store, n = open_store(dataset, engine), ontology_size
    assert n > 500
    assert store.triple_count() == 4 + n
    assert _named(store) == (5 + n, 5)
    school = "<https://w3id.org/zhaotong-kg/ontology#School> <http://www.w3.org/2000/01/rdf-schema#subClassOf> ?c"
    assert _graphs_of(store, school) == {ONTOLOGY}
    assert store.select(f"ASK {{ {school} }}").rows == [(True,)]  # and in the default graph, for plain questions
    assert _graphs_of(store, LEADS) == {ZTD + "fact/lead-a", ZTD + "fact/label-a"}


@pytest.mark.parametrize("engine", ENGINES)
def test_trig_and_nquads_text_load_the_same_dataset(dataset, tmp_path, engine):
    from kg_build.manifest import make_manifest, manifest_text

    trig = (dataset / "zhaotong.trig").read_bytes()
    (tmp_path / "zhaotong.trig").write_bytes(trig)
    (tmp_path / "manifest.json").write_text(manifest_text(make_manifest({"zhaotong.trig": trig}, triples=4)))
    for store in (open_store(tmp_path, engine), open_store(engine=engine, data=(dataset / "zhaotong.nq").read_text())):
        assert store.triple_count() == 4 and _named(store) == (5, 4)
        assert _graphs_of(store, LEADS) == {ZTD + "fact/lead-a", ZTD + "fact/label-a"}


def test_the_dataset_file_is_preferred_and_checked(dataset, tmp_path, zkg):
    from kg_build.manifest import make_manifest, manifest_text
    from zkg.loading import find_graph_file

    assert find_graph_file(dataset).name == "zhaotong.nq"
    nq, nt = (dataset / "zhaotong.nq").read_bytes(), (FIXTURE / "zhaotong.nt").read_bytes()
    (tmp_path / "zhaotong.nq").write_bytes(nq)
    (tmp_path / "zhaotong.nt").write_bytes(nt)
    (tmp_path / "manifest.json").write_text(manifest_text(make_manifest({"zhaotong.nq": nq, "zhaotong.nt": nt}, 4)))
    assert find_graph_file(tmp_path).name == "zhaotong.nq"
    (tmp_path / "zhaotong.nq").write_bytes(nq[:-10])  # cut short
    done = zkg("query", "--graph-dir", str(tmp_path), "-e", "ASK {}")
    assert done.returncode == 1 and "zhaotong.nq does not match" in done.stderr and "Traceback" not in done.stderr
