"""Write the notebooks in notebooks/ from the cell texts below (then run scripts/run_notebooks.py).

The notebooks are code: edit this file, not the .ipynb files, and regenerate::

    python3 scripts/make_notebooks.py && python3 scripts/run_notebooks.py

Cells call the package (zkg.api, zkg.network, zkg.viz, zkg.serve, zkg.push, kg_build.source);
they only arrange and draw what it returns.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

__all__ = ["NOTEBOOKS", "build", "main"]

ROOT = Path(__file__).resolve().parents[1]

# Every notebook starts here: work from the project folder so that graph/, queries/ and
# ontology/ are relative paths, and find the package when it is not pip-installed.
SETUP = '''\
import os, sys
from pathlib import Path

if Path.cwd().name == "notebooks":
    os.chdir("..")                      # the project folder: graph/, queries/, ontology/
try:
    import zkg
except ModuleNotFoundError:             # a checkout that is not pip-installed
    sys.path.insert(0, os.getcwd())

import pandas as pd
from zkg.api import open_graph
from zkg.store import IRI, compact

pd.set_option("display.max_colwidth", 80)
pd.set_option("display.max_rows", 60)


def short(df):
    """IRIs shown as ztd:… / zt:… (display only)."""
    return df.map(lambda v: compact(v) if isinstance(v, IRI) else v)


g = open_graph("graph", queries="queries")  # embedded Oxigraph store + the named questions
print(f"{g.store.triple_count():,} triples, {len(g.catalogue)} named questions")'''

CHARTS = '''\
%matplotlib inline
import matplotlib.pyplot as plt
from matplotlib import font_manager

# A CJK font when one is installed (Debian: fonts-wqy-microhei or fonts-noto-cjk), so Chinese shows.
cjk = [f.name for f in font_manager.fontManager.ttflist
       if f.name in ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC")]
plt.rcParams["font.family"] = sorted(set(cjk))[:1] + ["DejaVu Sans"]
plt.rcParams["figure.dpi"] = 80
plt.rcParams["svg.hashsalt"] = "zhaotong-kg"
print("CJK font:", "yes" if cjk else "no (Chinese labels would show as boxes)")'''


def md(text: str):
    return new_markdown_cell(text.strip("\n"))


def code(text: str):
    return new_code_cell(text.strip("\n"))


# --------------------------------------------------------------------------- 1. tour

TOUR = [
    md('''
# 1. A tour of the Zhaotong education graph · 昭通教育知识图谱导览

The graph holds what one newspaper article (*sources/zhaotong-education-2025.txt*) says about
education reform in Zhaotong (昭通市), Yunnan, plus three shorter pieces printed with it (finance,
housing, a torch festival). Every statement in it is a **fact** with the exact Chinese words it rests
on and the paragraph they come from.

This notebook opens the graph, counts what it holds, and runs the named questions in `queries/`
as pandas DataFrames. Run it from the `notebooks/` folder or from the project folder.
'''),
    code(SETUP),
    md('''
## What the graph holds

`graph-summary` counts the things of each class. Provenance classes (facts, paragraphs) come first
by size; the domain classes (schools, programs, people…) follow.
'''),
    code('''
summary = short(g.frame("graph-summary"))
summary.head(30)'''),
    md('''
## Figures per piece of the article

Every number in the article is a `zt:Observation`. Each is curated in one YAML file under
`facts/<piece>/`, which the graph keeps as `zt:curatedIn`; the folder is the piece.
'''),
    code('''
figs = g.sparql("""
PREFIX zt: <https://w3id.org/zhaotong-kg/ontology#>
SELECT ?file ?status (COUNT(?o) AS ?figures) WHERE {
  ?o a zt:Observation ; zt:curatedIn ?file ; zt:status ?status .
} GROUP BY ?file ?status""").frame()
figs["piece"] = figs["file"].str.split("/").str[1]
figs["status"] = figs["status"].map(compact)
per_piece = figs.pivot_table(index="piece", columns="status", values="figures", aggfunc="sum", fill_value=0)
per_piece["total"] = per_piece.sum(axis=1)
per_piece.sort_values("total", ascending=False)'''),
    md('''
`zt:Stated` figures are in the article's words; `zt:Derived` ones were computed by the curators
from stated ones (notebook 3 shows how); `zt:Reference` ones come from reference data about places.

## The named questions

Each `.rq` file in `queries/` answers one question, in Chinese and English, with declared
parameters. `g.frame(name, **params)` runs it and returns a DataFrame.
'''),
    code('''
catalogue = pd.DataFrame(
    [(q.name, q.question_zh, q.question_en, ", ".join(p.describe() for p in q.params))
     for q in g.catalogue],
    columns=["name", "question (zh)", "question (en)", "parameters"])
catalogue'''),
    md('### Which schools does the article name? · 文章提到了哪些学校？'),
    code('short(g.frame("schools"))'),
    md('### Who leads them? · 校长与负责人'),
    code('short(g.frame("principals"))'),
    md('''
### Every amount of money, largest first

Values are exact decimals in yuan; `asStated` keeps the article's own words (亿元 = 100 million yuan).
'''),
    code('''
money = g.frame("investment")
short(money[["asStated", "value", "aboutZh", "indicator", "paragraph"]]).head(12)'''),
    md('''
### A parameter: what does the article say about one school?

Parameters are bound, never pasted into the query text. `ztd:` ids are accepted as strings.
'''),
    code('''
short(g.frame("entity-facts", entity="ztd:school/haiyanchi-nine-year")[["predicate", "object", "quote", "paragraph"]])'''),
    md('''
### Same answer on another engine

The store layer runs the same question on rdflib too; answers compare equal value by value.
'''),
    code('''
slow = open_graph("graph", engine="rdflib", queries="queries")
same = {q.name: g.result(q.name).same_as(slow.result(q.name)) for q in g.catalogue}
print(f"{sum(same.values())} of {len(same)} questions give the same answer on oxigraph and rdflib")
[name for name, ok in same.items() if not ok]'''),
    md('''
Next: **2** the alliances and the school network, **3** the indicators 2022 → 2025,
**4** provenance and the article's defects, **5** the same questions on a SPARQL server.
'''),
]

# --------------------------------------------------------------------------- 2. network

NETWORK = [
    md('''
# 2. The alliances and the school network · 教研联盟与学校网络

Zhaotong grouped its general high schools into **teaching-research alliances** (普通高中教研联盟),
each led by a strong "leader" school (盟主). This notebook asks about them twice — in SPARQL and in
NetworkX (`zkg.network`) — checks that both agree, draws the network, and says plainly what the
article does and does not tell.
'''),
    code(SETUP),
    code('''
import pyoxigraph as ox
import networkx as nx
from zkg import network as net

# The NetworkX projection: domain entities as nodes, typed edges (see zkg.network's docstring).
G = net.project(ox.parse(path="graph/zhaotong.nt", format=ox.RdfFormat.N_TRIPLES),
                ox.parse(path="ontology/zhaotong.ttl", format=ox.RdfFormat.TURTLE))
print(G.number_of_nodes(), "nodes,", G.number_of_edges(), "edges")
pd.Series(dict(G.nodes(data="kind"))).value_counts().rename("nodes").to_frame()'''),
    md('## The alliances, in SPARQL'),
    code('short(g.frame("alliance-overview"))'),
    md('''
## The same, in NetworkX

`alliance_leaders`, `alliance_members` and `alliance_counties` return `{alliance: [nodes]}`.
Below they are set beside the SPARQL answers and compared as sets.
'''),
    code('''
def label(n):
    return G.nodes[n]["label_zh"]

def from_sparql(name, key, item):
    out = {}
    for row in g.ask(name):
        out.setdefault(row[key], set()).add(row[item])
    return out

def compare(title, nx_answer, sparql_answer):
    keys = sorted(set(nx_answer) | set(sparql_answer))
    rows = [(label(k), " · ".join(label(n) for n in nx_answer.get(k, [])),
             set(nx_answer.get(k, [])) == sparql_answer.get(k, set())) for k in keys]
    return pd.DataFrame(rows, columns=["alliance", title + " (NetworkX)", "same in SPARQL"])

members_sparql = from_sparql("alliance-members", "alliance", "school")
compare("members", net.alliance_members(G), members_sparql)'''),
    code('''
counties_sparql = from_sparql("alliance-counties", "alliance", "place")
compare("covers", net.alliance_counties(G), counties_sparql)'''),
    code('''
by_county_sparql = from_sparql("schools-by-county", "county", "school")
by_county_nx = net.schools_per_county(G)
pd.DataFrame([(label(c), " · ".join(label(s) for s in schools), set(schools) == by_county_sparql.get(c, set()))
              for c, schools in by_county_nx.items()],
             columns=["county", "schools (NetworkX)", "same in SPARQL"])'''),
    md('''
## What the article does and does not tell about membership

The article names the **three leader schools** and gives **counts**: 72 schools in the three
alliances, 36 of them (from 4 counties) in the 昭通市第一中学 alliance. It does **not** list the
member schools. So the graph has one `org:Membership` per alliance (the leader, role 盟主) and the
counts as figures; the 36 schools of the two other alliances together are a *derived* figure.
'''),
    code('''
overview = g.frame("alliance-overview")
overview["unnamed members"] = overview["statedMembers"].map(lambda v: None if v is None else int(v)) - overview["knownMembers"]
short(overview[["allianceZh", "leaderZh", "statedMembers", "knownMembers", "unnamed members", "statedCounties", "coveredPlaces"]])'''),
    code('''
derived = g.frame("derived-facts")
derived[derived["derivation"].str.contains("alliance")][["value", "derivation"]].drop_duplicates()'''),
    code('''
# The words the memberships rest on (paragraph 22):
for row in g.ask("paragraph-facts", paragraph=22):
    if "盟主" in row["quote"]:
        print(row["quote"]); break'''),
    md('''
## Paths and centrality

How is a school in one county connected to an alliance? `connection` walks the shortest path,
ignoring edge direction, and names each edge. `most_central` ranks nodes by betweenness (seeded).
'''),
    code('''
for step in net.connection(G, "school/haiyanchi-nine-year", "alliance/zhaotong-no1"):
    arrow = f"--{step.name}-->" if step.forward else f"<--{step.name}--"
    print(label(step.node), arrow, label(step.next))'''),
    code('''
pd.DataFrame([(label(n), G.nodes[n]["kind"], round(s, 3)) for n, s in net.most_central(G, k=8, seed=0)],
             columns=["node", "kind", "betweenness"])'''),
    md('''
## The school network, drawn

A static drawing first (it shows on a code host), then the interactive page from `zkg.viz`
inline: drag nodes, hover for the article's words. The page is self-contained (vis-network is
inlined from the pyvis package; no network access).
'''),
    code(CHARTS),
    code('''
from zkg.viz import KIND_STYLE

S = net.view(G, "school-network")
D = nx.DiGraph()                     # sorted, so the seeded drawing is the same on every run
D.add_nodes_from(sorted(S.nodes(data=True)))
D.add_edges_from(sorted(S.edges()))
pos = nx.spring_layout(D, seed=0)
fig, ax = plt.subplots(figsize=(10, 7))
for kind, (colour, *_rest) in KIND_STYLE.items():
    nodes = [n for n, k in D.nodes(data="kind") if k == kind]
    if nodes:
        nx.draw_networkx_nodes(D, pos, nodelist=nodes, node_color=colour, node_size=260, ax=ax,
                               label=f"{KIND_STYLE[kind][3]} {KIND_STYLE[kind][4]}")
nx.draw_networkx_edges(D, pos, ax=ax, alpha=0.4, arrows=True, arrowsize=8)
nx.draw_networkx_labels(D, pos, {n: d["label_zh"] for n, d in D.nodes(data=True)}, font_size=8,
                        font_family=plt.rcParams["font.family"], ax=ax)
ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
ax.set_title("School network: schools, alliances, divisions, areas (seed 0)")
ax.axis("off")
plt.show()'''),
    code('''
import html
from IPython.display import HTML
from zkg.viz import render_html

page = render_html(G, view="school-network", seed=0)
print(f"page: {len(page) // 1024} KiB, self-contained: {'<script src' not in page}")
HTML(f'<div><iframe srcdoc="{html.escape(page, quote=True)}" style="width:100%;height:560px;border:1px solid #ddd"></iframe></div>')'''),
    md('The command line writes the same page: `python3 -m zkg viz --view school-network -o network.html`.'),
]

# --------------------------------------------------------------------------- 3. indicators

INDICATORS = [
    md('''
# 3. The indicators, 2022 against 2025 · 2022年与2025年指标对比

The article gives the 2025 level of several exam indicators for Zhaotong and how much each rose
since 2022 (较2022年提高…). The 2022 level is not printed: the curators derived it
(2025 level − rise). This notebook draws both years, keeps stated and derived values apart, and
traces every figure to the article's words.
'''),
    code(SETUP),
    code(CHARTS),
    code('''
ind = g.frame("indicators-2022-2025")   # default: about = ztd:division/530600 (昭通市)
labels = {r["indicator"]: r for r in g.sparql("""
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX zt: <https://w3id.org/zhaotong-kg/ontology#>
SELECT ?indicator ?zh ?en WHERE {
  ?o zt:indicator ?indicator .
  ?indicator rdfs:label ?zh . FILTER(lang(?zh) = "zh")
  ?indicator rdfs:label ?en . FILTER(lang(?en) = "en")
}""").records()}
ind["zh"] = ind["indicator"].map(lambda i: labels[i]["zh"])
ind["en"] = ind["indicator"].map(lambda i: labels[i]["en"])
short(ind[["zh", "en", "value2022", "status2022", "value2025", "status2025", "statedChange", "computedChange"]])'''),
    md('''
`computedChange` is worked out by the query (value2025 − value2022); it equals the change the
article states for every indicator, so the derived 2022 values are consistent.
'''),
    code('''
assert (ind["computedChange"] == ind["statedChange"]).all()
print("stated change = 2025 − 2022 for all", len(ind), "indicators")'''),
    md('''
## The chart

Solid bars are values the article states; hatched bars are derived. The percentages and the
school count are on different scales, so each indicator has its own panel.
'''),
    code('''
import textwrap

fig, axes = plt.subplots(1, len(ind), figsize=(3.2 * len(ind), 4), squeeze=False)
for ax, (_, row) in zip(axes[0], ind.iterrows()):
    values = [float(row["value2022"]), float(row["value2025"])]
    derived = [row["status2022"].endswith("Derived"), row["status2025"].endswith("Derived")]
    bars = ax.bar(["2022", "2025"], values, color=["#9ecae1", "#3182bd"], edgecolor="black")
    for bar, d in zip(bars, derived):
        if d:
            bar.set_hatch("//")
    for x, v in enumerate(values):
        ax.text(x, v, f"{v:g}", ha="center", va="bottom", fontsize=9)
    ax.set_title(row["zh"] + "\\n" + textwrap.fill(row["en"], 34), fontsize=9)
    ax.set_ylim(0, max(values) * 1.2)
    ax.annotate(f"+{float(row['statedChange']):g}", xy=(0.5, max(values) * 1.1), ha="center", color="#b30000")
fig.suptitle("Zhaotong 昭通市: 2022 (hatched = derived) against 2025 (stated)", fontsize=11)
fig.tight_layout()
plt.show()'''),
    md('''
## Each figure traced to the article

For every indicator: each observation (level or change), how it is known, and the words it rests
on — or, for a derived one, how it was computed and from which facts. The query is bound to one
indicator at a time.
'''),
    code('''
TRACE = """
PREFIX zt: <https://w3id.org/zhaotong-kg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?indicator ?about ?fact ?kind ?year ?value ?asStated ?status ?quote ?paragraph ?derivation WHERE {
  ?fact zt:indicator ?indicator ; zt:about ?about ; zt:value ?value ; zt:observationKind ?kind ; zt:status ?status .
  OPTIONAL { ?fact zt:year ?y } OPTIONAL { ?fact zt:baselineYear ?b }
  BIND(COALESCE(STR(?y), CONCAT("since ", STR(?b))) AS ?year)
  OPTIONAL { ?fact zt:valueAsStated ?asStated }
  OPTIONAL { ?fact zt:quote ?quote }
  OPTIONAL { ?fact zt:paragraph/zt:paragraphNumber ?paragraph }
  OPTIONAL { ?fact zt:derivation ?derivation }
} ORDER BY ?kind ?year"""

traces = []
for _, row in ind.iterrows():
    t = g.sparql(TRACE, {"indicator": row["indicator"], "about": row["about"]}).frame()
    t["indicator"] = row["zh"]
    traces.append(t)
trace = short(pd.concat(traces, ignore_index=True))
trace[["indicator", "kind", "year", "value", "asStated", "status", "quote", "paragraph", "derivation"]]'''),
    md('''
Every stated figure has a quote and a paragraph; every derived figure has a derivation instead.
The paragraph text itself is one question away (`fact-words`):
'''),
    code('''
stated = trace[trace["status"] == "zt:Stated"]
assert stated["quote"].notna().all() and trace[trace["status"] == "zt:Derived"]["derivation"].notna().all()
first = stated.iloc[0]
words = g.ask("fact-words", fact=first["fact"])[0]
print(first["fact"], "is curated in", words["file"], "and rests on paragraph", words["paragraph"])
print("quote:    ", words["quote"])
print("paragraph:", words["paragraphText"])'''),
    md('''
## Every derived figure

The 2022 levels are not the only figures the curators computed: averages per card and per
household, a sum of three loan products, the village schools lost to mergers (撤并). Each keeps its
derivation and the facts it comes from (`prov:wasDerivedFrom`):
'''),
    code('''
d = g.frame("derived-facts")[["fact", "value", "derivation"]].drop_duplicates("fact")
short(d)'''),
]

# --------------------------------------------------------------------------- 4. provenance

PROVENANCE = [
    md('''
# 4. Provenance and the source · 来源与溯源

The article as received is not clean: a paragraph split in two, paragraphs printed twice, a
truncated start. The graph never edits the text. Instead each defect is a `zt:SourceDefect`
node, each fact that rests on a defective paragraph says so (`zt:restsOnDefect`), and every fact
keeps its exact words and paragraph. This notebook shows the defects, how each was handled,
and how to walk from any fact back to its paragraph — and from a paragraph to its facts.
'''),
    code(SETUP),
    md('## The article, paragraph by paragraph'),
    code('''
from kg_build.source import read_article, detect

article = read_article(Path.cwd() / "sources/zhaotong-education-2025.txt", root=Path.cwd())
print(len(article.paragraphs), "paragraphs (a paragraph is a non-blank line)")
pd.DataFrame({"paragraph": range(1, 8), "text": article.paragraphs[:7]})'''),
    md('''
## The defects, as curated

`source-audit` lists each defect: its kind, the paragraph(s) it affects, the paragraph(s) it
repeats, the words that show it, and how many facts rest on it.
'''),
    code('''
audit = short(g.frame("source-audit"))
audit'''),
    code('''
audit.groupby("kind").agg(defects=("defect", "nunique"), paragraphs=("paragraph", "nunique"),
                          facts_resting=("factsResting", "sum"))'''),
    md('''
## How each was handled

The curators' note on each defect says what they did: duplicates carry no facts (the facts cite
the first copy), a split paragraph is quoted across both pieces (`para: [14, 15]`), a truncated
or garbled passage is quoted only where the words are whole.
'''),
    code('''
notes = g.sparql("""
PREFIX zt: <https://w3id.org/zhaotong-kg/ontology#>
SELECT ?defect ?kind ?note WHERE {
  ?defect a zt:SourceDefect ; zt:defectKind ?kind .
  OPTIONAL { ?defect zt:note ?note }
} ORDER BY ?defect""").frame()
short(notes)'''),
    md('''
## The detector agrees

The builder also finds defects by itself (`kg_build.source.detect`); `zkg audit` flags any
finding that is not curated. Here are the detector's findings, each checked against the curated
defects in the graph. (Truncated starts and misplaced fragments are found by the curators
only: the detector looks for repeats, splits, unfinished endings, garbling and suspicious labels.)
'''),
    code('''
found = pd.DataFrame([(f.kind, list(f.paragraphs), list(f.of)) for f in detect(article)],
                     columns=["kind", "paragraphs", "of"])
from kg_build.vocab import load_vocabulary

kind_iri = load_vocabulary(Path("ontology/zhaotong.ttl")).codes["DefectKind"]   # code → individual
curated = {(r["kind"], r["paragraph"]) for r in g.ask("source-audit")}
found["curated"] = [all((str(kind_iri[k]), p) in curated for p in ps) for k, ps in zip(found["kind"], found["paragraphs"])]
found'''),
    md('''
## Facts resting on defects

`defect-facts`: each fact whose cited paragraph has a defect, with the defect and the words
quoted, so a reader can judge each one.
'''),
    code('''
resting = short(g.frame("defect-facts"))
print(resting["fact"].nunique(), "facts rest on", resting["defect"].nunique(), "defects")
resting.head(10)'''),
    md('''
## From a fact back to its paragraph

`fact-words` takes a fact and returns its quote, its paragraph number and the paragraph's text,
and the YAML file it was curated in. The quote always occurs in the paragraph (the build checks it).
'''),
    code('''
w = g.ask("fact-words", fact="ztd:fact/fig-p09-education-investment-3y")[0]
print("fact:      ztd:fact/fig-p09-education-investment-3y")
print("curated in:", w["file"])
print("status:   ", compact(w["status"]))
print("paragraph:", w["paragraph"])
print("quote:    ", w["quote"])
print("text:     ", w["paragraphText"])
print("quote occurs in the paragraph:", w["quote"] in w["paragraphText"])'''),
    md('## From a paragraph to every fact it supports'),
    code('''
short(g.frame("paragraph-facts", paragraph=22))'''),
    md('''
## Facts by file and by how they are known

`provenance-summary`: stated facts quote the article; derived ones are computed; reference ones
come from `facts/reference/places.csv` (codes, areas, populations of the divisions).
'''),
    code('''
prov = short(g.frame("provenance-summary"))
prov.pivot_table(index="file", columns="status", values="facts", aggfunc="sum", fill_value=0)'''),
]

# --------------------------------------------------------------------------- 5. server

SERVER = [
    md('''
# 5. Working with a SPARQL server · 使用SPARQL服务器

The graph is plain RDF, so any SPARQL 1.1 server can hold it. This notebook starts a real
Oxigraph server on 127.0.0.1 (the `oxigraph` program from PyPI), pushes `graph/zhaotong.nt` into
it with the Graph Store Protocol (`zkg.push`), runs every named question remotely, compares each
answer with the embedded store's, and stops the server — in a `finally` block, so it stops even
when something fails.

From the command line the same is `python3 -m zkg serve` and `python3 -m zkg push`.
'''),
    code(SETUP),
    code('''
import tempfile
from zkg import serve, push

print("server program:", Path(serve.oxigraph_binary()).name)'''),
    md('''
One cell does the whole session so that the `finally` stops the server whatever happens; the
cells after it look at what it gathered.
'''),
    code('''
comparison, remote_frames = [], {}
with tempfile.TemporaryDirectory() as location:
    port = serve.free_port()
    server = serve.start_server(Path(location), port, read_only=False)   # writable: we push into it
    try:
        url = serve.wait_until_up(server, port)
        report = push.push_graph(Path("graph"), f"{url}/store")
        print(f"pushed: HTTP {report.status}; {report.expected:,} triples in the file, {report.found:,} on the server")

        remote = open_graph(endpoint=f"{url}/query", queries="queries")
        for q in remote.catalogue:
            there, here = remote.result(q.name), g.result(q.name)
            comparison.append((q.name, len(there.rows), len(here.rows), there.same_as(here)))
        remote_frames["alliance-overview"] = remote.frame("alliance-overview")
        remote_frames["posts/principal"] = remote.frame("posts", role="zt:Principal")
    finally:
        server.terminate()
        server.wait(timeout=10)
print("server stopped:", server.poll() is not None)'''),
    md('''
## Remote against embedded

Every question, its row count on the server and in the embedded store, and whether the answers
are the same (values, datatypes and language tags; order too when the query has `ORDER BY`).
'''),
    code('''
cmp = pd.DataFrame(comparison, columns=["question", "rows (server)", "rows (embedded)", "same"])
print(f"{cmp['same'].sum()} of {len(cmp)} answers are the same")
cmp'''),
    md('A remote answer is an ordinary DataFrame:'),
    code('short(remote_frames["alliance-overview"])'),
    md('''
Parameters travel to the server as a `VALUES` block (never pasted into the text), so a question
with a parameter works the same remotely:
'''),
    code('short(remote_frames["posts/principal"])'),
    md('''
## Your own server

Any SPARQL 1.1 endpoint works: `open_graph(endpoint="http://host:port/query")`. To load the graph
into a writable Oxigraph or Fuseki, use `zkg.push.push_graph("graph", ".../store")` (Oxigraph) or the
dataset URL (Fuseki); it checks the triple count afterwards. Queries declare their own prefixes, so
they do not depend on the server's.
'''),
]

NOTEBOOKS = {
    "01-tour.ipynb": TOUR,
    "02-alliances-and-network.ipynb": NETWORK,
    "03-indicators.ipynb": INDICATORS,
    "04-provenance-and-source.ipynb": PROVENANCE,
    "05-sparql-server.ipynb": SERVER,
}


def build(cells) -> nbformat.NotebookNode:
    """A notebook (no outputs) from cells, with the python3 kernel."""
    nb = new_notebook(cells=list(cells))
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
    return nb


def main(argv: list[str]) -> int:
    out = ROOT / "notebooks"
    out.mkdir(exist_ok=True)
    names = argv or list(NOTEBOOKS)
    for name in names:
        nb = build(NOTEBOOKS[name])
        nbformat.validate(nb)
        nbformat.write(nb, out / name)
        print(f"wrote notebooks/{name} ({len(nb.cells)} cells)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
