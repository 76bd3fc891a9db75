"""Grouped integer arithmetic on sorted keys: exact int64 sums and runs, no Python loops."""

from __future__ import annotations

import numpy as np


def sum_by(codes: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Exact int64 sum of `values` per code in [0, n). (np.bincount would go through floats.)"""
    out = np.zeros(n, dtype=np.int64)
    np.add.at(out, np.asarray(codes, dtype=np.intp), np.asarray(values, dtype=np.int64))
    return out


def run_starts(sorted_keys: np.ndarray) -> np.ndarray:
    """Boolean mask: True where a run of equal keys begins."""
    if len(sorted_keys) == 0:
        return np.zeros(0, dtype=bool)
    return np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]


def cumsum_before(sorted_keys: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Sum of the values before each row within its run of equal keys (rows sorted by key)."""
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64)
    total = np.cumsum(values, dtype=np.int64)
    before_all = total - values
    starts = run_starts(sorted_keys)
    run_id = np.cumsum(starts) - 1
    return before_all - before_all[starts][run_id]


def lexsort_with_ids(keys: list[np.ndarray], ids: np.ndarray, tail: np.ndarray | None = None
                     ) -> np.ndarray:
    """Order rows by `keys` (most significant first), ties broken by the `ids` text, then `tail`.

    Sorting a million strings is the expensive part, so only rows whose numeric keys tie are
    ordered by their text.
    """
    n = len(keys[0]) if keys else len(ids)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    extra = [tail] if tail is not None else []
    order = np.lexsort(extra + list(keys[::-1]))
    boundary = np.zeros(n, dtype=bool)
    for k in keys:
        boundary |= run_starts(k[order])
    run_id = np.cumsum(boundary) - 1
    tied = np.bincount(run_id)[run_id] > 1
    if not tied.any():
        return order
    pos = np.flatnonzero(tied)
    sub = order[pos]
    sub_ids = _take_text(ids, sub)
    sub_order = np.lexsort(([tail[sub]] if tail is not None else []) + [sub_ids, run_id[pos]])
    order = order.copy()
    order[pos] = sub[sub_order]
    return order


def _take_text(ids: object, rows: np.ndarray) -> np.ndarray:
    """The ids of `rows` as a numpy str array; only these few are materialised."""
    import pandas as pd

    if isinstance(ids, pd.Series):
        return np.asarray(ids.iloc[rows].to_numpy(dtype=object)).astype(str)
    return np.asarray(ids, dtype=object)[rows].astype(str)
