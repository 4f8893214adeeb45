"""`zkg push` streams: the client's memory does not grow with the graph file, progress goes to
stderr, a server that does not take the body fails in one line at the time limit, a server that
refuses fails in one line, and a push cut part-way (the connection closed, or the server killed)
leaves the old dataset whole and nothing of the new one, both through Oxigraph's transactional
PUT and through its bulk loader (real Oxigraph servers, real sockets)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from zkg.push import default_timeout
from zkg.serve import free_port, start_server, wait_until_up
from zkg.serve.engine import oxigraph_binary, stop_process
from zkg.store import open_store

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))  # the copy maker of the push benchmark
from push_bench import make_copy  # noqa: E402

#: Runs a command and prints the peak resident memory (KB) of its process tree's largest child.
PEAK = ("import resource, subprocess, sys; done = subprocess.run(sys.argv[1:], capture_output=True); "
        "sys.stderr.write(done.stderr.decode()); "
        "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


@pytest.fixture()
def oxigraph(tmp_path):
    port = free_port()
    process = start_server(tmp_path / "store", port, read_only=False, timeout=None)
    try:
        yield wait_until_up(process, port)
    finally:
        stop_process(process)


def _push_peak_kb(graph: Path, url: str) -> tuple[int, str]:
    zkg = str(Path(sys.executable).with_name("zkg"))
    done = subprocess.run([sys.executable, "-c", PEAK, zkg, "push", "--endpoint", f"{url}/store", "--graph-dir",
                           str(graph)], capture_output=True, text=True, timeout=1200)
    code, kb = done.stdout.split()
    assert code == "0", done.stderr
    return int(kb), done.stderr


def test_push_client_memory_does_not_grow_with_the_file(oxigraph, tmp_path):
    small = make_copy(1, tmp_path / "small")
    big = make_copy(8, tmp_path / "big")  # eight rewritten copies of the real graph: ~30 MB of N-Quads
    size = (big / "zhaotong.nq").stat().st_size
    small_kb, _ = _push_peak_kb(small, oxigraph)
    big_kb, progress = _push_peak_kb(big, oxigraph)
    assert (big_kb - small_kb) * 1024 < size / 4, (small_kb, big_kb, size)  # a loaded store would take more
    assert "push: " in progress and "MB/s" in progress
    # the waits on the server (loading, then the count) are said too, after the last bytes and in order
    said = progress.splitlines()
    waiting = next(i for i, x in enumerate(said) if "all sent; waiting for the server to load it" in x)
    counting = next(i for i, x in enumerate(said) if "loaded; counting on the server" in x)
    assert "100 %" in said[waiting - 1] and waiting < counting
    store = open_store(endpoint=f"{oxigraph}/query")
    assert store.triple_count() > 8 * 8000


def test_a_server_that_takes_nothing_fails_in_one_line_at_the_time_limit(zkg, two_articles):
    with socket.socket() as listener:  # listens, never accepts: the upload stalls
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        done = zkg("push", "-q", "--timeout", "2", "--endpoint", f"http://127.0.0.1:{listener.getsockname()[1]}/store",
                   "--graph-dir", str(two_articles.graph))
    assert done.returncode == 1 and "did not finish within 2 s: raise --timeout" in done.stderr
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr


def test_an_oxigraph_put_that_fails_part_way_keeps_the_old_graph_whole(oxigraph, zkg, two_articles):
    """What docs/servers.md says of Oxigraph's dataset PUT (measured on 0.5.13): a body cut off or
    broken part-way leaves the old dataset as it was, not empty and not a part of the new one."""
    assert zkg("push", "--endpoint", f"{oxigraph}/store", "--graph-dir", str(two_articles.graph)).returncode == 0
    everything = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
    store = open_store(endpoint=f"{oxigraph}/query")
    before = store.select(everything).rows
    body = (ROOT / "graph" / "zhaotong.nq").read_bytes()  # another, larger dataset
    host, port = oxigraph.removeprefix("http://").split(":")
    head = b"PUT /store HTTP/1.1\r\nHost: x\r\nContent-Type: application/n-quads\r\nContent-Length: %d\r\n\r\n"
    for announced, sent in ((2 * len(body), body),  # cut off: half of what it announced
                            (len(body) + 9, body + b"<broken\n")):  # broken at the end
        with socket.create_connection((host, int(port))) as conn:
            conn.sendall(head % announced + sent)
            conn.shutdown(socket.SHUT_WR)
            assert conn.recv(100).split()[1] in (b"400", b"500")
        assert store.select(everything).rows == before != [(0,)]


# --------------------------------------------------------------------------- a push cut part-way

EVERYTHING = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"


class CuttingProxy:
    """A TCP proxy on 127.0.0.1 in front of ``upstream`` (host, port): reads (GET) pass through; a
    request that writes (PUT, POST) is forwarded up to ``limit`` bytes, then ``on_cut()`` runs and
    both connections are closed: the push is cut part-way, for real, on the wire."""

    def __init__(self, upstream: tuple[str, int], limit: int, on_cut=lambda: None):
        self.upstream, self.limit, self.on_cut = upstream, limit, on_cut
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.cut = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        server = socket.create_connection(self.upstream)
        threading.Thread(target=self._pump, args=(server, client, None), daemon=True).start()
        self._pump(client, server, self.limit)

    def _pump(self, source: socket.socket, sink: socket.socket, limit: int | None) -> None:
        passed, writes = 0, None
        try:
            while data := source.recv(1 << 16):
                if writes is None:
                    writes = data.startswith((b"PUT", b"POST"))
                if limit is not None and writes and passed + len(data) > limit:
                    sink.sendall(data[: limit - passed])
                    self.on_cut()
                    self.cut.set()
                    break
                sink.sendall(data)
                passed += len(data)
        except OSError:
            pass
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def close(self) -> None:
        self.listener.close()


def _count(url: str) -> int:
    return int(open_store(endpoint=f"{url}/query").select(EVERYTHING).rows[0][0])


@pytest.mark.parametrize("old", [True, False], ids=["replacing", "into-an-empty-server"])
@pytest.mark.parametrize("how", ["cut", "server-killed"])
def test_a_push_cut_part_way_keeps_the_old_dataset_whole(old, how, tmp_path, zkg, two_articles):
    """Through a proxy that passes 4 MB of the ~15 MB body and then closes the connection (``cut``), or
    kills the server first (``server-killed``, then the server is started again on its folder): the
    server holds the old dataset as it was (or nothing, when it was empty), no part of the new one;
    the push fails in one line."""
    new = make_copy(4, tmp_path / "new")
    location, port = tmp_path / "store", free_port()
    server = start_server(location, port, read_only=False, timeout=None)
    proxy = None
    try:
        url = wait_until_up(server, port)
        if old:
            assert zkg("push", "-q", "--endpoint", f"{url}/store", "--graph-dir", str(two_articles.graph)).returncode == 0
        before = _count(url)
        assert (before > 0) == old
        kill = (lambda: os.killpg(server.pid, signal.SIGKILL)) if how == "server-killed" else (lambda: None)
        proxy = CuttingProxy(("127.0.0.1", port), 4 << 20, kill)
        done = zkg("push", "-q", "--endpoint", f"{proxy.url}/store", "--graph-dir", str(new))
        assert proxy.cut.is_set()
        assert done.returncode == 1, done.stdout
        assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr, done.stderr
        assert "closed the connection" in done.stderr or "broke off" in done.stderr, done.stderr
        if how == "server-killed":
            server.wait()
            port = free_port()
            server = start_server(location, port, read_only=False, timeout=None)
            url = wait_until_up(server, port)
        assert _count(url) == before
    finally:
        if proxy:
            proxy.close()
        stop_process(server)


def test_the_push_into_an_empty_oxigraph_goes_to_its_bulk_loader_and_a_full_one_is_replaced(oxigraph, zkg,
                                                                                         two_articles, tmp_path):
    new = make_copy(1, tmp_path / "new")
    first = zkg("push", "-q", "--endpoint", f"{oxigraph}/store", "--graph-dir", str(new))
    assert first.returncode == 0 and "(POST (bulk), HTTP 204" in first.stdout, first.stdout + first.stderr
    store = open_store(endpoint=f"{oxigraph}/query")
    assert store.triple_count() > 8000
    again = zkg("push", "-q", "--endpoint", f"{oxigraph}/store", "--graph-dir", str(two_articles.graph))
    assert again.returncode == 0 and "(PUT, HTTP 204" in again.stdout, again.stdout + again.stderr
    assert not store.select("ASK { ?s ?p ?o FILTER(CONTAINS(STR(?s), '/id/c0/')) }").rows[0][0]


def test_a_server_that_refuses_the_graph_fails_in_one_line(tmp_path, zkg, two_articles):
    port = free_port()
    subprocess.run([oxigraph_binary(), "load", "--location", str(tmp_path / "store"), "--file",
                    str(ROOT / "graph" / "zhaotong.nq")], check=True, capture_output=True)
    server = start_server(tmp_path / "store", port, read_only=True, timeout=None)  # a real server that refuses writes
    try:
        url = wait_until_up(server, port)
        before = _count(url)
        done = zkg("push", "-q", "--endpoint", f"{url}/store", "--graph-dir", str(two_articles.graph))
        assert _count(url) == before > 0
    finally:
        stop_process(server)
    assert done.returncode == 1 and "refused the graph: HTTP 403" in done.stderr, done.stderr
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr


def test_the_time_allowed_grows_with_the_file():
    sizes = [0, 10**6, 4 * 10**8, 4_500_000_000]  # nothing, 1 MB, ~1M triples, ~10M triples of N-Quads
    limits = [default_timeout(size) for size in sizes]
    assert limits == sorted(limits) and len(set(limits)) == len(limits)
    # 1M triples took ~160 s by curl into a transactional POST at load 7: the limit leaves more than 10x that
    assert limits[0] == 60 and limits[2] > 10 * 160 and limits[3] > 10 * limits[2] - 600
