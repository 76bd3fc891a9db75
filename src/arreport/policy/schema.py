"""Cerberus schemas of the policy files: the one description of what each key may hold."""

from __future__ import annotations

from typing import Any

NAME = {"type": "string", "regex": r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$"}
MONEY = {"type": ["money", "dict"], "keysrules": {"type": "string", "regex": "^[A-Z]{3}$"},
         "valuesrules": {"type": "money", "min": 0}}
PERCENT = {"type": "money", "min": 0, "max": 100}

TERMS_ENTRY: dict[str, Any] = {
    "type": "dict",
    "schema": {
        "net_days": {"type": "integer", "min": 0, "max": 3650,
                     "meta": "days after the start date (default 0)"},
        "from": {"type": "string", "allowed": ["issue_date", "end_of_month"],
                 "meta": "count net_days from the issue date or the end of the issue month"},
        "day_of_next_month": {"type": "integer", "min": 1, "max": 31,
                              "meta": "due on this day of the month after issue"},
        "deposit": {"type": "dict", "schema": {"percent": {**PERCENT, "required": True}},
                    "meta": "a first due line of this percent of the amount, due at issue"},
        "discount": {"type": "dict", "schema": {
            "percent": {**PERCENT, "required": True},
            "within_days": {"type": "integer", "min": 0, "required": True}},
            "meta": "early-payment discount: percent off when paid within N days"},
    },
}

TERMS_FILE: dict[str, Any] = {
    "currency": {"type": "string", "regex": "^[A-Z]{3}$",
                 "meta": "currency of documents that name none (ISO 4217)"},
    "aging": {"type": "dict", "schema": {
        "basis": {"type": "string", "allowed": ["due_date", "issue_date"],
                  "meta": "age from the due date or the issue date"},
        "buckets": {"type": "list", "minlength": 1, "schema": {"type": "integer", "min": 0},
                    "meta": "strictly increasing bucket edges starting at 0"},
    }},
    "terms": {"type": "dict", "keysrules": NAME, "valuesrules": TERMS_ENTRY,
              "meta": "named payment terms"},
    "default_terms": {**NAME, "meta": "terms used when nothing else names any"},
}

STEP: dict[str, Any] = {
    "type": "dict",
    "schema": {
        "id": {**NAME, "required": True},
        "at": {"type": "integer", "required": True},
        "channel": {"type": "string",
                    "allowed": ["email", "letter", "phone", "sms", "agency", "legal", "internal"]},
        "template": NAME,
        "owner": NAME,
        "min_balance": MONEY,
        "min_days_since_last_contact": {"type": "integer", "min": 0},
        "segment": {"type": ["string", "list"]},
        "kind": {"type": "string", "allowed": ["business", "consumer"]},
        "fee": NAME,
        "action": {"type": "string",
                   "allowed": ["hold_shipments", "stop_hold", "write_off_candidate"]},
    },
}

ESCALATION_FILE: dict[str, Any] = {
    "ladders": {"type": "dict", "keysrules": NAME, "valuesrules": {"type": "dict", "schema": {
        "pause_when": {"type": "list", "schema": {
            "type": "string", "allowed": ["disputed", "payment_plan", "promised"]}},
        "steps": {"type": "list", "schema": STEP, "required": True},
    }}},
    "fees": {"type": "dict", "keysrules": NAME, "valuesrules": {"type": "dict", "schema": {
        "flat": MONEY,
        "percent": PERCENT,
        "min": MONEY,
        "max": MONEY,
        "annual_percent": PERCENT,
        "grace_days": {"type": "integer", "min": 0},
    }}},
}

INCENTIVES_FILE: dict[str, Any] = {
    "loyalty": {"type": "dict", "schema": {
        "window_days": {"type": "integer", "min": 1},
        "tiers": {"type": "list", "schema": {"type": "dict", "schema": {
            "name": {**NAME, "required": True},
            "min_on_time_share": {"type": "money", "min": 0, "max": 1},
            "min_invoices": {"type": "integer", "min": 0},
            "discount_percent": PERCENT,
        }}},
    }},
}

ASSIGNMENT = {"type": "dict", "schema": {
    "terms": NAME, "ladder": NAME, "fees": {"type": "list", "schema": NAME},
    "exclude": {"type": "boolean"}, "reason": {"type": "string"},
}}

SEGMENTS_FILE: dict[str, Any] = {
    "default": ASSIGNMENT,
    "segments": {"type": "dict", "keysrules": NAME, "valuesrules": ASSIGNMENT},
    "clients": {"type": "dict", "keysrules": {"type": "string"}, "valuesrules": ASSIGNMENT},
}

COMPANY_FILE: dict[str, Any] = {
    "name": {"type": "string", "meta": "who sends the statements"},
    "address": {"type": "string", "meta": "postal address; lines separated by newlines"},
    "email": {"type": "string"},
    "phone": {"type": "string"},
    "remit": {"type": "string", "meta": "payment instructions printed on statements"},
}

FILES: dict[str, dict[str, Any]] = {
    "company.yaml": COMPANY_FILE,
    "terms.yaml": TERMS_FILE,
    "escalation.yaml": ESCALATION_FILE,
    "incentives.yaml": INCENTIVES_FILE,
    "segments.yaml": SEGMENTS_FILE,
}
