"""Allocation of payments and credit notes, one rule of SPEC.md per test, on hand-checkable
ledgers. Amounts in the assertions are minor units (cents for USD and EUR)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from conftest import Outcome

A = date(2024, 3, 15)  # the as-of date of most tests

TmpLedger = Callable[..., Path]
TmpPolicies = Callable[..., Path]
ComputeReport = Callable[..., Outcome]


# --- referenced documents ---------------------------------------------------------------------

def test_partial_payment_leaves_the_remainder_open(tmp_ledger: TmpLedger,
                                                   compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,100.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-02-10,60.00,I1
    """)
    result = compute_report(ledger, A)
    assert result.open == {"I1": 4000}
    assert result.aging["C1", "USD"]["31-60"] == 4000  # 44 days past due
    assert result.unapplied == {}


def test_overpayment_becomes_unapplied_credit_never_dropped(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,100.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-02-10,150.00,I1
    """)
    result = compute_report(ledger, A)
    assert result.open == {"I1": 0}
    assert result.applied["P1"] == 10000
    assert result.pooled["P1"] == 5000
    assert result.unapplied == {("C1", "USD"): 5000}
    assert result.aging["C1", "USD"]["total"] == 0
    assert result.aging["C1", "USD"]["unapplied_credit"] == 5000


def test_credit_note_naming_an_invoice_counts_like_a_payment(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,100.00
    """, credit_notes="""
        credit_id,client_id,date,amount,invoice_id,reason
        CN1,C1,2024-02-01,30.00,I1,damaged goods
    """)
    result = compute_report(ledger, A)
    assert result.open == {"I1": 7000}
    assert result.applied["CN1"] == 3000
    assert result.groups["C1", "USD"]["credited"] == 3000
    assert result.groups["C1", "USD"]["paid"] == 0


def test_unreferenced_credit_note_goes_to_the_pool(tmp_ledger: TmpLedger,
                                                   compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,100.00
        I2,C1,2024-01-05,2024-02-04,50.00
    """, credit_notes="""
        credit_id,client_id,date,amount
        CN1,C1,2024-02-01,120.00
    """)
    result = compute_report(ledger, A)
    # the pool pays I1 (due first) in full, then 20.00 of I2
    assert result.open == {"I1": 0, "I2": 3000}
    assert result.pooled["CN1"] == 12000
    assert result.unapplied == {}


def test_referenced_documents_apply_in_date_then_id_order_and_the_excess_is_pooled(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,100.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P0,C1,2024-01-20,30.00,I1
        P2,C1,2024-01-10,60.00,I1
        P1,C1,2024-01-10,60.00,I1
    """)
    result = compute_report(ledger, A)
    # order: (01-10, P1), (01-10, P2), (01-20, P0)
    assert result.applied == {"P1": 6000, "P2": 4000, "P0": 0}
    assert result.pooled == {"P1": 0, "P2": 2000, "P0": 3000}
    assert result.open == {"I1": 0}
    assert result.unapplied == {("C1", "USD"): 5000}


def test_payment_and_credit_note_on_the_same_day_apply_in_id_order(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,100.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-02-01,80.00,I1
    """, credit_notes="""
        credit_id,client_id,date,amount,invoice_id
        CN1,C1,2024-02-01,80.00,I1
    """)
    result = compute_report(ledger, A)
    assert result.applied == {"CN1": 8000, "P1": 2000}  # 'CN1' < 'P1'
    assert result.pooled == {"CN1": 0, "P1": 6000}


def test_payment_dated_before_the_invoice_it_names_still_settles_it(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-02-01,2024-03-02,100.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-01-15,100.00,I1
    """)
    result = compute_report(ledger, A)
    assert result.open == {"I1": 0}
    assert result.applied["P1"] == 10000
    assert result.unapplied == {}


def test_credit_note_of_a_client_without_invoices_is_unapplied_credit(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
    """, credit_notes="""
        credit_id,client_id,date,amount,reason
        CN1,C1,2024-02-01,25.00,goodwill
    """)
    result = compute_report(ledger, A)
    assert result.open == {}
    assert result.unapplied == {("C1", "USD"): 2500}
    assert result.aging_csv.splitlines()[1:] == ["C1,USD,0.00,0.00,0.00,0.00,0.00,0.00,25.00"]


# --- documents that cannot pay the invoice they name ----------------------------------------

def test_payment_naming_an_unknown_invoice_goes_to_the_pool_with_a_warning(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,100.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-02-10,40.00,I9
    """)
    result = compute_report(ledger, A)
    assert result.open == {"I1": 6000}
    assert result.pooled["P1"] == 4000
    assert result.warnings == [
        "payments.csv:2: warning: invoice_id: names unknown invoice 'I9'; "
        "the amount goes to the client's pool"]


def test_payment_naming_another_clients_invoice_goes_to_the_payers_pool(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,100.00
        I2,C2,2024-01-01,2024-01-31,100.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C2,2024-02-10,40.00,I1
    """)
    result = compute_report(ledger, A)
    assert result.open == {"I1": 10000, "I2": 6000}
    assert result.groups["C2", "USD"]["paid"] == 4000
    assert result.groups["C1", "USD"]["paid"] == 0
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith("payments.csv:2: warning: invoice_id: ")
    assert "'I1'" in result.warnings[0] and "another client" in result.warnings[0]


def test_payment_naming_another_clients_invoice_without_own_invoices_is_unapplied(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,100.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C2,2024-02-10,40.00,I1
    """)
    result = compute_report(ledger, A)
    assert result.open == {"I1": 10000}
    assert result.unapplied == {("C2", "USD"): 4000}
    assert result.aging["C2", "USD"]["unapplied_credit"] == 4000


def test_payment_naming_an_invoice_in_another_currency_goes_to_its_own_currency_pool(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount,currency
        I1,C1,2024-01-01,2024-01-31,100.00,USD
        I2,C1,2024-01-01,2024-01-31,100.00,EUR
    """, payments="""
        payment_id,client_id,date,amount,currency,invoice_id
        P1,C1,2024-02-10,40.00,EUR,I1
    """)
    result = compute_report(ledger, A)
    assert result.open == {"I1": 10000, "I2": 6000}
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith("payments.csv:2: warning: invoice_id: ")
    assert "'I1'" in result.warnings[0] and "USD" in result.warnings[0]


def test_payment_naming_an_invoice_issued_after_the_as_of_date_goes_to_the_pool(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,100.00
        I2,C1,2024-03-20,2024-04-19,100.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-03-01,50.00,I2
    """)
    result = compute_report(ledger, A)
    assert result.open == {"I1": 5000}  # I2 does not exist yet on A
    assert result.pooled["P1"] == 5000
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith("payments.csv:2: warning: invoice_id: ")
    assert "'I2'" in result.warnings[0] and "after the as-of date" in result.warnings[0]


# --- the pool --------------------------------------------------------------------------------

def test_pool_pays_the_oldest_due_date_first(tmp_ledger: TmpLedger,
                                             compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-03-01,100.00
        I2,C1,2024-01-10,2024-02-09,100.00
        I3,C1,2024-01-20,2024-02-19,100.00
    """, payments="""
        payment_id,client_id,date,amount
        P1,C1,2024-03-01,150.00
    """)
    result = compute_report(ledger, A)
    # due order: I2 (02-09), I3 (02-19), I1 (03-01), whatever the issue dates
    assert result.open == {"I2": 0, "I3": 5000, "I1": 10000}


def test_pool_ties_on_due_date_go_to_the_earlier_issue_date(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        IA,C1,2024-01-20,2024-02-15,100.00
        IB,C1,2024-01-10,2024-02-15,100.00
    """, payments="""
        payment_id,client_id,date,amount
        P1,C1,2024-03-01,100.00
    """)
    result = compute_report(ledger, A)
    assert result.open == {"IB": 0, "IA": 10000}


def test_pool_ties_on_due_and_issue_date_go_to_the_smaller_invoice_id(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        IB,C1,2024-01-10,2024-02-15,100.00
        IC,C1,2024-01-10,2024-02-15,100.00
        IA,C1,2024-01-10,2024-02-15,100.00
    """, payments="""
        payment_id,client_id,date,amount
        P1,C1,2024-03-01,150.00
    """)
    result = compute_report(ledger, A)
    assert result.open == {"IA": 0, "IB": 5000, "IC": 10000}


def test_pool_also_pays_disputed_invoices(tmp_ledger: TmpLedger,
                                          compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,100.00
        I2,C1,2024-01-10,2024-02-09,100.00
    """, payments="""
        payment_id,client_id,date,amount
        P1,C1,2024-03-01,120.00
    """, disputes="""
        invoice_id,opened,resolved,reason
        I1,2024-02-01,,wrong quantity
    """)
    result = compute_report(ledger, A)
    assert result.open == {"I1": 0, "I2": 8000}


def test_currencies_of_one_client_have_separate_pools(tmp_ledger: TmpLedger,
                                                      compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount,currency
        I1,C1,2024-01-01,2024-01-31,100.00,USD
        I2,C1,2024-01-01,2024-01-31,100.00,EUR
    """, payments="""
        payment_id,client_id,date,amount,currency
        P1,C1,2024-02-01,150.00,USD
        P2,C1,2024-02-01,30.00,EUR
    """)
    result = compute_report(ledger, A)
    assert result.open == {"I1": 0, "I2": 7000}
    assert result.unapplied == {("C1", "USD"): 5000}
    assert set(result.aging) == {("C1", "EUR"), ("C1", "USD")}
    assert result.aging["C1", "EUR"]["total"] == 7000
    assert result.aging["C1", "USD"] == {"current": 0, "1-30": 0, "31-60": 0, "61-90": 0,
                                         "91+": 0, "total": 0, "unapplied_credit": 5000}


# --- the as-of date --------------------------------------------------------------------------

def test_documents_and_invoices_dated_after_the_as_of_date_are_ignored(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-03-15,2024-04-14,100.00
        I2,C1,2024-03-16,2024-04-15,100.00
    """, payments="""
        payment_id,client_id,date,amount
        P1,C1,2024-03-15,10.00
        P2,C1,2024-03-16,20.00
    """, credit_notes="""
        credit_id,client_id,date,amount,invoice_id
        CN1,C1,2024-03-16,5.00,I1
    """)
    result = compute_report(ledger, A)
    # I1 issued exactly on A counts; I2, P2 and CN1 come after A
    assert result.open == {"I1": 9000}
    assert result.groups["C1", "USD"] == {"invoiced": 10000, "paid": 1000, "credited": 0,
                                          "open": 9000, "unapplied": 0}
    assert set(result.applied) == {"P1"}


# --- currencies and their decimals --------------------------------------------------------------

def test_document_without_currency_takes_the_currency_of_the_invoice_it_names(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(clients="""
        client_id,name,currency
        C1,Acme Dental,USD
    """, invoices="""
        invoice_id,client_id,issue_date,due_date,amount,currency
        I1,C1,2024-01-01,2024-01-31,100.00,EUR
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-02-01,40.00,I1
    """)
    result = compute_report(ledger, A)
    assert result.open == {"I1": 6000}
    assert result.applied["P1"] == 4000
    assert result.groups["C1", "EUR"]["paid"] == 4000
    assert ("C1", "USD") not in result.groups
    assert result.warnings == []


def test_documents_without_currency_or_invoice_take_the_clients_currency(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(clients="""
        client_id,name,currency
        C1,Acme Dental,EUR
        C2,Brite Spa,
    """, invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,100.00
        I2,C2,2024-01-01,2024-01-31,100.00
    """, payments="""
        payment_id,client_id,date,amount
        P1,C1,2024-02-01,40.00
        P2,C2,2024-02-01,10.00
    """)
    result = compute_report(ledger, A)
    assert result.open == {"I1": 6000, "I2": 9000}
    # C2 names no currency: terms.yaml's currency (USD in the default policies)
    assert set(result.groups) == {("C1", "EUR"), ("C2", "USD")}


def test_documents_fall_back_to_the_currency_in_terms_yaml(
        tmp_ledger: TmpLedger, tmp_policies: TmpPolicies,
        compute_report: ComputeReport) -> None:
    policies = tmp_policies(terms="""
        currency: GBP
        aging: {basis: due_date, buckets: [0, 30, 60, 90]}
        terms:
          net30: {net_days: 30}
        default_terms: net30
    """, segments="""
        default: {terms: net30, ladder: standard}
        segments: {}
        clients: {}
    """)
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,100.00
    """, payments="""
        payment_id,client_id,date,amount
        P1,C1,2024-02-01,40.00
    """)
    result = compute_report(ledger, A, policies)
    assert result.open == {"I1": 6000}
    assert set(result.groups) == {("C1", "GBP")}
    assert "C1,GBP,0.00,0.00,60.00,0.00,0.00,60.00,0.00\n" in result.aging_csv


def test_jpy_has_no_decimals_and_bhd_three(tmp_ledger: TmpLedger,
                                           compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount,currency
        I1,C1,2024-01-01,2024-01-31,1234,JPY
        I2,C2,2024-01-01,2024-01-31,12.345,BHD
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-02-01,234,I1
        P2,C2,2024-02-01,0.5,I2
    """)
    result = compute_report(ledger, A)
    assert result.open == {"I1": 1000, "I2": 11845}  # yen; fils (1/1000 dinar)
    assert result.open_items_csv.splitlines()[1:] == [
        "C1,I1,JPY,2024-01-01,2024-01-31,1234,1000,44,31-60,false",
        "C2,I2,BHD,2024-01-01,2024-01-31,12.345,11.845,44,31-60,false",
    ]


# --- terms and due dates -------------------------------------------------------------------

def test_due_date_from_invoice_terms_then_segment_then_default(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(clients="""
        client_id,name,segment
        C1,Acme Dental,dental
        C2,City Clinic,medical
        C3,Plain Co,
    """, invoices="""
        invoice_id,client_id,issue_date,amount,terms
        I1,C2,2024-01-01,100.00,net15
        I2,C2,2024-01-01,100.00,
        I3,C3,2024-01-01,100.00,
        I4,C1,2024-01-01,100.00,
    """)
    result = compute_report(ledger, A)
    assert result.due_dates == {
        ("I1", 0): date(2024, 1, 16),  # the invoice's own terms (net15) beat the segment
        ("I2", 0): date(2024, 3, 1),   # segment medical -> net60
        ("I3", 0): date(2024, 1, 31),  # no segment -> default net30
        ("I4", 0): date(2024, 1, 31),  # segment dental -> net30
    }


def test_client_terms_in_segments_yaml_beat_the_segment(
        tmp_ledger: TmpLedger, tmp_policies: TmpPolicies,
        compute_report: ComputeReport) -> None:
    policies = tmp_policies(segments="""
        default: {terms: net30, ladder: standard}
        segments:
          medical: {terms: net60, ladder: standard}
        clients:
          C1: {terms: net15}
    """)
    ledger = tmp_ledger(clients="""
        client_id,name,segment
        C1,City Clinic,medical
        C2,Town Clinic,medical
    """, invoices="""
        invoice_id,client_id,issue_date,amount
        I1,C1,2024-01-01,100.00
        I2,C2,2024-01-01,100.00
    """)
    result = compute_report(ledger, A, policies)
    assert result.due_dates == {("I1", 0): date(2024, 1, 16), ("I2", 0): date(2024, 3, 1)}


def test_unknown_segment_uses_the_default_terms_with_a_warning(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(clients="""
        client_id,name,segment
        C1,Pet Shop,veterinary
    """, invoices="""
        invoice_id,client_id,issue_date,amount
        I1,C1,2024-01-01,100.00
    """)
    result = compute_report(ledger, A)
    assert result.due_dates == {("I1", 0): date(2024, 1, 31)}
    assert len(result.warnings) == 1
    assert "clients.csv" in result.warnings[0] and "'veterinary'" in result.warnings[0]


def test_explicit_due_date_wins_over_terms(tmp_ledger: TmpLedger,
                                           compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount,terms
        I1,C1,2024-01-01,2024-01-10,100.00,net60
    """)
    result = compute_report(ledger, A)
    assert result.due_dates == {("I1", 0): date(2024, 1, 10)}


def test_end_of_month_terms_count_from_the_last_day_of_the_issue_month(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,amount,terms
        I1,C1,2024-01-15,100.00,eom30
        I2,C1,2024-02-29,100.00,eom30
    """)
    result = compute_report(ledger, A)
    assert result.due_dates == {
        ("I1", 0): date(2024, 3, 1),   # 2024-01-31 + 30 days (leap February)
        ("I2", 0): date(2024, 3, 30),  # 2024-02-29 + 30 days
    }


def test_day_of_next_month_terms(tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,amount,terms
        I1,C1,2024-01-20,100.00,10th_next
        I2,C1,2023-12-31,100.00,10th_next
        I3,C1,2024-01-01,100.00,10th_next
    """)
    result = compute_report(ledger, A)
    assert result.due_dates == {
        ("I1", 0): date(2024, 2, 10),
        ("I2", 0): date(2024, 1, 10),  # across the year end
        ("I3", 0): date(2024, 2, 10),
    }


def test_day_of_next_month_past_the_months_end_is_its_last_day(
        tmp_ledger: TmpLedger, tmp_policies: TmpPolicies,
        compute_report: ComputeReport) -> None:
    policies = tmp_policies(terms="""
        currency: USD
        aging: {basis: due_date, buckets: [0, 30, 60, 90]}
        terms:
          net30: {net_days: 30}
          month_end_next: {day_of_next_month: 31}
        default_terms: net30
    """, segments="""
        default: {terms: net30, ladder: standard}
        segments: {}
        clients: {}
    """)
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,amount,terms
        I1,C1,2024-01-15,100.00,month_end_next
        I2,C1,2023-01-15,100.00,month_end_next
        I3,C1,2024-02-10,100.00,month_end_next
        I4,C1,2024-03-31,100.00,month_end_next
    """)
    result = compute_report(ledger, date(2024, 6, 30), policies)
    assert result.due_dates == {
        ("I1", 0): date(2024, 2, 29),  # leap February
        ("I2", 0): date(2023, 2, 28),
        ("I3", 0): date(2024, 3, 31),
        ("I4", 0): date(2024, 4, 30),
    }


DEPOSIT_TERMS = """
    currency: USD
    aging: {basis: due_date, buckets: [0, 30, 60, 90]}
    terms:
      net30: {net_days: 30}
      deposit30: {net_days: 30, deposit: {percent: 30}}
    default_terms: net30
"""
PLAIN_SEGMENTS = """
    default: {terms: net30, ladder: standard}
    segments: {}
    clients: {}
"""


def test_deposit_terms_give_two_due_lines_with_the_same_invoice_id(
        tmp_ledger: TmpLedger, tmp_policies: TmpPolicies,
        compute_report: ComputeReport) -> None:
    policies = tmp_policies(terms=DEPOSIT_TERMS, segments=PLAIN_SEGMENTS)
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,amount,terms
        I1,C1,2024-03-01,10.05,deposit30
    """)
    result = compute_report(ledger, A, policies)
    # 30% of 10.05 = 3.015, half-up 3.02 due at issue; the balance 7.03 on net 30
    assert result.open_lines == {("I1", 0): 302, ("I1", 1): 703}
    assert result.due_dates == {("I1", 0): date(2024, 3, 1), ("I1", 1): date(2024, 3, 31)}
    assert result.open_items_csv.splitlines()[1:] == [
        "C1,I1,USD,2024-03-01,2024-03-01,3.02,3.02,14,1-30,false",
        "C1,I1,USD,2024-03-01,2024-03-31,7.03,7.03,-16,current,false",
    ]


def test_referenced_payment_fills_the_deposit_line_first(
        tmp_ledger: TmpLedger, tmp_policies: TmpPolicies,
        compute_report: ComputeReport) -> None:
    policies = tmp_policies(terms=DEPOSIT_TERMS, segments=PLAIN_SEGMENTS)
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,amount,terms
        I1,C1,2024-03-01,100.00,deposit30
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-03-02,40.00,I1
    """)
    result = compute_report(ledger, A, policies)
    assert result.open_lines == {("I1", 0): 0, ("I1", 1): 6000}
    assert [(i["line"], i["open_amount"]) for i in result.items] == [(1, 6000)]


def test_pool_treats_each_deposit_line_as_an_open_item(
        tmp_ledger: TmpLedger, tmp_policies: TmpPolicies,
        compute_report: ComputeReport) -> None:
    policies = tmp_policies(terms=DEPOSIT_TERMS, segments=PLAIN_SEGMENTS)
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount,terms
        I1,C1,2024-01-10,,100.00,deposit30
        I2,C1,2024-01-01,2024-01-20,50.00,
    """, payments="""
        payment_id,client_id,date,amount
        P1,C1,2024-03-01,60.00
    """)
    result = compute_report(ledger, A, policies)
    # pool order: I1 deposit (due 01-10), I2 (due 01-20), I1 balance (due 02-09)
    assert result.open_lines == {("I1", 0): 0, ("I2", 0): 2000, ("I1", 1): 7000}


# --- disputes --------------------------------------------------------------------------------

def test_dispute_is_open_on_the_as_of_date_only_between_opened_and_resolved(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,100.00
        I2,C1,2024-01-01,2024-01-31,100.00
        I3,C1,2024-01-01,2024-01-31,100.00
        I4,C1,2024-01-01,2024-01-31,100.00
        I5,C1,2024-01-01,2024-01-31,100.00
        I6,C1,2024-01-01,2024-01-31,100.00
    """, disputes="""
        invoice_id,opened,resolved,reason
        I1,2024-02-01,,short delivery
        I2,2024-02-01,2024-03-01,resolved before A
        I3,2024-02-01,2024-03-20,resolved after A
        I4,2024-03-20,,opened after A
        I5,2024-03-15,,opened on A
        I6,2024-02-01,2024-03-15,resolved on A
    """)
    result = compute_report(ledger, A)
    disputed = {item["invoice_id"]: item["disputed"] for item in result.items}
    assert disputed == {"I1": True, "I2": False, "I3": True, "I4": False, "I5": True,
                        "I6": False}
    # a disputed invoice stays in the aging
    assert result.aging["C1", "USD"]["31-60"] == 60000


# --- reconciliation ----------------------------------------------------------------------------

def test_invoiced_minus_paid_minus_credited_equals_open_minus_unapplied(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount,currency
        I1,C1,2024-01-01,2024-01-31,100.00,USD
        I2,C1,2024-02-01,2024-03-02,250.00,USD
        I3,C1,2024-01-15,2024-02-14,80.00,EUR
        I4,C2,2024-01-05,2024-02-04,40.00,USD
    """, payments="""
        payment_id,client_id,date,amount,currency,invoice_id
        P1,C1,2024-02-01,120.00,USD,I1
        P2,C1,2024-02-20,50.00,USD,
        P3,C2,2024-02-20,100.00,USD,I9
        P4,C1,2024-02-25,10.00,EUR,I3
    """, credit_notes="""
        credit_id,client_id,date,amount,currency,invoice_id
        CN1,C1,2024-03-01,30.00,EUR,
    """)
    result = compute_report(ledger, A)
    assert result.groups == {
        # 350 - 170 - 0 = 180 open (I2 250 - 20 excess - 50 pooled) - 0 unapplied
        ("C1", "USD"): {"invoiced": 35000, "paid": 17000, "credited": 0, "open": 18000,
                        "unapplied": 0},
        # 80 - 10 - 30 = 40 open (I3) - 0
        ("C1", "EUR"): {"invoiced": 8000, "paid": 1000, "credited": 3000, "open": 4000,
                        "unapplied": 0},
        # 40 - 100 - 0 = 0 open - 60 unapplied
        ("C2", "USD"): {"invoiced": 4000, "paid": 10000, "credited": 0, "open": 0,
                        "unapplied": 6000},
    }
    for g in result.groups.values():
        assert g["invoiced"] - g["paid"] - g["credited"] == g["open"] - g["unapplied"]
