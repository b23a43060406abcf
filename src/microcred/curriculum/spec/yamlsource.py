"""YAML reading that remembers where every value came from.

PyYAML's constructors throw positions away; authors need them to find a mistake, so we
compose the node graph ourselves and keep a mark for each mapping key and value. Duplicate
keys are reported instead of silently keeping the last one (PyYAML's default), because a
silently dropped learning outcome is lost data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PathKey = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Mark:
    line: int
    col: int


@dataclass(slots=True)
class YamlDocument:
    """A parsed YAML file: plain Python data plus the marks of its keys and values."""

    path: str
    data: Any
    value_marks: dict[PathKey, Mark] = field(default_factory=dict)
    key_marks: dict[PathKey, Mark] = field(default_factory=dict)

    def mark(self, location: PathKey, *, key: bool = False) -> Mark:
        """The best known mark for a location: itself, else its nearest ancestor."""
        marks = self.key_marks if key else self.value_marks
        probe = location
        while True:
            if probe in marks:
                return marks[probe]
            if key and probe in self.value_marks:
                return self.value_marks[probe]
            if not probe:
                return Mark(1, 1)
            probe = probe[:-1]


class YamlSyntaxError(Exception):
    """Raised for YAML that cannot be read at all; carries a position for the diagnostic."""

    def __init__(self, message: str, mark: Mark, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark
        self.hint = hint


_constructor = yaml.SafeLoader  # scalar resolution follows YAML 1.1 safe rules


def _mark_of(node: yaml.Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


def parse_yaml(text: str, path: str) -> YamlDocument:
    """Parse one YAML document, raising `YamlSyntaxError` with a position when it is malformed."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        raise YamlSyntaxError("the file is nested too deeply", Mark(1, 1)) from None
    except yaml.MarkedYAMLError as exc:
        problem_mark = exc.problem_mark or exc.context_mark
        mark = Mark(problem_mark.line + 1, problem_mark.column + 1) if problem_mark else Mark(1, 1)
        reason = exc.problem or exc.context or "malformed YAML"
        raise YamlSyntaxError(
            f"the file is not valid YAML: {reason}",
            mark,
            "check indentation and quote values that contain ': ' or start with a symbol",
        ) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(f"the file is not valid YAML: {exc}", Mark(1, 1)) from None
    document = YamlDocument(path=path, data=None)
    if root is None:
        return document
    loader = yaml.SafeLoader("")
    try:
        document.data = _build(root, (), document, loader, _Budget())
    except RecursionError:
        raise YamlSyntaxError("the file is nested too deeply", Mark(1, 1)) from None
    finally:
        loader.dispose()
    return document


MAX_VALUES = 100_000  # far above any course file; stops alias bombs ("billion laughs")
_CONSTRUCT_ERRORS = (yaml.YAMLError, ValueError, TypeError, KeyError, AttributeError, OverflowError)


class _Budget:
    def __init__(self) -> None:
        self.left = MAX_VALUES
        self.open: set[int] = set()


def _construct(node: yaml.Node, loader: Any) -> Any:
    try:
        return loader.construct_object(node, deep=True)
    except _CONSTRUCT_ERRORS as exc:
        raise YamlSyntaxError(f"cannot read this value: {exc}", _mark_of(node)) from None


def _build(
    node: yaml.Node, location: PathKey, doc: YamlDocument, loader: Any, budget: _Budget
) -> Any:
    budget.left -= 1
    if budget.left < 0:
        raise YamlSyntaxError(
            "the file expands to too many values (an alias bomb?)",
            _mark_of(node),
            "do not nest aliases of aliases",
        )
    if id(node) in budget.open:
        raise YamlSyntaxError(
            "an alias refers to the collection that contains it",
            _mark_of(node),
            "remove the recursive alias",
        )
    if isinstance(node, yaml.CollectionNode):
        budget.open.add(id(node))
        try:
            return _build_collection(node, location, doc, loader, budget)
        finally:
            budget.open.discard(id(node))
    doc.value_marks[location] = _mark_of(node)
    return _construct(node, loader)


def _build_collection(
    node: yaml.Node, location: PathKey, doc: YamlDocument, loader: Any, budget: _Budget
) -> Any:
    doc.value_marks[location] = _mark_of(node)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlSyntaxError("a mapping key must be a plain name", _mark_of(key_node))
            key = _construct(key_node, loader)
            if isinstance(key, bool | int | float) or key is None:
                key = key_node.value
            key = str(key)
            child = (*location, key)
            if key in result:
                first = doc.key_marks[child]
                raise YamlSyntaxError(
                    f"duplicate key '{key}' (first defined on line {first.line})",
                    _mark_of(key_node),
                    "remove or rename one of them",
                )
            doc.key_marks[child] = _mark_of(key_node)
            result[key] = _build(value_node, child, doc, loader, budget)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(item, (*location, index), doc, loader, budget)
            for index, item in enumerate(node.value)
        ]
    raise AssertionError("unreachable")


def read_yaml(file: Path, display_path: str) -> YamlDocument:
    """Read and parse a YAML file; undecodable bytes become a located problem, not a crash."""
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlSyntaxError(
            f"the file is not UTF-8 text (byte {exc.start})", Mark(1, 1), "save it as UTF-8"
        ) from None
    return parse_yaml(text, display_path)
