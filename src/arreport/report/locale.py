"""The language and local conventions of each client's documents: which translation, which
Babel locale for dates and money, and the formatting itself (exact: money goes to Babel as a
Decimal built from integer minor units, never a float)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache

from babel import Locale, localedata
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from .. import money
from ..ledger.dates import from_day

# languages whose statements, letters and emails are translated (reports/templates/locale)
TRANSLATED = ("en", "de", "fr", "es")


@dataclass(frozen=True)
class Language:
    """A client's document language: `code` is the translation used (English when the
    requested one has none), `locale` the Babel locale for dates and money."""

    code: str
    locale: str
    requested: str  # as clients.csv wrote it ('' when it names none)

    @property
    def fell_back(self) -> bool:
        return bool(self.requested) and self.requested.split("_")[0] != self.code


def _tag(text: str) -> tuple[str, str]:
    """'de', 'de-AT', 'de_at', 'DE' -> ('de', 'AT' or '')."""
    parts = re.split(r"[-_]", text.strip())
    lang = parts[0].lower() if parts and parts[0] else ""
    region = parts[1].upper() if len(parts) > 1 and len(parts[1]) == 2 else ""
    return lang, region


@lru_cache(maxsize=1024)
def language_for(language: str, country: str, default: str = "en") -> Language:
    """The document language of a client whose clients.csv says `language` and `country`.

    No language given: the sender's (`default`). A language without a translation: English
    text with that country's English conventions where CLDR has them (en_NL: 30 June 2026,
    € 1.234,50), so amounts still read the local way.
    """
    lang, region = _tag(language or "")
    country = (country or "").strip().upper()
    region = region or (country if len(country) == 2 else "")
    requested = lang
    if not lang or not localedata.exists(lang):
        lang = default
    code = lang if lang in TRANSLATED else "en"
    for candidate in (f"{code}_{region}" if region else "", code):
        if candidate and localedata.exists(candidate):
            return Language(code=code, locale=str(Locale.parse(candidate)),
                            requested=requested)
    return Language(code=code, locale="en_US", requested=requested)


class Formatter:
    """Dates, money and numbers in one locale."""

    def __init__(self, locale: str):
        self.locale = locale

    def money(self, minor: int, currency: str) -> str:
        return _money(int(minor), currency, self.locale)

    def day(self, day_number: int, style: str = "medium") -> str:
        return _day(int(day_number), style, self.locale)

    def date(self, value: dt.date, style: str = "medium") -> str:
        return str(format_date(value, format=style, locale=self.locale))

    def number(self, value: int | Decimal) -> str:
        return str(format_decimal(value, locale=self.locale))

    def country(self, code: str) -> str:
        return country_name(code, self.locale)


@cache
def formatter(locale: str) -> Formatter:
    return Formatter(locale)


@lru_cache(maxsize=65536)
def _money(minor: int, currency: str, locale: str) -> str:
    value = Decimal(minor).scaleb(-money.decimals(currency))
    return str(format_currency(value, currency, locale=locale))


@lru_cache(maxsize=65536)
def _day(day_number: int, style: str, locale: str) -> str:
    return str(format_date(from_day(day_number), format=style, locale=locale))


@cache
def country_name(code: str, locale: str) -> str:
    """The country's name in the locale's language ('' for an unknown code)."""
    return str(Locale.parse(locale).territories.get(code.upper(), ""))
