"""Cold commands: what one `zkg query` costs from a fresh process, against what pyoxigraph itself costs.

    python3 benchmarks/cold.py                      # the real graph, 9 interleaved runs
    python3 benchmarks/cold.py --big 1000000        # also a copy of about a million statements
    python3 benchmarks/cold.py --big 1000000 --before /work/main   # and the code of another checkout

Each command is a new process, so imports and opening the graph are counted, as a user sees them.
The commands of one table run interleaved (one of each, then again), ``--runs`` times; the table
gives the median wall time, the peak memory of the process (its max RSS), and the ratio to the
anchor measured in the same run:

* cold ``zkg query alliance-members`` against ``python -c "import pyoxigraph"`` (target: 3x);
* cold ``zkg query --all`` against raw pyoxigraph: load the graph file and the ontology into an
  in-memory store and run the named questions (the floor of the old path, which reloaded);
* on the big copy, ``zkg query alliance-members`` against the same import anchor plus the query's
  own time on the open store (measured inside one process): the target is 3x the import plus the
  query, that is, no reload; the raw in-memory load + query (what every command cost before the
  persistent store), and ``--before``'s code, show what a reload costs.

The big copy (``--big N``) rewrites the real N-Quads ``ceil(N / statements)`` times with its data
IRIs (``ztd:``) moved under ``ztd:copyK/`` so every copy is distinct, writes its manifest, puts the
ontology beside it, and loads it with ``zkg load`` (timed once: the one-off cost of a new graph).
The packages are byte-compiled first, as an installed package is. The machine is shared: read the
ratios, not the times. Not a test (the suite runs it once, small).
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg_build.manifest import make_manifest, manifest_text  # noqa: E402

ZTD = b"<https://w3id.org/zhaotong-kg/id/"

#: A raw pyoxigraph run: load the file and the ontology in memory, answer the named questions given.
RAW_LOAD = """
import sys, pyoxigraph as ox
from pathlib import Path
store = ox.Store()
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_QUADS)
onto = list(ox.parse(path=sys.argv[2], format=ox.RdfFormat.TURTLE))
store.extend([ox.Quad(t.subject, t.predicate, t.object, g) for g in (ox.DefaultGraph(),
              ox.NamedNode("https://w3id.org/zhaotong-kg/ontology")) for t in onto])
for name in sys.argv[4:]:
    list(store.query((Path(sys.argv[3]) / f"{name}.rq").read_text(encoding="utf-8")))
"""

#: The query's own time on an open store: the median of 5 runs after one to warm up, in ms.
QUERY_TIME = """
import statistics, sys, time
from zkg.store import open_store
from zkg.api import read_queries
store = open_store(sys.argv[1])
text = read_queries(sys.argv[2])[sys.argv[3]]
store.select(text, max_rows=0)
times = []
for _ in range(5):
    t = time.perf_counter(); store.select(text, max_rows=0); times.append(time.perf_counter() - t)
print(statistics.median(times))
"""


def run(argv: list[str], cwd: Path = ROOT) -> tuple[float, int, float]:
    """Run ``argv`` to its end in ``cwd`` (whose package ``-m zkg`` imports first); wall seconds,
    the process's peak RSS in MB and its CPU seconds, user + system (from wait4)."""
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(argv)}\n{err[-800:]}")
    return wall, usage.ru_maxrss // 1024, usage.ru_utime + usage.ru_stime


def measure(commands: dict[str, list[str]], runs: int, where: dict[str, Path] | None = None
            ) -> dict[str, tuple[float, int]]:
    """Median wall time and peak memory of each command, run interleaved ``runs`` times after one
    warm-up each; ``where`` gives a command another folder to run in (another checkout). The
    median CPU seconds of each go into ``CPU`` (on a loaded machine the steadier figure)."""
    where = where or {}
    walls: dict[str, list[float]] = {k: [] for k in commands}
    cpus: dict[str, list[float]] = {k: [] for k in commands}
    peaks = {k: 0 for k in commands}
    for k, argv in commands.items():
        run(argv, where.get(k, ROOT))  # warm the page cache and the store the command opens
    for _ in range(runs):
        for k, argv in commands.items():
            wall, peak, cpu = run(argv, where.get(k, ROOT))
            walls[k].append(wall)
            cpus[k].append(cpu)
            peaks[k] = max(peaks[k], peak)
    CPU.update({k: statistics.median(v) for k, v in cpus.items()})
    return {k: (statistics.median(v), peaks[k]) for k, v in walls.items()}


#: Median CPU seconds of the commands :func:`measure` ran last, by key.
CPU: dict[str, float] = {}


def cpu_ratio(key: str, anchor: str) -> str:
    """`` (cpu 1.23x)``: the CPU-time ratio of two commands of the last :func:`measure`."""
    return f" (cpu {CPU[key] / CPU[anchor]:.2f}x)" if CPU.get(anchor) else ""


def table(title: str, rows: list[tuple[str, float, int, str, str]]) -> str:
    """``rows``: (what, seconds, MB, ratio, target)."""
    width = max(len(r[0]) for r in rows)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [f"\n{title} (load average {load})", f"| {'':{width}} | {'median':>8} | {'peak':>7} | {'ratio':>38} | target |",
             f"| {'-' * width} | {'-' * 8} | {'-' * 7} | {'-' * 38} | --- |"]
    for what, wall, mb, ratio, target in rows:
        lines.append(f"| {what:{width}} | {wall * 1000:6.0f}ms | {mb:5d}MB | {ratio:>38} | {target} |")
    return "\n".join(lines)


def big_copy(source: Path, ontology: Path, statements: int, into: Path) -> Path:
    """A graph folder ``into/graph`` holding about ``statements`` lines of N-Quads: the real graph
    repeated with its data IRIs under ``ztd:copyK/``, and its manifest; the ontology beside it."""
    import pyoxigraph as ox

    lines = source.read_bytes().splitlines(keepends=True)
    quads = list(ox.parse(path=str(source), format=ox.RdfFormat.N_QUADS))
    default = sum(1 for q in quads if isinstance(q.graph_name, ox.DefaultGraph))
    graphs = len({q.graph_name for q in quads} - {ox.DefaultGraph()})
    copies = max(1, -(-statements // len(lines)))
    graph = into / "graph"
    graph.mkdir(parents=True)
    (into / "ontology").mkdir()
    shutil.copy(ontology, into / "ontology" / "zhaotong.ttl")
    nq = graph / "zhaotong.nq"
    with nq.open("wb") as out:
        for k in range(copies):
            moved = ZTD + b"copy%d/" % k
            out.writelines(line.replace(ZTD, moved) for line in lines)
    manifest = make_manifest({"zhaotong.nq": nq}, triples=default * copies, quads=(len(quads) - default) * copies,
                             graphs=graphs * copies)
    (graph / "manifest.json").write_text(manifest_text(manifest), encoding="utf-8")
    return graph


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="interleaved runs of each command (median)")
    parser.add_argument("--graph-dir", type=Path, default=ROOT / "graph")
    parser.add_argument("--big", type=int, default=0, metavar="N", help="also a copy of about N statements")
    parser.add_argument("--before", type=Path, default=None, metavar="CHECKOUT",
                        help="also time another checkout's `zkg query` on the big copy (its own code)")
    args = parser.parse_args(argv)
    py = sys.executable
    queries = ROOT / "queries"
    names = sorted(p.stem for p in queries.glob("*.rq"))
    graph = args.graph_dir.resolve()
    ontology = ROOT / "ontology" / "zhaotong.ttl"
    zkg = [py, "-m", "zkg"]
    for package in ("zkg", "kg_build"):  # as an installed package is (PYTHONDONTWRITEBYTECODE would
        compileall.compile_dir(str(ROOT / package), quiet=1)  # make every run compile the sources)
    run([*zkg, "load", "--graph-dir", str(graph)])
    real = measure({
        "import": [py, "-c", "import pyoxigraph"],
        "one": [*zkg, "query", "alliance-members", "--graph-dir", str(graph)],
        "raw": [py, "-c", RAW_LOAD, str(graph / "zhaotong.nq"), str(ontology), str(queries), *names],
        "all": [*zkg, "query", "--all", "-f", "json", "--graph-dir", str(graph)],
    }, args.runs)
    imp, raw = real["import"][0], real["raw"][0]
    print(table(f"The real graph ({graph}), {args.runs} interleaved runs", [
        ('python -c "import pyoxigraph"', *real["import"], "1.00x (anchor)", ""),
        ("zkg query alliance-members", *real["one"], f"{real['one'][0] / imp:.2f}x import" + cpu_ratio("one", "import"),
         "<= 3x import"),
        (f"raw pyoxigraph: load + {len(names)} questions", *real["raw"], "1.00x (anchor)", ""),
        (f"zkg query --all -f json ({len(names)})", *real["all"], f"{real['all'][0] / raw:.2f}x raw" + cpu_ratio("all", "raw"),
         ""),
    ]))
    if args.big:
        with tempfile.TemporaryDirectory(prefix="zkg-cold-") as tmp:
            big = big_copy(graph / "zhaotong.nq", ontology, args.big, Path(tmp))
            with (big / "zhaotong.nq").open("rb") as fh:
                size = sum(1 for _ in fh)
            load_wall, load_peak, _ = run([*zkg, "load", "--graph-dir", str(big)])
            own = float(subprocess.run([py, "-c", QUERY_TIME, str(big), str(queries), "alliance-members"], cwd=ROOT,
                                       capture_output=True, text=True, check=True).stdout)
            commands = {
                "import": [py, "-c", "import pyoxigraph"],
                "one": [*zkg, "query", "alliance-members", "--graph-dir", str(big)],
                "raw": [py, "-c", RAW_LOAD, str(big / "zhaotong.nq"), str(ontology), str(queries), "alliance-members"],
            }
            where = {}
            if args.before:
                commands["before"] = [*zkg, "query", "alliance-members", "--graph-dir", str(big)]
                where["before"] = args.before.resolve()
            got = measure(commands, args.runs, where)
            imp = got["import"][0]
            rows = [
                ('python -c "import pyoxigraph"', *got["import"], "1.00x (anchor)", ""),
                ("the query's own time, store open", own, 0, f"{own / imp:.2f}x import", ""),
                ("zkg query alliance-members", *got["one"], f"{(got['one'][0] - own) / imp:.2f}x import + query",
                 "<= 3x import + query"),
                ("raw pyoxigraph: load in memory + query", *got["raw"], f"{got['raw'][0] / imp:.2f}x import",
                 "what a reload costs"),
            ]
            if args.before:
                rows.append((f"{args.before}: zkg query alliance-members", *got["before"],
                             f"{got['before'][0] / imp:.2f}x import" + cpu_ratio("before", "import"), "the code before"))
            rows.append(("zkg load (once per new graph)", load_wall, load_peak,
                         f"{load_wall / got['raw'][0]:.2f}x raw load + query", ""))
            print(table(f"A copy of {size} statements with distinct IRIs, {args.runs} interleaved runs", rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
