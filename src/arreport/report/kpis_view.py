"""The KPIs for the dashboard (latest figures, monthly series for the charts) and
data/kpis.csv."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pyarrow as pa

from ..ledger.dates import from_day, iso
from ..pipeline import Report
from . import format as fmt
from .tables import amounts_text

METHODS = (
    "DSO by the countback method: open receivables on the date, matched against invoiced "
    "sales month by month backwards from that date (the part month first); "
    "best possible DSO: the same countback on current (not yet due) receivables; "
    "average days delinquent = DSO − best possible DSO; "
    "CEI = (opening receivables + sales − closing receivables) / (opening receivables + sales "
    "− closing current receivables) × 100 over the month.")


@dataclass(frozen=True)
class KpiCard:
    label: str
    figure: str
    note: str


@dataclass(frozen=True)
class CurrencyKpis:
    currency: str
    cards: list[KpiCard]
    labels: list[str]  # 'Jul 2025', ...
    dso: list[Decimal | None]
    best_dso: list[Decimal | None]
    cei: list[Decimal | None]
    open: list[Decimal | None]  # major units, for the chart
    overdue: list[Decimal | None]


def _text(value: object, unit: str = "") -> str:
    return "–" if value is None else f"{value}{unit}"


def kpi_views(report: Report) -> list[CurrencyKpis]:
    k = report.kpis
    out = []
    from .. import money

    for code, cur in enumerate(report.currencies):
        sub = k.loc[k["cur"].to_numpy() == code]
        if len(sub) == 0:
            continue
        last = sub.iloc[-1]
        scale = Decimal(10) ** money.decimals(cur)
        labels = [from_day(int(d)).strftime("%b %Y") for d in sub["date"].tolist()]
        cards = [
            KpiCard("DSO", _text(last["dso"], " days"), "countback, as of the date"),
            KpiCard("Best possible DSO", _text(last["best_dso"], " days"),
                    f"average days delinquent {_text(last['add'])}"),
            KpiCard("CEI", _text(last["cei"], "%"), "collected of what was collectable, "
                                                     "this month"),
            KpiCard("Current", _text(last["current_share"], "%"), "of receivables not yet due"),
            KpiCard("Bad-debt candidates", fmt.amount(int(last["bad_debt_amount"]), cur),
                    f"{int(last['bad_debt_count'])} item(s) more than "
                    f"{report.policies.risk.bad_debt_days} days past due, undisputed"),
        ]
        out.append(CurrencyKpis(
            currency=cur, cards=cards, labels=labels, dso=sub["dso"].tolist(),
            best_dso=sub["best_dso"].tolist(), cei=sub["cei"].tolist(),
            open=[Decimal(int(v)) / scale for v in sub["open"].tolist()],
            overdue=[Decimal(int(v)) / scale for v in sub["overdue"].tolist()]))
    return out


def _dec(values: list[object]) -> pa.Array:
    return pa.array(["" if v is None else str(v) for v in values], pa.string())


def kpis_csv_table(report: Report) -> pa.Table:
    k = report.kpis
    cur = k["cur"].to_numpy().astype(np.int64)
    names = np.array(report.currencies, dtype=object)
    order = np.lexsort((names[cur].astype(str), k["date"].to_numpy())) if len(k) else cur
    k = k.iloc[order]
    cur = cur[order]
    cols: dict[str, pa.Array] = {
        "date": pa.array(iso(k["date"].to_numpy()).tolist(), pa.string()),
        "currency": pa.array(names[cur].tolist(), pa.string()),
    }
    for name in ("sales", "collections", "open", "current", "overdue", "disputed"):
        cols[name] = amounts_text(k[name].to_numpy(), cur, report.currencies)
    for name in ("dso", "best_dso", "add", "cei", "current_share"):
        cols[name] = _dec(k[name].tolist())
    cols["bad_debt_count"] = pa.array(k["bad_debt_count"].to_numpy().astype(np.int64))
    cols["bad_debt_amount"] = amounts_text(k["bad_debt_amount"].to_numpy(), cur,
                                           report.currencies)
    return pa.table(cols)
