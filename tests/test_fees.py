"""Fees and interest due on A (SPEC Semantics: Fees and interest), from small inline worlds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from arreport.pipeline import compute, load_inputs
from arreport.render.csvfiles import csv_text
from arreport.report.tables import fees_csv_table
from conftest import DEFAULT_POLICIES

LADDER = """
ladders:
  standard:
    steps:
      - {id: reminder, at: 1, channel: email}
      - {id: notice, at: 30, channel: letter, fee: late_fee}
      - {id: final, at: 60, channel: letter, fee: big_fee}
fees:
  late_fee: {flat: {USD: 25.00, EUR: 20.00}}
  big_fee: {flat: 10.00, percent: 10, min: 15.00, max: 40.00}
  interest: {annual_percent: 12, grace_days: 5}
"""


def fee_rows(ledger: Path, as_of: dt.date, policies: Path = DEFAULT_POLICIES) -> list[str]:
    led, pol, diags = load_inputs(ledger, policies)
    report = compute(led, pol, as_of, diags)
    return csv_text(fees_csv_table(report)).decode("utf-8").splitlines()[1:]


def test_step_fee_is_due_on_the_day_its_step_is_the_action(
        tmp_ledger: Callable[..., Path], tmp_policies: Callable[..., Path]) -> None:
    policies = tmp_policies(escalation=LADDER)
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount,currency
        I1,C1,2024-01-01,2024-01-31,100.00,USD
        I2,C1,2024-01-01,2024-01-31,100.00,EUR
    """)
    rows = fee_rows(ledger, dt.date(2024, 3, 1), policies)  # 30 days past due
    assert [r for r in rows if ",late_fee," in r] == [
        "late_fee:I1,C1,I1,USD,late_fee,2024-03-01,25.00,escalation.yaml:8 late_fee: step "
        "notice (escalation.yaml:5) on 2024-03-01; flat 20.00 EUR / 25.00 USD = 25.00 USD",
        "late_fee:I2,C1,I2,EUR,late_fee,2024-03-01,20.00,escalation.yaml:8 late_fee: step "
        "notice (escalation.yaml:5) on 2024-03-01; flat 20.00 EUR / 25.00 USD = 20.00 EUR",
    ]


def test_a_skipped_step_charges_nothing_and_a_recorded_one_does(
        tmp_ledger: Callable[..., Path], tmp_policies: Callable[..., Path]) -> None:
    policies = tmp_policies(escalation=LADDER)
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,100.00
        I2,C1,2024-01-01,2024-01-31,100.00
    """, contacts="""
        date,client_id,channel,invoice_id,step
        2024-03-02,C1,letter,I2,notice
    """)
    # 65 days past due: both stand on `final`; only I2 had `notice` recorded
    rows = fee_rows(ledger, dt.date(2024, 4, 5), policies)
    late = [r.split(",")[0] + "@" + r.split(",")[5] for r in rows if ",late_fee," in r]
    assert late == ["late_fee:I2@2024-03-02"]


def test_percent_fee_is_capped_and_rounded_once(
        tmp_ledger: Callable[..., Path], tmp_policies: Callable[..., Path]) -> None:
    policies = tmp_policies(escalation=LADDER)
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        SMALL,C1,2024-01-01,2024-01-31,20.00
        MID,C2,2024-01-01,2024-01-31,123.45
        BIG,C3,2024-01-01,2024-01-31,900.00
    """)
    rows = fee_rows(ledger, dt.date(2024, 3, 31), policies)  # 60 days past due
    big = {r.split(",")[2]: r.split(",")[6] for r in rows if ",big_fee," in r}
    # 10.00 + 10%: 12.00 -> min 15.00; 22.345 -> 22.35 (half-up); 100.00 -> max 40.00
    assert big == {"SMALL": "15.00", "MID": "22.35", "BIG": "40.00"}


def test_an_invoiced_fee_is_not_charged_again(tmp_ledger: Callable[..., Path],
                                              tmp_policies: Callable[..., Path]) -> None:
    policies = tmp_policies(escalation=LADDER)
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount,reference
        I1,C1,2024-01-01,2024-01-31,100.00,
        F1,C1,2024-03-01,2024-03-01,25.00,late_fee:I1
    """)
    rows = fee_rows(ledger, dt.date(2024, 3, 1), policies)
    assert [r for r in rows if r.startswith("late_fee:I1,")] == []


def test_interest_counts_from_the_due_date_once_past_grace(
        tmp_ledger: Callable[..., Path]) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        GRACE,C1,2024-01-01,2024-01-31,1000.00
        PAST,C1,2024-01-01,2024-01-30,1000.00
        DISPUTED,C1,2024-01-01,2024-01-01,1000.00
    """, disputes="""
        invoice_id,opened
        DISPUTED,2024-01-15
    """)
    rows = fee_rows(ledger, dt.date(2024, 2, 5), DEFAULT_POLICIES)
    interest = [r for r in rows if ",interest," in r]
    # GRACE is 5 days past due (= grace): nothing. PAST is 6: 1000 × 12% × 6/365 = 1.97
    assert interest == [
        "interest:PAST,C1,PAST,USD,interest,2024-02-05,1.97,escalation.yaml:20 interest: "
        "1000.00 USD open × 12% × 6/365 days (more than 5 days past due) = 1.97 USD",
    ]


def test_invoiced_interest_counts_from_the_day_after_its_invoice(
        tmp_ledger: Callable[..., Path]) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount,reference
        I1,C1,2024-01-01,2024-01-31,1000.00,
        INT1,C1,2024-03-31,2024-04-30,10.00,interest:I1
    """)
    rows = fee_rows(ledger, dt.date(2024, 4, 30), DEFAULT_POLICIES)
    i1 = [r for r in rows if r.startswith("interest:I1,")]
    # 30 days since the interest invoice of Mar 31: 1000 × 12% × 30/365 = 9.86
    assert len(i1) == 1 and ",9.86," in i1[0] and "× 30/365 days" in i1[0]


PRESETS = """
ladders:
  standard:
    steps:
      - {id: reminder, at: 1, channel: email}
fees:
  eu: {preset: eu_late_payment}
  uk: {preset: uk_late_payment}
"""


def test_statutory_presets_apply_to_business_clients_in_their_currency(
        tmp_ledger: Callable[..., Path], tmp_policies: Callable[..., Path]) -> None:
    policies = tmp_policies(escalation=PRESETS)
    ledger = tmp_ledger(clients="""
        client_id,name,kind
        B1,Berlin GmbH,business
        P1,Private Person,consumer
    """, invoices="""
        invoice_id,client_id,issue_date,due_date,amount,currency
        E1,B1,2024-05-01,2024-05-31,1000.00,EUR
        E2,B1,2024-06-01,2024-07-01,1000.00,EUR
        G1,B1,2024-06-01,2024-07-01,999.99,GBP
        G2,B1,2024-06-01,2024-07-01,1000.00,GBP
        G3,B1,2024-06-01,2024-07-01,10000.00,GBP
        U1,B1,2024-06-01,2024-07-01,1000.00,USD
        C1,P1,2024-06-01,2024-07-01,1000.00,EUR
    """)
    rows = fee_rows(ledger, dt.date(2024, 7, 31), policies)
    got = {r.split(",")[0]: r.split(",")[6] for r in rows}
    # E1 fell due in the first half of 2024 (ECB 4.50 + 8 = 12.5%): 1000 × 12.5% × 61/365
    assert got["eu:E1"] == "20.89"
    # E2 fell due on 1 July (ECB 4.25 + 8 = 12.25%): 1000 × 12.25% × 30/365 = 10.07
    assert got["eu:E2"] == "10.07"
    assert got["eu-compensation:E1"] == "40.00" and got["eu-compensation:E2"] == "40.00"
    # UK: base 5.25 + 8 = 13.25%; the fixed sum by debt: < 1,000: 40; to 9,999.99: 70; 100
    assert got["uk:G2"] == "10.89"
    assert (got["uk-compensation:G1"], got["uk-compensation:G2"],
            got["uk-compensation:G3"]) == ("40.00", "70.00", "100.00")
    # never on consumers, never on other currencies
    assert not any(k.endswith(":C1") or k.endswith(":U1") for k in got)


def test_a_segment_fee_list_limits_which_rules_charge(
        tmp_ledger: Callable[..., Path], tmp_policies: Callable[..., Path]) -> None:
    policies = tmp_policies(escalation=LADDER, segments="""
        default: {terms: net30, ladder: standard}
        segments:
          vip: {fees: []}
          partner: {fees: [late_fee]}
        clients:
          C3: {fees: [interest]}
    """)
    ledger = tmp_ledger(clients="""
        client_id,name,segment
        C1,Vip,vip
        C2,Partner,partner
        C3,Partner with interest only,partner
        C4,Anyone,
    """, invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,100.00
        I2,C2,2024-01-01,2024-01-31,100.00
        I3,C3,2024-01-01,2024-01-31,100.00
        I4,C4,2024-01-01,2024-01-31,100.00
    """)
    rows = fee_rows(ledger, dt.date(2024, 3, 1), policies)
    assert sorted(r.split(",")[0] for r in rows) == [
        "interest:I3", "interest:I4", "late_fee:I2", "late_fee:I4"]


def test_a_fee_invoiced_after_the_as_of_date_is_still_due(
        tmp_ledger: Callable[..., Path]) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount,reference
        I1,C1,2024-01-01,2024-01-31,100.00,
        F1,C1,2024-04-01,2024-04-01,25.00,late_fee:I1
        F2,C1,2024-04-01,2024-04-01,1.00,interest:I1
    """, contacts="""
        date,client_id,channel,invoice_id,step
        2024-03-01,C1,letter,I1,formal_notice
    """)
    rows = fee_rows(ledger, dt.date(2024, 3, 15), DEFAULT_POLICIES)
    assert [(r.split(",")[0], r.split(",")[6]) for r in rows] == [
        ("interest:I1", "1.45"), ("late_fee:I1", "25.00")]


def test_a_recorded_step_fee_stays_due_after_the_invoice_is_paid(
        tmp_ledger: Callable[..., Path]) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,100.00
    """, contacts="""
        date,client_id,channel,invoice_id,step
        2024-03-01,C1,letter,I1,formal_notice
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-03-10,100.00,I1
    """)
    rows = fee_rows(ledger, dt.date(2024, 3, 15), DEFAULT_POLICIES)
    assert [r.split(",")[0] + "@" + r.split(",")[5] for r in rows] == [
        "late_fee:I1@2024-03-01"]


def test_flat_plus_percent_is_rounded_once(tmp_ledger: Callable[..., Path],
                                           tmp_policies: Callable[..., Path]) -> None:
    policies = tmp_policies(escalation="""
        ladders:
          standard:
            steps:
              - {id: notice, at: 30, channel: letter, fee: mixed}
        fees:
          mixed: {flat: 2.50, percent: 1}
          rate: {annual_percent: 9.87654, grace_days: 0}
    """)
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount,currency
        Y1,C1,2024-01-01,2024-01-31,150,JPY
        U1,C2,2023-01-01,2023-03-02,1000000.00,USD
    """)
    rows = {r.split(",")[0]: r.split(",")[6]
            for r in fee_rows(ledger, dt.date(2024, 3, 1), policies)}
    # 2.50 + 1% of 150 = 4.00 JPY -> 4 (rounding the flat part first would give 5)
    assert rows["mixed:Y1"] == "4"
    # 1,000,000.00 × 9.87654% × 365/365 = 98,765.40 exactly, no truncated rate
    assert rows["rate:U1"] == "98765.40"


def test_a_fee_with_no_amount_for_the_currency_charges_nothing(
        tmp_ledger: Callable[..., Path], tmp_policies: Callable[..., Path]) -> None:
    policies = tmp_policies(escalation=LADDER)
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount,currency
        G1,C1,2024-01-01,2024-01-31,100.00,GBP
    """)
    rows = fee_rows(ledger, dt.date(2024, 3, 1), policies)
    assert [r for r in rows if ",late_fee," in r] == []


def test_interest_on_a_huge_debt_is_exact_past_int64(
        tmp_ledger: Callable[..., Path], tmp_policies: Callable[..., Path]) -> None:
    """open × days × rate passes 2**63 here; the interest is still exact (half-up), as it is
    for an ordinary debt computed in int64 beside it."""
    policies = tmp_policies(escalation=LADDER)
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        HUGE,C1,2014-01-01,2014-01-31,10000000000000.00
        SMALL,C2,2014-01-01,2014-01-31,100.00
    """)
    as_of = dt.date(2014, 1, 31) + dt.timedelta(days=3000)
    rows = fee_rows(ledger, as_of, policies)
    interest = {r.split(",")[2]: r.split(",")[6] for r in rows if ",interest," in r}
    # 10**15 minor × 12% × 3000/365 = 986301369863013.69... -> ...014; 100.00: 98.63
    assert interest == {"HUGE": "9863013698630.14", "SMALL": "98.63"}


DEPOSIT_TERMS = (DEFAULT_POLICIES / "terms.yaml").read_text(encoding="utf-8").replace(
    "terms:\n", "terms:\n  dep: {deposit: {percent: 30}, net_days: 30}\n", 1)


def test_interest_on_a_deposit_invoice_shows_each_due_line(
        tmp_ledger: Callable[..., Path], tmp_policies: Callable[..., Path]) -> None:
    policies = tmp_policies(escalation=LADDER, terms=DEPOSIT_TERMS)
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount,currency,terms
        I8,C1,2026-01-10,,100.00,USD,dep
        I9,C1,2026-01-10,,100.00,USD,
    """, payments="""
        payment_id,client_id,date,amount,currency,invoice_id
        P2,C1,2026-01-12,20.00,USD,I8
    """)
    rows = fee_rows(ledger, dt.date(2026, 3, 1), policies)
    # deposit 30.00 due 2026-01-10, 10.00 open after the payment: 50 days; balance 70.00
    # due 2026-02-09: 20 days. 10 × 12% × 50/365 + 70 × 12% × 20/365 = 0.1644 + 0.4603
    assert [r for r in rows if r.startswith("interest:")] == [
        "interest:I8,C1,I8,USD,interest,2026-01-16,0.62,escalation.yaml:10 interest: "
        "10.00 USD open × 12% × 50/365 days + 70.00 USD open × 12% × 20/365 days "
        "(more than 5 days past due) = 0.62 USD",
        # one due line: one term, as before
        "interest:I9,C1,I9,USD,interest,2026-02-15,0.66,escalation.yaml:10 interest: "
        "100.00 USD open × 12% × 20/365 days (more than 5 days past due) = 0.66 USD",
    ]


def test_a_preset_on_a_deposit_invoice_shows_each_line_at_its_own_reference_rate(
        tmp_ledger: Callable[..., Path], tmp_policies: Callable[..., Path]) -> None:
    policies = tmp_policies(escalation=PRESETS, terms=DEPOSIT_TERMS)
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount,currency,terms
        E1,C1,2024-06-20,,1000.00,EUR,dep
    """)
    rows = fee_rows(ledger, dt.date(2024, 7, 31), policies)
    # deposit 300.00 due 2024-06-20 (ECB 4.50 + 8 = 12.5%) for 41 days, balance 700.00 due
    # 2024-07-20 (ECB 4.25 + 8 = 12.25%) for 11 days: 4.2123 + 2.5842 = 6.80
    assert [r for r in rows if r.startswith("eu:")] == [
        'eu:E1,C1,E1,EUR,eu,2024-06-21,6.80,"escalation.yaml:6 eu: '
        "300.00 EUR open × 12.5% (ecb_reference 4.5% from 2024-01-01 in rates.yaml:10 + 8, "
        "eu_late_payment) × 41/365 days + "
        "700.00 EUR open × 12.25% (ecb_reference 4.25% from 2024-07-01 in rates.yaml:11 + 8, "
        'eu_late_payment) × 11/365 days (more than 0 days past due) = 6.80 EUR"',
    ]
