"""Display formatting of money and dates (Babel's symbols and CLDR data, cached per currency)."""

from __future__ import annotations

import datetime as dt
from functools import cache, lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from babel.dates import format_date
from babel.numbers import get_currency_symbol

from .. import money
from ..ledger.dates import from_day

LOCALE = "en_US"


@cache
def _symbol(currency: str) -> str:
    return str(get_currency_symbol(currency, locale=LOCALE))


def amount(minor: int, currency: str, symbol: bool = True) -> str:
    """123450 USD -> '$1,234.50'; JPY 1234 -> '¥1,234'; negative as '-$5.00'."""
    places = money.decimals(currency)
    value = int(minor)
    sign = "-" if value < 0 else ""
    units, frac = divmod(abs(value), 10**places)
    text = f"{units:,}" + (f".{frac:0{places}d}" if places else "")
    if not symbol:
        return sign + text
    sym = _symbol(currency)
    if len(sym) <= 1 or sym.endswith("$"):
        return f"{sign}{sym}{text}"
    return f"{sign}{sym}\u00a0{text}"


def _prefix(currency: str) -> str:
    sym = _symbol(currency)
    return sym if len(sym) <= 1 or sym.endswith("$") else sym + "\u00a0"


def amounts(values: np.ndarray | list[int], currency: str) -> list[str]:
    """amount() of every value of one currency, vectorised: the same text, cell for cell."""
    vals = np.asarray(values, dtype=np.int64).ravel()
    if len(vals) == 0:
        return []
    places = money.decimals(currency)
    absval = np.abs(vals)
    units, frac = np.divmod(absval, np.int64(10**places))
    # thousands: the leading group as it is, each further group of three zero-padded
    groups = np.zeros(len(vals), dtype=np.int64)  # separators each value needs
    rest = units // 1000
    while rest.any():
        groups += rest > 0
        rest //= 1000
    top = int(groups.max())
    text = pc.cast(pa.array(units // np.power(np.int64(1000), groups)), pa.string())
    for k in range(top - 1, -1, -1):
        part = pc.utf8_lpad(pc.cast(pa.array((units // np.int64(1000**k)) % 1000), pa.string()),
                            3, "0")
        joined = pc.binary_join_element_wise(text, part, ",")
        text = pc.if_else(pa.array(groups > k), joined, text)
    if places:
        digits = pc.utf8_lpad(pc.cast(pa.array(frac), pa.string()), places, "0")
        text = pc.binary_join_element_wise(text, digits, ".")
    prefix = _prefix(currency)
    signed = pc.if_else(pa.array(vals < 0), pa.scalar("-" + prefix), pa.scalar(prefix))
    return pc.binary_join_element_wise(signed, text, "").to_pylist()  # type: ignore[no-any-return]


def amounts_in(values: np.ndarray, cur_codes: np.ndarray, currencies: list[str]) -> list[str]:
    """amount() of each value in the currency its code names (cur_codes index currencies)."""
    vals = np.asarray(values, dtype=np.int64)
    codes = np.asarray(cur_codes, dtype=np.int64)
    out = np.empty(len(vals), dtype=object)
    for code in np.unique(codes).tolist():
        sel = codes == code
        out[sel] = amounts(vals[sel], currencies[code])
    return out.tolist()  # type: ignore[no-any-return]


@lru_cache(maxsize=4096)
def day(day_number: int) -> str:
    """A day number -> 'Jun 30, 2024'."""
    return str(format_date(from_day(day_number), format="medium", locale=LOCALE))


def date(value: dt.date) -> str:
    return str(format_date(value, format="medium", locale=LOCALE))
