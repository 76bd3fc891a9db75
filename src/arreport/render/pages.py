"""Writing the site's HTML pages: long tables split into pages, every page rendered and
written by a pool of forked processes sized to the cores.

A page job is a function that renders and writes some pages and returns their manifest
entries (render.reuse: path, key, size; a page unchanged since the previous build is linked
rather than written again). The jobs
are listed before the pool forks, so each worker reads the prepared figures from the memory
it inherited and only a job's number crosses between processes; every page is a file of
its own, so the output does not depend on which worker wrote what.
"""

from __future__ import annotations

import math
import multiprocessing
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .reuse import Entry

PAGE_ROWS = 500  # rows of a long table on one page
ACTION_ROWS = 200  # client actions on one page (each with its invoices and reasons)
CLIENTS_PER_JOB = 400
PAGES_PER_JOB = 8  # pages of a long table per job
MIN_PAGES_FOR_POOL = 2000  # below this a pool costs more than it saves

PageJob = Callable[[], list[Entry]]


@dataclass(frozen=True)
class Paged:
    """One page of a long list: `rows` are rows first..last (1-based) of `total`.

    Page 1 is part of a page of the site (`home`, e.g. "aging.html#USD"); page n ≥ 2 is a
    page of its own, `{stem}-{n}.html`, beside it.
    """

    rows: Sequence[Any]
    number: int
    pages: int
    total: int
    first: int
    stem: str
    home: str
    title: str  # what the list is, for the heading of pages 2 and on

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1

    def href(self, number: int) -> str:
        return self.home if number == 1 else f"{self.stem}-{number}.html"

    @property
    def file(self) -> str:
        return f"{self.stem}-{self.number}.html"


def paginate(rows: Sequence[Any], stem: str, home: str, title: str,
             size: int = PAGE_ROWS) -> list[Paged]:
    """`rows` as pages of `size` (at least one page, empty when there are no rows)."""
    size = max(int(size), 1)
    pages = max(math.ceil(len(rows) / size), 1)
    return [Paged(rows=rows[k * size:(k + 1) * size], number=k + 1, pages=pages,
                  total=len(rows), first=k * size + 1, stem=stem, home=home, title=title)
            for k in range(pages)]


_JOBS: list[PageJob] = []


def _run(k: int) -> list[Entry]:
    return _JOBS[k]()


def workers_for(pages: int) -> int:
    """Processes for `pages` pages: one per core the process may use, one for few pages."""
    if pages < MIN_PAGES_FOR_POOL or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def run_jobs(jobs: Sequence[PageJob], workers: int) -> list[Entry]:
    """Run every job, in `workers` forked processes when more than one; the pages written
    (their manifest entries, in no particular order)."""
    if workers <= 1 or len(jobs) <= 1:
        return [entry for job in jobs for entry in job()]
    global _JOBS
    _JOBS = list(jobs)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return [entry for done in pool.imap_unordered(_run, range(len(jobs)), chunksize=1)
                    for entry in done]
    finally:
        _JOBS = []
