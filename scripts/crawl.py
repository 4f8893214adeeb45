"""Crawl every page of the explorer and print the slowest: ``zkg serve`` on the built graph (the
embedded store), every page reachable from ``/`` fetched once, broken links listed::

    python3 scripts/crawl.py                 # serve graph/ and crawl it
    python3 scripts/crawl.py --url http://127.0.0.1:7878     # crawl a server that runs already

The times are what one client waits for each page (render and transfer, on this machine, beside
whatever else runs on it): read them as a ranking, not as a benchmark.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from browser import Serve, crawl  # noqa: E402


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", help="base URL of a running zkg serve (default: start one on --graph-dir)")
    ap.add_argument("--graph-dir", type=Path, default=ROOT / "graph")
    ap.add_argument("--slowest", type=int, default=10)
    args = ap.parse_args(argv)
    server = None if args.url else Serve("--graph-dir", str(args.graph_dir))
    base = args.url.rstrip("/") if args.url else server.url
    try:
        done = crawl(base)
    finally:
        if server is not None:
            server.stop()
    kinds = collections.Counter(p.kind for p in done)
    print(f"{len(done)} URLs from {base}/: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    broken = [p for p in done if p.status != 200]
    for p in broken:
        print(f"BROKEN {p.status} {p.url} (linked from {p.linked_from})")
    pages = sorted((p for p in done if p.kind != "static"), key=lambda p: p.seconds, reverse=True)
    print(f"\nslowest {min(args.slowest, len(pages))} pages:")
    print(f"{'ms':>8}  {'kind':<10} url")
    for p in pages[:args.slowest]:
        print(f"{p.seconds * 1000:8.1f}  {p.kind:<10} {p.url[len(base):]}")
    if pages:
        times = sorted(p.seconds for p in pages)
        print(f"\nmedian {times[len(times) // 2] * 1000:.1f} ms over {len(pages)} pages; "
              f"{sum(t > 0.2 for t in times)} slower than 200 ms")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
