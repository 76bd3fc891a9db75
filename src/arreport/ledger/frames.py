"""The typed frames of the ledger, one builder per file: codes, day numbers, minor units."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import money
from ..diagnostics import Diagnostic, did_you_mean
from .amounts import parse_amounts
from .cells import INT_PATTERN, to_numpy
from .codes import ClientCodes, currency_codes
from .csvread import RawTable
from .dates import NO_DATE, parse_days
from .problems import MAX_SHOWN, Problems

CLIENT_TEXT = ("name", "email", "segment", "country", "language", "address", "contact",
               "phone", "timezone", "kind")


def _strings(values: pa.Array | pa.ChunkedArray) -> pd.api.extensions.ExtensionArray:
    return pd.array(values, dtype=pd.ArrowDtype(pa.string()))


def clients_frame(raw: RawTable | None, codes: ClientCodes, cur_names: list[str],
                  default_currency: str, problems: Problems) -> tuple[pd.DataFrame, np.ndarray]:
    """One row per client code, and each code's currency code (plus one slot, the default,
    so a row without a client_id, already an error, still indexes safely)."""
    n_clients = len(codes)
    default = cur_names.index(default_currency)
    client_cur = np.full(n_clients, default, dtype=np.int32)
    clients = pd.DataFrame({"client_id": pd.array(codes.ids, dtype="string")})
    clients["in_file"] = False
    if raw is not None:
        rows = codes.of_file["clients"]
        ccur = currency_codes(raw.column("currency"), cur_names)
        has = ccur >= 0
        client_cur[rows[has]] = ccur[has]
        clients.loc[rows[rows >= 0], "in_file"] = True  # an empty client_id: an error
        # the file row of each client code (the last, should one repeat), null when none
        file_row = np.full(n_clients, -1, dtype=np.int64)
        named = rows >= 0
        file_row[rows[named]] = np.flatnonzero(named)
        take = pa.array(file_row, mask=file_row < 0)
        for c in CLIENT_TEXT:
            clients[c] = pd.array(pc.take(raw.column(c), take), dtype="string")
        limit = parse_amounts(raw, "credit_limit", client_cur[rows], cur_names, problems,
                              required=False)
        present = to_numpy(raw.column("credit_limit").is_valid())
        lim = pd.array([pd.NA] * n_clients, dtype="Int64")
        lim[rows[present]] = limit[present]
        clients["credit_limit"] = lim
    else:
        for c in CLIENT_TEXT:
            clients[c] = pd.Series(pd.NA, index=clients.index, dtype="string")
        clients["credit_limit"] = pd.array([pd.NA] * n_clients, dtype="Int64")
    clients["name"] = clients["name"].fillna(clients["client_id"])
    clients["kind"] = clients["kind"].fillna("business")
    clients["currency"] = pd.array(np.array(cur_names, dtype=object)[client_cur], dtype="string")
    clients["cur"] = client_cur
    return clients, np.append(client_cur, np.int32(default))


def invoices_frame(raw: RawTable, client: np.ndarray, client_cur: np.ndarray,
                   cur_names: list[str], known_terms: Iterable[str] | None,
                   problems: Problems, clients_unusable: bool) -> pd.DataFrame:
    """The invoices; a row without its own currency takes its client's."""
    cur = currency_codes(raw.column("currency"), cur_names)
    own_cur = cur >= 0
    cur = np.where(own_cur, cur, client_cur[client])
    amount = parse_amounts(raw, "amount", cur, cur_names, problems,
                           unsure=~own_cur & clients_unusable)
    issue, _ = raw.days("issue_date")
    due, _ = raw.days("due_date")
    early = (due != NO_DATE) & (issue != NO_DATE) & (due < issue)
    if early.any():
        problems.add_rows(raw, early, "due_date", raw.column("due_date"),
                          "'{value}' is before the invoice's issue_date",
                          "the invoice ages from this due date; check both dates",
                          severity="warning")
    terms = raw.column("terms")
    if known_terms is not None and raw.has("terms"):
        _check_terms(raw, terms, sorted(set(known_terms)), problems)
    return pd.DataFrame({
        "invoice_id": _strings(raw.column("invoice_id")),
        "client": client,
        "cur": cur.astype(np.int8 if len(cur_names) < 127 else np.int32),
        "issue_date": issue,
        "due_date": due,
        "amount": amount,
        "terms": _strings(terms),
        "reference": _strings(raw.column("reference")),
        "row": np.arange(len(raw), dtype=np.int32),
    })


def _check_terms(raw: RawTable, terms: pa.Array, names: list[str], problems: Problems) -> None:
    ok = to_numpy(pc.or_(pc.is_in(terms, value_set=pa.array(names, pa.string())),
                         pc.is_null(terms)))
    for r in np.flatnonzero(~ok)[:MAX_SHOWN]:
        v = terms[int(r)].as_py()
        problems.add(Diagnostic("error", raw.display, raw.lines.line(int(r)), "terms",
                                "terms", f"unknown terms '{v}'",
                                did_you_mean(v, names) or
                                f"terms.yaml defines: {', '.join(names)}"))


def documents_frame(raw: RawTable, id_col: str, client: np.ndarray, inv_row: np.ndarray,
                    inv_cur: np.ndarray, client_cur: np.ndarray, cur_names: list[str],
                    cur_dtype: np.dtype, problems: Problems,
                    invoices_unusable: bool, clients_unusable: bool) -> pd.DataFrame:
    """Payments or credit notes; a row without its own currency takes that of the invoice
    it names, else its client's."""
    ref = raw.column("invoice_id")
    cur = currency_codes(raw.column("currency"), cur_names)
    from_inv = np.where(inv_row >= 0, inv_cur[np.maximum(inv_row, 0)] if len(inv_cur) else 0,
                        client_cur[client])
    unsure = (cur < 0) & np.where(to_numpy(ref.is_valid()), invoices_unusable,
                                  clients_unusable)
    cur = np.where(cur >= 0, cur, from_inv)
    amount = parse_amounts(raw, "amount", cur, cur_names, problems, unsure=unsure)
    date, _ = raw.days("date")
    return pd.DataFrame({
        id_col: _strings(raw.column(id_col)),
        "client": client,
        "cur": cur.astype(cur_dtype),
        "date": date,
        "amount": amount,
        "invoice_id": _strings(ref),
        "inv": inv_row,
        "row": np.arange(len(raw), dtype=np.int32),
    })


def empty_documents(id_col: str) -> pd.DataFrame:
    return pd.DataFrame({
        id_col: _strings(pa.array([], pa.string())),
        "client": np.zeros(0, np.int32), "cur": np.zeros(0, np.int8),
        "date": np.zeros(0, np.int32), "amount": np.zeros(0, np.int64),
        "invoice_id": _strings(pa.array([], pa.string())),
        "inv": np.zeros(0, np.int64), "row": np.zeros(0, np.int32),
    })


def text_frame(raw: RawTable | None, kinds: dict[str, str]) -> pd.DataFrame:
    """A small file's columns: dates as day numbers, counts as int64, the rest as strings."""
    out: dict[str, object] = {}
    for name, kind in kinds.items():
        values = raw.column(name) if raw is not None else pa.array([], pa.string())
        if kind == "date":
            out[name] = raw.days(name)[0] if raw is not None else parse_days(values)[0]
        elif kind == "int":
            # a malformed count is reported by check_cells; read as 0 meanwhile
            shaped = pc.fill_null(pc.match_substring_regex(values, INT_PATTERN), False)
            out[name] = to_numpy(pc.cast(pc.if_else(shaped, values, "0"), pa.int64()))
        else:
            out[name] = _strings(values)
    frame = pd.DataFrame(out)
    frame["row"] = np.arange(len(frame), dtype=np.int32)
    return frame


def plans_frame(raw: RawTable | None, client: np.ndarray, client_cur: np.ndarray,
                cur_names: list[str], problems: Problems,
                clients_unusable: bool) -> pd.DataFrame:
    """Payment plans, in their client's currency; what a plan asks in all must stay a sum
    int64 holds, as every amount's total does."""
    plans = text_frame(raw, {"plan_id": "id", "client_id": "id", "start": "date",
                             "installments": "int", "every_days": "int",
                             "invoice_ids": "text"})
    if raw is None:
        plans["client"] = np.zeros(0, np.int32)
        plans["amount"] = np.zeros(0, np.int64)
        plans["cur"] = np.zeros(0, np.int32)
        return plans
    plans["client"] = client
    plans["amount"] = parse_amounts(raw, "amount", client_cur[client], cur_names, problems,
                                    unsure=np.full(len(raw), clients_unusable))
    plans["cur"] = client_cur[client]
    asked = plans["amount"].to_numpy().astype(np.float64) * plans["installments"].to_numpy()
    problems.add_rows(raw, asked > money.MAX_FILE_TOTAL, "installments",
                      raw.column("installments"),
                      "'{value}' installments of this amount ask more than 10^18 minor "
                      "units in all", "a plan may ask at most 10^18 minor units in all")
    return plans
