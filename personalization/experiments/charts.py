"""Line charts drawn on the server as inline SVG, for the experiment reports.

No script and no `style` attribute (the Content-Security-Policy allows neither on shop pages):
only SVG presentation attributes. Each chart is an image with a title and a description for
screen readers (`role="img"`, `aria-labelledby`); the report prints the same numbers in a table
beside it. The drawing scales with its container through its viewBox, down to a 360 px phone.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# A small drawing with large type: at a 360 px phone the 15-unit text is still 11 px.
WIDTH, HEIGHT = 480, 280
LEFT, RIGHT, TOP, BOTTOM = 62, 14, 14, 70
FONT = 15
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


def _step(span: float, most: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving at most `most` intervals."""
    raw = span / most
    power = 10 ** math.floor(math.log10(raw))
    return next(f * power for f in (1, 2, 2.5, 5, 10) if f * power >= raw)


def _ticks(low: float, high: float) -> tuple[float, float, list[float]]:
    """The axis's range widened to round numbers, and the round numbers along it."""
    step = _step(high - low)
    first, last = math.floor(low / step), math.ceil(high / step)
    return first * step, last * step, [i * step for i in range(first, last + 1)]


def _label_positions(count: int) -> list[int]:
    """Which days get a date under the axis: about five, always the last, never crowded."""
    every = max(1, -(-count // 5))
    shown = list(range(0, count, every))
    if shown[-1] != count - 1:
        if count - 1 - shown[-1] < every * 0.7:
            shown[-1] = count - 1
        else:
            shown.append(count - 1)
    return shown


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
    low, high, ticks = _ticks(low, high)
    count = len(x_labels)
    x = _scale(0, max(count - 1, 1), LEFT, WIDTH - RIGHT)
    y = _scale(low, high, HEIGHT - BOTTOM, TOP)
    right = WIDTH - RIGHT

    parts: list[SafeString] = []
    for tick in ticks:
        at = _n(y(tick))
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="0.5"/>'
                '<text x="{}" y="{}" text-anchor="end" font-size="{}" fill="{}">{}</text>',
                LEFT,
                right,
                at,
                at,
                GRID,
                LEFT - 6,
                _n(y(tick) + 5),
                FONT,
                TEXT,
                value_format(tick),
            )  # fmt: skip
        )
    if zero_line:
        at = _n(y(0))
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1.5"/>',
                LEFT,
                right,
                at,
                at,
                TEXT,
            )  # fmt: skip
        )
    for index in _label_positions(count) if count else []:
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="{}" font-size="{}" fill="{}">{}</text>',
                _n(x(index)),
                HEIGHT - BOTTOM + 20,
                "end" if index == count - 1 and count > 1 else "middle",
                FONT,
                TEXT,
                x_labels[index],
            )  # fmt: skip
        )
    if band:
        lows, highs = band
        edge = [
            (i, lo, hi) for i, (lo, hi) in enumerate(zip(lows, highs, strict=True))
            if lo is not None and hi is not None
        ]  # fmt: skip
        if edge:
            outline = [f"{_n(x(i))},{_n(y(hi))}" for i, _lo, hi in edge]
            outline += [f"{_n(x(i))},{_n(y(lo))}" for i, lo, _hi in reversed(edge)]
            parts.append(
                format_html(
                    '<polygon points="{}" fill="{}" fill-opacity="0.18" stroke="none"/>',
                    " ".join(outline),
                    BAND,
                )  # fmt: skip
            )
    for number, line in enumerate(series):
        colour, dashes = PALETTE[number % len(PALETTE)]
        points = " ".join(
            f"{_n(x(i))},{_n(y(v))}" for i, v in enumerate(line.values) if v is not None
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
        # The legend under the axis, one line per series: a stroke of its colour and dashes.
        legend_y = HEIGHT - BOTTOM + 44 + number * 20
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="2.5"'
                ' stroke-dasharray="{}"/>'
                '<text x="{}" y="{}" font-size="{}" fill="{}">{}</text>',
                LEFT,
                LEFT + 28,
                legend_y - 5,
                legend_y - 5,
                colour,
                dashes or "none",
                LEFT + 34,
                legend_y,
                FONT,
                TEXT,
                line.label,
            )  # fmt: skip
        )
    # Room for one legend line per series beyond the first two.
    height = HEIGHT + max(0, len(series) - 2) * 20
    return format_html(
        '<svg class="experiment-chart" viewBox="0 0 {} {}" width="100%" role="img"'
        ' aria-labelledby="{}-title {}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        WIDTH, height, chart_id, chart_id, chart_id, title, chart_id, description,
        mark_safe("".join(parts)),  # noqa: S308 - every part above went through format_html
    )  # fmt: skip
