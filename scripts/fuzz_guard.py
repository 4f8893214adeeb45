#!/usr/bin/env python3
"""Coverage-guided fuzzing of the read-only query guard with atheris (libFuzzer for Python).
Bounded: it stops by itself after --seconds (default 60) or --runs inputs, whichever comes first.

    pip install -e '.[fuzz]'
    .venv/bin/python scripts/fuzz_guard.py                 # one minute
    .venv/bin/python scripts/fuzz_guard.py --seconds 600   # longer

Each input is read as a query text, starting from a corpus of the named questions and hostile
forms (SERVICE, updates, escapes). The guard must answer with a Prepared query or one StoreError
line, never another exception; and a text it accepts must not hold SERVICE or an update keyword as
a bare word, and must parse in Oxigraph. Anything else is a crash: libFuzzer writes the input to
crash-<sha1> in the current folder. Add each crash to tests/test_guard.py as a regression test.
Not run by pytest (a test checks that this file parses).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }",
    "select * { \\u0053ERVICE <http://x/> { ?s ?p ?o } }",
    "PREFIX s: <http://e/> SELECT ?service WHERE { ?service s:SERVICE 'SERVICE' } # SERVICE",
    "INSERT DATA { <a:s> <a:p> <a:o> }",
    "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
    'ASK { FILTER(?x < 3 && ?y > 2) }',
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="stop after this many seconds (default 60)")
    parser.add_argument("--runs", type=int, default=2_000_000, help="stop after this many inputs")
    args, rest = parser.parse_known_args()

    import atheris

    with atheris.instrument_imports():
        from zkg.errors import StoreError
        from zkg.guard import UPDATE_WORDS, prepare, tokens, unescape

    def one_input(data: bytes) -> None:
        text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(len(data))
        try:
            prepared = prepare(text)
        except StoreError as err:
            if "\n" in str(err):
                raise AssertionError(f"not one line: {str(err)!r}") from None
            return
        words = {t.text.upper() for t in tokens(unescape(text)) if t.kind == "word"}
        if "SERVICE" in words or words & UPDATE_WORDS:
            raise AssertionError(f"accepted a SERVICE or update word: {text!r}")
        assert prepared.form in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")

    corpus = Path(tempfile.mkdtemp(prefix="zkg-fuzz-guard-"))
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "queries").glob("*.rq"))] + SEEDS
    for i, text in enumerate(seeds):
        (corpus / f"seed-{i}").write_bytes(text.encode("utf-8"))
    argv = [sys.argv[0], f"-max_total_time={args.seconds}", f"-runs={args.runs}", "-timeout=10",
            "-rss_limit_mb=2048", "-max_len=8192", *rest, str(corpus)]
    atheris.Setup(argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
