"""Load the graph's dataset into a SPARQL server with the Graph Store HTTP Protocol, streamed from
disk, then count it on the server.

What is pushed is what the embedded stores hold (:mod:`zkg.loading`): the default graph (every
data triple once), every named graph as it is (one per record, one per article, the provenance
graph), and the ontology both in the default graph and in its named graph
``https://w3id.org/zhaotong-kg/ontology``. A triples-only graph file (``zhaotong.nt`` of older
builds) goes into the default graph. Only a graph file that matches the build's manifest (size and
sha256) is pushed, never an empty one. The file is never read into memory: it goes to the server in
chunks, in the request body, so the client's memory does not grow with the graph. Afterwards the
server is counted with SPARQL ``COUNT`` (triples in its default graph, quads and named graphs under
``https://w3id.org/zhaotong-kg/``) and compared with the manifest's counts plus the ontology's.

What a server needs (``docs/servers.md`` says more, per engine):

* by default, one request of N-Quads (``application/n-quads``) to its dataset URL: a ``PUT`` that
  replaces the whole dataset, or a ``POST`` when the server holds nothing: Oxigraph's ``…/store``
  (``oxigraph serve``), Fuseki's dataset URL. Into an empty Oxigraph (0.5.1 or later) the ``POST``
  goes to its bulk loader (``?no_transaction``), the fastest way in, and still all-or-nothing. On
  Oxigraph (0.5.13, measured by ``tests/test_push.py``) a body that is cut off or does not parse, or
  a server killed part-way, leaves the old dataset whole: never a part of the new one;
* with ``per_graph=True`` (``zkg push --per-graph``), any SPARQL 1.1 Graph Store Protocol server
  (Virtuoso's ``/sparql-graph-crud``): the file is read once, one graph at a time (the build writes
  each graph's quads together), each graph sent as N-Triples by a ``PUT`` (and ``POST`` for the rest
  of a large graph), then a ``DELETE`` of the graphs under ``https://w3id.org/zhaotong-kg/`` that
  the dataset no longer has. A failure part-way leaves some graphs new and some old (push again);
* no union default graph: the default graph must be its own. A server whose default graph is the
  union of its graphs (Virtuoso) takes the default graph's triples into a named graph of their own
  (``default_graph``, ``--default-graph IRI``) and is asked with that graph as its default
  (``?default-graph-uri=IRI`` on the query URL, which the count does by itself).

The time allowed grows with the file (:func:`default_timeout`); a server that takes nothing for
:data:`IDLE` seconds fails sooner.

>>> graph_store_url("http://127.0.0.1:7878/store", None)
'http://127.0.0.1:7878/store?default'
>>> graph_store_url("http://127.0.0.1:7878/store", "https://w3id.org/zhaotong-kg/id/graph")
'http://127.0.0.1:7878/store?graph=https%3A%2F%2Fw3id.org%2Fzhaotong-kg%2Fid%2Fgraph'
>>> query_url_for("http://127.0.0.1:7878/store")
'http://127.0.0.1:7878/query'
>>> query_url_for("http://127.0.0.1:8890/sparql-graph-crud", "urn:zhaotong-kg:default")
'http://127.0.0.1:8890/sparql?default-graph-uri=urn%3Azhaotong-kg%3Adefault'
>>> round(default_timeout(4_300_000_000) / 3600, 1)
12.0
"""

from __future__ import annotations

import dataclasses
import http.client
import itertools
import json
import re
import socket
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from zkg.errors import EndpointError, StoreError
from zkg.loading import ONTOLOGY_GRAPH, DatasetCounts, find_graph_file, find_ontology_file, ox_format
from zkg.store import USER_AGENT, open_store

__all__ = ["PushError", "PushReport", "Progress", "default_timeout", "graph_store_url", "push_graph",
           "query_url_for"]

#: The graphs a push owns on a server: its named graphs all start with this (data, provenance, ontology).
OWN_GRAPHS = "https://w3id.org/zhaotong-kg/"
#: Bytes per chunk of the request body, and triples per request of a graph in --per-graph mode.
CHUNK = 1 << 20
BATCH = 100_000
#: Seconds a server may take no byte of the body and give no answer before the push gives up on it.
IDLE = 600.0

#: ``progress(bytes_sent, bytes_total, seconds)``: called after each chunk and once at the end;
#: ``progress(bytes_sent, bytes_total, seconds, what)`` when the push starts waiting on the server
#: (``what`` says for what: the server loading what it was sent, the count), which may take minutes.
Progress = Callable[..., None]


class PushError(EndpointError):
    """The server refused the graph, could not be reached, or holds a different number of triples."""


@dataclasses.dataclass(frozen=True)
class PushReport:
    """What a push did: where, the bytes sent and how long it took, the triples of the default graph
    expected (file and ontology) and found on the server, and the whole dataset as found there (equal
    to the expected counts, or the push raised :class:`PushError`)."""

    url: str
    status: int
    expected: int
    found: int
    dataset: DatasetCounts
    sent: int = 0
    seconds: float = 0.0
    method: str = "PUT"


def default_timeout(size: int) -> float:
    """Seconds allowed for a whole push of ``size`` bytes: a minute, and ten seconds per megabyte (a
    server that takes 0.1 MB/s is slow but working; a 10M-triple file of 4.3 GB gets 12 hours). A server
    that takes no byte and gives no answer for :data:`IDLE` seconds fails sooner."""
    return 60.0 + round(size / 1e5)


def _with(url: str, param: str) -> str:
    """``url`` with one more query parameter ``param`` (``name=value`` or ``name``)."""
    return f"{url}{'&' if '?' in url else '?'}{param}"


def graph_store_url(endpoint: str, graph: str | None) -> str:
    """The Graph Store Protocol URL of the default graph or of the named graph ``graph``."""
    return _with(endpoint, "default" if graph is None else f"graph={urllib.parse.quote(graph, safe='')}")


def query_url_for(endpoint: str, default_graph: str | None = None) -> str:
    """The query endpoint beside a graph store: ``…/store`` → ``…/query`` (Oxigraph),
    ``…/sparql-graph-crud[-auth]`` → ``…/sparql`` (Virtuoso); otherwise the same URL (Fuseki's dataset
    URL answers both). With ``default_graph``, the query URL asks for it as the default graph."""
    base = endpoint.rstrip("/")
    for store, query in (("/store", "/query"), ("/sparql-graph-crud", "/sparql"), ("/sparql-graph-crud-auth", "/sparql")):
        if base.endswith(store):
            base = base[: -len(store)] + query
            break
    else:
        base = endpoint
    if default_graph is None:
        return base
    return _with(base, f"default-graph-uri={urllib.parse.quote(default_graph, safe='')}")


class _Sender:
    """Requests to one server: a deadline for the whole push, progress, and one-line errors."""

    def __init__(self, endpoint: str, timeout: float, total: int, progress: Progress | None, per_graph: bool):
        self.endpoint, self.timeout, self.total, self.progress = endpoint, timeout, total, progress
        self.per_graph = per_graph
        self.start = time.monotonic()
        self.sent = 0
        self.idle = IDLE

    def _left(self, idle: float = IDLE) -> float:
        """Seconds the next socket operation may wait: what is left of the time limit, at most ``idle``."""
        left = self.timeout - (time.monotonic() - self.start)
        if left <= 0:
            raise self._late()
        self.idle = idle
        return min(left, idle)

    def _late(self) -> PushError:
        if self.timeout - (time.monotonic() - self.start) > 1.0:  # the idle limit, not the whole one
            return PushError(f"{self.endpoint} took nothing and answered nothing for {self.idle:g} s "
                             f"({self.sent} bytes sent): is it stuck? See its log")
        return PushError(f"{self.endpoint} did not finish within {self.timeout:g} s: raise --timeout")

    def send(self, method: str, url: str, chunks: Iterable[bytes], length: int | None,
             content_type: str | None) -> int:
        """One request with the body ``chunks`` (``length`` bytes; None: chunked); its HTTP status."""
        parts = urllib.parse.urlsplit(url)
        kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        conn = kind(parts.hostname or "", parts.port, timeout=self._left())
        try:
            conn.putrequest(method, urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, "")))
            conn.putheader("User-Agent", USER_AGENT)
            if content_type:
                conn.putheader("Content-Type", content_type)
            if length is not None:
                conn.putheader("Content-Length", str(length))
            elif content_type:
                conn.putheader("Transfer-Encoding", "chunked")
            conn.endheaders()
            for chunk in chunks:
                if conn.sock is not None:
                    conn.sock.settimeout(self._left())
                conn.send(chunk if length is not None else b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.sent += len(chunk)
                if self.progress:
                    self.progress(self.sent, self.total, time.monotonic() - self.start)
            if length is None and content_type:
                conn.send(b"0\r\n\r\n")
            if self.progress and not self.per_graph:
                self.progress(self.sent, self.total, time.monotonic() - self.start,
                              "all sent; waiting for the server to load it")
            if conn.sock is not None:  # after the body, the server commits: a second per MB, at least IDLE
                conn.sock.settimeout(self._left(max(IDLE, (length or self.total) / 1e6)))
            response = conn.getresponse()
            status, body = response.status, response.read(4000)
        except (TimeoutError, socket.timeout):
            raise self._late() from None
        except OSError as exc:
            if self.sent and isinstance(exc, (BrokenPipeError, ConnectionResetError)):
                raise PushError(f"{self.endpoint} closed the connection after {self.sent} bytes: "
                                f"{exc.strerror or exc} — see the server's log") from None
            reason = exc.strerror or str(exc) or type(exc).__name__
            raise PushError(f"cannot reach {self.endpoint}: {reason} — is the server running?") from None
        except http.client.HTTPException as exc:
            raise PushError(f"{self.endpoint} broke off the answer ({type(exc).__name__}) — see the server's log") from None
        finally:
            conn.close()
        if status >= 400 and not (method == "DELETE" and status == 404):  # a 404 DELETE: already gone
            detail = _detail(body)
            hint = ("is it a writable Graph Store endpoint (Virtuoso: see docs/servers.md)?" if self.per_graph else
                    "is it a writable dataset URL (Oxigraph: `oxigraph serve`, URL …/store)? A server that "
                    "takes one graph per request needs --per-graph")
            raise PushError(f"{self.endpoint} refused the graph: HTTP {status} {response.reason}{detail} — {hint}")
        return status


def _detail(body: bytes) -> str:
    """The server's message in one line: the last line of text of its answer, without HTML markup
    (Virtuoso answers with an HTML page whose last text line says what went wrong)."""
    text = re.sub(r"<[^>]*>", "\n", body.decode("utf-8", "replace"))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return f": {lines[-1][:200]}" if lines else ""


def _file_chunks(path: Path, tail: bytes) -> Iterator[bytes]:
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            yield chunk
    if tail:
        yield tail


def _ontology_quads(ontology: Path | None, default_graph: str | None) -> list:
    """The ontology's triples as quads in the default graph (or ``default_graph``) and in
    :data:`~zkg.loading.ONTOLOGY_GRAPH`: parsed once, so both copies share their blank nodes."""
    import pyoxigraph as ox

    if ontology is None:
        return []
    try:
        triples = list(dict.fromkeys(ox.parse(path=str(ontology), format=ox.RdfFormat.TURTLE)))
    except (SyntaxError, OSError, ValueError) as exc:
        raise PushError(f"cannot load the ontology {ontology}: {' '.join(str(exc).split())[:160]}: fix the Turtle") from None
    default = ox.NamedNode(default_graph) if default_graph else ox.DefaultGraph()
    return [ox.Quad(t.subject, t.predicate, t.object, g) for g in (default, ox.NamedNode(ONTOLOGY_GRAPH)) for t in triples]


def _graph_batches(path: Path, extra: list) -> Iterator[tuple[Any, list]]:
    """(graph name, triples) of the file, one graph at a time and at most :data:`BATCH` triples each,
    then those of ``extra`` quads; streamed (a graph's quads are together in the build's files)."""
    import pyoxigraph as ox

    graph: Any = None
    batch: list = []
    for quad in itertools.chain(ox.parse(path=str(path), format=ox_format(path)), extra):
        if batch and (quad.graph_name != graph or len(batch) >= BATCH):
            yield graph, batch
            batch = []
        graph = quad.graph_name
        batch.append(ox.Triple(quad.subject, quad.predicate, quad.object))
    if batch:
        yield graph, batch


def _server_counts(query_url: str, timeout: float, expected: DatasetCounts) -> DatasetCounts:
    """Triples of the server's default graph; quads and named graphs under :data:`OWN_GRAPHS`.

    First the short way: the server lists its named graphs without reading their quads (``GRAPH ?g
    { }``) and, when they are all ours, the quads are counted without testing each one's graph (at
    500k quads on Oxigraph 0.5.13, 0.5 s against 1.8 s). Only a result equal to ``expected`` is taken
    from it; any other (Virtuoso lists no graph that way) is counted again the long way, quad by quad."""
    server = open_store(endpoint=query_url, timeout=timeout)
    own = f'FILTER(STRSTARTS(STR(?g), "{OWN_GRAPHS}"))'
    triples = int(server.triple_count())
    graphs, every = (int(server.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ }} {f} }}").rows[0][0])
                     for f in (own, ""))
    if graphs == every == expected.graphs and triples == expected.triples:
        (quads,), = server.select("SELECT (COUNT(*) AS ?q) WHERE { GRAPH ?g { ?s ?p ?o } }").rows
        if int(quads) == expected.quads:
            return expected
    quads, graphs = server.select(
        f"SELECT (COUNT(*) AS ?q) (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {own} }}").rows[0]
    return DatasetCounts(triples, int(quads), int(graphs))


#: Asked first: whether the server holds anything at all (any graph).
EMPTY = "ASK { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
#: The first Oxigraph whose bulk loader (``POST …/store?no_transaction``) is all-or-nothing: it writes
#: its files aside and adds them to the store in one step at the end (0.5.1, "partial commits" opt-in).
ATOMIC_BULK = (0, 5, 1)


def _probe(query_url: str, timeout: float) -> tuple[bool, str]:
    """Whether the server says it holds nothing (:data:`EMPTY`; any doubt: False), and what it calls
    itself (its ``Server`` header, e.g. ``Oxigraph/0.5.13``)."""
    request = urllib.request.Request(_with(query_url, f"query={urllib.parse.quote(EMPTY)}"), headers={"Accept": "application/sparql-results+json",
                                                   "User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return json.loads(answer.read(100_000)).get("boolean") is False, answer.headers.get("Server", "")
    except (OSError, ValueError, AttributeError, http.client.HTTPException):
        return False, ""


def _bulk_loads_atomically(server: str) -> bool:
    """Whether a server that calls itself ``server`` (its ``Server`` header) takes a dataset into its
    bulk loader all-or-nothing: Oxigraph from :data:`ATOMIC_BULK` on.

    >>> _bulk_loads_atomically("Oxigraph/0.5.13"), _bulk_loads_atomically("Oxigraph/0.4.11")
    (True, False)
    >>> _bulk_loads_atomically("Apache Jena Fuseki (5.1.0)")
    False
    """
    found = re.match(r"Oxigraph/(\d+)\.(\d+)\.(\d+)", server)
    return bool(found) and tuple(int(x) for x in found.groups()) >= ATOMIC_BULK  # type: ignore[union-attr]


def _push_whole(sender: _Sender, path: Path, extra: list, query_url: str) -> tuple[str, int, str]:
    """One streamed request of the whole dataset. Into a server that says it is empty, a ``POST``:
    on Oxigraph (:func:`_bulk_loads_atomically`) into its bulk loader, ``?no_transaction`` (at 1M
    triples 0.26x the time of a transactional ``POST``, and the server's memory does not grow with the
    graph; a body cut off or broken, or a server killed part-way, adds nothing: ``tests/test_push.py``).
    Otherwise a ``PUT``, which replaces the dataset in one transaction (on Oxigraph the slowest way,
    and its memory grows with the old and the new graph: ``docs/servers.md``)."""
    import pyoxigraph as ox

    tail = (ox.serialize(extra, format=ox.RdfFormat.N_QUADS) or b"") if extra else b""
    size = sender.total = path.stat().st_size + len(tail)
    empty, server = _probe(query_url, min(sender._left(), 30.0))  # only a server that says it is empty gets a POST
    method, url = ("POST" if empty else "PUT"), sender.endpoint
    if empty and _bulk_loads_atomically(server):
        method, url = "POST (bulk)", _with(url, "no_transaction")
    status = sender.send(method.split()[0], url, _file_chunks(path, tail), size, "application/n-quads")
    return sender.endpoint, status, method


def _push_per_graph(sender: _Sender, path: Path, extra: list, default_graph: str | None,
                    query_url: str, timeout: float) -> tuple[str, int]:
    import pyoxigraph as ox

    endpoint, seen, status = sender.endpoint, set(), 0
    for graph, triples in _graph_batches(path, extra):
        name = None if isinstance(graph, ox.DefaultGraph) else graph.value
        target = default_graph if name is None else name
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        first = target not in seen
        seen.add(target)
        code = sender.send("PUT" if first else "POST", graph_store_url(endpoint, target), [body], len(body),
                           "application/n-triples")
        status = status or code
    there = open_store(endpoint=query_url, timeout=timeout).select(
        f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{OWN_GRAPHS}")) }}')
    for (stale,) in sorted(set(there.rows) - {(n,) for n in seen}):
        sender.send("DELETE", graph_store_url(endpoint, str(stale)), [], 0, None)
    return graph_store_url(endpoint, default_graph), status


def push_graph(graph_dir: str | Path, endpoint: str, query_endpoint: str | None = None,
               timeout: float | None = None, ontology: str | Path | None | bool = True,
               per_graph: bool = False, default_graph: str | None = None,
               progress: Progress | None = None) -> PushReport:
    """Push the graph of ``graph_dir`` (:func:`zkg.loading.find_graph_file`: the dataset, or an
    older triples-only file) to the server at ``endpoint`` (see the module docstring for the two
    ways), then count it there. A missing, empty, cut or foreign file is refused before the server is
    touched; counts on the server that differ from the manifest's (with the ontology's) are an error.

    The ontology goes with it, into the default graph and its named graph, as the embedded stores
    hold it: ``ontology`` is a Turtle file, ``True`` for ``ontology/zhaotong.ttl`` beside
    ``graph_dir`` when there is one, or None. ``timeout`` bounds the whole push (default:
    :func:`default_timeout` of the file's size); ``progress`` is told the bytes sent."""
    from kg_build.manifest import MANIFEST, GraphFileError, read_manifest

    try:
        path = find_graph_file(graph_dir)
        manifest = read_manifest(Path(graph_dir))
    except (StoreError, GraphFileError) as exc:
        raise PushError(f"refused: {exc}") from None
    triples = manifest.get("triples")
    if not triples:  # the build always writes it; without it there is nothing to compare
        raise PushError(f"refused: {Path(graph_dir) / MANIFEST} gives no triple count: run `zkg build`")
    if default_graph is not None and default_graph.startswith(OWN_GRAPHS):
        raise PushError(f"--default-graph {default_graph}: choose an IRI outside {OWN_GRAPHS} "
                        "(those are the dataset's own named graphs), e.g. urn:zhaotong-kg:default")
    if ontology is True:
        ontology = find_ontology_file(graph_dir)
    extra = _ontology_quads(Path(ontology) if ontology else None, default_graph)
    n = len(extra) // 2
    expected = DatasetCounts(triples + n, manifest.get("quads", 0) + n, manifest.get("graphs", 0) + (1 if n else 0))
    size = path.stat().st_size
    timeout = timeout if timeout is not None else default_timeout(size)
    sender = _Sender(endpoint, timeout, size, progress, per_graph)
    query_url = query_endpoint or query_url_for(endpoint, default_graph)
    if per_graph:
        url, status = _push_per_graph(sender, path, extra, default_graph, query_url, timeout)
        method = "PUT"
    else:
        if default_graph is not None:
            raise PushError("--default-graph needs --per-graph: a dataset PUT keeps the default graph as it is")
        url, status, method = _push_whole(sender, path, extra, query_url)
    seconds = time.monotonic() - sender.start
    if progress:
        progress(sender.sent, size, seconds, "loaded; counting on the server")
    found = _server_counts(query_url, max(timeout - seconds, 60.0), expected)
    if found != expected:
        raise PushError(
            f"the server holds {found.triples} triples in its default graph, {found.quads} quads in "
            f"{found.graphs} named graphs of ours; the manifest and the ontology make {expected.triples}, "
            f"{expected.quads} and {expected.graphs}: check that the server does not merge graphs "
            "(union default graph: see --default-graph) and that the manifest is the build's")
    return PushReport(url, status, expected.triples, found.triples, found, sender.sent, seconds, method)
