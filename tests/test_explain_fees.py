"""`arreport explain` names a step fee that is not charged, and why: already invoiced (with the
invoices.csv row that invoiced it), no amount for the invoice's currency, left out by the
client's fee list, or the invoice is itself a fee invoice (no fees on fees)."""

from __future__ import annotations

from pathlib import Path

from conftest import run_arreport, write_ledger, write_policies

AS_OF = "2024-06-30"

ESCALATION = """
    ladders:
      standard:
        steps:
          - {id: first, at: 1, channel: email}
          - {id: formal_notice, at: 30, channel: letter, fee: late_fee}
    fees:
      late_fee: {flat: {USD: 25.00, EUR: 20.00}}
"""

SEGMENTS = """
    default: {terms: net30, ladder: standard}
    clients:
      NF: {fees: []}
"""

CLIENTS = """
    client_id,name,currency
    C,Charged before,USD
    G,Pays in pounds,GBP
    NF,No fees,USD
    OK,Charged today,USD
"""

INVOICES = """
    invoice_id,client_id,issue_date,due_date,amount,currency,reference
    C1,C,2024-04-01,2024-05-31,100.00,USD,
    F1,C,2024-05-01,2024-05-31,25.00,USD,late_fee:C1
    G1,G,2024-04-01,2024-05-31,100.00,GBP,
    N1,NF,2024-04-01,2024-05-31,100.00,USD,
    K1,OK,2024-04-01,2024-05-31,100.00,USD,
"""

CONTACTS = """
    date,client_id,channel,invoice_id,step
    2024-06-29,C,letter,C1,formal_notice
"""


def explain(tmp_path: Path, client: str, *invoice: str) -> list[str]:
    if not (tmp_path / "ledger").exists():
        write_ledger(tmp_path / "ledger", clients=CLIENTS, invoices=INVOICES)
        write_policies(tmp_path / "policies", escalation=ESCALATION, segments=SEGMENTS)
    done = run_arreport("explain", client, *invoice, "--ledger", "ledger", "--policies",
                        "policies", "--as-of", AS_OF, cwd=tmp_path)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return done.stdout.splitlines()


def fee_lines(lines: list[str]) -> list[str]:
    return [x for x in lines if x.startswith(("  FEE:", "  NO FEE:"))]


def test_a_charged_step_fee_has_no_excuse(tmp_path: Path) -> None:
    assert fee_lines(explain(tmp_path, "OK", "K1")) == [
        "  FEE: escalation.yaml:7 late_fee: step formal_notice (escalation.yaml:5) on "
        "2024-06-30; flat 20.00 EUR / 25.00 USD = 25.00 USD",
    ]


def test_an_invoiced_step_fee_names_the_row_that_invoiced_it(tmp_path: Path) -> None:
    assert fee_lines(explain(tmp_path, "C", "C1")) == [
        "  NO FEE: escalation.yaml:7 late_fee at step formal_notice (escalation.yaml:5, "
        "today's action): already invoiced by F1 (ledger/invoices.csv:3, reference "
        "late_fee:C1)",
    ]


def test_a_fee_invoice_is_charged_no_fee(tmp_path: Path) -> None:
    assert fee_lines(explain(tmp_path, "C", "F1")) == [
        "  NO FEE: escalation.yaml:7 late_fee at step formal_notice (escalation.yaml:5, "
        "today's action): F1 is itself the invoice of a fee (reference late_fee:C1); "
        "no fees on fees",
    ]


def test_a_fee_with_no_amount_in_the_currency_says_so(tmp_path: Path) -> None:
    assert fee_lines(explain(tmp_path, "G", "G1")) == [
        "  NO FEE: escalation.yaml:7 late_fee at step formal_notice (escalation.yaml:5, "
        "today's action): no GBP amount (flat 20.00 EUR / 25.00 USD), not charged",
    ]


def test_a_fee_left_out_by_the_clients_fee_list_names_the_list(tmp_path: Path) -> None:
    assert fee_lines(explain(tmp_path, "NF", "N1")) == [
        "  NO FEE: escalation.yaml:7 late_fee at step formal_notice (escalation.yaml:5, "
        "today's action): the client's fee list (client NF, segments.yaml:3: none) leaves "
        "out late_fee",
    ]


def test_a_recorded_step_names_its_contact_row(tmp_path: Path) -> None:
    write_ledger(tmp_path / "ledger", clients=CLIENTS, invoices=INVOICES, contacts=CONTACTS)
    write_policies(tmp_path / "policies", escalation=ESCALATION, segments=SEGMENTS)
    # the contact log records formal_notice for C1 the day before: that is the step that made
    # the fee due, and the invoiced fee is still not charged again
    assert fee_lines(explain(tmp_path, "C", "C1")) == [
        "  NO FEE: escalation.yaml:7 late_fee at step formal_notice (escalation.yaml:5, "
        "recorded 2024-06-29, ledger/contacts.csv:2): already invoiced by F1 "
        "(ledger/invoices.csv:3, reference late_fee:C1)",
    ]
