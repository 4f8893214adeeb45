"""Validation that scales: the build's checks against pyshacl and against the pyoxigraph floor.

    python3 benchmarks/build_bench.py                       # the real build, and copies of 100k and 1M triples
    python3 benchmarks/build_bench.py --sizes 100000 --pyshacl-max 100000

Two tables, each from one run (the machine is shared: read the ratios, not the times):

1. ``zkg build`` of the real graph (in process): the whole build with the new validation (SHACL
   compiled to SPARQL and the OWL checks, on pyoxigraph), the build without validation, and the
   build without validation followed by the old one (pyshacl on an rdflib graph, as before).
2. At each size, copies of the real default graph with distinct IRIs (``ztd:`` → ``ztd:c<k>/``; the
   ontology's terms and individuals are shared): the floor (pyoxigraph parses and serialises the same
   N-Triples), the new validation (load into a store with the ontology, SHACL, OWL) and pyshacl (up
   to ``--pyshacl-max`` triples: 107 s at 700k in issue 12). Each measurement runs in a process of its
   own, which reports its time and peak memory (ru_maxrss).
3. With ``--synth 100000 1000000``: ``zkg build --root`` of a synthetic province (``zkg synth``) of
   about that many triples, against the floor of ``benchmarks/scale.py`` (pyoxigraph parses the
   built N-Quads and writes them as N-Quads and TriG), each in a child process: wall and CPU
   seconds, peak memory (``os.wait4``), the ratios, and the build's own stages (``--timings``).
   ``--before DIR`` builds a copy of each province with the code of another checkout as well
   (``PYTHONPATH=DIR``, e.g. ``git worktree add DIR <commit>``), in the same run.

    python3 benchmarks/build_bench.py --no-real --sizes --synth 100000 1000000 --before /tmp/old

Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ZTD = "<https://w3id.org/zhaotong-kg/id/"


def _default_graph_lines() -> list[str]:
    """The real graph's default graph (the first lines of graph/zhaotong.nq: three terms each)."""
    import pyoxigraph as ox

    quads = ox.parse(path=str(ROOT / "graph" / "zhaotong.nq"), format=ox.RdfFormat.N_QUADS)
    return [f"{q.subject} {q.predicate} {q.object} .\n" for q in quads if q.graph_name == ox.DefaultGraph()]


def write_copies(lines: list[str], triples: int, path: Path) -> int:
    """Enough copies of ``lines`` with distinct data IRIs for about ``triples`` triples; their count."""
    copies = max(1, round(triples / len(lines)))
    with path.open("w", encoding="utf-8") as out:
        for k in range(copies):
            out.writelines(line.replace(ZTD, f"{ZTD}c{k}/") for line in lines)
    return copies * len(lines)


def child(what: str, path: str) -> dict:
    """One measurement in this process: seconds and peak memory."""
    import pyoxigraph as ox
    from rdflib import Graph

    start = time.perf_counter()
    if what == "floor":
        quads = ox.parse(path=path, format=ox.RdfFormat.N_TRIPLES)
        ox.serialize(quads, format=ox.RdfFormat.N_TRIPLES)
        extra = {}
    elif what == "sparql":
        from kg_build.validate import data_store, owl_problems, store_violations

        store = data_store(Path(path).read_bytes(), (ROOT / "ontology" / "zhaotong.ttl").read_bytes())
        loaded = time.perf_counter()
        shapes = Graph().parse(ROOT / "ontology" / "shapes.ttl", format="turtle")
        shacl = store_violations(store, shapes)
        checked = time.perf_counter()
        owl = owl_problems(store, Graph().parse(ROOT / "ontology" / "zhaotong.ttl", format="turtle"))
        extra = {"load": loaded - start, "shacl": checked - loaded, "owl": time.perf_counter() - checked,
                 "violations": len(shacl) + len(owl)}
    elif what == "pyshacl":
        from kg_build.validate import pyshacl_violations

        data = Graph().parse(path, format="nt")
        extra = {"violations": len(pyshacl_violations(
            data, Graph().parse(ROOT / "ontology" / "shapes.ttl", format="turtle"),
            Graph().parse(ROOT / "ontology" / "zhaotong.ttl", format="turtle")))}
    else:
        raise SystemExit(f"unknown measurement {what}")
    return {"seconds": time.perf_counter() - start, "mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            **extra}


def measure(what: str, path: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", what, str(path)], capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout.splitlines()[-1])


def real_build() -> None:
    from rdflib import Graph

    from kg_build.build import SHAPES, build
    from kg_build.validate import pyshacl_violations

    build(ROOT, shacl=False)  # warm the imports
    times: dict[str, float] = {}
    start = time.perf_counter()
    build(ROOT)
    times["build (new validation)"] = time.perf_counter() - start
    start = time.perf_counter()
    result = build(ROOT, shacl=False)
    times["build --no-shacl"] = time.perf_counter() - start
    pyshacl_violations(result.graph, Graph().parse(ROOT / SHAPES, format="turtle"), Graph().parse(
        ROOT / "ontology" / "zhaotong.ttl", format="turtle"))
    times["build --no-shacl + pyshacl (old validation)"] = time.perf_counter() - start
    base = times["build --no-shacl"]
    print(f"zkg build of the real graph ({result.summary['triples']} triples)")
    print(f"{'':46} {'seconds':>8} {'x --no-shacl':>13}")
    for name, seconds in times.items():
        print(f"{name:46} {seconds:8.2f} {seconds / base:13.2f}")
    new, old = times["build (new validation)"], times["build --no-shacl + pyshacl (old validation)"]
    print(f"old / new: {old / new:.1f}x\n")


def scaled(sizes: list[int], pyshacl_max: int) -> None:
    lines = _default_graph_lines()
    print("validation of copies of the real graph (each in its own process)")
    print(f"{'triples':>9} {'floor s':>8} {'new s':>7} {'x floor':>8} {'load':>6} {'shacl':>6} {'owl':>6} "
          f"{'new MB':>7} {'floor MB':>8} {'pyshacl s':>9} {'x new':>6} {'pyshacl MB':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            path = Path(tmp) / f"copies-{size}.nt"
            n = write_copies(lines, size, path)
            floor, new = measure("floor", path), measure("sparql", path)
            old = measure("pyshacl", path) if n <= pyshacl_max else None
            assert new["violations"] == 0 and (old is None or old["violations"] == 0)
            print(f"{n:9d} {floor['seconds']:8.2f} {new['seconds']:7.2f} {new['seconds'] / floor['seconds']:8.2f} "
                  f"{new['load']:6.2f} {new['shacl']:6.2f} {new['owl']:6.2f} {new['mb']:7.0f} {floor['mb']:8.0f} "
                  + (f"{old['seconds']:9.2f} {old['seconds'] / new['seconds']:6.1f} {old['mb']:10.0f}" if old else
                     f"{'-':>9} {'-':>6} {'-':>10}"), flush=True)
            path.unlink()


def _reaped(cmd: list[str], cwd: str, env: dict | None = None) -> dict:
    """Run ``cmd`` in ``cwd`` (not this checkout: ``python -m`` puts the working folder first on the
    path) to its end: wall and CPU seconds, peak memory (MiB) and stderr; fails loudly."""
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, cwd=cwd,
                                env={**os.environ, **(env or {})})
        _, code, usage = os.wait4(proc.pid, 0)
        err.seek(0)
        text = err.read()
    if os.waitstatus_to_exitcode(code) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {text.strip().splitlines()[-1:] or code}")
    return {"seconds": time.perf_counter() - start, "cpu": usage.ru_utime + usage.ru_stime,
            "mb": usage.ru_maxrss / 1024, "stderr": text}


def synthetic(sizes: list[int], before: Path | None) -> None:
    """``zkg build --root`` of synthetic provinces against the pyoxigraph floor (see the docstring)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from scale import FLOOR_BUILD  # the floor the README's table uses

    from kg_build.synth import TRIPLES_PER_SCHOOL

    print("zkg build --root of a synthetic province against the floor (parse the N-Quads, write N-Quads and TriG)")
    print(f"{'triples':>9} {'code':>7} {'wall s':>7} {'cpu s':>7} {'MB':>6} {'floor s':>7} {'floor cpu':>9} "
          f"{'floor MB':>8} {'x wall':>6} {'x cpu':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            project = Path(tmp) / "now"
            schools = str(max(1, round(size / TRIPLES_PER_SCHOOL)))
            subprocess.run([sys.executable, "-m", "zkg", "synth", "--schools", schools, "--out", str(project)],
                           check=True, capture_output=True)
            runs = {}
            if before is not None:
                shutil.copytree(project, Path(tmp) / "before")
                runs["before"] = _reaped([sys.executable, "-m", "zkg", "build", "--root", str(Path(tmp) / "before")],
                                         tmp, {"PYTHONPATH": str(before.resolve())})
            runs["now"] = _reaped([sys.executable, "-m", "zkg", "build", "--root", str(project), "--timings"], tmp)
            graph = project / "graph"
            triples = json.loads((graph / "manifest.json").read_text())["triples"]
            if before is not None:
                for name in ("zhaotong.trig", "zhaotong.nq", "manifest.json"):
                    same = (graph / name).read_bytes() == (Path(tmp) / "before" / "graph" / name).read_bytes()
                    print(f"{'':9} {name} {'identical' if same else 'DIFFERS'} before and now")
            floor = _reaped([sys.executable, "-c", FLOOR_BUILD, str(graph / "zhaotong.nq"), str(Path(tmp) / "floor")], tmp)
            for code, r in runs.items():
                print(f"{triples:9d} {code:>7} {r['seconds']:7.2f} {r['cpu']:7.2f} {r['mb']:6.0f} {floor['seconds']:7.2f} "
                      f"{floor['cpu']:9.2f} {floor['mb']:8.0f} {r['seconds'] / floor['seconds']:6.2f} "
                      f"{r['cpu'] / floor['cpu']:6.2f}", flush=True)
            for line in runs["now"]["stderr"].splitlines():
                if line.startswith("time:"):
                    print(f"{'':17} {line}")
            shutil.rmtree(tmp, ignore_errors=True)
            Path(tmp).mkdir()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--pyshacl-max", type=int, default=150_000, help="largest copy pyshacl is run on")
    parser.add_argument("--no-real", action="store_true", help="skip the build of the real graph")
    parser.add_argument("--synth", type=int, nargs="*", default=[], help="sizes of synthetic provinces to build")
    parser.add_argument("--before", type=Path, help="a checkout of older code to build the provinces with too")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    if not args.no_real:
        real_build()
    if args.sizes:
        scaled(args.sizes, args.pyshacl_max)
    if args.synth:
        synthetic(args.synth, args.before)


if __name__ == "__main__":
    main()
