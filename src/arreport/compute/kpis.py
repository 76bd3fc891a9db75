"""Finance KPIs per currency at a date (DSO, best possible DSO, ADD, CEI, bad debt) and their
monthly history.

Every figure is per currency code `cur`, from the project's own allocation as of the date D
(`allocation.allocate` over the documents dated ≤ D and the invoices issued ≤ D), so the open
amount of a history point is exactly what a report as of that date shows. Sums are int minor
units; ratios are `decimal.Decimal` rounded half-up to one decimal (computed from integers and
fractions, never floats), None where undefined.

Methods:

- Period of a date D: (P, D], where P is the previous date of the history; for the first date
  (and for a single snapshot) P is the last day of the month before D's month. `sales` are the
  amounts of invoices issued in the period, `collections` the payments and credit notes dated in
  it (discounts taken are not collections).
- `open`: the open amount of every due line as of D. `current`: open on due lines with
  D − due date ≤ 0; `overdue` = open − current. `disputed`: open on invoices with a dispute open
  on D (opened ≤ D, not resolved by D).
- Bad debt: open due lines more than `bad_debt_days` (default 90) past due (D − due date >
  bad_debt_days) on invoices without a dispute open on D; `bad_debt_count` counts due lines,
  `bad_debt_amount` sums their open amounts.
- DSO, countback: AR = open on D. Walk back month by month, starting with D's own month from its
  first day to D (days = D's day of the month, sales = invoiced in that part month), then each
  previous full calendar month (days = its length, sales = its invoiced total). While AR ≥ that
  month's sales, add its days and subtract its sales (a month without sales adds its full days);
  otherwise add AR / sales × days and stop. The walk also stops when AR reaches exactly 0, and
  after 24 months (D's part month included): AR larger than all those sales gives the days of
  those 24 months. AR = 0 gives 0.
- Best possible DSO: the same countback applied to the current receivables only.
- Average days delinquent: add = dso − best_dso, the difference of the two rounded figures (so
  the three figures shown always add up).
- Collection effectiveness index: cei = (open_P + sales − open_D) / (open_P + sales − current_D)
  × 100, with open_P the open amount as of P (computed by an allocation as of P for the first
  date); None when the denominator is 0.
- Current share: current_share = current / open × 100; None when open is 0.

A currency gets a row for D only when it has an invoice issued ≤ D.

Scale: due lines and discount offers are computed once by the caller; here the invoices are put
once in issue-date order (and their due lines and the documents with them), so each date's
allocation gets a prefix of the lines and of the date-sorted documents instead of filtering
everything again. The allocation itself is the project's `allocate`, unchanged; the ordering of
rows does not affect its results (its sorts break every tie by invoice and document ids).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from ..ledger.dates import NO_DATE, from_day, to_day
from .aging import open_disputes
from .allocation import allocate, documents
from .groups import sum_by

KPI_COLUMNS = ("date", "cur", "sales", "collections", "open", "current", "overdue", "disputed",
               "dso", "best_dso", "add", "cei", "current_share", "bad_debt_count",
               "bad_debt_amount")
COUNTBACK_MONTHS = 24
BAD_DEBT_DAYS = 90


# ---------------------------------------------------------------------------- calendar


def month_start(day: int) -> int:
    """The first day of the month of `day`."""
    return to_day(from_day(day).replace(day=1))


def month_end(day: int) -> int:
    """The last day of the month of `day`."""
    d = from_day(day)
    following = dt.date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return to_day(following) - 1


def history_dates(first_day: int, as_of: int, months: int = 24) -> list[int]:
    """Month ends from the month of `first_day` to the month before A's, the last `months` − 1
    of them, then A itself; ascending. With no earlier month (or `first_day` NO_DATE) just [A].
    """
    if months < 1:
        raise ValueError(f"months must be at least 1, not {months}")
    ends: list[int] = []
    if first_day != NO_DATE and first_day <= as_of:
        end = month_start(as_of) - 1
        while end >= first_day and len(ends) < months - 1:
            ends.append(end)
            end = month_start(end) - 1
    return sorted(ends) + [as_of]


def _countback_months(day: int, count: int = COUNTBACK_MONTHS) -> list[tuple[int, int, int]]:
    """(first day, last day, days) of D's part month and the `count` − 1 full months before."""
    start = month_start(day)
    months = [(start, day, day - start + 1)]
    while len(months) < count:
        end = months[-1][0] - 1
        first = month_start(end)
        months.append((first, end, end - first + 1))
    return months


# ---------------------------------------------------------------------------- arithmetic


def countback(receivable: int, months: Sequence[tuple[int, int]]) -> Fraction:
    """Days of sales in `receivable` by the countback method: `months` are (days, sales) pairs,
    the as-of date's (part) month first, then earlier months; the list's length is the cap."""
    if receivable <= 0:
        return Fraction(0)
    left = receivable
    days = Fraction(0)
    for month_days, sales in months:
        if left >= sales:
            days += month_days
            left -= sales
            if left == 0:
                break
        else:
            days += Fraction(left * month_days, sales)
            break
    return days


def round_tenth(value: Fraction) -> Decimal:
    """`value` rounded half-up (away from zero) to one decimal, exactly."""
    tenths = value * 10
    whole, rest = divmod(abs(tenths.numerator), tenths.denominator)
    if 2 * rest >= tenths.denominator:
        whole += 1
    return Decimal(-whole if tenths < 0 else whole).scaleb(-1)


def percent(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator × 100, rounded half-up to one decimal; None when dividing by 0."""
    if denominator == 0:
        return None
    return round_tenth(Fraction(100 * numerator, denominator))


# ---------------------------------------------------------------------------- running totals


class _Running:
    """Per currency: amounts by date as a running sum, to total any period (a, b] exactly."""

    def __init__(self, cur: np.ndarray, day: np.ndarray, amount: np.ndarray, ncur: int) -> None:
        cur = np.asarray(cur, dtype=np.int64)
        day = np.asarray(day, dtype=np.int64)
        amount = np.asarray(amount, dtype=np.int64)
        order = np.lexsort((day, cur))
        cur, day, amount = cur[order], day[order], amount[order]
        self.days: list[np.ndarray] = []
        self.sums: list[np.ndarray] = []
        bounds = np.searchsorted(cur, np.arange(ncur + 1))
        for k in range(ncur):
            lo, hi = int(bounds[k]), int(bounds[k + 1])
            self.days.append(day[lo:hi])
            self.sums.append(np.r_[np.int64(0), np.cumsum(amount[lo:hi], dtype=np.int64)])

    def through(self, cur: int, day: int) -> int:
        """The total dated on or before `day`."""
        return int(self.sums[cur][np.searchsorted(self.days[cur], day, side="right")])

    def count_through(self, cur: int, day: int) -> int:
        return int(np.searchsorted(self.days[cur], day, side="right"))

    def between(self, cur: int, after: int, through: int) -> int:
        """The total dated in (after, through]."""
        return self.through(cur, through) - self.through(cur, after)


# ---------------------------------------------------------------------------- allocation per date


@dataclass(frozen=True)
class _State:
    """Per currency code, as of one date: open, current, disputed and bad-debt figures."""

    open: np.ndarray
    current: np.ndarray
    disputed: np.ndarray
    bad_count: np.ndarray
    bad_amount: np.ndarray


class _Scope:
    """The inputs of `allocate`, ordered once so that each date takes prefixes.

    Invoices are reordered by issue date (stable); their due lines follow them, still grouped by
    invoice in line order as `allocate` requires; documents are sorted by date; every `inv`
    reference is renumbered to the new invoice rows.
    """

    def __init__(self, invoices: pd.DataFrame, lines: pd.DataFrame, payments: pd.DataFrame,
                 credit_notes: pd.DataFrame, disputes: pd.DataFrame,
                 discount: np.ndarray | None, deadline: np.ndarray | None, n_currencies: int,
                 last_day: int, bad_debt_days: int) -> None:
        self.ncur = max(n_currencies, 1)
        self.bad_debt_days = bad_debt_days
        issue = invoices["issue_date"].to_numpy().astype(np.int64)
        order = np.argsort(issue, kind="stable")
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order), dtype=np.int64)
        self.issue = issue[order]
        self.invoices = pd.DataFrame({
            "invoice_id": invoices["invoice_id"].take(order).reset_index(drop=True),
            "client": invoices["client"].to_numpy()[order],
            "cur": invoices["cur"].to_numpy()[order],
            "issue_date": invoices["issue_date"].to_numpy()[order],
            "amount": invoices["amount"].to_numpy()[order],
        })
        self.discount = None if discount is None else np.asarray(discount)[order]
        self.deadline = None if deadline is None else np.asarray(deadline)[order]

        line_inv = rank[lines["inv"].to_numpy().astype(np.int64)]
        line_order = np.argsort(line_inv, kind="stable")
        self.line_inv = line_inv[line_order]
        self.lines = pd.DataFrame({
            "inv": self.line_inv,
            "line": lines["line"].to_numpy()[line_order],
            "due_date": lines["due_date"].to_numpy()[line_order],
            "amount": lines["amount"].to_numpy()[line_order],
        })

        docs = documents(payments, credit_notes, last_day)
        docs["inv"] = _renumber(docs["inv"].to_numpy(), rank)
        doc_order = np.argsort(docs["date"].to_numpy(), kind="stable")
        self.docs = docs.take(doc_order).reset_index(drop=True)
        self.doc_date = self.docs["date"].to_numpy().astype(np.int64)

        self.disputes = (disputes.assign(inv=_renumber(disputes["inv"].to_numpy(), rank))
                         if len(disputes) and "inv" in disputes else disputes)

    def state(self, day: int) -> _State:
        """Allocate as of `day` and total its due lines per currency."""
        n_inv = int(np.searchsorted(self.issue, day, side="right"))
        n_lines = int(np.searchsorted(self.line_inv, n_inv, side="left"))
        n_docs = int(np.searchsorted(self.doc_date, day, side="right"))
        alloc = allocate(self.invoices, self.lines.iloc[:n_lines], self.docs.iloc[:n_docs], day,
                         self.ncur, self.discount, self.deadline)
        lines = alloc.lines
        cur = lines["cur"].to_numpy().astype(np.int64)
        open_amount = lines["open_amount"].to_numpy().astype(np.int64)
        past_due = day - lines["due_date"].to_numpy().astype(np.int64)
        disputed = open_disputes(self.disputes, len(self.issue), day)
        line_disputed = disputed[lines["inv"].to_numpy()] if len(lines) else np.zeros(0, bool)
        bad = (open_amount > 0) & (past_due > self.bad_debt_days) & ~line_disputed
        n = self.ncur
        return _State(
            open=sum_by(cur, open_amount, n),
            current=sum_by(cur[past_due <= 0], open_amount[past_due <= 0], n),
            disputed=sum_by(cur[line_disputed], open_amount[line_disputed], n),
            bad_count=sum_by(cur[bad], np.ones(int(bad.sum()), dtype=np.int64), n),
            bad_amount=sum_by(cur[bad], open_amount[bad], n),
        )


def _renumber(inv: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Invoice row references (−1: none) renumbered to the reordered invoice rows."""
    inv = np.asarray(inv, dtype=np.int64)
    if len(rank) == 0:
        return inv
    return np.where(inv >= 0, rank[np.maximum(inv, 0)], inv)


# ---------------------------------------------------------------------------- KPIs


def kpi_history(invoices: pd.DataFrame, lines: pd.DataFrame, payments: pd.DataFrame,
                credit_notes: pd.DataFrame, disputes: pd.DataFrame,
                discount: np.ndarray | None, deadline: np.ndarray | None, n_currencies: int,
                dates: Sequence[int], bad_debt_days: int = BAD_DEBT_DAYS) -> pd.DataFrame:
    """The KPIs for each date (strictly increasing day numbers) and currency code.

    `invoices`, `payments`, `credit_notes` and `disputes` are the ledger's frames, `lines` from
    terms.due_lines and `discount`/`deadline` from terms.discount_offers. One row per date and
    currency with an invoice issued ≤ that date, sorted by (date, cur); columns KPI_COLUMNS
    (see the module docstring): ints, and Decimal or None for dso, best_dso, add, cei and
    current_share.
    """
    days = [int(d) for d in dates]
    if any(b <= a for a, b in zip(days, days[1:], strict=False)):
        raise ValueError("kpi_history: dates must be strictly increasing")
    if not days:
        return _frame([])
    ncur = max(n_currencies, 1)
    scope = _Scope(invoices, lines, payments, credit_notes, disputes, discount, deadline,
                   ncur, days[-1], bad_debt_days)
    sales = _Running(invoices["cur"].to_numpy(), invoices["issue_date"].to_numpy(),
                     invoices["amount"].to_numpy(), ncur)
    docs = scope.docs
    collected = _Running(docs["cur"].to_numpy(), docs["date"].to_numpy(),
                         docs["amount"].to_numpy(), ncur)

    previous_day = month_start(days[0]) - 1
    previous = scope.state(previous_day)
    rows: list[dict[str, object]] = []
    for day in days:
        now = scope.state(day)
        months = _countback_months(day)
        for cur in range(ncur):
            if sales.count_through(cur, day) == 0:
                continue
            month_sales = [(length, sales.between(cur, first - 1, last))
                           for first, last, length in months]
            open_now = int(now.open[cur])
            current = int(now.current[cur])
            period_sales = sales.between(cur, previous_day, day)
            dso = round_tenth(countback(open_now, month_sales))
            best = round_tenth(countback(current, month_sales))
            opening = int(previous.open[cur])
            rows.append({
                "date": day, "cur": cur, "sales": period_sales,
                "collections": collected.between(cur, previous_day, day),
                "open": open_now, "current": current, "overdue": open_now - current,
                "disputed": int(now.disputed[cur]),
                "dso": dso, "best_dso": best, "add": dso - best,
                "cei": percent(opening + period_sales - open_now,
                               opening + period_sales - current),
                "current_share": percent(current, open_now),
                "bad_debt_count": int(now.bad_count[cur]),
                "bad_debt_amount": int(now.bad_amount[cur]),
            })
        previous_day, previous = day, now
    return _frame(rows)


def kpi_snapshot(invoices: pd.DataFrame, lines: pd.DataFrame, payments: pd.DataFrame,
                 credit_notes: pd.DataFrame, disputes: pd.DataFrame,
                 discount: np.ndarray | None, deadline: np.ndarray | None, n_currencies: int,
                 as_of: int, bad_debt_days: int = BAD_DEBT_DAYS) -> pd.DataFrame:
    """The KPIs as of one date; its period (sales, collections, CEI) runs from the last day of
    the previous month to A. Same columns as kpi_history."""
    return kpi_history(invoices, lines, payments, credit_notes, disputes, discount, deadline,
                       n_currencies, [as_of], bad_debt_days)


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=list(KPI_COLUMNS))
    ints = [c for c in KPI_COLUMNS
            if c not in ("dso", "best_dso", "add", "cei", "current_share")]
    out[ints] = out[ints].astype(np.int64)
    for col in ("dso", "best_dso", "add", "cei", "current_share"):
        out[col] = out[col].astype(object)
    return out


__all__ = ["BAD_DEBT_DAYS", "COUNTBACK_MONTHS", "KPI_COLUMNS", "countback", "history_dates",
           "kpi_history", "kpi_snapshot", "month_end", "month_start", "percent", "round_tenth"]
