"""Problems found in input, as values: gathered while loading, shown together by the CLI."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Diagnostic:
    """One located problem: `file:line:column: path: message; hint`."""

    severity: Severity
    file: str
    line: int | None
    column: str | int | None
    path: str
    message: str
    hint: str = ""

    def format(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if isinstance(self.column, int):
                where += f":{self.column}"
        head = f"{where}: {self.severity}: "
        if self.path:
            head += f"{self.path}: "
        text = head + self.message
        if self.hint:
            text += f"; {self.hint}"
        return text


class InputError(Exception):
    """Raised at a stage boundary when input is invalid; carries every diagnostic found."""

    def __init__(self, diagnostics: Sequence[Diagnostic]):
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics))


def errors(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity == "error"]


def warnings(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity == "warning"]


def did_you_mean(name: str, choices: Iterable[str], cutoff: float = 0.6) -> str:
    """A hint naming the closest valid choice, or '' when nothing is close. A choice that
    differs only in case (NET30 for net30) is the closest of all."""
    options = sorted(set(choices))
    same = [c for c in options if c.casefold() == name.casefold()]
    if same:
        return f"did you mean '{same[0]}'?"
    match = difflib.get_close_matches(name, options, n=1, cutoff=cutoff)
    return f"did you mean '{match[0]}'?" if match else ""


def display_path(path: Path | str) -> str:
    """The path as the user gave it, relative to the working directory when possible."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def in_order(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Errors first, then by file and line: the order of the run's output and the dashboard."""
    return sorted(diags, key=lambda d: (d.severity != "error", d.file, d.line or 0))
