"""Finance KPIs (compute/kpis.py): history dates, countback DSO, best possible DSO and ADD,
CEI, open amounts that match `allocate` as of each date, bad debt and currencies.
Amounts are minor units (cents)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from arreport.compute.aging import open_disputes
from arreport.compute.allocation import allocate, documents
from arreport.compute.kpis import (
    KPI_COLUMNS,
    countback,
    history_dates,
    kpi_history,
    kpi_snapshot,
    round_tenth,
)
from arreport.compute.terms import discount_offers, due_lines
from arreport.ledger.dates import NO_DATE, from_day, to_day
from arreport.pipeline import load_inputs
from conftest import DEFAULT_POLICIES, REPO

TmpLedger = Callable[..., Path]


def kpis(ledger_dir: Path, dates: list[date], **options: Any) -> list[dict[str, Any]]:
    """kpi_history over the ledger as the pipeline would call it; rows as dicts with the
    date as a date and the currency as its code."""
    ledger, policies, _ = load_inputs(ledger_dir, DEFAULT_POLICIES)
    lines = due_lines(ledger.invoices, ledger.clients, policies)
    discount, deadline = discount_offers(ledger.invoices, ledger.clients, policies)
    frame = kpi_history(ledger.invoices, lines, ledger.payments, ledger.credit_notes,
                        ledger.disputes, discount, deadline, len(ledger.currencies),
                        [to_day(d) for d in dates], **options)
    assert tuple(frame.columns) == KPI_COLUMNS
    rows = frame.to_dict("records")
    for row in rows:
        row["date"] = from_day(row["date"])
        row["cur"] = ledger.currencies[row["cur"]]
    return rows


def only(rows: list[dict[str, Any]], day: date, currency: str = "USD") -> dict[str, Any]:
    [row] = [r for r in rows if r["date"] == day and r["cur"] == currency]
    return row


# ---------------------------------------------------------------------------- history dates


def days(*isos: str) -> list[int]:
    return [to_day(date.fromisoformat(s)) for s in isos]


def test_history_dates_are_month_ends_then_the_as_of_date() -> None:
    first, as_of = days("2024-01-15", "2024-03-15")
    assert history_dates(first, as_of) == days("2024-01-31", "2024-02-29", "2024-03-15")


def test_an_as_of_date_that_is_a_month_end_appears_once() -> None:
    first, as_of = days("2024-01-15", "2024-03-31")
    assert history_dates(first, as_of) == days("2024-01-31", "2024-02-29", "2024-03-31")


def test_history_dates_keep_the_last_23_month_ends_and_the_as_of_date() -> None:
    first, as_of = days("2020-01-01", "2024-06-15")
    dates = history_dates(first, as_of)
    assert len(dates) == 24
    assert dates[:2] == days("2022-07-31", "2022-08-31")
    assert dates[-3:] == days("2024-04-30", "2024-05-31", "2024-06-15")
    first, as_of = days("2020-01-01", "2024-06-30")
    assert history_dates(first, as_of)[0] == days("2022-07-31")[0]
    assert history_dates(first, as_of)[-2:] == days("2024-05-31", "2024-06-30")
    assert history_dates(first, as_of, months=3) == days("2024-04-30", "2024-05-31",
                                                         "2024-06-30")


def test_short_ledgers_give_just_the_as_of_date() -> None:
    first, as_of = days("2024-03-02", "2024-03-15")
    assert history_dates(first, as_of) == [as_of]
    assert history_dates(NO_DATE, as_of) == [as_of]
    assert history_dates(as_of + 10, as_of) == [as_of]
    assert history_dates(days("2023-01-01")[0], as_of, months=1) == [as_of]


# ---------------------------------------------------------------------------- arithmetic


def test_round_tenth_is_half_up_and_exact() -> None:
    assert round_tenth(Fraction(1, 20)) == Decimal("0.1")
    assert round_tenth(Fraction(-1, 20)) == Decimal("-0.1")
    assert round_tenth(Fraction(2, 3)) == Decimal("0.7")
    assert round_tenth(Fraction(1449, 1000)) == Decimal("1.4")
    assert round_tenth(Fraction(145, 100)) == Decimal("1.5")
    assert str(round_tenth(Fraction(15))) == "15.0"


def test_countback_by_hand() -> None:
    # (days, sales): the as-of date's part month first
    months = [(15, 300), (29, 290), (31, 310)]
    assert countback(300, months) == 15                              # exactly one month
    assert countback(445, months) == Fraction(59, 2)                 # 15 + 145/290 × 29
    assert countback(900, months) == 75                              # AR = all sales
    assert countback(10_000, months) == 75                           # capped at the list
    assert countback(0, months) == 0
    assert countback(100, [(10, 0), (31, 200)]) == Fraction(51, 2)   # 10 + 100/200 × 31
    # AR used up exactly: a following month without sales adds nothing
    assert countback(300, [(15, 300), (29, 0)]) == 15


# ---------------------------------------------------------------------------- DSO on a ledger

A = date(2024, 3, 15)
THREE_MONTHS = """
    invoice_id,client_id,issue_date,due_date,amount
    I3,C1,2024-01-10,2024-02-09,310.00
    I2,C1,2024-02-10,2024-03-11,290.00
    I1,C1,2024-03-05,2024-04-04,300.00
"""


def test_dso_when_receivables_are_exactly_this_months_sales(tmp_ledger: TmpLedger) -> None:
    ledger = tmp_ledger(invoices=THREE_MONTHS, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-02-01,310.00,I3
        P2,C1,2024-03-01,290.00,I2
    """)
    row = only(kpis(ledger, [A]), A)
    # AR 300.00 = March 1-15 sales: 15 days
    assert (row["open"], row["current"], row["overdue"]) == (30000, 30000, 0)
    assert (row["dso"], row["best_dso"], row["add"]) == (Decimal("15.0"), Decimal("15.0"),
                                                         Decimal("0.0"))
    assert row["current_share"] == Decimal("100.0")


def test_dso_over_one_and_a_half_months_best_dso_and_add(tmp_ledger: TmpLedger) -> None:
    ledger = tmp_ledger(invoices=THREE_MONTHS, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-02-01,310.00,I3
        P2,C1,2024-03-01,145.00,I2
    """)
    row = only(kpis(ledger, [A]), A)
    # AR 445.00: March's 300.00 (15 days) + 145/290 of February's 29 days = 29.5
    assert (row["open"], row["current"], row["overdue"]) == (44500, 30000, 14500)
    assert row["dso"] == Decimal("29.5")
    assert row["best_dso"] == Decimal("15.0")   # current 300.00: March only
    assert row["add"] == Decimal("14.5")
    assert row["current_share"] == Decimal("67.4")  # 300 / 445 = 67.41 %


def test_dso_is_capped_at_24_months(tmp_ledger: TmpLedger) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I0,C1,2021-06-01,2021-07-01,1000.00
        I1,C1,2024-03-05,2024-04-04,300.00
    """)
    row = only(kpis(ledger, [A]), A)
    # March 1-15 (15 days) + April 2022 ... February 2024 (23 months, 700 days): AR left over
    assert row["open"] == 130000
    assert row["dso"] == Decimal("715.0")
    assert row["best_dso"] == Decimal("15.0")
    assert row["add"] == Decimal("700.0")


def test_nothing_open_gives_zero_days_and_no_current_share(tmp_ledger: TmpLedger) -> None:
    ledger = tmp_ledger(invoices=THREE_MONTHS, payments="""
        payment_id,client_id,date,amount
        P1,C1,2024-03-10,900.00
    """)
    row = only(kpis(ledger, [A]), A)
    assert row["open"] == 0
    assert (row["dso"], row["best_dso"], row["add"]) == (Decimal("0.0"), Decimal("0.0"),
                                                         Decimal("0.0"))
    assert row["current_share"] is None
    assert row["collections"] == 90000
    assert row["sales"] == 30000   # March 1-15


# ---------------------------------------------------------------------------- CEI

CEI_LEDGER = {
    "invoices": """
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-02-10,2024-03-11,100.00
        I2,C1,2024-03-05,2024-04-04,200.00
    """,
    "payments": """
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-03-20,60.00,I1
    """,
}


def test_cei_with_a_partial_payment(tmp_ledger: TmpLedger) -> None:
    ledger = tmp_ledger(**CEI_LEDGER)
    feb, mar = date(2024, 2, 29), date(2024, 3, 31)
    rows = kpis(ledger, [feb, mar])
    # February: opening 0, sales 100, open 100 all current -> denominator 0
    february = only(rows, feb)
    assert (february["sales"], february["open"], february["current"]) == (10000, 10000, 10000)
    assert february["cei"] is None
    # March: (open_P 100 + sales 200 − open 240) / (100 + 200 − current 200) = 60 / 100
    march = only(rows, mar)
    assert (march["sales"], march["collections"]) == (20000, 6000)
    assert (march["open"], march["current"], march["overdue"]) == (24000, 20000, 4000)
    assert march["cei"] == Decimal("60.0")


def test_a_snapshot_takes_its_period_from_the_previous_month_end(
        tmp_ledger: TmpLedger) -> None:
    ledger_dir = tmp_ledger(**CEI_LEDGER)
    ledger, policies, _ = load_inputs(ledger_dir, DEFAULT_POLICIES)
    lines = due_lines(ledger.invoices, ledger.clients, policies)
    discount, deadline = discount_offers(ledger.invoices, ledger.clients, policies)
    snap = kpi_snapshot(ledger.invoices, lines, ledger.payments, ledger.credit_notes,
                        ledger.disputes, discount, deadline, len(ledger.currencies),
                        to_day(date(2024, 3, 31)))
    [row] = snap.to_dict("records")
    assert (row["sales"], row["collections"], row["cei"]) == (20000, 6000, Decimal("60.0"))


# ---------------------------------------------------------------------------- allocation per date


def test_open_at_each_date_is_what_allocate_gives_as_of_that_date(
        tmp_ledger: TmpLedger) -> None:
    # P1 is pooled. As of January 31 only I1 exists and P1 settles it; by February 29 I2,
    # due earlier (February 6), takes the pool and I1 is open again.
    ledger_dir = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-10,2024-02-09,100.00
        I2,C1,2024-02-05,2024-02-06,100.00
        I3,C1,2024-03-01,2024-04-30,40.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-01-20,100.00,
        P2,C1,2024-03-05,50.00,I1
    """)
    dates = [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 15)]
    rows = kpis(ledger_dir, dates)
    assert [r["open"] for r in rows] == [0, 10000, 9000]
    assert [r["current"] for r in rows] == [0, 0, 4000]
    assert [r["sales"] for r in rows] == [10000, 10000, 4000]
    assert [r["collections"] for r in rows] == [10000, 0, 5000]

    ledger, policies, _ = load_inputs(ledger_dir, DEFAULT_POLICIES)
    lines = due_lines(ledger.invoices, ledger.clients, policies)
    discount, deadline = discount_offers(ledger.invoices, ledger.clients, policies)
    for day, row in zip(dates, rows, strict=True):
        d = to_day(day)
        alloc = allocate(ledger.invoices, lines,
                         documents(ledger.payments, ledger.credit_notes, d), d,
                         len(ledger.currencies), discount, deadline)
        current = alloc.lines["due_date"] >= d
        assert row["open"] == alloc.lines["open_amount"].sum()
        assert row["current"] == alloc.lines.loc[current, "open_amount"].sum()


def test_optimised_history_matches_allocate_per_date_on_the_demo_ledger() -> None:
    """The shared ordering is only an optimisation: every date's open, current, disputed and
    bad-debt figures equal those of a plain `allocate` as of that date."""
    demo = REPO / "examples" / "demo"
    ledger, policies, _ = load_inputs(demo, REPO / "policies")
    as_of = to_day(date.fromisoformat((demo / "AS_OF").read_text(encoding="utf-8").strip()))
    lines = due_lines(ledger.invoices, ledger.clients, policies)
    discount, deadline = discount_offers(ledger.invoices, ledger.clients, policies)
    ncur = len(ledger.currencies)
    dates = history_dates(int(ledger.invoices["issue_date"].min()), as_of)
    history = kpi_history(ledger.invoices, lines, ledger.payments, ledger.credit_notes,
                          ledger.disputes, discount, deadline, ncur, dates)
    assert len(dates) > 6
    assert list(history[["date", "cur"]].itertuples(index=False, name=None)) == sorted(
        history[["date", "cur"]].itertuples(index=False, name=None))
    for d in dates:
        alloc = allocate(ledger.invoices, lines,
                         documents(ledger.payments, ledger.credit_notes, d), d, ncur,
                         discount, deadline)
        al = alloc.lines
        disputed = open_disputes(ledger.disputes, len(ledger.invoices), d)[al["inv"]]
        past_due = d - al["due_date"].astype(np.int64)
        bad = (al["open_amount"] > 0) & (past_due > 90) & ~disputed
        expected = pd.DataFrame({
            "open": al.groupby("cur")["open_amount"].sum(),
            "current": al["open_amount"].where(past_due <= 0, 0).groupby(al["cur"]).sum(),
            "disputed": al["open_amount"].where(disputed, 0).groupby(al["cur"]).sum(),
            "bad_debt_amount": al["open_amount"].where(bad, 0).groupby(al["cur"]).sum(),
            "bad_debt_count": bad.astype(np.int64).groupby(al["cur"]).sum(),
        })
        got = history.loc[history["date"] == d].set_index("cur")[list(expected.columns)]
        pd.testing.assert_frame_equal(got, expected, check_dtype=False, check_names=False,
                                      check_index_type=False)


# ---------------------------------------------------------------------------- bad debt


def test_bad_debt_starts_after_90_days_past_due(tmp_ledger: TmpLedger) -> None:
    a = date(2024, 6, 30)
    ledger = tmp_ledger(invoices=f"""
        invoice_id,client_id,issue_date,due_date,amount
        I90,C1,2024-01-01,{a - timedelta(days=90)},100.00
        I91,C1,2024-01-01,{a - timedelta(days=91)},200.00
    """)
    assert str(a - timedelta(days=90)) == "2024-04-01"
    row = only(kpis(ledger, [a]), a)
    assert (row["bad_debt_count"], row["bad_debt_amount"]) == (1, 20000)
    row = only(kpis(ledger, [a], bad_debt_days=89), a)
    assert (row["bad_debt_count"], row["bad_debt_amount"]) == (2, 30000)


def test_disputed_invoices_are_not_bad_debt(tmp_ledger: TmpLedger) -> None:
    a = date(2024, 6, 30)
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2023-12-01,2024-01-01,300.00
        I2,C1,2023-12-01,2024-01-01,50.00
        I3,C1,2023-12-01,2024-01-01,7.00
        I4,C1,2024-06-01,2024-07-01,1000.00
    """, disputes="""
        invoice_id,opened,resolved
        I1,2024-05-01,
        I2,2024-02-01,2024-06-01
        I3,2024-07-05,
        I4,2024-06-10,
    """)
    row = only(kpis(ledger, [a]), a)
    # I1 open dispute; I2 resolved before A and I3 opened after A count as bad debt;
    # I4 is disputed but not yet due
    assert row["disputed"] == 30000 + 100000
    assert (row["bad_debt_count"], row["bad_debt_amount"]) == (2, 5700)
    assert (row["current"], row["overdue"]) == (100000, 35700)


# ---------------------------------------------------------------------------- currencies


def test_currencies_are_kept_apart(tmp_ledger: TmpLedger) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount,currency
        U1,C1,2024-01-10,2024-02-09,100.00,USD
        E1,C1,2024-02-10,2024-03-11,80.00,EUR
    """, payments="""
        payment_id,client_id,date,amount,currency
        P1,C1,2024-02-20,30.00,USD
        P2,C1,2024-02-21,500,JPY
    """)
    jan, feb = date(2024, 1, 31), date(2024, 2, 29)
    rows = kpis(ledger, [jan, feb])
    # no EUR (nor JPY) invoice by January 31: a USD row only; JPY never has a row
    assert [(r["date"], r["cur"]) for r in rows] == [(jan, "USD"), (feb, "EUR"), (feb, "USD")]
    usd, eur = only(rows, feb, "USD"), only(rows, feb, "EUR")
    assert (usd["sales"], usd["collections"], usd["open"]) == (0, 3000, 7000)
    assert (eur["sales"], eur["collections"], eur["open"]) == (8000, 0, 8000)
    assert eur["dso"] == Decimal("29.0")   # 80.00 open = February's EUR sales: 29 days


def test_dates_must_increase(tmp_ledger: TmpLedger) -> None:
    ledger = tmp_ledger(invoices=THREE_MONTHS)
    with pytest.raises(ValueError, match="strictly increasing"):
        kpis(ledger, [date(2024, 2, 29), date(2024, 1, 31)])
    assert kpis(ledger, []) == []
