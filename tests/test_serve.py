"""`zkg serve` as a real subprocess: the guard in front of a real Oxigraph child, real sockets,
real HTTP, a real headless Chromium.

What must hold: SERVICE never reaches out and updates never pass (whatever the method); a heavy
query is stopped and the engine's CPU is free again; the port-taken case is one line; the child
and its temporary store never outlive `zkg serve` (signals, SIGKILL); the page fetches nothing
from outside; clients read the same answers as the embedded store, also under 16-client load.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import rdflib

from zkg.api import read_queries
from zkg.catalogue import Catalogue
from zkg.store import open_store

ROOT = Path(__file__).resolve().parents[1]
GRAPH_DIR = ROOT / "graph"
CATALOGUE = Catalogue.from_texts(read_queries(ROOT / "queries"))
CHROMIUM = Path("/usr/bin/chromium")
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
HEAVIER = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


# --------------------------------------------------------------------------- helpers


class Served:
    """`python -m zkg serve --port 0 …` started as a real process; ``url`` is its base URL."""

    def __init__(self, *args: str, timeout: int = 10):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "zkg", "serve", "--port", "0", "--graph-dir", str(GRAPH_DIR),
             "--timeout", str(timeout), *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        line = _readline(self.process.stdout, 120)
        match = re.search(r"endpoint (http://127\.0\.0\.1:\d+)/sparql", line)
        if not match:
            self.process.kill()
            pytest.fail(f"zkg serve did not announce itself: {line!r} {self.process.stderr.read()!r}")
        self.announced = line
        self.url = match.group(1)
        self.endpoint = self.url + "/sparql"

    @property
    def pid(self) -> int:
        return self.process.pid

    def child(self) -> int:
        """The pid of the Oxigraph child (exactly one)."""
        kids = children(self.pid)
        assert len(kids) == 1, f"expected one oxigraph child, found {kids}"
        return kids[0]

    def workdirs(self) -> list[Path]:
        return sorted(Path(tempfile.gettempdir()).glob(f"zkg-serve-{self.pid}-*"))

    def stop(self, signum: int = signal.SIGINT) -> tuple[int, str]:
        if self.process.poll() is None:
            self.process.send_signal(signum)
        code = self.process.wait(timeout=20)
        return code, self.process.stderr.read()


def _readline(stream, timeout: float) -> str:
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return got[0] if got else ""


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def children(pid: int) -> list[int]:
    """Live (not zombie) processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields and fields[1] == str(pid) and fields[0] not in ("Z", "X"):
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    fields = _stat(pid)
    return fields is not None and fields[0] not in ("Z", "X")


def cpu_ticks(pid: int) -> int | None:
    """utime + stime of ``pid`` in clock ticks (None once it is gone)."""
    fields = _stat(pid)
    return None if fields is None or fields[0] in ("Z", "X") else int(fields[11]) + int(fields[12])


def cpu_settles(pid: int, within: float) -> bool:
    """Whether ``pid`` stops using CPU (at most one tick in a second), or is gone, in time."""
    deadline = time.monotonic() + within
    before = cpu_ticks(pid)
    while time.monotonic() < deadline:
        if before is None:
            return True
        time.sleep(1)
        after = cpu_ticks(pid)
        if after is None or after - before <= 1:
            return True
        before = after
    return False


def gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.05)
    return not alive(pid)


def fetch(method: str, url: str, data: bytes | None = None, headers: dict | None = None,
         timeout: float = 60) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def ask(endpoint: str, query: str, how: str, accept: str = "application/sparql-results+json"):
    """Send one query the three ways of the SPARQL 1.1 Protocol (``get``, ``form``, ``body``)."""
    headers = {"Accept": accept}
    if how == "get":
        return fetch("GET", endpoint + "?" + urllib.parse.urlencode({"query": query}), headers=headers)
    if how == "form":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return fetch("POST", endpoint, urllib.parse.urlencode({"query": query}).encode(), headers)
    headers["Content-Type"] = "application/sparql-query"
    return fetch("POST", endpoint, query.encode("utf-8"), headers)


def assert_one_line(body: bytes, headers: dict, *words: str) -> None:
    text = body.decode("utf-8")
    assert headers.get("Content-Type", "").startswith("text/plain"), headers
    assert text.count("\n") == 1 and text.endswith("\n"), text
    assert "Traceback" not in text
    for word in words:
        assert word.lower() in text.lower(), text


class Listener(http.server.BaseHTTPRequestHandler):
    """A would-be remote SPARQL service on 127.0.0.1 that records every request it gets."""

    def do_GET(self):  # noqa: N802 - http.server's name
        self.server.seen.append((self.command, self.path))
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        body = json.dumps({"head": {"vars": ["s", "p", "o"]}, "results": {"bindings": [
            {v: {"type": "uri", "value": f"http://remote.example/{v}"} for v in "spo"}]}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET  # noqa: N815

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def _listener():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Listener)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture()
def listener(_listener):
    """The listener, with nothing recorded yet; checked to be alive (it answers a request)."""
    _listener.seen = []
    with urllib.request.urlopen(_listener.url + "/alive", timeout=5) as response:
        assert response.status == 200
    assert _listener.seen == [("GET", "/alive")]
    _listener.seen = []
    return _listener


@pytest.fixture(scope="module")
def served():
    server = Served(timeout=30)
    yield server
    code, err = server.stop()
    assert code == 0, err


@pytest.fixture(scope="module")
def embedded():
    return open_store(GRAPH_DIR)


# --------------------------------------------------------------------------- the guard

SERVICE_FORMS = [
    "SELECT * WHERE {{ SERVICE <{u}/sparql> {{ ?s ?p ?o }} }}",
    "select * where {{ service <{u}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SeRvIcE SILENT <{u}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?x ?y ?z OPTIONAL {{ SERVICE <{u}/sparql> {{ ?s ?p ?o }} }} }} LIMIT 1",
    "SELECT * WHERE {{ {{ ?x ?y ?z }} UNION {{ SERVICE <{u}/sparql> {{ ?s ?p ?o }} }} }} LIMIT 1",
    "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{u}/sparql> {{ ?s ?p ?o }} }} }} }}",
    "SELECT * WHERE {{ VALUES ?e {{ <{u}/sparql> }} SERVICE ?e {{ ?s ?p ?o }} }}",
    "ASK {{ SERVICE <{u}/sparql> {{ ?s ?p ?o }} }}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{u}/sparql> {{ ?s ?p ?o }} }}",
    "PREFIX r: <{u}/>\nSELECT * WHERE {{ FILTER EXISTS {{ SERVICE r:sparql {{ ?s ?p ?o }} }} }}",
]


@pytest.mark.parametrize("how", ["get", "form", "body"])
@pytest.mark.parametrize("form", SERVICE_FORMS)
def test_service_is_refused_and_nothing_reaches_out(served, listener, form, how):
    status, headers, body = ask(served.endpoint, form.format(u=listener.url), how)
    assert listener.seen == [], f"the server contacted the listener: {listener.seen}"
    assert status == 403, body
    assert_one_line(body, headers, "SERVICE")


UPDATES = [
    'INSERT DATA { <https://e/x> <https://e/p> "x" }',
    "DELETE WHERE { ?s ?p ?o }",
    "DROP ALL",
    "LOAD <{u}/data.nt>",
    "CLEAR ALL",
    "insert { ?s <https://e/p> 1 } where { ?s ?p ?o }",
]


@pytest.mark.parametrize("how", ["get", "form", "body", "update-form", "update-body"])
@pytest.mark.parametrize("update", UPDATES)
def test_updates_are_refused(served, listener, embedded, update, how):
    text = update.replace("{u}", listener.url)
    if how == "update-form":
        status, headers, body = fetch("POST", served.url + "/update", urllib.parse.urlencode({"update": text}).encode(),
                                     {"Content-Type": "application/x-www-form-urlencoded"})
    elif how == "update-body":
        status, headers, body = fetch("POST", served.url + "/update", text.encode(),
                                     {"Content-Type": "application/sparql-update"})
    else:
        status, headers, body = ask(served.endpoint, text, how)
    assert status == 403, body
    assert_one_line(body, headers, "refused")
    assert listener.seen == []
    assert open_store(endpoint=served.endpoint).triple_count() == embedded.triple_count()


def test_update_parameter_and_update_media_type_on_the_query_endpoint(served, embedded):
    status, headers, body = fetch("POST", served.endpoint, urllib.parse.urlencode({"update": "DROP ALL"}).encode(),
                                 {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403 and b"read-only" in body
    status, headers, body = fetch("POST", served.endpoint, b"DROP ALL", {"Content-Type": "application/sparql-update"})
    assert status == 403
    assert_one_line(body, headers, "read-only")
    for method in ("PUT", "POST", "DELETE"):
        status, headers, body = fetch(method, served.url + "/store", b"<https://e/a> <https://e/b> <https://e/c> .",
                                     {"Content-Type": "application/n-triples"})
        assert status == 403, (method, body)
        assert_one_line(body, headers, "read-only")
    assert open_store(endpoint=served.endpoint).triple_count() == embedded.triple_count()


@pytest.mark.parametrize("how", ["get", "form", "body"])
def test_syntax_errors_are_400_in_one_line(served, how):
    status, headers, body = ask(served.endpoint, "SELECT ?s WHERE { ?s ?p ", how)
    assert status == 400
    assert_one_line(body, headers, "syntax")


def test_protocol_edges(served):
    status, headers, body = fetch("GET", served.endpoint)
    assert status == 400
    assert_one_line(body, headers, "no query")
    status, headers, body = fetch("POST", served.endpoint, b"{}", {"Content-Type": "application/json"})
    assert status == 415
    assert_one_line(body, headers, "application/sparql-query")
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
    status, headers, body = fetch("GET", served.endpoint + "?" + urllib.parse.urlencode(
        [("query", query), ("query", query)]))
    assert status == 400
    status, headers, body = fetch("GET", served.endpoint + "?" + urllib.parse.urlencode(
        {"query": query, "default-graph-uri": "not an iri"}))
    assert status == 400
    assert_one_line(body, headers, "absolute IRI")
    # a dataset given by IRI is looked up in the store, never fetched
    status, headers, body = fetch("GET", served.endpoint + "?" + urllib.parse.urlencode(
        {"query": query, "named-graph-uri": "https://example.org/g"}), headers={"Accept": "application/sparql-results+json"})
    assert status == 200 and json.loads(body)["results"]["bindings"] == []
    status, headers, body = fetch("GET", served.url + "/nothing-here")
    assert status == 404
    assert_one_line(body, headers)
    status, headers, body = fetch("GET", served.endpoint + "?query=ASK%7B%7D", headers={"Host": "evil.example:80"})
    assert status == 400
    assert_one_line(body, headers, "Host")


# --------------------------------------------------------------------------- answers


@pytest.mark.parametrize("name", [q.name for q in CATALOGUE])
def test_every_named_question_answers_like_the_embedded_store(served, embedded, name):
    q = CATALOGUE.get(name)
    for path in ("/sparql", "/query"):
        remote = open_store(endpoint=served.url + path).select(q.text, q.bind({}))
        assert remote.same_as(embedded.select(q.text, q.bind({}))), (name, path)


def test_a_served_dataset_answers_graph_questions(dataset, ontology_size):
    """The private engine holds the dataset as it is (no union default graph) and the ontology in
    the default graph and its own named graph: `GRAPH ?g` says what supports a triple."""
    ztd = "https://w3id.org/zhaotong-kg/id/"
    leads = f"<{ztd}school/a> <https://w3id.org/zhaotong-kg/ontology#leads> <{ztd}alliance/x>"
    served = Served("--graph-dir", str(dataset))
    try:
        remote, embedded = open_store(endpoint=served.endpoint), open_store(dataset)
        assert remote.triple_count() == embedded.triple_count() == 4 + ontology_size
        support = f"SELECT ?g WHERE {{ GRAPH ?g {{ {leads} }} }}"
        assert {str(g) for (g,) in remote.select(support).rows} == {ztd + "fact/lead-a", ztd + "fact/label-a"}
        for q in (support, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                  "SELECT ?c WHERE { GRAPH <https://w3id.org/zhaotong-kg/ontology> { "
                  "<https://w3id.org/zhaotong-kg/ontology#School> <http://www.w3.org/2000/01/rdf-schema#subClassOf> ?c } }"):
            got, want = remote.select(q), embedded.select(q)
            assert want.rows and got.same_as(want), got.differences(want)
    finally:
        code, err = served.stop()
    assert code == 0, err


def test_sparqlwrapper_reads_json_and_turtle(served, embedded):
    from SPARQLWrapper import GET, JSON, POST, TURTLE, SPARQLWrapper

    for method in (GET, POST):
        sw = SPARQLWrapper(served.endpoint)
        sw.setMethod(method)
        sw.setReturnFormat(JSON)
        sw.setQuery("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        n = sw.query().convert()["results"]["bindings"][0]["n"]["value"]
        assert int(n) == embedded.triple_count()
    sw = SPARQLWrapper(served.endpoint)
    sw.setReturnFormat(TURTLE)
    sw.setQuery("CONSTRUCT WHERE { ?s a <https://w3id.org/zhaotong-kg/ontology#TeachingResearchAlliance> }")
    graph = rdflib.Graph().parse(data=sw.query().convert(), format="turtle")
    assert len(graph) == 3


@pytest.mark.parametrize("accept, ctype, check", [
    ("application/sparql-results+json", "application/sparql-results+json", lambda b: json.loads(b)["head"]),
    ("application/sparql-results+xml", "application/sparql-results+xml", lambda b: b"<sparql" in b),
    ("text/csv", "text/csv", lambda b: b.startswith(b"s\r\n")),
    ("text/tab-separated-values", "text/tab-separated-values", lambda b: b.startswith(b"?s\n")),
])
def test_content_negotiation(served, accept, ctype, check):
    query = "SELECT ?s WHERE { ?s a <https://w3id.org/zhaotong-kg/ontology#TeachingResearchAlliance> }"
    status, headers, body = ask(served.endpoint, query, "get", accept)
    assert status == 200 and headers["Content-Type"].startswith(ctype) and check(body), body[:80]
    assert "default-src 'self'" in headers["Content-Security-Policy"]


def test_construct_as_turtle_and_ntriples_and_format_parameter(served):
    query = "CONSTRUCT WHERE { ?s a <https://w3id.org/zhaotong-kg/ontology#TeachingResearchAlliance> }"
    for accept in ("text/turtle", "application/n-triples"):
        status, headers, body = ask(served.endpoint, query, "form", accept)
        assert status == 200 and headers["Content-Type"].startswith(accept)
        assert body.count(b"TeachingResearchAlliance") == 3
    status, headers, body = fetch("GET", served.endpoint + "?" + urllib.parse.urlencode(
        {"query": query, "format": "ntriples"}))
    assert status == 200 and headers["Content-Type"].startswith("application/n-triples")
    status, headers, body = fetch("GET", served.endpoint + "?" + urllib.parse.urlencode({"query": query, "format": "csv"}))
    assert status == 400
    assert_one_line(body, headers, "format=csv")


def test_the_endpoint_engine_of_zkg_query(served, zkg):
    done = zkg("query", "alliance-members", "--endpoint", served.endpoint, "--format", "csv", timeout=120)
    assert done.returncode == 0 and "alliance,allianceZh,allianceEn,school,schoolZh" in done.stdout, done.stderr


# --------------------------------------------------------------------------- the page


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.fail("no /usr/bin/chromium: apt-get install chromium (scripts/setup.sh --test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync"])
        yield b
        b.close()


def test_editor_page_fetches_nothing_from_outside(served, browser, listener, embedded):
    from zkg.explorer.editor import starting_query

    context = browser.new_context(service_workers="block", accept_downloads=True)
    requests, outside, errors = [], [], []

    def route(r):  # nothing may leave this machine, whatever happens
        host = urllib.parse.urlsplit(r.request.url).hostname
        if host != "127.0.0.1":
            outside.append(r.request.url)
            r.abort()
        else:
            r.continue_()

    context.route("**/*", route)
    page = context.new_page()
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        response = page.goto(served.endpoint)  # a browser opening /sparql gets the editor
        assert response.status == 200
        page.wait_for_load_state("networkidle")
        assert page.locator("#endpoint").inner_text() == served.endpoint
        assert page.evaluate("getComputedStyle(document.querySelector('main')).maxWidth") != "none"  # our CSS loaded
        # a page bug cannot fetch from another origin: the CSP blocks it before any request
        blocked = page.evaluate(f"fetch({listener.url + '/probe'!r}).then(() => 'sent', () => 'blocked')")
        assert blocked == "blocked" and listener.seen == []
        # the form sends its query (GET: a permalink) and gets the answer back
        page.select_option("#format", "json")
        with page.expect_response(lambda r: r.url.startswith(served.endpoint + "?")) as posted:
            page.click("form#editor button[type=submit]")
        assert posted.value.status == 200
        assert posted.value.headers["content-type"].startswith("application/sparql-results+json")
        assert len(posted.value.json()["results"]["bindings"]) == len(embedded.select(starting_query()).rows) > 0
    finally:
        context.close()
    assert outside == [], f"requests to outside: {outside}"
    assert requests and all(urllib.parse.urlsplit(u).hostname == "127.0.0.1" for u in requests), requests
    assert [e for e in errors if "Content Security Policy" not in e and "Failed to fetch" not in e] == []


# --------------------------------------------------------------------------- process behaviour


def test_announces_one_line_and_help_ends_with_an_example(served, zkg):
    assert served.announced.count("\n") == 1 and served.endpoint in served.announced
    done = zkg("serve", "--help")
    assert done.returncode == 0 and "Example" in done.stdout and "zkg serve --port 7878" in done.stdout


def test_port_taken_is_one_line_and_exit_1(zkg):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        done = zkg("serve", "--port", str(port), "--graph-dir", str(GRAPH_DIR), timeout=60)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "taken" in done.stderr and "Traceback" not in done.stderr


def test_misuse_exits_2(zkg):
    done = zkg("serve", "--timeout", "0", timeout=60)
    assert done.returncode == 2


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_signals_stop_the_child_and_remove_the_store(signum):
    server = Served()
    child, workdirs = server.child(), server.workdirs()
    assert len(workdirs) == 1 and (workdirs[0] / "store").is_dir()
    code, err = server.stop(signum)
    assert code == 0, err
    assert "Traceback" not in err
    assert gone_within(child, 5), "the oxigraph child outlived zkg serve"
    assert not workdirs[0].exists(), "the temporary store was left behind"


def test_sigkill_child_dies_and_next_start_removes_the_stale_store():
    server = Served()
    child, workdirs = server.child(), server.workdirs()
    server.process.kill()
    server.process.wait(timeout=10)
    assert gone_within(child, 5), "the oxigraph child outlived a SIGKILLed zkg serve"
    assert workdirs[0].exists()  # nobody could remove it yet
    second = Served()
    try:
        assert not workdirs[0].exists(), "the next zkg serve did not remove the stale store"
        assert len(second.workdirs()) == 1
    finally:
        assert second.stop()[0] == 0


def test_child_dying_is_one_line_and_exit_1():
    server = Served()
    os.kill(server.child(), signal.SIGKILL)
    code = server.process.wait(timeout=10)
    err = server.process.stderr.read()
    assert code == 1
    assert err.count("\n") == 1 and "stopped by itself" in err and "Traceback" not in err, err
    assert server.workdirs() == []


@pytest.mark.parametrize("query", [HEAVY, HEAVIER], ids=["3-way", "4-way"])
def test_heavy_query_is_stopped_and_the_cpu_is_free_again(query):
    """Oxigraph stops the 3-way join by itself (its --timeout-s); the 4-way join never reaches
    one of its checks, so the front's own limit restarts the engine. Either way the client gets
    504 in one line, the engine's CPU stops, and the server answers again."""
    server = Served(timeout=2)
    try:
        child = server.child()
        status, headers, body = ask(server.endpoint, query, "form")
        assert status == 504, body
        assert_one_line(body, headers, "time limit")
        assert cpu_settles(child, within=5), "the engine still burns CPU after the time limit"
        status, headers, body = ask(server.endpoint, "ASK { ?s ?p ?o }", "get")
        assert status == 200 and json.loads(body)["boolean"] is True
        assert len(children(server.pid)) == 1
    finally:
        code, err = server.stop()
    assert code == 0, err


# --------------------------------------------------------------------------- load


def test_load_16_clients_500_queries_each(served):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import load

    jobs = load.questions()
    expected = load.expected_answers(jobs, GRAPH_DIR)
    report = load.load(served.endpoint, jobs, expected, clients=16, per_client=500)
    print("\n" + report.table())
    assert report.total == 16 * 500
    assert report.errors == [] and report.wrong == []
    assert set(report.per_question) == {q.name for q in CATALOGUE}
    assert alive(served.pid) and len(children(served.pid)) == 1


def test_start_server_has_a_timeout_and_dies_with_its_parent(tmp_path):
    """The bare server of tests and notebooks (`start_server`): a server-side timeout by
    default, and killed with the process that started it, even by SIGKILL."""
    script = (
        "import sys, time; from pathlib import Path; from zkg.serve import free_port, start_server, wait_until_up\n"
        f"port = free_port(); p = start_server(Path({str(tmp_path)!r}), port, read_only=False)\n"
        "wait_until_up(p, port); print(p.pid, flush=True); time.sleep(600)\n")
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        child = int(_readline(parent.stdout, 60))
        args = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        assert b"--timeout-s" in args and args[args.index(b"--timeout-s") + 1] == b"30"
    finally:
        parent.kill()
        parent.wait(timeout=10)
    assert gone_within(child, 5), "the oxigraph server outlived the process that started it"


def test_a_long_answer_is_streamed_whole(served, embedded):
    """An answer past the front's buffer (8 MiB) is streamed through, complete and equal."""
    copies = 20
    query = ("SELECT ?s ?p ?o ?k WHERE { ?s ?p ?o VALUES ?k { %s } }" % " ".join(map(str, range(copies))))
    rows = copies * embedded.triple_count()
    status, headers, body = ask(served.endpoint, query, "body", "text/tab-separated-values")
    assert status == 200 and len(body) > 8 * 1024 * 1024
    lines = body.decode("utf-8").split("\n")
    assert lines[0] == "?s\t?p\t?o\t?k" and lines[-1] == ""
    assert len(lines) == rows + 2 and all(line.count("\t") == 3 for line in lines[:-1])
    assert sorted(int(line.rsplit("\t", 1)[1]) for line in lines[1:-1]) == sorted(
        k for k in range(copies) for _ in range(embedded.triple_count()))
