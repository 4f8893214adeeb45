"""The explorer's home, search, entity pages and article view (issue 13), through Flask's test
client on the real front (:func:`zkg.serve.front.create_app`) over the embedded store of the real
graph, of the two-articles fixture project, and of a small hostile graph. The SPARQL endpoint of
the front is not asked here (tests/test_serve.py starts a real one)."""

from __future__ import annotations

import html
import json
import re
import urllib.parse

import pytest

from zkg.api import read_queries
from zkg.catalogue import Catalogue
from zkg.explorer import Explorer
from zkg.explorer.web import entity_path
from zkg.prefixes import PREFIXES
from zkg.serve.front import create_app
from zkg.store import open_store
from zkg.values import IRI

ZTD = PREFIXES["ztd"]
NO1 = ZTD + "school/zhaotong-no1"
ALLIANCE = ZTD + "alliance/zhaotong-no1"
def _client(store, catalogue: Catalogue | None = None):
    app = create_app("http://127.0.0.1:9", explorer=Explorer(store, catalogue or Catalogue([])))
    app.config["TESTING"] = True
    return app, app.test_client()


@pytest.fixture(scope="module")
def real(project_root):
    store = open_store(project_root / "graph")
    app, client = _client(store, Catalogue.from_texts(read_queries(project_root / "queries")))
    return store, app, client


@pytest.fixture(scope="module")
def fixture_site(two_articles):
    store = open_store(two_articles.graph)
    app, client = _client(store)
    return store, app, client


def page(client, url: str, status: int = 200) -> str:
    r = client.get(url)
    assert r.status_code == status, f"{url}: {r.status_code} {r.data[:300]!r}"
    return r.data.decode("utf-8")


def main_part(text: str) -> str:
    return text[text.index("<main"):text.index("</main>")]


def plain(fragment: str) -> str:
    """The text of an HTML fragment (tags dropped, entities read)."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def hrefs(text: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'(?:href|src)="([^"]*)"', text)]


def graph_iris(store) -> set[str]:
    """Every ``ztd:`` IRI in the store's default graph (the things that have pages)."""
    return {str(x) for (x,) in store.select(f"SELECT DISTINCT ?x WHERE {{ {{ ?x ?p ?o }} UNION {{ ?s ?p ?x }} "
                                            f"FILTER(isIRI(?x) && STRSTARTS(STR(?x), \"{ZTD}\")) }}",
                                            max_rows=None).rows}


def check_links(client, url: str, seen: dict, iris: set[str] | None = None) -> None:
    """Every link of the page at ``url`` stays on the site and answers 200, the pages of the other
    parts of the site (questions, network, ontology, the SPARQL editor) included. With ``iris`` (:func:`graph_iris`), a link to an entity page is checked
    without fetching it: its IRI must be one of them (the entity route answers 200 for exactly
    those, as :func:`test_every_thing_of_the_real_graph_has_a_page_whose_links_answer` checks). A link to a
    paragraph of the article (``#pN``) must find that paragraph there."""
    text = page(client, url)
    for h in hrefs(text):
        assert not re.match(r"^(?:[a-z]+:)?//", h), f"{url} links out: {h}"
        parts = urllib.parse.urlsplit(urllib.parse.urljoin("http://localhost" + url, h))
        where = parts.path + ("?" + parts.query if parts.query else "")
        if parts.fragment and parts.path.startswith("/article"):
            anchors = seen.setdefault("#" + parts.path, set(re.findall(r'id="([^"]+)"', page(client, parts.path))))
            assert parts.fragment in anchors, f"{url} links to {h}: no #{parts.fragment} there"
        if where in seen:
            continue
        if iris is not None and parts.path.startswith("/id/"):
            iri = ZTD + urllib.parse.unquote(parts.path[len("/id/"):])
            iri = re.sub(r"\.(ttl|nt|jsonld)$", "", iri) if iri not in iris else iri
            assert iri in iris, f"{url} links to {h}: {iri} is not in the graph"
            seen[where] = 200
            continue
        seen[where] = client.get(where, headers={"Accept": "text/html"}).status_code  # as a browser asks
        assert seen[where] == 200, f"{url} links to {h} ({where}): {seen[where]}"


# --------------------------------------------------------------------------- home and search


def test_home_shows_the_alliances_the_counts_and_where_to_go(real):
    store, _app, client = real
    text = main_part(page(client, "/"))
    cards = re.findall(r'<li class="card">(.*?)</li>\s*(?=<li class="card">|</ul>)', text, re.S)
    alliances = store.select("SELECT ?a WHERE { ?a a <https://w3id.org/zhaotong-kg/ontology#TeachingResearchAlliance> }").rows
    assert len(cards) == len(alliances) == 3
    no1 = next(c for c in cards if 'href="id/alliance/zhaotong-no1"' in c)
    assert 'href="id/school/zhaotong-no1"' in no1  # its leader
    covered = {o for (o,) in store.select("SELECT ?o WHERE { <%s> <%scovers> ?o }" % (ALLIANCE, PREFIXES["zt"])).rows}
    assert {f"id/{o[len(ZTD):]}" for o in covered} == set(re.findall(r'href="(id/division/\d+)"', no1))
    assert 'href="questions"' in text and 'href="article"' in text
    # things per class: the schools' row counts what the graph holds
    seniors = sum(1 for t, cs in Explorer(store, Catalogue([])).names.types.items()
                  if PREFIXES["zt"] + "SeniorHighSchool" in cs and t.startswith(ZTD))
    assert re.search(r'ontology#SeniorHighSchool">[^<]+</a></td><td>[^<]*</td><td class="num">%d<' % seniors, text)


def test_home_has_no_inline_script_and_a_form_that_works_without_it(real):
    _store, _app, client = real
    text = page(client, "/")
    assert re.findall(r"<script[^>]*>", text) == ['<script src="static/explorer-search.js" defer>']
    assert not re.search(r"\son[a-z]+=", text), "an inline event handler (CSP forbids it)"
    assert re.search(r'<form class="find" role="search" aria-labelledby="find" method="get" action="search"', text)
    assert '<label for="home-search">' in text
    assert client.get("/static/explorer-search.js").status_code == 200


def test_a_static_site_links_pages_as_files_and_asks_no_api(real):
    store, _app, _client_ = real
    app = create_app("http://127.0.0.1:9", explorer=Explorer(store, Catalogue([]), site=True))
    client = app.test_client()
    home = page(client, "/")
    assert 'href="article.html"' in home and 'href="id/alliance/zhaotong-no1.html"' in home
    assert "data-api" not in home  # no live /api/search: the script stays quiet, the form remains
    entity = page(client, "/id/school/zhaotong-no1")
    assert 'href="../../article.html#p11"' in entity and 'href="zhaotong-no1.ttl"' in entity


def test_search_as_you_type_finds_a_school_by_its_other_name(real):
    _store, _app, client = real
    r = client.get("/api/search?q=" + urllib.parse.quote("昭通一中"))
    assert r.status_code == 200 and r.mimetype == "application/json"
    found = r.get_json()
    assert found[0]["iri"] == NO1 and found[0]["path"] == "/id/school/zhaotong-no1"
    assert found[0]["zh"] == "昭通市第一中学" and found[0]["match"] == "exact alt label"
    english = client.get("/api/search?q=zhaotong+no.1+middle").get_json()
    assert NO1 in [f["iri"] for f in english]
    assert client.get("/api/search?q=").get_json() == []


def test_search_page_ranks_names_and_helps_when_none_match(real):
    _store, _app, client = real
    text = main_part(page(client, "/search?q=" + urllib.parse.quote("一中")))
    rows = re.findall(r"<tr><td class=\"num\">(\d+)</td><td lang=\"zh\"><a href=\"([^\"]+)\">", text)
    assert rows and [int(n) for n, _ in rows] == list(range(1, len(rows) + 1))
    assert "id/school/zhaotong-no1" in [h for _, h in rows]
    none = main_part(page(client, "/search?q=qqxxzz"))
    assert "No name contains “qqxxzz”" in none and "<table" not in none


# --------------------------------------------------------------------------- entity pages


def test_entity_page_shows_the_quote_marked_inside_its_paragraph(real):
    store, _app, client = real
    text = page(client, "/id/school/zhaotong-no1")
    assert "<h1><span lang=\"zh\">昭通市第一中学</span> <span class=\"en\">Zhaotong No.1 Middle School</span></h1>" in text
    quotes = re.findall(r'<blockquote lang="zh"><p>(.*?)</p>\s*<p class="where"><a href="([^"]+)">¶(\d+)', text, re.S)
    assert quotes
    texts = dict(store.select("SELECT ?n ?t WHERE { ?p <%sparagraphNumber> ?n ; <%stext> ?t }"
                              % (PREFIXES["zt"], PREFIXES["zt"]), max_rows=None).rows)
    for body, link, n in quotes:
        assert plain(body) == texts[int(n)], f"¶{n} is not shown whole"
        assert link == f"../../article#p{n}"
    marked = [plain(m) for body, _l, n in quotes if n == "11" for m in re.findall(r"<mark>(.*?)</mark>", body)]
    assert "累计向昭通市第一中学输送学生1067人" in marked


def test_statements_are_grouped_by_property_with_their_status(real):
    _store, _app, client = real
    text = page(client, "/id/school/zhaotong-no1")
    groups = re.findall(r'<section class="group" aria-label="([^"]+)">', text)
    assert len(groups) == len(set(groups)) and {"leads", "manages", "post in (to it)", "run by (to it)", "supplies students to (to it)"} <= set(groups)
    assert text.count('<span class="badge">stated</span>') >= 8
    assert re.search(r'Rests on a defect of the article: <a href="../source/zhaotong-education-2025/defect/'
                     r'trunc-start-p22">truncated start</a> \(¶22\)', text)


def test_alliance_page_lists_its_counties(real):
    store, _app, client = real
    text = page(client, "/id/alliance/zhaotong-no1")
    group = re.search(r'<section class="group" aria-label="covers">(.*?)</section>', text, re.S).group(1)
    heading = re.sub(r"<[^>]+>|\s+", " ", re.search(r"<h3>(.*?)</h3>", group, re.S).group(1)).split()
    assert heading == ["→", "覆盖", "·", "covers", "zt:covers"]  # the term's CURIE, not its label again
    assert '<a href="../../ontology#covers">zt:covers</a>' in group
    shown = re.findall(r'<p class="other"><a href="../division/(\d+)">([^<]+)</a>', group)
    assert {name for _, name in shown} == {"昭阳区", "鲁甸县", "彝良县", "巧家县"}
    covered = store.select("SELECT ?o WHERE { <%s> <%scovers> ?o }" % (ALLIANCE, PREFIXES["zt"])).rows
    assert {ZTD + "division/" + code for code, _ in shown} == {o for (o,) in covered}
    assert group.count("<mark>昭通市第一中学携手昭阳、鲁甸、彝良、巧家4县及市直高中</mark>") == 4


def test_derived_and_reference_facts_say_how_and_from_where(real):
    store, _app, client = real
    zt, prov = PREFIXES["zt"], PREFIXES["prov"]
    fact, derivation = store.select(f"SELECT ?f ?d WHERE {{ ?f <{zt}status> <{zt}Derived> ; <{zt}derivation> ?d ; "
                                    f"a <{zt}Observation> }} ORDER BY ?f LIMIT 1").rows[0]
    text = page(client, entity_path(fact))
    assert '<span class="badge">derived</span>' in text
    assert f'<p class="derivation">Derived: {html.escape(derivation)}</p>' in text
    sources = store.select(f"SELECT ?s WHERE {{ <{fact}> <{prov}wasDerivedFrom> ?s }}").rows
    for (s,) in sources:
        assert f'href="{s.rsplit("/", 1)[-1]}"' in text  # a sibling record: fact/x → fact/y
    division = page(client, "/id/division/530602")
    assert '<span class="badge">reference</span>' in division
    assert 'Source: <a href="../source/reference-places">' in division


def test_figures_come_as_a_table_and_a_chart_of_the_years(real):
    _store, _app, client = real
    text = page(client, "/id/division/530600")
    figures = re.search(r'<section aria-labelledby="figures-h">(.*?)</section>', text, re.S).group(1)
    head = [plain(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", figures)]
    for column in ("indicator", "as stated", "unit", "year or period", "level or change", "baseline", "source",
                   "against other reports"):
        assert column in head
    charts = re.findall(r'<svg role="img" aria-labelledby="(chart-\d+-t)"[^>]*>\s*<title id="([^"]+)">([^<]+)</title>',
                        figures)
    assert charts and all(a == b for a, b, _ in charts)
    exam = [t for _, _, t in charts if "中考合格率" in t]
    assert exam and "2025: 74.48%" in exam[0] and "2022" in exam[0]


def test_neighbours_link_to_their_pages(real):
    _store, _app, client = real
    text = page(client, "/id/school/zhaotong-no1")
    section = re.search(r'<section aria-labelledby="network-h">(.*?)</section>', text, re.S).group(1)
    assert '<svg role="img" aria-labelledby="network-t"' in section and '<title id="network-t">' in section
    linked = re.findall(r'<li><a href="([^"]+)">', section)
    assert "../alliance/zhaotong-no1" in linked and "fengchi-nine-year" in linked  # a school beside it


def test_a_record_and_a_paragraph_have_pages_too(real):
    _store, _app, client = real
    record = page(client, "/id/fact/alliance-no1-leader")
    assert '<h2 id="record-h">This record</h2>' in record and "<mark>" in record
    paragraph = page(client, "/id/source/zhaotong-education-2025/p/016")
    assert "<h2 id=\"text-h\">Paragraph 16</h2>" in paragraph and 'href="../../../../article#p16"' in paragraph


@pytest.mark.parametrize("media, fmt", [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                                        ("application/ld+json", "json-ld")])
def test_machines_get_the_description_in_rdf(real, media, fmt):
    import rdflib
    from rdflib.compare import isomorphic

    store, _app, client = real
    r = client.get("/id/school/zhaotong-no1", headers={"Accept": media})
    assert r.status_code == 200 and r.mimetype == media and r.headers["Vary"] == "Accept"
    g = rdflib.Graph().parse(data=r.data.decode("utf-8"), format=fmt)
    assert len(g) > 10
    no1 = rdflib.URIRef(NO1)
    assert all(no1 in (s, o) for s, _p, o in g)
    for s, p, o in g:
        term = o.n3() if not isinstance(o, rdflib.Literal) else o.n3()
        assert store.select(f"ASK {{ {s.n3()} {p.n3()} {term} }}").rows[0][0], (s, p, o)
    assert (no1, rdflib.URIRef(PREFIXES["zt"] + "leads"), rdflib.URIRef(ALLIANCE)) in g
    # the same description at the file link the page gives
    suffix = {"turtle": ".ttl", "nt": ".nt", "json-ld": ".jsonld"}[fmt]
    assert f'href="zhaotong-no1{suffix}"' in page(client, "/id/school/zhaotong-no1")
    by_file = client.get("/id/school/zhaotong-no1" + suffix)
    assert by_file.mimetype == media
    assert isomorphic(g, rdflib.Graph().parse(data=by_file.data.decode("utf-8"), format=fmt))


def test_browsers_get_html_and_unknown_things_a_404_page(real):
    _store, _app, client = real
    r = client.get("/id/school/zhaotong-no1",
                   headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert r.mimetype == "text/html" and r.headers["Vary"] == "Accept"
    missing = client.get("/id/school/no-such-school")
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    text = missing.data.decode("utf-8")
    assert "ztd:school/no-such-school" in text and 'href="../../search"' in text
    for path in ("/id/a%20b", "/id/a%3Cb%3E", "/id/x%7By", "/article/no-such-article"):
        r = client.get(path)  # not an IRI, or no article: the same page, never an error
        assert r.status_code == 404 and "<h1>Nothing here</h1>" in r.data.decode("utf-8"), path


# --------------------------------------------------------------------------- the article


def test_the_article_has_every_paragraph_in_order_with_the_quotes_marked(real):
    store, _app, client = real
    text = page(client, "/article")
    numbers = [int(n) for n in re.findall(r'<section id="p(\d+)"', text)]
    assert numbers == list(range(1, 58))
    p23 = re.search(r'<section id="p23".*?</section>', text, re.S).group(0)
    marks = [plain(m) for m in re.findall(r"<mark>(.*?)</mark>", p23)]
    assert any("昭通市第一中学携手昭阳、鲁甸、彝良、巧家4县及市直高中" in m for m in marks)
    links = re.findall(r'<a class="quote" href="([^"]+)"><mark>', p23)
    assert links and all(h.startswith("id/fact/") for h in links)
    # every quote of a record that cites one paragraph and stands in it whole is marked there
    zt = PREFIXES["zt"]
    rows = store.select(f"""SELECT ?n ?q WHERE {{ ?f <{zt}quote> ?q ; <{zt}paragraph> ?p ; <{zt}status> <{zt}Stated> .
        ?p <{zt}paragraphNumber> ?n ; <{zt}text> ?t . FILTER(CONTAINS(?t, ?q)) }}""", max_rows=None).rows
    assert len(rows) > 200
    sections = {int(n): s for n, s in re.findall(r'<section id="p(\d+)"(.*?)</section>', text, re.S)}
    for n, q in rows:
        inside = "".join(plain(m) for m in re.findall(r"<mark>(.*?)</mark>", sections[n]))
        assert q in inside or all(part in inside for part in q.split("，") if part), (n, q)


def test_the_article_shows_its_defects_where_they_are(real):
    _store, _app, client = real
    text = page(client, "/article")
    sections = {int(n): s for n, s in re.findall(r'<section id="p(\d+)"(.*?)</section>', text, re.S)}
    assert 'defect-ExactDuplicate' in sections[17].split(">", 1)[0]
    assert re.search(r'exact duplicate</a>: repeats <a href="#p15">¶15</a>', sections[17])
    join = re.search(r'<p class="join">Read joined with <a href="#p14">¶14</a>: <span lang="zh">…([^<]*)'
                     r'<span class="seam"[^>]*>\|</span>([^<]*)…', sections[15])
    assert join and join.group(1).endswith("投") and join.group(2).startswith("资")
    assert re.search(r'Read joined with <a href="#p45">¶45</a>', sections[40])
    for n, kind in ((21, "Garbled"), (22, "TruncatedStart"), (45, "TruncatedEnd"), (40, "SuspiciousLabel")):
        assert f"defect-{kind}" in sections[n].split(">", 1)[0], (n, kind)
    assert "defect-" not in sections[16].split(">", 1)[0]


def test_two_articles_each_have_their_view(fixture_site):
    _store, _app, client = fixture_site
    index = main_part(page(client, "/article"))
    assert 'href="article/jiaxian-school"' in index and 'href="article/yixian-alliance"' in index
    text = page(client, "/article/yixian-alliance")
    assert "乙县组建高中教研联盟" in text and "<mark>" in text
    assert client.get("/article/no-such-article").status_code == 404
    assert client.get("/article/jiaxian-school").status_code == 200
    school = page(client, entity_path(ZTD + "school/jiaxian-no1"))
    assert 'href="../../article/jiaxian-school#p' in school and 'href="../../article/yixian-alliance#p' in school


# --------------------------------------------------------------------------- escaping and links

HOSTILE = '</script><script>alert(1)</script>"\'\u2028x'


def test_a_hostile_label_is_shown_as_text(project_root):
    iri = ZTD + "school/甲校"
    data = (f'<{iri}> <{PREFIXES["rdf"]}type> <{PREFIXES["zt"]}School> .\n'
            f'<{iri}> <{PREFIXES["rdfs"]}label> {json.dumps(HOSTILE)}@zh .\n'
            f'<{ZTD}alliance/x> <{PREFIXES["zt"]}covers> <{iri}> .\n')
    store = open_store(data=data, ontology=project_root / "ontology" / "zhaotong.ttl")
    _app, client = _client(store)
    path = entity_path(iri)
    assert path == "/id/school/%E7%94%B2%E6%A0%A1"
    for url in (path, "/search?q=" + urllib.parse.quote("alert"), "/id/alliance/x"):
        text = page(client, url)
        assert "<script>alert" not in text and "</script><script>" not in text
        assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#34;&#39;\u2028x" in text, url
    found = client.get("/api/search?q=alert")
    assert "\\u2028" in found.data.decode("ascii") and found.get_json()[0]["zh"] == HOSTILE
    ttl = client.get(path, headers={"Accept": "application/n-triples"}).data.decode("utf-8")
    assert "alert" in ttl and "\u2028" not in ttl


def test_control_characters_of_a_label_are_shown_as_escapes(project_root):
    """A terminal escape, a bell and a right-to-left override in a label are written as escapes
    (the rule of every output, zkg.table.printable), never as the characters."""
    iri = ZTD + "school/乙校"
    label = "乙\x1b[31m校\x07\u202e甲"
    data = (f'<{iri}> <{PREFIXES["rdf"]}type> <{PREFIXES["zt"]}School> .\n'
            f'<{iri}> <{PREFIXES["rdfs"]}label> {json.dumps(label)}@zh .\n')
    _app, client = _client(open_store(data=data, ontology=project_root / "ontology" / "zhaotong.ttl"))
    for url in (entity_path(iri), "/search?q=" + urllib.parse.quote("乙")):
        text = page(client, url)
        assert not any(ch in text for ch in "\x1b\x07\u202e"), url
        assert "乙\\x1b[31m校\\x07\\u202e甲" in text, url


def test_every_link_of_the_home_entity_and_article_pages_answers(real):
    store, _app, client = real
    seen: dict = {}
    iris = graph_iris(store)
    for url in ("/", "/id/alliance/zhaotong-no1"):
        check_links(client, url, seen)  # every page they link to fetched
    for url in ("/article", "/search?q=%E4%B8%80%E4%B8%AD", "/id/school/zhaotong-no1", "/id/division/530600", "/id/fact/alliance-no1-leader",
                "/id/source/zhaotong-education-2025", "/id/source/zhaotong-education-2025/p/016",
                "/id/source/zhaotong-education-2025/defect/split-p14-p15"):
        check_links(client, url, seen, iris)  # hundreds of entity pages: their IRIs are checked
    assert len([k for k in seen if k.startswith("/id/")]) > 500


def test_every_link_of_the_fixture_project_answers(fixture_site):
    store, _app, client = fixture_site
    seen: dict = {}
    things = store.select(f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), \"{ZTD}\")) }}",
                          max_rows=None).rows
    for url in ["/", "/article", "/article/jiaxian-school", "/article/yixian-alliance",
                *(entity_path(s) for (s,) in things)]:
        check_links(client, url, seen)


@pytest.mark.slow
def test_every_thing_of_the_real_graph_has_a_page_whose_links_answer(real):
    store, _app, client = real
    things = graph_iris(store)
    assert len(things) > 1000
    seen: dict = {}
    for iri in sorted(things):
        check_links(client, entity_path(IRI(iri)), seen)
