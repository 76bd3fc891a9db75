"""What `arreport send` delivered (its sent log) as contact-log rows: a step emailed counts
as recorded for its invoices, as a contacts.csv row would, and the client's history shows it.

A sent row's `row` is minus its line in the sent log, so a reason can cite
`sent_log.csv:LINE` instead of a contacts.csv line.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import unquote

import numpy as np
import pandas as pd

from .build import Ledger
from .dates import NO_DATE, to_day


def with_sent(ledger: Ledger, sent: pd.DataFrame, display: str) -> Ledger:
    """The ledger with one contact row per invoice of each message in `sent` (one row without
    an invoice for a statement), dated on the message's as-of date, channel email, outcome
    sent. Messages for clients the ledger does not know are left out."""
    if len(sent) == 0:
        return _copy(ledger, sent_log=display)
    import datetime as dt

    code_of = {str(c): i for i, c in enumerate(ledger.client_ids().tolist())}
    inv_rows = pd.Series(np.arange(len(ledger.invoices)),
                         index=ledger.invoices["invoice_id"].astype(object).to_numpy())
    inv_rows = inv_rows[~inv_rows.index.duplicated()]
    rows: list[dict[str, object]] = []
    # read_sent_log indexes each row by its line in the file
    lines = (sent.index.astype(int).tolist() if sent.index.name == "line"
             else list(range(2, len(sent) + 2)))
    for line, cid, document, step, invoices, as_of, to, mid in zip(
            lines, sent["client_id"].tolist(), sent["document"].tolist(), sent["step"].tolist(),
            sent["invoice_ids"].tolist(), sent["as_of"].tolist(), sent["to"].tolist(),
            sent["message_id"].tolist(), strict=True):
        client = code_of.get(str(cid))
        if client is None:
            continue
        day = to_day(dt.date.fromisoformat(str(as_of)))
        what = "statement of account" if document == "statement" else f"{step} letter"
        note = f"{what} emailed to {to} (arreport send, {mid})"
        # the ids as the outbox wrote them: percent-encoded, separated by spaces
        ids: list[str | None] = [unquote(i) for i in str(invoices or "").split()] or [None]
        for inv_id in ids:
            rows.append({"date": day, "client_id": str(cid), "channel": "email",
                         "invoice_id": inv_id, "step": str(step) if step else None,
                         "outcome": "sent", "promise_date": NO_DATE, "note": note,
                         "row": -int(line), "client": client,
                         "inv": int(inv_rows.get(inv_id, -1)) if inv_id else -1})
    if not rows:
        return _copy(ledger, sent_log=display)
    extra = pd.DataFrame(rows)
    contacts = ledger.contacts
    for col in contacts.columns:
        if col in extra:
            extra[col] = extra[col].astype(contacts[col].dtype)
    merged = pd.concat([contacts, extra[list(contacts.columns)]], ignore_index=True)
    return _copy(ledger, contacts=merged, sent_log=display)


def _copy(ledger: Ledger, *, contacts: pd.DataFrame | None = None, sent_log: str) -> Ledger:
    """The ledger with the sent log's name and, when given, the merged contacts."""
    if contacts is None:
        return replace(ledger, sent_log=sent_log)
    return replace(ledger, contacts=contacts, sent_log=sent_log)
