"""Reading each policy file once, positions kept: YAML problems, schema errors and the values
at fault left out, so the later checks run on the rest and one run reports every mistake."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cerberus

from ..diagnostics import Diagnostic, Severity, did_you_mean, display_path
from .model import Source
from .schema_errors import PolicyValidator, describe, dotted, flatten, is_required
from .yamlpos import Located, YamlProblem, load

# a list entry left out after a schema error; kept in place so later entries keep their index
DROPPED: Any = type("_Dropped", (), {"__repr__": lambda self: "<dropped>"})()


def kept_entries(seq: Any) -> list[tuple[int, Any]]:
    """(index in the file, entry) for the entries of a list that were not left out."""
    return [(i, x) for i, x in enumerate(seq or []) if x is not DROPPED]


def _compact(data: Any) -> Any:
    """The data without the entries left out, for validating what remains."""
    if isinstance(data, dict):
        return {k: _compact(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_compact(x) for x in data if x is not DROPPED]
    return data


def _original_path(data: Any, path: tuple[str | int, ...]) -> tuple[str | int, ...] | None:
    """A path into _compact(data) as the path into data (list indexes skip left-out entries)."""
    out: list[str | int] = []
    current = data
    for part in path:
        if isinstance(current, list) and isinstance(part, int):
            kept = [i for i, _ in kept_entries(current)]
            if part >= len(kept):
                return None
            out.append(kept[part])
            current = current[kept[part]]
        elif isinstance(current, dict) and part in current:
            out.append(part)
            current = current[part]
        else:
            return tuple(out) + (part,)
    return tuple(out)


class PolicyReader:
    """Reads each policy file once; every mistake found is gathered in `diags`.

    A file that fails its schema is still handed on, without the values at fault (`pruned`
    records where), so that the checks of references and amounts run on the rest and one
    run reports every mistake it can.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.diags: list[Diagnostic] = []
        self.docs: dict[str, Located] = {}
        self.unreadable: set[str] = set()  # present but not read: the names it holds unknown
        self.pruned: dict[str, list[tuple[str | int, ...]]] = {}
        self.currency = "USD"  # terms.yaml currency: once read; bare amounts are in it

    def error(self, file: str, path: tuple[str | int, ...], message: str, hint: str = "",
              severity: Severity = "error") -> None:
        line, col = self.docs[file].where(path) if file in self.docs else (None, None)
        shown = display_path(self.folder / file)
        self.diags.append(Diagnostic(severity, shown, line, col, dotted(path),
                                     message, hint))

    def intact(self, file: str, path: tuple[str | int, ...]) -> bool:
        """Nothing at or under `path` was left out after a schema error (checks that look
        at which keys are present would otherwise report what was left out)."""
        n = len(path)
        return not any(p[:n] == path or path[:len(p)] == p for p in self.pruned.get(file, ()))

    def declared(self, file: str, *path: str) -> set[str] | None:
        """The names a file declares under `path` as written (schema errors or not);
        None when the file could not be read, so references to it cannot be checked."""
        if file in self.unreadable:
            return None
        doc = self.docs.get(file)
        value = doc.data if doc is not None else {}
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, dict):
            return {str(k) for k in value}
        # absent: when a key beside it was rejected (`ladder:` for `ladders:`), the names
        # are unknown rather than none
        if any(p[:-1] == path[:len(p) - 1] for p in self.pruned.get(file, ())
               if 0 < len(p) <= len(path)):
            return None
        return set()

    def read(self, name: str, schema: dict[str, Any]) -> dict[str, Any]:
        path = self.folder / name
        shown = display_path(path)
        if not path.exists():
            return {}
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            self.diags.append(Diagnostic("error", shown, None, None, "", "not UTF-8 text"))
            self.unreadable.add(name)
            return {}
        try:
            doc = load(text)
        except YamlProblem as exc:
            for problem in (exc, *exc.more):
                self.diags.append(Diagnostic("error", shown, problem.line, problem.column,
                                             dotted(problem.path), problem.message,
                                             problem.hint))
            self.unreadable.add(name)
            return {}
        self.docs[name] = doc
        for problem in doc.problems:
            self.diags.append(Diagnostic("error", shown, problem.line, problem.column,
                                         dotted(problem.path), problem.message, problem.hint))
        if not isinstance(doc.data, dict):
            self.error(name, (), "expected a mapping of keys at the top level")
            self.unreadable.add(name)
            return {}
        validator = PolicyValidator(schema)
        if validator.validate(doc.data):
            return doc.data
        for err in flatten(list(validator._errors)):
            message, hint = describe(err, doc, schema)
            self.error(name, tuple(err.document_path), message, hint)
        return self._without_faults(name, doc.data, schema, validator)

    def _without_faults(self, name: str, data: dict[str, Any], schema: dict[str, Any],
                        validator: Any) -> dict[str, Any]:
        """A copy of data without the values the schema rejected (already reported), or {}
        when that does not converge."""
        import copy

        kept: dict[str, Any] = copy.deepcopy(data)
        pruned = self.pruned.setdefault(name, [])
        first = True
        for _ in range(8):
            faults = []
            for err in flatten(list(validator._errors)):
                # the first errors are on the file as written, later ones on what was kept
                at = tuple(err.document_path) if first else _original_path(
                    kept, tuple(err.document_path))
                if at is not None:
                    faults.append((err.code == cerberus.errors.REQUIRED_FIELD.code, at))
            first = False
            for missing, at in faults:
                if missing:
                    at = at[:-1]
                while at and is_required(schema, at):  # without it the entry means nothing
                    at = at[:-1]
                if not at:
                    pruned.append(())
                    return {}
                parent: Any = kept
                for part in at[:-1]:
                    if isinstance(parent, dict):
                        parent = parent.get(part)
                    elif isinstance(parent, list) and isinstance(part, int) and \
                            part < len(parent):
                        parent = parent[part]
                    else:
                        parent = None
                if isinstance(parent, list) and isinstance(at[-1], int) and \
                        at[-1] < len(parent):
                    parent[at[-1]] = DROPPED
                elif isinstance(parent, dict):
                    parent.pop(at[-1], None)
                pruned.append(at)
            validator = PolicyValidator(schema)
            if validator.validate(_compact(kept)):
                return kept
        pruned.append(())
        return {}

    def valid_keys(self, file: str, path: tuple[str | int, ...],
                   rules: dict[str, Any]) -> dict[str, Any]:
        """The keys of the mapping at `path` as written whose values pass their own rule,
        for an entry left out after a schema error: the checks of its references (a fee,
        a template, a duplicate id) still run on what is right in it, in the same run."""
        doc = self.docs.get(file)
        value: Any = doc.data if doc is not None else None
        for part in path:
            if isinstance(value, dict) and part in value:
                value = value[part]
            elif isinstance(value, list) and isinstance(part, int) and part < len(value):
                value = value[part]
            else:
                return {}
        if not isinstance(value, dict):
            return {}
        out = {}
        for key, item in value.items():
            rule = rules.get(key)
            if not isinstance(rule, dict):
                continue  # an unknown key: reported as such
            rule = {k: v for k, v in rule.items() if k != "required"}
            if PolicyValidator({key: rule}).validate({key: item}):
                out[key] = item
        return out

    def source(self, file: str, path: tuple[str | int, ...]) -> Source:
        line = self.docs[file].where(path)[0] if file in self.docs else 0
        return Source(file, line)


def unknown_name(kind: str, name: str, known: set[str], where: str) -> tuple[str, str]:
    """Message and hint for a reference to a name that is not defined."""
    hint = did_you_mean(name, known) or (
        f"defined: {', '.join(sorted(known))}" if known
        else f"{where} defines no {kind}s; add '{name}' there")
    return f"unknown {kind} '{name}'", hint
