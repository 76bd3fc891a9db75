"""Golden output: the committed demo ledger renders to the committed data/*.csv (open items,
aging, actions, holds, fees, discounts, plans, behaviour, risk, signals, tiers, seasonality,
offers, KPIs), so a change in output is a reviewed diff, not
a surprise.

To accept a deliberate change, refresh the copies and review the diff:
    ARREPORT_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO, SHIPPED_POLICIES, Outcome, run_arreport
from oracle import allocate as oracle_allocate
from test_properties import settlement_dates

DEMO = REPO / "examples" / "demo"
GOLDEN = Path(__file__).parent / "golden" / "demo"
FILES = ("data/open_items.csv", "data/aging.csv", "data/actions.csv", "data/holds.csv",
         "data/fees.csv", "data/discounts.csv", "data/plans.csv", "data/behaviour.csv",
         "data/risk.csv", "data/signals.csv", "data/tiers.csv", "data/seasonality.csv",
         "data/offers.csv", "data/kpis.csv")
UPDATE = os.environ.get("ARREPORT_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not DEMO.is_dir():
        pytest.skip(f"the demo ledger {DEMO.relative_to(REPO)} is absent "
                    "(make demo-ledger generates it)")
    as_of = (DEMO / "AS_OF").read_text().strip()
    out = tmp_path_factory.mktemp("golden") / "site"
    done = run_arreport("build", "--ledger", DEMO, "--policies", SHIPPED_POLICIES,
                        "--as-of", as_of, "--out", out, "--no-pdf", cwd=REPO)
    assert done.returncode == 0, done.stderr
    return out


@pytest.mark.parametrize("name", FILES)
def test_demo_output_matches_the_golden_copy(demo_site: Path, name: str) -> None:
    built = (demo_site / name).read_bytes()
    golden = GOLDEN / name
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(built)
    assert golden.exists(), (
        f"no golden copy {golden.relative_to(REPO)}; run ARREPORT_UPDATE_GOLDEN=1 "
        ".venv/bin/python -m pytest tests/test_golden.py and review it")
    assert built == golden.read_bytes(), (
        f"{name} differs from {golden.relative_to(REPO)}; if the change is intended, "
        "refresh with ARREPORT_UPDATE_GOLDEN=1 and review the diff")


def test_demo_allocation_agrees_with_the_oracle(compute_report: Callable[..., Outcome]) -> None:
    """The demo ledger is larger and messier than the generated ones: check it line by line.
    The demo takes early-payment discounts, which the oracle reads from the terms too."""
    if not DEMO.is_dir():
        pytest.skip(f"the demo ledger {DEMO.relative_to(REPO)} is absent")
    as_of = dt.date.fromisoformat((DEMO / "AS_OF").read_text().strip())
    result = compute_report(DEMO, as_of)
    expected = oracle_allocate(DEMO, SHIPPED_POLICIES, as_of)
    assert result.open_lines == expected.open
    assert result.unapplied == expected.unapplied
    assert settlement_dates(result) == expected.settled
    assert len(expected.settled) > 600
