# %% [markdown]
# # 1. A tour of the Zhaotong education graph · 昭通教育知识图谱导览
#
# The graph holds what one newspaper article (*sources/zhaotong-education-2025.txt*) says about
# education reform in Zhaotong (昭通市), Yunnan, plus three shorter pieces printed with it (finance,
# housing, a torch festival). Every statement in it is a **fact** with the exact Chinese words it rests
# on and the paragraph they come from.
#
# This notebook opens the graph, counts what it holds, and runs the named questions in `queries/`
# as pandas DataFrames. Run it from the `notebooks/` folder or from the project folder.

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
# ## What the graph holds
#
# `graph-summary` counts the things of each class. Provenance classes (facts, paragraphs) come first
# by size; the domain classes (schools, programs, people…) follow.

# %%
summary = short(g.frame("graph-summary"))
summary.head(30)

# %% [markdown]
# ## Figures per piece of the article
#
# Every number in the article is a `zt:Observation`. Each is curated in one YAML file under
# `facts/<piece>/`, which the graph keeps as `zt:curatedIn`; the folder is the piece.

# %%
figs = g.sparql("""
PREFIX zt: <https://w3id.org/zhaotong-kg/ontology#>
SELECT ?file ?status (COUNT(?o) AS ?figures) WHERE {
  ?o a zt:Observation ; zt:curatedIn ?file ; zt:status ?status .
} GROUP BY ?file ?status""").frame()
figs["piece"] = figs["file"].str.split("/").str[1]
figs["status"] = figs["status"].map(compact)
per_piece = figs.pivot_table(index="piece", columns="status", values="figures", aggfunc="sum", fill_value=0)
per_piece["total"] = per_piece.sum(axis=1)
per_piece.sort_values("total", ascending=False)

# %% [markdown]
# `zt:Stated` figures are in the article's words; `zt:Derived` ones were computed by the curators
# from stated ones (notebook 3 shows how); `zt:Reference` ones come from reference data about places.
#
# ## The named questions
#
# Each `.rq` file in `queries/` answers one question, in Chinese and English, with declared
# parameters. `g.frame(name, **params)` runs it and returns a DataFrame.

# %%
catalogue = pd.DataFrame(
    [(q.name, q.question_zh, q.question_en, ", ".join(p.describe() for p in q.params))
     for q in g.catalogue],
    columns=["name", "question (zh)", "question (en)", "parameters"])
catalogue

# %% [markdown]
# ### Which schools does the article name? · 文章提到了哪些学校？

# %%
short(g.frame("schools"))

# %% [markdown]
# ### Who leads them? · 校长与负责人

# %%
short(g.frame("principals"))

# %% [markdown]
# ### Every amount of money, largest first
#
# Values are exact decimals in yuan; `asStated` keeps the article's own words (亿元 = 100 million yuan).

# %%
money = g.frame("investment")
short(money[["asStated", "value", "aboutZh", "indicator", "paragraph"]]).head(12)

# %% [markdown]
# ### A parameter: what does the article say about one school?
#
# Parameters are bound, never pasted into the query text. `ztd:` ids are accepted as strings.

# %%
short(g.frame("entity-facts", entity="ztd:school/haiyanchi-nine-year")[["predicate", "object", "quote", "paragraph"]])

# %% [markdown]
# ### Same answer on another engine
#
# The store layer runs the same question on rdflib too; answers compare equal value by value.

# %%
slow = open_graph("graph", engine="rdflib", queries="queries")
same = {q.name: g.result(q.name).same_as(slow.result(q.name)) for q in g.catalogue}
print(f"{sum(same.values())} of {len(same)} questions give the same answer on oxigraph and rdflib")
[name for name, ok in same.items() if not ok]

# %% [markdown]
# Next: **2** the alliances and the school network, **3** the indicators 2022 → 2025,
# **4** provenance and the article's defects, **5** the same questions on a SPARQL server.
