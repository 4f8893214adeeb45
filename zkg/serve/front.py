"""The front of ``zkg serve`` (:func:`create_app`): a Flask app, served by waitress.

It implements the SPARQL 1.1 Protocol *query* operation at ``/sparql`` and ``/query``, puts every
query through the project's guard (:func:`zkg.guard.prepare`: updates, SERVICE and bad syntax are
refused in one line, 403 or 400) and forwards only what passes to the backend
(:class:`zkg.serve.backend.Backend`: the private engine of :mod:`zkg.serve.engine`, or a remote
server with ``zkg serve --endpoint``), with a time limit of its own. The explorer's pages
(:mod:`zkg.explorer`) are at ``/``; a browser that opens ``/sparql`` with no query gets the query
editor (:mod:`zkg.explorer.editor`), whose answers (``format=html``) pass the same guard and
backend. Every answer carries a Content-Security-Policy that allows nothing but this origin.

``default-graph-uri`` and ``named-graph-uri`` are passed through after checking that each is an
absolute IRI: Oxigraph resolves them inside its own store only (it never fetches a graph).
"""

from __future__ import annotations

import re
import sys
import urllib.parse
from typing import TYPE_CHECKING, Callable

from zkg.errors import ServiceRefused, StoreError, UpdateRefused
from zkg.guard import prepare
from zkg.serve.backend import BUFFER_LIMIT, Backend, BackendError
from zkg.serve.engine import DEFAULT_TIMEOUT

if TYPE_CHECKING:
    from werkzeug.datastructures import MultiDict

    from zkg.explorer import Explorer

__all__ = ["BUFFER_LIMIT", "CSP", "EDITOR_FORMAT", "FORMATS", "MAX_REQUEST", "create_app", "guard", "one_line"]

#: Largest query request body the front reads.
MAX_REQUEST = 512 * 1024

_FORBIDDEN = (UpdateRefused, ServiceRefused)

#: ``format=`` (for plain HTML forms, which cannot set Accept) → media type asked of the engine.
FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
}
_GRAPH_FORMATS = ("turtle", "ntriples")
#: ``format=html``: the answer as a table in the query editor (a page, not a protocol answer).
EDITOR_FORMAT = "html"

CSP = ("default-src 'self'; connect-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; "
       "font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


class _Refusal(Exception):
    """A request answered with ``status`` and a one-line text/plain ``message``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def one_line(text: object, limit: int = 300) -> str:
    line = " ".join(str(text).split())
    return line[:limit] or "no message"


def guard(text: str):
    """The project's guard, as the front uses it: a :class:`zkg.guard.Prepared`, or a
    :class:`_Refusal` (403 for updates and SERVICE, 400 for anything else it refuses)."""
    try:
        return prepare(text)
    except _FORBIDDEN as exc:
        raise _Refusal(403, one_line(exc)) from None
    except StoreError as exc:
        raise _Refusal(400, one_line(exc)) from None


def _check_graph_iris(iris: list[str]) -> None:
    import pyoxigraph as ox

    for iri in iris:
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise _Refusal(400, f"default-graph-uri/named-graph-uri {iri[:80]!r} is not an absolute IRI") from None
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri):
            raise _Refusal(400, f"default-graph-uri/named-graph-uri {iri[:80]!r} is not an absolute IRI")


def create_app(backend_url: str, timeout: float = DEFAULT_TIMEOUT + 10,
               on_overrun: Callable[[float], object] | None = None,
               allowed_hosts: set[str] | None = None, explorer: "Explorer | None" = None):
    """The front: a Flask app answering SPARQL queries by forwarding them to ``backend_url``, a SPARQL
    query URL (the engine's ``http://127.0.0.1:PORT/query``, or a remote server's; http or https).

    ``timeout``: seconds the front waits for the backend's answer to one query (set it above the
    engine's own limit); past it the client gets 504 and ``on_overrun(started)`` is called (``zkg serve``
    restarts the engine: Oxigraph checks its limit only now and then, and some queries never
    reach a check). ``allowed_hosts``: the only host names accepted in ``Host`` (against DNS
    rebinding), or None for any. ``explorer``: the pages of the graph (:mod:`zkg.explorer`) at ``/``;
    without it, ``/`` is a plain query form.
    """
    from flask import Flask, Response, render_template, request

    app = Flask("zkg", static_folder="static", template_folder="templates")  # zkg/static, zkg/templates
    app.config.update(MAX_CONTENT_LENGTH=MAX_REQUEST)
    backend = Backend(backend_url, timeout, on_overrun)

    def text(status: int, message: str) -> Response:
        return Response(one_line(message) + "\n", status=status, mimetype="text/plain")

    @app.before_request
    def check_host():
        name = urllib.parse.urlsplit("//" + request.host).hostname or ""
        if allowed_hosts is not None and name.lower() not in allowed_hosts:
            return text(400, f"unexpected Host {request.host[:80]!r}: use 127.0.0.1 (this server "
                             "answers only to its own names)")
        return None

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    @app.errorhandler(_Refusal)
    def refused(exc: _Refusal) -> Response:
        return text(exc.status, exc.message)

    @app.errorhandler(404)
    def not_found(exc) -> Response:
        return text(404, f"nothing at {request.path[:80]}: the SPARQL endpoint and its editor are at /sparql")

    @app.errorhandler(405)
    def bad_method(exc) -> Response:
        return text(405, f"{request.method} is not allowed on {request.path[:80]}: use GET or POST")

    @app.errorhandler(413)
    def too_large(exc) -> Response:
        return text(413, f"the request is larger than {MAX_REQUEST // 1024} KiB: send a shorter query")

    @app.errorhandler(Exception)
    def failed(exc) -> Response:
        if hasattr(exc, "code") and hasattr(exc, "description"):  # other HTTP errors from werkzeug
            return text(exc.code, exc.description)
        print(f"zkg serve: {request.method} {request.path}: {type(exc).__name__}: {one_line(exc, 200)}",
              file=sys.stderr, flush=True)
        return text(500, "the front failed on this request (see its stderr)")

    if explorer is not None:
        from zkg.explorer import register

        register(app, explorer)
    else:
        @app.route("/", methods=["GET"])
        def home():
            endpoint = request.host_url + "sparql"
            return render_template("serve.html", endpoint=endpoint, formats=FORMATS)

    @app.route("/update", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
    def update():
        raise _Refusal(403, "refused: this server is read-only and takes no SPARQL updates; ask queries at /sparql")

    @app.route("/store", methods=["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"])
    def graph_store():
        if request.method in ("GET", "HEAD"):
            raise _Refusal(404, "no Graph Store endpoint here: ask /sparql (CONSTRUCT WHERE { ?s ?p ?o })")
        raise _Refusal(403, "refused: this server is read-only; it takes no graph writes")

    @app.route("/query", methods=["GET", "POST"])
    @app.route("/sparql", methods=["GET", "POST"])
    def sparql():
        if explorer is not None and _wants_editor(request):
            return _editor(request, backend)
        text_, params = _read_query(request)
        prepared = guard(text_)
        graphs = params.getlist("default-graph-uri") + params.getlist("named-graph-uri")
        _check_graph_iris(graphs)
        accept = request.headers.get("Accept", "*/*")
        fmt = params.get("format")
        if fmt is not None:
            accept = FORMATS[_check_format(fmt, prepared.form)]
        form = [("query", prepared.text)]
        form += [("default-graph-uri", g) for g in params.getlist("default-graph-uri")]
        form += [("named-graph-uri", g) for g in params.getlist("named-graph-uri")]
        try:
            answer = backend.ask(form, accept)
        except BackendError as exc:
            raise _Refusal(exc.status, exc.message) from None
        if answer.chunks is not None:
            return Response(answer.chunks, status=200, content_type=answer.content_type)
        return Response(answer.body, status=200, content_type=answer.content_type)

    return app


def _check_format(fmt: str, form: str) -> str:
    """``format=`` checked against the query's form; returns it."""
    if fmt not in FORMATS:
        raise _Refusal(400, f"format={fmt[:20]!r}: use one of {', '.join(FORMATS)}")
    if (fmt in _GRAPH_FORMATS) != (form in ("CONSTRUCT", "DESCRIBE")):
        raise _Refusal(400, f"format={fmt} does not fit a {form} query: use json, xml, csv or "
                            "tsv for SELECT and ASK, turtle or ntriples for CONSTRUCT and DESCRIBE")
    return fmt


def _wants_editor(request) -> bool:
    """Whether a request to ``/sparql`` is for the editor page, not the protocol: ``format=html``
    (the editor's own form), or a browser's GET with no query (it asks for text/html first)."""
    params = request.values if request.method == "POST" and request.mimetype != "application/sparql-query" else request.args
    if params.get("format") == EDITOR_FORMAT:
        return True
    if request.method != "GET" or "query" in params or "update" in params:
        return False
    accept = request.accept_mimetypes
    html = max((q for value, q in accept if value == "text/html"), default=0)
    return html > 0 and accept.best_match(["text/html", *FORMATS.values()]) == "text/html"


def _editor(request, backend: Backend):
    """The editor page (:mod:`zkg.explorer.editor`): empty, with an example, or with the answer of
    ``query`` (``format=html``) run through the guard and the backend like any protocol query."""
    from flask import Response

    from zkg.explorer import editor

    params = request.values
    text = params.get("query")
    if text is None or params.get("format") != EDITOR_FORMAT:
        return editor.render(query=text, example=params.get("example"))
    try:
        prepared = guard(text)
        graph = prepared.form in ("CONSTRUCT", "DESCRIBE")
        answer = backend.ask([("query", prepared.text)], FORMATS["ntriples" if graph else "json"], stream=False)
        assert answer.body is not None, "stream=False reads the answer whole"
        table = editor.Table.from_answer(prepared.form, answer.body)
    except (_Refusal, BackendError) as exc:
        return Response(editor.render(query=text, error=exc.message), status=exc.status, mimetype="text/html")
    return editor.render(query=text, table=table)


def _read_query(request) -> tuple[str, MultiDict[str, str]]:
    """The query text and the other parameters of a SPARQL 1.1 Protocol query request."""
    from werkzeug.datastructures import CombinedMultiDict

    params: MultiDict[str, str]
    if request.method == "GET":
        params = request.args
    else:
        mimetype = request.mimetype
        if mimetype == "application/sparql-update":
            raise _Refusal(403, "refused: this server is read-only and takes no SPARQL updates")
        if mimetype == "application/sparql-query":
            try:
                body = request.get_data(cache=False).decode("utf-8")
            except UnicodeDecodeError:
                raise _Refusal(400, "the query is not UTF-8 text") from None
            if "query" in request.args or "update" in request.args:
                raise _Refusal(400, "give the query once: in the body or as query=, not both")
            return body, request.args
        if mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            params = CombinedMultiDict([request.form, request.args])
        else:
            raise _Refusal(415, f"POST {mimetype or 'without a Content-Type'}: send "
                                "application/x-www-form-urlencoded (query=…) or application/sparql-query")
    if "update" in params:
        raise _Refusal(403, "refused: this server is read-only and takes no SPARQL updates")
    queries = params.getlist("query")
    if len(queries) != 1:
        raise _Refusal(400, "no query: pass query=SELECT … (once)" if not queries else "give query= only once")
    return queries[0], params
