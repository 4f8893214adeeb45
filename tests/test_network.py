"""The NetworkX layer: projection of the dataset, where quotes come from, the answers, their SPARQL
twins, export, CLI.

Two graphs, both built by kg_build: the ``two_articles`` fixture project (tests/conftest.py) and the
committed real graph (``graph/zhaotong.nq``). Both are read with the real ontology, which says what
the node kinds and edges are (``zt:networkKind``, ``zt:networkEdge``).
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
REAL = ROOT / "graph"
ONTO = ROOT / "ontology" / "zhaotong.ttl"
D = "https://w3id.org/zhaotong-kg/id/"
ZT = "https://w3id.org/zhaotong-kg/ontology#"
ORG = "http://www.w3.org/ns/org#"
JIA, YI2, ALLIANCE = D + "school/jiaxian-no1", D + "school/yixian-no2", D + "alliance/yixian"
JIA_COUNTY, YI_COUNTY, WANG = D + "division/jia-county", D + "division/yi-county", D + "person/wang-li"


def _quads(graph_dir: Path):
    return ox.parse(path=str(graph_dir / "zhaotong.nq"), format=ox.RdfFormat.N_QUADS)


def _onto(path: Path = ONTO):
    return ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)


def _store(graph_dir: Path) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(graph_dir / "zhaotong.nq"), format=ox.RdfFormat.N_QUADS)
    store.bulk_load(path=str(ONTO), format=ox.RdfFormat.TURTLE)  # beside the data, as zkg's stores hold it
    return store


@pytest.fixture(scope="module")
def G(two_articles) -> nx.MultiDiGraph:
    return net.load_network(two_articles.graph, ONTO)


@pytest.fixture(scope="module")
def R() -> nx.MultiDiGraph:
    return net.load_network(REAL, ONTO)


# --------------------------------------------------------------------------- projection


def test_projection_counts_by_kind_and_edge_name(G):
    assert Counter(k for _, k in G.nodes(data="kind")) == {"school": 2, "division": 2, "alliance": 1, "person": 1}
    assert Counter(k for _, _, k in G.edges(keys=True)) == {
        "located-in": 2, "member-of": 2, "leads": 1, "covers": 1, "holds-post-at": 1}
    # no fact, post, membership, paragraph, indicator, article or graph node leaks in
    assert not [n for n in G if not n.startswith(D) or n.split("/id/")[1].split("/")[0] not in
                ("school", "division", "alliance", "person")]


def test_store_dataset_and_parsed_quads_give_the_same_graph(G, two_articles):
    ds = rdflib.Dataset()
    ds.parse(two_articles.graph / "zhaotong.nq", format="nquads")
    for other in (net.project(_store(two_articles.graph)), net.project(ds, rdflib.Graph().parse(ONTO)),
                  net.project(_quads(two_articles.graph), _onto())):
        assert sorted(other.nodes(data=True)) == sorted(G.nodes(data=True))
        assert sorted(other.edges(keys=True, data=True)) == sorted(G.edges(keys=True, data=True))


def test_default_graph_alone_gives_the_same_network_without_quotes(G, two_articles):
    """The default graph holds every triple once; the named graphs only add where each comes from."""
    default = [q for q in _quads(two_articles.graph) if isinstance(q.graph_name, ox.DefaultGraph)]
    named = [q for q in _quads(two_articles.graph) if not isinstance(q.graph_name, ox.DefaultGraph)]
    assert default and named
    bare = net.project(default, _onto())
    assert sorted(bare.edges(keys=True)) == sorted(G.edges(keys=True))
    assert sorted(bare.nodes) == sorted(G.nodes)
    assert not [n for n, q in bare.nodes(data="quotes") if q] and not [e for e in bare.edges(data="quotes") if e[2]]
    # a figure's quote is stated about its observation (= its record graph), in the default graph too
    assert sorted(bare.nodes(data="figures")) == sorted(G.nodes(data="figures"))
    # and the named graphs alone (with the ontology) give the whole network, quotes included
    alone = net.project(named, _onto())
    assert sorted(alone.edges(keys=True, data=True)) == sorted(G.edges(keys=True, data=True))


def _sparql_quotes(store: ox.Store, s: str, p: str | None, o: str | None) -> set[str]:
    """What supports a triple (or any triple about s): the quotes of the named graphs holding it."""
    pattern = f"<{s}> <{p}> <{o}>" if p else f"<{s}> ?p ?o"
    q = f"SELECT DISTINCT ?q WHERE {{ GRAPH ?g {{ {pattern} }} ?g <{ZT}quote> ?q }}"
    return {sol["q"].value for sol in store.query(q)}


@pytest.mark.parametrize("which", ["two-articles", "real-graph"])
def test_every_quote_is_what_supports_the_triple_in_sparql(which, G, R, two_articles):
    """Edge quotes = `GRAPH ?g { s p o } ?g zt:quote ?q`; node quotes = the same for any triple
    about the node; a figure's quote = its record graph's (the observation's own IRI)."""
    graph_dir, H = (two_articles.graph, G) if which == "two-articles" else (REAL, R)
    store = _store(graph_dir)
    checked = 0
    for s, o, k, d in H.edges(keys=True, data=True):
        if k == "holds-post-at":  # every post the person holds there (a reporter may also be a photographer)
            q = (f"SELECT DISTINCT ?q WHERE {{ GRAPH ?g {{ ?post <{ORG}heldBy> <{s}> ; <{ORG}postIn> <{o}> }} "
                 f"?g <{ZT}quote> ?q }}")
            expected = {sol["q"].value for sol in store.query(q)}
        elif k == "runs":
            expected = _sparql_quotes(store, o, d["predicate"], s)
        else:
            expected = _sparql_quotes(store, s, d["predicate"], o)
        assert set(d["quotes"]) == expected, (s, k, o)
        checked += bool(expected)
    assert checked == H.number_of_edges() if which == "two-articles" else checked >= 100
    for n, d in H.nodes(data=True):
        assert set(d["quotes"]) == _sparql_quotes(store, n, None, None), n
        for f in d["figures"]:
            q = f"SELECT ?q WHERE {{ GRAPH <{D}provenance> {{ <{f['fact']}> <{ZT}quote> ?q }} }}"
            assert f["quote"] == " / ".join(sorted(sol["q"].value for sol in store.query(q))), f["fact"]


def test_shortcut_edges_carry_their_records_quotes(G, R):
    """zt:leads and org:memberOf are in the membership's record graph: its quote is theirs."""
    leads = G.get_edge_data(JIA, ALLIANCE, "leads")
    assert leads["quotes"] == ["乙县以甲县第一中学为“盟主”"]
    member = G.get_edge_data(JIA, ALLIANCE, "member-of")
    assert (member["role"], member["role_zh"], member["quotes"]) == ("AllianceLeader", "盟主", leads["quotes"])
    assert G.get_edge_data(YI2, ALLIANCE, "member-of")["role_zh"] == "成员校"
    for a in ("zhaotong-no1", "zhenxiong-ynnu", "yuntianhua"):
        [(s, _, d)] = [(s, o, d) for s, o, k, d in R.in_edges(D + "alliance/" + a, keys=True, data=True) if k == "leads"]
        assert d["quotes"] and d["quotes"] == R.get_edge_data(s, D + "alliance/" + a, "member-of")["quotes"]


def test_node_attributes_labels_figures_quotes(G):
    jia = G.nodes[JIA]
    assert (jia["label_zh"], jia["label_en"]) == ("甲县第一中学", "Jia County No.1 High School")
    assert (jia["cls"], jia["cls_zh"], jia["cls_en"]) == ("SeniorHighSchool", "高中", "Senior high school")
    # one entity, quoted in both articles (the second names it in a mention and a membership)
    assert jia["quotes"] == ["乙县以甲县第一中学为“盟主”", "甲县第一中学位于甲县", "甲县第一中学位于甲县，是一所普通高中"]
    [money] = [f for f in jia["figures"] if f["unit"] == "Yuan"]
    assert (money["as_stated"], money["value"], money["year"], money["status"]) == ("1.2亿元", "120000000", "2024", "Stated")
    assert money["quote"] == "2024年，甲县投入资金1.2亿元，为甲县第一中学新建教学楼一栋"
    assert money["fact"] == D + "fact/fig-jia-investment-2024"
    # the principal's words reach the person through org:holds, in the post's record graph
    assert G.nodes[WANG]["quotes"] == ["甲县第一中学校长王立"]
    derived = [f for f in G.nodes[ALLIANCE]["figures"] if f["status"] == "Derived"]
    assert [(f["value"], f["quote"], f["status_en"]) for f in derived] == [("39.3", "", "derived")]


def test_edges_roles_and_directions(G, R):
    post = G.get_edge_data(WANG, JIA, "holds-post-at")
    assert (post["role"], post["role_zh"], post["quotes"]) == ("Principal", "校长", ["甲县第一中学校长王立"])
    # zt:runBy is reversed: the city runs the alliance model
    model, city = D + "program/alliance-model", D + "division/530600"
    assert R.has_edge(city, model, "runs") and not R.has_edge(model, city)
    assert R.get_edge_data(city, model, "runs")["quotes"]
    assert R.get_edge_data(D + "school/fengchi-nine-year", D + "school/zhaotong-no1", "supplies")["quotes"]


def test_kinds_and_edges_are_the_ontologys(G, two_articles, tmp_path):
    """Kinds, edge names and their labels follow the ontology: change a copy, the projection follows."""
    onto = rdflib.Graph().parse(ONTO)
    kinds = {str(o): str(s) for s, o in onto.subject_objects(rdflib.URIRef(ZT + "networkKind"))}
    assert net.kinds(G) == sorted(kinds)
    assert G.graph["kind_labels"]["alliance"] == ("教研联盟", "Teaching-research alliance")
    leads = rdflib.URIRef(ZT + "leads")
    labels = {lab.language: str(lab) for lab in onto.objects(leads, rdflib.RDFS.label)}
    assert G.graph["edge_labels"]["leads"] == (labels["zh"], labels["en"]) == ("牵头", "leads")
    assert G.graph["edge_labels"]["runs"] == net.DERIVED_EDGES["runs"]
    text = ONTO.read_text(encoding="utf-8")
    for line in ('zt:School zt:networkKind "school" .', 'zt:locatedIn zt:networkEdge "located-in" .'):
        assert text.count(line) == 1
    other = tmp_path / "onto.ttl"
    other.write_text(text.replace('zt:School zt:networkKind "school" .\n', "")
                     .replace('zt:locatedIn zt:networkEdge "located-in" .', 'zt:locatedIn zt:networkEdge "in" .'),
                     encoding="utf-8")
    H = net.load_network(two_articles.graph, other)
    assert H.nodes[JIA]["kind"] == "organisation"  # School ⊑ Organization: the next kind up
    assert "school" not in net.kinds(H)
    assert H.has_edge(JIA, JIA_COUNTY, "in") and not H.has_edge(JIA, JIA_COUNTY, "located-in")
    assert net.load_network(two_articles.graph, None).number_of_nodes() == 0  # no ontology: no kinds


def test_the_most_specific_kind_wins(R):
    """School ⊑ Organization, AdministrativeDivision ⊑ Place: the lower kind wins. Events have a kind
    of their own; loan products and funds (no programmes since issue 8) are drawn with the programmes,
    a kind named by zt:Program's labels."""
    kinds = {d["cls"]: d["kind"] for _, d in R.nodes(data=True)}
    assert kinds["Event"] == "event" and kinds["Action"] == "program"
    assert kinds["FinancialProduct"] == kinds["Fund"] == "program"
    assert R.graph["kind_labels"]["program"] == ("项目举措", "Program")
    assert kinds["SeniorHighSchool"] == "school" and kinds["GovernmentBody"] == "organisation"
    assert kinds["County"] == "division" and kinds["Area"] == "place"


@pytest.mark.parametrize("name,kinds", [
    ("school-network", {"school", "alliance", "division", "place"}),  # place: only the areas schools stand in
    ("people", {"person", "organisation", "school"}),
    ("programs", {"program", "event", "document", "organisation", "division", "school"}),
])
def test_views_keep_only_their_kinds(R, name, kinds):
    V = net.view(R, name)
    assert {k for _, k in V.nodes(data="kind")} == kinds
    if name == "school-network":
        places = {n for n, k in V.nodes(data="kind") if k == "place"}
        assert places and places == {o for s, o, k in R.edges(keys=True)
                                     if k == "located-in" and R.nodes[s]["kind"] == "school" and R.nodes[o]["kind"] == "place"}
        assert V.number_of_nodes() == sum(1 for _, k in R.nodes(data="kind") if k in kinds - {"place"}) + len(places)
    else:
        assert V.number_of_nodes() == sum(1 for _, k in R.nodes(data="kind") if k in kinds)
    assert all(V.nodes[s]["kind"] in kinds and V.nodes[o]["kind"] in kinds for s, o in V.edges())
    with pytest.raises(KeyError, match="unknown view"):
        net.view(R, "schools")


def test_school_network_leaves_out_places_no_school_stands_in(R):
    parks = [n for n, d in R.nodes(data=True) if d["kind"] == "place" and d["cls"] == "Park"]
    assert parks and not set(parks) & set(net.view(R, "school-network"))
    assert D + "place/zhaoyang-dunhuang-road-area" in net.view(R, "school-network")


# --------------------------------------------------------------------------- answers


def test_answers_on_the_fixture(G):
    assert net.alliance_leaders(G) == {ALLIANCE: [JIA]}
    assert net.alliance_members(G) == {ALLIANCE: [JIA, YI2]}
    assert net.alliance_counties(G) == {ALLIANCE: [YI_COUNTY]}
    assert net.schools_per_county(G) == {JIA_COUNTY: [JIA], YI_COUNTY: [YI2]}


def test_schools_per_county_walks_part_of(R):
    """A school in an area that is part of Zhaoyang District counts there; the city is not a county."""
    answer = net.schools_per_county(R)
    school, area = D + "school/haiyanchi-nine-year", D + "place/zhaoyang-dunhuang-road-area"
    assert school in answer[D + "division/530602"]
    assert R.has_edge(school, area, "located-in") and R.has_edge(area, D + "division/530602", "part-of")
    assert D + "division/530600" not in answer


def test_connection_names_the_edges_and_their_direction(G):
    steps = net.connection(G, "王立", "乙县第二中学")
    assert [(s.node, s.name, s.forward, s.next) for s in steps] == [
        (WANG, "holds-post-at", True, JIA), (JIA, "leads", True, ALLIANCE), (ALLIANCE, "member-of", False, YI2)]
    with pytest.raises(KeyError, match="no entity"):
        net.connection(G, "王立", "nobody")
    with pytest.raises(nx.NetworkXNoPath):
        net.connection(net.view(G, "people"), "王立", "乙县第二中学")  # the alliance is not in this view


def test_most_central_is_ranked_filtered_and_seeded(G):
    top = net.most_central(G, "school", 2)
    assert [n for n, _ in top] == [JIA, YI2] and top[0][1] > 0 == top[1][1]  # 乙县第二中学: in a triangle
    assert net.most_central(G, None, 1)[0][0] == JIA
    deg = dict(net.most_central(G, "division", 2, measure="degree"))
    assert deg[YI_COUNTY] > deg[JIA_COUNTY]  # 乙县: its school and the alliance; 甲县: its school
    with pytest.raises(ValueError):
        net.most_central(G, measure="pagerank")


def _big() -> nx.MultiDiGraph:
    """A random network of 2,100 schools: above 2,000 nodes, betweenness is sampled."""
    big = nx.MultiDiGraph()
    gen = nx.gnm_random_graph(2100, 4000, seed=7)
    big.add_nodes_from((n, {"kind": "school"}) for n in gen)
    big.add_edges_from((u, v, "supplies") for u, v in gen.edges())
    return big


def test_sampled_betweenness_is_the_same_for_the_same_seed():
    big = _big()
    assert net.most_central(big, k=5, seed=3) == net.most_central(big, k=5, seed=3)


def test_betweenness_sample_is_networkxs_k_and_says_first_how_long():
    gen = nx.gnm_random_graph(300, 600, seed=7)
    small, notes = nx.MultiDiGraph(), []
    small.add_nodes_from((n, {"kind": "school"}) for n in gen)
    small.add_edges_from((u, v, "supplies") for u, v in gen.edges())
    U = net._simple(small)  # what betweenness runs on
    exact = nx.betweenness_centrality(U)
    assert dict(net.most_central(small, k=300, sample=305, note=notes.append)) == exact  # every node: exact
    assert not notes  # not sampled: nothing to say
    sampled = dict(net.most_central(small, k=300, sample=20, seed=4, note=notes.append))
    assert sampled == nx.betweenness_centrality(U, k=20, seed=4) != exact
    [line] = notes
    assert line.startswith("betweenness from 20 of 300 nodes (600 links)") and "s a source" in line
    assert "--sample N walks fewer" in line and "takes about a minute" in line


def test_components(G):
    assert net.components(G) == [sorted([JIA, YI2, ALLIANCE, JIA_COUNTY, YI_COUNTY, WANG])]
    assert net.components(net.view(G, "people")) == [sorted([WANG, JIA]), [YI2]]


# --------------------------------------------------------------------------- SPARQL twins

TWINS = ("alliance-members", "alliance-counties", "schools-by-county", "alliance-overview")


def _select(store: ox.Store, name: str) -> list[dict[str, str]]:
    text = (ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8")
    sols = store.query(text)
    names = [v.value for v in sols.variables]
    return [{n: (sol[n].value if sol[n] is not None else None) for n in names} for sol in sols]


def _pairs(answer: dict[str, list[str]]) -> set[tuple[str, str]]:
    return {(a, b) for a, items in answer.items() for b in items}


@pytest.mark.parametrize("which", ["two-articles", "real-graph"])
def test_answers_equal_their_sparql_twins(which, G, R, two_articles):
    missing = [n for n in TWINS if not (ROOT / "queries" / f"{n}.rq").is_file()]
    assert not missing, f"twin queries missing from queries/: {missing}"
    graph_dir, H = (two_articles.graph, G) if which == "two-articles" else (REAL, R)
    store = _store(graph_dir)

    rows = _select(store, "alliance-members")  # org:Membership nodes
    assert rows, "the twin found no memberships: the comparison would prove nothing"
    assert _pairs(net.alliance_members(H)) == {(r["alliance"], r["school"]) for r in rows}

    rows = _select(store, "alliance-counties")
    assert rows
    assert _pairs(net.alliance_counties(H)) == {(r["alliance"], r["place"]) for r in rows}

    rows = _select(store, "alliance-overview")  # leaders: no twin of their own, this one names them
    leaders = {(r["alliance"], r["leaderZh"]) for r in rows if r["leaderZh"]}
    assert leaders
    assert {(a, H.nodes[s]["label_zh"]) for a, s in _pairs(net.alliance_leaders(H))} == leaders

    rows = _select(store, "schools-by-county")
    if which == "real-graph":
        assert rows
        assert _pairs(net.schools_per_county(H)) == {(r["county"], r["school"]) for r in rows}
    else:
        # The twin knows a county by its six-digit division code, the network by its class
        # (zt:County, …): the fixture's counties are fictional and have no code.
        assert rows == [] and net.schools_per_county(H) == {JIA_COUNTY: [JIA], YI_COUNTY: [YI2]}


# --------------------------------------------------------------------------- export and CLI


@pytest.fixture(scope="module")
def fixture_args(two_articles) -> tuple[str, ...]:
    return ("--graph-dir", str(two_articles.graph), "--ontology", str(ONTO))


@pytest.mark.parametrize("fmt,read", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_export_round_trips(G, tmp_path, fixture_args, fmt, read, zkg):
    out = tmp_path / f"g.{fmt}"
    proc = zkg("network", *fixture_args, "--view", "school-network", "--export", fmt, "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    back = read(out)
    V = net.view(G, "school-network")
    assert (back.number_of_nodes(), back.number_of_edges()) == (V.number_of_nodes(), V.number_of_edges())
    assert back.nodes[JIA]["label_zh"] == "甲县第一中学" and back.nodes[JIA]["kind"] == "school"


def test_cli_answers_line_up_in_chinese(fixture_args, zkg):
    proc = zkg("network", *fixture_args, "alliance-members")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split("  ")[0] == "alliance" and "alliance (zh)" in lines[0] and "school (zh)" in lines[0]
    assert len(lines) == 2 + 2
    assert "盟主" in lines[2] and "成员校" in lines[3]
    from zkg.table import width
    role_col = width(lines[0]) - len("role")
    assert all(width(line[: line.rindex(" ") + 1]) == role_col for line in lines[2:])


def test_cli_path_and_central_csv(fixture_args, zkg):
    proc = zkg("network", *fixture_args, "path", "王立", "乙县第二中学", "-f", "csv")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[1] == f"1,{WANG},王立,→ holds-post-at,{JIA},甲县第一中学"
    assert proc.stdout.splitlines()[3] == f"3,{ALLIANCE},乙县高中教研联盟,← member-of,{YI2},乙县第二中学"
    proc = zkg("network", *fixture_args, "central", "--kind", "school", "-k", "1", "-f", "csv")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[1].startswith(f"1,{JIA},")


@pytest.mark.parametrize("args,code,words", [
    (("network",), 2, "name a question"),
    (("network", "--export", "gexf"), 2, "needs -o FILE"),
    (("network", "path", "王立", "nobody"), 1, "no entity called 'nobody'"),
    (("network", "--view", "people", "path", "王立", "乙县第二中学"), 1, "not connected in this view"),
    (("network", "central", "--kind", "schools"), 2, "'schools' is not a node kind; choose one of alliance, division"),
])
def test_cli_errors_are_one_line_with_a_fix(fixture_args, args, code, words, zkg):
    cmd, *rest = args
    proc = zkg(cmd, *fixture_args, *rest)
    assert proc.returncode == code, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and words in errors[0], proc.stderr
    assert "Traceback" not in proc.stderr


def test_cli_missing_graph_says_how_to_fix(tmp_path, zkg):
    proc = zkg("network", "--graph-dir", str(tmp_path), "components")
    assert proc.returncode == 1
    [line] = proc.stderr.strip().splitlines()
    assert line.startswith(f"Error: no graph in {tmp_path}/") and line.endswith("run `zkg build` first")


@pytest.mark.parametrize("view", ["school-network", "alliances", "all"])
def test_exports_are_the_same_bytes_whatever_the_string_hashing(view, tmp_path, zkg):
    """Same graph in, same bytes out: the node and edge order must not follow Python's hash seed."""
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"{view}-{seed}.gexf"
        done = zkg("network", "--view", view, "--export", "gexf", "-o", str(out), env={"PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


# --------------------------------------------------------------------------- views, walks, backends


def _sorted_copy(G) -> nx.Graph:
    """The simple undirected graph of G with nodes and neighbours in sorted order, built apart: what
    the walks on :func:`net.undirected` must agree with (same neighbour order, so the same path)."""
    U = nx.Graph()
    U.add_nodes_from(sorted(G.nodes))
    U.add_edges_from(sorted({tuple(sorted(e)) for e in G.edges()}))
    return U


@pytest.mark.parametrize("name", ["school-network", "people", "programs"])
def test_views_are_views_not_copies(R, name):
    V = net.view(R, name)
    n = next(iter(V))
    assert V.nodes[n] is R.nodes[n]  # the same attribute dict: nothing copied
    assert list(V) == [m for m in R if m in V]  # in the graph's order
    assert net.view(R, "all") is R
    with pytest.raises(nx.NetworkXError):
        V.add_node("x")  # read-only


def test_paths_on_the_view_are_the_sorted_graphs_paths(R):
    """Every pair of 60 nodes of the real graph: the path found on the undirected view is the one
    networkx finds on a sorted simple copy (the old way), ties between equal paths included."""
    U = _sorted_copy(R)
    nodes = sorted(R)[::max(1, len(R) // 60)]
    checked = 0
    for a in nodes:
        for b in nodes:
            if a != b and nx.has_path(U, a, b):
                assert nx.shortest_path(net.undirected(R), a, b) == nx.shortest_path(U, a, b), (a, b)
                checked += 1
    assert checked > 300


@pytest.mark.parametrize("name", ["all", "school-network", "people", "programs"])
def test_degree_and_components_equal_networkx_on_a_simple_copy(R, name):
    V = net.view(R, name)
    U = _sorted_copy(V)
    assert dict(net.most_central(V, None, len(V), measure="degree")) == nx.degree_centrality(U)
    assert net.components(V) == sorted((sorted(c) for c in nx.connected_components(U)), key=lambda c: (-len(c), c[0]))


@pytest.mark.parametrize("name", ["all", "people"])
def test_parallel_backend_gives_networkxs_betweenness(R, name):
    """nx-parallel (the extra `networks`, in the test extra) through networkx's dispatch: the same
    ranking and scores as networkx itself on the real graph, to rounding."""
    V = net.view(R, name)
    plain = net.most_central(V, None, len(V), backend="networkx")
    par = net.most_central(V, None, len(V), backend="parallel")
    assert [n for n, s in par if s > 1e-9] == [n for n, s in plain if s > 1e-9]
    assert sum(s > 0 for _, s in plain) >= 3  # something to compare (the people view has 3 hubs)
    assert dict(par) == pytest.approx(dict(plain), abs=1e-12)
    with pytest.raises(ValueError, match="unknown backend"):
        net.most_central(V, backend="graphblas")


def test_parallel_backend_on_a_sampled_graph_is_the_same():
    """Above 2,000 nodes betweenness samples 500 sources with the seed: both backends sample the same."""
    big = _big()
    plain = dict(net.most_central(big, k=50, seed=3))
    assert dict(net.most_central(big, k=50, seed=3, backend="parallel")) == pytest.approx(plain, abs=1e-12)


def test_cli_central_backend_parallel(fixture_args, zkg):
    args = ("network", *fixture_args, "central", "-k", "3", "-f", "csv")
    plain = zkg(*args)
    par = zkg(*args, "--backend", "parallel")
    assert plain.returncode == par.returncode == 0, par.stderr
    assert par.stdout == plain.stdout and len(par.stdout.split()) == 4  # the header and 3 rows


def test_the_benchmark_runs_at_the_smallest_size(tmp_path):
    """benchmarks/network_bench.py is a script, not a timed test: here it only has to work, on two
    copies of the real graph, and print one row per question with its ratios to raw networkx."""
    import json
    import subprocess
    import sys

    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "network_bench.py"), "--copies", "2", "--runs", "1",
                           "--questions", "alliance-members,path", "--no-backends"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:4] == ["copies", "triples", "question", "raw"]
    rows = [line.split() for line in lines[1:]]
    assert [r[2] for r in rows] == ["alliance-members", "path"]
    triples = 2 * json.loads((REAL / "manifest.json").read_text(encoding="utf-8"))["triples"]
    assert all(r[0] == "2" and r[1] == str(triples) and float(r[6]) > 0 for r in rows)  # new/raw ratio
    assert f"2 copies: {triples} triples" in done.stderr


def test_the_default_graph_of_a_built_dataset_gives_the_union_s_network(R):
    """zkg build's default graph holds every triple of the named graphs: union=False is the same network."""
    store = net.network_store(REAL, ONTO).store
    for provenance in (True, False):
        union, default = (net.project(store, provenance=provenance, union=u) for u in (True, False))
        assert list(default.nodes(data=True)) == list(union.nodes(data=True))
        assert list(default.edges(keys=True, data=True)) == list(union.edges(keys=True, data=True))
        assert default.graph == union.graph
    assert list(R.edges(keys=True, data=True)) == list(net.project(store).edges(keys=True, data=True))


@pytest.mark.parametrize("edges", [{"member-of"}, {"leads"}, {"covers"}, {"located-in", "part-of"},
                                   {"holds-post-at"}, {"runs"}, {"supplies", "applies-to"}, set()])
def test_projecting_some_edges_keeps_those_of_the_whole_projection(R, edges, two_articles):
    """project(edges=...) has the whole projection's edges of those names, with the same attributes in
    the same order, and the nodes at their ends (looked up one by one) with the same attributes."""
    for graph_dir, whole in ((REAL, R), (two_articles.graph, None)):
        store = net.network_store(graph_dir, ONTO).store
        whole = whole if whole is not None else net.project(store)
        for provenance in (True, False):
            part = net.project(store, provenance=provenance, union=False, edges=edges)
            full = whole if provenance else net.project(store, provenance=False)
            kept = [e for e in full.edges(keys=True, data=True) if e[2] in edges]
            assert list(part.edges(keys=True, data=True)) == kept
            ends = {n for s, o, _, _ in kept for n in (s, o)}
            assert ends <= set(part)
            assert list(part.nodes(data=True)) == [(n, d) for n, d in full.nodes(data=True) if n in part]
            assert part.graph == full.graph
    assert any(e[2] == "holds-post-at" for e in R.edges(keys=True)) and any(e[2] == "runs" for e in R.edges(keys=True))


@pytest.mark.parametrize("view", list(net.VIEWS))
def test_each_question_on_its_edges_is_the_question_on_the_whole_view(R, view):
    """What `zkg network` asks on a projection of the edges a question reads (net.edges_for) equals the
    answer on the whole projection, in every view."""
    store = net.network_store(REAL, ONTO).store
    whole = net.view(net.project(store, provenance=False), view)
    answered = 0
    for answer, edges in ((net.alliance_members, {"member-of"}), (net.alliance_leaders, {"leads"}),
                          (net.alliance_counties, {"covers"}), (net.schools_per_county, {"located-in", "part-of"})):
        part = net.view(net.project(store, provenance=False, union=False, edges=net.edges_for(view, edges)), view)
        assert answer(part) == answer(whole), (view, answer.__name__)
        for a, items in answer(part).items():  # the labels and roles the commands print
            assert part.nodes[a] == whole.nodes[a] and all(part.nodes[b] == whole.nodes[b] for b in items)
        assert all(whole.get_edge_data(s, o, k) == d for s, o, k, d in part.edges(keys=True, data=True))  # roles
        answered += bool(answer(whole))
    assert answered >= (0 if view == "people" else 1)


def test_the_answers_projection_is_the_whole_one_without_figures_and_quotes(R):
    """`zkg network` questions project with provenance=False: the same nodes, edges and attributes
    in the same order, only the figures and quotes left empty."""
    lean = net.project(net.network_store(REAL, ONTO).store, provenance=False)
    strip = lambda d: {k: ([] if k in ("figures", "quotes") else v) for k, v in d.items()}  # noqa: E731
    assert list(lean.nodes(data=True)) == [(n, strip(d)) for n, d in R.nodes(data=True)]
    assert list(lean.edges(keys=True, data=True)) == [(s, o, k, strip(d)) for s, o, k, d in R.edges(keys=True, data=True)]
    assert lean.graph == R.graph
    assert any(d["quotes"] for _, d in R.nodes(data=True)) and not any(d["quotes"] for _, d in lean.nodes(data=True))
