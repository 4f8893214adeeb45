"""``zkg synth``: write a synthetic province (``kg_build.synth``) as a project folder that
``zkg build --root DIR`` builds with the real builder."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import click

from kg_build.synth import COPIED, SCHOOLS_PER_COUNTY, TRIPLES_PER_SCHOOL, expected_triples, plan, project_files
from zkg.cli import cli
from zkg.cli.build import project_root
from zkg.cli.options import seed_option

__all__ = ["synth"]


@cli.command()
@click.option("--schools", type=int, required=True,
              help=f"How many schools ({SCHOOLS_PER_COUNTY} a county; about {TRIPLES_PER_SCHOOL} triples a school, "
                   "so 116000 make about 10M).")
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Folder to create (it must not exist, or be empty).")
@seed_option("Seed of the made-up numbers and names: same seed, same bytes.")
def synth(schools: int, out: Path, seed: int) -> None:
    """Write a synthetic province (合成省, made up and marked so) of N schools as a project folder.

    Its counties each get a generated article and a fact file in the project's own format
    (schools of every level with principals and figures quoted from the article, alliances,
    bureaus and their directors, programmes, indicators of two years), with synthetic division
    codes (99xxxx) in facts/reference/places.csv; the ontology and schemas are copied from this
    project. Build it with `zkg build --root DIR`. For benchmarks: sizes of 10k to 10M triples.

    \b
    Example:
        zkg synth --schools 200 --out /tmp/synth && zkg build --root /tmp/synth
    """
    try:
        p = plan(schools, seed)
    except ValueError as exc:
        raise click.BadParameter(str(exc).split(": ", 1)[-1].replace("--schools ", ""),
                                 param_hint="'--schools'") from None
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise click.ClickException(f"{out} exists and is not an empty folder; nothing was written "
                                   "(choose a new --out, or remove it)")
    source = project_root()
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for rel in COPIED:
            (work / rel).parent.mkdir(parents=True, exist_ok=True)
            (shutil.copytree if (source / rel).is_dir() else shutil.copy)(source / rel, work / rel)
        files = 0
        for rel, text in project_files(p):
            path = work / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            files += 1
        if out.exists():
            out.rmdir()
        work.rename(out)
    except OSError as exc:
        raise click.ClickException(f"cannot write {out} ({exc.strerror or exc}); nothing was written") from None
    finally:
        if work.exists():
            shutil.rmtree(work)
    click.echo(f"wrote {out}: {p.schools} schools in {p.counties} counties of {p.prefectures} prefectures, "
               f"{files} files; about {expected_triples(p):,} triples (`zkg build --root {out}`)")
