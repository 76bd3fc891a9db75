"""Machine-readable tables (data/*.csv) as frames of text, columns and order per SPEC.md."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import money
from ..ledger.dates import NO_DATE
from ..pipeline import Report


def amounts_text(values: np.ndarray, cur_codes: np.ndarray, currencies: list[str]) -> pa.Array:
    """int64 minor units -> '1234.50' strings with each row's currency decimals (vectorised)."""
    vals = np.asarray(values, dtype=np.int64)
    places = np.array([money.decimals(c) for c in currencies], dtype=np.int64)[
        np.asarray(cur_codes, dtype=np.int64)] if len(vals) else np.zeros(0, np.int64)
    scale = np.power(10, places)
    absval = np.abs(vals)
    units = pc.cast(pa.array(absval // scale), pa.string())
    frac = pc.utf8_lpad(pc.cast(pa.array(absval % scale), pa.string()), 4, "0")
    # keep the last `places` digits of the zero-padded fraction
    out = units
    result = pa.array(np.full(len(vals), "", dtype=object), pa.string())
    for p in np.unique(places):
        sel = pa.array(places == p)
        if p == 0:
            body = units
        else:
            tail = pc.utf8_slice_codeunits(frac, 4 - int(p), 4)
            body = pc.binary_join_element_wise(units, tail, ".")
        result = pc.if_else(sel, body, result)
    out = pc.if_else(pa.array(vals < 0), pc.binary_join_element_wise("-", result, ""), result)
    return out


def text_rank(values: np.ndarray) -> np.ndarray:
    """Each value's rank among the distinct values as text, in code-point order (as Python
    sorts strings): sort keys of integers instead of strings."""
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.unique(np.asarray(values).astype(str), return_inverse=True)[1].ravel()


def dates_text(days: np.ndarray) -> pa.Array:
    arr = pa.array(np.asarray(days, dtype=np.int32)).cast(pa.date32())
    text = pc.strftime(arr.cast(pa.timestamp("s")), format="%Y-%m-%d")
    return pc.if_else(pa.array(np.asarray(days) == NO_DATE), pa.scalar(None, pa.string()), text)


def bools_text(values: np.ndarray) -> pa.Array:
    return pa.array(np.where(np.asarray(values, dtype=bool), "true", "false"))


def open_items_table(report: Report) -> pa.Table:
    items = report.items
    client_ids = report.ledger.client_ids()
    labels = np.array(report.bucket_labels, dtype=object)
    cur_names = np.array(report.currencies, dtype=object)
    order = np.lexsort((items["line"].to_numpy(), items["due_date"].to_numpy(),
                        text_rank(items["invoice_id"].to_numpy(dtype=object)),
                        text_rank(client_ids[items["client"].to_numpy()])))
    it = items.iloc[order]
    cur = it["cur"].to_numpy()
    return pa.table({
        "client_id": pa.array(client_ids[it["client"].to_numpy()], pa.string()),
        "invoice_id": pa.array(it["invoice_id"].to_numpy(dtype=object), pa.string()),
        "currency": pa.array(cur_names[cur], pa.string()),
        "issue_date": dates_text(it["issue_date"].to_numpy()),
        "due_date": dates_text(it["due_date"].to_numpy()),
        "amount": amounts_text(it["amount"].to_numpy(), cur, report.currencies),
        "open_amount": amounts_text(it["open_amount"].to_numpy(), cur, report.currencies),
        "days_past_due": pa.array(it["days_past_due"].to_numpy().astype(np.int64)),
        "bucket": pa.array(labels[it["bucket"].to_numpy()], pa.string()),
        "disputed": bools_text(it["disputed"].to_numpy()),
    })


def aging_csv_table(report: Report) -> pa.Table:
    table = report.aging
    client_ids = report.ledger.client_ids()
    cur_names = np.array(report.currencies, dtype=object)
    frame = pd.DataFrame({"client_id": client_ids[table["client"].to_numpy()],
                          "currency": cur_names[table["cur"].to_numpy()],
                          "i": np.arange(len(table))})
    order = frame.sort_values(["client_id", "currency"], kind="stable")["i"].to_numpy()
    t = table.iloc[order]
    cur = t["cur"].to_numpy()
    cols: dict[str, pa.Array] = {
        "client_id": pa.array(client_ids[t["client"].to_numpy()], pa.string()),
        "currency": pa.array(cur_names[cur], pa.string()),
    }
    for label in (*report.bucket_labels, "total", "unapplied_credit"):
        cols[label] = amounts_text(t[label].to_numpy(), cur, report.currencies)
    return pa.table(cols)


def actions_csv_table(report: Report) -> pa.Table:
    """data/actions.csv: date, client_id, invoice_id, currency, step, channel, owner, amount,
    reason; sorted by client_id, invoice_id and the step's place in its ladder."""
    from .reasons import action_reasons, step_names

    acts = report.actions
    client_ids = report.ledger.client_ids()
    inv_ids = report.ledger.invoices["invoice_id"].to_numpy(dtype=object)
    cur_names = np.array(report.currencies, dtype=object)
    steps = acts["step"].to_numpy().astype(np.int64)
    ids, channels, owners = step_names(report, steps)
    frame = pd.DataFrame({
        "date": report.as_of.isoformat(),
        "client_id": client_ids[acts["client"].to_numpy()],
        "invoice_id": inv_ids[acts["inv"].to_numpy()],
        "currency": cur_names[acts["cur"].to_numpy()],
        "step": ids, "channel": channels, "owner": owners,
        "amount_minor": acts["amount"].to_numpy(), "cur": acts["cur"].to_numpy(),
        "reason": action_reasons(report), "order": steps,
    })
    frame = frame.iloc[np.lexsort((steps, text_rank(frame["invoice_id"].to_numpy()),
                                   text_rank(frame["client_id"].to_numpy())))]
    return pa.table({
        "date": pa.array(frame["date"].astype(str), pa.string()),
        "client_id": pa.array(frame["client_id"].astype(str), pa.string()),
        "invoice_id": pa.array(frame["invoice_id"].astype(str), pa.string()),
        "currency": pa.array(frame["currency"].astype(str), pa.string()),
        "step": pa.array(frame["step"], pa.string()),
        "channel": pa.array(frame["channel"], pa.string()),
        "owner": pa.array(frame["owner"], pa.string()),
        "amount": amounts_text(frame["amount_minor"].to_numpy(), frame["cur"].to_numpy(),
                               report.currencies),
        "reason": pa.array(frame["reason"], pa.string()),
    })


def holds_csv_table(report: Report) -> pa.Table:
    """data/holds.csv: client_id, currency, open_balance, credit_limit, reason."""
    from .reasons import hold_reasons

    h = report.holds
    client_ids = report.ledger.client_ids()
    cur = h["cur"].to_numpy().astype(np.int64)
    limit = h["limit"].to_numpy().astype(np.int64)
    limit_text = amounts_text(limit, cur, report.currencies)
    limit_text = pc.if_else(pa.array(limit < 0), pa.scalar(None, pa.string()), limit_text)
    table = pa.table({
        "client_id": pa.array(client_ids[h["client"].to_numpy()].astype(str), pa.string()),
        "currency": pa.array(np.array(report.currencies, dtype=object)[cur], pa.string()),
        "open_balance": amounts_text(h["balance"].to_numpy(), cur, report.currencies),
        "credit_limit": limit_text,
        "reason": pa.array(hold_reasons(report), pa.string()),
    })
    return table.sort_by([("client_id", "ascending")])


def fees_csv_table(report: Report) -> pa.Table:
    """data/fees.csv: fee_id, client_id, invoice_id, currency, rule, date, amount, reason."""
    from .reasons import fee_reasons

    f = report.fees
    client_ids = report.ledger.client_ids()
    inv_ids = report.ledger.invoices["invoice_id"].to_numpy(dtype=object)
    cur = f["cur"].to_numpy().astype(np.int64)
    invoice_id = inv_ids[f["inv"].to_numpy().astype(np.int64)].astype(str)
    rules = f["rule"].astype(str).to_numpy()
    return pa.table({
        "fee_id": pa.array(np.char.add(np.char.add(rules.astype(str), ":"), invoice_id),
                           pa.string()),
        "client_id": pa.array(client_ids[f["client"].to_numpy().astype(np.int64)].astype(str),
                              pa.string()),
        "invoice_id": pa.array(invoice_id, pa.string()),
        "currency": pa.array(np.array(report.currencies, dtype=object)[cur], pa.string()),
        "rule": pa.array(rules, pa.string()),
        "date": dates_text(f["date"].to_numpy()),
        "amount": amounts_text(f["amount"].to_numpy(), cur, report.currencies),
        "reason": pa.array(fee_reasons(report), pa.string()),
    })


def discounts_csv_table(report: Report) -> pa.Table:
    """data/discounts.csv: early-payment discounts taken (client_id, invoice_id, currency,
    payment_id, date, discount, reason), sorted by client_id and invoice_id."""
    from ..compute.terms import invoice_terms
    from ..ledger.dates import from_day

    d = report.allocation.discounts
    if d is None:
        d = pd.DataFrame({"inv": [], "doc": [], "amount": []})
    inv = d["inv"].to_numpy().astype(np.int64)
    invoices = report.ledger.invoices
    docs = report.allocation.docs
    codes, names, _ = (invoice_terms(invoices, report.ledger.clients, report.policies)
                       if len(d) else (np.zeros(0, np.int64), [], None))
    cur = invoices["cur"].to_numpy().astype(np.int64)[inv]
    doc_rows = d["doc"].to_numpy().astype(np.int64)
    reasons = []
    for k in range(len(d)):
        terms = report.policies.terms[names[int(codes[inv[k]])]]
        currency = report.currencies[int(cur[k])]
        paid = int(docs["amount"].iat[int(doc_rows[k])])
        day = int(docs["date"].iat[int(doc_rows[k])])
        total = int(invoices["amount"].iat[int(inv[k])])
        reasons.append(
            f"{terms.source} {terms.name}: paid {money.format_amount(paid, currency)} on "
            f"{from_day(day).isoformat()} (within {terms.discount_days} days of "
            f"{from_day(int(invoices['issue_date'].iat[int(inv[k])])).isoformat()}); "
            f"{terms.discount_percent}% of {money.format_amount(total, currency)} = "
            f"{money.format_amount(int(d['amount'].iat[k]), currency)} {currency}")
    client_ids = report.ledger.client_ids()
    table = pa.table({
        "client_id": pa.array(client_ids[invoices["client"].to_numpy()[inv]].astype(str),
                              pa.string()),
        "invoice_id": pa.array(invoices["invoice_id"].to_numpy(dtype=object)[inv].astype(str),
                               pa.string()),
        "currency": pa.array(np.array(report.currencies, dtype=object)[cur], pa.string()),
        "payment_id": pa.array(docs["doc_id"].to_numpy(dtype=object)[doc_rows].astype(str),
                               pa.string()),
        "date": dates_text(docs["date"].to_numpy()[doc_rows]),
        "discount": amounts_text(d["amount"].to_numpy(), cur, report.currencies),
        "reason": pa.array(reasons, pa.string()),
    })
    return table.sort_by([("client_id", "ascending"), ("invoice_id", "ascending")])


def plans_csv_table(report: Report) -> pa.Table:
    """data/plans.csv: plan_id, client_id, currency, installments, installments_due,
    amount_due, paid, status (kept|completed|broken), first_missed, invoice_ids; by plan_id."""
    st = report.plans
    plans = report.ledger.plans
    rows = st["plan"].to_numpy().astype(np.int64) if len(st) else np.zeros(0, np.int64)
    cur = plans["cur"].to_numpy().astype(np.int64)[rows] if len(rows) else rows
    amount = plans["amount"].to_numpy().astype(np.int64)[rows] if len(rows) else rows
    due_n = st["due"].to_numpy().astype(np.int64) if len(st) else rows
    inv_ids = report.ledger.invoices["invoice_id"].to_numpy(dtype=object)
    covers = [" ".join(sorted(str(inv_ids[i]) for i in c)) for c in st["covers"]] \
        if len(st) else []
    broken = st["broken"].to_numpy().astype(bool) if len(st) else np.zeros(0, bool)
    table = pa.table({
        "plan_id": pa.array(plans["plan_id"].to_numpy(dtype=object)[rows].astype(str),
                            pa.string()),
        "client_id": pa.array(plans["client_id"].to_numpy(dtype=object)[rows].astype(str),
                              pa.string()),
        "currency": pa.array(np.array(report.currencies, dtype=object)[cur], pa.string()),
        "installments": pa.array(plans["installments"].to_numpy().astype(np.int64)[rows]),
        "installments_due": pa.array(due_n),
        "amount_due": amounts_text(due_n * amount, cur, report.currencies),
        "paid": amounts_text(st["paid"].to_numpy().astype(np.int64) if len(st) else rows, cur,
                             report.currencies),
        "status": pa.array(np.where(broken, "broken", np.where(
            st["completed"].to_numpy().astype(bool) if len(st) else broken, "completed",
            "kept")).astype(str), pa.string()),
        "first_missed": dates_text(st["first_missed"].to_numpy().astype(np.int64)
                                   if len(st) else rows),
        "invoice_ids": pa.array(covers, pa.string()),
    })
    return table.sort_by([("plan_id", "ascending")])
