"""Policy amounts: a bare amount or one per currency, exact Decimals, within their currency's
decimals and never negative."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .model import PolicyMoney
from .reader import PolicyReader


def policy_money(value: Any) -> PolicyMoney | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return PolicyMoney(per_currency=tuple(sorted((str(k), Decimal(v))
                                                    for k, v in value.items())))
    return PolicyMoney(bare=Decimal(value))


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def check_money_places(rd: PolicyReader, file: str, path: tuple[str | int, ...],
                       value: Any) -> None:
    """A policy amount may not have more decimals than its currency: an amount per currency
    by that currency, a bare amount by the policies' currency (terms.yaml currency:). The
    ledger refuses the same text, so a policy does not round it silently either."""
    from .. import money

    entries = (value.items() if isinstance(value, dict)
               else [(None, value)] if value is not None else [])
    for cur, amount in entries:
        if not isinstance(amount, (int, Decimal)) or isinstance(amount, bool):
            continue  # the schema reports it
        code = str(cur) if cur is not None else rd.currency
        if not money.is_known_currency(code):
            continue
        places = money.decimals(code)
        if _places(Decimal(amount)) > places:
            where = path + ((str(cur),) if cur is not None else ())
            rd.error(file, where, f"{amount} has more decimals than {code} allows ({places})",
                     f"write it with at most {places} decimals" if places else
                     f"write {code} amounts as whole numbers")


def check_non_negative(rd: PolicyReader, path: tuple[str | int, ...], value: Any) -> None:
    """A bare policy amount must not be negative (per-currency ones are checked by schema)."""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool) and value < 0:
        rd.error("escalation.yaml", path, f"{value} is negative", "amounts are ≥ 0")
