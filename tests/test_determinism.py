"""Reproducible output: the same inputs, policies and as-of date give byte-identical files."""

from __future__ import annotations

import csv
import os
import random
import re
import shutil
from pathlib import Path

from conftest import (
    DEFAULT_POLICIES,
    REPO,
    SHIPPED_POLICIES,
    inline,
    run_arreport,
    tree_bytes,
    write_ledger,
)

AS_OF = "2024-03-15"

LEDGER = {
    "clients": """
        client_id,name,segment,currency,address
        C1,Acme Dental,dental,USD,"1 Main St, Springfield"
        C2,City Clinic,medical,EUR,
        C3,Brite Spa,beauty,,
    """,
    "invoices": """
        invoice_id,client_id,issue_date,due_date,amount,currency,terms
        I1,C1,2024-01-01,,100.00,,
        I2,C1,2024-01-15,,250.00,,net15
        I3,C1,2024-02-01,2024-02-20,80.00,EUR,
        I4,C2,2023-12-01,,1200.00,,
        I5,C2,2024-03-10,,45.50,,
        I6,C3,2024-01-20,,300.00,,
        I7,C3,2024-03-16,,10.00,,
    """,
    "payments": """
        payment_id,client_id,date,amount,currency,invoice_id
        P1,C1,2024-02-01,60.00,,I1
        P2,C1,2024-02-15,300.00,USD,
        P3,C2,2024-01-15,200.00,,I4
        P4,C3,2024-02-10,50.00,,I9
    """,
    "credit_notes": """
        credit_id,client_id,date,amount,currency,invoice_id,reason
        CN1,C2,2024-02-01,100.00,,I5,returned goods
    """,
    "disputes": """
        invoice_id,opened,resolved,reason
        I6,2024-02-20,,wrong colour
    """,
}


def build(cwd: Path, ledger: str, out: str, *extra: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    done = run_arreport("build", "--ledger", ledger, "--policies", DEFAULT_POLICIES,
                        "--as-of", AS_OF, "--out", out, *extra, cwd=cwd, env=env)
    assert done.returncode == 0, done.stderr


def assert_same_tree(first: Path, second: Path) -> None:
    a, b = tree_bytes(first), tree_bytes(second)
    assert a, f"{first} is empty"
    assert sorted(a) == sorted(b)
    different = [path for path in a if a[path] != b[path]]
    assert different == []


def test_two_builds_without_pdfs_are_byte_identical(tmp_path: Path) -> None:
    write_ledger(tmp_path / "ledger", **LEDGER)
    build(tmp_path, "ledger", "site-a", "--no-pdf")
    build(tmp_path, "ledger", "site-b", "--no-pdf")
    assert_same_tree(tmp_path / "site-a", tmp_path / "site-b")
    assert {"data/open_items.csv", "data/aging.csv"} <= set(tree_bytes(tmp_path / "site-a"))


def test_two_full_builds_with_pdfs_are_byte_identical(tmp_path: Path) -> None:
    write_ledger(tmp_path / "ledger", invoices="""
        invoice_id,client_id,issue_date,amount
        I1,C1,2024-01-01,100.00
        I2,C2,2024-02-20,35.00
    """, payments="""
        payment_id,client_id,date,amount
        P1,C1,2024-02-01,40.00
    """)
    build(tmp_path, "ledger", "site-a")
    build(tmp_path, "ledger", "site-b")
    assert_same_tree(tmp_path / "site-a", tmp_path / "site-b")


def test_reordered_ledger_rows_build_the_same_site(tmp_path: Path) -> None:
    """Rows in another order; the ledger gives no warnings, whose lines would move."""
    ledger = {name: text for name, text in LEDGER.items() if name != "payments"}
    ledger["payments"] = "\n".join(
        line for line in LEDGER["payments"].splitlines() if "I9" not in line)
    reordered = {}
    for name, text in ledger.items():
        header, *rows = inline(text).splitlines()
        reordered[name] = "\n".join([header, *reversed(rows)]) + "\n"
    write_ledger(tmp_path / "a" / "ledger", **ledger)
    write_ledger(tmp_path / "b" / "ledger", **reordered)
    build(tmp_path / "a", "ledger", "site", "--no-pdf")
    build(tmp_path / "b", "ledger", "site", "--no-pdf")
    assert_same_tree(tmp_path / "a" / "site", tmp_path / "b" / "site")


def _shuffled_copy(source: Path, target: Path, seed: int) -> None:
    """Every ledger file of `source` with its data rows in a random order (quoted newlines and
    all, rewritten by the csv module), into `target`."""
    target.mkdir(parents=True)
    rng = random.Random(seed)
    for path in sorted(source.iterdir()):
        if path.suffix != ".csv":
            shutil.copy(path, target / path.name)
            continue
        with path.open(encoding="utf-8", newline="") as fh:
            header, *rows = list(csv.reader(fh))
        rng.shuffle(rows)
        with (target / path.name).open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerows([header, *rows])


def _without_line_numbers(tree: dict[str, bytes]) -> dict[str, bytes]:
    """A reason names the line of the ledger row it comes from (clients.csv:16), which moves
    with the row; everything else must not. The manifest (hashes of the pages, for reuse on
    a rebuild) then differs too, and is left out."""
    return {name: re.sub(rb"(\.csv):[0-9]+", rb"\1:N", data) for name, data in tree.items()
            if name != ".arreport-manifest"}


def test_shuffled_demo_ledger_builds_the_same_site(tmp_path: Path) -> None:
    """Every file of the demo ledger in another row order, with the shipped policies (fees,
    holds, plans, risk, loyalty all fire): the same site, line numbers in reasons aside."""
    demo = REPO / "examples" / "demo"
    as_of = (demo / "AS_OF").read_text(encoding="utf-8").strip()
    _shuffled_copy(demo, tmp_path / "b" / "ledger", seed=7)
    shutil.copytree(demo, tmp_path / "a" / "ledger")
    for side in ("a", "b"):
        done = run_arreport("build", "--ledger", "ledger", "--policies", SHIPPED_POLICIES,
                            "--as-of", as_of, "--out", "site", "--no-pdf",
                            cwd=tmp_path / side)
        assert done.returncode == 0, done.stderr
    a = _without_line_numbers(tree_bytes(tmp_path / "a" / "site"))
    b = _without_line_numbers(tree_bytes(tmp_path / "b" / "site"))
    assert sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name]] == []
