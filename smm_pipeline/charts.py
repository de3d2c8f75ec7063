"""Inline SVG charts for the monthly brief: small line charts, a heatmap, diverging bars.

The brief must open with no network, so charts are drawn here as SVG text rather than by a charting
library in the browser. Every label and tooltip goes through `html.escape` (product names are ours,
but tooltips quote figures and methods, and nothing in the page is trusted by default). Colours are
SVG presentation attributes, not style attributes, so the page's Content-Security-Policy can forbid
inline styles.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

PALETTE = ("#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#8c6d31", "#444444")
"""Okabe-Ito colours (yellow swapped for brown and grey): distinguishable with colour blindness."""
DASHES = ("", "5 3", "2 2")
"""Beyond eight lines, colours repeat with a dash pattern."""
FONT = 'font-family="system-ui, sans-serif"'


@dataclass(frozen=True, slots=True)
class Point:
    """One value of a series; `note` is its tooltip."""

    month: str
    value: float
    note: str


@dataclass(frozen=True, slots=True)
class Line:
    """A named series of monthly points; a missing month breaks the line."""

    name: str
    points: tuple[Point, ...]


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, value, tooltip and the page anchor it links to."""

    label: str
    value: float
    note: str
    href: str = ""


def style_of(index: int) -> tuple[str, str]:
    """(colour, dash pattern) of the index-th series."""
    return PALETTE[index % len(PALETTE)], DASHES[(index // len(PALETTE)) % len(DASHES)]


def _ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round tick values covering [low, high]."""
    if high <= low:
        return [low]
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]


def _label_every(count: int, room: float, label_width: float = 44) -> int:
    """Show every n-th month label so that labels do not overlap."""
    return max(1, math.ceil(count * label_width / max(room, 1)))


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _labelled(i: int, months: Sequence[str], room: float, current: str | None) -> bool:
    """Whether the i-th month gets an axis label: every n-th month so that labels do not overlap, and
    the brief's month, whose neighbours then give way."""
    every = _label_every(len(months), room)
    if months[i] == current:
        return True
    near_current = current in months and 0 < abs(months.index(current) - i) < every
    return i % every == 0 and not near_current


def _month_label(month: str) -> str:
    """'Mar 25' for '2025-03': short enough for an axis."""
    return f"{MONTHS[int(month[5:]) - 1]} {month[2:4]}"


def line_chart(lines: Sequence[Line], months: Sequence[str], *, title: str, width: int = 280, height: int = 180,
               reference: float | None = None, fixed: tuple[float, float] | None = None,
               current: str | None = None) -> str:
    """Lines over months on a shared y axis; `reference` draws a dashed level (100 for an index, 50 for a
    diffusion index) and `current` marks the brief's month."""
    left, right, top, bottom = 40, 20, 8, 22
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [p.value for line in lines for p in line.points] + ([reference] if reference is not None else [])
    low, high = fixed or (min(values, default=0.0), max(values, default=1.0))
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    pad = 0 if fixed else (high - low) * 0.08
    low, high = low - pad, high + pad
    position = {month: i for i, month in enumerate(months)}
    step = plot_w / max(len(months) - 1, 1)

    def x(month: str) -> float:
        return left + position[month] * step if len(months) > 1 else left + plot_w / 2

    def y(value: float) -> float:
        return top + plot_h * (1 - (value - low) / (high - low))

    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
             f'aria-label="{escape(title)}" {FONT} font-size="10">', f"<title>{escape(title)}</title>"]
    for tick in _ticks(low, high):
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
                     'stroke="#e5e5e5"/>')
        parts.append(f'<text x="{left - 4}" y="{y(tick) + 3:.1f}" text-anchor="end" fill="#666">{tick:g}</text>')
    for i, month in enumerate(months):
        if _labelled(i, months, plot_w, current):
            parts.append(f'<text x="{x(month):.1f}" y="{height - 6}" text-anchor="middle" '
                         f'fill="{"#000" if month == current else "#666"}">{_month_label(month)}</text>')
    if current in position:
        parts.append(f'<line x1="{x(current):.1f}" x2="{x(current):.1f}" y1="{top}" y2="{top + plot_h}" '
                     'stroke="#bbb" stroke-dasharray="2 2"/>')
    if reference is not None:
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(reference):.1f}" y2="{y(reference):.1f}" '
                     'stroke="#999" stroke-dasharray="4 3"/>')
    for index, line in enumerate(lines):
        colour, dash = style_of(index)
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        for run in _runs(line.points, position):
            if len(run) > 1:
                coords = " ".join(f"{x(p.month):.1f},{y(p.value):.1f}" for p in run)
                parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="1.8"'
                             f'{dashes}/>')
        for p in line.points:
            parts.append(f'<circle cx="{x(p.month):.1f}" cy="{y(p.value):.1f}" r="2.6" fill="{colour}">'
                         f"<title>{escape(p.note)}</title></circle>")
    parts.append("</svg>")
    return "".join(parts)


def _runs(points: Sequence[Point], position: dict[str, int]) -> list[list[Point]]:
    """Consecutive-month stretches of a series (a gap starts a new stretch)."""
    runs: list[list[Point]] = []
    for p in sorted(points, key=lambda q: position[q.month]):
        if runs and position[p.month] - position[runs[-1][-1].month] == 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    return runs


def legend(lines: Sequence[Line]) -> str:
    """An HTML legend whose swatches match `line_chart`'s colours and dashes."""
    items = []
    for index, line in enumerate(lines):
        colour, dash = style_of(index)
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        items.append(f'<li><svg width="18" height="8" aria-hidden="true"><line x1="0" x2="18" y1="4" y2="4" '
                     f'stroke="{colour}" stroke-width="2.5"{dashes}/></svg>{escape(line.name)}</li>')
    return f'<ul class="legend">{"".join(items)}</ul>'


@functools.lru_cache(maxsize=4096)  # a diffusion index takes few values: n of m products up
def diverging_colour(value: float, low: float = 0.0, middle: float = 50.0, high: float = 100.0) -> str:
    """Red below the middle, grey at it, green above: a diffusion index's reading at a glance."""
    if value >= middle:
        share, end = (value - middle) / (high - middle), (26, 150, 65)
    else:
        share, end = (middle - value) / (middle - low), (215, 48, 39)
    share = min(max(share, 0.0), 1.0)
    grey = (240, 240, 240)
    r, g, b = (round(a + (e - a) * share) for a, e in zip(grey, end, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def heatmap(rows: Sequence[str], months: Sequence[str], cells: dict[tuple[str, str], tuple[float, str]], *,
            title: str, current: str | None = None, width: int = 760) -> str:
    """Rows x months of 0-100 values, coloured around 50, the value written in each cell when it fits."""
    left, top, row_h = 130, 18, 17
    cell_w = (width - left - 4) / max(len(months), 1)
    height = top + row_h * len(rows) + 4
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
             f'aria-label="{escape(title)}" {FONT} font-size="10">', f"<title>{escape(title)}</title>"]
    for i, month in enumerate(months):
        if _labelled(i, months, width - left, current):
            weight = ' font-weight="bold"' if month == current else ""
            parts.append(f'<text x="{left + (i + 0.5) * cell_w:.1f}" y="{top - 5}" text-anchor="middle" '
                         f'fill="#444"{weight}>{_month_label(month)}</text>')
    for r, row in enumerate(rows):
        y = top + r * row_h
        parts.append(f'<text x="{left - 6}" y="{y + row_h * 0.7:.1f}" text-anchor="end" fill="#222">'
                     f"{escape(row)}</text>")
        for i, month in enumerate(months):
            if (row, month) not in cells:
                continue
            value, note = cells[(row, month)]
            x = left + i * cell_w
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{max(cell_w - 1, 1):.1f}" height="{row_h - 1}" '
                         f'fill="{diverging_colour(value)}"><title>{escape(note)}</title></rect>')
            if cell_w >= 24:
                ink = "#fff" if abs(value - 50) > 30 else "#111"
                parts.append(f'<text x="{x + cell_w / 2:.1f}" y="{y + row_h * 0.7:.1f}" text-anchor="middle" '
                             f'fill="{ink}" pointer-events="none">{value:.0f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(bars: Sequence[Bar], *, title: str, unit: str, width: int = 760) -> str:
    """Horizontal bars diverging from zero, one per product, the value written at the bar's end."""
    left, right, row_h, top, room = 190, 10, 16, 4, 44
    height = top + row_h * len(bars) + 18
    extent = max((abs(b.value) for b in bars), default=1.0) or 1.0
    zero = left + (width - left - right) / 2
    scale = ((width - left - right) / 2 - room) / extent
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
             f'aria-label="{escape(title)}" {FONT} font-size="10">', f"<title>{escape(title)}</title>",
             f'<line x1="{zero:.1f}" x2="{zero:.1f}" y1="{top}" y2="{height - 16}" stroke="#888"/>',
             f'<text x="{zero:.1f}" y="{height - 4}" text-anchor="middle" fill="#666">0 {escape(unit)}</text>']
    for i, bar in enumerate(bars):
        y = top + i * row_h
        length = abs(bar.value) * scale
        x = zero if bar.value >= 0 else zero - length
        colour = "#3a7dbf" if bar.value >= 0 else "#d0623c"
        end = zero + length + 4 if bar.value >= 0 else zero - length - 4
        anchor = "start" if bar.value >= 0 else "end"
        label = bar.label if len(bar.label) <= 32 else bar.label[:31] + "…"
        row = (f'<text x="{left - 6}" y="{y + 11}" text-anchor="end" fill="#222">{escape(label)}</text>'
               f'<rect x="{x:.1f}" y="{y + 2}" width="{max(length, 0.5):.1f}" height="{row_h - 5}" fill="{colour}">'
               f"<title>{escape(bar.note)}</title></rect>"
               f'<text x="{end:.1f}" y="{y + 11}" text-anchor="{anchor}" fill="#333">{bar.value:+.2f}</text>')
        parts.append(f'<a href="{escape(bar.href)}">{row}</a>' if bar.href else row)
    parts.append("</svg>")
    return "".join(parts)
