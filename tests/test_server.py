"""The same questions on a real Oxigraph server (started here, loaded with `zkg push`), and the
one-line errors for servers that are down, slow, broken or not SPARQL (real sockets)."""

from __future__ import annotations

import http.server
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from zkg.api import read_queries
from zkg.catalogue import Catalogue
from zkg.serve import free_port, start_server, wait_until_up
from zkg.errors import EndpointError, UpdateRefused
from zkg.store import open_store

ROOT = Path(__file__).resolve().parents[1]
GRAPH_DIR = ROOT / "graph"
CATALOGUE = Catalogue.from_texts(read_queries(ROOT / "queries"))


@pytest.fixture(scope="module")
def server(tmp_path_factory, zkg):
    """A writable Oxigraph server on a free 127.0.0.1 port, loaded with `zkg push`."""
    port = free_port()
    process = start_server(tmp_path_factory.mktemp("oxigraph"), port, read_only=False)
    try:
        url = wait_until_up(process, port)
        done = zkg("push", "--endpoint", f"{url}/store", "--graph-dir", str(GRAPH_DIR))
        assert done.returncode == 0, done.stderr
        assert "the server holds them all" in done.stdout
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def embedded():
    return open_store(GRAPH_DIR)


@pytest.mark.parametrize("name", [q.name for q in CATALOGUE])
def test_server_answers_like_the_embedded_store(name, server, embedded):
    q = CATALOGUE.get(name)
    remote = open_store(endpoint=f"{server}/query").select(q.text, q.bind({}))
    assert remote.same_as(embedded.select(q.text, q.bind({})))


def test_parameters_are_bound_on_the_server(server, embedded):
    q = CATALOGUE.get("alliance-members")
    remote = open_store(endpoint=f"{server}/query")
    for value in ("ztd:alliance/zhaotong-no1", "ztd:alliance/none"):
        bound = q.bind({"alliance": value})
        assert remote.select(q.text, bound).same_as(embedded.select(q.text, bound))
    evil = "SELECT ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    assert remote.select(evil, {"l": '"} ; DROP ALL ; SELECT * {'}).rows == []
    assert remote.triple_count() == embedded.triple_count()


def test_update_refused_before_reaching_server(server, embedded, zkg):
    with pytest.raises(UpdateRefused):
        open_store(endpoint=f"{server}/query").select("DROP ALL")
    done = zkg("query", "--endpoint", f"{server}/query", "-e", "CLEAR ALL")
    assert done.returncode == 1 and "refused" in done.stderr
    assert open_store(endpoint=f"{server}/query").triple_count() == embedded.triple_count()


def test_a_query_whose_comments_read_like_an_update_is_sent_as_a_query(server, embedded):
    # SPARQLWrapper alone takes the first keyword of a line its comment pattern leaves: this text would
    # go out as an ADD update and the query endpoint would answer HTTP 400.
    text = "# counts the triples\n# added to the graph by the build\nSELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    remote = open_store(endpoint=f"{server}/query").select(text)
    assert remote.rows == embedded.select(text).rows


def test_push_replaces_the_graph_whole(server, embedded, zkg):
    for _ in range(2):  # pushing twice does not double anything
        assert zkg("push", "--endpoint", f"{server}/store", "--graph-dir", str(GRAPH_DIR)).returncode == 0
    assert open_store(endpoint=f"{server}/query").triple_count() == embedded.triple_count()


def test_cli_query_on_endpoint(server, zkg):
    done = zkg("query", "alliance-members", "--endpoint", f"{server}/query", "--format", "csv")
    assert done.returncode == 0 and "alliance,allianceZh,allianceEn,school" in done.stdout


def test_server_down_is_one_line(zkg, two_articles):
    port = free_port()
    done = zkg("query", "-e", "ASK {}", "--endpoint", f"http://127.0.0.1:{port}/query")
    assert done.returncode == 1 and "connection refused" in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    done = zkg("push", "--endpoint", f"http://127.0.0.1:{port}/store", "--graph-dir", str(two_articles.graph))
    assert done.returncode == 1 and "cannot reach" in done.stderr and "Traceback" not in done.stderr


class _Stub(http.server.BaseHTTPRequestHandler):
    mode = "500"

    def do_POST(self):  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._answer()

    do_GET = do_POST  # noqa: N815

    def do_PUT(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(403)
        self.end_headers()
        self.wfile.write(b"read-only store")

    def _answer(self):
        try:
            self._reply()
        except (BrokenPipeError, ConnectionResetError):  # the client gave up first (the timeout case)
            pass

    def _reply(self):
        if self.server.mode == "slow":
            time.sleep(3)
        if self.server.mode == "500":
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"boom")
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html>not sparql</html>")

    def log_message(self, *args):
        pass


@pytest.fixture()
def stub():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Stub)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("mode, words", [("500", "HTTP 500"), ("html", "did not answer with SPARQL JSON"),
                                         ("slow", "did not answer within 1 s")])
def test_broken_servers_give_one_line(stub, mode, words, zkg):
    stub.mode = mode
    url = f"http://127.0.0.1:{stub.server_address[1]}/query"
    with pytest.raises(EndpointError, match=words):
        open_store(endpoint=url, timeout=1).select("ASK {}")
    done = zkg("query", "-e", "ASK {}", "--endpoint", url, "--timeout", "1")
    assert done.returncode == 1 and words in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_push_rejected_is_one_line(stub, zkg, two_articles):
    done = zkg("push", "--endpoint", f"http://127.0.0.1:{stub.server_address[1]}/store",
               "--graph-dir", str(two_articles.graph))
    assert done.returncode == 1 and "refused the graph: HTTP 403" in done.stderr and "Traceback" not in done.stderr


def test_names_resolve_on_the_server(server, zkg):
    """The resolver reads names with one query, so it works on an endpoint as on the embedded store."""
    done = zkg("query", "alliance-counties", "--param", "alliance=昭通一中", "--endpoint", f"{server}/query",
               "-f", "csv")
    assert done.returncode == 0, done.stderr
    assert [line.split(",")[4] for line in done.stdout.splitlines()[1:]] == ["昭阳区", "鲁甸县", "巧家县", "彝良县"]
    shown = zkg("show", "周世碧", "--endpoint", f"{server}/query")
    assert shown.returncode == 0 and "昭通市教育体育局局长周世碧" in shown.stdout and "人物" in shown.stdout


# --------------------------------------------------------------------------- pushing a dataset

ZTD = "https://w3id.org/zhaotong-kg/id/"
LEADS = f"<{ZTD}school/a> <https://w3id.org/zhaotong-kg/ontology#leads> <{ZTD}alliance/x>"
PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
OTHER = "https://example.org/someone-elses-graph"


def _graphs(url: str) -> set[str]:
    rows = open_store(endpoint=f"{url}/query").select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
    return {str(g) for (g,) in rows}


@pytest.fixture()
def empty_server(tmp_path):
    """A writable Oxigraph server of its own, empty."""
    port = free_port()
    process = start_server(tmp_path / "oxigraph", port, read_only=False)
    try:
        yield wait_until_up(process, port)
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_push_puts_the_whole_dataset_on_the_server(empty_server, dataset, ontology_size, two_articles, tmp_path,
                                                  make_triples_only, zkg):
    url, n = empty_server, ontology_size
    done = zkg("push", "--endpoint", f"{url}/store", "--graph-dir", str(dataset))
    assert done.returncode == 0, done.stderr
    assert f"pushed {4 + n} triples in the default graph and {5 + n} quads in 5 named graphs" in done.stdout
    remote, embedded = open_store(endpoint=f"{url}/query"), open_store(dataset)
    assert remote.triple_count() == embedded.triple_count() == 4 + n  # no graph merged into the default one
    for q in (f"SELECT ?g WHERE {{ GRAPH ?g {{ {LEADS} }} }}", PER_GRAPH):
        assert remote.select(q).same_as(embedded.select(q)), remote.select(q).differences(embedded.select(q))
    assert {str(g) for (g,) in remote.select(f"SELECT ?g WHERE {{ GRAPH ?g {{ {LEADS} }} }}").rows} == {
        ZTD + "fact/lead-a", ZTD + "fact/label-a"}
    # the dataset is replaced whole: a triples-only graph (an old-format .nt, no ontology beside it)
    # leaves no named graph; here the default graph of the two-articles project
    old = make_triples_only(two_articles.graph / "zhaotong.nq", tmp_path / "old" / "graph")
    k = two_articles.result.manifest()["triples"]
    done = zkg("push", "--endpoint", f"{url}/store", "--graph-dir", str(old))
    assert done.returncode == 0 and f"{k} triples in the default graph and 0 quads in 0 named graphs" in done.stdout
    assert _graphs(url) == set() and remote.triple_count() == k > 200


def test_push_per_graph_replaces_our_graphs_and_leaves_others(empty_server, tmp_path, make_dataset, dataset,
                                                              dataset_graphs, ontology_size, zkg):
    url, n = empty_server, ontology_size
    assert zkg("push", "--endpoint", f"{url}/store", "--graph-dir", str(dataset)).returncode == 0
    request = urllib.request.Request(f"{url}/store?graph={urllib.parse.quote(OTHER, safe='')}", method="PUT",
                                     data=b"<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n",
                                     headers={"Content-Type": "application/n-triples"})
    assert urllib.request.urlopen(request, timeout=10).status in (201, 204)
    del dataset_graphs[ZTD + "source/art"]  # the next build has one article fewer
    smaller = make_dataset(tmp_path / "smaller", dataset_graphs)
    done = zkg("push", "--per-graph", "--endpoint", f"{url}/store", "--graph-dir", str(smaller))
    assert done.returncode == 0, done.stderr
    assert f"pushed {3 + n} triples in the default graph and {4 + n} quads in 4 named graphs" in done.stdout
    assert _graphs(url) == {OTHER, ZTD + "fact/lead-a", ZTD + "fact/label-a", ZTD + "provenance",
                            "https://w3id.org/zhaotong-kg/ontology"}
    assert open_store(endpoint=f"{url}/query").triple_count() == 3 + n


def test_push_counts_on_the_server_and_names_a_dataset_that_disagrees_with_its_manifest(
        empty_server, tmp_path, make_dataset, ontology_size, zkg):
    """The count check is the server's (SPARQL COUNT after the upload; the client never holds the
    triples): a manifest that says one quad more than the file holds fails in one line."""
    import json

    n = ontology_size
    folder = make_dataset(tmp_path / "lying")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["quads"] += 1
    (folder / "manifest.json").write_text(json.dumps(manifest))
    done = zkg("push", "-q", "--endpoint", f"{empty_server}/store", "--graph-dir", str(folder))
    assert done.returncode == 1, done.stdout
    assert (f"the server holds {4 + n} triples in its default graph, {5 + n} quads in 5 named graphs of ours; "
            f"the manifest and the ontology make {4 + n}, {6 + n} and 5") in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
