"""Where a typed ledger's rows came from: the file, each row's line, and the few columns of
strings later warnings quote, once the file's other strings are let go."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from ..diagnostics import display_path
from .schema import FileSchema

if TYPE_CHECKING:
    from .csvread import LineMap

# The string columns kept after loading, per file: what later warnings quote (the clients'
# segments, and their ids to find the line naming a client). Every other cell lives on only
# as the typed frames' values.
KEPT_COLUMNS: dict[str, tuple[str, ...]] = {"clients": ("client_id", "segment")}


@dataclass
class Source:
    """A ledger file after loading: its path, the line of each row, and the kept columns."""

    schema: FileSchema
    path: Path
    lines: LineMap
    rows: int
    kept: dict[str, pa.Array] = field(default_factory=dict, repr=False)

    @property
    def display(self) -> str:
        return display_path(self.path)

    def has(self, column: str) -> bool:
        return column in self.kept

    def column(self, name: str) -> pa.Array:
        """A kept column's trimmed strings (null where empty); only KEPT_COLUMNS are kept."""
        if name not in self.kept:
            if name in self.schema.column_names:
                raise KeyError(f"{self.schema.filename}: column '{name}' is not kept after "
                               "loading (see ledger.source.KEPT_COLUMNS)")
            return pa.nulls(self.rows, pa.string())
        return self.kept[name]

    def __len__(self) -> int:
        return self.rows
