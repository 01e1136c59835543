"""Cut a check result to fit the state file (pure): sample rows shrink, figures stay exact.

Some results carry sample rows: a query's first rows (:class:`DataTable`), a query diff's differing rows
(:class:`MultisetDiff`, :class:`DiffRows`) and value-diff detail's (:class:`DiffRows`). :func:`cut_result`
keeps as many leading rows of each as fit a byte budget (measured as the result is written in the state
file) and marks each container it cut ``truncated``.

Text longer than ``cell_chars`` anywhere in a result is shortened first, ending in a marker with the
original length and a hash of it: two shortened values are equal exactly when the originals were
(barring a SHA-256 collision), so every figure derived by comparing values (a profile's changed min/max,
``mismatch``, ``headline``) is the same before and after. Counts and totals computed in the warehouse are
never touched. Cutting is idempotent: a cut result cut again with the same budget is unchanged.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel

from spyglass.checks.base import Result
from spyglass.checks.query import DataTable
from spyglass.checks.query_diff import MultisetDiff
from spyglass.checks.value_diff_detail import DiffRows

#: the result models whose ``rows`` are a sample that may be cut (each has ``truncated``)
ROW_CONTAINERS: tuple[type[BaseModel], ...] = (DataTable, MultisetDiff, DiffRows)
#: how deep a run's result sits in the state file (state > runs > run > result)
_RESULT_DEPTH = 3
#: how many times the row allowance is tightened when the estimate overshoots
_FIT_ATTEMPTS = 6

R = TypeVar("R", bound=Result)
#: a JSON document as ``model_dump(mode="json")`` returns it
Json = Any


def json_bytes(data: Json, depth: int = 0) -> int:
    """Bytes ``data`` takes in the state file's JSON style (two-space indentation, ``", "`` and ``": "``
    separators, as :func:`spyglass.state.store.dump_state` writes) when it sits ``depth`` levels deep.

    Exact, and much faster than writing it indented: the text is encoded compactly (in C) and the
    indentation added by counting the containers' items."""
    compact = json.dumps(data, ensure_ascii=False, separators=(",", ": "))
    return len(compact.encode("utf-8", errors="surrogatepass")) + _layout(data, depth)


def _layout(data: Json, depth: int) -> int:
    """The newlines and indentation the indented form adds to a container ``depth`` levels deep."""
    if not isinstance(data, dict | list) or not data:
        return 0
    items = data.values() if isinstance(data, dict) else data
    inner = sum(_layout(item, depth + 1) for item in items if isinstance(item, dict | list))
    return len(data) * (1 + 2 * (depth + 1)) + 1 + 2 * depth + inner


def stored_size(data: Json) -> int:
    """Bytes a JSON value takes in the state file as a run's result."""
    return json_bytes(data, _RESULT_DEPTH)


def result_size(result: Result) -> int:
    return stored_size(result.model_dump(mode="json"))


def result_digest(result: Result) -> str:
    """SHA-256 of the result's canonical JSON: equal digests mean equal results."""
    canonical = json.dumps(result.model_dump(mode="json"), sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def shorten(text: str, limit: int) -> str:
    """``text`` when it has at most ``limit`` characters, else its start plus a marker (exactly ``limit``
    characters long, so shortening again changes nothing). ``limit`` must leave room for the marker."""
    if len(text) <= limit:
        return text
    digest = hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()[:16]
    mark = f"… [{len(text):,} characters, cut to fit the state file; sha256 {digest}]"
    return text[: max(0, limit - len(mark))] + mark


def _shorten_in_place(node: Json, limit: int) -> bool:
    """Shorten every string inside ``node`` (a dict or list, modified in place); True when any was."""
    changed = False
    pairs = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
    for key, value in pairs:
        if isinstance(value, str) and len(value) > limit:
            node[key] = shorten(value, limit)
            changed = True
        elif isinstance(value, dict | list):
            changed = _shorten_in_place(value, limit) or changed
    return changed


def _container_paths(model: BaseModel, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Where the row containers sit in a result (field names from the result down)."""
    found: list[tuple[str, ...]] = []
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, ROW_CONTAINERS):
            found.append((*path, name))
        elif isinstance(value, BaseModel):
            found += _container_paths(value, (*path, name))
    return found


def _at(data: Json, path: tuple[str, ...]) -> dict[str, Json]:
    for key in path:
        data = data[key]
    return data  # type: ignore[no-any-return]


def water_fill(needs: Sequence[int], total: int) -> list[int]:
    """Share ``total`` among ``needs``: small needs are met in full, the rest split evenly (pure)."""
    order = sorted(range(len(needs)), key=lambda i: needs[i])
    shares = [0] * len(needs)
    left = max(0, total)
    for position, index in enumerate(order):
        shares[index] = min(needs[index], left // (len(needs) - position))
        left -= shares[index]
    return shares


def _prefix_within(costs: Sequence[int], allowance: int) -> int:
    """How many leading items fit in ``allowance``."""
    used = 0
    for count, cost in enumerate(costs):
        used += cost
        if used > allowance:
            return count
    return len(costs)


def _row_cost(row: Json, depth: int) -> int:
    """Bytes one row adds to the rows of a container ``depth`` fields below the result."""
    level = _RESULT_DEPTH + depth + 2  # result > container > rows > row
    return json_bytes(row, level) + 1 + 2 * level + 1  # its line break and indentation, and a comma


def _fit_rows(data: Json, boxes: list[tuple[int, dict[str, Json]]], budget: int) -> None:
    """Keep the leading rows of each container (depth, container) that fit ``budget`` together (``data``
    changes in place)."""
    originals = [list(box["rows"]) for _, box in boxes]
    for _, box in boxes:
        box["rows"] = []
    room = budget - stored_size(data)
    costs = [[_row_cost(row, depth) for row in rows] for (depth, _), rows in zip(boxes, originals, strict=True)]
    for _ in range(_FIT_ATTEMPTS):
        shares = water_fill([sum(c) for c in costs], room)
        for (_, box), rows, cost, share in zip(boxes, originals, costs, shares, strict=True):
            keep = _prefix_within(cost, share)
            box["rows"] = rows[:keep]
            if keep < len(rows):
                box["truncated"] = True
        if room <= 0 or stored_size(data) <= budget:
            return
        room = room * 7 // 8  # the sizes are exact, so this is only a safety net: tighten and retry
    for (_, box), rows in zip(boxes, originals, strict=True):
        box["rows"] = []
        box["truncated"] = box.get("truncated", False) or bool(rows)


def cut_result(result: R, budget: int, cell_chars: int) -> R:
    """``result`` with long text shortened and sample rows cut to fit ``budget`` bytes; the same object
    when nothing had to change. Figures outside the sample rows are kept as they are, so a result whose
    figures alone exceed the budget stays larger than it."""
    data = result.model_dump(mode="json")
    boxes = [(len(path), _at(data, path)) for path in _container_paths(result)]
    changed = False
    for _, box in boxes:
        if _shorten_in_place(box["rows"], cell_chars):
            box["truncated"] = changed = True
    changed = _shorten_in_place(data, cell_chars) or changed
    if boxes and stored_size(data) > budget:
        before = [len(box["rows"]) for _, box in boxes]
        _fit_rows(data, boxes, budget)
        changed = changed or [len(box["rows"]) for _, box in boxes] != before
    if not changed:
        return result
    return type(result).model_validate(data)
