"""arreport backtest: replay dates, the actions each date gives, and whether the clients
reminded paid within the follow-up days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from arreport.backtest import backtest, replay_dates
from arreport.pipeline import load_inputs
from conftest import DEFAULT_POLICIES

TmpLedger = Callable[..., Path]


@pytest.mark.parametrize(("start", "end", "every", "expected"), [
    ("2024-01-31", "2024-04-30", "month", ["2024-01-31", "2024-02-29", "2024-03-31",
                                           "2024-04-30"]),
    ("2024-01-30", "2024-04-30", "month", ["2024-01-30", "2024-02-29", "2024-03-30",
                                           "2024-04-30"]),
    ("2024-01-15", "2024-03-14", "month", ["2024-01-15", "2024-02-15"]),
    ("2024-01-01", "2024-01-22", "week", ["2024-01-01", "2024-01-08", "2024-01-15",
                                          "2024-01-22"]),
    ("2024-02-01", "2024-01-01", "month", []),
])
def test_replay_dates(start: str, end: str, every: str, expected: list[str]) -> None:
    dates = replay_dates(dt.date.fromisoformat(start), dt.date.fromisoformat(end), every)
    assert [d.isoformat() for d in dates] == expected


LEDGER = dict(invoices="""
    invoice_id,client_id,issue_date,due_date,amount
    I1,PAYS,2024-01-01,2024-01-31,100.00
    I2,SLOW,2024-01-01,2024-01-31,100.00
""", payments="""
    payment_id,client_id,date,amount,invoice_id
    P1,PAYS,2024-02-14,100.00,I1
    P2,SLOW,2024-02-16,100.00,I2
    P3,SLOW,2024-03-20,1.00,
""")


def test_who_paid_within_14_days_of_each_reminder(tmp_ledger: TmpLedger) -> None:
    led, pol, _ = load_inputs(tmp_ledger(**LEDGER), DEFAULT_POLICIES)
    result = backtest(led, pol, [dt.date(2024, 2, 1), dt.date(2024, 3, 10)])
    steps = result.steps
    feb = steps.loc[steps["date"] == steps["date"].min()]
    # on 02-01 both invoices are 1 day past due: first_overdue for both clients; PAYS paid on
    # 02-14 (within 14 days), SLOW on 02-16 (15 days after: too late)
    assert feb[["step_id", "clients", "invoices", "paid"]].values.tolist() == [
        ["first_overdue", 2, 2, 1]]
    assert bool(feb["observable"].iat[0])
    # on 03-10 nothing is open, so no action: every step row is from 02-01
    assert steps["date"].nunique() == 1
    periods = result.periods
    assert periods[["open", "overdue", "actions", "clients_actioned"]].values.tolist() == [
        [20000, 20000, 2, 2], [0, 0, 0, 0]]


def test_the_command_writes_the_page_and_its_csvs(tmp_ledger: TmpLedger, tmp_path: Path,
                                                  arreport: Callable[..., object]) -> None:
    ledger = tmp_ledger(**LEDGER)
    done = arreport("backtest", "--from", "2024-02-01", "--to", "2024-03-31", "--ledger", ledger,
                    "--policies", DEFAULT_POLICIES, "--out", "bt", cwd=tmp_path)
    assert done.returncode == 0, done.stderr  # type: ignore[attr-defined]
    out = tmp_path / "bt"
    assert sorted(p.name for p in out.iterdir()) == [
        "backtest.html", "backtest_periods.csv", "backtest_steps.csv", "site.css"]
    steps = (out / "backtest_steps.csv").read_text(encoding="utf-8").splitlines()
    assert steps[0] == ("date,currency,ladder,step,invoices,clients,amount,"
                        "clients_paid_within_14_days,observable")
    assert steps[1] == "2024-02-01,USD,standard,first_overdue,2,2,200.00,1,true"
    html = (out / "backtest.html").read_text(encoding="utf-8")
    assert "50.0%" in html and "(1 of 2)" in html
    bad = arreport("backtest", "--from", "2024-13-01", "--to", "2024-03-31", "--ledger", ledger,
                   "--policies", DEFAULT_POLICIES, cwd=tmp_path)
    assert bad.returncode == 2  # type: ignore[attr-defined]
    assert "'2024-13-01' is not a date" in bad.stderr  # type: ignore[attr-defined]
