"""Policy lint: rules that are valid but cannot do what their author meant (warnings)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..diagnostics import Diagnostic, did_you_mean
from .model import Ladder, Policies, Step


def _has_conditions(step: Step) -> bool:
    return any(v is not None for v in (step.min_balance, step.min_days_since_last_contact,
                                       step.segments, step.kind))


def _where(policies: Policies, file: str) -> str:
    return f"{policies.folder.rstrip('/')}/{file}"


def lint_policies(policies: Policies) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    used_fees: set[str] = set()
    esc = _where(policies, "escalation.yaml")
    for ladder in policies.ladders.values():
        out += _lint_ladder(ladder, esc)
        used_fees.update(s.fee for s in ladder.steps if s.fee)
    for name, fee in policies.fees.items():
        if fee.annual_percent is None and name not in used_fees:
            out.append(Diagnostic("warning", esc, fee.source.line, None, f"fees.{name}",
                                  f"fee '{name}' is used by no step",
                                  "name it in a step's fee:, or remove it"))
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
                     line_of: Callable[[int], int]) -> list[Diagnostic]:
    """Lints that need the ledger: segments no client uses, contact steps no ladder knows."""
    out = []
    used = set(clients["segment"].dropna().astype(str))
    for name, a in sorted(policies.segments.items()):
        if name not in used:
            out.append(Diagnostic("warning", segments_file, a.source.line, None,
                                  f"segments.{name}", f"segment '{name}' has no client",
                                  did_you_mean(name, used) or ""))
    known = {s.id for lad in policies.ladders.values() for s in lad.steps}
    if len(contacts) and "step" in contacts:
        steps = contacts["step"].astype(object).to_numpy()
        present = pd.notna(steps)
        unknown = present & ~np.isin(steps.astype(str), sorted(known))
        for r in np.flatnonzero(unknown)[:20]:
            out.append(Diagnostic("warning", contacts_file, line_of(int(contacts["row"].iat[r])),
                                  "step", "step", f"step '{steps[r]}' is in no ladder; "
                                  "it suppresses nothing", did_you_mean(str(steps[r]), known)))
        if unknown.sum() > 20:
            out.append(Diagnostic("warning", contacts_file, None, "step", "step",
                                  f"... and {int(unknown.sum()) - 20} more rows like these"))
    return out
