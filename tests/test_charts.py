"""Inline SVG charts (render/charts.py): well-formed, byte-stable, gaps, escaping, round ticks."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from fractions import Fraction

import pytest

from arreport.render.charts import line_chart, nice_ticks, sparkline

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = [f"2024-{m:02d}" for m in range(1, 13)] + [f"2025-{m:02d}" for m in range(1, 13)]


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def texts(root: ET.Element, tag: str = "text") -> list[str]:
    return [el.text or "" for el in root.iter(f"{SVG}{tag}")]


def dso_series() -> list[tuple[str, list[Decimal | int | None]]]:
    usd: list[Decimal | int | None] = [Decimal(f"{40 + i % 7}.{i % 10}") for i in range(24)]
    eur: list[Decimal | int | None] = [None] * 3 + [30 + i for i in range(21)]
    return [("USD", usd), ("EUR", eur)]


def test_a_line_chart_is_well_formed_svg_with_its_parts() -> None:
    root = parse(line_chart("DSO", MONTHS, dso_series(), unit="days"))
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}title").text == "DSO"
    assert len(root.findall(f".//{SVG}polyline")) == 2
    # one marker per present value, each with a tooltip
    circles = root.findall(f".//{SVG}circle")
    assert len(circles) == 24 + 21
    assert circles[0].find(f"{SVG}title").text == "USD, 2024-01: 40.0 days"
    # 24 month labels thinned to every 3rd, the last (the as-of month) kept; the one before
    # it would come too close to the last, which ends at its point, so it is left out
    shown = [t for t in texts(root) if t in MONTHS]
    assert shown == MONTHS[2:20:3] + MONTHS[23:]
    assert "USD" in texts(root) and "EUR" in texts(root)   # legend
    assert "<script" not in line_chart("DSO", MONTHS, dso_series()) and "href" not in (
        line_chart("DSO", MONTHS, dso_series()))


MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
               "Dec")


@pytest.mark.parametrize("width", [320, 480, 640, 900])
@pytest.mark.parametrize("n", [2, 3, 7, 12, 13, 18, 19, 24, 25])
def test_x_labels_never_overlap(n: int, width: int) -> None:
    # month-end labels as the dashboard draws them ("Apr 2026"), the last one the as-of date
    labels = [f"{MONTH_NAMES[(k + 1) % 12]} {2024 + (k + 1) // 12}" for k in range(n)]
    root = parse(line_chart("DSO", labels, [("USD", list(range(n)))], width=width))
    spans = []
    for el in root.iter(f"{SVG}text"):
        if el.text in labels:
            x = float(el.get("x", "0"))
            w = len(el.text) * 6.5  # the estimate of an 11px character, generous
            spans.append((x - w, x) if el.get("text-anchor") == "end" else
                         (x - w / 2, x + w / 2))
    assert spans and spans[-1][1] <= width  # the last label is drawn, inside the picture
    assert [t for t in texts(root) if t in labels][-1] == labels[-1]
    for (_, right), (left, _) in zip(spans, spans[1:], strict=False):
        assert right + 10 <= left


def test_same_input_same_bytes() -> None:
    first = line_chart("Open", MONTHS, dso_series(), unit="USD")
    second = line_chart("Open", list(MONTHS), [(n, list(v)) for n, v in dso_series()],
                        unit="USD")
    assert first == second
    assert sparkline([1, 2, None, Decimal("3.5")]) == sparkline([1, 2, None, Decimal("3.5")])


def test_none_splits_the_line() -> None:
    values: list[Decimal | int | None] = [1, 2, None, 4, 5, None, 7]
    root = parse(line_chart("Gaps", [str(i) for i in range(7)], [("s", values)]))
    lines = root.findall(f".//{SVG}polyline")
    assert [len(pl.get("points", "").split()) for pl in lines] == [2, 2]
    assert len(root.findall(f".//{SVG}circle")) == 5   # the lone 7 is a marker only
    spark = parse(sparkline(values))
    assert [len(pl.get("points", "").split()) for pl in spark.findall(f"{SVG}polyline")] == [2, 2]


def test_text_is_escaped() -> None:
    svg = line_chart("A <b> & \"c\"", ["<m&1>", "m2"], [("x<y & z", [1, 2])], unit="<u>")
    root = parse(svg)
    assert root.find(f"{SVG}title").text == "A <b> & \"c\""
    assert root.get("aria-label") == "A <b> & \"c\""
    assert "<b>" not in svg and "<m&1>" not in svg and "<u>" not in svg
    assert "<m&1>" in texts(root)
    assert "x<y & z" in texts(root)
    assert "<m&1>: 1 <u>" in texts(root, "title")


@pytest.mark.parametrize(("low", "high", "ticks"), [
    (0, 100, ["0", "25", "50", "75", "100"]),
    (0, 101, ["0", "50", "100", "150"]),
    (Decimal("27.9"), Decimal("78.6"), ["0", "20", "40", "60", "80"]),
    (-37, 12, ["-40", "-20", "0", "20"]),
    (0, 0, ["0.00", "0.25", "0.50", "0.75", "1.00"]),
    (0, 7_320_359, ["0", "2000000", "4000000", "6000000", "8000000"]),
])
def test_ticks_are_round_numbers(low: Decimal | int, high: Decimal | int,
                                 ticks: list[str]) -> None:
    assert [str(t) for t in nice_ticks(Fraction(low), Fraction(high))] == ticks


def test_tick_labels_on_the_chart_are_nice_numbers() -> None:
    values: list[Decimal | int | None] = [Decimal("12.3"), Decimal("47.9"), Decimal("33.3")]
    root = parse(line_chart("CEI", ["a", "b", "c"], [("CEI", values)]))
    # the title first, then one label per gridline, bottom up
    assert texts(root)[1:5] == ["0", "20", "40", "60"]
    big = parse(line_chart("Open", ["a", "b"], [("USD", [0, 7_320_359])]))
    assert [t for t in texts(big) if t[:1].isdigit()] == ["0", "2M", "4M", "6M", "8M"]


def test_edge_cases_render() -> None:
    for series in ([("none", [None, None, None])], [("zeros", [0, 0, 0])],
                   [("negative", [-5, Decimal("-2.5"), 3])]):
        root = parse(line_chart("Edge", ["a", "b", "c"], series))
        assert root.get("role") == "img"
    empty = parse(line_chart("Edge", ["a", "b", "c"], [("none", [None, None, None])]))
    assert empty.findall(f".//{SVG}polyline") == []
    assert "no data" in texts(empty)
    single = parse(line_chart("One", ["2025-06"], [("USD", [Decimal("41.2")])]))
    assert single.findall(f".//{SVG}polyline") == []
    assert len(single.findall(f".//{SVG}circle")) == 1
    negative = parse(line_chart("Neg", ["a", "b"], [("n", [-5, 3])]))
    assert texts(negative)[1:6] == ["-5.0", "-2.5", "0", "2.5", "5.0"]
    for values in ([], [None], [5], [0, 0], [-1, 1]):
        parse(sparkline(values))
    with pytest.raises(ValueError):
        line_chart("Bad", ["a", "b"], [("s", [1])])
