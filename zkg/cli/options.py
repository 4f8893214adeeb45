"""What several ``zkg`` commands share, declared once: their options (click decorators), where their
folders are by default, and the one-line error they raise.

A command takes an option by decorating itself with it (``@graph_dir_option``); a group of options
that always travel together has one decorator (``@store_options``: where the graph is and how long a
query may take). Options that mean something else in one command (``zkg push --endpoint`` is a Graph
Store URL, ``zkg serve --timeout`` a server-side limit) are declared in that command.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, TypeVar

import click

from zkg.store import DEFAULT_TIMEOUT, ENGINES
from zkg.table import FORMATS

if TYPE_CHECKING:
    from zkg.catalogue import Catalogue

__all__ = ["default_dir", "fail", "load_catalogue", "queries_dir_option", "graph_dir_option", "engine_option", "endpoint_option", "timeout_option",
           "store_options", "format_option", "wide_option", "output_option", "seed_option", "root_option"]

F = TypeVar("F", bound=Callable)

_CHECKOUT = Path(__file__).resolve().parents[2]


def default_dir(name: str) -> Path:
    """``./NAME`` when it exists, else the folder beside the package (a checkout)."""
    local = Path.cwd() / name
    return local if local.is_dir() else _CHECKOUT / name


def fail(exc: Exception) -> click.ClickException:
    """The error of the library as one line (exit 1, no traceback): the first line of its message."""
    return click.ClickException(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


def load_catalogue(queries_dir: Path | None) -> "Catalogue":
    """The named questions of ``queries_dir`` (default: ``queries/``); none is an error."""
    from zkg.api import read_queries
    from zkg.catalogue import Catalogue

    folder = queries_dir or default_dir("queries")
    texts = read_queries(folder)
    if not texts:
        raise click.ClickException(f"no named questions in {folder}/: pass --queries-dir DIR")
    return Catalogue.from_texts(texts)


queries_dir_option = click.option(
    "--queries-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Folder of named .rq questions (default: ./queries).")
graph_dir_option = click.option(
    "--graph-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Folder holding the built graph (zhaotong.nq, manifest.json; default: ./graph).")

engine_option = click.option(
    "--engine", type=click.Choice(ENGINES), default="oxigraph", show_default=True,
    help="Embedded store to load graph/ (and the ontology beside it) into.")

endpoint_option = click.option(
    "--endpoint", metavar="URL", help="Ask this SPARQL 1.1 query endpoint instead of an embedded store.")

timeout_option = click.option(
    "--timeout", type=click.FloatRange(min=0.1), default=DEFAULT_TIMEOUT, show_default=True,
    help="Seconds a query may run, on every engine (and to wait for a server).")


def store_options(f: F) -> F:
    """--engine, --endpoint, --graph-dir and --timeout: where the graph is and how long a query may take."""
    for option in (timeout_option, graph_dir_option, endpoint_option, engine_option):
        f = option(f)
    return f


FORMAT_HELP = ("table lines up Chinese (for people); csv, tsv; json is SPARQL 1.1 JSON results; records is a JSON "
               "array of row objects and jsonl one object a line (for pandas and jq); md")


def format_option(extra: tuple[str, ...] = (), more_help: str = "") -> Callable[[F], F]:
    """-f/--format: how to print a table of answers (``extra`` formats and ``more_help`` for a command
    that prints more than tables)."""
    return click.option("-f", "--format", "fmt", type=click.Choice(FORMATS + extra), default="table",
                        show_default=True, help=FORMAT_HELP + (". " + more_help if more_help else "."))


wide_option = click.option("--wide", is_flag=True, help="Do not cut long text in tables (cut at 60 columns otherwise).")


def output_option(what: str, required: bool = False) -> Callable[[F], F]:
    """-o/--output FILE: the one file a command writes (``what`` says which)."""
    return click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        required=required, help=what)


def seed_option(what: str = "Layout seed: same seed, same picture.") -> Callable[[F], F]:
    """--seed: every random choice (layouts, samples) takes it, so the same seed gives the same result."""
    return click.option("--seed", type=int, default=0, show_default=True, help=what)


root_option = click.option(
    "--root", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
    help="Project folder with sources/, facts/ and ontology/ (default: the working directory or the "
         "nearest folder above it that has them, else this checkout).")
