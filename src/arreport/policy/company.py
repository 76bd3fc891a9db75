"""company.yaml as a Company: addresses, logo, bank details (IBAN check digits), paper."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..diagnostics import did_you_mean, display_path
from .model import LETTER_COUNTRIES, BankAccount, Company
from .reader import PolicyReader

EMAIL = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[A-Za-z0-9-]{2,}")


# IBAN lengths of the countries whose accounts a distributor's clients most often use
IBAN_LENGTHS = {"AT": 20, "BE": 16, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
                "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GR": 27, "HR": 21,
                "HU": 28, "IE": 22, "IT": 27, "LT": 20, "LU": 20, "LV": 21, "MT": 31,
                "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19,
                "SK": 24}


def iban_problem(text: str) -> str:
    """Why an IBAN is not one ('' when its country, length and check digits hold)."""
    compact = re.sub(r"\s+", "", text).upper()
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}", compact):
        return "is not an IBAN (two letters, two check digits, then the account)"
    want = IBAN_LENGTHS.get(compact[:2])
    if want is not None and len(compact) != want:
        return f"has {len(compact)} characters; a {compact[:2]} IBAN has {want}"
    digits = "".join(str(int(ch, 36)) for ch in compact[4:] + compact[:4])
    if int(digits) % 97 != 1:
        return "fails its check digits (a typing mistake?)"
    return ""


def build_company(rd: PolicyReader, spec: dict[str, Any], folder: Path) -> Company:
    """company.yaml as a Company: addresses split into lines, the logo located, bank details
    checked (IBAN check digits), the paper size from the country when not given."""
    from babel import Locale

    file = "company.yaml"
    doc = rd.docs.get(file)
    lines = {k: (doc.where((k,))[0] or 0) if doc is not None else 0 for k in spec}
    english = Locale("en")

    def split(text: Any) -> tuple[str, ...]:
        return tuple(p.strip() for p in str(text or "").splitlines() if p.strip())

    country = str(spec.get("country", ""))
    if country and country not in english.territories:
        rd.error(file, ("country",), f"'{country}' is not an ISO 3166 country code",
                 did_you_mean(country, [str(c) for c in english.territories if len(str(c)) == 2])
                 or "e.g. US, DE, FR")
    language = str(spec.get("language", "en"))
    if language not in english.languages:
        rd.error(file, ("language",), f"'{language}' is not a language code",
                 "e.g. en, de, fr, es")
    for key in ("email", "reply_to"):
        if spec.get(key) and not EMAIL.fullmatch(str(spec[key]).strip()):
            rd.error(file, (key,), f"'{spec[key]}' is not an email address",
                     "e.g. receivables@example.com")
    logo = ""
    if spec.get("logo"):
        path = folder / str(spec["logo"])
        if not path.is_file():
            rd.error(file, ("logo",), f"logo file '{spec['logo']}' does not exist",
                     f"put it in {display_path(folder)}/ or fix the name")
        elif path.suffix.lower() not in (".svg", ".png", ".jpg", ".jpeg"):
            rd.error(file, ("logo",), f"'{spec['logo']}' is not an SVG, PNG or JPEG file")
        else:
            logo = str(path.resolve())
    bank = {}
    for cur, acct in (spec.get("bank") or {}).items():
        from .. import money

        if not money.is_known_currency(str(cur)):
            rd.error(file, ("bank", cur), f"'{cur}' is not a known currency code",
                     "use a 3-letter ISO 4217 code, e.g. USD or EUR")
        if acct.get("iban"):
            why = iban_problem(str(acct["iban"]))
            if why:
                rd.error(file, ("bank", cur, "iban"), f"IBAN '{acct['iban']}' {why}")
        if not any(acct.get(k) for k in ("iban", "account_number", "note")):
            rd.error(file, ("bank", cur), f"bank details for {cur} name no account",
                     "give iban, account_number, or a note saying how to pay")
        bank[str(cur)] = BankAccount(
            currency=str(cur), source=rd.source(file, ("bank", cur)),
            **{k: str(v).strip() for k, v in acct.items()})
    period = spec.get("statement_period", "month")
    if isinstance(period, str) and period not in ("month", "quarter", "year"):
        rd.error(file, ("statement_period",), f"'{period}' is not a statement period",
                 did_you_mean(period, ["month", "quarter", "year"]) or
                 "month, quarter, year or a number of days")
    elif isinstance(period, int) and not isinstance(period, bool) and not 1 <= period <= 3660:
        rd.error(file, ("statement_period",), f"{period} days is not a statement period",
                 "a number of days from 1 to 3660")
    elif isinstance(period, int) and spec.get("statement_email", "period_end") == "period_end":
        rd.error(file, ("statement_email",) if "statement_email" in spec else
                 ("statement_period",),
                 f"a period of {period} days has no end to send statements on",
                 "say statement_email: always (every run) or never, or use month, quarter or "
                 "year")
    paper = str(spec.get("paper") or ("Letter" if country in LETTER_COUNTRIES else "A4"))
    return Company(
        source=rd.source(file, ()), name=str(spec.get("name", "")),
        address=split(spec.get("address")), country=country, language=language,
        email=str(spec.get("email", "")).strip(), reply_to=str(spec.get("reply_to", "")).strip(),
        phone=str(spec.get("phone", "")), website=str(spec.get("website", "")), logo=logo,
        registration_id=str(spec.get("registration_id", "")),
        tax_id=str(spec.get("tax_id", "")), paper=paper, bank=bank,
        signature=split(spec.get("signature")), office_hours=str(spec.get("office_hours", "")),
        deadline_days=int(spec.get("deadline_days", 14)),
        statement_period=period if isinstance(period, (str, int)) else "month",
        statement_email=str(spec.get("statement_email", "period_end")),
        remit=str(spec.get("remit", "")), lines=lines)
