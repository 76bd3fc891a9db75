"""Why each action and hold exists, as text: policy file and line, rule id, the figures."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import numpy as np
import pandas as pd

from .. import money
from ..compute.escalation import StepTable
from ..ledger.dates import to_day
from ..pipeline import Report
from ..policy.model import Fee
from .tables import amounts_text


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
    where = _client_lines(report, h["client"].to_numpy())
    out = []
    for by_step, step, by_limit, bal, lim, cur, at in zip(
            h["by_step"].tolist(), h["step"].tolist(), h["by_limit"].tolist(),
            h["balance"].tolist(), h["limit"].tolist(), h["cur"].tolist(), where,
            strict=True):
        parts = []
        currency = report.currencies[int(cur)]
        if by_step >= 0:
            _, st = table.steps[int(step)]
            parts.append(f"{st.source} {st.id}: {inv_ids[int(by_step)]} "
                         f"{_days(int(dpd_of.get(by_step, 0)))} past due ≥ {st.at} "
                         "(hold_shipments)")
        if by_limit:
            usage = int(bal) * 100 // max(int(lim), 1)
            parts.append(f"{at} credit_limit: balance {_amount(bal, currency)} > limit "
                         f"{_amount(lim, currency)} ({usage}%)")
        out.append("; ".join(parts))
    return out


def _client_lines(report: Report, codes: np.ndarray) -> list[str]:
    """`clients.csv:12` for each client code (the first row naming it)."""
    raw = report.ledger.sources.get("clients")
    if raw is None:
        return ["clients.csv"] * len(codes)  # clients absent from the file: no line to cite
    ids = pd.Index(raw.column("client_id").to_pylist())
    first = pd.Series(np.arange(len(ids)), index=ids)
    first = first[~first.index.duplicated()]
    rows = first.reindex(report.ledger.client_ids()[codes]).fillna(-1).to_numpy(np.int64)
    # the file's name alone, as policy files are cited: the output must not depend on where
    # arreport was run from
    return [f"{raw.path.name}:{raw.lines.line(int(r))}" if r >= 0 else raw.path.name
            for r in rows.tolist()]


def fee_reasons(report: Report) -> list[str]:
    """`escalation.yaml:15 late_fee: step formal_notice (escalation.yaml:11) on ...`."""
    return _cached(report, "fees", lambda: _fee_reasons(report))


def _fee_reasons(report: Report) -> list[str]:
    from ..ledger.dates import from_day

    table = StepTable.of(report.policies)
    f = report.fees
    invoices = report.ledger.invoices
    inv_raw = report.ledger.sources.get("invoices")
    out = []

    def column(name: str) -> list[int]:
        return f[name].tolist() if name in f else [-1] * len(f)

    per_line = _interest_terms(report)
    # the amounts as text a column at a time; a rate's wording once per rule and rate row
    cur_codes = f["cur"].to_numpy()
    names = list(report.currencies)
    base_text = [f"{t} {names[c]}" for t, c in zip(
        amounts_text(f["base"].to_numpy(), cur_codes, names).to_pylist(), cur_codes.tolist(),
        strict=True)]
    amount_text = [f"{t} {names[c]}" for t, c in zip(
        amounts_text(f["amount"].to_numpy(), cur_codes, names).to_pylist(),
        cur_codes.tolist(), strict=True)]
    pct_of: dict[tuple[str, int, int, int], str] = {}

    def pct(rule: str, fee: Fee, rate: int, rate_from: int, due: int) -> str:
        key = (rule, rate, rate_from, due if fee.preset is not None and due < rate_from else -1)
        if key not in pct_of:
            pct_of[key] = _interest_pct(report, fee, rate, rate_from, due)
        return pct_of[key]

    for k, (rule, kind, cur, inv, step, days, date, rate, rate_from, since, due) in enumerate(zip(
            f["rule"].tolist(), f["kind"].tolist(), f["cur"].tolist(), f["inv"].tolist(),
            f["step"].tolist(), f["days"].tolist(), f["date"].tolist(), column("rate"),
            column("rate_from"), column("since"), column("due"), strict=True)):
        base_rule = rule.removesuffix("-compensation")
        fee = report.policies.fees[base_rule]
        currency = report.currencies[cur]
        head = f"{fee.source} {rule}: "
        if kind == "compensation":
            out.append(head + f"fixed compensation ({fee.preset}) for a debt of "
                       f"{base_text[k]} (the invoice's amount) = {amount_text[k]}")
            continue
        if kind == "interest":
            counted = f"more than {fee.grace_days} days past due"
            if since >= 0:
                invoiced_on = from_day(int(invoices["issue_date"].iat[int(since)])).isoformat()
                where = (f"{inv_raw.path.name}:{inv_raw.lines.line(int(since))}"
                         if inv_raw is not None else "invoices.csv")
                counted = (f"counted from the day after {invoices['invoice_id'].iat[int(since)]}"
                           f" invoiced it on {invoiced_on}, {where}")
            # lines of one invoice due on different days (a deposit and its balance) or at
            # different reference rates: one term per (days, rate), so the sum reproduces it
            terms = per_line.get((rule, inv))
            if terms is None:
                product = (f"{base_text[k]} open × {pct(rule, fee, rate, rate_from, due)} × "
                           f"{days}/365 days")
            else:
                product = " + ".join(
                    f"{_amount(t_open, currency)} open × "
                    f"{pct(rule, fee, t_rate, t_from, t_due)} × {t_days}/365 days"
                    for t_open, t_days, t_rate, t_from, t_due in terms)
            out.append(head + f"{product} ({counted}) = {amount_text[k]}")
            continue
        _, st = table.steps[step]
        parts = []
        if fee.flat is not None:
            parts.append(f"flat {fee.flat.describe()}")
        if fee.percent is not None:
            parts.append(f"{fee.percent}% of {base_text[k]} open")
        caps = []
        if fee.minimum is not None:
            caps.append(f"min {fee.minimum.describe()}")
        if fee.maximum is not None:
            caps.append(f"max {fee.maximum.describe()}")
        text = (head + f"step {st.id} ({st.source}) on {from_day(date).isoformat()}; "
                + " + ".join(parts))
        if caps:
            text += " (" + ", ".join(caps) + ")"
        out.append(text + f" = {amount_text[k]}")
    return out


def _interest_pct(report: Report, fee: Fee, rate: int, rate_from: int, due: int) -> str:
    """`12%`, or for a statutory preset the rate with the reference row it came from."""
    from ..ledger.dates import from_day
    from ..policy.model import PRESET_TABLE

    if fee.preset is None:
        return f"{fee.annual_percent}%"
    reference = Decimal(int(rate)) / 10000 - 8
    rate_table = PRESET_TABLE[fee.preset]
    row = report.policies.rate_sources.get(rate_table, {}).get(int(rate_from))
    pct = (f"{Decimal(int(rate)) / 10000}% ({rate_table} "
           f"{reference}% from {from_day(int(rate_from)).isoformat()} in "
           f"{row or 'rates.yaml'} + 8, {fee.preset}")
    if 0 <= due < rate_from:
        pct += (f"; rates.yaml has no row before the due date "
                f"{from_day(int(due)).isoformat()}, so its first row is used")
    return pct + ")"


def _interest_terms(report: Report) -> dict[tuple[str, int], list[tuple[int, ...]]]:
    """(rule, invoice) -> its interest terms (open, days, rate, rate_from, earliest due date),
    lines with the same days and rate added up, by due date; only for interest computed on
    lines that differ in days or rate (otherwise the fee row's own figures say it all)."""
    from ..compute.fees import interest_lines

    f = report.fees
    if "lines" not in f:
        return {}
    several = (f["kind"] == "interest").to_numpy() & (f["lines"].to_numpy() > 1)
    if not several.any():
        return {}
    esc = report.escalated
    wanted = np.isin(esc["inv"].to_numpy(), f["inv"].to_numpy()[several])
    lines = interest_lines(esc.loc[wanted], report.ledger.invoices, report.ledger.clients,
                           report.policies, report.currencies, to_day(report.as_of))
    grouped = lines.groupby(["rule", "inv", "days", "rate", "rate_from"], as_index=False).agg(
        open_amount=("open_amount", "sum"), due=("due_date", "min"))
    grouped = grouped.sort_values(["rule", "inv", "due", "days"], kind="stable")
    out: dict[tuple[str, int], list[tuple[int, ...]]] = {}
    for rule, inv, days, rate, rate_from, open_amount, due in grouped.itertuples(index=False):
        out.setdefault((str(rule), int(inv)), []).append(
            (int(open_amount), int(days), int(rate), int(rate_from), int(due)))
    return {k: v for k, v in out.items() if len(v) > 1}


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
