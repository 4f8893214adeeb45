"""Load the graph's dataset into a SPARQL server with the Graph Store HTTP Protocol, then check it.

What is pushed is what the embedded stores hold (:mod:`zkg.loading`): the default graph (every
data triple once), every named graph as it is (one per record, one per article, the provenance
graph), and the ontology both in the default graph and in its named graph
``https://w3id.org/zhaotong-kg/ontology``. A triples-only graph file (``zhaotong.nt`` of older
builds) goes into the default graph. Only a graph file that matches the build's manifest is
pushed, never an empty one; afterwards the server is counted (triples in its default graph, quads
and named graphs under ``https://w3id.org/zhaotong-kg/``) and compared with the file's counts.

What a server needs:

* by default, a ``PUT`` of N-Quads (``application/n-quads``) to its dataset URL that replaces the
  whole dataset in one transaction: all or nothing. Oxigraph's ``…/store`` does this (``oxigraph
  serve``), Fuseki's dataset URL too;
* with ``per_graph=True`` (``zkg push --per-graph``), any SPARQL 1.1 Graph Store Protocol server:
  one ``PUT`` of N-Triples per graph (``?default``, then ``?graph=…`` for each), then a ``DELETE``
  of the graphs under ``https://w3id.org/zhaotong-kg/`` that the dataset no longer has. Each graph
  is replaced whole, but the dataset is not replaced in one step: a failure part-way leaves some
  graphs new and some old (push again);
* no union default graph: its default graph must be its own (a union repeats or adds triples, and
  the count check says so).

>>> graph_store_url("http://127.0.0.1:7878/store", None)
'http://127.0.0.1:7878/store?default'
>>> graph_store_url("http://127.0.0.1:7878/store", "https://w3id.org/zhaotong-kg/id/graph")
'http://127.0.0.1:7878/store?graph=https%3A%2F%2Fw3id.org%2Fzhaotong-kg%2Fid%2Fgraph'
>>> query_url_for("http://127.0.0.1:7878/store")
'http://127.0.0.1:7878/query'
"""

from __future__ import annotations

import dataclasses
import socket
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from zkg.errors import EndpointError, StoreError
from zkg.loading import DatasetCounts, add_ontology, counts, find_graph_file, find_ontology_file, load_oxigraph
from zkg.store import USER_AGENT, open_store

__all__ = ["PushError", "PushReport", "graph_store_url", "push_dataset", "push_graph", "query_url_for"]

#: The graphs a push owns on a server: its named graphs all start with this (data, provenance, ontology).
OWN_GRAPHS = "https://w3id.org/zhaotong-kg/"


class PushError(EndpointError):
    """The server refused the graph, could not be reached, or holds a different number of triples."""


@dataclasses.dataclass(frozen=True)
class PushReport:
    """What a push did: where, the triples of the default graph in the file (with the ontology)
    and on the server, and the whole dataset as found on the server (equal to the file's, or the
    push raised :class:`PushError`)."""

    url: str
    status: int
    expected: int
    found: int
    dataset: DatasetCounts


def graph_store_url(endpoint: str, graph: str | None) -> str:
    """The Graph Store Protocol URL of the default graph or of the named graph ``graph``."""
    sep = "&" if "?" in endpoint else "?"
    if graph is None:
        return f"{endpoint}{sep}default"
    return f"{endpoint}{sep}graph={urllib.parse.quote(graph, safe='')}"


def query_url_for(endpoint: str) -> str:
    """The query endpoint beside a graph store: ``…/store`` → ``…/query`` (Oxigraph);
    otherwise the same URL (Fuseki's dataset URL answers both)."""
    return endpoint[: -len("/store")] + "/query" if endpoint.rstrip("/").endswith("/store") else endpoint


def _send(url: str, endpoint: str, method: str, body: bytes | None, content_type: str | None,
          timeout: float, per_graph: bool) -> int:
    """One Graph Store request; its HTTP status, or :class:`PushError` in one line."""
    headers = {"User-Agent": USER_AGENT, **({"Content-Type": content_type} if content_type else {})}
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        if method == "DELETE" and exc.code == 404:
            return exc.code  # already gone
        lines = exc.read(300).decode("utf-8", "replace").strip().splitlines()
        detail = f": {lines[0][:160]}" if lines else ""
        hint = ("is it a writable Graph Store endpoint?" if per_graph else
                "is it a writable dataset URL (Oxigraph: `oxigraph serve`, URL …/store)? A server that "
                "takes one graph per request needs --per-graph")
        raise PushError(f"{endpoint} refused the graph: HTTP {exc.code} {exc.reason}{detail} — {hint}") from None
    except (TimeoutError, socket.timeout):
        raise PushError(f"{endpoint} did not finish within {timeout:g} s: raise --timeout") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (TimeoutError, socket.timeout)):
            raise PushError(f"{endpoint} did not finish within {timeout:g} s: raise --timeout") from None
        raise PushError(f"cannot reach {endpoint}: {exc.reason} — is the server running?") from None
    except OSError as exc:
        raise PushError(f"cannot reach {endpoint}: {exc} — is the server running?") from None


def _server_counts(query_url: str, timeout: float) -> DatasetCounts:
    """Triples of the server's default graph; quads and named graphs under :data:`OWN_GRAPHS`."""
    server = open_store(endpoint=query_url, timeout=timeout)
    own = f'FILTER(STRSTARTS(STR(?g), "{OWN_GRAPHS}"))'
    triples = server.triple_count()
    quads, graphs = server.select(
        f"SELECT (COUNT(*) AS ?q) (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {own} }}").rows[0]
    return DatasetCounts(triples, quads, graphs)


def push_dataset(store, endpoint: str, query_endpoint: str | None = None, timeout: float = 60.0,
                 per_graph: bool = False) -> PushReport:
    """Put the dataset of the pyoxigraph ``store`` on the server at ``endpoint`` (see the module
    docstring for the two ways), then count it there. An empty default graph is never pushed."""
    import pyoxigraph as ox

    expected = counts(store)
    if expected.triples <= 0:
        raise PushError("refused: the graph is empty, and a push would replace the server's graph with "
                        "nothing; run `zkg build` first")
    query_url = query_endpoint or query_url_for(endpoint)
    if not per_graph:
        url = endpoint
        status = _send(url, endpoint, "PUT", store.dump(format=ox.RdfFormat.N_QUADS), "application/n-quads",
                       timeout, per_graph)
    else:
        url = graph_store_url(endpoint, None)
        status = _send(url, endpoint, "PUT", store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()),
                       "application/n-triples", timeout, per_graph)
        names = sorted(g.value for g in store.named_graphs())
        for name in names:
            body = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name))
            _send(graph_store_url(endpoint, name), endpoint, "PUT", body, "application/n-triples", timeout, per_graph)
        there = open_store(endpoint=query_url, timeout=timeout).select(
            f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{OWN_GRAPHS}")) }}')
        for (stale,) in sorted(set(there.rows) - {(n,) for n in names}):
            _send(graph_store_url(endpoint, stale), endpoint, "DELETE", None, None, timeout, per_graph)
    found = _server_counts(query_url, timeout)
    if found != expected:
        raise PushError(
            f"the server holds {found.triples} triples in its default graph, {found.quads} quads in "
            f"{found.graphs} named graphs of ours; the file has {expected.triples}, {expected.quads} and "
            f"{expected.graphs}: check that the server does not merge graphs (union default graph)")
    return PushReport(url, status, expected.triples, found.triples, found)


def push_graph(graph_dir: str | Path, endpoint: str, query_endpoint: str | None = None,
               timeout: float = 60.0, ontology: str | Path | None | bool = True,
               per_graph: bool = False) -> PushReport:
    """Push the graph of ``graph_dir`` (:func:`zkg.loading.find_graph_file`: the dataset, or an
    older triples-only file) after checking it against the build's manifest: a missing, empty,
    cut or foreign file, or one whose counts differ from the manifest's, is refused before the
    server is touched.

    The ontology goes with it, into the default graph and its named graph, as the embedded stores
    hold it: ``ontology`` is a Turtle file, ``True`` for ``ontology/zhaotong.ttl`` beside
    ``graph_dir`` when there is one, or None."""
    from kg_build.manifest import MANIFEST, GraphFileError, read_manifest

    try:
        path = find_graph_file(graph_dir)
        manifest = read_manifest(Path(graph_dir))
        store = load_oxigraph(path)
    except (StoreError, GraphFileError) as exc:
        raise PushError(f"refused: {exc}") from None
    have = counts(store)
    triples = manifest.get("triples")
    if triples is None:  # the build always writes it; without it there is nothing to compare
        raise PushError(f"refused: {Path(graph_dir) / MANIFEST} gives no triple count: run `zkg build`")
    want = DatasetCounts(triples, manifest.get("quads", 0), manifest.get("graphs", 0))
    if have != want:
        raise PushError(f"refused: {path} holds {have.triples} triples, {have.quads} quads in {have.graphs} "
                        f"named graphs, its manifest says {want.triples}, {want.quads} and {want.graphs}: "
                        "run `zkg build`")
    if ontology is True:
        ontology = find_ontology_file(graph_dir)
    if ontology:
        try:
            add_ontology(store, Path(ontology))
        except StoreError as exc:
            raise PushError(str(exc)) from None
    return push_dataset(store, endpoint, query_endpoint, timeout, per_graph)
