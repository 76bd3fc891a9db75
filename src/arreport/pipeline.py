"""The whole run as a readable recipe: load → validate → compute. Rendering happens elsewhere."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from . import money
from .compute.aging import aging_table, open_disputes, open_items
from .compute.allocation import (
    POOL_REASON_TEXT,
    POOL_REASONS,
    Allocation,
    allocate,
    documents,
    reconciliation_failures,
)
from .compute.behaviour import behaviour, seasonality
from .compute.escalation import actions, escalate, holds, plan_status
from .compute.fees import fees_due
from .compute.groups import sum_by
from .compute.kpis import history_dates, kpi_history
from .compute.loyalty import loyalty_tiers
from .compute.risk import broken_promises, client_tiers, risk
from .compute.settlement import RoundedDown, payment_facts, settlement
from .compute.terms import discount_offers, due_lines, unknown_segments
from .diagnostics import Diagnostic, InputError, did_you_mean, errors
from .ledger.build import MAX_SHOWN, Ledger, load_ledger
from .ledger.dates import to_day
from .policy.load import load_policies
from .policy.model import Policies


class ReconciliationError(Exception):
    """invoiced − paid − credited ≠ open − unapplied credit somewhere: a bug, never input."""


@dataclass
class Report:
    """Everything computed for one as-of date; the view layer reads only this."""

    as_of: dt.date
    ledger: Ledger
    policies: Policies
    currencies: list[str]
    allocation: Allocation
    items: pd.DataFrame  # open due lines with days_past_due, bucket, disputed
    aging: pd.DataFrame  # client × bucket per currency, minor units
    escalated: pd.DataFrame  # items + ladder, paused, step, recorded, action, balance
    actions: pd.DataFrame  # one row per invoice and step due today
    holds: pd.DataFrame  # clients on hold and why
    fees: pd.DataFrame  # fees and interest due on A, not yet invoiced
    plans: pd.DataFrame  # payment plans started by A: due, paid, broken, covers
    settled: pd.DataFrame  # per invoice issued by A: final due date, open, settlement date
    facts: pd.DataFrame  # per payment: partial, rounded down
    behaviour: pd.DataFrame  # per client and currency: how it pays (behaviour.behaviour)
    seasonality: pd.DataFrame  # per client, currency and month: lateness
    risk: pd.DataFrame  # per behaviour row: signals, score, tier (risk.risk)
    promises: pd.DataFrame  # broken promises to pay
    loyalty: pd.DataFrame  # per behaviour row: tier, previous tier, figures
    previous_day: int  # the month end the loyalty tiers are compared with
    offers: pd.DataFrame  # early-payment discounts still open to take on A
    kpis: pd.DataFrame  # per month end (up to 24) and A, per currency: DSO, CEI, ... (kpis.py)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def bucket_labels(self) -> tuple[str, ...]:
        return self.policies.aging.labels


def load_inputs(ledger_dir: Path, policies_dir: Path) -> tuple[Ledger, Policies, list[Diagnostic]]:
    """Read and validate policies, then the ledger; raise InputError with every problem."""
    policies, pdiags = load_policies(policies_dir)
    if policies is None:
        raise InputError(pdiags)
    if not money.is_known_currency(policies.currency):
        raise InputError(pdiags + [Diagnostic(
            "error", str(policies_dir / "terms.yaml"), None, None, "currency",
            f"'{policies.currency}' is not a known currency code")])
    ledger, ldiags = load_ledger(ledger_dir, policies.currency, policies.terms.keys())
    if ledger is None or errors(ldiags):
        raise InputError(pdiags + ldiags)
    return ledger, policies, pdiags + ldiags + _segment_warnings(ledger, policies)


def _segment_warnings(ledger: Ledger, policies: Policies) -> list[Diagnostic]:
    """A client whose segment segments.yaml does not define: it gets the default, warned."""
    raw = ledger.sources.get("clients")
    if raw is None:
        return []
    out = []
    segments = raw.column("segment").to_pylist()
    for seg in unknown_segments(ledger.clients, policies):
        rows = [i for i, v in enumerate(segments) if v == seg]
        hint = did_you_mean(seg, policies.segments)
        out.append(Diagnostic(
            "warning", raw.display, raw.lines.line(rows[0]) if rows else None, "segment",
            "segment", f"segment '{seg}' is not in segments.yaml ({len(rows)} client(s)); "
            "they get the default terms and ladder", hint))
    return out


def compute(ledger: Ledger, policies: Policies, as_of: dt.date,
            diagnostics: list[Diagnostic] | None = None) -> Report:
    """Allocation, aging and the reconciliation gate for one as-of date. Pure: no I/O."""
    day = to_day(as_of)
    currencies: list[str] = list(getattr(ledger, "currencies", [policies.currency]))
    lines = due_lines(ledger.invoices, ledger.clients, policies)
    docs = documents(ledger.payments, ledger.credit_notes, day)
    discount, deadline = discount_offers(ledger.invoices, ledger.clients, policies)
    alloc = allocate(ledger.invoices, lines, docs, day, len(currencies), discount, deadline)
    bad = reconciliation_failures(alloc)
    if len(bad):
        raise ReconciliationError(
            "allocation does not reconcile for "
            + ", ".join(f"{ledger.clients['client_id'].iat[int(c)]}/{currencies[int(k)]}"
                        for c, k in zip(bad["client"].head(10), bad["cur"].head(10),
                                        strict=True)))
    disputed = open_disputes(ledger.disputes, len(ledger.invoices), day)
    items = open_items(alloc.lines, disputed, day, policies.aging)
    items["invoice_id"] = ledger.invoices["invoice_id"].iloc[items["inv"].to_numpy()].to_numpy(
        dtype=object)
    table = aging_table(items, alloc.groups, len(currencies), policies.aging)

    # how each client pays, its risk, and the ladder its risk tier selects
    ncur = max(len(currencies), 1)
    rp = policies.risk
    rounded = RoundedDown(rp.round_units, rp.max_shortfall_percent)
    settled = settlement(alloc, ledger.invoices, ncur)
    facts = payment_facts(alloc, ledger.invoices, ncur, currencies, rounded)
    beh = behaviour(settled, facts, alloc.discounts, discount, deadline, day, rp.window_days,
                    rp.trend_days, ncur)
    promises = broken_promises(ledger.contacts, settled, day,
                               ledger.invoices["invoice_id"].to_numpy(dtype=object))
    g = alloc.groups
    balance = sum_by(g["client"].to_numpy().astype(np.int64) * ncur + g["cur"].to_numpy(),
                     g["open"].to_numpy(), len(ledger.clients) * ncur)
    risk_table = risk(beh, facts, promises, ledger.clients, balance, rp, day, ncur)
    ledger = replace(ledger, clients=ledger.clients.assign(
        risk_tier=client_tiers(risk_table, len(ledger.clients))))

    escalated = escalate(items, ledger.invoices, ledger.clients, ledger.contacts, ledger.plans,
                         ledger.payments, policies, currencies, day)
    diags = list(diagnostics or []) + _pool_warnings(ledger, alloc, currencies)
    todays = actions(escalated, policies)
    previous = _previous_month_end(day)
    return Report(as_of=as_of, ledger=ledger, policies=policies, currencies=currencies,
                  allocation=alloc, items=items, aging=table, escalated=escalated,
                  actions=todays,
                  holds=holds(escalated, ledger.clients, policies, currencies),
                  fees=fees_due(escalated, todays, ledger.invoices, ledger.clients,
                                ledger.contacts, policies, currencies, day, alloc.lines),
                  plans=plan_status(ledger.plans, ledger.payments, ledger.invoices, day),
                  settled=settled, facts=facts, behaviour=beh,
                  seasonality=seasonality(settled, ncur), risk=risk_table, promises=promises,
                  loyalty=_loyalty(beh, settled, ledger, policies, lines, discount, deadline, day,
                                   previous, currencies, facts),
                  previous_day=previous,
                  offers=_offers(items, discount, deadline, alloc.discounts, day),
                  kpis=_kpis(ledger, lines, discount, deadline, day, ncur,
                             policies.risk.bad_debt_days),
                  diagnostics=diags)


def _kpis(ledger: Ledger, lines: pd.DataFrame, discount: np.ndarray, deadline: np.ndarray,
          day: int, ncur: int, bad_debt_days: int) -> pd.DataFrame:
    """The KPIs as of each month end over the ledger's span (up to 24 points) and A."""
    issued = ledger.invoices["issue_date"].to_numpy()
    first = int(issued.min()) if len(issued) else day
    return kpi_history(ledger.invoices, lines, ledger.payments, ledger.credit_notes,
                       ledger.disputes, discount, deadline, ncur,
                       history_dates(first, day), bad_debt_days)


def _previous_month_end(day: int) -> int:
    """The last day of the month before the month of `day`."""
    month = np.datetime64(int(day), "D").astype("datetime64[M]")
    return int(month.astype("datetime64[D]").astype(np.int64)) - 1


def _loyalty(beh: pd.DataFrame, settled: pd.DataFrame, ledger: Ledger, policies: Policies,
             lines: pd.DataFrame, discount: np.ndarray, deadline: np.ndarray, day: int,
             previous: int, currencies: list[str], facts: pd.DataFrame) -> pd.DataFrame:
    """Loyalty tier per (client, cur) on A and at the previous month end, with the figures.

    Columns: client, cur, invoices_paid, on_time, tier, previous_tier, previous_paid,
    previous_on_time (the previous figures -1 where the client had no row then).
    """
    ncur = max(len(currencies), 1)
    window = policies.loyalty.window_days
    rp = policies.risk
    now = beh if window == rp.window_days else behaviour(
        settled, facts, None, discount, deadline, day, window, rp.trend_days, ncur)
    before_alloc = allocate(ledger.invoices, lines,
                            documents(ledger.payments, ledger.credit_notes, previous), previous,
                            ncur, discount, deadline)
    then = behaviour(settlement(before_alloc, ledger.invoices, ncur), facts, None, discount,
                     deadline, previous, window, rp.trend_days, ncur)
    out = now[["client", "cur", "invoices_paid", "on_time"]].copy()
    out["tier"] = loyalty_tiers(now, policies.loyalty)
    prev = then[["client", "cur", "invoices_paid", "on_time"]].rename(
        columns={"invoices_paid": "previous_paid", "on_time": "previous_on_time"})
    prev["previous_tier"] = loyalty_tiers(then, policies.loyalty)
    out = out.merge(prev, on=["client", "cur"], how="left")
    for col in ("previous_paid", "previous_on_time", "previous_tier"):
        out[col] = out[col].fillna(-1).astype(np.int64)
    return out


def _offers(items: pd.DataFrame, discount: np.ndarray, deadline: np.ndarray,
            taken: pd.DataFrame | None, day: int) -> pd.DataFrame:
    """Open items whose early-payment discount can still be taken on A: pay the open amount
    less the discount by the deadline. Columns: client, cur, inv, discount, deadline, pay."""
    inv = items["inv"].to_numpy().astype(np.int64)
    already = np.zeros(len(discount), dtype=bool)
    if taken is not None and len(taken):
        already[taken["inv"].to_numpy().astype(np.int64)] = True
    offer = discount[inv] if len(inv) else np.zeros(0, np.int64)
    last = deadline[inv] if len(inv) else np.zeros(0, np.int64)
    # per invoice (a deposit invoice has two lines): the open total must exceed the discount
    open_total = pd.Series(items["open_amount"].to_numpy()).groupby(inv).transform("sum")
    open_total = open_total.to_numpy() if len(inv) else np.zeros(0, np.int64)
    first_line = ~pd.Series(inv).duplicated().to_numpy() if len(inv) else np.zeros(0, bool)
    sel = (offer > 0) & (last >= day) & ~already[inv] & (open_total > offer) & first_line \
        if len(inv) else np.zeros(0, bool)
    return pd.DataFrame({
        "client": items["client"].to_numpy()[sel], "cur": items["cur"].to_numpy()[sel],
        "inv": inv[sel], "discount": offer[sel], "deadline": last[sel],
        "pay": open_total[sel] - offer[sel]}).reset_index(drop=True)


def _pool_warnings(ledger: Ledger, alloc: Allocation, currencies: list[str]) -> list[Diagnostic]:
    """A document naming an invoice it cannot pay (other client, other currency, after A)."""
    docs = alloc.docs
    out: list[Diagnostic] = []
    client_ids = ledger.client_ids()
    inv_client = ledger.invoices["client"].to_numpy()
    inv_cur = ledger.invoices["cur"].to_numpy()
    for code in (2, 3, 4):
        sel = np.flatnonzero(docs["reason"].to_numpy() == code)
        for kind, source in ((0, "payments"), (1, "credit_notes")):
            rows = sel[docs["kind"].to_numpy()[sel] == kind]
            raw = ledger.sources.get(source)
            if raw is None or len(rows) == 0:
                continue
            for r in rows[:MAX_SHOWN]:
                inv = int(docs["inv"].iat[r])
                other = (client_ids[inv_client[inv]] if code == 3 else currencies[inv_cur[inv]])
                text = POOL_REASON_TEXT[POOL_REASONS[code]].format(
                    ref=docs["invoice_id"].iat[r], other=other,
                    cur=currencies[int(docs["cur"].iat[r])])
                payer = client_ids[int(docs["client"].iat[r])]
                pool = f"{payer}'s {currencies[int(docs['cur'].iat[r])]} pool"
                out.append(Diagnostic("warning", raw.display,
                                      raw.lines.line(int(docs["row"].iat[r])), "invoice_id",
                                      "invoice_id", f"{text}; the amount goes to {pool}"))
            if len(rows) > MAX_SHOWN:
                out.append(Diagnostic("warning", raw.display, None, "invoice_id", "invoice_id",
                                      f"... and {len(rows) - MAX_SHOWN} more rows like these"))
    return out
