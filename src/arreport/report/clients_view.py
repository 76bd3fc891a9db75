"""Each client's page: its balances, open items, offers, profiles and contact history.

The figures of every client are prepared once, column by column (ClientPages); the page of
a client is assembled from them only when it is rendered (`views(lo, hi)`), a slice of
clients at a time, so a site of many clients never holds every page's rows at once and the
slices can be rendered by separate processes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ..pipeline import Report
from . import format as fmt
from .view import ClientRow, ClientTotal, client_slug, split_address


class ItemRow(NamedTuple):
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


class OfferRow(NamedTuple):
    invoice_id: str
    currency: str
    open_amount: str
    discount: str
    pay: str
    deadline: str
    reason: str


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


PAUSE_WORDS = {"payment_plan": "payment plan", "promised": "promise to pay"}


def _text(value: object) -> str:
    return "" if value is None or value is pd.NA else str(value)


class ClientPages:
    """The clients that get a page, in client-id order, with their figures prepared.

    A client gets a page when it has an open item or unapplied credit, or a fee, action,
    hold or payment behaviour to show.
    """

    def __init__(self, report: Report):
        from .contacts_view import ContactHistory
        from .profile import by_client
        from .profile_tables import offer_reasons

        self.report = report
        self.labels = list(report.bucket_labels)
        self.currencies = list(report.currencies)
        ledger = report.ledger
        self.client_ids = ledger.client_ids()
        clients = ledger.clients
        self.names = clients["name"].astype(str).to_numpy()
        ncur = max(len(self.currencies), 1)

        # open items sorted by client, currency, due date, invoice, line
        items = report.items
        order = np.lexsort((items["line"].to_numpy(),
                            items["invoice_id"].to_numpy(dtype=object).astype(str),
                            items["due_date"].to_numpy(), items["cur"].to_numpy(),
                            items["client"].to_numpy())) if len(items) else np.zeros(0, np.int64)
        it = items.iloc[order]
        self.it_invoice = it["invoice_id"].to_numpy(dtype=object)
        self.it_issue = it["issue_date"].to_numpy()
        self.it_due = it["due_date"].to_numpy()
        self.it_amount = it["amount"].to_numpy()
        self.it_open = it["open_amount"].to_numpy()
        self.it_dpd = it["days_past_due"].to_numpy()
        self.it_bucket = it["bucket"].to_numpy()
        self.it_disputed = it["disputed"].to_numpy()
        self.it_cur = it["cur"].to_numpy()
        self.it_paused = (report.escalated["paused"].to_numpy(dtype=object)[order]
                          if "paused" in report.escalated
                          else np.full(len(it), "", dtype=object))
        self.it_terms = (it["terms"].astype(str).to_numpy(dtype=object) if "terms" in it
                         else np.full(len(it), "", dtype=object))
        key_items = it["client"].to_numpy().astype(np.int64) * ncur + self.it_cur

        # aging rows sorted by client and currency, each with its slice of the items
        table = report.aging
        tab = table.iloc[np.lexsort((table["cur"].to_numpy(), table["client"].to_numpy()))]
        self.t_client = tab["client"].to_numpy().astype(np.int64)
        self.t_cur = tab["cur"].to_numpy().astype(np.int64)
        key_tab = self.t_client * ncur + self.t_cur
        self.starts = np.searchsorted(key_items, key_tab, side="left")
        self.stops = np.searchsorted(key_items, key_tab, side="right")
        self.t_buckets = tab[self.labels].to_numpy(dtype=np.int64)
        self.t_total = tab["total"].to_numpy().astype(np.int64)
        self.t_unapplied = tab["unapplied_credit"].to_numpy().astype(np.int64)

        # a client with no balance but a fee, action, hold or behaviour still gets a page
        extra = [frame["client"].to_numpy().astype(np.int64)
                 for frame in (report.fees, report.actions, report.holds, report.behaviour)]
        codes = np.unique(np.concatenate([self.t_client, *extra]))
        ids = self.client_ids[codes].astype(str) if len(codes) else np.zeros(0, str)
        self.codes = codes[np.argsort(ids, kind="stable")]
        # the amounts as text, formatted column by column
        cur_list = self.currencies
        self.it_amount_text = fmt.amounts_in(self.it_amount, self.it_cur, cur_list)
        self.it_open_text = fmt.amounts_in(self.it_open, self.it_cur, cur_list)
        nb = len(self.labels)
        self.t_buckets_text = np.array(fmt.amounts_in(
            self.t_buckets.ravel(), np.repeat(self.t_cur, nb), cur_list),
            dtype=object).reshape(len(self.t_cur), nb).tolist()
        self.t_total_text = fmt.amounts_in(self.t_total, self.t_cur, cur_list)
        self.t_unapplied_text = fmt.amounts_in(self.t_unapplied, self.t_cur, cur_list)
        self.tab_lo = np.searchsorted(self.t_client, self.codes, side="left")
        self.tab_hi = np.searchsorted(self.t_client, self.codes, side="right")

        self.info = {c: clients[c].to_numpy(dtype=object) if c in clients
                     else np.full(len(clients), None, dtype=object)
                     for c in ("address", "contact", "email", "segment", "kind", "phone")}
        self.credit, self.hold, self.actions = client_status(report)
        self.profiles = by_client(report)
        self.history = ContactHistory(report)
        self.offers = _offer_rows(report, offer_reasons(report))

    def __len__(self) -> int:
        return len(self.codes)

    def rows(self) -> list[ClientRow]:
        """Every client with a page, for the clients list: its balance per currency."""
        out = []
        for p, c in enumerate(self.codes.tolist()):
            lo, hi = int(self.tab_lo[p]), int(self.tab_hi[p])
            totals = []
            for j in range(lo, hi):
                cur = self.currencies[int(self.t_cur[j])]
                una = int(self.t_unapplied[j])
                totals.append(ClientTotal(
                    currency=cur, total=self.t_total_text[j],
                    unapplied=self.t_unapplied_text[j], unapplied_minor=una,
                    total_minor=int(self.t_total[j])))
            cid = str(self.client_ids[c])
            out.append(ClientRow(
                client_id=cid, slug=client_slug(cid), name=str(self.names[c]),
                segment=_text(self.info["segment"][c]), currencies=totals,
                has_statement=any(t.total_minor > 0 or t.unapplied_minor > 0 for t in totals)))
        return out

    def views(self, lo: int, hi: int) -> list[ClientView]:
        """The pages of the clients at positions lo..hi-1 (client-id order)."""
        out = []
        for p in range(lo, min(hi, len(self.codes))):
            c = int(self.codes[p])
            ccs = [self._currency(j) for j in range(int(self.tab_lo[p]), int(self.tab_hi[p]))]
            lo = int(self.tab_lo[p])
            # the terms shown are those of the first open item of the first currency
            first = int(self.starts[lo]) if ccs and self.stops[lo] > self.starts[lo] else -1
            cid = str(self.client_ids[c])
            info = self.info
            out.append(ClientView(
                client_id=cid, slug=client_slug(cid), name=str(self.names[c]),
                address_lines=split_address(info["address"][c]),
                contact=_text(info["contact"][c]), email=_text(info["email"][c]),
                segment=_text(info["segment"][c]), kind=_text(info["kind"][c]),
                terms=str(self.it_terms[first]) if first >= 0 else "", currencies=ccs,
                has_statement=any(cc.total_minor > 0 or cc.unapplied_minor > 0 for cc in ccs),
                phone=_text(info["phone"][c]), credit=self.credit.get(c, ""),
                hold=self.hold.get(c, ""), actions=self.actions.get(c, []),
                profiles=self.profiles.get(c, []), offers=self.offers.get(c, []),
                history=self.history.of(c)))
        return out

    def _currency(self, j: int) -> ClientCurrency:
        cur = self.currencies[int(self.t_cur[j])]
        labels = self.labels
        rows = []
        for k in range(int(self.starts[j]), int(self.stops[j])):
            d = int(self.it_dpd[k])
            rows.append(ItemRow(
                invoice_id=str(self.it_invoice[k]), issue_date=fmt.day(int(self.it_issue[k])),
                due_date=fmt.day(int(self.it_due[k])),
                amount=self.it_amount_text[k], open_amount=self.it_open_text[k],
                days_past_due=d,
                bucket=labels[int(self.it_bucket[k])], disputed=bool(self.it_disputed[k]),
                overdue=d > 0, paused=PAUSE_WORDS.get(str(self.it_paused[k]), "")))
        return ClientCurrency(
            currency=cur, labels=labels,
            buckets=self.t_buckets_text[j], total=self.t_total_text[j],
            total_minor=int(self.t_total[j]), unapplied=self.t_unapplied_text[j],
            unapplied_minor=int(self.t_unapplied[j]), items=rows)


def _offer_rows(report: Report, reasons: list[str]) -> dict[int, list[OfferRow]]:
    o = report.offers
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
    return offers


def client_status(report: Report) -> tuple[dict[int, str], dict[int, str], dict[int, list[str]]]:
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
