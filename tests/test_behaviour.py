"""Payment behaviour (issue 5): settlement dates, the window, days to pay and late (plain and
weighted), partial and rounded-down payments, trends, seasonality. Inline worlds with
hand-computed expectations; figures are read from data/behaviour.csv as a user sees them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from arreport.compute.settlement import NOT_SETTLED
from arreport.ledger.dates import from_day
from arreport.pipeline import Report, compute, load_inputs
from arreport.render.csvfiles import csv_text
from arreport.report.profile_tables import behaviour_csv_table, seasonality_csv_table
from conftest import DEFAULT_POLICIES

TmpLedger = Callable[..., Path]
A = dt.date(2024, 6, 30)


def report_of(ledger: Path, as_of: dt.date = A, policies: Path = DEFAULT_POLICIES) -> Report:
    led, pol, diags = load_inputs(ledger, policies)
    return compute(led, pol, as_of, diags)


def settlement_dates(report: Report) -> dict[str, dt.date | None]:
    s = report.settled
    ids = report.ledger.invoices["invoice_id"].to_numpy(dtype=object)
    return {str(ids[i]): (None if d == NOT_SETTLED else from_day(int(d)))
            for i, d in zip(s["inv"].tolist(), s["settlement_date"].tolist(), strict=True)}


def behaviour_rows(report: Report) -> dict[tuple[str, str], dict[str, str]]:
    lines = csv_text(behaviour_csv_table(report)).decode("utf-8").splitlines()
    header = lines[0].split(",")
    out = {}
    for line in lines[1:]:
        row = dict(zip(header, line.split(","), strict=True))
        out[row["client_id"], row["currency"]] = row
    return out


def payment_flags(report: Report) -> dict[str, tuple[bool, bool]]:
    """payment_id -> (partial, rounded_down)."""
    f = report.facts
    ids = report.allocation.docs["doc_id"].to_numpy(dtype=object)
    return {str(ids[d]): (bool(p), bool(r)) for d, p, r in zip(
        f["doc"].tolist(), f["partial"].tolist(), f["rounded_down"].tolist(), strict=True)}


# --- settlement dates ----------------------------------------------------------------------

def test_split_payments_settle_on_the_last_one(tmp_ledger: TmpLedger) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,100.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-01-20,40.00,I1
        P2,C1,2024-02-10,60.00,I1
    """)
    report = report_of(ledger)
    assert settlement_dates(report) == {"I1": dt.date(2024, 2, 10)}
    row = behaviour_rows(report)["C1", "USD"]
    # 40 days from issue to settlement, 10 past the due date
    assert (row["invoices_paid"], row["avg_days_to_pay"], row["avg_days_late"]) == \
        ("1", "40.0", "10.0")
    assert (row["on_time_share"], row["late_share"], row["partial_payments"]) == \
        ("0.0000", "1.0000", "1")


def test_pooled_payments_settle_in_pool_order_on_the_date_they_cover_it(
        tmp_ledger: TmpLedger) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,100.00
        I2,C1,2024-01-15,2024-02-15,50.00
    """, payments="""
        payment_id,client_id,date,amount
        P1,C1,2024-02-01,120.00
        P2,C1,2024-02-20,30.00
    """)
    report = report_of(ledger)
    # the pool needs 100 for I1 (covered by P1 on 02-01) and 150 for I2 (only with P2)
    assert settlement_dates(report) == {"I1": dt.date(2024, 2, 1), "I2": dt.date(2024, 2, 20)}
    flags = payment_flags(report)
    assert flags["P1"] == (True, False)  # it stopped 20.00 into I2's 50.00
    assert flags["P2"] == (False, False)


def test_referenced_then_pooled_settles_on_the_later_date(tmp_ledger: TmpLedger) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,100.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-01-25,70.00,I1
        P2,C1,2024-02-05,30.00,
    """)
    assert settlement_dates(report_of(ledger)) == {"I1": dt.date(2024, 2, 5)}


def test_settlement_is_never_before_the_issue_date(tmp_ledger: TmpLedger) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-10,2024-02-10,100.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P0,C1,2024-01-02,100.00,I1
    """)
    report = report_of(ledger)
    assert settlement_dates(report) == {"I1": dt.date(2024, 1, 10)}
    assert behaviour_rows(report)["C1", "USD"]["avg_days_to_pay"] == "0.0"


def test_credit_notes_settle_and_open_invoices_have_no_date(tmp_ledger: TmpLedger) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,100.00
        I2,C1,2024-01-01,2024-01-31,100.00
    """, credit_notes="""
        credit_id,client_id,date,amount,invoice_id
        CN1,C1,2024-01-05,100.00,I1
        CN2,C1,2024-01-05,99.99,I2
    """)
    assert settlement_dates(report_of(ledger)) == {"I1": dt.date(2024, 1, 5), "I2": None}


# --- the window and the averages -------------------------------------------------------------

@pytest.mark.parametrize(("settled", "counted"), [
    ("2023-07-01", False),  # A − 365 days: outside (A − window, A]
    ("2023-07-02", True),   # the first day inside
    ("2024-06-30", True),   # A itself
])
def test_the_window_holds_invoices_settled_in_it(settled: str, counted: bool,
                                                 tmp_ledger: TmpLedger) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2023-06-01,2023-07-01,10.00
    """, payments=f"""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,{settled},10.00,I1
    """)
    assert behaviour_rows(report_of(ledger))["C1", "USD"]["invoices_paid"] == \
        ("1" if counted else "0")


def test_plain_and_amount_weighted_lateness_and_the_median(tmp_ledger: TmpLedger) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-03-01,2024-03-31,100.00
        I2,C1,2024-03-01,2024-03-31,300.00
        I3,C1,2024-03-01,2024-03-31,100.00
        I4,C1,2024-03-01,2024-03-31,100.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-04-10,100.00,I1
        P2,C1,2024-03-30,300.00,I2
        P3,C1,2024-03-31,100.00,I3
        P4,C1,2024-04-15,100.00,I4
    """)
    row = behaviour_rows(report_of(ledger))["C1", "USD"]
    # days late 10, 0, 0, 15: plain (25/4) 6.25 -> 6.3 half-up; weighted by amount
    # (100·10 + 100·15) / 600 = 4.166... -> 4.2; days to pay 40, 29, 30, 45: median 35.0
    assert (row["avg_days_late"], row["weighted_days_late"]) == ("6.3", "4.2")
    assert (row["avg_days_to_pay"], row["median_days_to_pay"]) == ("36.0", "35.0")
    assert row["on_time_share"] == "0.5000"
    assert row["paid_amount"] == "600.00"


# --- partial and rounded-down payments -------------------------------------------------------

@pytest.mark.parametrize(("paid", "partial", "rounded"), [
    ("1250.00", True, True),    # 1287.40 cut to a multiple of 50
    ("1287.00", True, True),    # the cents dropped (a multiple of 1)
    ("1200.00", True, True),    # a multiple of 100; 87.40 short is 6.8% ≤ 10%
    ("1100.00", True, False),   # a multiple of 100 but not the cut (1200.00)
    ("1000.00", True, False),   # the cut to 1000, but 22.3% short > 10%
    ("1250.50", True, False),   # not a round figure
    ("1287.40", False, False),  # paid in full
    ("1300.00", False, False),  # overpaid
])
def test_rounded_down_payments(paid: str, partial: bool, rounded: bool,
                               tmp_ledger: TmpLedger) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-05-01,2024-05-31,1287.40
    """, payments=f"""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-06-01,{paid},I1
    """)
    assert payment_flags(report_of(ledger))["P1"] == (partial, rounded)


def test_the_shortfall_limit_is_inclusive(tmp_ledger: TmpLedger, tmp_policies: Callable[..., Path]
                                          ) -> None:
    # 110.00 open, 100.00 paid (the cut to a multiple of 100): the shortfall 10.00 is
    # 9.0909...% of the open amount, above a 9.09% limit and within a 9.1% one
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-05-01,2024-05-31,110.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-06-01,100.00,I1
    """)
    for limit, expected in (("9.09", False), ("9.1", True)):
        policies = tmp_policies()
        (policies / "risk.yaml").write_text(
            f"behaviour: {{rounded_down: {{units: [100], max_shortfall_percent: {limit}}}}}\n",
            encoding="utf-8")
        assert payment_flags(report_of(ledger, policies=policies))["P1"] == (True, expected)


def test_a_payment_taking_the_early_payment_discount_is_not_partial(
        tmp_ledger: TmpLedger) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,amount,terms
        I1,C1,2024-05-01,1000.00,2-10-net30
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-05-08,980.00,I1
    """)
    report = report_of(ledger)
    assert payment_flags(report)["P1"] == (False, False)
    row = behaviour_rows(report)["C1", "USD"]
    assert (row["discounts_taken"], row["discounts_missed"], row["on_time_share"]) == \
        ("1", "0", "1.0000")


DEPOSIT_TERMS = (DEFAULT_POLICIES / "terms.yaml").read_text(encoding="utf-8").replace(
    "\nterms:\n", "\nterms:\n  dep30: {net_days: 30, deposit: {percent: 30}}\n")


def test_paying_each_deposit_line_in_full_is_not_partial(
        tmp_ledger: TmpLedger, tmp_policies: Callable[..., Path]) -> None:
    # 30% deposit due at issue, the balance 30 days later: each payment pays one due line in
    # full on its due date, so none left part of a due line open
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,amount,terms
        D1,C1,2024-05-01,1000.00,dep30
        D2,C1,2024-05-10,1000.00,dep30
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-05-01,300.00,D1
        P2,C1,2024-05-10,300.00,D2
        P3,C1,2024-05-31,700.00,D1
        P4,C1,2024-06-09,700.00,D2
    """)
    report = report_of(ledger, policies=tmp_policies(terms=DEPOSIT_TERMS))
    assert {p: f[0] for p, f in payment_flags(report).items()} == \
        {"P1": False, "P2": False, "P3": False, "P4": False}
    row = behaviour_rows(report)["C1", "USD"]
    assert (row["invoices_paid"], row["on_time_share"], row["partial_payments"]) == \
        ("2", "1.0000", "0")
    assert not report.risk.filter(like="fired_").to_numpy().any()  # repeat_partial too


def test_paying_a_deposit_line_short_is_partial(
        tmp_ledger: TmpLedger, tmp_policies: Callable[..., Path]) -> None:
    # 250.00 of the 300.00 deposit: part of the deposit line is left open (partial); the
    # next payment ends inside the balance line (partial); the last ends the invoice
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,amount,terms
        D1,C1,2024-05-01,1000.00,dep30
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-05-01,250.00,D1
        P2,C1,2024-05-31,650.00,D1
        P3,C1,2024-06-05,100.00,D1
    """)
    report = report_of(ledger, policies=tmp_policies(terms=DEPOSIT_TERMS))
    assert {p: f[0] for p, f in payment_flags(report).items()} == \
        {"P1": True, "P2": True, "P3": False}
    assert behaviour_rows(report)["C1", "USD"]["partial_payments"] == "2"


def test_a_discount_not_taken_by_its_deadline_is_missed(tmp_ledger: TmpLedger) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,amount,terms
        I1,C1,2024-05-01,1000.00,2-10-net30
        I2,C1,2024-06-25,1000.00,2-10-net30
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-05-20,1000.00,I1
    """)
    report = report_of(ledger)
    # I1's deadline (05-11) passed untaken; I2's (07-05) is still open: an offer
    assert behaviour_rows(report)["C1", "USD"]["discounts_missed"] == "1"
    offers = report.offers
    assert offers[["discount", "pay"]].values.tolist() == [[2000, 98000]]
    assert from_day(int(offers["deadline"].iat[0])) == dt.date(2024, 7, 5)


# --- trends and seasonality ------------------------------------------------------------------

def test_lateness_trend_compares_the_last_90_days_with_the_90_before(
        tmp_ledger: TmpLedger) -> None:
    # A = 06-30: recent = settled in (04-01, 06-30], prior = (01-02, 04-01]
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        OLD,C1,2024-01-01,2024-02-01,10.00
        EDGE,C1,2024-03-01,2024-03-27,10.00
        NEW1,C1,2024-04-01,2024-05-01,10.00
        NEW2,C1,2024-04-01,2024-05-01,10.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-02-03,10.00,OLD
        P2,C1,2024-04-01,10.00,EDGE
        P3,C1,2024-05-21,10.00,NEW1
        P4,C1,2024-06-10,10.00,NEW2
    """)
    row = behaviour_rows(report_of(ledger))["C1", "USD"]
    # prior: OLD 2 days late, EDGE (settled on 04-01, the last prior day) 5 -> 3.5;
    # recent: 20 and 40 -> 30.0; trend +26.5
    assert (row["lateness_prior"], row["lateness_recent"], row["lateness_trend"]) == \
        ("3.5", "30.0", "26.5")


def test_orders_and_spend_against_the_clients_own_norm(tmp_ledger: TmpLedger) -> None:
    # norm: (A − 365, A − 90] = 275 days with 11 invoices of 100.00; recent: 1 of 100.00
    rows = "\n".join(f"        N{k},C1,{dt.date(2023, 8, 1) + dt.timedelta(days=20 * k)},"
                     f"100.00" for k in range(11))
    ledger = tmp_ledger(invoices=f"""
        invoice_id,client_id,issue_date,amount
{rows}
        R1,C1,2024-06-01,100.00
    """)
    row = behaviour_rows(report_of(ledger))["C1", "USD"]
    # rates: 1/90 recent against 11/275 -> 1·275 / (11·90) = 0.2778 -> change −72.2%
    assert (row["order_gap_recent"], row["order_gap_norm"], row["order_change_percent"]) == \
        ("90.0", "25.0", "-72.2")
    # the norm's spend scaled to 90 days: 1100.00 × 90/275 = 360.00
    assert (row["spend_recent"], row["spend_norm"], row["spend_change_percent"]) == \
        ("100.00", "360.00", "-72.2")


def test_seasonality_by_month_due_across_years(tmp_ledger: TmpLedger) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        D22,C1,2022-11-01,2022-12-01,10.00
        D23,C1,2023-11-01,2023-12-01,10.00
        J24,C1,2024-01-01,2024-01-31,10.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2022-12-31,10.00,D22
        P2,C1,2023-12-11,10.00,D23
        P3,C1,2024-01-31,10.00,J24
    """)
    lines = csv_text(seasonality_csv_table(report_of(ledger))).decode("utf-8").splitlines()
    assert lines == ["client_id,currency,month,month_name,invoices,avg_days_late",
                     "C1,USD,1,Jan,1,0.0", "C1,USD,12,Dec,2,20.0"]


def test_each_currency_is_measured_apart(tmp_ledger: TmpLedger) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount,currency
        U1,C1,2024-05-01,2024-05-31,10.00,USD
        E1,C1,2024-05-01,2024-05-31,10.00,EUR
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-05-30,10.00,U1
        P2,C1,2024-06-10,10.00,E1
    """)
    rows = behaviour_rows(report_of(ledger))
    assert rows["C1", "USD"]["avg_days_late"] == "0.0"
    assert rows["C1", "EUR"]["avg_days_late"] == "10.0"


def test_settlement_agrees_with_a_plain_replay_of_the_pool(tmp_ledger: TmpLedger) -> None:
    """A small messy world replayed by hand in Python (dates in the pool's (date, id) order)."""
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        A,C1,2024-01-01,2024-01-31,50.00
        B,C1,2024-01-05,2024-01-31,70.00
        C,C1,2024-02-01,2024-03-01,30.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        X,C1,2024-02-10,60.00,B
        Y,C1,2024-02-01,40.00,
        Z,C1,2024-02-01,20.00,
        W,C1,2024-03-05,30.00,
    """)
    # B: referenced 60.00 on 02-10, 10.00 left. Pool order: A (due 01-31, issued 01-01),
    # B (due 01-31, issued 01-05), C. Pool docs (date, id): Y 40 and Z 20 on 02-01, W 30 on
    # 03-05. A needs 50: Y+Z reach 60 on 02-01. B needs 60 cumulative: 02-01, but its
    # referenced part came 02-10. C needs 90: W on 03-05.
    assert settlement_dates(report_of(ledger)) == {
        "A": dt.date(2024, 2, 1), "B": dt.date(2024, 2, 10), "C": dt.date(2024, 3, 5)}

