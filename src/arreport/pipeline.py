"""The whole run as a readable recipe: load → validate → compute. Rendering happens elsewhere."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
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
from .compute.escalation import actions, escalate, holds, plan_status
from .compute.fees import fees_due
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
    escalated = escalate(items, ledger.invoices, ledger.clients, ledger.contacts, ledger.plans,
                         ledger.payments, policies, currencies, day)
    diags = list(diagnostics or []) + _pool_warnings(ledger, alloc, currencies)
    todays = actions(escalated, policies)
    return Report(as_of=as_of, ledger=ledger, policies=policies, currencies=currencies,
                  allocation=alloc, items=items, aging=table, escalated=escalated,
                  actions=todays,
                  holds=holds(escalated, ledger.clients, policies, currencies),
                  fees=fees_due(escalated, todays, ledger.invoices, ledger.clients,
                                ledger.contacts, policies, currencies, day, alloc.lines),
                  plans=plan_status(ledger.plans, ledger.payments, ledger.invoices, day),
                  diagnostics=diags)


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
