"""The day's action list as the page and PDF show it: by owner, then channel, then client."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

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


class ActionLine(NamedTuple):
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


class HoldRow(NamedTuple):
    client_id: str
    name: str
    href: str
    balance: str
    limit: str
    reason: str


class FeeRow(NamedTuple):
    client_id: str
    name: str
    href: str
    invoice_id: str
    rule: str
    date: str
    amount: str
    reason: str


class HeldRow(NamedTuple):
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
    # sorted by owner, then channel (unassigned and none last), client id, step order and
    # invoice id; every key an integer rank, the strings compared once
    steps = table.steps
    group_keys = sorted({(st.owner or "", st.channel or "") for _, st in steps},
                        key=lambda k: (k[0] == "", k[0], k[1] == "", k[1]))
    group_rank = {k: r for r, k in enumerate(group_keys)}
    step_group = np.array([group_rank[(st.owner or "", st.channel or "")] for _, st in steps]
                          + [0], dtype=np.int64)
    step_order = np.array([st.order for _, st in steps] + [0], dtype=np.int64)
    step_ids = sorted({st.id for _, st in steps})
    step_id = np.array([step_ids.index(st.id) for _, st in steps] + [0], dtype=np.int64)
    a_client = acts["client"].to_numpy().astype(np.int64)
    a_step = acts["step"].to_numpy().astype(np.int64)
    a_cur = acts["cur"].to_numpy().astype(np.int64)
    a_inv = acts["inv"].to_numpy().astype(np.int64)
    id_text = client_ids[a_client].astype(str) if len(acts) else np.zeros(0, str)
    _, client_rank = np.unique(id_text, return_inverse=True)
    inv_text = inv_ids[a_inv].astype(str) if len(acts) else np.zeros(0, str)
    _, inv_rank = np.unique(inv_text, return_inverse=True)
    order = np.lexsort((inv_rank, step_order[a_step], client_rank, step_group[a_step]))
    # one client action per run of rows with the same group, client, step id and currency
    key = np.stack([step_group[a_step], a_client, step_id[a_step], a_cur])[:, order]
    starts = np.flatnonzero(np.concatenate([[True], (key[:, 1:] != key[:, :-1]).any(axis=0)])
                            ) if len(order) else np.zeros(0, np.int64)
    bounds = np.append(starts, len(order))
    amounts = acts["amount"].to_numpy().astype(np.int64)[order]
    totals = np.add.reduceat(amounts, starts) if len(starts) else np.zeros(0, np.int64)
    total_text = fmt.amounts_in(totals, a_cur[order][starts], report.currencies)
    dpd = acts["days_past_due"].to_numpy().astype(np.int64)
    runs = [order[bounds[k]:bounds[k + 1]].tolist() for k in range(len(starts))]
    groups: list[ActionGroup] = []
    consumer_template: dict[str, str] = {}
    for run, total in zip(runs, total_text, strict=True):
        i = run[0]
        c, g = int(a_client[i]), int(a_step[i])
        _, st = steps[g]
        owner, channel = st.owner or "", st.channel or ""
        if not groups or (groups[-1].owner, groups[-1].channel) != (owner or "unassigned",
                                                                     channel):
            groups.append(ActionGroup(owner=owner or "unassigned", channel=channel,
                                      title=CHANNEL_TEXT.get(channel, channel.title()),
                                      actions=[]))
        template = st.template or ""
        if template and kinds[c] == "consumer":
            if template not in consumer_template:
                path = letter_template(template, Path(report.policies.folder), "consumer")
                consumer_template[template] = template + (
                    " (consumer wording)" if path is not None and path.parent.name == "consumer"
                    else "")
            template = consumer_template[template]
        cid = str(id_text[i])
        groups[-1].actions.append(ClientAction(
            client_id=cid, name=str(names[c]), href=f"clients/{client_slug(cid)}.html",
            step=st.id, when=st.when(), template=template, action=st.action or "",
            currency=report.currencies[int(a_cur[i])], total=total,
            lines=[ActionLine(invoice_id=str(inv_text[r]), amount=amount_text[r],
                              days_past_due=int(dpd[r]), reason=reasons[r]) for r in run],
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
