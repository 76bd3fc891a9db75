"""YAML loading that keeps every value's position and refuses YAML's surprises.

Duplicate keys and tabs in indentation are errors; floats keep their text as Decimal so
money is never a binary float; every mapping key and value records its line and column.
A duplicate key, a merge key or a key that is not a plain name is recorded in `problems` and
the rest of the document is still read, so the caller can report more than one mistake.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


@dataclass
class Located:
    """A YAML document as plain Python data plus the position of each value by key path."""

    data: Any
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    # scalars that YAML resolved to bool/null/number, with their source text
    implicit: dict[Path_, str] = field(default_factory=dict)
    # mistakes found while reading that did not stop it (the entry concerned is left out)
    problems: list[YamlProblem] = field(default_factory=list)

    def where(self, path: Path_) -> tuple[int, int]:
        """The (line, column) of path, or of its nearest ancestor that has one (1-based)."""
        p = tuple(path)
        while p not in self.positions and p:
            p = p[:-1]
        return self.positions.get(p, (1, 1))


class YamlProblem(Exception):
    """A mistake in the YAML text; raised when it stops the reading (`more` holds the others
    of the same kind, e.g. every line indented with a tab)."""

    def __init__(self, message: str, line: int, column: int, hint: str = "",
                 path: Path_ = (), more: list[YamlProblem] | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint
        self.path = path
        self.more = more or []


_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"


def load(text: str) -> Located:
    tabs = [YamlProblem("a tab in the indentation", number, len(line) - len(stripped) + 1,
                        "indent with spaces")
            for number, line in enumerate(text.splitlines(), start=1)
            for stripped in [line.lstrip(" ")] if stripped.startswith("\t")]
    if tabs:  # the nesting is unknowable: report every such line and read no further
        first, *rest = tabs
        first.more = rest
        raise first
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at_line, at_col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        opened = exc.context_mark
        where = ""
        if opened is not None and mark is not None and (opened.line, opened.column) != (
                mark.line, mark.column):
            where = f" ({exc.context} on line {opened.line + 1}, column {opened.column + 1})"
        raise YamlProblem(f"not valid YAML: {exc.problem or exc}{where}", at_line,
                          at_col) from None
    located = Located(None)
    if node is None:
        located.data = {}
        return located
    located.data = _convert(node, (), located)
    return located


def _convert(node: yaml.Node, path: Path_, out: Located) -> Any:
    out.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            at = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key_node.tag == "tag:yaml.org,2002:merge":
                out.problems.append(YamlProblem("merge keys (<<) are not supported", *at,
                                                "write the keys out", path=path))
                continue
            # a key is a name, read as written: a client 0012 or 1_000 stays that id (YAML
            # would read 12 and 1000), a segment `no` stays 'no'
            if not isinstance(key_node, yaml.ScalarNode):
                out.problems.append(YamlProblem("a mapping key must be a plain name", *at,
                                                path=path))
                continue
            key = str(key_node.value)
            if key in result:  # keep the first; report the repeat and read on
                first = out.positions[path + (key,)]
                out.problems.append(YamlProblem(
                    f"duplicate key '{key}' (first on line {first[0]})", *at,
                    "YAML would silently keep only the last one", path=path + (key,)))
                continue
            out.positions[path + (key,)] = (key_node.start_mark.line + 1,
                                            key_node.start_mark.column + 1)
            value = _convert(value_node, path + (key,), out)
            # a key's own position is where its name stands
            out.positions[path + (key,)] = (key_node.start_mark.line + 1,
                                            key_node.start_mark.column + 1)
            result[key] = value
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, path + (i,), out) for i, item in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)
    value = _scalar(node)
    if node.tag in (_BOOL, _NULL, _INT, _FLOAT) and node.style is None:
        out.implicit[path] = node.value
    return value


def _scalar(node: yaml.ScalarNode) -> Any:
    if node.style is not None:  # quoted: always a string
        return node.value
    tag = node.tag
    text = node.value
    if tag == _BOOL:
        return text.lower() in ("yes", "true", "on", "y")
    if tag == _NULL:
        return None
    if tag == _INT:
        cleaned = text.replace("_", "")
        try:
            return int(cleaned, 10)
        except ValueError:
            return text  # 0x1f, 0o17, 010: kept as text, the schema reports it
    if tag == _FLOAT:
        try:
            return Decimal(text.replace("_", ""))
        except InvalidOperation:
            return text
    return text
