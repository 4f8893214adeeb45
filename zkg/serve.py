"""Start a real, read-only SPARQL server on 127.0.0.1 with the graph loaded: the Oxigraph
server from the ``oxigraph`` package on PyPI. Its page has a query editor (YASGUI) that
works offline; its query endpoint is ``…/query``.

The functions take paths and return processes; the CLI chooses the directory and waits.
"""

from __future__ import annotations

import shutil
import sys
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from zkg.store import StoreError

__all__ = ["ServeError", "free_port", "load_store_dir", "oxigraph_binary", "start_server", "wait_until_up"]


class ServeError(StoreError):
    """The server could not be installed, loaded or started."""


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


def load_store_dir(graph_file: Path, location: Path) -> None:
    """Bulk-load ``graph_file`` into a new Oxigraph store directory ``location``."""
    done = subprocess.run([oxigraph_binary(), "load", "--location", str(location), "--file", str(graph_file)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise ServeError(f"oxigraph could not load {graph_file}: {last}: rebuild the graph with zkg build")


def start_server(location: Path, port: int, read_only: bool = True) -> subprocess.Popen:
    """Start ``oxigraph serve[-read-only]`` on 127.0.0.1:``port``; returns the process."""
    mode = "serve-read-only" if read_only else "serve"
    return subprocess.Popen([oxigraph_binary(), mode, "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def wait_until_up(process: subprocess.Popen, port: int, timeout: float = 30.0) -> str:
    """Wait until the server answers; return its base URL."""
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            last = (process.stderr.read().strip().splitlines() or ["no message"])[-1]
            raise ServeError(f"the oxigraph server stopped at start: {last} — is port {port} taken? try --port 0")
        try:
            with urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=2):
                return url
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    process.terminate()
    raise ServeError(f"the oxigraph server did not answer on {url} within {timeout:g} s")
