"""The site's pages: long tables split into pages that together hold every row once, linked
both ways; the same files whatever the number of processes or the size of their jobs."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest

from arreport.pipeline import compute, load_inputs
from arreport.render.build import write_site
from arreport.render.pages import paginate
from conftest import REPO, SHIPPED_POLICIES, tree_bytes

DEMO = REPO / "examples" / "demo"
SMALL = {"page_rows": 4, "action_rows": 2, "clients_per_job": 7}


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    ledger, policies, diags = load_inputs(DEMO, SHIPPED_POLICIES)
    as_of = dt.date.fromisoformat((DEMO / "AS_OF").read_text().strip())
    return compute(ledger, policies, as_of, diags)


@pytest.fixture(scope="module")
def sites(report, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("pages")
    out = {
        "whole": root / "whole",  # default page sizes: nothing of the demo is split
        "paged": root / "paged",
        "paged-pool": root / "paged-pool",
    }
    write_site(report, out["whole"], pdf=False, workers=1)
    write_site(report, out["paged"], pdf=False, workers=1, paging=SMALL)
    write_site(report, out["paged-pool"], pdf=False, workers=2,
               paging={**SMALL, "clients_per_job": 3})
    return out


def _rows(path: Path) -> list[str]:
    """The body rows of every table on a page, one string each."""
    text = path.read_text(encoding="utf-8")
    rows = []
    for body in re.findall(r"<tbody>(.*?)</tbody>", text, re.S):
        rows += [r.strip() for r in re.findall(r"<tr[ >].*?</tr>", body, re.S)]
    return rows


def _page_number(path: Path) -> int:
    m = re.search(r"-(\d+)\.html$", path.name)
    return int(m.group(1)) if m else 1


def test_paginate_splits_in_order() -> None:
    pages = paginate(list(range(10)), "x", "x.html", "X", size=4)
    assert [list(p.rows) for p in pages] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert [(p.first, p.last, p.number, p.pages) for p in pages] == [
        (1, 4, 1, 3), (5, 8, 2, 3), (9, 10, 3, 3)]
    assert pages[0].href(1) == "x.html" and pages[0].href(3) == "x-3.html"
    assert pages[2].file == "x-3.html"
    empty = paginate([], "x", "x.html", "X", size=4)
    assert len(empty) == 1 and list(empty[0].rows) == [] and empty[0].pages == 1
    assert len(paginate(list(range(8)), "x", "x.html", "X", size=4)) == 2


def test_default_sizes_leave_the_demo_pages_whole(sites: dict[str, Path]) -> None:
    whole = sites["whole"]
    assert not [p.name for p in whole.glob("*-[0-9]*.html")]
    assert "pager" not in (whole / "aging.html").read_text(encoding="utf-8")


def test_pages_together_hold_every_row_once(sites: dict[str, Path]) -> None:
    whole, paged = sites["whole"], sites["paged"]
    for name in ("aging", "clients", "risk", "actions"):
        expected = Counter(_rows(whole / f"{name}.html"))
        extra = sorted(paged.glob(f"{name}-*.html"))
        assert extra, f"the demo's {name} page is long enough to be split at 4 rows"
        got = Counter(_rows(paged / f"{name}.html"))
        for page in extra:
            got += Counter(_rows(page))
        assert got == expected, name


def test_a_list_keeps_its_order_across_pages(sites: dict[str, Path]) -> None:
    whole, paged = sites["whole"], sites["paged"]
    # the risk ranking is the last table of risk.html: its first page is the last 4 rows
    got = _rows(paged / "risk.html")[-4:]
    pages = sorted(paged.glob("risk-ranking-*.html"), key=_page_number)
    assert pages
    for page in pages:
        got += _rows(page)
    assert got == _rows(whole / "risk.html")[-len(got):]


def test_pages_link_both_ways(sites: dict[str, Path]) -> None:
    paged = sites["paged"]
    page2 = paged / "clients-2.html"
    text = page2.read_text(encoding="utf-8")
    assert 'href="clients.html"' in text and 'rel="next" href="clients-3.html"' in text
    assert 'rel="prev" href="clients.html"' in text
    assert 'aria-current="page">2<' in text
    first = (paged / "clients.html").read_text(encoding="utf-8")
    assert 'rel="next" href="clients-2.html"' in first and "Rows 1–4 of" in first
    broken = []
    for page in paged.rglob("*.html"):
        for href in re.findall(r'href="([^"#]+)(?:#[^"]*)?"', page.read_text(encoding="utf-8")):
            if href.startswith(("mailto:", "tel:", "http:", "https:")):
                continue
            if not (page.parent / href).resolve().exists():
                broken.append(f"{page.relative_to(paged)} -> {href}")
    assert broken == []


def test_same_files_whatever_the_processes(sites: dict[str, Path]) -> None:
    one, pool = tree_bytes(sites["paged"]), tree_bytes(sites["paged-pool"])
    assert sorted(one) == sorted(pool)
    assert [k for k in one if one[k] != pool[k]] == []


def test_client_pages_do_not_depend_on_the_job_size(sites: dict[str, Path]) -> None:
    whole, paged = tree_bytes(sites["whole"]), tree_bytes(sites["paged"])
    clients = [k for k in whole if k.startswith("clients/")]
    assert len(clients) > 30
    assert [k for k in clients if whole[k] != paged.get(k)] == []
