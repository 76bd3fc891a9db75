"""A deliberately plain reading of SPEC.md's allocation: csv rows, dicts, loops and Decimal.

It is the opposite of the engine (no frames, no vectorised sorts), so that the property tests
can compare the two on generated ledgers. It covers what the generated ledgers use: currencies
with their decimals, terms (net_days, end_of_month, day_of_next_month, deposit), explicit due
dates, the as-of cut, referenced documents and the pool, early-payment discounts.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import yaml

DECIMALS = {"USD": 2, "EUR": 2, "GBP": 2, "CAD": 2, "JPY": 0, "BHD": 3, "KWD": 3}

Key = tuple[str, str]  # (client_id, currency)


@dataclass
class DueLine:
    invoice_id: str
    line: int
    client_id: str
    currency: str
    issue_date: dt.date
    due_date: dt.date
    amount: int
    open: int


@dataclass
class OracleResult:
    open: dict[tuple[str, int], int] = field(default_factory=dict)  # (invoice_id, line)
    unapplied: dict[Key, int] = field(default_factory=dict)  # only where > 0
    invoiced: dict[Key, int] = field(default_factory=dict)
    paid: dict[Key, int] = field(default_factory=dict)
    credited: dict[Key, int] = field(default_factory=dict)
    # invoice_id -> settlement date (SPEC Settlement date), only for invoices fully settled
    settled: dict[str, dt.date] = field(default_factory=dict)


def read_rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def to_minor(text: str, currency: str) -> int:
    return int(Decimal(text) * 10 ** DECIMALS[currency])


def half_up_percent(amount: int, percent: Decimal) -> int:
    return int((Decimal(amount) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def due_date(issue: dt.date, terms: dict[str, Any]) -> dt.date:
    if "day_of_next_month" in terms:
        year, month = (issue.year + 1, 1) if issue.month == 12 else (issue.year, issue.month + 1)
        last = calendar.monthrange(year, month)[1]
        return dt.date(year, month, min(int(terms["day_of_next_month"]), last))
    start = issue
    if terms.get("from") == "end_of_month":
        start = issue.replace(day=calendar.monthrange(issue.year, issue.month)[1])
    return start + dt.timedelta(days=int(terms.get("net_days", 0)))


def allocate(ledger_dir: Path, policies_dir: Path, as_of: dt.date) -> OracleResult:
    terms_yaml = yaml.safe_load((policies_dir / "terms.yaml").read_text()) or {}
    segments_yaml = yaml.safe_load((policies_dir / "segments.yaml").read_text()) or {}
    default_currency = terms_yaml.get("currency", "USD")
    all_terms = terms_yaml["terms"]

    clients = {row["client_id"]: row for row in read_rows(ledger_dir / "clients.csv")}

    def client_currency(client_id: str) -> str:
        return clients.get(client_id, {}).get("currency") or default_currency

    def terms_name(invoice: dict[str, str]) -> str:
        if invoice.get("terms"):
            return invoice["terms"]
        client_id = invoice["client_id"]
        per_client = (segments_yaml.get("clients") or {}).get(client_id) or {}
        if per_client.get("terms"):
            return str(per_client["terms"])
        segment = clients.get(client_id, {}).get("segment", "")
        per_segment = (segments_yaml.get("segments") or {}).get(segment) or {}
        if per_segment.get("terms"):
            return str(per_segment["terms"])
        default = segments_yaml.get("default") or {}
        return str(default.get("terms") or terms_yaml.get("default_terms"))

    result = OracleResult()

    def add(table: dict[Key, int], key: Key, amount: int) -> None:
        table[key] = table.get(key, 0) + amount

    # invoices: every row, for currency lookups; due lines only for those issued on or before A
    invoices: dict[str, dict[str, Any]] = {}
    lines: list[DueLine] = []
    for row in read_rows(ledger_dir / "invoices.csv"):
        currency = row.get("currency") or client_currency(row["client_id"])
        issue = dt.date.fromisoformat(row["issue_date"])
        amount = to_minor(row["amount"], currency)
        invoices[row["invoice_id"]] = {"client_id": row["client_id"], "currency": currency,
                                       "issue_date": issue, "amount": amount}
        if issue > as_of:
            continue
        add(result.invoiced, (row["client_id"], currency), amount)
        terms = all_terms[terms_name(row)]
        if "discount" in terms:
            invoices[row["invoice_id"]]["discount"] = half_up_percent(
                amount, Decimal(str(terms["discount"]["percent"])))
            invoices[row["invoice_id"]]["deadline"] = issue + dt.timedelta(
                days=int(terms["discount"]["within_days"]))
        due = (dt.date.fromisoformat(row["due_date"]) if row.get("due_date")
               else due_date(issue, terms))
        deposit = 0
        if "deposit" in terms:
            deposit = half_up_percent(amount, Decimal(str(terms["deposit"]["percent"])))
        if deposit > 0:
            lines.append(DueLine(row["invoice_id"], 0, row["client_id"], currency, issue,
                                 issue, deposit, deposit))
            lines.append(DueLine(row["invoice_id"], 1, row["client_id"], currency, issue,
                                 due, amount - deposit, amount - deposit))
        else:
            lines.append(DueLine(row["invoice_id"], 0, row["client_id"], currency, issue,
                                 due, amount, amount))

    # documents dated on or before A
    documents: list[dict[str, Any]] = []
    for filename, id_column, totals in (("payments.csv", "payment_id", result.paid),
                                        ("credit_notes.csv", "credit_id", result.credited)):
        for row in read_rows(ledger_dir / filename):
            date = dt.date.fromisoformat(row["date"])
            if date > as_of:
                continue
            named = row.get("invoice_id", "")
            if row.get("currency"):
                currency = row["currency"]
            elif named in invoices:
                currency = invoices[named]["currency"]
            else:
                currency = client_currency(row["client_id"])
            amount = to_minor(row["amount"], currency)
            add(totals, (row["client_id"], currency), amount)
            documents.append({"id": row[id_column], "date": date, "client_id": row["client_id"],
                              "currency": currency, "amount": amount, "invoice_id": named,
                              "payment": filename == "payments.csv"})

    # referenced documents first, in (date, id) order; the rest and any excess to the pool
    pool: dict[Key, int] = {}
    pieces: dict[Key, list[tuple[dt.date, str, int]]] = {}  # what each document pooled
    ref_date: dict[str, dt.date] = {}  # the last referenced document applied to an invoice
    for doc in sorted(documents, key=lambda d: (d["date"], d["id"])):
        remaining = doc["amount"]
        invoice = invoices.get(doc["invoice_id"])
        if (invoice is not None and invoice["client_id"] == doc["client_id"]
                and invoice["currency"] == doc["currency"] and invoice["issue_date"] <= as_of):
            own_lines = [ln for ln in lines if ln.invoice_id == doc["invoice_id"]]
            open_before = sum(ln.open for ln in own_lines)
            # an early-payment discount: a payment by the deadline that leaves exactly the
            # discount open settles the invoice (the first such payment only)
            offer = invoice.get("discount", 0)
            takes_discount = (offer > 0 and doc["payment"] and not invoice.get("taken")
                              and doc["date"] <= invoice["deadline"] and open_before > 0
                              and open_before - doc["amount"] == offer)
            for line in sorted(own_lines, key=lambda ln: (ln.due_date, ln.line)):
                take = min(remaining, line.open)
                line.open -= take
                remaining -= take
                if take > 0:
                    ref_date[doc["invoice_id"]] = doc["date"]
            if takes_discount:
                invoice["taken"] = True
                for line in own_lines:
                    line.open = 0
        add(pool, (doc["client_id"], doc["currency"]), remaining)
        if remaining > 0:
            pieces.setdefault((doc["client_id"], doc["currency"]), []).append(
                (doc["date"], doc["id"], remaining))

    # each pool pays its client's open lines in that currency, oldest due first; the pieces,
    # taken in (date, id) order, tell the date on which each line's share was covered
    pool_date: dict[str, dt.date] = {}
    for (client_id, currency), amount in sorted(pool.items()):
        remaining = amount
        queue = sorted(pieces.get((client_id, currency), []))
        own_lines = [ln for ln in lines
                     if ln.client_id == client_id and ln.currency == currency]
        for line in sorted(own_lines,
                           key=lambda ln: (ln.due_date, ln.issue_date, ln.invoice_id, ln.line)):
            take = min(remaining, line.open)
            need = take
            while need > 0:
                date, doc_id, left = queue[0]
                used = min(left, need)
                need -= used
                if used == left:
                    queue.pop(0)
                else:
                    queue[0] = (date, doc_id, left - used)
                if need == 0 and take == line.open:
                    pool_date[line.invoice_id] = max(pool_date.get(line.invoice_id, date), date)
            line.open -= take
            remaining -= take
        if remaining > 0:
            result.unapplied[(client_id, currency)] = remaining

    result.open = {(ln.invoice_id, ln.line): ln.open for ln in lines}
    by_invoice: dict[str, list[DueLine]] = {}
    for ln in lines:
        by_invoice.setdefault(ln.invoice_id, []).append(ln)
    for invoice_id, own in by_invoice.items():
        if all(ln.open == 0 for ln in own):
            dates = [own[0].issue_date, ref_date.get(invoice_id, own[0].issue_date),
                     pool_date.get(invoice_id, own[0].issue_date)]
            result.settled[invoice_id] = max(dates)
    return result
