"""Display formatting of money and dates (Babel's symbols and CLDR data, cached per currency)."""

from __future__ import annotations

import datetime as dt
from functools import cache, lru_cache

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


@lru_cache(maxsize=4096)
def day(day_number: int) -> str:
    """A day number -> 'Jun 30, 2024'."""
    return str(format_date(from_day(day_number), format="medium", locale=LOCALE))


def date(value: dt.date) -> str:
    return str(format_date(value, format="medium", locale=LOCALE))
