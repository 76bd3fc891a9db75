"""Invalid ledgers through the installed CLI: exit status 1, every problem located on stderr
(`FILE:LINE: error: COLUMN: message; hint`), and the site built before left byte for byte
as it was. Warnings do not stop the build; a usage mistake exits 2."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import DEFAULT_POLICIES, inline, run_arreport, tree_bytes, write_ledger

AS_OF = "2024-03-15"

RunArreport = Callable[..., subprocess.CompletedProcess[str]]

GOOD_LEDGER = {
    "invoices": """
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,100.00
        I2,C2,2024-02-01,2024-03-02,250.00
    """,
    "payments": """
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-02-10,60.00,I1
    """,
}


@pytest.fixture(scope="module")
def good_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site built from a valid ledger, once per module; each test works on a copy."""
    root = tmp_path_factory.mktemp("good")
    write_ledger(root / "ledger", **GOOD_LEDGER)
    done = run_arreport("build", "--ledger", "ledger", "--policies", DEFAULT_POLICIES,
                        "--as-of", AS_OF, "--out", "site", "--no-pdf", cwd=root)
    assert done.returncode == 0, done.stderr
    assert tree_bytes(root / "site"), "the good build wrote nothing"
    return root / "site"


@pytest.fixture
def workdir(tmp_path: Path, good_site: Path) -> Path:
    """A folder holding `site/`, a previously built site, where the bad run happens."""
    shutil.copytree(good_site, tmp_path / "site")
    return tmp_path


def build(workdir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_arreport("build", "--ledger", "ledger", "--policies", DEFAULT_POLICIES,
                        "--as-of", AS_OF, "--out", "site", "--no-pdf", *extra, cwd=workdir)


def build_bad(workdir: Path, **files: str) -> list[str]:
    """Write the ledger, run the build, check that it failed and left the old site alone;
    return the stderr lines."""
    write_ledger(workdir / "ledger", **files)
    before_site = tree_bytes(workdir / "site")
    before_entries = sorted(p.name for p in workdir.iterdir())
    done = build(workdir)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert tree_bytes(workdir / "site") == before_site
    assert sorted(p.name for p in workdir.iterdir()) == before_entries  # no staging left
    return done.stderr.splitlines()


def write_bytes(workdir: Path, name: str, data: bytes) -> None:
    (workdir / "ledger").mkdir(exist_ok=True)
    (workdir / "ledger" / name).write_bytes(data)


# --- headers ---------------------------------------------------------------------------------

def test_missing_required_column_suggests_the_misspelt_header(workdir: Path) -> None:
    stderr = build_bad(workdir, invoices="""
        invoice_id,client_id,issue_date,amout
        I1,C1,2024-01-01,100.00
    """)
    assert stderr == [
        "ledger/invoices.csv:1: error: amount: missing required column 'amount'; "
        "the header has 'amout'; did you mean 'amount'?",
        "arreport: 1 error(s) in the input; nothing was written",
    ]


def test_empty_invoices_file(workdir: Path) -> None:
    write_bytes(workdir, "invoices.csv", b"")
    stderr = build_bad(workdir)
    assert stderr == [
        "ledger/invoices.csv: error: the file is empty; "
        "expected a header row: invoice_id,client_id,issue_date,amount",
        "arreport: 1 error(s) in the input; nothing was written",
    ]


# --- cells -----------------------------------------------------------------------------------

def test_unparseable_dates(workdir: Path) -> None:
    stderr = build_bad(workdir, invoices="""
        invoice_id,client_id,issue_date,amount
        I1,C1,2024-13-01,100.00
        I2,C1,31/01/2024,100.00
        I3,C1,2024-02-30,100.00
    """)
    assert stderr == [
        "ledger/invoices.csv:2: error: issue_date: '2024-13-01' is not a date; "
        "expected YYYY-MM-DD, e.g. 2024-06-30",
        "ledger/invoices.csv:3: error: issue_date: '31/01/2024' is not a date; "
        "expected YYYY-MM-DD, e.g. 2024-06-30",
        "ledger/invoices.csv:4: error: issue_date: '2024-02-30' is not a date; "
        "expected YYYY-MM-DD, e.g. 2024-06-30",
        "arreport: 3 error(s) in the input; nothing was written",
    ]


def test_malformed_amounts(workdir: Path) -> None:
    stderr = build_bad(workdir, invoices="""
        invoice_id,client_id,issue_date,amount
        I1,C1,2024-01-01,"1,200.50"
        I2,C1,2024-01-01,12.345
        I3,C1,2024-01-01,abc
    """)
    assert stderr == [
        "ledger/invoices.csv:2: error: amount: '1,200.50' is not a decimal number; "
        "expected e.g. 1200.50, with no thousands separator",
        "ledger/invoices.csv:3: error: amount: '12.345' has more decimals than USD allows; "
        "USD amounts take 2 decimals",
        "ledger/invoices.csv:4: error: amount: 'abc' is not a decimal number; "
        "expected e.g. 1200.50, with no thousands separator",
        "arreport: 3 error(s) in the input; nothing was written",
    ]


def test_negative_amount(workdir: Path) -> None:
    stderr = build_bad(workdir, invoices="""
        invoice_id,client_id,issue_date,amount
        I1,C1,2024-01-01,100.00
    """, payments="""
        payment_id,client_id,date,amount
        P1,C1,2024-02-01,-5.00
    """)
    assert stderr == [
        "ledger/payments.csv:2: error: amount: '-5.00' is negative; amounts are >= 0; "
        "record a refund as an invoice, a credit as a credit note",
        "arreport: 1 error(s) in the input; nothing was written",
    ]


def test_unquoted_thousands_separator_is_located(workdir: Path) -> None:
    stderr = build_bad(workdir, invoices="""
        invoice_id,client_id,issue_date,amount
        I1,C1,2024-01-01,100.00
        I2,C1,2024-01-01,1,200.50
    """)
    assert stderr == [
        "ledger/invoices.csv:3: error: row has 5 fields, the header has 4: "
        "'I2,C1,2024-01-01,1,200.50'; quote values that contain commas",
        "arreport: 1 error(s) in the input; nothing was written",
    ]


def test_empty_required_cells_are_each_reported_once(workdir: Path) -> None:
    stderr = build_bad(workdir, invoices="""
        invoice_id,client_id,issue_date,amount
        I1,C1,2024-01-01,100.00
        I2,,2024-01-01,
    """)
    assert stderr == [
        "ledger/invoices.csv:3: error: client_id: client_id is empty; every row needs a value",
        "ledger/invoices.csv:3: error: amount: amount is empty; every row needs an amount",
        "arreport: 2 error(s) in the input; nothing was written",
    ]


def test_the_only_invoice_without_a_client_is_an_input_error(workdir: Path) -> None:
    stderr = build_bad(workdir, invoices="""
        invoice_id,client_id,issue_date,amount
        I1,,2024-01-01,100.00
    """)
    assert stderr == [
        "ledger/invoices.csv:2: error: client_id: client_id is empty; every row needs a value",
        "arreport: 1 error(s) in the input; nothing was written",
    ]


def test_duplicate_invoice_id_names_the_first_line(workdir: Path) -> None:
    stderr = build_bad(workdir, invoices="""
        invoice_id,client_id,issue_date,amount
        I1,C1,2024-01-01,100.00
        I2,C1,2024-01-01,100.00
        I1,C2,2024-01-02,50.00
    """)
    assert stderr == [
        "ledger/invoices.csv:4: error: invoice_id: duplicate invoice_id 'I1' "
        "(first on line 2); each invoice_id must be unique",
        "arreport: 1 error(s) in the input; nothing was written",
    ]


def test_duplicate_payment_id(workdir: Path) -> None:
    stderr = build_bad(workdir, invoices="""
        invoice_id,client_id,issue_date,amount
        I1,C1,2024-01-01,100.00
    """, payments="""
        payment_id,client_id,date,amount
        P1,C1,2024-02-01,10.00
        P1,C1,2024-02-02,10.00
    """)
    assert stderr == [
        "ledger/payments.csv:3: error: payment_id: duplicate payment_id 'P1' "
        "(first on line 2); each payment_id must be unique",
        "arreport: 1 error(s) in the input; nothing was written",
    ]


def test_unknown_currency_code(workdir: Path) -> None:
    stderr = build_bad(workdir, invoices="""
        invoice_id,client_id,issue_date,amount,currency
        I1,C1,2024-01-01,100.00,USX
    """)
    assert stderr == [
        "ledger/invoices.csv:2: error: currency: 'USX' is not a known currency code; "
        "did you mean 'USD'?",
        "arreport: 1 error(s) in the input; nothing was written",
    ]


def test_unknown_terms_name(workdir: Path) -> None:
    stderr = build_bad(workdir, invoices="""
        invoice_id,client_id,issue_date,amount,terms
        I1,C1,2024-01-01,100.00,net31
        I2,C1,2024-01-01,100.00,weekly
    """)
    assert stderr == [
        "ledger/invoices.csv:2: error: terms: unknown terms 'net31'; did you mean 'net30'?",
        "ledger/invoices.csv:3: error: terms: unknown terms 'weekly'; terms.yaml defines: "
        "10th_next, 2-10-net30, eom30, net15, net30, net60",
        "arreport: 2 error(s) in the input; nothing was written",
    ]


def test_several_problems_in_one_file_are_reported_together(workdir: Path) -> None:
    stderr = build_bad(workdir, invoices="""
        invoice_id,client_id,issue_date,amount,currency,terms
        I1,C1,2024-01-01,100.00,USD,net30
        I2,C1,2024-1-5,100.00,USD,net30
        I3,C1,2024-01-01,ten,USD,net30
        I4,C1,2024-01-01,100.00,DOL,net30
        I5,C1,2024-01-01,100.00,USD,net_30
    """)
    assert stderr == [
        "ledger/invoices.csv:3: error: issue_date: '2024-1-5' is not a date; "
        "expected YYYY-MM-DD, e.g. 2024-06-30",
        "ledger/invoices.csv:4: error: amount: 'ten' is not a decimal number; "
        "expected e.g. 1200.50, with no thousands separator",
        "ledger/invoices.csv:5: error: currency: 'DOL' is not a known currency code; "
        "expected an ISO 4217 code such as USD or EUR",
        "ledger/invoices.csv:6: error: terms: unknown terms 'net_30'; did you mean 'net30'?",
        "arreport: 4 error(s) in the input; nothing was written",
    ]


def test_lines_are_counted_as_a_text_editor_does(workdir: Path) -> None:
    """A BOM is accepted; a quoted address over three lines and a blank line shift later
    rows, and the message names the line the editor shows."""
    clients = inline("""
        client_id,name,address,currency
        C1,Acme Dental,"1 Main St
        Suite 2
        Springfield",USD
        C2,Brite Spa,2 Side St,EUX

        C3,City Clinic,,EUR
        C4,Derma Co,"4 Elm St",EUY
    """)
    write_bytes(workdir, "clients.csv", b"\xef\xbb\xbf" + clients.encode("utf-8"))
    invoices = inline("""
        invoice_id,client_id,issue_date,amount
        I1,C1,2024-01-01,100.00
        I2,C2,2024-01-01,x
    """)
    write_bytes(workdir, "invoices.csv", b"\xef\xbb\xbf" + invoices.encode("utf-8"))
    stderr = build_bad(workdir)
    assert stderr == [
        "ledger/clients.csv:5: error: currency: 'EUX' is not a known currency code; "
        "did you mean 'EUR'?",
        "ledger/clients.csv:8: error: currency: 'EUY' is not a known currency code; "
        "did you mean 'EUR'?",
        "ledger/invoices.csv:3: error: amount: 'x' is not a decimal number; "
        "expected e.g. 1200.50, with no thousands separator",
        "arreport: 3 error(s) in the input; nothing was written",
    ]


def test_wrong_field_count_after_a_multi_line_value_names_the_editor_line(
        workdir: Path) -> None:
    stderr = build_bad(workdir, invoices="""
        invoice_id,client_id,issue_date,amount
        I1,C1,2024-01-01,100.00
    """, clients="""
        client_id,name,address
        C1,Acme Dental,"1 Main St
        Suite 2"

        C2,Brite Spa,2 Side St,Springfield
        C3,City Clinic,"3 Oak St
        Floor 2",Austin
    """)
    assert stderr == [
        "ledger/clients.csv:5: error: row has 4 fields, the header has 3: "
        "'C2,Brite Spa,2 Side St,Springfield'; quote values that contain commas",
        "ledger/clients.csv:6: error: row has 4 fields, the header has 3: "
        "'C3,City Clinic,3 Oak St Floor 2,Austin'; quote values that contain commas",
        "arreport: 2 error(s) in the input; nothing was written",
    ]


# --- warnings and usage ----------------------------------------------------------------------

def test_payment_naming_an_unknown_invoice_is_a_warning(workdir: Path) -> None:
    write_ledger(workdir / "ledger", invoices="""
        invoice_id,client_id,issue_date,amount
        I1,C1,2024-01-01,100.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-02-01,40.00,I9
    """)
    done = build(workdir)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert lines[0] == ("ledger/payments.csv:2: warning: invoice_id: names unknown invoice 'I9'; "
                        "the amount goes to the client's pool")
    assert lines[1].startswith(f"arreport: as of {AS_OF}: ")
    assert len(lines) == 2
    assert (workdir / "site" / "data" / "open_items.csv").read_text().splitlines()[1:] == [
        "C1,I1,USD,2024-01-01,2024-01-31,100.00,60.00,44,31-60,false"]


def test_column_close_to_a_known_name_is_a_warning(workdir: Path) -> None:
    write_ledger(workdir / "ledger", invoices="""
        invoice_id,client_id,issue_date,amount,due_dte
        I1,C1,2024-01-01,100.00,2024-02-15
    """)
    done = build(workdir)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0] == (
        "ledger/invoices.csv:1: warning: due_dte: unknown column 'due_dte' is ignored; "
        "did you mean 'due_date'?")


def test_a_bom_in_every_file_changes_nothing(workdir: Path, good_site: Path) -> None:
    for name, text in GOOD_LEDGER.items():
        write_bytes(workdir, f"{name}.csv", b"\xef\xbb\xbf" + inline(text).encode("utf-8"))
    done = build(workdir)
    assert done.returncode == 0, done.stderr
    assert tree_bytes(workdir / "site") == tree_bytes(good_site)


@pytest.mark.parametrize("as_of", ["2024-02-30", "15/03/2024", "yesterday", "20240315",
                                    "2024-W11-5", "2024-03-15T00:00"])
def test_bad_as_of_is_a_usage_error(workdir: Path, as_of: str) -> None:
    write_ledger(workdir / "ledger", **GOOD_LEDGER)
    before = tree_bytes(workdir / "site")
    done = run_arreport("build", "--ledger", "ledger", "--policies", DEFAULT_POLICIES,
                        "--as-of", as_of, "--out", "site", "--no-pdf", cwd=workdir)
    assert done.returncode == 2, done.stderr
    assert (f"Error: Invalid value for --as-of: '{as_of}' is not a date (expected YYYY-MM-DD)"
            in done.stderr.splitlines())
    assert "Traceback" not in done.stderr
    assert tree_bytes(workdir / "site") == before


def test_unknown_option_is_a_usage_error(workdir: Path) -> None:
    before = tree_bytes(workdir / "site")
    done = run_arreport("build", "--out", "site", "--as-off", AS_OF, cwd=workdir)
    assert done.returncode == 2, done.stderr
    assert "Error: No such option '--as-off'" in done.stderr
    assert tree_bytes(workdir / "site") == before


def test_as_of_outside_the_accepted_dates_is_a_usage_error(workdir: Path) -> None:
    write_ledger(workdir / "ledger", **GOOD_LEDGER)
    before = tree_bytes(workdir / "site")
    done = run_arreport("build", "--ledger", "ledger", "--policies", DEFAULT_POLICIES,
                        "--as-of", "0001-01-01", "--out", "site", "--no-pdf", cwd=workdir)
    assert done.returncode == 2, done.stderr
    assert ("Error: Invalid value for --as-of: '0001-01-01' is outside the dates arreport "
            "accepts (expected a date from 1900-01-01 to 2999-12-31)") in done.stderr
    assert "Traceback" not in done.stderr
    assert tree_bytes(workdir / "site") == before


# --- reading: rows the CSV reader cannot take -------------------------------------------------

def test_a_quote_never_closed_is_located_and_the_rows_before_it_are_checked(
        workdir: Path) -> None:
    stderr = build_bad(workdir, invoices="""
        invoice_id,client_id,issue_date,amount,reference
        I1,C1,2024-01-01,ten,PO-1
        I2,C1,2024-01-01,100.00,"PO-2
        I3,C1,2024-01-01,100.00,PO-3
        I4,C1,2024-01-01,100.00,PO-4
    """)
    assert stderr == [
        "ledger/invoices.csv:2: error: amount: 'ten' is not a decimal number; "
        "expected e.g. 1200.50, with no thousands separator",
        "ledger/invoices.csv:3: error: reference: a quoted value opens here and is never "
        "closed; lines 4-5 are read as part of it; close the quote, or remove it",
        "arreport: 2 error(s) in the input; nothing was written",
    ]


def test_a_row_with_the_wrong_field_count_does_not_hide_the_files_other_problems(
        workdir: Path) -> None:
    stderr = build_bad(workdir, invoices="""
        invoice_id,client_id,issue_date,amount
        I1,C1,2024-01-01,100.00
        I2,C1,2024-01-01,1,200.00
        I3,C1,2024-13-01,100.00
    """)
    assert stderr == [
        "ledger/invoices.csv:3: error: row has 5 fields, the header has 4: "
        "'I2,C1,2024-01-01,1,200.00'; quote values that contain commas",
        "ledger/invoices.csv:4: error: issue_date: '2024-13-01' is not a date; "
        "expected YYYY-MM-DD, e.g. 2024-06-30",
        "arreport: 2 error(s) in the input; nothing was written",
    ]


def test_a_file_missing_a_column_does_not_hide_the_other_files_problems(
        workdir: Path) -> None:
    stderr = build_bad(workdir, invoices="""
        invoice_id,client_id,issue_date,amount
        I1,C1,2024-01-01,100.00
        I2,C1,2024-01-01,abc
    """, payments="""
        payment_id,client_id,date,amout
        P1,C1,2024-02-01,40.00
    """)
    assert stderr == [
        "ledger/invoices.csv:3: error: amount: 'abc' is not a decimal number; "
        "expected e.g. 1200.50, with no thousands separator",
        "ledger/payments.csv:1: error: amount: missing required column 'amount'; the header "
        "has 'amout'; did you mean 'amount'?",
        "arreport: 2 error(s) in the input; nothing was written",
    ]


def test_payment_plan_counts_must_be_whole_numbers(workdir: Path) -> None:
    stderr = build_bad(workdir, invoices=GOOD_LEDGER["invoices"], payment_plans="""
        plan_id,client_id,start,installments,every_days,amount
        PL1,C1,2024-02-01,six,30,50.00
        PL2,C1,2024-02-01,6,2.5,50.00
        PL3,C1,2024-02-01,0,30,50.00
    """)
    assert stderr == [
        "ledger/payment_plans.csv:2: error: installments: 'six' is not a whole number; "
        "expected the number of installments, a whole number such as 6",
        "ledger/payment_plans.csv:3: error: every_days: '2.5' is not a whole number; "
        "expected the days between installments, a whole number such as 30",
        "ledger/payment_plans.csv:4: error: installments: '0' is not at least 1; "
        "expected the number of installments, a whole number such as 6",
        "arreport: 3 error(s) in the input; nothing was written",
    ]


def test_amounts_too_large_for_exact_sums_are_located(workdir: Path) -> None:
    stderr = build_bad(workdir, invoices="""
        invoice_id,client_id,issue_date,amount,currency
        I1,C1,2024-01-01,99999999999999999999.00,USD
        I2,C1,2024-01-01,10000000000000.01,USD
        I3,C1,2024-01-01,10000000000000.00,USD
        I4,C1,2024-01-01,1000000000000000,JPY
    """)
    assert stderr == [
        "ledger/invoices.csv:2: error: amount: '99999999999999999999.00' is too large; an "
        "amount is at most 10000000000000.00 USD (10^15 minor units), which keeps every sum "
        "of the ledger exact in 64-bit integers",
        "ledger/invoices.csv:3: error: amount: '10000000000000.01' is too large; an amount is "
        "at most 10000000000000.00 USD (10^15 minor units), which keeps every sum of the "
        "ledger exact in 64-bit integers",
        "arreport: 2 error(s) in the input; nothing was written",
    ]


def test_ledger_dates_outside_the_accepted_range_are_located(workdir: Path) -> None:
    stderr = build_bad(workdir, invoices="""
        invoice_id,client_id,issue_date,amount
        I1,C1,0001-01-01,100.00
        I2,C1,9999-12-31,100.00
    """)
    assert stderr == [
        "ledger/invoices.csv:2: error: issue_date: '0001-01-01' is outside the dates arreport "
        "accepts; expected a date from 1900-01-01 to 2999-12-31",
        "ledger/invoices.csv:3: error: issue_date: '9999-12-31' is outside the dates arreport "
        "accepts; expected a date from 1900-01-01 to 2999-12-31",
        "arreport: 2 error(s) in the input; nothing was written",
    ]


def test_a_value_under_an_unnamed_column_is_an_error(workdir: Path) -> None:
    stderr = build_bad(workdir, invoices="""
        invoice_id,client_id,issue_date,amount,
        I1,C1,2024-01-01,100.00,
        I2,C1,2024-01-01,100.00,note
    """)
    assert stderr == [
        "ledger/invoices.csv:1: error: column 5: no name in the header, but line 3 has a "
        "value in it ('note'); name the column in the header row, or delete its values",
        "arreport: 1 error(s) in the input; nothing was written",
    ]


def test_spreadsheet_leftovers_are_read_as_the_clean_file(workdir: Path, good_site: Path
                                                          ) -> None:
    """A trailing comma on every line (an unnamed, empty column), a row of only commas,
    and cells padded with spaces, tabs or no-break spaces build the site the clean ledger
    builds, with one warning for the unnamed column."""
    write_bytes(workdir, "invoices.csv", (
        "invoice_id,client_id,issue_date,due_date,amount,\n"
        "I1,C1,2024-01-01,2024-01-31,\u00a0100.00\u00a0,\n"
        ",,,,,\n"
        "I2 ,\tC2,2024-02-01,2024-03-02,250.00,\n").encode("utf-8"))
    write_bytes(workdir, "payments.csv", inline(GOOD_LEDGER["payments"]).encode("utf-8"))
    done = build(workdir)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0] == (
        "ledger/invoices.csv:1: warning: column 6: no name in the header and no value in any "
        "row; the column is ignored")
    site = tree_bytes(workdir / "site")
    clean = tree_bytes(good_site)
    assert sorted(site) == sorted(clean)
    # the warning on the dashboard, and so the dashboard's hash in the manifest
    assert [name for name in site if site[name] != clean[name]] == [".arreport-manifest",
                                                                    "index.html"]


# --- --out: only a folder arreport wrote is replaced ------------------------------------------

@pytest.mark.parametrize("out, message", [
    (".", "'.' is the working directory; arreport replaces the whole folder, so choose a "
          "folder of its own, e.g. --out site"),
    ("ledger", "'ledger' is the ledger folder; arreport replaces the whole folder, so choose "
               "a folder of its own, e.g. --out site"),
    ("notes.txt", "'notes.txt' is a file, not a folder; choose a folder for an arreport site"),
    ("notes.txt/site", "'notes.txt/site' cannot be created: '{cwd}/notes.txt' is a file"),
    ("mine", "'mine' is a folder with other files in it, not an arreport site; arreport "
             "replaces only a folder it wrote, so choose a new or empty folder"),
])
def test_out_that_is_not_arreports_to_replace_is_refused(workdir: Path, out: str,
                                                         message: str) -> None:
    write_ledger(workdir / "ledger", **GOOD_LEDGER)
    (workdir / "notes.txt").write_text("keep me\n", encoding="utf-8")
    (workdir / "mine").mkdir()
    (workdir / "mine" / "thesis.tex").write_text("keep me too\n", encoding="utf-8")
    before = tree_bytes(workdir)
    done = run_arreport("build", "--ledger", "ledger", "--policies", DEFAULT_POLICIES,
                        "--as-of", AS_OF, "--out", out, "--no-pdf", cwd=workdir)
    assert done.returncode == 2, done.stderr
    assert (f"Error: Invalid value for --out: {message.format(cwd=workdir.resolve())}"
            in done.stderr.splitlines())
    assert "Traceback" not in done.stderr
    assert tree_bytes(workdir) == before


def test_out_may_be_an_empty_folder_or_an_earlier_site(workdir: Path) -> None:
    write_ledger(workdir / "ledger", **GOOD_LEDGER)
    (workdir / "empty").mkdir()
    (workdir / "site" / ".arreport-site").unlink()  # a site from before the marker existed
    for out in ("empty", "site"):
        done = run_arreport("build", "--ledger", "ledger", "--policies", DEFAULT_POLICIES,
                            "--as-of", AS_OF, "--out", out, "--no-pdf", cwd=workdir)
        assert done.returncode == 0, done.stderr
        assert (workdir / out / ".arreport-site").is_file()
        assert (workdir / out / "data" / "aging.csv").is_file()


def test_backtest_out_is_checked_as_well(workdir: Path) -> None:
    write_ledger(workdir / "ledger", **GOOD_LEDGER)
    before = tree_bytes(workdir)
    done = run_arreport("backtest", "--from", "2024-01-31", "--to", "2024-03-31",
                        "--ledger", "ledger", "--policies", DEFAULT_POLICIES, "--out", "site",
                        cwd=workdir)
    assert done.returncode == 2, done.stderr
    assert ("Error: Invalid value for --out: 'site' holds an arreport site, not an arreport "
            "backtest; choose another folder") in done.stderr.splitlines()
    assert tree_bytes(workdir) == before


# --- exports as spreadsheets write them -------------------------------------------------------

def test_columns_named_in_capitals_are_read(workdir: Path) -> None:
    """DUE_DATE and CURRENCY are due_date and currency: a ¥500 invoice is not $500.00."""
    write_ledger(workdir / "ledger", invoices="""
        INVOICE_ID,Client_Id,Issue_Date,AMOUNT,DUE_DATE,CURRENCY
        I1,C1,2024-01-01,500,2024-03-01,JPY
    """, payments="""
        PAYMENT_ID,CLIENT_ID,DATE,AMOUNT,INVOICE_ID,CURRENCY
        P1,C1,2024-01-05,200,I1,JPY
    """)
    done = build(workdir)
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr
    assert (workdir / "site" / "data" / "open_items.csv").read_text().splitlines()[1:] == [
        "C1,I1,JPY,2024-01-01,2024-03-01,500,300,14,1-30,false"]


def test_classic_mac_line_ends_are_lines(workdir: Path) -> None:
    write_bytes(workdir, "invoices.csv",
                b"invoice_id,client_id,issue_date,amount\rI1,C1,2024-01-01,10.00\r"
                b"I2,C1,2024-01-01,x\r")
    stderr = build_bad(workdir)
    assert stderr == [
        "ledger/invoices.csv:3: error: amount: 'x' is not a decimal number; "
        "expected e.g. 1200.50, with no thousands separator",
        "arreport: 1 error(s) in the input; nothing was written",
    ]


def test_a_file_that_is_not_utf8_has_every_problem_located(workdir: Path) -> None:
    write_bytes(workdir, "invoices.csv",
                b"invoice_id,client_id,issue_date,amount,reference\n"
                b"I1,C1,2024-01-01,10.00,Caf\xe9 order\n"
                b"I2,C1,2024-01-01,abc,x\n"
                b"I3,C\xe9,2024-01-01,5.00,\n")
    stderr = build_bad(workdir)
    assert stderr == [
        "ledger/invoices.csv:2: error: reference: byte 0xE9 in 'Café order' is not UTF-8 "
        "text (in Windows-1252 it is 'é'); save the file as UTF-8 (CSV UTF-8 in Excel)",
        "ledger/invoices.csv:3: error: amount: 'abc' is not a decimal number; "
        "expected e.g. 1200.50, with no thousands separator",
        "ledger/invoices.csv:4: error: client_id: byte 0xE9 in 'Cé' is not UTF-8 text "
        "(in Windows-1252 it is 'é'); save the file as UTF-8 (CSV UTF-8 in Excel)",
        "arreport: 3 error(s) in the input; nothing was written",
    ]


def test_ledger_file_names_in_other_case_are_read_and_strays_warned(workdir: Path) -> None:
    write_bytes(workdir, "Invoices.csv",
                inline(GOOD_LEDGER["invoices"]).encode("utf-8"))
    write_bytes(workdir, "payment.csv", inline(GOOD_LEDGER["payments"]).encode("utf-8"))
    done = build(workdir)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0] == (
        "ledger/payment.csv: warning: not a ledger file arreport reads; it is ignored; "
        "did you mean 'payments.csv'?")
    rows = (workdir / "site" / "data" / "open_items.csv").read_text().splitlines()[1:]
    assert [r.split(",")[6] for r in rows] == ["100.00", "250.00"]  # P1 was not read


def test_client_pages_differ_in_more_than_case(tmp_path: Path) -> None:
    """Clients A and a must not share a page or a statement on a case-insensitive disk."""
    write_ledger(tmp_path / "ledger", invoices="""
        invoice_id,client_id,issue_date,amount
        I1,A,2024-01-01,100.00
        I2,a,2024-01-01,7.00
    """)
    done = run_arreport("build", "--ledger", "ledger", "--policies", DEFAULT_POLICIES,
                        "--as-of", AS_OF, "--out", "site", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for folder, suffix in (("clients", ".html"), ("statements", ".pdf")):
        names = [p.name.casefold() for p in (tmp_path / "site" / folder).iterdir()
                 if p.suffix == suffix]
        assert len(names) == 2 and len(set(names)) == 2, names


def test_metal_and_testing_codes_are_not_currencies(workdir: Path) -> None:
    stderr = build_bad(workdir, invoices="""
        invoice_id,client_id,issue_date,amount,currency
        I1,C1,2024-01-01,10.00,XAU
        I2,C1,2024-01-01,10.00,XXX
    """)
    assert stderr[:2] == [
        "ledger/invoices.csv:2: error: currency: 'XAU' is not a known currency code; "
        "expected an ISO 4217 code such as USD or EUR",
        "ledger/invoices.csv:3: error: currency: 'XXX' is not a known currency code; "
        "expected an ISO 4217 code such as USD or EUR",
    ]


def test_a_semicolon_separated_file_gets_a_hint(workdir: Path) -> None:
    stderr = build_bad(workdir, invoices="""
        invoice_id;client_id;issue_date;amount
        I1;C1;2024-01-01;10,00
    """)
    assert stderr[0] == (
        "ledger/invoices.csv:1: error: invoice_id: missing required column 'invoice_id'; the "
        "header is one column holding ';': save the file with commas between columns")


def test_a_due_date_before_the_issue_date_is_a_warning(workdir: Path) -> None:
    write_ledger(workdir / "ledger", invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-02-01,2024-01-01,10.00
    """)
    done = build(workdir)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0] == (
        "ledger/invoices.csv:2: warning: due_date: '2024-01-01' is before the invoice's "
        "issue_date; the invoice ages from this due date; check both dates")


def test_the_dashboard_lists_warnings_in_the_runs_order(workdir: Path) -> None:
    write_ledger(workdir / "ledger", payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-02-01,40.00,I9
    """, invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-02-01,2024-01-01,100.00
    """)
    done = build(workdir)
    assert done.returncode == 0, done.stderr
    printed = [line.split(": warning: ")[0] for line in done.stderr.splitlines()
               if ": warning: " in line]
    assert printed == ["ledger/invoices.csv:2", "ledger/payments.csv:2"]
    page = (workdir / "site" / "index.html").read_text(encoding="utf-8")
    assert page.index("ledger/invoices.csv:2") < page.index("ledger/payments.csv:2")


def test_a_byte_that_is_not_utf8_is_located_in_a_quoted_file(workdir: Path) -> None:
    write_bytes(workdir, "invoices.csv",
                b'"invoice_id","client_id","issue_date","amount","reference","currency"\n'
                b'"I1","C1","2024-01-01","10.00","Caf\xe9","USD"\n')
    stderr = build_bad(workdir)
    assert stderr == [
        "ledger/invoices.csv:2: error: reference: byte 0xE9 in 'Café' is not UTF-8 text (in "
        "Windows-1252 it is 'é'); save the file as UTF-8 (CSV UTF-8 in Excel)",
        "arreport: 1 error(s) in the input; nothing was written",
    ]
