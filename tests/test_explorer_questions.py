"""The explorer's questions and ontology pages, through Flask's test client on the real graph and on
the two-articles fixture project (no mock: the pages run their queries on a real embedded store)."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import rdflib

from zkg.catalogue import Catalogue
from zkg.cli.options import load_catalogue
from zkg.explorer import Explorer
from zkg.explorer.questions import DOWNLOADS, value_pages
from zkg.explorer.site import make_app
from zkg.result import result_from_json
from zkg.store import open_store
from zkg.values import compact

ROOT = Path(__file__).resolve().parents[1]

SHAPES = (ROOT / "ontology" / "shapes.ttl").read_text(encoding="utf-8")
ALLIANCE = "https://w3id.org/zhaotong-kg/id/alliance/zhaotong-no1"
COUNTIES = {"昭阳区", "鲁甸县", "巧家县", "彝良县"}


@pytest.fixture(scope="module")
def real():
    store = open_store(ROOT / "graph")
    state = Explorer(store, load_catalogue(ROOT / "queries"), shapes=SHAPES)
    return state, make_app(state).test_client()


@pytest.fixture(scope="module")
def fixture_project(two_articles):
    store = open_store(two_articles.graph)
    state = Explorer(store, load_catalogue(ROOT / "queries"), shapes=SHAPES)
    return state, make_app(state).test_client()


def _errors(page: str) -> list[str]:
    return re.findall(r'<p class="error" role="alert">(.*?)</p>', page, re.S)


def test_catalogue_lists_every_question(real):
    state, client = real
    page = client.get("/questions").get_data(as_text=True)
    for q in state.catalogue:
        assert f'href="questions/{q.name}"' in page, q.name
        assert q.question_en.replace("'", "&#39;").replace('"', "&#34;") in page


def test_question_by_name_answers_with_labels_and_links(real):
    state, client = real
    answer = client.get("/questions/alliance-counties", query_string={"alliance": "昭通一中"})
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert not _errors(page)
    assert "昭通一中 = 昭通市第一中学高中教研联盟 (ztd:alliance/zhaotong-no1)" in page
    cells = re.findall(r'<a href="../id/division/\d+">([^<]+)</a>', page)
    assert set(cells) == COUNTIES
    assert 'href="alliance-counties?alliance=%E6%98%AD%E9%80%9A%E4%B8%80%E4%B8%AD" rel="bookmark"' in page
    # the permalink reproduces the answer
    again = client.get("/questions/alliance-counties?alliance=%E6%98%AD%E9%80%9A%E4%B8%80%E4%B8%AD")
    assert re.findall(r"<tbody>.*</tbody>", again.get_data(as_text=True), re.S) == \
        re.findall(r"<tbody>.*</tbody>", page, re.S)


def test_csv_download_opens_with_pandas(real):
    import pandas as pd

    state, client = real
    answer = client.get("/questions/alliance-counties.csv", query_string={"alliance": "昭通一中"})
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert answer.data.startswith("\ufeff".encode("utf-8"))
    assert 'filename="alliance-counties.csv"' in answer.headers["Content-Disposition"]
    frame = pd.read_csv(io.BytesIO(answer.data), encoding="utf-8-sig")
    assert list(frame.columns) == ["alliance", "allianceZh", "allianceEn", "place", "placeZh", "placeEn", "code"]
    assert set(frame["placeZh"]) == COUNTIES
    assert set(frame["alliance"]) == {ALLIANCE}


def test_json_and_sparql_results_downloads_parse(real):
    state, client = real
    q = state.catalogue.get("alliance-counties")
    expected = state.store.select(q.text, q.bind({"alliance": ALLIANCE}))
    base = "/questions/alliance-counties"
    got = {d.suffix: client.get(base + d.suffix, query_string={"alliance": "昭通一中"}) for d in DOWNLOADS}
    assert all(r.status_code == 200 for r in got.values())
    records = json.loads(got[".json"].data)
    assert [r["placeZh"] for r in records] == [dict(zip(expected.columns, row))["placeZh"] for row in expected.rows]
    assert result_from_json(got[".srj"].get_data(as_text=True)).same_as(expected)
    root = ET.fromstring(got[".srx"].data)
    ns = {"s": "http://www.w3.org/2005/sparql-results#"}
    assert [v.get("name") for v in root.findall("s:head/s:variable", ns)] == list(expected.columns)
    assert len(root.findall("s:results/s:result", ns)) == len(expected.rows) == 4
    tsv = got[".tsv"].get_data(as_text=True).splitlines()
    assert tsv[0].split("\t") == [f"?{c}" for c in expected.columns] and len(tsv) == 5
    assert f"<{ALLIANCE}>" in tsv[1]
    rows = list(csv.reader(io.StringIO(got[".sparql.csv"].get_data(as_text=True))))
    assert rows[0] == list(expected.columns) and len(rows) == 5


@pytest.mark.parametrize("name, fragment", [
    ("不存在的学校", "no zt:TeachingResearchAlliance called"),
    ("高中教研联盟", "names 3 "),  # every alliance: refused with the candidates
])
def test_bad_name_is_400_with_one_line(real, name, fragment):
    state, client = real
    answer = client.get("/questions/alliance-counties", query_string={"alliance": name})
    assert answer.status_code == 400
    errors = _errors(answer.get_data(as_text=True))
    assert len(errors) == 1 and "\n" not in errors[0] and fragment in errors[0]
    assert "<tbody>" not in answer.get_data(as_text=True)
    download = client.get("/questions/alliance-counties.csv", query_string={"alliance": name})
    assert download.status_code == 400 and download.mimetype == "text/plain"
    assert download.get_data(as_text=True).count("\n") == 1


def test_ambiguous_name_lists_the_candidates(real):
    state, client = real
    page = client.get("/questions/alliance-counties", query_string={"alliance": "高中教研联盟"}).get_data(as_text=True)
    (error,) = _errors(page)
    assert "云天化中学高中教研联盟" in error and "ztd:alliance/zhenxiong-ynnu" in error


def test_unknown_parameter_and_question(real):
    state, client = real
    answer = client.get("/questions/alliance-counties", query_string={"school": "x"})
    assert answer.status_code == 400 and "has no parameter &#39;school&#39;" in _errors(answer.get_data(as_text=True))[0]
    assert client.get("/questions/no-such-question").status_code == 404
    assert client.get("/questions/alliance-counties/alliance/no-such-key").status_code == 404


def test_every_question_answers_with_its_defaults(real):
    state, client = real
    for q in state.catalogue:
        answer = client.get(f"/questions/{q.name}")
        assert answer.status_code == 200, (q.name, _errors(answer.get_data(as_text=True)))
        expected = state.store.select(q.text, q.bind({}, state.resolver()))
        assert f"<p>{len(expected.rows)} row" in answer.get_data(as_text=True), q.name


def test_a_page_for_each_value_of_a_one_parameter_question(real):
    state, client = real
    with make_app(state).test_request_context("/"):
        pages = value_pages(state.catalogue.get("alliance-counties"))
        assert [p.key for p in pages] == ["yuntianhua", "zhaotong-no1", "zhenxiong-ynnu"]
        assert value_pages(state.catalogue.get("programs")) == []  # a class parameter: too many values
    page = client.get("/questions/alliance-counties/alliance/zhaotong-no1").get_data(as_text=True)
    assert set(re.findall(r'<a href="../../../id/division/\d+">([^<]+)</a>', page)) == COUNTIES
    assert 'href="zhaotong-no1.csv"' in page


def test_hostile_values_are_text_and_spreadsheet_safe(tmp_path):
    hostile = '=HYPERLINK("http://x")</script><b>"\u2028'
    data = ('<https://w3id.org/zhaotong-kg/id/school/a> <http://www.w3.org/2000/01/rdf-schema#label> '
            + json.dumps(hostile, ensure_ascii=True) + '@zh .\n')
    text = ("# name: labels\n# question-zh: 标签\n# question-en: Labels\n# column: s — thing\n# column: label — its label\n"
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nSELECT ?s ?label WHERE { ?s rdfs:label ?label }\n")
    state = Explorer(open_store(data=data), Catalogue.from_texts({"labels": text}))
    client = make_app(state).test_client()
    page = client.get("/questions/labels").get_data(as_text=True)
    assert "</script><b>" not in page and "&lt;/script&gt;&lt;b&gt;" in page
    rows = list(csv.reader(io.StringIO(client.get("/questions/labels.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1][1].startswith("'=HYPERLINK(")


def test_two_articles_questions(fixture_project):
    state, client = fixture_project
    assert client.get("/questions").status_code == 200
    for q in state.catalogue:
        assert client.get(f"/questions/{q.name}").status_code == 200, q.name
    frame_csv = client.get("/questions/schools.csv")
    import pandas as pd

    frame = pd.read_csv(io.BytesIO(frame_csv.data), encoding="utf-8-sig")
    expected = state.store.select(state.catalogue.get("schools").text)
    assert len(frame) == len(expected.rows) > 0


def _declared(kinds: tuple[str, ...]) -> set[rdflib.URIRef]:
    g = rdflib.Graph().parse(ROOT / "ontology" / "zhaotong.ttl")
    owl = rdflib.OWL
    return {s for k in kinds for s in g.subjects(rdflib.RDF.type, getattr(owl, k)) if isinstance(s, rdflib.URIRef)}


def test_ontology_has_an_anchor_for_every_term(real):
    state, client = real
    page = client.get("/ontology").get_data(as_text=True)
    ids = set(re.findall(r' id="([^"]+)"', page))
    zt = "https://w3id.org/zhaotong-kg/ontology#"
    terms = _declared(("Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty", "NamedIndividual"))
    assert len(terms) > 250
    missing = []
    for t in terms:
        anchor = str(t)[len(zt):] if str(t).startswith(zt) else compact(str(t))
        if anchor not in ids:
            missing.append(anchor)
    assert not missing, missing
    assert len(ids) == len(re.findall(r' id="', page)), "an id is used twice"


def test_ontology_entry_has_labels_definition_alignment_shape_and_instances(real):
    state, client = real
    page = client.get("/ontology").get_data(as_text=True)
    entry = re.search(r'<article class="term" id="TeachingResearchAlliance".*?</article>', page, re.S).group()
    assert "教研联盟" in entry and "org:OrganizationalCollaboration" in entry
    assert "(alignment)" in entry and "SHACL shape" in entry
    assert 'href="id/alliance/zhaotong-no1"' in entry and "3 things of this class" in entry
    assert 'href="https://' not in page and "href='http" not in page  # outside IRIs are text
