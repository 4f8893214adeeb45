"""Serve the graph safely: our own small web server in front of a private, read-only Oxigraph.

Two parts, kept apart:

* **The engine** (process management): the ``oxigraph`` program from PyPI, loaded from the graph
  file into a temporary store directory and started with ``serve-read-only --timeout-s N`` on a
  private 127.0.0.1 port. It runs in its own process group and dies with its parent (Linux
  ``PR_SET_PDEATHSIG``); its directory is named after the owner's pid, so a later ``zkg serve``
  removes directories whose owner was killed. Nobody but the front talks to it.
* **The front** (:func:`create_app`): a Flask app served by waitress. It implements the SPARQL 1.1
  Protocol *query* operation at ``/sparql`` and ``/query``, puts every query through the project's
  guard (:func:`zkg.guard.prepare`: updates, SERVICE and bad syntax are refused in one line, 403 or
  400) and forwards only what passes to the engine, with a time limit of its own. The home page is
  our own template with no outside resource, and every answer carries a Content-Security-Policy
  that allows nothing but this origin.

``default-graph-uri`` and ``named-graph-uri`` are passed through after checking that each is an
absolute IRI: Oxigraph resolves them inside its own store only (it never fetches a graph).

:func:`run` ties them together for ``zkg serve``. :func:`start_server` is the bare Oxigraph server
for tests and notebooks (a writable one for ``zkg push``); it too has a server-side timeout and dies
with its parent.
"""

from __future__ import annotations

import collections
import concurrent.futures
import ctypes
import errno
import http.client
import logging
import os
import re
import shutil
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
from typing import Callable

from zkg.errors import ServiceRefused, StoreError, UpdateRefused
from zkg.guard import prepare
from zkg.loading import find_ontology_file
from zkg.store import DEFAULT_TIMEOUT as _QUERY_TIMEOUT, USER_AGENT

__all__ = [
    "DEFAULT_TIMEOUT",
    "Engine",
    "ServeError",
    "create_app",
    "free_port",
    "load_store_dir",
    "oxigraph_binary",
    "remove_stale_workdirs",
    "run",
    "start_server",
    "wait_until_up",
]

#: Seconds a query may run on a server this project starts (Oxigraph's ``--timeout-s``, whole
#: seconds): the query layer's own default.
DEFAULT_TIMEOUT = int(_QUERY_TIMEOUT)
#: waitress worker threads of the front.
THREADS = 24
#: The front answers a query itself (right status, one line on failure) when the engine's whole
#: answer fits in this many bytes; a longer answer is streamed, and cut off (connection closed,
#: no final chunk) if the engine fails part-way.
BUFFER_LIMIT = 8 * 1024 * 1024
#: Largest query request body the front reads.
MAX_REQUEST = 512 * 1024
#: What Oxigraph writes at the end of a 200 answer when its timeout stopped the query.
_CANCELLED = b"The SPARQL operation has been cancelled"
_WORKDIR_PREFIX = "zkg-serve-"
_WORKDIR = re.compile(r"zkg-serve-(\d+)-")


class ServeError(StoreError):
    """The server could not be installed, loaded, started, or it stopped by itself."""


# =========================================================================== the engine


def oxigraph_binary() -> str:
    """Path of the ``oxigraph`` server program: beside this interpreter (a virtualenv), else on PATH."""
    beside = Path(sys.executable).with_name("oxigraph")
    path = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if path is None:
        raise ServeError("the oxigraph server is not installed: pip install 'zhaotong-kg[server]' (or pip install oxigraph)")
    return path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load_store_dir(graph_file: Path, location: Path, ontology: Path | None = None) -> None:
    """Bulk-load ``graph_file`` (and the ``ontology`` Turtle file beside it, as the embedded stores
    hold it: the labels of units, roles and classes) into a new Oxigraph store directory ``location``."""
    files = [str(graph_file)] + ([str(ontology)] if ontology else [])
    done = subprocess.run([oxigraph_binary(), "load", "--location", str(location), "--file", *files],
                          capture_output=True, text=True, preexec_fn=_die_with_parent())
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise ServeError(f"oxigraph could not load {graph_file}: {last}: rebuild the graph with zkg build")


_PR_SET_PDEATHSIG = 1
_prctl = None


def _die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the child get SIGKILL when its parent dies (Linux).

    The signal follows the *thread* that started the child: start children from a thread that
    lives as long as they should (the main thread here). libc is looked up before the fork, so
    the child only makes two system calls.
    """
    global _prctl
    if not sys.platform.startswith("linux"):
        return None
    if _prctl is None:
        _prctl = ctypes.CDLL(None, use_errno=True).prctl
    prctl, parent = _prctl, os.getpid()

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os.kill(os.getpid(), signal.SIGKILL)

    return preexec


def _drain(process: subprocess.Popen) -> None:
    """Keep the last lines of the child's stderr in ``process.log`` (an unread pipe would fill
    and block the child)."""
    process.log = collections.deque(maxlen=20)

    def read() -> None:
        for line in process.stderr:
            process.log.append(line.rstrip())

    process.log_reader = threading.Thread(target=read, name=f"oxigraph-{process.pid}-stderr", daemon=True)
    process.log_reader.start()


def _last_line(process: subprocess.Popen) -> str:
    reader = getattr(process, "log_reader", None)
    if reader is not None:
        reader.join(timeout=2)
    lines = [line for line in getattr(process, "log", ()) if line.strip()]
    return lines[-1] if lines else "no message"


def start_server(location: Path, port: int, read_only: bool = True,
                 timeout: int | None = DEFAULT_TIMEOUT) -> subprocess.Popen:
    """Start ``oxigraph serve[-read-only]`` on 127.0.0.1:``port``; returns the process.

    ``timeout`` is the server-side limit of one query in whole seconds (``None``: none). The child
    runs in its own process group and is killed when the calling thread's process dies.
    """
    mode = "serve-read-only" if read_only else "serve"
    args = [oxigraph_binary(), mode, "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    if timeout is not None:
        args += ["--timeout-s", str(max(1, int(timeout)))]
    process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True, errors="replace", start_new_session=True,
                               preexec_fn=_die_with_parent())
    _drain(process)
    return process


def wait_until_up(process: subprocess.Popen, port: int, timeout: float = 30.0) -> str:
    """Wait until the server answers; return its base URL."""
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServeError(f"the oxigraph server stopped at start: {_last_line(process)} — is port {port} taken? try --port 0")
        try:
            with urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=2):
                return url
        except (urllib.error.URLError, OSError):
            time.sleep(0.05)
    process.terminate()
    raise ServeError(f"the oxigraph server did not answer on {url} within {timeout:g} s")


def _stop_process(process: subprocess.Popen | None, grace: float = 2.0) -> None:
    """Stop a child and its process group: SIGTERM, then SIGKILL after ``grace`` seconds."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()


def _proc_stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (state first), or None."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _start_time(pid: int) -> str | None:
    """The kernel's start time of ``pid`` (field 22 of /proc/PID/stat), or None if it is gone."""
    fields = _proc_stat(pid)
    return fields[19] if fields else None


def _owner_alive(pid: int, started: str | None) -> bool:
    """Whether the process that made a work directory still runs (not a zombie, not a new
    process that got the same pid)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    fields = _proc_stat(pid)
    if fields is None:
        return True  # no /proc: trust kill(0)
    return fields[0] not in ("Z", "X") and (started is None or fields[19] == started)


def make_workdir() -> Path:
    """A new temporary directory ``zkg-serve-<pid>-XXXX`` with an ``owner`` file (pid and start time)."""
    location = Path(tempfile.mkdtemp(prefix=f"{_WORKDIR_PREFIX}{os.getpid()}-"))
    (location / "owner").write_text(f"{os.getpid()} {_start_time(os.getpid()) or ''}\n")
    return location


def remove_stale_workdirs(folder: Path | None = None) -> list[Path]:
    """Remove the ``zkg-serve-<pid>-*`` directories whose owner process is dead; return them."""
    folder = Path(folder or tempfile.gettempdir())
    removed = []
    for path in folder.glob(f"{_WORKDIR_PREFIX}*"):
        match = _WORKDIR.match(path.name)
        if not match or not path.is_dir():
            continue
        pid = int(match.group(1))
        try:
            started = (path / "owner").read_text().split()[1:2]
        except OSError:
            started = []
        if not _owner_alive(pid, started[0] if started else None):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


class Engine:
    """The private Oxigraph child of ``zkg serve``: loaded from ``graph_file`` into a temporary
    store directory, served read-only with a server-side timeout on 127.0.0.1:``port``.

    Start and stop it from the main thread (the child dies with the thread that started it).
    """

    def __init__(self, graph_file: Path, timeout: int = DEFAULT_TIMEOUT, port: int | None = None) -> None:
        self.graph_file = Path(graph_file)
        self.timeout = int(timeout)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.location: Path | None = None
        self.process: subprocess.Popen | None = None
        self.restarts = 0
        self.spawned_at = 0.0
        self._lock = threading.Lock()
        self._stopping = False
        self._on_death: Callable[[str], None] | None = None
        # Restarts are asked for by request threads; the new child is started from this one
        # long-lived thread, since a child dies with the thread that started it.
        self._keeper = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="oxigraph-keeper")

    def start(self, on_death: Callable[[str], None] | None = None) -> str:
        """Load the store and start the child; return its URL. ``on_death(message)`` is called
        (from a watcher thread) if the child stops by itself."""
        self.location = make_workdir()
        load_store_dir(self.graph_file, self.location / "store", find_ontology_file(self.graph_file.parent))
        self._on_death = on_death
        self._spawn()
        return self.url

    def _spawn(self) -> None:
        process = start_server(self.location / "store", self.port, timeout=self.timeout)
        self.process = process
        self.spawned_at = time.monotonic()
        wait_until_up(process, self.port)
        threading.Thread(target=self._watch, args=(process,), name="oxigraph-watch", daemon=True).start()

    def _watch(self, process: subprocess.Popen) -> None:
        code = process.wait()
        if self._stopping or process is not self.process or self._on_death is None:
            return  # stopped on purpose, or replaced by restart()
        self._on_death(f"the SPARQL engine (oxigraph) stopped by itself (exit {code}): {_last_line(process)}")

    def restart(self, since: float | None = None) -> bool:
        """Kill the child and start a fresh one on the same port (a query overran the time limit
        and Oxigraph did not stop it). ``since`` (``time.monotonic()``): only if the current
        child was started before then (another overrun may have restarted it already)."""
        with self._lock:
            if self._stopping or (since is not None and self.spawned_at > since):
                return False
            old = self.process
            self.process = None  # the watcher of ``old`` now keeps quiet
            _stop_process(old, grace=0.5)
            self.restarts += 1
            self._keeper.submit(self._spawn).result()
            return True

    def stop(self) -> None:
        """Stop the child and remove the temporary store."""
        self._stopping = True
        with self._lock:
            _stop_process(self.process)
        self._keeper.shutdown(wait=False)
        if self.location is not None:
            shutil.rmtree(self.location, ignore_errors=True)


# =========================================================================== the front

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

CSP = ("default-src 'self'; connect-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; "
       "font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


class _Refusal(Exception):
    """A request answered with ``status`` and a one-line text/plain ``message``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(str(text).split())
    return line[:limit] or "no message"


def guard(text: str):
    """The project's guard, as the front uses it: a :class:`zkg.guard.Prepared`, or a
    :class:`_Refusal` (403 for updates and SERVICE, 400 for anything else it refuses)."""
    try:
        return prepare(text)
    except _FORBIDDEN as exc:
        raise _Refusal(403, _one_line(exc)) from None
    except StoreError as exc:
        raise _Refusal(400, _one_line(exc)) from None


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
               allowed_hosts: set[str] | None = None):
    """The front: a Flask app answering SPARQL queries by forwarding them to ``backend_url``.

    ``timeout``: seconds the front waits for the engine's answer to one query (set it above the
    engine's own limit); past it the client gets 504 and ``on_overrun(started)`` is called (``zkg serve``
    restarts the engine: Oxigraph checks its limit only now and then, and some queries never
    reach a check). ``allowed_hosts``: the only host names accepted in ``Host`` (against DNS
    rebinding), or None for any.
    """
    from flask import Flask, Response, render_template, request

    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.config.update(MAX_CONTENT_LENGTH=MAX_REQUEST)
    backend = urllib.parse.urlsplit(backend_url)

    def text(status: int, message: str) -> Response:
        return Response(_one_line(message) + "\n", status=status, mimetype="text/plain")

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
        return text(404, f"nothing at {request.path[:80]}: the SPARQL endpoint is /sparql, the form is /")

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
        print(f"zkg serve: {request.method} {request.path}: {type(exc).__name__}: {_one_line(exc, 200)}",
              file=sys.stderr, flush=True)
        return text(500, "the front failed on this request (see its stderr)")

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
        text_, params = _read_query(request)
        prepared = guard(text_)
        graphs = params.getlist("default-graph-uri") + params.getlist("named-graph-uri")
        _check_graph_iris(graphs)
        accept = request.headers.get("Accept", "*/*")
        fmt = params.get("format")
        if fmt is not None:
            if fmt not in FORMATS:
                raise _Refusal(400, f"format={fmt[:20]!r}: use one of {', '.join(FORMATS)}")
            if (fmt in _GRAPH_FORMATS) != (prepared.form in ("CONSTRUCT", "DESCRIBE")):
                raise _Refusal(400, f"format={fmt} does not fit a {prepared.form} query: use json, xml, csv or "
                                    "tsv for SELECT and ASK, turtle or ntriples for CONSTRUCT and DESCRIBE")
            accept = FORMATS[fmt]
        form = [("query", prepared.text)]
        form += [("default-graph-uri", g) for g in params.getlist("default-graph-uri")]
        form += [("named-graph-uri", g) for g in params.getlist("named-graph-uri")]
        return _forward(urllib.parse.urlencode(form).encode("utf-8"), accept)

    def _forward(body: bytes, accept: str) -> Response:
        conn = http.client.HTTPConnection(backend.hostname, backend.port, timeout=timeout)
        started = time.monotonic()
        try:
            conn.request("POST", "/query", body, {"Content-Type": "application/x-www-form-urlencoded",
                                                  "Accept": accept, "User-Agent": USER_AGENT})
            answer = conn.getresponse()
            if answer.status != 200:
                detail = answer.read(4096).decode("utf-8", "replace")
                conn.close()
                raise _Refusal(answer.status, f"the SPARQL engine answered HTTP {answer.status}: {_one_line(detail, 200)}")
            ctype = answer.getheader("Content-Type", "application/octet-stream")
            chunks, size = [], 0
            while True:
                chunk = _read_chunk(answer, started)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > BUFFER_LIMIT:
                    return Response(_stream(conn, answer, chunks, started), status=200, content_type=ctype)
            conn.close()
        except (socket.timeout, TimeoutError):
            conn.close()
            overrun(started)
            raise _Refusal(504, f"the query ran past the time limit ({timeout:g} s) and was stopped: "
                                "narrow it (fewer patterns, LIMIT)") from None
        except ConnectionRefusedError:
            conn.close()
            raise _Refusal(503, "the SPARQL engine is not running: restart zkg serve") from None
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            raise _Refusal(503, f"the SPARQL engine failed on this query ({type(exc).__name__}): "
                                "it may have been restarted; try again") from None
        whole = b"".join(chunks)
        if whole.endswith(_CANCELLED):
            raise _Refusal(504, "the query ran past the server's time limit and was stopped: "
                                "narrow it (fewer patterns, LIMIT)")
        return Response(whole, status=200, content_type=ctype)

    def _read_chunk(answer, started: float) -> bytes:
        if time.monotonic() - started > timeout:
            raise socket.timeout("past the front's limit")
        return answer.read1(65536)

    def _stream(conn, answer, chunks, started):
        """The rest of a long answer; a failure part-way raises, so the client's connection is
        closed without the final chunk (an incomplete answer, never a wrong one)."""
        held = b"".join(chunks)  # hold back a tail, to drop Oxigraph's cancellation text
        try:
            while True:
                try:
                    chunk = _read_chunk(answer, started)
                except (socket.timeout, TimeoutError):
                    overrun(started)
                    raise
                if not chunk:
                    break
                held += chunk
                if len(held) > len(_CANCELLED):
                    yield held[:-len(_CANCELLED)]
                    held = held[-len(_CANCELLED):]
            if held == _CANCELLED:
                raise TimeoutError("the engine's timeout cut the answer")
            yield held
        finally:
            conn.close()

    def overrun(started: float) -> None:
        if on_overrun is not None:
            on_overrun(started)

    return app


def _read_query(request) -> tuple[str, "object"]:
    """The query text and the other parameters of a SPARQL 1.1 Protocol query request."""
    from werkzeug.datastructures import CombinedMultiDict

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


# =========================================================================== zkg serve


class _Stop(BaseException):
    """Raised in the main thread to leave the serving loop (a signal, or the engine died)."""

    def __init__(self, reason: str, failed: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.failed = failed


class _OneLine(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            message += f": {type(record.exc_info[1]).__name__}: {record.exc_info[1]}"
        return f"zkg serve: {_one_line(message, 300)}"


def _quiet_waitress() -> None:
    """waitress logs one line a problem (no tracebacks), warnings and worse only."""
    logger = logging.getLogger("waitress")
    if not any(isinstance(h.formatter, _OneLine) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_OneLine())
        logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False


def _allowed_hosts(host: str) -> set[str] | None:
    """The Host names a browser may use for a server bound to ``host`` (None: any, for 0.0.0.0)."""
    loopback = {"127.0.0.1", "localhost", "::1"}
    if host in loopback:
        return loopback
    return None if host in ("0.0.0.0", "::", "") else loopback | {host.lower()}


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def run(graph_file: Path, host: str = "127.0.0.1", port: int = 7878, timeout: int = DEFAULT_TIMEOUT,
        announce: Callable[[str], None] = print, note: Callable[[str], None] | None = None) -> None:
    """``zkg serve``: bind the front (port taken → :class:`ServeError` before anything else),
    start the engine, serve until SIGINT/SIGTERM/SIGHUP, then stop the engine and remove its
    temporary store. The engine dying by itself raises :class:`ServeError`. Main thread only.
    """
    import waitress

    note = note or (lambda message: print(message, file=sys.stderr, flush=True))
    remove_stale_workdirs()
    main = threading.main_thread().ident
    died: list[str] = []

    def on_signal(signum, frame):
        if died:
            raise _Stop(died[0], failed=True)
        raise _Stop(signal.Signals(signum).name)

    def on_death(message: str) -> None:
        died.append(message)
        signal.pthread_kill(main, signal.SIGUSR1)

    handled = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1)
    previous = {s: signal.signal(s, on_signal) for s in handled}
    engine = Engine(graph_file, timeout)
    server = None
    _quiet_waitress()
    try:
        app = create_app(engine.url, timeout=timeout + max(10, timeout // 2),
                         on_overrun=engine.restart, allowed_hosts=_allowed_hosts(host))
        try:
            server = waitress.create_server(app, host=host, port=port, threads=THREADS, ident="zhaotong-kg",
                                            asyncore_use_poll=True, clear_untrusted_proxy_headers=True,
                                            channel_timeout=timeout + 30)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ServeError(f"port {port} on {host} is taken: stop the other server, or pass --port "
                                 "with another number (--port 0: any free port)") from None
            raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        real_port = getattr(server, "effective_port", None) or port
        engine.start(on_death)
        base = f"http://{_url_host(host)}:{real_port}"
        announce(f"SPARQL endpoint {base}/sparql (form at {base}/) — Ctrl-C to stop")
        server.run()
    except _Stop as stop:
        if stop.failed:
            raise ServeError(stop.reason) from None
        note(f"stopping ({stop.reason})")
    finally:
        for s in handled:
            signal.signal(s, signal.SIG_IGN)
        if server is not None:
            server.close()
            server.task_dispatcher.shutdown(cancel_pending=True, timeout=0.5)
        engine.stop()
        for s, handler in previous.items():
            signal.signal(s, handler)
    if died:
        raise ServeError(died[0])
