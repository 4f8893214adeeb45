"""The SPARQL side of the explorer, on real ``zkg serve`` processes: the editor page at ``/sparql``
(its starting query, its examples, its answers as tables with labels and links, its refusals), the
SPARQL 1.1 Protocol as tools read it (SPARQLWrapper's JSON, XML and CSV; ``zkg query --all
--endpoint`` equal to the embedded answers), and ``zkg serve --endpoint URL``: the explorer in front
of another server, no engine of its own, the same guard, and the same load test as the guard's.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from zkg.api import read_queries
from zkg.catalogue import Catalogue
from zkg.prefixes import PREFIXES
from zkg.result import result_from_json
from zkg.store import open_store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import Serve  # noqa: E402

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
GRAPH_DIR = ROOT / "graph"
CATALOGUE = Catalogue.from_texts(read_queries(ROOT / "queries"))
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
ALLIANCES = ("SELECT ?a WHERE { ?a a <https://w3id.org/zhaotong-kg/ontology#TeachingResearchAlliance> } ORDER BY ?a")


def get(url: str, headers: dict | None = None, data: bytes | None = None) -> tuple[int, dict, str]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode("utf-8")


def editor(base: str, **params: str) -> tuple[int, dict, str]:
    return get(base + "/sparql" + ("?" + urllib.parse.urlencode(params) if params else ""), BROWSER)


def textarea(page: str) -> str:
    return html.unescape(re.search(r'<textarea id="query"[^>]*>(.*?)</textarea>', page, re.S).group(1))


@pytest.fixture(scope="module")
def served():
    server = Serve("--graph-dir", str(GRAPH_DIR))
    yield server
    code, err = server.stop()
    assert code == 0, err


@pytest.fixture(scope="module")
def front(served):
    """``zkg serve --endpoint`` in front of ``served``: no engine, the same pages and endpoint."""
    server = Serve("--endpoint", served.endpoint)
    yield server
    code, err = server.stop()
    assert code == 0, err


@pytest.fixture(scope="module")
def embedded():
    return open_store(GRAPH_DIR)


# --------------------------------------------------------------------------- the editor page


def test_a_browser_gets_the_editor_and_a_client_gets_the_protocol(served):
    status, headers, page = editor(served.url)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    start = textarea(page)
    for name, iri in PREFIXES.items():  # every project prefix predeclared in the starting query
        assert f"PREFIX {name}: <{iri}>" in start
    for q in CATALOGUE:  # every named question offered as an example
        assert f'href="sparql?example={q.name}"' in page, q.name
    assert 'name="format"' in page and '<option value="csv">' in page
    # without Accept: text/html, /sparql with no query is the protocol's one-line error, as before
    for headers_ in ({}, {"Accept": "application/sparql-results+json"}, {"Accept": "*/*"}):
        status, got, body = get(served.endpoint, headers_)
        assert status == 400 and got["Content-Type"].startswith("text/plain") and "no query" in body


def test_an_example_loads_the_named_question(served):
    status, _, page = editor(served.url, example="alliance-counties")
    assert status == 200 and textarea(page) == CATALOGUE.get("alliance-counties").text
    status, _, page = editor(served.url, example="no-such-question")
    assert status == 200 and "no question named" in page and textarea(page).startswith("PREFIX zt:")


def test_format_html_shows_the_answer_with_labels_and_links(served, embedded):
    query = ("PREFIX zt: <https://w3id.org/zhaotong-kg/ontology#>\n"
             "SELECT ?alliance ?county WHERE { ?alliance zt:covers ?county } ORDER BY ?alliance ?county")
    status, _, page = editor(served.url, query=query, format="html")
    want = embedded.select(query)
    assert status == 200 and want.rows
    assert f'<p id="answer-count">{len(want.rows)} rows' in page
    names = open_store(GRAPH_DIR)
    from zkg.lookup import Names

    label = Names.from_store(names).label
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S).group(1)
    cells = re.findall(r'<td><a href="([^"]+)">([^<]*)</a>', body)
    assert len(cells) == 2 * len(want.rows)
    for (alliance, county), (href_a, text_a), (href_c, text_c) in zip(want.rows, cells[0::2], cells[1::2]):
        assert href_a == "id/" + alliance.removeprefix(PREFIXES["ztd"]) and html.unescape(text_a) == label(alliance)
        assert href_c == "id/" + county.removeprefix(PREFIXES["ztd"]) and html.unescape(text_c) == label(county)
    # the downloads are the protocol's answers to the same query
    downloads = dict(re.findall(r'<a href="([^"]+)" download="answer\.(\w+)"', page))
    assert set(downloads.values()) == {"json", "xml", "csv", "tsv"}
    csv_link = next(h for h, ext in downloads.items() if ext == "csv")
    status, headers, text = get(served.url + "/" + html.unescape(csv_link))
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert len(list(csv.reader(io.StringIO(text)))) == len(want.rows) + 1


def test_format_html_for_ask_and_construct(served, embedded):
    status, _, page = editor(served.url, query="ASK { ?s ?p ?o }", format="html")
    assert status == 200 and '<p id="answer-boolean">ASK: <strong>true</strong>' in page
    query = "CONSTRUCT WHERE { ?s a <https://w3id.org/zhaotong-kg/ontology#TeachingResearchAlliance> }"
    status, _, page = editor(served.url, query=query, format="html")
    assert status == 200 and '<p id="answer-count">3 triples.' in page
    assert {ext for ext in re.findall(r'download="answer\.(\w+)"', page)} == {"ttl", "nt"}


def test_the_editor_refuses_through_the_guard(served):
    cases = [("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", 403, "SERVICE"),
             ("DROP ALL", 403, "refused"), ("SELECT ?s WHERE { ?s ?p ", 400, "syntax")]
    for query, code, word in cases:
        status, headers, page = editor(served.url, query=query, format="html")
        assert status == code and headers["Content-Type"].startswith("text/html"), (query, status)
        error = html.unescape(re.search(r'<p class="error" id="error" role="alert">(.*?)</p>', page, re.S).group(1))
        assert word.lower() in error.lower() and "\n" not in error
        assert textarea(page) == query  # the query stays in the editor, to be fixed
    assert get(served.endpoint + "?query=ASK%7B%7D&format=pdf")[0] == 400


def test_a_large_answer_is_cut_in_the_page_and_whole_in_the_downloads(served, embedded):
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 1500"
    status, _, page = editor(served.url, query=query, format="html")
    assert status == 200 and "1500 rows; the first 1000 are shown" in page
    assert page.count("<tr>") == 1 + 1000  # the header row and the rows shown
    status, _, text = get(served.endpoint + "?" + urllib.parse.urlencode({"query": query, "format": "tsv"}))
    assert status == 200 and len(text.splitlines()) == 1501


def test_without_codemirror_the_page_is_a_plain_form(two_articles, tmp_path, monkeypatch):
    """When CodeMirror is not installed (no npm), the page links no editor files: the textarea form,
    which needs no script, is the editor (the browser test runs it with JavaScript off)."""
    from zkg.explorer import Explorer, editor
    from zkg.serve import create_app

    state = Explorer(open_store(two_articles.graph), CATALOGUE)
    app = create_app("http://127.0.0.1:9/query", explorer=state)  # never asked: no query is run here
    page = app.test_client().get("/sparql", headers=BROWSER).get_data(as_text=True)
    assert "codemirror.js" in page and "editor.js" in page  # installed by scripts/setup.sh
    monkeypatch.setattr(editor, "_STATIC", tmp_path)
    page = app.test_client().get("/sparql", headers=BROWSER).get_data(as_text=True)
    assert "codemirror" not in page.lower() and '<textarea id="query" name="query"' in page
    assert '<form id="editor" class="editor" method="get" action="sparql">' in page


# --------------------------------------------------------------------------- the protocol, as tools read it


def test_sparqlwrapper_reads_json_xml_and_csv(served, embedded):
    from SPARQLWrapper import CSV, GET, JSON, POST, XML, SPARQLWrapper

    want = [str(a) for (a,) in embedded.select(ALLIANCES).rows]
    assert len(want) == 3
    for method in (GET, POST):
        for fmt in (JSON, XML, CSV):
            sw = SPARQLWrapper(served.endpoint)
            sw.setMethod(method)
            sw.setReturnFormat(fmt)
            sw.setQuery(ALLIANCES)
            got = sw.query().convert()
            if fmt == JSON:
                rows = [b["a"]["value"] for b in got["results"]["bindings"]]
            elif fmt == XML:
                rows = [u.firstChild.data for u in got.getElementsByTagName("uri")]
            else:
                rows = [r[0] for r in list(csv.reader(io.StringIO(got.decode("utf-8"))))[1:]]
            assert rows == want, (method, fmt)


def test_zkg_query_all_through_the_endpoint_equals_the_embedded_answers(served, zkg):
    remote = zkg("query", "--all", "-f", "json", "--endpoint", served.endpoint, timeout=300)
    local = zkg("query", "--all", "-f", "json", "--graph-dir", str(GRAPH_DIR), timeout=300)
    assert remote.returncode == 0 and local.returncode == 0, remote.stderr + local.stderr
    got, want = json.loads(remote.stdout), json.loads(local.stdout)
    assert set(got) == set(want) == {q.name for q in CATALOGUE}
    for name in want:
        ordered = CATALOGUE.get(name).text.upper().count("ORDER BY") > 0
        a, b = result_from_json(got[name], ordered), result_from_json(want[name], ordered)
        assert a.same_as(b), (name, a.differences(b))


# --------------------------------------------------------------------------- zkg serve --endpoint


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[1] == str(pid) and fields[0] not in ("Z", "X"):
                found.append(int(entry.name))
    return found


def test_endpoint_mode_starts_no_engine_and_answers_like_the_embedded_store(served, front, embedded):
    assert "in front of " + served.endpoint in front.announced
    assert _children(front.process.pid) == [], "zkg serve --endpoint started a child process"
    for q in CATALOGUE:
        got = open_store(endpoint=front.endpoint).select(q.text, q.bind({}))
        assert got.same_as(embedded.select(q.text, q.bind({}))), q.name
    status, _, page = editor(front.url, query=ALLIANCES, format="html")
    assert status == 200 and '<p id="answer-count">3 rows.' in page and 'href="id/alliance/' in page
    status, _, page = get(front.url + "/", BROWSER)  # the explorer's pages read the remote store
    assert status == 200 and "<main" in page


def test_endpoint_mode_keeps_the_guard(served, front, embedded):
    import http.server
    import threading

    seen: list[str] = []

    class Listener(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            seen.append(self.path)
            self.send_response(500)
            self.end_headers()

        do_GET = do_POST  # noqa: N815

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Listener)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        target = f"http://127.0.0.1:{httpd.server_address[1]}/sparql"
        for query, code in ((f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}", 403),
                            ("DROP ALL", 403), (f"LOAD <{target}>", 403)):
            for data in (None, urllib.parse.urlencode({"query": query}).encode()):
                url = front.endpoint + ("" if data else "?" + urllib.parse.urlencode({"query": query}))
                status, headers, body = get(url, {"Content-Type": "application/x-www-form-urlencoded"}, data)
                assert status == code and body.count("\n") == 1, body
        assert seen == []
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert open_store(endpoint=served.endpoint).triple_count() == embedded.triple_count()


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/sparql", "127.0.0.1:7878/sparql",
                                 "http:///sparql"])
def test_endpoint_mode_refuses_a_url_that_is_not_http_in_one_line(url, zkg):
    done = zkg("serve", "--port", "0", "--endpoint", url, timeout=60)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "http(s)" in done.stderr and "Traceback" not in done.stderr


def test_endpoint_mode_takes_no_graph_dir(zkg):
    done = zkg("serve", "--port", "0", "--endpoint", "http://127.0.0.1:9/sparql", "--graph-dir", str(GRAPH_DIR),
               timeout=60)
    assert done.returncode == 2 and "not both" in done.stderr and "Traceback" not in done.stderr


def test_endpoint_mode_load_16_clients_500_queries_each(front, served):
    """The guard's load test (tests/test_serve.py) on the explorer in front of another server:
    every request crosses two fronts and two guards."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import load

    jobs = load.questions()
    report = load.load(front.endpoint, jobs, load.expected_answers(jobs, GRAPH_DIR), clients=16, per_client=500)
    print("\n" + report.table())
    assert report.total == 16 * 500
    assert report.errors == [] and report.wrong == []
    assert set(report.per_question) == {q.name for q in CATALOGUE}
    assert front.process.poll() is None and served.process.poll() is None
