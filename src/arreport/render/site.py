"""The atomic site writer: build everything in a temporary folder beside the target, then swap.

Only a folder arreport wrote may be replaced: a site carries a marker file, and a folder that
is neither empty nor marked (nor an earlier, unmarked site) is refused, as is the working
directory, a folder holding the inputs, and a file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class OutputKind:
    """What a command writes under --out, and how an earlier one is recognised."""

    what: str  # "an arreport site"
    marker: str  # file written into every one
    write_marker: bool
    looks_like: tuple[str, ...]  # files every earlier one had, from before the marker


SITE = OutputKind("an arreport site", ".arreport-site", True, ("index.html", "data/aging.csv"))
# The backtest folder is recognised by its files; its marker is accepted but not yet written
# (tests/test_backtest.py lists the folder's exact contents).
BACKTEST = OutputKind("an arreport backtest", ".arreport-backtest", False,
                      ("backtest.html", "backtest_steps.csv"))
KINDS = (SITE, BACKTEST)


class OutputError(Exception):
    """--out names something arreport must not or cannot replace: a usage mistake."""


def _is_kind(folder: Path, kind: OutputKind) -> bool:
    return (folder / kind.marker).is_file() or all((folder / f).is_file()
                                                   for f in kind.looks_like)


def check_target(target: Path, kind: OutputKind = SITE,
                 inputs: Iterable[tuple[str, Path]] = ()) -> None:
    """Raise OutputError unless `target` may be written as `kind`: absent (and creatable),
    an empty folder, or an earlier output of the same kind; never the working directory,
    an input folder (`inputs`: (what, path) pairs), or a folder holding one of them."""
    resolved = target.resolve()
    for what, path in (("the working directory", Path.cwd()), *inputs):
        held = path.resolve()
        if resolved == held or resolved in held.parents:
            relation = "is" if resolved == held else "contains"
            raise OutputError(f"'{target}' {relation} {what}; arreport replaces the whole "
                              "folder, so choose a folder of its own, e.g. --out site")
    if resolved.exists() or resolved.is_symlink():
        if not resolved.is_dir():
            raise OutputError(f"'{target}' is a file, not a folder; choose a folder for "
                              f"{kind.what}")
        if _is_kind(resolved, kind):
            return
        for other in KINDS:
            if other != kind and _is_kind(resolved, other):
                raise OutputError(f"'{target}' holds {other.what}, not {kind.what}; choose "
                                  "another folder")
        if any(resolved.iterdir()):
            raise OutputError(f"'{target}' is a folder with other files in it, not {kind.what};"
                              " arreport replaces only a folder it wrote, so choose a new or "
                              "empty folder")
        return
    ancestor = resolved.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise OutputError(f"'{target}' cannot be created: '{ancestor}' is a file")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise OutputError(f"'{target}' cannot be created: no permission to write in "
                          f"'{ancestor}'")


@contextmanager
def staged_site(target: Path, kind: OutputKind = SITE) -> Iterator[Path]:
    """Yield an empty staging folder; on success it replaces `target`, on failure it vanishes.

    The old site is renamed aside and removed only after the new one is in place, so a
    crash at any point leaves either the old or the new site whole. Raises OutputError when
    `target` is not for arreport to replace (see check_target) or cannot be written.
    """
    check_target(target, kind)
    target = target.resolve()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    except OSError as exc:
        raise OutputError(f"'{target}' cannot be written: {exc.strerror or exc}") from None
    try:
        yield stage
        if kind.write_marker:
            (stage / kind.marker).write_text(f"{kind.what}; arreport may replace this folder\n",
                                             encoding="utf-8")
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    os.chmod(stage, 0o755)
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.rmdir(old)
        os.rename(target, old)
    os.rename(stage, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
