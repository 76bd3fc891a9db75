"""Cerberus's errors as messages a person can act on: the key path, what was expected, and
what was found (with what YAML made of it), with a did-you-mean hint."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import cerberus

from ..diagnostics import did_you_mean
from .yamlpos import Located

CURRENCY_CODE = "^[A-Z]{3}$"  # the patterns schema.py gives currency codes and dates


DATE_TEXT = r"^\d{4}-\d{2}-\d{2}$"


class PolicyValidator(cerberus.Validator):  # type: ignore[misc]
    """Cerberus with a `money` type: an int or an exact Decimal, never a bool or float."""

    types_mapping = cerberus.Validator.types_mapping.copy()
    types_mapping["money"] = cerberus.TypeDefinition("money", (int, Decimal), (bool,))


def dotted(path: tuple[str | int, ...]) -> str:
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


def flatten(errors: list[Any]) -> list[Any]:
    out = []
    for err in errors:
        if err.is_group_error and err.child_errors:
            out.extend(flatten(list(err.child_errors)))
        else:
            out.append(err)
    return out


def describe(err: Any, doc: Located, schema: dict[str, Any]) -> tuple[str, str]:
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


def is_required(schema: dict[str, Any], path: tuple[str | int, ...]) -> bool:
    if not path or isinstance(path[-1], int):
        return False
    rule = (_schema_at(schema, path[:-1]) or {}).get(path[-1])
    return isinstance(rule, dict) and bool(rule.get("required"))
