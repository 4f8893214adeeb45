"""The README documents every command, and opens with the two commands CI runs."""

from __future__ import annotations

import re

from zkg.cli import all_commands


def test_every_command_is_in_the_readme(project_root):
    readme = (project_root / "README.md").read_text(encoding="utf-8")
    assert all_commands(), "the CLI has no commands"
    for name in all_commands():
        assert re.search(rf"`zkg {re.escape(name)}\b", readme), f"zkg {name} is not documented in README.md"


def test_every_command_help_ends_with_an_example():
    for name, command in all_commands().items():
        assert "Example" in (command.help or ""), f"zkg {name} --help has no example"


def test_readme_opens_with_the_main_job_and_the_test_command(project_root):
    readme = (project_root / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", readme, re.S).group(1).splitlines()
    assert "zkg build" in block[0] and "zkg query --all" in block[0]
    assert "pytest" in block[1]
    ci = (project_root / ".ci" / "run").read_text(encoding="utf-8")
    test_command = block[1].split("#")[0].strip()
    assert test_command in ci, "the test command of README.md must be what .ci/run runs"


DOCS = ("DESIGN.md", "README.md", "queries/README.md", "ontology/README.md", "graph/README.md")
CODE_REF = re.compile(r"\b(?:zkg|kg_build)(?:\.[A-Za-z_]+)+|\b(?:zkg|kg_build)/[a-z_/]+\.py")


def _exists(ref: str, root) -> bool:
    """A module, or a name in one (``kg_build.build.audit``), or a file (``zkg/cli/options.py``)."""
    import importlib

    if ref.endswith(".py"):
        return (root / ref).is_file()
    parts = ref.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            if not hasattr(obj, attr):
                return False
            obj = getattr(obj, attr)
        return True
    return False


def test_every_module_and_function_the_docs_name_exists(project_root):
    """DESIGN.md and the READMEs describe the code as it is: a renamed module or function fails here."""
    stale = [f"{doc}: {ref}" for doc in DOCS
             for ref in sorted(set(CODE_REF.findall((project_root / doc).read_text(encoding="utf-8"))))
             if not _exists(ref, project_root)]
    assert not stale, "the docs name code that does not exist: " + "; ".join(stale)
    assert not _exists("kg_build.source.audit", project_root)  # the check can say no
