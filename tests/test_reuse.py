"""A rebuild into the same folder reuses the pages and PDFs whose inputs have not changed and
gives the same bytes as a build from nothing."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from arreport.render.reuse import MANIFEST, Reuse, content_key, read_manifest, write_manifest
from conftest import REPO, SHIPPED_POLICIES, run_arreport, tree_bytes

DEMO = REPO / "examples" / "demo"
AS_OF = (DEMO / "AS_OF").read_text().strip()


def _build(ledger: Path, out: Path, *extra: str) -> str:
    done = run_arreport("build", "--ledger", ledger, "--policies", SHIPPED_POLICIES, "--as-of",
                        AS_OF, "--out", out, *extra, cwd=out.parent)
    assert done.returncode == 0, done.stderr
    return done.stderr


def _kept(summary: str, what: str) -> int:
    m = re.search(rf"(\d+) {what}(?: and [^)]*)? unchanged", summary) or re.search(
        rf"and (\d+) {what} unchanged", summary)
    return int(m.group(1)) if m else 0


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("reuse")
    ledger = root / "ledger"
    shutil.copytree(DEMO, ledger)
    site = root / "site"
    first = _build(ledger, site)
    # one client's invoice changes: C0005's last invoice
    invoices = ledger / "invoices.csv"
    text = invoices.read_text(encoding="utf-8")
    assert "INV-000728,C0005,2026-06-06,,1299.10" in text
    invoices.write_text(text.replace("INV-000728,C0005,2026-06-06,,1299.10",
                                     "INV-000728,C0005,2026-06-06,,1399.10"), encoding="utf-8")
    again = _build(ledger, site)
    fresh = root / "fresh"
    _build(ledger, fresh)
    return {"site": site, "fresh": fresh, "first": first, "again": again}


def test_a_rebuild_gives_the_bytes_of_a_build_from_nothing(rebuilt: dict[str, object]) -> None:
    site, fresh = tree_bytes(rebuilt["site"]), tree_bytes(rebuilt["fresh"])  # type: ignore[arg-type]
    assert sorted(site) == sorted(fresh)
    assert [k for k in site if site[k] != fresh[k]] == []
    assert MANIFEST in site


def test_a_rebuild_reuses_what_did_not_change(rebuilt: dict[str, object]) -> None:
    first, again = str(rebuilt["first"]), str(rebuilt["again"])
    assert "unchanged" not in first
    n_pdf = int(re.search(r"(\d+) PDFs", again).group(1))  # type: ignore[union-attr]
    n_pages = int(re.search(r"(\d+) pages", again).group(1))  # type: ignore[union-attr]
    kept_pdf, kept_pages = _kept(again, "PDFs"), _kept(again, "pages")
    # C0005's statement and page, and the pages and PDFs listing its balance, change
    assert n_pdf - 8 <= kept_pdf < n_pdf
    assert n_pages - 10 <= kept_pages < n_pages
    site = Path(str(rebuilt["site"]))
    manifest = read_manifest(site)
    assert manifest and all((site / rel).stat().st_size == size
                            for rel, (_, size) in manifest.items())


def test_the_manifest_reads_back(tmp_path: Path) -> None:
    entries = [("b.html", content_key("b"), 3), ("a dir/a.pdf", content_key(b"a"), 10)]
    write_manifest(tmp_path, entries)
    assert read_manifest(tmp_path) == {rel: (key, size) for rel, key, size in entries}
    (tmp_path / MANIFEST).write_text("garbage line\n", encoding="utf-8")
    assert read_manifest(tmp_path) == {}  # a damaged manifest reuses nothing
    assert read_manifest(tmp_path / "absent") == {}


def test_a_file_changed_since_its_build_is_written_again(tmp_path: Path) -> None:
    old, stage = tmp_path / "old", tmp_path / "stage"
    old.mkdir()
    stage.mkdir()
    (old / "p.html").write_text("<p>one</p>", encoding="utf-8")
    key = content_key(b"<p>one</p>")
    write_manifest(old, [("p.html", key, 10)])
    assert Reuse(old, stage).write_text("p.html", "<p>one</p>") == ("p.html", key, 10)
    assert (stage / "p.html").stat().st_ino == (old / "p.html").stat().st_ino  # linked
    (stage / "p.html").unlink()
    (old / "p.html").write_text("<p>edited by hand</p>", encoding="utf-8")
    assert Reuse(old, stage).write_text("p.html", "<p>one</p>") == ("p.html", key, 10)
    assert (stage / "p.html").read_text(encoding="utf-8") == "<p>one</p>"
    assert (stage / "p.html").stat().st_ino != (old / "p.html").stat().st_ino
    other = Reuse(old, tmp_path / "stage2")
    (tmp_path / "stage2").mkdir()
    assert other.link("p.html", content_key("different")) is None
