"""A small line chart as SVG text, made on the server: no plotting library, no script, no
CDN. Pure Python (no Django); every label is escaped here.

The chart scales to its container (viewBox) and keeps its text readable on a phone; it is
an image with a title and a description for screen readers, and the pages that show it
give the same numbers as a table."""

from dataclasses import dataclass, field
from datetime import datetime
from html import escape

WIDTH, HEIGHT = 360, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 74, 12, 30
COLORS = ["#1f5fbf", "#b3261e", "#1f7a3f", "#8a4fbf", "#9a6700"]


@dataclass
class Series:
    label: str
    points: list[tuple[datetime, float]]
    color: str = COLORS[0]
    step: bool = False  # a running best: holds its value until the next change


@dataclass
class Level:
    """A horizontal line across the chart (the phase's best, the baseline)."""

    label: str
    value: float
    color: str = "#5d6777"


@dataclass
class Chart:
    title: str
    description: str
    metric: str
    series: list[Series]
    levels: list[Level] = field(default_factory=list)


def _ticks(low: float, high: float, count: int = 4) -> list[float]:
    if high == low:
        return [low]
    step = (high - low) / count
    return [low + i * step for i in range(count + 1)]


def render(chart: Chart, chart_id: str) -> str:
    """The chart as an <svg> element; chart_id makes its title and description ids unique."""
    points = [p for s in chart.series for p in s.points]
    if not points:
        return ""
    values = [v for _, v in points] + [level.value for level in chart.levels]
    low, high = min(values), max(values)
    pad = (high - low) * 0.08 or 0.05
    low, high = low - pad, high + pad
    times = [t.timestamp() for t, _ in points]
    start, end = min(times), max(times)
    span = (end - start) or 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(t: datetime) -> float:
        if end == start:
            return LEFT + plot_w / 2
        return LEFT + (t.timestamp() - start) / span * plot_w

    def y(v: float) -> float:
        return TOP + (high - v) / (high - low) * plot_h

    out = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{escape(chart.title)}</title>',
        f'<desc id="{chart_id}-d">{escape(chart.description)}</desc>',
    ]
    for tick in _ticks(low + pad, high - pad):
        out.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            'stroke="#dde2ea"/>'
            f'<text x="{LEFT - 4}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#5d6777">{tick:.2f}</text>'
        )
    out.append(
        f'<text x="{LEFT}" y="{HEIGHT - 8}" font-size="11" fill="#5d6777">'
        f"{min(points)[0]:%Y-%m-%d}</text>"
        f'<text x="{LEFT + plot_w}" y="{HEIGHT - 8}" font-size="11" fill="#5d6777" '
        f'text-anchor="end">{max(points)[0]:%Y-%m-%d}</text>'
    )
    for level in chart.levels:
        out.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(level.value):.1f}" '
            f'y2="{y(level.value):.1f}" stroke="{level.color}" stroke-dasharray="5 3"/>'
            f'<text x="{LEFT + plot_w + 4}" y="{y(level.value) + 4:.1f}" font-size="11" '
            f'fill="{level.color}">{escape(level.label)}</text>'
        )
    for series in chart.series:
        coords = []
        for i, (t, v) in enumerate(series.points):
            if series.step and i:
                coords.append(f"{x(t):.1f},{y(series.points[i - 1][1]):.1f}")
            coords.append(f"{x(t):.1f},{y(v):.1f}")
        if series.step:
            coords.append(f"{LEFT + plot_w:.1f},{y(series.points[-1][1]):.1f}")
        out.append(
            f'<polyline fill="none" stroke="{series.color}" stroke-width="2" '
            f'points="{" ".join(coords)}"/>'
        )
        for t, v in series.points:
            out.append(f'<circle cx="{x(t):.1f}" cy="{y(v):.1f}" r="3" fill="{series.color}"/>')
    out.append("</svg>")
    return "".join(out)
