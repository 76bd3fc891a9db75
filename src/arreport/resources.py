"""Where arreport's shipped files are: templates and CSS, in the package or a source tree."""

from __future__ import annotations

from pathlib import Path


def templates_dir() -> Path:
    """The default templates: shipped in the package, or reports/templates in a source tree."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent.parent / "reports" / "templates"):
        if (candidate / "base.html").exists():
            return candidate
    raise FileNotFoundError("arreport's templates are missing (reports/templates)")


def letter_template(name: str, policies_folder: Path, kind: str = "business") -> Path | None:
    """A step's `template: NAME`: the policies folder's own letter first, then the shipped one.

    For a consumer client, a `consumer/NAME.html` variant (plain wording) wins where present.
    """
    folders = [policies_folder / "templates" / "letters", templates_dir() / "letters"]
    candidates = [f / f"{name}.html" for f in folders]
    if kind == "consumer":
        candidates = [f / "consumer" / f"{name}.html" for f in folders] + candidates
    for path in candidates:
        if path.exists():
            return path
    return None


def letter_names(policies_folder: Path) -> list[str]:
    names: set[str] = set()
    for folder in (policies_folder / "templates" / "letters", templates_dir() / "letters"):
        if folder.is_dir():
            names.update(p.stem for p in folder.glob("*.html"))
    return sorted(names)
