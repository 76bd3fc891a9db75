"""ISO dates <-> int32 day numbers (days since 1970-01-01), the engine's date form."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

EPOCH = dt.date(1970, 1, 1)
NO_DATE = np.iinfo(np.int32).min  # an absent optional date
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# The dates arreport accepts, in the ledger and on the command line: wide enough for any
# real ledger, narrow enough that a due date (at most 3650 days of terms later), a window
# or a month end computed from one stays a valid calendar date.
FIRST_DATE = dt.date(1900, 1, 1)
LAST_DATE = dt.date(2999, 12, 31)
DATE_RANGE = f"from {FIRST_DATE.isoformat()} to {LAST_DATE.isoformat()}"


def parse_days(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Parse ISO dates; returns (days, bad) with NO_DATE where null or bad.

    A date must be YYYY-MM-DD, exist in the calendar (strptime alone rolls 2024-02-30 over
    to March, so the parsed day of month is compared with the written one) and lie between
    FIRST_DATE and LAST_DATE (parse_days_detail tells the two kinds of bad date apart).
    """
    days, not_a_date, outside = parse_days_detail(text)
    return days, not_a_date | outside


def parse_days_fast(text: pa.Array) -> np.ndarray | None:
    """The day numbers (NO_DATE where null) when every present cell is a valid date in
    range, in one cast; None when any is not, for parse_days to tell which.

    Arrow's cast accepts exactly YYYY-MM-DD with a day that exists in its month; the length
    test keeps it to the ten characters DATE_PATTERN allows whatever a later Arrow accepts.
    """
    present = text.is_valid()
    lengths = pc.binary_length(pc.filter(text, present)) if text.null_count else \
        pc.binary_length(text)
    bounds = pc.min_max(lengths)
    if len(lengths) and (bounds["min"].as_py() != 10 or bounds["max"].as_py() != 10):
        return None
    try:
        cast = pc.cast(text, pa.date32())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    days = np.array(pc.fill_null(pc.cast(cast, pa.int32()), NO_DATE).to_numpy(
        zero_copy_only=False), dtype=np.int32)
    outside = (days < to_day(FIRST_DATE)) | (days > to_day(LAST_DATE))
    if (outside & (days != NO_DATE)).any():
        return None
    return days


def parse_days_detail(text: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(days, not a date, a real date outside FIRST_DATE..LAST_DATE); NO_DATE where either."""
    shaped = pc.fill_null(pc.match_substring_regex(text, DATE_PATTERN), False)
    safe = pc.if_else(shaped, text, pa.scalar(None, pa.string()))
    ts = pc.strptime(safe, format="%Y-%m-%d", unit="s", error_is_null=True)
    written_day = pc.cast(pc.utf8_slice_codeunits(safe, 8, 10), pa.int64())
    valid = pc.fill_null(pc.equal(pc.day(ts), written_day), False)
    days = pc.cast(pc.cast(ts, pa.date32()), pa.int32())
    out = np.array(pc.fill_null(days, NO_DATE).to_numpy(zero_copy_only=False), dtype=np.int32)
    valid_np = np.asarray(valid.to_numpy(zero_copy_only=False), dtype=bool)
    present = np.asarray(text.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    outside = valid_np & ((out < to_day(FIRST_DATE)) | (out > to_day(LAST_DATE)))
    out[~valid_np | outside] = NO_DATE
    return out, present & ~valid_np, present & outside


def in_range(d: dt.date) -> bool:
    return FIRST_DATE <= d <= LAST_DATE


def to_day(d: dt.date) -> int:
    return (d - EPOCH).days


def from_day(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(day))


def iso(days: np.ndarray) -> np.ndarray:
    """Day numbers -> ISO strings ('' for NO_DATE), vectorised."""
    arr = np.asarray(days, dtype=np.int64)
    out = arr.astype("datetime64[D]").astype(str).astype(object)
    out[arr == NO_DATE] = ""
    return out
