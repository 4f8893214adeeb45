"""Render every page of the explorer on the embedded store and print the slowest ten.

    python3 benchmarks/explorer_pages.py              # graph/ of this checkout
    python3 benchmarks/explorer_pages.py --runs 3     # each page three times (the median is kept)

Every page (``/``, ``/article``, a search, and ``/id/…`` for every ``ztd:`` IRI of the graph) is
asked of the real front (Flask's test client, no network), after one warm-up request that reads
the names and the provenance the pages keep. Beside each page's time stands a raw baseline measured
in the same run: the one query that reads the thing's triples in and out (``?e ?p ?o`` ∪
``?s ?p ?e``) on the same store, so the ratio says what the page costs over reading its data. The
machine is shared: read the ratios and the order, not the milliseconds. Not a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zkg.catalogue import Catalogue  # noqa: E402
from zkg.explorer import Explorer  # noqa: E402
from zkg.explorer.web import entity_path  # noqa: E402
from zkg.prefixes import PREFIXES  # noqa: E402
from zkg.serve.front import create_app  # noqa: E402
from zkg.store import open_store  # noqa: E402

RAW = "SELECT ?s ?p ?o WHERE { { ?e ?p ?o BIND(?e AS ?s) } UNION { ?s ?p ?e BIND(?e AS ?o) } }"
THINGS = ("SELECT DISTINCT ?x WHERE { { ?x ?p ?o } UNION { ?s ?p ?x } "
          f"FILTER(isIRI(?x) && STRSTARTS(STR(?x), \"{PREFIXES['ztd']}\")) }}")


def _time(run, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", type=Path, default=ROOT / "graph")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()

    store = open_store(args.graph)
    app = create_app("http://127.0.0.1:9", explorer=Explorer(store, Catalogue([])))
    client = app.test_client()
    client.get("/")  # warm-up: names, provenance, home figures
    client.get("/id/school/zhaotong-no1")
    pages: list[tuple[str, str | None]] = [("/", None), ("/article", None),
                                           ("/search?q=" + urllib.parse.quote("一中"), None)]
    pages += [(entity_path(iri) or "", iri) for (iri,) in store.select(THINGS, max_rows=None).rows]
    rows = []
    for url, iri in pages:
        def get(url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        page = _time(get, args.runs)
        raw = _time(lambda iri=iri: store.select(RAW, {"e": iri}, max_rows=None), args.runs) if iri else None
        rows.append((page, raw, url))
    rows.sort(reverse=True)
    times = [r[0] for r in rows]
    print(f"{len(rows)} pages, {args.runs} run(s) each: median {statistics.median(times) * 1000:.0f} ms, "
          f"slowest {times[0] * 1000:.0f} ms, {sum(t > 0.2 for t in times)} over 200 ms")
    print(f"{'page ms':>8} {'raw ms':>7} {'ratio':>6}  page")
    for page, raw, url in rows[:args.top]:
        ratio = f"{page / raw:6.0f}" if raw else "     -"
        print(f"{page * 1000:8.1f} {raw * 1000 if raw else 0:7.1f} {ratio}  {urllib.parse.unquote(url)}")


if __name__ == "__main__":
    main()
