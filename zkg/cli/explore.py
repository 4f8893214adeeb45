"""``zkg search``, ``zkg show`` and ``zkg paragraph``: find things by name, see one thing whole,
read one paragraph with the facts that cite it.

This module reads arguments and prints; the work is done by ``zkg.lookup`` and ``zkg.explore``.
"""

from __future__ import annotations

import click

from zkg import explore
from zkg.cli import cli
from zkg.cli.options import default_dir, fail, format_option, store_options, wide_option
from zkg.errors import QueryInterrupted
from zkg.lookup import Names
from zkg.errors import StoreError
from zkg.store import open_store
from zkg.values import compact
from zkg.table import format_result

__all__ = ["search", "show", "paragraph"]


def _open(engine, endpoint, graph_dir, timeout):
    return open_store(graph_dir or default_dir("graph"), engine=engine, endpoint=endpoint, timeout=timeout)


def _guarded(run):
    """Run ``run()``; errors of the query layer become one line (exit 1)."""
    try:
        return run()
    except QueryInterrupted as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(130) from None
    except StoreError as exc:
        raise fail(exc) from None


@cli.command()
@click.argument("text")
@click.option("--class", "cls", metavar="CLASS", default=None,
              help="Only things of this class (zt:School, or its name: 学校).")
@click.option("-n", "--limit", type=click.IntRange(min=1), default=20, show_default=True, help="How many to show.")
@format_option()
@store_options
def search(text, cls, limit, fmt, engine, endpoint, graph_dir, timeout):
    """Find things by name: Chinese or English, label or other name, whole or part.

    Ranked: exact label, exact other name, prefix, substring, then by class.

    \b
    Example:
        zkg search 一中
    """
    def run():
        store = _open(engine, endpoint, graph_dir, timeout)
        names = Names.from_store(store)
        wanted = names.resolve(cls, what="class") if cls else None
        result = explore.search(names, text, wanted, limit)
        if not result.rows:
            near = names.closest(text)
            hint = f": closest names: {', '.join(near)}" if near else ""
            raise click.ClickException(f"no name contains {text!r}{hint}")
        output = format_result(result, fmt)
        click.echo(output if output.endswith("\n") else output + "\n", nl=False)
    _guarded(run)


def _section(title: str) -> None:
    click.echo()
    click.echo(click.style(title, bold=True))


@cli.command()
@click.argument("entity")
@wide_option
@store_options
def show(entity, wide, engine, endpoint, graph_dir, timeout):
    """Everything about one thing, by name or IRI: its names and class, what the article says
    about it (statements in and out, with the words and paragraph), its figures, and the
    defects of the article its facts rest on.

    \b
    Example:
        zkg show 周世碧
    """
    def run():
        store = _open(engine, endpoint, graph_dir, timeout)
        names = Names.from_store(store)
        iri = names.resolve(entity)
        report = explore.entity_report(store, names, iri)
        if report.empty:
            raise click.ClickException(f"nothing in the graph about {compact(iri)}: "
                                       f"check the IRI, or find it by name with zkg search")
        title = "  ".join(dict.fromkeys(v for v in report.labels.values())) or compact(iri)
        click.echo(click.style(title, bold=True))
        click.echo(f"{compact(iri)}  ({iri})")
        if report.classes:
            click.echo("class: " + "; ".join(report.classes))
        if report.alt:
            click.echo("also called: " + "、".join(report.alt))
        for d in report.descriptions:
            click.echo(f"about: {d}")
        for quote, paras in report.introduced:
            click.echo(f"named in the article: 「{quote}」 {paras}".rstrip())
        if report.statements.rows:
            _section(f"Statements ({len(report.statements.rows)}; → from it, ← to it)")
            click.echo(format_result(report.statements.__class__(
                ("", "property", "other end", "the article's words", "¶"),
                [(d, f"{p} ({c})" if p != c else c, o, q, n) for d, p, c, o, _oi, q, n in report.statements.rows],
                True), "table", wide=wide))
        if report.figures.rows:
            _section(f"Figures ({len(report.figures.rows)})")
            click.echo(format_result(report.figures.__class__(
                report.figures.columns[:-1], [r[:-1] for r in report.figures.rows], True), "table", wide=wide))
        if report.mentions.rows:
            _section(f"Paragraphs whose text names it ({len(report.mentions.rows)}; zkg paragraph N prints one)")
            click.echo(format_result(report.mentions, "table", wide=wide))
        if report.defects.rows:
            _section(f"Defects of the article its facts rest on ({len(report.defects.rows)})")
            click.echo(format_result(report.defects, "table", wide=wide))
    _guarded(run)


@cli.command()
@click.argument("number", type=int)
@wide_option
@store_options
def paragraph(number, wide, engine, endpoint, graph_dir, timeout):
    """Paragraph N of the article (the N-th non-blank line), with the facts that cite it and
    its defects. Use it to find the words and number for a new fact.

    \b
    Example:
        zkg paragraph 16
    """
    def run():
        store = _open(engine, endpoint, graph_dir, timeout)
        names = Names.from_store(store)
        report = explore.paragraph_report(store, names, number)
        if report is None:
            span = explore.paragraph_range(store)
            have = f"the article has paragraphs {span[0]}–{span[1]}" if span else "the graph has no paragraphs"
            raise click.ClickException(f"no paragraph {number}: {have}")
        click.echo(click.style(f"¶{report.number}", bold=True) + f"  {compact(report.iri)}")
        click.echo(report.text)  # verbatim, unwrapped: its words are what a fact quotes
        if report.defects.rows:
            _section(f"Defects ({len(report.defects.rows)})")
            click.echo(format_result(report.defects, "table", wide=wide))
        _section(f"Facts citing it ({len(report.facts.rows)})")
        if report.facts.rows:
            click.echo(format_result(report.facts, "table", wide=wide))
        else:
            click.echo("none yet (see README: how to add a fact)")
    _guarded(run)
