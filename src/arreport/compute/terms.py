"""Payment terms: which terms govern each invoice, and its due lines (deposit, then balance)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from ..ledger.dates import NO_DATE
from ..policy.model import Policies

TERMS_FROM = ("invoice", "client", "segment", "default", "default_terms")


def client_terms(clients: pd.DataFrame, policies: Policies) -> tuple[np.ndarray, np.ndarray]:
    """Per client code: the terms name and where it came from (index into TERMS_FROM).

    Chain: segments.yaml clients.<id>.terms, else the client's segment, else
    segments.yaml default.terms, else terms.yaml default_terms.
    """
    n = len(clients)
    fallback, fallback_from = (
        (policies.default.terms, 3) if policies.default.terms else (policies.default_terms, 4))
    names = np.full(n, fallback, dtype=object)
    origin = np.full(n, fallback_from, dtype=np.int8)
    seg = clients["segment"].fillna("").astype(str).to_numpy()
    for seg_name, assignment in policies.segments.items():
        if assignment.terms:
            sel = seg == seg_name
            names[sel] = assignment.terms
            origin[sel] = 2
    ids = clients["client_id"].astype(str).to_numpy()
    for client_id, assignment in policies.clients.items():
        if assignment.terms:
            sel = ids == client_id
            names[sel] = assignment.terms
            origin[sel] = 1
    return names, origin


def unknown_segments(clients: pd.DataFrame, policies: Policies) -> list[str]:
    seg = clients["segment"].dropna().astype(str)
    return sorted(set(seg) - set(policies.segments))


def _percent_half_up(amount: np.ndarray, percent: Decimal) -> np.ndarray:
    """amount × percent / 100, rounded half-up to the minor unit, in integers."""
    sign, digits, exp = percent.as_tuple()
    num = int("".join(map(str, digits)) or "0")
    den = 10 ** (-exp) if isinstance(exp, int) and exp < 0 else 1
    if isinstance(exp, int) and exp > 0:
        num *= 10**exp
    return (2 * amount * num + den * 100) // (2 * den * 100)


def invoice_terms(invoices: pd.DataFrame, clients: pd.DataFrame, policies: Policies
                  ) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Per invoice: the code of its terms in the returned sorted names, and where they came
    from (index into TERMS_FROM)."""
    n = len(invoices)
    cnames, corigin = client_terms(clients, policies)
    client = invoices["client"].to_numpy()
    own = invoices["terms"].astype(object).to_numpy() if n else np.zeros(0, dtype=object)
    has_own = pd.notna(own) if n else np.zeros(0, dtype=bool)
    names = np.where(has_own, own, cnames[client] if n else own)
    origin = np.where(has_own, 0, corigin[client] if n else 0).astype(np.int8)
    term_list = sorted(policies.terms)
    codes = pd.Categorical(names, categories=term_list).codes.astype(np.int64)
    return codes, term_list, origin


def discount_offers(invoices: pd.DataFrame, clients: pd.DataFrame, policies: Policies
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Per invoice: the early-payment discount (minor units, 0 when its terms have none),
    percent of the amount rounded half-up, and the last day it may be taken."""
    codes, term_list, _ = invoice_terms(invoices, clients, policies)
    amount = invoices["amount"].to_numpy().astype(np.int64)
    issue = invoices["issue_date"].to_numpy().astype(np.int64)
    discount = np.zeros(len(invoices), dtype=np.int64)
    deadline = np.full(len(invoices), np.iinfo(np.int64).min, dtype=np.int64)
    for code, name in enumerate(term_list):
        t = policies.terms[name]
        if t.discount_percent is None:
            continue
        sel = codes == code
        discount[sel] = _percent_half_up(amount[sel], t.discount_percent)
        deadline[sel] = issue[sel] + int(t.discount_days or 0)
    return discount, deadline


def due_lines(invoices: pd.DataFrame, clients: pd.DataFrame, policies: Policies) -> pd.DataFrame:
    """One row per due line: the invoice's own due_date, else the date its terms give.

    Columns: inv (invoice row), line (0, or 0 deposit / 1 balance), terms, terms_from,
    due_date (day number), amount (the line's share, minor units).
    """
    n = len(invoices)
    codes, term_list, origin = invoice_terms(invoices, clients, policies)
    net = np.array([policies.terms[t].net_days for t in term_list], dtype=np.int64)
    eom = np.array([policies.terms[t].from_ == "end_of_month" for t in term_list])
    dom = np.array([policies.terms[t].day_of_next_month or 0 for t in term_list], dtype=np.int64)
    issue = invoices["issue_date"].to_numpy().astype(np.int64)
    issue_d = issue.astype("datetime64[D]")
    month = issue_d.astype("datetime64[M]")
    next_month = (month + 1).astype("datetime64[D]").astype(np.int64)
    month_end = next_month - 1
    after_next = (month + 2).astype("datetime64[D]").astype(np.int64)
    t_net, t_eom, t_dom = net[codes], eom[codes], dom[codes]
    computed = np.where(t_eom, month_end, issue) + t_net
    by_dom = next_month + np.minimum(t_dom, after_next - next_month) - 1
    computed = np.where(t_dom > 0, by_dom, computed)
    own_due = invoices["due_date"].to_numpy().astype(np.int64)
    due = np.where(own_due != NO_DATE, own_due, computed)

    amount = invoices["amount"].to_numpy()
    deposit = np.zeros(n, dtype=np.int64)
    for code, tname in enumerate(term_list):
        pct = policies.terms[tname].deposit_percent
        if pct is not None:
            sel = codes == code
            deposit[sel] = _percent_half_up(amount[sel], pct)
    has_deposit = deposit > 0
    reps = 1 + has_deposit.astype(np.int64)
    inv = np.repeat(np.arange(n, dtype=np.int64), reps)
    first = np.r_[0, np.cumsum(reps)[:-1]] if n else np.zeros(0, np.int64)
    line = np.arange(len(inv)) - np.repeat(first, reps)
    is_deposit_line = has_deposit[inv] & (line == 0)
    line_amount = np.where(is_deposit_line, deposit[inv], amount[inv] - deposit[inv])
    line_due = np.where(is_deposit_line, issue[inv], due[inv])
    return pd.DataFrame({
        "inv": inv,
        "line": line.astype(np.int8),
        "terms": pd.Categorical.from_codes(codes[inv], categories=term_list),
        "terms_from": origin[inv],
        "due_date": line_due.astype(np.int32),
        "amount": line_amount,
    })
