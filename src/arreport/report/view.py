"""What each page and PDF shows: rows already sorted, totalled and formatted for templates."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ..diagnostics import Diagnostic, in_order
from ..ledger.dates import to_day
from ..pipeline import Report
from . import format as fmt


def client_slug(client_id: str) -> str:
    """A file-name-safe, unique, stable name for a client's page and statement.

    Unique on a case-insensitive disk too (macOS, Windows): an id kept as it is has no
    lower-case letter, so two such names differ in more than case; any other id (one with
    characters a file name cannot hold, or with a lower-case letter, as `a` beside `A`)
    gets a hash of the exact id appended.
    """
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", client_id).strip(".") or "client"
    if safe != client_id or re.search(r"[a-z]", client_id):
        safe += "-" + hashlib.sha1(client_id.encode("utf-8")).hexdigest()[:8]
    return safe


@dataclass(frozen=True)
class AgingRow:
    client_id: str
    name: str
    href: str
    buckets: list[str]
    total: str
    overdue: str
    unapplied: str
    css: list[str]  # per bucket: "" or "zero"


@dataclass(frozen=True)
class CurrencyAging:
    currency: str
    labels: list[str]
    rows: list[AgingRow]
    top_overdue: list[AgingRow]  # the largest overdue balances, overdue > 0 only
    totals: list[str]
    total: str
    overdue: str
    unapplied: str
    unapplied_minor: int
    clients_open: int
    clients_overdue: int
    items: int
    disputed: str
    shares: list[float]  # share of total per bucket, for the bar


@dataclass(frozen=True)
class ItemRow:
    invoice_id: str
    issue_date: str
    due_date: str
    amount: str
    open_amount: str
    days_past_due: int
    bucket: str
    disputed: bool
    overdue: bool
    paused: str = ""  # "payment plan", "promise to pay" or ""


@dataclass(frozen=True)
class ClientCurrency:
    currency: str
    labels: list[str]
    buckets: list[str]
    total: str
    total_minor: int
    unapplied: str
    unapplied_minor: int
    items: list[ItemRow]


@dataclass(frozen=True)
class ClientView:
    client_id: str
    slug: str
    name: str
    address_lines: list[str]
    contact: str
    email: str
    segment: str
    kind: str
    terms: str
    currencies: list[ClientCurrency]
    has_statement: bool
    credit: str = ""  # "limit $10,000.00 · 124% used", or ""
    hold: str = ""  # why the client is on hold, or ""
    actions: list[str] = field(default_factory=list)  # today's steps: "INV-1: formal_notice"
    profiles: list[Any] = field(default_factory=list)  # profile.Profile per currency
    offers: list[OfferRow] = field(default_factory=list)  # early-payment discounts to take
    phone: str = ""
    history: list[Any] = field(default_factory=list)  # contacts_view.ContactLine, newest first


@dataclass(frozen=True)
class OfferRow:
    invoice_id: str
    currency: str
    open_amount: str
    discount: str
    pay: str
    deadline: str
    reason: str


@dataclass(frozen=True)
class SiteView:
    as_of: str
    as_of_iso: str
    currencies: list[CurrencyAging]
    clients: list[ClientView]
    warnings: list[str]
    warning_count: int
    company: dict[str, str] = field(default_factory=dict)
    window_days: int = 365  # the behaviour window
    trend_days: int = 90


def split_address(text: object) -> list[str]:
    """A clients.csv address as lines (split at newlines, a written \\n, or ';')."""
    if text is None or text is pd.NA or (isinstance(text, float) and np.isnan(text)):
        return []
    parts = re.split(r"\s*(?:\n|\\n|;)\s*", str(text))
    return [p for p in parts if p]


def _text(value: object) -> str:
    return "" if value is None or value is pd.NA else str(value)


def build_view(report: Report, max_warnings: int = 200) -> SiteView:
    labels = list(report.bucket_labels)
    nb = len(labels)
    ledger = report.ledger
    client_ids = ledger.client_ids()
    clients = ledger.clients
    names = clients["name"].astype(str).to_numpy()
    table = report.aging
    items = report.items
    as_of_day = to_day(report.as_of)

    # --- aging per currency, largest overdue first ---------------------------------------
    cur_views: list[CurrencyAging] = []
    bucket_matrix = table[labels].to_numpy(dtype=np.int64) if len(table) else np.zeros((0, nb))
    for code, cur in enumerate(report.currencies):
        sel = table["cur"].to_numpy() == code
        if not sel.any():
            continue
        sub = bucket_matrix[sel]
        clients_sel = table["client"].to_numpy()[sel]
        total = sub.sum(axis=1)
        overdue = total - sub[:, 0]
        unapplied = table["unapplied_credit"].to_numpy()[sel]
        order = np.lexsort((client_ids[clients_sel].astype(str), -total, -overdue))
        rows = []
        top: list[AgingRow] = []
        for i in order:
            c = int(clients_sel[i])
            rows.append(AgingRow(
                client_id=str(client_ids[c]), name=str(names[c]),
                href=f"clients/{client_slug(str(client_ids[c]))}.html",
                buckets=[fmt.amount(v, cur) if v else "–" for v in sub[i]],
                total=fmt.amount(total[i], cur), overdue=fmt.amount(overdue[i], cur),
                unapplied=fmt.amount(unapplied[i], cur) if unapplied[i] else "–",
                css=["" if v else "zero" for v in sub[i]]))
            if overdue[i] > 0 and len(top) < 10:
                top.append(rows[-1])
        col_totals = sub.sum(axis=0)
        grand = int(col_totals.sum())
        isel = items["cur"].to_numpy() == code
        disputed_amt = int(items["open_amount"].to_numpy()[isel & items["disputed"].to_numpy()]
                           .sum())
        cur_views.append(CurrencyAging(
            currency=cur, labels=labels, rows=rows, top_overdue=top,
            totals=[fmt.amount(v, cur) for v in col_totals], total=fmt.amount(grand, cur),
            overdue=fmt.amount(grand - int(col_totals[0]), cur),
            unapplied=fmt.amount(int(unapplied.sum()), cur),
            unapplied_minor=int(unapplied.sum()),
            clients_open=int((total > 0).sum()), clients_overdue=int((overdue > 0).sum()),
            items=int(isel.sum()), disputed=fmt.amount(disputed_amt, cur),
            shares=[float(v) / grand if grand else 0.0 for v in col_totals]))

    # --- clients with anything to show: one pass over sorted items, split by client -------
    # client codes are ranks of the sorted client ids, so sorting by code sorts by id
    order = np.lexsort((items["line"].to_numpy(), items["invoice_id"].to_numpy(dtype=object)
                        .astype(str), items["due_date"].to_numpy(), items["cur"].to_numpy(),
                        items["client"].to_numpy())) if len(items) else np.zeros(0, np.int64)
    it = items.iloc[order]
    it_client = it["client"].to_numpy()
    it_cur = it["cur"].to_numpy()
    cur_names = report.currencies
    amounts = [fmt.amount(v, cur_names[c]) for v, c in zip(it["amount"].to_numpy().tolist(),
                                                             it_cur.tolist(), strict=True)]
    opens = [fmt.amount(v, cur_names[c]) for v, c in zip(it["open_amount"].to_numpy().tolist(),
                                                           it_cur.tolist(), strict=True)]
    dpd = it["days_past_due"].to_numpy().tolist()
    pause_words = {"payment_plan": "payment plan", "promised": "promise to pay"}
    paused_col = (report.escalated["paused"].to_numpy()[order].tolist()
                  if "paused" in report.escalated else [""] * len(it))
    rows_all = [
        ItemRow(invoice_id=str(inv), issue_date=fmt.day(iss), due_date=fmt.day(due), amount=am,
                open_amount=op, days_past_due=d, bucket=labels[b], disputed=bool(dis),
                overdue=d > 0, paused=pause_words.get(str(pz), ""))
        for inv, iss, due, am, op, d, b, dis, pz in zip(
            it["invoice_id"].to_numpy(dtype=object).tolist(), it["issue_date"].to_numpy().tolist(),
            it["due_date"].to_numpy().tolist(), amounts, opens, dpd,
            it["bucket"].to_numpy().tolist(), it["disputed"].to_numpy().tolist(), paused_col,
            strict=True)
    ]
    # item rows per (client, cur): start/stop offsets in the sorted list
    key_items = it_client.astype(np.int64) * len(cur_names) + it_cur
    tab_order = np.lexsort((table["cur"].to_numpy(), table["client"].to_numpy()))
    tab = table.iloc[tab_order]
    t_client = tab["client"].to_numpy()
    t_cur = tab["cur"].to_numpy()
    key_tab = t_client.astype(np.int64) * len(cur_names) + t_cur
    starts = np.searchsorted(key_items, key_tab, side="left")
    stops = np.searchsorted(key_items, key_tab, side="right")
    t_buckets = tab[labels].to_numpy(dtype=np.int64).tolist()
    t_total = tab["total"].to_numpy().tolist()
    t_unapplied = tab["unapplied_credit"].to_numpy().tolist()
    terms_col = (it["terms"].astype(str).to_numpy().tolist() if "terms" in it
                 else [""] * len(it))
    info = {c: clients[c].to_numpy(dtype=object).tolist() if c in clients
            else [None] * len(clients)
            for c in ("address", "contact", "email", "segment", "kind", "phone")}
    credit_text, hold_text, action_text = _client_status(report)
    client_views: list[ClientView] = []
    i = 0
    while i < len(tab):
        c = int(t_client[i])
        j = i
        ccs = []
        while j < len(tab) and int(t_client[j]) == c:
            cur = cur_names[int(t_cur[j])]
            ccs.append(ClientCurrency(
                currency=cur, labels=labels,
                buckets=[fmt.amount(v, cur) for v in t_buckets[j]],
                total=fmt.amount(t_total[j], cur), total_minor=int(t_total[j]),
                unapplied=fmt.amount(t_unapplied[j], cur), unapplied_minor=int(t_unapplied[j]),
                items=rows_all[starts[j]:stops[j]]))
            j += 1
        first_item = int(starts[i]) if stops[i] > starts[i] else -1
        client_views.append(ClientView(
            client_id=str(client_ids[c]), slug=client_slug(str(client_ids[c])),
            name=str(names[c]), address_lines=split_address(info["address"][c]),
            contact=_text(info["contact"][c]), email=_text(info["email"][c]),
            segment=_text(info["segment"][c]), kind=_text(info["kind"][c]),
            terms=terms_col[first_item] if first_item >= 0 else "", currencies=ccs,
            has_statement=any(cc.total_minor > 0 or cc.unapplied_minor > 0 for cc in ccs),
            phone=_text(info["phone"][c]),
            credit=credit_text.get(c, ""), hold=hold_text.get(c, ""),
            actions=action_text.get(c, [])))
        i = j

    # a client with no balance but a fee, action or hold due still gets a page
    shown = {int(c) for c in t_client.tolist()}
    extra = sorted({int(c) for frame in (report.fees, report.actions, report.holds,
                                         report.behaviour)
                    for c in frame["client"].tolist()} - shown)
    for c in extra:
        client_views.append(ClientView(
            client_id=str(client_ids[c]), slug=client_slug(str(client_ids[c])),
            name=str(names[c]), address_lines=split_address(info["address"][c]),
            contact=_text(info["contact"][c]), email=_text(info["email"][c]),
            segment=_text(info["segment"][c]), kind=_text(info["kind"][c]), terms="",
            currencies=[], has_statement=False, credit=credit_text.get(c, ""),
            phone=_text(info["phone"][c]),
            hold=hold_text.get(c, ""), actions=action_text.get(c, [])))
    client_views.sort(key=lambda v: v.client_id)
    client_views = _with_profiles(report, client_views)

    warns = in_order(d for d in report.diagnostics if d.severity == "warning")
    _ = as_of_day
    return SiteView(
        as_of=fmt.date(report.as_of), as_of_iso=report.as_of.isoformat(),
        currencies=cur_views, clients=client_views,
        warnings=[_warning_text(d) for d in warns[:max_warnings]], warning_count=len(warns),
        window_days=report.policies.risk.window_days, trend_days=report.policies.risk.trend_days)


def _with_profiles(report: Report, views: list[ClientView]) -> list[ClientView]:
    """Each client's payment behaviour, risk, loyalty and open discount offers."""
    from .contacts_view import ContactHistory
    from .profile import by_client
    from .profile_tables import offer_reasons

    code_of = {str(c): i for i, c in enumerate(report.ledger.client_ids().tolist())}
    profiles = by_client(report)
    history = ContactHistory(report)
    o = report.offers
    reasons = offer_reasons(report)
    inv_ids = report.ledger.invoices["invoice_id"].to_numpy(dtype=object)
    offers: dict[int, list[OfferRow]] = {}
    for k, (c, cur, inv, disc, dl, pay) in enumerate(zip(
            o["client"].tolist(), o["cur"].tolist(), o["inv"].tolist(), o["discount"].tolist(),
            o["deadline"].tolist(), o["pay"].tolist(), strict=True)):
        name = report.currencies[int(cur)]
        offers.setdefault(int(c), []).append(OfferRow(
            invoice_id=str(inv_ids[int(inv)]), currency=name,
            open_amount=fmt.amount(int(pay) + int(disc), name), discount=fmt.amount(disc, name),
            pay=fmt.amount(pay, name), deadline=fmt.day(int(dl)), reason=reasons[k]))
    out = []
    for v in views:
        code = code_of[v.client_id]
        out.append(replace(v, profiles=profiles.get(code, []), offers=offers.get(code, []),
                           history=history.of(code)))
    return out


def _client_status(report: Report) -> tuple[dict[int, str], dict[int, str], dict[int, list[str]]]:
    """Per client code: credit-limit usage, hold reason and today's actions, as text."""
    from .reasons import hold_reasons, step_names

    clients = report.ledger.clients
    credit: dict[int, str] = {}
    limits = clients["credit_limit"]
    has = np.flatnonzero(limits.notna().to_numpy())
    if len(has):
        esc = report.escalated
        ccur = clients["cur"].to_numpy().astype(np.int64)
        same = esc["cur"].to_numpy() == ccur[esc["client"].to_numpy()]
        owed = pd.Series(esc["open_amount"].to_numpy()[same]).groupby(
            esc["client"].to_numpy()[same]).sum()
        for c in has.tolist():
            cur = report.currencies[int(ccur[c])]
            limit = int(limits.iat[c])
            used = int(owed.get(c, 0))
            pct = f" · {used * 100 // limit}% used" if limit > 0 else ""
            credit[c] = f"limit {fmt.amount(limit, cur)}{pct}"
    holds = report.holds
    reasons = hold_reasons(report)
    hold = {int(c): reasons[k] for k, c in enumerate(holds["client"].tolist())}
    acts = report.actions
    ids, _, _ = step_names(report, acts["step"].to_numpy().astype(np.int64))
    inv_ids = report.ledger.invoices["invoice_id"].to_numpy(dtype=object)
    actions: dict[int, list[str]] = {}
    for c, inv, step in zip(acts["client"].tolist(), acts["inv"].tolist(), ids, strict=True):
        actions.setdefault(int(c), []).append(f"{inv_ids[inv]}: {step}")
    return credit, hold, actions


def _warning_text(d: Diagnostic) -> str:
    return d.format().replace(": warning: ", ": ", 1)
