"""The contact history as the collector sees it: every contacts.csv row and every message
`arreport send` delivered, per client, newest first; the last contact and any running promise
to pay for the call list."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from ..ledger.dates import NO_DATE
from ..pipeline import Report
from . import format as fmt


class ContactLine(NamedTuple):
    date: str
    channel: str
    step: str
    invoice_id: str
    outcome: str
    promise_date: str
    note: str
    source: str  # contacts.csv:12 or sent_log.csv:3


def _text(values: np.ndarray) -> list[str]:
    return ["" if v is None or v is pd.NA or v != v else str(v) for v in values.tolist()]


class ContactHistory:
    """Contacts dated on or before A, per client, newest first (ties: by their content)."""

    def __init__(self, report: Report):
        from ..ledger.dates import to_day

        c = report.ledger.contacts
        day = to_day(report.as_of)
        sel = np.flatnonzero(c["date"].to_numpy() <= day)
        # newest first within each client; ties by what the rows say, never by their order
        # in the file (a shuffled contacts.csv gives the same page)
        keys = pd.DataFrame({
            "client": c["client"].to_numpy()[sel].astype(np.int64),
            "date": -c["date"].to_numpy()[sel].astype(np.int64),
            **{k: _text(c[k].to_numpy(dtype=object)[sel])
               for k in ("channel", "step", "invoice_id", "outcome", "note")},
            "i": sel})
        keys = keys.sort_values(["client", "date", "channel", "step", "invoice_id", "outcome",
                                 "note"], kind="stable")
        sel = keys["i"].to_numpy()
        self.client = keys["client"].to_numpy()
        self.date = -keys["date"].to_numpy()
        self.channel = _text(c["channel"].to_numpy(dtype=object)[sel])
        self.step = _text(c["step"].to_numpy(dtype=object)[sel])
        self.invoice_id = _text(c["invoice_id"].to_numpy(dtype=object)[sel])
        self.outcome = _text(c["outcome"].to_numpy(dtype=object)[sel])
        self.promise = c["promise_date"].to_numpy()[sel].astype(np.int64)
        self.note = _text(c["note"].to_numpy(dtype=object)[sel])
        raw = report.ledger.sources.get("contacts")
        self.source = [
            (f"{report.ledger.sent_log or 'sent log'}:{-r}" if r < 0 else
             f"{raw.path.name}:{raw.lines.line(r)}" if raw is not None else "contacts.csv")
            for r in c["row"].to_numpy()[sel].astype(np.int64).tolist()]
        self.day = day
        # per client: its newest contact and its latest running promise (rows are newest
        # first within a client), found for every client at once
        clients, first = np.unique(self.client, return_index=True)
        self._last = dict(zip(clients.tolist(), first.tolist(), strict=True))
        outcome = np.array(self.outcome, dtype=object)
        running = np.flatnonzero((outcome == "promise") & (self.promise != NO_DATE)
                                 & (self.promise >= day))
        pc, pfirst = np.unique(self.client[running], return_index=True)
        self._promise = dict(zip(pc.tolist(), running[pfirst].tolist(), strict=True))

    def line(self, i: int) -> ContactLine:
        p = int(self.promise[i])
        return ContactLine(date=fmt.day(int(self.date[i])), channel=self.channel[i],
                           step=self.step[i], invoice_id=self.invoice_id[i],
                           outcome=self.outcome[i],
                           promise_date=fmt.day(p) if p != NO_DATE else "",
                           note=self.note[i], source=self.source[i])

    def of(self, client: int) -> list[ContactLine]:
        lo = int(np.searchsorted(self.client, client, side="left"))
        hi = int(np.searchsorted(self.client, client, side="right"))
        return [self.line(i) for i in range(lo, hi)]

    def last(self, client: int) -> ContactLine | None:
        i = self._last.get(client)
        return None if i is None else self.line(i)

    def running_promise(self, client: int) -> ContactLine | None:
        """The latest promise to pay whose date has not passed on A."""
        i = self._promise.get(client)
        return None if i is None else self.line(i)
