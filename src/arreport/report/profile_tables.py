"""data/behaviour.csv, risk.csv, signals.csv, tiers.csv, seasonality.csv and offers.csv:
one row per client and currency (or per signal, month, offer), sorted by their key columns."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..pipeline import Report
from .profile import MONTHS, profiles, scaled, tenths_texts
from .tables import amounts_text, dates_text, text_rank


def behaviour_csv_table(report: Report) -> pa.Table:
    ps = profiles(report)
    beh = report.behaviour  # profiles are its rows, in its order
    cur = beh["cur"].to_numpy()
    rp = report.policies.risk
    return pa.table({
        "client_id": [p.client_id for p in ps],
        "currency": [p.currency for p in ps],
        "invoices_paid": pa.array([p.invoices_paid for p in ps], pa.int64()),
        "paid_amount": amounts_text(beh["paid_amount"].to_numpy(), cur, report.currencies),
        "avg_days_to_pay": [p.avg_days_to_pay for p in ps],
        "median_days_to_pay": [p.median_days_to_pay for p in ps],
        "avg_days_late": [p.avg_days_late for p in ps],
        "weighted_days_late": [p.weighted_days_late for p in ps],
        "on_time_share": [p.on_time_share for p in ps],
        "late_share": [p.late_share for p in ps],
        "partial_payments": pa.array([p.partial_payments for p in ps], pa.int64()),
        "rounded_down_payments": pa.array([p.rounded_down_payments for p in ps], pa.int64()),
        "discounts_taken": pa.array([p.discounts_taken for p in ps], pa.int64()),
        "discounts_missed": pa.array([p.discounts_missed for p in ps], pa.int64()),
        "lateness_recent": [p.lateness_recent for p in ps],
        "lateness_prior": [p.lateness_prior for p in ps],
        "lateness_trend": [p.lateness_trend for p in ps],
        "order_gap_recent": [p.order_gap_recent for p in ps],
        "order_gap_norm": [p.order_gap_norm for p in ps],
        "order_change_percent": [p.order_change for p in ps],
        "spend_recent": amounts_text(beh["spend_recent"].to_numpy(), cur, report.currencies),
        "spend_norm": amounts_text(scaled(beh["spend_norm"].to_numpy(), rp.trend_days,
                                          beh["norm_days"].to_numpy()), cur, report.currencies),
        "spend_change_percent": [p.spend_change for p in ps],
        "open_overdue": pa.array([p.open_overdue for p in ps], pa.int64()),
        "days_late_incl_open": [p.days_late_incl_open for p in ps],
        "tier": [p.tier for p in ps],
        "risk_score": pa.array([p.score for p in ps], pa.int64()),
        "risk_tier": [p.risk_tier for p in ps],
    })


def risk_csv_table(report: Report) -> pa.Table:
    ps = profiles(report)
    return pa.table({
        "client_id": [p.client_id for p in ps],
        "currency": [p.currency for p in ps],
        "risk_tier": [p.risk_tier for p in ps],
        "risk_score": pa.array([p.score for p in ps], pa.int64()),
        "lateness_points": pa.array([p.lateness_points for p in ps], pa.int64()),
        "signal_points": pa.array([sum(s.weight for s in p.signals) for p in ps], pa.int64()),
        "signals": [";".join(s.id for s in p.signals) for p in ps],
        "early_warning": ["true" if p.early_warning else "false" for p in ps],
        "reason": [p.risk_reason for p in ps],
    })


def signals_csv_table(report: Report) -> pa.Table:
    rows = [(p.client_id, p.currency, s.id, s.weight, s.text)
            for p in profiles(report) for s in p.signals]
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    return pa.table({
        "client_id": pa.array([r[0] for r in rows], pa.string()),
        "currency": pa.array([r[1] for r in rows], pa.string()),
        "signal": pa.array([r[2] for r in rows], pa.string()),
        "weight": pa.array([r[3] for r in rows], pa.int64()),
        "reason": pa.array([r[4] for r in rows], pa.string()),
    })


def tiers_csv_table(report: Report) -> pa.Table:
    ps = profiles(report)
    loy = report.loyalty
    prev_paid = loy["previous_paid"].to_numpy().tolist()
    prev_on = loy["previous_on_time"].to_numpy().tolist()
    from .profile import ratio_text

    return pa.table({
        "client_id": [p.client_id for p in ps],
        "currency": [p.currency for p in ps],
        "tier": [p.tier for p in ps],
        "previous_tier": [p.previous_tier for p in ps],
        "change": [p.change for p in ps],
        "invoices_paid": pa.array([p.invoices_paid for p in ps], pa.int64()),
        "on_time_share": [p.on_time_share for p in ps],
        "previous_invoices_paid": [str(n) if n >= 0 else "" for n in prev_paid],
        "previous_on_time_share": [ratio_text(o, n) if n >= 0 else ""
                                   for o, n in zip(prev_on, prev_paid, strict=True)],
        "reward": [p.reward for p in ps],
        "reason": [p.tier_reason for p in ps],
    })


def seasonality_csv_table(report: Report) -> pa.Table:
    s = report.seasonality
    client_ids = report.ledger.client_ids()
    cid = client_ids[s["client"].to_numpy()].astype(str) if len(s) else np.zeros(0, str)
    cur = np.array(report.currencies, dtype=object)[s["cur"].to_numpy()] if len(s) else \
        np.zeros(0, object)
    month = s["month"].to_numpy().astype(np.int64)
    order = np.lexsort((s["avg_days_late_t"].to_numpy(), s["invoices"].to_numpy(), month,
                        text_rank(cur), text_rank(cid)))
    month = month[order]
    return pa.table({
        "client_id": pa.array(cid[order], pa.string()),
        "currency": pa.array(cur[order], pa.string()),
        "month": pa.array(month, pa.int64()),
        "month_name": pa.array(np.array(MONTHS, dtype=object)[month - 1], pa.string()),
        "invoices": pa.array(s["invoices"].to_numpy().astype(np.int64)[order], pa.int64()),
        "avg_days_late": pa.array(tenths_texts(s["avg_days_late_t"].to_numpy()[order]),
                                  pa.string()),
    })


def offers_csv_table(report: Report) -> pa.Table:
    o = report.offers
    client_ids = report.ledger.client_ids()
    inv_ids = report.ledger.invoices["invoice_id"].to_numpy(dtype=object)
    order = sorted(range(len(o)), key=lambda i: (str(client_ids[int(o["client"].iat[i])]),
                                                 str(inv_ids[int(o["inv"].iat[i])])))
    sub = o.iloc[order]
    cur = sub["cur"].to_numpy()
    return pa.table({
        "client_id": pa.array([str(client_ids[c]) for c in sub["client"].tolist()], pa.string()),
        "invoice_id": pa.array([str(inv_ids[i]) for i in sub["inv"].tolist()], pa.string()),
        "currency": pa.array([report.currencies[k] for k in cur.tolist()], pa.string()),
        "open_amount": amounts_text((sub["pay"] + sub["discount"]).to_numpy(), cur,
                                    report.currencies),
        "discount": amounts_text(sub["discount"].to_numpy(), cur, report.currencies),
        "pay": amounts_text(sub["pay"].to_numpy(), cur, report.currencies),
        "deadline": dates_text(sub["deadline"].to_numpy()),
        "reason": pa.array(offer_reasons(report, order), pa.string()),
    })


def offer_reasons(report: Report, rows: list[int] | None = None) -> list[str]:
    """'terms.yaml:9 2-10-net30: 2% off when paid within 10 days of issue (2026-06-25)'."""
    from ..compute.terms import invoice_terms

    o = report.offers
    if len(o) == 0:
        return []
    codes, names, _ = invoice_terms(report.ledger.invoices, report.ledger.clients,
                                    report.policies)
    issue = report.ledger.invoices["issue_date"].to_numpy()
    out = []
    for i in (rows if rows is not None else range(len(o))):
        inv = int(o["inv"].iat[i])
        t = report.policies.terms[names[int(codes[inv])]]
        out.append(f"{t.source} {t.name}: {t.discount_percent}% off when paid within "
                   f"{t.discount_days} days of issue ({dates_text(np.array([issue[inv]]))[0]})")
    return out
