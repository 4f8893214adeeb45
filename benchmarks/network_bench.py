"""Time `zkg network` on big copies of the real graph against raw pyoxigraph + networkx.

    python3 benchmarks/network_bench.py                          # 100 copies of graph/, 3 runs
    python3 benchmarks/network_bench.py --copies 100,1000 --runs 1
    python3 benchmarks/network_bench.py --against /tmp/old       # also the code of another checkout

A copy of the real graph with distinct IRIs is the real N-Quads with every ``ztd:`` IRI moved under
``ztd:c<i>/`` (graph names included), written ``--copies`` times into one ``graph/zhaotong.nq`` in a
temporary folder, with a manifest (sizes and sha256, as ``zkg build`` writes) and the ontology beside it.
Each question then runs as a command in a process of its own: ``zkg network …`` of this checkout, of
``--against OLD`` (another checkout's code, e.g. ``git worktree add /tmp/old main``, on the same
copy) and "raw": pyoxigraph loads the same file and the ontology, one query gives the typed nodes
with their kind and label, one the edges (the ``zt:networkEdge`` properties, ``zt:runBy`` reversed, posts), networkx gets them
with ``add_nodes_from``/``add_edges_from`` and answers (the floor: no quotes, figures or roles). Each
is run ``--runs`` times, interleaved; the median time and the largest peak memory (the child's
``ru_maxrss``) are printed with their ratios to raw. Betweenness is also timed with networkx and with
nx-parallel (``--backend parallel``) in one process on the same graph. The machine is shared: read the
ratios, not the times. Not a test.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg_build.manifest import MANIFEST, make_manifest, manifest_text  # noqa: E402
from zkg.prefixes import PREFIXES  # noqa: E402

ZTD = PREFIXES["ztd"]
#: The questions: name → (zkg network arguments, raw answer); {a} and {b} are the ends of the path
#: (IRIs of the last copy).
QUESTIONS = {
    "alliance-members": (["alliance-members", "-f", "csv"], "members"),
    "path": (["path", "{a}", "{b}", "-f", "csv"], "path"),
    "components": (["components", "-f", "csv"], "components"),
    "central (degree)": (["central", "--measure", "degree", "-k", "10", "-f", "csv"], "degree"),
    "central (betweenness)": (["central", "-k", "10", "-f", "csv"], "betweenness"),
}
PATH_ENDS = ("person/li-zhengxiang", "school/zhaotong-no1")

#: Raw pyoxigraph + networkx, in a child process: argv = graph file, ontology, answer, a, b.
RAW = r'''
import sys, networkx as nx, pyoxigraph as ox
path, onto, answer, a, b = sys.argv[1:6]
st = ox.Store()
st.bulk_load(path=path, format=ox.RdfFormat.N_QUADS)
st.bulk_load(path=onto, format=ox.RdfFormat.TURTLE)
P = """PREFIX zt: <https://w3id.org/zhaotong-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX org: <http://www.w3.org/ns/org#>"""
G = nx.MultiDiGraph()
G.add_nodes_from((s[0].value, {"kind": s[1].value, "label": s[2].value if s[2] else ""}) for s in st.query(P + """
SELECT ?n (MIN(?k) AS ?kind) (SAMPLE(?l) AS ?label) WHERE {
  ?n a ?c . ?c rdfs:subClassOf* ?kc . ?kc zt:networkKind ?k
  OPTIONAL { ?n rdfs:label ?l FILTER(LANG(?l) = "zh") } } GROUP BY ?n"""))
G.add_edges_from((s[0].value, s[2].value, s[1].value) for s in st.query(P + """
SELECT ?s ?e ?o WHERE {
  { ?p zt:networkEdge ?e . ?s ?p ?o FILTER(isIRI(?o)) }
  UNION { ?o zt:runBy ?s BIND("runs" AS ?e) }
  UNION { ?post org:heldBy ?s ; org:postIn ?o BIND("holds-post-at" AS ?e) } }""") if s[0].value in G and s[2].value in G)
if answer == "members":
    out = sorted((o, s) for s, o, k in G.edges(keys=True) if k == "member-of" and G.nodes[o]["kind"] == "alliance")
elif answer == "path":
    out = nx.shortest_path(G.to_undirected(as_view=True), a, b)
elif answer == "components":
    out = sorted(len(c) for c in nx.weakly_connected_components(G))
elif answer == "degree":
    out = sorted(nx.degree_centrality(nx.Graph(G.to_undirected(as_view=True))).values())[-10:]
else:
    U = nx.Graph(G.to_undirected(as_view=True))
    out = sorted(nx.betweenness_centrality(U, k=500 if len(U) > 2000 else None, seed=0).values())[-10:]
print(len(out), file=sys.stderr)
'''

#: Betweenness on networkx and on nx-parallel, the same call in one process: argv = graph folder.
BACKENDS = r'''
import sys, time
from zkg import network as net
G = net.load_network(sys.argv[1], sys.argv[2])
times, scores = {}, {}
for backend in ("networkx", "parallel"):
    t = time.perf_counter()
    scores[backend] = dict(net.most_central(G, None, len(G), backend=backend))
    times[backend] = time.perf_counter() - t
diff = max(abs(scores["networkx"][n] - scores["parallel"][n]) for n in scores["networkx"])
print(f"{len(G)} {times['networkx']:.3f} {times['parallel']:.3f} {diff:.2e}")
'''

#: Runs a command and prints its peak memory (KiB) on stderr's last line: one wrapper per run, so the
#: peak is that command's alone.
MEASURE = r'''
import resource, subprocess, sys, time
t = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
secs = time.perf_counter() - t
if done.returncode:
    sys.exit(f"failed ({done.returncode}): {' '.join(sys.argv[1:])}: {done.stderr.strip().splitlines()[-1:]}")
print(f"{secs} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}")
'''


def make_copies(source: Path, copies: int, into: Path) -> Path:
    """``copies`` copies of ``source``'s graph with distinct IRIs, as a graph folder beside an
    ontology folder in ``into``; returns the graph folder."""
    text = (source / "graph" / "zhaotong.nq").read_text(encoding="utf-8")
    manifest = json.loads((source / "graph" / MANIFEST).read_text(encoding="utf-8"))
    graph = into / "graph"
    graph.mkdir(parents=True)
    (into / "ontology").mkdir()
    shutil.copy(source / "ontology" / "zhaotong.ttl", into / "ontology" / "zhaotong.ttl")
    pattern = re.compile(re.escape("<" + ZTD))
    digest, size = hashlib.sha256(), 0
    with (graph / "zhaotong.nq").open("wb") as out:
        for i in range(copies):
            chunk = pattern.sub(f"<{ZTD}c{i}/", text).encode("utf-8")
            out.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    entry = make_manifest({}, triples=manifest["triples"] * copies, quads=manifest["quads"] * copies,
                          graphs=manifest["graphs"] * copies)
    entry["files"] = {"zhaotong.nq": {"bytes": size, "sha256": digest.hexdigest()}}
    (graph / MANIFEST).write_text(manifest_text(entry), encoding="utf-8")
    return graph


def measure(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(seconds, peak MB) of one run of ``argv``."""
    done = subprocess.run([sys.executable, "-c", MEASURE, *argv], capture_output=True, text=True,
                          env={**os.environ, **(env or {})})
    if done.returncode:
        raise SystemExit(done.stderr.strip())
    secs, kib = done.stdout.split()
    return float(secs), int(kib) / 1024


def sides(graph: Path, against: Path | None, question: str) -> dict[str, tuple[list[str], dict[str, str]]]:
    """The commands that answer ``question`` on ``graph``: raw, new (this checkout), old (--against)."""
    args, answer = QUESTIONS[question]
    last = graph.parent / "last-copy"
    a, b = (last.read_text().strip() + end for end in PATH_ENDS)
    onto = graph.parent / "ontology" / "zhaotong.ttl"
    zkg = ["network", "--graph-dir", str(graph), "--ontology", str(onto), *(x.format(a=a, b=b) for x in args)]
    out = {"raw": ([sys.executable, "-c", RAW, str(graph / "zhaotong.nq"), str(onto), answer, a, b], {}),
           "new": ([sys.executable, "-m", "zkg", *zkg], {"PYTHONPATH": str(ROOT)})}
    if against is not None:
        out["old"] = ([sys.executable, "-m", "zkg", *zkg], {"PYTHONPATH": str(against)})
    return out


def _cell(d: dict[str, float], side: str, fmt: str) -> str:
    return format(format(d[side], fmt) if side in d else "-", ">7")


def _ratio(d: dict[str, float], side: str) -> str:
    return format(f"{d[side] / d['raw']:.2f}" if side in d else "-", ">7")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", default="100", help="comma-separated numbers of copies (default 100)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each command (median time printed)")
    parser.add_argument("--against", type=Path, help="another checkout whose code is timed on the same copies")
    parser.add_argument("--questions", default=",".join(QUESTIONS),
                        help=f"comma-separated, of: {', '.join(QUESTIONS)}")
    parser.add_argument("--no-backends", action="store_true", help="skip networkx against nx-parallel")
    args = parser.parse_args()
    questions = [q for q in args.questions.split(",") if q]
    unknown = [q for q in questions if q not in QUESTIONS]
    if unknown:
        parser.error(f"unknown question(s) {', '.join(unknown)}; choose from {', '.join(QUESTIONS)}")
    head = (f"{'copies':>6} {'triples':>9} {'question':22} {'raw s':>7} {'new s':>7} {'old s':>7} {'new/raw':>7} "
            f"{'old/raw':>7} {'raw MB':>7} {'new MB':>7} {'old MB':>7} {'new/raw':>7} {'old/raw':>7}")
    for copies in (int(c) for c in args.copies.split(",")):
        with tempfile.TemporaryDirectory(prefix="network-bench-") as tmp:
            graph = make_copies(ROOT, copies, Path(tmp))
            (Path(tmp) / "last-copy").write_text(f"{ZTD}c{copies - 1}/")
            triples = json.loads((graph / MANIFEST).read_text())["triples"]
            print(f"{copies} copies: {triples} triples, {(graph / 'zhaotong.nq').stat().st_size / 1e6:.0f} MB of N-Quads",
                  file=sys.stderr)
            print(head)
            for question in questions:
                cmds = sides(graph, args.against, question)
                samples: dict[str, list[tuple[float, float]]] = {side: [] for side in cmds}
                for _ in range(args.runs):  # interleaved, so a busy moment hits every side
                    for side, (argv, env) in cmds.items():
                        samples[side].append(measure(argv, env))
                t = {s: statistics.median(x[0] for x in v) for s, v in samples.items()}
                m = {s: max(x[1] for x in v) for s, v in samples.items()}
                print(f"{copies:6d} {triples:9d} {question:22} " + " ".join(
                    [_cell(t, s, ".2f") for s in ("raw", "new", "old")] + [_ratio(t, s) for s in ("new", "old")]
                    + [_cell(m, s, ".0f") for s in ("raw", "new", "old")] + [_ratio(m, s) for s in ("new", "old")]),
                    flush=True)
            if not args.no_backends:
                done = subprocess.run([sys.executable, "-c", BACKENDS, str(graph), str(graph.parent / "ontology" / "zhaotong.ttl")],
                                      capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
                if done.returncode:
                    raise SystemExit(done.stderr.strip().splitlines()[-1])
                nodes, plain, par, diff = done.stdout.split()
                print(f"betweenness of every node, {nodes} nodes ({copies} copies): networkx {float(plain):.2f} s, "
                      f"nx-parallel {float(par):.2f} s on {os.cpu_count()} cores: {float(par) / float(plain):.2f}x; "
                      f"largest difference {diff}")


if __name__ == "__main__":
    main()
