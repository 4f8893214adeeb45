"""The build end to end: committed graph == fresh build, determinism, provenance, validation."""

from __future__ import annotations

from itertools import permutations

import pytest
from rdflib import RDF, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.compare import graph_diff, to_isomorphic

from kg_build import build
from kg_build.validate import undeclared_terms
from kg_build.vocab import ZTD, load_vocabulary

ZT = "https://w3id.org/zhaotong-kg/ontology#"


def _diff_message(expected: Graph, actual: Graph) -> str:
    _, missing, added = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
    lines = [f"- {t[0].n3()} {t[1].n3()} {t[2].n3()}" for t in sorted(missing)[:20]]
    lines += [f"+ {t[0].n3()} {t[1].n3()} {t[2].n3()}" for t in sorted(added)[:20]]
    return f"{len(missing)} triples missing, {len(added)} added:\n" + "\n".join(lines)


@pytest.fixture(scope="module")
def g(built) -> Graph:
    """The fresh build's default graph (every triple once), for the tests that only read it."""
    return built.graph


def _dataset(text: str, fmt: str) -> set[tuple]:
    """The quads of an N-Quads or TriG text, the default graph's as (s, p, o, None)."""
    ds = Dataset()
    ds.parse(data=text, format=fmt, publicID=str(ZTD))
    return {(s, p, o, None if g == DATASET_DEFAULT_GRAPH_ID else g) for s, p, o, g in ds.quads()}


@pytest.mark.parametrize("name", ["zhaotong.trig", "zhaotong.nq"])
def test_committed_graph_equals_a_fresh_build(built, project_root, name):
    committed_path = project_root / "graph" / name
    text = built.files()[name].decode("utf-8")
    if committed_path.read_text(encoding="utf-8") != text:
        fmt = "trig" if name.endswith(".trig") else "nquads"
        committed, fresh = _dataset(committed_path.read_text(encoding="utf-8"), fmt), _dataset(text, fmt)
        missing, added = sorted(committed - fresh, key=str)[:20], sorted(fresh - committed, key=str)[:20]
        pytest.fail(f"graph/{name} differs from a fresh build (run `zkg build`): {len(committed - fresh)} "
                    f"quads missing, {len(fresh - committed)} added\n" + "\n".join(
                        [f"- {q}" for q in missing] + [f"+ {q}" for q in added]))


def test_trig_and_nquads_hold_the_same_dataset(built):
    trig, nq = _dataset(built.trig, "trig"), _dataset(built.nquads, "nquads")
    assert trig == nq
    default = {q[:3] for q in nq if q[3] is None}
    named = {q for q in nq if q[3] is not None}
    assert len(default) == len(built.graph) == built.summary["triples"]
    assert len(named) == built.summary["quads"]
    assert len({q[3] for q in named}) == built.summary["graphs"]


def test_the_default_graph_is_the_union_of_the_named_graphs(built):
    """Every triple is in the default graph once and in the named graph of each record that asserts
    it: so a plain question sees it, and `GRAPH ?g { s p o }` says what supports it."""
    quads = _dataset(built.nquads, "nquads")
    default = {q[:3] for q in quads if q[3] is None}
    in_named = {q[:3] for q in quads if q[3] is not None}
    assert default == in_named
    assert len(default) > 5000


def test_every_named_graph_says_what_supports_it(built):
    """Each named graph is a curated record (a zt:Fact with a status, and the file it was curated
    in), an article (its text file and the catalogue), or the provenance bundle itself."""
    g, zt = built.graph, lambda n: URIRef(ZT + n)  # noqa: E731
    graphs = {q[3] for q in built.quads}
    kinds = {"fact": 0, "article": 0, "bundle": 0}
    for name in graphs:
        if (name, RDF.type, zt("Fact")) in g:
            assert g.value(name, zt("status")) is not None and g.value(name, zt("curatedIn")) is not None, name
            kinds["fact"] += 1
        elif (name, RDF.type, zt("Article")) in g:
            assert str(g.value(name, zt("file"))).startswith("sources/"), name
            kinds["article"] += 1
        else:
            assert (name, RDF.type, URIRef("http://www.w3.org/ns/prov#Bundle")) in g, name
            kinds["bundle"] += 1
    assert kinds["bundle"] == 1 and kinds["article"] == len(built.summary["articles"])
    assert kinds["fact"] == sum(built.summary["facts_by_status"].values())


def test_two_builds_give_identical_bytes(built, project_root):
    again = build(project_root, shacl=False)
    assert again.trig == built.trig
    assert again.nquads == built.nquads


def test_no_blank_nodes_and_no_timestamps(built):
    assert "_:" not in built.nquads
    assert "dateTime" not in built.nquads


def test_every_emitted_term_is_declared_in_the_ontology(built, project_root):
    vocab = load_vocabulary(project_root / "ontology" / "zhaotong.ttl")
    assert undeclared_terms(built.graph, vocab) == []


def test_undeclared_terms_are_caught(project_root):
    vocab = load_vocabulary(project_root / "ontology" / "zhaotong.ttl")
    bad = [(ZTD["x"], URIRef(ZT + "colour"), Literal("red")), (ZTD["x"], RDF.type, URIRef(ZT + "Shcool"))]
    assert len(undeclared_terms(bad, vocab)) == 2


def test_every_article_fact_has_its_words_in_its_paragraphs(g):
    """Checked on the graph itself: the quote is in the text of the paragraph(s) the fact cites."""
    quote, paragraph, text = (URIRef(ZT + n) for n in ("quote", "paragraph", "text"))
    checked = 0
    for fact in set(g.subjects(RDF.type, URIRef(ZT + "Fact"))):
        q = g.value(fact, quote)
        if q is None:
            continue
        texts = [str(g.value(p, text)) for p in g.objects(fact, paragraph)]
        assert texts, fact
        assert any(str(q) in "".join(order) for order in permutations(texts)), fact
        checked += 1
    assert checked > 300


def test_every_fact_has_exactly_one_status_and_a_basis(built, g):
    zt = lambda n: URIRef(ZT + n)  # noqa: E731
    facts = set(g.subjects(RDF.type, zt("Fact")))
    assert len(facts) > 400
    for f in facts:
        statuses = list(g.objects(f, zt("status")))
        assert len(statuses) == 1, f
        status = statuses[0]
        if status == zt("Stated"):
            assert g.value(f, zt("quote")) is not None and g.value(f, zt("paragraph")) is not None, f
        elif status == zt("Derived"):
            assert g.value(f, zt("derivation")) is not None, f
            assert g.value(f, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")) is not None, f
        elif status == zt("Curated"):  # a defect with its evidence, or a reference source described
            assert g.value(f, zt("curatedIn")) is not None, f
        else:
            assert status == zt("Reference"), f
            assert g.value(f, URIRef("http://purl.org/dc/terms/source")) is not None, f


def test_reference_facts_cite_the_reference_source_not_the_article(built, g):
    code = URIRef(ZT + "divisionCode")
    zhaoyang = ZTD["division/530602"]
    assert g.value(zhaoyang, code) == Literal("530602")
    fact = next(q[3] for q in built.quads if q[:3] == (zhaoyang, code, Literal("530602")))
    assert g.value(fact, URIRef(ZT + "status")) == URIRef(ZT + "Reference")
    assert g.value(fact, URIRef(ZT + "quote")) is None


def test_facts_on_a_split_paragraph_say_they_rest_on_a_defect(built, g):
    rests = URIRef(ZT + "restsOnDefect")
    p15 = ZTD["source/zhaotong-education-2025/p/015"]
    on_p15 = {f for f in g.subjects(URIRef(ZT + "paragraph"), p15)
              if g.value(f, URIRef(ZT + "status")) == URIRef(ZT + "Stated")}  # not the defect's own record
    assert on_p15, "some fact should cite paragraph 15 (Haiyanchi school)"
    assert all(g.value(f, rests) is not None for f in on_p15)


def test_summary_counts_match_the_graph(built, g):
    s = built.summary
    assert s["triples"] == len(g)
    n_obs = len(set(g.subjects(RDF.type, URIRef(ZT + "Observation"))))
    assert s["entities_per_class"]["Observation"] == n_obs


def test_derived_values_are_the_arithmetic_they_claim(g):
    """Each derived figure computed from stated figures is their sum, difference or ratio."""
    value = URIRef(ZT + "value")
    derived = list(g.subjects(URIRef(ZT + "status"), URIRef(ZT + "Derived")))
    assert derived
    checked = 0
    for f in derived:
        inputs = [g.value(i, value) for i in g.objects(f, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))]
        if g.value(f, value) is None or not inputs or None in inputs:
            continue
        xs = [float(x.toPython()) for x in inputs]
        v = float(g.value(f, value).toPython())
        candidates = [sum(xs)]
        if len(xs) == 2:
            a, b = xs
            candidates += [a - b, b - a] + [a / b, b / a] * (0 not in xs)
        assert any(abs(v - c) <= 1e-4 * max(1.0, abs(c)) for c in candidates), (f, v, xs)
        checked += 1
    assert checked >= 5


def test_build_finds_the_project_from_the_working_directory(scratch_project, tmp_path, zkg):
    # A fact only the copy has: the build run from inside the copy must include it.
    (scratch_project / "facts" / "education" / "only-here.yaml").write_text(
        "relations:\n  - id: bureau-of-zhaotong-test\n    subject: org/zhaotong-education-sports-bureau\n"
        "    property: locatedIn\n    object: division/530600\n    para: 16\n"
        "    quote: 昭通市教育体育局局长周世碧\n", encoding="utf-8")
    # --no-shacl: what is checked is which project is built, not the shapes (the `built` fixture runs them).
    done = zkg("build", "--out", str(tmp_path / "out"), "--no-shacl", cwd=scratch_project / "facts")
    assert done.returncode == 0, done.stderr
    assert "fact/bureau-of-zhaotong-test>" in (tmp_path / "out" / "zhaotong.nq").read_text(encoding="utf-8")


def test_the_cli_streams_the_same_files_and_reports_its_stages(built, project_root, tmp_path, zkg):
    """``zkg build`` writes the files chunk by chunk into their temporary files: the bytes and the
    manifest are those of the build in memory; ``--timings`` names every stage on stderr."""
    from kg_build.manifest import MANIFEST, manifest_text

    done = zkg("build", "--out", str(tmp_path), "--timings", cwd=project_root)
    assert done.returncode == 0, done.stderr
    for name, data in built.files().items():
        assert (tmp_path / name).read_bytes() == data, name
    assert (tmp_path / MANIFEST).read_text(encoding="utf-8") == manifest_text(built.manifest())
    stages = [line.split(" s  ", 1)[1] for line in done.stderr.splitlines() if line.startswith("time:")]
    assert stages[0] == "read and check the facts" and "validation: SHACL" in stages
    assert stages[-1] == "load the persistent store"


def test_the_validation_store_loads_a_graph_streamed_in_chunks():
    """The default graph goes into the validation store from chunks of N-Triples text (never one
    whole text): the store gets every triple once, as from the whole text."""
    from kg_build.validate import chunk_reader, data_store

    lines = [f'<urn:s:{i % 50}> <urn:p> "甲{i % 70}" .\n' for i in range(3000)]  # 350 distinct
    chunks = ["".join(lines[i:i + 7]) for i in range(0, len(lines), 7)]
    whole = data_store("".join(lines).encode("utf-8"), b"")
    streamed = data_store(chunk_reader(chunks), b"")
    assert len(streamed) == len(whole) == len(set(lines)) == 350
    assert set(streamed) == set(whole)
