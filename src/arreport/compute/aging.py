"""Aging: days past due, buckets from the policy, and the client × bucket table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..ledger.dates import NO_DATE
from ..policy.model import Aging
from .groups import sum_by


def open_disputes(disputes: pd.DataFrame, n_invoices: int, as_of: int) -> np.ndarray:
    """Per invoice row: True when a dispute is open on A (opened ≤ A, not resolved by A)."""
    out = np.zeros(n_invoices, dtype=bool)
    if len(disputes) == 0 or "inv" not in disputes:
        return out
    inv = disputes["inv"].to_numpy()
    opened = disputes["opened"].to_numpy()
    resolved = disputes["resolved"].to_numpy()
    is_open = (inv >= 0) & (opened <= as_of) & ((resolved == NO_DATE) | (resolved > as_of))
    out[inv[is_open]] = True
    return out


def bucket_index(days: np.ndarray, edges: tuple[int, ...]) -> np.ndarray:
    """0 for current (≤ first edge), k for (edges[k-1], edges[k]], len(edges) for the last."""
    return np.searchsorted(np.asarray(edges), days, side="left").astype(np.int8)


def open_items(lines: pd.DataFrame, disputed: np.ndarray, as_of: int, aging: Aging
               ) -> pd.DataFrame:
    """Due lines with an open amount, with days past due, aging days and bucket."""
    items = lines.loc[lines["open_amount"].to_numpy() > 0].reset_index(drop=True)
    due = items["due_date"].to_numpy().astype(np.int64)
    issue = items["issue_date"].to_numpy().astype(np.int64)
    items["days_past_due"] = (as_of - due).astype(np.int32)
    age = as_of - (issue if aging.basis == "issue_date" else due)
    items["bucket"] = bucket_index(age, aging.buckets)
    items["disputed"] = disputed[items["inv"].to_numpy()] if len(items) else np.zeros(0, bool)
    return items


def aging_table(items: pd.DataFrame, groups: pd.DataFrame, n_currencies: int, aging: Aging
                ) -> pd.DataFrame:
    """One row per (client, cur) with open items or unapplied credit; a column per bucket.

    Bucket columns are int64 minor units named by the bucket labels; `total` is their sum and
    `unapplied` the credit left over (never subtracted from total).
    """
    labels = aging.labels
    nb = len(labels)
    ncur = max(n_currencies, 1)
    keep = (groups["open"].to_numpy() > 0) | (groups["unapplied"].to_numpy() > 0)
    g = groups.loc[keep, ["client", "cur", "unapplied"]].reset_index(drop=True)
    gkey = g["client"].to_numpy().astype(np.int64) * ncur + g["cur"].to_numpy()
    n_keys = int(gkey.max(initial=-1)) + 1
    row_of = np.full(n_keys, -1, dtype=np.int64)
    row_of[gkey] = np.arange(len(g))
    ikey = items["client"].to_numpy().astype(np.int64) * ncur + items["cur"].to_numpy()
    cell = row_of[ikey] * nb + items["bucket"].to_numpy().astype(np.int64)
    sums = sum_by(cell, items["open_amount"].to_numpy(), len(g) * nb).reshape(len(g), nb)
    table = g[["client", "cur"]].copy()
    for k, label in enumerate(labels):
        table[label] = sums[:, k]
    table["total"] = sums.sum(axis=1)
    table["unapplied_credit"] = g["unapplied"].to_numpy()
    return table
