"""``zkg build`` and ``zkg audit``: the only place the build touches files."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from kg_build import BuildError, FactError, audit, build, load_project
from kg_build.build import GRAPH_FILES
from kg_build.facts import as_ints
from kg_build.manifest import MANIFEST, make_manifest, manifest_text
from zkg.cli import cli

__all__ = ["write_atomically", "project_root", "root_option"]


def project_root() -> Path:
    """The project folder: the one holding ``facts/`` above this package (an editable install)."""
    return Path(__file__).resolve().parents[2]


root_option = click.option(
    "--root", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
    help="Project folder with sources/, facts/ and ontology/ (default: this checkout).")


def write_atomically(files: dict[str, bytes], out: Path) -> None:
    """Write every file to a temporary name in ``out``, then rename them all in order: never
    half-written. Put the manifest last: until it is renamed, readers refuse the new files."""
    out.mkdir(parents=True, exist_ok=True)
    temps: list[tuple[str, Path]] = []
    try:
        for name, text in files.items():
            fd, tmp = tempfile.mkstemp(dir=out, prefix=f".{name}.", suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(text)
            temps.append((name, Path(tmp)))
        for name, tmp in temps:
            os.replace(tmp, out / name)
    finally:
        for _, tmp in temps:
            tmp.unlink(missing_ok=True)


def _fail_on_bad_input(fn):
    """Turn the build's errors into one-line CLI errors (exit 1, no traceback)."""
    def run(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except FactError as exc:
            raise click.ClickException(str(exc)) from None
        except BuildError as exc:
            for line in exc.problems[:50]:
                click.echo(f"  {line}", err=True)
            more = f" (first 50 shown)" if len(exc.problems) > 50 else ""
            raise click.ClickException(
                f"{exc.what} failed with {len(exc.problems)} problem(s){more}; nothing was written") from None
    run.__name__, run.__doc__ = fn.__name__, fn.__doc__
    return run


@cli.command("build")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write zhaotong.ttl and zhaotong.nt into (default: graph/).")
@click.option("--no-shacl", is_flag=True, help="Skip SHACL validation (faster; the tests never skip it).")
@root_option
@_fail_on_bad_input
def build_command(out: Path | None, no_shacl: bool, root: Path | None) -> None:
    """Build the knowledge graph from the article and the curated facts.

    Checks every fact (schema, references, the article's words), emits the triples, validates them
    against the ontology and the SHACL shapes, and writes Turtle and N-Triples.

    \b
    Example:
        zkg build                 # writes graph/zhaotong.ttl and graph/zhaotong.nt
        zkg build --out /tmp/g    # the same files, elsewhere
    """
    root = root or project_root()
    result = build(root, shacl=not no_shacl)
    out = out or root / "graph"
    files = dict(zip(GRAPH_FILES, (result.turtle.encode("utf-8"), result.ntriples.encode("utf-8"))))
    manifest = make_manifest(files, result.summary["triples"])
    write_atomically({**files, MANIFEST: manifest_text(manifest).encode("utf-8")}, out)
    s = result.summary
    click.echo(f"wrote {out / GRAPH_FILES[0]} and {out / GRAPH_FILES[1]}: {s['triples']} triples")
    click.echo("records:  " + ", ".join(f"{k} {v}" for k, v in s["records"].items()))
    click.echo("facts:    " + ", ".join(f"{k} {v}" for k, v in s["facts_by_status"].items()))
    click.echo("entities: " + ", ".join(f"{k} {v}" for k, v in s["entities_per_class"].items()))
    click.echo(f"validation: closed vocabulary ok; SHACL {'skipped' if no_shacl else 'conforms'}")
    click.echo(f"source defects: {s['defects_curated']} curated, {s['defects_detected']} detected, "
               f"{s['defects_uncurated']} detected but not curated, "
               f"{s['defects_unconfirmed']} curated but not detected (run `zkg audit`)")


@cli.command("audit")
@root_option
@_fail_on_bad_input
def audit_command(root: Path | None) -> None:
    """List the article's defects: detected, curated, and where the two disagree.

    \b
    Example:
        zkg audit
    """
    project = load_project(root or project_root())
    result = audit(project)
    click.echo(f"{len(project.article.paragraphs)} paragraphs in {project.article.key}; "
               f"{len(result.curated)} curated defects, {len(result.detected)} detected")
    for rec in result.curated:
        of = f" of P{as_ints(rec['of'])}" if rec.get("of") else ""
        click.echo(f"  {rec['kind']:<18} P{as_ints(rec['paragraphs'])}{of}  «{rec['evidence']}»  {rec.get('note', '')}")
    for f in result.uncurated:
        click.echo(f"  ! detected, not curated: {f.kind} P{list(f.paragraphs)} «{f.evidence}»")
    for rec in result.unconfirmed:
        click.echo(f"  ? curated, not detected: {rec['kind']} {rec.id} (a curator's reading)")
