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
        "id": {**NAME, "required": True, "meta": "the step's name, unique in its ladder"},
        "at": {"type": "integer", "required": True,
               "meta": "days relative to the due date when the step is reached "
                       "(negative: before due)"},
        "channel": {"type": "string",
                    "allowed": ["email", "letter", "phone", "sms", "agency", "legal", "internal"],
                    "meta": "how the client is contacted"},
        "template": {**NAME, "meta": "letter template: templates/letters/NAME.html beside the "
                                     "policies, else the one shipped with arreport"},
        "owner": {**NAME, "meta": "who does it (groups the action list)"},
        "min_balance": {**MONEY, "meta": "only when the client's open total in the invoice's "
                                         "currency is at least this"},
        "min_days_since_last_contact": {"type": "integer", "min": 0,
                                        "meta": "only when the last contact is this old"},
        "segment": {"type": ["string", "list"], "schema": NAME,
                    "meta": "only for clients in these segments"},
        "kind": {"type": "string", "allowed": ["business", "consumer"],
                 "meta": "only for this kind of client"},
        "fee": {**NAME, "meta": "a rule under fees: charged once per invoice at this step"},
        "action": {"type": "string",
                   "allowed": ["hold_shipments", "stop_hold", "write_off_candidate"],
                   "meta": "what else happens: hold_shipments puts the client on hold"},
    },
}

ESCALATION_FILE: dict[str, Any] = {
    "ladders": {"type": "dict", "keysrules": NAME, "meta": "named escalation ladders",
                "valuesrules": {"type": "dict", "schema": {
        "pause_when": {"type": "list", "schema": {
            "type": "string", "allowed": ["disputed", "payment_plan", "promised"]},
            "meta": "what pauses escalation (default: disputed, payment_plan)"},
        "steps": {"type": "list", "schema": STEP, "required": True,
                  "meta": "ordered by at; ties keep file order"},
        "contact_limits": {"type": "list", "meta": "caps on contacting consumer clients; an "
                                                   "action over a cap waits for another day",
                           "schema": {"type": "dict", "schema": {
            "channel": {"type": "string", "allowed": ["email", "letter", "phone", "sms"],
                        "meta": "the channel capped (all channels when absent)"},
            "max": {"type": "integer", "min": 0,
                    "meta": "at most this many contacts in per_days days"},
            "per_days": {"type": "integer", "min": 1},
            "quiet_days_after": {"type": "string",
                                 "meta": "an outcome (e.g. reached) after which nobody "
                                         "contacts the client for quiet_days"},
            "quiet_days": {"type": "integer", "min": 1},
            "kind": {"type": "string", "allowed": ["business", "consumer"],
                     "meta": "which clients the cap protects (default consumer)"},
        }}},
    }}},
    "fees": {"type": "dict", "keysrules": NAME, "meta": "named fee and interest rules",
             "valuesrules": {"type": "dict", "schema": {
        "flat": {**MONEY, "meta": "a fixed amount"},
        "percent": {**PERCENT, "meta": "percent of the open amount on the as-of date"},
        "min": {**MONEY, "meta": "the fee is at least this"},
        "max": {**MONEY, "meta": "the fee is at most this"},
        "annual_percent": {**PERCENT, "meta": "simple interest a year (actual/365) on every "
                                              "open, undisputed invoice past grace_days"},
        "grace_days": {"type": "integer", "min": 0,
                       "meta": "interest starts after this many days past due, counted "
                               "from the due date"},
        "preset": {"type": "string", "allowed": ["eu_late_payment", "uk_late_payment"],
                   "meta": "statutory B2B interest and compensation (never for consumer "
                           "clients): eu_late_payment = ECB reference rate + 8 points on EUR "
                           "invoices and EUR 40 per invoice; uk_late_payment = Bank of "
                           "England base rate + 8% on GBP invoices and GBP 40/70/100 by debt; "
                           "rates from rates.yaml, the row in force on the day an invoice "
                           "(or due line) fell due applying to its whole delay"},
    }}},
}

INCENTIVES_FILE: dict[str, Any] = {
    "loyalty": {"type": "dict", "schema": {
        "window_days": {"type": "integer", "min": 1,
                        "meta": "how far back payment behaviour is measured (default 365): "
                                "invoices whose settlement date lies in (A - window_days, A]"},
        "tiers": {"type": "list", "meta": "best tier first; a client gets the first tier "
                                          "whose thresholds it meets",
                  "schema": {"type": "dict", "schema": {
            "name": {**NAME, "required": True},
            "min_on_time_share": {"type": "money", "min": 0, "max": 1,
                                  "meta": "share of the invoices paid in the window that were "
                                          "settled by their due date"},
            "min_invoices": {"type": "integer", "min": 0,
                             "meta": "invoices paid in the window"},
            "discount_percent": {**PERCENT, "meta": "reward: discount on the next invoices"},
            "extra_days": {"type": "integer", "min": 1, "max": 365,
                           "meta": "reward: this many more days to pay on the next invoices"},
            "credit": {**MONEY, "meta": "reward: a credit granted once on reaching the tier"},
        }}},
    }},
}

SIGNAL_KINDS = ("lateness_trend", "partial_payments", "rounded_down_payments",
                "order_frequency_drop", "spend_drop", "credit_limit_usage", "broken_promise")

RISK_FILE: dict[str, Any] = {
    "behaviour": {"type": "dict", "meta": "how payment behaviour is measured", "schema": {
        "window_days": {"type": "integer", "min": 1,
                        "meta": "behaviour window (default 365): invoices whose settlement "
                                "date lies in (A - window_days, A]"},
        "trend_days": {"type": "integer", "min": 1,
                       "meta": "length of the recent and prior periods compared by the trends "
                               "(default 90)"},
        "rounded_down": {"type": "dict", "meta": "what counts as a rounded-down payment",
                         "schema": {
            "units": {"type": "list", "minlength": 1, "schema": {"type": "money", "min": 0},
                      "meta": "round figures in major units (default [1, 10, 50, 100, 500, "
                              "1000]): a payment equal to the open amount it names cut down to "
                              "a whole multiple of one of these"},
            "max_shortfall_percent": {**PERCENT, "meta": "the shortfall is at most this "
                                                         "percent of the open amount "
                                                         "(default 10)"},
        }},
    }},
    "signals": {"type": "list", "meta": "early-warning signals; each fired signal adds its "
                                        "weight to the risk score",
                "schema": {"type": "dict", "schema": {
        "id": {**NAME, "required": True, "meta": "the signal's name, unique"},
        "when": {"type": "string", "required": True, "allowed": list(SIGNAL_KINDS),
                 "meta": "what is measured: lateness_trend (above_days), partial_payments and "
                         "rounded_down_payments (at_least, within_days), order_frequency_drop "
                         "and spend_drop (above_percent, min_orders), credit_limit_usage "
                         "(above_percent), broken_promise (within_days)"},
        "weight": {"type": "integer", "min": 0, "max": 100, "required": True,
                   "meta": "points added to the risk score when the signal fires"},
        "above_days": {"type": "integer", "min": 0,
                       "meta": "lateness_trend: recent average days late minus the prior "
                               "period's is more than this"},
        "above_percent": {"type": "money", "min": 0,
                          "meta": "order_frequency_drop, spend_drop: fell by more than this "
                                  "percent against the client's norm; credit_limit_usage: open "
                                  "balance above this percent of the credit limit"},
        "at_least": {"type": "integer", "min": 1,
                     "meta": "partial_payments, rounded_down_payments: this many or more"},
        "within_days": {"type": "integer", "min": 1,
                        "meta": "counted over the last N days"},
        "min_orders": {"type": "integer", "min": 1,
                       "meta": "order_frequency_drop, spend_drop: the norm needs at least this "
                               "many invoices (default 4)"},
    }}},
    "score": {"type": "dict", "meta": "the risk score: fired signals' weights plus a lateness "
                                      "component, capped at 100", "schema": {
        "points_per_day_late": {"type": "money", "min": 0,
                                "meta": "points per day of average lateness (default 0.5)"},
        "max_lateness_points": {"type": "integer", "min": 0, "max": 100,
                                "meta": "cap on the lateness component (default 40)"},
    }},
    "tiers": {"type": "dict", "meta": "risk tiers", "schema": {
        "by": {"type": "string", "allowed": ["days_late", "score"],
               "meta": "days_late: average days late, open overdue invoices included "
                       "(default); score: the risk score"},
        "bands": {"type": "list", "minlength": 1, "meta": "lowest risk first; the last has no "
                                                          "upto", "schema": {
            "type": "dict", "schema": {
                "name": {**NAME, "required": True},
                "upto": {"type": "money", "min": 0,
                         "meta": "the band holds figures up to this, inclusive"},
            }}},
    }},
    "early_warning": {"type": "dict", "schema": {
        "max_days_past_due": {"type": "integer", "min": 0,
                              "meta": "clients whose oldest open item is at most this many "
                                      "days past due and whose signals fired are listed as "
                                      "early warnings (default 30)"},
    }},
    "bad_debt": {"type": "dict", "schema": {
        "min_days_past_due": {"type": "integer", "min": 1,
                              "meta": "undisputed open items more than this many days past due "
                                      "are bad-debt candidates (default 90)"},
    }},
}

ASSIGNMENT = {"type": "dict", "schema": {
    "terms": {**NAME, "meta": "payment terms (a name under terms.yaml terms:)"},
    "ladder": {**NAME, "meta": "escalation ladder (a name under escalation.yaml ladders:)"},
    "fees": {"type": "list", "schema": NAME, "meta": "fee rules that apply"},
    "exclude": {"type": "boolean", "meta": "no reminders, fees or holds (litigation, VIP)"},
    "reason": {"type": "string", "meta": "why, for the record"},
}}

RISK_ASSIGNMENT = {"type": "dict", "schema": {
    "ladder": {**NAME, "meta": "escalation ladder for clients in this risk tier"},
    "fees": {"type": "list", "schema": NAME, "meta": "fee rules that apply"},
    "reason": {"type": "string", "meta": "why, for the record"},
}}

SEGMENTS_FILE: dict[str, Any] = {
    "default": {**ASSIGNMENT, "meta": "for clients no segment or override names"},
    "risk": {"type": "dict", "keysrules": NAME, "valuesrules": RISK_ASSIGNMENT,
             "meta": "by risk tier (risk.yaml tiers): overrides the segment's ladder and fees; "
                     "a per-client entry still wins"},
    "segments": {"type": "dict", "keysrules": NAME, "valuesrules": ASSIGNMENT,
                 "meta": "by clients.csv segment"},
    "clients": {"type": "dict", "keysrules": {"type": "string"}, "valuesrules": ASSIGNMENT,
                "meta": "per client_id overrides"},
}

BANK_ACCOUNT = {"type": "dict", "schema": {
    "bank": {"type": "string", "meta": "the bank's name"},
    "account_name": {"type": "string", "meta": "the account holder (beneficiary)"},
    "iban": {"type": "string", "meta": "IBAN (checked: country, length, check digits)"},
    "bic": {"type": "string", "regex": r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$",
            "meta": "BIC / SWIFT code, 8 or 11 characters"},
    "account_number": {"type": "string", "meta": "a domestic account number"},
    "routing_number": {"type": "string", "regex": r"^[0-9]{9}$",
                       "meta": "US ABA routing number (9 digits)"},
    "sort_code": {"type": "string", "regex": r"^[0-9]{2}-?[0-9]{2}-?[0-9]{2}$",
                  "meta": "UK sort code"},
    "note": {"type": "string", "meta": "anything else the payer needs (e.g. 'ACH or wire')"},
}}

COMPANY_FILE: dict[str, Any] = {
    "name": {"type": "string", "meta": "legal name: who sends statements, letters and emails"},
    "address": {"type": "string", "meta": "postal address; lines separated by newlines"},
    "country": {"type": "string", "regex": "^[A-Z]{2}$",
                "meta": "ISO 3166 country code of the sender (US, DE, ...); a client in "
                        "another country gets its country on the address"},
    "language": {"type": "string", "regex": r"^[a-z]{2,3}$",
                 "meta": "the sender's language (default en): country names on addresses"},
    "email": {"type": "string", "meta": "the From address of every email"},
    "reply_to": {"type": "string", "meta": "Reply-To address of every email (default: email)"},
    "phone": {"type": "string", "meta": "printed on every document and email"},
    "website": {"type": "string", "meta": "printed in the documents' footer"},
    "logo": {"type": "string", "meta": "an image file (SVG, PNG, JPEG) beside the policies, "
                                       "printed at the head of statements and letters"},
    "registration_id": {"type": "string",
                        "meta": "company registration (e.g. 'HRB 12345, Amtsgericht "
                                "München'), printed in the footer"},
    "tax_id": {"type": "string", "meta": "VAT or tax id, printed in the footer"},
    "paper": {"type": "string", "allowed": ["A4", "Letter"],
              "meta": "paper size of every PDF (default: Letter in the US, Canada, Mexico "
                      "and the Philippines, A4 elsewhere)"},
    "bank": {"type": "dict", "keysrules": {"type": "string", "regex": "^[A-Z]{3}$"},
             "valuesrules": BANK_ACCOUNT,
             "meta": "where to pay, per currency (USD: {bank, account_name, routing_number, "
                     "account_number}, EUR: {bank, account_name, iban, bic})"},
    "signature": {"type": "string", "meta": "the name and role signing letters; lines "
                                            "separated by newlines"},
    "office_hours": {"type": "string", "meta": "when the team can be reached, for letters"},
    "deadline_days": {"type": "integer", "min": 1, "max": 90,
                      "meta": "a letter asks for payment within this many days (default 14)"},
    "statement_period": {"type": ["string", "integer"],
                         "meta": "the activity a statement shows: month (since the previous "
                                 "month end, the default), quarter, year, or a number of days"},
    "statement_email": {"type": "string", "allowed": ["period_end", "always", "never"],
                        "meta": "when statements go to the outbox: period_end (the as-of date "
                                "is the last day of a statement period, the default), always "
                                "or never"},
    "remit": {"type": "string", "meta": "payment instructions printed under the bank details"},
}

RATE_ROW = {"type": "dict", "schema": {
    "from": {"type": "string", "required": True, "regex": r"^\d{4}-\d{2}-\d{2}$",
             "meta": "the date the rate takes effect (YYYY-MM-DD)"},
    "rate": {"type": "money", "required": True, "meta": "percent a year"},
}}

RATES_FILE: dict[str, Any] = {
    "ecb_reference": {"type": "list", "schema": RATE_ROW,
                      "meta": "ECB main refinancing rate, for eu_late_payment"},
    "boe_base": {"type": "list", "schema": RATE_ROW,
                 "meta": "Bank of England base rate, for uk_late_payment"},
}

FILES: dict[str, dict[str, Any]] = {
    "company.yaml": COMPANY_FILE,
    "terms.yaml": TERMS_FILE,
    "escalation.yaml": ESCALATION_FILE,
    "incentives.yaml": INCENTIVES_FILE,
    "risk.yaml": RISK_FILE,
    "segments.yaml": SEGMENTS_FILE,
    "rates.yaml": RATES_FILE,
}
