"""Each file's own cells: required values present; dates, currency codes, counts and client
kinds well formed; ids unique. A whole-column test first, the located messages only when
it fails."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import money
from ..diagnostics import Diagnostic, did_you_mean
from .csvread import RawTable
from .dates import DATE_RANGE, parse_days_detail
from .problems import MAX_SHOWN, Problems
from .schema import CLIENT_KINDS

INT_PATTERN = r"^[0-9]{1,9}$"  # a count: digits only, small enough for any date arithmetic
INT_EXPECTED = {"installments": "the number of installments, a whole number such as 6",
                "every_days": "the days between installments, a whole number such as 30"}


def to_numpy(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(arr.to_numpy(zero_copy_only=False))


def check_cells(raw: RawTable, problems: Problems, usual_currencies: set[str],
                unique_codes: np.ndarray | None = None) -> None:
    """Required cells present; dates, currency codes, integers and kinds well formed; the
    id column unique (`unique_codes`: its values already coded, -1 for null)."""
    for col in raw.schema.columns:
        if not raw.has(col.name):
            continue
        values = raw.column(col.name)
        if col.required and values.null_count:
            what = {"amount": "an amount", "date": "a date"}.get(col.kind, "a value")
            problems.add_rows(raw, ~to_numpy(values.is_valid()), col.name, None,
                              f"{col.name} is empty", f"every row needs {what}")
        if col.kind == "date":
            _check_dates(raw, col.name, values, problems)
        elif col.kind == "currency":
            _check_currencies(raw, col.name, values, problems, usual_currencies)
        elif col.kind == "int":
            expected = INT_EXPECTED.get(col.name, "a count such as 6")
            ok = to_numpy(pc.fill_null(pc.match_substring_regex(values, INT_PATTERN), True))
            problems.add_rows(raw, ~ok, col.name, values, "'{value}' is not a whole number",
                              f"expected {expected}")
            zero = to_numpy(pc.fill_null(pc.match_substring_regex(values, r"^0+$"), False))
            problems.add_rows(raw, zero, col.name, values, "'{value}' is not at least 1",
                              f"expected {expected}")
        elif col.kind == "kind":
            ok = to_numpy(pc.or_(pc.is_in(values, value_set=pa.array(CLIENT_KINDS)),
                                 pc.is_null(values)))
            problems.add_rows(raw, ~ok, col.name, values, "'{value}' is not a client kind",
                              "expected business or consumer")
    uid = raw.schema.unique
    if uid and raw.has(uid):
        check_unique(raw, uid, problems, unique_codes)


def _check_dates(raw: RawTable, name: str, values: pa.Array, problems: Problems) -> None:
    _days, bad = raw.days(name)
    if bad.any():
        _, not_a_date, outside = parse_days_detail(values)
        problems.add_rows(raw, not_a_date, name, values, "'{value}' is not a date",
                          "expected YYYY-MM-DD, e.g. 2024-06-30")
        problems.add_rows(raw, outside, name, values,
                          "'{value}' is outside the dates arreport accepts",
                          f"expected a date {DATE_RANGE}")


def _check_currencies(raw: RawTable, name: str, values: pa.Array, problems: Problems,
                      usual_currencies: set[str]) -> None:
    known = pa.array(sorted(money.known_currencies()))
    bad = ~to_numpy(pc.or_(pc.is_in(values, value_set=known), pc.is_null(values)))
    if not bad.any():
        return
    for r in np.flatnonzero(bad)[:MAX_SHOWN]:
        v = values[int(r)].as_py()
        # suggest among the ledger's own currencies: CLDR also lists obsolete
        # codes (ROL, XEU) that would make poor guesses
        hint = did_you_mean(str(v).upper(), usual_currencies, cutoff=0.6)
        problems.add(Diagnostic("error", raw.display, raw.lines.line(int(r)), name, name,
                                f"'{v}' is not a known currency code",
                                hint or "expected an ISO 4217 code such as USD or EUR"))
    if bad.sum() > MAX_SHOWN:
        problems.add(Diagnostic("error", raw.display, None, name, name,
                                f"... and {int(bad.sum()) - MAX_SHOWN} more rows"))


def strictly_increasing(ids: pa.Array) -> bool:
    """Every id present and each after the one before (so all differ): the usual export,
    sorted by id, is known unique without hashing a million strings."""
    if ids.null_count or len(ids) < 2:
        return bool(ids.null_count == 0)
    later = pc.less(ids.slice(0, len(ids) - 1), ids.slice(1))
    return bool(pc.all(later).as_py())


def id_codes(ids: pa.Array) -> np.ndarray:
    """A code per id (equal ids, equal codes), -1 for null."""
    enc = pc.dictionary_encode(ids)
    return to_numpy(enc.indices.fill_null(-1) if enc.null_count else enc.indices
                    ).astype(np.int64)


def check_unique(raw: RawTable, uid: str, problems: Problems,
                 codes: np.ndarray | None = None) -> None:
    """Each later row repeating an id is an error naming the line of its first."""
    ids = raw.column(uid)
    if codes is None:
        if strictly_increasing(ids):
            return
        codes = id_codes(ids)
    valid = codes >= 0
    if not valid.any():
        return
    counts = np.bincount(codes[valid], minlength=int(codes.max(initial=-1)) + 1)
    dup = valid & (counts[np.where(valid, codes, 0)] > 1)
    if not dup.any():
        return
    first_row = np.full(len(counts), -1, dtype=np.int64)
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
