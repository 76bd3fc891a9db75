"""escalation.yaml's fees and rates.yaml's dated reference rates as model objects."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..diagnostics import display_path
from .amounts import check_money_places, check_non_negative, policy_money
from .model import PRESET_TABLE, Fee, Source
from .reader import PolicyReader, kept_entries


def build_fees(rd: PolicyReader, spec: dict[str, Any]) -> dict[str, Fee]:
    out = {}
    for name, f in spec.items():
        path = ("fees", name)
        for key in ("flat", "min", "max"):
            check_non_negative(rd, path + (key,), f.get(key))
            check_money_places(rd, "escalation.yaml", path + (key,), f.get(key))
        if not any(k in f for k in ("flat", "percent", "annual_percent", "preset")) and \
                rd.intact("escalation.yaml", path):
            rd.error("escalation.yaml", path,
                     "a fee needs flat, percent, annual_percent or preset")
        if ("annual_percent" in f or "preset" in f) and ("flat" in f or "percent" in f):
            rd.error("escalation.yaml", path,
                     "interest (annual_percent, preset) cannot be combined with flat or percent")
        if "annual_percent" in f and "preset" in f:
            rd.error("escalation.yaml", path, "a preset sets its own rate; drop annual_percent")
        out[name] = Fee(
            name=name, source=rd.source("escalation.yaml", path), flat=policy_money(f.get("flat")),
            percent=Decimal(f["percent"]) if "percent" in f else None,
            minimum=policy_money(f.get("min")), maximum=policy_money(f.get("max")),
            annual_percent=Decimal(f["annual_percent"]) if "annual_percent" in f else None,
            grace_days=int(f.get("grace_days", 0)), preset=f.get("preset"))
    return out


def build_rates(rd: PolicyReader, spec: dict[str, Any], fees: dict[str, Fee]
           ) -> tuple[dict[str, tuple[tuple[int, Decimal], ...]], dict[str, dict[int, Source]]]:
    """Dated reference-rate tables, sorted, and where each row is written; each preset in
    use needs its table."""
    import datetime as dt

    from ..ledger.dates import to_day

    out: dict[str, tuple[tuple[int, Decimal], ...]] = {}
    sources: dict[str, dict[int, Source]] = {}
    for name, rows in spec.items():
        sources[name] = {}
        parsed = []
        first_row: dict[int, int] = {}
        for i, row in kept_entries(rows):
            try:
                day = to_day(dt.date.fromisoformat(row["from"]))
            except ValueError:
                rd.error("rates.yaml", (name, i, "from"), f"'{row['from']}' is not a date",
                         "expected YYYY-MM-DD")
                continue
            if day in first_row:
                rd.error("rates.yaml", (name, i, "from"),
                         f"a second row from {row['from']} (first at {name}[{first_row[day]}])",
                         "keep one rate per date")
                continue
            first_row[day] = i
            rate = Decimal(row["rate"])
            exponent = rate.as_tuple().exponent
            if isinstance(exponent, int) and exponent < -4:
                rd.error("rates.yaml", (name, i, "rate"), f"{rate} has more than 4 decimals",
                         "reference rates are published to at most 4 decimals")
                continue
            parsed.append((day, rate))
            sources[name][day] = rd.source("rates.yaml", (name, i))
        out[name] = tuple(sorted(parsed))
    readable = "rates.yaml" not in rd.unreadable
    for fee in fees.values():
        table = PRESET_TABLE[fee.preset] if fee.preset else ""
        if fee.preset and readable and rd.intact("rates.yaml", (table,)) and \
                not out.get(table):
            rd.error("escalation.yaml", ("fees", fee.name, "preset"),
                     f"preset {fee.preset} needs the {table} table in rates.yaml, with at "
                     "least one row", f"add dated rows to {display_path(rd.folder / 'rates.yaml')}"
                     f": {table}: [{{from: 2024-01-01, rate: 4.50}}]")
    return out, sources
