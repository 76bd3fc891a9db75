"""Money: decimal strings <-> int64 minor units per currency; the only place amounts change form.

Currency precision and the set of known ISO 4217 codes come from Babel's CLDR data, so JPY has
0 decimals and BHD/KWD 3 without a hand-kept table.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from babel.numbers import get_currency_precision, list_currencies

MAX_DECIMALS = 4  # no ISO currency has more (CLF/UYW have 4)
# Bounds that keep every sum exact in int64 (about 9.2 * 10**18): one amount is at most
# 10**15 minor units (USD 10 trillion, JPY 10**15, IDR 10**13), and the amounts of one file
# add up to at most 10**18, so any per-client or per-currency total, and any difference of
# such totals (invoiced - paid - credited), stays well inside int64.
MAX_MINOR = 10**15
MAX_FILE_TOTAL = 10**18


# ISO 4217 codes that are not money one invoices in: precious metals, SDRs, bond-market
# units, the testing and "no currency" codes
NOT_MONEY = frozenset({"XAG", "XAU", "XPD", "XPT", "XDR", "XBA", "XBB", "XBC", "XBD", "XSU",
                       "XUA", "XTS", "XXX", "XFO", "XFU", "XRE"})


@lru_cache(maxsize=1)
def known_currencies() -> frozenset[str]:
    return frozenset(list_currencies()) - NOT_MONEY


@cache
def decimals(currency: str) -> int:
    """Number of decimals of the currency's minor unit (USD 2, JPY 0, BHD 3)."""
    return int(get_currency_precision(currency))


def is_known_currency(code: str) -> bool:
    return code in known_currencies()


# Amount text: digits, optionally a point and digits. Anything else (grouping commas, signs,
# exponents, spaces inside) is rejected rather than guessed at.
AMOUNT_PATTERN = r"^[0-9]+(\.[0-9]*)?$|^\.[0-9]+$"
_EXTRACT = r"^(?P<units>[0-9]*)(?:\.(?P<frac>[0-9]*))?$"


def parse_minor_units(text: pa.Array, places: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Parse decimal strings into int64 minor units, `places[i]` decimals for row i.

    Returns (values, problem) where problem is 0 for a valid amount, 1 for text that is not a
    decimal number, 2 for a negative amount, 3 for more decimals than the currency has,
    4 for an empty value, 5 for more than MAX_MINOR minor units. Invalid rows get value 0.
    Vectorised with pyarrow compute.
    """
    n = len(text)
    stripped = pc.utf8_trim_whitespace(text)
    empty = np.asarray(pc.fill_null(pc.equal(stripped, ""), True).to_numpy(zero_copy_only=False))
    shaped = np.asarray(
        pc.fill_null(pc.match_substring_regex(stripped, AMOUNT_PATTERN), False).to_numpy(
            zero_copy_only=False
        )
    )
    negative = np.asarray(
        pc.fill_null(pc.match_substring_regex(stripped, r"^-\s*[0-9.]+$"), False).to_numpy(
            zero_copy_only=False
        )
    )
    clean = pc.if_else(pa.array(shaped), stripped, pa.scalar("0"))
    parts = pc.extract_regex(clean, _EXTRACT)
    units_txt = pc.if_else(pc.equal(parts.field("units"), ""), "0", parts.field("units"))
    frac_txt = pc.fill_null(parts.field("frac"), "")
    frac_len = np.asarray(pc.utf8_length(frac_txt).to_numpy(zero_copy_only=False))
    too_long_digits = pc.utf8_length(units_txt).to_numpy(zero_copy_only=False) > 18
    too_precise = frac_len > places
    # frac digits padded to MAX_DECIMALS, then scaled down to the currency's places.
    fpad = pc.utf8_slice_codeunits(pc.utf8_rpad(frac_txt, MAX_DECIMALS, "0"), 0, MAX_DECIMALS)
    frac_val = np.asarray(pc.cast(fpad, pa.int64()).to_numpy(zero_copy_only=False))
    units_ok = shaped & ~too_long_digits
    units_val = np.zeros(n, dtype=np.int64)
    if units_ok.any():
        safe_units = pc.if_else(pa.array(units_ok), units_txt, pa.scalar("0"))
        units_val = np.array(pc.cast(safe_units, pa.int64()).to_numpy(zero_copy_only=False),
                             dtype=np.int64)
    scale = np.power(10, places.astype(np.int64))
    # checked before multiplying, so the product below cannot overflow
    too_large = shaped & (too_long_digits | (units_val > MAX_MINOR // scale))
    units_val[too_large] = 0
    values = units_val * scale + frac_val // np.power(10, MAX_DECIMALS - places.astype(np.int64))
    too_large |= shaped & (values > MAX_MINOR)
    problem = np.zeros(n, dtype=np.int8)
    problem[~shaped] = 1
    problem[negative] = 2
    problem[shaped & ~too_large & too_precise] = 3
    problem[too_large] = 5
    problem[empty] = 4
    values[problem != 0] = 0
    return values.astype(np.int64), problem


def format_minor_units(values: np.ndarray, places: np.ndarray | int) -> np.ndarray:
    """int64 minor units -> plain decimal strings with exactly the currency's decimals."""
    vals = np.asarray(values, dtype=np.int64)
    pl = np.broadcast_to(np.asarray(places, dtype=np.int64), vals.shape)
    neg = vals < 0
    absval = np.abs(vals)
    scale = np.power(10, pl)
    units = (absval // scale).astype(str)
    frac = (absval % scale).astype(str)
    out = np.empty(vals.shape, dtype=object)
    for p in np.unique(pl):
        sel = pl == p
        if p == 0:
            body = units[sel].astype(object)
        else:
            body = np.char.add(np.char.add(units[sel], "."), np.char.zfill(frac[sel], int(p)))
        out[sel] = np.where(neg[sel], np.char.add("-", body.astype(str)), body)
    return out


def format_amount(minor: int, currency: str) -> str:
    """One amount as plain text, e.g. 123450 USD -> '1234.50' (plain integer arithmetic)."""
    places = decimals(currency)
    value = int(minor)
    sign = "-" if value < 0 else ""
    units, frac = divmod(abs(value), 10**places)
    return f"{sign}{units}.{frac:0{places}d}" if places else f"{sign}{units}"


def to_decimal(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-decimals(currency))


def decimal_to_minor(value: Decimal, currency: str) -> int:
    """Decimal major units -> minor units, rounded half-up once."""
    places = decimals(currency)
    return int(value.scaleb(places).quantize(Decimal(1), rounding=ROUND_HALF_UP))
