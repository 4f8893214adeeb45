"""From one page to a province (issue 12): build and measure a synthetic province at several sizes,
each measure beside its floor measured in the same run on the same data.

    python3 benchmarks/scale.py --sizes 10k,100k,1M,10M --out bench-out [--runs 1] [--rdflib-cap 60] [--rdflib-max 100k]

For each size (triples, about; ``kg_build.synth`` turns it into schools): ``zkg synth``; ``zkg
build --root`` (validation included) against the pyoxigraph floor (parse the built N-Quads, write
them as N-Quads and TriG); a cold ``zkg query alliance-members`` against ``python -c "import
pyoxigraph"``; every named question in one process (``zkg.api.open_graph``) against raw pyoxigraph
on the same store (the one zkg used: in memory for a small graph, the on-disk store read-only for a
large one; beside it, when on disk, raw on disk against raw in memory), and on ``--engine rdflib``
up to ``--rdflib-max`` triples (each question capped at ``--rdflib-cap`` seconds: ``>cap``; a capped
question does not end the process, rdflib's worker is stopped; above the size: ``not run above
N``); the ``zkg network`` answers against raw pyoxigraph + networkx on the same persistent store (opened
read-only, as ``zkg`` opens it; the same rows, from one to three queries and networkx; the note
gives the rows of each); ``zkg viz``; ``zkg push`` to a fresh Oxigraph server against ``curl`` POST of the same file to another
fresh one, and ``oxigraph load``. Every step runs in a child process, timed by wall clock, its peak
memory read from ``os.wait4``; a step that fails or passes ``--step-timeout`` is recorded so and the
run goes on. Prints a table, writes ``DIR/scale.csv`` and ``DIR/scale.png`` (time against triples,
log-log, one line per measure, dashed: the floors).

Questions whose default parameter names a thing of the real article get a synthetic one
(``SYNTH_PARAMS``); a question that finds nothing in a synthetic province (it has no finance,
housing, festival or other reports) still runs, and its note says ``0 rows``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg_build.synth import TRIPLES_PER_SCHOOL, expected_triples, plan  # noqa: E402

PY = sys.executable
BIN = Path(PY).parent
COLUMNS = ("size", "triples", "measure", "seconds", "cpu_seconds", "peak_mib", "status", "floor", "floor_seconds",
           "floor_cpu_seconds", "floor_peak_mib", "ratio", "cpu_ratio", "note")
# Synthetic things in place of the real article's defaults (county 990101's first school, ...).
SYNTH_PARAMS = {
    "entity-facts": {"entity": "https://w3id.org/zhaotong-kg/id/school/990101-001"},
    "fact-words": {"fact": "https://w3id.org/zhaotong-kg/id/fact/fig-990101-001-students"},
    "indicator-series": {"indicator": "https://w3id.org/zhaotong-kg/id/indicator/students"},
    "indicators-2022-2025": {"about": "https://w3id.org/zhaotong-kg/id/division/990101"},
    "triple-support": {"subject": "https://w3id.org/zhaotong-kg/id/school/990101-001"},
}
NETWORK = ("alliance-members", "alliance-leaders", "alliance-counties", "schools-per-county", "components")


@dataclass
class Run:
    """One child process (or one question in it): wall seconds, peak resident memory (MiB), how it
    ended, and CPU seconds (user + system, all threads: on a shared machine the steadier figure)."""

    seconds: float
    peak_mib: float
    status: str = "ok"
    out: str = ""
    note: str = ""
    cpu: float = float("nan")


class Timer:
    """Runs a step ``runs`` times: best time, largest peak memory."""

    def __init__(self, runs: int, timeout: float):
        self.runs, self.timeout = runs, timeout

    def __call__(self, cmd: list[str], cwd: Path, **kw) -> Run:
        best: Run | None = None
        for _ in range(self.runs):
            r = self.once(cmd, cwd, **kw)
            if r.status != "ok":
                return r
            if best is None or r.seconds < best.seconds:
                best = Run(r.seconds, max(r.peak_mib, best.peak_mib if best else 0), r.status, r.out, r.note, r.cpu)
        assert best is not None
        return best

    def once(self, cmd: list[str], cwd: Path, **kw) -> Run:
        """One run (for steps that change state: synth, push)."""
        return _run_reaped(cmd, cwd=cwd, timeout=self.timeout, **kw)


def _run_reaped(cmd: list[str], *, cwd: Path, timeout: float, stdout=subprocess.PIPE,
                env: dict | None = None) -> Run:
    """Run ``cmd``: its wall time, its own peak memory (reaped with ``os.wait4``), or why it failed."""
    start = time.perf_counter()
    out_file = tempfile.TemporaryFile(mode="w+", encoding="utf-8") if stdout is subprocess.PIPE else stdout
    err_file = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=out_file, stderr=err_file, env={**os.environ, **(env or {})})
    status = "ok"
    deadline = start + timeout
    while True:
        pid, code, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, code, usage = os.wait4(proc.pid, 0)
            status = f">{timeout:g}s"
            break
        time.sleep(0.005)
    proc.returncode = os.waitstatus_to_exitcode(code)
    seconds = time.perf_counter() - start
    err_file.seek(0)
    err = err_file.read()
    out = ""
    if stdout is subprocess.PIPE:
        out_file.seek(0)
        out = out_file.read()
    peak = usage.ru_maxrss / 1024
    note = ""
    if status == "ok" and proc.returncode != 0:
        status = "killed (memory?)" if proc.returncode < 0 else f"failed (exit {proc.returncode})"
        lines = err.strip().splitlines()
        note = lines[-1][:200] if lines else ""
    return Run(seconds, peak, status, out, note, usage.ru_utime + usage.ru_stime)


# --- child programs (run as `python -c`), each printing JSON ---

FLOOR_BUILD = """
import sys, pyoxigraph as ox
quads = list(ox.parse(path=sys.argv[1], format=ox.RdfFormat.N_QUADS))
ox.serialize(quads, sys.argv[2] + ".nq", ox.RdfFormat.N_QUADS)
ox.serialize(quads, sys.argv[2] + ".trig", ox.RdfFormat.TRIG)
"""

QUESTIONS = """
import json, os, sys, threading, time
from zkg.api import open_graph
from zkg.errors import QueryTimeout
from zkg.persistent import STORE_DIR, read_current
graph_dir, engine, cap, params = sys.argv[1], sys.argv[2], float(sys.argv[3]), json.loads(sys.argv[4])
t, c = time.perf_counter(), time.process_time()
g = open_graph(graph_dir, engine=engine, timeout=cap, queries=sys.argv[5])
how = getattr(g.store, "how", "memory")
current = read_current(graph_dir) if how in ("store", "rebuilt") else None
where = os.path.join(graph_dir, STORE_DIR, current["db"]) if current else "memory"
print(json.dumps({"name": "open", "seconds": time.perf_counter() - t, "cpu": time.process_time() - c,
                  "store": where}), flush=True)


def busy():
    return [w for w in threading.enumerate() if w.name == "zkg-query"]


for name in json.loads(sys.argv[6]):
    t, c = time.perf_counter(), time.process_time()
    try:
        rows = len(g.result(name, **params.get(name, {})).rows)
        print(json.dumps({"name": name, "seconds": time.perf_counter() - t, "cpu": time.process_time() - c,
                          "rows": rows}), flush=True)
    except QueryTimeout as exc:
        print(json.dumps({"name": name, "seconds": time.perf_counter() - t, "timeout": True,
                          "error": str(exc).splitlines()[0][:150]}), flush=True)
        # rdflib's worker is stopped (it evaluates in Python): go on in this process, no reload.
        # Oxigraph's runs on in Rust, keeping a core busy: end here, the parent starts afresh.
        for _ in range(100):
            if not busy():
                break
            time.sleep(0.1)
        if busy():
            os._exit(3)
    except Exception as exc:
        print(json.dumps({"name": name, "seconds": time.perf_counter() - t, "error": str(exc).splitlines()[0][:150]}), flush=True)
"""

#: Raw pyoxigraph: the store zkg used (argv[4]: the on-disk store's folder, opened read-only as zkg
#: opens it, or "memory": the graph file and the ontology bulk-loaded in memory), then every
#: question with pyoxigraph's own substitutions.
RAW_QUESTIONS = """
import json, sys, time, pathlib
import pyoxigraph as ox
graph_dir, ontology, params, folder, where = (sys.argv[1], sys.argv[2], json.loads(sys.argv[3]),
                                              pathlib.Path(sys.argv[4]), sys.argv[5])
t, c = time.perf_counter(), time.process_time()
if where == "memory":
    store = ox.Store()
    store.bulk_load(path=graph_dir + "/zhaotong.nq", format=ox.RdfFormat.N_QUADS)
    onto = ox.NamedNode("https://w3id.org/zhaotong-kg/ontology")
    store.bulk_load(path=ontology, format=ox.RdfFormat.TURTLE)
    store.bulk_load(path=ontology, format=ox.RdfFormat.TURTLE, to_graph=onto)
else:
    store = ox.Store.read_only(where)
print(json.dumps({"name": "open", "seconds": time.perf_counter() - t, "cpu": time.process_time() - c}), flush=True)
for name in json.loads(sys.argv[6]):
    text = (folder / (name + ".rq")).read_text(encoding="utf-8")
    subs = {ox.Variable(k): ox.NamedNode(v) for k, v in params.get(name, {}).items()}
    t, c = time.perf_counter(), time.process_time()
    rows = len(list(store.query(text, substitutions=subs)))
    print(json.dumps({"name": name, "seconds": time.perf_counter() - t, "cpu": time.process_time() - c,
                      "rows": rows}), flush=True)
"""

RAW_NETWORK = """
import sys, json, pathlib, pyoxigraph as ox, networkx as nx
graph, answer = pathlib.Path(sys.argv[1]), sys.argv[2]
st = ox.Store.read_only(str(graph / ".store" / json.loads((graph / ".store" / "current.json").read_text())["db"]))
P = '''PREFIX zt: <https://w3id.org/zhaotong-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX org: <http://www.w3.org/ns/org#>
'''
def q(text):
    return [tuple(None if t is None else t.value for t in s) for s in st.query(P + text)]
def zh(v):
    return f'OPTIONAL {{ {v} rdfs:label {v}l FILTER(LANG({v}l) = "zh") }}'
G = nx.DiGraph()
if answer in ("alliance-members", "alliance-leaders", "alliance-counties"):
    pattern = {"alliance-members": "?s org:memberOf ?a . ?a a zt:TeachingResearchAlliance",
               "alliance-leaders": "?s zt:leads ?a", "alliance-counties": "?a zt:covers ?s"}[answer]
    role = ("OPTIONAL { ?m org:member ?s ; org:organization ?a ; org:role ?r . ?r rdfs:label ?rl FILTER(LANG(?rl) = 'zh') }"
            if answer == "alliance-members" else "")
    rows = q(f"SELECT ?a ?s ?al ?sl ?rl WHERE {{ {pattern} {zh('?a')} {zh('?s')} {role} }}")
    G.add_edges_from((a, s, {"row": r}) for a, s, *r in rows)
    out = [(a, s, *G[a][s]["row"]) for a in sorted(G) for s in sorted(G.successors(a))]
elif answer == "schools-per-county":
    G.add_edges_from((o, s) for s, o in q("SELECT ?s ?o WHERE { { ?s zt:locatedIn ?o } UNION { ?s zt:partOf ?o } }"))
    schools = {s for s, in q("SELECT DISTINCT ?s WHERE { ?s a/rdfs:subClassOf* zt:School }")}
    counties = q("SELECT ?c ?cl WHERE { VALUES ?t { zt:District zt:County zt:CountyLevelCity } ?c a ?t "
                 + zh("?c") + " }")
    out = [(c, s) for c, _ in sorted(counties) if c in G for s in sorted(nx.descendants(G, c) & schools)]
else:  # components: the typed nodes and the network's edges
    kind = dict(q("SELECT ?n (SAMPLE(?l) AS ?label) WHERE { ?n a ?c . ?c rdfs:subClassOf* ?kc . ?kc zt:networkKind ?k "
                  "OPTIONAL { ?n rdfs:label ?l FILTER(LANG(?l) = 'zh') } } GROUP BY ?n"))
    G.add_nodes_from(kind)
    G.add_edges_from((s, o) for s, o in q('''SELECT ?s ?o WHERE {
      { ?p zt:networkEdge ?e . ?s ?p ?o FILTER(isIRI(?o)) } UNION { ?o zt:runBy ?s }
      UNION { ?post org:heldBy ?s ; org:postIn ?o } }''') if s in kind and o in kind)
    out = sorted((sorted(c) for c in nx.weakly_connected_components(G)), key=lambda c: (-len(c), c[0]))
    out = [(len(c), "、".join(kind[n] or n for n in c[:4])) for c in out]
print(len(out))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _oxigraph_server(location: Path) -> tuple[subprocess.Popen, str]:
    """A fresh, writable Oxigraph server on a free port; its base URL once it answers."""
    port = _free_port()
    proc = subprocess.Popen([str(BIN / "oxigraph"), "serve", "--location", str(location), "--bind",
                             f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(400):
        try:
            urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=1).read()
            return proc, url
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"oxigraph serve exited with {proc.returncode}") from None
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("oxigraph serve did not answer within 20 s")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@dataclass
class Table:
    """The rows of the run, printed as they come and written as CSV."""

    rows: list[dict] = field(default_factory=list)

    def add(self, size: str, triples: int, measure: str, r: Run | None, floor: str = "", f: Run | None = None,
            note: str = "") -> None:
        row = {"size": size, "triples": triples, "measure": measure,
               "seconds": f"{r.seconds:.4f}" if r and r.status == "ok" else "",
               "cpu_seconds": f"{r.cpu:.4f}" if r and r.status == "ok" and r.cpu == r.cpu else "",
               "peak_mib": f"{r.peak_mib:.0f}" if r and r.peak_mib == r.peak_mib else "",
               "status": r.status if r else "skipped", "floor": floor,
               "floor_seconds": f"{f.seconds:.4f}" if f and f.status == "ok" else "",
               "floor_cpu_seconds": f"{f.cpu:.4f}" if f and f.status == "ok" and f.cpu == f.cpu else "",
               "floor_peak_mib": f"{f.peak_mib:.0f}" if f and f.peak_mib == f.peak_mib else "",
               "ratio": f"{r.seconds / f.seconds:.2f}" if r and f and r.status == f.status == "ok" and f.seconds > 0
               else "",
               "cpu_ratio": f"{r.cpu / f.cpu:.2f}" if r and f and r.status == f.status == "ok" and f.cpu > 0
               and r.cpu == r.cpu else "", "note": "; ".join(x for x in (note, r.note if r else "", f.note if f and f.status != "ok"
                                                       else "") if x)}
        if f and f.status != "ok":
            row["note"] = f"floor {f.status}; " + row["note"]
        self.rows.append(row)
        print(f"{size:>5} {measure:<34} {row['seconds'] or row['status']:>10} s {row['peak_mib']:>6} MiB  "
              f"{floor[:28]:<28} {row['floor_seconds']:>9} {row['ratio'] + 'x' if row['ratio'] else '':>8} {row['cpu_ratio'] + 'x' if row['cpu_ratio'] else '':>8}  "
              f"{row['note'][:50]}", flush=True)

    def write(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, COLUMNS)
            w.writeheader()
            w.writerows(self.rows)


def parse_size(text: str) -> int:
    """``10k`` → 10000, ``1M`` → 1000000, ``2500`` → 2500."""
    text = text.strip()
    scale = {"k": 10 ** 3, "K": 10 ** 3, "M": 10 ** 6, "m": 10 ** 6, "G": 10 ** 9}.get(text[-1:], 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def _lines(out: str) -> dict[str, dict]:
    return {d["name"]: d for d in (json.loads(x) for x in out.splitlines() if x.startswith("{"))}


def measure_size(label: str, work: Path, table: Table, time_it: Timer, args) -> None:
    """Every measure at one size (``label``, e.g. 100k), in ``work``."""
    schools = max(1, round(parse_size(label) / TRIPLES_PER_SCHOOL))
    p = plan(schools, args.seed)
    project, graph = work / "project", work / "project" / "graph"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    zkg = [PY, "-m", "zkg"]
    synth = time_it.once([*zkg, "synth", "--schools", str(schools), "--out", str(project), "--seed", str(args.seed)],
                         work)
    triples = expected_triples(p)
    r = time_it([*zkg, "build", "--root", str(project)], project) if synth.status == "ok" else None
    if r and r.status == "ok":
        triples = json.loads((graph / "manifest.json").read_text())["triples"]
    table.add(label, triples, "synth", synth, note=f"{schools} schools, expected {expected_triples(p)} triples")
    if r is None:
        return
    f = time_it([PY, "-c", FLOOR_BUILD, str(graph / "zhaotong.nq"), str(work / "floor")], work) \
        if r.status == "ok" else None
    table.add(label, triples, "build (validation included)", r, "pyoxigraph parse+serialise nq,trig", f,
              note=f"{triples / schools:.1f} triples a school")
    if r.status != "ok":
        return
    f = time_it([PY, "-c", "import pyoxigraph"], work)
    r = time_it([*zkg, "query", "alliance-members", "--graph-dir", str(graph), "-f", "csv", "--max-rows", "0"],
                project)
    table.add(label, triples, "cold zkg query alliance-members", r, "python -c 'import pyoxigraph'", f)
    _questions(label, triples, project, graph, table, args)
    for answer in NETWORK:
        r = time_it([*zkg, "network", "--graph-dir", str(graph), answer, "-f", "csv"], project)
        f = time_it([PY, "-c", RAW_NETWORK, str(graph), answer], project)
        rows = (len([x for x in r.out.splitlines() if x]) - 1, int(f.out.strip() or -1)) \
            if r.status == f.status == "ok" else None
        table.add(label, triples, f"zkg network {answer}", r, "raw pyoxigraph + networkx, same store", f,
                  note=(f"{rows[0]} rows" + ("" if rows[0] == rows[1] else f", raw {rows[1]}")) if rows else "")
    r = time_it([*zkg, "viz", "--graph-dir", str(graph), "-o", str(work / "viz.html")], project)
    table.add(label, triples, "zkg viz", r)
    _push(label, triples, work, graph, table, time_it)


def _questions(label: str, triples: int, project: Path, graph: Path, table: Table, args) -> None:
    """Every named question in one process: zkg (``open_graph``, oxigraph), raw pyoxigraph on the
    same store (the on-disk one read-only, or in memory: whichever zkg used), raw pyoxigraph in
    memory when zkg used the on-disk store (what that store costs), and zkg --engine rdflib up to
    ``--rdflib-max`` triples (above: "not run")."""
    queries = ROOT / "queries"
    names = sorted(q.stem for q in queries.glob("*.rq"))
    params = json.dumps(SYNTH_PARAMS)
    limit = args.step_timeout
    ontology = str(project / "ontology" / "zhaotong.ttl")
    zr, zkg = _all_questions([PY, "-c", QUESTIONS, str(graph), "oxigraph", str(limit), params, str(queries)], names,
                             project, limit)
    where = (zkg.get("open") or {}).get("store", "memory")
    raw_cmd = [PY, "-c", RAW_QUESTIONS, str(graph), ontology, params, str(queries)]
    rr, raw = _all_questions([*raw_cmd, where], names, project, limit)
    mr, memory = (rr, raw) if where == "memory" else _all_questions([*raw_cmd, "memory"], names, project, limit)
    rdflib_run = parse_size(label) <= parse_size(args.rdflib_max)
    lr, rdf = (_all_questions([PY, "-c", QUESTIONS, str(graph), "rdflib", str(args.rdflib_cap), params, str(queries)],
                              names, project, args.rdflib_cap * (len(names) + 2)) if rdflib_run
               else (Run(float("nan"), float("nan"), f"not run above {args.rdflib_max}"), {}))
    store = "in memory" if where == "memory" else "on-disk store"

    def one(d: dict | None, whole: Run, cap: float | None = None) -> Run:
        if d is None:
            return Run(float("nan"), whole.peak_mib, whole.status if whole.status != "ok" else "missing", note=whole.note)
        if "error" in d:
            return Run(d["seconds"], whole.peak_mib, f">{cap:g}s" if d.get("timeout") else "failed", note=d["error"])
        return Run(d["seconds"], whole.peak_mib, cpu=d.get("cpu", float("nan")))

    table.add(label, triples, "open store: zkg.api.open_graph", one(zkg.get("open"), zr),
              f"raw pyoxigraph, same store ({store})", one(raw.get("open"), rr))
    if where != "memory":
        table.add(label, triples, "open store: raw pyoxigraph on disk", one(raw.get("open"), rr),
                  "raw pyoxigraph bulk_load in memory", one(memory.get("open"), mr))
    table.add(label, triples, "open store: --engine rdflib", one(rdf.get("open"), lr, args.rdflib_cap),
              "raw pyoxigraph bulk_load in memory", one(memory.get("open"), mr))
    for name in names:
        rows = (raw.get(name) or {}).get("rows")
        note = ("synthetic parameters " + json.dumps(SYNTH_PARAMS[name], ensure_ascii=False)) if name in SYNTH_PARAMS else ""
        if rows == 0:
            note = "; ".join(x for x in (note, "0 rows: the synthetic province has none") if x)
        table.add(label, triples, f"question {name}", one(zkg.get(name), zr), f"raw pyoxigraph, same store ({store})",
                  one(raw.get(name), rr), note=note)
        if where != "memory":
            table.add(label, triples, f"question {name}: raw on disk", one(raw.get(name), rr),
                      "raw pyoxigraph in memory", one(memory.get(name), mr))
        table.add(label, triples, f"question {name} --engine rdflib", one(rdf.get(name), lr, args.rdflib_cap),
                  "raw pyoxigraph in memory", one(memory.get(name), mr))


def _all_questions(cmd: list[str], names: list[str], cwd: Path, timeout: float) -> tuple[Run, dict[str, dict]]:
    """Run a questions child on ``names``; after a question past its cap (the child ends there, for an
    abandoned query keeps a core busy), a fresh child takes the rest. The first child's open time
    and the largest peak memory are kept."""
    answers: dict[str, dict] = {}
    whole: Run | None = None
    todo = list(names)
    while todo:
        r = _run_reaped([*cmd, json.dumps(todo)], cwd=cwd, timeout=timeout)
        got = _lines(r.out)
        if whole is None:
            whole = r
        else:
            whole.peak_mib = max(whole.peak_mib, r.peak_mib)
            got.pop("open", None)
        answers.update(got)
        done = [n for n in todo if n in got]
        if not done or not any(got[n].get("timeout") for n in done):
            if r.status != "ok" and r.status != "failed (exit 3)":
                whole.status, whole.note = r.status, r.note
            break
        todo = todo[todo.index(done[-1]) + 1:]
    assert whole is not None
    if whole.status == "failed (exit 3)":
        whole.status, whole.note = "ok", ""
    return whole, answers


def _push(label: str, triples: int, work: Path, graph: Path, table: Table, time_it: Timer) -> None:
    """zkg push, curl POST (one transaction, and into Oxigraph's bulk loader: the request zkg push sends
    to an empty Oxigraph) and oxigraph load of the same N-Quads, each into a fresh store."""
    nq = graph / "zhaotong.nq"
    results = {}
    for key in ("zkg", "curl", "curl-bulk"):
        location = work / f"server-{key}"
        try:
            server, url = _oxigraph_server(location)
        except RuntimeError as exc:
            results[key] = Run(float("nan"), float("nan"), "failed", note=str(exc))
            continue
        try:
            cmd = ([PY, "-m", "zkg", "push", "--endpoint", f"{url}/store", "--graph-dir", str(graph)] if key == "zkg"
                   else ["curl", "-sf", "-X", "POST", "-H", "Content-Type: application/n-quads", "-T", str(nq),
                         f"{url}/store" + ("?no_transaction" if key == "curl-bulk" else "")])
            results[key] = time_it.once(cmd, work)
        finally:
            _stop(server)
            shutil.rmtree(location, ignore_errors=True)
    table.add(label, triples, "zkg push (to oxigraph serve)", results["zkg"], "curl POST of the same nq", results["curl"])
    table.add(label, triples, "zkg push (to oxigraph serve)", results["zkg"], "curl POST ?no_transaction",
              results["curl-bulk"])
    load = time_it.once([str(BIN / "oxigraph"), "load", "--location", str(work / "load"), "--file", str(nq)], work)
    shutil.rmtree(work / "load", ignore_errors=True)
    table.add(label, triples, "zkg push (to oxigraph serve)", results["zkg"], "oxigraph load", load)


def plot(table: Table, path: Path) -> None:
    """Time against triples, log-log: one line per measure (questions summed), the floors dashed."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series: dict[str, dict[int, float]] = {}
    for row in table.rows:
        measure = row["measure"]
        if measure.startswith("question ") and measure.endswith(": raw on disk"):
            measure, floor = "all questions: raw pyoxigraph on disk", "all questions: raw pyoxigraph in memory"
        elif measure.startswith("question "):
            measure = "all questions answered --engine rdflib" if measure.endswith("rdflib") else "all questions"
            floor = "all questions: raw pyoxigraph, same store"
        else:
            floor = f"{measure}: {row['floor']}" if row["floor"] else ""
        n = int(row["triples"])
        if row["seconds"]:
            series.setdefault(measure, {}).setdefault(n, 0.0)
            series[measure][n] += float(row["seconds"])
        if floor and row["floor_seconds"] and not measure.endswith("rdflib"):
            series.setdefault("floor: " + floor, {}).setdefault(n, 0.0)
            if not row["measure"].startswith("question ") or floor.startswith("all"):
                series["floor: " + floor][n] += float(row["floor_seconds"])
    fig, ax = plt.subplots(figsize=(14, 7))
    for name, points in sorted(series.items()):
        xs = sorted(points)
        ax.plot(xs, [points[x] for x in xs], "--" if name.startswith("floor") else "-", marker="o", label=name,
                linewidth=1 if name.startswith("floor") else 1.6)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("triples")
    ax.set_ylabel("seconds")
    ax.set_title("zhaotong-kg on a synthetic province: time against size (dashed: floors)")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10k,100k,1M,10M", help="sizes in triples, e.g. 10k,100k,1M,10M")
    ap.add_argument("--out", type=Path, default=Path("bench-scale"), help="folder for scale.csv and scale.png")
    ap.add_argument("--runs", type=int, default=1, help="runs of each step (best time, largest memory)")
    ap.add_argument("--rdflib-cap", type=float, default=60.0, help="seconds each question may take on rdflib")
    ap.add_argument("--rdflib-max", default="100k",
                    help="largest graph (triples) the rdflib engine is measured on; above it: 'not run above N' "
                         "(rdflib needs hours and more than 8 GiB at 1M and 10M)")
    ap.add_argument("--step-timeout", type=float, default=7200.0, help="seconds any one step may take")
    ap.add_argument("--seed", type=int, default=0, help="seed of the synthetic province")
    ap.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one)")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    work = args.work or Path(tempfile.mkdtemp(prefix="zkg-scale-"))
    table = Table()
    time_it = Timer(max(1, args.runs), args.step_timeout)
    print(f"{'size':>5} {'measure':<34} {'time':>10}   {'peak':>6}      {'floor':<28} {'floor s':>9} {'ratio':>8} {'cpu rat.':>8}  note")
    try:
        for label in args.sizes.split(","):
            measure_size(label.strip(), work / label.strip(), table, time_it, args)
            table.write(args.out / "scale.csv")
            shutil.rmtree(work / label.strip(), ignore_errors=True)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    table.write(args.out / "scale.csv")
    plot(table, args.out / "scale.png")
    print(f"wrote {args.out / 'scale.csv'} and {args.out / 'scale.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
