"""How each client pays, per client and currency, from settlement dates as of A.

The window holds the invoices whose settlement date lies in (A − window_days, A]. Days to pay
= settlement − issue date; days late = max(0, settlement − due date), the due date being the
invoice's last due line's. Plain averages are means over those invoices; amount-weighted ones
weigh each invoice by its amount. Averages are kept as exact integers in tenths of a day
(rounded half-up), shares as counts over a denominator: the report formats them.

Trends compare the last `trend_days` (recent) with the `trend_days` before them (prior) for
lateness, and with the rest of the window (the client's norm, scaled to the same length) for
order frequency and spend. Whole-array work grouped by (client, currency) codes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .groups import sum_by
from .settlement import NOT_SETTLED

NO_FIGURE = -1  # an average over nothing


def tenths(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den in tenths, rounded half-up (num ≥ 0); NO_FIGURE where den is 0."""
    num = np.asarray(num, dtype=np.int64)
    den = np.asarray(den, dtype=np.int64)
    safe = np.maximum(den, 1)
    out = (20 * num + safe) // (2 * safe)
    return np.where(den > 0, out, NO_FIGURE)


def behaviour(settled: pd.DataFrame, facts: pd.DataFrame, discounts: pd.DataFrame | None,
              discount: np.ndarray, deadline: np.ndarray, as_of: int, window_days: int,
              trend_days: int, n_currencies: int) -> pd.DataFrame:
    """One row per (client, cur) with an invoice issued on or before A.

    `settled` comes from settlement.settlement, `facts` from settlement.payment_facts,
    `discounts` is Allocation.discounts and `discount`/`deadline` terms.discount_offers.

    Columns (counts and sums are ints, *_t are tenths, NO_FIGURE when undefined):
    client, cur, invoices_paid, paid_amount, avg_days_to_pay_t, median_days_to_pay_t,
    avg_days_late_t, weighted_days_late_t, on_time, late, partial_payments,
    rounded_down_payments, discounts_taken, discounts_missed, recent_paid, lateness_recent_t,
    late_days_recent, prior_paid, lateness_prior_t, late_days_prior, lateness_trend_t (the
    exact difference, rounded once), lateness_trend_known, orders_recent, orders_norm, norm_days,
    spend_recent, spend_norm, order_drop_t (tenths of a percent, negative when orders rose),
    spend_drop_t, open_overdue, days_late_incl_open_t, max_days_past_due, last_invoice.
    """
    ncur = max(n_currencies, 1)
    client = settled["client"].to_numpy().astype(np.int64)
    cur = settled["cur"].to_numpy().astype(np.int64)
    key = client * ncur + cur
    n_keys = int(key.max(initial=-1)) + 1
    keys = np.unique(key)
    issue = settled["issue_date"].to_numpy().astype(np.int64)
    due = settled["due_date"].to_numpy().astype(np.int64)
    amount = settled["amount"].to_numpy().astype(np.int64)
    day = settled["settlement_date"].to_numpy().astype(np.int64)
    is_settled = day != NOT_SETTLED
    start = as_of - window_days

    in_window = is_settled & (day > start) & (day <= as_of)
    to_pay = day - issue
    late_days = np.maximum(day - due, 0)
    count = sum_by(key[in_window], np.ones(int(in_window.sum()), np.int64), n_keys)

    def per_key(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return sum_by(key[mask], values[mask], n_keys)

    on_time = per_key((late_days == 0).astype(np.int64), in_window)
    out = pd.DataFrame({"client": keys // ncur, "cur": keys % ncur})
    out["invoices_paid"] = count[keys]
    out["paid_amount"] = per_key(amount, in_window)[keys]
    out["avg_days_to_pay_t"] = tenths(per_key(to_pay, in_window), count)[keys]
    out["median_days_to_pay_t"] = _median_tenths(key[in_window], to_pay[in_window], n_keys)[keys]
    out["avg_days_late_t"] = tenths(per_key(late_days, in_window), count)[keys]
    out["weighted_days_late_t"] = tenths(per_key(amount * late_days, in_window),
                                         per_key(amount, in_window))[keys]
    out["on_time"] = on_time[keys]
    out["late"] = (count - on_time)[keys]

    # payments: partial and rounded down, by payment date in the window
    f_key = (facts["client"].to_numpy().astype(np.int64) * ncur
             + facts["cur"].to_numpy().astype(np.int64))
    f_date = facts["date"].to_numpy().astype(np.int64)
    f_in = (f_date > start) & (f_date <= as_of) & (f_key < n_keys)
    out["partial_payments"] = sum_by(f_key[f_in], facts["partial"].to_numpy()[f_in]
                                     .astype(np.int64), n_keys)[keys]
    out["rounded_down_payments"] = sum_by(f_key[f_in], facts["rounded_down"].to_numpy()[f_in]
                                          .astype(np.int64), n_keys)[keys]

    # early-payment discounts: taken (in the window by the paying document's date) or missed
    # (an offer whose deadline passed in the window without it being taken)
    inv = settled["inv"].to_numpy().astype(np.int64)
    taken = np.zeros(len(discount), dtype=bool)
    if discounts is not None and len(discounts):
        taken[discounts["inv"].to_numpy().astype(np.int64)] = True
    offer = discount[inv] > 0 if len(inv) else np.zeros(0, bool)
    dl = deadline[inv] if len(inv) else np.zeros(0, np.int64)
    # taken: counted in the window when the invoice was settled in it
    out["discounts_taken"] = per_key(taken[inv].astype(np.int64), in_window)[keys] \
        if len(inv) else 0
    missed = offer & ~taken[inv] & (dl > start) & (dl < as_of)
    out["discounts_missed"] = per_key(missed.astype(np.int64), missed)[keys]

    # lateness trend: recent vs prior trend_days, by settlement date
    recent = is_settled & (day > as_of - trend_days) & (day <= as_of)
    prior = is_settled & (day > as_of - 2 * trend_days) & (day <= as_of - trend_days)
    n_recent = per_key(np.ones(len(key), np.int64), recent)
    n_prior = per_key(np.ones(len(key), np.int64), prior)
    sum_recent = per_key(late_days, recent)
    sum_prior = per_key(late_days, prior)
    out["recent_paid"] = n_recent[keys]
    out["lateness_recent_t"] = tenths(sum_recent, n_recent)[keys]
    out["late_days_recent"] = sum_recent[keys]
    out["prior_paid"] = n_prior[keys]
    out["lateness_prior_t"] = tenths(sum_prior, n_prior)[keys]
    out["late_days_prior"] = sum_prior[keys]
    both = (n_recent > 0) & (n_prior > 0)
    # the exact difference of the two averages, rounded once (half away from zero)
    diff_num, diff_den = trend_fraction(sum_recent, n_recent, sum_prior, n_prior)
    out["lateness_trend_t"] = np.where(both, signed_tenths(diff_num, diff_den), 0)[keys]
    out["lateness_trend_known"] = both[keys]

    # orders and spend: the last trend_days against the rest of the window, scaled
    norm_days = max(window_days - trend_days, 0)
    ordered_recent = (issue > as_of - trend_days) & (issue <= as_of)
    ordered_norm = (issue > start) & (issue <= as_of - trend_days)
    o_recent = per_key(np.ones(len(key), np.int64), ordered_recent)
    o_norm = per_key(np.ones(len(key), np.int64), ordered_norm)
    s_recent = per_key(amount, ordered_recent)
    s_norm = per_key(amount, ordered_norm)
    out["orders_recent"] = o_recent[keys]
    out["orders_norm"] = o_norm[keys]
    out["norm_days"] = norm_days
    out["spend_recent"] = s_recent[keys]
    out["spend_norm"] = s_norm[keys]
    out["order_drop_t"] = _drop_tenths(o_recent, o_norm, trend_days, norm_days)[keys]
    out["spend_drop_t"] = _drop_tenths(s_recent, s_norm, trend_days, norm_days)[keys]

    # lateness with what is still open and overdue on A counted too (for risk)
    open_late = ~is_settled & (due < as_of)
    dpd = np.where(open_late, as_of - due, 0)
    n_open_late = per_key(np.ones(len(key), np.int64), open_late)
    out["open_overdue"] = n_open_late[keys]
    out["days_late_incl_open_t"] = tenths(per_key(late_days, in_window) + per_key(dpd, open_late),
                                          count + n_open_late)[keys]
    max_dpd = np.full(n_keys, NO_FIGURE, dtype=np.int64)
    open_now = ~is_settled
    if open_now.any():
        np.maximum.at(max_dpd, key[open_now], as_of - due[open_now])
    out["max_days_past_due"] = max_dpd[keys]
    last = np.full(n_keys, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(last, key, issue)
    out["last_invoice"] = last[keys]
    return out


# The fractions below are per client and currency (a few thousand rows, not per invoice) and
# their products of money by days can pass 2**63 (a spend of 10**18 minor units): they are
# held as exact Python integers (object arrays), and only a shown figure becomes int64.
SHOWN_LIMIT = 10**15  # a shown figure in tenths is clipped to this (a 10**13 % rise)


def _exact(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).astype(object)


def trend_fraction(sum_recent: np.ndarray, n_recent: np.ndarray, sum_prior: np.ndarray,
                   n_prior: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """sum_recent/n_recent − sum_prior/n_prior as an exact fraction (num, den > 0)."""
    n_recent = _exact(n_recent)
    n_prior = _exact(n_prior)
    num = _exact(sum_recent) * n_prior - _exact(sum_prior) * n_recent
    return num, np.maximum(n_recent * n_prior, 1)


def signed_tenths(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den in tenths (den > 0), rounded half away from zero, as int64 (clipped to
    ±SHOWN_LIMIT)."""
    num = np.asarray(num).astype(object)
    den = np.asarray(den).astype(object)
    mag = (20 * np.abs(num) + den) // (2 * den)
    signed = np.where(num < 0, -mag, mag)
    return np.clip(signed, -SHOWN_LIMIT, SHOWN_LIMIT).astype(np.int64)


def drop_fraction(recent: np.ndarray, norm: np.ndarray, recent_days: int, norm_days: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    """How far the recent rate fell below the norm's rate, as an exact fraction of the norm's
    rate (num, den; den 0 when there is no norm): 1 − (recent/recent_days)/(norm/norm_days).
    Exact Python integers (object arrays)."""
    recent = _exact(recent)
    norm = _exact(norm)
    den = norm * recent_days if norm_days > 0 else norm * 0
    return den - recent * norm_days, den


def _median_tenths(key: np.ndarray, values: np.ndarray, n_keys: int) -> np.ndarray:
    """The median of each key's values in tenths (exact: a median of integers is k or k.5)."""
    out = np.full(n_keys, NO_FIGURE, dtype=np.int64)
    if len(key) == 0:
        return out
    order = np.lexsort((values, key))
    k, v = key[order], values[order]
    starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    sizes = np.diff(np.r_[starts, len(k)])
    lo = starts + (sizes - 1) // 2
    hi = starts + sizes // 2
    out[k[starts]] = (v[lo] + v[hi]) * 5
    return out


def _drop_tenths(recent: np.ndarray, norm: np.ndarray, recent_days: int, norm_days: int
                 ) -> np.ndarray:
    """How far the recent rate fell below the norm's rate, in tenths of a percent (negative
    when it rose), the exact fraction rounded once, half away from zero; 0 when there is no
    norm. For display: the signals compare drop_fraction exactly."""
    num, den = drop_fraction(recent, norm, recent_days, norm_days)
    return np.where(den > 0, signed_tenths(100 * num, np.maximum(den, 1)), 0).astype(np.int64)


def seasonality(settled: pd.DataFrame, n_currencies: int) -> pd.DataFrame:
    """Lateness by calendar month of the due date, over every settled invoice.

    Columns: client, cur, month (1-12), invoices, avg_days_late_t.
    """
    ncur = max(n_currencies, 1)
    sel = settled["settlement_date"].to_numpy() != NOT_SETTLED
    client = settled["client"].to_numpy().astype(np.int64)[sel]
    cur = settled["cur"].to_numpy().astype(np.int64)[sel]
    due = settled["due_date"].to_numpy().astype(np.int64)[sel]
    late = np.maximum(settled["settlement_date"].to_numpy().astype(np.int64)[sel] - due, 0)
    month = (due.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12) + 1
    key = (client * ncur + cur) * 12 + (month - 1)
    n = int(key.max(initial=-1)) + 1
    counts = sum_by(key, np.ones(len(key), np.int64), n)
    sums = sum_by(key, late, n)
    keys = np.flatnonzero(counts)
    return pd.DataFrame({
        "client": keys // 12 // ncur, "cur": keys // 12 % ncur, "month": keys % 12 + 1,
        "invoices": counts[keys], "avg_days_late_t": tenths(sums[keys], counts[keys]),
    })
