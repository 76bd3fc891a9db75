"""Fees and interest due on A that are not yet invoiced (SPEC Semantics: Fees and interest).

A step's fee is due once per invoice when the step is the invoice's action on A or the
contact log records it; a rule with annual_percent is simple interest (actual/365) on every
open, undisputed invoice more than grace_days past due. Amounts are exact integers, rounded
once, half-up. A fee whose id RULE:INVOICE_ID is the reference of an invoices.csv row is
invoiced: a step fee is then not charged again, and interest counts from the day after that
row's issue date.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from .. import money
from ..policy.model import Fee, Policies, PolicyMoney
from .escalation import StepTable, client_ladders, recorded_pairs


def _ratio(value: Decimal) -> tuple[int, int]:
    """A decimal as an exact fraction num/den."""
    num, den = value.as_integer_ratio()
    return int(num), int(den)


def _money_minor(amount: PolicyMoney | None, currencies: list[str]) -> np.ndarray:
    """Per currency code: the amount in minor units, or -1 where it is not defined."""
    out = np.full(len(currencies), -1, dtype=np.int64)
    if amount is None:
        return out
    for code, cur in enumerate(currencies):
        v = amount.for_currency(cur)
        if v is not None:
            out[code] = money.decimal_to_minor(v, cur)
    return out


def _half_up(numerator: np.ndarray, denominator: int) -> np.ndarray:
    """numerator / denominator rounded half-up (numerator ≥ 0), in integers."""
    return (2 * numerator + denominator) // (2 * denominator)


def step_fee_amounts(fee: Fee, open_amount: np.ndarray, cur: np.ndarray,
                     currencies: list[str]) -> np.ndarray:
    """flat + percent of the open amount, capped by min/max, rounded once (minor units)."""
    num, den = _ratio(fee.percent) if fee.percent is not None else (0, 1)
    scale = 100 * den
    flat = np.maximum(_money_minor(fee.flat, currencies), 0)[cur]
    exact = flat * scale + open_amount.astype(np.int64) * num  # in 1/scale minor units
    lo = _money_minor(fee.minimum, currencies)[cur]
    hi = _money_minor(fee.maximum, currencies)[cur]
    exact = np.where(lo >= 0, np.maximum(exact, lo * scale), exact)
    exact = np.where(hi >= 0, np.minimum(exact, hi * scale), exact)
    return _half_up(exact, scale)


def fees_due(escalated: pd.DataFrame, actions: pd.DataFrame, invoices: pd.DataFrame,
             clients: pd.DataFrame, contacts: pd.DataFrame, policies: Policies,
             currencies: list[str], as_of: int) -> pd.DataFrame:
    """One row per fee or interest charge due on A and not yet invoiced.

    Columns: rule, kind (step|interest), client, inv, cur, date (day it became due), amount,
    step (global step number for step fees, -1 for interest), base (open amount it was
    computed on), days (interest days, 0 for step fees).
    """
    cols = ["rule", "kind", "client", "inv", "cur", "date", "amount", "step", "base", "days"]
    table = StepTable.of(policies)
    lad_of_client, excluded_client = client_ladders(clients, policies)
    reference = invoices["reference"].astype(object).to_numpy()
    invoiced_refs = pd.Series(invoices["issue_date"].to_numpy(), index=reference)
    invoiced_refs = invoiced_refs[pd.notna(invoiced_refs.index)]
    invoiced_refs = invoiced_refs.groupby(level=0).max()  # the latest invoicing row
    inv_ids = invoices["invoice_id"].astype(object).to_numpy()

    esc = escalated
    inv = esc["inv"].to_numpy().astype(np.int64)
    open_by_inv = pd.Series(esc["open_amount"].to_numpy()).groupby(inv).sum()
    first = esc.drop_duplicates("inv").set_index("inv")
    frames = []

    # step fees: today's actions and steps the contact log records ------------------------
    global_of = {(table.code(lad.name), st.order): g for g, (lad, st) in enumerate(table.steps)}
    rec = recorded_pairs(esc, invoices, contacts.loc[contacts["date"].to_numpy() <= as_of],
                         table, lad_of_client)
    cand = [pd.DataFrame({"inv": actions["inv"].to_numpy(), "step": actions["step"].to_numpy(),
                          "date": np.full(len(actions), as_of, dtype=np.int64)})]
    if len(rec):
        lad = esc["ladder"].to_numpy()[rec["i"].to_numpy()]
        steps = [global_of.get((int(a), int(o)), -1) for a, o in
                 zip(lad.tolist(), rec["order"].tolist(), strict=True)]
        cand.append(pd.DataFrame({"inv": inv[rec["i"].to_numpy()], "step": steps,
                                  "date": rec["date"].to_numpy()}))
    c = pd.concat(cand, ignore_index=True)
    c = c.loc[c["step"].to_numpy() >= 0]
    fee_of_step = np.array([st.fee or "" for _, st in table.steps] + [""], dtype=object)
    c["rule"] = fee_of_step[c["step"].to_numpy()]
    c = c.loc[(c["rule"] != "") & c["rule"].isin(
        [n for n, f in policies.fees.items() if f.annual_percent is None])]
    c = c.sort_values(["inv", "rule", "date", "step"]).drop_duplicates(["inv", "rule"])
    if len(c):
        c["client"] = first.loc[c["inv"], "client"].to_numpy().astype(np.int64)
        c["cur"] = first.loc[c["inv"], "cur"].to_numpy().astype(np.int64)
        c["base"] = open_by_inv.loc[c["inv"]].to_numpy().astype(np.int64)
        c = c.loc[~excluded_client[c["client"].to_numpy()]]
        c["fee_id"] = c["rule"] + ":" + pd.Series(inv_ids[c["inv"].to_numpy()],
                                                  index=c.index).astype(str)
        c = c.loc[~c["fee_id"].isin(invoiced_refs.index)]
        amounts = np.zeros(len(c), dtype=np.int64)
        for name in c["rule"].unique():
            sel = (c["rule"] == name).to_numpy()
            amounts[sel] = step_fee_amounts(policies.fees[name], c["base"].to_numpy()[sel],
                                            c["cur"].to_numpy()[sel], currencies)
        c["amount"] = amounts
        c["kind"] = "step"
        c["days"] = 0
        frames.append(c[cols])

    # interest -----------------------------------------------------------------------------
    for name, fee in sorted(policies.fees.items()):
        if fee.annual_percent is None:
            continue
        dpd = esc["days_past_due"].to_numpy().astype(np.int64)
        sel = ((dpd > fee.grace_days) & ~esc["disputed"].to_numpy().astype(bool)
               & ~excluded_client[esc["client"].to_numpy()])
        lines = esc.loc[sel, ["inv", "client", "cur", "due_date", "open_amount"]].copy()
        if len(lines) == 0:
            continue
        fee_ids = name + ":" + pd.Series(inv_ids[lines["inv"].to_numpy()],
                                         index=lines.index).astype(str)
        since = fee_ids.map(invoiced_refs)
        start = np.where(since.notna(), since.fillna(0).to_numpy().astype(np.int64),
                         lines["due_date"].to_numpy().astype(np.int64))
        lines["days"] = np.maximum(as_of - start, 0)
        lines["weighted"] = lines["open_amount"].to_numpy().astype(np.int64) * lines["days"]
        per_inv = lines.groupby("inv", as_index=False).agg(
            client=("client", "first"), cur=("cur", "first"), weighted=("weighted", "sum"),
            base=("open_amount", "sum"), days=("days", "max"), due=("due_date", "min"))
        num, den = _ratio(fee.annual_percent)
        per_inv["amount"] = _half_up(per_inv["weighted"].to_numpy() * num, den * 100 * 365)
        per_inv = per_inv.loc[per_inv["amount"] > 0]
        per_inv["rule"] = name
        per_inv["kind"] = "interest"
        per_inv["step"] = -1
        per_inv["date"] = per_inv["due"] + fee.grace_days + 1
        frames.append(per_inv[cols])
    if not frames:
        return pd.DataFrame({c: [] for c in cols})
    out = pd.concat(frames, ignore_index=True)
    for col in ("client", "inv", "cur", "date", "amount", "step", "base", "days"):
        out[col] = out[col].astype(np.int64)
    return out.sort_values(["client", "inv", "rule"], kind="stable").reset_index(drop=True)
