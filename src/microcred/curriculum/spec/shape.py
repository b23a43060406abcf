"""Turn pydantic's shape errors into located, author-friendly diagnostics.

Pydantic reports every shape problem of a file at once, which is what we want; we only
translate its locations into file positions, name the field in the author's dotted form and
add a "did you mean" for misspelt keys.
"""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any, TypeVar, Union

from pydantic import BaseModel, ValidationError

from .diagnostics import Diagnostic, Severity
from .yamlsource import PathKey, YamlDocument

M = TypeVar("M", bound=BaseModel)


def field_name(location: PathKey) -> str:
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text or "(top level)"


def _unwrap(annotation: Any) -> type[BaseModel] | None:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        for member in typing.get_args(annotation):
            found = _unwrap(member)
            if found is not None:
                return found
        return None
    if origin is list:
        return _unwrap(typing.get_args(annotation)[0])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _model_at(model: type[BaseModel], location: PathKey) -> type[BaseModel] | None:
    current: type[BaseModel] | None = model
    for part in location:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = _unwrap(info.annotation)
    return current


def _data_location(data: Any, loc: tuple[Any, ...]) -> PathKey:
    """The longest prefix of a pydantic location that exists in the parsed data."""
    kept: list[str | int] = []
    node = data
    for part in loc:
        in_mapping = isinstance(node, dict) and isinstance(part, str) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if not (in_mapping or in_list):
            break
        node = node[part]
        kept.append(part)
    return tuple(kept)


def validate_shape(model: type[M], document: YamlDocument) -> tuple[M | None, list[Diagnostic]]:
    """Validate parsed YAML against a model, returning the object or every shape problem."""
    if not isinstance(document.data, dict):
        found = "an empty file" if document.data is None else type(document.data).__name__
        return None, [
            Diagnostic(
                document.path,
                1,
                1,
                Severity.ERROR,
                "MC003",
                f"expected a mapping of keys to values, found {found}",
                f"see docs/course-format.md for the keys of {model.__name__}",
            )
        ]
    try:
        return model.model_validate(document.data), []
    except ValidationError as exc:
        return None, _translate(model, document, exc)


def _translate(
    model: type[BaseModel], document: YamlDocument, exc: ValidationError
) -> list[Diagnostic]:
    grouped: dict[tuple[str, PathKey], list[Any]] = {}
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        kind = error["type"]
        if kind in ("missing", "extra_forbidden"):
            parent = _data_location(document.data, loc[:-1])
            location: PathKey = (*parent, str(loc[-1]))
        else:
            location = _data_location(document.data, loc)
        grouped.setdefault(
            (kind if kind in ("missing", "extra_forbidden") else "value", location), []
        ).append(error)
    diagnostics = []
    for (kind, location), errors in grouped.items():
        name = field_name(location)
        if kind == "missing":
            mark = document.mark(location[:-1], key=True)
            owner = _model_at(model, location[:-1])
            where = f" in '{field_name(location[:-1])}'" if location[:-1] else ""
            diagnostics.append(
                Diagnostic(
                    document.path,
                    mark.line,
                    mark.col,
                    Severity.ERROR,
                    "MC005",
                    f"missing required field '{location[-1]}'{where}",
                    f"add '{location[-1]}:'" + (f" ({owner.__name__})" if owner else ""),
                    name,
                )
            )
        elif kind == "extra_forbidden":
            mark = document.mark(location, key=True)
            owner = _model_at(model, location[:-1])
            allowed = sorted(owner.model_fields) if owner else []
            close = difflib.get_close_matches(str(location[-1]), allowed, n=1, cutoff=0.6)
            hint = (
                f"did you mean '{close[0]}'?"
                if close
                else ("allowed keys: " + ", ".join(allowed) if allowed else "")
            )
            diagnostics.append(
                Diagnostic(
                    document.path,
                    mark.line,
                    mark.col,
                    Severity.ERROR,
                    "MC004",
                    f"unknown key '{location[-1]}'",
                    hint,
                    name,
                )
            )
        else:
            mark = document.mark(location)
            messages = list(dict.fromkeys(_message(error) for error in errors))
            diagnostics.append(
                Diagnostic(
                    document.path,
                    mark.line,
                    mark.col,
                    Severity.ERROR,
                    "MC003",
                    f"invalid value for '{name}': " + " or ".join(messages),
                    "",
                    name,
                )
            )
    return diagnostics


def _message(error: dict[str, Any]) -> str:
    message = str(error["msg"])
    message = message.removeprefix("Value error, ")
    return message[:1].lower() + message[1:]
