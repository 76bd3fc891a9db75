"""Why each action and hold exists, as text: policy file and line, rule id, the figures."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import numpy as np
import pandas as pd

from .. import money
from ..compute.escalation import StepTable
from ..pipeline import Report


def _amount(minor: int, currency: str) -> str:
    return f"{money.format_amount(int(minor), currency)} {currency}"


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _when(days_past_due: int, at: int) -> str:
    if days_past_due < 0:
        return f"due in {_days(-days_past_due)}; step at {at}"
    return f"{_days(days_past_due)} past due ≥ {at}"


def action_reasons(report: Report) -> list[str]:
    """`escalation.yaml:11 formal_notice: 35 days past due ≥ 30; balance 60.00 USD`."""
    return _cached(report, "actions", lambda: _action_reasons(report))


def _action_reasons(report: Report) -> list[str]:
    table = StepTable.of(report.policies)
    acts = report.actions
    clients = report.ledger.clients
    segment = clients["segment"].fillna("").astype(str).to_numpy()
    kind = clients["kind"].fillna("business").astype(str).to_numpy()
    out = []
    for step, dpd, bal, cur, client, since in zip(
            acts["step"].tolist(), acts["days_past_due"].tolist(), acts["balance"].tolist(),
            acts["cur"].tolist(), acts["client"].tolist(), acts["since_contact"].tolist(),
            strict=True):
        _, st = table.steps[step]
        currency = report.currencies[cur]
        text = f"{st.source} {st.id}: {_when(dpd, st.at)}; balance {_amount(bal, currency)}"
        if st.min_balance is not None:
            floor = st.min_balance.for_currency(currency)
            text += f" ≥ {floor} {currency}"
        if st.segments is not None:
            text += f"; segment {segment[client]}"
        if st.kind is not None:
            text += f"; kind {kind[client]}"
        if st.min_days_since_last_contact is not None:
            text += (f"; last contact {_days(since)} ago ≥ {st.min_days_since_last_contact}"
                     if since >= 0 else "; no contact recorded")
        out.append(text)
    return out


def _cached(report: Report, key: str, make: Callable[[], list[str]]) -> list[str]:
    """Reasons are read by several pages and CSVs; compute each list once per report."""
    cache: dict[str, list[str]] = report.__dict__.setdefault("_reasons", {})
    if key not in cache:
        cache[key] = make()
    return cache[key]


def hold_reasons(report: Report) -> list[str]:
    return _cached(report, "holds", lambda: _hold_reasons(report))


def _hold_reasons(report: Report) -> list[str]:
    table = StepTable.of(report.policies)
    h = report.holds
    inv_ids = report.ledger.invoices["invoice_id"].to_numpy(dtype=object)
    esc = report.escalated
    dpd_of = pd.Series(esc["days_past_due"].to_numpy()).groupby(
        esc["inv"].to_numpy()).max().to_dict()
    out = []
    for by_step, step, by_limit, bal, lim, cur in zip(
            h["by_step"].tolist(), h["step"].tolist(), h["by_limit"].tolist(),
            h["balance"].tolist(), h["limit"].tolist(), h["cur"].tolist(), strict=True):
        parts = []
        currency = report.currencies[int(cur)]
        if by_step >= 0:
            _, st = table.steps[int(step)]
            parts.append(f"{st.source} {st.id}: {inv_ids[int(by_step)]} "
                         f"{_days(int(dpd_of.get(by_step, 0)))} past due ≥ {st.at} "
                         "(hold_shipments)")
        if by_limit:
            usage = int(bal) * 100 // max(int(lim), 1)
            parts.append(f"credit limit: balance {_amount(bal, currency)} > limit "
                         f"{_amount(lim, currency)} ({usage}%)")
        out.append("; ".join(parts))
    return out


def fee_reasons(report: Report) -> list[str]:
    """`escalation.yaml:15 late_fee: step formal_notice (escalation.yaml:11) on ...`."""
    return _cached(report, "fees", lambda: _fee_reasons(report))


def _fee_reasons(report: Report) -> list[str]:
    from ..ledger.dates import from_day

    table = StepTable.of(report.policies)
    f = report.fees
    out = []
    rates = f["rate"].tolist() if "rate" in f else [0] * len(f)
    for rule, kind, cur, step, base, days, amount, date, rate in zip(
            f["rule"].tolist(), f["kind"].tolist(), f["cur"].tolist(), f["step"].tolist(),
            f["base"].tolist(), f["days"].tolist(), f["amount"].tolist(), f["date"].tolist(),
            rates, strict=True):
        rate_text = f"{Decimal(int(rate)) / 10000}%"
        base_rule = rule.removesuffix("-compensation")
        fee = report.policies.fees[base_rule]
        currency = report.currencies[cur]
        head = f"{fee.source} {rule}: "
        if kind == "compensation":
            out.append(head + f"fixed compensation ({fee.preset}) on "
                       f"{_amount(base, currency)} overdue = {_amount(amount, currency)}")
            continue
        if kind == "interest":
            pct = (f"{fee.annual_percent}%" if fee.preset is None else
                   f"{rate_text} (reference + 8, {fee.preset})")
            out.append(head + f"{_amount(base, currency)} open × {pct} × "
                       f"{days}/365 days (more than {fee.grace_days} days past due) = "
                       f"{_amount(amount, currency)}")
            continue
        _, st = table.steps[step]
        parts = []
        if fee.flat is not None:
            parts.append(f"flat {fee.flat.describe()}")
        if fee.percent is not None:
            parts.append(f"{fee.percent}% of {_amount(base, currency)} open")
        caps = []
        if fee.minimum is not None:
            caps.append(f"min {fee.minimum.describe()}")
        if fee.maximum is not None:
            caps.append(f"max {fee.maximum.describe()}")
        text = (head + f"step {st.id} ({st.source}) on {from_day(date).isoformat()}; "
                + " + ".join(parts))
        if caps:
            text += " (" + ", ".join(caps) + ")"
        out.append(text + f" = {_amount(amount, currency)}")
    return out


def step_names(report: Report, steps: np.ndarray) -> tuple[list[str], list[str], list[str]]:
    """Step id, channel and owner for an array of global step numbers."""
    table = StepTable.of(report.policies)
    ids, channels, owners = [], [], []
    for g in steps.tolist():
        _, st = table.steps[g]
        ids.append(st.id)
        channels.append(st.channel or "")
        owners.append(st.owner or "")
    return ids, channels, owners


__all__ = ["action_reasons", "hold_reasons", "step_names", "pd"]
