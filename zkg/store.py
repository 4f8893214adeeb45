"""Answer SPARQL queries on the graph: one interface, three engines.

* ``oxigraph`` – an embedded pyoxigraph store: the persistent one beside the graph files, opened
  read-only (:mod:`zkg.persistent`), or one bulk-loaded in memory (the default engine);
* ``rdflib`` – an rdflib ``Dataset`` parsed from the same file;
* ``endpoint`` – any SPARQL 1.1 server, through SPARQLWrapper (JSON results, POST, a timeout and
  the User-Agent ``zhaotong-kg/0.1``).

:func:`open_store` opens one (loading is :mod:`zkg.loading`'s: the default graph holds every
data triple, named graphs what supports each, the ontology sits in both). Every engine returns a
:class:`~zkg.result.Result` of plain values (:mod:`zkg.values`), mapped the same way everywhere,
so results from different engines compare equal.

Queries pass the read-only guard (:func:`zkg.guard.prepare`) before any engine sees them: updates
and SERVICE are refused. Parameters are bound, never pasted, the same way on every engine
(:mod:`zkg.binding`). Every engine runs the query in a worker thread under a deadline (``timeout``,
30 s by default) and stops reading rows after ``max_rows`` (the answer is then marked
``truncated``); Ctrl-C stops the wait at once (:mod:`zkg.deadline`). The stores are safe to share
between threads. An embedded query that times out cannot be cancelled inside Oxigraph or rdflib:
its thread is abandoned and finishes in the background (the command line exits, which ends it; a
served query is cut by the server's own timeout).

>>> r = open_store(engine="oxigraph", data='<https://e/a> <https://e/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .').select(
...     "SELECT ?s ?o WHERE { ?s <https://e/p> ?o }")
>>> r.columns, r.rows
(('s', 'o'), [(IRI('https://e/a'), 1)])
"""

from __future__ import annotations

import contextlib
import json
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Mapping

from zkg.binding import check_names, inject_values
from zkg.deadline import interruptible, run_with_deadline, stream_with_deadline, take
from zkg.errors import EndpointError, QuerySyntaxError, StoreError
from zkg.guard import Prepared, prepare
from zkg.loading import find_graph_file, find_ontology_file, listed_graph_file, load_oxigraph, load_rdflib
from zkg.manifest import GraphFileError
from zkg.result import Result, result_from_json
from zkg.values import ox_value, rdflib_value

if TYPE_CHECKING:
    from zkg.persistent import Lease

__all__ = ["DEFAULT_TIMEOUT", "ENGINES", "MAX_ROWS", "MEMORY_BYTES", "USER_AGENT", "EndpointStore", "OxigraphStore", "RdflibStore", "Store",
           "open_store"]

USER_AGENT = "zhaotong-kg/0.1"
#: Graph files up to this size are loaded in memory by a process that asks many questions
#: (``open_store(lasting=True)``): at 100k triples (35 MiB of N-Quads) loading took 0.9 s of CPU and
#: 133 MiB, and the 35 questions took 3.7x less CPU than on the on-disk store; at 1M (353 MiB) loading
#: took 11 s of CPU and 931 MiB (questions 5.2x less CPU), a cost a notebook should not pay unasked.
MEMORY_BYTES = 64 << 20
ENGINES = ("oxigraph", "rdflib")
DEFAULT_TIMEOUT = 30.0
#: Rows an answer is cut at unless asked otherwise (``zkg query --max-rows``, the explorer's pages).
MAX_ROWS = 10000


class Store:
    """One way of answering queries. Use :func:`open_store` to get one. Safe to share between threads."""

    engine = "?"
    timeout: float | None = DEFAULT_TIMEOUT

    def _bind(self, query: str | Prepared, params: Mapping[str, Any] | None,
              allow_service: bool) -> tuple[str, Prepared]:
        """The guard, then the parameters: the text to run and what the guard made of it."""
        prepared = query if isinstance(query, Prepared) else prepare(query, allow_service)
        params = {k: v for k, v in (params or {}).items() if v is not None}
        check_names(params, prepared)
        return inject_values(prepared.text, params, allow_service), prepared

    def select(self, query: str | Prepared, params: Mapping[str, Any] | None = None, *,
               timeout: float | None = None, max_rows: int | None = None,
               allow_service: bool = False) -> Result:
        """Run a read-only query with bound parameters; return a :class:`Result`.

        ASK gives one column ``ask``; CONSTRUCT and DESCRIBE give ``subject predicate object``.
        ``timeout`` (seconds; default the store's) bounds the wait; ``max_rows`` cuts the answer
        (``Result.truncated`` says it was cut). ``allow_service`` lets a SERVICE clause run (the
        engine then fetches from the server it names): only for a person's own explicit opt-in.
        """
        text, prepared = self._bind(query, params, allow_service)
        limit = None if max_rows is None or max_rows <= 0 else max_rows

        def work(cancelled: threading.Event) -> Result:
            with self._translated():
                columns, rows, ordered = self._rows(text, prepared)
                taken, cut = take(rows, limit, cancelled)
            return Result(columns, taken, ordered, cut)

        return run_with_deadline(work, self._wait(self.timeout if timeout is None else timeout))

    def stream(self, query: str | Prepared, params: Mapping[str, Any] | None = None, *,
               timeout: float | None = None, allow_service: bool = False) -> tuple[tuple[str, ...], Iterator[tuple]]:
        """Like :meth:`select`, but the rows come as they are computed, in constant memory:
        ``(columns, rows)``. The time limit covers the whole stream; stop iterating to abandon it.
        """
        text, prepared = self._bind(query, params, allow_service)

        def produce() -> Iterator:
            with self._translated():
                columns, rows, _ = self._rows(text, prepared)
                yield columns
                yield from rows

        return stream_with_deadline(produce, self._wait(self.timeout if timeout is None else timeout))

    def _wait(self, timeout: float | None) -> float | None:
        """How long the caller waits for an answer, given the query's time limit."""
        return timeout

    def _rows(self, text: str, prepared: Prepared) -> tuple[tuple[str, ...], Iterator[tuple], bool]:
        """The engine's answer: column names, an iterator of rows of plain values, whether ordered.
        Runs in a worker thread; rows are computed as they are read."""
        raise NotImplementedError  # pragma: no cover

    @contextlib.contextmanager
    def _translated(self) -> Iterator[None]:
        """Turn the engine's own exceptions into one-line :class:`StoreError` ones."""
        yield

    def triple_count(self) -> int:
        """Number of triples in the default graph."""
        return self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0]

    def close(self) -> None:
        """Release the store (no-op for embedded engines)."""


def _triple_columns() -> tuple[str, ...]:
    return ("subject", "predicate", "object")


class OxigraphStore(Store):
    """The embedded pyoxigraph store: the persistent one opened read-only (``how == "store"``, or
    ``"rebuilt"`` when this command wrote it), or one in memory (``"memory"``)."""

    engine = "oxigraph"

    def __init__(self, store, timeout: float | None = DEFAULT_TIMEOUT, how: str = "memory",
                 lease: Lease | None = None) -> None:
        self.store = store
        self.timeout = timeout
        self.how = how
        self._lease = lease

    def close(self) -> None:
        """Let a later rebuild remove the persistent store this one reads (queries must stop first)."""
        if self._lease is not None:
            self._lease.close()

    def _rows(self, text, prepared):
        import pyoxigraph as ox

        answer = self.store.query(text)
        if isinstance(answer, ox.QueryBoolean):
            return ("ask",), iter([(bool(answer),)]), False
        if isinstance(answer, ox.QuerySolutions):
            names = [v.value for v in answer.variables]
            return tuple(names), (tuple(map(ox_value, sol)) for sol in answer), prepared.ordered
        return _triple_columns(), ((ox_value(t.subject), ox_value(t.predicate), ox_value(t.object))
                                   for t in answer), False

    @contextlib.contextmanager
    def _translated(self):
        try:
            yield
        except SyntaxError as exc:
            raise QuerySyntaxError(f"SPARQL syntax error (oxigraph): {' '.join(str(exc).split())[:200]}") from None
        except (RuntimeError, OSError, ValueError) as exc:
            raise StoreError(f"oxigraph could not answer: {' '.join(str(exc).split())[:200]}") from None


# rdflib's SPARQL parser (pyparsing) keeps state in the grammar objects: one parse at a time.
_RDFLIB_PARSE = threading.Lock()


class RdflibStore(Store):
    """rdflib's own in-memory ``Dataset`` and SPARQL engine (never fetches: FROM does not load URLs)."""

    engine = "rdflib"

    def __init__(self, dataset, timeout: float | None = DEFAULT_TIMEOUT) -> None:
        import rdflib.plugins.sparql as rdflib_sparql

        rdflib_sparql.SPARQL_LOAD_GRAPHS = False  # FROM <url> must not make rdflib fetch the URL
        self.dataset = dataset
        self.timeout = timeout

    def _rows(self, text, prepared):
        from rdflib.plugins.sparql import prepareQuery

        with _RDFLIB_PARSE:  # parsed anew each time: one prepared query evaluated by several threads
            query = prepareQuery(text)  # at once gave wrong answers (16 of 400 in the load test)
        interruptible()
        answer = self.dataset.query(query)
        if answer.type == "ASK":
            return ("ask",), iter([(bool(answer.askAnswer),)]), False
        if answer.type == "SELECT":
            return (tuple(str(v) for v in answer.vars),
                    (tuple(rdflib_value(t) for t in row) for row in answer), prepared.ordered)
        return _triple_columns(), (tuple(rdflib_value(t) for t in triple) for triple in answer), False

    @contextlib.contextmanager
    def _translated(self):
        try:
            yield
        except StoreError:
            raise
        except Exception as exc:  # rdflib raises many kinds; keep one line
            detail = " ".join(f"{type(exc).__name__}: {exc}".split())
            raise StoreError(f"rdflib could not answer: {detail}"[:300]) from None


class EndpointStore(Store):
    """Any SPARQL 1.1 query endpoint, through SPARQLWrapper (one request per query; thread-safe)."""

    engine = "endpoint"

    def __init__(self, url: str, timeout: float | None = DEFAULT_TIMEOUT) -> None:
        self.url = url
        self.timeout = timeout

    def _wait(self, timeout: float | None) -> float | None:
        # The HTTP client gives up first (its message names the server); the wait is the backstop.
        return None if timeout is None else timeout + 2.0

    def _request(self, text: str, form: str):
        from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

        sw = SPARQLWrapper(self.url, agent=USER_AGENT)
        sw.setMethod(POST)
        sw.setTimeout(int(max(1, round(self.timeout or DEFAULT_TIMEOUT))))
        sw.setReturnFormat(JSON if form in ("SELECT", "ASK") else TURTLE)
        sw.setQuery(text)
        # The guard read the form from the query's tokens; SPARQLWrapper guesses it from the text and
        # skips only every other comment line, so a header word such as "added" made it send an ADD
        # update. Its guess is replaced by the form the guard found.
        sw.queryType = form
        try:
            response = sw.query().response
            status = getattr(response, "status", 200)
            ctype = response.headers.get("Content-Type", "")
            body = response.read()
        except Exception as exc:
            raise EndpointError(_endpoint_message(self.url, exc, self.timeout or DEFAULT_TIMEOUT)) from None
        return status, ctype, body

    def _rows(self, text, prepared):
        status, ctype, body = self._request(text, prepared.form)
        if prepared.form in ("SELECT", "ASK"):
            try:
                result = result_from_json(json.loads(body.decode("utf-8")), prepared.ordered)
            except (ValueError, KeyError, TypeError, AttributeError):
                raise EndpointError(
                    f"{self.url} did not answer with SPARQL JSON results (Content-Type "
                    f"{ctype or 'none'!r}, starts {body[:40]!r}): check the URL is a SPARQL query endpoint"
                ) from None
            return result.columns, iter(result.rows), result.ordered
        from rdflib import Graph

        try:
            graph = Graph().parse(data=body.decode("utf-8"), format="turtle")
        except Exception:
            raise EndpointError(f"{self.url} did not answer with Turtle (Content-Type {ctype!r})") from None
        return _triple_columns(), (tuple(rdflib_value(t) for t in triple) for triple in graph), False


def _endpoint_message(url: str, exc: BaseException, timeout: float) -> str:
    """One line for anything that went wrong talking to a server."""
    import socket
    import urllib.error
    reason = getattr(exc, "reason", None)
    if isinstance(exc, (TimeoutError, socket.timeout)) or isinstance(reason, (TimeoutError, socket.timeout)):
        return f"{url} did not answer within {timeout:g} s: raise --timeout or check the server"
    if isinstance(exc, urllib.error.HTTPError):
        return f"{url} answered HTTP {exc.code} {exc.reason}: check the URL and the query"
    if isinstance(reason, ConnectionRefusedError) or isinstance(exc, ConnectionRefusedError):
        return f"cannot reach {url}: connection refused — is the server running? (try: zkg serve)"
    name = type(exc).__name__
    if name in ("EndPointNotFound", "QueryBadFormed", "Unauthorized", "EndPointInternalError", "URITooLong"):
        first = str(exc).strip().splitlines()
        detail = " ".join(line.strip() for line in first[:3] if line.strip())[:200]
        code = {"EndPointNotFound": 404, "QueryBadFormed": 400, "Unauthorized": 401,
                "EndPointInternalError": 500, "URITooLong": 414}[name]
        return f"{url} answered HTTP {code} ({name}): {detail} — check the URL and the server log"
    if isinstance(exc, urllib.error.URLError):
        return f"cannot reach {url}: {exc.reason} — check the URL and that the server is running"
    return f"{url} failed: {name}: {str(exc)[:160]}"


def _listed(folder: Path) -> Path:
    """The graph file of ``folder`` after the manifest checks that do not read it."""
    try:
        return listed_graph_file(folder).path
    except GraphFileError as exc:
        raise StoreError(str(exc)) from None


def open_store(
    graph_dir: str | Path | None = "graph",
    engine: str = "oxigraph",
    endpoint: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    data: str | None = None,
    ontology: str | Path | None | bool = True,
    lasting: bool = False,
) -> Store:
    """Open the graph on one engine.

    ``endpoint`` wins over ``engine``; ``data`` (N-Quads text, so N-Triples text too: the default
    graph) replaces the files, for tests and examples; ``timeout`` (seconds, None for none) bounds
    every query of the store.

    The oxigraph engine opens the persistent store beside the graph files (``graph/.store``,
    :mod:`zkg.persistent`) read-only, in milliseconds, rebuilding it first when the graph files
    changed; where that folder cannot be written it loads the graph in memory. The rdflib engine
    parses the graph file (:func:`zkg.loading.find_graph_file`, checked against its manifest).

    The embedded engines also load the ontology, into the default graph beside the data and into
    its named graph (:mod:`zkg.loading`), so that questions see the labels of units, roles,
    classes and statuses and the ``rdfs:subClassOf`` axioms: ``ontology`` is a Turtle file,
    ``True`` (the default) for ``ontology/zhaotong.ttl`` beside ``graph_dir`` when there is one
    (never with ``data``), or ``None``/``False`` for none. Only the default is kept in the persistent
    store; another choice loads in memory. A server must be loaded with the ontology too:
    ``zkg push`` and ``zkg serve`` do it.

    ``lasting``: the caller will ask many questions (a notebook, a server's pages, a benchmark).
    A graph file of at most :data:`MEMORY_BYTES` is then loaded in memory, where questions run
    several times faster than on the on-disk store (DESIGN.md, "Which store"); a larger one opens
    the persistent store as a command does.
    """
    if endpoint:
        return EndpointStore(endpoint, timeout)
    if engine not in ENGINES:
        raise StoreError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
    folder = Path(graph_dir or "graph")
    persist = engine == "oxigraph" and data is None and ontology is True
    if ontology is True:
        ontology = None if data is not None else find_ontology_file(folder)
    onto = Path(ontology) if ontology else None
    if onto is not None and not onto.is_file():
        raise StoreError(f"no ontology file {onto}: give the path of ontology/zhaotong.ttl")
    if persist and lasting:
        listed = _listed(folder)
        if listed.stat().st_size <= MEMORY_BYTES:
            return OxigraphStore(load_oxigraph(find_graph_file(folder), None, onto), timeout, "memory")
    if persist:
        from zkg.persistent import open_dataset

        opened = open_dataset(folder, onto)
        return OxigraphStore(opened.store, timeout, opened.how, opened.lease)
    path = None if data is not None else find_graph_file(folder)
    if engine == "oxigraph":
        return OxigraphStore(load_oxigraph(path, data, onto), timeout)
    return RdflibStore(load_rdflib(path, data, onto), timeout)
