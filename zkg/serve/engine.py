"""The private engine of ``zkg serve``: the ``oxigraph`` program from PyPI, as a child process.

It is loaded from the graph file (the dataset as it is, the ontology in the default graph and in
its named graph: :func:`load_store_dir`) into a temporary store directory and started with
``serve-read-only --timeout-s N`` on a private 127.0.0.1 port. It runs in its own process group
and dies with its parent (Linux ``PR_SET_PDEATHSIG``); its directory is named after the owner's
pid, so a later ``zkg serve`` removes directories whose owner was killed. Nobody but the front
talks to it. :class:`Engine` is that child; :func:`start_server` is the bare Oxigraph server for
tests and notebooks (a writable one for ``zkg push``), with a server-side timeout too.
"""

from __future__ import annotations

import collections
import concurrent.futures
import ctypes
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
import urllib.request
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from zkg.errors import StoreError
from zkg.loading import ONTOLOGY_GRAPH, find_ontology_file
from zkg.store import DEFAULT_TIMEOUT as _QUERY_TIMEOUT

__all__ = ["DEFAULT_TIMEOUT", "Engine", "ServeError", "free_port", "load_store_dir", "make_workdir",
           "oxigraph_binary", "remove_stale_workdirs", "start_server", "stop_process", "wait_until_up"]

#: Seconds a query may run on a server this project starts (Oxigraph's ``--timeout-s``, whole
#: seconds): the query layer's own default.
DEFAULT_TIMEOUT = int(_QUERY_TIMEOUT)
_WORKDIR_PREFIX = "zkg-serve-"
_WORKDIR = re.compile(r"zkg-serve-(\d+)-")


class ServeError(StoreError):
    """The server could not be installed, loaded, started, or it stopped by itself."""


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
    """Bulk-load ``graph_file`` into a new Oxigraph store directory ``location`` as the embedded
    stores hold it (:mod:`zkg.loading`): a dataset's default graph and named graphs as they are
    (no union default graph), and the ``ontology`` Turtle file in the default graph and in its
    named graph :data:`~zkg.loading.ONTOLOGY_GRAPH`."""
    loads = [(graph_file, ["--file", str(graph_file)])]
    if ontology:
        loads += [(ontology, ["--file", str(ontology)]),
                  (ontology, ["--file", str(ontology), "--graph", ONTOLOGY_GRAPH])]
    for source, args in loads:
        done = subprocess.run([oxigraph_binary(), "load", "--location", str(location), *args],
                              capture_output=True, text=True, preexec_fn=_die_with_parent())
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            fix = "fix the Turtle" if source == ontology else "rebuild the graph with zkg build"
            raise ServeError(f"oxigraph could not load {source}: {last}: {fix}")


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


@dataclass
class _StderrTail:
    """The last lines of a child's stderr, and the thread that reads them."""

    lines: collections.deque[str]
    reader: threading.Thread


#: The stderr tail of each child started by :func:`start_server` (gone with the Popen object).
_TAILS: weakref.WeakKeyDictionary[subprocess.Popen[str], _StderrTail] = weakref.WeakKeyDictionary()


def _drain(process: subprocess.Popen[str]) -> None:
    """Keep the last lines of the child's stderr in :data:`_TAILS` (an unread pipe would fill
    and block the child)."""
    stream = process.stderr
    assert stream is not None, "start the child with stderr=subprocess.PIPE"
    lines: collections.deque[str] = collections.deque(maxlen=20)

    def read() -> None:
        for line in stream:
            lines.append(line.rstrip())

    tail = _StderrTail(lines, threading.Thread(target=read, name=f"oxigraph-{process.pid}-stderr", daemon=True))
    _TAILS[process] = tail
    tail.reader.start()


def _last_line(process: subprocess.Popen[str]) -> str:
    tail = _TAILS.get(process)
    if tail is None:
        return "no message"
    tail.reader.join(timeout=2)
    lines = [line for line in tail.lines if line.strip()]
    return lines[-1] if lines else "no message"


def start_server(location: Path, port: int, read_only: bool = True,
                 timeout: int | None = DEFAULT_TIMEOUT) -> subprocess.Popen[str]:
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


def stop_process(process: subprocess.Popen | None, grace: float = 2.0) -> None:
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
        assert self.location is not None, "start() makes the store directory before the first spawn"
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
            stop_process(old, grace=0.5)
            self.restarts += 1
            self._keeper.submit(self._spawn).result()
            return True

    def stop(self) -> None:
        """Stop the child and remove the temporary store."""
        self._stopping = True
        with self._lock:
            stop_process(self.process)
        self._keeper.shutdown(wait=False)
        if self.location is not None:
            shutil.rmtree(self.location, ignore_errors=True)
