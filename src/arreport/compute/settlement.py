"""Settlement dates and per-payment facts (partial, rounded down) from one allocation.

SPEC.md Semantics, Settlement date: the later of the last referenced document applied to the
invoice and, where the pool pays part of it, the first date on which the client's pooled
documents, summed in (date, id) order, cover this invoice and every invoice before it in pool
order; never before the issue date. Whole-array work: one sort of the pooled documents and
`searchsorted` against their running sums, no loop over invoices or documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from .allocation import Allocation
from .groups import cumsum_before, lexsort_with_ids, sum_by

NOT_SETTLED = np.iinfo(np.int32).max


@dataclass(frozen=True)
class RoundedDown:
    """A payment is rounded down when it equals the open amount it names cut down to a whole
    multiple of one of `units` (major units), leaving a shortfall of at most
    `max_shortfall_percent` of that open amount."""

    units: tuple[Decimal, ...] = (Decimal(1), Decimal(10), Decimal(50), Decimal(100),
                                  Decimal(500), Decimal(1000))
    max_shortfall_percent: Decimal = Decimal(10)


def _pool_spans(alloc: Allocation, n_groups: int, ncur: int) -> tuple[np.ndarray, np.ndarray]:
    """Per (client, cur) group: an offset that makes every group's running sums (of pooled
    documents and of pool needs) one increasing axis, and the group's pool total."""
    docs = alloc.docs
    d_group = (docs["client"].to_numpy().astype(np.int64) * ncur
               + docs["cur"].to_numpy().astype(np.int64))
    lines = alloc.lines
    l_group = (lines["client"].to_numpy().astype(np.int64) * ncur
               + lines["cur"].to_numpy().astype(np.int64))
    pool = sum_by(d_group, docs["to_pool"].to_numpy(), n_groups)
    need = np.zeros(n_groups, dtype=np.int64)
    if len(lines):
        np.maximum.at(need, l_group, lines["pool_through"].to_numpy().astype(np.int64))
    span = np.maximum(pool, need) + 1
    base = np.cumsum(span) - span
    return base, pool


def _groups(alloc: Allocation, ncur: int) -> tuple[np.ndarray, np.ndarray, int]:
    docs, lines = alloc.docs, alloc.lines
    d_group = (docs["client"].to_numpy().astype(np.int64) * ncur
               + docs["cur"].to_numpy().astype(np.int64))
    l_group = (lines["client"].to_numpy().astype(np.int64) * ncur
               + lines["cur"].to_numpy().astype(np.int64))
    n = int(max(d_group.max(initial=-1), l_group.max(initial=-1))) + 1
    return d_group, l_group, n


def _pool_running(alloc: Allocation, d_group: np.ndarray, base: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """The pooled documents in (group, date, id) order, and each one's group's pool sum through
    it, offset by the group's base so the whole array increases."""
    rows = _pooled_order(alloc, d_group)
    if len(rows) == 0:
        return rows, np.zeros(0, dtype=np.int64)
    g_sorted = d_group[rows]
    amounts = alloc.docs["to_pool"].to_numpy().astype(np.int64)[rows]
    running = np.cumsum(amounts)
    first = np.r_[True, g_sorted[1:] != g_sorted[:-1]]
    start = (running - amounts)[first][np.cumsum(first) - 1]
    return rows, base[g_sorted] + running - start


def _pooled_order(alloc: Allocation, d_group: np.ndarray) -> np.ndarray:
    """Rows of documents that sent something to the pool, in (group, date, id) order."""
    docs = alloc.docs
    rows = np.flatnonzero(docs["to_pool"].to_numpy() > 0)
    if len(rows) == 0:
        return rows
    order = lexsort_with_ids([d_group[rows], docs["date"].to_numpy().astype(np.int64)[rows]],
                             docs["doc_id"].iloc[rows].reset_index(drop=True),
                             tail=docs["kind"].to_numpy()[rows])
    return rows[order]


def settlement(alloc: Allocation, invoices: pd.DataFrame, n_currencies: int) -> pd.DataFrame:
    """Per invoice issued on or before A: its final due date, open amount and settlement date.

    Columns: inv, client, cur, issue_date, due_date (the last due line's), amount,
    open_amount, settled (bool), settlement_date (day number; NOT_SETTLED while open).
    """
    ncur = max(n_currencies, 1)
    lines, docs = alloc.lines, alloc.docs
    d_group, l_group, n_groups = _groups(alloc, ncur)
    base, _pool = _pool_spans(alloc, n_groups, ncur)
    n_inv = len(invoices)

    # the date each line's pool share was covered --------------------------------------------
    pooled_rows, cum = _pool_running(alloc, d_group, base)
    d_date = docs["date"].to_numpy().astype(np.int64)
    l_pooled = lines["pooled"].to_numpy().astype(np.int64)
    l_open = lines["open_amount"].to_numpy().astype(np.int64)
    needs_pool = (l_pooled > 0) & (l_open == 0)
    pool_day = np.full(len(lines), np.iinfo(np.int64).min, dtype=np.int64)
    if needs_pool.any():
        target = base[l_group[needs_pool]] + lines["pool_through"].to_numpy()[needs_pool]
        pos = np.searchsorted(cum, target, side="left")
        pool_day[needs_pool] = d_date[pooled_rows[np.minimum(pos, len(cum) - 1)]]

    # per invoice -----------------------------------------------------------------------------
    li = lines["inv"].to_numpy().astype(np.int64)
    ref_day = np.full(n_inv, np.iinfo(np.int64).min, dtype=np.int64)
    applied = docs["applied"].to_numpy() > 0
    if applied.any():
        np.maximum.at(ref_day, docs["inv"].to_numpy().astype(np.int64)[applied], d_date[applied])
    line_day = np.full(n_inv, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(line_day, li, pool_day)
    open_amount = sum_by(li, l_open, n_inv)
    due = np.full(n_inv, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(due, li, lines["due_date"].to_numpy().astype(np.int64))
    present = np.zeros(n_inv, dtype=bool)
    present[li] = True
    issue = invoices["issue_date"].to_numpy().astype(np.int64)
    settled = present & (open_amount == 0)
    day = np.maximum(np.maximum(ref_day, line_day), issue)
    rows = np.flatnonzero(present)
    return pd.DataFrame({
        "inv": rows,
        "client": invoices["client"].to_numpy()[rows].astype(np.int32),
        "cur": invoices["cur"].to_numpy()[rows].astype(np.int32),
        "issue_date": issue[rows].astype(np.int32),
        "due_date": due[rows].astype(np.int32),
        "amount": invoices["amount"].to_numpy()[rows].astype(np.int64),
        "open_amount": open_amount[rows],
        "settled": settled[rows],
        "settlement_date": np.where(settled[rows], day[rows], NOT_SETTLED).astype(np.int32),
    })


def payment_facts(alloc: Allocation, invoices: pd.DataFrame, n_currencies: int,
                  currencies: list[str], rounded: RoundedDown) -> pd.DataFrame:
    """Per payment (kind 0) dated on or before A: whether it left part of an invoice open, and
    whether it was rounded down.

    Partial: a payment that stopped part-way through a due line, leaving part of it open: a
    referenced payment after which the invoice it names still had some of its amount unpaid
    by referenced documents, unless what referenced documents had paid then ends exactly at
    the end of one of its due lines (a deposit paid in full is not partial); or a pooled
    payment whose running pool sum ends strictly inside a due line's share.
    Rounded down: a referenced partial payment equal to the open amount it met cut down to a
    whole multiple of a round unit (RoundedDown). A payment that took an early-payment
    discount is neither.

    Columns: doc (row in alloc.docs), client, cur, date, amount, partial, rounded_down,
    inv (the invoice left partly open, -1 when none).
    """
    from .. import money

    ncur = max(n_currencies, 1)
    docs, lines = alloc.docs, alloc.lines
    d_group, l_group, n_groups = _groups(alloc, ncur)
    base, _pool = _pool_spans(alloc, n_groups, ncur)
    kind = docs["kind"].to_numpy()
    amount = docs["amount"].to_numpy().astype(np.int64)
    inv = docs["inv"].to_numpy().astype(np.int64)
    before = docs["ref_before"].to_numpy().astype(np.int64)
    referenced = before >= 0
    inv_amount = invoices["amount"].to_numpy().astype(np.int64)
    safe = np.maximum(inv, 0)
    owed = np.where(referenced, inv_amount[safe] if len(inv_amount) else 0, 0) - \
        np.maximum(before, 0)
    took_discount = np.zeros(len(docs), dtype=bool)
    if alloc.discounts is not None and len(alloc.discounts):
        took_discount[alloc.discounts["doc"].to_numpy().astype(np.int64)] = True
    # a referenced payment that ends exactly where one of the invoice's due lines ends (a
    # deposit paid in full, then the balance) paid what was due: not partial
    ends_line = _ends_a_line(lines, inv, np.maximum(before, 0) + amount) & referenced
    ref_partial = referenced & (kind == 0) & (amount < owed) & ~took_discount & ~ends_line
    left_open = np.where(ref_partial, inv, -1)

    # pooled payments that stop inside an invoice's share
    pooled_rows, target = _pool_running(alloc, d_group, base)
    pool_partial = np.zeros(len(docs), dtype=bool)
    share = lines["amount"].to_numpy() - lines["referenced"].to_numpy()
    has_share = share > 0
    if len(pooled_rows) and has_share.any():
        g_sorted = d_group[pooled_rows]
        through = lines["pool_through"].to_numpy().astype(np.int64)
        bounds = base[l_group[has_share]] + through[has_share]
        b_order = np.argsort(bounds, kind="stable")
        bounds = bounds[b_order]
        b_inv = lines["inv"].to_numpy()[has_share][b_order]
        pos = np.searchsorted(bounds, target, side="left")
        inside = pos < len(bounds)
        safe_pos = np.minimum(pos, len(bounds) - 1)
        # the first boundary at or after the running sum is strictly after it and in the
        # same group: the document stopped part-way through that line's share
        group_end = base[g_sorted] + np.maximum(
            _need_of(l_group, through, n_groups)[g_sorted], 0)
        inside &= (bounds[safe_pos] > target) & (bounds[safe_pos] <= group_end)
        inside &= kind[pooled_rows] == 0
        pool_partial[pooled_rows[inside]] = True
        left_open[pooled_rows[inside]] = b_inv[safe_pos[inside]]
    partial = ref_partial | pool_partial

    # rounded down: the payment is the open amount cut to a multiple of a round unit
    cur = docs["cur"].to_numpy().astype(np.int64)
    scale = np.array([10 ** money.decimals(c) for c in currencies] + [1], dtype=np.int64)
    unit_scale = scale[np.minimum(cur, len(currencies))]
    rounded_down = np.zeros(len(docs), dtype=bool)
    shortfall = owed - amount
    pct = rounded.max_shortfall_percent
    num, den = pct.as_integer_ratio()
    small = shortfall * 100 * den <= owed * num
    for unit in rounded.units:
        u_num, u_den = unit.as_integer_ratio()
        step = unit_scale * u_num // u_den
        ok = (step > 0) & (unit_scale * u_num % u_den == 0)
        cut = np.where(ok, owed // np.maximum(step, 1) * step, -1)
        rounded_down |= ref_partial & ok & (amount == cut) & (amount > 0) & small
    sel = np.flatnonzero(kind == 0)
    return pd.DataFrame({
        "doc": sel,
        "client": docs["client"].to_numpy()[sel],
        "cur": cur[sel],
        "date": docs["date"].to_numpy()[sel],
        "amount": amount[sel],
        "partial": partial[sel],
        "rounded_down": rounded_down[sel],
        "inv": left_open[sel],
    })


def _ends_a_line(lines: pd.DataFrame, inv: np.ndarray, paid_through: np.ndarray
                 ) -> np.ndarray:
    """Whether `paid_through` (what referenced documents have paid of invoice `inv`) equals
    the running total of the invoice's due lines, in line order, through one of its lines.
    Referenced amounts fill an invoice's lines in that order (allocation.allocate)."""
    if len(lines) == 0 or len(inv) == 0:
        return np.zeros(len(inv), dtype=bool)
    l_inv = lines["inv"].to_numpy().astype(np.int64)
    order = np.lexsort((lines["line"].to_numpy().astype(np.int64), l_inv))
    l_amount = lines["amount"].to_numpy().astype(np.int64)[order]
    ends = cumsum_before(l_inv[order], l_amount) + l_amount
    bounds = pd.MultiIndex.from_arrays([l_inv[order], ends])
    probe = pd.MultiIndex.from_arrays([np.asarray(inv, dtype=np.int64),
                                       np.asarray(paid_through, dtype=np.int64)])
    return np.asarray(probe.isin(bounds), dtype=bool)


def _need_of(l_group: np.ndarray, through: np.ndarray, n_groups: int) -> np.ndarray:
    need = np.zeros(n_groups, dtype=np.int64)
    if len(through):
        np.maximum.at(need, l_group, through)
    return need
