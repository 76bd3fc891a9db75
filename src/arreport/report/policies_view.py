"""The policies in plain words, each sentence with the file and line it comes from."""

from __future__ import annotations

from dataclasses import dataclass

from ..policy.model import Fee, Ladder, Policies, Source, Step

CHANNEL_WORDS = {"email": "an email", "letter": "a letter", "phone": "a phone call",
                 "sms": "a text message", "agency": "a referral to the collection agency",
                 "legal": "a referral to legal", "internal": "an internal task"}
ACTION_WORDS = {"hold_shipments": "hold shipments on credit", "stop_hold": "lift the hold",
                "write_off_candidate": "flag for write-off"}
PAUSE_WORDS = {"disputed": "an open dispute", "payment_plan": "a payment plan being kept",
               "promised": "a promise to pay not yet due"}


@dataclass(frozen=True)
class Rule:
    text: str
    source: str


@dataclass(frozen=True)
class Section:
    title: str
    intro: str
    rules: list[Rule]


def _step_text(step: Step, fees: dict[str, Fee]) -> str:
    parts = []
    if step.channel:
        what = CHANNEL_WORDS.get(step.channel, step.channel)
        if step.template:
            what += f" using template '{step.template}'"
        if step.owner:
            what += f" by {step.owner}"
        parts.append(what)
    if step.action:
        parts.append(ACTION_WORDS.get(step.action, step.action))
    text = f"{step.when()}: " + (" and ".join(parts) if parts else "no contact") + \
        f" — step '{step.id}'"
    conditions = []
    if step.min_balance is not None:
        conditions.append(f"the client owes at least {step.min_balance.describe()}")
    if step.min_days_since_last_contact is not None:
        conditions.append(f"no contact for {step.min_days_since_last_contact} days")
    if step.segments:
        conditions.append("the client is in segment " + " or ".join(step.segments))
    if step.kind:
        conditions.append(f"the client is a {step.kind}")
    if conditions:
        text += "; only when " + " and ".join(conditions)
    if step.fee:
        text += f"; charges {_fee_text(fees[step.fee]) if step.fee in fees else step.fee}"
    return text + "."


def _fee_text(fee: Fee) -> str:
    if fee.annual_percent is not None:
        return (f"simple interest of {fee.annual_percent}% a year (actual/365) on the open "
                f"amount of every undisputed invoice more than {fee.grace_days} days past "
                "due, counted from the due date")
    parts = []
    if fee.flat is not None:
        parts.append(f"a flat fee of {fee.flat.describe()}")
    if fee.percent is not None:
        parts.append(f"{fee.percent}% of the open amount")
    text = " plus ".join(parts)
    if fee.minimum is not None:
        text += f", at least {fee.minimum.describe()}"
    if fee.maximum is not None:
        text += f", at most {fee.maximum.describe()}"
    return text


def _ladder_section(ladder: Ladder, policies: Policies) -> Section:
    pauses = " or ".join(PAUSE_WORDS.get(p, p) for p in ladder.pause_when) or "nothing"
    rules = [Rule(_step_text(s, policies.fees), str(s.source)) for s in ladder.steps]
    rules += [Rule(f"Contact limit: {lim.describe()}; a contact over it waits.",
                   str(lim.source)) for lim in ladder.contact_limits]
    return Section(title=f"Ladder '{ladder.name}'",
                   intro=f"Each open invoice stands on the last step it has reached; "
                         f"escalation pauses for {pauses}.",
                   rules=rules)


def build_policies_view(policies: Policies) -> list[Section]:
    terms_rules = [Rule(f"'{t.name}': {t.describe()}"
                        + (" (the default)" if t.name == policies.default_terms else "") + ".",
                        str(t.source)) for t in sorted(policies.terms.values(),
                                                       key=lambda t: t.source.line)]
    aging = policies.aging
    basis = "days past the due date" if aging.basis == "due_date" else "days since issue"
    sections = [
        Section("Payment terms",
                "Which terms apply: the invoice's own, else the client's, else its "
                "segment's, else the default.", terms_rules),
        Section("Aging", f"Open items are aged by {basis}.",
                [Rule("Buckets: " + ", ".join(aging.labels) + ".", str(aging.source))]),
    ]
    sections += [_ladder_section(policies.ladders[n], policies) for n in sorted(policies.ladders)]
    fee_rules = [Rule(f"'{f.name}': {_fee_text(f)}.", str(f.source))
                 for f in sorted(policies.fees.values(), key=lambda f: f.source.line)]
    if fee_rules:
        sections.append(Section("Fees and interest",
                                "Charged once per invoice; shown as figures until invoiced.",
                                fee_rules))
    seg_rules = []
    d = policies.default
    seg_rules.append(Rule(f"Everyone else: terms {d.terms or policies.default_terms}, ladder "
                          f"{d.ladder or 'standard'}.", str(d.source)))
    for name in sorted(policies.segments):
        a = policies.segments[name]
        seg_rules.append(Rule(f"Segment '{name}': " + _assignment_text(a), str(a.source)))
    for cid in sorted(policies.clients):
        a = policies.clients[cid]
        seg_rules.append(Rule(f"Client {cid}: " + _assignment_text(a), str(a.source)))
    for tier in sorted(policies.risk_assignments):
        a = policies.risk_assignments[tier]
        seg_rules.append(Rule(f"Risk tier '{tier}': " + _assignment_text(a).rstrip(".")
                              + " (a client's own entry still wins).", str(a.source)))
    sections.append(Section("Segments and clients", "Who gets which terms and ladder.",
                            seg_rules))
    sections += _risk_sections(policies)
    return sections


SIGNAL_WORDS = {
    "lateness_trend": lambda s: (f"average days late in the last period more than "
                                 f"{s.above_days} days above the period before"),
    "partial_payments": lambda s: (f"{s.at_least} or more partial payments in the last "
                                   f"{s.within_days} days"),
    "rounded_down_payments": lambda s: (f"{s.at_least} or more payments rounded down to a "
                                        f"round figure in the last {s.within_days} days"),
    "order_frequency_drop": lambda s: (f"orders down more than {s.above_percent}% against the "
                                       f"client's own norm (which needs {s.min_orders} "
                                       "invoices)"),
    "spend_drop": lambda s: (f"spend down more than {s.above_percent}% against the client's "
                             f"own norm (which needs {s.min_orders} invoices)"),
    "credit_limit_usage": lambda s: f"more than {s.above_percent}% of the credit limit used",
    "broken_promise": lambda s: f"a promise to pay broken in the last {s.within_days} days",
}


def _cite(source: Source) -> str:
    """`risk.yaml:5`, or `risk.yaml (default)` for a rule the file does not write."""
    return str(source) if source.line > 0 else f"{source.file} (default)"


def _risk_sections(policies: Policies) -> list[Section]:
    rp = policies.risk
    basis = [
        Rule(f"Payment behaviour counts the invoices settled in the last {rp.window_days} days; "
             f"trends compare the last {rp.trend_days} days with the {rp.trend_days} before "
             "(lateness) and with the rest of the window (orders, spend).",
             _cite(rp.behaviour_source)),
        Rule("A payment is rounded down when it is the open amount cut to a whole multiple of "
             + ", ".join(str(u) for u in rp.round_units)
             + f", at most {rp.max_shortfall_percent}% short.", _cite(rp.rounded_down_source)),
    ]
    signals = [Rule(f"'{s.id}' (+{s.weight} points): {SIGNAL_WORDS[s.when](s)}.",
                    _cite(s.source)) for s in rp.signals]
    unit = "average days late, open overdue invoices included" if rp.tiers_by == "days_late" \
        else "risk score"
    tiers = []
    low = None
    for b in rp.bands:
        span = (f"up to {b.upto}" if low is None else f"above {low} up to {b.upto}") \
            if b.upto is not None else f"above {low}"
        tiers.append(Rule(f"'{b.name}': {span} ({unit}).", _cite(b.source)))
        low = b.upto
    tiers.append(Rule(f"Early warning: a signal fired and the oldest open item is at most "
                      f"{rp.early_warning_days} days past due.", _cite(rp.early_warning_source)))
    tiers.append(Rule(f"Bad-debt candidates: undisputed items more than {rp.bad_debt_days} "
                      "days past due.", _cite(rp.bad_debt_source)))
    score = (f"The risk score (0-100) adds the weights of the signals that fired to "
             f"{rp.points_per_day_late} points per day of average lateness (at most "
             f"{rp.max_lateness_points}).")
    loyalty = [Rule(f"'{t.name}': {t.thresholds()} over {policies.loyalty.window_days} days; "
                    f"reward: {t.reward(policies.currency) or 'none'}.", str(t.source))
               for t in policies.loyalty.tiers]
    out = [Section("Early-warning signals and risk", score, basis + signals + tiers)]
    if loyalty:
        out.append(Section("Loyalty tiers", "The best tier whose thresholds a client meets; "
                           "tiers are compared with the previous month end.", loyalty))
    return out


def _assignment_text(a: object) -> str:
    from ..policy.model import Assignment

    assert isinstance(a, Assignment)
    if a.exclude:
        return "excluded from reminders and holds."
    parts = []
    if a.terms:
        parts.append(f"terms {a.terms}")
    if a.ladder:
        parts.append(f"ladder {a.ladder}")
    return (", ".join(parts) or "the defaults") + "."
