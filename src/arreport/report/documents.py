"""What goes out to clients: statements of account and collection letters, each in the
client's language and local formats, already sorted and totalled for the templates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from ..compute.escalation import StepTable
from ..compute.fees import allowed_rules
from ..compute.statement import (
    CREDIT,
    DISCOUNT,
    INVOICE,
    PAYMENT,
    activity,
    is_period_end,
    opening_balances,
    period_start,
)
from ..diagnostics import Diagnostic, did_you_mean
from ..ledger.dates import NO_DATE, to_day
from ..pipeline import Report
from ..policy.model import BankAccount, Company, Step
from .locale import TRANSLATED, Formatter, Language, formatter, language_for
from .profile import by_client
from .view import client_slug, split_address

MAX_ACTIVITY_ROWS = 300  # a statement lists at most this many documents of its period
KIND_NAMES = {INVOICE: "invoice", PAYMENT: "payment", CREDIT: "credit", DISCOUNT: "discount"}
# what a later step of the ladder means for the client, as a letter names it
CONSEQUENCES = ("fee", "letter", "hold", "agency", "legal")


@dataclass(frozen=True)
class Addressee:
    client_id: str
    name: str
    contact: str
    lines: list[str]  # postal address lines, the country last when abroad
    email: str
    phone: str
    kind: str  # business or consumer


@dataclass(frozen=True)
class DocLine:
    """One open due line as a client reads it."""

    invoice_id: str
    reference: str
    issue_date: str
    due_date: str
    amount: str
    open_amount: str
    days_past_due: int
    disputed: bool
    dispute_opened: str = ""
    dispute_reason: str = ""
    paused: str = ""  # payment_plan, promised or ''


@dataclass(frozen=True)
class ActivityRow:
    date: str
    kind: str  # invoice, payment, credit, discount
    document: str  # the document's id (for a discount: the invoice it was taken on)
    names: str  # the invoice a payment or credit note names ('' none)
    debit: str
    credit: str
    balance: str


@dataclass(frozen=True)
class Activity:
    start: str  # the first day of the period
    end: str  # A
    opening: str
    invoiced: str
    paid: str
    credited: str
    discounts: str
    closing: str
    rows: list[ActivityRow]
    not_shown: int  # documents of the period beyond MAX_ACTIVITY_ROWS


@dataclass(frozen=True)
class PlanRow:
    number: int
    due_date: str
    amount: str
    status: str  # paid, overdue, due_today, upcoming


@dataclass(frozen=True)
class PlanView:
    plan_id: str
    installments: int
    every_days: int
    amount: str
    paid: str
    arrears: str
    arrears_minor: int
    rows: list[PlanRow]


@dataclass(frozen=True)
class OfferLine:
    invoice_id: str
    open_amount: str
    discount: str
    pay: str
    deadline: str


@dataclass(frozen=True)
class LoyaltyNote:
    """The statement's loyalty line: the tier held (`keep`) or the one within reach."""

    kind: str  # keep or reach
    tier: str
    discount_percent: str  # '2%' ('2 %' in de) or ''
    extra_days: int
    credit: str  # formatted or ''
    on_time: int
    paid: int
    share: str  # '95.8 %' in the locale
    min_share: str  # '95 %'
    min_invoices: int
    window_days: int
    need: int  # reach: invoices to pay on time


@dataclass(frozen=True)
class StatementCurrency:
    currency: str
    balance: str
    balance_minor: int
    due_now: str
    due_now_minor: int
    disputed: str
    disputed_minor: int
    not_yet_due: str
    not_yet_due_minor: int
    planned: str
    planned_minor: int
    credit: str  # unapplied credit in the client's favour
    credit_minor: int
    due_lines: list[DocLine]
    planned_lines: list[DocLine]
    disputed_lines: list[DocLine]
    future_lines: list[DocLine]
    activity: Activity
    offers: list[OfferLine]
    plan: PlanView | None
    bank: BankAccount | None
    loyalty: LoyaltyNote | None


@dataclass(frozen=True)
class StatementView:
    client: Addressee
    slug: str
    language: Language
    date: str  # A, long form in the client's locale
    as_of_iso: str
    currencies: list[StatementCurrency]
    csv: bytes  # the open items, attached to the PDF

    @property
    def path(self) -> str:
        return f"statements/{self.slug}.pdf"


@dataclass(frozen=True)
class FeeLine:
    invoice_id: str
    rule: str
    kind: str  # step, interest, compensation
    amount: str
    days: int  # interest days


@dataclass(frozen=True)
class LetterCurrency:
    currency: str
    lines: list[DocLine]
    open_total: str
    fees: list[FeeLine]
    fees_total: str
    fees_minor: int
    to_pay: str  # open + fees and interest
    bank: BankAccount | None


@dataclass(frozen=True)
class NextStep:
    """A later step of the ladder: what happens, and from when, unless the debt is paid."""

    step_id: str
    what: str  # fee, letter, hold, agency, legal
    date: str
    fee: str  # per invoice, formatted ('' none): '$25.00' or '5 %'


@dataclass(frozen=True)
class LetterView:
    client: Addressee
    slug: str
    step: str
    ladder: str
    template: str
    channel: str
    language: Language
    date: str
    as_of_iso: str
    deadline: str
    currencies: list[LetterCurrency]
    next_steps: list[NextStep]
    interest_percent: str  # '12%' ('12 %' in de) when interest applies to the client, else ''
    interest_grace_days: int
    invoice_ids: list[str]
    to_pay: list[str] = field(default_factory=list)  # per currency, formatted

    @property
    def path(self) -> str:
        return f"letters/{self.slug}-{self.step}.pdf"


# --- shared pieces -----------------------------------------------------------------------

def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def addressee(clients: pd.DataFrame, c: int, company: Company) -> Addressee:
    """The client as an envelope shows it: its country in capitals, in the sender's
    language, when it differs from the sender's (UPU style)."""
    row = {k: _text(clients[k].iat[c]) if k in clients else "" for k in
           ("client_id", "name", "contact", "address", "email", "phone", "kind", "country")}
    lines = split_address(row["address"])
    country = row["country"].strip().upper()
    if country and company.country and country != company.country:
        name = formatter(language_for(company.language, company.country).locale).country(
            country)
        if name and (not lines or lines[-1].upper() != name.upper()):
            lines.append(name.upper())
    return Addressee(client_id=row["client_id"], name=row["name"], contact=row["contact"],
                     lines=lines, email=row["email"], phone=row["phone"],
                     kind=row["kind"] or "business")


def client_language(clients: pd.DataFrame, c: int, company: Company) -> Language:
    lang = _text(clients["language"].iat[c]) if "language" in clients else ""
    country = _text(clients["country"].iat[c]) if "country" in clients else ""
    return language_for(lang, country, company.language)


def _percent(value: Decimal | int, fmt: Formatter) -> str:
    from babel.numbers import format_percent

    return str(format_percent(Decimal(value) / 100, locale=fmt.locale,
                              decimal_quantization=False))


class _Lines:
    """Open due lines of every client, sorted by client, currency, due date, invoice id,
    with the per-line facts a client document shows."""

    def __init__(self, report: Report):
        items = report.items
        esc = report.escalated
        inv_ids = items["invoice_id"].to_numpy(dtype=object).astype(str)
        order = np.lexsort((items["line"].to_numpy(), inv_ids, items["due_date"].to_numpy(),
                            items["cur"].to_numpy(), items["client"].to_numpy())) \
            if len(items) else np.zeros(0, np.int64)
        self.order = order
        self.client = items["client"].to_numpy()[order].astype(np.int64)
        self.cur = items["cur"].to_numpy()[order].astype(np.int64)
        self.inv = items["inv"].to_numpy()[order].astype(np.int64)
        self.invoice_id = inv_ids[order]
        self.issue = items["issue_date"].to_numpy()[order].astype(np.int64)
        self.due = items["due_date"].to_numpy()[order].astype(np.int64)
        self.amount = items["amount"].to_numpy()[order].astype(np.int64)
        self.open = items["open_amount"].to_numpy()[order].astype(np.int64)
        self.dpd = items["days_past_due"].to_numpy()[order].astype(np.int64)
        self.disputed = items["disputed"].to_numpy()[order].astype(bool)
        paused = esc["paused"].astype(str).to_numpy() if "paused" in esc else \
            np.full(len(items), "", dtype=object)
        self.paused = paused[order]
        # covered by an active payment plan (not broken, not completed), whatever the ladder
        # pauses: the plan, not the invoice, says what is due
        covered: set[int] = set()
        plans = report.plans
        if len(plans):
            for covers, broken, completed in zip(plans["covers"].tolist(),
                                                 plans["broken"].tolist(),
                                                 plans["completed"].tolist(), strict=True):
                if not broken and not completed:
                    covered.update(int(v) for v in covers)
        self.planned = np.isin(self.inv, sorted(covered)) if covered else \
            np.zeros(len(self.inv), dtype=bool)
        invoices = report.ledger.invoices
        refs = invoices["reference"].to_numpy(dtype=object)
        self.reference = np.array([_text(r) for r in refs[self.inv]], dtype=object) \
            if len(self.inv) else np.zeros(0, dtype=object)
        # open disputes: opened date and reason per invoice row
        d = report.ledger.disputes
        day = to_day(report.as_of)
        self.dispute: dict[int, tuple[int, str]] = {}
        if len(d):
            opened = d["opened"].to_numpy()
            resolved = d["resolved"].to_numpy()
            live = (d["inv"].to_numpy() >= 0) & (opened <= day) & (
                (resolved == NO_DATE) | (resolved > day))
            reasons = d["reason"].to_numpy(dtype=object) if "reason" in d else \
                np.full(len(d), None, dtype=object)
            for i, o, r in zip(d["inv"].to_numpy()[live].tolist(), opened[live].tolist(),
                               reasons[live].tolist(), strict=True):
                self.dispute.setdefault(int(i), (int(o), _text(r)))
        key = self.client * max(len(report.currencies), 1) + self.cur
        self.key = key
        self.ncur = max(len(report.currencies), 1)

    def span(self, client: int, cur: int) -> range:
        k = client * self.ncur + cur
        lo = int(np.searchsorted(self.key, k, side="left"))
        hi = int(np.searchsorted(self.key, k, side="right"))
        return range(lo, hi)

    def line(self, i: int, currency: str, fmt: Formatter) -> DocLine:
        inv = int(self.inv[i])
        opened, reason = self.dispute.get(inv, (NO_DATE, ""))
        return DocLine(
            invoice_id=str(self.invoice_id[i]), reference=str(self.reference[i]),
            issue_date=fmt.day(int(self.issue[i])), due_date=fmt.day(int(self.due[i])),
            amount=fmt.money(int(self.amount[i]), currency),
            open_amount=fmt.money(int(self.open[i]), currency),
            days_past_due=int(self.dpd[i]), disputed=bool(self.disputed[i]),
            dispute_opened=fmt.day(opened) if opened != NO_DATE else "",
            dispute_reason=reason, paused=str(self.paused[i]))


# --- statements ----------------------------------------------------------------------------

def statement_due(report: Report) -> bool:
    """Do statements go to the outbox on A (company.yaml statement_email)?"""
    company = report.policies.company
    if company.statement_email == "always":
        return True
    if company.statement_email == "never":
        return False
    return is_period_end(to_day(report.as_of), company.statement_period)


def build_statements(report: Report) -> list[StatementView]:
    """A statement for each client with open items or unapplied credit, by client id."""
    from ..render.csvfiles import csv_text
    from .tables import open_items_table

    company = report.policies.company
    ledger = report.ledger
    clients = ledger.clients
    client_ids = ledger.client_ids()
    currencies = report.currencies
    ncur = max(len(currencies), 1)
    day = to_day(report.as_of)
    start = period_start(day, company.statement_period)
    lines = _Lines(report)
    g = report.allocation.groups
    g_key = g["client"].to_numpy().astype(np.int64) * ncur + g["cur"].to_numpy()
    g_open = dict(zip(g_key.tolist(), g["open"].tolist(), strict=True))
    g_credit = dict(zip(g_key.tolist(), g["unapplied"].tolist(), strict=True))
    rows = activity(ledger.invoices, report.allocation, start, day)
    opening = opening_balances(report.allocation, rows, ncur)
    row_key = (rows["client"] * ncur + rows["cur"]).to_numpy().astype(np.int64)
    # who gets one: an open item or unapplied credit in some currency
    holders = sorted({int(k) // ncur for k, v in g_open.items() if v > 0}
                     | {int(k) // ncur for k, v in g_credit.items() if v > 0})
    # the open items file, cut per client for the PDF attachment
    table = open_items_table(report)  # sorted by client id: each client's rows in one run
    ids, first, count = np.unique(np.asarray(table.column("client_id").to_pylist(), dtype=str),
                                  return_index=True, return_counts=True)
    run_of = dict(zip(ids.tolist(), zip(first.tolist(), count.tolist(), strict=True),
                      strict=True))
    profiles = by_client(report)
    offers = report.offers
    plans = _plans(report)
    out = []
    for c in holders:
        lang = client_language(clients, c, company)
        fmt = formatter(lang.locale)
        cid = str(client_ids[c])
        ccs = []
        for cur in range(len(currencies)):
            k = c * ncur + cur
            span = lines.span(c, cur)
            lo = int(np.searchsorted(row_key, k, side="left"))
            hi = int(np.searchsorted(row_key, k, side="right"))
            if not len(span) and not g_credit.get(k, 0) and lo == hi:
                continue
            ccs.append(_statement_currency(report, lines, span, c, cur, fmt, rows.iloc[lo:hi],
                                           int(opening[k]) if k < len(opening) else 0,
                                           g_credit.get(k, 0), start, day, offers,
                                           plans.get((c, cur)), profiles.get(c, [])))
        at, n = run_of.get(cid, (0, 0))
        csv = csv_text(table.slice(at, n))
        out.append(StatementView(
            client=addressee(clients, c, company), slug=client_slug(cid), language=lang,
            date=fmt.date(report.as_of, "long"), as_of_iso=report.as_of.isoformat(),
            currencies=ccs, csv=csv))
    return out


def _statement_currency(report: Report, lines: _Lines, span: range, c: int, cur: int,
                        fmt: Formatter, rows: pd.DataFrame, opening: int, credit: int,
                        start: int, day: int, offers: pd.DataFrame,
                        plan: tuple[PlanView, int] | None, profiles: list) -> StatementCurrency:
    name = report.currencies[cur]
    groups: dict[str, list[DocLine]] = {"due": [], "planned": [], "disputed": [], "future": []}
    totals = dict.fromkeys(groups, 0)
    for i in span:
        if lines.disputed[i]:
            part = "disputed"
        elif lines.planned[i]:
            part = "planned"
        elif lines.dpd[i] >= 0:
            part = "due"
        else:
            part = "future"
        groups[part].append(lines.line(i, name, fmt))
        totals[part] += int(lines.open[i])
    open_total = sum(totals.values())
    plan_view, arrears = plan if plan is not None else (None, 0)
    # what the plan asks by now stands in for the invoices it covers
    due_now = totals["due"] + min(arrears, totals["planned"])
    balance = open_total - credit
    return StatementCurrency(
        currency=name, balance=fmt.money(balance, name), balance_minor=balance,
        due_now=fmt.money(due_now, name), due_now_minor=due_now,
        disputed=fmt.money(totals["disputed"], name), disputed_minor=totals["disputed"],
        not_yet_due=fmt.money(totals["future"], name), not_yet_due_minor=totals["future"],
        planned=fmt.money(totals["planned"], name), planned_minor=totals["planned"],
        credit=fmt.money(credit, name), credit_minor=credit,
        due_lines=groups["due"], planned_lines=groups["planned"],
        disputed_lines=groups["disputed"], future_lines=groups["future"],
        activity=_activity(report, rows, opening, balance, start, day, name, fmt),
        offers=_offers(report, offers, c, cur, fmt),
        plan=plan_view if totals["planned"] or plan_view is not None else None,
        bank=report.policies.company.bank.get(name),
        loyalty=_loyalty(report, profiles, name, fmt))


def _activity(report: Report, rows: pd.DataFrame, opening: int, closing: int, start: int,
              day: int, cur: str, fmt: Formatter) -> Activity:
    kind = rows["kind"].to_numpy()
    amount = rows["amount"].to_numpy().astype(np.int64)
    signed = np.where(kind == INVOICE, amount, -amount)
    running = opening + np.cumsum(signed)
    inv_ids = report.ledger.invoices["invoice_id"].to_numpy(dtype=object)
    names = rows["inv"].to_numpy()
    shown = []
    for j, (d, k, doc, a, bal, named) in enumerate(zip(
            rows["date"].tolist(), kind.tolist(), rows["doc_id"].tolist(), amount.tolist(),
            running.tolist(), names.tolist(), strict=True)):
        if j >= MAX_ACTIVITY_ROWS:
            break
        money = fmt.money(a, cur)
        shown.append(ActivityRow(
            date=fmt.day(d), kind=KIND_NAMES[int(k)], document=str(doc),
            names=str(inv_ids[named]) if k in (PAYMENT, CREDIT) and named >= 0 else "",
            debit=money if k == INVOICE else "", credit=money if k != INVOICE else "",
            balance=fmt.money(bal, cur)))

    def total(which: int) -> str:
        return fmt.money(int(amount[kind == which].sum()), cur)

    return Activity(
        start=fmt.day(start + 1), end=fmt.day(day), opening=fmt.money(opening, cur),
        invoiced=total(INVOICE), paid=total(PAYMENT), credited=total(CREDIT),
        discounts=total(DISCOUNT), closing=fmt.money(closing, cur), rows=shown,
        not_shown=max(0, len(rows) - MAX_ACTIVITY_ROWS))


def _offers(report: Report, offers: pd.DataFrame, c: int, cur: int, fmt: Formatter
            ) -> list[OfferLine]:
    sel = (offers["client"].to_numpy() == c) & (offers["cur"].to_numpy() == cur)
    if not sel.any():
        return []
    name = report.currencies[cur]
    inv_ids = report.ledger.invoices["invoice_id"].to_numpy(dtype=object)
    o = offers.loc[sel]
    return [OfferLine(invoice_id=str(inv_ids[i]), open_amount=fmt.money(p + d, name),
                      discount=fmt.money(d, name), pay=fmt.money(p, name),
                      deadline=fmt.day(dl))
            for i, d, p, dl in zip(o["inv"].tolist(), o["discount"].tolist(), o["pay"].tolist(),
                                   o["deadline"].tolist(), strict=True)]


def _plans(report: Report) -> dict[tuple[int, int], tuple[PlanView, int]]:
    """Active (unbroken, not completed) plans per (client, cur): the schedule in the client's
    locale and the arrears (installments due by A less plan payments), minor units."""
    status = report.plans
    out: dict[tuple[int, int], tuple[PlanView, int]] = {}
    if len(status) == 0:
        return out
    plans = report.ledger.plans
    company = report.policies.company
    day = to_day(report.as_of)
    for p, c, due, paid, broken, completed in zip(
            status["plan"].tolist(), status["client"].tolist(), status["due"].tolist(),
            status["paid"].tolist(), status["broken"].tolist(), status["completed"].tolist(),
            strict=True):
        if broken or completed:
            continue
        row = plans.loc[p]
        cur = int(row["cur"])
        name = report.currencies[cur]
        fmt = formatter(client_language(report.ledger.clients, int(c), company).locale)
        amount = int(row["amount"])
        n, every, first = int(row["installments"]), int(row["every_days"]), int(row["start"])
        rows = []
        for k in range(n):  # a plan's installments, a handful
            when = first + k * every
            if paid >= (k + 1) * amount:
                state = "paid"
            elif when < day:
                state = "overdue"
            elif when == day:
                state = "due_today"
            else:
                state = "upcoming"
            rows.append(PlanRow(number=k + 1, due_date=fmt.day(when),
                                amount=fmt.money(amount, name), status=state))
        arrears = max(0, int(due) * amount - int(paid))
        out[(int(c), cur)] = (PlanView(
            plan_id=str(row["plan_id"]), installments=n, every_days=every,
            amount=fmt.money(amount, name), paid=fmt.money(int(paid), name),
            arrears=fmt.money(arrears, name), arrears_minor=arrears, rows=rows), arrears)
    return out


def _loyalty(report: Report, profiles: list, currency: str, fmt: Formatter
             ) -> LoyaltyNote | None:
    tiers = report.policies.loyalty.tiers
    for p in profiles:
        if p.currency != currency:
            continue
        index, kind = (p.tier_index, "keep") if p.tier_index >= 0 else \
            (p.reach_tier_index, "reach")
        if index < 0:
            return None
        tier = tiers[index]
        credit = tier.credit.for_currency(currency) if tier.credit is not None else None
        # one decimal, half up, from exact integers
        tenths = (2000 * p.loyalty_on_time + p.loyalty_paid) // (2 * p.loyalty_paid) \
            if p.loyalty_paid else 0
        share = _percent(Decimal(tenths) / 10, fmt) if p.loyalty_paid else ""
        from .. import money

        return LoyaltyNote(
            kind=kind, tier=tier.name,
            discount_percent=(_percent(tier.discount_percent, fmt)
                              if tier.discount_percent is not None else ""),
            extra_days=tier.extra_days or 0,
            credit=(fmt.money(money.decimal_to_minor(credit, currency), currency)
                    if credit is not None else ""),
            on_time=p.loyalty_on_time, paid=p.loyalty_paid, share=share,
            min_share=_percent(tier.min_on_time_share * 100, fmt),
            min_invoices=tier.min_invoices, window_days=report.policies.loyalty.window_days,
            need=p.reach_need)
    return None


# --- letters -------------------------------------------------------------------------------

def build_letters(report: Report) -> list[LetterView]:
    """A letter for each client and step with a template among today's actions: one letter
    covers all the client's invoices at that step; by client id, then step order."""
    acts = report.actions
    if len(acts) == 0:
        return []
    table = StepTable.of(report.policies)
    company = report.policies.company
    ledger = report.ledger
    clients = ledger.clients
    client_ids = ledger.client_ids()
    day = to_day(report.as_of)
    lines = _Lines(report)
    has_template = np.array([bool(st.template) for _, st in table.steps], dtype=bool)
    a = acts.loc[has_template[acts["step"].to_numpy()]]
    if len(a) == 0:
        return []
    fees = report.fees
    inv_ids = ledger.invoices["invoice_id"].to_numpy(dtype=object)
    fee_by_inv: dict[int, list[int]] = {}
    for k, i in enumerate(fees["inv"].tolist()):
        fee_by_inv.setdefault(int(i), []).append(k)
    allowed = allowed_rules(clients, report.policies)
    interest_rules = [f for f in report.policies.fees.values() if f.annual_percent is not None]
    # the due lines that stand on each (client, step) today, as positions in the sorted
    # lines (a deposit invoice's overdue deposit is not in its balance's courtesy letter)
    esc = report.escalated
    position = np.empty(len(lines.order), dtype=np.int64)
    position[lines.order] = np.arange(len(lines.order))
    acting = np.flatnonzero(esc["action"].to_numpy().astype(bool)) if len(esc) else \
        np.zeros(0, np.int64)
    pos_of_step: dict[tuple[int, int], list[int]] = {}
    for i, c, g in zip(acting.tolist(), esc["client"].to_numpy()[acting].tolist(),
                       esc["step"].to_numpy()[acting].tolist(), strict=True):
        pos_of_step.setdefault((int(c), int(g)), []).append(int(position[i]))
    out = []
    for (c, g), part in a.groupby(["client", "step"], sort=True):
        lad, st = table.steps[int(g)]
        lang = client_language(clients, int(c), company)
        fmt = formatter(lang.locale)
        cid = str(client_ids[int(c)])
        invs = sorted(set(part["inv"].tolist()), key=lambda i: str(inv_ids[i]))
        positions = sorted(pos_of_step.get((int(c), int(g)), []))
        per_cur: dict[int, list[int]] = {}
        for p in positions:
            per_cur.setdefault(int(lines.cur[p]), []).append(p)
        ccs = []
        for cur, ps in sorted(per_cur.items()):
            name = report.currencies[cur]
            open_total = int(sum(int(lines.open[p]) for p in ps))
            fee_rows = sorted({k for p in ps for k in fee_by_inv.get(int(lines.inv[p]), [])})
            fee_lines = [FeeLine(invoice_id=str(inv_ids[int(fees["inv"].iat[k])]),
                                 rule=str(fees["rule"].iat[k]), kind=str(fees["kind"].iat[k]),
                                 amount=fmt.money(int(fees["amount"].iat[k]), name),
                                 days=int(fees["days"].iat[k]))
                         for k in fee_rows if int(fees["cur"].iat[k]) == cur]
            fee_total = int(sum(int(fees["amount"].iat[k]) for k in fee_rows
                                if int(fees["cur"].iat[k]) == cur))
            ccs.append(LetterCurrency(
                currency=name, lines=[lines.line(p, name, fmt) for p in ps],
                open_total=fmt.money(open_total, name), fees=fee_lines,
                fees_total=fmt.money(fee_total, name), fees_minor=fee_total,
                to_pay=fmt.money(open_total + fee_total, name),
                bank=company.bank.get(name)))
        dues = [int(lines.due[p]) for p in positions]
        interest = [f for f in interest_rules if allowed[f.name][int(c)]]
        out.append(LetterView(
            client=addressee(clients, int(c), company), slug=client_slug(cid), step=st.id,
            ladder=lad.name, template=st.template or "", channel=st.channel or "",
            language=lang, date=fmt.date(report.as_of, "long"),
            as_of_iso=report.as_of.isoformat(),
            deadline=fmt.date(report.as_of + dt.timedelta(days=company.deadline_days), "long"),
            currencies=ccs,
            next_steps=_next_steps(report, lad.steps, st, dues, day, fmt,
                                   [cc.currency for cc in ccs], int(c), allowed),
            interest_percent=(_percent(interest[0].annual_percent, fmt)
                              if interest and interest[0].annual_percent is not None else ""),
            interest_grace_days=interest[0].grace_days if interest else 0,
            invoice_ids=[str(inv_ids[i]) for i in invs],
            to_pay=[cc.to_pay for cc in ccs]))
    out.sort(key=lambda v: (v.client.client_id, _order(report, v)))
    return out


def _order(report: Report, letter: LetterView) -> int:
    step = report.policies.ladders[letter.ladder].step(letter.step)
    return step.order if step is not None else 0


def _next_steps(report: Report, steps: tuple[Step, ...], current: Step, dues: list[int],
                day: int, fmt: Formatter, currencies: list[str], client: int,
                allowed: dict[str, np.ndarray]) -> list[NextStep]:
    """What the ladder does next to these invoices, and from when: the later steps that
    charge a fee, send a letter, hold deliveries or hand the debt over, each dated by the
    first of these invoices to reach it (after A); the first three."""
    from .. import money

    out = []
    first_due = min(dues) if dues else day
    for st in steps:
        if st.order <= current.order:
            continue
        when = first_due + st.at
        if when <= day:
            when = day + 1
        fee_text = ""
        fee = report.policies.fees.get(st.fee) if st.fee else None
        if fee is not None and allowed.get(fee.name, np.ones(client + 1, bool))[client]:
            if fee.flat is not None and currencies:
                value = fee.flat.for_currency(currencies[0])
                if value is not None:
                    fee_text = fmt.money(money.decimal_to_minor(value, currencies[0]),
                                         currencies[0])
            elif fee.percent is not None:
                fee_text = _percent(fee.percent, fmt)
        if fee_text:
            what = "fee"
        elif st.action == "hold_shipments":
            what = "hold"
        elif st.channel in ("agency", "legal"):
            what = st.channel
        elif st.channel == "letter":
            what = "letter"
        else:
            continue
        out.append(NextStep(step_id=st.id, what=what, date=fmt.day(when), fee=fee_text))
        if len(out) == 3:
            break
    return out


# --- what goes out, and how ----------------------------------------------------------------

@dataclass(frozen=True)
class Outgoing:
    """One document for a client: where its PDF is, and whether it is emailed or printed."""

    client_id: str
    slug: str
    document: str  # letter or statement
    step: str  # the ladder step ('' for a statement)
    channel: str  # the step's channel ('' for a statement)
    delivery: str  # email, print, or '' (a statement on the site only, not sent today)
    to: list[str]
    language: str
    pdf: str  # path under the site
    eml: str  # outbox/...eml when emailed, else ''
    invoice_ids: list[str]
    note: str  # why it is printed, or ''


def plan_outgoing(report: Report, letters: list[LetterView],
                  statements: list[StatementView]) -> tuple[list[Outgoing], list[Diagnostic]]:
    """Every letter and statement of A with its delivery, and a warning for each one that
    should have been emailed but cannot be (no usable address in clients.csv): it is to be
    printed and posted instead. Statements go out when company.yaml statement_email says so."""
    from ..deliver.outbox import client_addresses

    out: list[Outgoing] = []
    warnings: list[Diagnostic] = []
    send_statements = statement_due(report)
    raw = report.ledger.sources.get("clients")

    row_of: dict[str, int] = {}  # clients.csv row of each id, built on the first warning

    def where(cid: str) -> tuple[str, int | None]:
        if raw is None:
            return "clients.csv", None
        if not row_of:
            for k, value in enumerate(raw.column("client_id").to_pylist()):
                row_of.setdefault(str(value), k)
        row = row_of.get(cid)
        return raw.display, (raw.lines.line(row) if row is not None else None)

    for doc, document, step, channel, invoices in (
            [(v, "letter", v.step, v.channel, v.invoice_ids) for v in letters]
            + [(s, "statement", "", "", []) for s in statements]):
        cid = doc.client.client_id
        wants_email = channel == "email" if document == "letter" else send_statements
        good, bad = client_addresses(doc.client.email)
        what = f"{step} letter" if document == "letter" else "statement"
        note = ""
        if wants_email and not report.policies.company.email:
            delivery, note = "print", "company.yaml gives no sender email"
        elif wants_email and not good:
            delivery = "print"
            note = ("no email address in clients.csv" if not bad else
                    f"'{' '.join(bad)}' in clients.csv is not an email address")
            file, line = where(cid)
            warnings.append(Diagnostic(
                "warning", file, line, "email", "email",
                f"client {cid}: {note}; its {what} is to be printed and posted ({doc.path})",
                "add the client's email address to send it by email"))
        elif wants_email:
            delivery = "email"
            if bad:
                file, line = where(cid)
                warnings.append(Diagnostic(
                    "warning", file, line, "email", "email",
                    f"client {cid}: '{' '.join(bad)}' is not an email address; the {what} goes "
                    f"to {', '.join(good)} only", "fix or remove it"))
        elif document == "letter":
            delivery = "print"
        else:
            delivery = ""
        eml = f"outbox/{doc.slug}-{step or 'statement'}.eml" if delivery == "email" else ""
        out.append(Outgoing(client_id=cid, slug=doc.slug, document=document, step=step,
                            channel=channel, delivery=delivery,
                            to=good if delivery == "email" else [],
                            language=doc.language.code, pdf=doc.path, eml=eml,
                            invoice_ids=list(invoices), note=note))
    if not (Path(report.policies.folder) / "company.yaml").is_file():
        warnings.append(Diagnostic(
            "warning", str(Path(report.policies.folder) / "company.yaml"), None, None, "",
            "company.yaml is absent: statements and letters name no sender and say nothing "
            "about how to pay, and no email can be written",
            "add company.yaml beside the policies (docs/letters.md)"))
    warnings += _client_locale_warnings(report, [*letters, *statements], where)
    fallbacks: dict[str, list[str]] = {}
    for language, client in [(v.language, v.client) for v in letters] + [
            (s.language, s.client) for s in statements]:
        if language.fell_back:
            ids = fallbacks.setdefault(language.requested, [])
            if client.client_id not in ids:
                ids.append(client.client_id)
    for lang, ids in sorted(fallbacks.items()):
        file, line = where(ids[0])
        shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
        warnings.append(Diagnostic(
            "warning", file, line, "language", "language",
            f"language '{lang}' has no translation: the documents of {shown} are in English "
            "(dates and amounts still in their country's format)",
            "translated: " + ", ".join(TRANSLATED) + "; or give a policies-folder letter in "
            f"templates/letters/{lang}/"))
    if any(o.note == "company.yaml gives no sender email" for o in out):
        warnings.append(Diagnostic(
            "warning", "company.yaml", report.policies.company.source.line or None, None,
            "email", "company.yaml gives no email: no email is written, every letter and "
            "statement is to be printed", "add email: (the From address)"))
    return out, warnings


def _client_locale_warnings(report: Report, docs: list[LetterView | StatementView],
                            where: Callable[[str], tuple[str, int | None]]
                            ) -> list[Diagnostic]:
    """A clients.csv country or language that is no ISO code, for the clients who get a
    document today: its formats, its translation and its address line are guesses."""
    from babel import Locale, localedata

    english = Locale("en")
    clients = report.ledger.clients
    index = {str(c): i for i, c in enumerate(report.ledger.client_ids().tolist())}
    bad: dict[tuple[str, str], list[str]] = {}
    for cid in dict.fromkeys(d.client.client_id for d in docs):
        c = index.get(cid)
        if c is None:
            continue
        country = _text(clients["country"].iat[c]).strip() if "country" in clients else ""
        language = _text(clients["language"].iat[c]).strip() if "language" in clients else ""
        if country and country.upper() not in english.territories:
            bad.setdefault(("country", country), []).append(cid)
        lang = language.replace("-", "_").split("_")[0].lower()
        if language and not localedata.exists(lang):
            bad.setdefault(("language", language), []).append(cid)
    out = []
    for (column, value), ids in sorted(bad.items()):
        file, line = where(ids[0])
        hint = ("use the 2-letter ISO 3166 code, e.g. US, DE, FR" if column == "country"
                else "use an ISO 639 code, e.g. en, de, fr, es, or de-AT")
        out.append(Diagnostic("warning", file, line, column, column,
                              f"'{value}' is not a {column} code ({len(ids)} client(s): "
                              f"{', '.join(ids[:5])}); their documents use the sender's",
                              did_you_mean(value.upper() if column == "country" else value,
                                           [str(k) for k in english.territories
                                            if len(str(k)) == 2] if column == "country"
                                           else list(TRANSLATED)) or hint))
    return out
