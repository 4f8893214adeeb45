"""Time every named question on the embedded pyoxigraph store against rdflib, on the real graph.

One warm-up run, then one timed run on each engine; prints a table. Not a test: times vary.

    python3 benchmarks/query_bench.py [GRAPH_DIR]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zkg.api import read_queries  # noqa: E402
from zkg.catalogue import Catalogue  # noqa: E402
from zkg.guard import prepare  # noqa: E402
from zkg.store import open_store  # noqa: E402


def main(graph_dir: Path) -> None:
    catalogue = Catalogue.from_texts(read_queries(ROOT / "queries"))
    stores = {}
    for engine in ("oxigraph", "rdflib"):
        start = time.perf_counter()
        stores[engine] = open_store(graph_dir, engine=engine)
        print(f"load {engine}: {time.perf_counter() - start:.3f} s, {stores[engine].triple_count()} triples")
    print(f"\n{'question':26} {'rows':>5} {'oxigraph ms':>12} {'rdflib ms':>10} {'ratio':>7}")
    totals = {"oxigraph": 0.0, "rdflib": 0.0}
    for q in catalogue:
        prepared, params = prepare(q.text), q.bind({})  # parsing is not timed
        times = {}
        for engine, store in stores.items():
            store.select(prepared, params)  # warm-up
            start = time.perf_counter()
            rows = len(store.select(prepared, params).rows)
            times[engine] = time.perf_counter() - start
            totals[engine] += times[engine]
        print(f"{q.name:26} {rows:5d} {times['oxigraph'] * 1000:12.2f} {times['rdflib'] * 1000:10.2f} "
              f"{times['rdflib'] / times['oxigraph']:7.1f}")
    print(f"{'total':26} {'':5} {totals['oxigraph'] * 1000:12.2f} {totals['rdflib'] * 1000:10.2f} "
          f"{totals['rdflib'] / totals['oxigraph']:7.1f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "graph")
