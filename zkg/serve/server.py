"""``zkg serve`` (:func:`run`): the front on waitress before the private engine, until a signal.

The front's port is bound first (a taken port fails before anything starts), then the engine
is loaded and started; SIGINT, SIGTERM and SIGHUP stop both and remove the engine's temporary
store, and the engine dying by itself ends the run with one line. A query that outlives the
front's deadline restarts the engine (Oxigraph checks its own limit only now and then).
With ``endpoint`` (``zkg serve --endpoint URL``) no engine is started: the front forwards the
guarded queries to that remote SPARQL server, and the explorer's pages read from it.
"""

from __future__ import annotations

import errno
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from zkg.explorer.web import warm
from zkg.serve.engine import DEFAULT_TIMEOUT, Engine, ServeError, remove_stale_workdirs
from zkg.serve.front import create_app, one_line

if TYPE_CHECKING:
    from zkg.explorer import Explorer

__all__ = ["THREADS", "run"]

#: waitress worker threads of the front.
THREADS = 24

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
        return f"zkg serve: {one_line(message, 300)}"


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


def run(graph_file: Path | None, host: str = "127.0.0.1", port: int = 7878, timeout: int = DEFAULT_TIMEOUT,
        announce: Callable[[str], None] = print, note: Callable[[str], None] | None = None,
        explorer: "Explorer | None" = None, endpoint: str | None = None) -> None:
    """``zkg serve``: bind the front (port taken → :class:`ServeError` before anything else),
    start the engine, serve until SIGINT/SIGTERM/SIGHUP, then stop the engine and remove its
    temporary store. The engine dying by itself raises :class:`ServeError`. Main thread only.

    ``endpoint``: a remote SPARQL query URL to forward to instead (``graph_file`` is then unused
    and no engine is started).
    """
    import waitress

    note = note or (lambda message: print(message, file=sys.stderr, flush=True))
    engine: Engine | None = None
    if endpoint is None:
        if graph_file is None:
            raise ServeError("nothing to serve: give the graph folder or a remote endpoint (--endpoint URL)")
        engine = Engine(graph_file, timeout)
    remove_stale_workdirs()
    main = threading.main_thread().ident
    assert main is not None, "the main thread has started"  # ident is None only before a thread starts
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
    server = None
    _quiet_waitress()
    try:
        if engine is not None:
            app = create_app(engine.url + "/query", timeout=timeout + max(10, timeout // 2),
                             on_overrun=engine.restart, allowed_hosts=_allowed_hosts(host), explorer=explorer)
        else:
            assert endpoint is not None, "no engine without an endpoint"
            app = create_app(endpoint, timeout=timeout, allowed_hosts=_allowed_hosts(host), explorer=explorer)
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
        if engine is not None:
            engine.start(on_death)
        if explorer is not None:
            for problem in warm(app):
                note(problem)
        base = f"http://{_url_host(host)}:{real_port}"
        remote = f" (in front of {endpoint})" if endpoint is not None else ""
        announce(f"explorer {base}/ · SPARQL endpoint {base}/sparql{remote} — Ctrl-C to stop" if explorer is not None
                 else f"SPARQL endpoint {base}/sparql{remote} (form at {base}/) — Ctrl-C to stop")
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
        if engine is not None:
            engine.stop()
        for s, handler in previous.items():
            signal.signal(s, handler)
    if died:
        raise ServeError(died[0])
