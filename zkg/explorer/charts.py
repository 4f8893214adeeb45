"""The geometry of the small pictures on entity pages, drawn by the templates as inline SVG (no
script, so they show with JavaScript off): an indicator's values by year (:func:`series_chart`) and
a thing's neighbours around it (:func:`network`). Only numbers and texts come out of here; the
template escapes the texts.

>>> c = series_chart("中考合格率", "%", [(2022, 50.52, "50.52%", True), (2025, 74.48, "74.48%", True)])
>>> [(p.year, p.label) for p in c.points], c.line != ""
([(2022, '50.52%'), (2025, '74.48%')], True)
>>> n = network("甲", [("https://w3id.org/zhaotong-kg/id/a", "乙"), ("https://w3id.org/zhaotong-kg/id/b", "丙")])
>>> len(n.nodes), n.nodes[0].label
(2, '乙')
"""

from __future__ import annotations

import dataclasses
import math
from typing import Sequence

__all__ = ["Chart", "Network", "Node", "Point", "network", "series_chart"]

WIDTH, HEIGHT, PAD = 360, 180, 36


@dataclasses.dataclass
class Point:
    year: int
    value: float
    label: str
    article: bool  # the article's figure (else another report's)
    x: float
    y: float


@dataclasses.dataclass
class Chart:
    title: str
    unit: str
    points: list[Point]
    line: str                     # SVG points of the line through the article's values ("" if fewer than two)
    years: list[tuple[int, float]]  # axis ticks: year, x
    top: float                    # the value at the top of the axis
    width: int = WIDTH
    height: int = HEIGHT
    pad: int = PAD

    @property
    def summary(self) -> str:
        """The chart in words (its accessible name)."""
        told = "; ".join(f"{p.year}: {p.label}{'' if p.article else ' (another report)'}" for p in self.points)
        return f"{self.title}, by year: {told}"


def _round_up(value: float) -> float:
    if value <= 0:
        return 1.0
    step = 10 ** math.floor(math.log10(value))
    return math.ceil(value / step * 2) * step / 2


def series_chart(title: str, unit: str, values: list[tuple[int, float, str, bool]]) -> Chart:
    """A chart of ``values`` (year, value, the words, whether the article's) against the years."""
    years = sorted({y for y, *_ in values})
    first, last = years[0], years[-1]
    top = _round_up(max(max(v for _, v, *_ in values), 0))
    bottom = min(0.0, min(v for _, v, *_ in values))
    span_x, span_y = max(last - first, 1), (top - bottom) or 1.0

    def x(year: int) -> float:
        return round(PAD + (WIDTH - 2 * PAD) * (year - first) / span_x, 1)

    def y(value: float) -> float:
        return round(HEIGHT - PAD + 8 - (HEIGHT - PAD - 8) * (value - bottom) / span_y, 1)

    points = [Point(year, value, label, article, x(year), y(value))
              for year, value, label, article in sorted(values, key=lambda v: (v[0], not v[3]))]
    ours = [p for p in points if p.article]
    line = " ".join(f"{p.x},{p.y}" for p in ours) if len({p.year for p in ours}) >= 2 else ""
    return Chart(title, unit, points, line, [(year, x(year)) for year in years], top)


@dataclasses.dataclass
class Node:
    iri: str
    label: str
    x: float
    y: float


@dataclasses.dataclass
class Network:
    centre: str
    nodes: list[Node]
    size: int = 320

    @property
    def summary(self) -> str:
        return f"{self.centre} and {len(self.nodes)} neighbours: " + "、".join(n.label for n in self.nodes)


def network(centre: str, neighbours: Sequence[tuple[str, str]], size: int = 320) -> Network:
    """``neighbours`` (IRI, label) on a circle around ``centre``, first at the top."""
    mid, radius = size / 2, size / 2 - 48
    count = max(len(neighbours), 1)
    nodes = []
    for i, (iri, label) in enumerate(neighbours):
        angle = -math.pi / 2 + 2 * math.pi * i / count
        nodes.append(Node(iri, label, round(mid + radius * math.cos(angle), 1),
                          round(mid + radius * math.sin(angle), 1)))
    return Network(centre, nodes, size)
