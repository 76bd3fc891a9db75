"""Reading one ledger CSV into a table of strings, with every problem located by line."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..diagnostics import Diagnostic, did_you_mean, display_path
from .dates import parse_days
from .schema import FileSchema

BOM = b"\xef\xbb\xbf"


@dataclass
class LineMap:
    """Maps a data row (0-based, as read) to the line a text editor shows.

    Computed only when a problem needs a line: a plain file maps row i to line i + 2; quoted
    values with newlines and blank lines (which the reader skips) are counted exactly.
    """

    path: Path
    _lines: np.ndarray | None = field(default=None, repr=False)

    def line(self, row: int) -> int:
        if self._lines is None:
            self._lines = self._compute()
        if 0 <= row < len(self._lines):
            return int(self._lines[row])
        return row + 2

    def _compute(self) -> np.ndarray:
        starts: list[int] = []
        with open(self.path, encoding="utf-8-sig", errors="replace", newline="") as fh:
            reader = csv.reader(fh)
            next(reader, None)
            prev_end = reader.line_num
            for row in reader:
                if row and any(cell != "" for cell in row) or len(row) > 1:
                    # the row started on the first line after the previous row ended
                    starts.append(prev_end + 1)
                prev_end = reader.line_num
        return np.asarray(starts, dtype=np.int64)


@dataclass
class RawTable:
    """A ledger file as read: every cell a trimmed string or null, plus where it came from."""

    schema: FileSchema
    path: Path
    table: pa.Table
    lines: LineMap
    _days: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)

    @property
    def display(self) -> str:
        return display_path(self.path)

    def has(self, column: str) -> bool:
        return column in self.table.column_names

    def column(self, name: str) -> pa.Array:
        """The column's trimmed strings (null where empty or absent)."""
        if name not in self.table.column_names:
            return pa.nulls(self.table.num_rows, pa.string())
        return self.table.column(name).combine_chunks()

    def days(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The column parsed as day numbers, and where it is present but not a date (cached)."""
        if name not in self._days:
            self._days[name] = parse_days(self.column(name))
        return self._days[name]

    def __len__(self) -> int:
        return int(self.table.num_rows)


def read_csv(path: Path, schema: FileSchema) -> tuple[RawTable | None, list[Diagnostic]]:
    """Read one canonical CSV as strings. Returns (None, errors) when it cannot be used at all."""
    shown = display_path(path)
    diags: list[Diagnostic] = []
    data = path.read_bytes()
    start = len(BOM) if data.startswith(BOM) else 0
    body = memoryview(data)[start:]
    if not data[start:start + 4096].strip() and not data[start:].strip():
        return None, [Diagnostic("error", shown, None, None, "", "the file is empty",
                                 f"expected a header row: {','.join(schema.required_columns)}")]
    try:
        newline = data.find(b"\n", start)
        text_head = data[start: newline if newline >= 0 else len(data)].decode("utf-8")
    except UnicodeDecodeError:
        return None, [Diagnostic("error", shown, 1, None, "", "the header row is not UTF-8 text",
                                 "save the file as UTF-8")]
    header = [h.strip() for h in next(csv.reader(io.StringIO(text_head)))]
    problems: list[Diagnostic] = []
    seen: set[str] = set()
    for h in header:
        if h in seen:
            problems.append(Diagnostic("error", shown, 1, h, h, f"column '{h}' appears twice"))
        if not h:
            problems.append(Diagnostic("error", shown, 1, None, "", "a column has no name"))
        seen.add(h)
    known = schema.column_names
    explained: set[str] = set()
    for req in schema.required_columns:
        if req not in header:
            unknown = [h for h in header if h not in known]
            close = did_you_mean(req, unknown)
            hint = ""
            if close:
                found = close.split("'")[1]
                explained.add(found)
                hint = f"the header has '{found}'; did you mean '{req}'?"
            problems.append(Diagnostic(
                "error", shown, 1, req, req, f"missing required column '{req}'",
                hint or f"the header has: {','.join(header)}"))
    for h in header:
        if h and h not in known and h not in explained:
            hint = did_you_mean(h, [c for c in known if c not in header], cutoff=0.75)
            if hint:
                diags.append(Diagnostic("warning", shown, 1, h, h,
                                        f"unknown column '{h}' is ignored", hint))
    if problems:
        return None, problems + diags

    bad_rows: list[Diagnostic] = []
    ncols = len(header)

    def on_invalid(row: pacsv.InvalidRow) -> str:
        line = row.number if row.number and row.number > 0 else None
        bad_rows.append(Diagnostic(
            "error", shown, line, None, "",
            f"row has {row.actual_columns} fields, the header has {ncols}: {_clip(row.text)}",
            "quote values that contain commas"))
        return "skip"

    # Fast paths that change nothing in the result: without a quote character no value can
    # hold a newline (so pyarrow may parse blocks in parallel), and without a space or tab
    # no cell needs trimming.
    quoted = b'"' in data
    padded = b" " in data or b"\t" in data  # single bytes: a memchr each, fast
    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(body)),
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1,
                                           block_size=1 << 20),
            parse_options=pacsv.ParseOptions(newlines_in_values=quoted,
                                              invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in header}, null_values=[""],
                strings_can_be_null=True, quoted_strings_can_be_null=True),
        )
    except pa.ArrowInvalid as exc:
        msg = str(exc)
        line = _first_bad_utf8_line(bytes(body)) if "UTF8" in msg or "utf8" in msg.lower() else None
        if line is not None:
            return None, [Diagnostic("error", shown, line, None, "", "the line is not UTF-8 text",
                                     "save the file as UTF-8")]
        return None, [Diagnostic("error", shown, None, None, "", f"cannot read the CSV: {msg}")]
    if bad_rows:
        if any(d.line is None for d in bad_rows):
            bad_rows = _locate_bad_rows(bytes(body), ncols, shown)
        return None, bad_rows + diags
    if padded:
        cols = {}
        for name in header:
            col = pc.utf8_trim_whitespace(table.column(name))
            cols[name] = pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col)
        table = pa.table(cols)
    return RawTable(schema, path, table, LineMap(path)), diags


def _clip(text: str, width: int = 60) -> str:
    text = text.replace("\n", " ")
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def _locate_bad_rows(body: bytes, ncols: int, shown: str) -> list[Diagnostic]:
    """Rows whose field count differs from the header, by line (error path only)."""
    out: list[Diagnostic] = []
    reader = csv.reader(io.StringIO(body.decode("utf-8", errors="replace"), newline=""))
    next(reader, None)
    start = reader.line_num + 1
    for row in reader:
        if row and len(row) != ncols:
            out.append(Diagnostic("error", shown, start, None, "",
                                  f"row has {len(row)} fields, the header has {ncols}: "
                                  f"{_clip(','.join(row))}",
                                  "quote values that contain commas"))
        start = reader.line_num + 1
    return out


def _first_bad_utf8_line(body: bytes) -> int | None:
    for number, raw in enumerate(body.split(b"\n"), start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return number
    return None
