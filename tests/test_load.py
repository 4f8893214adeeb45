"""Sixteen threads at once through the Python API, on each embedded engine: no error, and every
answer equal to the single-threaded one (the served endpoint's load test is in test_serve.py).

The rdflib engine answers the 29 questions about 30 times slower than Oxigraph, so it gets 16 x 25
queries here (every question several times over); `benchmarks/load.py --engine rdflib` runs more.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from zkg.store import open_store

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import load  # noqa: E402


@pytest.fixture(scope="module")
def jobs_and_expected():
    jobs = load.questions(ROOT / "queries")
    return jobs, load.expected_answers(jobs, ROOT / "graph")


@pytest.mark.parametrize("engine, per_client", [("oxigraph", 500), ("rdflib", 25)])
def test_sixteen_threads_share_one_store(engine, per_client, jobs_and_expected):
    jobs, expected = jobs_and_expected
    store = open_store(ROOT / "graph", engine=engine, timeout=600)
    report = load.load(store, jobs, expected, clients=16, per_client=per_client)
    print(f"\n{engine}\n{report.table()}")
    assert report.total == 16 * per_client
    assert report.errors == [] and report.wrong == []
    assert len(report.per_question) == len(jobs)  # every question was asked
