"""risk.yaml with its defaults as a RiskPolicy: signals checked against their kind, bands
in increasing order."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .model import RiskBand, RiskPolicy, Signal, Source
from .reader import PolicyReader, kept_entries

# risk.yaml when the file is absent or leaves these out
DEFAULT_SIGNALS: list[dict[str, Any]] = [
    {"id": "lateness_worsening", "when": "lateness_trend", "above_days": 10, "weight": 20},
    {"id": "repeat_partial", "when": "partial_payments", "at_least": 2, "within_days": 60,
     "weight": 15},
    {"id": "rounding_down", "when": "rounded_down_payments", "at_least": 2,
     "within_days": 90, "weight": 10},
    {"id": "orders_slowing", "when": "order_frequency_drop", "above_percent": 40,
     "weight": 10},
    {"id": "near_credit_limit", "when": "credit_limit_usage", "above_percent": 90,
     "weight": 20},
    {"id": "broken_promise", "when": "broken_promise", "within_days": 90, "weight": 25},
]


DEFAULT_BANDS: list[dict[str, Any]] = [
    {"name": "low", "upto": 15}, {"name": "medium", "upto": 45}, {"name": "high", "upto": 90},
    {"name": "severe"},
]


# which parameters each signal kind takes, and which of them it needs
SIGNAL_PARAMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "lateness_trend": (("above_days",), ("above_days",)),
    "partial_payments": (("at_least", "within_days"), ()),
    "rounded_down_payments": (("at_least", "within_days"), ()),
    "order_frequency_drop": (("above_percent", "min_orders"), ("above_percent",)),
    "spend_drop": (("above_percent", "min_orders"), ("above_percent",)),
    "credit_limit_usage": (("above_percent",), ("above_percent",)),
    "broken_promise": (("within_days",), ()),
}


def build_risk(rd: PolicyReader, spec: dict[str, Any]) -> RiskPolicy:
    """risk.yaml with its defaults; each signal's parameters checked against its kind."""
    file = "risk.yaml"
    present = file in rd.docs
    beh = spec.get("behaviour") or {}
    rounded = beh.get("rounded_down") or {}
    trend = int(beh.get("trend_days", 90))
    signals = []
    raw_signals = spec.get("signals") if "signals" in spec else DEFAULT_SIGNALS
    seen: dict[str, int] = {}
    for i, sig in kept_entries(raw_signals):
        path: tuple[str | int, ...] = ("signals", i)
        if sig["id"] in seen:
            rd.error(file, path + ("id",), f"signal id '{sig['id']}' is used twice "
                     f"(first at signals[{seen[sig['id']]}])")
        seen.setdefault(sig["id"], i)
        takes, needs = SIGNAL_PARAMS[sig["when"]]
        for key in ("above_days", "above_percent", "at_least", "within_days", "min_orders"):
            if key in sig and key not in takes:
                rd.error(file, path + (key,),
                         f"'{key}' does not apply to {sig['when']}",
                         f"{sig['when']} takes: {', '.join(takes)}")
        for key in needs:
            if key not in sig and rd.intact(file, path):
                rd.error(file, path, f"{sig['when']} needs '{key}'",
                         f"e.g. {{id: {sig['id']}, when: {sig['when']}, {key}: 10, "
                         f"weight: {sig['weight']}}}")
        within = sig.get("within_days")
        signals.append(Signal(
            id=sig["id"], when=sig["when"], weight=int(sig["weight"]),
            source=rd.source(file, path) if present else Source(file, 0),
            above_days=sig.get("above_days"),
            above_percent=(Decimal(sig["above_percent"]) if "above_percent" in sig else None),
            at_least=int(sig.get("at_least", 2)) if "at_least" in takes else None,
            within_days=(int(within) if within is not None else
                         trend if "within_days" in takes else None),
            min_orders=int(sig.get("min_orders", 4)) if "min_orders" in takes else None))
    tiers = spec.get("tiers") or {}
    raw_bands = kept_entries(tiers.get("bands")) or list(enumerate(DEFAULT_BANDS))
    bands_intact = rd.intact(file, ("tiers", "bands"))
    bands = []
    previous: Decimal | None = None
    for k, (i, band) in enumerate(raw_bands):
        bpath: tuple[str | int, ...] = ("tiers", "bands", i)
        last = k == len(raw_bands) - 1
        upto = band.get("upto")
        if last and upto is not None and bands_intact:
            rd.error(file, bpath + ("upto",), "the last band takes every figure above the "
                     "one before it", "remove upto from the last band")
        if not last and upto is None and bands_intact:
            rd.error(file, bpath, f"band '{band['name']}' needs upto",
                     "every band but the last has an upper bound")
        if upto is not None and previous is not None and Decimal(upto) <= previous and \
                bands_intact:
            rd.error(file, bpath + ("upto",), f"{upto} is not above the band before it "
                     f"({previous})", "bands go from lowest risk to highest")
        if upto is not None:
            previous = Decimal(upto)
        bands.append(RiskBand(name=band["name"],
                              upto=Decimal(upto) if upto is not None else None,
                              source=(rd.source(file, bpath) if "bands" in tiers
                                      else Source(file, 0))))
    names = [b.name for b in bands]
    for k, name in enumerate(names):
        if name in names[:k]:
            rd.error(file, ("tiers", "bands", raw_bands[k][0], "name"),
                     f"band '{name}' is defined twice")
    score = spec.get("score") or {}

    def at(*path: str) -> Source:
        """Where `path` is written; line 0 when its first key is not (a default applies)."""
        if not present or path[0] not in spec or (len(path) > 1 and path[1] not in beh):
            return Source(file, 0)
        return rd.source(file, path)

    return RiskPolicy(
        source=rd.source(file, ()) if present else Source(file, 0),
        window_days=int(beh.get("window_days", 365)), trend_days=trend,
        round_units=tuple(Decimal(u) for _, u in kept_entries(rounded.get("units",
                                                                  (1, 10, 50, 100, 500, 1000)))),
        max_shortfall_percent=Decimal(rounded.get("max_shortfall_percent", 10)),
        signals=tuple(signals),
        points_per_day_late=Decimal(score.get("points_per_day_late", Decimal("0.5"))),
        max_lateness_points=int(score.get("max_lateness_points", 40)),
        tiers_by=tiers.get("by", "days_late"), bands=tuple(bands),
        early_warning_days=int((spec.get("early_warning") or {}).get("max_days_past_due", 30)),
        bad_debt_days=int((spec.get("bad_debt") or {}).get("min_days_past_due", 90)),
        behaviour_source=at("behaviour"), rounded_down_source=at("behaviour", "rounded_down"),
        early_warning_source=at("early_warning"), bad_debt_source=at("bad_debt"))
