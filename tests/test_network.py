"""The NetworkX layer: projection of the fixture graph, the answers, their SPARQL twins, export, CLI.

The fixture ``tests/fixtures/network_graph/zhaotong.ttl`` follows DESIGN.md; the twin tests also
run on the real graph (``graph/zhaotong.nt``) when it has been built.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib

from zkg import network as net

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures"
FIX_GRAPH = FIX / "network_graph" / "zhaotong.ttl"
FIX_ONTO = FIX / "network_ontology.ttl"
REAL_GRAPH = ROOT / "graph" / "zhaotong.nt"
REAL_ONTO = ROOT / "ontology" / "zhaotong.ttl"
D = "https://w3id.org/zhaotong-kg/id/"


def _parse(path: Path):
    fmt = ox.RdfFormat.N_TRIPLES if path.suffix == ".nt" else ox.RdfFormat.TURTLE
    return ox.parse(path=str(path), format=fmt)


@pytest.fixture(scope="module")
def G() -> nx.MultiDiGraph:
    return net.project(rdflib.Graph().parse(FIX_GRAPH), rdflib.Graph().parse(FIX_ONTO))


# --------------------------------------------------------------------------- projection


def test_projection_counts_by_kind_and_edge_name(G):
    assert Counter(k for _, k in G.nodes(data="kind")) == {
        "division": 7, "school": 5, "program": 3, "person": 2, "alliance": 2, "organisation": 1, "place": 1}
    assert Counter(k for _, _, k in G.edges(keys=True)) == {
        "part-of": 7, "located-in": 6, "covers": 5, "member-of": 3, "holds-post-at": 2, "leads": 2,
        "runs": 1, "supplies": 1, "manages": 1, "applies-to": 1, "part-of-program": 1, "selected-in": 1}
    # no fact, post, membership, paragraph, indicator or role node leaks in
    assert not [n for n in G if not n.startswith(D) or "/fact/" in n or "/post/" in n or "/membership/" in n]


def test_rdflib_and_pyoxigraph_inputs_give_the_same_graph(G):
    store = ox.Store()
    store.bulk_load(path=str(FIX_GRAPH), format=ox.RdfFormat.TURTLE)
    store.bulk_load(path=str(FIX_ONTO), format=ox.RdfFormat.TURTLE)
    for other in (net.project(store), net.project(_parse(FIX_GRAPH), _parse(FIX_ONTO))):
        assert sorted(other.nodes(data=True)) == sorted(G.nodes(data=True))
        assert sorted(other.edges(keys=True, data=True)) == sorted(G.edges(keys=True, data=True))


def test_without_the_subclass_axioms_subclassed_entities_are_not_typed():
    bare = net.project(rdflib.Graph().parse(FIX_GRAPH))
    assert not [n for n, k in bare.nodes(data="kind") if k == "school"]  # SeniorHighSchool unknown
    assert {k for _, k in bare.nodes(data="kind")} == {"alliance", "person"}  # asserted directly


def test_node_attributes_labels_figures_quotes(G):
    fengchi = G.nodes[D + "school/fengchi-nine-year"]
    assert (fengchi["label_zh"], fengchi["label_en"]) == ("昭通市凤池九年一贯制学校", "Zhaotong Fengchi Nine-Year School")
    assert fengchi["cls"] == "NineYearSchool"
    [fig] = fengchi["figures"]
    assert (fig["indicator_zh"], fig["as_stated"], fig["period"]) == ("输送学生", "1067人", "5年来")
    assert fig["quote"] == "累计向昭通市第一中学输送学生1067人"
    assert "走进昭通市凤池九年一贯制学校" in fengchi["quotes"]
    city = G.nodes[D + "division/530600"]
    assert [(f["as_stated"], f["year"]) for f in city["figures"]] == [("46亿元", "2025")]
    # the principal's words are attached to the person (via the post fact)
    assert G.nodes[D + "person/li-zhengxiang"]["quotes"] == ["昭通市凤池九年一贯制学校校长李正响"]


def test_edges_roles_and_directions(G):
    post = G.get_edge_data(D + "person/li-zhengxiang", D + "school/fengchi-nine-year", "holds-post-at")
    assert (post["role"], post["role_zh"]) == ("principal", "校长")
    assert post["quotes"] == ["昭通市凤池九年一贯制学校校长李正响"]
    lead = G.get_edge_data(D + "school/zhaotong-no1", D + "alliance/zhaotong-no1", "member-of")
    assert lead["role_zh"] == "盟主" and lead["quotes"]
    # zt:runBy is reversed: the bureau runs the action
    assert G.has_edge(D + "org/zhaotong-education-bureau", D + "program/three-year-action", "runs")
    assert not G.has_edge(D + "program/three-year-action", D + "org/zhaotong-education-bureau")
    # the supplies fact's quote lands on the edge
    assert G.get_edge_data(D + "school/fengchi-nine-year", D + "school/zhaotong-no1", "supplies")["quotes"]


@pytest.mark.parametrize("name,kinds", [
    ("school-network", {"school", "alliance", "division", "place"}),  # place: only 昭通中心城区, Fengchi's
    ("people", {"person", "organisation", "school"}),
    ("programs", {"program", "organisation", "division", "school"}),
])
def test_views_keep_only_their_kinds(G, name, kinds):
    V = net.view(G, name)
    assert {k for _, k in V.nodes(data="kind")} == kinds
    assert V.number_of_nodes() == sum(1 for _, k in G.nodes(data="kind") if k in kinds)
    if name == "school-network":
        assert [n for n, k in V.nodes(data="kind") if k == "place"] == [D + "area/central-city"]
    assert all(V.nodes[s]["kind"] in kinds and V.nodes[o]["kind"] in kinds for s, o in V.edges())
    with pytest.raises(KeyError, match="unknown view"):
        net.view(G, "schools")


# --------------------------------------------------------------------------- answers


def test_answers_on_the_fixture(G):
    assert net.alliance_leaders(G) == {D + "alliance/zhaotong-no1": [D + "school/zhaotong-no1"],
                                       D + "alliance/zhenxiong": [D + "school/zhenxiong-middle"]}
    assert net.alliance_members(G)[D + "alliance/zhaotong-no1"] == [D + "school/ludian-no1", D + "school/zhaotong-no1"]
    assert net.alliance_counties(G)[D + "alliance/zhaotong-no1"] == [
        D + "division/530602", D + "division/530621", D + "division/530622", D + "division/530628"]
    # Fengchi is in an Area that is part of Zhaoyang District: counted there; the province and city are not counties
    assert net.schools_per_county(G) == {
        D + "division/530602": [D + "school/fengchi-nine-year", D + "school/zhaotong-no1", D + "school/zhaoyang-no7-primary"],
        D + "division/530621": [D + "school/ludian-no1"],
        D + "division/530627": [D + "school/zhenxiong-middle"]}


def test_connection_names_the_edges_and_their_direction(G):
    steps = net.connection(G, "李正响", "person/zhou-shibi")
    assert [(s.name, s.forward) for s in steps] == [
        ("holds-post-at", True), ("located-in", True), ("part-of", True), ("part-of", True),
        ("located-in", False), ("holds-post-at", False)]  # via 昭通中心城区 (ties broken by IRI order)
    assert steps[1].next == D + "area/central-city"
    assert steps[0].node == D + "person/li-zhengxiang" and steps[-1].next == D + "person/zhou-shibi"
    assert all(a.next == b.node for a, b in zip(steps, steps[1:]))
    with pytest.raises(KeyError, match="no entity"):
        net.connection(G, "李正响", "nobody")
    with pytest.raises(nx.NetworkXNoPath):
        net.connection(net.view(G, "people"), "李正响", "周世碧")  # the bureau's city is not in this view


def test_most_central_is_ranked_filtered_and_seeded(G):
    top = net.most_central(G, "school", 3)
    assert [n for n, _ in top] == [D + "school/zhaotong-no1", D + "school/fengchi-nine-year", D + "school/ludian-no1"]
    assert top[0][1] > top[1][1] > 0
    assert net.most_central(G, None, 1)[0][0] == D + "division/530600"
    deg = dict(net.most_central(G, "division", 7, measure="degree"))
    assert max(deg, key=deg.get) == D + "division/530600"  # 5 counties + province + bureau + program
    with pytest.raises(ValueError):
        net.most_central(G, measure="pagerank")


def test_sampled_betweenness_is_the_same_for_the_same_seed():
    big = nx.MultiDiGraph()
    gen = nx.gnm_random_graph(2100, 4000, seed=7)
    big.add_nodes_from((n, {"kind": "school"}) for n in gen)
    big.add_edges_from((u, v, "supplies") for u, v in gen.edges())
    assert net.most_central(big, k=5, seed=3) == net.most_central(big, k=5, seed=3)


def test_components(G):
    assert [len(c) for c in net.components(G)] == [21]
    people = net.components(net.view(G, "people"))
    assert people[0] == sorted([D + "person/li-zhengxiang", D + "school/fengchi-nine-year", D + "school/zhaotong-no1"])
    assert sorted(len(c) for c in people) == [1, 1, 1, 2, 3]
    assert [D + "org/zhaotong-education-bureau", D + "person/zhou-shibi"] in people


# --------------------------------------------------------------------------- SPARQL twins

TWINS = ("alliance-members", "alliance-counties", "schools-by-county", "alliance-overview")


def _sources():
    yield pytest.param(FIX_GRAPH, FIX_ONTO, id="fixture")
    yield pytest.param(REAL_GRAPH, REAL_ONTO, id="real-graph")  # graph/ is committed: never skipped


def _select(store: ox.Store, name: str) -> list[dict[str, str]]:
    text = (ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8")
    sols = store.query(text)
    names = [v.value for v in sols.variables]
    return [{n: (sol[n].value if sol[n] is not None else None) for n in names} for sol in sols]


def _pairs(answer: dict[str, list[str]]) -> set[tuple[str, str]]:
    return {(a, b) for a, items in answer.items() for b in items}


@pytest.mark.parametrize("graph_file,onto_file", list(_sources()))
def test_answers_equal_their_sparql_twins(graph_file, onto_file):
    missing = [n for n in TWINS if not (ROOT / "queries" / f"{n}.rq").is_file()]
    assert not missing, f"twin queries missing from queries/: {missing}"
    store = ox.Store()
    fmt = ox.RdfFormat.N_TRIPLES if graph_file.suffix == ".nt" else ox.RdfFormat.TURTLE
    store.bulk_load(path=str(graph_file), format=fmt)
    store.bulk_load(path=str(onto_file), format=ox.RdfFormat.TURTLE)  # beside the data, as zkg's stores hold it
    G = net.project(_parse(graph_file), _parse(onto_file))

    rows = _select(store, "alliance-members")  # org:Membership nodes
    assert rows, "the twin found no memberships: the comparison would prove nothing"
    assert _pairs(net.alliance_members(G)) == {(r["alliance"], r["school"]) for r in rows}

    rows = _select(store, "alliance-counties")
    assert rows
    assert _pairs(net.alliance_counties(G)) == {(r["alliance"], r["place"]) for r in rows}

    rows = _select(store, "schools-by-county")
    assert rows
    assert _pairs(net.schools_per_county(G)) == {(r["county"], r["school"]) for r in rows}

    rows = _select(store, "alliance-overview")  # leaders: no twin of their own, this one names them
    leaders = {(r["alliance"], r["leaderZh"]) for r in rows if r["leaderZh"]}
    assert leaders
    assert {(a, G.nodes[s]["label_zh"]) for a, s in _pairs(net.alliance_leaders(G))} == leaders


# --------------------------------------------------------------------------- export and CLI


@pytest.mark.parametrize("fmt,read", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_export_round_trips(G, tmp_path, fmt, read, zkg):
    out = tmp_path / f"g.{fmt}"
    proc = zkg("network", *FIXTURE_ARGS, "--view", "school-network", "--export", fmt, "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    back = read(out)
    V = net.view(G, "school-network")
    assert (back.number_of_nodes(), back.number_of_edges()) == (V.number_of_nodes(), V.number_of_edges())
    assert back.nodes[D + "school/zhaotong-no1"]["label_zh"] == "昭通市第一中学"
    assert back.nodes[D + "school/zhaotong-no1"]["kind"] == "school"


FIXTURE_ARGS = ("--graph-dir", str(FIX_GRAPH.parent), "--ontology", str(FIX_ONTO))


def test_cli_answers_line_up_in_chinese(zkg):
    proc = zkg("network", *FIXTURE_ARGS, "alliance-members")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split("  ")[0] == "alliance" and "alliance (zh)" in lines[0] and "school (zh)" in lines[0]
    assert len(lines) == 2 + 3
    assert "盟主" in proc.stdout and "成员校" in proc.stdout
    from zkg.table import width
    role_col = width(lines[0]) - len("role")
    assert all(width(line[: line.rindex(" ") + 1]) == role_col for line in lines[2:])


def test_cli_path_and_central_csv(zkg):
    proc = zkg("network", *FIXTURE_ARGS, "path", "李正响", "周世碧", "-f", "csv")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[1].startswith("1,https://w3id.org/zhaotong-kg/id/person/li-zhengxiang,李正响,→ holds-post-at")
    proc = zkg("network", *FIXTURE_ARGS, "central", "--kind", "school", "-k", "1", "-f", "csv")
    assert proc.stdout.splitlines()[1].startswith("1,https://w3id.org/zhaotong-kg/id/school/zhaotong-no1,")


@pytest.mark.parametrize("args,code,words", [
    (("network",), 2, "name a question"),
    (("network", "--export", "gexf"), 2, "needs -o FILE"),
    (("network", "path", "李正响", "nobody"), 1, "no entity called 'nobody'"),
    (("network", "--view", "people", "path", "李正响", "周世碧"), 1, "not connected in this view"),
])
def test_cli_errors_are_one_line_with_a_fix(args, code, words, zkg):
    cmd, *rest = args
    proc = zkg(cmd, *FIXTURE_ARGS, *rest)
    assert proc.returncode == code
    errors = [line for line in proc.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and words in errors[0]
    assert "Traceback" not in proc.stderr


def test_cli_missing_graph_says_how_to_fix(tmp_path, zkg):
    proc = zkg("network", "--graph-dir", str(tmp_path), "components")
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [f"Error: no graph in {tmp_path}/ (zhaotong.nt or zhaotong.ttl): run `zkg build` first"]


def test_school_network_leaves_out_places_no_school_stands_in(G):
    H = G.copy()
    H.add_node(D + "place/park", kind="place", label_zh="公园", label_en="park", cls="Park", figures=[], quotes=[])
    H.add_edge(D + "place/park", D + "division/530602", key="part-of", name="part-of")
    assert D + "place/park" not in net.view(H, "school-network")
    assert D + "area/central-city" in net.view(H, "school-network")
