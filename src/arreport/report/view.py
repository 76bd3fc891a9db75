"""What each page and PDF shows: rows already sorted, totalled and formatted for templates."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..diagnostics import Diagnostic
from ..ledger.dates import to_day
from ..pipeline import Report
from . import format as fmt


def client_slug(client_id: str) -> str:
    """A file-name-safe, unique, stable name for a client's page and statement."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", client_id).strip(".") or "client"
    if safe != client_id:
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


@dataclass(frozen=True)
class SiteView:
    as_of: str
    as_of_iso: str
    currencies: list[CurrencyAging]
    clients: list[ClientView]
    warnings: list[str]
    warning_count: int
    company: dict[str, str] = field(default_factory=dict)


def _split_address(text: object) -> list[str]:
    if text is None or (isinstance(text, float) and np.isnan(text)) or pd.isna(text):
        return []
    parts = re.split(r"\s*(?:\n|\\n|;)\s*", str(text))
    return [p for p in parts if p]


def _text(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value)


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
        for i in order:
            c = int(clients_sel[i])
            rows.append(AgingRow(
                client_id=str(client_ids[c]), name=str(names[c]),
                href=f"clients/{client_slug(str(client_ids[c]))}.html",
                buckets=[fmt.amount(v, cur) if v else "–" for v in sub[i]],
                total=fmt.amount(total[i], cur), overdue=fmt.amount(overdue[i], cur),
                unapplied=fmt.amount(unapplied[i], cur) if unapplied[i] else "–",
                css=["" if v else "zero" for v in sub[i]]))
        col_totals = sub.sum(axis=0)
        grand = int(col_totals.sum())
        isel = items["cur"].to_numpy() == code
        disputed_amt = int(items["open_amount"].to_numpy()[isel & items["disputed"].to_numpy()]
                           .sum())
        cur_views.append(CurrencyAging(
            currency=cur, labels=labels, rows=rows,
            totals=[fmt.amount(v, cur) for v in col_totals], total=fmt.amount(grand, cur),
            overdue=fmt.amount(grand - int(col_totals[0]), cur),
            unapplied=fmt.amount(int(unapplied.sum()), cur),
            unapplied_minor=int(unapplied.sum()),
            clients_open=int((total > 0).sum()), clients_overdue=int((overdue > 0).sum()),
            items=int(isel.sum()), disputed=fmt.amount(disputed_amt, cur),
            shares=[float(v) / grand if grand else 0.0 for v in col_totals]))

    # --- clients with anything to show -----------------------------------------------------
    client_views: list[ClientView] = []
    it_sorted = items.assign(_cid=client_ids[items["client"].to_numpy()].astype(str)).sort_values(
        ["_cid", "cur", "due_date", "invoice_id", "line"], kind="stable")
    by_client = {int(c): g for c, g in it_sorted.groupby("client", sort=False)}
    tab_by_client = {int(c): g for c, g in table.groupby("client", sort=False)}
    terms_by_client: dict[int, str] = {}
    for c in sorted(tab_by_client, key=lambda c: str(client_ids[c])):
        rows_c = tab_by_client[c].sort_values("cur")
        group = by_client.get(c)
        ccs = []
        for _, r in rows_c.iterrows():
            cur = report.currencies[int(r["cur"])]
            its: list[ItemRow] = []
            if group is not None:
                g = group[group["cur"].to_numpy() == int(r["cur"])]
                for rec in g.itertuples(index=False):
                    its.append(ItemRow(
                        invoice_id=str(rec.invoice_id), issue_date=fmt.day(int(rec.issue_date)),
                        due_date=fmt.day(int(rec.due_date)), amount=fmt.amount(rec.amount, cur),
                        open_amount=fmt.amount(rec.open_amount, cur),
                        days_past_due=int(rec.days_past_due), bucket=labels[int(rec.bucket)],
                        disputed=bool(rec.disputed), overdue=int(rec.days_past_due) > 0))
                    terms_by_client.setdefault(c, str(rec.terms) if "terms" in g else "")
            ccs.append(ClientCurrency(
                currency=cur, labels=labels,
                buckets=[fmt.amount(int(r[label]), cur) for label in labels],
                total=fmt.amount(int(r["total"]), cur), total_minor=int(r["total"]),
                unapplied=fmt.amount(int(r["unapplied_credit"]), cur),
                unapplied_minor=int(r["unapplied_credit"]), items=its))
        info = clients.iloc[c]
        client_views.append(ClientView(
            client_id=str(client_ids[c]), slug=client_slug(str(client_ids[c])),
            name=str(names[c]), address_lines=_split_address(info["address"]),
            contact=_text(info["contact"]), email=_text(info["email"]),
            segment=_text(info["segment"]), kind=_text(info["kind"]),
            terms=terms_by_client.get(c, ""), currencies=ccs,
            has_statement=any(cc.total_minor > 0 for cc in ccs)))

    warns = [d for d in report.diagnostics if d.severity == "warning"]
    _ = as_of_day
    return SiteView(
        as_of=fmt.date(report.as_of), as_of_iso=report.as_of.isoformat(),
        currencies=cur_views, clients=client_views,
        warnings=[_warning_text(d) for d in warns[:max_warnings]], warning_count=len(warns))


def _warning_text(d: Diagnostic) -> str:
    return d.format().replace(": warning: ", ": ", 1)
