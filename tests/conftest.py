"""Shared fixtures: inline ledgers and policies written to a temporary folder, the computed
report seen through readable dicts (open amounts per invoice, aging rows per client and
currency, unapplied credit), and the installed CLI run as a subprocess."""

from __future__ import annotations

import atexit
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from arreport.diagnostics import Diagnostic
from arreport.ledger.dates import from_day
from arreport.pipeline import Report, compute, load_inputs
from arreport.render.csvfiles import csv_text
from arreport.report.tables import aging_csv_table, open_items_table

REPO = Path(__file__).resolve().parents[1]
SHIPPED_POLICIES = REPO / "policies"


def _cut_block(path: Path, first: str, until: str) -> None:
    """Remove the lines from the one starting with `first` up to the one starting with
    `until` (kept), leaving every other line as it was."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith(first))
    end = next(i for i, line in enumerate(lines) if i > start and line.startswith(until))
    path.write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")


def _scenario_policies() -> Path:
    """The shipped policies without the risk routing (segments.yaml risk: and the firm ladder
    it names), so that in a scenario test the ladder depends only on what the test states;
    the tests of risk routing state it."""
    root = Path(tempfile.mkdtemp(prefix="arreport-test-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    folder = root / "policies"
    shutil.copytree(SHIPPED_POLICIES, folder)
    _cut_block(folder / "segments.yaml", "risk:", "clients:")
    _cut_block(folder / "escalation.yaml", "  firm:", "fees:")
    return folder


DEFAULT_POLICIES = _scenario_policies()
ARREPORT = Path(sys.executable).parent / "arreport"

LEDGER_FILES = ("invoices", "payments", "credit_notes", "clients", "disputes", "contacts",
                "payment_plans")
POLICY_FILES = ("terms", "escalation", "incentives", "segments")


def inline(text: str) -> str:
    """An inline file as the reader sees it in the test: dedented, without the first newline."""
    return textwrap.dedent(text).lstrip("\n")


def write_ledger(folder: Path, **files: str) -> Path:
    """Write `invoices="..."`, `payments="..."`, ... as <name>.csv files into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        if name not in LEDGER_FILES:
            raise ValueError(f"unknown ledger file {name!r}; expected one of {LEDGER_FILES}")
        (folder / f"{name}.csv").write_text(inline(text), encoding="utf-8")
    return folder


def write_policies(folder: Path, **files: str) -> Path:
    """A copy of the default policy set in `folder`, with `terms="..."` etc. replacing files."""
    shutil.copytree(DEFAULT_POLICIES, folder)
    for name, text in files.items():
        if name not in POLICY_FILES:
            raise ValueError(f"unknown policy file {name!r}; expected one of {POLICY_FILES}")
        (folder / f"{name}.yaml").write_text(inline(text), encoding="utf-8")
    return folder


@dataclass
class Outcome:
    """One computed report, keyed the way a person checks it by hand. Amounts in minor units.

    open: invoice_id -> open amount over its due lines (0 when settled); an invoice issued
      after the as-of date is absent.
    open_lines: (invoice_id, line) -> open amount of that due line (line 0, or 0 deposit and
      1 balance).
    due_dates: (invoice_id, line) -> due date.
    items: the open items (open amount > 0) as dicts: invoice_id, line, client_id, currency,
      issue_date, due_date, amount, open_amount, days_past_due, bucket (label), disputed.
    aging: (client_id, currency) -> {bucket label, 'total', 'unapplied_credit' -> amount}.
    groups: (client_id, currency) -> {'invoiced', 'paid', 'credited', 'open', 'unapplied'}.
    unapplied: (client_id, currency) -> unapplied credit, only where it is > 0.
    applied / pooled: document id -> the part applied to the invoice it names / sent to the
      pool.
    warnings: formatted warning lines, file names relative to the ledger folder.
    """

    report: Report
    open: dict[str, int]
    open_lines: dict[tuple[str, int], int]
    due_dates: dict[tuple[str, int], dt.date]
    items: list[dict[str, Any]]
    aging: dict[tuple[str, str], dict[str, int]]
    groups: dict[tuple[str, str], dict[str, int]]
    unapplied: dict[tuple[str, str], int]
    applied: dict[str, int]
    pooled: dict[str, int]
    warnings: list[str]
    open_items_csv: str
    aging_csv: str


def _relative(diag: Diagnostic, ledger_dir: Path, policies_dir: Path) -> str:
    text = diag.format()
    for folder in (ledger_dir, policies_dir):
        for form in {str(folder), str(folder.resolve())}:
            text = text.replace(form + os.sep, "")
    return text


def compute_outcome(ledger_dir: Path, as_of: dt.date,
                    policies_dir: Path = DEFAULT_POLICIES) -> Outcome:
    """load_inputs + compute, then the report through readable dicts."""
    ledger, policies, diags = load_inputs(ledger_dir, policies_dir)
    report = compute(ledger, policies, as_of, diags)
    client_ids = [str(c) for c in report.ledger.client_ids()]
    currencies = report.currencies
    invoice_ids = [str(i) for i in ledger.invoices["invoice_id"]]
    labels = report.bucket_labels

    lines = report.allocation.lines
    open_lines: dict[tuple[str, int], int] = {}
    due_dates: dict[tuple[str, int], dt.date] = {}
    invoice_open: dict[str, int] = {}
    for inv, line, due, open_amount in zip(lines["inv"], lines["line"], lines["due_date"],
                                           lines["open_amount"], strict=True):
        invoice_id = invoice_ids[int(inv)]
        open_lines[invoice_id, int(line)] = int(open_amount)
        due_dates[invoice_id, int(line)] = from_day(int(due))
        invoice_open[invoice_id] = invoice_open.get(invoice_id, 0) + int(open_amount)

    items = [
        {"invoice_id": str(row["invoice_id"]), "line": int(row["line"]),
         "client_id": client_ids[int(row["client"])], "currency": currencies[int(row["cur"])],
         "issue_date": from_day(int(row["issue_date"])),
         "due_date": from_day(int(row["due_date"])), "amount": int(row["amount"]),
         "open_amount": int(row["open_amount"]), "days_past_due": int(row["days_past_due"]),
         "bucket": labels[int(row["bucket"])], "disputed": bool(row["disputed"])}
        for row in report.items.to_dict("records")
    ]

    aging: dict[tuple[str, str], dict[str, int]] = {}
    for row in report.aging.to_dict("records"):
        key = (client_ids[int(row["client"])], currencies[int(row["cur"])])
        aging[key] = {name: int(row[name]) for name in (*labels, "total", "unapplied_credit")}

    groups: dict[tuple[str, str], dict[str, int]] = {}
    for row in report.allocation.groups.to_dict("records"):
        key = (client_ids[int(row["client"])], currencies[int(row["cur"])])
        groups[key] = {name: int(row[name])
                       for name in ("invoiced", "paid", "credited", "open", "unapplied")}
    unapplied = {key: g["unapplied"] for key, g in groups.items() if g["unapplied"] > 0}

    docs = report.allocation.docs
    applied = {str(d): int(a) for d, a in zip(docs["doc_id"], docs["applied"], strict=True)}
    pooled = {str(d): int(p) for d, p in zip(docs["doc_id"], docs["to_pool"], strict=True)}

    warnings = [_relative(d, ledger_dir, policies_dir)
                for d in report.diagnostics if d.severity == "warning"]
    return Outcome(
        report=report, open=invoice_open, open_lines=open_lines, due_dates=due_dates,
        items=items, aging=aging, groups=groups, unapplied=unapplied, applied=applied,
        pooled=pooled, warnings=warnings,
        open_items_csv=csv_text(open_items_table(report)).decode("utf-8"),
        aging_csv=csv_text(aging_csv_table(report)).decode("utf-8"),
    )


@pytest.fixture
def tmp_ledger(tmp_path: Path) -> Callable[..., Path]:
    """Factory: `tmp_ledger(invoices=\"\"\"...\"\"\", payments=...)` -> a ledger folder."""
    count = 0

    def make(**files: str) -> Path:
        nonlocal count
        count += 1
        return write_ledger(tmp_path / ("ledger" if count == 1 else f"ledger{count}"), **files)

    return make


@pytest.fixture
def tmp_policies(tmp_path: Path) -> Callable[..., Path]:
    """Factory: the default policies with some files replaced inline -> a policies folder."""
    count = 0

    def make(**files: str) -> Path:
        nonlocal count
        count += 1
        return write_policies(tmp_path / f"policies{count}", **files)

    return make


@pytest.fixture(scope="session")
def compute_report() -> Callable[..., Outcome]:
    """`compute_report(ledger_dir, as_of, policies_dir=DEFAULT_POLICIES) -> Outcome`."""
    return compute_outcome


def run_arreport(*args: str | Path, cwd: Path,
                 env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The installed console script, as a user runs it, from `cwd`."""
    return subprocess.run([str(ARREPORT), *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=600, check=False, env=env)


@pytest.fixture(scope="session")
def arreport() -> Callable[..., subprocess.CompletedProcess[str]]:
    """`arreport("build", "--ledger", ..., cwd=folder) -> CompletedProcess` (text output)."""
    return run_arreport


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under root by its relative path, with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def snapshot_tree() -> Callable[[Path], dict[str, bytes]]:
    return tree_bytes


@pytest.fixture(scope="session")
def ledger_writer() -> Callable[..., Path]:
    """`ledger_writer(folder, invoices=..., ...)` for tests that manage their own folders."""
    return write_ledger


@pytest.fixture(scope="session")
def policies_writer() -> Callable[..., Path]:
    """`policies_writer(folder, terms=..., ...)` for tests that manage their own folders."""
    return write_policies
