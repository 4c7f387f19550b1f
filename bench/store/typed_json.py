"""A JSON object read back into a frozen row type (bench/store/rows.py), and a row written out as one.

Reading checks what the constructor would only trip over: a key the type does not declare, a declared key
without a default that is absent, a value of another shape. Each is a ResultsError of one line naming the
key and what to do, never a TypeError or KeyError from deep inside a report. A field with a default may be
absent: it came after schema 1, and its default says "not recorded" (what older runs lack).
"""

from __future__ import annotations

import types
from collections.abc import Sequence
from dataclasses import MISSING, Field, dataclass, field, fields, is_dataclass
from functools import cache
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

from bench.errors import ResultsError

T = TypeVar("T")

#: Field metadata: the file has the key only once it holds something other than its default.
_WHEN_SET = "written_when_set"


def when_set(default: Any = None) -> Any:
    """A field the file has no key for until it is set (a run's end, its resumes)."""
    return field(default=default, metadata={_WHEN_SET: True})


def plain(row: Any) -> dict[str, Any]:
    """The row as JSON values, keys in field order; tuples become lists, as they read back."""
    out = {}
    for declared in fields(row):
        value = getattr(row, declared.name)
        if declared.metadata.get(_WHEN_SET) and value == declared.default:
            continue
        out[declared.name] = _plain(value)
    return out


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return plain(value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


@dataclass(frozen=True)
class Reading:
    """Where the object comes from, for the message: the file (and line) and the schema it says it has."""

    source: str
    version: object = None

    def unknown(self, keys: list[str]) -> ResultsError:
        return ResultsError(
            f"{self.source} has {_names(keys)} that this bench does not know: written by a newer bench "
            f"(schema {self.version})",
            fix="update bench to read it (or remove what was added by hand)",
        )

    def missing(self, keys: list[str]) -> ResultsError:
        return ResultsError(
            f"{self.source} lacks {_names(keys)}, which every bench writes: the file was edited or damaged",
            fix="restore it from a backup, or measure the run again into a new folder",
        )

    def malformed(self, where: str, value: Any, hint: Any) -> ResultsError:
        return ResultsError(
            f"{self.source}: {where or 'the file'} is {_shape(value)} where bench writes {_describe(hint)}: "
            "the file was edited or damaged",
            fix="restore it from a backup, or measure the run again into a new folder",
        )


def read_typed(cls: type[T], data: Any, reading: Reading, where: str = "") -> T:
    """`cls` from a JSON object: every key declared, every field without a default present, every value
    of its field's shape (nested row types, tuples and their items too)."""
    if not isinstance(data, dict):
        raise reading.malformed(where, data, cls)
    declared = {f.name: f for f in fields(cls)}  # type: ignore[arg-type]
    unknown = [_key(where, key) for key in data if key not in declared]
    if unknown:
        raise reading.unknown(unknown)
    missing = [_key(where, name) for name, f in declared.items() if name not in data and _required(f)]
    if missing:
        raise reading.missing(missing)
    hints = _hints(cls)
    return cls(**{key: _value(hints[key], value, reading, _key(where, key)) for key, value in data.items()})


def _value(hint: Any, value: Any, reading: Reading, where: str) -> Any:
    origin = get_origin(hint)
    if hint is Any:
        return value
    if origin is Union or origin is types.UnionType:
        return _one_of(hint, value, reading, where)
    if is_dataclass(hint):
        return read_typed(hint, value, reading, where)  # type: ignore[arg-type]
    if origin is tuple:
        return _tuple(hint, value, reading, where)
    if origin is Sequence or origin is list:
        if not isinstance(value, list):
            raise reading.malformed(where, value, hint)
        return value
    if origin is dict or hint is dict:
        if not isinstance(value, dict):
            raise reading.malformed(where, value, hint)
        return value
    if not _fits(hint, value):
        raise reading.malformed(where, value, hint)
    return value


def _one_of(hint: Any, value: Any, reading: Reading, where: str) -> Any:
    choices = get_args(hint)
    if value is None and type(None) in choices:
        return None
    for choice in choices:
        if choice is type(None):
            continue
        try:
            return _value(choice, value, reading, where)
        except ResultsError:
            continue
    raise reading.malformed(where, value, hint)


def _tuple(hint: Any, value: Any, reading: Reading, where: str) -> tuple[Any, ...]:
    items = get_args(hint)
    if not isinstance(value, list | tuple):
        raise reading.malformed(where, value, hint)
    if len(items) == 2 and items[1] is Ellipsis:
        items = (items[0],) * len(value)
    elif len(items) != len(value):
        raise reading.malformed(where, value, hint)
    return tuple(
        _value(item, v, reading, f"{where}[{i}]")
        for i, (item, v) in enumerate(zip(items, value, strict=True))
    )


def _fits(hint: Any, value: Any) -> bool:
    """Scalars by JSON's own types: a bool is no number, a whole number is a float too."""
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is str:
        return isinstance(value, str)
    return True


def _required(declared: Field) -> bool:
    return declared.default is MISSING and declared.default_factory is MISSING


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def _key(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _names(keys: list[str]) -> str:
    return ", ".join(f"`{key}`" for key in keys)


def _shape(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return f"a list of {len(value)}" if value else "an empty list"
    return "an object"


def _describe(hint: Any) -> str:
    origin = get_origin(hint)
    if origin is Union or origin is types.UnionType:
        return " or ".join(_describe(choice) for choice in get_args(hint))
    if hint is type(None):
        return "null"
    if is_dataclass(hint) or origin is dict or hint is dict:
        return "an object"
    items = get_args(hint)
    if origin is tuple and items and items[-1] is not Ellipsis:
        return f"a list of {len(items)}"
    if origin in (tuple, list, Sequence):
        return "a list"
    return {bool: "true or false", int: "a whole number", float: "a number", str: "a string"}.get(
        hint, "a value"
    )
