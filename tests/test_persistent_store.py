"""The persistent store (graph/.store, zkg.persistent): written by the build, reused by every
command without reading the graph file, rebuilt when the graph changes or the store is damaged,
never hiding a graph that does not match its manifest, usable from a read-only folder and by
several processes at once, and answering every named question as the in-memory load does. And the
light command path: `zkg query NAME` imports neither rdflib, the builder, NetworkX nor pandas.

Nothing here times anything: "not read again" is shown by a graph file that was swapped for junk
of the same size and modification time and still answers from the store.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from zkg.api import read_queries
from zkg.catalogue import Catalogue
from zkg.errors import StoreError
from zkg.loading import find_graph_file, find_ontology_file, load_oxigraph
from zkg.persistent import STORE_DIR, read_current, refresh
from zkg.store import OxigraphStore, open_store
from zkg.values import LangString

ROOT = Path(__file__).resolve().parents[1]
ZTD = "https://w3id.org/zhaotong-kg/id/"
LABELS = f"SELECT ?l WHERE {{ <{ZTD}school/a> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"


@pytest.fixture()
def graph(tmp_path, make_dataset) -> Path:
    """A small built graph folder (ontology beside it) that a test may change; no store yet."""
    return make_dataset(tmp_path)


def _label(folder: Path) -> list:
    store = open_store(folder)
    try:
        return [str(v) for (v,) in store.select(LABELS).rows]
    finally:
        store.close()


def _stores(folder: Path) -> list[str]:
    return sorted(p.name for p in (folder / STORE_DIR).iterdir() if p.is_dir())


def _rewrite(folder: Path, make_dataset, dataset_graphs, label: str) -> None:
    """Build the dataset again into ``folder`` with the school's label changed (a new manifest too)."""
    graphs = {g: [t.replace("甲中学", label) for t in triples] for g, triples in dataset_graphs.items()}
    staging = folder.parent / f"staging-{label}"
    made = make_dataset(staging, graphs, ontology=False)
    for name in ("zhaotong.nq", "zhaotong.trig", "manifest.json"):
        shutil.copy(made / name, folder / name)


def test_the_build_writes_the_store_and_commands_reuse_it(tmp_path, zkg):
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    out = tmp_path / "graph"
    done = zkg("build", "--out", str(out), "--no-shacl")
    assert done.returncode == 0, done.stderr
    assert f"store:    {out / STORE_DIR}" in done.stdout
    current = read_current(out)
    nq = out / "zhaotong.nq"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert current is not None and current["key"] == {
        "file": "zhaotong.nq", "sha256": manifest["files"]["zhaotong.nq"]["sha256"], "size": nq.stat().st_size,
        "mtime_ns": nq.stat().st_mtime_ns, "ontology": current["key"]["ontology"]}
    assert current["key"]["ontology"] is not None  # the ontology beside graph/ is in it
    store = open_store(out)
    assert isinstance(store, OxigraphStore) and store.how == "store"
    count = store.triple_count()
    store.close()
    # the graph file swapped for junk of the same size and time: the store still answers, so the
    # command read neither the file nor its hash
    stat = nq.stat()
    nq.write_bytes(b"#" * stat.st_size)
    os.utime(nq, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    again = open_store(out)
    assert again.how == "store" and again.triple_count() == count > manifest["triples"]
    assert read_current(out) == current and _stores(out) == [current["db"]]


def test_a_changed_graph_rebuilds_the_store_and_answers_the_new_data(graph, make_dataset, dataset_graphs):
    assert not (graph / STORE_DIR).exists()
    first = open_store(graph)
    assert first.how == "rebuilt" and first.select(LABELS).rows[0][0] == "甲中学"
    old = read_current(graph)["db"]
    _rewrite(graph, make_dataset, dataset_graphs, "乙中学")
    second = open_store(graph)
    assert second.how == "rebuilt" and [str(v) for (v,) in second.select(LABELS).rows] == ["乙中学"]
    # the first store is still open (this process reads it): the rebuild kept it, and it still answers
    assert old in _stores(graph) and first.select(LABELS).rows[0][0] == "甲中学"
    first.close()
    second.close()
    _rewrite(graph, make_dataset, dataset_graphs, "丙中学")
    assert _label(graph) == ["丙中学"]
    assert _stores(graph) == [read_current(graph)["db"]]  # the stores nobody reads are gone


def test_a_changed_ontology_rebuilds_the_store(graph):
    assert _label(graph) == ["甲中学"]
    onto = graph.parent / "ontology" / "zhaotong.ttl"
    onto.write_text(onto.read_text(encoding="utf-8") + "\n<urn:x:new> <urn:x:p> <urn:x:o> .\n", encoding="utf-8")
    store = open_store(graph)
    assert store.how == "rebuilt" and store.select("ASK { <urn:x:new> <urn:x:p> <urn:x:o> }").rows == [(True,)]


def _damage_current(folder: Path) -> None:
    (folder / STORE_DIR / "current.json").write_text("{not json", encoding="utf-8")


def _remove_db(folder: Path) -> None:
    shutil.rmtree(folder / STORE_DIR / read_current(folder)["db"])


def _wreck_db(folder: Path) -> None:
    db = folder / STORE_DIR / read_current(folder)["db"]
    for f in db.iterdir():
        f.write_bytes(b"junk")


def _store_is_a_file(folder: Path) -> None:
    shutil.rmtree(folder / STORE_DIR)
    (folder / STORE_DIR).write_text("not a folder", encoding="utf-8")


@pytest.mark.parametrize("damage", [lambda f: shutil.rmtree(f / STORE_DIR), _damage_current, _remove_db, _wreck_db],
                         ids=["no-store", "bad-current", "no-db", "junk-db"])
def test_a_missing_or_damaged_store_is_rebuilt(graph, damage):
    assert _label(graph) == ["甲中学"]
    damage(graph)
    store = open_store(graph)
    assert store.how == "rebuilt" and [str(v) for (v,) in store.select(LABELS).rows] == ["甲中学"]
    store.close()
    assert _stores(graph) == [read_current(graph)["db"]]


def test_a_store_folder_that_cannot_be_made_loads_in_memory_with_one_note(graph, capfd):
    _label(graph)
    _store_is_a_file(graph)
    store = open_store(graph)
    assert store.how == "memory" and store.select(LABELS).rows[0][0] == "甲中学"
    open_store(graph)
    err = capfd.readouterr().err
    assert err.count("note: cannot write the store") == 1 and "zkg load" in err, err


@pytest.mark.parametrize("change", ["same size", "other size", "cut"])
def test_a_graph_that_does_not_match_its_manifest_is_refused_even_with_a_store(graph, change, zkg):
    assert _label(graph) == ["甲中学"]  # a store that was right for the graph as built
    nq = graph / "zhaotong.nq"
    data = nq.read_bytes()
    nq.write_bytes({"same size": data.replace("甲中学".encode(), "乙中学".encode()),
                    "other size": data + b"<urn:x:a> <urn:x:b> <urn:x:c> .\n", "cut": data[: len(data) // 2]}[change])
    with pytest.raises(StoreError, match="zhaotong.nq does not match"):
        open_store(graph)
    done = zkg("query", "--graph-dir", str(graph), "-e", "ASK {}")
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1 and len(lines) == 1 and "does not match" in lines[0] and "zkg build" in lines[0]


def test_the_rdflib_engine_reads_the_files_not_the_store(graph):
    store = open_store(graph, engine="rdflib")
    assert not (graph / STORE_DIR).exists() and store.select(LABELS).rows[0][0] == "甲中学"


def test_zkg_load_writes_the_store_and_force_rebuilds_it(graph, zkg):
    done = zkg("load", "--graph-dir", str(graph))
    assert done.returncode == 0 and "loaded the graph into" in done.stdout, done.stderr
    first = read_current(graph)["db"]
    done = zkg("load", "--graph-dir", str(graph))
    assert "is up to date" in done.stdout and read_current(graph)["db"] == first
    done = zkg("load", "--graph-dir", str(graph), "--force")
    assert "loaded the graph into" in done.stdout and read_current(graph)["db"] != first
    assert _stores(graph) == [read_current(graph)["db"]]
    (graph / "zhaotong.nq").write_bytes(b"")
    done = zkg("load", "--graph-dir", str(graph))
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "is empty" in done.stderr


def _read_only(zkg, folder: Path, *args: str) -> subprocess.CompletedProcess:
    """``zkg ARGS`` with ``folder`` (and all in it) read-only: for root, whom file modes do not stop,
    a read-only bind mount in a mount namespace of its own; for anyone else, modes without write bits."""
    if os.geteuid() == 0:
        script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && exec "$@"'
        return subprocess.run(["unshare", "-m", "sh", "-c", script, str(folder), sys.executable, "-m", "zkg", *args],
                              capture_output=True, text=True, cwd=ROOT, timeout=300)
    folders = [folder, *(p for p in folder.rglob("*") if p.is_dir())]
    for f in folders:
        f.chmod(0o555)
    try:
        return zkg(*args)
    finally:
        for f in folders:
            f.chmod(0o755)


@pytest.mark.parametrize("with_store", [False, True], ids=["no-store", "fresh-store"])
def test_a_read_only_graph_folder_still_answers(graph, with_store, zkg):
    if with_store:
        refresh(graph, find_ontology_file(graph)).lease.close()
    before = sorted(p.name for p in graph.rglob("*"))
    done = _read_only(zkg, graph, "query", "--graph-dir", str(graph), "-e", LABELS, "-f", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["l", "甲中学"]
    notes = [line for line in done.stderr.splitlines() if line.startswith("note: cannot write the store")]
    assert len(notes) == (0 if with_store else 1), done.stderr
    assert "Read-only file system" in done.stderr or "Permission denied" in done.stderr or with_store
    assert sorted(p.name for p in graph.rglob("*")) == before


OPENER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    go = Path(sys.argv[2])
    while not go.exists():
        time.sleep(0.01)
    from zkg.store import open_store
    store = open_store(sys.argv[1])
    rows = store.select(sys.argv[3]).rows
    time.sleep(0.5)  # hold the store while the others open it
    print(store.how, "|".join(str(v) for (v,) in rows))
""")


@pytest.mark.slow
def test_several_processes_open_the_store_at_once_and_one_builds_it(graph, tmp_path):
    def together(n: int) -> list[str]:
        go = tmp_path / f"go-{n}"
        procs = [subprocess.Popen([sys.executable, "-c", OPENER, str(graph), str(go), LABELS], cwd=ROOT,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(n)]
        go.touch()
        outs = [p.communicate(timeout=300) for p in procs]
        assert all(p.returncode == 0 for p in procs), [err for _, err in outs]
        return sorted(out.strip() for out, _ in outs)

    assert together(6) == ["rebuilt 甲中学"] + ["store 甲中学"] * 5  # the store was missing: one process built it
    assert together(6) == ["store 甲中学"] * 6  # read-only, all at once
    assert len(_stores(graph)) == 1


QUESTIONS = Catalogue.from_texts(read_queries(ROOT / "queries"))


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """The real graph (a copy, with the ontology beside it) from its persistent store and loaded in memory."""
    root = tmp_path_factory.mktemp("real")
    for name in ("graph", "ontology"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns(STORE_DIR))
    persistent = open_store(root / "graph")
    assert persistent.how == "rebuilt"
    memory = OxigraphStore(load_oxigraph(find_graph_file(root / "graph"), None, find_ontology_file(root / "graph")))
    return persistent, memory


@pytest.mark.parametrize("name", [q.name for q in QUESTIONS])
def test_every_named_question_answers_as_the_in_memory_load(name, stores):
    persistent, memory = stores
    q = QUESTIONS.get(name)
    got, want = (s.select(q.text, q.bind({}), max_rows=0) for s in stores)
    assert got.same_as(want), got.differences(want)
    assert got.rows, f"{name} has no answer on the real graph"


HEAVY = ("rdflib", "kg_build", "networkx", "pandas", "pyshacl", "SPARQLWrapper")


@pytest.mark.parametrize("args, shown", [
    (["query", "alliance-members", "-f", "csv"], "昭通市第一中学"),
    (["query", "--all", "-f", "jsonl"], "alliance-members"),
    (["search", "一中"], "昭通市第一中学"),
    (["show", "周世碧"], "周世碧"),
], ids=["query-one", "query-all", "search", "show"])
def test_commands_that_read_import_only_what_they_need(args, shown):
    probe = textwrap.dedent(f"""
        import sys
        from zkg.cli import cli
        try:
            cli({args!r}, standalone_mode=False)
        finally:
            print(sorted({{m.split(".")[0] for m in sys.modules}} & set({HEAVY!r})), file=sys.stderr)
    """)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    assert shown in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "[]", done.stderr


@pytest.mark.slow
def test_the_cold_benchmark_runs_and_prints_its_ratios():
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "cold.py"), "--runs", "1", "--big", "20000"],
                          capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert done.returncode == 0, done.stderr
    assert "x import" in done.stdout and "x raw" in done.stdout and "import + query" in done.stdout, done.stdout


def test_a_lasting_process_loads_a_small_graph_in_memory_and_a_large_one_from_the_store(graph, monkeypatch):
    import zkg.store
    from zkg.api import open_graph
    store = open_store(graph, lasting=True)
    assert store.how == "memory" and not (graph / STORE_DIR).exists()  # nothing written for it
    assert open_graph(graph, queries={}).store.how == "memory"
    assert open_graph(graph, queries={}, lasting=False).store.how == "rebuilt"
    monkeypatch.setattr(zkg.store, "MEMORY_BYTES", (graph / "zhaotong.nq").stat().st_size - 1)
    big = open_store(graph, lasting=True)
    assert big.how == "store" and big.select(LABELS).rows == store.select(LABELS).rows == [(LangString("甲中学", "zh"),)]
