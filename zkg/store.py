"""Open the graph and answer SPARQL queries on it: one interface, three engines.

* ``oxigraph`` – an embedded pyoxigraph store, bulk-loaded from ``graph/zhaotong.nt`` (the default);
* ``rdflib`` – an rdflib ``Graph`` parsed from the same file;
* ``endpoint`` – any SPARQL 1.1 server, through SPARQLWrapper (JSON results, POST, a timeout and
  the User-Agent ``zhaotong-kg/0.1``).

Every engine returns a :class:`Result`: column names and rows of plain Python values, mapped the
same way everywhere, so results from different engines compare equal:

========================  ==========================================================
RDF term                  Python value
========================  ==========================================================
IRI                       :class:`IRI` (a ``str``)
blank node                :class:`BNode` (a ``str``; labels differ between engines)
simple / xsd:string       ``str``
language-tagged literal   :class:`LangString` (a ``str`` with ``.lang``, lower case)
xsd:integer and subtypes  ``int``
xsd:decimal               ``decimal.Decimal``
xsd:double, xsd:float     ``float``
xsd:boolean               ``bool``
any other datatype        :class:`TypedLiteral` (a ``str`` of the lexical form, ``.datatype``)
unbound                   ``None``
========================  ==========================================================

Queries pass the read-only guard (:func:`zkg.guard.prepare`) before any engine sees them: updates
and SERVICE are refused. Parameters are bound, never pasted, the same way on every engine: a
``VALUES`` block put at the start of the outermost ``WHERE`` group, each value written as an
N-Triples term by pyoxigraph (which escapes quotes and rejects invalid IRIs); a parameter that is
not a variable of the query is an error everywhere.

Every engine runs the query in a worker thread under a deadline (``timeout``, 30 s by default) and
stops reading rows after ``max_rows`` (the answer is then marked ``truncated``); Ctrl-C stops the
wait at once (:class:`~zkg.errors.QueryInterrupted`). The stores are safe to share between
threads. An embedded query that times out cannot be cancelled inside Oxigraph or rdflib: its
thread is abandoned and finishes in the background (the command line exits, which ends it; a
served query is cut by the server's own timeout).

>>> r = open_store(engine="oxigraph", data='<https://e/a> <https://e/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .').select(
...     "SELECT ?s ?o WHERE { ?s <https://e/p> ?o }")
>>> r.columns, r.rows
(('s', 'o'), [(IRI('https://e/a'), 1)])
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import functools
import json
import queue
import re
import socket
import threading
import time
import traceback
import urllib.error
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from zkg.errors import (EndpointError, ParameterError, QueryInterrupted, QuerySyntaxError, QueryTimeout,
                        ServiceRefused, StoreError, UpdateRefused)
from zkg.guard import Prepared, prepare, tokens
from zkg.prefixes import PREFIXES as _PREFIXES

__all__ = [
    "BNode",
    "ENGINES",
    "EndpointError",
    "IRI",
    "LangString",
    "ParameterError",
    "PREFIXES",
    "QueryInterrupted",
    "QueryTimeout",
    "ServiceRefused",
    "Prepared",
    "QuerySyntaxError",
    "Result",
    "Store",
    "StoreError",
    "TypedLiteral",
    "UpdateRefused",
    "USER_AGENT",
    "compact",
    "find_graph_file",
    "inject_values",
    "open_store",
    "prepare",
    "result_from_json",
    "result_to_json",
    "term_text",
]

USER_AGENT = "zhaotong-kg/0.1"
ENGINES = ("oxigraph", "rdflib")
DEFAULT_TIMEOUT = 30.0

#: The fixed prefixes of DESIGN.md, the project's one table (used to shorten IRIs for people, to
#: expand ``ztd:…`` parameter values and to predeclare prefixes in ad-hoc queries; named questions
#: declare their own).
PREFIXES = _PREFIXES

XSD = PREFIXES["xsd"]
_INTEGER_TYPES = {
    XSD + t
    for t in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "negativeInteger", "nonPositiveInteger", "unsignedLong", "unsignedInt", "unsignedShort",
        "unsignedByte",
    )
}
_RDF_LANGSTRING = PREFIXES["rdf"] + "langString"


# --------------------------------------------------------------------------- values


class IRI(str):
    """An IRI, as a ``str`` holding the full IRI."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"IRI({str.__repr__(self)})"


class BNode(str):
    """A blank node label (labels are local to one engine's answer)."""

    __slots__ = ()


class LangString(str):
    """A language-tagged literal: ``str`` of the text, with ``.lang`` (lower case)."""

    lang: str

    def __new__(cls, text: str, lang: str) -> "LangString":
        obj = super().__new__(cls, text)
        obj.lang = lang.lower()
        return obj

    def __repr__(self) -> str:
        return f"{str.__repr__(self)}@{self.lang}"

    def __reduce__(self):
        return (LangString, (str(self), self.lang))


class TypedLiteral(str):
    """A literal of a datatype with no Python counterpart here (xsd:gYear, xsd:date, …)."""

    datatype: str

    def __new__(cls, lexical: str, datatype: str) -> "TypedLiteral":
        obj = super().__new__(cls, lexical)
        obj.datatype = datatype
        return obj

    def __repr__(self) -> str:
        return f"{str.__repr__(self)}^^{compact(self.datatype)}"

    def __reduce__(self):
        return (TypedLiteral, (str(self), self.datatype))


def compact(iri: str) -> str:
    """Shorten an IRI with the fixed prefixes.

    >>> compact("https://w3id.org/zhaotong-kg/id/school/fengchi-nine-year")
    'ztd:school/fengchi-nine-year'
    """
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri


def literal_value(lexical: str, datatype: str | None = None, lang: str | None = None) -> Any:
    """Map a literal to its Python value (the table in the module docstring).

    >>> literal_value("23.96", XSD + "decimal")
    Decimal('23.96')
    >>> literal_value("昭通市", lang="zh")
    '昭通市'@zh
    """
    if lang:
        return LangString(lexical, lang)
    if datatype is None or datatype == XSD + "string":
        return lexical
    try:
        if datatype in _INTEGER_TYPES:
            return int(lexical)
        if datatype == XSD + "decimal":
            return Decimal(lexical)
        if datatype in (XSD + "double", XSD + "float"):
            return float(lexical)
        if datatype == XSD + "boolean" and lexical in ("true", "false", "1", "0"):
            return lexical in ("true", "1")
    except (ValueError, InvalidOperation):
        pass
    return TypedLiteral(lexical, datatype)


def _lexical(value: Any) -> tuple[str, str | None, str | None]:
    """(lexical form, datatype, language) of a non-IRI value."""
    if isinstance(value, LangString):
        return str(value), None, value.lang
    if isinstance(value, TypedLiteral):
        return str(value), value.datatype, None
    if isinstance(value, bool):
        return ("true" if value else "false"), XSD + "boolean", None
    if isinstance(value, int):
        return str(value), XSD + "integer", None
    if isinstance(value, Decimal):
        text = format(value, "f")
        return (text if "." in text else text + ".0"), XSD + "decimal", None
    if isinstance(value, float):
        text = {float("inf"): "INF", float("-inf"): "-INF"}.get(value, repr(value))
        return ("NaN" if value != value else text), XSD + "double", None
    if isinstance(value, str):
        return value, None, None
    raise ParameterError(f"cannot use {value!r} as an RDF term: give a str, int, Decimal, float or bool")


def _cell_key(value: Any) -> tuple:
    """A total, engine-independent sort/compare key for one value (keeps language tags)."""
    if value is None:
        return ("",)
    if isinstance(value, IRI):
        return ("iri", str(value))
    if isinstance(value, BNode):
        return ("bnode",)  # labels are not comparable between engines
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, Decimal)):
        return ("num", Decimal(value))
    if isinstance(value, float):
        return ("float", value)
    lexical, datatype, lang = _lexical(value)
    return ("lit", lexical, datatype or "", lang or "")


@dataclasses.dataclass(frozen=True)
class Result:
    """The answer to a query: column names and rows of plain values.

    ``ordered`` is true when the query has an ORDER BY, so row order is part of the answer.
    """

    columns: tuple[str, ...]
    rows: list[tuple]
    ordered: bool = False
    truncated: bool = False

    def records(self) -> list[dict[str, Any]]:
        """The rows as dictionaries keyed by column."""
        return [dict(zip(self.columns, row)) for row in self.rows]

    def canonical(self) -> tuple[tuple[str, ...], list[tuple]]:
        """A form that compares equal exactly when two answers are the same.

        Rows are sorted unless the query ordered them; language tags and datatypes count.
        """
        keys = [tuple(_cell_key(v) for v in row) for row in self.rows]
        return self.columns, (keys if self.ordered else sorted(keys))

    def same_as(self, other: "Result") -> bool:
        """True when both answers are the same (see :meth:`canonical`)."""
        return self.canonical() == other.canonical()

    def differences(self, expected: "Result") -> str:
        r"""What this answer lacks and adds against ``expected``, one row a line (for test messages).

        >>> Result(("n",), [(1,), (2,)]).differences(Result(("n",), [(2,), (3,)]))
        'missing (expected, not got):\n  (3,)\nadded (got, not expected):\n  (1,)'
        """
        if self.columns != expected.columns:
            return f"columns differ: got {self.columns}, expected {expected.columns}"
        got = {tuple(_cell_key(v) for v in row): row for row in self.rows}
        want = {tuple(_cell_key(v) for v in row): row for row in expected.rows}
        missing = [want[k] for k in want if k not in got]
        added = [got[k] for k in got if k not in want]
        if not missing and not added:
            return "the same rows in another order" if not self.same_as(expected) else "no difference"
        lines = ["missing (expected, not got):", *(f"  {r!r}" for r in missing),
                 "added (got, not expected):", *(f"  {r!r}" for r in added)]
        return "\n".join(lines)

    def frame(self):
        """The rows as a pandas DataFrame: a column of integers is ``Int64`` (nullable, so a
        missing value stays missing and the rest stay integers), any other column of numbers is
        ``float64``, a column of booleans ``boolean``; other values as mapped above (``object``)."""
        import pandas as pd

        data = {}
        for i, name in enumerate(self.columns):
            values = [row[i] for row in self.rows]
            present = [v for v in values if v is not None]
            if present and all(isinstance(v, bool) for v in present):
                data[name] = pd.array(values, dtype="boolean")
            elif present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
                data[name] = pd.array(values, dtype="Int64")
            elif present and all(isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) for v in present):
                data[name] = pd.array([float("nan") if v is None else float(v) for v in values], dtype="float64")
            else:
                data[name] = pd.array(values, dtype=object)
        return pd.DataFrame(data, columns=list(self.columns))


# --------------------------------------------------------------------------- SPARQL JSON


def _term_json(value: Any) -> dict:
    if isinstance(value, IRI):
        return {"type": "uri", "value": str(value)}
    if isinstance(value, BNode):
        return {"type": "bnode", "value": str(value)}
    lexical, datatype, lang = _lexical(value)
    term = {"type": "literal", "value": lexical}
    if lang:
        term["xml:lang"] = lang
    elif datatype:
        term["datatype"] = datatype
    return term


def _json_value(term: dict) -> Any:
    kind = term.get("type")
    if kind == "uri":
        return IRI(term["value"])
    if kind == "bnode":
        return BNode(term["value"])
    if kind in ("literal", "typed-literal"):
        return literal_value(term["value"], term.get("datatype"), term.get("xml:lang"))
    raise EndpointError(f"unexpected term in SPARQL JSON results: {term!r:.80}")


def result_to_json(result: Result) -> str:
    """Serialise as SPARQL 1.1 Query Results JSON (lossless; stable bytes, one row a line)."""
    lines = [json.dumps(
        {k: _term_json(v) for k, v in zip(result.columns, row) if v is not None},
        ensure_ascii=False, sort_keys=True) for row in result.rows]
    head = json.dumps({"vars": list(result.columns)}, ensure_ascii=False)
    body = ",\n  ".join(lines)
    bindings = f"[\n  {body}\n ]" if lines else "[]"
    return f'{{"head": {head},\n "results": {{"bindings": {bindings}}}}}\n'


def result_from_json(data: Mapping | str, ordered: bool = False) -> Result:
    """Read SPARQL 1.1 Query Results JSON (a SELECT or an ASK answer)."""
    if isinstance(data, str):
        data = json.loads(data)
    if "boolean" in data:
        return Result(("ask",), [(bool(data["boolean"]),)], ordered)
    columns = tuple(data["head"]["vars"])
    rows = [tuple(_json_value(b[c]) if c in b else None for c in columns)
            for b in data["results"]["bindings"]]
    return Result(columns, rows, ordered)


# --------------------------------------------------------------------------- parameters

def _group_starts(text: str) -> Iterable[tuple[int, str]]:
    """Yield (offset, previous keyword) of each ``{`` at nesting depth 0 (the guard's tokens, so
    strings, comments, IRIs and variables never count)."""
    depth, last_word = 0, ""
    for t in tokens(text):
        if t.text == "{":
            if depth == 0:
                yield t.start, last_word
            depth += 1
        elif t.text == "}":
            depth -= 1
        elif depth == 0:
            last_word = t.text.upper() if t.kind == "word" else ""


def term_text(value: Any) -> str:
    """The N-Triples text of one parameter value, written by pyoxigraph (quotes escaped,
    invalid IRIs rejected).

    >>> term_text('} ; DROP ALL "')
    '"} ; DROP ALL \\\\""'
    """
    return str(_ox_term(value))


def inject_values(text: str, params: Mapping[str, Any], allow_service: bool = False) -> str:
    """Bind parameters for an endpoint: a ``VALUES`` block at the start of the outermost
    ``WHERE`` group.

    >>> inject_values("SELECT ?s WHERE { ?s ?p ?o }", {"o": "x"})
    'SELECT ?s WHERE { VALUES (?o) { ("x") } ?s ?p ?o }'
    """
    if not params:
        return text
    prepared = prepare(text, allow_service)
    starts = list(_group_starts(text))
    if prepared.form == "CONSTRUCT":
        if starts and starts[0][1] == "WHERE":
            raise ParameterError("parameters need the long CONSTRUCT { … } WHERE { … } form")
        starts = starts[1:]
    if not starts:
        raise ParameterError(f"cannot bind parameters: this {prepared.form} query has no WHERE group")
    names = " ".join(f"?{name}" for name in params)
    values = " ".join(term_text(v) for v in params.values())
    at = starts[0][0] + 1
    bound = f"{text[:at]} VALUES ({names}) {{ ({values}) }}{text[at:]}"
    prepare(bound, allow_service)  # the rewritten text must still be one read-only query
    return bound


def _check_names(params: Mapping[str, Any], prepared: Prepared) -> None:
    """The same rule on every engine: a parameter names a variable of the query."""
    for name in params:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*", name):
            raise ParameterError(f"bad parameter name {name!r}: use letters, digits and _")
        if name not in prepared.variables:
            have = ", ".join(f"?{v}" for v in sorted(prepared.variables)) or "none"
            raise ParameterError(f"parameter {name!r} is not a variable of the query (its variables: {have}): "
                                 "drop it or use one of them")


# --------------------------------------------------------------------------- running under a deadline


class _Abandoned(BaseException):
    """Raised inside a worker whose caller gave up, to stop evaluation that runs in Python."""


class _Job:
    """One query's worker thread and how to stop it.

    ``cancelled`` stops row loops at the next row. :meth:`interrupt` also raises
    :class:`_Abandoned` inside the worker (``PyThreadState_SetAsyncExc``), which stops an engine
    that evaluates in Python (rdflib) at its next step; it is only allowed once the engine has
    parsed the query (:func:`_interruptible`: a parser stopped half-way may keep broken state).
    Oxigraph evaluates in Rust: the exception lands when control returns to Python (the next row),
    so an embedded Oxigraph query that computes one huge aggregate runs to its end.
    """

    local = threading.local()

    def __init__(self) -> None:
        self.cancelled = threading.Event()
        self.lock = threading.Lock()
        self.interruptible = False
        self.thread: threading.Thread | None = None

    def interrupt(self) -> None:
        self.cancelled.set()
        with self.lock:
            if not (self.interruptible and self.thread is not None and self.thread.is_alive()):
                return
        # An exception raised this way can be swallowed (e.g. inside a gc callback): repeat it a
        # few times until the worker has left the engine (it clears ``interruptible`` on its way out).
        threading.Thread(target=self._keep_interrupting, name="zkg-stop", daemon=True).start()

    def _keep_interrupting(self, tries: int = 50, pause: float = 0.1) -> None:
        for _ in range(tries):
            with self.lock:
                if not (self.interruptible and self.thread is not None and self.thread.is_alive()):
                    return
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self.thread.ident),
                                                           ctypes.py_object(_Abandoned))
            time.sleep(pause)


def _interruptible() -> None:
    """Called by an engine in its worker once the query is parsed: from now on it may be stopped."""
    job = getattr(_Job.local, "job", None)
    if job is not None:
        with job.lock:
            job.interruptible = not job.cancelled.is_set()


def _run_with_deadline(work: Callable[[threading.Event], Result], timeout: float | None) -> Result:
    """Run ``work(cancelled)`` in a worker thread; wait at most ``timeout`` seconds.

    The caller's thread only waits, in short slices, so Ctrl-C interrupts it at once. On timeout or
    Ctrl-C the worker is stopped as far as its engine allows (:class:`_Job`) and abandoned.
    """
    box: dict[str, Any] = {}
    done, job = threading.Event(), _Job()

    def run() -> None:
        try:
            _Job.local.job = job
            try:
                box["result"] = work(job.cancelled)
            except BaseException as exc:  # handed to the waiting thread, re-raised there
                box["error"] = _without_frames(exc)
            finally:
                with job.lock:
                    job.interruptible = False
        except _Abandoned:  # arrived on the way out: nothing left to stop
            pass
        finally:
            done.set()

    job.thread = threading.Thread(target=run, name="zkg-query", daemon=True)
    job.thread.start()
    deadline = None if not timeout else time.monotonic() + timeout
    try:
        while not done.wait(0.05 if deadline is None else max(0.0, min(0.05, deadline - time.monotonic()))):
            if deadline is not None and time.monotonic() >= deadline:
                job.interrupt()
                raise QueryTimeout(f"the query did not finish within {timeout:g} s: narrow it "
                                   "(LIMIT, fewer joins) or raise --timeout")
    except KeyboardInterrupt:
        job.interrupt()
        raise QueryInterrupted("interrupted (Ctrl-C): the query was abandoned") from None
    if "error" in box:
        raise box["error"]
    return box["result"]


def _without_frames(exc: BaseException) -> BaseException:
    """``exc`` and the exceptions chained to it, with their frames cleared: the frames hold engine
    objects (pyoxigraph's may only be dropped on the thread that made them)."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        traceback.clear_frames(e.__traceback__)
        e.__traceback__ = None
        todo += [e.__cause__, e.__context__]
    return exc


def _take(rows: Iterable[tuple], max_rows: int | None, cancelled: threading.Event) -> tuple[list[tuple], bool]:
    """At most ``max_rows`` rows (None: all); whether more were there. Stops when cancelled."""
    taken: list[tuple] = []
    for row in rows:
        if cancelled.is_set():
            break
        if max_rows is not None and len(taken) >= max_rows:
            return taken, True
        taken.append(row)
    return taken, False


# --------------------------------------------------------------------------- engines


def _ox_term(value: Any):
    import pyoxigraph as ox

    try:
        if isinstance(value, IRI):
            return ox.NamedNode(str(value))
        lexical, datatype, lang = _lexical(value)
        if lang:
            return ox.Literal(lexical, language=lang)
        return ox.Literal(lexical, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(lexical)
    except ValueError as exc:
        raise ParameterError(f"cannot bind {str(value)[:60]!r}: {exc}") from None


@functools.lru_cache(maxsize=1)
def _ox_converters() -> dict:
    """pyoxigraph term type -> the function that maps it to a plain value (one lookup per term)."""
    import pyoxigraph as ox

    def literal(term) -> Any:
        dt = term.datatype.value
        return literal_value(term.value, None if dt == _RDF_LANGSTRING else dt, term.language)

    return {ox.NamedNode: lambda t: IRI(t.value), ox.BlankNode: lambda t: BNode(t.value),
            ox.Literal: literal, type(None): lambda t: None}


def _ox_value(term) -> Any:
    convert = _ox_converters().get(type(term))
    return convert(term) if convert else str(term)  # str: RDF-star triple terms


def _rdflib_value(term) -> Any:
    from rdflib import BNode as RBNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, URIRef):
        return IRI(str(term))
    if isinstance(term, RBNode):
        return BNode(str(term))
    if isinstance(term, Literal):
        return literal_value(str(term), str(term.datatype) if term.datatype else None, term.language)
    return str(term)


class Store:
    """One way of answering queries. Use :func:`open_store` to get one. Safe to share between threads."""

    engine = "?"
    timeout: float | None = DEFAULT_TIMEOUT

    def _bind(self, query: str | Prepared, params: Mapping[str, Any] | None,
              allow_service: bool) -> tuple[str, Prepared]:
        """The guard, then the parameters: the text to run and what the guard made of it."""
        prepared = query if isinstance(query, Prepared) else prepare(query, allow_service)
        params = {k: v for k, v in (params or {}).items() if v is not None}
        _check_names(params, prepared)
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
                taken, cut = _take(rows, limit, cancelled)
            return Result(columns, taken, ordered, cut)

        return _run_with_deadline(work, self._wait(self.timeout if timeout is None else timeout))

    def stream(self, query: str | Prepared, params: Mapping[str, Any] | None = None, *,
               timeout: float | None = None, allow_service: bool = False) -> tuple[tuple[str, ...], Iterator[tuple]]:
        """Like :meth:`select`, but the rows come as they are computed, in constant memory:
        ``(columns, rows)``. The time limit covers the whole stream; stop iterating to abandon it.
        """
        text, prepared = self._bind(query, params, allow_service)
        pipe: queue.Queue = queue.Queue(maxsize=8)
        job = _Job()
        cancelled = job.cancelled

        def put(item: tuple) -> None:
            while not cancelled.is_set():
                try:
                    pipe.put(item, timeout=0.1)
                    return
                except queue.Full:
                    continue

        def work() -> None:
            try:
                _Job.local.job = job
                try:
                    with self._translated():
                        columns, rows, _ = self._rows(text, prepared)
                        put(("columns", columns))
                        batch: list[tuple] = []
                        for row in rows:
                            if cancelled.is_set():
                                return
                            batch.append(row)
                            if len(batch) >= 1000:
                                put(("rows", batch))
                                batch = []
                        put(("rows", batch))
                        put(("end", None))
                except BaseException as exc:  # handed to the reading thread
                    put(("error", _without_frames(exc)))
                finally:
                    with job.lock:
                        job.interruptible = False
            except _Abandoned:  # arrived on the way out: nothing left to stop
                pass

        job.thread = threading.Thread(target=work, name="zkg-stream", daemon=True)
        job.thread.start()
        wait = self._wait(self.timeout if timeout is None else timeout)
        deadline = None if not wait else time.monotonic() + wait

        def get() -> tuple:
            try:
                while True:
                    if deadline is not None and time.monotonic() >= deadline:
                        raise QueryTimeout(f"the query did not finish within {wait:g} s: narrow it "
                                           "(LIMIT, fewer joins) or raise --timeout")
                    try:
                        kind, value = pipe.get(timeout=0.05)
                    except queue.Empty:
                        continue
                    if kind == "error":
                        raise value
                    return kind, value
            except KeyboardInterrupt:
                job.interrupt()
                raise QueryInterrupted("interrupted (Ctrl-C): the query was abandoned") from None
            except BaseException:
                job.interrupt()
                raise

        kind, columns = get()

        def rows() -> Iterator[tuple]:
            try:
                while True:
                    kind, value = get()
                    if kind == "end":
                        return
                    yield from value
            finally:
                job.interrupt()

        return columns, rows()

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
    """The embedded pyoxigraph store (in memory)."""

    engine = "oxigraph"

    def __init__(self, store, timeout: float | None = DEFAULT_TIMEOUT) -> None:
        self.store = store
        self.timeout = timeout

    def _rows(self, text, prepared):
        import pyoxigraph as ox

        answer = self.store.query(text)
        if isinstance(answer, ox.QueryBoolean):
            return ("ask",), iter([(bool(answer),)]), False
        if isinstance(answer, ox.QuerySolutions):
            names = [v.value for v in answer.variables]
            return tuple(names), (tuple(map(_ox_value, sol)) for sol in answer), prepared.ordered
        return _triple_columns(), ((_ox_value(t.subject), _ox_value(t.predicate), _ox_value(t.object))
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
    """rdflib's own in-memory store and SPARQL engine (never fetches: FROM does not load URLs)."""

    engine = "rdflib"

    def __init__(self, graph, timeout: float | None = DEFAULT_TIMEOUT) -> None:
        import rdflib.plugins.sparql as rdflib_sparql

        rdflib_sparql.SPARQL_LOAD_GRAPHS = False  # FROM <url> must not make rdflib fetch the URL
        self.graph = graph
        self.timeout = timeout

    def _rows(self, text, prepared):
        from rdflib.plugins.sparql import prepareQuery

        with _RDFLIB_PARSE:  # parsed anew each time: one prepared query evaluated by several threads
            query = prepareQuery(text)  # at once gave wrong answers (16 of 400 in the load test)
        _interruptible()
        answer = self.graph.query(query)
        if answer.type == "ASK":
            return ("ask",), iter([(bool(answer.askAnswer),)]), False
        if answer.type == "SELECT":
            return (tuple(str(v) for v in answer.vars),
                    (tuple(_rdflib_value(t) for t in row) for row in answer), prepared.ordered)
        return _triple_columns(), (tuple(_rdflib_value(t) for t in triple) for triple in answer), False

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

    def __init__(self, url: str, timeout: float = DEFAULT_TIMEOUT) -> None:
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
        return _triple_columns(), (tuple(_rdflib_value(t) for t in triple) for triple in graph), False


def _endpoint_message(url: str, exc: BaseException, timeout: float) -> str:
    """One line for anything that went wrong talking to a server."""
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


def find_graph_file(graph_dir: str | Path) -> Path:
    """``zhaotong.nt`` (fast to load) or else ``zhaotong.ttl`` in ``graph_dir``, checked against the
    build's manifest: a missing, empty, cut or foreign file is refused (:class:`StoreError`)."""
    from kg_build.manifest import GraphFileError, read_manifest, verified_file

    graph_dir = Path(graph_dir)
    if not any((graph_dir / name).exists() for name in ("zhaotong.nq", "zhaotong.nt", "zhaotong.ttl", "manifest.json")):
        raise StoreError(f"no graph in {graph_dir}/ (zhaotong.nt or zhaotong.ttl): run `zkg build` first")
    try:
        listed = read_manifest(graph_dir)["files"]
        for name in ("zhaotong.nq", "zhaotong.trig", "zhaotong.nt", "zhaotong.ttl"):
            if name in listed:
                return verified_file(graph_dir, name)
    except GraphFileError as exc:
        raise StoreError(str(exc)) from None
    raise StoreError(f"no graph in {graph_dir}/ (zhaotong.nt or zhaotong.ttl): run `zkg build` first")


#: Where the ontology's named graph would be; the embedded stores load it into the default graph.
ONTOLOGY_GRAPH = "https://w3id.org/zhaotong-kg/ontology"


def find_ontology_file(graph_dir: str | Path) -> Path | None:
    """``ontology/zhaotong.ttl`` beside ``graph_dir`` (a checkout: ``graph/`` and ``ontology/`` are
    siblings), or None when there is none."""
    path = Path(graph_dir).resolve().parent / "ontology" / "zhaotong.ttl"
    return path if path.is_file() else None


def open_store(
    graph_dir: str | Path | None = "graph",
    engine: str = "oxigraph",
    endpoint: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    data: str | None = None,
    ontology: str | Path | None | bool = True,
) -> Store:
    """Open the graph on one engine.

    ``endpoint`` wins over ``engine``; ``data`` (N-Triples text) replaces the files, for tests
    and examples; ``timeout`` (seconds, None for none) bounds every query of the store. Loading reads the graph file: the one place besides the CLI that reads files,
    because pyoxigraph's bulk loader reads the path itself.

    The embedded engines also load the ontology into the default graph, beside the data, so that
    questions see the labels of units, roles, classes and statuses and the ``rdfs:subClassOf``
    axioms: ``ontology`` is a Turtle file, ``True`` (the default) for ``ontology/zhaotong.ttl``
    beside ``graph_dir`` when there is one (never with ``data``), or ``None``/``False`` for none.
    A server must be loaded with the ontology too (queries/README.md).
    """
    if endpoint:
        return EndpointStore(endpoint, timeout)
    if engine not in ENGINES:
        raise StoreError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
    path = None if data is not None else find_graph_file(graph_dir or "graph")
    if ontology is True:
        ontology = None if data is not None else find_ontology_file(graph_dir or "graph")
    onto = Path(ontology) if ontology else None
    if onto is not None and not onto.is_file():
        raise StoreError(f"no ontology file {onto}: give the path of ontology/zhaotong.ttl")
    fmt = "nquads" if data is not None else {".nq": "nquads", ".trig": "trig", ".nt": "nt"}.get(path.suffix, "turtle")
    if engine == "oxigraph":
        import pyoxigraph as ox

        store = ox.Store()
        rdf_format = {"nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG,
                      "nt": ox.RdfFormat.N_TRIPLES}.get(fmt, ox.RdfFormat.TURTLE)
        try:
            if data is not None:
                store.bulk_load(data.encode("utf-8"), rdf_format)
            else:
                store.bulk_load(path=str(path), format=rdf_format)
        except (SyntaxError, OSError, ValueError) as exc:
            detail = " ".join(str(exc).split())[:160]
            raise StoreError(f"cannot load {path or 'data'}: {detail}: rebuild the graph") from None
        if onto is not None:
            try:
                store.bulk_load(path=str(onto), format=ox.RdfFormat.TURTLE)
                store.bulk_load(path=str(onto), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ONTOLOGY_GRAPH))
            except (SyntaxError, OSError, ValueError) as exc:
                detail = " ".join(str(exc).split())[:160]
                raise StoreError(f"cannot load the ontology {onto}: {detail}: fix the Turtle") from None
        return OxigraphStore(store, timeout)
    from rdflib import Dataset, URIRef

    graph = Dataset()
    try:
        if data is not None:
            graph.parse(data=data, format="nquads")
        else:
            graph.parse(str(path), format=fmt)
    except Exception as exc:
        detail = " ".join(str(exc).split())[:160]
        raise StoreError(f"cannot load {path or 'data'}: {detail}: rebuild the graph") from None
    if onto is not None:
        try:
            graph.default_context.parse(str(onto), format="turtle")
            graph.graph(URIRef(ONTOLOGY_GRAPH)).parse(str(onto), format="turtle")
        except Exception as exc:
            detail = " ".join(str(exc).split())[:160]
            raise StoreError(f"cannot load the ontology {onto}: {detail}: fix the Turtle") from None
    return RdflibStore(graph, timeout)
