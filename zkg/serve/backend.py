"""Where the front of ``zkg serve`` sends the queries that passed its guard (:class:`Backend`).

The backend is the SPARQL query URL of the private Oxigraph child (``http://127.0.0.1:PORT/query``)
or, with ``zkg serve --endpoint URL``, a remote SPARQL 1.1 server (http or https). Every query is one
form POST with the client's ``Accept``; the front waits at most ``timeout`` seconds for the whole
answer. An answer that fits :data:`BUFFER_LIMIT` is read whole (so a failure gets the right status
and one line); a longer one is streamed, and cut off (no final chunk) if the backend fails part-way.
"""

from __future__ import annotations

import http.client
import socket
import time
import urllib.parse
from typing import Callable, Iterator

from zkg.store import USER_AGENT

__all__ = ["BUFFER_LIMIT", "Answer", "Backend", "BackendError", "backend_url_problem"]

#: The front answers a query itself (right status, one line on failure) when the backend's whole
#: answer fits in this many bytes; a longer answer is streamed.
BUFFER_LIMIT = 8 * 1024 * 1024
#: What Oxigraph writes at the end of a 200 answer when its timeout stopped the query.
_CANCELLED = b"The SPARQL operation has been cancelled"


class BackendError(Exception):
    """The backend did not answer a query well: ``status`` for the client and a one-line ``message``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def backend_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a backend (not http or https, no host), or None when it can.

    >>> backend_url_problem("https://query.example.org/sparql") is None
    True
    >>> backend_url_problem("file:///etc/passwd")
    "'file:///etc/passwd' is not an http(s) URL: give http://HOST[:PORT]/PATH of a SPARQL query endpoint"
    """
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{url[:80]!r} is not an http(s) URL: give http://HOST[:PORT]/PATH of a SPARQL query endpoint"
    return None


class Answer:
    """A 200 answer of the backend: its ``content_type`` and either its whole ``body`` (``chunks`` is
    None) or, for a long one, an iterator of ``chunks`` that streams the rest."""

    def __init__(self, content_type: str, body: bytes | None, chunks: Iterator[bytes] | None = None) -> None:
        self.content_type = content_type
        self.body = body
        self.chunks = chunks


class Backend:
    """The SPARQL query URL the front forwards to, with its time limit.

    ``on_overrun(started)`` is called when a query outlives ``timeout`` (``zkg serve`` then restarts
    its engine: Oxigraph checks its own limit only now and then); None for a remote server.
    """

    def __init__(self, url: str, timeout: float, on_overrun: Callable[[float], object] | None = None) -> None:
        problem = backend_url_problem(url)
        if problem:
            raise ValueError(problem)
        parts = urllib.parse.urlsplit(url)
        self.url = url
        self.https = parts.scheme == "https"
        self.host = parts.hostname or ""
        self.port = parts.port
        self.path = (parts.path or "/") + ("?" + parts.query if parts.query else "")
        self.timeout = timeout
        self.on_overrun = on_overrun

    def _connect(self) -> http.client.HTTPConnection:
        kind = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
        return kind(self.host, self.port, timeout=self.timeout)

    def ask(self, form: list[tuple[str, str]], accept: str, stream: bool = True) -> Answer:
        """POST the query ``form`` (``query=…`` and the dataset parameters) asking for ``accept``.

        Raises :class:`BackendError` (the backend's status, 504 past the time limit, 503 when it is
        down); with ``stream`` false, an answer larger than :data:`BUFFER_LIMIT` is refused (413)."""
        body = urllib.parse.urlencode(form).encode("utf-8")
        conn = self._connect()
        started = time.monotonic()
        try:
            conn.request("POST", self.path, body, {"Content-Type": "application/x-www-form-urlencoded",
                                                   "Accept": accept, "User-Agent": USER_AGENT})
            answer = conn.getresponse()
            if answer.status != 200:
                detail = answer.read(4096).decode("utf-8", "replace")
                conn.close()
                raise BackendError(answer.status, f"the SPARQL engine answered HTTP {answer.status}: "
                                                  f"{' '.join(detail.split())[:200]}")
            ctype = answer.getheader("Content-Type", "application/octet-stream")
            chunks, size = [], 0
            while True:
                chunk = self._read(answer, started)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > BUFFER_LIMIT:
                    if not stream:
                        conn.close()
                        raise BackendError(413, f"the answer is larger than {BUFFER_LIMIT // 2**20} MiB: "
                                                "download it (format csv or tsv) or add a LIMIT")
                    return Answer(ctype, None, self._stream(conn, answer, chunks, started))
            conn.close()
        except (socket.timeout, TimeoutError):
            conn.close()
            self._overrun(started)
            raise BackendError(504, f"the query ran past the time limit ({self.timeout:g} s) and was stopped: "
                                    "narrow it (fewer patterns, LIMIT)") from None
        except ConnectionRefusedError:
            conn.close()
            raise BackendError(503, "the SPARQL engine is not running: restart zkg serve") from None
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            raise BackendError(503, f"the SPARQL engine failed on this query ({type(exc).__name__}): "
                                    "it may have been restarted; try again") from None
        whole = b"".join(chunks)
        if whole.endswith(_CANCELLED):
            raise BackendError(504, "the query ran past the server's time limit and was stopped: "
                                    "narrow it (fewer patterns, LIMIT)")
        return Answer(ctype, whole)

    def _read(self, answer: http.client.HTTPResponse, started: float) -> bytes:
        if time.monotonic() - started > self.timeout:
            raise socket.timeout("past the front's limit")
        return answer.read1(65536)

    def _overrun(self, started: float) -> None:
        if self.on_overrun is not None:
            self.on_overrun(started)

    def _stream(self, conn, answer, chunks: list[bytes], started: float) -> Iterator[bytes]:
        """The rest of a long answer; a failure part-way raises, so the client's connection is
        closed without the final chunk (an incomplete answer, never a wrong one)."""
        held = b"".join(chunks)  # hold back a tail, to drop Oxigraph's cancellation text
        try:
            while True:
                try:
                    chunk = self._read(answer, started)
                except (socket.timeout, TimeoutError):
                    self._overrun(started)
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
