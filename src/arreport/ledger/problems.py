"""Located problems gathered while a ledger is typed: the first few per file and column are
shown with their line, the rest counted."""

from __future__ import annotations

from typing import Protocol

import numpy as np
import pyarrow as pa

from ..diagnostics import Diagnostic, Severity

MAX_SHOWN = 20  # located messages per file and column; the rest are counted


class Located(Protocol):
    """A file whose rows have lines: a RawTable while loading, a Source after."""

    @property
    def display(self) -> str: ...

    @property
    def lines(self) -> _Lines: ...


class _Lines(Protocol):
    def line(self, row: int) -> int: ...


class Problems:
    """Collects located problems per file and column, showing the first few of each."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []
        self._counts: dict[tuple[str, str, str], int] = {}

    def add_rows(self, raw: Located, mask: np.ndarray, column: str, values: pa.Array | None,
                 message: str, hint: str = "", severity: Severity = "error") -> None:
        rows = np.flatnonzero(mask)
        if len(rows) == 0:
            return
        key = (raw.display, column, severity)
        shown = self._counts.get(key, 0)
        for r in rows[: max(0, MAX_SHOWN - shown)]:
            value = values[int(r)].as_py() if values is not None else None
            text = message.format(value=value)
            self.items.append(Diagnostic(severity, raw.display, raw.lines.line(int(r)),
                                         column, column, text, hint))
        self._counts[key] = shown + len(rows)
        more = shown + len(rows) - MAX_SHOWN
        if more > 0 and shown < MAX_SHOWN:
            self.items.append(Diagnostic(severity, raw.display, None, column, column,
                                         f"... and {more} more rows like these", ""))

    def add(self, diag: Diagnostic) -> None:
        self.items.append(diag)

    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.items)
