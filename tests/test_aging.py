"""Aging: bucket edges, the issue-date basis, custom edges, and data/aging.csv and
data/open_items.csv as SPEC.md's Output section describes them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import Outcome

A = date(2024, 3, 15)

TmpLedger = Callable[..., Path]
TmpPolicies = Callable[..., Path]
ComputeReport = Callable[..., Outcome]

PLAIN_SEGMENTS = """
    default: {terms: net30, ladder: standard}
    segments: {}
    clients: {}
"""


@pytest.mark.parametrize(("days_past_due", "bucket"), [
    (-10, "current"),
    (-1, "current"),
    (0, "current"),
    (1, "1-30"),
    (30, "1-30"),
    (31, "31-60"),
    (60, "31-60"),
    (61, "61-90"),
    (90, "61-90"),
    (91, "91+"),
    (400, "91+"),
])
def test_bucket_edges_of_the_default_policy(days_past_due: int, bucket: str,
                                            tmp_ledger: TmpLedger,
                                            compute_report: ComputeReport) -> None:
    due = A - timedelta(days=days_past_due)
    issue = min(due, A) - timedelta(days=30)
    ledger = tmp_ledger(invoices=f"""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,{issue},{due},100.00
    """)
    result = compute_report(ledger, A)
    [item] = result.items
    assert item["days_past_due"] == days_past_due
    assert item["bucket"] == bucket
    row = result.aging["C1", "USD"]
    assert row[bucket] == 10000
    assert row["total"] == 10000
    assert sum(row[label] for label in result.report.bucket_labels) == 10000


def test_issue_date_basis_ages_from_the_issue_date_but_days_past_due_stays(
        tmp_ledger: TmpLedger, tmp_policies: TmpPolicies,
        compute_report: ComputeReport) -> None:
    policies = tmp_policies(terms="""
        currency: USD
        aging: {basis: issue_date, buckets: [0, 30, 60, 90]}
        terms:
          net30: {net_days: 30}
          net60: {net_days: 60}
        default_terms: net30
    """, segments=PLAIN_SEGMENTS)
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,amount,terms
        I1,C1,2024-01-01,100.00,net60
        I2,C1,2024-03-15,50.00,net30
    """)
    result = compute_report(ledger, A, policies)
    assert result.report.bucket_labels == ("current", "1-30", "31-60", "61-90", "91+")
    assert result.open_items_csv.splitlines() == [
        "client_id,invoice_id,currency,issue_date,due_date,amount,open_amount,"
        "days_past_due,bucket,disputed",
        # 74 days since issue -> 61-90; due 2024-03-01, 14 days ago
        "C1,I1,USD,2024-01-01,2024-03-01,100.00,100.00,14,61-90,false",
        # issued on A: 0 days -> current; due in 30 days
        "C1,I2,USD,2024-03-15,2024-04-14,50.00,50.00,-30,current,false",
    ]


def test_custom_bucket_edges_and_their_labels(tmp_ledger: TmpLedger,
                                              tmp_policies: TmpPolicies,
                                              compute_report: ComputeReport) -> None:
    policies = tmp_policies(terms="""
        currency: USD
        aging: {basis: due_date, buckets: [0, 15, 45]}
        terms:
          net30: {net_days: 30}
        default_terms: net30
    """, segments=PLAIN_SEGMENTS)
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-03-15,1.00
        I2,C1,2024-01-01,2024-03-14,2.00
        I3,C1,2024-01-01,2024-02-29,4.00
        I4,C1,2024-01-01,2024-02-28,8.00
        I5,C1,2024-01-01,2024-01-30,16.00
        I6,C1,2024-01-01,2024-01-29,32.00
    """)
    result = compute_report(ledger, A, policies)
    assert result.report.bucket_labels == ("current", "1-15", "16-45", "46+")
    buckets = {i["invoice_id"]: (i["days_past_due"], i["bucket"]) for i in result.items}
    assert buckets == {"I1": (0, "current"), "I2": (1, "1-15"), "I3": (15, "1-15"),
                       "I4": (16, "16-45"), "I5": (45, "16-45"), "I6": (46, "46+")}
    assert result.aging_csv == (
        "client_id,currency,current,1-15,16-45,46+,total,unapplied_credit\n"
        "C1,USD,1.00,6.00,24.00,32.00,63.00,0.00\n")


def test_aging_csv_has_a_row_per_client_and_currency_with_open_items_or_credit(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount,currency
        I1,C1,2024-01-01,2024-01-31,100.00,USD
        I2,C1,2024-03-01,2024-03-31,20.00,EUR
        I3,C2,2024-01-01,2024-01-31,70.00,USD
        I4,C3,2024-01-01,2024-01-31,10.00,USD
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C2,2024-02-01,100.00,I3
        P2,C3,2024-02-01,10.00,I4
    """)
    result = compute_report(ledger, A)
    # C2 is paid up but holds 30.00 of credit: a row, total 0, credit not subtracted.
    # C3 is settled exactly: no row.
    assert result.aging_csv == (
        "client_id,currency,current,1-30,31-60,61-90,91+,total,unapplied_credit\n"
        "C1,EUR,20.00,0.00,0.00,0.00,0.00,20.00,0.00\n"
        "C1,USD,0.00,0.00,100.00,0.00,0.00,100.00,0.00\n"
        "C2,USD,0.00,0.00,0.00,0.00,0.00,0.00,30.00\n")


def test_unapplied_credit_is_not_subtracted_from_the_total(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,100.00
        I2,C1,2024-03-01,2024-03-31,100.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-02-01,130.00,I1
        P2,C1,2024-02-01,5.00,I9
    """)
    result = compute_report(ledger, A)
    # 30.00 excess + 5.00 unknown-invoice pool pay 35.00 of I2: nothing is left over
    assert result.aging["C1", "USD"]["total"] == 6500
    assert result.aging["C1", "USD"]["unapplied_credit"] == 0
    ledger2 = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount,currency
        I1,C1,2024-01-01,2024-01-31,100.00,USD
    """, payments="""
        payment_id,client_id,date,amount,currency
        P1,C1,2024-02-01,5.00,EUR
    """)
    result2 = compute_report(ledger2, A)
    assert result2.aging["C1", "USD"]["total"] == 10000
    assert result2.aging["C1", "EUR"] == {"current": 0, "1-30": 0, "31-60": 0, "61-90": 0,
                                          "91+": 0, "total": 0, "unapplied_credit": 500}


def test_amounts_have_exactly_the_currency_decimals(tmp_ledger: TmpLedger,
                                                     compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount,currency
        I1,C1,2024-03-01,2024-03-31,1234.5,USD
        I2,C1,2024-03-01,2024-03-31,1234,JPY
        I3,C1,2024-03-01,2024-03-31,7,BHD
        I4,C1,2024-03-01,2024-03-31,.25,EUR
    """)
    result = compute_report(ledger, A)
    assert result.aging_csv == (
        "client_id,currency,current,1-30,31-60,61-90,91+,total,unapplied_credit\n"
        "C1,BHD,7.000,0.000,0.000,0.000,0.000,7.000,0.000\n"
        "C1,EUR,0.25,0.00,0.00,0.00,0.00,0.25,0.00\n"
        "C1,JPY,1234,0,0,0,0,1234,0\n"
        "C1,USD,1234.50,0.00,0.00,0.00,0.00,1234.50,0.00\n")
    assert [line.split(",")[5:7] for line in result.open_items_csv.splitlines()[1:]] == [
        ["1234.50", "1234.50"], ["1234", "1234"], ["7.000", "7.000"], ["0.25", "0.25"]]


def test_rows_are_sorted_by_their_key_columns(tmp_ledger: TmpLedger,
                                              compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount,currency
        B-2,C2,2024-01-01,2024-01-31,1.00,USD
        A-9,C10,2024-01-01,2024-01-31,1.00,USD
        B-1,C2,2024-02-01,2024-03-02,1.00,USD
        A-1,C1,2024-01-01,2024-01-31,1.00,USD
        A-0,C1,2024-01-01,2024-01-31,1.00,EUR
    """)
    result = compute_report(ledger, A)
    keys = [tuple(line.split(",")[:3]) for line in result.open_items_csv.splitlines()[1:]]
    assert keys == [("C1", "A-0", "EUR"), ("C1", "A-1", "USD"), ("C10", "A-9", "USD"),
                    ("C2", "B-1", "USD"), ("C2", "B-2", "USD")]
    aging_keys = [tuple(line.split(",")[:2]) for line in result.aging_csv.splitlines()[1:]]
    assert aging_keys == [("C1", "EUR"), ("C1", "USD"), ("C10", "USD"), ("C2", "USD")]


def test_open_items_csv_lists_open_due_lines_with_booleans_as_true_false(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,100.00
        I2,C1,2024-02-01,2024-03-02,40.00
        I3,C1,2024-02-01,2024-03-02,40.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-03-01,40.00,I3
    """, disputes="""
        invoice_id,opened,resolved,reason
        I1,2024-02-10,,price
    """)
    result = compute_report(ledger, A)
    # I3 is settled: no row. The file ends with a newline; no total row.
    assert result.open_items_csv == (
        "client_id,invoice_id,currency,issue_date,due_date,amount,open_amount,"
        "days_past_due,bucket,disputed\n"
        "C1,I1,USD,2024-01-01,2024-01-31,100.00,100.00,44,31-60,true\n"
        "C1,I2,USD,2024-02-01,2024-03-02,40.00,40.00,13,1-30,false\n")


def test_empty_ledger_gives_header_only_files(tmp_ledger: TmpLedger,
                                              compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,amount
    """)
    result = compute_report(ledger, A)
    assert result.open_items_csv == (
        "client_id,invoice_id,currency,issue_date,due_date,amount,open_amount,"
        "days_past_due,bucket,disputed\n")
    assert result.aging_csv == (
        "client_id,currency,current,1-30,31-60,61-90,91+,total,unapplied_credit\n")
