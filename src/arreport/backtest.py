"""Backtest: replay the policies over history and see how clients actually paid afterwards.

For each replay date D the whole computation runs as of D (pipeline.compute: only documents,
contacts, disputes and plans dated on or before D count), giving the actions, fees and holds
the policies would have produced that day. Then the ledger's later payments tell what
happened: a client reminded at a step "paid within N days" when it made a payment (any,
named or not) in the action's currency dated in (D, D + N]. A period whose window reaches
past the ledger's last document is not yet observable and says so. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .compute.escalation import StepTable
from .ledger.build import Ledger
from .ledger.dates import to_day
from .pipeline import compute
from .policy.model import Policies

FOLLOW_DAYS = 14


def replay_dates(start: dt.date, end: dt.date, every: str) -> list[dt.date]:
    """start, then every week or month after it, up to end. Monthly from a month end stays on
    month ends; from another day it keeps the day of the month (the month's last day when
    shorter)."""
    if end < start:
        return []
    out = []
    if every == "week":
        d = start
        while d <= end:
            out.append(d)
            d += dt.timedelta(days=7)
        return out
    month_end = (start + dt.timedelta(days=1)).day == 1
    k = 0
    while True:
        m = start.year * 12 + start.month - 1 + k
        year, month = divmod(m, 12)
        first_next = dt.date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
        last = (first_next - dt.timedelta(days=1)).day
        d = dt.date(year, month + 1, last if month_end else min(start.day, last))
        if d > end:
            return out
        out.append(d)
        k += 1


@dataclass(frozen=True)
class Backtest:
    """steps: per date, currency, ladder and step: invoices, clients, amount actioned and how
    many of those clients paid within FOLLOW_DAYS (observable False when the ledger ends
    before the window does). periods: per date and currency: open, overdue, actions, clients
    actioned, fees due, holds."""

    steps: pd.DataFrame
    periods: pd.DataFrame
    currencies: list[str]
    last_document: int
    follow_days: int


def _paid_after(payments: pd.DataFrame, ncur: int, client: np.ndarray, cur: np.ndarray,
                day: int, follow: int) -> np.ndarray:
    """Per (client, cur) asked about: a payment dated in (day, day + follow]."""
    span = 1 << 20  # day numbers fit well below this
    keys = np.sort(payments["client"].to_numpy().astype(np.int64) * ncur * span
                   + payments["cur"].to_numpy().astype(np.int64) * span
                   + payments["date"].to_numpy().astype(np.int64))
    base = (client.astype(np.int64) * ncur + cur.astype(np.int64)) * span
    lo = np.searchsorted(keys, base + day, side="right")
    hi = np.searchsorted(keys, base + day + follow, side="right")
    return hi > lo


def backtest(ledger: Ledger, policies: Policies, dates: list[dt.date],
             follow_days: int = FOLLOW_DAYS) -> Backtest:
    table = StepTable.of(policies)
    step_ladder = [lad.name for lad, _ in table.steps]
    step_id = [st.id for _, st in table.steps]
    step_order = [st.order for _, st in table.steps]
    last_doc = int(max([int(f["date"].max()) for f in (ledger.payments, ledger.credit_notes)
                        if len(f)] + [int(ledger.invoices["issue_date"].max())
                                      if len(ledger.invoices) else 0]))
    step_frames = []
    period_frames = []
    currencies: list[str] = []
    for d in dates:
        report = compute(ledger, policies, d)
        currencies = report.currencies
        ncur = max(len(currencies), 1)
        day = to_day(d)
        acts = report.actions
        observable = day + follow_days <= last_doc
        if len(acts):
            a = pd.DataFrame({"client": acts["client"].to_numpy(), "cur": acts["cur"].to_numpy(),
                              "step": acts["step"].to_numpy(),
                              "amount": acts["amount"].to_numpy()})
            per_client = a.drop_duplicates(["step", "cur", "client"])
            paid = _paid_after(ledger.payments, ncur, per_client["client"].to_numpy(),
                               per_client["cur"].to_numpy(), day, follow_days)
            per_client = per_client.assign(paid=paid)
            g = a.groupby(["step", "cur"], as_index=False).agg(
                invoices=("client", "size"), amount=("amount", "sum"))
            c = per_client.groupby(["step", "cur"], as_index=False).agg(
                clients=("client", "size"), paid=("paid", "sum"))
            g = g.merge(c, on=["step", "cur"])
            g["date"] = day
            g["observable"] = observable
            step_frames.append(g)
        items = report.items
        period = pd.DataFrame({"cur": np.arange(len(currencies))})
        period["date"] = day
        for name, values, mask in (
                ("open", items["open_amount"].to_numpy(), None),
                ("overdue", items["open_amount"].to_numpy(),
                 items["days_past_due"].to_numpy() > 0),
                ("fees", report.fees["amount"].to_numpy(), None)):
            frame = items if name != "fees" else report.fees
            cur = frame["cur"].to_numpy().astype(np.int64)
            v = values.astype(np.int64)
            if mask is not None:
                cur, v = cur[mask], v[mask]
            sums = np.zeros(len(currencies), dtype=np.int64)
            np.add.at(sums, cur, v)
            period[name] = sums
        acur = acts["cur"].to_numpy().astype(np.int64)
        period["actions"] = np.bincount(acur, minlength=len(currencies))[:len(currencies)]
        pairs = acts[["client", "cur"]].drop_duplicates()
        period["clients_actioned"] = np.bincount(pairs["cur"].to_numpy().astype(np.int64),
                                                 minlength=len(currencies))[:len(currencies)]
        hcur = report.holds["cur"].to_numpy().astype(np.int64)
        period["holds"] = np.bincount(hcur, minlength=len(currencies))[:len(currencies)]
        period_frames.append(period)
    steps = (pd.concat(step_frames, ignore_index=True) if step_frames else pd.DataFrame(
        {k: [] for k in ("step", "cur", "invoices", "amount", "clients", "paid", "date",
                         "observable")}))
    if len(steps):
        s = steps["step"].to_numpy().astype(np.int64)
        steps["ladder"] = np.asarray(step_ladder, dtype=object)[s]
        steps["step_id"] = np.asarray(step_id, dtype=object)[s]
        steps["order"] = np.asarray(step_order)[s]
        steps = steps.sort_values(["date", "cur", "ladder", "order"]).reset_index(drop=True)
    periods = (pd.concat(period_frames, ignore_index=True) if period_frames
               else pd.DataFrame())
    return Backtest(steps=steps, periods=periods, currencies=currencies, last_document=last_doc,
                    follow_days=follow_days)
