"""Histograms as geometry for server-rendered SVG (pure; the template draws the shapes).

No JavaScript charting library: `histogram` bins values and lays out bars, axis ticks and an
optional marker line (e.g. the pass mark) in a fixed view box; `_histogram.html` renders it as
an accessible `<svg role="img">` with a title, a description and a `<title>` per bar.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Bar", "Histogram", "Tick", "bins", "histogram"]

WIDTH, HEIGHT = 480, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 10, 40


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    count: int
    label: str  # e.g. "50-60 %"


@dataclass(frozen=True, slots=True)
class Tick:
    position: float
    text: str


@dataclass(frozen=True, slots=True)
class Histogram:
    key: str  # unique on the page (ids of the title and description)
    title: str
    description: str  # empty when there are no values (the page says so in its language)
    bars: tuple[Bar, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    marker_x: float | None
    marker_label: str
    total: int
    width: int = WIDTH
    height: int = HEIGHT
    title_language: str | None = None  # a course text's language (a lab's title), if known

    @property
    def axis_y(self) -> int:
        return self.height - BOTTOM

    @property
    def plot_left(self) -> int:
        return LEFT

    @property
    def plot_right(self) -> int:
        return self.width - RIGHT


def bins(
    values: Iterable[float], *, low: float = 0, high: float = 100, count: int = 10
) -> list[int]:
    """Equal-width bins over [low, high]; the last bin includes `high`."""
    counts = [0] * count
    step = (high - low) / count
    for value in values:
        if value < low or value > high or math.isnan(value):
            continue
        index = min(int((value - low) // step), count - 1)
        counts[index] += 1
    return counts


def histogram(
    key: str,
    title: str,
    values: Iterable[float],
    *,
    low: float = 0,
    high: float = 100,
    count: int = 10,
    unit: str = "%",
    marker: float | None = None,
    marker_label: str = "",
    title_language: str | None = None,
) -> Histogram:
    values = list(values)
    counts = bins(values, low=low, high=high, count=count)
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    step = (high - low) / count
    top = max(counts) if any(counts) else 1
    bars = []
    for index, n in enumerate(counts):
        height = plot_height * n / top
        start = low + index * step
        bars.append(
            Bar(
                x=round(LEFT + index * plot_width / count + 1, 2),
                y=round(TOP + plot_height - height, 2),
                width=round(plot_width / count - 2, 2),
                height=round(height, 2),
                count=n,
                label=f"{start:g}-{start + step:g} {unit}",
            )
        )
    x_ticks = tuple(
        Tick(round(LEFT + i * plot_width / count, 2), f"{low + i * step:g}")
        for i in range(0, count + 1, 2 if count > 5 else 1)
    )
    y_ticks = tuple(
        Tick(round(TOP + plot_height - plot_height * n / top, 2), str(n))
        for n in sorted({0, top // 2, top})
    )
    marker_x = None
    if marker is not None and low <= marker <= high:
        marker_x = round(LEFT + (marker - low) / (high - low) * plot_width, 2)
    description = "; ".join(f"{bar.label}: {bar.count}" for bar in bars if bar.count)
    return Histogram(
        key=key,
        title=title,
        description=description,
        bars=tuple(bars),
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        marker_x=marker_x,
        marker_label=marker_label,
        total=len(values),
        title_language=title_language,
    )
