"""Raw string tables -> the typed ledger: codes, day numbers and exact minor units.

Every problem is gathered as a Diagnostic naming file, line, column and value; the caller
decides whether errors stop the run. Whole-column operations only: no loop over rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import money
from ..diagnostics import Diagnostic, did_you_mean
from .csvread import RawTable, empty_table, read_csv
from .dates import DATE_RANGE, NO_DATE, parse_days, parse_days_detail
from .schema import CLIENT_KINDS, CREDIT_NOTES, FILES, INVOICES, PAYMENTS

MAX_SHOWN = 20  # located messages per file and column; the rest are counted
INT_PATTERN = r"^[0-9]{1,9}$"  # a count: digits only, small enough for any date arithmetic
INT_EXPECTED = {"installments": "the number of installments, a whole number such as 6",
                "every_days": "the days between installments, a whole number such as 30"}


@dataclass
class Ledger:
    """The canonical ledger as typed frames.

    Dates are int32 day numbers (ledger.dates.NO_DATE when absent), amounts int64 minor units
    of the row's currency, `client` an int32 code into `clients`, `inv` the row of the named
    invoice in `invoices` (-1 when none or unknown). `row` is the 0-based data row in the file.
    """

    invoices: pd.DataFrame
    payments: pd.DataFrame
    credit_notes: pd.DataFrame
    clients: pd.DataFrame
    disputes: pd.DataFrame
    contacts: pd.DataFrame
    plans: pd.DataFrame
    sources: dict[str, RawTable] = field(default_factory=dict)
    sent_log: str = ""  # the sent log whose deliveries were added to `contacts` ('' none)

    def client_ids(self) -> np.ndarray:
        return np.asarray(self.clients["client_id"].to_numpy(dtype=object))


class _Problems:
    """Collects located problems per file and column, showing the first few of each."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []
        self._counts: dict[tuple[str, str, str], int] = {}

    def add_rows(self, raw: RawTable, mask: np.ndarray, column: str, values: pa.Array | None,
                 message: str, hint: str = "", severity: str = "error") -> None:
        rows = np.flatnonzero(mask)
        if len(rows) == 0:
            return
        key = (raw.display, column, severity)
        shown = self._counts.get(key, 0)
        for r in rows[: max(0, MAX_SHOWN - shown)]:
            value = values[int(r)].as_py() if values is not None else None
            text = message.format(value=value)
            self.items.append(Diagnostic(severity, raw.display, raw.lines.line(int(r)),  # type: ignore[arg-type]
                                         column, column, text, hint))
        self._counts[key] = shown + len(rows)
        more = shown + len(rows) - MAX_SHOWN
        if more > 0 and shown < MAX_SHOWN:
            self.items.append(Diagnostic(severity, raw.display, None, column, column,  # type: ignore[arg-type]
                                         f"... and {more} more rows like these", ""))

    def add(self, diag: Diagnostic) -> None:
        self.items.append(diag)


def _np(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(arr.to_numpy(zero_copy_only=False))


def load_ledger(folder: Path, default_currency: str,
                known_terms: Iterable[str] | None = None) -> tuple[Ledger | None, list[Diagnostic]]:
    """Read and type every canonical file in `folder`. Returns (None, diagnostics) on errors.

    A file that cannot be read at all (empty, absent, a required column missing) does not
    stop the checks of the others: they are typed without it, so every file's problems are
    reported in one run.
    """
    problems = _Problems()
    raws: dict[str, RawTable] = {}
    unusable: set[str] = set()
    if not folder.is_dir():
        return None, [Diagnostic("error", str(folder), None, None, "",
                                 "the ledger folder does not exist",
                                 "pass --ledger DIR with invoices.csv in it")]
    paths, stray = _ledger_files(folder)
    problems.items.extend(stray)
    for schema in FILES:
        path = paths.get(schema.filename, folder / schema.filename)
        if not path.exists():
            if schema.required_file:
                problems.add(Diagnostic("error", str(path), None, None, "",
                                        f"{schema.filename} is required but absent"))
                unusable.add(schema.name)
            continue
        raw, diags = read_csv(path, schema)
        problems.items.extend(diags)
        if raw is not None:
            raws[schema.name] = raw
        else:
            unusable.add(schema.name)
    if "invoices" not in raws:
        raws["invoices"] = empty_table(INVOICES, folder / INVOICES.filename)
    ledger = _type_ledger(raws, default_currency, known_terms, problems, unusable)
    if any(d.severity == "error" for d in problems.items):
        return None, problems.items
    return ledger, problems.items


def _ledger_files(folder: Path) -> tuple[dict[str, Path], list[Diagnostic]]:
    """The ledger's files by canonical name, a name in other case (Invoices.csv,
    PAYMENTS.CSV) counting as that file; and a warning for each other CSV file, which is not
    read (payment.csv for payments.csv would silently leave every invoice unpaid)."""
    canonical = {schema.filename.casefold(): schema.filename for schema in FILES}
    found: dict[str, Path] = {}
    warnings: list[Diagnostic] = []
    entries = sorted(p for p in folder.iterdir() if p.is_file())
    exact = {p.name for p in entries}
    for path in entries:
        name = canonical.get(path.name.casefold())
        if name is not None and (path.name == name or name not in exact):
            if name in found:  # Invoices.csv and INVOICES.CSV: read neither silently
                warnings.append(Diagnostic("warning", str(path), None, None, "",
                                           f"a second file for {name}; it is not read",
                                           f"keep one: {found[name].name} is read"))
                continue
            found[name] = path
        elif path.suffix.casefold() in (".csv", ".txt", ".tsv"):
            hint = did_you_mean(path.name.casefold(), sorted(canonical.values()))
            if name is not None:
                hint = f"{name} is read instead"
            warnings.append(Diagnostic("warning", str(path), None, None, "",
                                       "not a ledger file arreport reads; it is ignored",
                                       hint or "the ledger files are "
                                       + ", ".join(s.filename for s in FILES)))
    return found, warnings


def _check_generic(raw: RawTable, problems: _Problems, usual_currencies: set[str]) -> None:
    """Required cells present; dates, currency codes, integers and kinds well formed."""
    for col in raw.schema.columns:
        if not raw.has(col.name):
            continue
        values = raw.column(col.name)
        present = _np(values.is_valid())
        if col.required:
            what = {"amount": "an amount", "date": "a date"}.get(col.kind,
                                                                              "a value")
            problems.add_rows(raw, ~present, col.name, None,
                              f"{col.name} is empty", f"every row needs {what}")
        if col.kind == "date":
            _days, bad = raw.days(col.name)
            if bad.any():
                _, not_a_date, outside = parse_days_detail(values)
                problems.add_rows(raw, not_a_date, col.name, values, "'{value}' is not a date",
                                  "expected YYYY-MM-DD, e.g. 2024-06-30")
                problems.add_rows(raw, outside, col.name, values,
                                  "'{value}' is outside the dates arreport accepts",
                                  f"expected a date {DATE_RANGE}")
        elif col.kind == "currency":
            known = pa.array(sorted(money.known_currencies()))
            ok = _np(pc.or_(pc.is_in(values, value_set=known), pc.is_null(values)))
            bad = ~ok
            if bad.any():
                for r in np.flatnonzero(bad)[:MAX_SHOWN]:
                    v = values[int(r)].as_py()
                    # suggest among the ledger's own currencies: CLDR also lists obsolete
                    # codes (ROL, XEU) that would make poor guesses
                    hint = did_you_mean(str(v).upper(), usual_currencies, cutoff=0.6)
                    problems.add(Diagnostic("error", raw.display, raw.lines.line(int(r)),
                                            col.name, col.name,
                                            f"'{v}' is not a known currency code",
                                            hint or "expected an ISO 4217 code such as USD or EUR"))
                if bad.sum() > MAX_SHOWN:
                    problems.add(Diagnostic("error", raw.display, None, col.name, col.name,
                                            f"... and {int(bad.sum()) - MAX_SHOWN} more rows"))
        elif col.kind == "int":
            expected = INT_EXPECTED.get(col.name, "a count such as 6")
            ok = _np(pc.fill_null(pc.match_substring_regex(values, INT_PATTERN), True))
            problems.add_rows(raw, ~ok, col.name, values, "'{value}' is not a whole number",
                              f"expected {expected}")
            zero = _np(pc.fill_null(pc.match_substring_regex(values, r"^0+$"), False))
            problems.add_rows(raw, zero, col.name, values, "'{value}' is not at least 1",
                              f"expected {expected}")
        elif col.kind == "kind":
            ok = _np(pc.or_(pc.is_in(values, value_set=pa.array(CLIENT_KINDS)),
                                pc.is_null(values)))
            problems.add_rows(raw, ~ok, col.name, values, "'{value}' is not a client kind",
                              "expected business or consumer")
    uid = raw.schema.unique
    if uid and raw.has(uid):
        ids = raw.column(uid)
        enc = pc.dictionary_encode(ids)
        codes = _np(enc.indices.fill_null(-1) if enc.null_count else enc.indices).astype(np.int64)
        valid = codes >= 0
        counts = np.bincount(codes[valid], minlength=len(enc.dictionary))
        dup = valid & (counts[np.where(valid, codes, 0)] > 1)
        if dup.any():
            first_row = np.full(len(enc.dictionary), -1, dtype=np.int64)
            order = np.flatnonzero(valid)[::-1]
            first_row[codes[order]] = order
            is_first = np.zeros(len(codes), dtype=bool)
            is_first[first_row[first_row >= 0]] = True
            later = dup & ~is_first
            for r in np.flatnonzero(later)[:MAX_SHOWN]:
                v = ids[int(r)].as_py()
                first = raw.lines.line(int(first_row[codes[r]]))
                problems.add(Diagnostic("error", raw.display, raw.lines.line(int(r)), uid, uid,
                                        f"duplicate {uid} '{v}' (first on line {first})",
                                        f"each {uid} must be unique"))
            if later.sum() > MAX_SHOWN:
                problems.add(Diagnostic("error", raw.display, None, uid, uid,
                                        f"... and {int(later.sum()) - MAX_SHOWN} more duplicates"))


def _amounts(raw: RawTable, column: str, currencies: np.ndarray, cur_names: list[str],
             problems: _Problems, required: bool = True,
             unsure: np.ndarray | None = None) -> np.ndarray:
    """Parse one amount column with each row's currency decimals.

    `unsure` marks rows whose currency is not known (it would come from a file that could not
    be read): their decimals are not checked. The amounts of a file (not credit limits) must
    add up to at most money.MAX_FILE_TOTAL; the row where they pass it is an error.
    """
    places_by_code = np.array([money.decimals(c) for c in cur_names], dtype=np.int64)
    places = places_by_code[currencies] if len(cur_names) else np.zeros(len(raw), np.int64)
    values = raw.column(column)
    minor, problem = money.parse_minor_units(values, places)
    if unsure is not None:
        problem[(problem == 3) & unsure] = 0
    for code, name in enumerate(cur_names):
        sel = (problem == 5) & (currencies == code)
        top = money.format_amount(money.MAX_MINOR, name)
        problems.add_rows(raw, sel, column, values, "'{value}' is too large",
                          f"an amount is at most {top} {name} (10^15 minor units), which "
                          "keeps every sum of the ledger exact in 64-bit integers")
    if required and len(minor):
        # float64 is exact enough to find where the running total passes 10**18
        over = np.cumsum(minor, dtype=np.float64) > money.MAX_FILE_TOTAL
        if over.any():
            first = np.zeros(len(minor), dtype=bool)
            first[int(np.argmax(over))] = True
            problems.add_rows(raw, first, column, values,
                              "'{value}' takes the total of the file's amounts past 10^18 "
                              "minor units",
                              "the amounts of one file may add up to at most 10^18 minor "
                              "units, which keeps every sum of the ledger exact in 64-bit "
                              "integers")
    problems.add_rows(raw, problem == 1, column, values, "'{value}' is not a decimal number",
                      "expected e.g. 1200.50, with no thousands separator")
    problems.add_rows(raw, problem == 2, column, values, "'{value}' is negative",
                      "amounts are >= 0; record a refund as an invoice, a credit as a credit note")
    for code, name in enumerate(cur_names):
        sel = (problem == 3) & (currencies == code)
        problems.add_rows(raw, sel, column, values,
                          "'{value}' has more decimals than " + name + " allows",
                          f"{name} amounts take {money.decimals(name)} decimals")
    return minor  # an empty required amount is reported by _check_generic


def _type_ledger(raws: dict[str, RawTable], default_currency: str,
                 known_terms: Iterable[str] | None, problems: _Problems,
                 unusable: set[str] | None = None) -> Ledger:
    """Type the files read. With `unusable` files (reported already), only each file's own
    problems are looked for: cross-file warnings would be noise, and a currency that would
    come from a missing file is not known, so those rows' decimals are not checked."""
    unusable = unusable or set()
    usual = {default_currency}
    for raw in raws.values():
        if raw.has("currency"):
            usual.update(v for v in pc.unique(raw.column("currency")).to_pylist()
                         if v is not None and money.is_known_currency(v))
    for raw in raws.values():
        _check_generic(raw, problems, usual)
    empty = pa.array([], pa.string())
    inv_raw = raws["invoices"]

    def col(name: str, column: str) -> pa.Array:
        raw = raws.get(name)
        return raw.column(column) if raw is not None else empty

    # One code space for client ids across every file, so grouping is integer work.
    client_cols = [col(n, "client_id") for n in
                   ("clients", "invoices", "payments", "credit_notes", "contacts",
                    "payment_plans")]
    all_clients = pa.chunked_array(client_cols, pa.string())
    enc = pc.dictionary_encode(all_clients).combine_chunks()
    client_dict = enc.dictionary
    codes_all = _np(enc.indices.fill_null(-1) if enc.null_count else enc.indices)
    # client codes ordered by client_id text so every listing is deterministic
    order = _np(pc.sort_indices(client_dict)).astype(np.int64)
    rank = np.empty(len(order), dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    if len(rank):
        codes_all = np.where(codes_all >= 0, rank[np.maximum(codes_all, 0)], -1)
    codes_all = codes_all.astype(np.int32)
    client_ids = pc.take(client_dict, pa.array(order))
    offsets = np.cumsum([0] + [len(c) for c in client_cols])
    client_codes = {n: codes_all[offsets[i]:offsets[i + 1]] for i, n in enumerate(
        ("clients", "invoices", "payments", "credit_notes", "contacts", "payment_plans"))}
    n_clients = len(client_ids)

    # Currency names: every code seen plus the default, sorted.
    cur_seen = {default_currency}
    for name in ("clients", "invoices", "payments", "credit_notes"):
        if name in raws and raws[name].has("currency"):
            vals = pc.unique(raws[name].column("currency")).to_pylist()
            cur_seen.update(v for v in vals if v is not None and money.is_known_currency(v))
    cur_names = sorted(cur_seen)
    cur_code = {c: i for i, c in enumerate(cur_names)}
    cur_dict = pa.array(cur_names)

    def cur_codes(values: pa.Array) -> np.ndarray:
        idx = pc.index_in(values, value_set=cur_dict)
        return np.asarray(_np(pc.fill_null(idx, -1)), dtype=np.int32)

    # clients frame, one row per client code
    cl_raw = raws.get("clients")
    client_cur = np.full(n_clients, cur_code[default_currency], dtype=np.int32)
    clients = pd.DataFrame({"client_id": pd.array(client_ids.to_pylist(), dtype="string")})
    clients["in_file"] = False
    if cl_raw is not None:
        codes = client_codes["clients"]
        ccur = cur_codes(cl_raw.column("currency"))
        has = ccur >= 0
        client_cur[codes[has]] = ccur[has]
        clients.loc[codes, "in_file"] = True
        for c in ("name", "email", "segment", "country", "language", "address", "contact",
                  "phone", "timezone", "kind"):
            values = cl_raw.column(c).to_pylist()
            series = pd.Series(pd.NA, index=clients.index, dtype="string")
            series.iloc[codes] = values
            clients[c] = series
        limit_raw = cl_raw.column("credit_limit")
        limit = _amounts(cl_raw, "credit_limit", client_cur[codes], cur_names, problems,
                         required=False)
        present = _np(limit_raw.is_valid())
        lim = pd.array([pd.NA] * n_clients, dtype="Int64")
        lim[codes[present]] = limit[present]
        clients["credit_limit"] = lim
    else:
        for c in ("name", "email", "segment", "country", "language", "address", "contact",
                  "phone", "timezone", "kind"):
            clients[c] = pd.Series(pd.NA, index=clients.index, dtype="string")
        clients["credit_limit"] = pd.array([pd.NA] * n_clients, dtype="Int64")
    clients["name"] = clients["name"].fillna(clients["client_id"])
    clients["kind"] = clients["kind"].fillna("business")
    clients["currency"] = pd.array(np.array(cur_names, dtype=object)[client_cur], dtype="string")
    clients["cur"] = client_cur
    # one extra slot so a row without a client_id (already an error) still indexes safely
    client_cur = np.append(client_cur, np.int32(cur_code[default_currency]))

    # invoices
    inv_ids = inv_raw.column("invoice_id")
    inv_client = client_codes["invoices"]
    inv_cur = cur_codes(inv_raw.column("currency"))
    inv_own_cur = inv_cur >= 0
    inv_cur = np.where(inv_own_cur, inv_cur, client_cur[inv_client])
    inv_amount = _amounts(inv_raw, "amount", inv_cur, cur_names, problems,
                          unsure=~inv_own_cur & ("clients" in unusable))
    issue, _ = inv_raw.days("issue_date")
    due, _ = inv_raw.days("due_date")
    early = (due != NO_DATE) & (issue != NO_DATE) & (due < issue)
    problems.add_rows(inv_raw, early, "due_date", inv_raw.column("due_date"),
                      "'{value}' is before the invoice's issue_date",
                      "the invoice ages from this due date; check both dates",
                      severity="warning")
    terms = inv_raw.column("terms")
    if known_terms is not None and inv_raw.has("terms"):
        names = sorted(set(known_terms))
        ok = _np(pc.or_(pc.is_in(terms, value_set=pa.array(names, pa.string())),
                                pc.is_null(terms)))
        for r in np.flatnonzero(~ok)[:MAX_SHOWN]:
            v = terms[int(r)].as_py()
            problems.add(Diagnostic("error", inv_raw.display, inv_raw.lines.line(int(r)), "terms",
                                    "terms", f"unknown terms '{v}'",
                                    did_you_mean(v, names) or
                                    f"terms.yaml defines: {', '.join(names)}"))
    invoices = pd.DataFrame({
        "invoice_id": pd.array(inv_ids, dtype=pd.ArrowDtype(pa.string())),
        "client": inv_client,
        "cur": inv_cur.astype(np.int8 if len(cur_names) < 127 else np.int32),
        "issue_date": issue,
        "due_date": due,
        "amount": inv_amount,
        "terms": pd.array(terms, dtype=pd.ArrowDtype(pa.string())),
        "reference": pd.array(inv_raw.column("reference"), dtype=pd.ArrowDtype(pa.string())),
        "row": np.arange(len(inv_raw), dtype=np.int32),
    })

    # invoice id -> row, for documents that name one
    inv_enc = pc.dictionary_encode(inv_ids)
    inv_dict = inv_enc.dictionary
    inv_codes = _np(inv_enc.indices.fill_null(-1) if inv_enc.null_count else inv_enc.indices)
    pos = np.full(len(inv_dict), -1, dtype=np.int64)
    valid = inv_codes >= 0
    pos[inv_codes[valid][::-1]] = np.flatnonzero(valid)[::-1]

    def lookup_invoice(refs: pa.Array) -> np.ndarray:
        if len(inv_dict) == 0:
            return np.full(len(refs), -1, dtype=np.int64)
        idx = _np(pc.fill_null(pc.index_in(refs, value_set=inv_dict), -1)).astype(np.int64)
        return np.where(idx >= 0, pos[np.maximum(idx, 0)], -1)

    docs: dict[str, pd.DataFrame] = {}
    for schema, id_col in ((PAYMENTS, "payment_id"), (CREDIT_NOTES, "credit_id")):
        doc_raw = raws.get(schema.name)
        if doc_raw is None:
            docs[schema.name] = _empty_docs(id_col)
            continue
        ref = doc_raw.column("invoice_id")
        inv_row = lookup_invoice(ref)
        dclient = client_codes[schema.name]
        dcur = cur_codes(doc_raw.column("currency"))
        from_inv = np.where(inv_row >= 0, inv_cur[np.maximum(inv_row, 0)] if len(inv_cur) else 0,
                            client_cur[dclient])
        unsure = (dcur < 0) & np.where(_np(ref.is_valid()), "invoices" in unusable,
                                       "clients" in unusable)
        dcur = np.where(dcur >= 0, dcur, from_inv)
        amount = _amounts(doc_raw, "amount", dcur, cur_names, problems, unsure=unsure)
        date, _ = doc_raw.days("date")
        docs[schema.name] = pd.DataFrame({
            id_col: pd.array(doc_raw.column(id_col), dtype=pd.ArrowDtype(pa.string())),
            "client": dclient,
            "cur": dcur.astype(invoices["cur"].dtype),
            "date": date,
            "amount": amount,
            "invoice_id": pd.array(ref, dtype=pd.ArrowDtype(pa.string())),
            "inv": inv_row,
            "row": np.arange(len(doc_raw), dtype=np.int32),
        })

    disputes = _frame(raws.get("disputes"), {"invoice_id": "id", "opened": "date",
                                             "resolved": "date", "reason": "text"})
    disputes["inv"] = (lookup_invoice(raws["disputes"].column("invoice_id"))
                       if "disputes" in raws else np.zeros(0, np.int64))
    contacts = _frame(raws.get("contacts"), {"date": "date", "client_id": "id", "channel": "text",
                                             "invoice_id": "id", "step": "text",
                                             "outcome": "text", "promise_date": "date",
                                             "note": "text"})
    if "contacts" in raws:
        contacts["client"] = client_codes["contacts"]
        contacts["inv"] = lookup_invoice(raws["contacts"].column("invoice_id"))
    else:
        contacts["client"] = np.zeros(0, np.int32)
        contacts["inv"] = np.zeros(0, np.int64)
    plans = _frame(raws.get("payment_plans"), {"plan_id": "id", "client_id": "id",
                                               "start": "date", "installments": "int",
                                               "every_days": "int", "invoice_ids": "text"})
    if "payment_plans" not in raws:
        plans["client"] = np.zeros(0, np.int32)
        plans["amount"] = np.zeros(0, np.int64)
        plans["cur"] = np.zeros(0, np.int32)
    else:
        praw = raws["payment_plans"]
        pclient = client_codes["payment_plans"]
        plans["client"] = pclient
        plans["amount"] = _amounts(praw, "amount", client_cur[pclient], cur_names,
                                   problems, unsure=np.full(len(praw), "clients" in unusable))
        plans["cur"] = client_cur[pclient]
        # what a plan asks in all must stay a sum int64 holds, as every amount's total does
        asked = plans["amount"].to_numpy().astype(np.float64) * plans["installments"].to_numpy()
        problems.add_rows(praw, asked > money.MAX_FILE_TOTAL, "installments",
                          praw.column("installments"),
                          "'{value}' installments of this amount ask more than 10^18 minor "
                          "units in all", "a plan may ask at most 10^18 minor units in all")

    ledger = Ledger(invoices=invoices, payments=docs["payments"],
                    credit_notes=docs["credit_notes"], clients=clients, disputes=disputes,
                    contacts=contacts, plans=plans, sources=dict(raws))
    ledger.currencies = cur_names  # type: ignore[attr-defined]
    # a file with errors may have lost rows (a quote never closed swallows the rest of it):
    # warnings that one file names what another lacks wait until the errors are fixed
    if not unusable and not any(d.severity == "error" for d in problems.items):
        _reference_warnings(ledger, raws, problems)
    return ledger


def _empty_docs(id_col: str) -> pd.DataFrame:
    return pd.DataFrame({
        id_col: pd.array([], dtype=pd.ArrowDtype(pa.string())),
        "client": np.zeros(0, np.int32), "cur": np.zeros(0, np.int8),
        "date": np.zeros(0, np.int32), "amount": np.zeros(0, np.int64),
        "invoice_id": pd.array([], dtype=pd.ArrowDtype(pa.string())),
        "inv": np.zeros(0, np.int64), "row": np.zeros(0, np.int32),
    })


def _frame(raw: RawTable | None, kinds: dict[str, str]) -> pd.DataFrame:
    out: dict[str, object] = {}
    for name, kind in kinds.items():
        values = raw.column(name) if raw is not None else pa.array([], pa.string())
        if kind == "date":
            out[name] = raw.days(name)[0] if raw is not None else parse_days(values)[0]
        elif kind == "int":
            # a malformed count is reported by _check_generic; read as 0 meanwhile
            shaped = pc.fill_null(pc.match_substring_regex(values, INT_PATTERN), False)
            out[name] = _np(pc.cast(pc.if_else(shaped, values, "0"), pa.int64()))
        else:
            out[name] = pd.array(values, dtype=pd.ArrowDtype(pa.string()))
    frame = pd.DataFrame(out)
    frame["row"] = np.arange(len(frame), dtype=np.int32)
    return frame


def _reference_warnings(ledger: Ledger, raws: dict[str, RawTable], problems: _Problems) -> None:
    """A document or dispute naming an invoice that does not exist: warned, never fatal."""
    contacts_raw = raws.get("contacts")
    if contacts_raw is not None:
        named = _np(contacts_raw.column("invoice_id").is_valid())
        problems.add_rows(contacts_raw, named & (ledger.contacts["inv"].to_numpy() < 0),
                          "invoice_id", contacts_raw.column("invoice_id"),
                          "names unknown invoice '{value}'; the row counts for no invoice",
                          "", severity="warning")
    plans_raw = raws.get("payment_plans")
    if plans_raw is not None and len(ledger.plans):
        # only the plan clients' invoices can be named: no set of a million ids
        mine = np.isin(ledger.invoices["client"].to_numpy(), ledger.plans["client"].to_numpy())
        known = set(ledger.invoices["invoice_id"].to_numpy(dtype=object)[mine].astype(str))
        ids = ledger.plans["invoice_ids"].fillna("").astype(str).str.split(r"[\s,;]+",
                                                                          regex=True)
        unknown = np.array([any(i and i not in known for i in row) for row in ids])
        problems.add_rows(plans_raw, unknown, "invoice_ids", plans_raw.column("invoice_ids"),
                          "'{value}' names an invoice that does not exist; the plan covers "
                          "only those that do", "", severity="warning")
    for name in ("payments", "credit_notes", "disputes"):
        raw = raws.get(name)
        if raw is None:
            continue
        frame = getattr(ledger, "plans" if name == "payment_plans" else name)
        named = _np(raw.column("invoice_id").is_valid())
        unknown = named & (frame["inv"].to_numpy() < 0)
        what = "goes to the client's pool" if name != "disputes" else "is ignored"
        problems.add_rows(raw, unknown, "invoice_id", raw.column("invoice_id"),
                          "names unknown invoice '{value}'; the amount " + what
                          if name != "disputes" else "names unknown invoice '{value}'; "
                          "the dispute is ignored", "", severity="warning")
    clients = ledger.clients
    missing = ~clients["in_file"].to_numpy()
    if "clients" in raws and missing.any():
        ids = clients["client_id"].to_numpy(dtype=object)[missing]
        shown = ", ".join(ids[:10]) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
        problems.add(Diagnostic("warning", raws["clients"].display, None, "client_id",
                                "client_id", f"{len(ids)} client(s) not in clients.csv: {shown}",
                                "they are reported under their id"))
