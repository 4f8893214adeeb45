# %% [markdown]
# # 3. The indicators, 2022 against 2025 · 2022年与2025年指标对比
#
# The article gives the 2025 level of several exam indicators for Zhaotong and how much each rose
# since 2022 (较2022年提高…). The 2022 level is not printed: the curators derived it
# (2025 level − rise). This notebook draws both years, keeps stated and derived values apart, and
# traces every figure to the article's words.

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

pd.set_option("display.max_colwidth", 80)
pd.set_option("display.max_rows", 60)

g = open_graph("graph", queries="queries")  # embedded Oxigraph store + the named questions
print(f"{g.store.triple_count():,} triples, {len(g.catalogue)} named questions")

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
from zkg.notebook import use_cjk_font

cjk = use_cjk_font()  # Debian: fonts-wqy-microhei or fonts-noto-cjk, so Chinese shows
print("CJK font:", "yes" if cjk else "no (Chinese labels would show as boxes)")

# %%
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
short(ind[["zh", "en", "value2022", "status2022", "value2025", "status2025", "statedChange", "computedChange"]])

# %% [markdown]
# `computedChange` is worked out by the query (value2025 − value2022); it equals the change the
# article states for every indicator, so the derived 2022 values are consistent.

# %%
assert (ind["computedChange"] == ind["statedChange"]).all()
print("stated change = 2025 − 2022 for all", len(ind), "indicators")

# %% [markdown]
# ## The chart
#
# Solid bars are values the article states; hatched bars are derived. The percentages and the
# school count are on different scales, so each indicator has its own panel.

# %%
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
    ax.set_title(row["zh"] + "\n" + textwrap.fill(row["en"], 34), fontsize=9)
    ax.set_ylim(0, max(values) * 1.2)
    ax.annotate(f"+{float(row['statedChange']):g}", xy=(0.5, max(values) * 1.1), ha="center", color="#b30000")
fig.suptitle("Zhaotong 昭通市: 2022 (hatched = derived) against 2025 (stated)", fontsize=11)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Each figure traced to the article
#
# For every indicator: each observation (level or change), how it is known, and the words it rests
# on — or, for a derived one, how it was computed and from which facts. The query is bound to one
# indicator at a time.

# %%
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
trace[["indicator", "kind", "year", "value", "asStated", "status", "quote", "paragraph", "derivation"]]

# %% [markdown]
# Every stated figure has a quote and a paragraph; every derived figure has a derivation instead.
# The paragraph text itself is one question away (`fact-words`):

# %%
stated = trace[trace["status"] == "zt:Stated"]
assert stated["quote"].notna().all() and trace[trace["status"] == "zt:Derived"]["derivation"].notna().all()
first = stated.iloc[0]
words = g.ask("fact-words", fact=first["fact"])[0]
print(first["fact"], "is curated in", words["file"], "and rests on paragraph", words["paragraph"])
print("quote:    ", words["quote"])
print("paragraph:", words["paragraphText"])

# %% [markdown]
# ## Every derived figure
#
# The 2022 levels are not the only figures the curators computed: averages per card and per
# household, a sum of three loan products, the village schools lost to mergers (撤并). Each keeps its
# derivation and the facts it comes from (`prov:wasDerivedFrom`):

# %%
d = g.frame("derived-facts")[["fact", "value", "derivation"]].drop_duplicates("fact")
short(d)
