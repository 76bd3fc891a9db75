"""`arreport explain`: the chain of rules behind one client's or invoice's actions, in text.

Each fact cites where it comes from: the policy file and line of the rule, and the ledger
file and line of the row (contact, dispute, plan) that triggered or paused it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import money
from ..compute.escalation import StepTable, client_ladders
from ..compute.terms import TERMS_FROM
from ..ledger.dates import NO_DATE, from_day, to_day
from ..pipeline import Report
from ..policy.model import Assignment, Ladder, Policies, Step
from .reasons import action_reasons, fee_reasons, hold_reasons


def _amt(minor: int, cur: str) -> str:
    return f"{money.format_amount(int(minor), cur)} {cur}"


def _day(day: int) -> str:
    return from_day(int(day)).isoformat()


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _at(report: Report, source: str, row: int) -> str:
    """`contacts.csv:5`: where a ledger row stands in its file (a contact `arreport send`
    logged has a negative row: minus its line in the sent log)."""
    if source == "contacts" and row < 0:
        return f"{report.ledger.sent_log or 'sent log'}:{-row}"
    raw = report.ledger.sources.get(source)
    return f"{raw.display}:{raw.lines.line(int(row))}" if raw is not None else source


def _segment_reason(pol: Policies, path: tuple[str, ...]) -> str:
    """segments.yaml's `reason:` for the entry at path, if it gives one."""
    node: Any = pol.raw.get("segments.yaml") or {}
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
    reason = node.get("reason") if isinstance(node, dict) else None
    return f": {reason}" if reason else ""


def _assignment_for(pol: Policies, cid: str, seg: str | None, attr: str
                    ) -> tuple[Assignment, tuple[str, ...]] | None:
    """The narrowest segments.yaml entry (client, segment, default) that sets `attr`."""
    for a, path in ((pol.clients.get(cid), ("clients", cid)),
                    (pol.segments.get(seg or ""), ("segments", seg or "")),
                    (pol.default, ("default",))):
        if a is not None and getattr(a, attr) is not None:
            return a, path
    return None


def explain(report: Report, client_code: int, inv_rows: list[int]) -> list[str]:
    pol = report.policies
    led = report.ledger
    cl = led.clients.iloc[client_code]
    cid = str(cl["client_id"])
    table = StepTable.of(pol)
    lad_codes, excluded = client_ladders(led.clients, pol)
    seg = cl["segment"] if isinstance(cl["segment"], str) else None
    kind = str(cl["kind"])
    lines = [f"Client {cid} {cl['name']} (segment {seg or '–'}, kind {kind})"]
    # where the ladder comes from
    tier_code = (int(led.clients["risk_tier"].iat[client_code])
                 if "risk_tier" in led.clients else -1)
    tier = pol.risk.bands[tier_code].name if tier_code >= 0 else None
    if cid in pol.clients and pol.clients[cid].ladder:
        origin = f"client override ({pol.clients[cid].source})"
    elif tier in pol.risk_assignments and pol.risk_assignments[tier].ladder:
        origin = f"risk tier {tier} ({pol.risk_assignments[tier].source})"
    elif seg in pol.segments and pol.segments[seg].ladder:
        origin = f"segment {seg} ({pol.segments[seg].source})"
    else:
        origin = f"default ({pol.default.source})"
    code = int(lad_codes[client_code])
    ladder = pol.ladders[table.ladders[code]] if code >= 0 else None
    if excluded[client_code]:
        found = _assignment_for(pol, cid, seg, "exclude")
        where = (f"{found[0].source} ({'.'.join(found[1])}){_segment_reason(pol, found[1])}"
                 if found else "segments.yaml")
        lines.append(f"  excluded from reminders, fees and holds by {where}")
    lines.append(f"  ladder: {ladder.name if ladder else 'none'} from {origin}")
    if ladder:
        lines.append(f"  pauses for: {', '.join(ladder.pause_when) or 'nothing'} "
                     f"({ladder.source})")
    agg = report.aging.loc[report.aging["client"] == client_code]
    for _, row in agg.iterrows():
        cur = report.currencies[int(row["cur"])]
        lines.append(f"  open {_amt(row['total'], cur)}; unapplied credit "
                     f"{_amt(row['unapplied_credit'], cur)}")
    limit = led.clients["credit_limit"].iloc[client_code]
    if not bool(led.clients["credit_limit"].isna().iloc[client_code]):
        lines.append(f"  credit limit {_amt(int(limit), str(cl['currency']))}")
    h = report.holds
    hsel = np.flatnonzero(h["client"].to_numpy() == client_code)
    if len(hsel):
        lines.append("  ON HOLD: " + hold_reasons(report)[int(hsel[0])])
    elif excluded[client_code]:
        lines.append("  not on hold (excluded)")
    else:
        lines.append("  not on hold")
    contact = _last_contact(report, client_code)
    lines.append("  last contact: " + (
        f"{_day(contact[0])}, {_days(contact[1])} ago ({contact[2]})" if contact
        else "none recorded"))
    lines += _plans_of_client(report, client_code)
    lines += _behaviour_lines(report, client_code)

    esc = report.escalated
    a_reasons = action_reasons(report)
    f_reasons = fee_reasons(report)
    inv_ids = led.invoices["invoice_id"].astype(str).to_numpy()
    for inv in inv_rows:
        rows = esc.loc[esc["inv"].to_numpy() == inv]
        invoice = led.invoices.iloc[inv]
        cur = report.currencies[int(invoice["cur"])]
        lines.append("")
        lines.append(f"Invoice {inv_ids[inv]}: issued {_day(invoice['issue_date'])}, "
                     f"amount {_amt(invoice['amount'], cur)} "
                     f"({_at(report, 'invoices', int(invoice['row']))})")
        if len(rows) == 0:
            lines.append("  not open on the as-of date (paid, credited, or issued later)")
        for _, r in rows.iterrows():
            lines.append(f"  due line {int(r['line'])}: due {_day(r['due_date'])} "
                         + _due_origin(report, inv, r, cid, seg))
            lines.append(f"    open {_amt(r['open_amount'], cur)}; {int(r['days_past_due'])} "
                         f"days past due; bucket {report.bucket_labels[int(r['bucket'])]}"
                         + ("; DISPUTED" if r["disputed"] else ""))
            lines += _pauses(report, inv, client_code, ladder, str(r["paused"]))
            if ladder and not excluded[client_code] and not r["paused"]:
                for st in ladder.steps:
                    lines.append("    " + _step_line(st, r, cur, seg, kind, contact))
            step = int(r["step"])
            lines.append("    stands on: " + (
                table.steps[step][1].id if step >= 0 else
                "no step (excluded)" if excluded[client_code] else
                f"no step (paused: {r['paused']})" if r["paused"] else
                "no step (no ladder)" if ladder is None else "no step"))
            if r.get("held_back", ""):
                lines.append(f"    held back today: {r['held_back']}")
            rec = int(r["recorded"])
            if ladder and rec >= 0:
                lines.append(f"    contact log already records: {ladder.steps[rec].id}"
                             " (that step or a later one is not sent again)")
        acts = report.actions
        for k in np.flatnonzero(acts["inv"].to_numpy() == inv):
            lines.append(f"  ACTION today: {a_reasons[int(k)]}")
        if len(rows) and not (acts["inv"].to_numpy() == inv).any():
            lines.append("  no action today")
        for k in np.flatnonzero(report.fees["inv"].to_numpy() == inv):
            lines.append(f"  FEE: {f_reasons[int(k)]}")
        lines += _fees_not_charged(report, inv, client_code, bool(excluded[client_code]))
    return lines


def _fees_not_charged(report: Report, inv: int, client: int, excluded: bool) -> list[str]:
    """`NO FEE` lines: a step fee the invoice's action today or a recorded step would charge,
    and why it is not charged (the same tests, in the same order, as compute.fees.fees_due)."""
    from ..compute.fees import (
        _invoiced_fees,
        allowed_rules,
        fee_invoices,
        step_fee_amounts,
        step_fee_candidates,
    )

    led, pol = report.ledger, report.policies
    day = to_day(report.as_of)
    every = report.allocation.lines
    every = every.loc[every["inv"].to_numpy() == inv]
    acts = report.actions.loc[report.actions["inv"].to_numpy() == inv]
    lad_codes, _ = client_ladders(led.clients, pol)
    cand = step_fee_candidates(every, acts, led.invoices, led.contacts, pol, lad_codes, day)
    charged = set(report.fees.loc[report.fees["inv"].to_numpy() == inv, "rule"].tolist())
    cand = cand.loc[~cand["rule"].isin(sorted(charged))]
    if len(cand) == 0:
        return []
    table = StepTable.of(pol)
    invoices = led.invoices
    inv_id = str(invoices["invoice_id"].iat[inv])
    cur_code = int(invoices["cur"].iat[inv])
    cur = report.currencies[cur_code]
    esc = report.escalated
    base = int(esc.loc[esc["inv"].to_numpy() == inv, "open_amount"].sum())
    is_fee_invoice = bool(fee_invoices(invoices, pol)[inv])
    allowed = allowed_rules(led.clients, pol)
    invoiced = _invoiced_fees(invoices, day)
    out = []
    for step, date, rule in zip(cand["step"].tolist(), cand["date"].tolist(),
                                cand["rule"].tolist(), strict=True):
        _, st = table.steps[int(step)]
        fee = pol.fees[rule]
        when = ("today's action" if int(date) == day and (acts["step"] == step).any()
                else f"recorded {_day(date)}{_recorded_at(report, inv, st.id, int(date))}")
        head = f"  NO FEE: {fee.source} {rule} at step {st.id} ({st.source}, {when}): "
        if excluded:
            why = "the client is excluded from fees"
        elif is_fee_invoice:
            why = (f"{inv_id} is itself the invoice of a fee (reference "
                   f"{invoices['reference'].iat[inv]}); no fees on fees")
        elif not allowed[rule][client]:
            why = _fee_list_text(report, client, rule)
        elif (rule, inv) in invoiced:
            _, row = invoiced[(rule, inv)]
            why = (f"already invoiced by {invoices['invoice_id'].iat[row]} "
                   f"({_at(report, 'invoices', int(invoices['row'].iat[row]))}, reference "
                   f"{rule}:{inv_id})")
        else:
            amounts, defined = step_fee_amounts(fee, np.array([base], dtype=np.int64),
                                                np.array([cur_code]), report.currencies)
            if not defined[0]:
                why = (f"no {cur} amount (flat {fee.flat.describe() if fee.flat else '–'}), "
                       "not charged")
            elif int(amounts[0]) <= 0:
                why = f"nothing to charge: {_amt(base, cur)} open"
            else:
                why = "not charged"
        out.append(head + why)
    return out


def _recorded_at(report: Report, inv: int, step_id: str, date: int) -> str:
    """`, contacts.csv:4`: the contact row recording the step for the invoice that day."""
    c = report.ledger.contacts
    client = int(report.ledger.invoices["client"].iat[inv])
    sel = np.flatnonzero((c["date"].to_numpy() == date)
                         & (c["step"].fillna("").astype(str).to_numpy() == step_id)
                         & ((c["inv"].to_numpy() == inv)
                            | (c["invoice_id"].isna().to_numpy()
                               & (c["client"].to_numpy() == client))))
    return f", {_at(report, 'contacts', int(c['row'].iat[int(sel[0])]))}" if len(sel) else ""


def _fee_list_text(report: Report, client: int, rule: str) -> str:
    """Which segments.yaml `fees:` list leaves the rule out for the client (the narrowest
    level that names one: client, risk tier, segment, default)."""
    pol = report.policies
    cl = report.ledger.clients.iloc[client]
    cid = str(cl["client_id"])
    seg = cl["segment"] if isinstance(cl["segment"], str) else None
    tier_code = (int(report.ledger.clients["risk_tier"].iat[client])
                 if "risk_tier" in report.ledger.clients else -1)
    tier = pol.risk.bands[tier_code].name if tier_code >= 0 else None
    levels = ((pol.clients.get(cid), f"client {cid}"),
              (pol.risk_assignments.get(tier or ""), f"risk tier {tier}"),
              (pol.segments.get(seg or ""), f"segment {seg}"),
              (pol.default, "default"))
    for a, label in levels:
        if a is not None and a.fees is not None:
            listed = ", ".join(a.fees) or "none"
            return f"the client's fee list ({label}, {a.source}: {listed}) leaves out {rule}"
    return f"the client's fee lists leave out {rule}"


def _due_origin(report: Report, inv: int, r: pd.Series, cid: str, seg: str | None) -> str:
    """Where a due line's date comes from: the invoice's own due_date, or its terms and the
    segments.yaml or terms.yaml line that chose them."""
    pol = report.policies
    invoice = report.ledger.invoices.iloc[inv]
    terms = pol.terms.get(str(r["terms"])) if "terms" in r else None
    deposit = terms is not None and terms.deposit_percent is not None and int(r["line"]) == 0
    if deposit and terms is not None:
        return (f"(deposit of {terms.deposit_percent}%, due on the issue date; terms "
                f"{terms.name}, {terms.source})")
    if int(invoice["due_date"]) != NO_DATE:
        return f"(the invoice's own due_date, {_at(report, 'invoices', inv)})"
    if terms is None:
        return ""
    origin = TERMS_FROM[int(r["terms_from"])] if "terms_from" in r else "?"
    chosen = {
        "invoice": f"the invoice's terms column, {_at(report, 'invoices', inv)}",
        "client": f"client override {pol.clients[cid].source}" if cid in pol.clients else
                  "client override",
        "segment": f"segment {seg} {pol.segments[seg].source}" if seg in pol.segments else
                   "segment",
        "default": f"segments.yaml default {pol.default.source}",
        "default_terms": f"terms.yaml default_terms {pol.default_terms_source}",
    }.get(origin, origin)
    return f"(terms {terms.name}: {terms.describe()}, {terms.source}; chosen by {chosen})"


def _last_contact(report: Report, client: int) -> tuple[int, int, str] | None:
    """(date, days before A, contacts.csv:line) of the client's last contact on or before A."""
    c = report.ledger.contacts
    day = to_day(report.as_of)
    sel = np.flatnonzero((c["client"].to_numpy() == client) & (c["date"].to_numpy() <= day))
    if len(sel) == 0:
        return None
    dates = c["date"].to_numpy()[sel].astype(np.int64)
    last = sel[int(np.argmax(dates))]  # the first row of the latest date
    date = int(c["date"].iat[last])
    return date, day - date, _at(report, "contacts", int(c["row"].iat[last]))


def _step_line(st: Step, r: pd.Series, cur: str, seg: str | None, kind: str,
               contact: tuple[int, int, str] | None) -> str:
    """One step: reached or not, then each of its conditions with its figures."""
    dpd = int(r["days_past_due"])
    reached = dpd >= st.at
    head = (f"{st.id:<18} at {st.at:>4}  {str(st.source):<20} "
            f"{'reached' if reached else 'not reached'} ({dpd} {'≥' if reached else '<'} "
            f"{st.at})")
    checks: list[tuple[bool, str]] = []
    if st.min_balance is not None:
        floor = st.min_balance.for_currency(cur)
        if floor is None:
            checks.append((False, f"min_balance names no amount in {cur}"))
        else:
            ok = int(r["balance"]) >= money.decimal_to_minor(floor, cur)
            checks.append((ok, f"min_balance {floor} {cur}: balance {_amt(r['balance'], cur)} "
                               f"{'≥' if ok else '<'} {floor}"))
    if st.min_days_since_last_contact is not None:
        need = st.min_days_since_last_contact
        if contact is None:
            checks.append((True, f"min_days_since_last_contact {need}: no contact recorded"))
        else:
            ok = contact[1] >= need
            checks.append((ok, f"min_days_since_last_contact {need}: last contact "
                               f"{_day(contact[0])} ({contact[2]}), {_days(contact[1])} ago "
                               f"{'≥' if ok else '<'} {need}"))
    if st.segments is not None:
        ok = seg in st.segments
        checks.append((ok, f"segment {', '.join(st.segments) or '(none)'}: client's segment "
                           f"{seg or '–'} {'is' if ok else 'is not'} listed"))
    if st.kind is not None:
        ok = kind == st.kind
        checks.append((ok, f"kind {st.kind}: client is {kind}"))
    text = head + "".join(f"; {c}" for _, c in checks)
    if reached and checks:
        failed = [c for ok, c in checks if not ok]
        text += " → applies" if not failed else " → does not apply"
    return text


def _pauses(report: Report, inv: int, client: int, ladder: Ladder | None,
            paused: str) -> list[str]:
    """The disputes, plans and promises bearing on the invoice on A, with their rows, and
    whether the ladder lets each one pause it; broken plans and promises too."""
    led = report.ledger
    day = to_day(report.as_of)
    pause_when = ladder.pause_when if ladder else ()
    out = []

    def pauses(name: str) -> str:
        if paused == name:
            return "PAUSES escalation"
        if name in pause_when:
            return "would pause, but an earlier cause already does"
        return f"does not pause (the ladder's pause_when has no {name})"

    d = led.disputes
    dsel = np.flatnonzero((d["inv"].to_numpy() == inv) & (d["opened"].to_numpy() <= day))
    for k in dsel.tolist():
        resolved = int(d["resolved"].iat[k])
        where = _at(report, "disputes", int(d["row"].iat[k]))
        why = d["reason"].iat[k]
        why_text = f", reason {why}" if isinstance(why, str) and why else ""
        if resolved == NO_DATE or resolved > day:
            out.append(f"    dispute opened {_day(d['opened'].iat[k])} ({where}){why_text}, "
                       f"open: {pauses('disputed')}")
        else:
            out.append(f"    dispute opened {_day(d['opened'].iat[k])} ({where}), resolved "
                       f"{_day(resolved)}: no longer pauses")
    plans = report.plans
    if len(plans):
        for k in range(len(plans)):  # the handful of plans, not invoices
            covers = plans["covers"].iat[k]
            if inv not in covers:
                continue
            prow = int(plans["plan"].iat[k])
            p = led.plans
            cur = report.currencies[int(p["cur"].iat[prow])]
            due_n = int(plans["due"].iat[k])
            where = _at(report, "payment_plans", int(p["row"].iat[prow]))
            figures = (f"plan {p['plan_id'].iat[prow]} ({where}): "
                       f"{due_n} of {int(p['installments'].iat[prow])} installments of "
                       f"{_amt(int(p['amount'].iat[prow]), cur)} due by now, "
                       f"{_amt(due_n * int(p['amount'].iat[prow]), cur)} due, "
                       f"{_amt(int(plans['paid'].iat[k]), cur)} paid")
            if bool(plans["broken"].iat[k]):
                out.append(f"    {figures}; BROKEN: the installment due "
                           f"{_day(plans['first_missed'].iat[k])} was missed, so the plan no "
                           "longer pauses escalation")
            elif bool(plans["completed"].iat[k]):
                out.append(f"    {figures}; COMPLETED: every installment was paid and the "
                           "last one is past, so the plan no longer pauses escalation")
            else:
                out.append(f"    {figures}; kept: {pauses('payment_plan')}")
    c = led.contacts
    psel = np.flatnonzero((c["client"].to_numpy() == client) & (c["date"].to_numpy() <= day)
                          & (c["outcome"].fillna("").astype(str).to_numpy() == "promise")
                          & (c["promise_date"].to_numpy() != NO_DATE)
                          & ((c["inv"].to_numpy() == inv) | c["invoice_id"].isna().to_numpy()))
    for k in psel.tolist():
        until = int(c["promise_date"].iat[k])
        scope = "" if bool(pd.notna(c["invoice_id"].iat[k])) else " (all the client's invoices)"
        text = (f"    promise to pay by {_day(until)}{scope}, recorded {_day(c['date'].iat[k])} "
                f"({_at(report, 'contacts', int(c['row'].iat[k]))})")
        if until >= day:
            out.append(f"{text}: running, {pauses('promised')}")
        else:
            out.append(f"{text}: BROKEN, the date passed with the invoice open")
    return out


def _plans_of_client(report: Report, client: int) -> list[str]:
    """The client's broken plans, named at client level (they resume its ladder)."""
    plans = report.plans
    if len(plans) == 0:
        return []
    sel = np.flatnonzero((plans["client"].to_numpy() == client)
                         & plans["broken"].to_numpy().astype(bool))
    p = report.ledger.plans
    return [f"  payment plan {p['plan_id'].iat[int(plans['plan'].iat[k])]} "
            f"({_at(report, 'payment_plans', int(p['row'].iat[int(plans['plan'].iat[k])]))}) "
            "is broken since "
            f"{_day(plans['first_missed'].iat[k])}" for k in sel.tolist()]


def _behaviour_lines(report: Report, client_code: int) -> list[str]:
    """How the client pays, its risk score with its components and its loyalty tier."""
    from .profile import by_client

    out = []
    for p in by_client(report).get(client_code, []):
        late = (f"{p.avg_days_late} days late on average ({p.weighted_days_late or '–'} by "
                f"amount), {p.on_time_percent} on time" if p.avg_days_late
                else "no days-late figure")
        out.append(f"  payment behaviour in {p.currency}: {p.invoices_paid} invoice(s) paid in "
                   f"the window, {late}, {p.partial_payments} partial payment(s)")
        out.append(f"    risk {p.risk_tier}, score {p.score}: {p.risk_reason}")
        for sig in p.signals:
            out.append(f"    signal +{sig.weight}: {sig.text}")
        out.append(f"    loyalty {p.tier or 'none'}{f' ({p.change})' if p.change else ''}: "
                   f"{p.tier_reason}")
    return out
