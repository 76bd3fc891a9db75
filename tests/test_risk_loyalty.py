"""Early-warning signals with their figures, the risk score and tiers, risk routing to a
ladder, loyalty tiers with promotion and demotion, and risk.yaml's located errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from arreport.pipeline import Report, compute, load_inputs
from arreport.policy.load import load_policies
from arreport.render.csvfiles import csv_text
from arreport.report.policies_view import build_policies_view
from arreport.report.profile import profiles
from arreport.report.profile_tables import risk_csv_table, signals_csv_table, tiers_csv_table
from arreport.report.tables import actions_csv_table
from conftest import DEFAULT_POLICIES, SHIPPED_POLICIES, run_arreport

TmpLedger = Callable[..., Path]
TmpPolicies = Callable[..., Path]
A = dt.date(2024, 6, 30)


def report_of(ledger: Path, as_of: dt.date = A, policies: Path = DEFAULT_POLICIES) -> Report:
    led, pol, diags = load_inputs(ledger, policies)
    return compute(led, pol, as_of, diags)


def csv_rows(table: object) -> list[str]:
    return csv_text(table).decode("utf-8").splitlines()[1:]  # type: ignore[arg-type]


def with_risk(tmp_policies: TmpPolicies, text: str) -> Path:
    folder = tmp_policies()
    (folder / "risk.yaml").write_text(text, encoding="utf-8")
    return folder


# --- signals -----------------------------------------------------------------------------------

def test_lateness_worsening_fires_with_its_figures(tmp_ledger: TmpLedger,
                                                   tmp_policies: TmpPolicies) -> None:
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        OLD,C1,2024-01-01,2024-02-01,10.00
        NEW,C1,2024-04-01,2024-05-01,10.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-02-03,10.00,OLD
        P2,C1,2024-05-13,10.00,NEW
    """)
    # prior 2 days late, recent 12: +10.0 is not more than 10; +10.0 > 9 fires
    for above, fired in ((10, False), (9, True)):
        policies = with_risk(tmp_policies, f"""signals:
  - {{id: worse, when: lateness_trend, above_days: {above}, weight: 30}}
""")
        rows = csv_rows(signals_csv_table(report_of(ledger, policies=policies)))
        assert rows == ([f"C1,USD,worse,30,risk.yaml:2 worse: average days late 12.0 in the "
                         f"last 90 days vs 2.0 in the 90 before: +10.0 > {above}"]
                        if fired else [])


def test_a_second_partial_payment_within_60_days(tmp_ledger: TmpLedger,
                                                 tmp_policies: TmpPolicies) -> None:
    policies = with_risk(tmp_policies, """signals:
  - {id: repeat_partial, when: partial_payments, at_least: 2, within_days: 60, weight: 15}
""")
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-03-01,2024-03-31,100.00
        I2,C1,2024-04-01,2024-05-01,100.00
    """, payments=f"""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,{A - dt.timedelta(days=60)},50.00,I1
        P2,C1,2024-06-20,50.00,I2
    """)
    # P1 is 60 days before A: outside (A − 60, A]; one partial payment only
    assert csv_rows(signals_csv_table(report_of(ledger, policies=policies))) == []
    ledger2 = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-03-01,2024-03-31,100.00
        I2,C1,2024-04-01,2024-05-01,100.00
    """, payments=f"""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,{A - dt.timedelta(days=59)},50.00,I1
        P2,C1,2024-06-20,50.00,I2
    """)
    assert csv_rows(signals_csv_table(report_of(ledger2, policies=policies))) == [
        "C1,USD,repeat_partial,15,risk.yaml:2 repeat_partial: 2 partial payments in the last "
        "60 days ≥ 2"]


def test_credit_limit_usage_above_90_percent(tmp_ledger: TmpLedger,
                                             tmp_policies: TmpPolicies) -> None:
    policies = with_risk(tmp_policies, """signals:
  - {id: near_limit, when: credit_limit_usage, above_percent: 90, weight: 20}
""")
    for amount, fired in (("900.00", False), ("900.01", True)):
        ledger = tmp_ledger(invoices=f"""
            invoice_id,client_id,issue_date,amount
            I1,C1,2024-06-20,{amount}
        """, clients="""
            client_id,name,credit_limit
            C1,Client One,1000.00
        """)
        rows = csv_rows(signals_csv_table(report_of(ledger, policies=policies)))
        # 900.01 of 1000.00 is 90.001%: shown with the decimals that tell it from 90%
        assert rows == (['C1,USD,near_limit,20,"risk.yaml:2 near_limit: open $900.01 of credit '
                         'limit $1,000.00 = 90.001% > 90%"'] if fired else [])


def test_a_broken_promise_to_pay(tmp_ledger: TmpLedger, tmp_policies: TmpPolicies) -> None:
    policies = with_risk(tmp_policies, """signals:
  - {id: broken_promise, when: broken_promise, within_days: 30, weight: 25}
""")
    contacts = """
        date,client_id,channel,invoice_id,step,outcome,promise_date
        2024-06-01,C1,phone,I1,call,promise,2024-06-10
    """
    invoices = """
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-04-01,2024-05-01,100.00
    """
    kept = tmp_ledger(invoices=invoices, contacts=contacts, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-06-10,100.00,I1
    """)
    assert csv_rows(signals_csv_table(report_of(kept, policies=policies))) == []
    late = tmp_ledger(invoices=invoices, contacts=contacts, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-06-11,100.00,I1
    """)
    assert csv_rows(signals_csv_table(report_of(late, policies=policies))) == [
        "C1,USD,broken_promise,25,risk.yaml:2 broken_promise: 1 promise to pay broken in the "
        "last 30 days: promise of 2024-06-01 to pay I1 by 2024-06-10 (contacts.csv:2): I1 paid "
        "on 2024-06-11"]
    # a promise naming no invoice covers the client's invoices due by its date; one unpaid
    whole = tmp_ledger(invoices=invoices, contacts="""
        date,client_id,channel,invoice_id,step,outcome,promise_date
        2024-05-20,C1,email,,reminder,,
        2024-06-01,C1,phone,,call,promise,2024-06-10
    """)
    assert csv_rows(signals_csv_table(report_of(whole, policies=policies))) == [
        "C1,USD,broken_promise,25,risk.yaml:2 broken_promise: 1 promise to pay broken in the "
        "last 30 days: promise of 2024-06-01 to pay every invoice due by 2024-06-10 "
        "(contacts.csv:3): I1 still open on 2024-06-30"]
    # still running on A (promise date not passed): not broken
    running = tmp_ledger(invoices=invoices, contacts=contacts)
    assert csv_rows(signals_csv_table(report_of(running, dt.date(2024, 6, 10),
                                                policies=policies))) == []


def test_orders_slowing_needs_a_norm(tmp_ledger: TmpLedger, tmp_policies: TmpPolicies) -> None:
    policies = with_risk(tmp_policies, """signals:
  - {id: slowing, when: order_frequency_drop, above_percent: 50, min_orders: 4, weight: 10}
""")
    few = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,amount
        N1,C1,2023-09-01,10.00
        N2,C1,2023-10-01,10.00
        N3,C1,2023-11-01,10.00
    """)
    assert csv_rows(signals_csv_table(report_of(few, policies=policies))) == []
    enough = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,amount
        N1,C1,2023-09-01,10.00
        N2,C1,2023-10-01,10.00
        N3,C1,2023-11-01,10.00
        N4,C1,2023-12-01,10.00
    """)
    assert csv_rows(signals_csv_table(report_of(enough, policies=policies))) == [
        "C1,USD,slowing,10,risk.yaml:2 slowing: 0 invoices in the last 90 days against 4 in "
        "the 275 before: orders down 100.0% > 50%"]


@pytest.mark.parametrize(("recent", "fired"), [("100.00", False), ("99.99", True)])
def test_spend_drop_is_compared_exactly(recent: str, fired: bool, tmp_ledger: TmpLedger,
                                        tmp_policies: TmpPolicies) -> None:
    # norm: 400.00 over the 180 days before the last 90, i.e. 200.00 per 90 days. 100.00 is
    # a fall of exactly 50% (not more); 99.99 is 50.005%, shown as 50.0% when rounded to
    # tenths but more than 50%: it fires and its reason shows the figure that decided
    policies = with_risk(tmp_policies, """behaviour: {window_days: 270}
signals:
  - {id: spend_falling, when: spend_drop, above_percent: 50, min_orders: 4, weight: 7}
""")
    ledger = tmp_ledger(invoices=f"""
        invoice_id,client_id,issue_date,amount
        N1,C1,2023-11-01,100.00
        N2,C1,2023-12-01,100.00
        N3,C1,2024-01-01,100.00
        N4,C1,2024-02-01,100.00
        R1,C1,2024-05-01,{recent}
    """)
    report = report_of(ledger, policies=policies)
    assert csv_rows(signals_csv_table(report)) == ([
        "C1,USD,spend_falling,7,risk.yaml:3 spend_falling: spend $99.99 in the last 90 days "
        "against $400.00 in the 180 before: down 50.01% > 50%"] if fired else [])
    assert profiles(report)[0].spend_change == "-50.0"


def test_lateness_trend_is_the_exact_difference_of_the_averages(
        tmp_ledger: TmpLedger, tmp_policies: TmpPolicies) -> None:
    # prior (01-02, 04-01]: 7 invoices, two of them 1 day late: 2/7 = 0.2857 (0.3);
    # recent (04-01, 06-30]: 3 invoices 10, 10 and 11 days late: 31/3 = 10.333 (10.3).
    # The rounded averages differ by 10.0, the exact ones by 10.048 > 10: it fires
    policies = with_risk(tmp_policies, """signals:
  - {id: worse, when: lateness_trend, above_days: 10, weight: 30}
""")
    invoices, payments = [], []
    for k, late in enumerate([1, 1, 0, 0, 0, 0, 0]):
        due = dt.date(2024, 2, 1) + dt.timedelta(days=k)
        invoices.append(f"P{k},C1,{due - dt.timedelta(days=30)},{due},10.00")
        payments.append(f"PP{k},C1,{due + dt.timedelta(days=late)},10.00,P{k}")
    for k, late in enumerate([10, 10, 11]):
        due = dt.date(2024, 5, 1) + dt.timedelta(days=k)
        invoices.append(f"R{k},C1,{due - dt.timedelta(days=30)},{due},10.00")
        payments.append(f"RP{k},C1,{due + dt.timedelta(days=late)},10.00,R{k}")
    ledger = tmp_ledger(
        invoices="invoice_id,client_id,issue_date,due_date,amount\n" + "\n".join(invoices),
        payments="payment_id,client_id,date,amount,invoice_id\n" + "\n".join(payments))
    report = report_of(ledger, policies=policies)
    assert csv_rows(signals_csv_table(report)) == [
        "C1,USD,worse,30,risk.yaml:2 worse: average days late 10.3 in the last 90 days vs 0.3 "
        "in the 90 before: +10.05 > 10"]
    assert profiles(report)[0].lateness_trend == "10.0"  # 10.048, rounded once


# --- score and tiers ---------------------------------------------------------------------------

def test_the_score_shows_its_components_and_the_tier_its_band(
        tmp_ledger: TmpLedger, tmp_policies: TmpPolicies) -> None:
    policies = with_risk(tmp_policies, """signals:
  - {id: near_limit, when: credit_limit_usage, above_percent: 90, weight: 20}
score: {points_per_day_late: 0.5, max_lateness_points: 40}
tiers:
  by: days_late
  bands:
    - {name: low, upto: 15}
    - {name: medium, upto: 45}
    - {name: high}
""")
    # open and 31 days past due on A, over its limit: 31 × 0.5 = 15.5 -> 16 points + 20
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-04-30,2024-05-30,1000.00
    """, clients="""
        client_id,name,credit_limit
        C1,Client One,500.00
    """)
    assert csv_rows(risk_csv_table(report_of(ledger, policies=policies))) == [
        'C1,USD,medium,36,16,20,near_limit,false,"risk.yaml:8 medium: 31.0 days late on '
        'average (open overdue invoices included) ≤ 45; score 36 = lateness 16 (31.0 days × '
        '0.5, at most 40) + near_limit 20"']


def test_a_client_without_a_lateness_figure_is_not_said_to_be_0_days_late(
        tmp_ledger: TmpLedger, tmp_policies: TmpPolicies) -> None:
    # one open invoice, not yet due, nothing paid: no days-late figure (blank in
    # behaviour.csv); the reason says so instead of "0.0 days late", and is banded as 0
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-06-20,2024-07-20,100.00
    """)
    policies = with_risk(tmp_policies, """signals: []
tiers:
  bands:
    - {name: low, upto: 15}
    - {name: high}
""")
    report = report_of(ledger, policies=policies)
    p = profiles(report)[0]
    assert (p.days_late_incl_open, p.avg_days_late) == ("", "")
    reason = ("risk.yaml:4 low: no days-late figure (no invoice settled in the last 365 days "
              "and none open past due), banded as 0 ≤ 15; score 0 = lateness 0 (no days-late "
              "figure)")
    assert p.risk_reason == reason
    assert csv_rows(risk_csv_table(report)) == [f'C1,USD,low,0,0,0,,false,"{reason}"']
    done = run_arreport("explain", "C1", "--ledger", ledger, "--policies", policies,
                        "--as-of", A.isoformat(), cwd=ledger)
    assert done.returncode == 0, done.stderr
    assert "0.0 days" not in done.stdout and f"risk low, score 0: {reason}" in done.stdout
    assert ("payment behaviour in USD: 0 invoice(s) paid in the window, no days-late figure, "
            "0 partial payment(s)") in done.stdout


@pytest.mark.parametrize(("days_late", "tier"), [(15, "low"), (16, "medium"), (45, "medium"),
                                                 (46, "high"), (90, "high"), (91, "severe")])
def test_risk_tier_band_edges(days_late: int, tier: str, tmp_ledger: TmpLedger) -> None:
    due = A - dt.timedelta(days=days_late)
    ledger = tmp_ledger(invoices=f"""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,{due - dt.timedelta(days=30)},{due},10.00
    """)
    assert profiles(report_of(ledger))[0].risk_tier == tier


def test_a_high_risk_client_gets_the_firm_ladder(tmp_ledger: TmpLedger,
                                                 tmp_policies: TmpPolicies) -> None:
    policies = tmp_policies(segments="""
        default: {terms: net30, ladder: standard}
        risk:
          high: {ladder: firm}
    """, escalation="""
        ladders:
          standard:
            steps:
              - {id: nudge, at: 1, channel: email}
          firm:
            steps:
              - {id: call_now, at: 1, channel: phone, owner: collector}
    """)
    # C1 is 50 days late (high); C2 10 days (low)
    ledger = tmp_ledger(invoices=f"""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-04-01,{A - dt.timedelta(days=50)},10.00
        I2,C2,2024-05-01,{A - dt.timedelta(days=10)},10.00
    """)
    rows = csv_rows(actions_csv_table(report_of(ledger, policies=policies)))
    assert [r.split(",")[1:7] for r in rows] == [
        ["C1", "I1", "USD", "call_now", "phone", "collector"],
        ["C2", "I2", "USD", "nudge", "email", ""]]


def test_early_warning_only_for_clients_not_yet_far_overdue(
        tmp_ledger: TmpLedger, tmp_policies: TmpPolicies) -> None:
    policies = with_risk(tmp_policies, """signals:
  - {id: near_limit, when: credit_limit_usage, above_percent: 90, weight: 20}
early_warning: {max_days_past_due: 30}
""")
    ledger = tmp_ledger(invoices=f"""
        invoice_id,client_id,issue_date,due_date,amount
        I1,NEAR,2024-05-01,{A - dt.timedelta(days=30)},100.00
        I2,FAR,2024-05-01,{A - dt.timedelta(days=31)},100.00
    """, clients="""
        client_id,name,credit_limit
        FAR,Far,50.00
        NEAR,Near,50.00
    """)
    flags = {p.client_id: p.early_warning for p in profiles(report_of(ledger, policies=policies))}
    assert flags == {"FAR": False, "NEAR": True}


# --- loyalty -----------------------------------------------------------------------------------

def _paid_on_time(n: int, first: dt.date) -> tuple[str, str]:
    inv = "\n".join(f"        I{k},C1,{first + dt.timedelta(days=k)},"
                    f"{first + dt.timedelta(days=k + 30)},10.00" for k in range(n))
    pay = "\n".join(f"        P{k},C1,{first + dt.timedelta(days=k + 20)},10.00,I{k}"
                    for k in range(n))
    return (f"invoice_id,client_id,issue_date,due_date,amount\n{inv}\n",
            f"payment_id,client_id,date,amount,invoice_id\n{pay}\n")


def test_promotion_to_gold_with_its_figures(tmp_ledger: TmpLedger) -> None:
    # six invoices paid on time, the sixth settled in June: silver on 05-31, gold on 06-30
    invoices, payments = _paid_on_time(6, dt.date(2024, 5, 7))
    ledger = tmp_ledger(invoices=invoices, payments=payments)
    assert csv_rows(tiers_csv_table(report_of(ledger))) == [
        'C1,USD,gold,silver,promotion,6,1.0000,5,1.0000,2% off the next invoices,'
        '"incentives.yaml:5 gold: 6 of 6 invoices paid on time (100.0% ≥ 95%), 6 ≥ 6 invoices '
        'in 365 days; was silver on 2024-05-31 (5 of 5 on time)"']


def test_demotion_when_a_late_payment_drops_the_share(tmp_ledger: TmpLedger) -> None:
    invoices, payments = _paid_on_time(6, dt.date(2024, 1, 10))
    ledger = tmp_ledger(invoices=invoices + "        L1,C1,2024-05-01,2024-05-31,10.00\n",
                        payments=payments + "        PL,C1,2024-06-15,10.00,L1\n")
    # on 05-31: 6 of 6 (gold); on 06-30: 6 of 7 = 85.7% (silver)
    row = csv_rows(tiers_csv_table(report_of(ledger)))[0]
    assert row.startswith("C1,USD,silver,gold,demotion,7,0.8571,6,1.0000,1% off the next ")


@pytest.mark.parametrize(("n", "late", "text"), [
    # 3 of 3 on time: one more gives 4 of 4 (100%), which meets silver (85%, 4) as well as
    # bronze (75%, 4): the client would hold silver
    (3, 0, "Pay your next invoice on time to reach silver: 1% off the next invoices."),
    # 2 of 2: two more give 4 of 4, silver again (not the lowest tier that needs two)
    (2, 0, "Pay your next 2 invoices on time to reach silver: 1% off the next invoices."),
    # 2 of 3 on time: one more gives 3 of 4 = 75%, bronze only (silver needs 85%)
    (2, 1, "Pay your next invoice on time to reach bronze: 15 more days to pay the next "
           "invoices."),
])
def test_what_it_takes_to_reach_a_tier_is_on_the_statement(
        n: int, late: int, text: str, tmp_ledger: TmpLedger) -> None:
    invoices, payments = _paid_on_time(n, dt.date(2024, 5, 1))
    invoices += "".join(f"        L{k},C1,2024-03-0{k + 1},2024-04-0{k + 1},10.00\n"
                        for k in range(late))
    payments += "".join(f"        PL{k},C1,2024-04-2{k},10.00,L{k}\n" for k in range(late))
    ledger = tmp_ledger(invoices=invoices, payments=payments)
    p = profiles(report_of(ledger))[0]
    assert p.tier == "" and p.keep_text == text


# --- the policies page --------------------------------------------------------------------------

def _risk_rules(policies: Path) -> dict[str, str]:
    """The first words of each risk rule on the policies page -> the source it cites."""
    pol, diags = load_policies(policies)
    assert pol is not None, diags
    section = next(s for s in build_policies_view(pol) if s.title == "Early-warning signals "
                   "and risk")
    return {" ".join(r.text.split()[:2]): r.source for r in section.rules}


def test_the_policies_page_cites_each_risk_rule_on_its_own_line() -> None:
    rules = _risk_rules(SHIPPED_POLICIES)
    text = (SHIPPED_POLICIES / "risk.yaml").read_text(encoding="utf-8").splitlines()

    def line_of(key: str) -> str:
        return f"risk.yaml:{next(i for i, t in enumerate(text, 1) if key in t)}"

    assert rules["Payment behaviour"] == line_of("behaviour:")
    assert rules["A payment"] == line_of("rounded_down:") == "risk.yaml:5"
    assert rules["Early warning:"] == line_of("early_warning:") == "risk.yaml:23"
    assert rules["Bad-debt candidates:"] == line_of("bad_debt:") == "risk.yaml:24"
    assert rules["'near_credit_limit' (+20"] == line_of("id: near_credit_limit")


def test_a_risk_rule_the_file_does_not_write_is_cited_as_the_default(
        tmp_policies: TmpPolicies) -> None:
    rules = _risk_rules(with_risk(tmp_policies, """behaviour: {window_days: 200}
bad_debt: {min_days_past_due: 120}
"""))
    assert (rules["Payment behaviour"], rules["A payment"], rules["Early warning:"],
            rules["Bad-debt candidates:"]) == \
        ("risk.yaml:1", "risk.yaml (default)", "risk.yaml (default)", "risk.yaml:2")


# --- risk.yaml errors --------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "message"), [
    ("signals:\n  - {id: s, when: partial_payments, above_days: 3, weight: 5}\n",
     "policies/risk.yaml:2:37: error: signals[0].above_days: 'above_days' does not apply to "
     "partial_payments; partial_payments takes: at_least, within_days"),
    ("signals:\n  - {id: s, when: lateness_trend, weight: 5}\n",
     "policies/risk.yaml:2:5: error: signals[0]: lateness_trend needs 'above_days'; e.g. "
     "{id: s, when: lateness_trend, above_days: 10, weight: 5}"),
    ("signals:\n  - {id: s, when: lateness_trnd, above_days: 3, weight: 5}\n",
     "policies/risk.yaml:2:13: error: signals[0].when: 'lateness_trnd' is not allowed; expected "
     "one of: lateness_trend, partial_payments, rounded_down_payments, order_frequency_drop, "
     "spend_drop, credit_limit_usage, broken_promise; did you mean 'lateness_trend'?"),
    ("tiers:\n  bands:\n    - {name: low, upto: 30}\n    - {name: mid, upto: 20}\n"
     "    - {name: top}\n",
     "policies/risk.yaml:4:19: error: tiers.bands[1].upto: 20 is not above the band before it "
     "(30); bands go from lowest risk to highest"),
])
def test_risk_policy_mistakes_are_located(text: str, message: str, tmp_path: Path,
                                          arreport: Callable[..., object],
                                          policies_writer: Callable[..., Path]) -> None:
    folder = policies_writer(tmp_path / "policies")
    (folder / "risk.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "ledger").mkdir()
    (tmp_path / "ledger" / "invoices.csv").write_text(
        "invoice_id,client_id,issue_date,amount\nI1,C1,2024-01-01,1.00\n", encoding="utf-8")
    done = arreport("check", "--ledger", "ledger", "--policies", "policies", cwd=tmp_path)
    assert done.returncode == 1  # type: ignore[attr-defined]
    assert message in done.stderr.splitlines()  # type: ignore[attr-defined]


def test_an_unknown_risk_tier_in_segments_gets_the_closest_name(
        tmp_path: Path, arreport: Callable[..., object],
        policies_writer: Callable[..., Path]) -> None:
    policies_writer(tmp_path / "policies", segments="""
        default: {terms: net30, ladder: standard}
        risk:
          hihg: {ladder: standard}
    """)
    (tmp_path / "ledger").mkdir()
    (tmp_path / "ledger" / "invoices.csv").write_text(
        "invoice_id,client_id,issue_date,amount\nI1,C1,2024-01-01,1.00\n", encoding="utf-8")
    done = arreport("check", "--ledger", "ledger", "--policies", "policies", cwd=tmp_path)
    assert done.returncode == 1  # type: ignore[attr-defined]
    assert ("policies/segments.yaml:3:3: error: risk.hihg: unknown risk tier 'hihg'; did you "
            "mean 'high'?") in done.stderr.splitlines()  # type: ignore[attr-defined]


def test_check_warns_of_a_loyalty_tier_that_can_never_be_held(
        tmp_path: Path, arreport: Callable[..., object],
        policies_writer: Callable[..., Path]) -> None:
    folder = policies_writer(tmp_path / "policies")
    (folder / "incentives.yaml").write_text("""loyalty:
  tiers:
    - {name: silver, min_on_time_share: 0.85, min_invoices: 4}
    - {name: gold, min_on_time_share: 0.95, min_invoices: 6}
""", encoding="utf-8")
    (tmp_path / "ledger").mkdir()
    (tmp_path / "ledger" / "invoices.csv").write_text(
        "invoice_id,client_id,issue_date,amount\nI1,C1,2024-01-01,1.00\n", encoding="utf-8")
    done = arreport("check", "--ledger", "ledger", "--policies", "policies", cwd=tmp_path)
    assert ("policies/incentives.yaml:4: warning: loyalty.tiers[1]: tier 'gold' can never be "
            "held: 'silver' (incentives.yaml:3) comes first and asks no more; list tiers best "
            "first, each asking more than the next") in done.stderr.splitlines()  # type: ignore[attr-defined]


def test_a_spend_drop_of_a_huge_debtor_is_exact(tmp_ledger: TmpLedger,
                                                tmp_policies: TmpPolicies) -> None:
    """Spend of 4 × 2.5 × 10**14 minor units, then nothing: products of money by days pass
    2**63; the drop is still 100% and fires."""
    policies = with_risk(tmp_policies, """behaviour: {window_days: 270}
signals:
  - {id: spend_falling, when: spend_drop, above_percent: 50, min_orders: 4, weight: 7}
""")
    ledger = tmp_ledger(invoices="""
        invoice_id,client_id,issue_date,amount
        N1,C1,2023-11-01,2500000000000.00
        N2,C1,2023-12-01,2500000000000.00
        N3,C1,2024-01-01,2500000000000.00
        N4,C1,2024-02-01,2500000000000.00
    """)
    report = report_of(ledger, policies=policies)
    assert profiles(report)[0].spend_change == "-100.0"
    assert [r.split(",")[2] for r in csv_rows(signals_csv_table(report))] == ["spend_falling"]


def test_a_broken_promise_names_the_same_invoice_whatever_the_row_order(
        tmp_ledger: TmpLedger) -> None:
    """A promise naming no invoice covers all three; the one named is the earliest due,
    ties by invoice id, not the first row of invoices.csv."""
    rows = ["C-3,C1,2024-03-01,2024-04-01,10.00", "A-1,C1,2024-03-01,2024-04-01,10.00",
            "B-2,C1,2024-03-01,2024-04-01,10.00"]
    named = []
    for order in (rows, list(reversed(rows))):
        ledger = tmp_ledger(invoices="invoice_id,client_id,issue_date,due_date,amount\n"
                            + "\n".join(order) + "\n", contacts="""
            date,client_id,channel,invoice_id,step,outcome,promise_date
            2024-04-10,C1,phone,,,promise,2024-04-20
        """)
        report = report_of(ledger)
        named.append([r for r in csv_rows(signals_csv_table(report)) if "promise" in r])
    assert named[0] == named[1]
    assert len(named[0]) == 1 and ": A-1 still open on 2024-06-30" in named[0][0]
