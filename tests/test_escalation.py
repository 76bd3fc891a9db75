"""Escalation scenarios, each with its small world inline: step selection on the default
ladder, contact-log suppression, skipped steps, pauses (disputes, payment plans, promises),
min_balance, ladder assignment, holds, deposit lines and step conditions — read from
data/actions.csv and data/holds.csv as SPEC.md (Semantics: Escalation, Holds) describes them."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from arreport.render.csvfiles import csv_text
from arreport.report.tables import actions_csv_table, holds_csv_table
from conftest import Outcome

A = date(2024, 3, 15)

TmpLedger = Callable[..., Path]
TmpPolicies = Callable[..., Path]
ComputeReport = Callable[..., Outcome]

ACTIONS_HEADER = "date,client_id,invoice_id,currency,step,channel,owner,amount,reason"
HOLDS_HEADER = "client_id,currency,open_balance,credit_limit,reason"

# The default ladder (policies/escalation.yaml) cites its steps by these lines.
(COURTESY, DUE, FIRST_OVERDUE, PENALTY_WARNING, CALL, FORMAL_NOTICE, CREDIT_HOLD,
 FINAL_NOTICE, AGENCY) = (f"escalation.yaml:{line}" for line in range(6, 15))

PLAIN_SEGMENTS = """
    default: {terms: net30, ladder: standard}
    segments: {}
    clients: {}
"""


def actions_text(result: Outcome) -> str:
    return csv_text(actions_csv_table(result.report)).decode("utf-8")


def holds_text(result: Outcome) -> str:
    return csv_text(holds_csv_table(result.report)).decode("utf-8")


def action_rows(result: Outcome) -> list[tuple[str, str, str, str, str]]:
    """data/actions.csv rows as (client_id, invoice_id, step, amount, reason)."""
    text = actions_text(result)
    assert text.splitlines()[0] == ACTIONS_HEADER
    return [(r["client_id"], r["invoice_id"], r["step"], r["amount"], r["reason"])
            for r in csv.DictReader(io.StringIO(text))]


def hold_rows(result: Outcome) -> list[tuple[str, str, str, str, str]]:
    """data/holds.csv rows as (client_id, currency, open_balance, credit_limit, reason)."""
    text = holds_text(result)
    assert text.splitlines()[0] == HOLDS_HEADER
    return [(r["client_id"], r["currency"], r["open_balance"], r["credit_limit"], r["reason"])
            for r in csv.DictReader(io.StringIO(text))]


def held(result: Outcome) -> list[str]:
    return [row[0] for row in hold_rows(result)]


# 1. step selection on the default ladder ---------------------------------------------------

@pytest.mark.parametrize(("days_past_due", "amount", "row"), [
    (-4, "100.00", None),
    (-3, "100.00", f"courtesy,email,,100.00,{COURTESY} courtesy: due in 3 days; step at -3; "
                   "balance 100.00 USD"),
    (-1, "100.00", f"courtesy,email,,100.00,{COURTESY} courtesy: due in 1 day; step at -3; "
                   "balance 100.00 USD"),
    (0, "100.00", f"due,email,,100.00,{DUE} due: 0 days past due ≥ 0; balance 100.00 USD"),
    (1, "100.00", f"first_overdue,email,,100.00,{FIRST_OVERDUE} first_overdue: "
                  "1 day past due ≥ 1; balance 100.00 USD"),
    (13, "100.00", f"first_overdue,email,,100.00,{FIRST_OVERDUE} first_overdue: "
                   "13 days past due ≥ 1; balance 100.00 USD"),
    (14, "100.00", f"penalty_warning,email,,100.00,{PENALTY_WARNING} penalty_warning: "
                   "14 days past due ≥ 14; balance 100.00 USD"),
    (20, "100.00", f"penalty_warning,email,,100.00,{PENALTY_WARNING} penalty_warning: "
                   "20 days past due ≥ 14; balance 100.00 USD"),
    (21, "100.00", f"call,phone,collector,100.00,{CALL} call: 21 days past due ≥ 21; "
                   "balance 100.00 USD"),
    (29, "100.00", f"call,phone,collector,100.00,{CALL} call: 29 days past due ≥ 21; "
                   "balance 100.00 USD"),
    (30, "100.00", f"formal_notice,letter,,100.00,{FORMAL_NOTICE} formal_notice: "
                   "30 days past due ≥ 30; balance 100.00 USD"),
    (44, "100.00", f"formal_notice,letter,,100.00,{FORMAL_NOTICE} formal_notice: "
                   "44 days past due ≥ 30; balance 100.00 USD"),
    (45, "100.00", f"credit_hold,,,100.00,{CREDIT_HOLD} credit_hold: 45 days past due ≥ 45; "
                   "balance 100.00 USD"),
    (74, "500.00", f"credit_hold,,,500.00,{CREDIT_HOLD} credit_hold: 74 days past due ≥ 45; "
                   "balance 500.00 USD"),
    (75, "500.00", f"final_notice,letter,,500.00,{FINAL_NOTICE} final_notice: 75 days past "
                   "due ≥ 75; balance 500.00 USD"),
    (89, "500.00", f"final_notice,letter,,500.00,{FINAL_NOTICE} final_notice: 89 days past "
                   "due ≥ 75; balance 500.00 USD"),
    (90, "499.99", f"final_notice,letter,,499.99,{FINAL_NOTICE} final_notice: 90 days past "
                   "due ≥ 75; balance 499.99 USD"),
    (90, "500.00", f"agency,agency,,500.00,{AGENCY} agency: 90 days past due ≥ 90; "
                   "balance 500.00 USD ≥ 500 USD"),
    (400, "750.00", f"agency,agency,,750.00,{AGENCY} agency: 400 days past due ≥ 90; "
                    "balance 750.00 USD ≥ 500 USD"),
])
def test_step_at_each_boundary_of_the_default_ladder(
        days_past_due: int, amount: str, row: str | None, tmp_ledger: TmpLedger,
        compute_report: ComputeReport) -> None:
    due = A - timedelta(days=days_past_due)
    issue = min(due, A) - timedelta(days=30)
    ledger = tmp_ledger(invoices=f"""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,{issue},{due},{amount}
    """)
    result = compute_report(ledger, A)
    expected = [ACTIONS_HEADER] + ([f"2024-03-15,C1,I1,USD,{row}"] if row else [])
    assert actions_text(result).splitlines() == expected
    # credit_hold and every later step put the client on hold
    assert held(result) == (["C1"] if days_past_due >= 45 else [])


def test_actions_csv_lists_each_open_invoice_by_client_and_invoice_with_its_open_amount(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount,currency
        I9,C2,2024-01-01,2024-02-09,80.00,USD
        I2,C1,2024-01-01,2024-02-24,1200.50,EUR
        I1,C1,2024-01-01,2024-02-09,60.00,USD
        I3,C1,2024-01-01,2024-02-09,40.00,USD
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-03-01,200.50,I2
        P2,C1,2024-03-01,40.00,I3
    """)
    result = compute_report(ledger, A)
    assert actions_text(result).splitlines() == [
        ACTIONS_HEADER,
        # I2 is 20 days past due, 1000.00 EUR left after P1; the balance is per currency
        "2024-03-15,C1,I1,USD,formal_notice,letter,,60.00,"
        f"{FORMAL_NOTICE} formal_notice: 35 days past due ≥ 30; balance 60.00 USD",
        "2024-03-15,C1,I2,EUR,penalty_warning,email,,1000.00,"
        f"{PENALTY_WARNING} penalty_warning: 20 days past due ≥ 14; balance 1000.00 EUR",
        # I3 is paid in full: no action
        "2024-03-15,C2,I9,USD,formal_notice,letter,,80.00,"
        f"{FORMAL_NOTICE} formal_notice: 35 days past due ≥ 30; balance 80.00 USD",
    ]


def test_amounts_and_balances_use_each_currencys_decimals(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount,currency
        I1,C1,2023-11-01,2023-12-06,120000,JPY
        I2,C2,2023-11-01,2024-02-09,12.345,BHD
    """, clients="""
        client_id,name,currency,credit_limit
        C1,One,JPY,100000
        C2,Two,BHD,10.000
    """)
    result = compute_report(ledger, A)
    assert action_rows(result) == [
        ("C1", "I1", "agency", "120000",
         f"{AGENCY} agency: 100 days past due ≥ 90; balance 120000 JPY ≥ 500 JPY"),
        ("C2", "I2", "formal_notice", "12.345",
         f"{FORMAL_NOTICE} formal_notice: 35 days past due ≥ 30; balance 12.345 BHD"),
    ]
    assert hold_rows(result) == [
        ("C1", "JPY", "120000", "100000",
         f"{CREDIT_HOLD} credit_hold: I1 100 days past due ≥ 45 (hold_shipments); "
         "clients.csv:2 credit_limit: balance 120000 JPY > limit 100000 JPY (120%)"),
        ("C2", "BHD", "12.345", "10.000",
         "clients.csv:3 credit_limit: balance 12.345 BHD > limit 10.000 BHD (123%)"),
    ]


def test_reaching_a_step_counts_from_the_due_date_whatever_the_aging_basis(
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
    """)
    result = compute_report(ledger, A, policies)
    # due 2024-03-01: 14 days past due (74 days since issue, which would be formal_notice)
    assert action_rows(result) == [
        ("C1", "I1", "penalty_warning", "100.00",
         f"{PENALTY_WARNING} penalty_warning: 14 days past due ≥ 14; balance 100.00 USD"),
    ]


def test_steps_are_ordered_by_at_and_ties_by_file_order(
        tmp_ledger: TmpLedger, tmp_policies: TmpPolicies,
        compute_report: ComputeReport) -> None:
    policies = tmp_policies(escalation="""
        ladders:
          standard:
            steps:
              - {id: late, at: 30, channel: letter}
              - {id: early, at: 5, channel: email}
              - {id: twin_a, at: 10, channel: email}
              - {id: twin_b, at: 10, channel: phone}
    """)
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-03-08,100.00
        I2,C2,2024-01-01,2024-03-03,100.00
        I3,C3,2024-01-01,2024-02-09,100.00
        I4,C4,2024-01-01,2024-03-03,100.00
        I5,C5,2024-01-01,2024-03-03,100.00
    """, contacts="""
        date,client_id,channel,invoice_id,step
        2024-03-14,C4,email,I4,twin_a
        2024-03-14,C5,phone,I5,twin_b
    """)
    result = compute_report(ledger, A, policies)
    assert action_rows(result) == [
        ("C1", "I1", "early", "100.00",
         "escalation.yaml:5 early: 7 days past due ≥ 5; balance 100.00 USD"),
        # at 12 days both twins are reached; the later in the file wins
        ("C2", "I2", "twin_b", "100.00",
         "escalation.yaml:7 twin_b: 12 days past due ≥ 10; balance 100.00 USD"),
        ("C3", "I3", "late", "100.00",
         "escalation.yaml:4 late: 35 days past due ≥ 30; balance 100.00 USD"),
        # twin_a comes before twin_b, so recording it does not cover twin_b; I5 recorded twin_b
        ("C4", "I4", "twin_b", "100.00",
         "escalation.yaml:7 twin_b: 12 days past due ≥ 10; balance 100.00 USD"),
    ]


# 2. contact-log suppression -----------------------------------------------------------------

@pytest.mark.parametrize(("recorded", "acts"), [
    ("formal_notice", False),   # the step itself
    ("credit_hold", False),     # a later step of the ladder
    ("agency", False),          # the last step, even though never reachable at this balance
    ("call", True),             # an earlier step
    ("courtesy", True),
    ("final_demand", True),     # a step id the ladder does not know suppresses nothing
    ("", True),                 # a contact that records no step
])
def test_contact_log_suppresses_the_step_or_a_later_one(
        recorded: str, acts: bool, tmp_ledger: TmpLedger,
        compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-02-09,60.00
    """, contacts=f"""
        date,client_id,channel,invoice_id,step,outcome
        2024-03-12,C1,letter,I1,{recorded},sent
    """)
    result = compute_report(ledger, A)
    assert action_rows(result) == ([
        ("C1", "I1", "formal_notice", "60.00",
         f"{FORMAL_NOTICE} formal_notice: 35 days past due ≥ 30; balance 60.00 USD"),
    ] if acts else [])


@pytest.mark.parametrize("outcome", ["sent", "bounced", "no_answer", ""])
def test_every_recorded_row_counts_whatever_its_outcome(
        outcome: str, tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-02-09,60.00
    """, contacts=f"""
        date,client_id,channel,invoice_id,step,outcome
        2024-03-12,C1,letter,I1,formal_notice,{outcome}
    """)
    assert action_rows(compute_report(ledger, A)) == []


def test_a_contact_naming_an_invoice_counts_for_that_invoice_only(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-02-09,60.00
        I2,C1,2024-01-01,2024-02-09,40.00
    """, contacts="""
        date,client_id,channel,invoice_id,step,outcome
        2024-03-12,C1,letter,I1,formal_notice,sent
    """)
    assert action_rows(compute_report(ledger, A)) == [
        ("C1", "I2", "formal_notice", "40.00",
         f"{FORMAL_NOTICE} formal_notice: 35 days past due ≥ 30; balance 100.00 USD"),
    ]


def test_a_contact_without_invoice_counts_for_the_invoices_that_had_reached_the_step(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-02-01,60.00
        I2,C1,2024-01-01,2024-02-10,40.00
        I3,C2,2024-01-01,2024-02-01,30.00
    """, contacts="""
        date,client_id,channel,invoice_id,step,outcome
        2024-03-05,C1,letter,,formal_notice,sent
    """)
    # on 2024-03-05 I1 was 33 days past due (reached formal_notice), I2 only 24 (had not);
    # on A both stand on formal_notice. C2's invoice is another client's.
    assert action_rows(compute_report(ledger, A)) == [
        ("C1", "I2", "formal_notice", "40.00",
         f"{FORMAL_NOTICE} formal_notice: 34 days past due ≥ 30; balance 100.00 USD"),
        ("C2", "I3", "formal_notice", "30.00",
         f"{FORMAL_NOTICE} formal_notice: 43 days past due ≥ 30; balance 30.00 USD"),
    ]


def test_a_contact_without_invoice_recording_an_earlier_step_does_not_cover_a_later_one(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-02-01,60.00
    """, contacts="""
        date,client_id,channel,invoice_id,step,outcome
        2024-02-25,C1,phone,,call,reached
    """)
    assert action_rows(compute_report(ledger, A)) == [
        ("C1", "I1", "formal_notice", "60.00",
         f"{FORMAL_NOTICE} formal_notice: 43 days past due ≥ 30; balance 60.00 USD"),
    ]


def test_a_contact_without_invoice_counts_only_where_its_own_step_was_reached(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-20,60.00
        I2,C1,2024-01-01,2024-02-01,40.00
    """, contacts="""
        date,client_id,channel,invoice_id,step,outcome
        2024-03-10,C1,internal,,credit_hold,sent
    """)
    # on 2024-03-10 I1 was 50 days past due (had reached credit_hold, where it stands on A);
    # I2 was 38 days past due: a later step it had not reached does not count for it
    assert action_rows(compute_report(ledger, A)) == [
        ("C1", "I2", "formal_notice", "40.00",
         f"{FORMAL_NOTICE} formal_notice: 43 days past due ≥ 30; balance 100.00 USD"),
    ]


def test_a_step_id_of_another_ladder_suppresses_nothing(
        tmp_ledger: TmpLedger, tmp_policies: TmpPolicies,
        compute_report: ComputeReport) -> None:
    policies = tmp_policies(escalation="""
        ladders:
          standard:
            steps:
              - {id: final, at: 30, channel: letter}
          gentle:
            steps:
              - {id: soft_letter, at: 30, channel: letter}
    """, segments="""
        default: {terms: net30, ladder: standard}
        segments: {}
        clients:
          C1: {ladder: gentle}
    """)
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-02-09,60.00
    """, contacts="""
        date,client_id,channel,invoice_id,step,outcome
        2024-03-12,C1,letter,I1,final,sent
    """)
    assert action_rows(compute_report(ledger, A, policies)) == [
        ("C1", "I1", "soft_letter", "60.00",
         "escalation.yaml:7 soft_letter: 35 days past due ≥ 30; balance 60.00 USD"),
    ]


@pytest.mark.parametrize(("contact_date", "acts"), [
    ("2024-03-15", False),  # dated A: counts
    ("2024-03-16", True),   # dated after A: ignored
])
def test_contacts_dated_after_the_as_of_date_are_ignored(
        contact_date: str, acts: bool, tmp_ledger: TmpLedger,
        compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-02-09,60.00
        I2,C1,2024-01-01,2024-02-09,40.00
    """, contacts=f"""
        date,client_id,channel,invoice_id,step,outcome
        {contact_date},C1,letter,I1,formal_notice,sent
        {contact_date},C1,letter,,formal_notice,sent
    """)
    rows = [(client, inv, step) for client, inv, step, _, _ in action_rows(
        compute_report(ledger, A))]
    assert rows == ([("C1", "I1", "formal_notice"), ("C1", "I2", "formal_notice")]
                    if acts else [])


# 3. skipped steps ----------------------------------------------------------------------------

def test_skipped_lower_steps_are_not_sent_late(tmp_ledger: TmpLedger,
                                                compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-02-09,60.00
    """)
    # first seen at 35 days past due: formal_notice only, no courtesy, due, ..., call
    assert actions_text(compute_report(ledger, A)).splitlines() == [
        ACTIONS_HEADER,
        "2024-03-15,C1,I1,USD,formal_notice,letter,,60.00,"
        "escalation.yaml:11 formal_notice: 35 days past due ≥ 30; balance 60.00 USD",
    ]


# 4. disputes ---------------------------------------------------------------------------------

def test_an_open_dispute_pauses_the_invoice(tmp_ledger: TmpLedger,
                                            compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-02-09,100.00
        I2,C1,2024-01-01,2024-02-09,80.00
        I3,C1,2024-01-01,2024-02-09,60.00
        I4,C1,2024-01-01,2024-02-09,40.00
        I5,C1,2024-01-01,2024-02-09,20.00
        I6,C1,2024-01-01,2024-02-09,10.00
    """, disputes="""
        invoice_id,opened,resolved,reason
        I1,2024-02-20,,wrong price
        I2,2024-02-20,2024-03-01,wrong price
        I3,2024-02-20,2024-03-20,wrong price
        I4,2024-03-16,,wrong price
        I5,2024-02-20,2024-03-15,wrong price
        I6,2024-03-15,,wrong price
    """)
    # I1 open; I2 resolved before A; I3 resolved after A (still open on A); I4 opened after
    # A; I5 resolved on A; I6 opened on A. The paused invoices still count in the balance.
    reason = f"{FORMAL_NOTICE} formal_notice: 35 days past due ≥ 30; balance 310.00 USD"
    assert action_rows(compute_report(ledger, A)) == [
        ("C1", "I2", "formal_notice", "80.00", reason),
        ("C1", "I4", "formal_notice", "40.00", reason),
        ("C1", "I5", "formal_notice", "20.00", reason),
    ]


@pytest.mark.parametrize(("pause_when", "acts"), [
    ("pause_when: [payment_plan]", True),
    ("pause_when: []", True),
    ("pause_when: [disputed]", False),
    ("", False),  # the default is [disputed, payment_plan]
])
def test_a_dispute_pauses_only_when_the_ladder_says_so(
        pause_when: str, acts: bool, tmp_ledger: TmpLedger, tmp_policies: TmpPolicies,
        compute_report: ComputeReport) -> None:
    policies = tmp_policies(escalation=f"""
        ladders:
          standard:
            steps:
              - {{id: reminder, at: 1, channel: email}}
              - {{id: final, at: 30, channel: letter}}
            {pause_when}
    """)
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-02-09,100.00
    """, disputes="""
        invoice_id,opened
        I1,2024-02-20
    """)
    assert action_rows(compute_report(ledger, A, policies)) == ([
        ("C1", "I1", "final", "100.00",
         "escalation.yaml:5 final: 35 days past due ≥ 30; balance 100.00 USD"),
    ] if acts else [])


# 5. payment plans ----------------------------------------------------------------------------

PLAN = """
    plan_id,client_id,start,installments,every_days,amount,invoice_ids
    PL1,C1,2024-02-01,3,30,100.00,I1
"""


def test_a_kept_plan_pauses_its_invoices_only(tmp_ledger: TmpLedger,
                                              compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2023-12-01,2024-01-10,600.00
        I2,C1,2024-01-01,2024-02-09,50.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-02-01,100.00,I1
        P2,C1,2024-03-02,100.00,I1
    """, payment_plans=PLAN)
    # installments due 2024-02-01 and 2024-03-02 (the third, 2024-04-01, is after A), each
    # paid on its day: I1 (65 days past due) is paused and does not put C1 on hold
    result = compute_report(ledger, A)
    assert action_rows(result) == [
        ("C1", "I2", "formal_notice", "50.00",
         f"{FORMAL_NOTICE} formal_notice: 35 days past due ≥ 30; balance 450.00 USD"),
    ]
    assert hold_rows(result) == []


@pytest.mark.parametrize("payments", [
    # the second installment is 20.00 short on its due date 2024-03-02
    """
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-02-01,100.00,I1
        P2,C1,2024-03-01,80.00,I1
    """,
    # the shortfall is paid after the due date, before A: the plan stays broken
    """
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-02-01,100.00,I1
        P2,C1,2024-03-01,80.00,I1
        P3,C1,2024-03-10,20.00,I1
    """,
    # the first installment paid a day late
    """
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-02-02,100.00,I1
        P2,C1,2024-03-01,100.00,I1
    """,
    # a payment for another invoice is not a plan payment
    """
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-02-01,100.00,I1
        P2,C1,2024-03-01,100.00,I2
    """,
])
def test_a_missed_installment_breaks_the_plan_and_the_ladder_resumes(
        payments: str, tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2023-12-01,2024-01-10,600.00
        I2,C1,2024-01-01,2024-02-09,500.00
    """, payments=payments, payment_plans=PLAN)
    result = compute_report(ledger, A)
    [(_, _, step, _, reason)] = [row for row in action_rows(result) if row[1] == "I1"]
    assert step == "credit_hold"
    assert reason.startswith(f"{CREDIT_HOLD} credit_hold: 65 days past due ≥ 45; balance ")
    assert held(result) == ["C1"]


def test_a_broken_plan_stays_broken_in_the_actions_csv(tmp_ledger: TmpLedger,
                                                       compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2023-12-01,2024-01-10,600.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-02-01,100.00,I1
        P2,C1,2024-03-01,80.00,I1
        P3,C1,2024-03-10,20.00,I1
    """, payment_plans=PLAN)
    result = compute_report(ledger, A)
    assert action_rows(result) == [
        ("C1", "I1", "credit_hold", "400.00",
         f"{CREDIT_HOLD} credit_hold: 65 days past due ≥ 45; balance 400.00 USD"),
    ]
    assert hold_rows(result) == [
        ("C1", "USD", "400.00", "",
         f"{CREDIT_HOLD} credit_hold: I1 65 days past due ≥ 45 (hold_shipments)"),
    ]


def test_a_plan_without_invoice_ids_covers_the_invoices_issued_on_or_before_its_start(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2023-12-01,2024-01-10,600.00
        I2,C1,2024-02-01,2024-02-09,70.00
        I3,C1,2024-02-02,2024-02-09,50.00
        I4,C2,2024-01-01,2024-02-09,40.00
    """, payments="""
        payment_id,client_id,date,amount
        P1,C1,2024-02-01,100.00
        P2,C1,2024-03-01,100.00
    """, payment_plans="""
        plan_id,client_id,start,installments,every_days,amount
        PL1,C1,2024-02-01,3,30,100.00
    """)
    # unreferenced payments are plan payments; the plan is kept and covers I1 and I2 (issued
    # on or before its start), not I3 (issued the day after) nor another client's I4
    result = compute_report(ledger, A)
    assert action_rows(result) == [
        ("C1", "I3", "formal_notice", "50.00",
         f"{FORMAL_NOTICE} formal_notice: 35 days past due ≥ 30; balance 520.00 USD"),
        ("C2", "I4", "formal_notice", "40.00",
         f"{FORMAL_NOTICE} formal_notice: 35 days past due ≥ 30; balance 40.00 USD"),
    ]
    assert hold_rows(result) == []


def test_a_plan_naming_several_invoices_counts_payments_to_any_of_them(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2023-12-01,2024-01-10,300.00
        I2,C1,2023-12-01,2024-01-10,200.00
        I3,C1,2023-12-01,2024-01-10,100.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-02-01,100.00,I1
        P2,C1,2024-03-02,100.00,I3
    """, payment_plans="""
        plan_id,client_id,start,installments,every_days,amount,invoice_ids
        PL1,C1,2024-02-01,3,30,100.00,I1;I3
    """)
    # I3 is paid off, I1 is paused by the kept plan; I2 is not in the plan
    result = compute_report(ledger, A)
    assert action_rows(result) == [
        ("C1", "I2", "credit_hold", "200.00",
         f"{CREDIT_HOLD} credit_hold: 65 days past due ≥ 45; balance 400.00 USD"),
    ]
    assert hold_rows(result) == [
        ("C1", "USD", "400.00", "",
         f"{CREDIT_HOLD} credit_hold: I2 65 days past due ≥ 45 (hold_shipments)"),
    ]


def test_a_payment_before_the_plan_start_is_not_a_plan_payment(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2023-12-01,2024-01-10,600.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-01-31,100.00,I1
        P2,C1,2024-03-02,100.00,I1
    """, payment_plans=PLAN)
    assert [row[2] for row in action_rows(compute_report(ledger, A))] == ["credit_hold"]


def test_a_plan_starting_after_the_as_of_date_pauses_nothing(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-02-09,60.00
    """, payment_plans="""
        plan_id,client_id,start,installments,every_days,amount,invoice_ids
        PL1,C1,2024-03-16,3,30,20.00,I1
    """)
    assert [row[2] for row in action_rows(compute_report(ledger, A))] == ["formal_notice"]


def test_a_plan_pauses_only_when_the_ladder_says_so(
        tmp_ledger: TmpLedger, tmp_policies: TmpPolicies,
        compute_report: ComputeReport) -> None:
    policies = tmp_policies(escalation="""
        ladders:
          standard:
            pause_when: [disputed]
            steps:
              - {id: final, at: 30, channel: letter}
    """)
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2023-12-01,2024-01-10,600.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-02-01,100.00,I1
        P2,C1,2024-03-02,100.00,I1
    """, payment_plans=PLAN)
    assert action_rows(compute_report(ledger, A, policies)) == [
        ("C1", "I1", "final", "400.00",
         "escalation.yaml:5 final: 65 days past due ≥ 30; balance 400.00 USD"),
    ]


# 6. promises ---------------------------------------------------------------------------------

PROMISE_LADDER = """
    ladders:
      standard:
        pause_when: [disputed, payment_plan, promised]
        steps:
          - {id: reminder, at: 1, channel: email}
          - {id: final, at: 30, channel: letter}
"""


def test_a_running_promise_pauses_when_the_ladder_lists_promised(
        tmp_ledger: TmpLedger, tmp_policies: TmpPolicies,
        compute_report: ComputeReport) -> None:
    policies = tmp_policies(escalation=PROMISE_LADDER)
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-02-09,10.00
        I2,C1,2024-01-01,2024-02-09,20.00
        I3,C1,2024-01-01,2024-02-09,30.00
        I4,C1,2024-01-01,2024-02-09,40.00
        I5,C1,2024-01-01,2024-02-09,50.00
    """, contacts="""
        date,client_id,channel,invoice_id,step,outcome,promise_date
        2024-03-10,C1,phone,I1,,promise,2024-03-20
        2024-03-10,C1,phone,I2,,promise,2024-03-15
        2024-03-01,C1,phone,I3,,promise,2024-03-14
        2024-03-16,C1,phone,I4,,promise,2024-03-30
        2024-03-10,C1,phone,I5,,reached,2024-03-30
    """)
    # I1 and I2 promised through a date ≥ A; I3's promise has passed (broken); I4's promise
    # is dated after A; I5's contact is not a promise
    reason = "escalation.yaml:6 final: 35 days past due ≥ 30; balance 150.00 USD"
    assert action_rows(compute_report(ledger, A, policies)) == [
        ("C1", "I3", "final", "30.00", reason),
        ("C1", "I4", "final", "40.00", reason),
        ("C1", "I5", "final", "50.00", reason),
    ]


def test_a_promise_without_invoice_covers_all_the_clients_open_invoices(
        tmp_ledger: TmpLedger, tmp_policies: TmpPolicies,
        compute_report: ComputeReport) -> None:
    policies = tmp_policies(escalation=PROMISE_LADDER)
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-02-09,10.00
        I2,C1,2024-01-01,2024-03-05,20.00
        I3,C2,2024-01-01,2024-02-09,30.00
    """, contacts="""
        date,client_id,channel,invoice_id,step,outcome,promise_date
        2024-03-10,C1,phone,,,promise,2024-03-22
    """)
    assert action_rows(compute_report(ledger, A, policies)) == [
        ("C2", "I3", "final", "30.00",
         "escalation.yaml:6 final: 35 days past due ≥ 30; balance 30.00 USD"),
    ]


def test_a_promise_does_not_pause_the_default_ladder(tmp_ledger: TmpLedger,
                                                     compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-02-09,60.00
    """, contacts="""
        date,client_id,channel,invoice_id,step,outcome,promise_date
        2024-03-10,C1,phone,I1,,promise,2024-03-20
    """)
    # the default pause_when is [disputed, payment_plan]
    assert action_rows(compute_report(ledger, A)) == [
        ("C1", "I1", "formal_notice", "60.00",
         f"{FORMAL_NOTICE} formal_notice: 35 days past due ≥ 30; balance 60.00 USD"),
    ]


# 7. min_balance ------------------------------------------------------------------------------

def test_min_balance_compares_the_clients_open_total_in_the_invoices_currency(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount,currency
        I1,C1,2023-11-01,2023-12-06,300.00,USD
        I2,C1,2024-03-01,2024-04-01,250.00,USD
        I3,C2,2023-11-01,2023-12-06,300.00,USD
        I4,C2,2024-01-01,2024-02-09,250.00,USD
        I5,C3,2023-11-01,2023-12-06,300.00,USD
        I6,C4,2023-11-01,2023-12-06,300.00,USD
        I7,C4,2023-11-01,2023-12-06,300.00,EUR
        I8,C5,2023-11-01,2023-12-06,700.00,USD
    """, disputes="""
        invoice_id,opened
        I4,2024-02-20
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C5,2024-03-01,250.00,I8
    """)
    # 100 days past due each. C1: I2 is not yet due, C2: I4 is disputed, both count (550.00);
    # C3 has 300.00; C4 has 300.00 in each currency; C5 has 450.00 left after a payment.
    result = compute_report(ledger, A)
    assert action_rows(result) == [
        ("C1", "I1", "agency", "300.00",
         f"{AGENCY} agency: 100 days past due ≥ 90; balance 550.00 USD ≥ 500 USD"),
        ("C2", "I3", "agency", "300.00",
         f"{AGENCY} agency: 100 days past due ≥ 90; balance 550.00 USD ≥ 500 USD"),
        ("C3", "I5", "final_notice", "300.00",
         f"{FINAL_NOTICE} final_notice: 100 days past due ≥ 75; balance 300.00 USD"),
        ("C4", "I6", "final_notice", "300.00",
         f"{FINAL_NOTICE} final_notice: 100 days past due ≥ 75; balance 300.00 USD"),
        ("C4", "I7", "final_notice", "300.00",
         f"{FINAL_NOTICE} final_notice: 100 days past due ≥ 75; balance 300.00 EUR"),
        ("C5", "I8", "final_notice", "450.00",
         f"{FINAL_NOTICE} final_notice: 100 days past due ≥ 75; balance 450.00 USD"),
    ]


def test_min_balance_per_currency(tmp_ledger: TmpLedger, tmp_policies: TmpPolicies,
                                  compute_report: ComputeReport) -> None:
    policies = tmp_policies(escalation="""
        ladders:
          standard:
            steps:
              - {id: reminder, at: 1, channel: email}
              - {id: agency, at: 60, channel: agency, min_balance: {USD: 500, EUR: 450}}
    """)
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount,currency
        I1,C1,2023-12-01,2024-01-10,460.00,EUR
        I2,C2,2023-12-01,2024-01-10,449.99,EUR
        I3,C3,2023-12-01,2024-01-10,460.00,USD
        I4,C4,2023-12-01,2024-01-10,500.00,USD
    """)
    assert action_rows(compute_report(ledger, A, policies)) == [
        ("C1", "I1", "agency", "460.00",
         "escalation.yaml:5 agency: 65 days past due ≥ 60; balance 460.00 EUR ≥ 450 EUR"),
        ("C2", "I2", "reminder", "449.99",
         "escalation.yaml:4 reminder: 65 days past due ≥ 1; balance 449.99 EUR"),
        ("C3", "I3", "reminder", "460.00",
         "escalation.yaml:4 reminder: 65 days past due ≥ 1; balance 460.00 USD"),
        ("C4", "I4", "agency", "500.00",
         "escalation.yaml:5 agency: 65 days past due ≥ 60; balance 500.00 USD ≥ 500 USD"),
    ]


# 8. which ladder: client override, segment, exclude -------------------------------------------

def test_ladder_by_client_override_then_segment_then_default_and_exclude(
        tmp_ledger: TmpLedger, tmp_policies: TmpPolicies,
        compute_report: ComputeReport) -> None:
    policies = tmp_policies(escalation="""
        ladders:
          standard:
            steps:
              - {id: first_overdue, at: 1, channel: email}
              - {id: formal_notice, at: 30, channel: letter}
              - {id: credit_hold, at: 45, action: hold_shipments}
          gentle:
            steps:
              - {id: nudge, at: 7, channel: email}
              - {id: soft_call, at: 40, channel: phone, owner: account_manager}
    """, segments="""
        default: {terms: net30, ladder: standard}
        segments:
          spa: {ladder: gentle}
          internal: {exclude: true}
        clients:
          C1: {ladder: gentle}
          C3: {exclude: true}
          C5: {ladder: standard}
    """)
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-25,100.00
        I2,C2,2024-01-01,2024-01-25,100.00
        I3,C3,2024-01-01,2024-01-25,100.00
        I4,C4,2024-01-01,2024-01-25,100.00
        I5,C5,2024-01-01,2024-01-25,100.00
        I6,C6,2024-01-01,2024-01-25,100.00
    """, clients="""
        client_id,name,segment
        C1,One,
        C2,Two,spa
        C3,Three,
        C4,Four,
        C5,Five,spa
        C6,Six,internal
    """)
    result = compute_report(ledger, A, policies)
    assert actions_text(result).splitlines() == [
        ACTIONS_HEADER,
        "2024-03-15,C1,I1,USD,soft_call,phone,account_manager,100.00,"
        "escalation.yaml:10 soft_call: 50 days past due ≥ 40; balance 100.00 USD",
        "2024-03-15,C2,I2,USD,soft_call,phone,account_manager,100.00,"
        "escalation.yaml:10 soft_call: 50 days past due ≥ 40; balance 100.00 USD",
        # C3 and C6 are excluded: no action, and no hold
        "2024-03-15,C4,I4,USD,credit_hold,,,100.00,"
        "escalation.yaml:6 credit_hold: 50 days past due ≥ 45; balance 100.00 USD",
        "2024-03-15,C5,I5,USD,credit_hold,,,100.00,"
        "escalation.yaml:6 credit_hold: 50 days past due ≥ 45; balance 100.00 USD",
    ]
    assert held(result) == ["C4", "C5"]


def test_a_client_override_can_lift_its_segments_exclude(
        tmp_ledger: TmpLedger, tmp_policies: TmpPolicies,
        compute_report: ComputeReport) -> None:
    policies = tmp_policies(segments="""
        default: {terms: net30, ladder: standard}
        segments:
          internal: {exclude: true}
        clients:
          C2: {exclude: false}
    """)
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-02-09,60.00
        I2,C2,2024-01-01,2024-02-09,40.00
    """, clients="""
        client_id,name,segment
        C1,One,internal
        C2,Two,internal
    """)
    # segments.yaml clients.<id> comes before the client's segment
    assert action_rows(compute_report(ledger, A, policies)) == [
        ("C2", "I2", "formal_notice", "40.00",
         f"{FORMAL_NOTICE} formal_notice: 35 days past due ≥ 30; balance 40.00 USD"),
    ]


def test_an_unknown_segment_gets_the_default_ladder_with_a_warning(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-02-09,60.00
    """, clients="""
        client_id,name,segment
        C1,One,dentl
    """)
    result = compute_report(ledger, A)
    assert [row[2] for row in action_rows(result)] == ["formal_notice"]
    assert any("segment 'dentl'" in w for w in result.warnings)


# 9. holds ------------------------------------------------------------------------------------

def test_holds_by_step_and_by_credit_limit(tmp_ledger: TmpLedger,
                                           compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount,currency
        I1,C1,2024-01-01,2024-01-25,100.00,USD
        I2,C1,2024-01-01,2024-02-09,30.00,USD
        I3,C2,2024-02-01,2024-03-10,700.00,USD
        I4,C2,2024-03-01,2024-03-31,400.00,USD
        I5,C3,2024-02-01,2024-03-10,500.00,USD
        I6,C4,2024-02-01,2024-03-10,1200.00,EUR
        I7,C5,2024-02-01,2024-03-10,800.00,EUR
        I8,C5,2024-02-01,2024-03-10,500.00,USD
        I9,C6,2023-11-01,2023-12-06,900.00,USD
        I10,C7,2024-01-01,2024-01-25,100.00,USD
    """, clients="""
        client_id,name,currency,credit_limit
        C1,One,,
        C2,Two,,1000.00
        C3,Three,,500.00
        C4,Four,EUR,1000.00
        C5,Five,EUR,1000.00
        C6,Six,,800.00
        C7,Seven,,
    """, disputes="""
        invoice_id,opened
        I10,2024-02-01
    """)
    # C1: I1 stands on credit_hold (50 days). C2: 1100.00 > 1000.00, not-yet-due included.
    # C3: exactly at its limit. C4: 1200.00 EUR over its EUR limit. C5: 800.00 EUR under
    # its limit (USD does not count). C6: at agency (a later step) and over its limit.
    # C7: its invoice past the hold step is disputed (paused).
    assert hold_rows(compute_report(ledger, A)) == [
        ("C1", "USD", "130.00", "",
         f"{CREDIT_HOLD} credit_hold: I1 50 days past due ≥ 45 (hold_shipments)"),
        ("C2", "USD", "1100.00", "1000.00",
         "clients.csv:3 credit_limit: balance 1100.00 USD > limit 1000.00 USD (110%)"),
        ("C4", "EUR", "1200.00", "1000.00",
         "clients.csv:5 credit_limit: balance 1200.00 EUR > limit 1000.00 EUR (120%)"),
        ("C6", "USD", "900.00", "800.00",
         f"{CREDIT_HOLD} credit_hold: I9 100 days past due ≥ 45 (hold_shipments); "
         "clients.csv:7 credit_limit: balance 900.00 USD > limit 800.00 USD (112%)"),
    ]


def test_a_hold_ends_when_the_balance_is_paid_back_below_the_limit(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-02-01,2024-03-10,1200.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-03-12,300.00,I1
    """, clients="""
        client_id,name,credit_limit
        C1,One,1000.00
    """)
    assert hold_rows(compute_report(ledger, date(2024, 3, 11))) == [
        ("C1", "USD", "1200.00", "1000.00",
         "clients.csv:2 credit_limit: balance 1200.00 USD > limit 1000.00 USD (120%)"),
    ]
    assert hold_rows(compute_report(ledger, A)) == []


def test_a_hold_by_step_ends_when_the_invoice_is_paid(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-25,100.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-03-14,100.00,I1
    """)
    assert held(compute_report(ledger, date(2024, 3, 13))) == ["C1"]
    result = compute_report(ledger, A)
    assert held(result) == []
    assert action_rows(result) == []


def test_a_hold_lasts_while_the_invoice_stands_on_the_step_even_once_recorded(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-25,100.00
    """, contacts="""
        date,client_id,channel,invoice_id,step,outcome
        2024-03-10,C1,internal,I1,credit_hold,sent
    """)
    result = compute_report(ledger, A)
    assert action_rows(result) == []
    assert hold_rows(result) == [
        ("C1", "USD", "100.00", "",
         f"{CREDIT_HOLD} credit_hold: I1 50 days past due ≥ 45 (hold_shipments)"),
    ]


# 10. one row per invoice and step; deposit lines ----------------------------------------------

def test_a_deposit_invoice_whose_lines_stand_on_different_steps_gives_two_rows(
        tmp_ledger: TmpLedger, tmp_policies: TmpPolicies,
        compute_report: ComputeReport) -> None:
    policies = tmp_policies(terms="""
        currency: USD
        aging: {basis: due_date, buckets: [0, 30, 60, 90]}
        terms:
          net30: {net_days: 30}
          dep30: {net_days: 30, deposit: {percent: 30}}
        default_terms: net30
    """, segments=PLAIN_SEGMENTS)
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,amount,terms
        D1,C1,2024-02-01,1000.00,dep30
        D2,C2,2023-10-01,200.00,dep30
    """)
    # D1: deposit 300.00 due 2024-02-01 (43 days), balance 700.00 due 2024-03-02 (13 days).
    # D2: both lines stand on final_notice (166 and 136 days): one row for the invoice.
    # amount is the invoice's open amount, all its due lines (SPEC data/actions.csv)
    result = compute_report(ledger, A, policies)
    assert action_rows(result) == [
        ("C1", "D1", "first_overdue", "1000.00",
         f"{FIRST_OVERDUE} first_overdue: 13 days past due ≥ 1; balance 1000.00 USD"),
        ("C1", "D1", "formal_notice", "1000.00",
         f"{FORMAL_NOTICE} formal_notice: 43 days past due ≥ 30; balance 1000.00 USD"),
        ("C2", "D2", "final_notice", "200.00",
         f"{FINAL_NOTICE} final_notice: 166 days past due ≥ 75; balance 200.00 USD"),
    ]


# 11. step conditions ----------------------------------------------------------------------------

CONDITIONS_LADDER = """
    ladders:
      standard:
        steps:
          - {id: reminder, at: 1, channel: email}
          - {id: dental_call, at: 10, channel: phone, segment: [dental, medspa]}
          - {id: consumer_letter, at: 20, channel: letter, kind: consumer}
          - {id: chase, at: 30, channel: email, min_days_since_last_contact: 7}
"""


def test_segment_and_kind_conditions(tmp_ledger: TmpLedger, tmp_policies: TmpPolicies,
                                     compute_report: ComputeReport) -> None:
    policies = tmp_policies(escalation=CONDITIONS_LADDER)
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-02-29,100.00
        I2,C2,2024-01-01,2024-02-29,100.00
        I3,C3,2024-01-01,2024-02-29,100.00
        I4,C4,2024-01-01,2024-02-19,100.00
        I5,C5,2024-01-01,2024-02-19,100.00
        I6,C6,2024-01-01,2024-02-19,100.00
    """, clients="""
        client_id,name,segment,kind
        C1,One,dental,business
        C2,Two,medical,business
        C3,Three,medspa,
        C4,Four,,consumer
        C5,Five,,business
        C6,Six,,
    """)
    # C1-C3 are 15 days past due: dental_call only for the dental and medspa segments.
    # C4-C6 are 25 days past due: consumer_letter only for the consumer; a client without a
    # kind is a business; neither meets dental_call's segment, so both stand on reminder.
    assert action_rows(compute_report(ledger, A, policies)) == [
        ("C1", "I1", "dental_call", "100.00",
         "escalation.yaml:5 dental_call: 15 days past due ≥ 10; balance 100.00 USD; "
         "segment dental"),
        ("C2", "I2", "reminder", "100.00",
         "escalation.yaml:4 reminder: 15 days past due ≥ 1; balance 100.00 USD"),
        ("C3", "I3", "dental_call", "100.00",
         "escalation.yaml:5 dental_call: 15 days past due ≥ 10; balance 100.00 USD; "
         "segment medspa"),
        ("C4", "I4", "consumer_letter", "100.00",
         "escalation.yaml:6 consumer_letter: 25 days past due ≥ 20; balance 100.00 USD; "
         "kind consumer"),
        ("C5", "I5", "reminder", "100.00",
         "escalation.yaml:4 reminder: 25 days past due ≥ 1; balance 100.00 USD"),
        ("C6", "I6", "reminder", "100.00",
         "escalation.yaml:4 reminder: 25 days past due ≥ 1; balance 100.00 USD"),
    ]


def test_min_days_since_last_contact(tmp_ledger: TmpLedger, tmp_policies: TmpPolicies,
                                     compute_report: ComputeReport) -> None:
    policies = tmp_policies(escalation=CONDITIONS_LADDER)
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-02-09,100.00
        I2,C2,2024-01-01,2024-02-09,100.00
        I3,C3,2024-01-01,2024-02-09,100.00
        I4,C4,2024-01-01,2024-02-09,100.00
        I5,C5,2024-01-01,2024-02-09,100.00
    """, contacts="""
        date,client_id,channel,invoice_id,step,outcome
        2024-03-12,C1,phone,,,reached
        2024-03-12,C2,email,I2,reminder,sent
        2024-03-08,C3,phone,,,reached
        2024-03-20,C5,phone,,,reached
    """)
    # 35 days past due. C1 was contacted 3 days ago: chase does not hold yet, I1 stands on
    # reminder. C2 likewise, and reminder is already recorded for I2. C3's last contact is 7
    # days old, C4 was never contacted, C5's contact is after A: chase.
    chase = "escalation.yaml:7 chase: 35 days past due ≥ 30; balance 100.00 USD; "
    assert action_rows(compute_report(ledger, A, policies)) == [
        ("C1", "I1", "reminder", "100.00",
         "escalation.yaml:4 reminder: 35 days past due ≥ 1; balance 100.00 USD"),
        ("C3", "I3", "chase", "100.00", chase + "last contact 7 days ago ≥ 7"),
        ("C4", "I4", "chase", "100.00", chase + "no contact recorded"),
        ("C5", "I5", "chase", "100.00", chase + "no contact recorded"),
    ]


LIMITED_LADDER = """
ladders:
  standard:
    steps:
      - {id: nudge, at: 1, channel: email}
      - {id: call, at: 10, channel: phone}
      - {id: hold, at: 20, action: hold_shipments}
    contact_limits:
      - {channel: phone, max: 2, per_days: 7}
      - {quiet_days_after: reached, quiet_days: 7}
"""


def test_contact_limits_hold_back_contacts_with_consumers_only(
        tmp_ledger: TmpLedger, tmp_policies: TmpPolicies,
        compute_report: ComputeReport) -> None:
    policies = tmp_policies(escalation=LIMITED_LADDER)
    ledger = tmp_ledger(clients="""
        client_id,name,kind
        P1,Two calls this week,consumer
        P2,One call this week,consumer
        P3,Spoke to us 3 days ago,consumer
        P4,Spoke to us 7 days ago,consumer
        B1,A business called twice,business
    """, invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,P1,2024-01-01,2024-03-01,100.00
        I2,P2,2024-01-01,2024-03-01,100.00
        I3,P3,2024-01-01,2024-03-11,100.00
        I4,P4,2024-01-01,2024-03-11,100.00
        I5,B1,2024-01-01,2024-03-01,100.00
    """, contacts="""
        date,client_id,channel,invoice_id,step,outcome
        2024-03-10,P1,phone,,,no_answer
        2024-03-12,P1,phone,,,no_answer
        2024-03-12,P2,phone,,,no_answer
        2024-03-12,P3,phone,,,reached
        2024-03-08,P4,phone,,,reached
        2024-03-10,B1,phone,,,no_answer
        2024-03-12,B1,phone,,,no_answer
    """)
    # As of 2024-03-15: I1, I2, I5 are 14 days past due (call); I3, I4 4 days (nudge).
    rows = action_rows(compute_report(ledger, date(2024, 3, 15), policies))
    assert [(r[0], r[2]) for r in rows] == [("B1", "call"), ("P2", "call"), ("P4", "nudge")]


def test_a_stop_hold_step_ends_the_hold_its_ladder_set(
        tmp_ledger: TmpLedger, tmp_policies: TmpPolicies,
        compute_report: ComputeReport) -> None:
    policies = tmp_policies(escalation="""
        ladders:
          standard:
            steps:
              - {id: hold, at: 30, action: hold_shipments}
              - {id: handed_over, at: 90, channel: agency, action: stop_hold}
    """)
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,100.00
        I2,C2,2024-01-01,2023-11-01,100.00
    """)
    held = [row[0] for row in hold_rows(compute_report(ledger, date(2024, 3, 15), policies))]
    assert held == ["C1"]


def test_plans_csv_reports_installments_due_paid_and_status(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    from arreport.report.tables import plans_csv_table

    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,300.00
        I2,C2,2024-01-01,2024-01-31,300.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-03-01,100.00,I1
        P2,C1,2024-03-31,100.00,I1
        P3,C2,2024-03-01,100.00,I2
        P4,C2,2024-04-02,100.00,I2
    """, payment_plans="""
        plan_id,client_id,start,installments,every_days,amount,invoice_ids
        PL1,C1,2024-03-01,3,30,100.00,I1
        PL2,C2,2024-03-01,3,30,100.00,I2
    """)
    report = compute_report(ledger, date(2024, 4, 15)).report
    assert csv_text(plans_csv_table(report)).decode("utf-8").splitlines() == [
        "plan_id,client_id,currency,installments,installments_due,amount_due,paid,status,"
        "first_missed,invoice_ids",
        "PL1,C1,USD,3,2,200.00,200.00,kept,,I1",
        "PL2,C2,USD,3,2,200.00,200.00,broken,2024-03-31,I2",
    ]


def test_a_plan_naming_only_unknown_invoices_covers_nothing(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,100.00
    """, payment_plans="""
        plan_id,client_id,start,installments,every_days,amount,invoice_ids
        PL,C1,2024-03-01,3,30,10.00,X9
    """)
    result = compute_report(ledger, date(2024, 3, 1))
    assert [row[2] for row in action_rows(result)] == ["formal_notice"]
    assert any("X9" in w for w in result.warnings)


def test_a_repeated_plan_invoice_id_counts_its_payments_once(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,300.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-03-01,50.00,I1
    """, payment_plans="""
        plan_id,client_id,start,installments,every_days,amount,invoice_ids
        PL,C1,2024-03-01,3,30,100.00,I1 I1
    """)
    # 50.00 paid against a first installment of 100.00: broken, the ladder resumes
    assert [row[2] for row in action_rows(compute_report(ledger, date(2024, 3, 15)))] == [
        "formal_notice"]


def test_a_loose_contact_does_not_count_for_an_invoice_issued_after_it(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I2,C1,2024-02-03,2024-02-04,100.00
    """, contacts="""
        date,client_id,channel,invoice_id,step
        2024-02-01,C1,email,,courtesy
    """)
    assert [row[2] for row in action_rows(compute_report(ledger, date(2024, 2, 3)))] == [
        "courtesy"]


def test_a_completed_plan_no_longer_pauses_what_is_still_open(
        tmp_ledger: TmpLedger, compute_report: ComputeReport) -> None:
    """Three installments of 100.00 (2024-02-01, 03-02, 04-01) against a 600.00 debt, each
    paid on its day: on the last installment's day the plan still pauses I1; the day after,
    it is completed and the 300.00 still open escalates."""
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2023-12-01,2024-01-10,600.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-02-01,100.00,I1
        P2,C1,2024-03-02,100.00,I1
        P3,C1,2024-04-01,100.00,I1
    """, payment_plans=PLAN)
    last_day = compute_report(ledger, date(2024, 4, 1))
    assert action_rows(last_day) == []
    after = compute_report(ledger, date(2024, 4, 2))
    assert [(row[1], row[2], row[3]) for row in action_rows(after)] == [
        ("I1", "final_notice", "300.00")]
