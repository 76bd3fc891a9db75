"""Validated policies as frozen objects; each rule remembers where it was written."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Source:
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Terms:
    name: str
    source: Source
    net_days: int = 0
    from_: str = "issue_date"
    day_of_next_month: int | None = None
    deposit_percent: Decimal | None = None
    discount_percent: Decimal | None = None
    discount_days: int | None = None

    def describe(self) -> str:
        if self.day_of_next_month is not None:
            text = f"due on day {self.day_of_next_month} of the next month"
        elif self.from_ == "end_of_month":
            text = f"net {self.net_days} days from the end of the issue month"
        else:
            text = f"net {self.net_days} days"
        if self.deposit_percent is not None:
            text += f", {self.deposit_percent}% deposit at order"
        if self.discount_percent is not None:
            text += f", {self.discount_percent}% off within {self.discount_days} days"
        return text


@dataclass(frozen=True)
class Aging:
    basis: str
    buckets: tuple[int, ...]
    source: Source

    @property
    def labels(self) -> tuple[str, ...]:
        """current, then a-b for each range, then N+: [0,30,60,90] -> current,1-30,...,91+."""
        edges = self.buckets
        labels = ["current"]
        for lo, hi in zip(edges, edges[1:], strict=False):
            labels.append(f"{lo + 1}-{hi}")
        labels.append(f"{edges[-1] + 1}+")
        return tuple(labels)


@dataclass(frozen=True)
class Assignment:
    """What segments.yaml says for the default, a segment or a client."""

    terms: str | None
    ladder: str | None
    source: Source
    exclude: bool | None = None  # None: not said here, the broader level decides
    fees: tuple[str, ...] | None = None  # fee rules that apply; None: the broader level's


@dataclass(frozen=True)
class PolicyMoney:
    """A policy amount: a bare figure in the document's currency, or one per currency."""

    bare: Decimal | None = None
    per_currency: tuple[tuple[str, Decimal], ...] = ()

    def for_currency(self, currency: str) -> Decimal | None:
        for cur, value in self.per_currency:
            if cur == currency:
                return value
        return self.bare

    def describe(self) -> str:
        if self.bare is not None:
            return str(self.bare)
        return " / ".join(f"{v} {c}" for c, v in self.per_currency)


@dataclass(frozen=True)
class Step:
    """One rung of a ladder; `order` is its place after sorting by `at` (ties: file order)."""

    id: str
    at: int
    order: int
    source: Source
    index: int = 0  # its place in the file's steps list
    channel: str | None = None
    template: str | None = None
    owner: str | None = None
    min_balance: PolicyMoney | None = None
    min_days_since_last_contact: int | None = None
    segments: tuple[str, ...] | None = None
    kind: str | None = None
    fee: str | None = None
    action: str | None = None

    def when(self) -> str:
        """'3 days before due', 'on the due date', '14 days after due'."""
        if self.at < 0:
            return f"{-self.at} day{'s' if self.at != -1 else ''} before due"
        if self.at == 0:
            return "on the due date"
        return f"{self.at} day{'s' if self.at != 1 else ''} after due"


@dataclass(frozen=True)
class ContactLimit:
    """At most `max` contacts (on `channel`, or any) in `per_days` days; or, after a contact
    with outcome `quiet_after`, none for `quiet_days` days. Protects clients of `kind`."""

    source: Source
    kind: str = "consumer"
    channel: str | None = None
    max: int | None = None
    per_days: int | None = None
    quiet_after: str | None = None
    quiet_days: int | None = None

    def describe(self) -> str:
        who = f"{self.kind} clients"
        if self.max is not None:
            what = f"{self.channel} contacts" if self.channel else "contacts"
            return f"at most {self.max} {what} in {self.per_days} days for {who}"
        return (f"no contact for {self.quiet_days} days after a '{self.quiet_after}' "
                f"outcome, for {who}")


@dataclass(frozen=True)
class Ladder:
    name: str
    source: Source
    pause_when: tuple[str, ...]
    steps: tuple[Step, ...]
    contact_limits: tuple[ContactLimit, ...] = ()

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)


# statutory presets: which rates.yaml table each reads, and the currency it applies to
PRESET_TABLE = {"eu_late_payment": "ecb_reference", "uk_late_payment": "boe_base"}
PRESET_CURRENCY = {"eu_late_payment": "EUR", "uk_late_payment": "GBP"}


@dataclass(frozen=True)
class Fee:
    name: str
    source: Source
    flat: PolicyMoney | None = None
    percent: Decimal | None = None
    minimum: PolicyMoney | None = None
    maximum: PolicyMoney | None = None
    annual_percent: Decimal | None = None
    grace_days: int = 0
    preset: str | None = None

    @property
    def is_interest(self) -> bool:
        """Interest-like rules apply to every overdue invoice by themselves."""
        return self.annual_percent is not None or self.preset is not None


@dataclass(frozen=True)
class LoyaltyTier:
    """incentives.yaml loyalty.tiers[]: thresholds over the window and the reward."""

    name: str
    source: Source
    min_on_time_share: Decimal = Decimal(0)
    min_invoices: int = 0
    discount_percent: Decimal | None = None
    extra_days: int | None = None
    credit: PolicyMoney | None = None

    def reward(self, currency: str) -> str:
        parts = []
        if self.discount_percent is not None:
            parts.append(f"{self.discount_percent}% off the next invoices")
        if self.extra_days is not None:
            parts.append(f"{self.extra_days} more days to pay the next invoices")
        if self.credit is not None:
            value = self.credit.for_currency(currency)
            if value is not None:
                parts.append(f"a credit of {value} {currency}")
        return "; ".join(parts)

    def share_text(self) -> str:
        """min_on_time_share as a percent: 0.95 -> '95%', 0.955 -> '95.5%'."""
        return f"{(self.min_on_time_share * 100).normalize():f}%"

    def thresholds(self) -> str:
        return (f"at least {self.share_text()} of at least {self.min_invoices} invoices paid "
                "on time")


@dataclass(frozen=True)
class Loyalty:
    window_days: int = 365
    tiers: tuple[LoyaltyTier, ...] = ()


@dataclass(frozen=True)
class Signal:
    """risk.yaml signals[]: a named early-warning rule of kind `when`."""

    id: str
    when: str
    weight: int
    source: Source
    above_days: int | None = None
    above_percent: Decimal | None = None
    at_least: int | None = None
    within_days: int | None = None
    min_orders: int | None = None


@dataclass(frozen=True)
class RiskBand:
    name: str
    upto: Decimal | None
    source: Source


@dataclass(frozen=True)
class RiskPolicy:
    """risk.yaml: behaviour windows, signals, score and tiers (defaults when the file is
    absent)."""

    source: Source
    window_days: int = 365
    trend_days: int = 90
    round_units: tuple[Decimal, ...] = (Decimal(1), Decimal(10), Decimal(50), Decimal(100),
                                        Decimal(500), Decimal(1000))
    max_shortfall_percent: Decimal = Decimal(10)
    signals: tuple[Signal, ...] = ()
    points_per_day_late: Decimal = Decimal("0.5")
    max_lateness_points: int = 40
    tiers_by: str = "days_late"
    bands: tuple[RiskBand, ...] = ()
    early_warning_days: int = 30
    bad_debt_days: int = 90
    # where each rule is written (line 0: not written, the default applies)
    behaviour_source: Source = field(default_factory=lambda: Source("risk.yaml", 0))
    rounded_down_source: Source = field(default_factory=lambda: Source("risk.yaml", 0))
    early_warning_source: Source = field(default_factory=lambda: Source("risk.yaml", 0))
    bad_debt_source: Source = field(default_factory=lambda: Source("risk.yaml", 0))


# countries whose businesses print on US Letter; everyone else uses A4
LETTER_COUNTRIES = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "GT", "CR", "DO",
                              "PR", "SV", "NI", "PA"})


@dataclass(frozen=True)
class BankAccount:
    """company.yaml bank.<CURRENCY>: where a client pays in that currency."""

    currency: str
    source: Source
    bank: str = ""
    account_name: str = ""
    iban: str = ""
    bic: str = ""
    account_number: str = ""
    routing_number: str = ""
    sort_code: str = ""
    note: str = ""

    def fields(self) -> list[tuple[str, str]]:
        """(field key, value) of the details given, in the order a payer reads them."""
        keys = ("account_name", "bank", "iban", "bic", "routing_number", "sort_code",
                "account_number", "note")
        return [(k, getattr(self, k)) for k in keys if getattr(self, k)]


@dataclass(frozen=True)
class Company:
    """company.yaml: the sender of every statement, letter and email."""

    source: Source = field(default_factory=lambda: Source("company.yaml", 0))
    name: str = ""
    address: tuple[str, ...] = ()
    country: str = ""
    language: str = "en"
    email: str = ""
    reply_to: str = ""
    phone: str = ""
    website: str = ""
    logo: str = ""  # absolute path of the logo file, or ""
    registration_id: str = ""
    tax_id: str = ""
    paper: str = "A4"
    bank: dict[str, BankAccount] = field(default_factory=dict)
    signature: tuple[str, ...] = ()
    office_hours: str = ""
    deadline_days: int = 14
    statement_period: str | int = "month"
    statement_email: str = "period_end"
    remit: str = ""
    # where each key is written, for reasons and check messages: key -> line (0: default)
    lines: dict[str, int] = field(default_factory=dict)

    def line(self, key: str) -> int:
        return self.lines.get(key, 0)


@dataclass(frozen=True)
class Policies:
    folder: str
    currency: str
    aging: Aging
    terms: dict[str, Terms]
    default_terms: str
    default_terms_source: Source
    default: Assignment
    segments: dict[str, Assignment]
    clients: dict[str, Assignment]
    ladders: dict[str, Ladder] = field(default_factory=dict)
    # reference rate tables for the statutory presets: name -> ((day number, percent), ...)
    rates: dict[str, tuple[tuple[int, Decimal], ...]] = field(default_factory=dict)
    # where each rate row is written: table name -> {day number: rates.yaml:LINE}
    rate_sources: dict[str, dict[int, Source]] = field(default_factory=dict)
    fees: dict[str, Fee] = field(default_factory=dict)
    company: Company = field(default_factory=Company)
    loyalty: Loyalty = field(default_factory=Loyalty)
    risk: RiskPolicy = field(default_factory=lambda: RiskPolicy(Source("risk.yaml", 0)))
    # segments.yaml risk: tier name -> ladder and fees for clients in that risk tier
    risk_assignments: dict[str, Assignment] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)  # files as validated
