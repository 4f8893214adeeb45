"""`zkg push` streams: the client's memory does not grow with the graph file, progress goes to
stderr, a server that does not take the body fails in one line at the time limit, and Oxigraph's
dataset PUT cut off part-way leaves nothing of the new graph (real Oxigraph servers, real sockets)."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from zkg.serve import free_port, start_server, wait_until_up
from zkg.serve.engine import stop_process
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
