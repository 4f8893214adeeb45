"""Every example works: each `zkg …` line of README.md's code blocks and of every command's
`--help` is run, as written, in a scratch copy of the project (so the examples that write files —
`zkg build`, `--out-dir`, `-o`, `> file` — write there), and must exit 0 with a non-empty answer.

Examples that talk to a SPARQL server (`--endpoint http://127.0.0.1:7878/…`) run against a real
Oxigraph server this module starts (writable, loaded with `zkg push`), on a free port written in
place of 7878; those that name Virtuoso's port (8890) against a real Virtuoso it starts when one
first needs it. `zkg serve` runs until stopped: it is started, must print its address, and is
stopped. Nothing is skipped.

The "How to add a fact" steps of README.md are followed literally too: the record goes into the
file the text names, `zkg build` accepts it, and it is new (nothing in facts/ says it already).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml

from zkg.cli import all_commands, cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
COPY = ("zkg", "kg_build", "sources", "facts", "ontology", "queries", "graph", "README.md")


def readme_examples() -> list[str]:
    """The `zkg …` commands of README.md's fenced code blocks (``.venv/bin/`` dropped, ``&&`` split)."""
    found = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", README, re.S):
        for line in block.splitlines():
            for part in line.split("&&"):
                part = re.sub(r"^\s*(\.venv/bin/)?", "", part)
                if part.startswith("zkg "):
                    found.append(_without_comment(part))
    return found


def _without_comment(line: str) -> str:
    """The command without a trailing shell comment (a # after two spaces)."""
    return re.split(r"\s{2,}#", line)[0].strip()


def help_examples() -> list[str]:
    """The example lines at the end of every command's and sub-command's --help."""
    found = []

    def walk(command: click.Command) -> None:
        text = command.help or ""
        tail = re.split(r"Examples?:\n", text)[-1] if re.search(r"Examples?:\n", text) else ""
        for line in tail.splitlines():
            line = line.strip()
            if line.startswith("zkg "):
                found.append(_without_comment(line))
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    for command in all_commands().values():
        walk(command)
    walk(cli)
    return found


EXAMPLES = list(dict.fromkeys(readme_examples() + help_examples()))


def test_the_examples_are_found():
    assert len(readme_examples()) >= 8 and len(help_examples()) >= 15
    for must in ("zkg query alliance-counties --param alliance=昭通一中", "zkg show 周世碧",
                 "zkg network path 李正响 昭通一中", "zkg network --view people central -k 5",
                 "zkg query fact-words --param fact=ztd:fact/fig-p09-education-investment-3y --format md"):
        assert must in EXAMPLES, must


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    """A copy of the project the examples may write into; the copy's own package is the one run."""
    root = tmp_path_factory.mktemp("project")
    for name in COPY:
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, root / name)
    return root


@pytest.fixture(scope="module")
def server(scratch):
    """A real, writable Oxigraph server on a free port, loaded with `zkg push` (graph and ontology)."""
    from zkg.serve import free_port, start_server, wait_until_up

    port = free_port()
    process = start_server(scratch / "oxigraph-store", port, read_only=False)
    try:
        url = wait_until_up(process, port)
        done = run(f"zkg push --endpoint {url}/store", scratch)
        assert done.returncode == 0, done.stderr
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    """A real Virtuoso (tests/virtuoso.py) on a free port, for the examples that name one (port 8890)."""
    sys.path.insert(0, str(Path(__file__).parent))
    from virtuoso import running_virtuoso

    with running_virtuoso(tmp_path_factory.mktemp("virtuoso") / "db") as found:
        yield found


def shell(command: str) -> str:
    """The example as a shell command running this interpreter's ``-m zkg`` (each ``zkg`` of a chain)."""
    return re.sub(r"(^|&&\s*)zkg ", lambda m: f"{m.group(1)}{shlex.quote(sys.executable)} -m zkg ", command)


def run(command: str, cwd: Path, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(["bash", "-c", shell(command)], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=600, **kw)


def _written(command: str, cwd: Path) -> Path | None:
    """The file or folder an example writes its answer to, if it does."""
    if "--update-expected" in command:
        return cwd / "queries" / "expected"
    for pattern in (r">\s*(\S+)\s*$", r"(?:^|\s)-o\s+(\S+)", r"--out-dir\s+(\S+)"):
        m = re.search(pattern, command)
        if m:
            return cwd / m.group(1)
    return None


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_runs_and_answers(example, scratch, server, request):
    command = example.replace("127.0.0.1:7878", f"127.0.0.1:{server}")
    if "127.0.0.1:8890" in command:  # Virtuoso's own port in the docs: a real one, started when first needed
        command = command.replace("http://127.0.0.1:8890", request.getfixturevalue("virtuoso").url)
    command = command.replace(" /tmp/", f" {scratch}/tmp-")  # an absolute scratch path (zkg build --out /tmp/g)
    if command.startswith("zkg serve"):  # runs until stopped: start it, read its address, stop it
        from zkg.serve import free_port

        port = free_port()
        command = re.sub(r"--port \d+", f"--port {port}", command)
        env = {**os.environ, "PYTHONPATH": str(scratch)}
        proc = subprocess.Popen(["bash", "-c", "exec " + shell(command)], cwd=scratch, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            first = proc.stdout.readline()
            assert f"127.0.0.1:{port}" in first, proc.stderr.read() if proc.poll() is not None else first
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)
        assert proc.returncode == 0
        return
    done = run(command, scratch)
    assert done.returncode == 0, f"{example}\n{done.stderr[-1500:]}"
    assert "Traceback" not in done.stderr
    target = _written(command, scratch)
    if target is not None:
        assert target.exists(), f"{example} wrote nothing to {target}"
        size = sum(f.stat().st_size for f in target.rglob("*")) if target.is_dir() else target.stat().st_size
        assert size > 0, f"{example} wrote an empty {target}"
    else:
        assert done.stdout.strip(), f"{example} printed nothing (stderr: {done.stderr[-500:]})"


def test_adding_a_fact_as_the_readme_says(tmp_path):
    """Follow "How to add a fact" literally: the record, into the file the text names, is new and
    is accepted by `zkg build`; then `zkg show` and `zkg network path` see it."""
    section = README.split("## How to add a fact", 1)[1].split("\n## ", 1)[0]
    assert "zkg paragraph" in section and "zkg audit" not in section
    block = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    target = re.search(r"put this in `(facts/[^`]+\.yaml)`", section).group(1)
    record = yaml.safe_load(block)["relations"][0]

    existing = [r for f in (ROOT / "facts").rglob("*.yaml")
                for recs in (yaml.safe_load(f.read_text(encoding="utf-8")) or {}).values() if isinstance(recs, list)
                for r in recs if isinstance(r, dict)]
    assert record["id"] not in {r.get("id") for r in existing}
    assert not [r for r in existing if (r.get("subject"), r.get("property"), r.get("object")) ==
                (record["subject"], record["property"], record["object"])], "the example repeats a curated fact"

    for name in COPY:
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, tmp_path / name)
    before = run("zkg network path 李正响 周世碧", tmp_path)
    assert before.returncode == 1
    relations = int(re.search(r"relations (\d+)", run("zkg build --out before", tmp_path).stdout).group(1))
    (tmp_path / target).write_text(block, encoding="utf-8")
    built = run("zkg build", tmp_path)
    assert built.returncode == 0, built.stderr
    assert f"relations {relations + 1}" in built.stdout  # one more than the committed graph
    shown = run("zkg show 昭通市教育体育局", tmp_path)
    assert shown.returncode == 0 and "zt:locatedIn" in shown.stdout and "昭通市教育体育局局长周世碧" in shown.stdout
    assert run("zkg network path 李正响 周世碧", tmp_path).returncode == 0
    # Step 4: the expected answers follow, and then every named question agrees with them again.
    summary = (tmp_path / "queries" / "expected" / "graph-summary.srj").read_text(encoding="utf-8")
    updated = run("zkg query --all --update-expected", tmp_path)
    assert updated.returncode == 0, updated.stderr
    assert (tmp_path / "queries" / "expected" / "graph-summary.srj").read_text(encoding="utf-8") != summary
    from zkg.api import read_queries
    from zkg.catalogue import Catalogue
    from zkg.result import result_from_json
    from zkg.store import open_store

    store = open_store(tmp_path / "graph")
    for q in Catalogue.from_texts(read_queries(tmp_path / "queries")):
        got = store.select(q.text, q.bind({}), max_rows=0)
        expected = (tmp_path / "queries" / "expected" / f"{q.name}.srj").read_text(encoding="utf-8")
        assert got.same_as(result_from_json(expected, ordered=got.ordered)), q.name
