"""Early-warning signals, the risk score and risk tiers, per client and currency.

Each signal of risk.yaml fires on figures from the behaviour table (or the payments, the
contact log and the credit limit); a fired signal adds its weight to the score. The score is
the fired weights plus a lateness component (points per day of average lateness, open overdue
invoices included, capped), at most 100. The tier is the first band whose `upto` holds the
tier's figure (days late or score). Everything is integers: days and percents in tenths.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from ..ledger.dates import NO_DATE
from ..policy.model import RiskPolicy, Signal
from .behaviour import NO_FIGURE, drop_fraction, trend_fraction
from .groups import sum_by


def _tenths_of(value: Decimal) -> tuple[int, int]:
    """value × 10 as an exact fraction (num, den)."""
    num, den = (value * 10).as_integer_ratio()
    return num, den


def broken_promises(contacts: pd.DataFrame, settled: pd.DataFrame, as_of: int,
                    invoice_ids: np.ndarray | None = None) -> pd.DataFrame:
    """Promises to pay whose date passed before A with a covered invoice still unpaid on it.

    A contacts.csv row with outcome `promise` and a promise_date covers its invoice (without
    invoice_id: every invoice of the client issued by the contact date and due by the promise
    date). It is broken when a covered invoice's settlement date is after the promise date.
    Columns: client, cur, promise_date, contact (row in contacts), inv (a covered invoice
    left unpaid: the earliest due, ties by invoice id). Rows by client, currency, contact
    date and promise date, so the order of the ledger's rows does not matter.
    `invoice_ids`: per invoice row, its id (for the tie-break; row order without it).
    """
    cols = ["client", "cur", "promise_date", "contact", "inv"]
    c = contacts
    pdate = c["promise_date"].to_numpy().astype(np.int64)
    sel = ((c["outcome"].fillna("").astype(str).to_numpy() == "promise") & (pdate != NO_DATE)
           & (c["date"].to_numpy() <= as_of) & (pdate < as_of))
    if not sel.any() or len(settled) == 0:
        return pd.DataFrame({k: np.zeros(0, np.int64) for k in cols})
    p = pd.DataFrame({"contact": np.flatnonzero(sel),
                      "client": c["client"].to_numpy()[sel].astype(np.int64),
                      "date": c["date"].to_numpy()[sel].astype(np.int64),
                      "promise_date": pdate[sel], "inv": c["inv"].to_numpy()[sel]})
    s = settled[["inv", "client", "cur", "issue_date", "due_date", "settlement_date"]]
    named = p.loc[p["inv"] >= 0].merge(s.drop(columns="client"), on="inv")
    whole = p.loc[p["inv"] < 0].drop(columns="inv").merge(s, on="client")
    whole = whole.loc[(whole["issue_date"] <= whole["date"])
                      & (whole["due_date"] <= whole["promise_date"])]
    both = pd.concat([named, whole], ignore_index=True)
    # an open invoice's settlement date is NOT_SETTLED, after every promise date
    broken = both.loc[both["settlement_date"].to_numpy().astype(np.int64)
                      > both["promise_date"].to_numpy()]
    # one row per promise and currency: the earliest-due covered invoice left unpaid
    inv = broken["inv"].to_numpy().astype(np.int64)
    broken = broken.assign(iid=invoice_ids[inv].astype(str) if invoice_ids is not None
                           else inv)
    broken = broken.sort_values(["contact", "cur", "due_date", "iid"], kind="stable")
    broken = broken.drop_duplicates(["contact", "cur"])
    broken = broken.sort_values(["client", "cur", "date", "promise_date", "iid"], kind="stable")
    return broken[cols].reset_index(drop=True).astype(np.int64)


def risk(beh: pd.DataFrame, facts: pd.DataFrame, promises: pd.DataFrame,
         clients: pd.DataFrame, balance: np.ndarray, policy: RiskPolicy, as_of: int,
         n_currencies: int) -> pd.DataFrame:
    """Signals, score and tier for each row of the behaviour table.

    `balance`: per (client × n_currencies + cur) key, the open total on A.
    Columns: client, cur, then per signal i `fired_i` (bool) and `value_i` (its figure: tenths
    of a day for lateness_trend, a count for partial/rounded payments and broken promises,
    tenths of a percent for drops and credit-limit usage), `lateness_points`, `signal_points`,
    `score` (0-100), `tier` (band index), `tier_value` (the figure banded: tenths of a day or
    score points), `warning` (some signal fired and the oldest open item is at most
    early_warning_days past due), `credit_balance` and `credit_limit` (the open balance on
    A and the client's credit limit in this currency, -1 when none).
    """
    ncur = max(n_currencies, 1)
    out = beh[["client", "cur"]].copy()
    client = beh["client"].to_numpy().astype(np.int64)
    cur = beh["cur"].to_numpy().astype(np.int64)
    key = client * ncur + cur
    n_keys = int(max(key.max(initial=-1), len(balance) - 1)) + 1
    signal_points = np.zeros(len(beh), dtype=np.int64)
    for i, sig in enumerate(policy.signals):
        fired, value = _signal(sig, beh, facts, promises, clients, balance, key, n_keys,
                               ncur, as_of, policy.trend_days)
        out[f"fired_{i}"] = fired
        out[f"value_{i}"] = value
        signal_points += np.where(fired, sig.weight, 0)
    days_t = beh["days_late_incl_open_t"].to_numpy().astype(np.int64)
    days_t = np.where(days_t == NO_FIGURE, 0, days_t)
    num, den = policy.points_per_day_late.as_integer_ratio()
    lateness_points = np.minimum((2 * days_t * num + 10 * den) // (20 * den),
                                 policy.max_lateness_points)
    score = np.minimum(lateness_points + signal_points, 100)
    out["lateness_points"] = lateness_points
    out["signal_points"] = signal_points
    out["score"] = score
    figure_t = days_t if policy.tiers_by == "days_late" else score * 10
    tier = np.full(len(beh), len(policy.bands) - 1, dtype=np.int64)
    for b in range(len(policy.bands) - 2, -1, -1):
        upto = policy.bands[b].upto
        assert upto is not None
        u_num, u_den = _tenths_of(upto)
        tier = np.where(figure_t * u_den <= u_num, b, tier)
    out["tier"] = tier
    out["tier_value"] = days_t if policy.tiers_by == "days_late" else score
    any_fired = np.zeros(len(beh), dtype=bool)
    for i in range(len(policy.signals)):
        any_fired |= out[f"fired_{i}"].to_numpy()
    max_dpd = beh["max_days_past_due"].to_numpy()
    out["warning"] = any_fired & (max_dpd <= policy.early_warning_days)
    own, bal, limit = credit_figures(beh, clients, balance, key)
    out["credit_balance"] = bal
    out["credit_limit"] = np.where(own, limit, -1)
    return out


def credit_figures(beh: pd.DataFrame, clients: pd.DataFrame, balance: np.ndarray,
                   key: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per behaviour row: whether the client has a credit limit in this row's currency, the
    open balance on A and the limit (minor units; -1 when the client has none)."""
    client = beh["client"].to_numpy().astype(np.int64)
    ccur = clients["cur"].to_numpy().astype(np.int64)[client]
    limit = clients["credit_limit"].fillna(-1).to_numpy(dtype=np.int64)[client]
    own = (beh["cur"].to_numpy().astype(np.int64) == ccur) & (limit > 0)
    bal = balance[np.minimum(key, len(balance) - 1)] if len(balance) else \
        np.zeros(len(beh), np.int64)
    bal = np.where(key < len(balance), bal, 0)
    return own, bal, limit


def _signal(sig: Signal, beh: pd.DataFrame, facts: pd.DataFrame, promises: pd.DataFrame,
            clients: pd.DataFrame, balance: np.ndarray, key: np.ndarray, n_keys: int,
            ncur: int, as_of: int, trend_days: int) -> tuple[np.ndarray, np.ndarray]:
    n = len(beh)
    if sig.when == "lateness_trend":
        value = beh["lateness_trend_t"].to_numpy().astype(np.int64)
        known = beh["lateness_trend_known"].to_numpy().astype(bool)
        # the exact difference of the two averages > above_days
        t_num, t_den = trend_fraction(
            beh["late_days_recent"].to_numpy(), beh["recent_paid"].to_numpy(),
            beh["late_days_prior"].to_numpy(), beh["prior_paid"].to_numpy())
        return (known & (t_num > int(sig.above_days or 0) * t_den)).astype(bool), value
    if sig.when in ("partial_payments", "rounded_down_payments"):
        column = "partial" if sig.when == "partial_payments" else "rounded_down"
        f_key = (facts["client"].to_numpy().astype(np.int64) * ncur
                 + facts["cur"].to_numpy().astype(np.int64))
        f_date = facts["date"].to_numpy().astype(np.int64)
        within = int(sig.within_days or 0)
        sel = (facts[column].to_numpy().astype(bool) & (f_date > as_of - within)
               & (f_date <= as_of) & (f_key < n_keys))
        counts = sum_by(f_key[sel], np.ones(int(sel.sum()), np.int64), n_keys)[key]
        return counts >= int(sig.at_least or 1), counts
    if sig.when in ("order_frequency_drop", "spend_drop"):
        column = "order_drop_t" if sig.when == "order_frequency_drop" else "spend_drop_t"
        value = beh[column].to_numpy().astype(np.int64)
        enough = beh["orders_norm"].to_numpy() >= int(sig.min_orders or 1)
        prefix = "orders" if sig.when == "order_frequency_drop" else "spend"
        d_num, d_den = drop_fraction(beh[f"{prefix}_recent"].to_numpy(),
                                     beh[f"{prefix}_norm"].to_numpy(), trend_days,
                                     int(beh["norm_days"].iat[0]) if n else 0)
        num, den = (sig.above_percent or Decimal(0)).as_integer_ratio()
        # fell by more than above_percent of the norm, exactly
        return (enough & (d_den > 0) & (d_num * 100 * den > num * d_den)).astype(bool), value
    if sig.when == "credit_limit_usage":
        own, bal, limit = credit_figures(beh, clients, balance, key)
        big_bal, big_limit = bal.astype(object), limit.astype(object)  # exact past 2**63
        safe = np.maximum(big_limit, 1)
        usage_t = np.clip(np.where(own, (2000 * big_bal + safe) // (2 * safe), 0), 0,
                          10**15).astype(np.int64)  # tenths of a percent
        num, den = (sig.above_percent or Decimal(0)).as_integer_ratio()
        # balance / limit × 100 > above_percent, exactly
        return (own & (big_bal * 100 * den > num * big_limit)).astype(bool), usage_t
    if sig.when == "broken_promise":
        within = int(sig.within_days or 0)
        p_key = (promises["client"].to_numpy().astype(np.int64) * ncur
                 + promises["cur"].to_numpy().astype(np.int64))
        p_date = promises["promise_date"].to_numpy().astype(np.int64)
        sel = (p_date >= as_of - within) & (p_key < n_keys)
        counts = sum_by(p_key[sel], np.ones(int(sel.sum()), np.int64), n_keys)[key]
        return counts > 0, counts
    raise ValueError(f"unknown signal kind {sig.when!r}")  # the schema allows no other


def client_tiers(table: pd.DataFrame, n_clients: int) -> np.ndarray:
    """Per client code: its highest (riskiest) tier over its currencies, -1 when none."""
    out = np.full(n_clients, -1, dtype=np.int64)
    if len(table):
        np.maximum.at(out, table["client"].to_numpy().astype(np.int64),
                      table["tier"].to_numpy().astype(np.int64))
    return out
