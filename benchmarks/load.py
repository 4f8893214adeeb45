"""Load-test the query layer with every named question: N concurrent clients, M queries each,
against a SPARQL endpoint or against one embedded store shared by all the threads (the API).

Each answer is compared with the single-threaded embedded answer to the same question (computed
once up front), so the run counts errors *and* wrong answers. Prints a table of throughput and
latency.

    python3 benchmarks/load.py URL [--clients 16] [--queries 500] [--graph-dir graph]
    python3 benchmarks/load.py --serve            # start `zkg serve` on a free port and load it
    python3 benchmarks/load.py --engine oxigraph  # one embedded store, shared by the threads
    python3 benchmarks/load.py --engine rdflib --queries 25

Traffic goes only to the URL given (use a server on 127.0.0.1).
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zkg.api import read_queries  # noqa: E402
from zkg.catalogue import Catalogue  # noqa: E402
from zkg.binding import inject_values  # noqa: E402
from zkg.guard import prepare, Prepared  # noqa: E402
from zkg.result import Result  # noqa: E402
from zkg.store import open_store, Store  # noqa: E402


@dataclasses.dataclass
class LoadReport:
    """What a load run did: counts, wall time, and each query's latency (seconds)."""

    clients: int
    per_client: int
    wall: float
    latencies: list[float]
    errors: list[str]
    wrong: list[str]
    per_question: dict[str, int]

    @property
    def total(self) -> int:
        return len(self.latencies) + len(self.errors)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    def table(self) -> str:
        rows = [
            ("clients x queries", f"{self.clients} x {self.per_client}"),
            ("queries sent", f"{self.total}"),
            ("distinct questions", f"{len(self.per_question)}"),
            ("errors", f"{len(self.errors)}"),
            ("wrong answers", f"{len(self.wrong)}"),
            ("wall time", f"{self.wall:.2f} s"),
            ("throughput", f"{self.total / self.wall:.0f} queries/s"),
            ("latency p50", f"{self.percentile(50) * 1000:.1f} ms"),
            ("latency p99", f"{self.percentile(99) * 1000:.1f} ms"),
            ("latency max", f"{max(self.latencies, default=float('nan')) * 1000:.1f} ms"),
        ]
        width = max(len(k) for k, _ in rows)
        lines = [f"{k:<{width}}  {v}" for k, v in rows]
        for label, items in (("first errors", self.errors), ("first wrong", self.wrong)):
            lines += [f"{label}: {x}" for x in items[:3]]
        return "\n".join(lines)


def questions(queries_dir: Path = ROOT / "queries") -> list[tuple[str, Prepared]]:
    """Every named question with its default parameters bound into the text (``VALUES``),
    prepared once here, so the client threads never parse."""
    catalogue = Catalogue.from_texts(read_queries(queries_dir))
    return [(q.name, prepare(inject_values(q.text, q.bind({})))) for q in catalogue]


def expected_answers(jobs: list[tuple[str, Prepared]], graph_dir: Path = ROOT / "graph") -> dict[str, Result]:
    """The embedded store's answer to each question."""
    embedded = open_store(graph_dir)
    return {name: embedded.select(prepared) for name, prepared in jobs}


def load(target: str | Store, jobs: list[tuple[str, Prepared]], expected: dict[str, Result],
         clients: int = 16, per_client: int = 500, seed: int = 7, timeout: float = 60.0) -> LoadReport:
    """Run ``clients`` threads, each asking ``per_client`` questions (every question in turn, in a
    seeded random order) of ``target`` — an endpoint URL (a client per thread) or a store that all
    threads share — and compare each answer with ``expected``."""
    latencies: list[float] = []
    errors: list[str] = []
    wrong: list[str] = []
    counts: dict[str, int] = {}
    lock = threading.Lock()
    start_gate = threading.Barrier(clients)

    def client(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        store = open_store(endpoint=target, timeout=timeout) if isinstance(target, str) else target
        order: list[tuple[str, Prepared]] = []
        while len(order) < per_client:
            batch = list(jobs)
            rng.shuffle(batch)
            order += batch
        start_gate.wait()
        for name, prepared in order[:per_client]:
            began = time.perf_counter()
            try:
                answer = store.select(prepared)
            except Exception as exc:  # counted, reported in one line each
                with lock:
                    errors.append(f"{name}: {type(exc).__name__}: {str(exc)[:200]}")
                continue
            took = time.perf_counter() - began
            ok = answer.same_as(expected[name])
            with lock:
                latencies.append(took)
                counts[name] = counts.get(name, 0) + 1
                if not ok:
                    wrong.append(f"{name}: {len(answer.rows)} rows, expected {len(expected[name].rows)}")

    threads = [threading.Thread(target=client, args=(i,), name=f"load-{i}") for i in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    return LoadReport(clients, per_client, wall, latencies, errors, wrong, counts)


def _serve(graph_dir: Path) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "zkg", "serve", "--port", "0", "--graph-dir", str(graph_dir)],
                               stdout=subprocess.PIPE, text=True, cwd=ROOT)
    line = process.stdout.readline()
    match = re.search(r"(http://\S+/sparql)", line)
    if not match:
        process.kill()
        raise SystemExit(f"zkg serve did not start: {line!r}")
    return process, match.group(1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", help="SPARQL query endpoint (e.g. http://127.0.0.1:7878/sparql)")
    parser.add_argument("--serve", action="store_true", help="start `zkg serve` on a free port and load it")
    parser.add_argument("--engine", choices=("oxigraph", "rdflib"),
                        help="load one embedded store, shared by the client threads (the Python API)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--queries", type=int, default=500, help="queries per client")
    parser.add_argument("--graph-dir", type=Path, default=ROOT / "graph")
    args = parser.parse_args(argv)
    if sum(map(bool, (args.url, args.serve, args.engine))) != 1:
        parser.error("give a URL, --serve or --engine")
    jobs = questions()
    expected = expected_answers(jobs, args.graph_dir)
    process = None
    target: str | Store = args.url
    if args.serve:
        process, target = _serve(args.graph_dir)
    elif args.engine:
        target = open_store(args.graph_dir, engine=args.engine, timeout=600)
    try:
        report = load(target, jobs, expected, args.clients, args.queries)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=10)
    print(f"load on {target if isinstance(target, str) else 'the embedded ' + target.engine + ' store (API)'}")
    print(report.table())
    return 0 if not report.errors and not report.wrong else 1


if __name__ == "__main__":
    sys.exit(main())
