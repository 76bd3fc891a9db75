"""Reading the outbox and delivering it over SMTP, once per message.

A message whose Message-ID is in the sent log is skipped; a delivered one is logged (flushed
and fsynced) before the next is tried, so a crash and a rerun send nothing twice. Temporary
failures (4xx replies, dropped or refused connections, timeouts) are retried with backoff;
permanent ones (5xx, every recipient refused) are reported per message and the run goes on.
The clock, the waits and the connection are passed in, so tests need no real waiting.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import smtplib
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from .sentlog import locked_log, sent_at, sent_ids


class SendError(Exception):
    """A failure that stops the whole run (authentication refused, say); `summary` tells
    what was sent before it."""

    def __init__(self, message: str, summary: Summary | None = None):
        super().__init__(message)
        self.summary = summary


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    security: str = "plain"  # plain, starttls or ssl
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0


@dataclass
class OutboxMessage:
    path: Path
    message: EmailMessage
    message_id: str
    sender: str
    recipients: list[str]
    subject: str
    client_id: str
    document: str
    step: str
    invoice_ids: str
    as_of: str
    attachments: list[tuple[str, int]]


@dataclass
class Summary:
    sent: int = 0
    already: int = 0
    failed: list[str] = field(default_factory=list)  # one line per message that failed
    unreadable: list[str] = field(default_factory=list)
    out_of_date: list[str] = field(default_factory=list)  # built for another day: not sent


def _dated(m: OutboxMessage, today: dt.date | None, max_age_days: int) -> str:
    """Why a message built for another day is not sent ('' when it may go)."""
    if today is None:
        return ""
    day = dt.date.fromisoformat(m.as_of)
    if day > today:
        return f"built as of {m.as_of}, after today ({today.isoformat()})"
    if (today - day).days > max_age_days:
        return (f"built as of {m.as_of}, {(today - day).days} days ago (more than "
                f"--max-age-days {max_age_days}); rebuild the outbox")
    return ""


def read_outbox(folder: Path) -> tuple[list[OutboxMessage], list[str]]:
    """Every *.eml in the folder, by file name; and a line for each file that is not a
    message `arreport build` writes (it is left alone)."""
    messages, problems = [], []
    for path in sorted(folder.glob("*.eml")):
        try:
            with path.open("rb") as fh:
                msg = email.message_from_binary_file(fh, policy=policy.default)
        except (OSError, ValueError) as exc:
            problems.append(f"{path.name}: cannot read: {exc}")
            continue
        assert isinstance(msg, EmailMessage)
        try:
            mid = str(msg.get("Message-ID") or "").strip()
            senders = getaddresses([str(msg.get("From") or "")])
            recipients = [a for _, a in getaddresses(
                [str(v) for k in ("To", "Cc", "Bcc") for v in msg.get_all(k) or []]) if a]
            as_of = str(msg.get("X-Arreport-As-Of") or "").strip()
        except (ValueError, TypeError) as exc:
            problems.append(f"{path.name}: bad header: {exc}")
            continue
        missing = [name for name, value in (("Message-ID", mid), ("From", senders and
                                             senders[0][1]), ("To", recipients),
                                            ("X-Arreport-As-Of", as_of)) if not value]
        if missing:
            problems.append(f"{path.name}: no {', '.join(missing)}; not a message arreport "
                            "build wrote")
            continue
        try:
            dt.date.fromisoformat(as_of)
        except ValueError:
            problems.append(f"{path.name}: X-Arreport-As-Of '{as_of}' is not a date")
            continue
        broken = [d for p in msg.walk() for d in p.defects]
        if broken:
            problems.append(f"{path.name}: damaged ({type(broken[0]).__name__}); rebuild the "
                            "outbox with arreport build")
            continue
        attachments = [(str(part.get_filename() or "attachment"),
                        len(part.get_payload(decode=True) or b""))
                       for part in msg.iter_attachments()]
        messages.append(OutboxMessage(
            path=path, message=msg, message_id=mid, sender=senders[0][1],
            recipients=recipients, subject=str(msg.get("Subject") or "").strip(),
            client_id=unquote(str(msg.get("X-Arreport-Client") or "")),
            document=str(msg.get("X-Arreport-Document") or ""),
            step=str(msg.get("X-Arreport-Step") or ""),
            invoice_ids=str(msg.get("X-Arreport-Invoices") or ""),
            as_of=as_of, attachments=attachments))
    return messages, problems


def describe(m: OutboxMessage) -> str:
    files = ", ".join(f"{name} ({size:,} bytes)" for name, size in m.attachments)
    return f"{m.path.name}: to {', '.join(m.recipients)}: {m.subject}" + (
        f" [{files}]" if files else "")


def _triage(messages: list[OutboxMessage], done: set[str], today: dt.date | None,
            max_age_days: int, summary: Summary, echo: Callable[[str], None]
            ) -> list[OutboxMessage]:
    """The messages to send; those already sent or built for another day are counted and
    said."""
    ready = []
    for m in messages:
        late = _dated(m, today, max_age_days)
        if m.message_id in done:
            summary.already += 1
            echo(f"already sent  {describe(m)}")
        elif late:
            summary.out_of_date.append(f"{m.path.name}: {late}")
            echo(f"not sent      {m.path.name}: {late}")
        else:
            ready.append(m)
    return ready


def dry_run(folder: Path, log: Path, echo: Callable[[str], None],
            today: dt.date | None = None, max_age_days: int = 7) -> Summary:
    """List what `--send` would deliver; connects to nothing, writes nothing."""
    messages, problems = read_outbox(folder)
    summary = Summary(unreadable=problems)
    for m in _triage(messages, sent_ids(log), today, max_age_days, summary, echo):
        summary.sent += 1
        echo(f"would send    {describe(m)}")
    for line in problems:
        echo(f"unreadable    {line}")
    echo(f"dry run: {summary.sent} to send, {summary.already} already sent"
         + (f", {len(summary.out_of_date)} out of date" if summary.out_of_date else "")
         + (f", {len(problems)} unreadable" if problems else "")
         + "; nothing was sent (add --send to deliver)")
    return summary


def connect(settings: Smtp) -> smtplib.SMTP:
    """An open, greeted (and, when asked, encrypted and logged-in) connection."""
    conn: smtplib.SMTP
    if settings.security == "ssl":
        conn = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout)
    else:
        conn = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    conn.ehlo()
    if settings.security == "starttls":
        conn.starttls()
        conn.ehlo()
    if settings.user:
        conn.login(settings.user, settings.password or "")
    return conn


TEMPORARY = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError,
             socket.timeout, TimeoutError)


def deliver(folder: Path, log: Path, settings: Smtp, echo: Callable[[str], None], *,
            now: Callable[[], dt.datetime], sleep: Callable[[float], None],
            rate_per_minute: float = 60, retries: int = 3, backoff: float = 2.0,
            opener: Callable[[Smtp], Any] = connect,
            clock: Callable[[], float] = time.monotonic, today: dt.date | None = None,
            max_age_days: int = 7) -> Summary:
    """Send every message of the outbox not yet in the sent log. SendError stops the run
    (login refused, TLS failing, the log not writable); `summary` on it tells what was sent."""
    messages, problems = read_outbox(folder)
    summary = Summary(unreadable=problems)
    for line in problems:
        echo(f"unreadable    {line}")
    conn: Any = None
    last_start: float | None = None
    interval = 60.0 / rate_per_minute if rate_per_minute > 0 else 0.0
    with locked_log(log) as sent_log:
        for m in _triage(messages, sent_ids(log), today, max_age_days, summary, echo):
            if last_start is not None and interval:
                sleep(max(0.0, interval - (clock() - last_start)))
            last_start = clock()
            attempt = 0
            while True:
                temporary = ""
                try:
                    if conn is None:
                        conn = opener(settings)
                    del m.message["Date"]
                    m.message["Date"] = format_datetime(now())
                    refused = conn.send_message(m.message, from_addr=m.sender,
                                                to_addrs=m.recipients)
                except smtplib.SMTPAuthenticationError as exc:
                    _close(conn)
                    raise SendError(f"the server refused the login: {exc.smtp_code} "
                                    f"{_text(exc.smtp_error)}", summary) from None
                except smtplib.SMTPNotSupportedError as exc:
                    _close(conn)
                    raise SendError(f"the server does not support it: {exc}", summary) from None
                except ssl.SSLError as exc:
                    _close(conn)
                    raise SendError(f"TLS failed: {exc}", summary) from None
                except smtplib.SMTPRecipientsRefused as exc:
                    codes = "; ".join(f"{addr}: {code} {_text(text)}"
                                      for addr, (code, text) in exc.recipients.items())
                    if all(400 <= code < 500 for code, _ in exc.recipients.values()):
                        temporary = f"recipients deferred ({codes})"
                    else:
                        _fail(summary, echo, m, f"every recipient refused ({codes})")
                        conn = _reset(conn)
                        break
                except smtplib.SMTPResponseException as exc:
                    why = f"{exc.smtp_code} {_text(exc.smtp_error)}"
                    if exc.smtp_code == 530:  # authentication required: no message can go
                        _close(conn)
                        raise SendError(f"the server wants a login ({why}); use --user",
                                        summary) from None
                    if 400 <= exc.smtp_code < 500:
                        temporary = why
                    else:
                        _fail(summary, echo, m, why)
                        conn = _reset(conn)
                        break
                except (*TEMPORARY, OSError) as exc:
                    temporary = f"{type(exc).__name__}: {exc}"
                    if attempt >= retries:  # the server stays unreachable: stop the run
                        _close(conn)
                        raise SendError(
                            f"cannot reach {settings.host}:{settings.port} after "
                            f"{attempt + 1} tries ({temporary}); {m.path.name} and the "
                            "messages after it were not sent", summary) from None
                except smtplib.SMTPException as exc:  # e.g. no login method both sides know
                    _close(conn)
                    raise SendError(f"{type(exc).__name__}: {exc}", summary) from None
                if temporary:
                    _close(conn)
                    conn = None
                    if attempt < retries:
                        attempt += 1
                        wait = backoff * 2 ** (attempt - 1)
                        echo(f"retrying in {wait:g} s  {m.path.name} ({temporary})")
                        sleep(wait)
                        continue
                    _fail(summary, echo, m, f"{temporary}; gave up after {attempt + 1} tries")
                    break
                try:
                    sent_log.append({
                        "sent_at": sent_at(now()), "message_id": m.message_id,
                        "client_id": m.client_id, "document": m.document, "step": m.step,
                        "invoice_ids": m.invoice_ids, "as_of": m.as_of,
                        "to": " ".join(a for a in m.recipients if a not in (refused or {})),
                        "subject": m.subject,
                        "file": m.path.name})
                except OSError as exc:
                    _close(conn)
                    raise SendError(f"{m.path.name} ({m.message_id}) was delivered but could "
                                    f"not be logged ({exc}); add it to {log} by hand before "
                                    "the next send, or it goes out again", summary) from None
                summary.sent += 1
                partly = f" (refused: {', '.join(sorted(refused))})" if refused else ""
                echo(f"sent          {describe(m)}{partly}")
                break
    _close(conn)
    return summary


def _fail(summary: Summary, echo: Callable[[str], None], m: OutboxMessage, why: str) -> None:
    line = f"{m.path.name} {m.message_id}: {why}"
    summary.failed.append(line)
    echo(f"failed        {line}")


def _text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _close(conn: Any) -> None:
    """Say QUIT; on a connection already broken, just close the socket."""
    if conn is None:
        return
    try:
        conn.quit()
    except (smtplib.SMTPException, OSError):
        with contextlib.suppress(OSError):
            conn.close()


def _reset(conn: Any) -> Any:
    """After a refused message: ready the connection for the next one (or drop it)."""
    if conn is None:
        return None
    try:
        conn.rset()
        return conn
    except (smtplib.SMTPException, OSError):
        _close(conn)
        return None
