"""incentives.yaml's loyalty tiers as model objects."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .amounts import policy_money
from .model import Loyalty, LoyaltyTier
from .reader import PolicyReader, kept_entries


def build_loyalty(rd: PolicyReader, spec: dict[str, Any]) -> Loyalty:
    tiers = []
    seen: dict[str, int] = {}
    for i, t in kept_entries(spec.get("tiers")):
        path = ("loyalty", "tiers", i)
        if t["name"] in seen:
            rd.error("incentives.yaml", path + ("name",),
                     f"tier '{t['name']}' is defined twice (first at tiers[{seen[t['name']]}])")
        seen.setdefault(t["name"], i)
        credit = t.get("credit")
        if isinstance(credit, (int, Decimal)) and credit < 0:
            rd.error("incentives.yaml", path + ("credit",), f"{credit} is negative",
                     "amounts are ≥ 0")
        tiers.append(LoyaltyTier(
            name=t["name"], source=rd.source("incentives.yaml", path),
            min_on_time_share=Decimal(t.get("min_on_time_share", 0)),
            min_invoices=int(t.get("min_invoices", 0)),
            discount_percent=(Decimal(t["discount_percent"]) if "discount_percent" in t
                              else None),
            extra_days=t.get("extra_days"), credit=policy_money(credit)))
    return Loyalty(window_days=int(spec.get("window_days", 365)), tiers=tuple(tiers))
