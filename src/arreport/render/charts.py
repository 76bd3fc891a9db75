"""Deterministic inline SVG charts (line chart, sparkline): no JavaScript, no external resources.

Values are Decimal or int (None is a gap); positions are computed with exact fractions and
written with one decimal, so the same input always gives the same bytes. All text is escaped.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction

Value = Decimal | int | None

# readable on white, distinct in hue and lightness (the site's accent first)
PALETTE = ("#1f5fbf", "#d65b3c", "#3f9b5b", "#8e5cc4", "#b07d12", "#2a8f8c", "#4b5563")
INK = "#1d2330"
MUTED = "#6b7280"
GRID = "#e3e6ec"
FONT = 'font-family="sans-serif"'
NICE_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5))
CHAR_WIDTH = Fraction(13, 2)  # average width of a 11px sans-serif character, in px


def _num(value: Decimal | int) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"chart values must be Decimal, int or None, not {type(value).__name__}")
    return Fraction(value)


def _px(value: Fraction | int) -> str:
    """A coordinate with one decimal, rounded half-up (exact, so byte-stable)."""
    tenths = Fraction(value) * 10
    whole = math.floor(tenths + Fraction(1, 2))
    sign = "-" if whole < 0 else ""
    q, r = divmod(abs(whole), 10)
    return f"{sign}{q}.{r}"


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _show(value: Decimal | int) -> str:
    """A value as a person reads it in a tooltip: grouped thousands, its own decimals."""
    return f"{value:,}" if isinstance(value, int) else format(value, ",f")


# ---------------------------------------------------------------------------- the y axis


def nice_ticks(low: Fraction, high: Fraction) -> list[Decimal]:
    """4 or 5 round tick values (steps of 1, 2, 2.5 or 5 × 10^k) covering [low, high]; the
    range always includes 0, and an empty range becomes 0..1."""
    low, high = min(low, Fraction(0)), max(high, Fraction(0))
    if low == high:
        high = Fraction(1)
    span = high - low
    exponent = math.floor(math.log10(span.numerator) - math.log10(span.denominator)) - 2
    fallback: list[Decimal] | None = None
    for k in range(exponent, exponent + 4):
        for base in NICE_STEPS:
            step = base.scaleb(k)
            fstep = Fraction(step)
            first = math.floor(low / fstep)
            last = math.ceil(high / fstep)
            intervals = last - first
            if intervals > 4:
                continue
            places = Decimal(1).scaleb(min(0, int(step.normalize().as_tuple().exponent)))
            ticks = [(step * n).quantize(places) for n in range(first, last + 1)]
            if intervals >= 3:
                return ticks
            if fallback is None:
                fallback = ticks
    assert fallback is not None  # a step of 10^(exponent + 3) ≥ span always fits
    return fallback


def _tick_text(ticks: Sequence[Decimal]) -> list[str]:
    """Tick labels: grouped digits, k / M for large values, the decimals of the step."""
    biggest = max(abs(t) for t in ticks)
    scale, suffix = ((6, "M") if biggest >= 10**6 else (3, "k") if biggest >= 10**4 else (0, ""))
    scaled = [t.scaleb(-scale) for t in ticks]
    places = max(max(0, -int(s.normalize().as_tuple().exponent)) for s in scaled)
    return [f"{s:,.{places}f}{suffix}" if s != 0 else "0" for s in scaled]


# ---------------------------------------------------------------------------- line chart


def _segments(points: Sequence[tuple[Fraction, Fraction] | None]
              ) -> list[list[tuple[Fraction, Fraction]]]:
    """Runs of consecutive present points (None splits a line)."""
    runs: list[list[tuple[Fraction, Fraction]]] = []
    current: list[tuple[Fraction, Fraction]] = []
    for point in points:
        if point is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(point)
    if current:
        runs.append(current)
    return runs


def _polyline(run: Sequence[tuple[Fraction, Fraction]], colour: str, stroke: str) -> str:
    coords = " ".join(f"{_px(x)},{_px(y)}" for x, y in run)
    return (f'<polyline points="{coords}" fill="none" stroke="{colour}" '
            f'stroke-width="{stroke}" stroke-linejoin="round" stroke-linecap="round"/>')


LABEL_GAP = 10  # px between two x labels, at least


def _x_labels(labels: Sequence[str], x_at: Callable[[int], Fraction], plot_w: int
              ) -> list[tuple[int, str]]:
    """The x labels to draw, left to right, as (index, text-anchor): every k-th counted back
    from the last (k from the widest label and the room), the last always, ending at its
    point so it stays inside the picture; then, walking leftwards, any label whose estimated
    extent would come within LABEL_GAP of the label drawn to its right is left out (the
    end-anchored last label takes more room to its left than a centred one)."""
    n = len(labels)
    widest = max(len(label) for label in labels) * CHAR_WIDTH + LABEL_GAP
    room = max(1, math.floor(Fraction(plot_w) / widest))
    every = max(1, math.ceil(Fraction(n, room)))
    shown: list[tuple[int, str]] = []
    left_edge: Fraction | None = None  # of the label drawn to the right
    for i in range(n - 1, -1, -1):
        if (n - 1 - i) % every:
            continue
        width = len(labels[i]) * CHAR_WIDTH
        anchor = "end" if i == n - 1 and n > 1 else "middle"
        x = x_at(i)
        lo, hi = (x - width, x) if anchor == "end" else (x - width / 2, x + width / 2)
        if left_edge is not None and hi + LABEL_GAP > left_edge:
            continue
        shown.append((i, anchor))
        left_edge = lo
    return shown[::-1]


def line_chart(title: str, labels: list[str], series: list[tuple[str, list[Decimal | int | None]]],
               *, unit: str = "", width: int = 640, height: int = 220) -> str:
    """An inline SVG line chart: title, y gridlines with round ticks, thinned x labels, one
    polyline per series (broken at None), point markers with tooltips, and a legend."""
    for name, values in series:
        if len(values) != len(labels):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(labels)} labels")
    left, right, top = 60, 12, 28
    legend_h = 18 if series else 0
    bottom = 22 + legend_h
    plot_w = max(width - left - right, 1)
    plot_h = max(height - top - bottom, 1)
    present = [_num(v) for _, values in series for v in values if v is not None]
    ticks = nice_ticks(min(present, default=Fraction(0)), max(present, default=Fraction(0)))
    low, high = Fraction(ticks[0]), Fraction(ticks[-1])

    def x_at(i: int) -> Fraction:
        if len(labels) <= 1:
            return Fraction(left) + Fraction(plot_w, 2)
        return Fraction(left) + Fraction(plot_w * i, len(labels) - 1)

    def y_at(v: Fraction) -> Fraction:
        return Fraction(top) + (high - v) / (high - low) * plot_h

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}" aria-label="{_esc(title)}">',
           f"<title>{_esc(title)}</title>",
           f'<text x="{left}" y="16" {FONT} font-size="13" font-weight="bold" '
           f'fill="{INK}">{_esc(title)}</text>']

    # y axis: gridlines and tick labels (the zero line darker)
    for tick, text in zip(ticks, _tick_text(ticks), strict=True):
        y = _px(y_at(Fraction(tick)))
        colour = MUTED if tick == 0 else GRID
        out.append(f'<line x1="{left}" y1="{y}" x2="{left + plot_w}" y2="{y}" '
                   f'stroke="{colour}" stroke-width="1"/>')
        out.append(f'<text x="{left - 6}" y="{y}" dy="0.35em" text-anchor="end" {FONT} '
                   f'font-size="11" fill="{MUTED}">{_esc(text)}</text>')
    if unit:
        out.append(f'<text x="{left - 6}" y="{top - 8}" text-anchor="end" {FONT} '
                   f'font-size="10" fill="{MUTED}">{_esc(unit)}</text>')

    # x labels, thinned so they do not overlap; the last point (the as-of date) always shown
    if labels:
        label_y = top + plot_h + 16
        for i, anchor in _x_labels(labels, x_at, plot_w):
            out.append(f'<text x="{_px(x_at(i))}" y="{label_y}" text-anchor="{anchor}" {FONT} '
                       f'font-size="11" fill="{MUTED}">{_esc(labels[i])}</text>')

    # series: polylines broken at gaps, then markers with tooltips
    suffix = f" {unit}" if unit else ""
    for k, (name, values) in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        points = [None if v is None else (x_at(i), y_at(_num(v))) for i, v in enumerate(values)]
        out.append(f'<g class="series" data-series="{k}">')
        for run in _segments(points):
            if len(run) > 1:
                out.append(_polyline(run, colour, "2"))
        prefix = f"{name}, " if len(series) > 1 else ""
        for i, (point, value) in enumerate(zip(points, values, strict=True)):
            if point is None or value is None:
                continue
            tip = f"{prefix}{labels[i]}: {_show(value)}{suffix}"
            out.append(f'<circle cx="{_px(point[0])}" cy="{_px(point[1])}" r="2.5" '
                       f'fill="{colour}"><title>{_esc(tip)}</title></circle>')
        out.append("</g>")

    # legend, one row under the x labels
    x = Fraction(left)
    legend_y = height - 7
    for k, (name, _) in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        out.append(f'<line x1="{_px(x)}" y1="{legend_y - 4}" x2="{_px(x + 14)}" '
                   f'y2="{legend_y - 4}" stroke="{colour}" stroke-width="3"/>')
        out.append(f'<text x="{_px(x + 18)}" y="{legend_y}" {FONT} font-size="11" '
                   f'fill="{INK}">{_esc(name)}</text>')
        x += 18 + len(name) * CHAR_WIDTH + 14
    if not present:
        out.append(f'<text x="{_px(left + Fraction(plot_w, 2))}" '
                   f'y="{_px(top + Fraction(plot_h, 2))}" text-anchor="middle" {FONT} '
                   f'font-size="11" fill="{MUTED}">no data</text>')
    out.append("</svg>")
    return "".join(out)


# ---------------------------------------------------------------------------- sparkline


def sparkline(values: list[Decimal | int | None], width: int = 120, height: int = 28) -> str:
    """A tiny line for a table cell: scaled to its own minimum and maximum, broken at None,
    the last present point marked. Decorative (the cell shows the figures), so aria-hidden."""
    pad = 3
    present = [_num(v) for v in values if v is not None]
    low, high = min(present, default=Fraction(0)), max(present, default=Fraction(0))
    inner_w, inner_h = max(width - 2 * pad, 1), max(height - 2 * pad, 1)

    def x_at(i: int) -> Fraction:
        if len(values) <= 1:
            return Fraction(width, 2)
        return Fraction(pad) + Fraction(inner_w * i, len(values) - 1)

    def y_at(v: Fraction) -> Fraction:
        if high == low:
            return Fraction(height, 2)
        return Fraction(pad) + (high - v) / (high - low) * inner_h

    points = [None if v is None else (x_at(i), y_at(_num(v))) for i, v in enumerate(values)]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" aria-hidden="true" focusable="false">']
    for run in _segments(points):
        if len(run) > 1:
            out.append(_polyline(run, PALETTE[0], "1.5"))
    last = next((p for p in reversed(points) if p is not None), None)
    if last is not None:
        out.append(f'<circle cx="{_px(last[0])}" cy="{_px(last[1])}" r="2" fill="{PALETTE[0]}"/>')
    out.append("</svg>")
    return "".join(out)


__all__ = ["PALETTE", "line_chart", "nice_ticks", "sparkline"]
