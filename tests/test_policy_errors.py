"""Mistakes in policy files through the installed CLI: `arreport check` exits 1 and names every
error as `FILE:LINE:COL: error: KEY.PATH: message; hint` (the closest valid name for a misspelt
key or an unknown reference); `build` writes nothing and leaves the old site byte for byte.
Valid-but-pointless rules are warnings: exit 0, or 1 with --strict.

Each test replaces one or more files of the default policy set with the YAML written inline;
its first line is line 1 of the file. Where the wording is open, a test pins the parts the
SPEC requires: file, line and column, key path, what was expected and the closest name.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import DEFAULT_POLICIES, run_arreport, tree_bytes, write_ledger, write_policies

LEDGER = {
    "invoices": """
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,100.00
    """,
    "clients": """
        client_id,name,segment
        C1,Acme Dental,dental
    """,
}

# segments.yaml without the default set's segments that LEDGER's one client does not use
SEGMENTS = """
    default: {terms: net30, ladder: standard}
    segments:
      dental: {terms: net30, ladder: standard}
"""

# escalation.yaml with one step and its fee, to try a fee's amount
ONE_STEP = """
    ladders:
      standard:
        steps:
          - {{id: formal_notice, at: 30, channel: letter, template: demand_letter, fee: late_fee}}
    fees:
      late_fee: {{flat: {flat}}}
"""

NOTHING_WRITTEN = "arreport: {} error(s) in the input; nothing was written"


def run_check(folder: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    done = run_arreport("check", "--ledger", "ledger", "--policies", "policies", *extra,
                        cwd=folder)
    assert "Traceback" not in done.stderr
    return done


def check(folder: Path, ledger: dict[str, str] | None = None,
          **policies: str) -> tuple[int, list[str]]:
    """Write the ledger and the policies into `folder`, run `check`: (exit status, stderr)."""
    write_ledger(folder / "ledger", **(ledger or LEDGER))
    write_policies(folder / "policies", **policies)
    done = run_check(folder)
    return done.returncode, done.stderr.splitlines()


def check_errors(folder: Path, **policies: str) -> list[str]:
    """`check` on policies with mistakes: exit 1 and the error lines, then the count."""
    status, lines = check(folder, **policies)
    assert status == 1, lines
    *errors, summary = lines
    assert summary == NOTHING_WRITTEN.format(len(errors))
    return errors


def check_warnings(folder: Path, ledger: dict[str, str] | None = None,
                   **policies: str) -> list[str]:
    """`check` exits 0 with the warnings; `check --strict` exits 1 on the same ones."""
    status, lines = check(folder, ledger, **policies)
    assert status == 0, lines
    *warnings, summary = lines
    assert summary.endswith(f" {len(warnings)} warning(s), no errors"), lines
    strict = run_check(folder, "--strict")
    if not warnings:
        assert (strict.returncode, strict.stderr.splitlines()) == (0, lines)
        return warnings
    assert strict.returncode == 1
    assert strict.stderr.splitlines() == [
        *warnings, summary, "arreport check --strict: warnings count as errors"]
    return warnings


# --- misspelt keys ---------------------------------------------------------------------------

def test_misspelt_step_key_suggests_the_closest_key(tmp_path: Path) -> None:
    assert check_errors(tmp_path, escalation="""
        ladders:
          standard:
            steps:
              - id: formal_notice
                at: 30
                channel: letter
                templte: demand_letter
    """) == [
        "policies/escalation.yaml:7:9: error: ladders.standard.steps[0].templte: "
        "unknown key 'templte'; did you mean 'template'?",
    ]


def test_misspelt_top_level_key_suggests_the_closest_key(tmp_path: Path) -> None:
    assert check_errors(tmp_path, escalation="""
        ladder:
          standard:
            steps:
              - {id: due, at: 0, channel: email, template: reminder_due}
    """) == [
        "policies/escalation.yaml:1:1: error: ladder: unknown key 'ladder'; "
        "did you mean 'ladders'?",
    ]


# --- references to something undefined -------------------------------------------------------

@pytest.mark.parametrize(("ladder", "hint"), [
    ("standrad", "did you mean 'standard'?"),
    ("gentle", "defined: standard"),
])
def test_unknown_ladder_in_segments(tmp_path: Path, ladder: str, hint: str) -> None:
    assert check_errors(tmp_path, segments=f"""
        default:
          terms: net30
          ladder: {ladder}
    """) == [
        f"policies/segments.yaml:3:3: error: default.ladder: unknown ladder '{ladder}'; {hint}",
    ]


def test_unknown_terms_in_a_segment_suggests_the_closest_terms(tmp_path: Path) -> None:
    assert check_errors(tmp_path, segments="""
        default: {terms: net30, ladder: standard}
        segments:
          dental: {terms: net3O, ladder: standard}
    """) == [
        "policies/segments.yaml:3:12: error: segments.dental.terms: unknown terms 'net3O'; "
        "did you mean 'net30'?",
    ]


def test_unknown_fee_and_template_in_a_step(tmp_path: Path) -> None:
    assert check_errors(tmp_path, escalation="""
        ladders:
          standard:
            steps:
              - id: formal_notice
                at: 30
                channel: letter
                template: demand_leter
                fee: late_fe
        fees:
          late_fee: {flat: 25.00}
    """) == [
        "policies/escalation.yaml:7:9: error: ladders.standard.steps[0].template: "
        "unknown template 'demand_leter'; did you mean 'demand_letter'?",
        "policies/escalation.yaml:8:9: error: ladders.standard.steps[0].fee: "
        "unknown fee 'late_fe'; did you mean 'late_fee'?",
    ]


def test_unknown_default_terms(tmp_path: Path) -> None:
    assert check_errors(tmp_path, terms="""
        currency: USD
        terms:
          net15: {net_days: 15}
          net30: {net_days: 30}
          net60: {net_days: 60}
          eom30: {net_days: 30, from: end_of_month}
          10th_next: {day_of_next_month: 10}
        default_terms: net-30
    """) == [
        "policies/terms.yaml:8:1: error: default_terms: unknown terms 'net-30'; "
        "did you mean 'net30'?",
    ]


def test_unknown_segment_in_a_step(tmp_path: Path) -> None:
    # a step limited to a segment that segments.yaml does not define can never fire
    status, lines = check(tmp_path, segments=SEGMENTS, escalation="""
        ladders:
          standard:
            steps:
              - id: formal_notice
                at: 30
                channel: letter
                segment: dentl
    """)
    assert (status == 1 and lines[0].startswith(
            "policies/escalation.yaml:7:9: error: ladders.standard.steps[0].segment: ")
        and "did you mean 'dental'?" in lines[0]), (status, lines)


# --- YAML's surprises ------------------------------------------------------------------------

STEP_WITH = """
    ladders:
      standard:
        steps:
          - at: 0
            channel: email
            {first}
            {second}
"""


@pytest.mark.parametrize(("first", "second", "error"), [
    ("id: no", "owner: collector", "ladders.standard.steps[0].id: expected a name or text, "
                                   "got 'no' which YAML reads as a boolean; quote it: 'no'"),
    ("id: on", "owner: collector", "ladders.standard.steps[0].id: expected a name or text, "
                                   "got 'on' which YAML reads as a boolean; quote it: 'on'"),
    ("owner: yes", "id: call", "ladders.standard.steps[0].owner: expected a name or text, "
                               "got 'yes' which YAML reads as a boolean; quote it: 'yes'"),
    ("template: 010", "id: due", "ladders.standard.steps[0].template: expected a name or "
                                 "text, got the number 010; quote it: '010'"),
])
def test_boolean_or_number_where_a_name_is_expected(tmp_path: Path, first: str, second: str,
                                                     error: str) -> None:
    assert check_errors(tmp_path, escalation=STEP_WITH.format(first=first, second=second)) == [
        f"policies/escalation.yaml:6:9: error: {error}",
    ]


def test_quoted_yaml_words_are_names(tmp_path: Path) -> None:
    status, lines = check(tmp_path, segments=SEGMENTS, escalation=STEP_WITH.format(
        first="id: 'no'", second='owner: "yes"'))
    assert (status, lines) == (
        0, ["arreport check: 1 invoices, 1 ladder(s), 0 warning(s), no errors"])


def test_null_where_a_name_is_expected(tmp_path: Path) -> None:
    errors = check_errors(tmp_path, escalation=STEP_WITH.format(first="owner:", second="id: x"))
    assert len(errors) == 1 and errors[0].startswith(
            "policies/escalation.yaml:6:9: error: ladders.standard.steps[0].owner: "
            "expected a name or text"), errors


@pytest.mark.parametrize(("escalation", "today", "wanted"), [
    ("""
        ladders:
          standard:
            steps:
              - id: due
                at: 0
                at: 3
     """,
     "policies/escalation.yaml:6:9: error: duplicate key 'at' (first on line 5); "
     "YAML would silently keep only the last one",
     "policies/escalation.yaml:6:9: error: ladders.standard.steps[0].at: duplicate key 'at' "
     "(first on line 5); YAML would silently keep only the last one"),
    ("""
        ladders:
          standard:
            steps:
              - {id: due, at: 0}
          standard:
            steps:
              - {id: due, at: 1}
     """,
     "policies/escalation.yaml:5:3: error: duplicate key 'standard' (first on line 2); "
     "YAML would silently keep only the last one",
     "policies/escalation.yaml:5:3: error: ladders.standard: duplicate key 'standard' "
     "(first on line 2); YAML would silently keep only the last one"),
], ids=["step-key", "ladder"])
def test_duplicate_key_names_the_first_line(tmp_path: Path, escalation: str, today: str,
                                            wanted: str) -> None:
    errors = check_errors(tmp_path, escalation=escalation)
    assert errors == [wanted], errors


def test_tab_in_indentation_is_located(tmp_path: Path) -> None:
    assert check_errors(tmp_path, escalation="""
        ladders:
          standard:
            steps:
        \t  - {id: due, at: 0, channel: email}
    """) == [
        "policies/escalation.yaml:4:1: error: a tab in the indentation; indent with spaces",
    ]


def test_unclosed_bracket_is_located(tmp_path: Path) -> None:
    errors = check_errors(tmp_path, escalation="""
        ladders:
          standard:
            steps: [{id: due, at: 0, channel: email}
        fees:
          late_fee: {flat: 25.00}
    """)
    # PyYAML notices only where the file ends; the reader needs where the '[' opened
    assert (len(errors) == 1 and "not valid YAML" in errors[0]
            and ("line 3, column 12" in errors[0]
                 or errors[0].startswith("policies/escalation.yaml:3:12:"))), errors


def test_unbalanced_brace_is_located(tmp_path: Path) -> None:
    assert check_errors(tmp_path, escalation="""
        ladders:
          standard:
            steps:
              - {id: due, at: 0, channel: email
              - {id: late, at: 30, channel: letter}
    """) == [
        "policies/escalation.yaml:5:9: error: not valid YAML: expected ',' or '}', but got '{' "
        "(while parsing a flow mapping on line 4, column 9)",
    ]


# --- wrong types and values ------------------------------------------------------------------

@pytest.mark.parametrize(("line", "other", "error"), [
    ("at: soon", "channel: email",
     "ladders.standard.steps[0].at: expected a whole number, got 'soon'"),
    ("channel: fax", "at: 0", "ladders.standard.steps[0].channel: 'fax' is not allowed; "
                              "expected one of: email, letter, phone, sms, agency, legal, "
                              "internal"),
    ("channel: emial", "at: 0", "ladders.standard.steps[0].channel: 'emial' is not allowed; "
                                "expected one of: email, letter, phone, sms, agency, legal, "
                                "internal; did you mean 'email'?"),
])
def test_wrong_value_in_a_step(tmp_path: Path, line: str, other: str, error: str) -> None:
    assert check_errors(tmp_path, escalation=f"""
        ladders:
          standard:
            steps:
              - id: due
                {line}
                {other}
    """) == [
        f"policies/escalation.yaml:5:9: error: {error}",
    ]


def test_fractional_day_is_not_a_whole_number(tmp_path: Path) -> None:
    errors = check_errors(tmp_path, escalation="""
        ladders:
          standard:
            steps:
              - id: due
                at: 1.5
    """)
    located = "policies/escalation.yaml:5:9: error: ladders.standard.steps[0].at: "
    assert (len(errors) == 1 and errors[0].startswith(located + "expected a whole number")
            and "quote it" not in errors[0]), errors


@pytest.mark.parametrize(("fee", "error"), [
    ("{percent: 150}", "6:14: error: fees.late_fee.percent: 150 is above the maximum 100"),
    ("{annual_percent: 12, grace_days: -5}",
     "6:34: error: fees.late_fee.grace_days: -5 is below the minimum 0"),
])
def test_fee_value_out_of_range(tmp_path: Path, fee: str, error: str) -> None:
    assert check_errors(tmp_path, escalation=f"""
        ladders:
          standard:
            steps:
              - {{id: formal_notice, at: 30, channel: letter}}
        fees:
          late_fee: {fee}
    """) == [f"policies/escalation.yaml:{error}"]


def test_bucket_edges_must_strictly_increase(tmp_path: Path) -> None:
    assert check_errors(tmp_path, terms="""
        currency: USD
        aging: {basis: due_date, buckets: [0, 30, 30, 90]}
        terms:
          net15: {net_days: 15}
          net30: {net_days: 30}
          net60: {net_days: 60}
          eom30: {net_days: 30, from: end_of_month}
          10th_next: {day_of_next_month: 10}
        default_terms: net30
    """) == [
        "policies/terms.yaml:2:26: error: aging.buckets: bucket edges [0, 30, 30, 90] must "
        "start at 0 and strictly increase; e.g. [0, 30, 60, 90]",
    ]


def test_negative_fee_amount(tmp_path: Path) -> None:
    status, lines = check(tmp_path, segments=SEGMENTS, escalation=ONE_STEP.format(flat="-1"))
    assert (status == 1 and lines[0].startswith(
        "policies/escalation.yaml:6:14: error: fees.late_fee.flat: ")
        and "-1" in lines[0]), (status, lines)


# --- every mistake at once -------------------------------------------------------------------

def test_several_mistakes_in_one_file_are_reported_together(tmp_path: Path) -> None:
    assert check_errors(tmp_path, escalation="""
        ladders:
          standard:
            steps:
              - {id: due, at: soon, channel: email}
              - {id: call, at: 21, channel: fax}
              - {id: formal_notice, at: 30, channel: letter, templte: demand_letter}
        fees:
          late_fee: {percent: 150}
    """) == [
        "policies/escalation.yaml:4:19: error: ladders.standard.steps[0].at: "
        "expected a whole number, got 'soon'",
        "policies/escalation.yaml:5:28: error: ladders.standard.steps[1].channel: 'fax' is not "
        "allowed; expected one of: email, letter, phone, sms, agency, legal, internal",
        "policies/escalation.yaml:6:54: error: ladders.standard.steps[2].templte: "
        "unknown key 'templte'; did you mean 'template'?",
        "policies/escalation.yaml:8:14: error: fees.late_fee.percent: "
        "150 is above the maximum 100",
    ]


def test_a_step_with_a_bad_value_still_has_its_references_checked(tmp_path: Path) -> None:
    # `at` is required: its bad value leaves the whole step out of the ladder, but the step's
    # other keys, as written, are still checked in the same run (a wrong value among them
    # is reported once, by the schema)
    assert check_errors(tmp_path, escalation="""
        ladders:
          standard:
            steps:
              - {id: a, at: "1", channel: fax, template: nosuch, fee: lat_fee, segment: dentl}
              - {id: a, at: 2, channel: email}
              - {id: b, at: 1.5, min_balance: -5}
              - {id: b, at: 3, channel: email}
        fees:
          late_fee: {flat: 25.00}
    """, segments=SEGMENTS) == [
        "policies/escalation.yaml:4:17: error: ladders.standard.steps[0].at: "
        "expected a whole number, got '1'",
        "policies/escalation.yaml:4:26: error: ladders.standard.steps[0].channel: 'fax' is not "
        "allowed; expected one of: email, letter, phone, sms, agency, legal, internal",
        "policies/escalation.yaml:4:58: error: ladders.standard.steps[0].fee: "
        "unknown fee 'lat_fee'; did you mean 'late_fee'?",
        "policies/escalation.yaml:4:72: error: ladders.standard.steps[0].segment: "
        "unknown segment 'dentl'; did you mean 'dental'?",
        "policies/escalation.yaml:4:40: error: ladders.standard.steps[0].template: "
        "unknown template 'nosuch'; put it in templates/letters/ beside the policies",
        "policies/escalation.yaml:5:10: error: ladders.standard.steps[1].id: "
        "step id 'a' is used twice in ladder 'standard' (first at steps[0])",
        "policies/escalation.yaml:6:17: error: ladders.standard.steps[2].at: "
        "expected a whole number, got the number 1.5",
        "policies/escalation.yaml:6:26: error: ladders.standard.steps[2].min_balance: "
        "-5 is negative; amounts are ≥ 0",
        "policies/escalation.yaml:7:10: error: ladders.standard.steps[3].id: "
        "step id 'b' is used twice in ladder 'standard' (first at steps[2])",
    ]


def test_mistakes_in_two_files_are_both_reported(tmp_path: Path) -> None:
    assert check_errors(tmp_path, escalation="""
        ladders:
          standard:
            steps:
              - {id: due, at: 0, channel: email, templte: reminder_due}
    """, segments="""
        default: {terms: net30, ladder: no}
    """) == [
        "policies/escalation.yaml:4:42: error: ladders.standard.steps[0].templte: "
        "unknown key 'templte'; did you mean 'template'?",
        "policies/segments.yaml:1:25: error: default.ladder: expected a name or text, "
        "got 'no' which YAML reads as a boolean; quote it: 'no'",
    ]


def test_a_bad_key_does_not_hide_an_unknown_reference_elsewhere(tmp_path: Path) -> None:
    errors = check_errors(tmp_path, escalation="""
        ladders:
          standard:
            steps:
              - {id: due, at: 0, channel: email, templte: reminder_due}
    """, segments="""
        default: {terms: net30, ladder: standrad}
    """)
    bad_key = ("policies/escalation.yaml:4:42: error: ladders.standard.steps[0].templte: "
               "unknown key 'templte'; did you mean 'template'?")
    assert errors == [bad_key, "policies/segments.yaml:1:25: error: default.ladder: "
                            "unknown ladder 'standrad'; did you mean 'standard'?"], errors


# --- build writes nothing --------------------------------------------------------------------

@pytest.fixture(scope="module")
def good_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site built from LEDGER and the default policies, once per module."""
    root = tmp_path_factory.mktemp("good")
    write_ledger(root / "ledger", **LEDGER)
    done = run_arreport("build", "--ledger", "ledger", "--policies", DEFAULT_POLICIES,
                        "--as-of", "2024-03-01", "--out", "site", "--no-pdf", cwd=root)
    assert done.returncode == 0, done.stderr
    return root / "site"


@pytest.mark.parametrize(("escalation", "error"), [
    ("""
        ladders:
          standard:
            steps:
              - {id: due, at: 0, channel: email, templte: reminder_due}
     """,
     "policies/escalation.yaml:4:42: error: ladders.standard.steps[0].templte: "
     "unknown key 'templte'; did you mean 'template'?"),
    ("""
        ladders:
          standard:
            steps:
              - {id: due, at: 0, channel: email
     """,
     "policies/escalation.yaml:5:1: error: not valid YAML: "
     "expected ',' or '}', but got '<stream end>' "
     "(while parsing a flow mapping on line 4, column 9)"),
], ids=["unknown-key", "bad-yaml"])
def test_build_with_bad_policies_leaves_the_old_site(tmp_path: Path, good_site: Path,
                                                     escalation: str, error: str) -> None:
    shutil.copytree(good_site, tmp_path / "site")
    before = tree_bytes(tmp_path / "site")
    write_ledger(tmp_path / "ledger", **LEDGER)
    write_policies(tmp_path / "policies", escalation=escalation)
    done = run_arreport("build", "--ledger", "ledger", "--policies", "policies",
                        "--as-of", "2024-03-01", "--out", "site", "--no-pdf", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [error, NOTHING_WRITTEN.format(1)]
    assert tree_bytes(tmp_path / "site") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger", "policies", "site"]


# --- money is read from the text -------------------------------------------------------------

@pytest.mark.parametrize("flat", ["25.10", "{USD: 25.10}", "{USD: 25.10, EUR: 20}"])
def test_money_forms_validate(tmp_path: Path, flat: str) -> None:
    status, lines = check(tmp_path, segments=SEGMENTS, escalation=ONE_STEP.format(flat=flat))
    assert (status, lines) == (
        0, ["arreport check: 1 invoices, 1 ladder(s), 0 warning(s), no errors"])


@pytest.mark.parametrize(("flat", "amount"), [
    ("0.30", "0.30"),  # from the text; through a float 0.3 is 0.29999...
    ("1.1", "1.10"),
])
def test_fee_amount_comes_from_the_text(tmp_path: Path, flat: str, amount: str) -> None:
    write_ledger(tmp_path / "ledger", **LEDGER)  # I1 due 2024-01-31: 30 days late on 03-01
    write_policies(tmp_path / "policies", segments=SEGMENTS,
                   escalation=ONE_STEP.format(flat=flat))
    done = run_arreport("build", "--ledger", "ledger", "--policies", "policies",
                        "--as-of", "2024-03-01", "--out", "site", "--no-pdf", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    fees = list(csv.DictReader(io.StringIO(
        (tmp_path / "site" / "data" / "fees.csv").read_text(encoding="utf-8"))))
    assert [(f["fee_id"], f["date"], f["amount"], f["currency"]) for f in fees] == [
        ("late_fee:I1", "2024-03-01", amount, "USD")]


def test_policy_amounts_have_at_most_their_currencys_decimals(tmp_path: Path) -> None:
    assert check_errors(tmp_path, escalation="""
        ladders:
          standard:
            steps:
              - {id: notice, at: 30, channel: letter, fee: late_fee, min_balance: {JPY: 0.5}}
        fees:
          late_fee: {flat: {USD: 25.00, JPY: 2500.5}, max: 2.675}
    """) == [
        "policies/escalation.yaml:4:76: error: ladders.standard.steps[0].min_balance.JPY: 0.5 "
        "has more decimals than JPY allows (0); write JPY amounts as whole numbers",
        "policies/escalation.yaml:6:33: error: fees.late_fee.flat.JPY: 2500.5 has more "
        "decimals than JPY allows (0); write JPY amounts as whole numbers",
        "policies/escalation.yaml:6:47: error: fees.late_fee.max: 2.675 has more decimals than "
        "USD allows (2); write it with at most 2 decimals",
    ]


def test_a_step_cannot_charge_interest_as_its_fee(tmp_path: Path) -> None:
    assert check_errors(tmp_path, escalation="""
        ladders:
          standard:
            steps:
              - {id: notice, at: 30, channel: letter, fee: interest}
        fees:
          interest: {annual_percent: 12}
    """) == [
        "policies/escalation.yaml:4:47: error: ladders.standard.steps[0].fee: fee 'interest' "
        "is interest (annual_percent or preset): it runs on every overdue invoice by itself, "
        "never as a step's fee; remove fee: here, or name a flat or percent fee",
    ]


# --- lint: valid, but not what was meant -----------------------------------------------------

def test_default_policies_have_no_warnings_for_this_ledger(tmp_path: Path) -> None:
    assert check_warnings(tmp_path, segments=SEGMENTS) == []


def test_two_steps_on_the_same_day(tmp_path: Path) -> None:
    assert check_warnings(tmp_path, segments=SEGMENTS, escalation="""
        ladders:
          standard:
            steps:
              - {id: due, at: 0, channel: email, template: reminder_due}
              - {id: warn, at: 14, channel: email, template: penalty_warning}
              - {id: call, at: 14, channel: phone, min_balance: 500}
    """) == [
        "policies/escalation.yaml:5: warning: ladders.standard.steps: steps warn, call are on "
        "the same day (at: 14); the later one in the file wins when both hold",
    ]


def test_step_that_can_never_fire(tmp_path: Path) -> None:
    warnings = check_warnings(tmp_path, segments=SEGMENTS, escalation="""
        ladders:
          standard:
            steps:
              - {id: due, at: 0, channel: email, template: reminder_due}
              - {id: warn, at: 14, channel: email, template: penalty_warning}
              - {id: call, at: 14, channel: phone}
    """)
    same_day = ("policies/escalation.yaml:5: warning: ladders.standard.steps: steps warn, call "
                "are on the same day (at: 14); the later one in the file wins when both hold")
    never = ("step warn can never fire: call is on the same day with no conditions and comes "
             "later; give it a different at, or conditions to the later step")
    assert warnings == [same_day, f"policies/escalation.yaml:5: warning: "
                               f"ladders.standard.steps[1]: {never}"], warnings


def test_fee_used_by_no_step(tmp_path: Path) -> None:
    assert check_warnings(tmp_path, segments=SEGMENTS, escalation="""
        ladders:
          standard:
            steps:
              - {id: formal_notice, at: 30, channel: letter, fee: late_fee}
        fees:
          late_fee: {flat: 25.00}
          admin_fee: {flat: 10.00}
          interest: {annual_percent: 12, grace_days: 5}
    """) == [
        "policies/escalation.yaml:7: warning: fees.admin_fee: fee 'admin_fee' is used by no "
        "step; name it in a step's fee:, or remove it",
    ]


def test_ladder_used_by_nobody(tmp_path: Path) -> None:
    assert check_warnings(tmp_path, segments=SEGMENTS, escalation="""
        ladders:
          standard:
            steps:
              - {id: due, at: 0, channel: email}
          legacy:
            steps:
              - {id: due, at: 0, channel: email}
    """) == [
        "policies/escalation.yaml:5: warning: ladders.legacy: ladder 'legacy' is used by no "
        "segment, risk tier or client; assign it in segments.yaml",
    ]


def test_segment_no_client_uses(tmp_path: Path) -> None:
    assert check_warnings(tmp_path, segments="""
        default: {terms: net30, ladder: standard}
        segments:
          dental: {terms: net30, ladder: standard}
          dentall: {terms: net60, ladder: standard}
    """) == [
        "policies/segments.yaml:4: warning: segments.dentall: segment 'dentall' has no client; "
        "did you mean 'dental'?",
    ]


def test_contact_step_no_ladder_knows(tmp_path: Path) -> None:
    ledger = {**LEDGER, "contacts": """
        date,client_id,channel,invoice_id,step
        2024-02-01,C1,letter,I1,formal_notise
    """}
    assert check_warnings(tmp_path, ledger, segments=SEGMENTS) == [
        "ledger/contacts.csv:2: warning: step: step 'formal_notise' is in no ladder; "
        "it suppresses nothing; did you mean 'formal_notice'?",
    ]
