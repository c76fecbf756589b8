"""How two JSON values differ, leaf by leaf: the comparison a replay makes of recorded and
replayed decisions, with :data:`ABSENT` for a side that has no value."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any


class _Absent:
    """The side of a difference that has no value: a decision or a key one side lacks."""

    def __repr__(self) -> str:
        return "ABSENT"


#: Stands for the missing side of a :class:`Difference`.
ABSENT: Any = _Absent()

#: Keys of a decision compared first, causes before effects; the others follow by name.
_FIRST = ("input_hash", "ruleset", "outcome", "criteria", "reasons", "rank", "cap", "bonus")

#: Keys not compared per decision: the engine's version is reported once, as a note.
_NOT_COMPARED = frozenset({"engine_version"})


def field_differences(old: Any, new: Any) -> list[tuple[str, Any, Any]]:
    """Each differing leaf of two JSON values (decisions in their JSON form, or parts of
    them), as ``(path, old, new)``: the comparison a replay makes, for others to reuse."""
    return list(json_differences("", plain(old), plain(new)))


def json_differences(path: str, old: Any, new: Any) -> Iterator[tuple[str, Any, Any]]:
    """Each differing leaf of two JSON values, with its path."""
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        order = {key: index for index, key in enumerate(_FIRST)}
        keys = sorted(old.keys() | new.keys(), key=lambda k: (order.get(k, len(order)), k))
        if _is_reason(old) and _is_reason(new) and not _same_json(old["params"], new["params"]):
            keys.remove("message")  # the sentence only repeats the parameters that differ
        for key in keys:
            if path or key not in _NOT_COMPARED:
                yield from json_differences(
                    _member(path, key), old.get(key, ABSENT), new.get(key, ABSENT)
                )
    elif isinstance(old, list) and isinstance(new, list):
        codes = [_codes(old), _codes(new)]
        if codes[0] is not None and codes[1] is not None and codes[0] != codes[1]:
            yield f"{path} (codes)", codes[0], codes[1]
        elif _keyed(old) and _keyed(new):
            before = {item["id"]: item for item in old}
            after = {item["id"]: item for item in new}
            for key in [*before, *(key for key in after if key not in before)]:
                yield from json_differences(
                    f"{path}[{key}]", before.get(key, ABSENT), after.get(key, ABSENT)
                )
            if before.keys() == after.keys() and list(before) != list(after):
                yield f"{path} order", list(before), list(after)
        elif len(old) == len(new):
            for index, (a, b) in enumerate(zip(old, new, strict=True)):
                yield from json_differences(f"{path}[{index}]", a, b)
        else:
            yield path, old, new
    elif not same(old, new):
        yield path, old, new


def _is_reason(item: Mapping[str, Any]) -> bool:
    return {"code", "params", "message"} <= item.keys()


def _codes(items: list[Any]) -> list[str] | None:
    """The codes of a list of reasons, or None for another list."""
    codes = []
    for item in items:
        code = item.get("code") if isinstance(item, Mapping) else None
        if not isinstance(code, str):
            return None
        codes.append(code)
    return codes


def _same_json(a: Any, b: Any) -> bool:
    return not any(True for _ in json_differences("", a, b))


def _keyed(items: list[Any]) -> bool:
    """Whether ``items`` are objects with distinct text ids (criteria)."""
    ids = [item.get("id") if isinstance(item, Mapping) else None for item in items]
    return all(isinstance(i, str) for i in ids) and len(set(ids)) == len(ids)


def _member(path: str, key: str) -> str:
    if key.isidentifier():
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"


def same(a: Any, b: Any) -> bool:
    """Equal and of the same JSON type (``true`` is not ``1``)."""
    return type(a) is type(b) and a == b


def plain(document: Mapping[str, Any]) -> Any:
    """``document`` as it reads back from the JSON file ``evaluate`` writes."""
    return json.loads(json.dumps(document, ensure_ascii=False), parse_float=Decimal)
