# %% [markdown]
# # 4. Provenance and the source · 来源与溯源
#
# The article as received is not clean: a paragraph split in two, paragraphs printed twice, a
# truncated start. The graph never edits the text. Instead each defect is a `zt:SourceDefect`
# node, each fact that rests on a defective paragraph says so (`zt:restsOnDefect`), and every fact
# keeps its exact words and paragraph. This notebook shows the defects, how each was handled,
# and how to walk from any fact back to its paragraph — and from a paragraph to its facts.

# %%
import importlib.util
import os
import sys
from pathlib import Path

if Path.cwd().name == "notebooks":
    os.chdir("..")                      # the project folder: graph/, queries/, ontology/
if importlib.util.find_spec("zkg") is None:  # a checkout that is not pip-installed
    sys.path.insert(0, os.getcwd())

import pandas as pd
from zkg.api import open_graph
from zkg.notebook import short
from zkg.values import compact

pd.set_option("display.max_colwidth", 80)
pd.set_option("display.max_rows", 60)

g = open_graph("graph", queries="queries")  # embedded Oxigraph store + the named questions
print(f"{g.store.triple_count():,} triples, {len(g.catalogue)} named questions")

# %% [markdown]
# ## The article, paragraph by paragraph

# %%
from kg_build.source import read_article, detect

article = read_article(Path.cwd() / "sources/zhaotong-education-2025.txt", root=Path.cwd())
print(len(article.paragraphs), "paragraphs (a paragraph is a non-blank line)")
pd.DataFrame({"paragraph": range(1, 8), "text": article.paragraphs[:7]})

# %% [markdown]
# ## The defects, as curated
#
# `source-audit` lists each defect: its kind, the paragraph(s) it affects, the paragraph(s) it
# repeats, the words that show it, and how many facts rest on it.

# %%
audit = short(g.frame("source-audit"))
audit

# %%
audit.groupby("kind").agg(defects=("defect", "nunique"), paragraphs=("paragraph", "nunique"),
                          facts_resting=("factsResting", "sum"))

# %% [markdown]
# ## How each was handled
#
# The curators' note on each defect says what they did: duplicates carry no facts (the facts cite
# the first copy), a split paragraph is quoted across both pieces (`para: [14, 15]`), a truncated
# or garbled passage is quoted only where the words are whole.

# %%
notes = g.sparql("""
PREFIX zt: <https://w3id.org/zhaotong-kg/ontology#>
SELECT ?defect ?kind ?note WHERE {
  ?defect a zt:SourceDefect ; zt:defectKind ?kind .
  OPTIONAL { ?defect zt:note ?note }
} ORDER BY ?defect""").frame()
short(notes)

# %% [markdown]
# ## The detector agrees
#
# The builder also finds defects by itself (`kg_build.source.detect`); `zkg audit` flags any
# finding that is not curated. Here are the detector's findings, each checked against the curated
# defects in the graph. (Truncated starts and misplaced fragments are found by the curators
# only: the detector looks for repeats, splits, unfinished endings, garbling and suspicious labels.)

# %%
from kg_build.vocab import load_vocabulary

found = pd.DataFrame([(f.kind, list(f.paragraphs), list(f.of)) for f in detect(article)],
                     columns=["kind", "paragraphs", "of"])
kind_iri = load_vocabulary(Path("ontology/zhaotong.ttl")).codes["DefectKind"]   # code → individual
curated = {(r["kind"], r["paragraph"]) for r in g.ask("source-audit")}
found["curated"] = [all((str(kind_iri[k]), p) in curated for p in ps) for k, ps in zip(found["kind"], found["paragraphs"])]
found

# %% [markdown]
# ## Facts resting on defects
#
# `defect-facts`: each fact whose cited paragraph has a defect, with the defect and the words
# quoted, so a reader can judge each one.

# %%
resting = short(g.frame("defect-facts"))
print(resting["fact"].nunique(), "facts rest on", resting["defect"].nunique(), "defects")
resting.head(10)

# %% [markdown]
# ## From a fact back to its paragraph
#
# `fact-words` takes a fact and returns its quote, its paragraph number and the paragraph's text,
# and the YAML file it was curated in. The quote always occurs in the paragraph (the build checks it).

# %%
w = g.ask("fact-words", fact="ztd:fact/fig-p09-education-investment-3y")[0]
print("fact:      ztd:fact/fig-p09-education-investment-3y")
print("curated in:", w["file"])
print("status:   ", compact(w["status"]))
print("paragraph:", w["paragraph"])
print("quote:    ", w["quote"])
print("text:     ", w["paragraphText"])
print("quote occurs in the paragraph:", w["quote"] in w["paragraphText"])

# %% [markdown]
# ## What supports any triple
#
# Every triple of the graph sits in the named graph of the record that asserts it (`ztd:fact/…`,
# or `ztd:source/…` for an article's text), and that record's provenance is stated about the
# graph. So "what supports this?" is one pattern, `GRAPH ?fact { s p o } ?fact zt:quote ?quote`,
# for labels and shortcuts (`zt:leads`, `org:memberOf`) as much as for figures. `triple-support`
# asks it for every triple about one thing, here by name:

# %%
support = short(g.frame("triple-support", subject="昭通一中"))
support[["predicate", "object", "objectZh", "graph", "status", "quote", "paragraph"]]

# %%
plain = g.sparql("""
PREFIX zt: <https://w3id.org/zhaotong-kg/ontology#>
SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }""").rows[0][0]
traced = g.sparql("""
PREFIX zt: <https://w3id.org/zhaotong-kg/ontology#>
SELECT (COUNT(*) AS ?untraced) WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }""").rows[0][0]
print(f"{plain:,} triples in the default graph (data and ontology); {traced} of them in no named graph")

# %% [markdown]
# ## From a paragraph to every fact it supports

# %%
short(g.frame("paragraph-facts", paragraph=22))

# %% [markdown]
# ## Facts by file and by how they are known
#
# `provenance-summary`: stated facts quote the article; derived ones are computed; reference ones
# come from `facts/reference/places.csv` (codes, areas, populations of the divisions).

# %%
prov = short(g.frame("provenance-summary"))
prov.pivot_table(index="file", columns="status", values="facts", aggfunc="sum", fill_value=0)
