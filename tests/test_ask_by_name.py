"""Ask by name, get data that loads: names everywhere a thing is asked for, zkg search/show/paragraph,
ad-hoc prefixes, machine formats, label columns, DataFrames with numbers, RDF for CONSTRUCT.

Every test goes through the real command line (a child process) or the Python API, on the
committed graph.
"""

from __future__ import annotations

import re

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from zkg.api import open_graph, read_queries
from zkg.catalogue import Catalogue
from zkg.errors import AmbiguousName, NameNotFound
from zkg.lookup import Names, Resolver
from zkg.store import open_store
from zkg.values import IRI, LangString
from zkg.table import CELL_WIDTH, width

ROOT = Path(__file__).resolve().parents[1]
D = "https://w3id.org/zhaotong-kg/id/"
ZT = "https://w3id.org/zhaotong-kg/ontology#"
CATALOGUE = Catalogue.from_texts(read_queries(ROOT / "queries"))


def one_error_line(done: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, done.stderr
    return errors[0]


@pytest.fixture(scope="module")
def g():
    return open_graph(ROOT / "graph", queries=ROOT / "queries")


# --------------------------------------------------------------------------- 1. names


def test_the_newcomers_question_without_an_iri(zkg):
    done = zkg("query", "alliance-counties", "--param", "alliance=昭通一中", "-f", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(pd.read_csv(io.StringIO(done.stdout))["placeZh"])
    assert rows == ["昭阳区", "鲁甸县", "巧家县", "彝良县"]
    assert "昭通一中 = ztd:alliance/zhaotong-no1" in done.stderr
    shown = zkg("show", "周世碧")
    assert shown.returncode == 0, shown.stderr
    for words in ("Zhou Shibi", "局长", "昭通市教育体育局", "昭通市教育体育局局长周世碧", "¶16"):
        assert words in shown.stdout


@pytest.mark.parametrize("name", ["昭通市第一中学", "Zhaotong No.1 Middle School", "zhaotong no.1  middle school",
                                  "ztd:school/zhaotong-no1", f"<{D}school/zhaotong-no1>", "school/zhaotong-no1"])
def test_a_school_by_any_of_its_names(name, zkg):
    done = zkg("query", "school-figures", "--param", f"school={name}", "-f", "jsonl")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert rows and {r["school"] for r in rows} == {D + "school/zhaotong-no1"}


def test_names_on_the_api_and_on_rdflib(g):
    assert {r["placeZh"] for r in g.ask("alliance-counties", alliance="昭通一中")} == {"昭阳区", "鲁甸县", "巧家县", "彝良县"}
    rdflib_graph = open_graph(ROOT / "graph", engine="rdflib", queries=ROOT / "queries")
    assert len(rdflib_graph.ask("entity-facts", entity="周世碧")) == len(g.ask("entity-facts", entity="周世碧")) > 0
    assert g.ask("posts", role="校长") == g.ask("posts", role="zt:Principal") != []


def test_names_read_alike_on_oxigraph_and_rdflib_in_the_same_order():
    # the order of a thing's labels decides the one shown, so it must not be the engine's
    ox, rd = (Names.from_store(open_store(ROOT / "graph", engine=e)) for e in ("oxigraph", "rdflib"))
    assert list(ox.labels.items()) == list(rd.labels.items()) and ox.labels[D + "person/zhou-shibi"]
    assert (ox.alts, ox.types, ox.supers) == (rd.alts, rd.types, rd.supers)
    assert ox.types[D + "person/zhou-shibi"] == {ZT + "Person"} and ZT + "School" in ox.supers[ZT + "SeniorHighSchool"]


def test_ambiguous_name_lists_the_candidates_with_their_class(zkg):
    done = zkg("query", "entity-facts", "--param", "entity=联盟")
    assert done.returncode == 1
    line = one_error_line(done)
    many = re.search(r"names (\d+) entities", line)
    assert many and int(many.group(1)) > 3, line
    assert "zt:TeachingResearchAlliance" in line and "zt:Event" in line


def test_unknown_name_suggests_the_closest(zkg):
    done = zkg("query", "entity-facts", "--param", "entity=周世璧")
    assert done.returncode == 1
    assert "周世碧 (ztd:person/zhou-shibi)" in one_error_line(done)


def test_a_name_of_the_wrong_class_is_refused(zkg):
    done = zkg("query", "alliance-counties", "--param", "alliance=周世碧")
    assert done.returncode == 1
    assert "is not a zt:TeachingResearchAlliance" in one_error_line(done)


def test_names_are_nfc_and_case_folded():
    names = Names([(D + "x", "label", LangString("Café Zhaotong", "en")),
                   (D + "y", "label", LangString("甲校", "zh")), (D + "y", "alt", LangString("甲", "zh"))])
    assert names.resolve("CAFE\u0301 zhaotong") == D + "x"
    assert names.resolve("甲") == D + "y"  # the exact alt label beats the substring of 甲校
    with pytest.raises(NameNotFound):
        names.resolve("乙")


def test_one_query_resolves_every_name_of_a_command():
    store = open_store(ROOT / "graph")
    calls = []
    real = store.select

    def counting(*a, **k):
        calls.append(a[0])
        return real(*a, **k)

    store.select = counting
    resolve = Resolver(store)
    assert [resolve(n) for n in ("周世碧", "李正响", "昭通一中", "ztd:school/x")][0] == D + "person/zhou-shibi"
    assert len(calls) == 1
    with pytest.raises(AmbiguousName):
        resolve("联盟")
    assert len(calls) == 1


def test_network_path_and_search_take_names(zkg):
    done = zkg("network", "path", "李正响", "昭通一中", "-f", "csv")
    assert done.returncode == 0, done.stderr
    rows = [line.split(",") for line in done.stdout.splitlines()[1:] if line]
    assert rows[-1][4] == D + "school/zhaotong-no1"
    done = zkg("network", "path", "李正响", "联盟")
    assert done.returncode == 1 and re.search(r"names \d+ entities", one_error_line(done))


def test_network_path_names_the_isolated_end(zkg):
    done = zkg("network", "path", "李正响", "周世碧")
    assert done.returncode == 1
    assert "周世碧 is linked only to 昭通市教育体育局" in one_error_line(done)


def test_central_says_when_every_score_is_zero(zkg):
    done = zkg("network", "--view", "people", "central", "--kind", "person", "-k", "3")
    assert done.returncode == 0 and "every betweenness shown is 0" in done.stderr
    done = zkg("network", "--view", "people", "central", "-k", "3", "-f", "csv")
    assert done.returncode == 0 and "every betweenness" not in done.stderr
    assert float(done.stdout.splitlines()[1].split(",")[-1]) > 0


# --------------------------------------------------------------------------- search, show, paragraph


def test_search_ranks_exact_first_and_gives_class_and_iri(zkg):
    done = zkg("search", "昭通市第一中学", "-f", "records")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert rows[0]["iri"] == D + "school/zhaotong-no1" and rows[0]["match"] == "exact label"
    assert rows[0]["class"] == "zt:SeniorHighSchool" and rows[0]["classZh"] == "高中"
    assert [r["match"] for r in rows] == sorted((r["match"] for r in rows), key=["exact label", "exact alt label",
                                                "prefix", "substring", "via another name"].index)
    table = zkg("search", "一中")
    assert table.returncode == 0 and "ztd:school/zhaotong-no1" in table.stdout
    assert zkg("search", "没有这个名字").returncode == 1


def test_show_gives_figures_and_defects(zkg):
    done = zkg("show", "昭通一中")
    assert done.returncode == 0, done.stderr
    for words in ("昭通市第一中学", "also called: ", "昭通一中", "Figures", "90.53%", "高考特控上线率",
                  "trunc-start-p22", "吴天炜", "¶31", "成员属于 (org:memberOf)"):
        assert words in done.stdout, words


def test_paragraph_prints_the_text_and_the_facts_citing_it(zkg):
    done = zkg("paragraph", "16")
    assert done.returncode == 0, done.stderr
    assert "累计补充教师3561人" in done.stdout and "ztd:fact/fig-p16-teachers-added-3y" in done.stdout
    done = zkg("paragraph", "99")
    assert done.returncode == 1 and "paragraphs 1–57" in one_error_line(done)


# --------------------------------------------------------------------------- ad-hoc prefixes


def test_adhoc_queries_get_the_project_prefixes(zkg):
    done = zkg("query", "-e", "SELECT (COUNT(*) AS ?n) WHERE { ?s a zt:SeniorHighSchool ; skos:altLabel ?a }",
               "-f", "csv")
    assert done.returncode == 0, done.stderr and done.stdout.splitlines()[1] == "2"
    own = zkg("query", "-e", "PREFIX zt: <https://e/> SELECT ?x WHERE { BIND(zt:a AS ?x) }", "-f", "csv")
    assert own.returncode == 0 and own.stdout.splitlines()[1] == "https://e/a"
    piped = zkg("query", "-", "-f", "csv", stdin="SELECT ?l WHERE { ztd:person\\/zhou-shibi rdfs:label ?l } ORDER BY ?l")
    assert piped.returncode == 0 and piped.stdout.splitlines()[1:] == ["Zhou Shibi", "周世碧"]
    assert zkg("query", "-e", "-", stdin="ASK { ?s a zt:Person }").stdout.split()[-1] == "true"


@pytest.mark.parametrize("text,where", [
    ("SELECT * WHERE { ?s ?p }", "line 1, column 25"),
    ("SELECT * WHERE {\n  ?s a zt:X ;\n  FILTR(?s) }", "line 3, column 11 (near ') }')"),
])
def test_syntax_errors_name_the_place_in_the_text_as_written(text, where, zkg):
    done = zkg("query", "-e", text)
    assert done.returncode == 1 and where in one_error_line(done)


# --------------------------------------------------------------------------- 2. data that loads


def test_all_as_one_json_document_and_as_json_lines(zkg):
    done = zkg("query", "--all", "-f", "json")
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout)
    assert sorted(answers) == sorted(CATALOGUE.questions) and answers["counties"]["results"]["bindings"]
    for fmt in ("jsonl", "records"):
        lines = zkg("query", "--all", "-f", fmt).stdout.splitlines()
        rows = [json.loads(line) for line in lines]
        assert {r["question"] for r in rows} == set(CATALOGUE.questions) - {"fact-words"} | {"fact-words"}
    frame = pd.read_json(io.StringIO(zkg("query", "--all", "-f", "jsonl").stdout), lines=True)
    assert set(frame["question"]) == set(CATALOGUE.questions)


def test_all_as_csv_to_stdout_is_refused_and_out_dir_writes_one_file_each(tmp_path, zkg):
    done = zkg("query", "--all", "-f", "csv")
    assert done.returncode == 2 and "--out-dir" in done.stderr
    done = zkg("query", "--all", "-f", "csv", "--out-dir", str(tmp_path / "answers"))
    assert done.returncode == 0, done.stderr
    files = sorted((tmp_path / "answers").glob("*.csv"))
    assert {f.stem for f in files} == set(CATALOGUE.questions)
    assert pd.read_csv(tmp_path / "answers" / "investment.csv")["value"].dtype.kind in "if"


def test_records_and_jsonl_load_as_rows_with_numbers(zkg):
    done = zkg("query", "investment", "-f", "records")
    rows = json.loads(done.stdout)
    assert rows[0]["value"] == 6026000000 and isinstance(rows[0]["paragraph"], int)
    assert rows[0]["indicator"].startswith("https://") and rows[0]["indicatorZh"] == "授信金额"
    frame = pd.read_json(io.StringIO(done.stdout))
    assert frame["value"].dtype.kind in "if" and len(frame) == len(rows)
    jl = zkg("query", "indicators-2022-2025", "-f", "jsonl").stdout.splitlines()
    assert json.loads(jl[0])["value2025"] == pytest.approx(74.48) or all(json.loads(x)["value2025"] for x in jl)


def test_json_is_valid_and_lossless(zkg):
    done = zkg("query", "alliance-counties", "-f", "json")
    data = json.loads(done.stdout)
    assert data["results"]["bindings"][0]["allianceZh"]["xml:lang"] == "zh"


def test_bom_for_excel_and_only_for_csv_tsv(zkg):
    done = zkg("query", "investment", "-f", "csv", "--bom", text=False)
    assert done.returncode == 0 and done.stdout.startswith("\ufeff".encode("utf-8"))
    frame = pd.read_csv(io.BytesIO(done.stdout), encoding="utf-8-sig")
    assert list(frame.columns)[0] == "value" and "教育投入资金" in set(frame["indicatorZh"])
    assert zkg("query", "investment", "--bom").returncode == 2
    assert "--bom" in zkg("query", "--help").stdout


IRI_COLUMNS_WITHOUT_NAMES = {"fact", "from", "defect", "graph"}  # facts, defects and record graphs have no names: the IRI is the name


@pytest.mark.parametrize("name", [q.name for q in CATALOGUE])
def test_every_iri_column_has_its_labels_beside_it(name, g):
    result = g.result(name)
    for i, column in enumerate(result.columns):
        values = [row[i] for row in result.rows if row[i] is not None]
        if values and all(isinstance(v, IRI) for v in values) and column not in IRI_COLUMNS_WITHOUT_NAMES:
            assert result.columns[i + 1:i + 3] == (f"{column}Zh", f"{column}En"), (name, column)
            zh = [row[i + 1] for row in result.rows if row[i] is not None]
            assert any(zh), f"{name}: {column}Zh is empty"


def test_units_and_statuses_have_labels(g):
    rows = g.ask("indicators-2022-2025")
    assert {r["unitZh"] for r in rows} >= {"百分比"} and {r["status2025Zh"] for r in rows} == {"明确陈述"}
    assert {r["unitZh"] for r in g.ask("investment") if "unitZh" in r} <= {"元"}


def test_frame_gives_numbers():
    g = open_graph(ROOT / "graph", queries=ROOT / "queries")
    df = g.frame("investment")
    assert str(df["value"].dtype) == "float64" and str(df["paragraph"].dtype) == "Int64"
    assert str(g.frame("alliance-overview")["knownMembers"].dtype) == "Int64"
    import matplotlib
    matplotlib.use("Agg")
    df.set_index("fact")["value"].plot.bar()  # "no numeric data to plot" before


def test_construct_and_describe_print_rdf(zkg):
    import rdflib

    text = "DESCRIBE ?p WHERE { ?p rdfs:label \"周世碧\"@zh }"
    ttl = zkg("query", "-e", text)
    assert ttl.returncode == 0 and "@prefix zt:" in ttl.stdout
    assert len(rdflib.Graph().parse(data=ttl.stdout, format="turtle")) >= 4
    nt = zkg("query", "-e", "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a zt:Person ; rdfs:label ?l }", "-f", "nt")
    assert nt.returncode == 0 and len(rdflib.Graph().parse(data=nt.stdout, format="nt")) == 18
    ld = zkg("query", "-e", text, "-f", "jsonld")
    assert ld.returncode == 0 and json.loads(ld.stdout)
    assert zkg("query", "counties", "-f", "nt").returncode == 2


def test_list_as_json(zkg):
    done = zkg("query", "--list", "-f", "json")
    listed = json.loads(done.stdout)
    assert [q["name"] for q in listed] == list(CATALOGUE.questions)
    counties = next(q for q in listed if q["name"] == "alliance-counties")
    assert counties["params"][0]["class"] == ZT + "TeachingResearchAlliance"


def test_tables_cut_long_text_right_align_numbers_and_read_well(zkg):
    done = zkg("query", "fact-words")
    lines = done.stdout.splitlines()
    assert lines[0].split("  ")[0] == "fact" and "paragraph text" in lines[0]
    assert all(width(cell) <= CELL_WIDTH for line in lines[2:] for cell in line.split("  "))
    assert "…" in done.stdout
    wide = zkg("query", "fact-words", "--wide").stdout
    assert max(map(width, wide.splitlines())) > max(map(width, lines))
    inv = zkg("query", "investment").stdout.splitlines()
    assert inv[0].startswith("     value") and inv[2].startswith("6026000000")
    # every named question under its title; corroboration alone lists each of the article's 103 figures
    assert len(zkg("query", "--all").stdout.splitlines()) < 1000


# --------------------------------------------------------------------------- one prefix table, quiet install


def test_one_prefix_table_light_to_import(zkg):
    import kg_build.vocab
    import zkg.prefixes
    import zkg.values

    assert kg_build.vocab.PREFIXES is zkg.prefixes.PREFIXES is zkg.values.PREFIXES  # compact() shortens with it
    code = "import sys, zkg.store, zkg.loading, zkg.lookup, zkg.catalogue, zkg.table, zkg.adhoc; print(sorted(m for m in ('rdflib', 'kg_build', 'pandas') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr


def test_the_package_builds_without_setuptools_warnings_and_ships_the_template(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check",
                           "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "would be ignored" not in done.stdout + done.stderr
    import zipfile

    [wheel] = tmp_path.glob("*.whl")
    assert "zkg/templates/network.html" in zipfile.ZipFile(wheel).namelist()


def test_what_did_zhou_shibi_say_by_name_alone(zkg):
    """The newcomer's second question: zkg show 周世碧 lists the paragraphs whose words name him
    (where he speaks), and zkg paragraph prints one of them whole."""
    done = zkg("show", "周世碧")
    assert done.returncode == 0, done.stderr
    said = done.stdout.split("Paragraphs whose text names it", 1)[1]
    numbers = {int(line.split()[0]) for line in said.splitlines()[3:] if line.strip()[:1].isdigit()}
    assert {16, 30, 32} <= numbers
    assert "周世碧介绍" in said
    whole = zkg("paragraph", "32")
    assert whole.returncode == 0 and "周世碧介绍" in whole.stdout
