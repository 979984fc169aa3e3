"""Charts as inline SVG: line charts over periods and horizontal bar charts.

Drawn here in a few hundred lines rather than by a charting library: the report has some 200
charts at every scale (one per goal indicator, a few small multiples per STRALIS section, one
per VIRKLIS unit), drawn for the HTML page and again for the PDF. Measured on a goal
indicator's chart (docs/report.md): Altair with vl-convert takes some 85 ms to make it, as
145 elements (each tick and label a group); this module 0.1 ms, as 61 elements. The axis
labels use the same Danish number format and rounding as the tables (`lib/formatting.py`).

Every chart is an `<svg role="img">` named by its `<title>`; the page puts a sentence saying
what it shows beside it and its figures in a table under it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from dagster_project.lib.formatting import format_number

FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
INK = "#0b0c0c"
MUTED = "#505a5f"
AXIS = "#8f969a"
GRID = "#e3e5e6"
CHAR_WIDTH = 7.2  # of 12 px DejaVu Sans, for laying out labels without measuring them

# Line styles: who is who is told by the dash pattern and the legend, not by colour alone.
SOLID = ""
DASHED = "7 4"
DOTTED = "2 3"


@dataclass(frozen=True)
class Line:
    label: str
    values: Sequence[float | None]  # one per position on the x axis; None draws nothing
    colour: str
    dash: str = SOLID
    width: float = 2.5
    points: bool = False


@dataclass(frozen=True)
class Rule:
    """A horizontal reference line (a target, a baseline, a median)."""

    label: str
    value: float
    colour: str
    dash: str = SOLID
    width: float = 1.5


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    text: str  # the figure as the table shows it, or why there is none ("For få")
    highlight: bool = False


def nice_step(span: float, count: int) -> float:
    """A step of 1, 2, 2.5 or 5 times a power of ten giving about `count` intervals."""
    if span <= 0:
        return 1.0
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def ticks(low: float, high: float, count: int = 4) -> list[float]:
    if high == low:
        high, low = high + 1, low - 1 if low != 0 else 0
    step = nice_step(high - low, count)
    first = math.floor(low / step + 1e-9) * step
    last = math.ceil(high / step - 1e-9) * step
    steps = round((last - first) / step)
    return [first + i * step for i in range(steps + 1)]


def decimals_of(step: float) -> int:
    for decimals in range(0, 4):
        if abs(round(step, decimals) - step) < 1e-9:
            return decimals
    return 3


def _number(value: float, decimals: int) -> str:
    return format_number(value, decimals)


def _x_labels(labels, x, low: float, high: float, most: int) -> list[tuple[float, str]]:
    """Up to `most` period labels, evenly spaced, the latest always shown, none overlapping
    another or the plot's edges: (centre, text)."""
    count = len(labels)
    every = max(1, math.ceil(count / most))
    chosen, taken = [], []
    for i in range(count - 1, -1, -every):
        half = CHAR_WIDTH * len(labels[i]) / 2
        centre = min(max(x(i), low + half - 4), high - half + 4)
        if all(abs(centre - other) > half + other_half + 6 for other, other_half in taken):
            chosen.append((centre, labels[i]))
            taken.append((centre, half))
    return sorted(chosen)


def _svg_open(chart_id: str, title: str, width: int, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="diagram" role="img" '
        f'aria-labelledby="{chart_id}-titel" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="12" fill="{INK}">',
        f'<title id="{chart_id}-titel">{escape(title)}</title>',
    ]


def _dash(dash: str) -> str:
    return f' stroke-dasharray="{dash}"' if dash else ""


def line_chart(
    chart_id: str,
    title: str,
    x_labels: Sequence[str],
    lines: Sequence[Line],
    rules: Sequence[Rule] = (),
    *,
    unit: str = "",
    scale: float = 1.0,
    zero: bool = False,
    extent: tuple[float, float] | None = None,
    width: int = 560,
    height: int = 220,
    max_x_labels: int = 6,
) -> Markup:
    """Lines over the periods of `x_labels`, horizontal reference `rules`, values divided
    by `scale` on the axis (kroner in millions), the axis named by `unit`. `extent` widens
    the axis to at least that range (small multiples on one scale)."""
    values = [v / scale for line in lines for v in line.values if v is not None]
    values += [rule.value / scale for rule in rules]
    if zero:
        values.append(0.0)
    if extent:
        values.extend(v / scale for v in extent)
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    pad = (high - low) * 0.08 or abs(high) * 0.1 or 1.0
    axis = ticks(low - (pad if not (zero and low >= 0) else 0), high + pad)
    decimals = decimals_of(axis[1] - axis[0]) if len(axis) > 1 else 0
    labels = [_number(t, decimals) for t in axis]
    left = 10 + CHAR_WIDTH * max(len(label) for label in labels)
    top, right, bottom = 22 if unit else 10, 16, 26
    plot_w, plot_h = width - left - right, height - top - bottom
    y_low, y_high = axis[0], axis[-1]

    def x(i: int) -> float:
        count = len(x_labels)
        return left + (plot_w / 2 if count == 1 else i * plot_w / (count - 1))

    def y(v: float) -> float:
        return top + plot_h - (v / scale - y_low) / (y_high - y_low) * plot_h

    out = _svg_open(chart_id, title, width, height)
    if unit:
        out.append(f'<text x="{left - 6:.0f}" y="12" fill="{MUTED}">{escape(unit)}</text>')
    for value, label in zip(axis, labels, strict=True):
        yy = top + plot_h - (value - y_low) / (y_high - y_low) * plot_h
        out.append(
            f'<line x1="{left:.1f}" x2="{left + plot_w:.1f}" y1="{yy:.1f}" y2="{yy:.1f}" '
            f'stroke="{GRID}"/>'
            f'<text x="{left - 6:.1f}" y="{yy + 4:.1f}" text-anchor="end">{label}</text>'
        )
    out.append(
        f'<line x1="{left:.1f}" x2="{left + plot_w:.1f}" y1="{top + plot_h:.1f}" '
        f'y2="{top + plot_h:.1f}" stroke="{AXIS}"/>'
    )
    for i, label in _x_labels(x_labels, x, left, left + plot_w, max_x_labels):
        out.append(
            f'<text x="{i:.1f}" y="{height - 8}" text-anchor="middle">{escape(label)}</text>'
        )
    for rule in rules:
        yy = y(rule.value)
        out.append(
            f'<line x1="{left:.1f}" x2="{left + plot_w:.1f}" y1="{yy:.1f}" y2="{yy:.1f}" '
            f'stroke="{rule.colour}" stroke-width="{rule.width}"{_dash(rule.dash)}/>'
        )
    for line in lines:
        runs: list[list[tuple[float, float]]] = [[]]
        for i, value in enumerate(line.values):
            if value is None:
                if runs[-1]:
                    runs.append([])
                continue
            runs[-1].append((x(i), y(value)))
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{px:.1f},{py:.1f}" for px, py in run)
                out.append(
                    f'<polyline points="{points}" fill="none" stroke="{line.colour}" '
                    f'stroke-width="{line.width}" stroke-linejoin="round"{_dash(line.dash)}/>'
                )
            if line.points or len(run) == 1:
                out.extend(
                    f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{line.colour}"/>'
                    for px, py in run
                )
    out.append("</svg>")
    return Markup("".join(out))


def bar_chart(
    chart_id: str,
    title: str,
    bars: Sequence[Bar],
    rules: Sequence[Rule] = (),
    *,
    unit: str = "",
    width: int = 560,
    colour: str = "#1d70b8",
    highlight_colour: str = "#0b0c0c",
) -> Markup:
    """One horizontal bar per row, its figure in a column at the right, vertical reference
    `rules` (a median, a quartile). A row without a figure has no bar and its text in
    that column, so that a missing or suppressed figure is never drawn as zero."""
    row_h, top, bottom = 20, 22 if unit else 8, 26
    label_w = min(230, 8 + CHAR_WIDTH * max((len(b.label) for b in bars), default=4))
    text_w = 12 + CHAR_WIDTH * max((len(b.text) for b in bars), default=4)
    height = top + row_h * len(bars) + bottom
    values = [b.value for b in bars if b.value is not None] + [r.value for r in rules]
    high = max(values + [0.0])
    low = min(values + [0.0])
    axis = ticks(low, high)
    decimals = decimals_of(axis[1] - axis[0]) if len(axis) > 1 else 0
    plot_x, plot_w = label_w, width - label_w - text_w - 12

    def x(v: float) -> float:
        return plot_x + (v - axis[0]) / (axis[-1] - axis[0]) * plot_w

    out = _svg_open(chart_id, title, width, height)
    if unit:
        out.append(f'<text x="{plot_x:.0f}" y="12" fill="{MUTED}">{escape(unit)}</text>')
    bottom_y = top + row_h * len(bars)
    for value in axis:
        out.append(
            f'<line x1="{x(value):.1f}" x2="{x(value):.1f}" y1="{top}" y2="{bottom_y}" '
            f'stroke="{GRID}"/>'
            f'<text x="{x(value):.1f}" y="{height - 8}" text-anchor="middle">'
            f"{_number(value, decimals)}</text>"
        )
    # The figures in a column of their own at the right, where no reference line crosses.
    text_x = width - 4
    for i, bar in enumerate(bars):
        yy = top + i * row_h
        fits = int((label_w - 8) / CHAR_WIDTH)
        label = bar.label if len(bar.label) <= fits else bar.label[: fits - 1] + "…"
        weight = ' font-weight="bold"' if bar.highlight else ""
        out.append(
            f'<text x="{label_w - 8:.1f}" y="{yy + 14}" text-anchor="end"{weight}>'
            f"{escape(label)}</text>"
        )
        style = ' fill="' + MUTED + '" font-style="italic"' if bar.value is None else weight
        out.append(
            f'<text x="{text_x:.1f}" y="{yy + 14}" text-anchor="end"{style}>'
            f"{escape(bar.text)}</text>"
        )
        if bar.value is None:
            continue
        start, end = sorted((x(0.0), x(bar.value)))
        fill = highlight_colour if bar.highlight else colour
        out.append(
            f'<rect x="{start:.1f}" y="{yy + 4}" width="{max(end - start, 1):.1f}" '
            f'height="{row_h - 8}" fill="{fill}"/>'
        )
    for rule in rules:
        out.append(
            f'<line x1="{x(rule.value):.1f}" x2="{x(rule.value):.1f}" y1="{top - 4}" '
            f'y2="{bottom_y + 2}" stroke="{rule.colour}" stroke-width="{rule.width}"'
            f"{_dash(rule.dash)}/>"
        )
    out.append(
        f'<line x1="{x(0.0):.1f}" x2="{x(0.0):.1f}" y1="{top}" y2="{bottom_y}" stroke="{AXIS}"/>'
    )
    out.append("</svg>")
    return Markup("".join(out))


def swatch(colour: str, dash: str = SOLID, width: float = 2.5, bar: bool = False) -> Markup:
    """A legend's sample of a line (or a bar) as drawn in the chart."""
    if bar:
        body = f'<rect x="2" y="2" width="24" height="8" fill="{colour}"/>'
    else:
        body = (
            f'<line x1="1" x2="27" y1="6" y2="6" stroke="{colour}" stroke-width="{width}"'
            f"{_dash(dash)}/>"
        )
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="proeve" aria-hidden="true" '
        f'width="28" height="12" viewBox="0 0 28 12">{body}</svg>'
    )
