# %% [markdown]
# # 6. The article against other reports · 报道与其他报道对照
#
# Twelve other public reports (2019-2025) give 89 figures on Zhaotong's schools. The build maps each
# report's measure onto the article's indicators (same, related or none, with a reason), compares every
# figure of the article with the other reports' figures of the same or a related measure about the same
# thing, and stores a verdict with its rule: agrees, consistent, conflicts, uncertain, related only, or
# no other source (DESIGN.md, "other reports"). An uncertain year never gives "agrees" or "conflicts".

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

pd.set_option("display.max_colwidth", 60)
pd.set_option("display.max_rows", 60)

g = open_graph("graph", queries="queries")  # embedded Oxigraph store + the named questions
print(f"{g.store.triple_count():,} triples, {len(g.catalogue)} named questions")

# %% [markdown]
# ## Every figure of the article, and its verdict
#
# `corroboration` gives one row per figure and other value (a figure with no other source has one row
# with the other columns empty). Counted once per figure:

# %%
corr = g.frame("corroboration")
verdicts = corr.drop_duplicates("fact").groupby(["verdictEn", "verdictZh"]).size().rename("figures")
verdicts.sort_values(ascending=False).to_frame()

# %% [markdown]
# The figures that meet another report's figure, with the other value, its year (or its period when the
# year is not certain) and the verdict of each pair:

# %%
met = corr[corr["otherValue"].notna()]
short(met[["indicatorZh", "asStated", "year", "otherAsStated", "otherYear", "otherWhen", "otherSource",
           "comparisonEn", "valuesMeet", "verdictEn"]])

# %% [markdown]
# ## Where the values differ
#
# `conflicts` lists the pairs of the same measure whose values cannot be the same amount. None is a
# conflict by the rule (same certain year): each is *uncertain*, because the article or the report leaves
# the year or period open — 46亿元 and 353 schools "3年来" against 50亿元 and 167 schools in the April 2025
# report (period not stated), 6.98万 full-time teachers (no year) against 6.96万 (2023), …

# %%
diff = g.frame("conflicts")
short(diff[["indicatorZh", "asStated", "year", "otherAsStated", "otherYear", "otherWhen", "otherSource",
            "comparisonEn"]])

# %% [markdown]
# Each verdict stores its rule and the ranges the two figures' words allow (rounding, 余/多/以上/近):

# %%
print(diff.loc[diff["fact"].str.endswith("fig-p09-education-investment-3y"), "rule"].iloc[0])

# %% [markdown]
# The rule holds in the graph: no pair with a year that is not certain says "agrees" or "conflicts".

# %%
bad = g.sparql("""
PREFIX zt: <https://w3id.org/zhaotong-kg/ontology#>
SELECT ?pair WHERE {
  ?pair zt:articleFigure ?a ; zt:otherFigure ?o ; zt:verdict ?v .
  FILTER(?v IN (zt:Agrees, zt:Conflicts))
  FILTER(EXISTS { ?o zt:yearCertainty zt:UncertainYear } || NOT EXISTS { ?a zt:year ?y })
}""").records()
assert bad == [], bad
print("pairs with an uncertain year that agree or conflict:", len(bad))

# %% [markdown]
# ## Indicators over the years, from every source
#
# `indicator-series` gives every value of an indicator: the article's (stated, or derived by the
# curators) and the other reports' (the same measure, or a related one). Values whose year is not
# stated or not certain are drawn at "no year" and listed under the charts with their period.

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
from zkg.notebook import use_cjk_font

cjk = use_cjk_font()
print("CJK font:", "yes" if cjk else "no (Chinese labels would show as boxes)")

# %%
CITY = "https://w3id.org/zhaotong-kg/id/division/530600"
shown = ["compulsory-consolidation-rate", "gaokao-special-control-rate", "zhongkao-pass-rate",
         "full-time-teachers", "provincial-first-class-high-schools"]
series = pd.concat([g.frame("indicator-series", indicator=f"ztd:indicator/{key}", about=CITY) for key in shown])
series = series[series["kind"].str.endswith(("Level", "Cumulative"))]
STYLE = {"Stated": ("#3182bd", "o"), "Derived": ("#9ecae1", "s"), "Reference": ("#e6550d", "^")}

NO_YEAR = 2026.5  # where a value whose year is not stated (or not certain) is drawn
fig, axes = plt.subplots(1, len(shown), figsize=(3.6 * len(shown), 4.2), squeeze=False)
undated = []
for ax, key in zip(axes[0], shown):
    rows = series[series["indicator"].str.endswith("/" + key)]
    for _, row in rows.iterrows():
        status = row["status"].rsplit("#", 1)[-1]
        colour, marker = STYLE[status]
        x = NO_YEAR if pd.isna(row["year"]) else int(row["year"])
        if x == NO_YEAR:
            words = row["asStated"] if isinstance(row["asStated"], str) else row["value"]
            undated.append((row["indicatorZh"], words, row["period"], row["source"]))
        ax.scatter(x, float(row["value"]), marker=marker, s=60, edgecolors=colour,
                   facecolors=colour if row["match"] == "same" else "none")
        ax.annotate(row["source"].split("-20")[0], (x, float(row["value"])), fontsize=7,
                    xytext=(4, 4), textcoords="offset points")
    ax.set_title(rows["indicatorZh"].iloc[0] + "\n" + rows["indicatorEn"].iloc[0][:40], fontsize=9)
    ax.set_xticks([2020, 2022, 2024, NO_YEAR], ["2020", "2022", "2024", "no year"])
    ax.set_xlim(2019.5, 2027.5)
axes[0][0].legend(handles=[plt.Line2D([], [], color=c, marker=m, linestyle="", label=s)
                           for s, (c, m) in STYLE.items()], fontsize=8, loc="lower left")
fig.suptitle("Filled: the same measure; hollow: a related one (e.g. 一本 for 特控线). "
             "'no year': the year is not stated or not certain", fontsize=10)
plt.tight_layout()
plt.show()
pd.DataFrame(undated, columns=["indicator", "as stated", "period", "source"])

# %% [markdown]
# ## What only the article says
#
# `uncorroborated`: the figures for which no other report gives the same or a related measure about
# the same thing, per piece of the article (the folder of the file that curates the figure).

# %%
only = g.frame("uncorroborated")
files = {r["fact"]: r["file"] for r in g.sparql("""
PREFIX zt: <https://w3id.org/zhaotong-kg/ontology#>
SELECT ?fact ?file WHERE { ?c zt:ofFigure ?fact . ?fact zt:curatedIn ?file }""").records()}
only["piece"] = only["fact"].map(lambda f: files[f].split("/")[1])
print(only.groupby("piece").size().to_string())
short(only[only["piece"] == "education"][["indicatorZh", "asStated", "year", "statusEn"]].head(12))
