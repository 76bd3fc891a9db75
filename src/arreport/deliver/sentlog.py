"""The sent log: one CSV row per message the SMTP server accepted, so `send` never delivers a
message twice and `build` counts the steps it emailed as contacts.

A row is written, flushed and fsynced as soon as the server accepts its message; one `send`
at a time holds the lock file beside the log (`sent_log.csv.lock`).
"""

from __future__ import annotations

import csv
import datetime as dt
import fcntl
import io
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pandas as pd

from ..diagnostics import Diagnostic, InputError, display_path
from ..ledger.dates import DATE_PATTERN, DATE_RANGE, in_range

COLUMNS = ("sent_at", "message_id", "client_id", "document", "step", "invoice_ids", "as_of",
           "to", "subject", "file")
HEADER_HINT = f"the header must be {','.join(COLUMNS)}"
_BREAKS = re.compile(r"[\r\n]+")


def read_sent_log(path: Path) -> tuple[pd.DataFrame, list[Diagnostic]]:
    """The log's rows as strings in COLUMNS (the index is each row's line in the file) and
    its problems.

    An absent file is an empty log. A wrong header makes the whole file unusable; a row with
    a wrong number of fields, no message id or a bad as_of date is reported by line and left
    out. Blank lines are skipped.
    """
    if not path.exists():
        return _frame([], []), []
    shown = display_path(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        return _frame([], []), [Diagnostic("error", shown, line, None, "",
                                           f"byte 0x{data[exc.start]:02X} is not UTF-8 text",
                                           "the sent log is written as UTF-8; restore it")]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        return _frame([], []), [Diagnostic("error", shown, 1, None, "",
                                           f"cannot read the header row: {exc}", HEADER_HINT)]
    if header is None:
        return _frame([], []), []  # created but never written to: no rows yet
    if tuple(header) != COLUMNS:
        return _frame([], []), [Diagnostic("error", shown, 1, None, "",
                                           f"unexpected header {','.join(header)!r}",
                                           HEADER_HINT)]
    rows: list[list[str]] = []
    lines: list[int] = []
    diags: list[Diagnostic] = []
    start = reader.line_num + 1
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            diags.append(Diagnostic("error", shown, start, None, "",
                                    f"cannot read the row: {exc}", "a quote is never closed"))
            break
        if cells is None:
            break
        line, start = start, reader.line_num + 1
        problem = _row_problem(cells, shown, line)
        if problem is not None:
            diags.append(problem)
        elif cells:
            rows.append(cells)
            lines.append(line)
    return _frame(rows, lines), diags


def _row_problem(cells: list[str], shown: str, line: int) -> Diagnostic | None:
    if not cells:
        return None
    if len(cells) != len(COLUMNS):
        return Diagnostic("error", shown, line, None, "",
                          f"{len(cells)} fields, expected {len(COLUMNS)}",
                          "a row cut short by a crash can be deleted (that message may then "
                          "be sent again)")
    row = dict(zip(COLUMNS, cells, strict=True))
    if not row["message_id"].strip():
        return Diagnostic("error", shown, line, "message_id", "message_id",
                          "no message id", "every row needs the Message-ID it delivered")
    as_of = row["as_of"]
    try:
        if not re.fullmatch(DATE_PATTERN, as_of):
            raise ValueError(as_of)
        day = dt.date.fromisoformat(as_of)
    except ValueError:
        return Diagnostic("error", shown, line, "as_of", "as_of",
                          f"'{as_of}' is not a date", "expected YYYY-MM-DD")
    if not in_range(day):
        return Diagnostic("error", shown, line, "as_of", "as_of",
                          f"'{as_of}' is outside the dates arreport accepts",
                          f"expected a date {DATE_RANGE}")
    return None


def _frame(rows: list[list[str]], lines: list[int]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(COLUMNS), dtype=str,
                         index=pd.Index(lines, dtype="int64", name="line"))
    return frame.astype(str)


def sent_ids(path: Path) -> set[str]:
    """The Message-IDs the log records as delivered. A log with errors raises InputError:
    a row that cannot be read may be a delivered message, and sending it again is worse
    than stopping."""
    frame, diags = read_sent_log(path)
    if any(d.severity == "error" for d in diags):
        raise InputError(diags)
    return set(frame["message_id"].str.strip().tolist())


def sent_at(moment: dt.datetime) -> str:
    """An aware datetime as the log's ISO UTC timestamp, 2026-12-03T06:16:18Z."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class SentLog:
    """The sent log open for appending during one run: each row is durable once `append`
    returns."""

    def __init__(self, path: Path):
        self.path = path
        self._file: IO[str] | None = None

    def append(self, row: Mapping[str, str]) -> None:
        """Write one row (COLUMNS as keys; the header first when the log is new), with every
        CR and LF made a space, then flush and fsync."""
        if self._file is None:
            self.open()
        assert self._file is not None
        cells = [_BREAKS.sub(" ", str(row.get(name, "") or "")) for name in COLUMNS]
        csv.writer(self._file, lineterminator="\n").writerow(cells)
        self._file.flush()
        os.fsync(self._file.fileno())

    def open(self) -> None:
        """Create the log with its header when it is new (a no-op once open)."""
        if self._file is None:
            self._file = self._open_file()

    def _open_file(self) -> IO[str]:
        new = not self.path.exists()
        handle = open(self.path, "a+", encoding="utf-8", newline="")  # noqa: SIM115
        end = handle.seek(0, os.SEEK_END)
        if end == 0:
            csv.writer(handle, lineterminator="\n").writerow(COLUMNS)
        else:
            handle.seek(end - 1)
            last = handle.read(1)
            handle.seek(0, os.SEEK_END)
            if last != "\n":  # the last row lost its line end (a crash mid-write)
                handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
        if new:  # the new file's name survives a crash too
            folder = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
        return handle

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class SendLocked(Exception):
    """Another process (or another holder in this one) has the sent log's lock."""


def lock_path(log: Path) -> Path:
    """The lock file beside the log: sent_log.csv.lock."""
    return log.with_name(log.name + ".lock")


@contextmanager
def locked_log(log: Path) -> Iterator[SentLog]:
    """The sent log for appending, under an exclusive lock on its lock file for the block; a
    second holder gets SendLocked at once. The lock file stays: removing it would let a
    third run lock a different file."""
    path = lock_path(log)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SendLocked(f"another arreport send is running with this sent log "
                             f"({display_path(log)}; {display_path(path)} is locked)"
                             ) from None
        writer = SentLog(log)
        writer.open()  # the log exists (with its header) from the start of a run
        try:
            yield writer
        finally:
            writer.close()
    finally:
        os.close(fd)  # closing the only descriptor releases the lock
