"""Measure `zkg push` against curl and `oxigraph load` on the same file and the same server.

Makes a copy of the real graph with distinct IRIs (``--copies N``: N rewritten copies of
``graph/zhaotong.nq``, each under ``…/id/cK/``, with a manifest) in a temporary folder, and runs,
interleaved (in a new order each run), ``--runs`` times, each into a new empty writable
``oxigraph serve`` on a free 127.0.0.1 port (a store that has been replaced again and again slows
down, which would favour whatever runs first):

* ``curl -T`` (PUT of the file to ``/store``), ``curl --data-binary`` (POST, one transaction) and
  the same POST to ``/store?no_transaction`` (Oxigraph's bulk loader: what ``zkg push`` sends to an
  empty Oxigraph),
* ``zkg push`` (the file, the ontology, and the count on the server),
* ``oxigraph load`` into a new store folder (no server),
* ``curl -T`` and ``zkg push`` again into a server that already holds the graph (they replace it).

Prints the median wall time and the client's peak memory (``/usr/bin/time``) of each, and the
ratios to curl. Timings on a shared machine are only comparable within one run.

    python3 benchmarks/push_bench.py --copies 117 --runs 1     # ~1M triples in the default graph
    python3 benchmarks/push_bench.py --copies 1170 --runs 1 --skip-slow   # ~10M: no transactional load
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg_build.manifest import FORMAT, manifest_text  # noqa: E402
from zkg.serve import free_port, start_server, wait_until_up  # noqa: E402
from zkg.serve.engine import oxigraph_binary, stop_process  # noqa: E402

ID = b"<https://w3id.org/zhaotong-kg/id/"


def make_copy(copies: int, out: Path) -> Path:
    """``copies`` rewritten copies of the real N-Quads in ``out/zhaotong.nq`` with a manifest."""
    out.mkdir(parents=True, exist_ok=True)
    lines = (ROOT / "graph" / "zhaotong.nq").read_bytes().splitlines(keepends=True)
    assert all(ID in line for line in lines), "every line must name a ztd: IRI, or copies would merge"
    digest, size = hashlib.sha256(), 0
    with (out / "zhaotong.nq").open("wb") as fh:
        for k in range(copies):
            chunk = b"".join(line.replace(ID, ID + b"c%d/" % k) for line in lines)
            fh.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    real = json.loads((ROOT / "graph" / "manifest.json").read_text(encoding="utf-8"))
    manifest = {"format": FORMAT, **{k: real[k] * copies for k in ("triples", "quads", "graphs")},
                "files": {"zhaotong.nq": {"bytes": size, "sha256": digest.hexdigest()}}, "records": {}}
    (out / "manifest.json").write_text(manifest_text(manifest), encoding="utf-8")
    return out


def timed(args: list[str]) -> tuple[float, int]:
    """Wall seconds and peak resident memory (KB) of one command, by /usr/bin/time."""
    done = subprocess.run(["/usr/bin/time", "-f", "%e %M", *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(args)}: {done.stderr.strip()[-300:]}")
    wall, kb = done.stderr.strip().splitlines()[-1].split()
    return float(wall), int(kb)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=12)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-slow", action="store_true",
                        help="Leave out the transactional loads (curl PUT and POST, zkg push replacing): at 10M "
                             "triples Oxigraph holds them in memory.")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="push-bench-"))
    try:
        graph = make_copy(args.copies, work / "graph")
        nq = graph / "zhaotong.nq"
        manifest = json.loads((graph / "manifest.json").read_text())
        print(f"{args.copies} copies: {manifest['triples']} triples, {manifest['quads']} quads, "
              f"{nq.stat().st_size / 1e6:.0f} MB", flush=True)
        zkg = str(Path(sys.executable).with_name("zkg"))
        ctype = "Content-Type: application/n-quads"
        commands = {  # URL is each run's own new, empty server
            "curl -T (PUT)": ["curl", "-sSf", "-T", str(nq), "-H", ctype, "URL/store"],
            "curl --data-binary (POST)": ["curl", "-sSf", "--data-binary", f"@{nq}", "-H", ctype, "URL/store"],
            "curl POST, bulk": ["curl", "-sSf", "-X", "POST", "-T", str(nq), "-H", ctype, "URL/store?no_transaction"],
            "zkg push": [zkg, "push", "-q", "--endpoint", "URL/store", "--graph-dir", str(graph)],
            "oxigraph load": [oxigraph_binary(), "load", "--location", "LOAD", "--file", str(nq)],
            # the server already holds the graph (loaded before it starts): the push replaces it
            "curl -T (PUT), replacing": ["curl", "-sSf", "-T", str(nq), "-H", ctype, "URL/store"],
            "zkg push, replacing": [zkg, "push", "-q", "--endpoint", "URL/store", "--graph-dir", str(graph)],
        }
        if args.skip_slow:
            commands = {k: v for k, v in commands.items() if k in ("curl POST, bulk", "zkg push", "oxigraph load")}
        times: dict[str, list[float]] = {k: [] for k in commands}
        peaks: dict[str, list[int]] = {k: [] for k in commands}
        names = list(commands)
        for run in range(args.runs):
            for name in names[run % len(names):] + names[: run % len(names)]:  # a new order each run
                port = free_port()
                folder = work / f"store-{run}-{len(times[name])}-{names.index(name)}"
                folder.mkdir()
                if name.endswith("replacing"):
                    subprocess.run([oxigraph_binary(), "load", "--location", str(folder / "served"), "--file", str(nq)],
                                   check=True, capture_output=True)
                server = start_server(folder / "served", port, read_only=False, timeout=None)
                url = wait_until_up(server, port)
                command = [a.replace("URL", url).replace("LOAD", str(folder / "loaded")) for a in commands[name]]
                wall, kb = timed(command)
                stop_process(server)
                shutil.rmtree(folder, ignore_errors=True)
                times[name].append(wall)
                peaks[name].append(kb)
                print(f"run {run + 1}: {name}: {wall:.2f} s, {kb / 1024:.0f} MB", flush=True)
        bases = [b for b in ("curl --data-binary (POST)", "curl POST, bulk", "curl -T (PUT), replacing") if b in times]
        medians = {name: statistics.median(times[name]) for name in commands}
        print(f"\n| command | median s | {' | '.join('x ' + b for b in bases)} | client peak MB |\n"
              f"| --- | --- | {' | '.join('---' for _ in bases)} | --- |")
        for name, t in medians.items():
            ratios = " | ".join(f"{t / medians[b]:.2f}" for b in bases)
            print(f"| {name} | {t:.2f} | {ratios} | {max(peaks[name]) / 1024:.0f} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
