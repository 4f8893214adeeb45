# %% [markdown]
# # 5. Working with a SPARQL server · 使用SPARQL服务器
#
# The graph is plain RDF, so any SPARQL 1.1 server can hold it. This notebook starts a real
# Oxigraph server on 127.0.0.1 (the `oxigraph` program from PyPI), pushes `graph/zhaotong.nt` into
# it with the Graph Store Protocol (`zkg.push`), runs every named question remotely, compares each
# answer with the embedded store's, and stops the server — in a `finally` block, so it stops even
# when something fails.
#
# From the command line the same is `python3 -m zkg serve` and `python3 -m zkg push`.

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
import tempfile
from zkg import serve, push

print("server program:", Path(serve.oxigraph_binary()).name)

# %% [markdown]
# One cell does the whole session so that the `finally` stops the server whatever happens; the
# cells after it look at what it gathered.

# %%
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
print("server stopped:", server.poll() is not None)

# %% [markdown]
# ## Remote against embedded
#
# Every question, its row count on the server and in the embedded store, and whether the answers
# are the same (values, datatypes and language tags; order too when the query has `ORDER BY`).

# %%
cmp = pd.DataFrame(comparison, columns=["question", "rows (server)", "rows (embedded)", "same"])
print(f"{cmp['same'].sum()} of {len(cmp)} answers are the same")
cmp

# %% [markdown]
# A remote answer is an ordinary DataFrame:

# %%
short(remote_frames["alliance-overview"])

# %% [markdown]
# Parameters travel to the server as a `VALUES` block (never pasted into the text), so a question
# with a parameter works the same remotely:

# %%
short(remote_frames["posts/principal"])

# %% [markdown]
# ## Your own server
#
# Any SPARQL 1.1 endpoint works: `open_graph(endpoint="http://host:port/query")`. To load the graph
# into a writable Oxigraph or Fuseki, use `zkg.push.push_graph("graph", ".../store")` (Oxigraph) or the
# dataset URL (Fuseki); it checks the triple count afterwards. Queries declare their own prefixes, so
# they do not depend on the server's.
