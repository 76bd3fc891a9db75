"""How each client pays, its risk and its loyalty tier, as text and as rows for the pages,
the statements and data/*.csv. Every figure comes from Report; nothing is computed twice."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..compute.behaviour import NO_FIGURE
from ..compute.loyalty import NO_TIER, tier_changes, tier_within_reach
from ..compute.settlement import NOT_SETTLED
from ..ledger.dates import from_day, iso, to_day
from ..pipeline import Report
from ..policy.model import Signal
from . import format as fmt

STATEMENT_REACH = 6  # invoices paid on time: a nearer tier is named on the statement
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def tenths_text(t: int) -> str:
    """Tenths as a one-decimal figure ('12.5', '-3.0'); '' for NO_FIGURE."""
    if t == NO_FIGURE:
        return ""
    sign = "-" if t < 0 else ""
    a = abs(int(t))
    return f"{sign}{a // 10}.{a % 10}"


def ratio_text(num: int, den: int, places: int = 4) -> str:
    """num / den to `places` decimals, rounded half-up; '' when den is 0."""
    if den <= 0:
        return ""
    scale = 10**places
    q = (2 * num * scale + den) // (2 * den)
    return f"{q // scale}.{q % scale:0{places}d}"


def percent_text(num: int, den: int) -> str:
    """num / den as a percent with one decimal ('95.8%'); '' when den is 0."""
    if den <= 0:
        return ""
    q = (2000 * num + den) // (2 * den)
    return f"{q // 10}.{q % 10}%"


def _joined(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _digits(values: np.ndarray, width: int = 1) -> pa.Array:
    text = pc.cast(pa.array(np.asarray(values, dtype=np.int64)), pa.string())
    return pc.utf8_lpad(text, width, "0") if width > 1 else text


def tenths_texts(values: np.ndarray) -> list[str]:
    """tenths_text() of each value, vectorised."""
    t = np.asarray(values, dtype=np.int64)
    if len(t) == 0:
        return []
    a = np.abs(t)
    sign = pa.array(np.where(t < 0, "-", ""))
    text = _joined(sign, _digits(a // 10), ".", _digits(a % 10))
    return pc.if_else(pa.array(t == NO_FIGURE), "", text).to_pylist()  # type: ignore[no-any-return]


def ratio_texts(num: np.ndarray, den: np.ndarray, places: int = 4) -> list[str]:
    """ratio_text() of each pair, vectorised."""
    n, d = np.asarray(num, dtype=np.int64), np.asarray(den, dtype=np.int64)
    if len(n) == 0:
        return []
    scale = 10**places
    q = (2 * n * scale + d) // np.maximum(2 * d, 1)
    text = _joined(_digits(q // scale), ".", _digits(q % scale, places))
    return pc.if_else(pa.array(d <= 0), "", text).to_pylist()  # type: ignore[no-any-return]


def percent_texts(num: np.ndarray, den: np.ndarray) -> list[str]:
    """percent_text() of each pair, vectorised."""
    n, d = np.asarray(num, dtype=np.int64), np.asarray(den, dtype=np.int64)
    if len(n) == 0:
        return []
    q = (2000 * n + d) // np.maximum(2 * d, 1)
    text = _joined(_digits(q // 10), ".", _digits(q % 10), "%")
    return pc.if_else(pa.array(d <= 0), "", text).to_pylist()  # type: ignore[no-any-return]


def exact_text(num: int, den: int, threshold: Decimal, places: int = 1) -> str:
    """num / den (den > 0) to `places` decimals, rounded half away from zero, with more
    decimals (up to 6) while the rounded figure would sit on the other side of `threshold`
    than the exact one, or on it (50.005 against 50 shows as '50.005', not '50.0'); beyond
    that it is rounded towards the side where the exact figure lies."""
    t_num, t_den = threshold.as_integer_ratio()

    def side(a: int, b: int) -> int:  # the sign of a/b − threshold (b > 0)
        d = a * t_den - t_num * b
        return (d > 0) - (d < 0)

    exact = side(num, den)
    sign = "-" if num < 0 else ""
    for p in range(places, 7):
        scale = 10**p
        q = (2 * abs(num) * scale + den) // (2 * den)
        if side(-q if num < 0 else q, scale) == exact:
            break
    else:
        up = (num * scale + den - 1) // den  # ceiling
        down = num * scale // den  # floor
        signed = up if exact > 0 else down
        sign, q = ("-" if signed < 0 else ""), abs(signed)
    return f"{sign}{q // scale}.{q % scale:0{p}d}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def signal_text(sig: Signal, value: int, row: dict[str, int], currency: str,
                promises: list[tuple[int, str]] | None = None) -> str:
    """The figures of one signal: what was measured against its threshold. `row` holds the
    behaviour row's figures (and trend_days, as_of, credit_balance, credit_limit);
    `promises` the row's broken promises as (promise date, description)."""
    if sig.when == "lateness_trend":
        t_num = (row["late_days_recent"] * row["prior_paid"]
                 - row["late_days_prior"] * row["recent_paid"])
        t_den = max(row["recent_paid"] * row["prior_paid"], 1)
        above = Decimal(sig.above_days or 0)
        return (f"average days late {tenths_text(row['lateness_recent_t'])} in the last "
                f"{row['trend_days']} days vs {tenths_text(row['lateness_prior_t'])} in the "
                f"{row['trend_days']} before: {'+' if t_num >= 0 else ''}"
                f"{exact_text(t_num, t_den, above)} "
                f"{'>' if t_num > above * t_den else '≤'} {sig.above_days}")
    if sig.when == "partial_payments":
        return (f"{_plural(value, 'partial payment')} in the last {sig.within_days} days "
                f"{'≥' if value >= (sig.at_least or 1) else '<'} {sig.at_least}")
    if sig.when == "rounded_down_payments":
        return (f"{_plural(value, 'rounded-down payment')} in the last {sig.within_days} days "
                f"{'≥' if value >= (sig.at_least or 1) else '<'} {sig.at_least}")
    if sig.when in ("order_frequency_drop", "spend_drop"):
        prefix = "orders" if sig.when == "order_frequency_drop" else "spend"
        recent, norm = row[f"{prefix}_recent"], row[f"{prefix}_norm"]
        # 1 − (recent / trend_days) / (norm / norm_days), exactly
        d_den = max(norm * row["trend_days"], 1)
        d_num = d_den - recent * row["norm_days"]
        above = sig.above_percent or Decimal(0)
        drop = (f"down {exact_text(100 * d_num, d_den, above)}% "
                f"{'>' if 100 * d_num > above * d_den else '≤'} {above}%")
        if prefix == "orders":
            return (f"{_plural(recent, 'invoice')} in the last {row['trend_days']} "
                    f"days against {norm} in the {row['norm_days']} before: orders {drop}")
        return (f"spend {fmt.amount(recent, currency)} in the last "
                f"{row['trend_days']} days against {fmt.amount(norm, currency)} "
                f"in the {row['norm_days']} before: {drop}")
    if sig.when == "credit_limit_usage":
        bal, limit = row["credit_balance"], max(row["credit_limit"], 1)
        above = sig.above_percent or Decimal(0)
        return (f"open {fmt.amount(bal, currency)} of credit limit "
                f"{fmt.amount(limit, currency)} = {exact_text(100 * bal, limit, above)}% "
                f"{'>' if 100 * bal > above * limit else '≤'} {above}%")
    if sig.when == "broken_promise":
        since = row["as_of"] - (sig.within_days or 0)
        which = [text for day, text in promises or [] if day >= since]
        return (f"{_plural(value, 'promise')} to pay broken in the last {sig.within_days} "
                "days" + (": " + "; ".join(which) if which else ""))
    return ""


@dataclass(frozen=True)
class SignalLine:
    id: str
    weight: int
    figure: int
    text: str  # 'risk.yaml:7 lateness_worsening: average days late ...'


@dataclass(frozen=True)
class Profile:
    """One client's payment behaviour, risk and loyalty in one currency, formatted."""

    client: int
    client_id: str
    name: str
    currency: str
    invoices_paid: int
    paid_amount: str
    avg_days_to_pay: str
    median_days_to_pay: str
    avg_days_late: str
    weighted_days_late: str
    on_time_share: str  # '0.9583'
    on_time_percent: str  # '95.8%'
    late_share: str
    partial_payments: int
    rounded_down_payments: int
    discounts_taken: int
    discounts_missed: int
    lateness_recent: str
    lateness_prior: str
    lateness_trend: str
    order_gap_recent: str
    order_gap_norm: str
    order_change: str  # percent change of the order rate against the norm, '' unknown
    spend_recent: str
    spend_norm: str
    spend_change: str
    days_late_incl_open: str
    open_overdue: int
    score: int
    lateness_points: int
    risk_tier: str
    risk_reason: str
    early_warning: bool
    max_days_past_due: int
    signals: list[SignalLine]
    tier: str  # loyalty tier name or ''
    previous_tier: str
    change: str  # promotion, demotion, new, lost or ''
    reward: str
    tier_reason: str
    keep_text: str  # what keeps the tier, or what reaches the next one (for the statement)
    season: list[tuple[str, str, int]] = field(default_factory=list)  # (month, days, n)
    # loyalty figures over the loyalty window, for the statement's note in any language
    tier_index: int = -1  # into policies.loyalty.tiers; -1 none
    loyalty_paid: int = 0
    loyalty_on_time: int = 0
    reach_tier_index: int = -1  # the tier within reach of a client holding none
    reach_need: int = 0  # invoices paid on time that reach it


def profiles(report: Report) -> list[Profile]:
    """One Profile per behaviour row, in (client_id, currency) order."""
    cache: dict[str, list[Profile]] = report.__dict__.setdefault("_profiles", {})
    if "all" not in cache:
        cache["all"] = _profiles(report)
    return cache["all"]


def _profiles(report: Report) -> list[Profile]:
    beh = report.behaviour
    rk = report.risk
    loy = report.loyalty
    pol = report.policies
    rp = pol.risk
    tiers = pol.loyalty.tiers
    bands = rp.bands
    client_ids = report.ledger.client_ids()
    names = report.ledger.clients["name"].astype(str).to_numpy()
    cols = {c: beh[c].to_numpy().tolist() for c in beh.columns}
    rcols = {c: rk[c].to_numpy().tolist() for c in rk.columns}
    lcols = {c: loy[c].to_numpy().tolist() for c in loy.columns}
    change = tier_changes(loy["tier"].to_numpy(), loy["previous_tier"].to_numpy()).tolist()
    # what it takes to reach each tier, per row (for the statement)
    paid = loy["invoices_paid"].to_numpy()
    on_time = loy["on_time"].to_numpy()
    reach_need, reach_tier = (a.tolist() for a in tier_within_reach(
        tiers, paid, on_time, STATEMENT_REACH))
    season = _season(report)
    broken = _broken_promises(report)
    as_of = int(to_day(report.as_of))
    previous_iso = str(iso(np.array([report.previous_day]))[0])
    # the figures as text, column by column
    b = {c: beh[c].to_numpy() for c in beh.columns}
    cur_codes = b["cur"]
    tenths = {k: tenths_texts(b[k]) for k in (
        "avg_days_to_pay_t", "median_days_to_pay_t", "avg_days_late_t", "weighted_days_late_t",
        "lateness_recent_t", "lateness_prior_t", "lateness_trend_t", "days_late_incl_open_t")}
    order_change = tenths_texts(-b["order_drop_t"])
    spend_change = tenths_texts(-b["spend_drop_t"])
    on_time_share = ratio_texts(b["on_time"], b["invoices_paid"])
    on_time_percent = percent_texts(b["on_time"], b["invoices_paid"])
    late_share = ratio_texts(b["late"], b["invoices_paid"])
    paid_amount = fmt.amounts_in(b["paid_amount"], cur_codes, report.currencies)
    spend_recent = fmt.amounts_in(b["spend_recent"], cur_codes, report.currencies)
    spend_norm = fmt.amounts_in(scaled(b["spend_norm"], rp.trend_days, b["norm_days"]),
                                cur_codes, report.currencies)
    gap_recent = gaps(np.full(len(beh), rp.trend_days), b["orders_recent"])
    gap_norm = gaps(b["norm_days"], b["orders_norm"])
    fired = [rcols[f"fired_{s}"] for s in range(len(pol.risk.signals))]
    out = []
    for i in range(len(beh)):
        c = int(cols["client"][i])
        cur = report.currencies[int(cols["cur"][i])]
        n_paid = int(cols["invoices_paid"][i])
        # signals
        sig_lines = []
        row: dict[str, int] = {}
        if any(f[i] for f in fired):
            row = {k: int(v[i]) for k, v in cols.items() if k != "lateness_trend_known"}
            row["trend_days"] = rp.trend_days
            row["as_of"] = as_of
            row["credit_balance"] = int(rcols["credit_balance"][i])
            row["credit_limit"] = int(rcols["credit_limit"][i])
        for s, sig in enumerate(pol.risk.signals):
            if fired[s][i]:
                value = int(rcols[f"value_{s}"][i])
                sig_lines.append(SignalLine(
                    sig.id, sig.weight, value,
                    f"{sig.source} {sig.id}: "
                    f"{signal_text(sig, value, row, cur, broken.get((c, int(cols['cur'][i]))))}"))
        band = bands[int(rcols["tier"][i])]
        lateness = int(rcols["lateness_points"][i])
        days_t = int(cols["days_late_incl_open_t"][i])
        if days_t == NO_FIGURE:
            # nothing settled in the window and nothing open past due: no average to show
            parts = [f"lateness {lateness} (no days-late figure)"]
            days_text = (f"no days-late figure (no invoice settled in the last "
                         f"{rp.window_days} days and none open past due), banded as 0")
        else:
            days = tenths["days_late_incl_open_t"][i]
            parts = [f"lateness {lateness} ({days} days × "
                     f"{rp.points_per_day_late}, at most {rp.max_lateness_points})"]
            days_text = f"{days} days late on average (open overdue invoices included)"
        parts += [f"{s.id} {s.weight}" for s in sig_lines]
        figure = days_text if rp.tiers_by == "days_late" else f"score {rcols['score'][i]}"
        bound = f"≤ {band.upto}" if band.upto is not None else \
            f"> {bands[-2].upto}" if len(bands) > 1 else ""
        risk_reason = (f"{band.source} {band.name}: {figure} {bound}; score "
                       f"{rcols['score'][i]} = " + " + ".join(parts))
        # loyalty
        t = int(lcols["tier"][i])
        p = int(lcols["previous_tier"][i])
        # the loyalty window's own figures (it may differ from the behaviour window)
        l_paid = int(lcols["invoices_paid"][i])
        l_on = int(lcols["on_time"][i])
        share = percent_text(l_on, l_paid)
        if t != NO_TIER:
            tier = tiers[t]
            tier_reason = (f"{tier.source} {tier.name}: {l_on} of "
                           f"{_plural(l_paid, 'invoice')} paid on time ({share} ≥ "
                           f"{tier.share_text()}), {l_paid} ≥ "
                           f"{tier.min_invoices} invoices in {pol.loyalty.window_days} days")
            keep = (f"Your {tier.name} tier: {tier.reward(cur) or 'our thanks'}. You paid "
                    f"{l_on} of your last {_plural(l_paid, 'invoice')} on time "
                    f"({share}); {tier.name} needs {tier.share_text()} of at "
                    f"least {tier.min_invoices} invoices over {pol.loyalty.window_days} days.")
        else:
            tier_reason = (f"no tier: {l_on} of {_plural(l_paid, 'invoice')} paid "
                           f"on time{f' ({share})' if share else ''} in "
                           f"{pol.loyalty.window_days} days")
            keep = ""
            # only a tier within reach is worth a line on the statement: the one held after
            # the fewest invoices paid on time that reach any tier
            need, k = int(reach_need[i]), int(reach_tier[i])
            if k != NO_TIER:
                what = "invoice" if need == 1 else _plural(need, "invoice")
                keep = (f"Pay your next {what} on time to reach "
                        f"{tiers[k].name}: {tiers[k].reward(cur)}.")
            if tiers:
                lowest = tiers[-1]
                tier_reason += (f"; the lowest tier, {lowest.name} ({lowest.source}), needs "
                                f"{lowest.thresholds()}")
        if p != NO_TIER and change[i]:
            tier_reason += (f"; was {tiers[p].name} on {previous_iso} "
                            f"({lcols['previous_on_time'][i]} of "
                            f"{lcols['previous_paid'][i]} on time)")
        elif p == NO_TIER and change[i] == "new":
            tier_reason += f"; no tier on {previous_iso}"
        out.append(Profile(
            client=c, client_id=str(client_ids[c]), name=str(names[c]), currency=cur,
            invoices_paid=n_paid, paid_amount=paid_amount[i],
            avg_days_to_pay=tenths["avg_days_to_pay_t"][i],
            median_days_to_pay=tenths["median_days_to_pay_t"][i],
            avg_days_late=tenths["avg_days_late_t"][i],
            weighted_days_late=tenths["weighted_days_late_t"][i],
            on_time_share=on_time_share[i], on_time_percent=on_time_percent[i],
            late_share=late_share[i], partial_payments=int(cols["partial_payments"][i]),
            rounded_down_payments=int(cols["rounded_down_payments"][i]),
            discounts_taken=int(cols["discounts_taken"][i]),
            discounts_missed=int(cols["discounts_missed"][i]),
            lateness_recent=tenths["lateness_recent_t"][i],
            lateness_prior=tenths["lateness_prior_t"][i],
            lateness_trend=(tenths["lateness_trend_t"][i]
                            if cols["lateness_trend_known"][i] else ""),
            order_gap_recent=gap_recent[i], order_gap_norm=gap_norm[i],
            order_change=order_change[i] if cols["orders_norm"][i] else "",
            spend_recent=spend_recent[i], spend_norm=spend_norm[i],
            spend_change=spend_change[i] if cols["spend_norm"][i] else "",
            days_late_incl_open=tenths["days_late_incl_open_t"][i],
            open_overdue=int(cols["open_overdue"][i]), score=int(rcols["score"][i]),
            lateness_points=lateness, risk_tier=band.name, risk_reason=risk_reason,
            early_warning=bool(rcols["warning"][i]),
            max_days_past_due=int(cols["max_days_past_due"][i]),
            signals=sig_lines, tier=tiers[t].name if t != NO_TIER else "",
            previous_tier=tiers[p].name if p != NO_TIER else "", change=str(change[i]),
            reward=tiers[t].reward(cur) if t != NO_TIER else "", tier_reason=tier_reason,
            keep_text=keep, season=season.get((c, int(cols["cur"][i])), []),
            tier_index=t, loyalty_paid=l_paid, loyalty_on_time=l_on,
            reach_tier_index=int(reach_tier[i]) if t == NO_TIER else -1,
            reach_need=int(reach_need[i]) if t == NO_TIER else 0))
    return out


def _broken_promises(report: Report) -> dict[tuple[int, int], list[tuple[int, str]]]:
    """(client, cur) -> its broken promises as (promise date, 'promise of 2024-06-01 to pay
    I1 by 2024-06-10 (contacts.csv:2): I1 paid on 2024-06-11'), by contact date."""
    pr = report.promises
    out: dict[tuple[int, int], list[tuple[int, str]]] = {}
    if len(pr) == 0:
        return out
    c = report.ledger.contacts
    raw = report.ledger.sources.get("contacts")
    inv_ids = report.ledger.invoices["invoice_id"].to_numpy(dtype=object)
    s = report.settled
    settled_on = dict(zip(s["inv"].tolist(), s["settlement_date"].tolist(), strict=True))
    for client, cur, until, k, inv in zip(
            pr["client"].tolist(), pr["cur"].tolist(), pr["promise_date"].tolist(),
            pr["contact"].tolist(), pr["inv"].tolist(), strict=True):
        named = int(c["inv"].iat[k]) >= 0
        where = (f"{raw.path.name}:{raw.lines.line(int(c['row'].iat[k]))}" if raw is not None
                 else "contacts.csv")
        what = str(inv_ids[inv]) if named else "every invoice due"
        paid = int(settled_on.get(inv, NOT_SETTLED))
        after = (f"paid on {_iso(paid)}" if paid != NOT_SETTLED
                 else f"still open on {report.as_of.isoformat()}")
        out.setdefault((int(client), int(cur)), []).append((int(until), (
            f"promise of {_iso(int(c['date'].iat[k]))} to pay {what} by {_iso(until)} "
            f"({where}): {inv_ids[inv]} {after}")))
    return out


def _iso(day: int) -> str:
    return from_day(int(day)).isoformat()


def gaps(days: np.ndarray, counts: np.ndarray) -> list[str]:
    """Days between invoices over a period, per row: its length / the invoices in it, in
    tenths rounded half-up; '' with no invoice or no days."""
    d, n = np.asarray(days, dtype=np.int64), np.asarray(counts, dtype=np.int64)
    g = (20 * d + n) // np.maximum(2 * n, 1)
    return [t if ok else "" for t, ok in zip(tenths_texts(g), ((n > 0) & (d > 0)).tolist(),
                                             strict=True)]


def scaled(amounts: np.ndarray, to_days: int, from_days: np.ndarray) -> np.ndarray:
    """Each amount over `from_days` scaled to `to_days`, half-up to the minor unit; 0 over
    no days."""
    a, f = np.asarray(amounts, dtype=np.int64), np.asarray(from_days, dtype=np.int64)
    return np.where(f > 0, (2 * a * to_days + f) // np.maximum(2 * f, 1), 0)


def _season(report: Report) -> dict[tuple[int, int], list[tuple[str, str, int]]]:
    """(client, cur) -> twelve (month, average days late, invoices) cells, Jan to Dec."""
    s = report.seasonality
    if len(s) == 0:
        return {}
    ncur = max(len(report.currencies), 1)
    key = s["client"].to_numpy().astype(np.int64) * ncur + s["cur"].to_numpy()
    keys, row = np.unique(key, return_inverse=True)
    month = s["month"].to_numpy().astype(np.int64) - 1
    days = np.full((len(keys), 12), "", dtype=object)
    days[row, month] = tenths_texts(s["avg_days_late_t"].to_numpy())
    counts = np.zeros((len(keys), 12), dtype=np.int64)
    counts[row, month] = s["invoices"].to_numpy()
    return {(k // ncur, k % ncur): list(zip(MONTHS, d, n, strict=True))
            for k, d, n in zip(keys.tolist(), days.tolist(), counts.tolist(), strict=True)}


def by_client(report: Report) -> dict[int, list[Profile]]:
    out: dict[int, list[Profile]] = {}
    for p in profiles(report):
        out.setdefault(p.client, []).append(p)
    return out


@dataclass(frozen=True)
class TierCount:
    name: str
    reward: str
    rule: str
    clients: int


@dataclass(frozen=True)
class RiskPage:
    warnings: list[Profile]  # early warnings, highest score first
    ranking: list[Profile]  # every client and currency, highest score first
    changes: list[Profile]  # loyalty tier changes since the previous month end
    tier_counts: list[TierCount]
    band_counts: list[tuple[str, int, str]]  # (risk tier, clients, rule)
    previous: str  # the previous month end, formatted
    window_days: int
    trend_days: int
    tiers_by: str


def risk_page(report: Report) -> RiskPage:
    ps = profiles(report)
    ranked = sorted(ps, key=lambda p: (-p.score, p.client_id, p.currency))
    pol = report.policies
    tier_counts = []
    for t in pol.loyalty.tiers:
        n = sum(1 for p in ps if p.tier == t.name)
        reward = ", ".join(sorted({p.reward for p in ps if p.tier == t.name})) or t.reward(
            pol.currency)
        tier_counts.append(TierCount(t.name, reward, f"{t.thresholds()} ({t.source})", n))
    bands = []
    for b in pol.risk.bands:
        bound = f"up to {b.upto}" if b.upto is not None else "above"
        unit = "days late on average" if pol.risk.tiers_by == "days_late" else "points"
        bands.append((b.name, sum(1 for p in ps if p.risk_tier == b.name),
                      f"{bound} {unit} ({b.source})"))
    order = {"promotion": 0, "new": 1, "demotion": 2, "lost": 3}
    changes = sorted((p for p in ps if p.change),
                     key=lambda p: (order.get(p.change, 9), p.client_id, p.currency))
    return RiskPage(
        warnings=[p for p in ranked if p.early_warning], ranking=ranked, changes=changes,
        tier_counts=tier_counts, band_counts=bands, previous=fmt.day(report.previous_day),
        window_days=pol.loyalty.window_days, trend_days=pol.risk.trend_days,
        tiers_by=pol.risk.tiers_by)
