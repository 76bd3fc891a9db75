"""Policy lint: rules that are valid but cannot do what their author meant (warnings)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from ..diagnostics import Diagnostic, did_you_mean
from .model import Ladder, Policies, PolicyMoney, Step


def _has_conditions(step: Step) -> bool:
    return any(v is not None for v in (step.min_balance, step.min_days_since_last_contact,
                                       step.segments, step.kind))


def _where(policies: Policies, file: str) -> str:
    return f"{policies.folder.rstrip('/')}/{file}"


def _names_no_currency(amount: PolicyMoney | None) -> bool:
    """`{}` as an amount: it gives a figure for no currency."""
    return amount is not None and amount.bare is None and not amount.per_currency


def _segment_ladders(policies: Policies) -> tuple[dict[str, str | None], set[str]]:
    """Per segment, the ladder its clients get; and the ladders a client override or a risk
    tier names, which a client of any segment may be moved to (the policies cannot tell)."""
    default = policies.default.ladder or ("standard" if "standard" in policies.ladders
                                          else None)
    moved = {a.ladder for a in (*policies.clients.values(),
                                *policies.risk_assignments.values()) if a.ladder}
    return {name: a.ladder or default for name, a in policies.segments.items()}, moved


def lint_policies(policies: Policies) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    used_fees: set[str] = set()
    esc = _where(policies, "escalation.yaml")
    routes = _segment_ladders(policies)
    for ladder in policies.ladders.values():
        out += _lint_ladder(ladder, esc)
        out += _lint_conditions(ladder, esc, routes)
        used_fees.update(s.fee for s in ladder.steps if s.fee)
    for name, fee in policies.fees.items():
        # interest and the statutory presets apply to every overdue invoice by themselves
        if not fee.is_interest and name not in used_fees:
            out.append(Diagnostic("warning", esc, fee.source.line, None, f"fees.{name}",
                                  f"fee '{name}' is used by no step",
                                  "name it in a step's fee:, or remove it"))
        for key, amount in (("flat", fee.flat), ("min", fee.minimum), ("max", fee.maximum)):
            if _names_no_currency(amount):
                out.append(Diagnostic(
                    "warning", esc, fee.source.line, None, f"fees.{name}.{key}",
                    f"{key}: {{}} gives an amount for no currency"
                    + ("; the fee is never charged" if key == "flat" and fee.percent is None
                       else ""),
                    "give an amount, e.g. 25.00, or one per currency, e.g. {USD: 25.00}"))
    assigned = {a.ladder for a in (policies.default, *policies.segments.values(),
                                   *policies.clients.values(),
                                   *policies.risk_assignments.values()) if a.ladder}
    if not policies.default.ladder and "standard" in policies.ladders:
        assigned.add("standard")
    for name, ladder in policies.ladders.items():
        if name not in assigned:
            out.append(Diagnostic("warning", esc, ladder.source.line, None, f"ladders.{name}",
                                  f"ladder '{name}' is used by no segment, risk tier or client",
                                  "assign it in segments.yaml"))
    out += _lint_loyalty(policies)
    return out


def _lint_loyalty(policies: Policies) -> list[Diagnostic]:
    """A tier that asks as much as or more than a tier before it can never be held: the
    earlier (better) tier always wins."""
    out = []
    tiers = policies.loyalty.tiers
    file = _where(policies, "incentives.yaml")
    for j, later in enumerate(tiers):
        for earlier in tiers[:j]:
            if (later.min_on_time_share >= earlier.min_on_time_share
                    and later.min_invoices >= earlier.min_invoices):
                out.append(Diagnostic(
                    "warning", file, later.source.line, None, f"loyalty.tiers[{j}]",
                    f"tier '{later.name}' can never be held: '{earlier.name}' "
                    f"({earlier.source}) comes first and asks no more",
                    "list tiers best first, each asking more than the next"))
                break
    return out


def _lint_conditions(ladder: Ladder, file: str,
                     routes: tuple[dict[str, str | None], set[str]]) -> list[Diagnostic]:
    """Steps whose own conditions can never hold."""
    out = []
    segment_ladder, moved = routes

    def never(st: Step, why: str, hint: str) -> None:
        out.append(Diagnostic("warning", file, st.source.line, None,
                              f"ladders.{ladder.name}.steps[{st.index}]",
                              f"step {st.id} can never fire: {why}", hint))

    if not ladder.steps:
        out.append(Diagnostic("warning", file, ladder.source.line, None,
                              f"ladders.{ladder.name}.steps",
                              f"ladder '{ladder.name}' has no steps: its clients get no "
                              "reminders", "add steps, or exclude those clients in "
                              "segments.yaml (exclude: true)"))
    for st in ladder.steps:
        if _names_no_currency(st.min_balance):
            never(st, "min_balance: {} gives an amount for no currency",
                  "give an amount, e.g. 500, or one per currency, e.g. {USD: 500, EUR: 450}")
        if st.segments == ():
            never(st, "segment: [] matches no client",
                  "name the segments, or remove segment: to apply it to every segment")
        elif st.segments is not None and ladder.name not in moved and all(
                segment_ladder.get(seg) != ladder.name for seg in st.segments):
            elsewhere = ", ".join(f"{seg} on {segment_ladder.get(seg) or 'no ladder'}"
                                  for seg in st.segments)
            never(st, f"no client of segment {', '.join(st.segments)} is on ladder "
                  f"'{ladder.name}' ({elsewhere})",
                  "move the step to that segment's ladder, or assign the ladder to the segment")
    return out


def _lint_ladder(ladder: Ladder, file: str) -> list[Diagnostic]:
    out = []
    steps = ladder.steps
    by_day: dict[int, list[Step]] = {}
    for st in steps:
        by_day.setdefault(st.at, []).append(st)
    for at, group in sorted(by_day.items()):
        if len(group) > 1:
            first = group[0]
            out.append(Diagnostic("warning", file, first.source.line, None,
                                  f"ladders.{ladder.name}.steps",
                                  f"steps {', '.join(s.id for s in group)} are on the same day "
                                  f"(at: {at})", "the later one in the file wins when both hold"))
    for i, st in enumerate(steps):
        shadow = next((t for t in steps[i + 1:] if t.at == st.at and not _has_conditions(t)),
                      None)
        if shadow is not None:
            out.append(Diagnostic("warning", file, st.source.line, None,
                                  f"ladders.{ladder.name}.steps[{st.index}]",
                                  f"step {st.id} can never fire: {shadow.id} is on the same day "
                                  "with no conditions and comes later",
                                  "give it a different at, or conditions to the later step"))
    return out


def lint_with_ledger(policies: Policies, clients: pd.DataFrame, contacts: pd.DataFrame,
                     contacts_file: str, segments_file: str,
                     line_of: Callable[[int], int],
                     latest_due: dict[str, int] | None = None) -> list[Diagnostic]:
    """Lints that need the ledger: segments no client uses, client overrides naming no
    client, contact steps no ladder knows, per-currency amounts without a currency the
    ledger's invoices use, and a reference-rate table with no row for the latest due date.
    `latest_due`: per currency of the ledger's invoices, the latest due date (day number)."""
    out = []
    used = set(clients["segment"].dropna().astype(str))
    for name, a in sorted(policies.segments.items()):
        if name not in used:
            out.append(Diagnostic("warning", segments_file, a.source.line, None,
                                  f"segments.{name}", f"segment '{name}' has no client",
                                  did_you_mean(name, used) or ""))
    ids = set(clients["client_id"].dropna().astype(str))
    for name, a in sorted(policies.clients.items()):
        if name not in ids:
            out.append(Diagnostic("warning", segments_file, a.source.line, None,
                                  f"clients.{name}", f"client '{name}' is in no ledger file; "
                                  "its override applies to no one",
                                  did_you_mean(name, ids) or "check the client_id"))
    out += _lint_currencies(policies, sorted(latest_due or {}))
    out += lint_company(policies, sorted(latest_due or {}))
    out += _lint_rates(policies, latest_due or {})
    known = {s.id for lad in policies.ladders.values() for s in lad.steps}
    if len(contacts) and "step" in contacts:
        steps = contacts["step"].astype(object).to_numpy()
        # rows arreport send logged (negative row) name steps of the ladders of their day
        present = pd.notna(steps) & (contacts["row"].to_numpy() >= 0)
        unknown = present & ~np.isin(steps.astype(str), sorted(known))
        for r in np.flatnonzero(unknown)[:20]:
            out.append(Diagnostic("warning", contacts_file, line_of(int(contacts["row"].iat[r])),
                                  "step", "step", f"step '{steps[r]}' is in no ladder; "
                                  "it suppresses nothing", did_you_mean(str(steps[r]), known)))
        if unknown.sum() > 20:
            out.append(Diagnostic("warning", contacts_file, None, "step", "step",
                                  f"... and {int(unknown.sum()) - 20} more rows like these"))
    return out


def _lint_currencies(policies: Policies, currencies: list[str]) -> list[Diagnostic]:
    """A fee or min_balance given per currency without one the ledger's invoices use: the fee
    is never charged on those invoices, the step never fires for them."""
    out = []
    esc = _where(policies, "escalation.yaml")

    def missing(amount: PolicyMoney | None) -> list[str]:
        if amount is None or amount.bare is not None or not amount.per_currency:
            return []
        return [c for c in currencies if amount.for_currency(c) is None]

    for name, fee in sorted(policies.fees.items()):
        lacking = missing(fee.flat) if fee.percent is None else []
        if lacking and not fee.is_interest:
            out.append(Diagnostic(
                "warning", esc, fee.source.line, None, f"fees.{name}.flat",
                f"fee '{name}' gives no amount for {', '.join(lacking)}, which the ledger's "
                "invoices use; it is never charged on them",
                f"add {', '.join(f'{c}: ...' for c in lacking)} to flat:, or give one amount "
                "for every currency"))
    for ladder in policies.ladders.values():
        for st in ladder.steps:
            lacking = missing(st.min_balance)
            if lacking:
                out.append(Diagnostic(
                    "warning", esc, st.source.line, None,
                    f"ladders.{ladder.name}.steps[{st.index}].min_balance",
                    f"step {st.id} never fires for {', '.join(lacking)} invoices: min_balance "
                    f"names no {'/'.join(lacking)} amount",
                    f"add {', '.join(f'{c}: ...' for c in lacking)} to min_balance"))
    return out


HALF_YEAR = 184  # days: the reference rates are set each January and July


def _lint_rates(policies: Policies, latest_due: dict[str, int]) -> list[Diagnostic]:
    """A statutory preset reads the reference rate in force on each due date; when the
    ledger holds due dates more than half a year after the table's last row, the table has
    likely not been kept up (a new rate each January and July) and the last rate is used."""
    from ..ledger.dates import from_day
    from .model import PRESET_CURRENCY, PRESET_TABLE

    out = []
    seen: set[str] = set()
    for _, fee in sorted(policies.fees.items()):
        if fee.preset is None or fee.preset in seen:
            continue
        seen.add(fee.preset)
        table = PRESET_TABLE[fee.preset]
        rows = policies.rates.get(table, ())
        due = latest_due.get(PRESET_CURRENCY[fee.preset])
        if not rows or due is None or due <= rows[-1][0] + HALF_YEAR:
            continue
        last = rows[-1][0]
        source = policies.rate_sources.get(table, {}).get(last)
        out.append(Diagnostic(
            "warning", _where(policies, "rates.yaml"), source.line if source else None, None,
            table, f"the last {table} row is from {from_day(last).isoformat()}, but "
            f"{PRESET_CURRENCY[fee.preset]} invoices fall due up to "
            f"{from_day(due).isoformat()}; {fee.preset} uses that last rate for them",
            "add the reference rate of each half-year since"))
    return out


def lint_company(policies: Policies, currencies: list[str]) -> list[Diagnostic]:
    """What statements, letters and emails would lack: a sender address, bank details for a
    currency the ledger's invoices use."""
    company = policies.company
    file = _where(policies, "company.yaml")
    out: list[Diagnostic] = []
    if not (Path(policies.folder) / "company.yaml").is_file():
        return out  # no sender configured: nothing is emailed; the build says so when it prints
    if not company.email:
        out.append(Diagnostic("warning", file, None, None, "email",
                              "company.yaml gives no email: no email can be written, so every "
                              "letter and statement is to be printed",
                              "add email: (the From address), e.g. receivables@example.com"))
    if not company.name:
        out.append(Diagnostic("warning", file, None, None, "name",
                              "company.yaml gives no name: statements and letters have no "
                              "sender", "add name: your legal name"))
    for cur in currencies:
        if cur not in company.bank:
            out.append(Diagnostic(
                "warning", file, company.line("bank") or None, None, f"bank.{cur}",
                f"no bank details for {cur}, a currency of the ledger's invoices: its "
                "statements and letters cannot say where to pay",
                f"add bank: {{{cur}: {{account_name: ..., iban: ...}}}} (or account_number)"))
    return out
