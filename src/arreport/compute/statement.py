"""What a statement of account adds to the aging: the period it covers, the balance at its
start, the documents dated in it, and what is due now. Pure frames in, frames out.

Balance = invoiced − paid − credited − discounts taken, by document date; by conservation it
equals open − unapplied credit on any day, so opening + activity = closing, to the cent.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..compute.allocation import Allocation
from ..compute.groups import sum_by

# kinds of activity row, in the order a statement lists a day's documents
INVOICE, PAYMENT, CREDIT, DISCOUNT = 0, 1, 2, 3


def period_start(as_of: int, period: str | int) -> int:
    """The last day before the statement period: the previous month, quarter or year end,
    or A − N days for a period of N days."""
    if isinstance(period, int):
        return int(as_of) - period
    day = np.datetime64(int(as_of), "D")
    if period == "year":
        first = day.astype("datetime64[Y]").astype("datetime64[D]")
    elif period == "quarter":
        month = day.astype("datetime64[M]").astype(np.int64)
        first = np.datetime64(int(month - month % 3), "M").astype("datetime64[D]")
    else:
        first = day.astype("datetime64[M]").astype("datetime64[D]")
    return int(first.astype(np.int64)) - 1


def is_period_end(as_of: int, period: str | int) -> bool:
    """A is the last day of a statement period (always true for a period of N days)."""
    if isinstance(period, int):
        return True
    return period_start(as_of + 1, period) == as_of


def activity(invoices: pd.DataFrame, alloc: Allocation, start: int, as_of: int
             ) -> pd.DataFrame:
    """Every document dated in (start, A]: one row each with client, cur, date, kind
    (INVOICE, PAYMENT, CREDIT, DISCOUNT), doc (its invoices row or docs row), inv (the invoice
    it names or discounts, -1 none), amount (positive minor units: a debit for an invoice, a
    credit otherwise). Sorted by client, cur, date, kind, then document id."""
    inv_date = invoices["issue_date"].to_numpy().astype(np.int64)
    isel = np.flatnonzero((inv_date > start) & (inv_date <= as_of))
    parts = [pd.DataFrame({
        "client": invoices["client"].to_numpy()[isel].astype(np.int64),
        "cur": invoices["cur"].to_numpy()[isel].astype(np.int64),
        "date": inv_date[isel], "kind": np.full(len(isel), INVOICE, np.int8),
        "doc": isel.astype(np.int64), "inv": isel.astype(np.int64),
        "amount": invoices["amount"].to_numpy()[isel].astype(np.int64),
        "doc_id": invoices["invoice_id"].to_numpy(dtype=object)[isel]})]
    docs = alloc.docs
    d_date = docs["date"].to_numpy().astype(np.int64)
    dsel = np.flatnonzero(d_date > start)
    parts.append(pd.DataFrame({
        "client": docs["client"].to_numpy()[dsel].astype(np.int64),
        "cur": docs["cur"].to_numpy()[dsel].astype(np.int64),
        "date": d_date[dsel],
        "kind": np.where(docs["kind"].to_numpy()[dsel] == 0, PAYMENT, CREDIT).astype(np.int8),
        "doc": dsel.astype(np.int64), "inv": docs["inv"].to_numpy()[dsel].astype(np.int64),
        "amount": docs["amount"].to_numpy()[dsel].astype(np.int64),
        "doc_id": docs["doc_id"].to_numpy(dtype=object)[dsel]}))
    disc = alloc.discounts
    if disc is not None and len(disc):
        drow = disc["doc"].to_numpy().astype(np.int64)
        when = d_date[drow]
        ksel = when > start
        dinv = disc["inv"].to_numpy().astype(np.int64)[ksel]
        parts.append(pd.DataFrame({
            "client": invoices["client"].to_numpy()[dinv].astype(np.int64),
            "cur": invoices["cur"].to_numpy()[dinv].astype(np.int64),
            "date": when[ksel], "kind": np.full(len(dinv), DISCOUNT, np.int8),
            "doc": drow[ksel], "inv": dinv,
            "amount": disc["amount"].to_numpy()[ksel].astype(np.int64),
            "doc_id": invoices["invoice_id"].to_numpy(dtype=object)[dinv]}))
    out = pd.concat(parts, ignore_index=True)
    out["doc_id"] = out["doc_id"].astype(str)
    return out.sort_values(["client", "cur", "date", "kind", "doc_id"],
                           kind="stable").reset_index(drop=True)


def opening_balances(alloc: Allocation, rows: pd.DataFrame, ncur: int) -> np.ndarray:
    """Per (client * ncur + cur) of the allocation's groups: the balance at the period's
    start, i.e. the balance on A less the period's debits plus its credits."""
    g = alloc.groups
    keys = g["client"].to_numpy().astype(np.int64) * ncur + g["cur"].to_numpy()
    n = int(keys.max(initial=-1)) + 1
    if len(rows):
        n = max(n, int((rows["client"] * ncur + rows["cur"]).max()) + 1)
    closing = sum_by(keys, (g["open"] - g["unapplied"]).to_numpy().astype(np.int64), n)
    signed = np.where(rows["kind"].to_numpy() == INVOICE, rows["amount"].to_numpy(),
                      -rows["amount"].to_numpy()).astype(np.int64)
    moved = sum_by((rows["client"] * ncur + rows["cur"]).to_numpy().astype(np.int64), signed, n)
    return closing - moved
