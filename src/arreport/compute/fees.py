"""Fees and interest due on A that are not yet invoiced (SPEC Semantics: Fees and interest).

A step's fee is due once per invoice when the step is the invoice's action on A or the
contact log records it; a rule with annual_percent is simple interest (actual/365) on every
open, undisputed invoice more than grace_days past due. Amounts are exact integers, rounded
once, half-up. A fee whose id RULE:INVOICE_ID is the reference of an invoices.csv row is
invoiced: a step fee is then not charged again, and interest counts from the day after that
row's issue date. Such a row (a fee invoice) is itself charged no fee and no interest: no fees
on fees (docs/SPEC.md, Deviation); it still ages and escalates like any other debt.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from .. import money
from ..policy.model import PRESET_CURRENCY, PRESET_TABLE, Fee, Policies, PolicyMoney
from .escalation import StepTable, client_ladders, recorded_pairs, risk_selections


def _ratio(value: Decimal) -> tuple[int, int]:
    """A decimal as an exact fraction num/den."""
    num, den = value.as_integer_ratio()
    return int(num), int(den)


EXACT = 10**6  # policy amounts are held exactly in millionths of a minor unit


def _money_exact(amount: PolicyMoney | None, currencies: list[str]) -> np.ndarray:
    """Per currency code: the amount in millionths of a minor unit (exact for amounts with
    up to 6 decimals beyond the minor unit), or -1 where it is not defined."""
    out = np.full(len(currencies), -1, dtype=np.int64)
    if amount is None:
        return out
    for code, cur in enumerate(currencies):
        v = amount.for_currency(cur)
        if v is not None:
            scaled = v.scaleb(money.decimals(cur)) * EXACT
            out[code] = int(scaled.to_integral_value(rounding=ROUND_HALF_UP))
    return out


def _half_up(numerator: np.ndarray, denominator: int) -> np.ndarray:
    """numerator / denominator rounded half-up (numerator ≥ 0), in integers."""
    return (2 * numerator + denominator) // (2 * denominator)


def step_fee_amounts(fee: Fee, open_amount: np.ndarray, cur: np.ndarray,
                     currencies: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """flat + percent of the open amount, capped by min/max, rounded once (minor units).

    Returns (amounts, defined): `defined` is False where the fee names no amount for that
    currency (a per-currency flat without this currency and no percent).
    """
    num, den = _ratio(fee.percent) if fee.percent is not None else (0, 1)
    scale = 100 * den * EXACT  # everything below is in 1/scale minor units
    flat = _money_exact(fee.flat, currencies)[cur]
    defined = (flat >= 0) | (fee.percent is not None)
    exact = (np.maximum(flat, 0).astype(object) * (100 * den)
             + open_amount.astype(object) * (num * EXACT))
    lo = _money_exact(fee.minimum, currencies)[cur]
    hi = _money_exact(fee.maximum, currencies)[cur]
    exact = np.where(lo >= 0, np.maximum(exact, lo.astype(object) * (100 * den)), exact)
    exact = np.where(hi >= 0, np.minimum(exact, hi.astype(object) * (100 * den)), exact)
    amounts = np.array([(2 * int(x) + scale) // (2 * scale) for x in exact], dtype=np.int64)
    return amounts, defined


RATE_SCALE = 10_000  # interest rates held as integers in 1/10,000 of a percent
PRESET_MARGIN = Decimal(8)  # percentage points over the reference rate, both presets


def _preset_rate_units(policies: Policies, preset: str, due: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Reference rate in force on the due date (its half-year row) + 8 points, per line, and
    the `from` day of the rates.yaml row used (a due date before the first row uses the first
    row; the reason says so)."""
    rows = policies.rates[PRESET_TABLE[preset]]
    starts = np.array([d for d, _ in rows], dtype=np.int64)
    rates = np.array([int((r + PRESET_MARGIN) * RATE_SCALE) for _, r in rows], dtype=np.int64)
    idx = np.maximum(np.searchsorted(starts, due, side="right") - 1, 0)
    return rates[idx], starts[idx]


def _compensation(name: str, preset: str, lines: pd.DataFrame, invoice_amount: np.ndarray,
                  invoiced_refs: dict[tuple[str, int], tuple[int, int]],
                  currencies: list[str],
                  cols: list[str]) -> pd.DataFrame:
    """The fixed sum per overdue invoice: EUR 40 (EU); GBP 40 / 70 / 100 by the debt (UK).

    The UK Act (s. 5A) sets the sum by the amount of the debt once interest starts to run:
    the invoice's amount, not what is still open on A, so a part payment does not change it.
    """
    per_inv = lines.groupby("inv", as_index=False).agg(
        client=("client", "first"), cur=("cur", "first"), due=("due_date", "min"))
    per_inv["base"] = invoice_amount[per_inv["inv"].to_numpy().astype(np.int64)]
    cur = currencies[int(per_inv["cur"].iat[0])] if len(per_inv) else "EUR"
    unit = 10 ** money.decimals(cur)
    if preset == "eu_late_payment":
        amount = np.full(len(per_inv), 40 * unit, dtype=np.int64)
    else:
        base = per_inv["base"].to_numpy()
        amount = np.where(base < 1_000 * unit, 40 * unit,
                          np.where(base < 10_000 * unit, 70 * unit, 100 * unit))
    per_inv["amount"] = amount
    rule = f"{name}-compensation"
    done = [(rule, i) in invoiced_refs for i in per_inv["inv"].tolist()]
    per_inv = per_inv.loc[~np.array(done, dtype=bool)].copy()
    per_inv["rule"] = rule
    per_inv["kind"] = "compensation"
    per_inv["step"] = -1
    per_inv["days"] = 0
    per_inv["date"] = per_inv["due"] + 1
    per_inv["rate"] = 0
    return per_inv[cols + ["rate", "due"]]


def fee_invoices(invoices: pd.DataFrame, policies: Policies) -> np.ndarray:
    """Per invoice row: is it the invoice of a fee? Its reference is a fee id RULE:INVOICE_ID
    naming a rule of the policies (or a preset's RULE-compensation) and an invoice of the
    ledger. Only references holding a ':' are looked at."""
    out = np.zeros(len(invoices), dtype=bool)
    ref = invoices["reference"]
    has = ref.str.contains(":", regex=False, na=False).to_numpy(dtype=bool)
    if not has.any():
        return out
    rules = set(policies.fees) | {f"{n}-compensation" for n, f in policies.fees.items()
                                  if f.preset is not None}
    parts = ref[has].astype(str).str.partition(":")
    ok = parts[0].isin(sorted(rules)) & parts[2].isin(invoices["invoice_id"].astype(object))
    out[np.flatnonzero(has)[ok.to_numpy(dtype=bool)]] = True
    return out


NO_SINCE = np.iinfo(np.int64).min


def _invoiced_fees(invoices: pd.DataFrame, as_of: int
                   ) -> dict[tuple[str, int], tuple[int, int]]:
    """(rule, invoice row) -> (issue day, row) of the latest invoices.csv row whose reference
    is the fee id RULE:INVOICE_ID. Only references holding a ':' are looked at, so a ledger full of
    purchase-order references costs one vectorised scan."""
    ref = invoices["reference"]
    has = ref.str.contains(":", regex=False, na=False).to_numpy(dtype=bool) & (
        invoices["issue_date"].to_numpy() <= as_of)  # an invoice after A does not count yet
    if not has.any():
        return {}
    inv_pos = pd.Series(np.arange(len(invoices)), index=invoices["invoice_id"].astype(object))
    inv_pos = inv_pos[~inv_pos.index.duplicated()]
    out: dict[tuple[str, int], tuple[int, int]] = {}
    issue = invoices["issue_date"].to_numpy()
    for row in np.flatnonzero(has).tolist():  # the few invoices that invoice a fee
        rule, _, invoice_id = str(ref.iat[row]).partition(":")
        target = inv_pos.get(invoice_id)
        if target is None:
            continue
        key = (rule, int(target))
        out[key] = max(out.get(key, (NO_SINCE, -1)), (int(issue[row]), int(row)))
    return out


def allowed_rules(clients: pd.DataFrame, policies: Policies) -> dict[str, np.ndarray]:
    """Per fee rule, per client code: may this rule charge this client?

    segments.yaml `fees: [...]` at default, segment, risk tier or client level names the
    rules that apply; the narrowest level that says anything decides; saying nothing allows all.
    """
    n = len(clients)
    allowed = {name: np.ones(n, dtype=bool) for name in policies.fees}

    def apply(sel: np.ndarray, names: tuple[str, ...] | None) -> None:
        if names is None:
            return
        for name in policies.fees:
            allowed[name][sel] = name in names

    apply(np.ones(n, dtype=bool), policies.default.fees)
    seg = clients["segment"].fillna("").astype(str).to_numpy()
    for seg_name, a in policies.segments.items():
        apply(seg == seg_name, a.fees)
    for sel, a in risk_selections(clients, policies):
        apply(sel, a.fees)
    ids = clients["client_id"].astype(str).to_numpy()
    for cid, a in policies.clients.items():
        apply(ids == cid, a.fees)
    return allowed


@dataclass(frozen=True)
class _InterestContext:
    """What selects and dates the due lines interest is computed on (fees_due, interest_lines)."""

    policies: Policies
    clients: pd.DataFrame
    invoices: pd.DataFrame
    currencies: list[str]
    as_of: int
    allowed: dict[str, np.ndarray]
    excluded_client: np.ndarray
    invoiced_refs: dict[tuple[str, int], tuple[int, int]]
    no_fees: np.ndarray


def _interest_lines(esc: pd.DataFrame, name: str, fee: Fee, ctx: _InterestContext
                    ) -> pd.DataFrame:
    """The due lines one interest rule charges, each with its own figures.

    Columns: inv, client, cur, due_date, open_amount, rate (1/10,000 of a percent; RATE_SCALE
    for a plain rule, whose exact rate is applied per invoice), rate_from (-1 for a plain
    rule), since (invoices.csv row of the invoiced interest it restarts after, -1), from_day,
    days (interest days on A).
    """
    kind_of_client = ctx.clients["kind"].fillna("business").astype(str).to_numpy()
    cur_names = np.array(ctx.currencies, dtype=object)
    dpd = esc["days_past_due"].to_numpy().astype(np.int64)
    e_client = esc["client"].to_numpy().astype(np.int64)
    sel = ((dpd > fee.grace_days) & ~esc["disputed"].to_numpy().astype(bool)
           & ~ctx.excluded_client[e_client] & ctx.allowed[name][e_client]
           & ~ctx.no_fees[esc["inv"].to_numpy().astype(np.int64)])
    if fee.preset is not None:
        preset_cur = PRESET_CURRENCY[fee.preset]
        sel &= (kind_of_client[e_client] != "consumer") & (
            cur_names[esc["cur"].to_numpy().astype(np.int64)] == preset_cur)
    lines = esc.loc[sel, ["inv", "client", "cur", "due_date", "open_amount"]].copy()
    if len(lines) == 0:
        return lines
    due = lines["due_date"].to_numpy().astype(np.int64)
    # a plain rule's rate is applied exactly per invoice; presets carry theirs per line
    if fee.preset is None:
        lines["rate"] = np.full(len(lines), RATE_SCALE, dtype=np.int64)
        lines["rate_from"] = -1
    else:
        lines["rate"], lines["rate_from"] = _preset_rate_units(ctx.policies, fee.preset, due)
    # the interest already invoiced for this rule (a few invoices): looked up by invoice row
    mine = [(i, d, r) for (rule, i), (d, r) in sorted(ctx.invoiced_refs.items()) if rule == name]
    since = np.full(len(lines), NO_SINCE, dtype=np.int64)
    since_row = np.full(len(lines), -1, dtype=np.int64)
    if mine:
        ref_inv = np.array([m[0] for m in mine], dtype=np.int64)
        pos = np.searchsorted(ref_inv, lines["inv"].to_numpy().astype(np.int64))
        pos = np.minimum(pos, len(ref_inv) - 1)
        hit = ref_inv[pos] == lines["inv"].to_numpy()
        since[hit] = np.array([m[1] for m in mine], dtype=np.int64)[pos[hit]]
        since_row[hit] = np.array([m[2] for m in mine], dtype=np.int64)[pos[hit]]
    lines["since"] = since_row
    start = np.where(since != NO_SINCE, since, due)
    # interest became due the day after grace, or restarted the day after it was invoiced
    lines["from_day"] = np.where(since != NO_SINCE, since + 1, due + fee.grace_days + 1)
    lines["days"] = np.maximum(ctx.as_of - start, 0)
    return lines


def interest_lines(escalated: pd.DataFrame, invoices: pd.DataFrame, clients: pd.DataFrame,
                   policies: Policies, currencies: list[str], as_of: int) -> pd.DataFrame:
    """Per interest rule, the due lines fees_due charged interest on, with their open amount,
    days and rate, so a reason can show each line's figures (an invoice with a deposit has
    two lines, due on different days). Pass the escalated lines of the invoices wanted.

    Columns: rule, inv, due_date, open_amount, days, rate, rate_from (as in _interest_lines).
    """
    _, excluded_client = client_ladders(clients, policies)
    ctx = _InterestContext(policies, clients, invoices, currencies, as_of,
                           allowed_rules(clients, policies), excluded_client,
                           _invoiced_fees(invoices, as_of), fee_invoices(invoices, policies))
    cols = ["rule", "inv", "due_date", "open_amount", "days", "rate", "rate_from"]
    frames = []
    for name, fee in sorted(policies.fees.items()):
        if fee.is_interest:
            lines = _interest_lines(escalated, name, fee, ctx)
            if len(lines):
                frames.append(lines.assign(rule=name)[cols])
    if not frames:
        return pd.DataFrame({c: [] for c in cols})
    return pd.concat(frames, ignore_index=True)


def step_fee_candidates(every: pd.DataFrame, actions: pd.DataFrame, invoices: pd.DataFrame,
                        contacts: pd.DataFrame, policies: Policies, lad_of_client: np.ndarray,
                        as_of: int) -> pd.DataFrame:
    """Per invoice and step fee rule: the step that makes it due (today's action, or a step
    the contact log records by A) and the day, the earliest when several do. Columns: inv,
    step (global step number), date, rule. Who is charged and how much is decided after.

    A recorded step's fee stays due after the invoice is paid, so the contact log is read
    against `every` due line issued by A, not only the open ones.
    """
    table = StepTable.of(policies)
    inv = every["inv"].to_numpy().astype(np.int64)
    global_of = {(table.code(lad.name), st.order): g for g, (lad, st) in enumerate(table.steps)}
    rec = recorded_pairs(every, invoices, contacts.loc[contacts["date"].to_numpy() <= as_of],
                         table, lad_of_client)
    cand = [pd.DataFrame({"inv": actions["inv"].to_numpy(), "step": actions["step"].to_numpy(),
                          "date": np.full(len(actions), as_of, dtype=np.int64)})]
    if len(rec):
        lad = lad_of_client[every["client"].to_numpy().astype(np.int64)[rec["i"].to_numpy()]]
        steps = [global_of.get((int(a), int(o)), -1) for a, o in
                 zip(lad.tolist(), rec["order"].tolist(), strict=True)]
        cand.append(pd.DataFrame({"inv": inv[rec["i"].to_numpy()], "step": steps,
                                  "date": rec["date"].to_numpy()}))
    c = pd.concat(cand, ignore_index=True)
    c = c.loc[c["step"].to_numpy() >= 0]
    fee_of_step = np.array([st.fee or "" for _, st in table.steps] + [""], dtype=object)
    c["rule"] = fee_of_step[c["step"].to_numpy()]
    c = c.loc[(c["rule"] != "") & c["rule"].isin(
        [n for n, f in policies.fees.items() if not f.is_interest])]
    return c.sort_values(["inv", "rule", "date", "step"]).drop_duplicates(["inv", "rule"])


def fees_due(escalated: pd.DataFrame, actions: pd.DataFrame, invoices: pd.DataFrame,
             clients: pd.DataFrame, contacts: pd.DataFrame, policies: Policies,
             currencies: list[str], as_of: int, lines: pd.DataFrame | None = None
             ) -> pd.DataFrame:
    """One row per fee or interest charge due on A and not yet invoiced.

    Columns: rule, kind (step|interest|compensation), client, inv, cur, date (day it became
    due), amount, step (global step number for step fees, -1 otherwise), base (open amount it
    was computed on; for a compensation, the invoice's amount), days (interest days, 0 for
    step fees), rate (interest in 1/10,000 of a percent for presets), rate_from (`from` day of
    the rates.yaml row a preset used, -1 otherwise), since (row in invoices.csv of the
    invoiced interest it restarts after, -1 when none), due (the earliest due date of the
    lines interest or compensation is computed on, -1 for step fees), lines (how many due
    lines interest was computed on, 1 otherwise; `interest_lines` gives their figures).
    """
    cols = ["rule", "kind", "client", "inv", "cur", "date", "amount", "step", "base", "days"]
    extra = ["rate", "rate_from", "since", "due", "lines"]
    allowed = allowed_rules(clients, policies)
    lad_of_client, excluded_client = client_ladders(clients, policies)
    invoiced_refs = _invoiced_fees(invoices, as_of)
    no_fees = fee_invoices(invoices, policies)  # fee invoices: no fees on fees

    esc = escalated
    open_by_inv = pd.Series(esc["open_amount"].to_numpy()).groupby(
        esc["inv"].to_numpy().astype(np.int64)).sum()
    frames = []

    # step fees: today's actions and steps the contact log records ------------------------
    c = step_fee_candidates(lines if lines is not None else esc, actions, invoices, contacts,
                            policies, lad_of_client, as_of)
    if len(c):
        c["client"] = invoices["client"].to_numpy().astype(np.int64)[c["inv"].to_numpy()]
        c["cur"] = invoices["cur"].to_numpy().astype(np.int64)[c["inv"].to_numpy()]
        c["base"] = open_by_inv.reindex(c["inv"].to_numpy()).fillna(0).to_numpy().astype(
            np.int64)
        c = c.loc[~excluded_client[c["client"].to_numpy()] & ~no_fees[c["inv"].to_numpy()]]
        if len(c):
            ok = np.array([allowed[r][k] for r, k in zip(c["rule"].tolist(),
                                                         c["client"].tolist(), strict=True)])
            c = c.loc[ok]
        if invoiced_refs:
            done = [(r, i) in invoiced_refs for r, i in zip(c["rule"].tolist(),
                                                             c["inv"].tolist(), strict=True)]
            c = c.loc[~np.array(done, dtype=bool)]
        amounts = np.zeros(len(c), dtype=np.int64)
        defined = np.zeros(len(c), dtype=bool)
        for name in c["rule"].unique():
            sel = (c["rule"] == name).to_numpy()
            amounts[sel], defined[sel] = step_fee_amounts(
                policies.fees[name], c["base"].to_numpy()[sel], c["cur"].to_numpy()[sel],
                currencies)
        c["amount"] = amounts
        # no amount for this currency, or nothing left to charge a percent on: no fee
        c = c.loc[defined & (amounts > 0)]
        c["kind"] = "step"
        c["days"] = 0
        frames.append(c[cols])

    # interest and statutory presets ---------------------------------------------------------
    ctx = _InterestContext(policies, clients, invoices, currencies, as_of, allowed,
                           excluded_client, invoiced_refs, no_fees)
    for name, fee in sorted(policies.fees.items()):
        if not fee.is_interest:
            continue
        lines = _interest_lines(esc, name, fee, ctx)
        if len(lines) == 0:
            continue
        # open × days × rate, summed per invoice and doubled below: int64 when every figure
        # stays far below 2**63 (the usual case), exact Python integers when a huge debt
        # would overflow it
        num, den = _ratio(fee.annual_percent or Decimal(0)) if fee.preset is None else (1, 1)
        factors = [lines[c].to_numpy().astype(np.int64) for c in ("open_amount", "days", "rate")]
        bound = float(pd.Series(factors[0].astype(np.float64) * factors[1] * factors[2])
                      .groupby(lines["inv"].to_numpy()).sum().max()) * 2 * max(num, 1)
        dtype = np.int64 if bound < 2.0**62 else object
        lines["weighted"] = (factors[0].astype(dtype) * factors[1].astype(dtype)
                             * factors[2].astype(dtype))
        per_inv = lines.groupby("inv", as_index=False).agg(
            client=("client", "first"), cur=("cur", "first"), weighted=("weighted", "sum"),
            base=("open_amount", "sum"), days=("days", "max"), due=("due_date", "min"),
            rate=("rate", "max"), rate_from=("rate_from", "max"), since=("since", "max"),
            date=("from_day", "min"), lines=("inv", "size"))
        weights = per_inv["weighted"].to_numpy().astype(dtype)
        if fee.preset is None:  # one exact rate for the rule: num/den percent
            plain = weights // RATE_SCALE  # undo the constant rate factor
            denominator = 100 * den * 365
            amount = (2 * plain * num + denominator) // (2 * denominator)
        else:
            denominator = 100 * RATE_SCALE * 365
            amount = (2 * weights + denominator) // (2 * denominator)
        per_inv["amount"] = amount.astype(np.int64)
        per_inv = per_inv.loc[per_inv["amount"] > 0].copy()
        per_inv["rule"] = name
        per_inv["kind"] = "interest"
        per_inv["step"] = -1
        frames.append(per_inv[cols + extra])
        if fee.preset is not None:
            frames.append(_compensation(name, fee.preset, lines,
                                        invoices["amount"].to_numpy().astype(np.int64),
                                        invoiced_refs, currencies, cols))
    if not frames:
        return pd.DataFrame({c: [] for c in cols + extra})
    out = pd.concat(frames, ignore_index=True)
    out["rate"] = out["rate"].fillna(0) if "rate" in out else 0
    for col in ("rate_from", "since", "due"):
        out[col] = out[col].fillna(-1) if col in out else -1
    out["lines"] = out["lines"].fillna(1) if "lines" in out else 1
    for col in ("client", "inv", "cur", "date", "amount", "step", "base", "days", *extra):
        out[col] = out[col].astype(np.int64)
    # by client, invoice id and rule: the order of the ledger's rows must not matter
    out["invoice_id"] = invoices["invoice_id"].to_numpy(dtype=object)[out["inv"].to_numpy()]
    out = out.sort_values(["client", "invoice_id", "rule"], kind="stable")
    return out.drop(columns="invoice_id").reset_index(drop=True)
