"""``zkg network`` and ``zkg viz``: the NetworkX answers and the offline picture.

This module reads arguments and files, and prints or writes; the work is done by
``zkg.network`` (projection and answers) and ``zkg.viz`` (the HTML page). Tables go through the
shared formatter ``zkg.table`` so Chinese lines up.
"""

from __future__ import annotations

import functools
from pathlib import Path

import click
import networkx as nx

from zkg import network as net
from zkg.cli import cli
from zkg.cli.options import default_dir, format_option, graph_dir_option, output_option, seed_option
from zkg.errors import StoreError
from zkg.result import Result
from zkg.values import IRI
from zkg.table import format_result
from zkg.viz import MAX_NODES

__all__ = ["network", "viz"]

EXPORTS = ("graphml", "gexf")


def _open(graph_dir: Path | None, ontology: Path | None):
    """The graph's store with the ontology (kinds, edge names, subclass axioms, labels) beside it."""
    graph_dir = graph_dir or default_dir("graph")
    if ontology is None:
        cand = default_dir("ontology") / "zhaotong.ttl"
        ontology = cand if cand.is_file() else None
    try:
        return net.network_store(graph_dir, ontology)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None


def _load(graph_dir: Path | None, ontology: Path | None) -> nx.MultiDiGraph:
    """Open the graph and project it (its default graph holds every triple: union=False)."""
    return net.project(_open(graph_dir, ontology).store, union=False)


class _Network:
    """What the questions of one `zkg network` run share: the store, opened once, its projection
    and the view asked for (made when first needed: of the edges the question reads, or all), and
    the resolver's names (read only when a name, not an IRI, is given)."""

    def __init__(self, graph_dir: Path | None, ontology: Path | None, view: str) -> None:
        self.graph_dir, self.ontology, self.view_name = graph_dir, ontology, view
        self._graphs: dict[frozenset[str] | None, nx.MultiDiGraph] = {}

    @functools.cached_property
    def store(self):
        return _open(self.graph_dir, self.ontology)

    def __call__(self, edges: frozenset[str] | None = None) -> nx.MultiDiGraph:
        """The view of the projection of ``edges`` (None: every edge) and the nodes at their ends."""
        if edges not in self._graphs:
            # the answers read kinds, labels, edges and roles: no figures or quotes to gather
            G = net.project(self.store.store, provenance=False, union=False,
                            edges=net.edges_for(self.view_name, edges))
            self._graphs[edges] = net.view(G, self.view_name)
        return self._graphs[edges]

    def names(self):
        """The resolver's names of the graph (one query on the same store: labels, other names,
        classes), so that `path` takes the names `zkg search` finds, 昭通一中 included."""
        from zkg.lookup import Names

        return Names.from_store(self.store)


def graph_options(f):
    """--graph-dir, --ontology and --view, shared by `network` and `viz`."""
    f = click.option("--view", type=click.Choice(list(net.VIEWS)), default=None,
                     help="Which part of the graph: alliances, school-network, people, programs or all.")(f)
    f = click.option("--ontology", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
                     help="Ontology: node kinds, edge names, subclass axioms, labels (default: ./ontology/zhaotong.ttl).")(f)
    return graph_dir_option(f)


@cli.group(invoke_without_command=True)
@graph_options
@click.option("--export", type=click.Choice(EXPORTS), default=None,
              help="Write the view (default: alliances) laid out and coloured, for Gephi or Cytoscape, "
                   "instead of answering.")
@output_option("File to write with --export.")
@seed_option("Layout seed of --export: same seed, same positions.")
@click.pass_context
def network(ctx, graph_dir, ontology, view, export, output, seed):
    """Answer relational questions with NetworkX, or export the network.

    \b
    Questions: alliance-members, alliance-leaders, alliance-counties,
    schools-per-county, path A B, central [--kind K] [-k N], components.
    Options before the question apply to it (--graph-dir, --view; questions
    default to --view all, --export to --view alliances).

    \b
    Example:
        zkg network alliance-members
        zkg network --view people central -k 5
        zkg network --export gexf -o alliances.gexf
        zkg network --export graphml -o zhaotong.graphml --view school-network
    """
    ctx.obj = _Network(graph_dir, ontology, view or "all")
    if ctx.invoked_subcommand is not None:
        if export:
            raise click.UsageError("--export writes a file: give it without a question")
        return
    if not export:
        raise click.UsageError("name a question (see `zkg network --help`) or give --export graphml|gexf -o FILE")
    if output is None:
        raise click.UsageError(f"--export {export} needs -o FILE, e.g. -o zhaotong.{export}")
    from zkg.viz import layout, node_colours

    view = view or "alliances"
    V = net.view(_load(graph_dir, ontology), view)
    G = net.for_export(V, layout(V, view, seed), node_colours(V, view), gexf=export == "gexf")
    try:
        (nx.write_graphml if export == "graphml" else nx.write_gexf)(G, output)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror}: choose another -o FILE") from None
    click.echo(f"wrote {output}: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges "
               f"({export}, view {view})", err=True)


def _iri(n: str) -> IRI:
    return IRI(n)


def _grouped(G: nx.MultiDiGraph, answer: dict[str, list[str]], key: str, item: str) -> Result:
    rows = [(_iri(a), G.nodes[a]["label_zh"], _iri(b), G.nodes[b]["label_zh"], G.nodes[b]["label_en"])
            for a, items in answer.items() for b in items]
    return Result((key, f"{key}Zh", item, f"{item}Zh", f"{item}En"), rows, True)


@network.command("alliance-members")
@format_option()
@click.pass_obj
def alliance_members(load, fmt):
    """Which schools belong to each alliance (leaders included), with their role.

    \b
    Example:
        zkg network alliance-members
    """
    G = load(frozenset({"member-of"}))
    rows = []
    for a, schools in net.alliance_members(G).items():
        for s in schools:
            d = G.get_edge_data(s, a, "member-of") or {}
            rows.append((_iri(a), G.nodes[a]["label_zh"], _iri(s), G.nodes[s]["label_zh"],
                         d.get("role_zh") or d.get("role", "")))
    click.echo(format_result(Result(("alliance", "allianceZh", "school", "schoolZh", "role"), rows, True), fmt))


@network.command("alliance-leaders")
@format_option()
@click.pass_obj
def alliance_leaders(load, fmt):
    """Which school leads (盟主) each alliance.

    \b
    Example:
        zkg network alliance-leaders -f csv
    """
    G = load(frozenset({"leads"}))
    click.echo(format_result(_grouped(G, net.alliance_leaders(G), "alliance", "school"), fmt))


@network.command("alliance-counties")
@format_option()
@click.pass_obj
def alliance_counties(load, fmt):
    """Which counties (places) each alliance covers.

    \b
    Example:
        zkg network alliance-counties
    """
    G = load(frozenset({"covers"}))
    click.echo(format_result(_grouped(G, net.alliance_counties(G), "alliance", "place"), fmt))


@network.command("schools-per-county")
@format_option()
@click.pass_obj
def schools_per_county(load, fmt):
    """The schools in each county-level division (located in it or in a place inside it).

    \b
    Example:
        zkg network schools-per-county
    """
    G = load(frozenset({"located-in", "part-of"}))
    click.echo(format_result(_grouped(G, net.schools_per_county(G), "county", "school"), fmt))


@network.command("path")
@click.argument("a")
@click.argument("b")
@format_option()
@click.pass_context
def path(ctx, a, b, fmt):
    """How two entities are connected: the shortest path with the edge names.

    A and B are names (昭通一中, 周世碧, Zhaotong No.1 Middle School), IRIs, CURIEs
    (ztd:school/zhaotong-no1) or ids (school/zhaotong-no1). An edge walked backwards is shown with ←.

    \b
    Example:
        zkg network path 李正响 昭通一中
    """
    from zkg.errors import AmbiguousName, NameNotFound

    G = ctx.obj()
    names = functools.lru_cache(maxsize=1)(ctx.obj.names)
    try:
        ends = [net.find_node(G, text, names) for text in (a, b)]
    except KeyError as exc:
        raise click.ClickException(str(exc.args[0])) from None
    except (AmbiguousName, NameNotFound) as exc:
        raise click.ClickException(str(exc)) from None
    try:
        steps = net.connection(G, *ends)
    except nx.NetworkXNoPath:
        near = {n: sorted(nx.node_connected_component(net.undirected(G), n)) for n in ends}
        alone = [f"{G.nodes[n]['label_zh']} is linked only to "
                 f"{'、'.join(G.nodes[m]['label_zh'] for m in near[n] if m != n) or 'nothing'}"
                 for n in ends if len(near[n]) <= 3]
        why = f" ({'; '.join(alone)})" if alone else ""
        other = "or try --view all" if ctx.parent.params.get("view") not in (None, "all") else \
            "the graph holds no link between them"
        raise click.ClickException(f"{a} and {b} are not connected in this view{why}: "
                                   f"see `zkg network components`, {other}") from None
    rows = [(i, _iri(s.node), G.nodes[s.node]["label_zh"], ("→ " if s.forward else "← ") + s.name,
             _iri(s.next), G.nodes[s.next]["label_zh"]) for i, s in enumerate(steps, 1)]
    click.echo(format_result(Result(("step", "from", "fromZh", "edge", "to", "toZh"), rows, True), fmt))


@network.command("central")
@click.option("--kind", default=None,
              help="Only nodes of this kind: school, alliance, division, person, program, … (the ontology's "
                   "zt:networkKind codes).")
@click.option("-k", "k", type=click.IntRange(min=1), default=10, show_default=True, help="How many.")
@click.option("--measure", type=click.Choice(["betweenness", "degree"]), default="betweenness",
              show_default=True, help="Centrality measure.")
@seed_option("Seed for sampled betweenness (big graphs): same seed, same ranking.")
@click.option("--sample", type=click.IntRange(min=1), default=None,
              help=f"Betweenness from this many source nodes (networkx's k): fewer is faster and rougher "
                   f"[default: every node up to {net.SAMPLED_ABOVE:,} nodes, else {net.SAMPLE}].")
@click.option("--backend", type=click.Choice(net.BACKENDS), default="networkx", show_default=True,
              help="The networkx backend betweenness runs on: parallel is nx-parallel, on every core "
                   "(pip install 'zhaotong-kg[networks]'); the same answer.")
@format_option()
@click.pass_obj
def central(load, kind, k, measure, seed, sample, backend, fmt):
    """The most central schools, programs, people… of the network.

    Betweenness: how many shortest paths between others run through a node. In the people view
    every person holds one post (a leaf), so the nodes that tie people together are the schools
    and organisations; rank people with --measure degree. On a big graph betweenness is
    sampled (--sample; stderr says first how long it will take), and --backend parallel spreads
    it over the cores.

    \b
    Example:
        zkg network central --kind school -k 5
        zkg network central --backend parallel -k 5
        zkg network central --sample 50
    """
    G = load()
    if kind is not None and kind not in net.kinds(G):
        raise click.BadParameter(f"{kind!r} is not a node kind; choose one of {', '.join(net.kinds(G))}",
                                 param_hint="--kind")
    try:
        ranked = net.most_central(G, kind, k, measure, seed, backend, sample,
                                  note=lambda line: click.echo(f"note: {line}", err=True))
    except ImportError as exc:
        raise click.ClickException(str(exc).splitlines()[0]) from None
    rows = [(i, _iri(n), G.nodes[n]["label_zh"], G.nodes[n]["kind"], round(score, 4))
            for i, (n, score) in enumerate(ranked, 1)]
    click.echo(format_result(Result(("rank", "entity", "entityZh", "kind", measure), rows, True), fmt))
    if ranked and all(score == 0 for _, score in ranked):
        click.echo(f"warning: every {measure} shown is 0: no shortest path between other nodes runs through "
                   f"these{' ' + kind + ' nodes' if kind else ''} in this view (they are leaves); "
                   "try --measure degree, another --kind, or --view all", err=True)


@network.command("components")
@format_option()
@click.pass_obj
def components(load, fmt):
    """Connected components (ignoring direction), largest first, with a few members each.

    \b
    Example:
        zkg network --view school-network components
    """
    G = load()
    rows = [(i, len(c), "、".join(G.nodes[n]["label_zh"] for n in c[:4]) + ("…" if len(c) > 4 else ""))
            for i, c in enumerate(net.components(G), 1)]
    click.echo(format_result(Result(("component", "size", "members"), rows, True), fmt))


@cli.command()
@graph_options
@output_option("The HTML file to write.", required=True)
@seed_option()
@click.option("--max-nodes", type=click.IntRange(min=1), default=MAX_NODES, show_default=True,
              help="Draw at most this many nodes: whole alliances in the alliances view, else the most linked "
                   "nodes; the page's title and stderr say what was left out.")
def viz(graph_dir, ontology, view, output, seed, max_nodes):
    """Draw the network as one self-contained HTML page (works offline).

    Nodes are coloured and shaped by class, with a legend that filters, a 中文/English
    switch, and tooltips with each entity's figures and the article's words.
    --view defaults to alliances here (leader school → alliance → counties covered).
    A view of more than --max-nodes nodes is drawn in part, and the page says so.

    \b
    Example:
        zkg viz -o alliances.html
        zkg viz -o school_network.html --view school-network
    """
    from zkg.viz import page_data, render_page

    G = _load(graph_dir, ontology)
    data = page_data(G, view or "alliances", seed=seed, max_nodes=max_nodes)
    if "left_out" in data:
        click.echo(f"note: {data['left_out']['en']}", err=True)
    page = render_page(data)
    try:
        output.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror}: choose another -o FILE") from None
    click.echo(f"wrote {output} ({len(page.encode('utf-8')) // 1024} KiB)", err=True)
