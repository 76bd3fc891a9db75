"""Reading a policies folder: YAML with positions, Cerberus validation, references checked."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import cerberus

from ..diagnostics import Diagnostic, did_you_mean, display_path
from ..resources import letter_names, letter_template
from . import schema as S
from .model import (
    LETTER_COUNTRIES,
    PRESET_TABLE,
    Aging,
    Assignment,
    BankAccount,
    Company,
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
CURRENCY_CODE = "^[A-Z]{3}$"  # the patterns schema.py gives currency codes and dates
DATE_TEXT = r"^\d{4}-\d{2}-\d{2}$"

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
        if err.constraint == CURRENCY_CODE:
            upper = str(value).upper()
            return (f"'{value}' is not a currency code",
                    f"use the 3-letter ISO 4217 code in capitals: '{upper}'"
                    if len(upper) == 3 and upper.isalpha() else
                    "use a 3-letter ISO 4217 code in capitals, e.g. 'USD' or 'EUR'")
        if err.constraint == DATE_TEXT:
            return f"'{value}' is not a date", "expected YYYY-MM-DD"
        if err.constraint == "^[A-Z]{2}$":
            return (f"'{value}' is not a country code",
                    "use the 2-letter ISO 3166 code in capitals, e.g. US, DE, FR")
        if err.constraint == r"^[a-z]{2,3}$":
            return f"'{value}' is not a language code", "use e.g. en, de, fr, es"
        return f"'{value}' is not a valid name", "use letters, digits, '_', '-' and '.'"
    if code == cerberus.errors.MIN_LENGTH.code:
        return f"needs at least {err.constraint} item(s)", ""
    return f"{err.rule or 'invalid'}: {value!r}", ""


# a list entry left out after a schema error; kept in place so later entries keep their index
_DROPPED: Any = type("_Dropped", (), {"__repr__": lambda self: "<dropped>"})()


def _kept(seq: Any) -> list[tuple[int, Any]]:
    """(index in the file, entry) for the entries of a list that were not left out."""
    return [(i, x) for i, x in enumerate(seq or []) if x is not _DROPPED]


def _compact(data: Any) -> Any:
    """The data without the entries left out, for validating what remains."""
    if isinstance(data, dict):
        return {k: _compact(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_compact(x) for x in data if x is not _DROPPED]
    return data


def _original_path(data: Any, path: tuple[str | int, ...]) -> tuple[str | int, ...] | None:
    """A path into _compact(data) as the path into data (list indexes skip left-out entries)."""
    out: list[str | int] = []
    current = data
    for part in path:
        if isinstance(current, list) and isinstance(part, int):
            kept = [i for i, _ in _kept(current)]
            if part >= len(kept):
                return None
            out.append(kept[part])
            current = current[kept[part]]
        elif isinstance(current, dict) and part in current:
            out.append(part)
            current = current[part]
        else:
            return tuple(out) + (part,)
    return tuple(out)


def _required(schema: dict[str, Any], path: tuple[str | int, ...]) -> bool:
    if not path or isinstance(path[-1], int):
        return False
    rule = (_schema_at(schema, path[:-1]) or {}).get(path[-1])
    return isinstance(rule, dict) and bool(rule.get("required"))


class _Reader:
    """Reads each policy file once; every mistake found is gathered in `diags`.

    A file that fails its schema is still handed on, without the values at fault (`pruned`
    records where), so that the checks of references and amounts run on the rest and one
    run reports every mistake it can.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.diags: list[Diagnostic] = []
        self.docs: dict[str, Located] = {}
        self.unreadable: set[str] = set()  # present but not read: the names it holds unknown
        self.pruned: dict[str, list[tuple[str | int, ...]]] = {}
        self.currency = "USD"  # terms.yaml currency: once read; bare amounts are in it

    def error(self, file: str, path: tuple[str | int, ...], message: str, hint: str = "",
              severity: str = "error") -> None:
        line, col = self.docs[file].where(path) if file in self.docs else (None, None)
        shown = display_path(self.folder / file)
        self.diags.append(Diagnostic(severity, shown, line, col, _dotted(path),  # type: ignore[arg-type]
                                     message, hint))

    def intact(self, file: str, path: tuple[str | int, ...]) -> bool:
        """Nothing at or under `path` was left out after a schema error (checks that look
        at which keys are present would otherwise report what was left out)."""
        n = len(path)
        return not any(p[:n] == path or path[:len(p)] == p for p in self.pruned.get(file, ()))

    def declared(self, file: str, *path: str) -> set[str] | None:
        """The names a file declares under `path` as written (schema errors or not);
        None when the file could not be read, so references to it cannot be checked."""
        if file in self.unreadable:
            return None
        doc = self.docs.get(file)
        value = doc.data if doc is not None else {}
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, dict):
            return {str(k) for k in value}
        # absent: when a key beside it was rejected (`ladder:` for `ladders:`), the names
        # are unknown rather than none
        if any(p[:-1] == path[:len(p) - 1] for p in self.pruned.get(file, ())
               if 0 < len(p) <= len(path)):
            return None
        return set()

    def read(self, name: str, schema: dict[str, Any]) -> dict[str, Any]:
        path = self.folder / name
        shown = display_path(path)
        if not path.exists():
            return {}
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            self.diags.append(Diagnostic("error", shown, None, None, "", "not UTF-8 text"))
            self.unreadable.add(name)
            return {}
        try:
            doc = load(text)
        except YamlProblem as exc:
            for problem in (exc, *exc.more):
                self.diags.append(Diagnostic("error", shown, problem.line, problem.column,
                                             _dotted(problem.path), problem.message,
                                             problem.hint))
            self.unreadable.add(name)
            return {}
        self.docs[name] = doc
        for problem in doc.problems:
            self.diags.append(Diagnostic("error", shown, problem.line, problem.column,
                                         _dotted(problem.path), problem.message, problem.hint))
        if not isinstance(doc.data, dict):
            self.error(name, (), "expected a mapping of keys at the top level")
            self.unreadable.add(name)
            return {}
        validator = _Validator(schema)
        if validator.validate(doc.data):
            return doc.data  # type: ignore[no-any-return]
        for err in _flatten(list(validator._errors)):
            message, hint = _describe(err, doc, schema)
            self.error(name, tuple(err.document_path), message, hint)
        return self._without_faults(name, doc.data, schema, validator)

    def _without_faults(self, name: str, data: dict[str, Any], schema: dict[str, Any],
                        validator: Any) -> dict[str, Any]:
        """A copy of data without the values the schema rejected (already reported), or {}
        when that does not converge."""
        import copy

        kept: dict[str, Any] = copy.deepcopy(data)
        pruned = self.pruned.setdefault(name, [])
        first = True
        for _ in range(8):
            faults = []
            for err in _flatten(list(validator._errors)):
                # the first errors are on the file as written, later ones on what was kept
                at = tuple(err.document_path) if first else _original_path(
                    kept, tuple(err.document_path))
                if at is not None:
                    faults.append((err.code == cerberus.errors.REQUIRED_FIELD.code, at))
            first = False
            for missing, at in faults:
                if missing:
                    at = at[:-1]
                while at and _required(schema, at):  # without it the entry means nothing
                    at = at[:-1]
                if not at:
                    pruned.append(())
                    return {}
                parent: Any = kept
                for part in at[:-1]:
                    if isinstance(parent, dict):
                        parent = parent.get(part)
                    elif isinstance(parent, list) and isinstance(part, int) and \
                            part < len(parent):
                        parent = parent[part]
                    else:
                        parent = None
                if isinstance(parent, list) and isinstance(at[-1], int) and \
                        at[-1] < len(parent):
                    parent[at[-1]] = _DROPPED
                elif isinstance(parent, dict):
                    parent.pop(at[-1], None)
                pruned.append(at)
            validator = _Validator(schema)
            if validator.validate(_compact(kept)):
                return kept
        pruned.append(())
        return {}

    def valid_keys(self, file: str, path: tuple[str | int, ...],
                   rules: dict[str, Any]) -> dict[str, Any]:
        """The keys of the mapping at `path` as written whose values pass their own rule,
        for an entry left out after a schema error: the checks of its references (a fee,
        a template, a duplicate id) still run on what is right in it, in the same run."""
        doc = self.docs.get(file)
        value: Any = doc.data if doc is not None else None
        for part in path:
            if isinstance(value, dict) and part in value:
                value = value[part]
            elif isinstance(value, list) and isinstance(part, int) and part < len(value):
                value = value[part]
            else:
                return {}
        if not isinstance(value, dict):
            return {}
        out = {}
        for key, item in value.items():
            rule = rules.get(key)
            if not isinstance(rule, dict):
                continue  # an unknown key: reported as such
            rule = {k: v for k, v in rule.items() if k != "required"}
            if _Validator({key: rule}).validate({key: item}):
                out[key] = item
        return out

    def source(self, file: str, path: tuple[str | int, ...]) -> Source:
        line = self.docs[file].where(path)[0] if file in self.docs else 0
        return Source(file, line)


def _unknown(kind: str, name: str, known: set[str], where: str) -> tuple[str, str]:
    """Message and hint for a reference to a name that is not defined."""
    hint = did_you_mean(name, known) or (
        f"defined: {', '.join(sorted(known))}" if known
        else f"{where} defines no {kind}s; add '{name}' there")
    return f"unknown {kind} '{name}'", hint


def load_policies(folder: Path) -> tuple[Policies | None, list[Diagnostic]]:
    """Validate every policy file; returns (None, diagnostics) when any error was found.

    Every check runs even when a file has schema errors (on what remains of it), so one run
    reports the mistakes of every file together.
    """
    if not folder.is_dir():
        return None, [Diagnostic("error", str(folder), None, None, "",
                                 "the policies folder does not exist",
                                 "pass --policies DIR with terms.yaml in it")]
    rd = _Reader(folder)
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
                 *_unknown("terms", default_terms, terms_names, "terms.yaml"))
    aging_raw = t.get("aging", {})
    buckets = tuple(x for _, x in _kept(aging_raw.get("buckets", DEFAULT_BUCKETS)))
    if rd.intact("terms.yaml", ("aging", "buckets")) and (
            buckets[0] != 0 or any(b <= a for a, b in zip(buckets, buckets[1:], strict=False))):
        rd.error("terms.yaml", ("aging", "buckets"),
                 f"bucket edges {list(buckets)} must start at 0 and strictly increase",
                 "e.g. [0, 30, 60, 90]")
    aging = Aging(basis=aging_raw.get("basis", "due_date"), buckets=buckets or DEFAULT_BUCKETS,
                  source=rd.source("terms.yaml", ("aging",)))

    fee_names = rd.declared("escalation.yaml", "fees")
    fees = _fees(rd, raw["escalation.yaml"].get("fees") or {})
    segment_names = rd.declared("segments.yaml", "segments")
    ladder_objs = _ladders(rd, raw["escalation.yaml"].get("ladders") or {}, fee_names, folder,
                           segment_names, frozenset(n for n, f in fees.items() if f.is_interest))
    ladders = rd.declared("escalation.yaml", "ladders")
    seg = raw["segments.yaml"]

    def assignment(spec: dict[str, Any] | None, path: tuple[str | int, ...]) -> Assignment:
        spec = spec or {}
        if spec.get("terms") is not None and terms_names is not None and \
                spec["terms"] not in terms_names:
            rd.error("segments.yaml", path + ("terms",),
                     *_unknown("terms", spec["terms"], terms_names, "terms.yaml"))
        if spec.get("ladder") is not None and ladders is not None and \
                spec["ladder"] not in ladders:
            rd.error("segments.yaml", path + ("ladder",),
                     *_unknown("ladder", spec["ladder"], ladders, "escalation.yaml"))
        for i, fee_name in _kept(spec.get("fees")):
            if fee_names is not None and fee_name not in fee_names:
                rd.error("segments.yaml", path + ("fees", i),
                         *_unknown("fee", fee_name, fee_names, "escalation.yaml"))
        fee_list = spec.get("fees")
        return Assignment(terms=spec.get("terms"), ladder=spec.get("ladder"),
                          source=rd.source("segments.yaml", path),
                          exclude=spec.get("exclude"),
                          fees=(tuple(x for _, x in _kept(fee_list)) if fee_list is not None
                                else None))

    default = assignment(seg.get("default"), ("default",))
    segments = {k: assignment(v, ("segments", k)) for k, v in (seg.get("segments") or {}).items()}
    clients = {k: assignment(v, ("clients", k)) for k, v in (seg.get("clients") or {}).items()}
    risk = _risk(rd, raw["risk.yaml"])
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
    loyalty = _loyalty(rd, raw["incentives.yaml"].get("loyalty") or {})
    rates, rate_sources = _rates(rd, raw["rates.yaml"], fees)
    company = _company(rd, raw["company.yaml"], folder)
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
    rd = _Reader(folder)
    if not folder.is_dir():
        return "USD", None
    data = rd.read("terms.yaml", S.TERMS_FILE)
    currency = data.get("currency", "USD")
    names = rd.declared("terms.yaml", "terms")
    if names is not None and not names:
        names = {"net30"}
    return (currency if isinstance(currency, str) else "USD",
            sorted(names) if names is not None else None)


def _loyalty(rd: _Reader, spec: dict[str, Any]) -> Loyalty:
    tiers = []
    seen: dict[str, int] = {}
    for i, t in _kept(spec.get("tiers")):
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
    for i, sig in _kept(raw_signals):
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
    raw_bands = _kept(tiers.get("bands")) or list(enumerate(DEFAULT_BANDS))
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
        round_units=tuple(Decimal(u) for _, u in _kept(rounded.get("units",
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


def _money(value: Any) -> PolicyMoney | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return PolicyMoney(per_currency=tuple(sorted((str(k), Decimal(v))
                                                    for k, v in value.items())))
    return PolicyMoney(bare=Decimal(value))


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _money_places(rd: _Reader, file: str, path: tuple[str | int, ...], value: Any) -> None:
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
            _money_places(rd, "escalation.yaml", path + (key,), f.get(key))
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
            name=name, source=rd.source("escalation.yaml", path), flat=_money(f.get("flat")),
            percent=Decimal(f["percent"]) if "percent" in f else None,
            minimum=_money(f.get("min")), maximum=_money(f.get("max")),
            annual_percent=Decimal(f["annual_percent"]) if "annual_percent" in f else None,
            grace_days=int(f.get("grace_days", 0)), preset=f.get("preset"))
    return out


def _rates(rd: _Reader, spec: dict[str, Any], fees: dict[str, Fee]
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
        for i, row in _kept(rows):
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


def _step_segments(segs: Any) -> tuple[str, ...] | None:
    """None: any segment; () from `segment: []`: none, the step never fires (lint warns)."""
    if segs is None:
        return None
    return (segs,) if isinstance(segs, str) else tuple(x for _, x in _kept(segs))


def _ladders(rd: _Reader, spec: dict[str, Any], fees: set[str] | None, folder: Path,
             segment_names: set[str] | None, interest: frozenset[str] = frozenset()
             ) -> dict[str, Ladder]:
    """The ladders; `fees` and `segment_names` are the names declared (None: unknown, the
    file that declares them could not be read, so references to them are not checked)."""
    file = "escalation.yaml"
    out = {}
    for name, lad in spec.items():
        raw_steps = _kept(lad.get("steps"))
        seen: dict[str, int] = {}
        for i, st in enumerate(lad.get("steps") or []):
            path = ("ladders", name, "steps", i)
            if st is _DROPPED:  # its other keys are still checked, as written
                st = rd.valid_keys(file, path, S.STEP["schema"])
            if "id" in st and st["id"] in seen:
                rd.error(file, path + ("id",),
                         f"step id '{st['id']}' is used twice in ladder '{name}' "
                         f"(first at steps[{seen[st['id']]}])")
            if "id" in st:
                seen.setdefault(st["id"], i)
            if st.get("fee") is not None and fees is not None and st["fee"] not in fees:
                rd.error(file, path + ("fee",), f"unknown fee '{st['fee']}'",
                         did_you_mean(st["fee"], fees) or
                         (f"defined: {', '.join(sorted(fees))}" if fees
                          else "define it under fees:"))
            elif st.get("fee") in interest:
                rd.error(file, path + ("fee",),
                         f"fee '{st['fee']}' is interest (annual_percent or preset): it runs on "
                         "every overdue invoice by itself, never as a step's fee",
                         "remove fee: here, or name a flat or percent fee")
            segs = _step_segments(st.get("segment"))
            for seg_name in segs or ():
                if segment_names is not None and seg_name not in segment_names:
                    rd.error(file, path + ("segment",),
                             f"unknown segment '{seg_name}'",
                             did_you_mean(seg_name, segment_names) or
                             "define it under segments: in segments.yaml")
            _non_negative(rd, path + ("min_balance",), st.get("min_balance"))
            _money_places(rd, file, path + ("min_balance",), st.get("min_balance"))
            if st.get("template") is not None and letter_template(st["template"], folder) is None:
                rd.error(file, path + ("template",),
                         f"unknown template '{st['template']}'",
                         did_you_mean(st["template"], letter_names(folder)) or
                         "put it in templates/letters/ beside the policies")
        ordered = sorted(raw_steps, key=lambda pair: (pair[1]["at"], pair[0]))
        steps = []
        for order, (i, st) in enumerate(ordered):
            steps.append(Step(
                id=st["id"], at=int(st["at"]), order=order, index=i,
                source=rd.source(file, ("ladders", name, "steps", i)),
                channel=st.get("channel"), template=st.get("template"), owner=st.get("owner"),
                min_balance=_money(st.get("min_balance")),
                min_days_since_last_contact=st.get("min_days_since_last_contact"),
                segments=_step_segments(st.get("segment")),
                kind=st.get("kind"), fee=st.get("fee"), action=st.get("action")))
        limits = []
        for i, lim in _kept(lad.get("contact_limits")):
            path = ("ladders", name, "contact_limits", i)
            counted = "max" in lim or "per_days" in lim
            quiet = "quiet_days_after" in lim or "quiet_days" in lim
            if counted == quiet or (counted and not ("max" in lim and "per_days" in lim)) or (
                    quiet and not ("quiet_days_after" in lim and "quiet_days" in lim)):
                if rd.intact(file, path):
                    rd.error(file, path,
                             "a contact limit is either max with per_days, or quiet_days_after "
                             "with quiet_days", "e.g. {channel: phone, max: 7, per_days: 7}")
                continue
            limits.append(ContactLimit(
                source=rd.source(file, path), kind=lim.get("kind", "consumer"),
                channel=lim.get("channel"), max=lim.get("max"), per_days=lim.get("per_days"),
                quiet_after=lim.get("quiet_days_after"), quiet_days=lim.get("quiet_days")))
        pause_when = [x for _, x in _kept(lad.get("pause_when", ["disputed", "payment_plan"]))]
        out[name] = Ladder(name=name, source=rd.source(file, ("ladders", name)),
                           pause_when=tuple(pause_when),
                           steps=tuple(steps), contact_limits=tuple(limits))
    return out


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


def _company(rd: _Reader, spec: dict[str, Any], folder: Path) -> Company:
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
