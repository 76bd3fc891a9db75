"""`arreport explain`: the chain of rules behind one client's or invoice's actions, in text."""

from __future__ import annotations

import numpy as np

from .. import money
from ..compute.escalation import StepTable, client_ladders
from ..compute.terms import TERMS_FROM
from ..ledger.dates import from_day
from ..pipeline import Report
from .reasons import action_reasons, fee_reasons, hold_reasons


def _amt(minor: int, cur: str) -> str:
    return f"{money.format_amount(int(minor), cur)} {cur}"


def explain(report: Report, client_code: int, inv_rows: list[int]) -> list[str]:
    pol = report.policies
    led = report.ledger
    cl = led.clients.iloc[client_code]
    cid = str(cl["client_id"])
    table = StepTable.of(pol)
    lad_codes, excluded = client_ladders(led.clients, pol)
    seg = cl["segment"] if isinstance(cl["segment"], str) else None
    lines = [f"Client {cid} {cl['name']} (segment {seg or '–'}, kind {cl['kind']})"]
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
        lines.append("  excluded from reminders, fees and holds by segments.yaml")
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
    else:
        lines.append("  not on hold")

    esc = report.escalated
    a_reasons = action_reasons(report)
    f_reasons = fee_reasons(report)
    inv_ids = led.invoices["invoice_id"].astype(str).to_numpy()
    for inv in inv_rows:
        rows = esc.loc[esc["inv"].to_numpy() == inv]
        invoice = led.invoices.iloc[inv]
        cur = report.currencies[int(invoice["cur"])]
        lines.append("")
        lines.append(f"Invoice {inv_ids[inv]}: issued {from_day(int(invoice['issue_date']))}, "
                     f"amount {_amt(invoice['amount'], cur)}")
        if len(rows) == 0:
            lines.append("  not open on the as-of date (paid, credited, or issued later)")
            continue
        for _, r in rows.iterrows():
            terms = pol.terms[str(r["terms"])] if "terms" in r and str(r["terms"]) in pol.terms \
                else None
            origin = TERMS_FROM[int(r["terms_from"])] if "terms_from" in r else "?"
            own_due = int(invoice["due_date"]) == int(r["due_date"]) and origin == "invoice"
            lines.append(f"  due line {int(r['line'])}: due {from_day(int(r['due_date']))} "
                         + ("(the invoice's own due_date)" if own_due else
                            f"(terms {terms.name}: {terms.describe()}, from {origin}; "
                            f"{terms.source})" if terms else ""))
            lines.append(f"    open {_amt(r['open_amount'], cur)}; {int(r['days_past_due'])} "
                         f"days past due; bucket {report.bucket_labels[int(r['bucket'])]}"
                         + ("; DISPUTED" if r["disputed"] else ""))
            if r["paused"]:
                lines.append(f"    paused: {r['paused']} (ladder pause_when)")
            if ladder:
                for st in ladder.steps:
                    reached = int(r["days_past_due"]) >= st.at
                    mark = "reached" if reached else "not reached"
                    extra = ""
                    if st.min_balance is not None:
                        floor = st.min_balance.for_currency(cur)
                        ok = floor is not None and int(r["balance"]) >= money.decimal_to_minor(
                            floor, cur)
                        extra = (f"; min_balance {floor} {cur}: balance "
                                 f"{_amt(r['balance'], cur)} {'≥' if ok else '<'} {floor}")
                    lines.append(f"    {st.id:<18} at {st.at:>4}  {str(st.source):<20} "
                                 f"{mark} ({int(r['days_past_due'])} {'≥' if reached else '<'} "
                                 f"{st.at}){extra}")
            step = int(r["step"])
            lines.append("    stands on: " + (table.steps[step][1].id if step >= 0 else
                                               "no step"))
            if r.get("held_back", ""):
                lines.append(f"    held back today: {r['held_back']}")
            rec = int(r["recorded"])
            if ladder and rec >= 0:
                lines.append(f"    contact log already records: {ladder.steps[rec].id}")
        acts = report.actions
        for k in np.flatnonzero(acts["inv"].to_numpy() == inv):
            lines.append(f"  ACTION today: {a_reasons[int(k)]}")
        if not (acts["inv"].to_numpy() == inv).any():
            lines.append("  no action today")
        for k in np.flatnonzero(report.fees["inv"].to_numpy() == inv):
            lines.append(f"  FEE: {f_reasons[int(k)]}")
    return lines
