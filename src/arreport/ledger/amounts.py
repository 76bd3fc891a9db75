"""Amount columns -> exact int64 minor units of each row's currency, every bad cell located.

A column of plain amounts (digits and at most one point, no more decimals than the row's
currency takes, within the bounds) is converted in one decimal cast; any other goes through
money.parse_minor_units, which tells each cell's problem.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import money
from .csvread import RawTable
from .problems import Problems

# bytes a plain amount is made of: the digits and the decimal point
_AMOUNT_BYTE = np.zeros(256, dtype=bool)
_AMOUNT_BYTE[list(b"0123456789.")] = True


def _string_buffers(text: pa.Array) -> tuple[np.ndarray, np.ndarray] | None:
    """(offsets, bytes) of a string array, without copying; None for another type."""
    if text.type != pa.string():
        return None
    validity, offsets_buf, data_buf = text.buffers()
    _ = validity
    offsets = np.frombuffer(offsets_buf, dtype=np.int32, count=len(text) + 1,
                            offset=text.offset * 4) if offsets_buf is not None else \
        np.zeros(len(text) + 1, dtype=np.int32)
    data = (np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None
            else np.zeros(0, dtype=np.uint8))
    return offsets, data[offsets[0]:offsets[-1]] if len(offsets) else data[:0]


def parse_minor_units_fast(text: pa.Array, places: np.ndarray) -> np.ndarray | None:
    """money.parse_minor_units' values when every cell is a valid amount or null (its
    problem 0 or 4 everywhere), else None. Nulls are 0, as there."""
    buffers = _string_buffers(text)
    if buffers is None:
        return None
    offsets, data = buffers
    if not _AMOUNT_BYTE[data].all():  # a sign, a separator, a space, a letter: the slow path
        return None
    lengths = np.diff(offsets).astype(np.int64)
    point = np.asarray(pc.fill_null(pc.find_substring(text, "."), -1).to_numpy(
        zero_copy_only=False), dtype=np.int64)
    decimals = np.where(point >= 0, lengths - point - 1, 0)
    if (decimals > places).any():  # as written: 5.100 has three decimals
        return None
    if (np.where(point >= 0, point, lengths) > 18).any():  # too large, leading zeros or not
        return None
    scale = int(places.max()) if len(places) else 0  # no cell has more decimals
    try:  # rejects "", ".", "1.2.3"; exact, as no cell has more decimals than `scale`
        cast = pc.cast(text, pa.decimal128(38, scale))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    words = np.frombuffer(cast.buffers()[1], dtype=np.int64, count=2 * len(text),
                          offset=16 * cast.offset).reshape(-1, 2)
    present = np.asarray(text.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    unscaled = np.where(present, words[:, 0], 0)
    # little-endian 128-bit two's complement: non-negative and inside int64 iff the high
    # word is 0 and the low one is not negative as int64
    if (np.where(present, words[:, 1], 0) != 0).any() or (unscaled < 0).any():
        return None
    minor = unscaled // np.power(10, scale - places.astype(np.int64))
    if (minor > money.MAX_MINOR).any():
        return None
    return minor.astype(np.int64)


def parse_amounts(raw: RawTable, column: str, currencies: np.ndarray, cur_names: list[str],
                  problems: Problems, required: bool = True,
                  unsure: np.ndarray | None = None) -> np.ndarray:
    """Parse one amount column with each row's currency decimals.

    `unsure` marks rows whose currency is not known (it would come from a file that could not
    be read): their decimals are not checked. The amounts of a file (not credit limits) must
    add up to at most money.MAX_FILE_TOTAL; the row where they pass it is an error.
    """
    places_by_code = np.array([money.decimals(c) for c in cur_names], dtype=np.int64)
    places = places_by_code[currencies] if len(cur_names) else np.zeros(len(raw), np.int64)
    values = raw.column(column)
    fast = parse_minor_units_fast(values, places)
    if fast is not None:
        minor, problem = fast, np.zeros(len(fast), dtype=np.int8)
    else:
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
    return minor  # an empty required amount is reported by check_cells
