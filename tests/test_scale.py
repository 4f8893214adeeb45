"""benchmarks/scale.py keeps working: one run at the smallest size, every measure in its CSV.

The benchmark is a script that prints ratios; this test does not time anything. It checks that the
run at 10k triples measured everything it promises (each with its floor where it has one), so a
change that breaks a measured command, or the script itself, fails here.
"""

from __future__ import annotations

import csv
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("scale", ROOT / "benchmarks" / "scale.py")
assert _spec and _spec.loader
scale = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("scale", scale)  # its dataclasses look their module up
_spec.loader.exec_module(scale)
NETWORK = scale.NETWORK


@pytest.fixture(scope="module")
def rows(tmp_path_factory) -> list[dict[str, str]]:
    out = tmp_path_factory.mktemp("scale")
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "scale.py"), "--sizes", "10k", "--out", str(out),
                           "--rdflib-cap", "10", "--step-timeout", "900"], capture_output=True, text=True,
                          timeout=3600, cwd=out)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (out / "scale.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with (out / "scale.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_measure_is_there_with_its_floor(rows):
    questions = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
    by_measure: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        assert row["size"] == "10k"
        by_measure.setdefault(row["measure"], []).append(row)
    with_floor = ["build (validation included)", "cold zkg query alliance-members", "open store: zkg.api.open_graph",
                  *(f"question {q}" for q in questions), *(f"zkg network {a}" for a in NETWORK)]
    for measure in ["synth", "zkg viz", "zkg push (to oxigraph serve)", *with_floor]:
        assert measure in by_measure, f"{measure} is missing from scale.csv"
        for row in by_measure[measure]:
            assert row["status"] == "ok" and float(row["seconds"]) > 0, row
            assert float(row["peak_mib"]) > 0, row
    for measure in with_floor:
        row = by_measure[measure][0]
        assert row["floor"] and float(row["floor_seconds"]) > 0 and float(row["ratio"]) > 0, row
    assert {r["floor"] for r in by_measure["zkg push (to oxigraph serve)"]} == {"curl POST of the same nq",
                                                                                 "curl POST ?no_transaction",
                                                                                 "oxigraph load"}
    for q in questions:  # rdflib: answered, or over its cap, and said so
        row = by_measure[f"question {q} --engine rdflib"][0]
        assert row["status"] == "ok" or row["status"].startswith(">"), row


def test_the_size_is_about_what_was_asked(rows):
    triples = int(next(r for r in rows if r["measure"].startswith("build"))["triples"])
    assert 9_000 <= triples <= 11_000
