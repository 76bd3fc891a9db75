"""The outbox: each email `build` writes as an .eml file (text + HTML + the PDF), byte for byte
the same on a rerun: the Message-ID comes from the client, the document, its invoices and the
as-of date,
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
    """(valid addresses, the parts that are not addresses) of a clients.csv email cell:
    addresses separated by ',' or ';' (or spaces), each bare or as `Name <address>`."""
    from email.utils import parseaddr

    good: list[str] = []
    bad: list[str] = []
    for part in (p.strip() for p in re.split(r"[,;]", text or "")):
        if not part:
            continue
        _, addr = parseaddr(part)
        if "<" in part and ADDRESS.fullmatch(addr):
            good.append(addr)
            continue
        for word in part.split():
            (good if ADDRESS.fullmatch(word) else bad).append(word)
    return list(dict.fromkeys(good)), bad


def encode_id(value: str) -> str:
    """An id as one header word: percent-encoded, so a space, a newline or a non-ASCII letter
    in it survives the header and the sent log exactly (decode with urllib's unquote)."""
    from urllib.parse import quote

    return quote(value, safe="")


def one_line(text: str) -> str:
    """Header text with no line breaks or control characters (no header injection)."""
    return re.sub(r"\s+", " ", _CONTROL.sub(" ", text)).strip()


def message_id(document: str, client_id: str, step: str, as_of: str, sender: str,
               invoice_ids: list[str] | tuple[str, ...] = ()) -> str:
    """<hash.as-of@sender's domain>: the same for the same client, document, step, invoices
    and day, so a rebuild gives the same id and `send` never sends it twice; a letter that
    covers another invoice is another message."""
    key = "\x00".join([document, client_id, step, as_of, *sorted(invoice_ids)])
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
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
    mid = message_id(document, client_id, step, as_of, sender, invoice_ids)
    msg["Message-ID"] = mid
    msg["X-Arreport-Client"] = encode_id(client_id)
    msg["X-Arreport-Document"] = document
    msg["X-Arreport-Step"] = step
    msg["X-Arreport-Invoices"] = " ".join(encode_id(i) for i in invoice_ids)
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
