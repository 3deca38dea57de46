"""Line charts drawn on the server as inline SVG, for the experiment reports.

No script and no `style` attribute (the Content-Security-Policy allows neither on shop pages):
only SVG presentation attributes. Each chart is an image with a title and a description for
screen readers (`role="img"`, `aria-labelledby`); the report prints the same numbers in a table
beside it. The drawing scales with its container through its viewBox, down to a 360 px phone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 64
TEXT = "#1f1f1f"
GRID = "#8c8c8c"  # 3.4:1 on white, enough for a non-text graphic (WCAG 1.4.11)
# At least 4.5:1 on white each, and told apart by their dashes too, not by colour alone.
PALETTE = (
    ("#1a5a96", ""),
    ("#a3400a", "8 4"),
    ("#2e6b30", "2 3"),
    ("#6b2a8c", "10 3 2 3"),
)
BAND = "#1a5a96"


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]  # one per x label; None: no point that day


def _scale(low: float, high: float, start: float, end: float) -> Callable[[float], float]:
    span = (high - low) or 1.0
    return lambda value: start + (value - low) / span * (end - start)


def _n(value: float) -> str:
    return f"{value:.1f}"


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    step = (high - low) / (count - 1) if high > low else 1.0
    return [low + step * i for i in range(count)]


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    value_format: Callable[[float], str],
    band: tuple[Sequence[float | None], Sequence[float | None]] | None = None,
    zero_line: bool = False,
) -> SafeString:
    """An accessible SVG line chart: one line per series, an optional interval band."""
    values = [v for s in series for v in s.values if v is not None]
    if band:
        values += [v for edge in band for v in edge if v is not None]
    if zero_line:
        values.append(0.0)
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if low == high:
        low, high = low - 0.5 * (abs(low) or 1), high + 0.5 * (abs(high) or 1)
    pad = (high - low) * 0.05
    low, high = low - pad, high + pad
    count = len(x_labels)
    x = _scale(0, max(count - 1, 1), LEFT, WIDTH - RIGHT)
    y = _scale(low, high, HEIGHT - BOTTOM, TOP)

    parts: list[SafeString] = []
    for tick in _ticks(low, high):
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="0.5"/>'
                '<text x="{}" y="{}" text-anchor="end" font-size="12" fill="{}">{}</text>',
                LEFT,
                WIDTH - RIGHT,
                y(tick),
                y(tick),
                GRID,
                LEFT - 6,
                y(tick) + 4,
                TEXT,
                value_format(tick),
            )  # fmt: skip
        )
    if zero_line:
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1.5"/>',
                LEFT,
                WIDTH - RIGHT,
                y(0),
                y(0),
                TEXT,
            )  # fmt: skip
        )
    # At most about six dates along the axis, so they never overlap at phone width.
    every = max(1, -(-count // 6))
    for index, label in enumerate(x_labels):
        if index % every == 0 or index == count - 1:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="{}">{}</text>',
                    x(index),
                    HEIGHT - BOTTOM + 18,
                    TEXT,
                    label,
                )  # fmt: skip
            )
    if band:
        lows, highs = band
        edge = [(i, lo, hi) for i, (lo, hi) in enumerate(zip(lows, highs, strict=True))]
        edge = [(i, lo, hi) for i, lo, hi in edge if lo is not None and hi is not None]
        if edge:
            points = [f"{x(i):.1f},{y(hi):.1f}" for i, _lo, hi in edge]
            points += [f"{x(i):.1f},{y(lo):.1f}" for i, lo, _hi in reversed(edge)]
            parts.append(
                format_html(
                    '<polygon points="{}" fill="{}" fill-opacity="0.18" stroke="none"/>',
                    " ".join(points),
                    BAND,
                )  # fmt: skip
            )
    for number, line in enumerate(series):
        colour, dashes = PALETTE[number % len(PALETTE)]
        points = " ".join(
            f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(line.values) if v is not None
        )
        if points:
            parts.append(
                format_html(
                    '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"'
                    ' stroke-dasharray="{}"/>',
                    points,
                    colour,
                    dashes or "none",
                )  # fmt: skip
            )
        # The legend, under the axis: a short stroke of the line's colour and dashes.
        legend_x = LEFT + (number % 2) * 280
        legend_y = HEIGHT - 22 + (number // 2) * 16 - (16 if len(series) > 2 else 0)
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="2.5"'
                ' stroke-dasharray="{}"/>'
                '<text x="{}" y="{}" font-size="12" fill="{}">{}</text>',
                legend_x,
                legend_x + 28,
                legend_y - 4,
                legend_y - 4,
                colour,
                dashes or "none",
                legend_x + 34,
                legend_y,
                TEXT,
                line.label,
            )  # fmt: skip
        )
    return format_html(
        '<svg class="experiment-chart" viewBox="0 0 {} {}" width="100%" role="img"'
        ' aria-labelledby="{}-title {}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        WIDTH, HEIGHT, chart_id, chart_id, chart_id, title, chart_id, description,
        mark_safe("".join(parts)),  # noqa: S308 - every part above went through format_html
    )  # fmt: skip
