"""The reconciliation gate: a run whose books do not balance writes nothing and exits 3."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

import arreport.pipeline
from arreport import cli
from arreport.compute.allocation import Allocation
from conftest import DEFAULT_POLICIES


def _write(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "invoices.csv").write_text(
        "invoice_id,client_id,issue_date,due_date,amount\n"
        "I1,C1,2024-01-01,2024-01-31,100.00\n", encoding="utf-8")
    (folder / "payments.csv").write_text(
        "payment_id,client_id,date,amount,invoice_id\n"
        "P1,C1,2024-02-10,60.00,I1\n", encoding="utf-8")
    return folder


def _run(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(sys, "argv", ["arreport", *argv])
    try:
        cli.main()
    except SystemExit as stop:
        return int(stop.code or 0)
    return 0


def test_books_that_do_not_balance_stop_the_run_and_keep_the_old_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    ledger = _write(tmp_path / "ledger")
    out = tmp_path / "site"
    argv = ["build", "--ledger", str(ledger), "--policies", str(DEFAULT_POLICIES),
            "--as-of", "2024-03-15", "--out", str(out), "--no-pdf"]
    assert _run(argv, monkeypatch) == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    real = arreport.pipeline.allocate

    def leaky_allocate(*args: object, **kwargs: object) -> Allocation:
        alloc = real(*args, **kwargs)  # type: ignore[arg-type]
        lines = alloc.lines.copy()
        lines["open_amount"] = lines["open_amount"] + 1  # a cent appears from nowhere
        groups = alloc.groups.copy()
        groups["open"] = groups["open"] + 1
        return Allocation(lines=lines, docs=alloc.docs, groups=groups)

    monkeypatch.setattr(arreport.pipeline, "allocate", leaky_allocate)
    capsys.readouterr()
    assert _run(argv, monkeypatch) == 3
    err = capsys.readouterr().err
    assert "allocation does not reconcile for C1/USD" in err
    assert "internal error" in err
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


def test_reconciliation_holds_per_client_and_currency() -> None:
    groups = pd.DataFrame({"client": [0, 0], "cur": [0, 1], "invoiced": [100, 50],
                           "paid": [60, 80], "credited": [0, 0], "open": [40, 0],
                           "unapplied": [0, 30]})
    alloc = Allocation(lines=pd.DataFrame(), docs=pd.DataFrame(), groups=groups)
    assert arreport.pipeline.reconciliation_failures(alloc).empty
    broken = alloc.groups.assign(open=[41, 0])
    failures = arreport.pipeline.reconciliation_failures(
        Allocation(lines=pd.DataFrame(), docs=pd.DataFrame(), groups=broken))
    assert failures["client"].tolist() == [0]
