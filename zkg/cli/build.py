"""``zkg build`` and ``zkg audit``: the only place the build touches files."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import BinaryIO, Callable, Mapping

import click

from kg_build import BuildError, FactError, audit, build, load_project
from kg_build.build import GRAPH_FILES, ONTOLOGY, read_turtle
from kg_build.schema import CATALOGUE_SCHEMA, FACT_SCHEMA, catalogue_schema, fact_schema, schema_text
from kg_build.vocab import load_vocabulary
from kg_build.facts import as_ints
from kg_build.manifest import MANIFEST, GraphFileError, manifest_text, read_manifest
from zkg.cli import cli
from zkg.cli.options import root_option

__all__ = ["write_atomically", "check_out", "WriteError", "project_root", "previous_records",
           "schema_files"]

TEMP_SUFFIX = ".tmp"


class WriteError(Exception):
    """The graph files could not be written; one line saying where, why and what was left as it was."""


def project_root() -> Path:
    """The project folder, found as the other commands find theirs: the working directory or the
    nearest folder above it holding ``facts/``, ``ontology/`` and ``sources/``; else the checkout
    this package is installed from (an editable install)."""
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if all((folder / name).is_dir() for name in ("facts", "ontology", "sources")):
            return folder
    return Path(__file__).resolve().parents[2]


def _temp_pattern(names) -> re.Pattern:
    """The names our temporary files get (``.<name>.<random>.tmp``, from :func:`tempfile.mkstemp`)."""
    return re.compile(r"^\.(?:%s)\.[A-Za-z0-9_]+%s$" % ("|".join(map(re.escape, names)), re.escape(TEMP_SUFFIX)))


def _why(exc: OSError) -> str:
    return exc.strerror or errno.errorcode.get(exc.errno or 0, "") or str(exc)


def check_out(out: Path, names) -> None:
    """Check, creating nothing, that ``out`` is a folder or could be created as one (its nearest
    existing ancestor is a folder), and that none of ``names`` in it is a folder or other non-file:
    a build should not run for seconds only to find it cannot write. Raises :class:`WriteError`."""
    ancestor = out
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise WriteError(f"cannot create the folder {out} ({ancestor} is not a folder); nothing was written")
    for name in names:
        target = out / name
        if target.is_dir() or (target.exists() and not target.is_file()):
            raise WriteError(f"{target} is not a regular file; nothing was replaced (remove or rename it)")


#: Writes one file's bytes into the open temporary file, given the temporary files written before it
#: (name -> path): a big file is streamed, and a manifest can be made from the files it lists.
Writer = Callable[[BinaryIO, Mapping[str, Path]], object]


def write_atomically(files: Mapping[str, bytes | Writer], out: Path) -> None:
    """Write every file to a temporary name in ``out``, then rename them all in order: never
    half-written. Put the manifest last: until it is renamed, readers refuse the new files. A file
    is its bytes or a :data:`Writer` that streams them.

    Before anything is replaced, every target is checked (``out`` is a folder we can write to, no
    target is a folder), and every temporary file is written in full (a full disk stops the build
    here, with the old files untouched). The files get the mode the umask allows (0666 & ~umask).
    Temporary files that a killed build left (our names only) are removed; a lock on the folder
    keeps two builds from writing into it at once. Raises :class:`WriteError`.
    """
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"cannot create the folder {out} ({_why(exc)}); nothing was written") from None
    check_out(out, files)
    try:
        dir_fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise WriteError(f"cannot open the folder {out} ({_why(exc)}); nothing was written") from None
    temps: list[tuple[str, Path]] = []
    try:
        try:
            fcntl.flock(dir_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WriteError(f"another zkg build is writing into {out}; nothing was written (wait and retry)") from None
        except OSError:
            pass  # a file system without locks on folders: write unlocked, as before
        stale = _temp_pattern(files)
        for entry in os.listdir(out):
            if stale.match(entry):
                with contextlib.suppress(OSError):  # e.g. a folder of that name: not ours to remove
                    (out / entry).unlink()
        umask = os.umask(0)
        os.umask(umask)
        try:
            for name, data in files.items():
                fd, tmp_name = tempfile.mkstemp(dir=out, prefix=f".{name}.", suffix=TEMP_SUFFIX)
                temps.append((name, Path(tmp_name)))
                with os.fdopen(fd, "wb") as fh:
                    os.fchmod(fh.fileno(), 0o666 & ~umask)
                    if isinstance(data, bytes):
                        fh.write(data)
                    else:
                        data(fh, dict(temps[:-1]))
                    fh.flush()
                    os.fsync(fh.fileno())
        except OSError as exc:
            raise WriteError(f"cannot write into {out} ({_why(exc)}); nothing was replaced") from None
        done: list[str] = []
        try:
            for name, tmp in temps:
                os.replace(tmp, out / name)
                done.append(name)
        except OSError as exc:
            raise WriteError(f"cannot replace {out / name} ({_why(exc)}) after replacing "
                             f"{', '.join(done) or 'nothing'}; readers refuse the files until a build "
                             f"completes (the manifest was not replaced): rerun `zkg build`") from None
        os.fsync(dir_fd)
    finally:
        for _, tmp in temps:
            tmp.unlink(missing_ok=True)
        os.close(dir_fd)


def schema_files(root: Path) -> dict[str, str]:
    """The generated JSON Schema files of the project at ``root``: relative path -> text."""
    vocab = load_vocabulary(read_turtle(root, ONTOLOGY))
    return {FACT_SCHEMA: schema_text(fact_schema(vocab)), CATALOGUE_SCHEMA: schema_text(catalogue_schema())}


def previous_records(out: Path) -> dict[str, int]:
    """The per-file record counts in the manifest of the previous build in ``out`` ({} if none)."""
    try:
        records = read_manifest(out).get("records")
    except GraphFileError:
        return {}
    return dict(records) if isinstance(records, dict) else {}


def _fail_on_bad_input(fn):
    """Turn the build's errors into one-line CLI errors (exit 1, no traceback)."""
    def run(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (FactError, WriteError) as exc:
            raise click.ClickException(str(exc)) from None
        except BuildError as exc:
            for line in exc.problems[:50]:
                click.echo(f"  {line}", err=True)
            more = " (first 50 shown)" if len(exc.problems) > 50 else ""
            raise click.ClickException(
                f"{exc.what} failed with {len(exc.problems)} problem(s){more}; nothing was written") from None
    run.__name__, run.__doc__ = fn.__name__, fn.__doc__
    return run


def _build_into(root: Path, out: Path, no_shacl: bool, timings: dict[str, float]) -> dict:
    """Build the project at ``root`` and write its graph files and manifest into ``out``, each
    streamed into its temporary file; the build's summary. The dataset is let go on return (before
    the store is loaded from the files). ``timings`` gets the seconds of each stage."""
    result = build(root, shacl=not no_shacl, previous=previous_records(out), previous_from=str(out / MANIFEST),
                   timings=timings)
    start = time.perf_counter()
    graph_files: dict[str, Writer] = {name: partial(lambda n, fh, _: result.write(n, fh), name) for name in GRAPH_FILES}
    write_atomically({**graph_files, MANIFEST: lambda fh, written: fh.write(
        manifest_text(result.manifest(dict(written))).encode("utf-8"))}, out)
    timings["write the files and manifest"] = time.perf_counter() - start
    return result.summary


def _write_store(out: Path) -> None:
    """Load the new graph files into the persistent store beside them (``zkg load``), which every
    command opens; a store that cannot be written is a warning (commands then load in memory)."""
    from zkg.errors import StoreError
    from zkg.loading import find_ontology_file
    from zkg.persistent import STORE_DIR, refresh

    try:
        opened = refresh(out, find_ontology_file(out))
    except StoreError as exc:
        click.echo(f"warning: {exc}; until then each command loads the graph in memory", err=True)
        return
    if opened.lease is not None:
        opened.lease.close()
    click.echo(f"store:    {out / STORE_DIR} (opened read-only by every command)")


@cli.command("build")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write zhaotong.ttl and zhaotong.nt into (default: graph/).")
@click.option("--no-shacl", is_flag=True, help="Skip SHACL validation (faster; the tests never skip it).")
@click.option("--schema", "schema_only", is_flag=True,
              help="Only write the JSON Schemas of the fact files (facts/schema.json) and of the sources "
                   "catalogue (sources/catalogue.schema.json), generated from the loader's schema and the ontology.")
@click.option("--timings", "show_timings", is_flag=True, help="Print the seconds each stage took, on stderr.")
@root_option
@_fail_on_bad_input
def build_command(out: Path | None, no_shacl: bool, schema_only: bool, show_timings: bool, root: Path | None) -> None:
    """Build the knowledge graph from the article and the curated facts.

    Checks every fact (schema, references, the article's words), emits the triples, validates them
    against the ontology and the SHACL shapes, and writes the dataset as TriG and N-Quads, then
    loads it into the persistent store beside them (graph/.store, as `zkg load`).

    \b
    Example:
        zkg build                 # writes graph/zhaotong.trig, graph/zhaotong.nq and graph/.store
        zkg build --out /tmp/g    # the same files, elsewhere
        zkg build --schema        # regenerate facts/schema.json for editors
        zkg build --timings       # and say how long each stage took
    """
    root = root or project_root()
    if schema_only:
        texts = schema_files(root)
        for rel, text in texts.items():
            write_atomically({Path(rel).name: text.encode("utf-8")}, root / Path(rel).parent)
        click.echo("wrote " + " and ".join(texts))
        return
    out = out or root / "graph"
    check_out(out, (*GRAPH_FILES, MANIFEST))
    timings: dict[str, float] = {}
    s = _build_into(root, out, no_shacl, timings)
    click.echo(f"wrote {out / GRAPH_FILES[0]} and {out / GRAPH_FILES[1]}: {s['triples']} triples; "
               f"{s['quads']} quads in {s['graphs']} named graphs (one per record and article, and the provenance)")
    start = time.perf_counter()
    _write_store(out)
    timings["load the persistent store"] = time.perf_counter() - start
    if show_timings:
        for stage, seconds in timings.items():
            click.echo(f"time: {seconds:8.2f} s  {stage}", err=True)
    click.echo("records:  " + ", ".join(f"{k} {v}" for k, v in s["records"].items()))
    click.echo("per file: " + ", ".join(f"{k} {v}" for k, v in s["records_per_file"].items()))
    click.echo("facts:    " + ", ".join(f"{k} {v}" for k, v in s["facts_by_status"].items()))
    click.echo("entities: " + ", ".join(f"{k} {v}" for k, v in s["entities_per_class"].items()))
    if s.get("verdicts"):
        click.echo("against other reports: " + ", ".join(f"{k} {v}" for k, v in s["verdicts"].items())
                   + " (zkg query corroboration)")
    click.echo(f"validation: closed vocabulary ok; SHACL {'skipped' if no_shacl else 'conforms'}")
    click.echo(f"source defects: {s['defects_curated']} curated, {s['defects_detected']} detected, "
               f"{s['defects_uncurated']} detected but not curated, "
               f"{s['defects_unconfirmed']} curated but not detected (run `zkg audit`)")


@cli.command("audit")
@root_option
@_fail_on_bad_input
def audit_command(root: Path | None) -> None:
    """List each article's defects: detected, curated, and where the two disagree (per article).

    \b
    Example:
        zkg audit
    """
    project = load_project(root or project_root())
    for key, result in audit(project).items():
        article = project.articles[key]
        title = article.meta.get("title", "")
        click.echo(f"{article.path} ({key}{', ' + title if title else ''}): {len(article.paragraphs)} paragraphs; "
                   f"{len(result.curated)} curated defects, {len(result.detected)} detected")
        for rec in result.curated:
            of = f" of P{as_ints(rec['of'])}" if rec.get("of") else ""
            click.echo(f"  {rec['kind']:<18} P{as_ints(rec['paragraphs'])}{of}  «{rec['evidence']}»  "
                       f"{rec.get('note', '')}")
        for f in result.uncurated:
            click.echo(f"  ! detected, not curated: {f.kind} P{list(f.paragraphs)} «{f.evidence}»")
        for rec in result.unconfirmed:
            click.echo(f"  ? curated, not detected: {rec['kind']} {rec.id} (a curator's reading)")
