"""Reusing the previous build's files: a rebuild into the same folder links every page and
PDF whose inputs have not changed instead of writing it again.

Every site carries a manifest (`.arreport-manifest`): for each page and PDF, a key (a
SHA-256 of everything the file is made from: for a page its HTML; for a PDF its HTML, the
stylesheet, the logo, the PDF variant, its attachments, its date and the WeasyPrint
version) and its size. A rebuild computes the keys again; a file whose key and size match
the previous site's is hard-linked into the new site (the old site is removed only once the
new one is in place), anything else is written. The manifest is the same whether a file was
written or linked, so a rebuild gives the same bytes as a build from nothing.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

MANIFEST = ".arreport-manifest"
HEADER = "# arreport: key, size and path of each page and PDF, to reuse them on a rebuild\n"

Entry = tuple[str, str, int]  # (relative path, key, size in bytes)


def content_key(*parts: str | bytes) -> str:
    """A SHA-256 of the parts, each length-prefixed so that no two lists of parts collide."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def read_manifest(site: Path) -> dict[str, tuple[str, int]]:
    """relative path -> (key, size) of a site's manifest; empty when it has none or it does
    not read (a site from an older arreport, or a damaged file: then nothing is reused)."""
    try:
        text = (site / MANIFEST).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    out: dict[str, tuple[str, int]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        parts = line.split(" ", 2)
        if len(parts) != 3 or not parts[1].isdigit():
            return {}
        key, size, rel = parts
        out[rel] = (key, int(size))
    return out


def write_manifest(stage: Path, entries: Iterable[Entry]) -> None:
    lines = [f"{key} {size} {rel}\n" for rel, key, size in sorted(entries)]
    with open(stage / MANIFEST, "w", encoding="utf-8", newline="\n") as f:
        f.write(HEADER + "".join(lines))


class Reuse:
    """The previous site's files, for the stage of a new build."""

    def __init__(self, previous: Path | None, stage: Path):
        self.previous = previous
        self.stage = stage
        self.old = read_manifest(previous) if previous is not None else {}

    def link(self, rel: str, key: str) -> Entry | None:
        """Link the previous build's `rel` into the stage when it was made from the same
        inputs (same key, same size on disk); its manifest entry, or None (write it)."""
        old = self.old.get(rel)
        if old is None or old[0] != key or self.previous is None:
            return None
        source = self.previous / rel
        try:
            if os.stat(source).st_size != old[1]:
                return None  # changed since it was built: write it again
            os.link(source, self.stage / rel)
        except OSError:
            return None  # gone, or a filesystem without hard links: write it again
        return (rel, key, old[1])

    def kept(self, entries: Iterable[Entry]) -> int:
        """How many of `entries` are the previous build's files (same key and size)."""
        return sum(1 for rel, key, size in entries if self.old.get(rel) == (key, size))

    def write_text(self, rel: str, text: str) -> Entry:
        """Write a page (or link the previous one when its text is the same)."""
        data = text.encode("utf-8")
        key = content_key(data)
        done = self.link(rel, key)
        if done is not None:
            return done
        with open(self.stage / rel, "wb") as f:
            f.write(data)
        return (rel, key, len(data))
