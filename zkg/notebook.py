"""Helpers the notebooks share: DataFrames shown with short IRIs, NetworkX answers set beside
SPARQL ones, and a CJK font for charts. (The graph loading is :func:`zkg.network.load_network`.)

>>> import pandas as pd
>>> from zkg.values import IRI
>>> short(pd.DataFrame({"s": [IRI("https://w3id.org/zhaotong-kg/id/school/a")]})).iloc[0, 0]
'ztd:school/a'
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

__all__ = ["short", "from_sparql", "compare", "use_cjk_font", "CJK_FONTS"]

#: CJK fonts looked for, in order (Debian: fonts-wqy-microhei, fonts-noto-cjk).
CJK_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC")


def short(df):
    """A copy of a DataFrame with its IRIs shown as ``ztd:…`` / ``zt:…`` (display only)."""
    from zkg.values import compact, IRI

    return df.map(lambda v: compact(v) if isinstance(v, IRI) else v)


def from_sparql(rows: Iterable[Mapping[str, Any]], key: str, item: str) -> dict[Any, set[Any]]:
    """``{row[key]: {row[item], …}}`` from the rows of a SPARQL answer (e.g. ``g.ask(name)``).

    >>> from_sparql([{"a": 1, "b": 2}, {"a": 1, "b": 3}], "a", "b")
    {1: {2, 3}}
    """
    out: dict[Any, set[Any]] = {}
    for row in rows:
        out.setdefault(row[key], set()).add(row[item])
    return out


def compare(G, title: str, nx_answer: Mapping[Any, list[Any]], sparql_answer: Mapping[Any, set[Any]],
            key: str = "alliance"):
    """A DataFrame: per key (by its Chinese label in ``G``), the NetworkX answer and whether the
    SPARQL answer holds the same set.

    >>> import networkx as nx
    >>> G = nx.Graph(); G.add_nodes_from([("a", {"label_zh": "甲"}), ("b", {"label_zh": "乙"})])
    >>> compare(G, "members", {"a": ["b"]}, {"a": {"b"}}).values.tolist()
    [['甲', '乙', True]]
    """
    import pandas as pd

    def label(n: Any) -> str:
        return G.nodes[n]["label_zh"] if n in G else str(n)

    keys = sorted(set(nx_answer) | set(sparql_answer), key=str)
    rows = [(label(k), " · ".join(label(n) for n in nx_answer.get(k, [])),
             set(nx_answer.get(k, [])) == set(sparql_answer.get(k, set()))) for k in keys]
    return pd.DataFrame(rows, columns=[key, f"{title} (NetworkX)", "same in SPARQL"])


def use_cjk_font(dpi: int = 80) -> str | None:
    """Set matplotlib to a CJK font when one is installed (so Chinese labels are not boxes), a fixed
    SVG hash salt and ``dpi``; return the font's name, or None when there is none."""
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    cjk = next((name for name in CJK_FONTS if name in installed), None)
    plt.rcParams["font.family"] = ([cjk] if cjk else []) + ["DejaVu Sans"]
    plt.rcParams["figure.dpi"] = dpi
    plt.rcParams["svg.hashsalt"] = "zhaotong-kg"
    return cjk
