"""What each page and PDF shows: rows already sorted, totalled and formatted for templates."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..diagnostics import Diagnostic, in_order
from ..pipeline import Report
from . import format as fmt

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_LOWER = re.compile(r"[a-z]")


@cache
def client_slug(client_id: str) -> str:
    """A file-name-safe, unique, stable name for a client's page and statement.

    Unique on a case-insensitive disk too (macOS, Windows): an id kept as it is has no
    lower-case letter, so two such names differ in more than case; any other id (one with
    characters a file name cannot hold, or with a lower-case letter, as `a` beside `A`)
    gets a hash of the exact id appended.
    """
    safe = _UNSAFE.sub("_", client_id).strip(".") or "client"
    if safe != client_id or _LOWER.search(client_id):
        safe += "-" + hashlib.sha1(client_id.encode("utf-8")).hexdigest()[:8]
    return safe


class AgingRow(NamedTuple):
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


class ClientTotal(NamedTuple):
    currency: str
    total: str
    total_minor: int
    unapplied: str
    unapplied_minor: int


class ClientRow(NamedTuple):
    """A client in the clients list: its balance per currency and whether it has a
    statement."""

    client_id: str
    slug: str
    name: str
    segment: str
    currencies: list[ClientTotal]
    has_statement: bool


@dataclass(frozen=True)
class SiteView:
    as_of: str
    as_of_iso: str
    currencies: list[CurrencyAging]
    clients: list[ClientRow]  # every client with a page, in client-id order
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


def build_view(report: Report, clients: list[ClientRow], max_warnings: int = 200) -> SiteView:
    """The aging per currency and the warnings; `clients`: ClientPages(report).rows()."""
    labels = list(report.bucket_labels)
    nb = len(labels)
    ledger = report.ledger
    client_ids = ledger.client_ids()
    names = ledger.clients["name"].astype(str).to_numpy()
    table = report.aging
    items = report.items

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
        sub, clients_sel = sub[order], clients_sel[order]
        total, overdue, unapplied = total[order], overdue[order], unapplied[order]
        n = len(order)
        cells = np.array(fmt.amounts(sub, cur), dtype=object).reshape(n, nb)
        cells[sub == 0] = "–"
        css = np.where(sub == 0, "zero", "").tolist()
        totals_text = fmt.amounts(total, cur)
        overdue_text = fmt.amounts(overdue, cur)
        unapplied_text = np.array(fmt.amounts(unapplied, cur), dtype=object)
        unapplied_text[unapplied == 0] = "–"
        ids = client_ids[clients_sel]
        rows = [AgingRow(client_id=str(cid), name=str(name),
                         href=f"clients/{client_slug(str(cid))}.html", buckets=b, total=t,
                         overdue=o, unapplied=u, css=k)
                for cid, name, b, t, o, u, k in zip(
                    ids.tolist(), names[clients_sel].tolist(), cells.tolist(), totals_text,
                    overdue_text, unapplied_text.tolist(), css, strict=True)]
        top = [rows[i] for i in np.flatnonzero(overdue > 0)[:10].tolist()]
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

    warns = in_order(d for d in report.diagnostics if d.severity == "warning")
    return SiteView(
        as_of=fmt.date(report.as_of), as_of_iso=report.as_of.isoformat(),
        currencies=cur_views, clients=clients,
        warnings=[_warning_text(d) for d in warns[:max_warnings]], warning_count=len(warns),
        window_days=report.policies.risk.window_days, trend_days=report.policies.risk.trend_days)


def _warning_text(d: Diagnostic) -> str:
    return d.format().replace(": warning: ", ": ", 1)
