"""Time every named question, on one checkout's graph or on two side by side.

    python3 benchmarks/query_bench.py                       # pyoxigraph against rdflib on graph/
    python3 benchmarks/query_bench.py --against OLD --runs 5  # this checkout against another one

``OLD`` is another checkout of the project (e.g. ``git worktree add /tmp/old <commit>``): its
``graph/``, ``queries/`` and ``ontology/`` are timed with this checkout's code, question by question
(the questions of the same name), so a change of the graph's shape is measured apart from code
changes. Each question runs once to warm up, then ``--runs`` times, the two sides interleaved, and
the median is printed. The machine is shared: read the ratios, not the times. Not a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg_build.manifest import read_manifest  # noqa: E402
from zkg.api import read_queries  # noqa: E402
from zkg.catalogue import Catalogue  # noqa: E402
from zkg.guard import prepare  # noqa: E402
from zkg.store import open_store  # noqa: E402


def _open(checkout: Path, engine: str):
    start = time.perf_counter()
    store = open_store(checkout / "graph", engine=engine, ontology=checkout / "ontology" / "zhaotong.ttl")
    return store, time.perf_counter() - start


def _size(checkout: Path) -> str:
    manifest = read_manifest(checkout / "graph")
    files = ", ".join(f"{name} {entry['bytes'] / 1e6:.2f} MB" for name, entry in manifest["files"].items())
    quads = f", {manifest['quads']} quads in {manifest['graphs']} named graphs" if "quads" in manifest else ""
    return f"{manifest['triples']} triples{quads}; {files}"


def _time(store, text: str, params: dict, runs: int) -> tuple[int, list[float]]:
    prepared = prepare(text)
    rows = len(store.select(prepared, params, timeout=None).rows)  # warm-up; parsing is not timed
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        store.select(prepared, params, timeout=None)
        times.append(time.perf_counter() - start)
    return rows, times


def engines(checkout: Path, runs: int) -> None:
    """pyoxigraph against rdflib on one checkout."""
    catalogue = Catalogue.from_texts(read_queries(checkout / "queries"))
    print(_size(checkout))
    stores = {}
    for engine in ("oxigraph", "rdflib"):
        stores[engine], took = _open(checkout, engine)
        print(f"load {engine}: {took:.3f} s, {stores[engine].triple_count()} triples in the default graph")
    print(f"\n{'question':26} {'rows':>5} {'oxigraph ms':>12} {'rdflib ms':>10} {'ratio':>7}")
    totals = {"oxigraph": 0.0, "rdflib": 0.0}
    for q in catalogue:
        med = {}
        for engine, store in stores.items():
            rows, times = _time(store, q.text, q.bind({}), runs)
            med[engine] = statistics.median(times)
            totals[engine] += med[engine]
        print(f"{q.name:26} {rows:5d} {med['oxigraph'] * 1000:12.2f} {med['rdflib'] * 1000:10.2f} "
              f"{med['rdflib'] / med['oxigraph']:7.1f}")
    print(f"{'total':26} {'':5} {totals['oxigraph'] * 1000:12.2f} {totals['rdflib'] * 1000:10.2f} "
          f"{totals['rdflib'] / totals['oxigraph']:7.1f}")


def against(new: Path, old: Path, runs: int, engine_names: list[str]) -> None:
    """Every question of the same name on two checkouts' graphs, same code, per engine."""
    print(f"new {new}: {_size(new)}\nold {old}: {_size(old)}")
    cats = {"new": Catalogue.from_texts(read_queries(new / "queries")),
            "old": Catalogue.from_texts(read_queries(old / "queries"))}
    names = [q.name for q in cats["new"] if q.name in {o.name for o in cats["old"]}]
    for engine in engine_names:
        stores = {}
        for side, checkout in (("new", new), ("old", old)):
            stores[side], took = _open(checkout, engine)
            print(f"{engine}: load {side} {took:.3f} s, {stores[side].triple_count()} triples in the default graph")
        print(f"\n{engine:10} {'question':26} {'rows old':>8} {'rows new':>8} {'old ms':>9} {'new ms':>9} {'new/old':>8}")
        totals = {"new": 0.0, "old": 0.0}
        for name in names:
            q = {side: cats[side].get(name) for side in cats}
            samples: dict[str, list[float]] = {"new": [], "old": []}
            rows = {}
            for _ in range(runs):  # interleaved, so a busy moment hits both sides
                for side in ("old", "new"):
                    n, times = _time(stores[side], q[side].text, q[side].bind({}), 1)
                    rows[side] = n
                    samples[side] += times
            med = {side: statistics.median(samples[side]) for side in samples}
            totals["new"] += med["new"]
            totals["old"] += med["old"]
            print(f"{engine:10} {name:26} {rows['old']:8d} {rows['new']:8d} {med['old'] * 1000:9.2f} "
                  f"{med['new'] * 1000:9.2f} {med['new'] / med['old']:8.2f}")
        print(f"{engine:10} {'total':26} {'':8} {'':8} {totals['old'] * 1000:9.2f} {totals['new'] * 1000:9.2f} "
              f"{totals['new'] / totals['old']:8.2f}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkout", type=Path, default=ROOT, help="the checkout to time (default: this one)")
    parser.add_argument("--against", type=Path, help="another checkout, timed side by side with the same code")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per question (median printed)")
    parser.add_argument("--engine", action="append", choices=("oxigraph", "rdflib"),
                        help="with --against: the engine(s) to time (default: both)")
    args = parser.parse_args()
    if args.against:
        against(args.checkout, args.against, args.runs, args.engine or ["oxigraph", "rdflib"])
    else:
        engines(args.checkout, args.runs)


if __name__ == "__main__":
    main()
