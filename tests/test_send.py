"""`arreport send` against a real SMTP server (aiosmtpd on a free loopback port): the dry run
sends nothing; --send delivers every message with its PDF and logs it; a crash halfway and a
rerun deliver each message exactly once; temporary failures are retried, permanent ones
reported; the password comes from the environment; two sends at once cannot both deliver."""

from __future__ import annotations

import csv
import email
import os
import signal
import subprocess
import threading
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from arreport.deliver.outbox import build_message
from arreport.deliver.sentlog import COLUMNS, SendLocked, locked_log, read_sent_log
from arreport.ledger.sent import with_sent
from conftest import ARREPORT, REPO

PDF = b"%PDF-1.7\n% arreport test\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts, and can be told to refuse,
    to answer 'try again' once, or to run a hook when DATA arrives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: dict[str, str] = {}  # Message-ID -> reply
        self.busy_once: set[str] = set()  # Message-IDs answered 451 the first time
        self.on_data: Any = None  # called with the number of the message before accepting
        self.defer_rcpt_once: set[str] = set()  # addresses answered 450 at RCPT the first time
        self.lock = threading.Lock()
        self.count = 0

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if address in self.defer_rcpt_once:  # greylisting
            self.defer_rcpt_once.discard(address)
            return "450 4.2.0 greylisted, try again"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        mid = str(msg["Message-ID"])
        with self.lock:
            self.count += 1
            if self.on_data is not None:
                answer = self.on_data(self.count)
                if answer:
                    return str(answer)
            if mid in self.refuse:
                return self.refuse[mid]
            if mid in self.busy_once:
                self.busy_once.discard(mid)
                return "451 4.3.0 try again later"
            assert isinstance(msg, EmailMessage)
            self.messages.append(msg)
        return "250 OK"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server() -> Iterator[tuple[Controller, Inbox]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def _port(controller: Controller) -> int:
    return int(controller.port)


def outbox(folder: Path, n: int = 5, as_of: str = "2026-06-30") -> list[str]:
    """n messages as `arreport build` writes them; their Message-IDs."""
    import datetime as dt

    folder.mkdir(parents=True, exist_ok=True)
    ids = []
    for k in range(1, n + 1):
        mid, data = build_message(
            sender_name="Meridian", sender="ar@meridian.example",
            reply_to="credit@meridian.example", to_name=f"Client {k}",
            to=[f"ap{k}@client{k}.example"], subject=f"Letter {k}", text=f"Hello {k}\n",
            html=f"<p>Hello {k}</p>", pdf=PDF, pdf_name=f"due-C{k}-2026-06-30.pdf",
            client_id=f"C{k}", document="letter", step="due", invoice_ids=[f"I{k}"],
            as_of=as_of, language="en-US",
            moment=dt.datetime(2026, 6, 30, tzinfo=dt.UTC))
        (folder / f"C{k}-due.eml").write_bytes(data)
        ids.append(mid)
    return ids


def send(tmp: Path, *args: str, env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ARREPORT), "send", "--outbox", str(tmp / "outbox"),
                           "--sent-log", str(tmp / "sent_log.csv"), "--backoff", "0.01",
                           "--rate", "0", "--max-age-days", "3650", *args], cwd=tmp,
                          capture_output=True, text=True, timeout=120, check=False, env=env)


def logged(tmp: Path) -> list[dict[str, str]]:
    with (tmp / "sent_log.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_the_dry_run_lists_every_message_and_sends_nothing(
        tmp_path: Path, server: tuple[Controller, Inbox]) -> None:
    controller, inbox = server
    outbox(tmp_path / "outbox")
    done = send(tmp_path, "--smtp", f"127.0.0.1:{_port(controller)}")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len([ln for ln in lines if ln.startswith("would send")]) == 5
    assert "C1-due.eml: to ap1@client1.example: Letter 1 [due-C1-2026-06-30.pdf" in lines[0]
    assert lines[-1].startswith("dry run: 5 to send, 0 already sent")
    assert inbox.messages == [] and not (tmp_path / "sent_log.csv").exists()


def test_send_delivers_each_message_with_its_pdf_and_logs_it(
        tmp_path: Path, server: tuple[Controller, Inbox]) -> None:
    controller, inbox = server
    ids = outbox(tmp_path / "outbox")
    done = send(tmp_path, "--send", "--smtp", f"127.0.0.1:{_port(controller)}")
    assert done.returncode == 0, done.stderr
    assert "5 sent, 0 already sent, 0 failed" in done.stderr
    assert [str(m["Message-ID"]) for m in inbox.messages] == ids
    first = inbox.messages[0]
    assert (str(first["To"]), str(first["Subject"])) == (
        "Client 1 <ap1@client1.example>", "Letter 1")
    assert str(first["Reply-To"]) == "credit@meridian.example"
    (pdf,) = list(first.iter_attachments())
    assert pdf.get_content_type() == "application/pdf" and pdf.get_content() == PDF
    assert first.get_body(("plain",)).get_content().replace("\r\n", "\n") == "Hello 1\n"
    rows = logged(tmp_path)
    assert list(rows[0]) == list(COLUMNS)
    assert [(r["message_id"], r["client_id"], r["document"], r["step"], r["invoice_ids"],
             r["as_of"], r["to"], r["file"]) for r in rows] == [
        (mid, f"C{k}", "letter", "due", f"I{k}", "2026-06-30", f"ap{k}@client{k}.example",
         f"C{k}-due.eml") for k, mid in enumerate(ids, start=1)]
    # a rerun sends nothing
    again = send(tmp_path, "--send", "--smtp", f"127.0.0.1:{_port(controller)}")
    assert again.returncode == 0, again.stderr
    assert "0 sent, 5 already sent, 0 failed" in again.stderr
    assert len(inbox.messages) == 5 and len(logged(tmp_path)) == 5


def test_a_crash_halfway_and_a_rerun_deliver_each_message_exactly_once(
        tmp_path: Path, server: tuple[Controller, Inbox]) -> None:
    controller, inbox = server
    ids = outbox(tmp_path / "outbox", 6)
    started: list[subprocess.Popen[str]] = []

    def crash_on_third(count: int) -> str | None:
        if count == 3:  # kill the sender before the third message is accepted
            os.kill(started[0].pid, signal.SIGKILL)
            return "421 4.3.2 shutting down"
        return None

    inbox.on_data = crash_on_third
    proc = subprocess.Popen([str(ARREPORT), "send", "--outbox", str(tmp_path / "outbox"),
                             "--sent-log", str(tmp_path / "sent_log.csv"), "--rate", "0",
                             "--max-age-days", "3650", "--send", "--smtp",
                             f"127.0.0.1:{_port(controller)}"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    started.append(proc)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert [str(m["Message-ID"]) for m in inbox.messages] == ids[:2]
    assert [r["message_id"] for r in logged(tmp_path)] == ids[:2]
    inbox.on_data = None
    done = send(tmp_path, "--send", "--smtp", f"127.0.0.1:{_port(controller)}")
    assert done.returncode == 0, done.stderr
    assert "4 sent, 2 already sent, 0 failed" in done.stderr
    received = [str(m["Message-ID"]) for m in inbox.messages]
    assert sorted(received) == sorted(ids) and len(received) == len(set(received))
    assert sorted(r["message_id"] for r in logged(tmp_path)) == sorted(ids)


def test_temporary_failures_are_retried_and_permanent_ones_reported(
        tmp_path: Path, server: tuple[Controller, Inbox]) -> None:
    controller, inbox = server
    ids = outbox(tmp_path / "outbox", 4)
    inbox.busy_once.add(ids[0])
    inbox.refuse[ids[2]] = "550 5.1.1 no such user"
    done = send(tmp_path, "--send", "--smtp", f"127.0.0.1:{_port(controller)}")
    assert done.returncode == 1
    assert "retrying in 0.01 s  C1-due.eml (451 4.3.0 try again later)" in done.stdout
    assert f"failed        C3-due.eml {ids[2]}: 550 5.1.1 no such user" in done.stdout
    assert "3 sent, 0 already sent, 1 failed" in done.stderr
    assert sorted(str(m["Message-ID"]) for m in inbox.messages) == sorted(
        [ids[0], ids[1], ids[3]])
    assert ids[2] not in {r["message_id"] for r in logged(tmp_path)}
    # fixed on the server's side: the rerun sends only that one
    inbox.refuse.clear()
    again = send(tmp_path, "--send", "--smtp", f"127.0.0.1:{_port(controller)}")
    assert "1 sent, 3 already sent, 0 failed" in again.stderr


def test_a_greylisted_recipient_is_tried_again(tmp_path: Path,
                                              server: tuple[Controller, Inbox]) -> None:
    controller, inbox = server
    ids = outbox(tmp_path / "outbox", 2)
    inbox.defer_rcpt_once.add("ap2@client2.example")
    done = send(tmp_path, "--send", "--smtp", f"127.0.0.1:{_port(controller)}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "retrying in 0.01 s  C2-due.eml (recipients deferred" in done.stdout
    assert [str(m["Message-ID"]) for m in inbox.messages] == ids


def test_a_file_that_is_not_a_built_message_is_left_alone(
        tmp_path: Path, server: tuple[Controller, Inbox]) -> None:
    controller, inbox = server
    ids = outbox(tmp_path / "outbox", 2)
    text = (tmp_path / "outbox" / "C1-due.eml").read_bytes()
    (tmp_path / "outbox" / "C1-due.eml").write_bytes(
        text.replace(b"X-Arreport-As-Of: 2026-06-30", b"X-Arreport-As-Of: soon"))
    (tmp_path / "outbox" / "notes.eml").write_bytes(b"just some notes\r\n")
    done = send(tmp_path, "--send", "--smtp", f"127.0.0.1:{_port(controller)}")
    assert done.returncode == 1
    assert "unreadable    C1-due.eml: X-Arreport-As-Of 'soon' is not a date" in done.stdout
    assert "unreadable    notes.eml: no Message-ID, From, To, X-Arreport-As-Of" in done.stdout
    assert [str(m["Message-ID"]) for m in inbox.messages] == ids[1:]


def test_a_server_that_is_down_is_retried_then_given_up(tmp_path: Path) -> None:
    port = free_port()  # nobody listens on it
    outbox(tmp_path / "outbox", 1)
    outbox(tmp_path / "outbox", 3)
    done = send(tmp_path, "--send", "--smtp", f"127.0.0.1:{port}", "--retries", "2")
    assert done.returncode == 1
    assert done.stdout.count("retrying in") == 2  # then the run stops: no server, no point
    assert f"cannot reach 127.0.0.1:{port} after 3 tries" in done.stderr
    assert "stopped after 0 sent" in done.stderr
    assert not logged(tmp_path)


def test_an_outbox_built_for_another_day_is_not_sent(
        tmp_path: Path, server: tuple[Controller, Inbox]) -> None:
    import datetime as dt

    controller, inbox = server
    today = dt.date.today()
    fresh = outbox(tmp_path / "outbox", 1, as_of=(today - dt.timedelta(days=2)).isoformat())
    (tmp_path / "outbox" / "C1-due.eml").rename(tmp_path / "outbox" / "A-fresh.eml")
    outbox(tmp_path / "outbox", 1, as_of=(today - dt.timedelta(days=30)).isoformat())
    (tmp_path / "outbox" / "C1-due.eml").rename(tmp_path / "outbox" / "B-old.eml")
    outbox(tmp_path / "outbox", 1, as_of=(today + dt.timedelta(days=1)).isoformat())
    (tmp_path / "outbox" / "C1-due.eml").rename(tmp_path / "outbox" / "C-future.eml")
    args = ["send", "--outbox", str(tmp_path / "outbox"), "--sent-log",
            str(tmp_path / "sent_log.csv"), "--rate", "0"]
    dry = subprocess.run([str(ARREPORT), *args], cwd=tmp_path, capture_output=True, text=True,
                         check=False)
    assert dry.returncode == 1
    assert "not sent      B-old.eml: built as of" in dry.stdout and "30 days ago" in dry.stdout
    assert "not sent      C-future.eml: built as of" in dry.stdout
    done = subprocess.run([str(ARREPORT), *args, "--send", "--smtp",
                           f"127.0.0.1:{_port(controller)}"], cwd=tmp_path,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert "1 sent, 0 already sent, 0 failed, 2 out of date" in done.stderr
    assert [str(m["Message-ID"]) for m in inbox.messages] == fresh


class Accounts:
    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str,
                 auth_data: Any) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login, auth_data.password) == (b"ar", b"s3cret")
        return AuthResult(success=ok, handled=False)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_the_password_comes_from_the_environment(tmp_path: Path) -> None:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(),
                            authenticator=Accounts(),
                            auth_require_tls=False, auth_required=True)
    controller.start()
    try:
        outbox(tmp_path / "outbox", 2)
        target = f"127.0.0.1:{_port(controller)}"
        missing = send(tmp_path, "--send", "--smtp", target, "--user", "ar",
                       env={k: v for k, v in os.environ.items()
                            if k != "ARREPORT_SMTP_PASSWORD"})
        assert missing.returncode == 2
        assert "ARREPORT_SMTP_PASSWORD" in missing.stderr
        wrong = send(tmp_path, "--send", "--smtp", target, "--user", "ar",
                     env={**os.environ, "ARREPORT_SMTP_PASSWORD": "nope"})
        assert wrong.returncode == 1 and "refused the login: 535" in wrong.stderr
        assert "Traceback" not in wrong.stderr
        done = send(tmp_path, "--send", "--smtp", target, "--user", "ar",
                    env={**os.environ, "ARREPORT_SMTP_PASSWORD": "s3cret"})
        assert done.returncode == 0, done.stderr
        assert len(inbox.messages) == 2
    finally:
        controller.stop()


def test_two_sends_at_once_cannot_both_deliver(tmp_path: Path,
                                               server: tuple[Controller, Inbox]) -> None:
    controller, inbox = server
    outbox(tmp_path / "outbox", 2)
    with locked_log(tmp_path / "sent_log.csv"):
        done = send(tmp_path, "--send", "--smtp", f"127.0.0.1:{_port(controller)}")
        assert done.returncode == 1
        assert "another arreport send is running" in done.stderr
        with pytest.raises(SendLocked):
            with locked_log(tmp_path / "sent_log.csv"):
                pass
    assert inbox.messages == []


def test_usage_mistakes_are_exit_2(tmp_path: Path) -> None:
    outbox(tmp_path / "outbox", 1)
    assert send(tmp_path, "--send").returncode == 2  # no --smtp
    assert send(tmp_path, "--send", "--smtp", "localhost").returncode == 2
    assert send(tmp_path, "--send", "--smtp", "h:25", "--ssl", "--starttls").returncode == 2
    gone = subprocess.run([str(ARREPORT), "send", "--outbox", str(tmp_path / "nowhere")],
                          cwd=tmp_path, capture_output=True, text=True, check=False)
    assert gone.returncode == 2 and "run `arreport build` first" in gone.stderr


def test_a_damaged_sent_log_is_a_located_error(tmp_path: Path) -> None:
    log = tmp_path / "sent_log.csv"
    log.write_text(",".join(COLUMNS) + "\n2026-07-01T08:00:00Z,<a@b>,C1,letter,due,I1,"
                   "2026-06-31,x@y.example,S,f.eml\n2026-07-01T08:00:00Z,<c@d>,C1\n",
                   encoding="utf-8")
    _, problems = read_sent_log(log)
    assert [(p.line, p.column, p.message) for p in problems] == [
        (2, "as_of", "'2026-06-31' is not a date"), (3, None, "3 fields, expected 10")]


def test_what_was_sent_counts_as_contact_history_and_stops_a_repeat(
        tmp_path: Path, server: tuple[Controller, Inbox]) -> None:
    """Build the demo, send the outbox, build again as of the same day: the emailed steps are
    recorded (no longer due) and listed on the client's page."""
    controller, inbox = server
    demo = REPO / "examples" / "demo"
    as_of = (demo / "AS_OF").read_text().strip()
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1782777600"}
    built = subprocess.run([str(ARREPORT), "build", "--ledger", str(demo), "--policies",
                            str(REPO / "policies"), "--as-of", as_of, "--out", "site"],
                           cwd=tmp_path, capture_output=True, text=True, check=False, env=env)
    assert built.returncode == 0, built.stderr
    before = (tmp_path / "site" / "data" / "actions.csv").read_text()
    assert ",C0028,INV-000671,USD,penalty_warning,email," in before
    done = subprocess.run([str(ARREPORT), "send", "--send", "--rate", "0", "--max-age-days",
                           "3650", "--smtp", f"127.0.0.1:{_port(controller)}"], cwd=tmp_path,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    n = len(list((tmp_path / "site" / "outbox").glob("*.eml")))
    assert len(inbox.messages) == n > 30
    again = subprocess.run([str(ARREPORT), "build", "--ledger", str(demo), "--policies",
                            str(REPO / "policies"), "--as-of", as_of, "--out", "site"],
                           cwd=tmp_path, capture_output=True, text=True, check=False, env=env)
    assert again.returncode == 0, again.stderr
    after = (tmp_path / "site" / "data" / "actions.csv").read_text()
    assert ",C0028,INV-000671,USD,penalty_warning,email," not in after
    assert ",C0005,INV-000689,USD,formal_notice,letter," in after  # printed, not sent
    page = (tmp_path / "site" / "clients" / "C0028.html").read_text()
    assert "penalty_warning letter emailed to accounts@clearview-medical.example" in page
    assert "sent_log.csv:" in page
    # the statements go to the outbox again only for a new period; the sent ones stay logged
    rerun = subprocess.run([str(ARREPORT), "send", "--send", "--rate", "0", "--max-age-days",
                            "3650", "--smtp", f"127.0.0.1:{_port(controller)}"],
                           cwd=tmp_path, capture_output=True, text=True, check=False)
    assert rerun.returncode == 0 and " 0 sent," in rerun.stderr


def test_sent_rows_become_contacts_of_the_ledger(tmp_path: Path) -> None:
    from arreport.pipeline import load_inputs
    from conftest import DEFAULT_POLICIES, write_ledger

    write_ledger(tmp_path / "ledger", invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-02-01,100.00
    """)
    ledger, _, _ = load_inputs(tmp_path / "ledger", DEFAULT_POLICIES)
    log = tmp_path / "sent_log.csv"
    log.write_text(",".join(COLUMNS) + "\n2024-03-02T08:00:00Z,<a@b>,C1,letter,due,I1,"
                   "2024-03-01,x@y.example,S,C1-due.eml\n2024-03-02T08:00:00Z,<c@d>,GONE,"
                   "statement,,,2024-03-01,x@y.example,S,GONE-statement.eml\n",
                   encoding="utf-8")
    frame, problems = read_sent_log(log)
    assert problems == []
    merged = with_sent(ledger, frame, "sent_log.csv")
    extra = merged.contacts.iloc[len(ledger.contacts):]
    assert [(str(r.client_id), str(r.step), str(r.invoice_id), int(r.inv), int(r.row))
            for r in extra.itertuples()] == [("C1", "due", "I1", 0, -2)]
    assert merged.sent_log == "sent_log.csv"
    assert getattr(merged, "currencies", None) == getattr(ledger, "currencies", None)




def test_a_letter_covering_another_invoice_is_another_message_and_odd_ids_survive(
        tmp_path: Path, server: tuple[Controller, Inbox]) -> None:
    """After sending, a rebuild on the same day whose letter covers a new invoice sends that
    letter (a new Message-ID); an invoice id with spaces and a client id with two spaces are
    recorded exactly, so the step is not emailed again."""
    from conftest import DEFAULT_POLICIES, write_ledger

    controller, inbox = server
    clients = """
        client_id,name,email
        Kunde  Zwei,Kunde Zwei GmbH,ap@zwei.example
    """
    write_ledger(tmp_path / "ledger", clients=clients, invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        INV 77,Kunde  Zwei,2026-05-01,2026-06-29,100.00
    """)

    def build(as_of: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(ARREPORT), "build", "--ledger", str(tmp_path / "ledger"),
                               "--policies", str(DEFAULT_POLICIES), "--as-of", as_of,
                               "--out", "site"], cwd=tmp_path, capture_output=True, text=True,
                              check=False)

    def deliver() -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(ARREPORT), "send", "--send", "--rate", "0",
                               "--max-age-days", "3650", "--smtp",
                               f"127.0.0.1:{_port(controller)}"], cwd=tmp_path,
                              capture_output=True, text=True, check=False)

    assert build("2026-06-29").returncode == 0
    assert deliver().returncode == 0
    assert len(inbox.messages) == 1
    row = logged(tmp_path)[0]
    assert (row["client_id"], row["invoice_ids"]) == ("Kunde  Zwei", "INV%2077")
    # the same day, a second invoice falls due: the letter now covers both, a new message
    with (tmp_path / "ledger" / "invoices.csv").open("a", encoding="utf-8") as fh:
        fh.write("INV 78,Kunde  Zwei,2026-05-02,2026-06-29,50.00\n")
    rebuilt = build("2026-06-29")
    assert rebuilt.returncode == 0, rebuilt.stderr
    actions = (tmp_path / "site" / "data" / "actions.csv").read_text()
    assert "INV 78" in actions and "INV 77" not in actions  # 77's due step is recorded
    assert deliver().returncode == 0
    assert len(inbox.messages) == 2
    assert str(inbox.messages[1]["X-Arreport-Invoices"]) == "INV%2078"
    # the next day neither invoice gets its `due` step again
    assert build("2026-06-30").returncode == 0
    assert ",due," not in (tmp_path / "site" / "data" / "actions.csv").read_text()
