"""docs/policies.md, generated from the Cerberus schemas so the reference cannot drift."""

from __future__ import annotations

from typing import Any

from .schema import FILES

INTRO = """# Policy reference

Generated from `src/arreport/policy/schema.py` by `python -m arreport.policy.reference`
(a test fails when this file and the schema disagree). The policies folder holds the files
below; every key is optional unless marked required. Money is written as a number
(`25.00`, in the document's currency) or per currency (`{USD: 25.00, EUR: 20.00}`) and is read
from the text, never through a float. Names must be quoted when YAML would read them as
something else (`'no'`, `'on'`, `'010'`).
"""


def _type(rule: dict[str, Any]) -> str:
    written = rule.get("type", "any")
    t = " or ".join(written) if isinstance(written, list) else str(written)
    t = {"money": "number", "dict": "mapping", "string": "text", "integer": "whole number",
         "boolean": "true/false", "money or dict": "money"}.get(t, t)
    if "allowed" in rule:
        t += ": " + ", ".join(f"`{a}`" for a in rule["allowed"])
    if rule.get("type") == "list" and isinstance(rule.get("schema"), dict):
        inner = rule["schema"]
        if "allowed" in inner:
            t = "list of " + ", ".join(f"`{a}`" for a in inner["allowed"])
        elif inner.get("type") != "dict":
            t = f"list of {_type(inner)}"
    bounds = []
    if "min" in rule:
        bounds.append(f"≥ {rule['min']}")
    if "max" in rule:
        bounds.append(f"≤ {rule['max']}")
    if bounds:
        t += " (" + ", ".join(bounds) + ")"
    return t


def _walk(schema: dict[str, Any], prefix: str, rows: list[tuple[str, str, str]]) -> None:
    for key, rule in schema.items():
        path = f"{prefix}{key}"
        note = rule.get("meta", "")
        if rule.get("required"):
            note = ("**required.** " + note).strip()
        rows.append((path, _type(rule), note))
        if rule.get("type") == "dict" and "schema" in rule:
            _walk(rule["schema"], path + ".", rows)
        elif "valuesrules" in rule and isinstance(rule["valuesrules"], dict) and \
                "schema" in rule["valuesrules"]:
            _walk(rule["valuesrules"]["schema"], path + ".<name>.", rows)
        elif rule.get("type") == "list" and isinstance(rule.get("schema"), dict) and \
                "schema" in rule["schema"]:
            _walk(rule["schema"]["schema"], path + "[].", rows)


def render_reference() -> str:
    parts = [INTRO]
    for name, schema in FILES.items():
        rows: list[tuple[str, str, str]] = []
        _walk(schema, "", rows)
        parts.append(f"\n## {name}\n\n| key | holds | meaning |\n|---|---|---|")
        for path, typ, note in rows:
            parts.append(f"| `{path}` | {typ} | {note} |")
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    print(render_reference(), end="")
