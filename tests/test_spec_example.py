"""The SPEC's policy example, copied as written, validates and behaves as written."""

from __future__ import annotations

from pathlib import Path

from conftest import inline, run_arreport, write_ledger

SPEC_EXAMPLE = {
    "terms.yaml": """
        # terms.yaml
        currency: USD
        aging: {basis: due_date, buckets: [0, 30, 60, 90]}
        terms:
          net30: {net_days: 30}
          eom30: {net_days: 30, from: end_of_month}
          2-10-net30: {net_days: 30, discount: {percent: 2, within_days: 10}}
        default_terms: net30
    """,
    "escalation.yaml": """
        # escalation.yaml
        ladders:
          standard:
            pause_when: [disputed, payment_plan]
            steps:
              - {id: courtesy, at: -3, channel: email, template: reminder_upcoming}
              - {id: due, at: 0, channel: email, template: reminder_due}
              - {id: first_overdue, at: 1, channel: email, template: overdue_polite}
              - {id: penalty_warning, at: 14, channel: email, template: penalty_warning}
              - {id: call, at: 21, channel: phone, owner: collector}
              - {id: formal_notice, at: 30, channel: letter, template: demand_letter, fee: late_fee}
              - {id: credit_hold, at: 45, action: hold_shipments}
              - {id: agency, at: 90, channel: agency, min_balance: 500}
        fees:
          late_fee: {flat: 25.00}
          interest: {annual_percent: 12, grace_days: 5}
    """,
    "incentives.yaml": """
        # incentives.yaml
        loyalty:
          window_days: 365
          tiers:
            - {name: gold, min_on_time_share: 0.95, min_invoices: 6, discount_percent: 2}
            - {name: silver, min_on_time_share: 0.85, min_invoices: 4, discount_percent: 1}
    """,
    "segments.yaml": """
        # segments.yaml
        default: {terms: net30, ladder: standard}
        segments: {}
        clients: {}
    """,
}


def test_the_spec_policy_example_validates_and_acts_as_written(tmp_path: Path) -> None:
    policies = tmp_path / "policies"
    policies.mkdir()
    for name, text in SPEC_EXAMPLE.items():
        (policies / name).write_text(inline(text), encoding="utf-8")
    ledger = write_ledger(tmp_path / "ledger", invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,60.00
    """)
    checked = run_arreport("check", "--strict", "--ledger", ledger, "--policies", policies,
                           cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    built = run_arreport("build", "--ledger", ledger, "--policies", policies, "--as-of",
                         "2024-03-06", "--out", tmp_path / "site", "--no-pdf", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    actions = (tmp_path / "site" / "data" / "actions.csv").read_text(encoding="utf-8")
    # the SPEC's own example reason, to the letter
    assert actions.splitlines()[1] == (
        "2024-03-06,C1,I1,USD,formal_notice,letter,,60.00,"
        "escalation.yaml:11 formal_notice: 35 days past due ≥ 30; balance 60.00 USD")
    fees = (tmp_path / "site" / "data" / "fees.csv").read_text(encoding="utf-8").splitlines()
    assert [line.split(",")[0] for line in fees[1:]] == ["interest:I1", "late_fee:I1"]
