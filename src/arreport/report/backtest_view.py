"""The backtest's page and CSVs: what the policies would have done each period, and how the
clients reminded at each step paid in the days after."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ..backtest import Backtest
from ..ledger.dates import iso
from . import format as fmt
from .profile import percent_text
from .tables import amounts_text


@dataclass(frozen=True)
class StepRow:
    ladder: str
    step: str
    currency: str
    invoices: int
    clients: int
    amount: str
    paid: int
    observed: int  # clients whose follow-up window the ledger covers
    share: str  # paid / observed


@dataclass(frozen=True)
class PeriodRow:
    date: str
    currency: str
    open: str
    overdue: str
    actions: int
    clients: int
    fees: str
    holds: int
    steps: list[StepRow]


@dataclass(frozen=True)
class BacktestView:
    start: str
    end: str
    every: str
    follow_days: int
    last_document: str
    summary: list[StepRow]  # per ladder, step and currency over every observable period
    periods: list[PeriodRow]


def _step_rows(frame: object, currencies: list[str]) -> list[StepRow]:
    import pandas as pd

    assert isinstance(frame, pd.DataFrame)
    if len(frame) == 0:
        return []
    f = frame.assign(obs_clients=np.where(frame["observable"], frame["clients"], 0),
                     obs_paid=np.where(frame["observable"], frame["paid"], 0))
    g = f.groupby(["cur", "ladder", "order", "step_id"], as_index=False).agg(
        invoices=("invoices", "sum"), clients=("clients", "sum"), amount=("amount", "sum"),
        paid=("obs_paid", "sum"), observed=("obs_clients", "sum"))
    out = []
    for r in g.itertuples(index=False):
        cur = currencies[int(r.cur)]
        out.append(StepRow(
            ladder=str(r.ladder), step=str(r.step_id), currency=cur, invoices=int(r.invoices),
            clients=int(r.clients), amount=fmt.amount(int(r.amount), cur), paid=int(r.paid),
            observed=int(r.observed), share=percent_text(int(r.paid), int(r.observed))))
    return out


def build_backtest_view(result: Backtest, start: str, end: str, every: str) -> BacktestView:
    cur_names = result.currencies
    periods = []
    p = result.periods
    s = result.steps
    for row in p.itertuples(index=False):
        cur = cur_names[int(row.cur)]
        sel = s.loc[(s["date"] == row.date) & (s["cur"] == row.cur)] if len(s) else s
        if row.open == 0 and row.actions == 0 and row.fees == 0 and row.holds == 0:
            continue
        periods.append(PeriodRow(
            date=fmt.day(int(row.date)), currency=cur, open=fmt.amount(int(row.open), cur),
            overdue=fmt.amount(int(row.overdue), cur), actions=int(row.actions),
            clients=int(row.clients_actioned), fees=fmt.amount(int(row.fees), cur),
            holds=int(row.holds), steps=_step_rows(sel, cur_names)))
    return BacktestView(start=start, end=end, every=every, follow_days=result.follow_days,
                        last_document=fmt.day(result.last_document),
                        summary=_step_rows(s, cur_names), periods=periods)


def steps_csv_table(result: Backtest) -> pa.Table:
    s = result.steps
    cur = s["cur"].to_numpy().astype(np.int64) if len(s) else np.zeros(0, np.int64)
    obs = s["observable"].to_numpy().astype(bool) if len(s) else np.zeros(0, bool)
    return pa.table({
        "date": pa.array(iso(s["date"].to_numpy()).tolist() if len(s) else [], pa.string()),
        "currency": pa.array([result.currencies[c] for c in cur.tolist()], pa.string()),
        "ladder": pa.array(s["ladder"].tolist() if len(s) else [], pa.string()),
        "step": pa.array(s["step_id"].tolist() if len(s) else [], pa.string()),
        "invoices": pa.array(s["invoices"].to_numpy().astype(np.int64) if len(s) else [],
                             pa.int64()),
        "clients": pa.array(s["clients"].to_numpy().astype(np.int64) if len(s) else [],
                            pa.int64()),
        "amount": amounts_text(s["amount"].to_numpy() if len(s) else np.zeros(0, np.int64), cur,
                               result.currencies),
        f"clients_paid_within_{result.follow_days}_days": pa.array(
            [str(int(v)) if o else "" for v, o in zip(
                s["paid"].tolist() if len(s) else [], obs.tolist(), strict=True)], pa.string()),
        "observable": pa.array(["true" if o else "false" for o in obs.tolist()], pa.string()),
    })


def periods_csv_table(result: Backtest) -> pa.Table:
    p = result.periods
    if len(p) == 0:
        return pa.table({k: pa.array([], pa.string()) for k in (
            "date", "currency", "open", "overdue", "actions", "clients_actioned", "fees_due",
            "holds")})
    cur = p["cur"].to_numpy().astype(np.int64)
    return pa.table({
        "date": pa.array(iso(p["date"].to_numpy()).tolist(), pa.string()),
        "currency": pa.array([result.currencies[c] for c in cur.tolist()], pa.string()),
        "open": amounts_text(p["open"].to_numpy(), cur, result.currencies),
        "overdue": amounts_text(p["overdue"].to_numpy(), cur, result.currencies),
        "actions": pa.array(p["actions"].to_numpy().astype(np.int64)),
        "clients_actioned": pa.array(p["clients_actioned"].to_numpy().astype(np.int64)),
        "fees_due": amounts_text(p["fees"].to_numpy(), cur, result.currencies),
        "holds": pa.array(p["holds"].to_numpy().astype(np.int64)),
    })
