#!/usr/bin/env python3
"""Coverage-guided fuzzing of the fact loader with atheris (libFuzzer for Python). Bounded: it stops by
itself after --seconds (default 60) or --runs inputs, whichever comes first.

    pip install -e '.[fuzz]'
    .venv/bin/python scripts/fuzz_facts.py                 # one minute
    .venv/bin/python scripts/fuzz_facts.py --seconds 600   # longer

Each input is read as a fact file (YAML) and as the reference CSV, starting from a corpus of the
project's own files. Anything but records or one FactError line (no traceback, no other exception,
no hang) is a crash: libFuzzer writes the input to crash-<sha1> in the current folder. Add each crash
to tests/test_safety.py or tests/test_fuzz_facts.py as a regression test. Not run by pytest (a test
checks that this file parses).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="stop after this many seconds (default 60)")
    parser.add_argument("--runs", type=int, default=2_000_000, help="stop after this many inputs")
    args, rest = parser.parse_known_args()

    import atheris

    with atheris.instrument_imports():
        from kg_build.errors import FactError
        from kg_build.facts import parse_yaml, read_csv
        from kg_build.triples import PLACE_COLUMNS

    def one_input(data: bytes) -> None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return  # the loaders read UTF-8 text; undecodable bytes are refused before them
        for run in (lambda: parse_yaml("facts/fuzz.yaml", text),
                    lambda: read_csv("facts/fuzz.csv", text, PLACE_COLUMNS)):
            try:
                run()
            except FactError as err:
                message = str(err)
                if "\n" in message or "; fix: " not in message:
                    raise AssertionError(f"not one line with a fix: {message!r}") from None

    corpus = Path(tempfile.mkdtemp(prefix="zkg-fuzz-corpus-"))
    seeds = sorted((ROOT / "facts").rglob("*.yaml")) + sorted((ROOT / "facts").rglob("*.csv"))
    for i, path in enumerate(seeds):
        (corpus / f"seed-{i}").write_bytes(path.read_bytes())
    argv = [sys.argv[0], f"-max_total_time={args.seconds}", f"-runs={args.runs}", "-timeout=10",
            "-rss_limit_mb=2048", "-max_len=65536", *rest, str(corpus)]
    atheris.Setup(argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
