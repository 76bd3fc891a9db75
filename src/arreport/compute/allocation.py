"""Allocation of payments and credit notes to invoices, exactly as SPEC.md's Semantics say.

Referenced documents first (per invoice, in (date, id) order, up to its open amount); every
other amount pools per client and currency and pays that client's open due lines oldest due
first (ties: issue date, then invoice_id). Whole-array work: one sort per stage and grouped
cumulative sums; no loop over invoices or payments.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .groups import cumsum_before, lexsort_with_ids, run_starts, sum_by

# why a document (or part of it) went to the pool instead of the invoice it names
POOL_REASONS = ("", "unknown_invoice", "issued_after_as_of", "other_client", "other_currency")
POOL_REASON_TEXT = {
    "unknown_invoice": "names invoice '{ref}', which does not exist",
    "issued_after_as_of": "names invoice '{ref}', issued after the as-of date",
    "other_client": "names invoice '{ref}' of another client ({other})",
    "other_currency": "names invoice '{ref}' in {other}, not {cur}",
}


@dataclass(frozen=True)
class Allocation:
    """The result of allocating every document dated on or before the as-of date.

    lines: one row per due line of an invoice issued on or before A (inv, line, client, cur,
      issue_date, due_date, amount, referenced, pooled, open_amount, pool_through: what the
      pool must hold to cover this line and every line before it in pool order).
    docs: one row per payment or credit note dated on or before A (kind, doc, client, cur, date,
      amount, applied, to_pool, reason, ref_before: what earlier referenced documents had
      applied to the named invoice, discount included; -1 when the document is not
      referenced).
    groups: one row per (client, cur) with any document or line (invoiced, paid, credited,
      discounts, open, unapplied).
    discounts: one row per early-payment discount taken (inv, doc: row in docs, amount).
    """

    lines: pd.DataFrame
    docs: pd.DataFrame
    groups: pd.DataFrame
    discounts: pd.DataFrame | None = None


def documents(payments: pd.DataFrame, credit_notes: pd.DataFrame, as_of: int) -> pd.DataFrame:
    """Payments and credit notes dated ≤ A as one frame (kind 0 = payment, 1 = credit)."""
    frames = []
    for kind, frame, id_col in ((0, payments, "payment_id"), (1, credit_notes, "credit_id")):
        sel = frame["date"].to_numpy() <= as_of
        part = frame.loc[sel, ["client", "cur", "date", "amount", "inv", "row"]].copy()
        part["doc_id"] = frame.loc[sel, id_col]
        part["invoice_id"] = frame.loc[sel, "invoice_id"]
        part["kind"] = np.int8(kind)
        frames.append(part)
    docs = pd.concat(frames, ignore_index=True)
    docs["cur"] = docs["cur"].astype(np.int32)
    return docs


def allocate(invoices: pd.DataFrame, lines: pd.DataFrame, docs: pd.DataFrame, as_of: int,
             n_currencies: int, discount: np.ndarray | None = None,
             deadline: np.ndarray | None = None) -> Allocation:
    """Allocate `docs` (from `documents`) to the due `lines` of `invoices` as of day `as_of`.

    `discount`/`deadline` (per invoice, from terms.discount_offers): a payment naming the
    invoice, dated by the deadline, that leaves exactly the discount open settles it in full;
    the difference is a discount taken, counted like a credit note.
    """
    ncur = max(n_currencies, 1)
    inv_client = invoices["client"].to_numpy().astype(np.int64)
    inv_cur = invoices["cur"].to_numpy().astype(np.int64)
    inv_issue = invoices["issue_date"].to_numpy().astype(np.int64)
    inv_amount = invoices["amount"].to_numpy().astype(np.int64)
    inv_in = inv_issue <= as_of

    # --- documents: referenced or pooled --------------------------------------------------
    d_client = docs["client"].to_numpy().astype(np.int64)
    d_cur = docs["cur"].to_numpy().astype(np.int64)
    d_amount = docs["amount"].to_numpy().astype(np.int64)
    d_date = docs["date"].to_numpy().astype(np.int64)
    d_inv = docs["inv"].to_numpy().astype(np.int64)
    named = docs["invoice_id"].notna().to_numpy()
    safe_inv = np.maximum(d_inv, 0)
    reason = np.zeros(len(docs), dtype=np.int8)
    if len(inv_amount):
        reason[named & (d_inv >= 0) & (d_cur != inv_cur[safe_inv])] = 4
        reason[named & (d_inv >= 0) & (d_client != inv_client[safe_inv])] = 3
        reason[named & (d_inv >= 0) & ~inv_in[safe_inv]] = 2
    reason[named & (d_inv < 0)] = 1
    referenced = named & (reason == 0)

    applied = np.zeros(len(docs), dtype=np.int64)
    ref_before = np.full(len(docs), -1, dtype=np.int64)
    ref_idx = np.flatnonzero(referenced)
    discount_taken = np.zeros(len(inv_amount), dtype=np.int64)
    discount_doc = np.full(len(inv_amount), -1, dtype=np.int64)
    if len(ref_idx):
        order = lexsort_with_ids([d_inv[ref_idx], d_date[ref_idx]],
                                 docs["doc_id"].iloc[ref_idx].reset_index(drop=True),
                                 tail=docs["kind"].to_numpy()[ref_idx])
        rows = ref_idx[order]
        keys = d_inv[rows]
        before = cumsum_before(keys, d_amount[rows])
        if discount is not None and deadline is not None:
            offer = discount[keys]
            is_payment = docs["kind"].to_numpy()[rows] == 0
            trigger = ((offer > 0) & is_payment & (d_date[rows] <= deadline[keys])
                       & (before < inv_amount[keys])
                       & (inv_amount[keys] - before - d_amount[rows] == offer))
            earlier = cumsum_before(keys, trigger.astype(np.int64))
            first = trigger & (earlier == 0)
            # after the first such payment the discount counts as applied
            before = before + np.where(earlier > 0, offer, 0)
            discount_taken[keys[first]] = offer[first]
            discount_doc[keys[first]] = rows[first]
        applied[rows] = np.clip(inv_amount[keys] - before, 0, d_amount[rows])
        ref_before[rows] = np.minimum(before, inv_amount[keys])
    to_pool = d_amount - applied
    ref_applied = sum_by(d_inv[ref_idx], applied[ref_idx], len(inv_amount)) + discount_taken

    # --- due lines: referenced amounts fill each invoice's lines in due order ---------------
    li = lines["inv"].to_numpy().astype(np.int64)
    keep = inv_in[li] if len(li) else np.zeros(0, dtype=bool)
    lines = lines.loc[keep].reset_index(drop=True)
    li = li[keep]
    l_amount = lines["amount"].to_numpy().astype(np.int64)
    l_due = lines["due_date"].to_numpy().astype(np.int64)
    l_line = lines["line"].to_numpy().astype(np.int64)
    # lines arrive grouped by invoice in line order (deposit first), so the running sum works
    l_before = cumsum_before(li, l_amount)
    l_ref = np.clip(ref_applied[li] - l_before, 0, l_amount)
    l_open_ref = l_amount - l_ref

    # --- the pool, per client and currency ---------------------------------------------------
    l_group = inv_client[li] * ncur + inv_cur[li]
    d_group = d_client * ncur + d_cur
    n_groups = int(max(l_group.max(initial=-1), d_group.max(initial=-1)) + 1)
    pool = sum_by(d_group, to_pool, n_groups)
    l_issue = inv_issue[li]
    order = lexsort_with_ids([l_group, l_due, l_issue],
                             invoices["invoice_id"].iloc[li].reset_index(drop=True),
                             tail=l_line)
    g_sorted = l_group[order]
    before = cumsum_before(g_sorted, l_open_ref[order])
    pooled = np.zeros(len(li), dtype=np.int64)
    pooled[order] = np.clip(pool[g_sorted] - before, 0, l_open_ref[order])
    pool_through = np.zeros(len(li), dtype=np.int64)
    pool_through[order] = before + l_open_ref[order]
    open_amount = l_open_ref - pooled
    open_ref_total = sum_by(l_group, l_open_ref, n_groups)
    unapplied = np.maximum(pool - open_ref_total, 0)

    out_lines = pd.DataFrame({
        "inv": li,
        "line": l_line.astype(np.int8),
        "client": inv_client[li].astype(np.int32),
        "cur": inv_cur[li].astype(np.int32),
        "issue_date": l_issue.astype(np.int32),
        "due_date": l_due.astype(np.int32),
        "amount": l_amount,
        "referenced": l_ref,
        "pooled": pooled,
        "open_amount": open_amount,
        "pool_through": pool_through,
    })
    for extra in ("terms", "terms_from"):
        if extra in lines:
            out_lines[extra] = lines[extra].to_numpy()
    out_docs = docs.assign(applied=applied, to_pool=to_pool, reason=reason, ref_before=ref_before)

    # --- per-group totals (reconciliation inputs) -------------------------------------------
    kind = docs["kind"].to_numpy()
    inv_group = inv_client * ncur + inv_cur
    invoiced = sum_by(inv_group[inv_in], inv_amount[inv_in], n_groups)
    paid = sum_by(d_group[kind == 0], d_amount[kind == 0], n_groups)
    credited = sum_by(d_group[kind == 1], d_amount[kind == 1], n_groups)
    discounts = sum_by(inv_group[inv_in], discount_taken[inv_in], n_groups)
    open_total = sum_by(l_group, open_amount, n_groups)
    present = np.zeros(n_groups, dtype=bool)
    present[l_group] = True
    present[d_group] = True
    gi = np.flatnonzero(present)
    groups = pd.DataFrame({
        "client": (gi // ncur).astype(np.int32),
        "cur": (gi % ncur).astype(np.int32),
        "invoiced": invoiced[gi],
        "paid": paid[gi],
        "credited": credited[gi],
        "discounts": discounts[gi],
        "open": open_total[gi],
        "unapplied": unapplied[gi],
    })
    taken = np.flatnonzero(discount_taken > 0)
    disc = pd.DataFrame({"inv": taken, "doc": discount_doc[taken],
                         "amount": discount_taken[taken]})
    return Allocation(lines=out_lines, docs=out_docs, groups=groups, discounts=disc)


def reconciliation_failures(alloc: Allocation) -> pd.DataFrame:
    """Groups where invoiced − paid − credited − discounts ≠ open − unapplied (a bug if any)."""
    g = alloc.groups
    lhs = g["invoiced"] - g["paid"] - g["credited"] - (g["discounts"] if "discounts" in g else 0)
    rhs = g["open"] - g["unapplied"]
    return g.loc[lhs != rhs]


__all__ = ["Allocation", "POOL_REASONS", "POOL_REASON_TEXT", "allocate", "documents",
           "reconciliation_failures", "run_starts"]
