"""Reading one ledger CSV into a table of strings, with every problem located by line."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..diagnostics import Diagnostic, did_you_mean, display_path
from .dates import parse_days, parse_days_fast
from .schema import FileSchema
from .source import Source

BOM = b"\xef\xbb\xbf"
# Bytes that start every character a cell may be trimmed of (Unicode White_Space, which is
# what pyarrow's utf8_trim_whitespace and Python's str.strip remove): ASCII space, tab and
# the other ASCII separators, and the lead bytes of U+0085, U+00A0 (no-break space), U+1680,
# U+2000-U+205F and U+3000. Line ends need no test: outside quotes they end the row.
TRIM_BYTES = (b" ", b"\t", b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e", b"\x1f",
              b"\xc2", b"\xe1", b"\xe2", b"\xe3")
UNNAMED = " column {}"  # the name an unnamed header cell is read under (never a real name)


def _blank(cells: list[str]) -> bool:
    """A record with nothing in it: a blank line, or a spreadsheet's row of only commas."""
    return all(not c.strip() for c in cells)


def _records(text: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """(line where it starts, cells) of every data record after the header, as Python's csv
    reads it (the slow path, for locating problems only)."""
    reader = csv.reader(text)
    next(reader, None)
    prev_end = reader.line_num
    for row in reader:
        yield prev_end + 1, row  # it starts on the line after the previous record ended
        prev_end = reader.line_num


@dataclass
class LineMap:
    """Maps a data row (0-based, as read) to the line a text editor shows.

    Computed only when a problem needs a line: a plain file maps row i to line i + 2; quoted
    values with newlines, and the records the reader skips (blank lines, rows of only commas,
    rows with the wrong number of fields, a row whose quote is never closed), are counted
    exactly.
    """

    path: Path
    ncols: int = 0  # 0: any number of fields
    excluded: frozenset[int] = frozenset()  # start lines of records left out of the table
    # every data line is one row, in order (no quoted newline, nothing skipped): row i is
    # line i + 2 and the file need never be read again
    plain: bool = False
    _lines: np.ndarray | None = field(default=None, repr=False)

    def line(self, row: int) -> int:
        if self.plain:
            return row + 2
        if self._lines is None:
            self._lines = self._compute()
        if 0 <= row < len(self._lines):
            return int(self._lines[row])
        return row + 2

    def _compute(self) -> np.ndarray:
        with open(self.path, encoding="utf-8-sig", errors="replace", newline="") as fh:
            starts = [start for start, row in _records(fh)
                      if not _blank(row) and (not self.ncols or len(row) == self.ncols)
                      and start not in self.excluded]
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
        values = self.table.column(name)
        return values.chunk(0) if values.num_chunks == 1 else values.combine_chunks()

    def days(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The column parsed as day numbers, and where it is present but not a date (cached).

        A column of valid dates is cast in one pass; any other is parsed cell by cell's
        rules (parse_days), which tells the bad cells apart."""
        if name not in self._days:
            values = self.column(name)
            days = parse_days_fast(values)
            self._days[name] = ((days, np.zeros(len(days), dtype=bool)) if days is not None
                                else parse_days(values))
        return self._days[name]

    def release(self, keep: tuple[str, ...] = ()) -> Source:
        """What later diagnostics need once the file is typed: where each row came from, and
        the `keep` columns' strings; every other string is let go."""
        kept = {name: self.column(name) for name in keep}
        return Source(self.schema, self.path, self.lines, len(self), kept)

    def __len__(self) -> int:
        return int(self.table.num_rows)


def empty_table(schema: FileSchema, path: Path) -> RawTable:
    """A file with its header and no rows: stands in for one that could not be read, so the
    other files are still checked."""
    table = pa.table({c: pa.array([], pa.string()) for c in schema.required_columns})
    return RawTable(schema, path, table, LineMap(path))


def read_csv(path: Path, schema: FileSchema) -> tuple[RawTable | None, list[Diagnostic]]:
    """Read one canonical CSV as strings. Returns (None, errors) when it cannot be used at all.

    Rows that cannot be read (a wrong number of fields, a quote never closed) are reported and
    left out, so the rest of the file is still checked; blank rows and rows of only commas are
    skipped.
    """
    shown = display_path(path)
    diags: list[Diagnostic] = []
    data = path.read_bytes()
    if b"\r" in data and b"\n" not in data:  # classic Mac line ends (Excel "CSV (Macintosh)")
        data = data.replace(b"\r", b"\n")
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
    try:
        header = [h.strip() for h in next(csv.reader(io.StringIO(text_head, newline="")))]
    except csv.Error as exc:
        return None, [Diagnostic("error", shown, 1, None, "", f"cannot read the header row: "
                                 f"{exc}", "save the file as CSV with one header row")]
    # a column named in other case (DUE_DATE, Currency) is that column: read, not ignored
    canonical = {c.casefold(): c for c in schema.column_names}
    header = [h if h in schema.column_names else canonical.get(h.casefold(), h)
              for h in header]
    problems: list[Diagnostic] = []
    seen: set[str] = set()
    for h in header:
        if h and h in seen:
            problems.append(Diagnostic("error", shown, 1, h, h, f"column '{h}' appears twice"))
        seen.add(h)
    known = schema.column_names
    explained: set[str] = set()
    for req in schema.required_columns:
        if req not in header:
            unknown = [h for h in header if h and h not in known]
            close = did_you_mean(req, unknown)
            hint = ""
            if close:
                found = close.split("'")[1]
                explained.add(found)
                hint = f"the header has '{found}'; did you mean '{req}'?"
            problems.append(Diagnostic(
                "error", shown, 1, req, req, f"missing required column '{req}'",
                hint or (f"the header is one column holding '{sep}': save the file "
                         "with commas between columns" if len(header) == 1 and
                         (sep := next((s for s in (";", "\t", "|") if s in header[0]), ""))
                         else f"the header has: {','.join(header)}")))
    for h in header:
        if h and h not in known and h not in explained:
            hint = did_you_mean(h, [c for c in known if c not in header], cutoff=0.75)
            if hint:
                diags.append(Diagnostic("warning", shown, 1, h, h,
                                        f"unknown column '{h}' is ignored", hint))
    if problems:
        return None, problems + diags
    names = [h or UNNAMED.format(k + 1) for k, h in enumerate(header)]

    bad_rows: list[Diagnostic] = []
    ncols = len(header)

    def on_invalid(row: pacsv.InvalidRow) -> str:
        if row.text.replace(",", "").strip():  # a row of only commas is skipped, not an error
            line = row.number if row.number and row.number > 0 else None
            bad_rows.append(_field_count_error(shown, line, row.actual_columns, ncols,
                                               row.text))
        return "skip"

    # Fast paths that change nothing in the result: without a quote character no value can
    # hold a newline (so pyarrow may parse blocks in parallel), and without a byte that can
    # start a whitespace character no cell needs trimming.
    quoted = b'"' in data
    padded = any(b in data for b in TRIM_BYTES)  # single bytes: a memchr each, fast
    def parse(buffer: bytes | memoryview) -> pa.Table:
        return pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(buffer)),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1,
                                           block_size=1 << 20),
            parse_options=pacsv.ParseOptions(newlines_in_values=quoted,
                                              invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in names}, null_values=[""],
                strings_can_be_null=True, quoted_strings_can_be_null=True),
        )

    try:
        table = parse(body)
    except pa.ArrowInvalid as exc:
        msg = str(exc)
        if "utf8" not in msg.lower():
            return None, [Diagnostic("error", shown, None, None, "",
                                     f"cannot read the CSV: {msg}")]
        # Not UTF-8 (a spreadsheet's Latin-1 or Windows-1252 export): every such line is
        # an error, and the file is read on as Windows-1252 so its other problems show too.
        problems.extend(_not_utf8_lines(bytes(body), header, shown))
        body = memoryview(bytes(body).decode("cp1252", errors="replace").encode("utf-8"))
        data = bytes(body)
        bad_rows.clear()
        try:
            table = parse(body)
        except pa.ArrowInvalid as again:
            return None, problems + [Diagnostic("error", shown, None, None, "",
                                                f"cannot read the CSV: {again}")]

    excluded: set[int] = set()
    if quoted and data.count(b'"') % 2 == 1:  # an odd count: maybe a quote never closed
        unclosed = _unclosed_quote(bytes(body), header, ncols, shown)
        if unclosed is not None:
            diag, row_start, kept = unclosed
            problems.append(diag)
            excluded.add(row_start)
            if kept and table.num_rows:
                table = table.slice(0, table.num_rows - 1)
            if any(d.line is None for d in bad_rows):
                bad_rows = _locate_bad_rows(bytes(body), ncols, shown)
            bad_rows = [d for d in bad_rows if d.line != row_start]
    if bad_rows and any(d.line is None for d in bad_rows):
        bad_rows = _locate_bad_rows(bytes(body), ncols, shown)
    if padded:
        cols = {}
        for name in names:
            col = pc.utf8_trim_whitespace(table.column(name))
            cols[name] = pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col)
        table = pa.table(cols)
    if ncols and table.num_rows and table.column(0).null_count:
        # rows of only commas (spreadsheet leftovers) are skipped, as blank lines are
        empty = pc.is_null(table.column(0))
        for name in names[1:]:
            empty = pc.and_(empty, pc.is_null(table.column(name)))
        if pc.any(empty).as_py():
            table = table.filter(pc.invert(empty))
    lines = LineMap(path, ncols, frozenset(excluded),
                    plain=not excluded and _data_lines(data) == table.num_rows)
    raw = RawTable(schema, path, table, lines)
    for k, h in enumerate(header):
        if not h:
            problems.extend(_unnamed_column(raw, names[k], k + 1, shown))
            table = table.drop_columns([names[k]])
    raw.table = table.combine_chunks()  # one chunk per column: column() copies nothing
    return raw, problems + bad_rows + diags


def _data_lines(data: bytes) -> int:
    """The lines after the header, as a text editor (and Python's csv module) counts them:
    each CR LF, LF or lone CR ends one."""
    ends = int(np.count_nonzero(np.frombuffer(data, dtype=np.uint8) == 10))  # LF, fast
    if b"\r" in data:
        ends += data.count(b"\r") - data.count(b"\r\n")
    if data and data[-1:] not in (b"\n", b"\r"):
        ends += 1  # the last line has no line end
    return ends - 1


def _unnamed_column(raw: RawTable, name: str, position: int, shown: str) -> list[Diagnostic]:
    """A header cell left empty: ignored with a warning while its column is empty too (a
    spreadsheet's trailing comma), an error once a row puts a value in it."""
    values = raw.column(name)
    where = f"column {position}"
    if values.null_count == len(values):
        return [Diagnostic("warning", shown, 1, where, where,
                           "no name in the header and no value in any row; the column is "
                           "ignored")]
    first = int(np.flatnonzero(np.asarray(values.is_valid().to_numpy(zero_copy_only=False)))[0])
    return [Diagnostic("error", shown, 1, where, where,
                       f"no name in the header, but line {raw.lines.line(first)} has a value "
                       f"in it ({values[first].as_py()!r})",
                       "name the column in the header row, or delete its values")]


def _field_count_error(shown: str, line: int | None, actual: int, ncols: int,
                       text: str) -> Diagnostic:
    return Diagnostic("error", shown, line, None, "",
                      f"row has {actual} fields, the header has {ncols}: {_clip(text)}",
                      "quote values that contain commas")


def _clip(text: str, width: int = 60) -> str:
    text = text.replace("\n", " ")
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def _locate_bad_rows(body: bytes, ncols: int, shown: str) -> list[Diagnostic]:
    """Rows whose field count differs from the header, by line (error path only)."""
    text = io.StringIO(body.decode("utf-8", errors="replace"), newline="")
    return [_field_count_error(shown, start, len(row), ncols, ",".join(row))
            for start, row in _records(text) if len(row) != ncols and not _blank(row)]


def _unclosed_quote(body: bytes, header: list[str], ncols: int, shown: str
                    ) -> tuple[Diagnostic, int, bool] | None:
    """A quote that opens a value and is never closed swallows the rest of the file into that
    value. Returns the error (at the line where the quote opened), the line where its row
    starts, and whether the row has the header's number of fields (so it was read as the
    table's last row); None when every quote is closed. Error path only."""
    text = body.decode("utf-8", errors="replace")
    last: tuple[int, list[str]] | None = None
    for record in _records(io.StringIO(text, newline="")):
        last = record
    if last is None:
        return None
    row_start, row = last
    physical = io.StringIO(text, newline="").readlines()
    tail = "".join(physical[row_start - 1:])
    try:
        list(csv.reader(io.StringIO(tail, newline=""), strict=True))  # strict: raises at EOF
    except csv.Error as exc:
        if "unexpected end of data" not in str(exc):
            return None
    else:
        return None
    index = max(len(row) - 1, 0)
    opened = row_start + sum(cell.count("\n") for cell in row[:index])
    column = header[index] if index < len(header) and header[index] else f"column {index + 1}"
    last_line = len(physical)
    swallowed = (f"; lines {opened + 1}-{last_line} are read as part of it"
                 if last_line > opened else "")
    diag = Diagnostic("error", shown, opened, column, column,
                      f"a quoted value opens here and is never closed{swallowed}",
                      "close the quote, or remove it")
    return diag, row_start, len(row) == ncols and not _blank(row)


def _not_utf8_lines(body: bytes, header: list[str], shown: str,
                    limit: int = 20) -> list[Diagnostic]:
    """Each line (as an editor counts them, the header being line 1) holding bytes that are
    not UTF-8, with the column and the byte, read as Windows-1252 to show what was meant."""
    out: list[Diagnostic] = []
    count = 0
    for number, raw in enumerate(body.split(b"\n"), start=1):
        try:
            raw.decode("utf-8")
            continue
        except UnicodeDecodeError as exc:
            count += 1
            if count > limit:
                continue
            byte = raw[exc.start]
            cells = next(csv.reader([raw.decode("cp1252", errors="replace")]), [])
            column = None
            value = raw.decode("cp1252", errors="replace").strip()
            # Latin-1 keeps every byte as one character: the first cell whose bytes are not
            # UTF-8 is the column (quotes and all, as the csv module reads them)
            for k, cell in enumerate(next(csv.reader([raw.decode("latin-1")]), [])):
                try:
                    cell.encode("latin-1").decode("utf-8")
                except UnicodeDecodeError as inner:
                    column = header[k] if k < len(header) and header[k] else f"column {k + 1}"
                    value = cells[k] if k < len(cells) else cell
                    byte = cell.encode("latin-1")[inner.start]
                    break
            meant = bytes([byte]).decode("cp1252", errors="replace")
            out.append(Diagnostic(
                "error", shown, number, column, column or "",
                f"byte 0x{byte:02X} in '{value}' is not UTF-8 text (in Windows-1252 it is "
                f"'{meant}')", "save the file as UTF-8 (CSV UTF-8 in Excel)"))
    if count > limit:
        out.append(Diagnostic("error", shown, None, None, "",
                              f"... and {count - limit} more lines that are not UTF-8"))
    return out
