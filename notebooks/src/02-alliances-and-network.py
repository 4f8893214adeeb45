# %% [markdown]
# # 2. The alliances and the school network · 教研联盟与学校网络
#
# Zhaotong grouped its general high schools into **teaching-research alliances** (普通高中教研联盟),
# each led by a strong "leader" school (盟主). This notebook asks about them twice — in SPARQL and in
# NetworkX (`zkg.network`) — checks that both agree, draws the network, and says plainly what the
# article does and does not tell.

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
from zkg import network as net

# The NetworkX projection: domain entities as nodes, typed edges (see zkg.network's docstring).
G = net.load_network("graph", "ontology/zhaotong.ttl")
print(G.number_of_nodes(), "nodes,", G.number_of_edges(), "edges")
pd.Series(dict(G.nodes(data="kind"))).value_counts().rename("nodes").to_frame()

# %% [markdown]
# ## The alliances, in SPARQL

# %%
short(g.frame("alliance-overview"))


# %% [markdown]
# ## The same, in NetworkX
#
# `alliance_leaders`, `alliance_members` and `alliance_counties` return `{alliance: [nodes]}`.
# Below they are set beside the SPARQL answers and compared as sets.

# %%
from zkg.notebook import compare, from_sparql


def label(n):
    return G.nodes[n]["label_zh"]


members_sparql = from_sparql(g.ask("alliance-members"), "alliance", "school")
compare(G, "members", net.alliance_members(G), members_sparql)

# %%
counties_sparql = from_sparql(g.ask("alliance-counties"), "alliance", "place")
compare(G, "covers", net.alliance_counties(G), counties_sparql)

# %%
by_county_sparql = from_sparql(g.ask("schools-by-county"), "county", "school")
by_county_nx = net.schools_per_county(G)
pd.DataFrame([(label(c), " · ".join(label(s) for s in schools), set(schools) == by_county_sparql.get(c, set()))
              for c, schools in by_county_nx.items()],
             columns=["county", "schools (NetworkX)", "same in SPARQL"])

# %% [markdown]
# ## What the article does and does not tell about membership
#
# The article names the **three leader schools** and gives **counts**: 72 schools in the three
# alliances, 36 of them (from 4 counties) in the 昭通市第一中学 alliance. It does **not** list the
# member schools. So the graph has one `org:Membership` per alliance (the leader, role 盟主) and the
# counts as figures; the 36 schools of the two other alliances together are a *derived* figure.

# %%
overview = g.frame("alliance-overview")
overview["unnamed members"] = overview["statedMembers"] - overview["knownMembers"]
short(overview[["allianceZh", "leaderZh", "statedMembers", "knownMembers", "unnamed members", "statedCounties", "coveredPlaces"]])

# %%
derived = g.frame("derived-facts")
derived[derived["derivation"].str.contains("alliance")][["value", "derivation"]].drop_duplicates()

# %%
# The words the memberships rest on (paragraph 22):
for row in g.ask("paragraph-facts", paragraph=22):
    if "盟主" in row["quote"]:
        print(row["quote"])
        break

# %% [markdown]
# ## Paths and centrality
#
# How is a school in one county connected to an alliance? `connection` walks the shortest path,
# ignoring edge direction, and names each edge. `most_central` ranks nodes by betweenness (seeded).

# %%
for step in net.connection(G, "school/haiyanchi-nine-year", "alliance/zhaotong-no1"):
    arrow = f"--{step.name}-->" if step.forward else f"<--{step.name}--"
    print(label(step.node), arrow, label(step.next))

# %%
pd.DataFrame([(label(n), G.nodes[n]["kind"], round(s, 3)) for n, s in net.most_central(G, k=8, seed=0)],
             columns=["node", "kind", "betweenness"])

# %% [markdown]
# ## The alliances, drawn
#
# The default picture of `zkg viz`: each leader school (盟主) → its alliance (with the member count
# the article gives) → the counties it covers, coloured by alliance. For the two alliances whose
# counties the article does not give, a dashed box says so. The drawing uses the page's layout,
# colours and shapes (`zkg.viz.draw`), so it shows on a code host too.

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
from zkg.notebook import use_cjk_font
from zkg.viz import draw

cjk = use_cjk_font()  # Debian: fonts-wqy-microhei or fonts-noto-cjk, so Chinese shows
print("CJK font:", "yes" if cjk else "no (Chinese labels would show as boxes)")
draw(G, view="alliances", lang="zh")  # lang="en" for English labels
plt.show()

# %% [markdown]
# ## The interactive picture
#
# The same view as one self-contained HTML page (vis-network inlined from the pyvis package; no
# network access): hover for each entity's figures and the article's words, search by any name
# (昭通一中 finds 昭通市第一中学), switch 中文/English, filter by class, export a PNG.
# Write it from the project folder and open it in a browser:
#
# ```sh
# python3 -m zkg viz -o alliances.html                              # the alliances (default)
# python3 -m zkg viz --view school-network -o school_network.html   # schools, alliances, divisions
# python3 -m zkg network --export gexf -o alliances.gexf            # laid out and coloured, for Gephi
# ```
#
# It is not embedded here: the page inlines the whole library (about 700 KiB) and would make
# this notebook that large.
