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

ROOT = Path(__file__).resolve().parents[1]


ZTD = "https://w3id.org/zhaotong-kg/id/"
UPDATES = ["INSERT DATA { <a:s> <a:p> <a:o> }", "DELETE WHERE { ?s ?p ?o }", "DROP ALL", "CLEAR DEFAULT",
           "LOAD <http://example.org/x.nt>", "CREATE GRAPH <a:g>", "ADD DEFAULT TO <a:g>",
           "MOVE DEFAULT TO <a:g>", "COPY DEFAULT TO <a:g>",
           "PREFIX x: <a:> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }"]


@pytest.fixture(scope="module")
def graph_dir(two_articles) -> Path:
    """The built two-articles project's graph folder (its ontology beside it)."""
    return two_articles.graph


@pytest.fixture(scope="module")
def triples(two_articles, ontology_size) -> int:
    """The triples of the fixture's default graph as a store holds them: the data and the ontology."""
    return two_articles.result.manifest()["triples"] + ontology_size


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def store(request, graph_dir):
    return open_store(graph_dir, engine=request.param)


def test_the_store_holds_the_data_and_the_ontology(store, triples, ontology_size):
    assert triples > ontology_size + 200  # the fixture's own triples are there, not only the ontology's
    assert store.triple_count() == triples


def test_values_are_mapped_the_same_way(store):
    # jiaxian-school P4: "2024年，甲县投入资金1.2亿元"
    r = store.select("""PREFIX zt: <https://w3id.org/zhaotong-kg/ontology#>
        SELECT ?v ?st ?y ?n WHERE { ?f zt:value ?v ; zt:valueAsStated ?st ; zt:year ?y ; zt:unit zt:Yuan .
        BIND(COUNT(1) AS ?ignored) } """.replace("BIND(COUNT(1) AS ?ignored)", "BIND(3 AS ?n)"))
    [(v, st, y, n)] = r.rows
    assert v == Decimal("120000000") and isinstance(v, Decimal)
    assert isinstance(st, LangString) and st.lang == "zh" and str(st) == "1.2亿元"
    assert isinstance(y, TypedLiteral) and y.datatype.endswith("#gYear") and y == "2024"
    assert n == 3 and type(n) is int
    # yixian-alliance P3: "2025年本科上线率达45.5%" (a decimal that is not a whole number)
    [(rate,)] = store.select("""PREFIX zt: <https://w3id.org/zhaotong-kg/ontology#>
        SELECT ?v WHERE { ?f zt:value ?v ; zt:valueAsStated "45.5%"@zh }""").rows
    assert rate == Decimal("45.5") and isinstance(rate, Decimal)


def test_iris_are_iri_values(store):
    r = store.select("SELECT ?s WHERE { ?s a <https://w3id.org/zhaotong-kg/ontology#County> } ORDER BY ?s")
    assert r.rows == [(IRI(ZTD + "division/jia-county"),), (IRI(ZTD + "division/yi-county"),)]
    assert all(isinstance(s, IRI) for (s,) in r.rows)


def test_engines_agree_and_language_tags_count(graph_dir):
    q = "SELECT ?s ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    a, b = open_store(graph_dir, "oxigraph").select(q), open_store(graph_dir, "rdflib").select(q)
    assert a.same_as(b) and len(a.rows) > 10
    changed = type(b)(b.columns, [(s, LangString(str(x), "en")) for s, x in b.rows], b.ordered)
    assert not a.same_as(changed)  # the same text in another language is a different answer


@pytest.mark.parametrize("update", UPDATES)
def test_updates_are_refused_before_any_engine(update, store, triples):
    with pytest.raises(UpdateRefused, match="refused: this is a SPARQL update"):
        store.select(update)
    assert store.triple_count() == triples


def test_syntax_error_has_line_and_column():
    with pytest.raises(QuerySyntaxError, match="line 2, column 10"):
        prepare("SELECT * WHERE {\n  ?s ?p }")


@pytest.mark.parametrize("evil", ['} ; DROP ALL', 'x" } ; DROP ALL ; SELECT * { "', "a'b\"c{}\n\\"])
def test_hostile_parameter_is_a_value_not_query_text(evil, store, triples):
    q = "SELECT ?l ?s WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    assert store.select(q, {"l": evil}).rows == []
    assert store.select(q, {"l": LangString("甲县", "zh")}).rows == [
        (LangString("甲县", "zh"), IRI(ZTD + "division/jia-county"))]
    rewritten = inject_values(q, {"l": evil})
    assert rewritten == q.replace("WHERE {", f"WHERE {{ VALUES (?l) {{ ({term_text(evil)}) }}", 1)
    assert store.select(rewritten).rows == []  # the endpoint form binds it the same way
    assert store.triple_count() == triples


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


def test_table_lines_up_chinese(graph_dir):
    r = open_store(graph_dir).select("SELECT ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l "
                                   "FILTER(LANG(?l) = 'zh') } ORDER BY ?l")
    lines = format_result(r, "table").splitlines()
    assert len({width(line) for line in lines[1:]} - {0}) == 1 or max(map(width, lines[2:])) == width(lines[1])
    assert width("昭通") == 4 and width(lines[1]) == max(width(str(v[0])) for v in r.rows)


def test_cli_refuses_update_in_one_line(zkg, graph_dir):
    done = zkg("query", "--graph-dir", str(graph_dir), "-e", "DROP ALL")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0 and "read" in done.stderr


def test_cli_syntax_error_one_line(zkg, graph_dir):
    done = zkg("query", "--graph-dir", str(graph_dir), "-e", "SELECT * WHERE {\n ?s ?p }")
    assert done.returncode == 1 and "line 2, column" in done.stderr and "Traceback" not in done.stderr


def test_cli_unknown_name_suggests_close_names(zkg, graph_dir):
    done = zkg("query", "--graph-dir", str(graph_dir), "alliance-member")
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


def test_the_dataset_file_is_preferred_and_checked(dataset, tmp_path, make_triples_only, zkg):
    from kg_build.manifest import make_manifest, manifest_text
    from zkg.loading import find_graph_file

    assert find_graph_file(dataset).name == "zhaotong.nq"
    make_triples_only(dataset / "zhaotong.nq", tmp_path)  # an old-format zhaotong.nt: the same default graph
    assert find_graph_file(tmp_path).name == "zhaotong.nt"
    nq, nt = (dataset / "zhaotong.nq").read_bytes(), (tmp_path / "zhaotong.nt").read_bytes()
    (tmp_path / "zhaotong.nq").write_bytes(nq)
    (tmp_path / "manifest.json").write_text(manifest_text(make_manifest({"zhaotong.nq": nq, "zhaotong.nt": nt}, 4)))
    assert find_graph_file(tmp_path).name == "zhaotong.nq"
    (tmp_path / "zhaotong.nq").write_bytes(nq[:-10])  # cut short
    done = zkg("query", "--graph-dir", str(tmp_path), "-e", "ASK {}")
    assert done.returncode == 1 and "zhaotong.nq does not match" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("value", ['} ; DROP ALL', 'x" } ; SERVICE <http://127.0.0.1:9/> { "', "a'b\"c{}\n\\",
                                   "\\u0022 } DROP ALL { \\u0022", '"""', LangString("甲县", "zh-Hans"), 7,
                                   Decimal("2.5"), 1.5e300, True, IRI(ZTD + "division/jia-county"),
                                   TypedLiteral("2020", "http://www.w3.org/2001/XMLSchema#gYear")])
def test_bound_text_passes_the_whole_guard(value):
    """The block is checked alone; the whole rewritten text must pass the guard the same way."""
    q = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"
    bound = inject_values(q, {"o": value})
    again = prepare(bound)
    assert (again.form, again.ordered) == ("SELECT", True) and again.variables == prepare(q).variables


@pytest.mark.parametrize("text", ['"x" } ; DROP ALL ; SELECT * { "', '<a:b> <a:c>', '"x', 'VALUES', '"x"@en ?o'])
def test_a_value_that_is_not_one_term_is_refused(text):
    from zkg.binding import _one_term
    with pytest.raises(ParameterError, match="not one RDF term"):
        _one_term(text)
