"""Time and page size: our writer (zkg.viz.render_html) against pyvis's own from_nx + generate_html.

Both run in the same process on the same graphs: the real graph (graph/zhaotong.nq, if built;
every view) and synthetic graphs shaped like a projection (default 50,000 nodes, seeded).
Prints a table; writes nothing.

    python3 benchmarks/viz_bench.py                  # real graph + 50,000 synthetic nodes
    python3 benchmarks/viz_bench.py --sizes 1000,10000 --seed 3
    python3 benchmarks/viz_bench.py --no-pyvis       # ours only (pyvis takes minutes at 50k)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import networkx as nx  # noqa: E402

from zkg import network as net  # noqa: E402
from zkg.table import width  # noqa: E402
from zkg.viz import render_html  # noqa: E402


def pyvis_page(G: nx.MultiDiGraph) -> str:
    """pyvis's documented path: Network(cdn_resources="in_line").from_nx(G).generate_html()."""
    from pyvis.network import Network

    P = nx.MultiDiGraph()
    for n, d in G.nodes(data=True):
        title = d["label_en"] + "".join(f"\n{f['indicator_zh']} {f['as_stated']}" for f in d.get("figures", []))
        P.add_node(n, label=d["label_zh"], group=d["kind"], title=title)
    for s, o, k in G.edges(keys=True):
        P.add_edge(s, o, label=k)
    page = Network(height="800px", width="100%", directed=True, cdn_resources="in_line")
    page.from_nx(P)
    return page.generate_html()


def timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="50000", help="comma-separated synthetic node counts")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-pyvis", action="store_true", help="skip pyvis's own path")
    args = ap.parse_args()

    cases: list[tuple[str, nx.MultiDiGraph, str]] = []
    real = ROOT / "graph" / "zhaotong.nq"
    if real.is_file():
        G, secs = timed(net.load_network, ROOT / "graph", ROOT / "ontology" / "zhaotong.ttl")
        print(f"projected {real.relative_to(ROOT)}: {G.number_of_nodes()} nodes, "
              f"{G.number_of_edges()} edges in {secs:.3f} s", file=sys.stderr)
        for v in ("school-network", "all"):
            cases.append((f"real graph, view {v}", net.view(G, v), v))
    else:
        print("graph/zhaotong.nq not built: run `zkg build` for the real-graph rows", file=sys.stderr)
    for n in (int(s) for s in args.sizes.split(",") if s):
        G, secs = timed(net.synthetic, n, args.seed)
        print(f"generated synthetic({n}, seed={args.seed}) in {secs:.2f} s", file=sys.stderr)
        cases.append((f"synthetic {n:,} (seed {args.seed})", G, "all"))

    warm = net.synthetic(10, 0)  # read the vis-network assets and pyvis's templates once, untimed
    render_html(warm, "all", 0)
    if not args.no_pyvis:
        pyvis_page(warm)

    head = ("graph", "nodes", "edges", "writer", "seconds", "page MB", "physics")
    rows = []
    for name, G, v in cases:
        page, secs = timed(render_html, G, "all", args.seed)
        large = '"large":true' in page
        rows.append((name, G.number_of_nodes(), G.number_of_edges(), "zkg.viz", f"{secs:.3f}",
                     f"{len(page.encode('utf-8')) / 1e6:.2f}", "off, precomputed" if large else "settles, stops"))
        print(f"  {name}: zkg.viz {secs:.3f} s", file=sys.stderr)
        if not args.no_pyvis:
            page, secs = timed(pyvis_page, G)
            rows.append((name, G.number_of_nodes(), G.number_of_edges(), "pyvis from_nx", f"{secs:.3f}",
                         f"{len(page.encode('utf-8')) / 1e6:.2f}", "always on"))
            print(f"  {name}: pyvis {secs:.3f} s", file=sys.stderr)
    table = [tuple(str(c) for c in head)] + [tuple(str(c) for c in r) for r in rows]
    sizes = [max(width(r[i]) for r in table) for i in range(len(head))]
    for i, r in enumerate(table):
        print("  ".join(c + " " * (s - width(c)) for c, s in zip(r, sizes)).rstrip())
        if i == 0:
            print("  ".join("-" * s for s in sizes))


if __name__ == "__main__":
    main()
