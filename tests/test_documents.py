"""What goes out to clients: statements (two figures, never confused; period activity that
reconciles; credit-only clients), letters per client and step, the client's language and
formats, the address, and the PDFs and emails `build` writes."""

from __future__ import annotations

import csv
import datetime as dt
import email
import io
import subprocess
from email import policy
from pathlib import Path

import numpy as np
import pytest

from arreport.compute.statement import activity, opening_balances, period_start
from arreport.ledger.dates import to_day
from arreport.pipeline import compute, load_inputs
from arreport.render.documents import render_statement
from arreport.report.documents import build_letters, build_statements, plan_outgoing
from conftest import (
    DEFAULT_POLICIES,
    REPO,
    SHIPPED_POLICIES,
    run_arreport,
    tree_bytes,
    write_ledger,
    write_policies,
)

A = dt.date(2024, 3, 15)
CLIENTS = """
    client_id,name,email,country,language,currency,address,contact,phone,kind
    C1,Acme Dental,ap@acme.example,US,en,USD,1 Main St\\nAustin TX 78701,Ann Lee,+1 512 555,business
    DE1,Praxis Weiss,ap@weiss.example,DE,de,EUR,Hauptstr. 1\\n80331 München,Eva Weiss,,business
    FR1,Cabinet Roux,compta@roux.example,FR,fr,EUR,1 rue Nord\\n69001 Lyon,,,business
    ES1,Clínica Sol,admin@sol.example,ES,es,EUR,Calle Mayor 1\\n28013 Madrid,,,business
    NL1,Kliniek Oost,info@oost.example,NL,nl,EUR,Dam 1\\n1012 JS Amsterdam,,,business
    CR1,Credit Only Spa,cr@spa.example,US,en,USD,9 Elm St,,,business
    NOMAIL,Paper Only Salon,,US,en,USD,5 Oak St,,,business
"""
INVOICES = """
    invoice_id,client_id,issue_date,due_date,amount,currency
    I1,C1,2024-01-01,2024-02-01,100.00,USD
    I2,C1,2024-02-14,2024-03-15,50.00,USD
    I3,C1,2024-01-05,2024-02-05,70.00,USD
    I4,C1,2024-03-01,2024-04-01,200.00,USD
    I0,C1,2024-02-01,2024-02-20,30.00,USD
    D1,DE1,2024-01-10,2024-02-10,1234.50,EUR
    F1,FR1,2024-01-10,2024-02-10,1234.50,EUR
    S1,ES1,2024-01-10,2024-02-10,1234.50,EUR
    N1,NL1,2024-01-10,2024-02-10,1234.50,EUR
    X1,CR1,2024-01-10,2024-02-10,100.00,USD
    M1,NOMAIL,2024-02-14,2024-03-15,80.00,USD
"""
PAYMENTS = """
    payment_id,client_id,date,amount,invoice_id
    P0,C1,2024-03-05,30.00,I0
    PX,CR1,2024-02-12,150.00,X1
"""
DISPUTES = """
    invoice_id,opened,resolved,reason
    I3,2024-02-20,,Wrong shade delivered
"""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("documents")
    write_ledger(root / "ledger", clients=CLIENTS, invoices=INVOICES, payments=PAYMENTS,
                 disputes=DISPUTES)
    return root


def _report(ledger: Path, as_of: dt.date = A, policies: Path = DEFAULT_POLICIES):  # type: ignore[no-untyped-def]
    led, pol, diags = load_inputs(ledger, policies)
    return compute(led, pol, as_of, diags)


def _statements(world: Path) -> dict[str, object]:
    return {s.client.client_id: s for s in build_statements(_report(world / "ledger"))}


def test_the_statement_keeps_the_amount_due_now_apart_from_the_balance(world: Path) -> None:
    """I1 overdue 100 + I2 due today 50 = 150 due now; I3 (70, disputed) and I4 (200, not yet
    due) are listed apart; the balance is all 420."""
    st = _statements(world)["C1"]
    (usd,) = st.currencies  # type: ignore[attr-defined]
    assert (usd.due_now_minor, usd.balance_minor, usd.disputed_minor,
            usd.not_yet_due_minor) == (15000, 42000, 7000, 20000)
    assert [ln.invoice_id for ln in usd.due_lines] == ["I1", "I2"]
    assert [ln.invoice_id for ln in usd.disputed_lines] == ["I3"]
    assert usd.disputed_lines[0].dispute_reason == "Wrong shade delivered"
    assert [ln.invoice_id for ln in usd.future_lines] == ["I4"]
    assert (usd.due_now, usd.balance) == ("$150.00", "$420.00")


def test_period_activity_runs_from_the_previous_month_end_and_reconciles(world: Path) -> None:
    """Opening balance (Feb 29) + March's invoices − payments = closing = balance on A."""
    st = _statements(world)["C1"]
    act = st.currencies[0].activity  # type: ignore[attr-defined]
    assert (act.start, act.end) == ("Mar 1, 2024", "Mar 15, 2024")
    # before March: I1 100 + I3 70 + I0 30 + I2 50 (issued Feb 14) = 250; March: I4 200, P0 30
    assert (act.opening, act.invoiced, act.paid, act.closing) == (
        "$250.00", "$200.00", "$30.00", "$420.00")
    assert [(r.kind, r.document, r.names) for r in act.rows] == [
        ("invoice", "I4", ""), ("payment", "P0", "I0")]
    assert [r.balance for r in act.rows] == ["$450.00", "$420.00"]


def test_opening_balances_equal_the_balance_computed_on_the_period_start() -> None:
    """On the demo ledger: for every client and currency, the statement's opening balance is
    what a run as of the previous month end gives (open − unapplied credit), to the cent."""
    demo = REPO / "examples" / "demo"
    as_of = dt.date.fromisoformat((demo / "AS_OF").read_text().strip())
    report = _report(demo, as_of, SHIPPED_POLICIES)
    day = to_day(as_of)
    start = period_start(day, "month")
    ncur = len(report.currencies)
    rows = activity(report.ledger.invoices, report.allocation, start, day)
    opening = opening_balances(report.allocation, rows, ncur)
    before = _report(demo, dt.date.fromordinal(dt.date(1970, 1, 1).toordinal() + start),
                     SHIPPED_POLICIES)
    g = before.allocation.groups
    expected = np.zeros(len(opening), dtype=np.int64)
    keys = g["client"].to_numpy().astype(np.int64) * ncur + g["cur"].to_numpy()
    inside = keys < len(opening)
    expected[keys[inside]] = (g["open"] - g["unapplied"]).to_numpy()[inside]
    assert (opening == expected).all()
    assert len(rows) > 20


def test_a_client_holding_only_credit_gets_a_statement_showing_it(world: Path) -> None:
    st = _statements(world)["CR1"]
    (usd,) = st.currencies  # type: ignore[attr-defined]
    assert (usd.credit, usd.balance_minor, usd.due_now_minor) == ("$50.00", -5000, 0)
    html = render_statement(st, _report(world / "ledger").policies.company, "x",  # type: ignore[arg-type]
                            str(DEFAULT_POLICIES)).html
    assert "Credit in your favour" in html and "$50.00" in html


@pytest.mark.parametrize(("client", "words", "amount", "date"), [
    ("DE1", "Kontoauszug", "1.234,50\u00a0€", "15. März 2024"),
    ("FR1", "Relevé de compte", "1\u202f234,50\u00a0€", "15 mars 2024"),
    ("ES1", "Extracto de cuenta", "1.234,50\u00a0€", "15 de marzo de 2024"),
])
def test_statements_speak_the_clients_language(world: Path, client: str, words: str,
                                               amount: str, date: str) -> None:
    report = _report(world / "ledger")
    st = {s.client.client_id: s for s in build_statements(report)}[client]
    out = render_statement(st, report.policies.company, "x", str(DEFAULT_POLICIES))
    assert words in out.html and amount in out.html and date in out.html
    assert "Statement of account" not in out.html
    assert words in out.subject


def test_a_language_without_a_translation_falls_back_to_english_with_a_warning(
        world: Path) -> None:
    report = _report(world / "ledger")
    statements = build_statements(report)
    nl = next(s for s in statements if s.client.client_id == "NL1")
    assert (nl.language.code, nl.language.locale) == ("en", "en_NL")
    assert nl.currencies[0].balance == "€\u00a01.234,50"  # Dutch conventions, English words
    _, warnings = plan_outgoing(report, build_letters(report), statements)
    assert [w.message for w in warnings if w.path == "language"] == [
        "language 'nl' has no translation: the documents of NL1 are in English (dates and "
        "amounts still in their country's format)"]


def test_an_address_abroad_ends_with_the_country_in_the_senders_language(world: Path) -> None:
    st = _statements(world)
    assert st["DE1"].client.lines == ["Hauptstr. 1", "80331 München", "GERMANY"]  # type: ignore[attr-defined]
    assert st["C1"].client.lines == ["1 Main St", "Austin TX 78701"]  # type: ignore[attr-defined]


def test_a_letter_covers_every_invoice_of_the_client_at_its_step(tmp_path: Path) -> None:
    write_ledger(tmp_path / "ledger", invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        J1,C1,2024-01-01,2024-02-14,100.00
        J2,C1,2024-01-02,2024-02-14,40.00
        J3,C1,2024-01-03,2024-03-14,10.00
    """)
    letters = build_letters(_report(tmp_path / "ledger"))
    assert [(v.step, v.invoice_ids, v.path) for v in letters] == [
        ("first_overdue", ["J3"], "letters/C1-first_overdue.pdf"),
        ("formal_notice", ["J1", "J2"], "letters/C1-formal_notice.pdf")]
    notice = letters[1]
    (usd,) = notice.currencies
    assert usd.open_total == "$140.00"
    # the late fee of the step (25.00 each) and the interest since grace are named
    assert [(f.invoice_id, f.rule, f.amount) for f in usd.fees] == [
        ("J1", "interest", "$0.99"), ("J1", "late_fee", "$25.00"),
        ("J2", "interest", "$0.39"), ("J2", "late_fee", "$25.00")]
    assert usd.to_pay == "$191.38"
    assert notice.deadline == "March 29, 2024"
    assert [(s.what, s.date) for s in notice.next_steps] == [
        ("hold", "Mar 30, 2024"), ("letter", "Apr 29, 2024"), ("agency", "May 14, 2024")]


# --- a whole build: PDFs, outbox, documents.csv -------------------------------------------

@pytest.fixture(scope="module")
def built(world: Path) -> Path:
    out = world / "site"
    done = run_arreport("build", "--ledger", world / "ledger", "--policies", DEFAULT_POLICIES,
                        "--as-of", "2024-03-31", "--out", out, cwd=world)
    assert done.returncode == 0, done.stderr
    (world / "stderr.txt").write_text(done.stderr, encoding="utf-8")
    return out


def _documents(site: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((site / "data" / "documents.csv").read_text())))


def test_build_writes_every_letter_and_statement_and_lists_them(built: Path) -> None:
    rows = _documents(built)
    for row in rows:
        assert (built / row["pdf"]).is_file(), row
        assert bool(row["eml"]) == (row["delivery"] == "email")
        if row["eml"]:
            assert (built / row["eml"]).is_file()
    letters = [(r["client_id"], r["step"], r["delivery"]) for r in rows
               if r["document"] == "letter"]
    assert ("NOMAIL", "penalty_warning", "print") in letters
    statements = {r["client_id"]: r for r in rows if r["document"] == "statement"}
    # 2024-03-31 is a month end: statements are emailed
    assert statements["DE1"]["delivery"] == "email"
    assert statements["DE1"]["language"] == "de"
    assert statements["NOMAIL"]["delivery"] == "print"
    assert statements["NOMAIL"]["note"] == "no email address in clients.csv"
    stderr = (built.parent / "stderr.txt").read_text()
    assert "client NOMAIL: no email address in clients.csv; its penalty_warning letter is to " \
           "be printed and posted (letters/NOMAIL-penalty_warning.pdf)" in stderr


def test_the_email_carries_the_pdf_and_says_who_it_is_from(built: Path) -> None:
    row = next(r for r in _documents(built) if r["client_id"] == "DE1"
               and r["document"] == "statement")
    msg = email.message_from_bytes((built / row["eml"]).read_bytes(), policy=policy.default)
    assert msg["From"] == '"Meridian Professional Supply Co." ' \
                          "<receivables@meridian-supply.example>"
    assert msg["Reply-To"] == "credit.control@meridian-supply.example"
    assert msg["To"] == "Eva Weiss <ap@weiss.example>"
    assert msg["Message-ID"] == row["message_id"]
    assert msg["Content-Language"] == "de-DE"
    assert (msg["X-Arreport-Client"], msg["X-Arreport-Document"]) == ("DE1", "statement")
    assert "Kontoauszug" in msg["Subject"]
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "1.234,50\u00a0€" in text and "1.234,50\u00a0€" in html
    (pdf,) = [p for p in msg.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert pdf.get_content() == (built / row["pdf"]).read_bytes()
    assert pdf.get_filename() == "Statement-DE1-2024-03-31.pdf"


def test_the_pdfs_are_pdf_a_3b_on_the_senders_paper_with_the_open_items_attached(
        built: Path) -> None:
    statement = built / "statements" / "DE1.pdf"
    info = subprocess.run(["pdfinfo", "-meta", str(statement)], capture_output=True,
                          text=True, check=True).stdout
    assert 'pdfaid:part="3"' in info and 'pdfaid:conformance="B"' in info
    size = subprocess.run(["pdfinfo", str(statement)], capture_output=True, text=True,
                          check=True).stdout
    assert "612 x 792 pts (letter)" in size  # the sender is in the US
    listing = subprocess.run(["pdfdetach", "-list", str(statement)], capture_output=True,
                             text=True, check=True).stdout
    assert "open-items-DE1-2024-03-31.csv" in listing
    text = subprocess.run(["pdftotext", "-layout", str(statement), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Seite 1 von " in text and "GERMANY" in text


def test_a_rebuild_writes_the_same_pdfs_and_emails(world: Path, built: Path) -> None:
    again = world / "again"
    done = run_arreport("build", "--ledger", world / "ledger", "--policies", DEFAULT_POLICIES,
                        "--as-of", "2024-03-31", "--out", again, cwd=world)
    assert done.returncode == 0, done.stderr
    first, second = tree_bytes(built), tree_bytes(again)
    assert sorted(first) == sorted(second)
    assert [n for n in first if first[n] != second[n]] == []


def test_statements_wait_for_the_period_end_unless_the_policy_says_always(
        tmp_path: Path, world: Path) -> None:
    out = tmp_path / "mid"
    done = run_arreport("build", "--ledger", world / "ledger", "--policies", DEFAULT_POLICIES,
                        "--as-of", "2024-03-20", "--out", out, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = _documents(out)
    assert {r["delivery"] for r in rows if r["document"] == "statement"} == {""}
    assert not any(p.name.endswith("-statement.eml") for p in (out / "outbox").glob("*"))


def test_a_multi_page_statement_repeats_its_table_header(tmp_path: Path) -> None:
    lines = "\n".join(f"    L{n:03d},C1,2024-01-{1 + n % 28:02d},2024-03-{1 + n % 28:02d},"
                      f"{n}.00" for n in range(1, 91))
    write_ledger(tmp_path / "ledger", invoices="    invoice_id,client_id,issue_date,due_date,"
                 "amount\n" + lines + "\n")
    out = tmp_path / "site"
    done = run_arreport("build", "--ledger", tmp_path / "ledger", "--policies",
                        DEFAULT_POLICIES, "--as-of", "2024-03-31", "--out", out, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = subprocess.run(["pdftotext", "-layout", str(out / "statements" / "C1.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) >= 3
    assert "Page 2 of" in pages[1]
    assert "INVOICE" in pages[1] and "YOUR REFERENCE" in pages[1]


def test_check_names_what_the_documents_lack(tmp_path: Path) -> None:
    write_ledger(tmp_path / "ledger", invoices="""
        invoice_id,client_id,issue_date,amount,currency
        I1,C1,2024-01-01,100.00,GBP
    """)
    policies = write_policies(tmp_path / "policies")
    text = (policies / "company.yaml").read_text(encoding="utf-8")
    (policies / "company.yaml").write_text(text.replace("logo: logo.svg", "logo: logo.png"),
                                           encoding="utf-8")
    done = run_arreport("check", "--ledger", tmp_path / "ledger", "--policies", policies,
                        cwd=tmp_path)
    assert done.returncode == 1
    assert "company.yaml:11:1: error: logo: logo file 'logo.png' does not exist" in done.stderr
    (policies / "company.yaml").write_text(text.replace(
        "DE89 3704 0044 0532 0130 00", "DE88 3704 0044 0532 0130 00"), encoding="utf-8")
    done = run_arreport("check", "--ledger", tmp_path / "ledger", "--policies", policies,
                        cwd=tmp_path)
    assert done.returncode == 1
    assert "error: bank.EUR.iban: IBAN 'DE88 3704 0044 0532 0130 00' fails its check digits" \
        in done.stderr
    (policies / "company.yaml").write_text(text, encoding="utf-8")
    done = run_arreport("check", "--ledger", tmp_path / "ledger", "--policies", policies,
                        cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "warning: bank.GBP: no bank details for GBP" in done.stderr


def test_a_misspelt_company_key_is_located_with_a_suggestion(tmp_path: Path) -> None:
    write_ledger(tmp_path / "ledger", invoices="""
        invoice_id,client_id,issue_date,amount
        I1,C1,2024-01-01,100.00
    """)
    policies = write_policies(tmp_path / "policies")
    with (policies / "company.yaml").open("a", encoding="utf-8") as fh:
        fh.write("reply_too: x@example.com\npaper: A5\n")
    done = run_arreport("check", "--ledger", tmp_path / "ledger", "--policies", policies,
                        cwd=tmp_path)
    assert done.returncode == 1
    assert "reply_too: unknown key 'reply_too'; did you mean 'reply_to'?" in done.stderr
    assert "paper: 'A5' is not allowed; expected one of: A4, Letter" in done.stderr


# --- what the review found ----------------------------------------------------------------

def test_a_deposit_invoices_letters_list_only_the_line_at_their_step(tmp_path: Path) -> None:
    """D1: deposit 300.00 due Feb 1 (43 days: formal notice), balance 700.00 due Mar 2 (13
    days: first overdue); each letter lists its own line."""
    policies = write_policies(tmp_path / "policies", terms="""
        currency: USD
        aging: {basis: due_date, buckets: [0, 30, 60, 90]}
        terms:
          net30: {net_days: 30}
          dep30: {net_days: 30, deposit: {percent: 30}}
        default_terms: net30
    """, segments="""
        default: {terms: net30, ladder: standard}
        segments: {}
        clients: {}
    """)
    write_ledger(tmp_path / "ledger", invoices="""
        invoice_id,client_id,issue_date,amount,terms
        D1,C1,2024-02-01,1000.00,dep30
    """)
    letters = build_letters(_report(tmp_path / "ledger", A, policies))
    assert [(v.step, [(ln.due_date, ln.open_amount) for ln in v.currencies[0].lines])
            for v in letters] == [
        ("first_overdue", [("Mar 2, 2024", "$700.00")]),
        ("formal_notice", [("Feb 1, 2024", "$300.00")])]


def test_a_plan_covers_its_invoices_on_the_statement_whatever_the_ladder_pauses(
        tmp_path: Path) -> None:
    """The ladder does not pause for plans, but the plan still says what is due: 100.00 a
    month, one installment paid, none missed, so nothing of I1 is due now."""
    policies = write_policies(tmp_path / "policies")
    text = (policies / "escalation.yaml").read_text(encoding="utf-8")
    (policies / "escalation.yaml").write_text(
        text.replace("pause_when: [disputed, payment_plan]", "pause_when: [disputed]", 1),
        encoding="utf-8")
    write_ledger(tmp_path / "ledger", invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2023-12-01,2024-01-10,300.00
        I2,C1,2024-01-01,2024-02-01,50.00
    """, payments="""
        payment_id,client_id,date,amount,invoice_id
        P1,C1,2024-02-01,100.00,I1
        P2,C1,2024-03-02,100.00,I1
    """, payment_plans="""
        plan_id,client_id,start,installments,every_days,amount,invoice_ids
        PL1,C1,2024-02-01,3,30,100.00,I1
    """)
    (st,) = build_statements(_report(tmp_path / "ledger", A, policies))
    (usd,) = st.currencies
    assert [ln.invoice_id for ln in usd.planned_lines] == ["I1"]
    assert [ln.invoice_id for ln in usd.due_lines] == ["I2"]
    assert (usd.due_now_minor, usd.planned_minor, usd.balance_minor) == (5000, 10000, 15000)
    assert usd.plan is not None
    assert [r.status for r in usd.plan.rows] == ["paid", "paid", "upcoming"]


def test_email_cells_as_people_write_them() -> None:
    from arreport.deliver.outbox import client_addresses

    assert client_addresses("Accounts Payable <ap@z.example>; b@y.example, c@x.example") == (
        ["ap@z.example", "b@y.example", "c@x.example"], [])
    assert client_addresses("ap@z.example bob@ nope") == (["ap@z.example"], ["bob@", "nope"])
    assert client_addresses("") == ([], [])


def test_a_statement_period_of_days_needs_a_sending_rule(tmp_path: Path) -> None:
    write_ledger(tmp_path / "ledger", invoices="""
        invoice_id,client_id,issue_date,amount
        I1,C1,2024-01-01,100.00
    """)
    policies = write_policies(tmp_path / "policies")
    company = policies / "company.yaml"
    text = company.read_text(encoding="utf-8")
    company.write_text(text.replace("statement_period: month", "statement_period: 30"),
                       encoding="utf-8")
    done = run_arreport("check", "--ledger", tmp_path / "ledger", "--policies", policies,
                        cwd=tmp_path)
    assert done.returncode == 1
    assert "statement_email: a period of 30 days has no end to send statements on" \
        in done.stderr
    company.write_text(text.replace("statement_period: month", "statement_period: 30")
                       .replace("statement_email: period_end", "statement_email: always"),
                       encoding="utf-8")
    done = run_arreport("check", "--ledger", tmp_path / "ledger", "--policies", policies,
                        cwd=tmp_path)
    assert done.returncode == 0, done.stderr


def test_only_letters_can_be_replaced_and_every_language_folder_is_checked(
        tmp_path: Path) -> None:
    write_ledger(tmp_path / "ledger", clients="""
        client_id,name,email,country,language
        C1,Clínica,c@c.example,PT,pt
    """, invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-03-15,100.00
    """)
    policies = write_policies(tmp_path / "policies")
    own = policies / "templates"
    (own / "emails").mkdir(parents=True)
    (own / "statement.html").write_text("{{ doc.nope }}", encoding="utf-8")
    (own / "emails" / "letter.txt").write_text("{{ doc.nope }}", encoding="utf-8")
    done = run_arreport("build", "--ledger", tmp_path / "ledger", "--policies", policies,
                        "--as-of", "2024-03-15", "--out", tmp_path / "site", cwd=tmp_path)
    assert done.returncode == 0, done.stderr  # the shipped statement and email are used
    (own / "letters" / "pt").mkdir(parents=True)
    (own / "letters" / "pt" / "reminder_due.html").write_text(
        '{% extends "letters/_letter.html" %}{% block subject %}{{ doc.nope }}{% endblock %}',
        encoding="utf-8")
    checked = run_arreport("check", "--ledger", tmp_path / "ledger", "--policies", policies,
                           cwd=tmp_path)
    assert checked.returncode == 1
    assert "templates/letters/pt/reminder_due.html: error:" in checked.stderr
    assert "Traceback" not in checked.stderr


def test_a_country_or_language_that_is_no_code_is_a_warning(tmp_path: Path) -> None:
    write_ledger(tmp_path / "ledger", clients="""
        client_id,name,email,country,language
        C1,Acme,a@a.example,USA,english
    """, invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-03-15,100.00
    """)
    report = _report(tmp_path / "ledger")
    _, warnings = plan_outgoing(report, build_letters(report), build_statements(report))
    texts = [w.format() for w in warnings]
    assert any("country: 'USA' is not a country code (1 client(s): C1)" in t for t in texts)
    assert any("language: 'english' is not a language code" in t for t in texts)
