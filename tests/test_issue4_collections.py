"""Issue 4 review, the collections engine: excluded clients never on hold, fee invoices charged
no fees, no 0.00 fee rows, reasons with their figures (restarted interest, preset rates, the UK
fixed sum by the debt, credit-limit holds, held-back contacts)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from arreport.pipeline import compute, load_inputs
from arreport.report.reasons import action_reasons
from conftest import DEFAULT_POLICIES, Outcome
from test_escalation import action_rows, hold_rows
from test_fees import PRESETS, fee_rows

TmpLedger = Callable[..., Path]
TmpPolicies = Callable[..., Path]
ComputeReport = Callable[..., Outcome]


def test_excluded_clients_are_never_on_hold_not_even_over_their_credit_limit(
        tmp_ledger: TmpLedger, tmp_policies: TmpPolicies,
        compute_report: ComputeReport) -> None:
    policies = tmp_policies(segments="""
        default: {terms: net30, ladder: standard}
        segments:
          vip: {exclude: true, reason: VIP}
        clients:
          EX1: {exclude: true, reason: litigation}
          VIP2: {exclude: false}
    """)
    ledger = tmp_ledger(clients="""
        client_id,name,segment,credit_limit
        EX1,In court,,10.00
        VIP1,Vip,vip,10.00
        VIP2,Vip but chased,vip,10.00
        C1,Anyone,,10.00
    """, invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        E1,EX1,2024-01-01,2024-01-31,600.00
        V1,VIP1,2024-01-01,2024-01-31,600.00
        V2,VIP2,2024-03-01,2024-03-31,600.00
        I1,C1,2024-03-01,2024-03-31,600.00
    """)
    result = compute_report(ledger, dt.date(2024, 3, 15), policies)
    assert [(row[0], row[4]) for row in hold_rows(result)] == [
        ("C1", "clients.csv:5 credit_limit: balance 600.00 USD > limit 10.00 USD (6000%)"),
        ("VIP2", "clients.csv:4 credit_limit: balance 600.00 USD > limit 10.00 USD (6000%)"),
    ]


def test_a_fee_invoice_is_charged_no_fee_and_no_interest_but_still_escalates(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount,reference
        I1,C1,2024-01-01,2024-01-31,1000.00,
        F1,C1,2024-02-01,2024-02-10,25.00,late_fee:I1
        N1,C1,2024-02-01,2024-02-10,12.00,interest:I1
        PO,C1,2024-02-01,2024-02-10,50.00,PO:4711
    """, contacts="""
        date,client_id,channel,invoice_id,step
        2024-01-31,C1,letter,I1,formal_notice
    """)
    as_of = dt.date(2024, 3, 15)
    rows = [r.split(",")[0] for r in fee_rows(ledger, as_of)]
    # F1 and N1 invoice fees of I1: no late fee, no interest on them. PO:4711 is no fee id.
    assert rows == ["interest:I1", "interest:PO", "late_fee:PO"]
    # F1 still escalates like any debt: 34 days past due stands on formal_notice
    steps = [(a[1], a[2]) for a in _actions(compute_report(ledger, as_of))]
    assert ("F1", "formal_notice") in steps and ("N1", "formal_notice") in steps


def _actions(result: Outcome) -> list[tuple[str, str, str]]:
    return [(r[0], r[1], r[2]) for r in action_rows(result)]


def test_a_percent_fee_on_a_paid_invoice_gives_no_zero_row(
        tmp_ledger: TmpLedger, tmp_policies: TmpPolicies) -> None:
    policies = tmp_policies(escalation="""
        ladders:
          standard:
            steps:
              - {id: notice, at: 30, channel: letter, fee: pct}
        fees:
          pct: {percent: 2}
    """)
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        PAID,C1,2024-01-01,2024-01-31,100.00
    """, contacts="""
        date,client_id,channel,invoice_id,step
        2024-03-01,C1,letter,PAID,notice
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-03-05,100.00,PAID
    """)
    assert fee_rows(ledger, dt.date(2024, 3, 15), policies) == []


def test_restarted_interest_says_from_which_invoice_and_date(tmp_ledger: TmpLedger) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount,reference
        I1,C1,2024-01-01,2024-01-31,1000.00,
        INT1,C1,2024-03-31,2024-04-30,10.00,interest:I1
    """)
    rows = [r for r in fee_rows(ledger, dt.date(2024, 4, 30)) if r.startswith("interest:I1,")]
    assert rows == [
        'interest:I1,C1,I1,USD,interest,2024-04-01,9.86,"escalation.yaml:20 interest: '
        "1000.00 USD open × 12% × 30/365 days (counted from the day after INT1 invoiced it "
        'on 2024-03-31, invoices.csv:3) = 9.86 USD"',
    ]


def test_preset_reasons_give_the_rate_row_and_the_uk_sum_goes_by_the_debt(
        tmp_ledger: TmpLedger, tmp_policies: TmpPolicies) -> None:
    policies = tmp_policies(escalation=PRESETS)
    ledger = tmp_ledger(clients="""
        client_id,name,kind
        B1,London Ltd,business
    """, invoices="""
        invoice_id,client_id,issue_date,due_date,amount,currency
        G1,B1,2024-06-01,2024-07-01,1500.00,GBP
        E0,B1,2022-05-01,2022-06-01,100.00,EUR
    """, payments="""
        payment_id,client_id,date,amount,invoice_id,currency
        P1,B1,2024-07-15,900.00,G1,GBP
    """)
    rows = {r.split(",")[0]: r for r in fee_rows(ledger, dt.date(2024, 7, 31), policies)}
    # a debt of 1,500.00: GBP 70 although only 600.00 is still open
    assert rows["uk-compensation:G1"].endswith(
        ",70.00,escalation.yaml:7 uk-compensation: fixed compensation (uk_late_payment) for "
        "a debt of 1500.00 GBP (the invoice's amount) = 70.00 GBP")
    assert "× 13.25% (boe_base 5.25% from 2024-07-01 in rates.yaml:20 + 8, uk_late_payment) ×" \
        in rows["uk:G1"]
    # due before the first ECB row: the first row is used, and the reason says so
    assert ("(ecb_reference 2.5% from 2023-01-01 in rates.yaml:8 + 8, eu_late_payment; "
            "rates.yaml has no row before the due date 2022-06-01, so its first row is "
            "used)") in rows["eu:E0"]


def test_held_back_contacts_give_their_figures(tmp_ledger: TmpLedger) -> None:
    ledger = tmp_ledger(clients="""
        client_id,name,kind
        K7,Seven calls,consumer
        KQ,Reached,consumer
    """, invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I7,K7,2024-01-01,2024-02-20,100.00
        IQ,KQ,2024-01-01,2024-02-20,100.00
    """, contacts=(
        "date,client_id,channel,invoice_id,step,outcome\n"
        + "".join(f"2024-03-{d:02d},K7,phone,,,no answer\n" for d in range(9, 16))
        + "2024-03-12,KQ,phone,,,reached\n"))
    led, pol, diags = load_inputs(ledger, DEFAULT_POLICIES)
    report = compute(led, pol, dt.date(2024, 3, 15), diags)
    esc = report.escalated
    why = dict(zip(esc["invoice_id"].astype(str), esc["held_back"].astype(str), strict=True))
    assert why["I7"] == ("escalation.yaml:16 contact limit: at most 7 phone contacts in 7 days "
                         "for consumer clients; 7 phone contacts recorded since 2024-03-09 ≥ 7")
    assert why["IQ"] == ("escalation.yaml:17 contact limit: no contact for 7 days after a "
                         "'reached' outcome, for consumer clients; 'reached' contact on "
                         "2024-03-12, 3 days ago < 7")
    assert action_reasons(report) == []
