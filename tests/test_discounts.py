"""Early-payment discounts (SPEC Semantics: Early-payment discount), from inline worlds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from arreport.pipeline import compute, load_inputs
from arreport.render.csvfiles import csv_text
from arreport.report.tables import discounts_csv_table
from conftest import DEFAULT_POLICIES

INVOICE = """
    invoice_id,client_id,issue_date,amount,terms
    I1,C1,2024-01-01,1000.00,2-10-net30
"""


def run(ledger: Path, as_of: dt.date) -> tuple[dict[str, int], list[str], dict[str, int]]:
    led, pol, diags = load_inputs(ledger, DEFAULT_POLICIES)
    report = compute(led, pol, as_of, diags)
    items = report.items
    open_by = dict(zip(items["invoice_id"], items["open_amount"].tolist(), strict=True))
    g = report.allocation.groups.iloc[0]
    totals = {k: int(g[k]) for k in ("invoiced", "paid", "credited", "discounts", "open",
                                     "unapplied")}
    rows = csv_text(discounts_csv_table(report)).decode("utf-8").splitlines()[1:]
    return open_by, rows, totals


def test_paying_all_but_the_discount_within_the_window_settles_the_invoice(
        tmp_ledger: Callable[..., Path]) -> None:
    ledger = tmp_ledger(invoices=INVOICE, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-01-11,980.00,I1
    """)
    open_by, rows, totals = run(ledger, dt.date(2024, 2, 15))
    assert open_by == {}
    assert rows == ["C1,I1,USD,P1,2024-01-11,20.00,terms.yaml:10 2-10-net30: paid 980.00 on "
                    "2024-01-11 (within 10 days of 2024-01-01); 2% of 1000.00 = 20.00 USD"]
    assert totals["invoiced"] - totals["paid"] - totals["credited"] - totals["discounts"] \
        == totals["open"] - totals["unapplied"] == 0


def test_after_the_window_the_same_payment_leaves_the_discount_open(
        tmp_ledger: Callable[..., Path]) -> None:
    ledger = tmp_ledger(invoices=INVOICE, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-01-12,980.00,I1
    """)
    open_by, rows, _ = run(ledger, dt.date(2024, 2, 15))
    assert open_by == {"I1": 2000} and rows == []


def test_only_an_exact_remainder_earns_the_discount(tmp_ledger: Callable[..., Path]) -> None:
    ledger = tmp_ledger(invoices=INVOICE, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-01-05,500.00,I1
        P2,C1,2024-01-09,480.00,I1
        P3,C1,2024-01-10,5.00,I1
    """)
    # P1 leaves 500.00, not the discount; P2 leaves exactly 20.00: settled; P3 then has
    # nothing to pay and goes to the pool as unapplied credit
    open_by, rows, totals = run(ledger, dt.date(2024, 2, 15))
    assert open_by == {}
    assert [r.split(",")[3] for r in rows] == ["P2"]
    assert totals["unapplied"] == 500


def test_a_credit_note_never_earns_a_discount(tmp_ledger: Callable[..., Path]) -> None:
    ledger = tmp_ledger(invoices=INVOICE, credit_notes="""
        credit_id,client_id,date,amount,invoice_id
        CN1,C1,2024-01-05,980.00,I1
    """)
    open_by, rows, _ = run(ledger, dt.date(2024, 2, 15))
    assert open_by == {"I1": 2000} and rows == []
