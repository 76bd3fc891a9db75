"""The outbox: each email `build` writes as an .eml file (text + HTML + the PDF), byte for byte
the same on a rerun: the Message-ID comes from the client, the document and the as-of date,
the Date from the as-of date (or SOURCE_DATE_EPOCH), the MIME boundaries from the Message-ID.
`arreport send` reads these files; the X-Arreport-* headers tell it what each one is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

# an address as clients.csv may hold it; several are separated by ',' or ';'
ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                     r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def client_addresses(text: str | None) -> tuple[list[str], list[str]]:
    """(valid addresses, the parts that are not addresses) of a clients.csv email cell."""
    parts = [p.strip() for p in re.split(r"[,;\s]+", text or "") if p.strip()]
    good = [p for p in parts if ADDRESS.fullmatch(p)]
    return good, [p for p in parts if not ADDRESS.fullmatch(p)]


def one_line(text: str) -> str:
    """Header text with no line breaks or control characters (no header injection)."""
    return re.sub(r"\s+", " ", _CONTROL.sub(" ", text)).strip()


def message_id(document: str, client_id: str, step: str, as_of: str, sender: str) -> str:
    """<hash.as-of@sender's domain>: the same for the same client, document and day."""
    digest = hashlib.sha256(f"{document}\x00{client_id}\x00{step}\x00{as_of}".encode()
                            ).hexdigest()[:24]
    domain = sender.rsplit("@", 1)[1] if "@" in sender else "arreport.invalid"
    return f"<{digest}.{as_of.replace('-', '')}@{domain}>"


def build_message(*, sender_name: str, sender: str, reply_to: str, to_name: str,
                  to: list[str], subject: str, text: str, html: str, pdf: bytes,
                  pdf_name: str, client_id: str, document: str, step: str,
                  invoice_ids: list[str], as_of: str, language: str, moment: dt.datetime
                  ) -> tuple[str, bytes]:
    """(Message-ID, the message as .eml bytes with CRLF line ends)."""
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = Address(display_name=one_line(sender_name), addr_spec=sender)
    if reply_to and reply_to != sender:
        msg["Reply-To"] = Address(addr_spec=reply_to)
    name = one_line(to_name)
    msg["To"] = [Address(display_name=name if len(to) == 1 else "", addr_spec=a) for a in to]
    msg["Subject"] = one_line(subject)
    msg["Date"] = format_datetime(moment)
    mid = message_id(document, client_id, step, as_of, sender)
    msg["Message-ID"] = mid
    msg["X-Arreport-Client"] = one_line(client_id)
    msg["X-Arreport-Document"] = document
    msg["X-Arreport-Step"] = step
    msg["X-Arreport-Invoices"] = one_line(" ".join(invoice_ids))
    msg["X-Arreport-As-Of"] = as_of
    msg.set_content(text, subtype="plain", charset="utf-8")
    msg.add_alternative(html, subtype="html", charset="utf-8")
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename=pdf_name)
    msg["Content-Language"] = language  # after the parts: set_content drops Content-* headers
    seed = hashlib.sha256(mid.encode()).hexdigest()[:16]
    for n, part in enumerate(p for p in msg.walk() if p.is_multipart()):
        part.set_boundary(f"=_arreport_{seed}_{n}")
    return mid, msg.as_bytes(policy=policy.SMTP)


def attachment_name(document: str, client_id: str, step: str, as_of: str) -> str:
    """Statement-C0031-2026-06-30.pdf, formal_notice-C0031-2026-06-30.pdf (ASCII only)."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", client_id)[:60] or "client"
    head = "Statement" if document == "statement" else step
    return f"{head}-{safe}-{as_of}.pdf"
