"""The column-wise text of the pages and CSVs is the same, cell for cell, as the text of one
value at a time (report.format.amount, profile.tenths_text, ratio_text, percent_text)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from arreport.report import format as fmt
from arreport.report.profile import (
    gaps,
    percent_text,
    percent_texts,
    ratio_text,
    ratio_texts,
    scaled,
    tenths_text,
    tenths_texts,
)

CURRENCIES = ["USD", "EUR", "JPY", "BHD", "CHF", "GBP", "SEK", "KRW", "INR"]
MINOR = st.integers(min_value=-(10**15), max_value=10**15)
EDGES = [0, 1, -1, 9, 10, 99, 100, 999, 1000, -1000, 999_999, 1_000_000, 10**12, -(10**15)]


@settings(max_examples=200, deadline=None)
@given(st.lists(MINOR | st.sampled_from(EDGES), max_size=60), st.sampled_from(CURRENCIES))
def test_amounts_match_amount(values: list[int], currency: str) -> None:
    assert fmt.amounts(np.array(values, dtype=np.int64), currency) == [
        fmt.amount(v, currency) for v in values]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(MINOR, st.integers(0, len(CURRENCIES) - 1)), max_size=60))
def test_amounts_in_mixed_currencies(rows: list[tuple[int, int]]) -> None:
    values = np.array([v for v, _ in rows], dtype=np.int64)
    codes = np.array([c for _, c in rows], dtype=np.int64)
    assert fmt.amounts_in(values, codes, CURRENCIES) == [
        fmt.amount(v, CURRENCIES[c]) for v, c in rows]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-100_000, 100_000) | st.sampled_from([-1, 0, 1, -10, 10]),
                max_size=60))
def test_tenths(values: list[int]) -> None:
    assert tenths_texts(np.array(values, dtype=np.int64)) == [tenths_text(v) for v in values]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10_000), st.integers(-3, 10_000)), max_size=60),
       st.sampled_from([1, 2, 4]))
def test_ratios_and_percents(pairs: list[tuple[int, int]], places: int) -> None:
    num = np.array([n for n, _ in pairs], dtype=np.int64)
    den = np.array([d for _, d in pairs], dtype=np.int64)
    assert ratio_texts(num, den, places) == [ratio_text(n, d, places) for n, d in pairs]
    assert percent_texts(num, den) == [percent_text(n, d) for n, d in pairs]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(-5, 3_000), st.integers(-2, 500)), max_size=40))
def test_gaps_and_scaling(pairs: list[tuple[int, int]]) -> None:
    days = np.array([d for d, _ in pairs], dtype=np.int64)
    counts = np.array([n for _, n in pairs], dtype=np.int64)
    # days between invoices: the period over the invoices in it, tenths half-up
    assert gaps(days, counts) == [
        tenths_text((20 * d + n) // (2 * n)) if n > 0 and d > 0 else "" for d, n in pairs]
    amounts = counts * 1_234_567
    assert scaled(amounts, 90, days).tolist() == [
        (2 * a * 90 + d) // (2 * d) if d > 0 else 0 for a, d in zip(amounts.tolist(),
                                                                   days.tolist(), strict=True)]

