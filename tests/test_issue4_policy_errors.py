"""Issue 4 review, policy input: an unknown ladder when no ladder is defined, rates.yaml
mistakes, every mistake of a file reported in one run (schema and reference checks, duplicate
keys, the ledger's errors beside the policies'), lints for steps that can never fire, and the
hint for a lowercase currency key. Through the installed CLI, as `check` prints them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import DEFAULT_POLICIES, run_arreport, write_ledger, write_policies
from test_policy_errors import (
    LEDGER,
    NOTHING_WRITTEN,
    SEGMENTS,
    check,
    check_errors,
    check_warnings,
    run_check,
)


def test_an_unknown_ladder_is_an_error_when_no_ladder_is_defined(tmp_path: Path) -> None:
    # escalation.yaml defines fees only; segments.yaml still names `standard`
    assert check_errors(tmp_path, segments=SEGMENTS, escalation="""
        fees:
          late_fee: {flat: 25.00}
    """) == [
        "policies/segments.yaml:1:25: error: default.ladder: unknown ladder 'standard'; "
        "escalation.yaml defines no ladders; add 'standard' there",
        "policies/segments.yaml:3:26: error: segments.dental.ladder: unknown ladder "
        "'standard'; escalation.yaml defines no ladders; add 'standard' there",
    ]


def test_build_and_explain_stop_with_located_errors_not_a_traceback(tmp_path: Path) -> None:
    write_ledger(tmp_path / "ledger", **LEDGER)
    write_policies(tmp_path / "policies", segments=SEGMENTS, escalation="""
        fees:
          late_fee: {flat: 25.00}
    """)
    for args in (("build", "--out", "site", "--no-pdf", "--as-of", "2024-03-15"),
                 ("explain", "C1", "--as-of", "2024-03-15")):
        done = run_arreport(*args, "--ledger", "ledger", "--policies", "policies",
                            cwd=tmp_path)
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
        assert done.stderr.splitlines()[0].startswith(
            "policies/segments.yaml:1:25: error: default.ladder: unknown ladder 'standard'")
    assert not (tmp_path / "site").exists()


def _with_rates(folder: Path, rates: str, **policies: str) -> Path:
    write_ledger(folder / "ledger", **LEDGER)
    write_policies(folder / "policies", **policies)
    (folder / "policies" / "rates.yaml").write_text(rates, encoding="utf-8")
    return folder


def _errors(folder: Path) -> list[str]:
    done = run_check(folder)
    assert done.returncode == 1, done.stderr
    *errors, summary = done.stderr.splitlines()
    assert summary == NOTHING_WRITTEN.format(len(errors))
    return errors


def test_rates_yaml_mistakes_stop_the_run(tmp_path: Path) -> None:
    _with_rates(tmp_path, "ecb_reference:\n"
                          "  - {from: 2024-13-01, rate: 4.50}\n"
                          "  - {from: 2024-07-01, rate: 4.12345}\n"
                          "  - {from: 2024-07-01, rate: 4.25}\n"
                          "boe_base:\n"
                          "  - {from: 1/1/2024, rate: 5.25}\n")
    assert _errors(tmp_path) == [
        "policies/rates.yaml:2:6: error: ecb_reference[0].from: '2024-13-01' is not a date; "
        "expected YYYY-MM-DD",
        "policies/rates.yaml:3:24: error: ecb_reference[1].rate: 4.12345 has more than 4 "
        "decimals; reference rates are published to at most 4 decimals",
        "policies/rates.yaml:4:6: error: ecb_reference[2].from: a second row from 2024-07-01 "
        "(first at ecb_reference[1]); keep one rate per date",
        "policies/rates.yaml:6:6: error: boe_base[0].from: '1/1/2024' is not a date; "
        "expected YYYY-MM-DD",
    ]


def test_a_second_rate_row_from_the_same_date_is_an_error(tmp_path: Path) -> None:
    _with_rates(tmp_path, "ecb_reference:\n"
                          "  - {from: 2024-07-01, rate: 4.25}\n"
                          "  - {from: 2024-07-01, rate: 4.50}\n")
    assert _errors(tmp_path) == [
        "policies/rates.yaml:3:6: error: ecb_reference[1].from: a second row from "
        "2024-07-01 (first at ecb_reference[0]); keep one rate per date",
    ]


PRESET = """
    ladders:
      standard:
        steps:
          - {id: reminder, at: 1, channel: email}
    fees:
      eu: {preset: eu_late_payment}
"""


def test_a_preset_without_its_table_is_a_located_error(tmp_path: Path) -> None:
    for rates in ("ecb_reference: []\n", "boe_base: [{from: 2024-01-01, rate: 5.25}]\n"):
        folder = tmp_path / str(len(rates))
        _with_rates(folder, rates, segments=SEGMENTS, escalation=PRESET)
        assert _errors(folder) == [
            "policies/escalation.yaml:6:8: error: fees.eu.preset: preset eu_late_payment "
            "needs the ecb_reference table in rates.yaml, with at least one row; add dated "
            "rows to policies/rates.yaml: ecb_reference: [{from: 2024-01-01, rate: 4.50}]",
        ]
        build = run_arreport("build", "--ledger", "ledger", "--policies", "policies",
                             "--out", "site", "--no-pdf", "--as-of", "2024-03-15", cwd=folder)
        assert build.returncode == 1 and "Traceback" not in build.stderr


def test_schema_and_reference_mistakes_of_one_file_are_reported_together(
        tmp_path: Path) -> None:
    assert check_errors(tmp_path, segments=SEGMENTS, escalation="""
        ladders:
          standard:
            steps:
              - {id: courtesy, at: -3, channel: email, templte: reminder_upcoming}
              - {id: due, at: 0, channel: emial, template: reminder_dues}
              - {id: late, at: fourteen, channel: email}
              - {id: no, at: 20, channel: email}
              - {id: notice, at: 30, channel: letter, fee: late_fe}
              - {id: agency, at: 90, channel: agency, min_balance: -500}
              - {id: due, at: 95, channel: agency}
              - {id: seg, at: 96, channel: agency, segment: dentl}
        fees:
          late_fee: {flat: -25.00}
          interest: {annual_percent: 12, grace_days: -5, flat: 3}
    """) == [
        "policies/escalation.yaml:4:48: error: ladders.standard.steps[0].templte: unknown key "
        "'templte'; did you mean 'template'?",
        "policies/escalation.yaml:5:26: error: ladders.standard.steps[1].channel: 'emial' is "
        "not allowed; expected one of: email, letter, phone, sms, agency, legal, internal; "
        "did you mean 'email'?",
        "policies/escalation.yaml:5:42: error: ladders.standard.steps[1].template: unknown "
        "template 'reminder_dues'; did you mean 'reminder_due'?",
        "policies/escalation.yaml:6:20: error: ladders.standard.steps[2].at: expected a whole "
        "number, got 'fourteen'",
        "policies/escalation.yaml:7:10: error: ladders.standard.steps[3].id: expected a name "
        "or text, got 'no' which YAML reads as a boolean; quote it: 'no'",
        "policies/escalation.yaml:8:47: error: ladders.standard.steps[4].fee: unknown fee "
        "'late_fe'; did you mean 'late_fee'?",
        "policies/escalation.yaml:9:47: error: ladders.standard.steps[5].min_balance: -500 is "
        "negative; amounts are ≥ 0",
        "policies/escalation.yaml:10:10: error: ladders.standard.steps[6].id: step id 'due' is "
        "used twice in ladder 'standard' (first at steps[1])",
        "policies/escalation.yaml:11:44: error: ladders.standard.steps[7].segment: unknown "
        "segment 'dentl'; did you mean 'dental'?",
        "policies/escalation.yaml:13:14: error: fees.late_fee.flat: -25.00 is negative; "
        "amounts are ≥ 0",
        "policies/escalation.yaml:14:34: error: fees.interest.grace_days: -5 is below the "
        "minimum 0",
        "policies/escalation.yaml:14:3: error: fees.interest: interest (annual_percent, "
        "preset) cannot be combined with flat or percent",
    ]


def test_a_duplicate_key_does_not_hide_the_other_mistakes(tmp_path: Path) -> None:
    assert check_errors(tmp_path, segments=SEGMENTS, escalation="""
        ladders:
          standard:
            steps:
              - {id: notice, at: 30, channel: letter, fee: late_fe}
        fees:
          late_fee: {flat: 25.00}
          late_fee: {flat: 30.00}
    """) == [
        "policies/escalation.yaml:4:47: error: ladders.standard.steps[0].fee: unknown fee "
        "'late_fe'; did you mean 'late_fee'?",
        "policies/escalation.yaml:7:3: error: fees.late_fee: duplicate key 'late_fee' (first "
        "on line 6); YAML would silently keep only the last one",
    ]


def test_a_misspelt_definition_does_not_make_every_reference_unknown(tmp_path: Path) -> None:
    # `fee:` for `fees:` is the one mistake; the step's reference to late_fee is not another
    assert check_errors(tmp_path, segments=SEGMENTS, escalation="""
        ladders:
          standard:
            steps:
              - {id: notice, at: 30, channel: letter, fee: late_fee}
        fee:
          late_fee: {flat: 25.00}
    """) == [
        "policies/escalation.yaml:5:1: error: fee: unknown key 'fee'; did you mean 'fees'?",
    ]


def test_every_tab_is_located(tmp_path: Path) -> None:
    assert check_errors(tmp_path, escalation="""
        ladders:
          standard:
            steps:
        \t  - {id: due, at: 0, channel: email}
        \t  - {id: late, at: 9, channel: email}
    """) == [
        "policies/escalation.yaml:4:1: error: a tab in the indentation; indent with spaces",
        "policies/escalation.yaml:5:1: error: a tab in the indentation; indent with spaces",
    ]


def test_ledger_errors_are_reported_beside_policy_errors(tmp_path: Path) -> None:
    status, lines = check(tmp_path, ledger={
        "invoices": """
            invoice_id,client_id,issue_date,due_date,amount
            I1,C1,2024-01-01,2024-01-31,-321.34
        """,
        "clients": LEDGER["clients"],
    }, segments=SEGMENTS, escalation="""
        ladders:
          standard:
            steps:
              - {id: due, at: 0, channel: emial}
    """)
    assert status == 1
    assert lines == [
        "ledger/invoices.csv:2: error: amount: '-321.34' is negative; amounts are >= 0; "
        "record a refund as an invoice, a credit as a credit note",
        "policies/escalation.yaml:4:26: error: ladders.standard.steps[0].channel: 'emial' is "
        "not allowed; expected one of: email, letter, phone, sms, agency, legal, internal; "
        "did you mean 'email'?",
        NOTHING_WRITTEN.format(2),
    ]


def test_build_too_reports_ledger_errors_beside_policy_errors(tmp_path: Path) -> None:
    write_ledger(tmp_path / "ledger", invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,-321.34
    """, clients=LEDGER["clients"])
    write_policies(tmp_path / "policies", segments=SEGMENTS, escalation="""
        ladders:
          standard:
            steps:
              - {id: due, at: 0, channel: emial}
    """)
    done = run_arreport("build", "--out", "site", "--no-pdf", "--as-of", "2024-03-15",
                        "--ledger", "ledger", "--policies", "policies", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    lines = done.stderr.splitlines()
    assert lines[-1] == NOTHING_WRITTEN.format(2)
    assert sorted(line.split(":")[0] for line in lines[:-1]) == [
        "ledger/invoices.csv", "policies/escalation.yaml"]
    assert not (tmp_path / "site").exists()


def test_a_lowercase_currency_key_gets_a_currency_hint(tmp_path: Path) -> None:
    assert check_errors(tmp_path, segments=SEGMENTS, escalation="""
        ladders:
          standard:
            steps:
              - {id: agency, at: 90, channel: agency, min_balance: {eur: 4}}
    """) == [
        "policies/escalation.yaml:4:61: error: ladders.standard.steps[0].min_balance.eur: "
        "'eur' is not a currency code; use the 3-letter ISO 4217 code in capitals: 'EUR'",
    ]


# --- lint: rules that can never do anything ---------------------------------------------------

def _warnings(folder: Path, **policies: str) -> list[str]:
    status, lines = check(folder, **policies)
    assert status == 0, lines
    return lines[:-1]


def test_a_preset_fee_is_not_a_fee_used_by_no_step(tmp_path: Path) -> None:
    folder = tmp_path / "preset"
    write_ledger(folder / "ledger", **LEDGER)
    write_policies(folder / "policies", segments=SEGMENTS, escalation=PRESET)
    done = run_check(folder, "--strict")
    assert done.returncode == 0, done.stderr


def test_steps_that_can_never_fire_are_warned(tmp_path: Path) -> None:
    assert _warnings(tmp_path, segments="""
        default: {terms: net30, ladder: standard}
        segments:
          dental: {terms: net30, ladder: standard}
          vip: {ladder: vipladder}
    """, escalation="""
        ladders:
          standard:
            steps:
              - {id: reminder, at: 1, channel: email}
              - {id: vip_call, at: 5, channel: phone, segment: vip}
              - {id: nobody, at: 6, channel: phone, segment: []}
              - {id: big, at: 7, channel: phone, min_balance: {}}
          vipladder:
            steps: []
        fees:
          late_fee: {flat: {}}
    """) == [
        "policies/escalation.yaml:5: warning: ladders.standard.steps[1]: step vip_call can "
        "never fire: no client of segment vip is on ladder 'standard' (vip on vipladder); "
        "move the step to that segment's ladder, or assign the ladder to the segment",
        "policies/escalation.yaml:6: warning: ladders.standard.steps[2]: step nobody can never "
        "fire: segment: [] matches no client; name the segments, or remove segment: to apply "
        "it to every segment",
        "policies/escalation.yaml:7: warning: ladders.standard.steps[3]: step big can never "
        "fire: min_balance: {} gives an amount for no currency; give an amount, e.g. 500, or "
        "one per currency, e.g. {USD: 500, EUR: 450}",
        "policies/escalation.yaml:8: warning: ladders.vipladder.steps: ladder 'vipladder' has "
        "no steps: its clients get no reminders; add steps, or exclude those clients in "
        "segments.yaml (exclude: true)",
        "policies/escalation.yaml:11: warning: fees.late_fee: fee 'late_fee' is used by no "
        "step; name it in a step's fee:, or remove it",
        "policies/escalation.yaml:11: warning: fees.late_fee.flat: flat: {} gives an amount "
        "for no currency; the fee is never charged; give an amount, e.g. 25.00, or one per "
        "currency, e.g. {USD: 25.00}",
        "policies/segments.yaml:4: warning: segments.vip: segment 'vip' has no client",
    ]


def test_a_segment_step_on_a_ladder_a_client_override_may_use_is_not_warned(
        tmp_path: Path) -> None:
    assert _warnings(tmp_path, segments="""
        default: {terms: net30, ladder: standard}
        segments:
          dental: {terms: net30, ladder: vipladder}
        clients:
          C1: {ladder: standard}
    """, escalation="""
        ladders:
          standard:
            steps:
              - {id: dental_call, at: 5, channel: phone, segment: dental}
          vipladder:
            steps:
              - {id: reminder, at: 1, channel: email}
    """) == []


def test_the_shipped_policies_still_pass_strict(tmp_path: Path) -> None:
    shutil.copytree(DEFAULT_POLICIES, tmp_path / "policies")
    write_ledger(tmp_path / "ledger", **LEDGER)
    done = run_arreport("check", "--ledger", "ledger", "--policies", "policies", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not any(": error: " in line or "can never fire" in line or "used by no step" in line
                   for line in done.stderr.splitlines()), done.stderr


# --- lints that need the ledger: overrides, currencies, reference rates -----------------------

CURRENCY_LEDGER = {
    "clients": """
        client_id,name,segment,currency
        C1,Acme Dental,dental,USD
        C0012,Tokyo Dental,dental,JPY
        G1,London Ltd,dental,GBP
    """,
    "invoices": """
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,100.00
        J1,C0012,2024-01-01,2024-01-31,5000
        G1,G1,2024-01-01,2025-03-31,100.00
    """,
}


def test_a_client_override_naming_no_client_is_a_warning(tmp_path: Path) -> None:
    """An override's client id is read as written: 0012 is not the number 12."""
    warnings = check_warnings(tmp_path, ledger=CURRENCY_LEDGER, segments="""
        default: {terms: net30, ladder: standard}
        segments:
          dental: {terms: net30, ladder: standard}
        clients:
          C0012: {exclude: true}
          C2: {exclude: true}
          0012: {exclude: true}
    """)
    # (company.yaml's missing GBP/JPY bank details are tested in test_documents.py)
    assert [w for w in warnings if "company.yaml" not in w] == [
        "policies/segments.yaml:6: warning: clients.C2: client 'C2' is in no ledger file; "
        "its override applies to no one; check the client_id",
        "policies/segments.yaml:7: warning: clients.0012: client '0012' is in no ledger "
        "file; its override applies to no one; did you mean 'C0012'?",
    ]


def test_amounts_per_currency_missing_a_ledger_currency_are_warnings(tmp_path: Path) -> None:
    warnings = check_warnings(tmp_path, ledger=CURRENCY_LEDGER, segments=SEGMENTS,
                              escalation="""
        ladders:
          standard:
            steps:
              - {id: notice, at: 30, channel: letter, fee: late_fee}
              - {id: agency, at: 90, channel: agency, min_balance: {USD: 500, GBP: 400}}
        fees:
          late_fee: {flat: {USD: 25.00, EUR: 20.00}}
    """)
    assert [w for w in warnings if "company.yaml" not in w] == [
        "policies/escalation.yaml:5: warning: ladders.standard.steps[1].min_balance: step "
        "agency never fires for JPY invoices: min_balance names no JPY amount; add JPY: ... "
        "to min_balance",
        "policies/escalation.yaml:7: warning: fees.late_fee.flat: fee 'late_fee' gives no "
        "amount for GBP, JPY, which the ledger's invoices use; it is never charged on them; "
        "add GBP: ..., JPY: ... to flat:, or give one amount for every currency",
    ]


def test_a_reference_rate_table_behind_the_ledger_is_a_warning(tmp_path: Path) -> None:
    write_ledger(tmp_path / "ledger", **CURRENCY_LEDGER)
    write_policies(tmp_path / "policies", segments=SEGMENTS, escalation="""
        ladders:
          standard:
            steps:
              - {id: notice, at: 30, channel: letter}
        fees:
          uk: {preset: uk_late_payment}
    """)
    (tmp_path / "policies" / "rates.yaml").write_text(
        "boe_base:\n  - {from: 2024-01-01, rate: 5.25}\n  - {from: 2024-08-01, rate: 5.00}\n",
        encoding="utf-8")
    done = run_check(tmp_path)
    assert done.returncode == 0, done.stderr
    assert [w for w in done.stderr.splitlines() if "company.yaml" not in w][0] == (
        "policies/rates.yaml:3: warning: boe_base: the last boe_base row is from 2024-08-01, "
        "but GBP invoices fall due up to 2025-03-31; uk_late_payment uses that last rate for "
        "them; add the reference rate of each half-year since")
