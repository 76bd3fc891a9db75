"""The built demo site hangs together: every page has a proper title and every link inside
the site points at a file the build wrote."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO, SHIPPED_POLICIES, run_arreport

DEMO = REPO / "examples" / "demo"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    as_of = (DEMO / "AS_OF").read_text().strip()
    done = run_arreport("build", "--ledger", DEMO, "--policies", SHIPPED_POLICIES, "--as-of",
                        as_of, "--out", out, "--no-pdf", cwd=REPO)
    assert done.returncode == 0, done.stderr
    return out


def test_every_page_has_one_short_title(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 30
    for page in pages:
        head = page.read_text(encoding="utf-8").split("</head>", 1)[0]  # not SVG titles
        titles = re.findall(r"<title>(.*?)</title>", head, re.S)
        assert len(titles) == 1 and "<" not in titles[0] and len(titles[0]) < 120, page


def test_every_internal_link_resolves(site: Path) -> None:
    broken = []
    for page in site.rglob("*.html"):
        for href in re.findall(r'href="([^"#]+)(?:#[^"]*)?"', page.read_text(encoding="utf-8")):
            if href.startswith(("mailto:", "tel:", "http:", "https:")):
                continue
            target = (page.parent / href).resolve()
            # PDFs are not built with --no-pdf and pages then do not link them
            if not target.exists():
                broken.append(f"{page.relative_to(site)} -> {href}")
    assert broken == []


def test_pages_name_the_core_sections(site: Path) -> None:
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "Receivables as of Jun 30, 2026" in index
    assert "names unknown invoice" in index  # the run's warning is on the dashboard
    actions = (site / "actions.html").read_text(encoding="utf-8")
    assert "Credit holds" in actions and "escalation.yaml:" in actions
    policies = (site / "policies.html").read_text(encoding="utf-8")
    assert "30 days after due" in policies and "escalation.yaml:11" in policies
