"""The day's action list as the page and PDF show it: by owner, then channel, then client."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..compute.escalation import StepTable
from ..pipeline import Report
from ..resources import letter_template
from . import format as fmt
from .contacts_view import ContactHistory, ContactLine
from .reasons import action_reasons, fee_reasons, hold_reasons
from .view import client_slug

MAX_FEES_SHOWN = 500
CHANNEL_TEXT = {"email": "Emails", "letter": "Letters", "phone": "Calls", "sms": "Text messages",
                "agency": "Agency referrals", "legal": "Legal referrals",
                "internal": "Internal", "": "Account actions"}


@dataclass(frozen=True)
class ActionLine:
    invoice_id: str
    amount: str
    days_past_due: int
    reason: str


@dataclass(frozen=True)
class ClientAction:
    client_id: str
    name: str
    href: str
    step: str
    when: str
    template: str
    action: str
    currency: str
    total: str
    lines: list[ActionLine]
    # for the collector: who to ask for, how to reach them, what was said last
    contact: str = ""
    phone: str = ""
    email: str = ""
    last: ContactLine | None = None
    promise: ContactLine | None = None


@dataclass(frozen=True)
class ActionGroup:
    owner: str
    channel: str
    title: str
    actions: list[ClientAction]


@dataclass(frozen=True)
class HoldRow:
    client_id: str
    name: str
    href: str
    balance: str
    limit: str
    reason: str


@dataclass(frozen=True)
class FeeRow:
    client_id: str
    name: str
    href: str
    invoice_id: str
    rule: str
    date: str
    amount: str
    reason: str


@dataclass(frozen=True)
class HeldRow:
    client_id: str
    name: str
    href: str
    invoice_id: str
    step: str
    why: str


@dataclass(frozen=True)
class ActionsView:
    groups: list[ActionGroup]
    holds: list[HoldRow]
    fees: list[FeeRow]
    fee_totals: list[str]
    fee_count: int
    held_back: list[HeldRow]
    count: int
    clients: int


def build_actions_view(report: Report) -> ActionsView:
    table = StepTable.of(report.policies)
    acts = report.actions
    client_ids = report.ledger.client_ids()
    names = report.ledger.clients["name"].astype(str).to_numpy()
    kinds = report.ledger.clients["kind"].fillna("business").astype(str).to_numpy()
    inv_ids = report.ledger.invoices["invoice_id"].to_numpy(dtype=object)
    reasons = action_reasons(report)
    history = ContactHistory(report)
    info = {k: report.ledger.clients[k].to_numpy(dtype=object) if k in report.ledger.clients
            else np.full(len(names), None, dtype=object) for k in ("contact", "phone", "email")}

    def text(k: str, c: int) -> str:
        v = info[k][c]
        return "" if v is None or v is pd.NA or (isinstance(v, float) and v != v) else str(v)

    amount_text = fmt.amounts_in(acts["amount"].to_numpy(), acts["cur"].to_numpy(),
                                 report.currencies)
    rows = []
    for i, (c, inv, cur, g, amount, dpd) in enumerate(zip(
            acts["client"].tolist(), acts["inv"].tolist(), acts["cur"].tolist(),
            acts["step"].tolist(), acts["amount"].tolist(), acts["days_past_due"].tolist(),
            strict=True)):
        _, st = table.steps[g]
        rows.append((st.owner or "", st.channel or "", str(client_ids[c]), st.order, g, cur,
                     str(inv_ids[inv]), int(amount), int(dpd), reasons[i], c, i))
    rows.sort(key=lambda r: (r[0] == "", r[0], r[1] == "", r[1], r[2], r[3], r[6]))
    # one client action per run of rows with the same group, client, step and currency
    runs: list[list[tuple]] = []  # type: ignore[type-arg]
    for row in rows:
        if runs:
            prev = runs[-1][0]
            if (prev[0], prev[1], prev[2], table.steps[prev[4]][1].id, prev[5]) == (
                    row[0], row[1], row[2], table.steps[row[4]][1].id, row[5]):
                runs[-1].append(row)
                continue
        runs.append([row])
    totals = np.array([sum(r[7] for r in run) for run in runs], dtype=np.int64)
    total_text = fmt.amounts_in(totals, np.array([run[0][5] for run in runs], dtype=np.int64),
                                report.currencies)
    consumer_template: dict[str, str] = {}
    groups: list[ActionGroup] = []
    for run, total in zip(runs, total_text, strict=True):
        owner, channel, cid, _order, g, cur, *_rest = run[0]
        c = run[0][10]
        if not groups or (groups[-1].owner, groups[-1].channel) != (owner or "unassigned",
                                                                     channel):
            groups.append(ActionGroup(owner=owner or "unassigned", channel=channel,
                                      title=CHANNEL_TEXT.get(channel, channel.title()),
                                      actions=[]))
        _, st = table.steps[g]
        template = st.template or ""
        if template and kinds[c] == "consumer":
            if template not in consumer_template:
                path = letter_template(template, Path(report.policies.folder), "consumer")
                consumer_template[template] = template + (
                    " (consumer wording)" if path is not None and path.parent.name == "consumer"
                    else "")
            template = consumer_template[template]
        groups[-1].actions.append(ClientAction(
            client_id=cid, name=str(names[c]), href=f"clients/{client_slug(cid)}.html",
            step=st.id, when=st.when(), template=template, action=st.action or "",
            currency=report.currencies[cur], total=total,
            lines=[ActionLine(invoice_id=r[6], amount=amount_text[r[11]], days_past_due=r[8],
                              reason=r[9]) for r in run],
            contact=text("contact", c), phone=text("phone", c), email=text("email", c),
            last=history.last(c), promise=history.running_promise(c)))
    h = report.holds
    hreasons = hold_reasons(report)
    holds = []
    for k, (c, cur, bal, lim) in enumerate(zip(h["client"].tolist(), h["cur"].tolist(),
                                               h["balance"].tolist(), h["limit"].tolist(),
                                               strict=True)):
        currency = report.currencies[cur]
        holds.append(HoldRow(client_id=str(client_ids[c]), name=str(names[c]),
                             href=f"clients/{client_slug(str(client_ids[c]))}.html",
                             balance=fmt.amount(bal, currency),
                             limit=fmt.amount(lim, currency) if lim >= 0 else "–",
                             reason=hreasons[k]))
    holds.sort(key=lambda r: r.client_id)
    f = report.fees
    freasons = fee_reasons(report)
    fee_count = len(f)
    # the page lists the largest charges; data/fees.csv holds every one
    shown = np.sort(np.argsort(-f["amount"].to_numpy(), kind="stable")[:MAX_FEES_SHOWN])
    freasons = [freasons[k] for k in shown.tolist()]
    f = f.iloc[shown]
    fees = [FeeRow(client_id=str(client_ids[c]), name=str(names[c]),
                   href=f"clients/{client_slug(str(client_ids[c]))}.html",
                   invoice_id=str(inv_ids[i]), rule=rule, date=fmt.day(d),
                   amount=fmt.amount(a, report.currencies[cur]), reason=freasons[k])
            for k, (c, i, cur, rule, d, a) in enumerate(zip(
                f["client"].tolist(), f["inv"].tolist(), f["cur"].tolist(), f["rule"].tolist(),
                f["date"].tolist(), f["amount"].tolist(), strict=True))]
    all_fees = report.fees
    fee_totals = [fmt.amount(int(all_fees.loc[all_fees["cur"] == code, "amount"].sum()), cur)
                  for code, cur in enumerate(report.currencies)
                  if (all_fees["cur"] == code).any()]
    esc = report.escalated
    hb = esc.loc[esc["held_back"].astype(str).to_numpy() != ""] if "held_back" in esc else esc[:0]
    hb = hb.drop_duplicates(["inv", "step"])
    held_back = sorted(
        (HeldRow(client_id=str(client_ids[c]), name=str(names[c]),
                 href=f"clients/{client_slug(str(client_ids[c]))}.html",
                 invoice_id=str(inv_ids[i]), step=table.steps[g][1].id, why=why)
         for c, i, g, why in zip(hb["client"].tolist(), hb["inv"].tolist(),
                                 hb["step"].tolist(), hb["held_back"].tolist(), strict=True)),
        key=lambda r: (r.client_id, r.invoice_id))
    return ActionsView(groups=groups, holds=holds, fees=fees, fee_totals=fee_totals,
                       fee_count=fee_count,
                       held_back=held_back,
                       count=len(acts),
                       clients=int(len(np.unique(acts["client"].to_numpy()))))
