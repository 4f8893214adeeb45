"""``zkg query`` and ``zkg push``: the SPARQL layer on the command line (``zkg serve`` is in
``zkg.cli.serve``).

This module reads arguments and files and prints; the work is done by ``zkg.store``,
``zkg.catalogue``, ``zkg.table`` and ``zkg.push``.
"""

from __future__ import annotations

import re
from pathlib import Path

import click

from zkg.api import read_queries
from zkg.catalogue import Catalogue, CatalogueError, Question, parse_question
from zkg.cli import cli
from zkg.errors import QueryInterrupted
from zkg.lookup import closest, missing_iris
from zkg.push import push_graph
from zkg.store import DEFAULT_TIMEOUT, ENGINES, IRI, StoreError, open_store
from zkg.table import FORMATS, delimited_lines, format_result

__all__ = ["query", "push"]

_HERE = Path(__file__).resolve().parents[2]
MAX_ROWS = 10000


def _default_dir(name: str) -> Path:
    """``./NAME`` when it exists, else the folder beside the package (a checkout)."""
    local = Path.cwd() / name
    return local if local.is_dir() else _HERE / name


graph_dir_option = click.option(
    "--graph-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Folder holding zhaotong.nt (default: ./graph).")
timeout_option = click.option(
    "--timeout", type=click.FloatRange(min=0.1), default=DEFAULT_TIMEOUT, show_default=True,
    help="Seconds a query may run, on every engine (and to wait for a server).")


def _fail(exc: Exception) -> click.ClickException:
    return click.ClickException(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*", name):
            raise click.UsageError(f"--param {pair!r}: write --param name=value")
        params[name] = value
    return params


def _adhoc_params(given: dict[str, str]) -> dict:
    """Parameters of a query without a header: ``<…>`` is an IRI, anything else a string."""
    return {k: IRI(v[1:-1]) if v.startswith("<") and v.endswith(">") else v for k, v in given.items()}


def _catalogue(queries_dir: Path | None) -> Catalogue:
    folder = queries_dir or _default_dir("queries")
    texts = read_queries(folder)
    if not texts:
        raise click.ClickException(f"no named questions in {folder}/: pass --queries-dir DIR")
    return Catalogue.from_texts(texts)


def _list(catalogue: Catalogue) -> str:
    lines = []
    for q in catalogue:
        lines.append(f"{q.name}")
        lines.append(f"    {q.question_zh}")
        lines.append(f"    {q.question_en}")
        for p in q.params:
            lines.append(f"    --param {p.describe()}: {p.doc}")
    return "\n".join(lines)


@cli.command()
@click.argument("name", required=False)
@click.option("-e", "--expression", "text", metavar="SPARQL", help="Run this query text instead of a named one.")
@click.option("--list", "list_", is_flag=True, help="List the named questions and their parameters.")
@click.option("--all", "all_", is_flag=True, help="Run every named question, each with its title.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a parameter (repeatable); IRIs may be written ztd:… .")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="table lines up Chinese; json is SPARQL 1.1 JSON results.")
@click.option("--engine", type=click.Choice(ENGINES), default="oxigraph", show_default=True,
              help="Embedded store to load graph/ into.")
@click.option("--endpoint", metavar="URL", help="Ask this SPARQL 1.1 query endpoint instead.")
@graph_dir_option
@click.option("--queries-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of named .rq questions (default: ./queries).")
@timeout_option
@click.option("--max-rows", type=click.IntRange(min=0), default=MAX_ROWS, show_default=True,
              help="Print at most this many rows (0: all; csv and tsv then stream in constant memory); "
                   "a cut answer says so on stderr.")
@click.option("--allow-service", is_flag=True,
              help="Let a SERVICE clause run: the engine then fetches from the server it names. Off by default.")
def query(name, text, list_, all_, params, fmt, engine, endpoint, graph_dir, queries_dir, timeout, max_rows,
          allow_service):
    """Answer a named question, a .rq file or a SPARQL text (read-only).

    NAME is a question of `zkg query --list` or a path to a .rq file.

    \b
    Examples:
        zkg query --list
        zkg query alliance-members
        zkg query fact-words --param fact=ztd:fact/fig-edu-investment-3y --format md
        zkg query -e 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' --engine rdflib
        zkg query --all --endpoint http://127.0.0.1:7878/query
    """
    chosen = sum(bool(x) for x in (name, text, list_, all_))
    if chosen != 1:
        raise click.UsageError("give exactly one of NAME, -e SPARQL, --list or --all (try: zkg query --list)")
    given = _parse_params(params)
    try:
        if list_:
            click.echo(_list(_catalogue(queries_dir)))
            return
        if name and (name.endswith(".rq") or Path(name).is_file()):
            path = Path(name)
            if not path.is_file():
                raise click.ClickException(f"no file {name}: check the path (or zkg query --list for named ones)")
            file_text = path.read_text(encoding="utf-8")
            try:
                jobs = [(parse_question(path.stem, file_text), None)]
            except CatalogueError:
                jobs = [(None, file_text)]
        elif text:
            jobs = [(None, text)]
        elif all_:
            jobs = [(q, None) for q in _catalogue(queries_dir)]
        else:
            jobs = [(_catalogue(queries_dir).get(name), None)]
        if all_ and given:
            unused = sorted(set(given) - {p.name for q, _ in jobs for p in q.params})
            if unused:
                raise click.UsageError(f"--param {unused[0]}: no named question takes it (see zkg query --list)")
        store = open_store(graph_dir or _default_dir("graph"), engine=engine, endpoint=endpoint, timeout=timeout)
        for question, raw in jobs:
            if question is not None:
                mine = {k: v for k, v in given.items() if k in {p.name for p in question.params}} if all_ else given
                bound = question.bind(mine)
                result = store.select(question.text, bound, max_rows=max_rows, allow_service=allow_service)
            else:
                bound = _adhoc_params(given)
                if max_rows == 0 and fmt in ("csv", "tsv"):  # all rows, in constant memory
                    columns, rows = store.stream(raw, bound, allow_service=allow_service)
                    _write_lines(delimited_lines(columns, rows, "," if fmt == "csv" else "\t"))
                    continue
                result = store.select(raw, bound, max_rows=max_rows, allow_service=allow_service)
            _warn_missing(store, bound)
            if all_:
                click.echo(f"## {question.name}: {question.question_zh} / {question.question_en}\n")
            output = format_result(result, fmt)
            click.echo(output if output.endswith("\n") else output + "\n", nl=all_)
            if result.truncated:
                click.echo(f"warning: the answer was cut at {max_rows} rows: pass --max-rows N (or 0 for all)",
                           err=True)
    except QueryInterrupted as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(130) from None
    except StoreError as exc:
        raise _fail(exc) from None


def _write_lines(lines, chunk: int = 4096) -> None:
    """Write text lines to stdout in chunks (a write per line costs more than the row)."""
    out = click.get_text_stream("stdout")
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= chunk:
            out.write("".join(batch))
            batch.clear()
    out.write("".join(batch))
    out.flush()


def _warn_missing(store, bound: dict) -> None:
    """Warn on stderr about IRI parameters that occur nowhere in the graph, naming the closest."""
    for name, iri in missing_iris(store, bound):
        near = closest(store, iri)
        hint = f"; closest: {', '.join(near)}" if near else ""
        click.echo(f"warning: --param {name}={iri} is not in the graph{hint}", err=True)


@cli.command()
@click.option("--endpoint", metavar="URL", required=True,
              help="Graph Store endpoint (Oxigraph: http://HOST:PORT/store).")
@click.option("--graph", "graph_iri", metavar="IRI", default=None, help="Named graph to replace (default: the default graph).")
@click.option("--query-endpoint", metavar="URL", default=None,
              help="Where to count the triples afterwards (default: …/store → …/query, else the same URL).")
@graph_dir_option
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True, help="Seconds to wait.")
def push(endpoint, graph_iri, query_endpoint, graph_dir, timeout):
    """Load graph/zhaotong.nt into a SPARQL server (Graph Store Protocol PUT), then check the count.

    The target graph is replaced whole; it is never left half-loaded.

    \b
    Example:
        zkg push --endpoint http://127.0.0.1:7878/store
    """
    folder = graph_dir or _default_dir("graph")
    if graph_iri is not None and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", graph_iri):
        raise click.UsageError(f"--graph {graph_iri!r} is not an absolute IRI")
    try:
        report = push_graph(folder, endpoint, graph_iri, query_endpoint, timeout)
    except StoreError as exc:
        raise _fail(exc) from None
    click.echo(f"pushed {report.found} triples to {report.url} (HTTP {report.status}); the server holds them all")

