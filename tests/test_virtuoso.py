"""Virtuoso as a second server engine: a real ``virtuoso-t`` (tests/virtuoso.py) gets the graph by
``zkg push --per-graph --default-graph``, and every named question asked through ``zkg query --all
--endpoint`` gives its expected answer (``queries/expected``), as on the embedded store. The two
Virtuoso faults the questions' portable forms avoid (docs/servers.md) are held here too, so that a
Virtuoso that no longer has them shows. Asking by name (``--param alliance=昭通一中``, ``zkg search``,
``zkg show``, the closest names offered for an IRI not in the graph) gives the embedded store's answer,
and on a synthetic province, whose graph lacks the IRIs the questions take by default, ``--all`` runs
every question with the same warnings."""

from __future__ import annotations

import json
import sys
import urllib.parse
from pathlib import Path

import pytest

from zkg.result import result_from_json
from zkg.store import open_store

sys.path.insert(0, str(Path(__file__).parent))  # the helper beside this file (pytest imports with importlib)
from virtuoso import DEFAULT_GRAPH, running_virtuoso  # noqa: E402

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
GRAPH_DIR = ROOT / "graph"
EXPECTED = ROOT / "queries" / "expected"

@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory, zkg):
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso") / "db") as server:
        done = zkg("push", "--per-graph", "--default-graph", DEFAULT_GRAPH, "--endpoint",
                   f"{server.url}/sparql-graph-crud", "--graph-dir", str(GRAPH_DIR))
        assert done.returncode == 0, done.stderr
        server.pushed = done.stdout  # type: ignore[attr-defined]
        yield server


@pytest.fixture(scope="module")
def synthetic_virtuoso(tmp_path_factory, zkg):
    """A second Virtuoso holding a small synthetic province (``zkg synth``, ``zkg build``): its graph
    folder and the server."""
    root = tmp_path_factory.mktemp("synth") / "province"
    for args in (("synth", "--schools", "64", "--out", str(root)), ("build", "--root", str(root))):
        done = zkg(*args)
        assert done.returncode == 0, done.stderr
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso-synth") / "db") as server:
        done = zkg("push", "--per-graph", "--default-graph", DEFAULT_GRAPH, "--endpoint",
                   f"{server.url}/sparql-graph-crud", "--graph-dir", str(root / "graph"))
        assert done.returncode == 0, done.stderr
        yield root / "graph", server


def _query_url(server) -> str:
    return f"{server.url}/sparql?default-graph-uri={urllib.parse.quote(DEFAULT_GRAPH, safe='')}"


def _differences(answers: dict, expected: dict) -> str:
    """The rows missing and added in each answer (a JSON result document) that differs from the one
    expected of its question, as rows (their order aside); "" when every one is the same."""
    differ = []
    for name, document in sorted(answers.items()):
        got, want = result_from_json(document, ordered=False), result_from_json(expected[name], ordered=False)
        if not got.same_as(want):
            differ.append(f"{name} differs on Virtuoso:\n{got.differences(want)}")
    return "\n".join(differ)


def test_push_counts_the_whole_dataset_on_virtuoso(virtuoso):
    embedded = open_store(GRAPH_DIR)
    quads, graphs = embedded.select(
        "SELECT (COUNT(*) AS ?q) (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows[0]
    assert (f"pushed {embedded.triple_count()} triples in the default graph and {quads} quads in {graphs} named "
            "graphs") in virtuoso.pushed
    remote = open_store(endpoint=_query_url(virtuoso))
    assert remote.triple_count() == embedded.triple_count()
    # without default-graph-uri, Virtuoso's default graph is the union of every graph: more triples
    assert open_store(endpoint=f"{virtuoso.url}/sparql").triple_count() > 2 * embedded.triple_count()


def test_every_named_question_answers_as_expected_on_virtuoso(virtuoso, zkg):
    done = zkg("query", "--all", "-f", "json", "--max-rows", "0", "--endpoint", _query_url(virtuoso))
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout)
    assert set(answers) == {p.stem for p in EXPECTED.glob("*.srj")}
    expected = {name: (EXPECTED / f"{name}.srj").read_text(encoding="utf-8") for name in answers}
    differ = _differences(answers, expected)
    assert not differ, differ
    assert len(answers) == 35


#: Asking by name, and what each answer must hold on the embedded store (so that two equal failures
#: do not pass): (arguments, exit code, text in stdout, text in stderr).
BY_NAME = [
    (("query", "alliance-counties", "--param", "alliance=昭通一中", "-f", "jsonl"), 0, "鲁甸县", ""),
    (("search", "周世碧"), 0, "ztd:person/zhou-shibi", ""),
    (("show", "周世碧"), 0, "昭通市教育体育局局长周世碧", ""),
    (("query", "entity-facts", "--param", "entity=周世碧", "-f", "jsonl"), 0, "person/zhou-shibi", ""),
    (("query", "alliance-counties", "--param", "alliance=周世碧"), 1, "", "is not a zt:TeachingResearchAlliance"),
    (("query", "entity-facts", "--param", "entity=周世璧"), 1, "", "周世碧 (ztd:person/zhou-shibi)"),
    (("query", "alliance-counties", "--param", "alliance=ztd:alliance/nowhere"), 0, "", "is not in the graph; closest:"),
]


@pytest.mark.parametrize(("args", "code", "out", "err"), BY_NAME,
                         ids=[" ".join(a[:2] + a[3:4]) for a, *_ in BY_NAME])
def test_asking_by_name_on_virtuoso_gives_the_embedded_answer(args, code, out, err, virtuoso, zkg):
    embedded = zkg(*args)
    assert (embedded.returncode, out in embedded.stdout, err in embedded.stderr) == (code, True, True), embedded.stderr
    remote = zkg(*args, "--endpoint", _query_url(virtuoso))
    assert (remote.returncode, remote.stdout, remote.stderr) == (embedded.returncode, embedded.stdout, embedded.stderr)


def test_every_named_question_runs_on_virtuoso_where_default_iris_are_missing(synthetic_virtuoso, zkg):
    # the closest names offered for each default IRI the province lacks come from the names query
    graph, server = synthetic_virtuoso
    ask = ("query", "--all", "-f", "json", "--max-rows", "0")
    embedded = zkg(*ask, "--graph-dir", str(graph))
    assert embedded.returncode == 0, embedded.stderr
    assert embedded.stderr.count("is not in the graph; closest:") >= 3
    remote = zkg(*ask, "--endpoint", _query_url(server))
    assert remote.returncode == 0, remote.stderr
    assert remote.stderr == embedded.stderr
    answers, expected = json.loads(remote.stdout), json.loads(embedded.stdout)
    assert set(answers) == set(expected) == {p.stem for p in EXPECTED.glob("*.srj")}
    differ = _differences(answers, expected)
    assert not differ, differ


#: ``rdfs:subClassOf*`` as the questions once had it (festival): Virtuoso 7.2.5 evaluates the path with
#: both ends bound (a "Target" in its plan) and keeps one row of eight.
BOTH_ENDS_BOUND = """PREFIX zt: <https://w3id.org/zhaotong-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?work ?label WHERE { ?work zt:performedAt ?event ; rdfs:label ?label . ?event a/rdfs:subClassOf* zt:Event }"""


def test_virtuoso_still_loses_rows_from_a_path_with_both_ends_bound(virtuoso):
    # why the questions write a class test as a UNION (queries/README.md, docs/servers.md)
    embedded = open_store(GRAPH_DIR).select(BOTH_ENDS_BOUND)
    remote = open_store(endpoint=_query_url(virtuoso)).select(BOTH_ENDS_BOUND)
    assert len(embedded.rows) == 8 and 0 < len(remote.rows) < len(embedded.rows)


def test_virtuoso_shows_the_default_graph_holder_to_graph_patterns(virtuoso):
    # why triple-support keeps only graphs the dataset describes
    holder = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{DEFAULT_GRAPH}> {{ ?s ?p ?o }} }}"
    assert open_store(GRAPH_DIR).select(holder).rows == [(0,)]
    assert open_store(endpoint=_query_url(virtuoso)).select(holder).rows == [(open_store(GRAPH_DIR).triple_count(),)]


def test_push_without_a_default_graph_is_refused_by_virtuoso_in_one_line(virtuoso, zkg):
    done = zkg("push", "--per-graph", "--endpoint", f"{virtuoso.url}/sparql-graph-crud", "--graph-dir", str(GRAPH_DIR))
    assert done.returncode == 1 and "refused the graph: HTTP 500" in done.stderr
    assert "not configured to have default graph" in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert open_store(endpoint=_query_url(virtuoso)).triple_count() == open_store(GRAPH_DIR).triple_count()


def test_a_missing_virtuoso_is_an_error_not_a_skip(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="virtuoso-t is not installed: run scripts/setup.sh --test"):
        with running_virtuoso(tmp_path / "db"):
            pass
