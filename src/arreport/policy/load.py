"""Reading a policies folder: each file read and validated (reader), its objects built
(terms and segments here; fees, ladders, risk, incentives, company next door), every
reference between files checked."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, did_you_mean
from . import schema as S
from .company import build_company
from .fees import build_fees, build_rates
from .incentives import build_loyalty
from .ladders import build_ladders
from .model import Aging, Assignment, Policies, Terms
from .reader import PolicyReader, kept_entries, unknown_name
from .risk import build_risk

DEFAULT_BUCKETS = (0, 30, 60, 90)


def load_policies(folder: Path) -> tuple[Policies | None, list[Diagnostic]]:
    """Validate every policy file; returns (None, diagnostics) when any error was found.

    Every check runs even when a file has schema errors (on what remains of it), so one run
    reports the mistakes of every file together.
    """
    if not folder.is_dir():
        return None, [Diagnostic("error", str(folder), None, None, "",
                                 "the policies folder does not exist",
                                 "pass --policies DIR with terms.yaml in it")]
    rd = PolicyReader(folder)
    raw = {name: rd.read(name, sch) for name, sch in S.FILES.items()}
    t = raw["terms.yaml"]
    rd.currency = str(t.get("currency", "USD"))
    terms: dict[str, Terms] = {}
    for name, spec in (t.get("terms") or {"net30": {"net_days": 30}}).items():
        disc = spec.get("discount")
        dep = spec.get("deposit")
        if "day_of_next_month" in spec and ("net_days" in spec or "from" in spec):
            rd.error("terms.yaml", ("terms", name, "day_of_next_month"),
                     "day_of_next_month cannot be combined with net_days or from")
        terms[name] = Terms(
            name=name, source=rd.source("terms.yaml", ("terms", name)),
            net_days=int(spec.get("net_days", 0)), from_=spec.get("from", "issue_date"),
            day_of_next_month=spec.get("day_of_next_month"),
            deposit_percent=Decimal(dep["percent"]) if dep else None,
            discount_percent=Decimal(disc["percent"]) if disc else None,
            discount_days=int(disc["within_days"]) if disc else None,
        )
    # names as written, so a definition with a mistake in it is not also reported as missing
    terms_names = rd.declared("terms.yaml", "terms")
    if terms_names is not None and not terms_names:
        terms_names = set(terms)
    default_terms = t.get("default_terms", "net30" if "net30" in terms else next(iter(terms)))
    if terms_names is not None and default_terms not in terms_names:
        rd.error("terms.yaml", ("default_terms",),
                 *unknown_name("terms", default_terms, terms_names, "terms.yaml"))
    aging_raw = t.get("aging", {})
    buckets = tuple(x for _, x in kept_entries(aging_raw.get("buckets", DEFAULT_BUCKETS)))
    if rd.intact("terms.yaml", ("aging", "buckets")) and (
            buckets[0] != 0 or any(b <= a for a, b in zip(buckets, buckets[1:], strict=False))):
        rd.error("terms.yaml", ("aging", "buckets"),
                 f"bucket edges {list(buckets)} must start at 0 and strictly increase",
                 "e.g. [0, 30, 60, 90]")
    aging = Aging(basis=aging_raw.get("basis", "due_date"), buckets=buckets or DEFAULT_BUCKETS,
                  source=rd.source("terms.yaml", ("aging",)))

    fee_names = rd.declared("escalation.yaml", "fees")
    fees = build_fees(rd, raw["escalation.yaml"].get("fees") or {})
    segment_names = rd.declared("segments.yaml", "segments")
    ladder_objs = build_ladders(rd, raw["escalation.yaml"].get("ladders") or {}, fee_names, folder,
                           segment_names, frozenset(n for n, f in fees.items() if f.is_interest))
    ladders = rd.declared("escalation.yaml", "ladders")
    seg = raw["segments.yaml"]

    def assignment(spec: dict[str, Any] | None, path: tuple[str | int, ...]) -> Assignment:
        spec = spec or {}
        if spec.get("terms") is not None and terms_names is not None and \
                spec["terms"] not in terms_names:
            rd.error("segments.yaml", path + ("terms",),
                     *unknown_name("terms", spec["terms"], terms_names, "terms.yaml"))
        if spec.get("ladder") is not None and ladders is not None and \
                spec["ladder"] not in ladders:
            rd.error("segments.yaml", path + ("ladder",),
                     *unknown_name("ladder", spec["ladder"], ladders, "escalation.yaml"))
        for i, fee_name in kept_entries(spec.get("fees")):
            if fee_names is not None and fee_name not in fee_names:
                rd.error("segments.yaml", path + ("fees", i),
                         *unknown_name("fee", fee_name, fee_names, "escalation.yaml"))
        fee_list = spec.get("fees")
        return Assignment(terms=spec.get("terms"), ladder=spec.get("ladder"),
                          source=rd.source("segments.yaml", path),
                          exclude=spec.get("exclude"),
                          fees=(tuple(x for _, x in kept_entries(fee_list)) if fee_list is not None
                                else None))

    default = assignment(seg.get("default"), ("default",))
    segments = {k: assignment(v, ("segments", k)) for k, v in (seg.get("segments") or {}).items()}
    clients = {k: assignment(v, ("clients", k)) for k, v in (seg.get("clients") or {}).items()}
    risk = build_risk(rd, raw["risk.yaml"])
    band_names = [b.name for b in risk.bands]
    risk_doc = rd.docs.get("risk.yaml")
    written = ((risk_doc.data.get("tiers") or {}).get("bands")
               if risk_doc is not None and isinstance(risk_doc.data, dict)
               and isinstance(risk_doc.data.get("tiers"), dict) else None)
    if isinstance(written, list):  # a band with a mistake in it still declares its name
        band_names += [str(b["name"]) for b in written if isinstance(b, dict) and "name" in b]
    risk_assignments = {}
    for tier, spec in (seg.get("risk") or {}).items():
        if "risk.yaml" not in rd.unreadable and tier not in band_names:
            rd.error("segments.yaml", ("risk", tier), f"unknown risk tier '{tier}'",
                     did_you_mean(tier, band_names) or
                     f"risk.yaml tiers: {', '.join(dict.fromkeys(band_names))}")
        risk_assignments[tier] = assignment(spec, ("risk", tier))
    loyalty = build_loyalty(rd, raw["incentives.yaml"].get("loyalty") or {})
    rates, rate_sources = build_rates(rd, raw["rates.yaml"], fees)
    company = build_company(rd, raw["company.yaml"], folder)
    if any(d.severity == "error" for d in rd.diags):
        return None, rd.diags
    policies = Policies(
        folder=str(folder), currency=t.get("currency", "USD"), aging=aging, terms=terms,
        default_terms=default_terms,
        default_terms_source=rd.source("terms.yaml", ("default_terms",)),
        default=default, segments=segments, clients=clients, ladders=ladder_objs, fees=fees,
        rates=rates, rate_sources=rate_sources,
        company=company, raw=raw,
        loyalty=loyalty, risk=risk, risk_assignments=risk_assignments)
    return policies, rd.diags


def ledger_settings(folder: Path) -> tuple[str, list[str] | None]:
    """The default currency and the terms names the ledger is read with, taken as far as
    possible from a policies folder that has mistakes (so ledger errors can be reported
    beside the policy errors): terms.yaml's currency, else USD; its terms names, or None
    when they cannot be known (then the ledger's terms column is not checked)."""
    rd = PolicyReader(folder)
    if not folder.is_dir():
        return "USD", None
    data = rd.read("terms.yaml", S.TERMS_FILE)
    currency = data.get("currency", "USD")
    names = rd.declared("terms.yaml", "terms")
    if names is not None and not names:
        names = {"net30"}
    return (currency if isinstance(currency, str) else "USD",
            sorted(names) if names is not None else None)
