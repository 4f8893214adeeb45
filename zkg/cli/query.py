"""``zkg query``, ``zkg load`` and ``zkg push``: the SPARQL layer on the command line (``zkg serve``
is in ``zkg.cli.serve``).

This module reads arguments and files and prints; the work is done by ``zkg.store``, ``zkg.loading``,
``zkg.persistent``, ``zkg.catalogue``, ``zkg.lookup``, ``zkg.table`` and ``zkg.push``. It imports
only what ``zkg query`` needs (no rdflib, no builder, no NetworkX, no pandas); ``zkg push`` imports
its own.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from zkg.adhoc import prepare_adhoc
from zkg.catalogue import Catalogue, CatalogueError, Question, parse_question
from zkg.cli import cli
from zkg.lookup import Resolver, missing_iris
from zkg.cli.options import default_dir, fail, load_catalogue, queries_dir_option, format_option, graph_dir_option, store_options, wide_option
from zkg.errors import QueryInterrupted, StoreError
from zkg.manifest import GraphFileError
from zkg.result import Result
from zkg.store import MAX_ROWS, open_store
from zkg.values import compact, IRI
from zkg.table import GRAPH_FORMATS, delimited_lines, format_graph, format_result

__all__ = ["query", "load", "push"]

#: File name endings for --out-dir.
EXTENSIONS = {"table": "txt", "md": "md", "csv": "csv", "tsv": "tsv", "json": "srj", "records": "json",
              "jsonl": "jsonl", "ttl": "ttl", "nt": "nt", "jsonld": "jsonld"}


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


def _list(catalogue: Catalogue) -> str:
    lines = []
    for q in catalogue:
        lines.append(f"{q.name}")
        lines.append(f"    {q.question_zh}")
        lines.append(f"    {q.question_en}")
        for p in q.params:
            lines.append(f"    --param {p.describe()}: {p.doc}")
    return "\n".join(lines)


def _list_records(catalogue: Catalogue) -> list[dict]:
    return [{"name": q.name, "questionZh": q.question_zh, "questionEn": q.question_en,
             "params": [{"name": p.name, "type": p.type, "required": p.required,
                         "default": None if p.default is None else str(p.default),
                         "class": p.cls, "doc": p.doc} for p in q.params],
             "columns": [{"name": c, "doc": d} for c, d in q.columns]} for q in catalogue]


def _list_output(catalogue: Catalogue, fmt: str) -> str:
    if fmt == "table":
        return _list(catalogue) + "\n"
    records = _list_records(catalogue)
    if fmt in ("json", "records"):
        return json.dumps(records, ensure_ascii=False, indent=1) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    rows = [(q.name, q.question_zh, q.question_en, "; ".join(p.describe() for p in q.params)) for q in catalogue]
    text = format_result(Result(("name", "questionZh", "questionEn", "params"), rows, True), fmt)
    return text if text.endswith("\n") else text + "\n"


def _read_stdin() -> str:
    text = sys.stdin.read()
    if not text.strip():
        raise click.UsageError("no query on standard input: pipe one in, e.g. echo 'ASK {}' | zkg query -")
    return text


@cli.command()
@click.argument("name", required=False)
@click.option("-e", "--expression", "text", metavar="SPARQL",
              help="Run this query text instead of a named one (- reads it from standard input). "
                   "The project's prefixes (zt:, ztd:, rdfs:, skos:, …) are predeclared.")
@click.option("--list", "list_", is_flag=True, help="List the named questions and their parameters (-f json: as JSON).")
@click.option("--all", "all_", is_flag=True,
              help="Run every named question: under titles (table, md), as one JSON document (json: an "
                   "object keyed by question; records, jsonl: JSON Lines with a question field), "
                   "or one file per question with --out-dir.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a parameter (repeatable). A thing may be given by IRI, ztd:/zt: CURIE, or name "
                   "(昭通一中, 周世碧, Zhaotong No.1 Middle School).")
@format_option(GRAPH_FORMATS, "CONSTRUCT and DESCRIBE print Turtle (ttl) unless nt or jsonld is asked for.")
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write each answer to DIR/NAME.csv (or .tsv, .srj, .json, .jsonl, .md, .txt) instead of printing.")
@click.option("--bom", is_flag=True, help="Start csv/tsv with a UTF-8 byte order mark, so Excel shows Chinese.")
@wide_option
@store_options
@queries_dir_option
@click.option("--max-rows", type=click.IntRange(min=0), default=MAX_ROWS, show_default=True,
              help="Print at most this many rows (0: all; csv and tsv then stream in constant memory); "
                   "a cut answer says so on stderr.")
@click.option("--allow-service", is_flag=True,
              help="Let a SERVICE clause run: the engine then fetches from the server it names. Off by default.")
@click.option("--update-expected", is_flag=True,
              help="Write each named question's whole answer (default parameters) into the expected results the "
                   "tests compare with (QUERIES-DIR/expected/NAME.srj): after a curated change, review with git diff.")
def query(name, text, list_, all_, params, fmt, out_dir, bom, wide, engine, endpoint, graph_dir, queries_dir,
          timeout, max_rows, allow_service, update_expected):
    """Answer a named question, a .rq file or a SPARQL text (read-only).

    NAME is a question of `zkg query --list`, a path to a .rq file, or - for a query on
    standard input. Things are given by name or IRI: --param alliance=昭通一中.

    \b
    Examples:
        zkg query --list
        zkg query alliance-counties --param alliance=昭通一中
        zkg query fact-words --param fact=ztd:fact/fig-p09-education-investment-3y --format md
        zkg query investment -f csv --bom > investment.csv
        zkg query --all --out-dir answers -f csv
        zkg query -e 'SELECT (COUNT(*) AS ?n) WHERE { ?s a/rdfs:subClassOf* zt:School }' --engine rdflib
        zkg query -e 'DESCRIBE ?p WHERE { ?p rdfs:label "周世碧"@zh }'
        zkg query --all -f json --endpoint http://127.0.0.1:7878/query
        zkg query --all --update-expected        # then review: git diff queries/expected
    """
    chosen = sum(bool(x) for x in (name, text, list_, all_))
    if chosen != 1:
        raise click.UsageError("give exactly one of NAME, -e SPARQL, --list or --all (try: zkg query --list)")
    if update_expected:
        if text or list_ or params or out_dir or endpoint or (name and (name == "-" or name.endswith(".rq"))):
            raise click.UsageError("--update-expected takes NAME or --all alone: the expected answers are the "
                                   "named questions' with their default parameters, on the embedded store")
        out_dir = (queries_dir or default_dir("queries")) / "expected"
        fmt, max_rows = "json", 0
    if bom and fmt not in ("csv", "tsv"):
        raise click.UsageError("--bom is for -f csv and -f tsv (Excel reads them as UTF-8 with it)")
    if all_ and out_dir is None and fmt in ("csv", "tsv"):
        raise click.UsageError(f"--all -f {fmt} would put many tables in one stream: write one file per "
                               f"question with --out-dir DIR (or use -f json or -f jsonl)")
    given = _parse_params(params)
    try:
        if list_:
            if fmt in GRAPH_FORMATS:
                raise click.UsageError(f"--list cannot be written as {fmt}: use table, json, jsonl, csv, tsv or md")
            click.echo(_list_output(load_catalogue(queries_dir), fmt), nl=False)
            return
        if name == "-" or text == "-":
            jobs: list[tuple[Question | None, str | None, str]] = [(None, _read_stdin(), "stdin")]
        elif name and (name.endswith(".rq") or Path(name).is_file()):
            path = Path(name)
            if not path.is_file():
                raise click.ClickException(f"no file {name}: check the path (or zkg query --list for named ones)")
            file_text = path.read_text(encoding="utf-8")
            try:
                jobs = [(parse_question(path.stem, file_text), None, path.stem)]
            except CatalogueError:
                jobs = [(None, file_text, path.stem)]
        elif text:
            jobs = [(None, text, "query")]
        elif all_:
            jobs = [(q, None, q.name) for q in load_catalogue(queries_dir)]
        else:
            q = _named(queries_dir, name)
            jobs = [(q, None, q.name)]
        if all_ and given:
            unused = sorted(set(given) - {p.name for q, _, _ in jobs if q is not None for p in q.params})
            if unused:
                raise click.UsageError(f"--param {unused[0]}: no named question takes it (see zkg query --list)")
        store = open_store(graph_dir or default_dir("graph"), engine=engine, endpoint=endpoint, timeout=timeout)
        resolver = Resolver(store)
        answers, binds = [], []
        for question, raw, label in jobs:
            if question is not None:
                mine = {k: v for k, v in given.items() if k in {p.name for p in question.params}} if all_ else given
                bound = question.bind(mine, resolver)
                prepared = prepare_adhoc(question.text, allow_service) if raw is None and _adhoc_file(question) \
                    else question.text
                result = store.select(prepared, bound, max_rows=max_rows, allow_service=allow_service)
                form = "SELECT"
            else:
                assert raw is not None  # a job without a named question carries its query text
                bound = _adhoc_params(given)
                prepared = prepare_adhoc(raw, allow_service)
                if max_rows == 0 and fmt in ("csv", "tsv") and out_dir is None and prepared.form == "SELECT":
                    columns, rows = store.stream(prepared, bound, allow_service=allow_service)
                    mark = "\ufeff" if bom else ""  # all rows, in constant memory
                    _write_lines(delimited_lines(columns, rows, "," if fmt == "csv" else "\t"), mark)
                    return
                result = store.select(prepared, bound, max_rows=max_rows, allow_service=allow_service)
                form = prepared.form
            answers.append((question, label, result, form))
            binds.append(bound)
        _note_names(resolver)
        checked: dict[str, IRI] = {}
        for b in binds:
            checked.update({k: v for k, v in b.items() if isinstance(v, IRI)})
        for name_, iri in missing_iris(store, checked):
            _warn_missing(resolver, name_, iri)
        _emit(answers, fmt, out_dir, bom, wide, all_)
        for _, _, result, _ in answers:
            if result.truncated:
                click.echo(f"warning: the answer was cut at {max_rows} rows: pass --max-rows N (or 0 for all)",
                           err=True)
                break
    except QueryInterrupted as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(130) from None
    except StoreError as exc:
        raise fail(exc) from None


def _named(queries_dir: Path | None, name: str) -> Question:
    """The named question ``name``, from its own file alone (the whole catalogue is read only to
    name the closest questions when there is no such file)."""
    path = (queries_dir or default_dir("queries")) / f"{name}.rq"
    if re.fullmatch(r"[A-Za-z0-9_-]+", name) and path.is_file():
        return Catalogue.from_texts({name: path.read_text(encoding="utf-8")}).get(name)
    return load_catalogue(queries_dir).get(name)


def _write_lines(lines, first: str = "", chunk: int = 4096) -> None:
    """Write text lines to stdout in chunks (a write per line costs more than the row)."""
    out = sys.stdout  # click.get_text_stream is deprecated (click 8.5)
    batch: list[str] = [first]
    for line in lines:
        batch.append(line)
        if len(batch) >= chunk:
            out.write("".join(batch))
            batch.clear()
    out.write("".join(batch))
    out.flush()


def _adhoc_file(question: Question) -> bool:
    """A .rq file with a header but without its own prefixes gets the project's (like -e)."""
    return "PREFIX" not in question.text.upper()


def _note_names(resolver: Resolver) -> None:
    """Say on stderr which thing each name stood for (the answer itself has IRIs)."""
    names = resolver._names
    for text, iri in resolver.resolved:
        label = names.label(iri) if names is not None else ""
        click.echo(f"note: {text} = {compact(iri)}" + (f" ({label})" if label and label != text else ""), err=True)


def _warn_missing(resolver: Resolver, name: str, iri: IRI) -> None:
    """Warn on stderr about an IRI parameter that occurs nowhere in the graph, naming the closest."""
    near = resolver.names.closest(compact(iri))
    hint = f"; closest: {', '.join(near)}" if near else ""
    click.echo(f"warning: --param {name}={iri} is not in the graph{hint}", err=True)


def _render(result: Result, form: str, fmt: str, wide: bool) -> str:
    if form in ("CONSTRUCT", "DESCRIBE") and fmt in ("table", *GRAPH_FORMATS):
        return format_graph(result, "ttl" if fmt == "table" else fmt)
    if fmt in GRAPH_FORMATS:
        raise click.UsageError(f"-f {fmt} is for CONSTRUCT and DESCRIBE queries: this one is a {form}; "
                               "use table, csv, tsv, json, records, jsonl or md")
    text = format_result(result, fmt, wide=wide)
    return text if text.endswith("\n") else text + "\n"


def _emit(answers, fmt: str, out_dir: Path | None, bom: bool, wide: bool, all_: bool) -> None:
    """Print the answers, or write one file per answer into ``out_dir``."""
    mark = "\ufeff" if bom else ""
    if out_dir is not None:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            for question, label, result, form in answers:
                ext = EXTENSIONS["ttl" if form in ("CONSTRUCT", "DESCRIBE") and fmt == "table" else fmt]
                path = out_dir / f"{label}.{ext}"
                path.write_text(mark + _render(result, form, fmt, wide=True), encoding="utf-8")
        except OSError as exc:
            raise click.ClickException(f"cannot write into {out_dir}: {exc.strerror}: choose another --out-dir") from None
        click.echo(f"wrote {len(answers)} file{'s' * (len(answers) != 1)} to {out_dir}/ ({fmt})", err=True)
        return
    if not all_:
        _question, _label, result, form = answers[0]
        click.echo(mark + _render(result, form, fmt, wide), nl=False)
        return
    if fmt == "json":  # one object keyed by question, each a SPARQL results document
        parts = [f"{json.dumps(label, ensure_ascii=False)}: {_render(result, form, fmt, wide).rstrip()}"
                 for _q, label, result, form in answers]
        click.echo("{\n" + ",\n".join(parts) + "\n}")
    elif fmt in ("jsonl", "records"):  # JSON Lines, each row with its question
        from zkg.table import record_lines

        for _q, label, result, _form in answers:
            for line in record_lines(result, {"question": label}):
                click.echo(line)
    else:
        for question, label, result, form in answers:
            title = f"{question.name}: {question.question_zh} / {question.question_en}" if question else label
            click.echo(f"## {title}\n")
            click.echo(_render(result, form, fmt, wide))


@cli.command()
@click.option("--endpoint", metavar="URL", required=True,
              help="The server's dataset URL (Oxigraph: http://HOST:PORT/store; with --per-graph, a Graph Store "
                   "URL such as Virtuoso's http://HOST:8890/sparql-graph-crud).")
@click.option("--per-graph", is_flag=True,
              help="One PUT per graph, for a Graph Store server that takes no whole dataset (not all-or-nothing).")
@click.option("--default-graph", metavar="IRI", default=None,
              help="With --per-graph: put the default graph's triples into this named graph, for a server whose "
                   "default graph is the union of all (Virtuoso); it is then asked with ?default-graph-uri=IRI.")
@click.option("--query-endpoint", metavar="URL", default=None,
              help="Where to count the triples afterwards (default: …/store → …/query, …/sparql-graph-crud → "
                   "…/sparql, else the same URL).")
@graph_dir_option
@click.option("--timeout", type=click.FloatRange(min=0.1), default=None,
              help="Seconds the whole push may take (default: 60 and ten per MB of the graph file).")
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
def push(endpoint, per_graph, default_graph, query_endpoint, graph_dir, timeout, quiet):
    """Load the graph's dataset and the ontology into a SPARQL server (Graph Store Protocol PUT), then check the counts.

    The graph file is streamed from disk (the client's memory does not grow with the graph), with
    progress on stderr. By default the server's dataset is replaced by one PUT of N-Quads (a POST when
    the server is empty): never left half-loaded. The default graph, every named graph and the
    ontology (in the default graph and its own named graph) are counted on the server afterwards and
    compared with the build's manifest.
    Virtuoso: --per-graph --default-graph IRI (docs/servers.md).

    \b
    Example:
        zkg push --endpoint http://127.0.0.1:7878/store
        zkg push --per-graph --default-graph urn:zhaotong-kg:default --endpoint http://127.0.0.1:8890/sparql-graph-crud
    """
    from zkg.push import push_graph

    folder = graph_dir or default_dir("graph")
    progress = None if quiet else _Progress()
    try:
        report = push_graph(folder, endpoint, query_endpoint, timeout, per_graph=per_graph,
                            default_graph=default_graph, progress=progress)
    except StoreError as exc:
        raise fail(exc) from None
    finally:
        if progress is not None and progress.pending:
            click.echo("", err=True)  # end the redrawn line
    found = report.dataset
    rate = report.sent / 1e6 / report.seconds if report.seconds > 0 else 0.0
    click.echo(f"pushed {found.triples} triples in the default graph and {found.quads} quads in {found.graphs} "
               f"named graphs to {report.url} ({report.method}, HTTP {report.status}; {report.sent / 1e6:.1f} MB in "
               f"{report.seconds:.1f} s, {rate:.1f} MB/s); the server holds them all")


class _Progress:
    """Bytes sent and the rate, on stderr: a line every few seconds (on a terminal, one line redrawn),
    and a line of its own when the push starts waiting on the server."""

    def __init__(self, every: float = 5.0) -> None:
        self.every, self.last = every, 0.0
        self.tty = sys.stderr.isatty()
        self.pending = False  # a redrawn line is on the terminal, not yet ended

    def __call__(self, sent: int, total: int, seconds: float, what: str = "") -> None:
        if what:
            click.echo(("\n" if self.pending else "") + f"push: {what} ({seconds:.0f} s so far)", err=True)
            self.pending = False
            return
        if seconds - self.last < (0.5 if self.tty else self.every) and sent != total:
            return
        self.last = max(seconds, 1e-3)
        share = f" of {total / 1e6:.1f} MB ({100 * sent / total:.0f} %)" if total and sent <= total else ""
        line = f"push: {sent / 1e6:.1f} MB{share} sent, {sent / 1e6 / max(seconds, 1e-3):.1f} MB/s"
        click.echo(f"\r{line}" if self.tty else line, err=True, nl=not self.tty)
        self.pending = self.tty


@cli.command()
@graph_dir_option
@click.option("--force", is_flag=True, help="Rebuild the store even when it holds the graph files as they are.")
def load(graph_dir, force):
    """Load the graph files into the persistent store beside them (graph/.store), for every command to open.

    `zkg build` does it, and any command does it when the graph files changed (a pull, a copy):
    run it once after getting a graph built elsewhere, so that no later command waits. The graph
    file is checked against its manifest (sha256) first; a graph that does not match is refused.

    \b
    Example:
        zkg load
        zkg load --graph-dir graph --force
    """
    import time

    from zkg.loading import find_ontology_file
    from zkg.manifest import read_manifest
    from zkg.persistent import STORE_DIR, refresh

    folder = graph_dir or default_dir("graph")
    start = time.perf_counter()
    try:
        opened = refresh(folder, find_ontology_file(folder), force=force)
        m = read_manifest(folder)
    except (StoreError, GraphFileError) as exc:
        raise fail(exc) from None
    if opened.lease is not None:
        opened.lease.close()
    what = "loaded the graph into" if opened.how == "rebuilt" else "the store is up to date:"
    click.echo(f"{what} {folder / STORE_DIR}: {m['triples']} triples, {m.get('quads', 0)} quads in "
               f"{m.get('graphs', 0)} named graphs, and the ontology ({time.perf_counter() - start:.2f} s)")
