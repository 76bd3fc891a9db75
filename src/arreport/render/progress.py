"""A progress bar with rate and time left (rich), shown only on a terminal."""

from __future__ import annotations

from types import TracebackType
from typing import Any


def rate_and_left(completed: float, total: float | None, elapsed: float | None
                  ) -> tuple[float | None, float | None]:
    """Items per second since the start and seconds left at that rate (None: not known
    yet). The average over the whole run, not over the last few items: documents finish in
    bursts (a pool hands back several at once), which makes a windowed rate swing wildly."""
    if not completed or not elapsed or elapsed <= 0:
        return None, None
    rate = completed / elapsed
    left = max((total or 0) - completed, 0) / rate if total is not None else None
    return rate, left


def _columns() -> tuple[Any, Any]:
    from rich.progress import ProgressColumn
    from rich.text import Text

    class RateColumn(ProgressColumn):  # type: ignore[misc]
        def render(self, task: Any) -> Text:
            rate, _ = rate_and_left(task.completed, task.total, task.elapsed)
            return Text(f"{rate:5.1f}/s" if rate else "  ‑‑/s")

    class LeftColumn(ProgressColumn):  # type: ignore[misc]
        def render(self, task: Any) -> Text:
            _, left = rate_and_left(task.completed, task.total, task.elapsed)
            if left is None:
                return Text("‑:‑‑:‑‑ left")
            minutes, seconds = divmod(int(round(left)), 60)
            hours, minutes = divmod(minutes, 60)
            return Text(f"{hours}:{minutes:02d}:{seconds:02d} left")

    return RateColumn(), LeftColumn()


class Progress:
    def __init__(self, label: str, total: int, enabled: bool):
        self.label = label
        self.total = total
        self.enabled = enabled
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> Progress:
        if self.enabled:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TaskProgressColumn,
                TextColumn,
            )
            from rich.progress import Progress as RichProgress

            self._progress = RichProgress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TaskProgressColumn(), *_columns(), transient=True)
            self._progress.start()
            self._task = self._progress.add_task(self.label, total=self.total)
        return self

    def advance(self) -> None:
        if self._progress is not None:
            self._progress.advance(self._task)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._progress is not None:
            self._progress.stop()
