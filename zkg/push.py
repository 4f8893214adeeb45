"""Load the graph into a SPARQL server with the Graph Store HTTP Protocol, then check it.

``PUT`` replaces the target graph whole: the server stores the new graph or keeps the old one,
never half of it. Only a graph file that matches the build's manifest is pushed (the CLI checks
it), and never an empty one. Afterwards the triples are counted on the server and compared with
the manifest's count.

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
from pathlib import Path
import urllib.error
import urllib.parse
import urllib.request

from zkg.errors import EndpointError
from zkg.store import open_store, USER_AGENT
from zkg.values import IRI

__all__ = ["PushError", "PushReport", "graph_store_url", "push_graph", "push", "query_url_for"]


class PushError(EndpointError):
    """The server refused the graph, could not be reached, or holds a different number of triples."""


@dataclasses.dataclass(frozen=True)
class PushReport:
    """What a push did: where, and the triple counts in the file and on the server."""

    url: str
    status: int
    expected: int
    found: int


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


def push(ntriples: bytes, expected: int, endpoint: str, graph: str | None = None,
         query_endpoint: str | None = None, timeout: float = 60.0) -> PushReport:
    """PUT ``ntriples`` (``expected`` distinct triples, as the build's manifest says) into the graph
    store at ``endpoint``, then count the triples there. An empty graph is never pushed."""
    if expected <= 0 or not ntriples.strip():
        raise PushError("refused: the graph is empty, and a push would replace the server's graph with "
                        "nothing; run `zkg build` first")
    url = graph_store_url(endpoint, graph)
    request = urllib.request.Request(url, data=ntriples, method="PUT", headers={
        "Content-Type": "application/n-triples", "User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        body = exc.read(300).decode("utf-8", "replace").strip().splitlines()
        detail = f": {body[0][:160]}" if body else ""
        raise PushError(f"{endpoint} refused the graph: HTTP {exc.code} {exc.reason}{detail} — "
                        "is it a writable Graph Store endpoint (for Oxigraph: `oxigraph serve`, URL …/store)?") from None
    except (TimeoutError, socket.timeout):
        raise PushError(f"{endpoint} did not finish within {timeout:g} s: raise --timeout") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (TimeoutError, socket.timeout)):
            raise PushError(f"{endpoint} did not finish within {timeout:g} s: raise --timeout") from None
        raise PushError(f"cannot reach {endpoint}: {exc.reason} — is the server running?") from None
    except OSError as exc:
        raise PushError(f"cannot reach {endpoint}: {exc} — is the server running?") from None
    server = open_store(endpoint=query_endpoint or query_url_for(endpoint), timeout=timeout)
    where = "{ ?s ?p ?o }" if graph is None else "{ GRAPH ?g { ?s ?p ?o } }"
    found = server.select(f"SELECT (COUNT(*) AS ?n) WHERE {where}",
                          {} if graph is None else {"g": IRI(graph)}).rows[0][0]
    if found != expected:
        raise PushError(f"the server holds {found} triples in {graph or 'the default graph'}, the file has "
                        f"{expected}: check that the server does not merge graphs (union default graph)")
    return PushReport(url, status, expected, found)


def push_graph(graph_dir: str | Path, endpoint: str, graph: str | None = None,
               query_endpoint: str | None = None, timeout: float = 60.0,
               ontology: str | Path | None | bool = True) -> PushReport:
    """Push ``graph_dir/zhaotong.nt`` after checking it against the build's manifest: a missing,
    empty, cut or foreign file is refused before the server is touched.

    The ontology goes with it into the same graph, as the embedded stores hold it beside the data
    (the labels of units, roles and classes, the subclass axioms): ``ontology`` is a Turtle file,
    ``True`` for ``ontology/zhaotong.ttl`` beside ``graph_dir`` when there is one, or None."""
    from kg_build.manifest import GraphFileError, read_manifest, verified_file

    try:
        nt = verified_file(Path(graph_dir), "zhaotong.nt")
        expected = read_manifest(Path(graph_dir))["triples"]
    except GraphFileError as exc:
        raise PushError(f"refused: {exc}") from None
    body = nt.read_bytes()
    if ontology is True:
        from zkg.loading import find_ontology_file

        ontology = find_ontology_file(graph_dir)
    if ontology:
        body, expected = _with_ontology(body, Path(ontology))
    return push(body, expected, endpoint, graph, query_endpoint, timeout)


def _with_ontology(ntriples: bytes, ontology: Path) -> tuple[bytes, int]:
    """The graph and the ontology as one N-Triples document, and its number of distinct triples."""
    import pyoxigraph as ox

    store = ox.Store()
    try:
        store.bulk_load(ntriples, ox.RdfFormat.N_TRIPLES)
        store.bulk_load(path=str(ontology), format=ox.RdfFormat.TURTLE)
    except (SyntaxError, OSError, ValueError) as exc:
        raise PushError(f"cannot read the ontology {ontology}: {' '.join(str(exc).split())[:160]}") from None
    return store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()), len(store)
