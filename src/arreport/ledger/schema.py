"""The canonical ledger's files and columns, as SPEC.md's Input table lists them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["id", "text", "date", "amount", "currency", "int", "kind"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False


@dataclass(frozen=True)
class FileSchema:
    name: str  # "invoices"
    columns: tuple[Column, ...]
    unique: str | None = None  # id column that must be unique
    required_file: bool = False

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _cols(required: str, optional: str, kinds: dict[str, Kind]) -> tuple[Column, ...]:
    req = [Column(n, kinds.get(n, "text"), True) for n in required.split()]
    opt = [Column(n, kinds.get(n, "text"), False) for n in optional.split()]
    return tuple(req + opt)


INVOICES = FileSchema(
    "invoices",
    _cols(
        "invoice_id client_id issue_date amount",
        "due_date currency terms reference",
        {"invoice_id": "id", "client_id": "id", "issue_date": "date", "due_date": "date",
         "amount": "amount", "currency": "currency"},
    ),
    unique="invoice_id",
    required_file=True,
)
PAYMENTS = FileSchema(
    "payments",
    _cols(
        "payment_id client_id date amount",
        "currency invoice_id method",
        {"payment_id": "id", "client_id": "id", "date": "date", "amount": "amount",
         "currency": "currency"},
    ),
    unique="payment_id",
)
CREDIT_NOTES = FileSchema(
    "credit_notes",
    _cols(
        "credit_id client_id date amount",
        "currency invoice_id reason",
        {"credit_id": "id", "client_id": "id", "date": "date", "amount": "amount",
         "currency": "currency"},
    ),
    unique="credit_id",
)
CLIENTS = FileSchema(
    "clients",
    _cols(
        "client_id name",
        "email segment country language currency credit_limit address contact phone timezone kind",
        {"client_id": "id", "currency": "currency", "credit_limit": "amount", "kind": "kind"},
    ),
    unique="client_id",
)
DISPUTES = FileSchema(
    "disputes",
    _cols("invoice_id opened", "resolved reason",
          {"invoice_id": "id", "opened": "date", "resolved": "date"}),
)
CONTACTS = FileSchema(
    "contacts",
    _cols(
        "date client_id channel",
        "invoice_id step outcome promise_date note",
        {"date": "date", "client_id": "id", "promise_date": "date"},
    ),
)
PAYMENT_PLANS = FileSchema(
    "payment_plans",
    _cols(
        "plan_id client_id start installments every_days amount",
        "invoice_ids",
        {"plan_id": "id", "client_id": "id", "start": "date", "installments": "int",
         "every_days": "int", "amount": "amount"},
    ),
    unique="plan_id",
)

FILES: tuple[FileSchema, ...] = (
    INVOICES, PAYMENTS, CREDIT_NOTES, CLIENTS, DISPUTES, CONTACTS, PAYMENT_PLANS,
)
CLIENT_KINDS = ("business", "consumer")
