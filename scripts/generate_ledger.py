#!/usr/bin/env python3
"""Seeded generator of canonical arreport ledgers (a tool, not a test oracle).

Two modes:

* ``--demo``: the committed, realistic demo ledger (~40 clients in dental, medical/cosmetic
  surgery, med-spa, beauty, skincare and financial services; USD and EUR; 18 months of invoices
  ending at the as-of date) with good, slow and bad payers, partial, rounded-down, pooled and
  over-payments, credit notes, disputes, a payment plan, a contact log and one payment naming an
  invoice id that does not exist.
* scale (``--clients N --invoices N``): a large, fully vectorised ledger for benchmarks
  (1,000,000 invoices in a few seconds).

The output is byte-identical for the same arguments. Every document is dated on or before the
as-of date, which is also written to ``AS_OF`` in the output folder.

    python scripts/generate_ledger.py --demo --out examples/demo
    python scripts/generate_ledger.py --clients 50000 --invoices 1000000 --seed 1 --out DIR
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import re
import sys
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

COLUMNS: dict[str, list[str]] = {
    "invoices.csv": [
        "invoice_id", "client_id", "issue_date", "due_date", "amount", "currency", "terms",
        "reference",
    ],
    "payments.csv": [
        "payment_id", "client_id", "date", "amount", "currency", "invoice_id", "method",
    ],
    "credit_notes.csv": [
        "credit_id", "client_id", "date", "amount", "currency", "invoice_id", "reason",
    ],
    "clients.csv": [
        "client_id", "name", "email", "segment", "country", "language", "currency",
        "credit_limit", "address", "contact", "phone", "timezone", "kind",
    ],
    "disputes.csv": ["invoice_id", "opened", "resolved", "reason"],
    "contacts.csv": [
        "date", "client_id", "channel", "invoice_id", "step", "outcome", "promise_date", "note",
    ],
    "payment_plans.csv": [
        "plan_id", "client_id", "start", "installments", "every_days", "amount", "invoice_ids",
    ],
}

# Terms names shared with policies/terms.yaml; the generator only ever writes these.
TERMS: tuple[str, ...] = ("net15", "net30", "net60", "eom30", "10th_next")
SEGMENTS: tuple[str, ...] = ("dental", "medical", "medspa", "beauty", "skincare", "financial")
SEGMENT_TERMS: dict[str, str] = {
    "dental": "net30",
    "medical": "net60",
    "medspa": "net15",
    "beauty": "eom30",
    "skincare": "eom30",
    "financial": "10th_next",
}
DEFAULT_TERMS = "net30"
# terms the demo gives one client outright (never drawn at random): net 30, 2% off in 10 days
DISCOUNT_TERMS = "2-10-net30"
DECIMALS: dict[str, int] = {"USD": 2, "EUR": 2}

# (step id, days past due, channel) of the standard ladder, used for the contact log.
LADDER: tuple[tuple[str, int, str], ...] = (
    ("courtesy", -3, "email"),
    ("due", 0, "email"),
    ("first_overdue", 1, "email"),
    ("penalty_warning", 14, "email"),
    ("call", 21, "phone"),
    ("formal_notice", 30, "letter"),
)

COUNTRY_INFO: dict[str, tuple[str, str]] = {  # country -> (language, timezone)
    "US": ("en", "America/New_York"),
    "DE": ("de", "Europe/Berlin"),
    "FR": ("fr", "Europe/Paris"),
    "NL": ("nl", "Europe/Amsterdam"),
    "IE": ("en", "Europe/Dublin"),
    "ES": ("es", "Europe/Madrid"),
    "IT": ("it", "Europe/Rome"),
}


# --------------------------------------------------------------------------------------------
# shared helpers


def terms_index(name: str) -> int:
    return (*TERMS, DISCOUNT_TERMS).index(name)


def due_dates(issue: np.ndarray, terms_idx: np.ndarray) -> np.ndarray:
    """Due date from issue date and a terms index into TERMS (vectorised)."""
    issue = issue.astype("datetime64[D]")
    next_month = (issue.astype("datetime64[M]") + 1).astype("datetime64[D]")
    end_of_month = next_month - np.timedelta64(1, "D")
    choices = [
        issue + np.timedelta64(15, "D"),  # net15
        issue + np.timedelta64(30, "D"),  # net30
        issue + np.timedelta64(60, "D"),  # net60
        end_of_month + np.timedelta64(30, "D"),  # eom30
        next_month + np.timedelta64(9, "D"),  # 10th_next
        issue + np.timedelta64(30, "D"),  # 2-10-net30
    ]
    return np.choose(terms_idx.astype(np.int64), choices)


def fmt_amounts(minor: np.ndarray, decimals: int = 2, mask: np.ndarray | None = None) -> pa.Array:
    """Integer minor units -> decimal strings with exactly `decimals` decimals (vectorised)."""
    minor = np.asarray(minor, dtype=np.int64)
    if (minor < 0).any():
        raise ValueError("negative amount")
    scale = 10**decimals
    whole = pc.cast(pa.array(minor // scale, mask=mask), pa.string())
    if decimals == 0:
        return whole
    frac = pc.utf8_lpad(pc.cast(pa.array(minor % scale), pa.string()), width=decimals, padding="0")
    return pc.binary_join_element_wise(whole, frac, ".")


def fmt_amount(minor: int, decimals: int = 2) -> str:
    if minor < 0:
        raise ValueError("negative amount")
    if decimals == 0:
        return str(minor)
    scale = 10**decimals
    return f"{minor // scale}.{minor % scale:0{decimals}d}"


def fmt_ids(prefix: str, numbers: np.ndarray, width: int, mask: np.ndarray | None = None
            ) -> pa.Array:
    digits = pc.utf8_lpad(pc.cast(pa.array(numbers, mask=mask), pa.string()), width=width,
                          padding="0")
    return pc.binary_join_element_wise(prefix, digits, "")


def id_width(n: int, minimum: int) -> int:
    return max(minimum, len(str(max(n, 1))))


def date_array(days: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(days.astype("datetime64[D]"), mask=mask)


_SPECIAL = '[",\r\n]'


def write_csv(path: Path, table: pa.Table) -> None:
    """Header row + rows, `\\n` line ends, empty cell for null, quotes only where needed.

    pyarrow's "needed" quoting quotes every string, so rows without special characters are
    written with quoting_style="none" (fast path) and anything else through the csv module.
    """
    columns = COLUMNS[path.name]
    table = table.select(columns)
    needs_quotes = False
    for col in table.columns:
        if pa.types.is_string(col.type) and len(col) and col.null_count < len(col):
            if pc.any(pc.match_substring_regex(col, _SPECIAL)).as_py():
                needs_quotes = True
                break
    header = (",".join(columns) + "\n").encode()
    if not needs_quotes:
        with pa.OSFile(str(path), "wb") as sink:
            sink.write(header)
            if table.num_rows:
                pacsv.write_csv(
                    table, sink,
                    pacsv.WriteOptions(include_header=False, quoting_style="none",
                                       batch_size=65536),
                )
        return
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    cols = [c.to_pylist() for c in table.columns]
    for row in zip(*cols, strict=True):
        writer.writerow(["" if v is None else str(v) for v in row])
    path.write_bytes(buf.getvalue().encode("utf-8"))


def write_ledger(out: Path, tables: dict[str, pa.Table], as_of: dt.date) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name in COLUMNS:
        write_csv(out / name, tables[name])
    (out / "AS_OF").write_text(as_of.isoformat() + "\n", encoding="utf-8")


def weighted_choice(rng: np.random.Generator, options: Sequence[str], p: Sequence[float],
                    n: int) -> np.ndarray:
    return np.asarray(options)[rng.choice(len(options), n, p=np.asarray(p) / np.sum(p))]


# --------------------------------------------------------------------------------------------
# scale mode (fully vectorised)


def generate_scale(n_clients: int, n_invoices: int, seed: int, as_of: dt.date
                   ) -> dict[str, pa.Table]:
    rng = np.random.default_rng(seed)
    asof = np.datetime64(as_of, "D")
    nc, ni = n_clients, n_invoices
    one = np.timedelta64(1, "D")

    # --- clients
    seg = rng.choice(len(SEGMENTS), nc, p=[0.30, 0.12, 0.13, 0.20, 0.17, 0.08])
    is_eur = rng.random(nc) < 0.25
    # COUNTRY_INFO lists US first, then the six EU countries
    country_idx = np.where(is_eur, rng.integers(1, len(COUNTRY_INFO), nc), 0)
    country_codes = np.array(list(COUNTRY_INFO))
    cur_names = np.array(["USD", "EUR"])
    client_cur = is_eur.astype(np.int64)  # 0 USD, 1 EUR
    behaviour = np.searchsorted(np.cumsum([0.55, 0.30, 0.10, 0.05]), rng.random(nc), side="right")
    behaviour = np.minimum(behaviour, 3)  # 0 good, 1 slow, 2 very slow, 3 bad
    delay_mean = np.choose(behaviour, [
        rng.normal(-2.0, 3.0, nc), rng.uniform(10, 40, nc), rng.uniform(40, 75, nc),
        rng.uniform(20, 60, nc)])
    delay_sd = np.choose(behaviour, [np.full(nc, 3.0), np.full(nc, 10.0), np.full(nc, 15.0),
                                     np.full(nc, 15.0)])
    bad = behaviour == 3
    stop = asof - rng.integers(90, 360, nc) * one
    weights = rng.lognormal(0.0, 1.0, nc)
    has_limit = rng.random(nc) < 0.3
    limit = (np.rint(rng.lognormal(np.log(20_000), 0.8, nc) / 1000) * 1000).astype(np.int64)
    limit = np.maximum(limit, 1000) * 100
    kind = np.where(rng.random(nc) < 0.01, "consumer", "business")

    cw = id_width(nc, 4)
    client_ids = fmt_ids("C", np.arange(1, nc + 1), cw)
    seg_names = np.asarray(SEGMENTS)[seg]
    seg_title = np.char.capitalize(seg_names.astype(str))
    lang = np.array([info[0] for info in COUNTRY_INFO.values()])
    tz = np.array([info[1] for info in COUNTRY_INFO.values()])
    lower_ids = pc.utf8_lower(client_ids)
    clients = pa.table({
        "client_id": client_ids,
        "name": pc.binary_join_element_wise(pa.array(seg_title), "client", client_ids, " "),
        "email": pc.binary_join_element_wise("ap@", lower_ids, ".example", ""),
        "segment": pa.array(seg_names),
        "country": pa.array(country_codes[country_idx]),
        "language": pa.array(lang[country_idx]),
        "currency": pa.array(cur_names[client_cur]),
        "credit_limit": fmt_amounts(limit, 2, mask=~has_limit),
        "address": pa.nulls(nc, pa.string()),
        "contact": pa.nulls(nc, pa.string()),
        "phone": pa.nulls(nc, pa.string()),
        "timezone": pa.array(tz[country_idx]),
        "kind": pa.array(kind),
    })

    # --- invoices: ~24 months before the as-of date, ids in (issue date, client) order
    inv_client = rng.choice(nc, ni, p=weights / weights.sum())
    issue = asof - rng.integers(0, 730, ni) * one
    order = np.lexsort((inv_client, issue))
    inv_client, issue = inv_client[order], issue[order]
    median = np.array([850.0, 3200.0, 4800.0, 420.0, 2600.0, 1900.0])[seg[inv_client]]
    cents = np.rint(np.clip(median * rng.lognormal(0.0, 0.7, ni), 15, 250_000) * 100)
    cents = cents.astype(np.int64)
    seg_terms = np.array([terms_index(SEGMENT_TERMS[s]) for s in SEGMENTS])
    t_idx = seg_terms[seg[inv_client]]
    explicit_terms = rng.random(ni) < 0.10
    t_idx = np.where(explicit_terms, rng.integers(0, len(TERMS), ni), t_idx)
    due = due_dates(issue, t_idx)
    explicit_due = rng.random(ni) < 0.15
    inv_cur = client_cur[inv_client]
    iw = id_width(ni, 6)
    inv_ids = fmt_ids("INV-", np.arange(1, ni + 1), iw)
    has_ref = rng.random(ni) < 0.3
    invoices = pa.table({
        "invoice_id": inv_ids,
        "client_id": pc.take(client_ids, pa.array(inv_client)),
        "issue_date": date_array(issue),
        "due_date": date_array(due, mask=~explicit_due),
        "amount": fmt_amounts(cents),
        "currency": pa.array(cur_names[inv_cur]),
        "terms": pa.array(np.asarray(TERMS)[t_idx], mask=~explicit_terms),
        "reference": fmt_ids("PO-", rng.integers(1, 1_000_000, ni), 6, mask=~has_ref),
    })

    # --- payments: client behaviour decides the date; late ones beyond the as-of are unpaid
    delay = np.rint(delay_mean[inv_client] + rng.normal(0.0, 1.0, ni) * delay_sd[inv_client])
    pay = due + delay.astype(np.int64) * one
    pay = np.maximum(pay, issue)
    prepay = rng.random(ni) < 0.005
    pay = np.where(prepay, issue - rng.integers(1, 15, ni) * one, pay)
    unpaid = (pay > asof) | (bad[inv_client] & (due > stop[inv_client])) | (rng.random(ni) < 0.07)
    u = rng.random(ni)
    partial = ~unpaid & (u < 0.06) & (cents >= 200)
    split = ~unpaid & (u >= 0.06) & (u < 0.13) & (cents >= 200)
    over = ~unpaid & (u >= 0.13) & (u < 0.133)
    frac = rng.uniform(0.3, 0.9, ni)
    first = np.where(partial, np.maximum(100, (cents * frac // 100) * 100), cents)
    first = np.where(partial, np.minimum(first, cents - 1), first)
    first = np.where(split, np.maximum(1, np.rint(cents * (frac - 0.2)).astype(np.int64)), first)
    first = np.where(over, cents + rng.integers(1, 5000, ni), first)
    first_date = np.where(split, np.maximum(issue, pay - rng.integers(5, 30, ni) * one), pay)
    paid_idx = np.flatnonzero(~unpaid)
    split_idx = np.flatnonzero(split)
    p_inv = np.concatenate([paid_idx, split_idx])
    p_amt = np.concatenate([first[paid_idx], cents[split_idx] - first[split_idx]])
    p_date = np.concatenate([first_date[paid_idx], pay[split_idx]])
    p_part = np.concatenate([np.zeros(len(paid_idx), np.int8), np.ones(len(split_idx), np.int8)])
    order = np.lexsort((p_part, p_inv, p_date))
    p_inv, p_amt, p_date = p_inv[order], p_amt[order], p_date[order]
    npay = len(p_inv)
    pooled = rng.random(npay) < 0.20
    p_cur = inv_cur[p_inv]
    usd_methods = np.array(["ach", "wire", "card", "check"])
    eur_methods = np.array(["sepa", "wire", "card"])
    m_u = rng.random(npay)
    method = np.where(
        p_cur == 0,
        usd_methods[np.minimum(np.searchsorted(np.cumsum([0.5, 0.1, 0.15, 0.25]), m_u), 3)],
        eur_methods[np.minimum(np.searchsorted(np.cumsum([0.75, 0.15, 0.10]), m_u), 2)],
    )
    payments = pa.table({
        "payment_id": fmt_ids("PAY-", np.arange(1, npay + 1), id_width(npay, 6)),
        "client_id": pc.take(client_ids, pa.array(inv_client[p_inv])),
        "date": date_array(p_date),
        "amount": fmt_amounts(p_amt),
        "currency": pa.array(cur_names[p_cur]),
        "invoice_id": pc.take(inv_ids, pa.array(p_inv, mask=pooled)),
        "method": pa.array(method),
    })

    # --- credit notes: a few thousand, 60% naming their invoice
    ncn = min(ni, max(5, ni // 300))
    cn_inv = np.sort(rng.choice(ni, ncn, replace=False))
    cn_amt = np.maximum(1, np.rint(cents[cn_inv] * rng.uniform(0.05, 0.5, ncn))).astype(np.int64)
    cn_date = np.minimum(issue[cn_inv] + rng.integers(1, 60, ncn) * one, asof)
    cn_named = rng.random(ncn) < 0.6
    reasons = np.array(["returned goods", "damaged in transit", "pricing error", "short shipment",
                        "goodwill"])
    order = np.lexsort((cn_inv, cn_date))
    cn_inv, cn_amt, cn_date, cn_named = (cn_inv[order], cn_amt[order], cn_date[order],
                                         cn_named[order])
    credit_notes = pa.table({
        "credit_id": fmt_ids("CN-", np.arange(1, ncn + 1), id_width(ncn, 4)),
        "client_id": pc.take(client_ids, pa.array(inv_client[cn_inv])),
        "date": date_array(cn_date),
        "amount": fmt_amounts(cn_amt),
        "currency": pa.array(cur_names[inv_cur[cn_inv]]),
        "invoice_id": pc.take(inv_ids, pa.array(cn_inv, mask=~cn_named)),
        "reason": pa.array(reasons[rng.integers(0, len(reasons), ncn)]),
    })

    # --- disputes on overdue unpaid invoices, ~30% resolved
    overdue_unpaid = np.flatnonzero(unpaid & (due < asof))
    nd = min(len(overdue_unpaid), max(3, ni // 5000))
    d_inv = np.sort(rng.choice(overdue_unpaid, nd, replace=False))
    opened = np.minimum(due[d_inv] + rng.integers(3, 40, nd) * one, asof)
    resolved = opened + rng.integers(5, 60, nd) * one
    has_res = (rng.random(nd) < 0.3) & (resolved <= asof)
    d_reasons = np.array(["goods not received", "damaged goods", "price differs from quote",
                          "billed twice"])
    disputes = pa.table({
        "invoice_id": pc.take(inv_ids, pa.array(d_inv)),
        "opened": date_array(opened),
        "resolved": date_array(resolved, mask=~has_res),
        "reason": pa.array(d_reasons[rng.integers(0, len(d_reasons), nd)]),
    })

    # --- contacts: one reached ladder step per sampled overdue unpaid invoice
    nct = min(len(overdue_unpaid), max(10, ni // 1000))
    c_inv = np.sort(rng.choice(overdue_unpaid, nct, replace=False))
    dpd = (asof - due[c_inv]).astype(np.int64)
    at = np.array([s[1] for s in LADDER])
    reached = np.searchsorted(at, dpd, side="right")  # steps with at <= dpd
    k = np.floor(rng.random(nct) * reached).astype(np.int64)
    c_date = due[c_inv] + at[k] * one
    channel = np.array([s[2] for s in LADDER])[k]
    outcome = np.where(channel == "phone",
                       np.where(rng.random(nct) < 0.6, "reached", "no_answer"), "sent")
    order = np.lexsort((k, c_inv, c_date))
    c_inv, c_date, k, channel, outcome = (c_inv[order], c_date[order], k[order], channel[order],
                                          outcome[order])
    contacts = pa.table({
        "date": date_array(c_date),
        "client_id": pc.take(client_ids, pa.array(inv_client[c_inv])),
        "channel": pa.array(channel),
        "invoice_id": pc.take(inv_ids, pa.array(c_inv)),
        "step": pa.array(np.array([s[0] for s in LADDER])[k]),
        "outcome": pa.array(outcome),
        "promise_date": pa.nulls(nct, pa.string()),
        "note": pa.nulls(nct, pa.string()),
    })

    # --- a few payment plans for bad payers (their oldest unpaid invoices)
    bad_unpaid = unpaid & bad[inv_client] & (due < asof)
    cand = np.unique(inv_client[bad_unpaid])
    npl = min(len(cand), max(1, nc // 2500))
    plan_clients = np.sort(rng.choice(cand, npl, replace=False)) if npl else np.array([], int)
    rows: dict[str, list[Any]] = {c: [] for c in COLUMNS["payment_plans.csv"]}
    for n, c in enumerate(plan_clients, start=1):
        idx = np.flatnonzero(bad_unpaid & (inv_client == c))[:4]
        total = int(cents[idx].sum())
        inst = 6
        rows["plan_id"].append(f"PLAN-{n:0{id_width(npl, 3)}d}")
        rows["client_id"].append(client_ids[int(c)].as_py())
        start = max(issue[idx].max(), asof - int(rng.integers(10, 150)) * one)
        rows["start"].append(str(start))
        rows["installments"].append(str(inst))
        rows["every_days"].append("30")
        rows["amount"].append(fmt_amount(-(-total // inst)))
        rows["invoice_ids"].append(" ".join(inv_ids[int(i)].as_py() for i in idx))
    plans = pa.table({c: pa.array(v, pa.string()) for c, v in rows.items()})

    return {
        "invoices.csv": invoices, "payments.csv": payments, "credit_notes.csv": credit_notes,
        "clients.csv": clients, "disputes.csv": disputes, "contacts.csv": contacts,
        "payment_plans.csv": plans,
    }


# --------------------------------------------------------------------------------------------
# demo mode (hand-written clients, simulated history)


@dataclass
class Client:
    name: str
    segment: str
    country: str
    address: str
    contact: str
    tz: str
    behaviour: str  # good | ontime | slow | bad
    lo: float  # amount range, major units
    hi: float
    rate: float  # invoices per month
    start: int = 0  # first month index (0 = 17 months before the as-of month)
    end: int = 17  # last month index (17 = the as-of month)
    credit_limit: int | None = None  # major units
    kind: str = "business"
    method: str = "ach"
    terms: str | None = None  # explicit terms on every invoice
    po: str | None = None  # reference prefix
    retainer: float | None = None  # fixed monthly fee (financial services)
    big: tuple[float, float] | None = None  # occasional large equipment orders
    pooler: bool = False
    rounder: bool = False
    partial: bool = False
    overpay: str | None = None  # "duplicate" | "roundup"
    discounter: bool = False  # on 2-10-net30, mostly pays within 10 days less the 2%
    usd_lines: bool = False  # an EUR client also billed in USD now and then
    stop_days: int = 0  # bad payers: stops paying invoices due later than as_of - stop_days
    language: str = ""
    email: str = ""
    phone: str = ""
    cid: str = ""
    currency: str = field(default="")


_NOISE = {"the", "dr", "llc", "co", "gmbh", "b", "v", "s", "r", "l", "and"}
# telephone area codes of the demo's cities: US by state, Europe by city
_US_AREA = {"TX": "512", "WI": "608", "OR": "503", "MD": "410", "CO": "303", "MN": "763",
            "LA": "504", "AZ": "602", "CA": "916", "PA": "215", "FL": "305", "NC": "704",
            "NV": "702", "WA": "206", "NY": "718", "GA": "404", "SC": "843", "IL": "312",
            "CT": "860", "MA": "617", "OH": "614", "NM": "505", "TN": "615"}
_EU_PHONE = {"München": "+49 89 2198 {n}", "Hamburg": "+49 40 3287 {n}",
             "Lyon": "+33 4 72 41 {a} {b}", "Paris": "+33 1 45 48 {a} {b}",
             "Amsterdam": "+31 20 624 {n}", "Rotterdam": "+31 10 411 {n}",
             "Dublin": "+353 1 872 {n}", "València": "+34 963 52 {a} {b}",
             "Milano": "+39 02 2951 {n}", "Torino": "+39 011 562 {n}"}
# clients without an email address: their letters are printed and posted
_NO_EMAIL = {"Willow & Sage Spa Retreat"}


def demo_phone(cl: Client, n: int) -> str:
    """A made-up number in the client's city (555-01xx in the US: reserved for fiction)."""
    if cl.country == "US":
        state = re.search(r"\b([A-Z]{2}) \d{5}", cl.address)
        area = _US_AREA.get(state.group(1) if state else "", "202")
        return f"+1 {area} 555 01{n:02d}"
    city = next((c for c in _EU_PHONE if c in cl.address), "")
    pattern = _EU_PHONE.get(city, "+44 20 7946 {n}")
    return pattern.format(n=f"{4400 + n}", a=f"{44:02d}", b=f"{n:02d}")


def demo_clients() -> list[Client]:
    c = Client
    clients = [
        # --- dental practices and dental supply buyers (US)
        c("Bright Smile Dental Group", "dental", "US",
          "4100 Barton Creek Blvd, Suite 210\nAustin, TX 78735", "Dana Whitfield",
          "America/Chicago", "good", 180, 2400, 1.6, credit_limit=20000, po="BSD"),
        c("Lakeside Family Dentistry", "dental", "US",
          "218 Monona Ave\nMadison, WI 53703", "Greg Olsen", "America/Chicago", "good",
          150, 1800, 1.1, method="check"),
        c("Pinecrest Dental Supply Co.", "dental", "US",
          "9020 NE Cascade Pkwy, Unit 4\nPortland, OR 97220", "Renee Castillo",
          "America/Los_Angeles", "slow", 600, 6500, 2.0, credit_limit=25000, terms="net60",
          po="PDS"),
        c("Harborview Orthodontics", "dental", "US",
          "1501 Thames St, 3rd Floor\nBaltimore, MD 21231", "Tom Nguyen", "America/New_York",
          "ontime", 250, 2600, 1.0, partial=True),
        c("Summit Endodontics", "dental", "US",
          "7600 E Orchard Rd, Suite 120\nGreenwood Village, CO 80111", "Alicia Romero",
          "America/Denver", "ontime", 300, 3200, 1.0, rounder=True, method="check"),
        c("Maple Grove Pediatric Dentistry", "dental", "US",
          "11380 Fountains Dr\nMaple Grove, MN 55369", "Priya Raman", "America/Chicago",
          "good", 150, 1600, 1.4, pooler=True),
        c("Crescent City Dental Lab", "dental", "US",
          "3300 Tchoupitoulas St\nNew Orleans, LA 70115", "Marcus Landry", "America/Chicago",
          "slow", 400, 4200, 1.3, credit_limit=12000),
        c("Copperfield Dental Partners", "dental", "US",
          "2250 E Camelback Rd, Suite 300\nPhoenix, AZ 85016", "Sheila Barnes",
          "America/Phoenix", "bad", 400, 3800, 1.5, end=13, credit_limit=10000,
          stop_days=300, po="CDP"),
        # --- cosmetic surgery clinics (US)
        c("Westbrook Aesthetic Surgery Center", "medical", "US",
          "8700 E Via de Ventura, Suite 180\nScottsdale, AZ 85258", "Dr. Karen Liu",
          "America/Phoenix", "slow", 1500, 14000, 0.8, credit_limit=40000, method="wire"),
        c("Riverside Plastic & Reconstructive Surgery", "medical", "US",
          "1020 29th St, Suite 450\nSacramento, CA 95816", "Jorge Medina",
          "America/Los_Angeles", "good", 1500, 12000, 0.7, method="wire", discounter=True),
        c("Oakmont Cosmetic Surgery Associates", "medical", "US",
          "5500 Walnut St, Suite 200\nPittsburgh, PA 15232", "Beth Kowalczyk",
          "America/New_York", "ontime", 1200, 9000, 0.7, partial=True),
        # --- med-spas (US)
        c("Glow Theory Med Spa", "medspa", "US",
          "1201 Brickell Ave, Suite 110\nMiami, FL 33131", "Natalia Ortiz", "America/New_York",
          "slow", 400, 3500, 1.1, big=(8000, 26000), credit_limit=30000, method="card"),
        c("Serenity Aesthetics & Laser", "medspa", "US",
          "6815 Fairview Rd\nCharlotte, NC 28210", "Whitney Cole", "America/New_York", "good",
          400, 3200, 1.0, big=(6000, 22000)),
        c("Velvet Skin MedSpa", "medspa", "US",
          "3790 S Las Vegas Blvd, Suite 12\nLas Vegas, NV 89109", "Trent Maddox",
          "America/Los_Angeles", "bad", 600, 4500, 1.8, big=(9000, 24000), end=15,
          credit_limit=10000, stop_days=240, method="card"),
        c("Luminous Laser Clinic", "medspa", "US",
          "4275 Executive Sq, Suite 500\nLa Jolla, CA 92037", "Hannah Brooks",
          "America/Los_Angeles", "ontime", 450, 3600, 1.0, big=(7000, 20000), rounder=True),
        c("Evergreen Wellness MedSpa", "medspa", "US",
          "1520 Eastlake Ave E\nSeattle, WA 98102", "Owen Fischer", "America/Los_Angeles",
          "ontime", 350, 3000, 1.0, start=3, pooler=True),
        # --- beauty salons and spas (US)
        c("Salon Lumière", "beauty", "US",
          "145 Atlantic Ave\nBrooklyn, NY 11201", "Camille Baptiste", "America/New_York",
          "good", 90, 1400, 1.4, method="card"),
        c("The Gilded Comb Salon & Spa", "beauty", "US",
          "22 W Broughton St\nSavannah, GA 31401", "Lila Beaumont", "America/New_York",
          "slow", 100, 1200, 1.2, method="check"),
        c("Rosewater Day Spa", "beauty", "US",
          "96 Wentworth St\nCharleston, SC 29401", "Meredith Hale", "America/New_York",
          "ontime", 120, 1500, 1.1, partial=True, rounder=True),
        c("Blue Orchid Nail & Beauty Bar", "beauty", "US",
          "2412 Westheimer Rd\nHouston, TX 77098", "Kim-Ly Tran", "America/Chicago", "good",
          90, 900, 1.3, end=14, overpay="duplicate", method="card"),
        c("Willow & Sage Spa Retreat", "beauty", "US",
          "58 Biltmore Ave\nAsheville, NC 28801", "Corinne Walsh", "America/New_York",
          "ontime", 150, 1600, 0.9, start=2),
        # --- skincare retailers buying in bulk (US)
        c("Dermacare Outlet LLC", "skincare", "US",
          "1800 W Fulton Market, Suite 3\nChicago, IL 60612", "Andre Wilkins",
          "America/Chicago", "ontime", 900, 9500, 1.4, pooler=True, credit_limit=35000),
        c("Pure Radiance Beauty Supply", "skincare", "US",
          "675 Ponce de Leon Ave NE, Suite 140\nAtlanta, GA 30308", "Tasha Grant",
          "America/New_York", "slow", 900, 8000, 1.3, credit_limit=25000, po="PRB"),
        c("Fairfield Skin Essentials", "skincare", "US",
          "90 State House Sq\nHartford, CT 06103", "Paul DiMarco", "America/New_York", "good",
          800, 6500, 1.1),
        c("Coastal Glow Cosmetics", "skincare", "US",
          "401 Channelside Dr, Unit 7\nTampa, FL 33602", "Rachel Summers", "America/New_York",
          "good", 800, 7000, 1.0, end=13, overpay="roundup"),
        # --- financial services (US)
        c("Keystone Patient Financing LLC", "financial", "US",
          "1650 Market St, Suite 3600\nPhiladelphia, PA 19103", "Evan Strauss",
          "America/New_York", "good", 500, 4000, 1.0, retainer=2450.00, method="wire"),
        c("Meridian Practice Capital", "financial", "US",
          "100 Federal St, 20th Floor\nBoston, MA 02110", "Lauren Pike", "America/New_York",
          "ontime", 400, 3500, 1.0, retainer=1850.00, start=4, method="wire"),
        c("Clearview Medical Billing Services", "financial", "US",
          "250 Civic Center Dr, Suite 500\nColumbus, OH 43215", "Devon Harris",
          "America/New_York", "slow", 300, 2500, 1.0, retainer=975.00),
        # --- consumers (US)
        c("Dr. Elena Vasquez", "skincare", "US", "17 Camino Cabra\nSanta Fe, NM 87505",
          "Elena Vasquez", "America/Denver", "good", 60, 450, 0.3, kind="consumer",
          method="card"),
        c("Marcus Holloway", "beauty", "US", "812 Russell St, Apt 2B\nNashville, TN 37206",
          "Marcus Holloway", "America/Chicago", "slow", 60, 400, 0.3, kind="consumer",
          method="card"),
        # --- European clients (EUR)
        c("Zahnarztpraxis Dr. Brandt & Kollegen", "dental", "DE",
          "Leopoldstraße 88\n80802 München", "Dr. Sabine Brandt", "Europe/Berlin", "good",
          200, 2600, 1.2, method="sepa"),
        c("Dentalhandel Nordlicht GmbH", "dental", "DE",
          "Billstraße 112\n20539 Hamburg", "Jens Petersen", "Europe/Berlin", "slow",
          700, 6000, 1.4, terms="net60", credit_limit=30000, method="sepa", po="NL"),
        c("Institut Belle Peau", "beauty", "FR",
          "24 rue de la République\n69002 Lyon", "Sophie Marchand", "Europe/Paris", "good",
          100, 1300, 1.0, method="sepa"),
        c("Clinique Esthétique Rive Gauche", "medical", "FR",
          "41 boulevard Raspail\n75007 Paris", "Dr. Antoine Leroy", "Europe/Paris", "slow",
          1500, 11000, 0.7, method="wire"),
        c("Huidkliniek Grachtenzicht B.V.", "medspa", "NL",
          "Keizersgracht 455\n1017 DK Amsterdam", "Femke de Vries", "Europe/Amsterdam",
          "good", 400, 3200, 0.9, big=(6000, 18000), method="sepa"),
        c("Skinfinity Distributie B.V.", "skincare", "NL",
          "Wijnhaven 60\n3011 WS Rotterdam", "Joost Bakker", "Europe/Amsterdam", "ontime",
          900, 8500, 1.2, pooler=True, usd_lines=True, credit_limit=40000, method="sepa"),
        c("Liffey Aesthetics Clinic", "medspa", "IE",
          "12 Ormond Quay Upper\nDublin 7, D07 X2W4", "Ciara Byrne", "Europe/Dublin",
          "ontime", 400, 3000, 0.9, start=5, method="sepa"),
        c("Clínica Dental Sonrisa Mediterránea", "dental", "ES",
          "Carrer de Colón 34\n46004 València", "Dra. Lucía Ferrer", "Europe/Madrid", "slow",
          200, 2400, 1.0, method="sepa"),
        c("Centro Estetico Bellavista", "beauty", "IT",
          "Corso Buenos Aires 77\n20124 Milano", "Giulia Conti", "Europe/Rome", "ontime",
          120, 1500, 1.0, partial=True, method="sepa"),
        c("Fiducia Servizi Finanziari S.r.l.", "financial", "IT",
          "Via Roma 210\n10121 Torino", "Marco Bianchi", "Europe/Rome", "good", 400, 3000, 1.0,
          retainer=1600.00, method="sepa"),
    ]
    domains: set[str] = set()
    for n, cl in enumerate(clients, start=1):
        cl.cid = f"C{n:04d}"
        cl.currency = "USD" if cl.country == "US" else "EUR"
        cl.language = COUNTRY_INFO[cl.country][0]
        folded = unicodedata.normalize("NFKD", cl.name).encode("ascii", "ignore").decode()
        words = [w for w in re.split(r"[^a-z0-9]+", folded.lower()) if w and w not in _NOISE]
        slug = "-".join(words[:2])
        assert slug not in domains, slug
        domains.add(slug)
        if cl.kind == "consumer":
            first, last = cl.contact.lower().split()[-2:]
            cl.email = f"{first}.{last}@mail.example"
        else:
            cl.email = f"accounts@{slug}.example"
        if cl.name in _NO_EMAIL:
            cl.email = ""
        cl.phone = demo_phone(cl, n)
    return clients


@dataclass
class Inv:
    client: Client
    issue: dt.date
    cents: int
    currency: str
    due: dt.date = dt.date.min
    terms: str | None = None
    due_col: dt.date | None = None
    currency_col: str | None = None
    reference: str | None = None
    iid: str = ""
    open_cents: int = 0  # what the generator's simulation leaves unpaid
    disputed: bool = False
    credited: int = 0
    settled: dt.date | None = None  # date the simulated payments settle it in full


@dataclass
class Doc:  # a payment or credit note row
    client: Client
    date: dt.date
    cents: int
    currency: str
    invoice_id: str | None
    extra: str  # method or reason
    currency_col: str | None = None


ContactRow = tuple[dt.date, str, str, str | None, str | None, str, dt.date | None, str]


def month_start(as_of: dt.date, index: int) -> dt.date:
    """Month `index` of 18 (0 = 17 months before the as-of month)."""
    m = as_of.year * 12 + as_of.month - 1 - (17 - index)
    return dt.date(m // 12, m % 12 + 1, 1)


def loguniform_cents(rng: np.random.Generator, lo: float, hi: float) -> int:
    return int(round(float(np.exp(rng.uniform(np.log(lo), np.log(hi)))) * 100))


def generate_demo(seed: int, as_of: dt.date) -> dict[str, pa.Table]:
    rng = np.random.default_rng(seed)
    clients = demo_clients()
    days = dt.timedelta

    # ---------------------------------------------------------------- invoices
    invs: list[Inv] = []
    for cl in clients:
        for m in range(cl.start, cl.end + 1):
            first = month_start(as_of, m)
            nxt = month_start(as_of, m + 1) if m < 17 else as_of + days(1)
            span = (min(nxt, as_of + days(1)) - first).days
            dates: list[tuple[dt.date, int]] = []
            if cl.retainer is not None:
                dates.append((first, int(round(cl.retainer * 100))))
                if span > 4 and rng.random() < 0.25:
                    d = first + days(int(rng.integers(3, span)))
                    dates.append((d, loguniform_cents(rng, cl.lo, cl.hi)))
            else:
                for _ in range(int(rng.poisson(cl.rate))):
                    d = first + days(int(rng.integers(0, span)))
                    if cl.big and rng.random() < 0.12:
                        dates.append((d, loguniform_cents(rng, *cl.big)))
                    else:
                        dates.append((d, loguniform_cents(rng, cl.lo, cl.hi)))
            for d, cents in dates:
                cur = cl.currency
                if cl.usd_lines and rng.random() < 0.2:
                    cur = "USD"
                inv = Inv(cl, d, cents, cur)
                inv.terms = cl.terms
                if inv.terms is None and rng.random() < 0.03:
                    inv.terms = TERMS[int(rng.integers(0, len(TERMS)))]
                inv.currency_col = cur if (cur != cl.currency or rng.random() > 0.05) else None
                if cl.po and rng.random() < 0.8:
                    inv.reference = f"PO-{cl.po}-{int(rng.integers(1000, 9999))}"
                invs.append(inv)
    for inv in invs:  # set here, not per client, so the random draws stay as they were
        if inv.client.discounter and inv.terms is None:
            inv.terms = DISCOUNT_TERMS
    invs.sort(key=lambda i: (i.issue, i.client.cid, i.cents))
    width = id_width(len(invs), 6)
    issue_arr = np.array([i.issue for i in invs], dtype="datetime64[D]")
    t_idx = np.array([terms_index(i.terms or SEGMENT_TERMS.get(i.client.segment, DEFAULT_TERMS))
                      for i in invs])
    due_arr = due_dates(issue_arr, t_idx).astype(dt.date)
    explicit_due = rng.random(len(invs)) < 0.15
    custom_due = rng.random(len(invs)) < 0.25
    for n, inv in enumerate(invs, start=1):
        inv.iid = f"INV-{n:0{width}d}"
        inv.due = due_arr[n - 1]
        if explicit_due[n - 1]:
            if custom_due[n - 1]:  # an agreed date that differs from the terms
                inv.due = inv.issue + days(45)
            inv.due_col = inv.due
        inv.open_cents = inv.cents
    by_client: dict[str, list[Inv]] = {}
    for inv in invs:
        by_client.setdefault(inv.client.cid, []).append(inv)
    by_name = {cl.name: cl for cl in clients}

    def client_invs(name: str) -> list[Inv]:
        return by_client[by_name[name].cid]

    def first_on_or_after(name: str, date: dt.date) -> Inv:
        own = [i for i in client_invs(name) if i.currency == by_name[name].currency]
        return next((i for i in own if i.issue >= date), own[-1])

    # ---------------------------------------------------------------- disputes
    disputes: list[tuple[str, dt.date, dt.date | None, str]] = []
    credits: list[Doc] = []

    def dispute(name: str, after_days: int, opened_after: int, reason: str,
                resolved_after: int | None = None) -> Inv:
        inv = first_on_or_after(name, as_of - days(after_days))
        inv.disputed = True
        opened = min(inv.issue + days(opened_after), as_of)
        resolved = None
        if resolved_after is not None:
            resolved = min(opened + days(resolved_after), as_of)
        disputes.append((inv.iid, opened, resolved, reason))
        return inv

    dispute("Westbrook Aesthetic Surgery Center", 110, 20,
            "Laser unit delivered with cracked housing; replacement pending")
    dispute("Pure Radiance Beauty Supply", 230, 35, "Goods not received (carrier lost pallet 3/3)")
    dispute("Clinique Esthétique Rive Gauche", 75, 12, "Prix différent du devis signé")
    resolved_inv = dispute("Glow Theory Med Spa", 150, 9, "Billed twice for the same order",
                           resolved_after=24)
    # the resolved dispute ends with a full credit note for the duplicate invoice
    res_date = disputes[-1][2]
    assert res_date is not None
    credits.append(Doc(resolved_inv.client, res_date, resolved_inv.cents, resolved_inv.currency,
                       resolved_inv.iid, "Duplicate invoice cancelled (dispute resolved)"))
    resolved_inv.credited = resolved_inv.cents

    # ---------------------------------------------------------------- credit notes
    reasons = ["Returned items (wrong shade)", "Damaged in transit", "Short shipment",
               "Pricing error on order", "Expired stock returned", "Goodwill credit"]
    eligible = [i for i in invs if i.client.behaviour != "bad" and not i.client.pooler
                and not i.client.overpay and not i.disputed and i.client.retainer is None
                and i.issue <= as_of - days(20)]
    picks = rng.choice(len(eligible), 9, replace=False)
    for n, p in enumerate(sorted(int(x) for x in picks)):
        inv = eligible[p]
        share = 1.0 if n % 4 == 3 else float(rng.uniform(0.1, 0.45))
        cents = max(100, int(round(inv.cents * share)))
        date = min(inv.issue + days(int(rng.integers(4, 20))), as_of)
        named = n % 3 != 2  # 6 name the invoice, 3 do not
        credits.append(Doc(inv.client, date, cents, inv.currency, inv.iid if named else None,
                           reasons[n % len(reasons)]))
        inv.credited = cents

    # ---------------------------------------------------------------- payments
    pays: list[Doc] = []
    delay_params = {"good": (-4.0, 3.0), "ontime": (0.0, 2.5), "slow": (35.0, 12.0),
                    "bad": (30.0, 10.0)}
    plan_client = by_name["Copperfield Dental Partners"]
    pool_buckets: dict[tuple[str, dt.date, str], int] = {}

    def method_for(cl: Client, currency: str) -> str:
        return cl.method if currency == cl.currency else "wire"

    def pay(inv: Inv, date: dt.date, cents: int, named: bool = True) -> None:
        date = max(date, inv.issue)
        if date > as_of or cents <= 0:
            return
        pays.append(Doc(inv.client, date, cents, inv.currency, inv.iid if named else None,
                        method_for(inv.client, inv.currency)))
        inv.open_cents -= cents
        if inv.open_cents <= 0 and inv.settled is None:
            inv.settled = date

    for inv in invs:
        cl = inv.client
        if inv.disputed:
            continue
        due_amount = inv.cents - inv.credited
        if due_amount <= 0:
            inv.open_cents = 0
            inv.settled = inv.issue
            continue
        inv.open_cents = due_amount
        if cl.behaviour == "bad" and inv.due > as_of - days(cl.stop_days):
            continue
        mean, sd = delay_params[cl.behaviour]
        delay = int(round(rng.normal(mean, sd)))
        if cl.behaviour == "slow":
            delay = int(np.clip(delay, 15, 60))
        date = max(inv.due + days(delay), inv.issue)
        if date > as_of:
            continue
        if cl.pooler:  # monthly batch payment on the 25th, no invoice named
            run = date.replace(day=25) if date.day <= 25 else (
                date.replace(day=1) + days(32)).replace(day=25)
            if run > as_of:
                continue
            key = (cl.cid, run, inv.currency)
            pool_buckets[key] = pool_buckets.get(key, 0) + due_amount
            inv.open_cents = 0
            inv.settled = run
            continue
        named = rng.random() >= 0.15
        if cl.discounter and inv.terms == DISCOUNT_TERMS and not inv.credited and delay % 5:
            # takes the early-payment discount: pays within 10 days, 2% (half-up) less;
            # draws nothing more from rng, so the other clients' documents stay as they were
            discount = (inv.cents * 2 * 2 + 100) // 200
            pay(inv, inv.issue + days(abs(delay) % 9 + 1), due_amount - discount)
            inv.open_cents = 0 if inv.settled else inv.open_cents
            continue
        if cl.overpay and inv is client_invs(cl.name)[-1]:
            if cl.overpay == "roundup":  # pays the next hundred up
                pay(inv, date, (due_amount // 10000 + 1) * 10000)
            else:  # pays twice by mistake
                pay(inv, date, due_amount)
                pays.append(Doc(cl, min(date + days(18), as_of), due_amount, inv.currency,
                                inv.iid, method_for(cl, inv.currency)))
            continue
        if cl.rounder and rng.random() < 0.6:
            unit = 5000 if due_amount >= 50000 else 1000
            rounded = due_amount // unit * unit
            if 0 < rounded < due_amount:
                pay(inv, date, rounded, named)
                continue
        if cl.partial and rng.random() < 0.35:
            part = due_amount * int(rng.integers(40, 81)) // 100 // 100 * 100
            if part > 0:
                pay(inv, date, part, named)
                if rng.random() < 0.6:
                    pay(inv, date + days(int(rng.integers(20, 61))), due_amount - part, named)
                continue
        pay(inv, date, due_amount, named)
    for (cid, run, cur), cents in sorted(pool_buckets.items()):
        cl = next(c for c in clients if c.cid == cid)
        pays.append(Doc(cl, run, cents, cur, None, method_for(cl, cur)))

    # ---------------------------------------------------------------- payment plan
    plan_start = as_of - days(106)
    unpaid = [i for i in client_invs(plan_client.name)
              if i.open_cents > 0 and i.due < plan_start]
    plan_invs = unpaid[:4]
    total = sum(i.open_cents for i in plan_invs)
    installments, every = 6, 30
    inst = -(-total // installments // 1000) * 1000  # whole tens, rounded up
    plans = [(f"PLAN-{1:03d}", plan_client.cid, plan_start, installments, every, inst,
              " ".join(i.iid for i in plan_invs))]
    for k in range(installments):
        inst_due = plan_start + days(k * every)
        if inst_due > as_of:
            break
        left = inst
        date = inst_due - days(int(rng.integers(0, 4)))
        date = max(date, plan_start)
        for inv in plan_invs:
            if left <= 0:
                break
            take = min(left, inv.open_cents)
            if take > 0:
                pay(inv, date, take)
                left -= take

    # ---------------------------------------------------------------- the typo'd invoice id
    candidates = [p for p in pays if p.client.name == "Crescent City Dental Lab" and p.invoice_id
                  and as_of - days(120) <= p.date <= as_of - days(30)]
    typo = candidates[0]
    assert typo.invoice_id is not None
    typo.invoice_id = typo.invoice_id.replace("INV-0", "INV-", 1)  # dropped a zero

    # the Spanish clinic pays only part of its last invoice, so the demo holds a Spanish
    # statement; no random draw, so every other document stays as it was
    sonrisa = by_name["Clínica Dental Sonrisa Mediterránea"]
    last_pay = max((p for p in pays if p.client is sonrisa), key=lambda p: (p.date, p.cents))
    last_pay.cents -= min(60000, last_pay.cents // 2)

    # currency column left empty on some payments that name an invoice
    for doc in pays:
        drop = doc.invoice_id is not None and doc.currency == doc.client.currency
        doc.currency_col = None if drop and rng.random() < 0.1 else doc.currency
    for doc in credits:
        doc.currency_col = doc.currency

    # ---------------------------------------------------------------- contact log
    contacts: list[ContactRow] = []
    window = as_of - days(120)
    notes = {"courtesy": "Upcoming due date reminder", "due": "Due today reminder",
             "first_overdue": "Polite overdue reminder", "penalty_warning": "Late fee warning",
             "call": "", "formal_notice": "Demand letter posted"}
    per_invoice: list[list[ContactRow]] = []
    for inv in invs:
        if inv.client.behaviour not in ("slow", "bad") or inv.client.pooler or inv.disputed:
            continue
        rows: list[ContactRow] = []
        for step, at, channel in LADDER:
            if step in ("courtesy", "due"):
                continue
            when = inv.due + days(at)
            if when < window or when > as_of:
                continue
            if inv.settled is not None and inv.settled <= when:
                continue
            if channel == "phone":
                outcome = "reached" if rng.random() < 0.6 else "no_answer"
                note = ("Spoke with accounts payable" if outcome == "reached"
                        else "Voicemail left")
            else:
                outcome, note = "sent", notes[step]
            rows.append((when, inv.client.cid, channel, inv.iid, step, outcome, None, note))
        if rows:
            per_invoice.append(rows)
    for p in rng.permutation(len(per_invoice)):
        if len(contacts) + len(per_invoice[p]) > 57:
            continue
        contacts.extend(per_invoice[p])
    velvet = by_name["Velvet Skin MedSpa"]
    v_open = next(i for i in client_invs(velvet.name) if i.open_cents > 0)
    contacts.append((as_of - days(27), velvet.cid, "phone", v_open.iid, "call", "promise",
                     as_of - days(14), "AP manager promised payment by wire"))
    crescent = by_name["Crescent City Dental Lab"]
    contacts.append((as_of - days(41), crescent.cid, "phone", None, "call", "reached",
                     None, "Discussed all overdue invoices with the practice owner"))
    pure = by_name["Pure Radiance Beauty Supply"]
    contacts.append((as_of - days(29), pure.cid, "email", None, None, "sent", None,
                     "Statement of account sent"))
    contacts.sort(key=lambda r: (r[0], r[1], r[3] or "", r[4] or ""))

    # ---------------------------------------------------------------- tables
    def s(v: object) -> str | None:
        if v is None:
            return None
        if isinstance(v, dt.date):
            return v.isoformat()
        return str(v)

    def table(name: str, rows: Sequence[Sequence[object]]) -> pa.Table:
        cols = COLUMNS[name]
        data = {c: pa.array([s(r[k]) for r in rows], pa.string()) for k, c in enumerate(cols)}
        return pa.table(data)

    pays.sort(key=lambda d: (d.date, d.client.cid, d.invoice_id or "", d.cents))
    credits.sort(key=lambda d: (d.date, d.client.cid, d.invoice_id or ""))
    pw, cw = id_width(len(pays), 6), id_width(len(credits), 4)
    dec = DECIMALS
    return {
        "invoices.csv": table("invoices.csv", [
            (i.iid, i.client.cid, i.issue, i.due_col, fmt_amount(i.cents, dec[i.currency]),
             i.currency_col, i.terms, i.reference) for i in invs]),
        "payments.csv": table("payments.csv", [
            (f"PAY-{n:0{pw}d}", d.client.cid, d.date, fmt_amount(d.cents, dec[d.currency]),
             d.currency_col, d.invoice_id, d.extra) for n, d in enumerate(pays, start=1)]),
        "credit_notes.csv": table("credit_notes.csv", [
            (f"CN-{n:0{cw}d}", d.client.cid, d.date, fmt_amount(d.cents, dec[d.currency]),
             d.currency_col, d.invoice_id, d.extra) for n, d in enumerate(credits, start=1)]),
        "clients.csv": table("clients.csv", [
            (c.cid, c.name, c.email, c.segment, c.country, c.language, c.currency,
             None if c.credit_limit is None else fmt_amount(c.credit_limit * 100),
             c.address, c.contact, c.phone, c.tz, c.kind) for c in clients]),
        "disputes.csv": table("disputes.csv", sorted(disputes)),
        "contacts.csv": table("contacts.csv", contacts),
        "payment_plans.csv": table("payment_plans.csv", [
            (p[0], p[1], p[2], p[3], p[4], fmt_amount(p[5]), p[6]) for p in plans]),
    }


# --------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, type=Path, help="output folder")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--clients", type=int, help="number of clients (scale mode)")
    parser.add_argument("--invoices", type=int, help="number of invoices (scale mode)")
    parser.add_argument("--as-of", default="2026-06-30", help="as-of date (default 2026-06-30)")
    parser.add_argument("--demo", action="store_true", help="the realistic demo ledger")
    args = parser.parse_args(argv)
    try:
        args.as_of = dt.date.fromisoformat(args.as_of)
    except ValueError:
        parser.error(f"--as-of: not an ISO date: {args.as_of!r}")
    if args.demo and (args.clients is not None or args.invoices is not None):
        parser.error("--demo takes no --clients/--invoices")
    if not args.demo:
        args.clients = 1000 if args.clients is None else args.clients
        args.invoices = 20_000 if args.invoices is None else args.invoices
        if args.clients < 1 or args.invoices < 1:
            parser.error("--clients and --invoices must be positive")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    t0 = time.perf_counter()
    if args.demo:
        tables = generate_demo(args.seed, args.as_of)
    else:
        tables = generate_scale(args.clients, args.invoices, args.seed, args.as_of)
    write_ledger(args.out, tables, args.as_of)
    counts = ", ".join(f"{name.removesuffix('.csv')} {t.num_rows}" for name, t in tables.items())
    print(f"wrote {args.out} (as of {args.as_of}): {counts} in {time.perf_counter() - t0:.1f} s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
