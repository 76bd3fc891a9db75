"""Reading a policies folder: YAML with positions, Cerberus validation, references checked."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import cerberus

from ..diagnostics import Diagnostic, did_you_mean, display_path
from ..resources import letter_names, letter_template
from . import schema as S
from .model import (
    PRESET_TABLE,
    Aging,
    Assignment,
    ContactLimit,
    Fee,
    Ladder,
    Loyalty,
    LoyaltyTier,
    Policies,
    PolicyMoney,
    RiskBand,
    RiskPolicy,
    Signal,
    Source,
    Step,
    Terms,
)
from .yamlpos import Located, YamlProblem, load

DEFAULT_BUCKETS = (0, 30, 60, 90)

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


class _Validator(cerberus.Validator):  # type: ignore[misc]
    """Cerberus with a `money` type: an int or an exact Decimal, never a bool or float."""

    types_mapping = cerberus.Validator.types_mapping.copy()
    types_mapping["money"] = cerberus.TypeDefinition("money", (int, Decimal), (bool,))


def _dotted(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _schema_at(schema: dict[str, Any], path: tuple[str | int, ...]) -> dict[str, Any] | None:
    """The mapping schema that applies to the dict at `path` (for did-you-mean on keys)."""
    current: Any = {"type": "dict", "schema": schema}
    for part in path:
        if current is None:
            return None
        if isinstance(part, int):
            current = current.get("schema")
            continue
        if "schema" in current and current.get("type") == "dict":
            current = current["schema"].get(part)
        elif "valuesrules" in current:
            current = current["valuesrules"]
        elif "schema" in current and current.get("type") == "list":
            current = current["schema"]
        else:
            return None
    if current and current.get("type") == "list":
        current = current.get("schema")
    if current and "schema" in current and current.get("type") == "dict":
        return current["schema"]  # type: ignore[no-any-return]
    return None


def _flatten(errors: list[Any]) -> list[Any]:
    out = []
    for err in errors:
        if err.is_group_error and err.child_errors:
            out.extend(_flatten(list(err.child_errors)))
        else:
            out.append(err)
    return out


def _describe(err: Any, doc: Located, schema: dict[str, Any]) -> tuple[str, str]:
    path = tuple(err.document_path)
    value = err.value
    implicit = doc.implicit.get(path)
    code = err.code
    if code == cerberus.errors.UNKNOWN_FIELD.code:
        keys = _schema_at(schema, path[:-1]) or {}
        return f"unknown key '{path[-1]}'", did_you_mean(str(path[-1]), keys)
    if code == cerberus.errors.REQUIRED_FIELD.code:
        return f"missing required key '{path[-1]}'", ""
    words = {"string": "a name or text", "integer": "a whole number",
             "money": "an amount such as 25.00", "dict": "a mapping", "list": "a list",
             "boolean": "true or false"}
    if code == cerberus.errors.NOT_NULLABLE.code:
        rule = (_schema_at(schema, path[:-1]) or {}).get(path[-1], {}) if path else {}
        types = rule.get("type", []) if isinstance(rule, dict) else []
        types = types if isinstance(types, list) else [types]
        want = " or ".join(words.get(str(t), str(t)) for t in types) or "a value"
        return f"expected {want}, got an empty value (YAML null)", "fill it in or remove the key"
    if code == cerberus.errors.BAD_TYPE.code:
        expected = err.constraint if isinstance(err.constraint, list) else [err.constraint]
        want = " or ".join(words.get(str(e), str(e)) for e in expected)
        wants_text = "string" in expected
        if implicit is not None and isinstance(value, bool | type(None)):
            kind = "a boolean" if isinstance(value, bool) else "null"
            return (f"expected {want}, got '{implicit}' which YAML reads as {kind}",
                    f"quote it: '{implicit}'" if wants_text else "")
        if implicit is not None:
            return (f"expected {want}, got the number {implicit}",
                    f"quote it: '{implicit}'" if wants_text else "")
        return f"expected {want}, got '{value}'", ""
    if code == cerberus.errors.UNALLOWED_VALUE.code:
        allowed = [str(a) for a in err.constraint]
        return (f"'{value}' is not allowed; expected one of: {', '.join(allowed)}",
                did_you_mean(str(value), allowed))
    if code == cerberus.errors.MIN_VALUE.code:
        return f"{value} is below the minimum {err.constraint}", ""
    if code == cerberus.errors.MAX_VALUE.code:
        return f"{value} is above the maximum {err.constraint}", ""
    if code == cerberus.errors.REGEX_MISMATCH.code:
        return f"'{value}' is not a valid name", "use letters, digits, '_', '-' and '.'"
    if code == cerberus.errors.MIN_LENGTH.code:
        return f"needs at least {err.constraint} item(s)", ""
    return f"{err.rule or 'invalid'}: {value!r}", ""


class _Reader:
    def __init__(self, folder: Path):
        self.folder = folder
        self.diags: list[Diagnostic] = []
        self.docs: dict[str, Located] = {}

    def error(self, file: str, path: tuple[str | int, ...], message: str, hint: str = "",
              severity: str = "error") -> None:
        line, col = self.docs[file].where(path) if file in self.docs else (None, None)
        shown = display_path(self.folder / file)
        self.diags.append(Diagnostic(severity, shown, line, col, _dotted(path),  # type: ignore[arg-type]
                                     message, hint))

    def read(self, name: str, schema: dict[str, Any]) -> dict[str, Any]:
        path = self.folder / name
        shown = display_path(path)
        if not path.exists():
            return {}
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            self.diags.append(Diagnostic("error", shown, None, None, "", "not UTF-8 text"))
            return {}
        try:
            doc = load(text)
        except YamlProblem as exc:
            self.diags.append(Diagnostic("error", shown, exc.line, exc.column,
                                         _dotted(exc.path), exc.message, exc.hint))
            return {}
        self.docs[name] = doc
        if not isinstance(doc.data, dict):
            self.error(name, (), "expected a mapping of keys at the top level")
            return {}
        validator = _Validator(schema)
        if not validator.validate(doc.data):
            for err in _flatten(list(validator._errors)):
                message, hint = _describe(err, doc, schema)
                self.error(name, tuple(err.document_path), message, hint)
            return {}
        return doc.data  # type: ignore[no-any-return]

    def source(self, file: str, path: tuple[str | int, ...]) -> Source:
        line = self.docs[file].where(path)[0] if file in self.docs else 0
        return Source(file, line)


def load_policies(folder: Path) -> tuple[Policies | None, list[Diagnostic]]:
    """Validate every policy file; returns (None, diagnostics) when any error was found."""
    if not folder.is_dir():
        return None, [Diagnostic("error", str(folder), None, None, "",
                                 "the policies folder does not exist",
                                 "pass --policies DIR with terms.yaml in it")]
    rd = _Reader(folder)
    raw = {name: rd.read(name, sch) for name, sch in S.FILES.items()}
    if any(d.severity == "error" for d in rd.diags):
        _references_despite_errors(rd, raw)
        return None, rd.diags
    t = raw["terms.yaml"]
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
    default_terms = t.get("default_terms", "net30" if "net30" in terms else next(iter(terms)))
    if default_terms not in terms:
        rd.error("terms.yaml", ("default_terms",), f"unknown terms '{default_terms}'",
                 did_you_mean(default_terms, terms) or f"defined: {', '.join(terms)}")
    aging_raw = t.get("aging", {})
    buckets = tuple(aging_raw.get("buckets", DEFAULT_BUCKETS))
    if buckets[0] != 0 or any(b <= a for a, b in zip(buckets, buckets[1:], strict=False)):
        rd.error("terms.yaml", ("aging", "buckets"),
                 f"bucket edges {list(buckets)} must start at 0 and strictly increase",
                 "e.g. [0, 30, 60, 90]")
    aging = Aging(basis=aging_raw.get("basis", "due_date"), buckets=buckets,
                  source=rd.source("terms.yaml", ("aging",)))

    fees = _fees(rd, raw["escalation.yaml"].get("fees") or {})
    segment_names = set((raw["segments.yaml"].get("segments") or {}).keys())
    ladder_objs = _ladders(rd, raw["escalation.yaml"].get("ladders") or {}, fees, folder,
                           segment_names)
    ladders = set(ladder_objs)
    seg = raw["segments.yaml"]

    def assignment(spec: dict[str, Any] | None, path: tuple[str | int, ...]) -> Assignment:
        spec = spec or {}
        if spec.get("terms") is not None and spec["terms"] not in terms:
            rd.error("segments.yaml", path + ("terms",), f"unknown terms '{spec['terms']}'",
                     did_you_mean(spec["terms"], terms) or f"defined: {', '.join(terms)}")
        if spec.get("ladder") is not None and ladders and spec["ladder"] not in ladders:
            rd.error("segments.yaml", path + ("ladder",), f"unknown ladder '{spec['ladder']}'",
                     did_you_mean(spec["ladder"], ladders) or f"defined: {', '.join(ladders)}")
        for i, fee_name in enumerate(spec.get("fees") or []):
            if fee_name not in fees:
                rd.error("segments.yaml", path + ("fees", i), f"unknown fee '{fee_name}'",
                         did_you_mean(fee_name, fees) or f"defined: {', '.join(fees)}")
        return Assignment(terms=spec.get("terms"), ladder=spec.get("ladder"),
                          source=rd.source("segments.yaml", path),
                          exclude=spec.get("exclude"),
                          fees=tuple(spec["fees"]) if spec.get("fees") is not None else None)

    default = assignment(seg.get("default"), ("default",))
    segments = {k: assignment(v, ("segments", k)) for k, v in (seg.get("segments") or {}).items()}
    clients = {k: assignment(v, ("clients", k)) for k, v in (seg.get("clients") or {}).items()}
    risk = _risk(rd, raw["risk.yaml"])
    band_names = [b.name for b in risk.bands]
    risk_assignments = {}
    for tier, spec in (seg.get("risk") or {}).items():
        if tier not in band_names:
            rd.error("segments.yaml", ("risk", tier), f"unknown risk tier '{tier}'",
                     did_you_mean(tier, band_names) or
                     f"risk.yaml tiers: {', '.join(band_names)}")
        risk_assignments[tier] = assignment(spec, ("risk", tier))
    loyalty = _loyalty(rd, raw["incentives.yaml"].get("loyalty") or {})
    if any(d.severity == "error" for d in rd.diags):
        return None, rd.diags
    policies = Policies(
        folder=str(folder), currency=t.get("currency", "USD"), aging=aging, terms=terms,
        default_terms=default_terms,
        default_terms_source=rd.source("terms.yaml", ("default_terms",)),
        default=default, segments=segments, clients=clients, ladders=ladder_objs, fees=fees,
        rates=_rates(rd, raw["rates.yaml"], fees),
        company={k: str(v) for k, v in raw["company.yaml"].items()}, raw=raw,
        loyalty=loyalty, risk=risk, risk_assignments=risk_assignments)
    return policies, rd.diags


def _references_despite_errors(rd: _Reader, raw: dict[str, Any]) -> None:
    """When a file fails its schema, still check segments.yaml's references against the
    names the other files declare, so one run reports mistakes in every file."""
    seg = raw.get("segments.yaml") or {}
    if not seg:
        return

    def names(file: str, key: str) -> set[str]:
        doc = rd.docs.get(file)
        data = doc.data if doc is not None and isinstance(doc.data, dict) else {}
        value = data.get(key)
        return set(value) if isinstance(value, dict) else set()

    ladders = names("escalation.yaml", "ladders")
    terms = names("terms.yaml", "terms") or {"net30"}
    entries: list[tuple[tuple[str | int, ...], Any]] = [(("default",), seg.get("default") or {})]
    entries += [(("segments", k), v or {}) for k, v in (seg.get("segments") or {}).items()]
    entries += [(("clients", k), v or {}) for k, v in (seg.get("clients") or {}).items()]
    for path, spec in entries:
        if spec.get("terms") is not None and spec["terms"] not in terms:
            rd.error("segments.yaml", path + ("terms",), f"unknown terms '{spec['terms']}'",
                     did_you_mean(spec["terms"], terms) or f"defined: {', '.join(sorted(terms))}")
        if spec.get("ladder") is not None and ladders and spec["ladder"] not in ladders:
            rd.error("segments.yaml", path + ("ladder",), f"unknown ladder '{spec['ladder']}'",
                     did_you_mean(spec["ladder"], ladders) or
                     f"defined: {', '.join(sorted(ladders))}")


def _loyalty(rd: _Reader, spec: dict[str, Any]) -> Loyalty:
    tiers = []
    seen: dict[str, int] = {}
    for i, t in enumerate(spec.get("tiers") or []):
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
            extra_days=t.get("extra_days"), credit=_money(credit)))
    return Loyalty(window_days=int(spec.get("window_days", 365)), tiers=tuple(tiers))


def _risk(rd: _Reader, spec: dict[str, Any]) -> RiskPolicy:
    """risk.yaml with its defaults; each signal's parameters checked against its kind."""
    file = "risk.yaml"
    present = file in rd.docs
    beh = spec.get("behaviour") or {}
    rounded = beh.get("rounded_down") or {}
    trend = int(beh.get("trend_days", 90))
    signals = []
    raw_signals = spec.get("signals") if "signals" in spec else DEFAULT_SIGNALS
    seen: dict[str, int] = {}
    for i, sig in enumerate(raw_signals or []):
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
            if key not in sig:
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
    raw_bands = tiers.get("bands") or DEFAULT_BANDS
    bands = []
    previous: Decimal | None = None
    for i, band in enumerate(raw_bands):
        bpath: tuple[str | int, ...] = ("tiers", "bands", i)
        last = i == len(raw_bands) - 1
        upto = band.get("upto")
        if last and upto is not None:
            rd.error(file, bpath + ("upto",), "the last band takes every figure above the "
                     "one before it", "remove upto from the last band")
        if not last and upto is None:
            rd.error(file, bpath, f"band '{band['name']}' needs upto",
                     "every band but the last has an upper bound")
        if upto is not None and previous is not None and Decimal(upto) <= previous:
            rd.error(file, bpath + ("upto",), f"{upto} is not above the band before it "
                     f"({previous})", "bands go from lowest risk to highest")
        if upto is not None:
            previous = Decimal(upto)
        bands.append(RiskBand(name=band["name"],
                              upto=Decimal(upto) if upto is not None else None,
                              source=(rd.source(file, bpath) if "bands" in tiers
                                      else Source(file, 0))))
    names = [b.name for b in bands]
    for i, name in enumerate(names):
        if name in names[:i]:
            rd.error(file, ("tiers", "bands", i, "name"), f"band '{name}' is defined twice")
    score = spec.get("score") or {}
    return RiskPolicy(
        source=rd.source(file, ()) if present else Source(file, 0),
        window_days=int(beh.get("window_days", 365)), trend_days=trend,
        round_units=tuple(Decimal(u) for u in rounded.get("units", (1, 10, 50, 100, 500, 1000))),
        max_shortfall_percent=Decimal(rounded.get("max_shortfall_percent", 10)),
        signals=tuple(signals),
        points_per_day_late=Decimal(score.get("points_per_day_late", Decimal("0.5"))),
        max_lateness_points=int(score.get("max_lateness_points", 40)),
        tiers_by=tiers.get("by", "days_late"), bands=tuple(bands),
        early_warning_days=int((spec.get("early_warning") or {}).get("max_days_past_due", 30)),
        bad_debt_days=int((spec.get("bad_debt") or {}).get("min_days_past_due", 90)))


def _money(value: Any) -> PolicyMoney | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return PolicyMoney(per_currency=tuple(sorted((str(k), Decimal(v))
                                                    for k, v in value.items())))
    return PolicyMoney(bare=Decimal(value))


def _non_negative(rd: _Reader, path: tuple[str | int, ...], value: Any) -> None:
    """A bare policy amount must not be negative (per-currency ones are checked by schema)."""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool) and value < 0:
        rd.error("escalation.yaml", path, f"{value} is negative", "amounts are ≥ 0")


def _fees(rd: _Reader, spec: dict[str, Any]) -> dict[str, Fee]:
    out = {}
    for name, f in spec.items():
        path = ("fees", name)
        for key in ("flat", "min", "max"):
            _non_negative(rd, path + (key,), f.get(key))
        if not any(k in f for k in ("flat", "percent", "annual_percent", "preset")):
            rd.error("escalation.yaml", path,
                     "a fee needs flat, percent, annual_percent or preset")
        if ("annual_percent" in f or "preset" in f) and ("flat" in f or "percent" in f):
            rd.error("escalation.yaml", path,
                     "interest (annual_percent, preset) cannot be combined with flat or percent")
        if "annual_percent" in f and "preset" in f:
            rd.error("escalation.yaml", path, "a preset sets its own rate; drop annual_percent")
        out[name] = Fee(
            name=name, source=rd.source("escalation.yaml", path), flat=_money(f.get("flat")),
            percent=Decimal(f["percent"]) if "percent" in f else None,
            minimum=_money(f.get("min")), maximum=_money(f.get("max")),
            annual_percent=Decimal(f["annual_percent"]) if "annual_percent" in f else None,
            grace_days=int(f.get("grace_days", 0)), preset=f.get("preset"))
    return out


def _rates(rd: _Reader, spec: dict[str, Any], fees: dict[str, Fee]
           ) -> dict[str, tuple[tuple[int, Decimal], ...]]:
    """Dated reference-rate tables, sorted; each preset in use needs its table."""
    import datetime as dt

    from ..ledger.dates import to_day

    out: dict[str, tuple[tuple[int, Decimal], ...]] = {}
    for name, rows in spec.items():
        parsed = []
        for i, row in enumerate(rows or []):
            try:
                day = to_day(dt.date.fromisoformat(row["from"]))
            except ValueError:
                rd.error("rates.yaml", (name, i, "from"), f"'{row['from']}' is not a date",
                         "expected YYYY-MM-DD")
                continue
            rate = Decimal(row["rate"])
            exponent = rate.as_tuple().exponent
            if isinstance(exponent, int) and exponent < -4:
                rd.error("rates.yaml", (name, i, "rate"), f"{rate} has more than 4 decimals",
                         "reference rates are published to at most 4 decimals")
                continue
            parsed.append((day, rate))
        out[name] = tuple(sorted(parsed))
    for fee in fees.values():
        if fee.preset and not out.get(PRESET_TABLE[fee.preset]):
            rd.error("escalation.yaml", ("fees", fee.name, "preset"),
                     f"preset {fee.preset} needs the {PRESET_TABLE[fee.preset]} table in "
                     "rates.yaml", "add dated rows: - {from: 2024-01-01, rate: 4.50}")
    return out


def _ladders(rd: _Reader, spec: dict[str, Any], fees: dict[str, Fee], folder: Path,
             segment_names: set[str]) -> dict[str, Ladder]:
    out = {}
    for name, lad in spec.items():
        raw_steps = list(enumerate(lad.get("steps") or []))
        seen: dict[str, int] = {}
        for i, st in raw_steps:
            path = ("ladders", name, "steps", i)
            if st["id"] in seen:
                rd.error("escalation.yaml", path + ("id",),
                         f"step id '{st['id']}' is used twice in ladder '{name}' "
                         f"(first at steps[{seen[st['id']]}])")
            seen.setdefault(st["id"], i)
            if st.get("fee") is not None and st["fee"] not in fees:
                rd.error("escalation.yaml", path + ("fee",), f"unknown fee '{st['fee']}'",
                         did_you_mean(st["fee"], fees) or
                         (f"defined: {', '.join(fees)}" if fees else "define it under fees:"))
            segs = st.get("segment")
            for seg_name in ([segs] if isinstance(segs, str) else segs or []):
                if seg_name not in segment_names:
                    rd.error("escalation.yaml", path + ("segment",),
                             f"unknown segment '{seg_name}'",
                             did_you_mean(seg_name, segment_names) or
                             "define it under segments: in segments.yaml")
            for key in ("min_balance",):
                _non_negative(rd, path + (key,), st.get(key))
            if st.get("template") is not None and letter_template(st["template"], folder) is None:
                rd.error("escalation.yaml", path + ("template",),
                         f"unknown template '{st['template']}'",
                         did_you_mean(st["template"], letter_names(folder)) or
                         "put it in templates/letters/ beside the policies")
        ordered = sorted(raw_steps, key=lambda pair: (pair[1]["at"], pair[0]))
        steps = []
        for order, (i, st) in enumerate(ordered):
            segs = st.get("segment")
            steps.append(Step(
                id=st["id"], at=int(st["at"]), order=order, index=i,
                source=rd.source("escalation.yaml", ("ladders", name, "steps", i)),
                channel=st.get("channel"), template=st.get("template"), owner=st.get("owner"),
                min_balance=_money(st.get("min_balance")),
                min_days_since_last_contact=st.get("min_days_since_last_contact"),
                segments=(tuple([segs]) if isinstance(segs, str) else
                          tuple(segs) if segs else None),
                kind=st.get("kind"), fee=st.get("fee"), action=st.get("action")))
        limits = []
        for i, lim in enumerate(lad.get("contact_limits") or []):
            path = ("ladders", name, "contact_limits", i)
            counted = "max" in lim or "per_days" in lim
            quiet = "quiet_days_after" in lim or "quiet_days" in lim
            if counted == quiet or (counted and not ("max" in lim and "per_days" in lim)) or (
                    quiet and not ("quiet_days_after" in lim and "quiet_days" in lim)):
                rd.error("escalation.yaml", path,
                         "a contact limit is either max with per_days, or quiet_days_after "
                         "with quiet_days", "e.g. {channel: phone, max: 7, per_days: 7}")
                continue
            limits.append(ContactLimit(
                source=rd.source("escalation.yaml", path), kind=lim.get("kind", "consumer"),
                channel=lim.get("channel"), max=lim.get("max"), per_days=lim.get("per_days"),
                quiet_after=lim.get("quiet_days_after"), quiet_days=lim.get("quiet_days")))
        out[name] = Ladder(name=name, source=rd.source("escalation.yaml", ("ladders", name)),
                           pause_when=tuple(lad.get("pause_when", ["disputed", "payment_plan"])),
                           steps=tuple(steps), contact_limits=tuple(limits))
    return out
