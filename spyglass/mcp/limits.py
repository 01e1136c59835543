"""How much one tool answer may carry, and the pure functions holding an answer to it.

A check's result is cut as the state file cuts it (:func:`spyglass.state.bounds.bound_run`: sample rows
and over-long text shrink, every figure stays exact, each cut container says ``truncated``). Lists
(impact entries, lineage hops, checks) keep their first ``max_items``, then fewer until they fit
``max_bytes``, and say ``truncated`` with the ``total``. The text rendering is cut to ``text_chars`` with
a line saying how much was left out.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import JsonValue

from spyglass.state.bounds import bound_run
from spyglass.state.models import RunRecord


@dataclass(frozen=True)
class OutputLimits:
    """The bounds of one tool answer (defaults suit an agent's context window; tests pass smaller ones)."""

    #: the most the structured content of one answer may take, as JSON
    max_bytes: int = 256 * 1024
    #: the most entries a list in an answer keeps
    max_items: int = 500
    #: longer text values in check results are shortened (with their length and a hash)
    cell_chars: int = 1_000
    #: the most characters of the text rendering
    text_chars: int = 8_000

    def __post_init__(self) -> None:
        if self.max_bytes < 1024 or self.max_items < 1 or self.cell_chars < 200 or self.text_chars < 200:
            raise ValueError("max_bytes >= 1024, max_items >= 1, cell_chars >= 200 and text_chars >= 200 "
                             "are required")


def json_size(value: JsonValue) -> int:
    """Bytes of ``value`` as compact JSON."""
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())


def bounded_run(record: RunRecord, limits: OutputLimits) -> tuple[RunRecord, bool]:
    """The run with its result cut to ``limits.max_bytes``, and whether anything was cut."""
    bounded = bound_run(record, limits.max_bytes, limits.cell_chars)
    return bounded, bounded.result is not record.result


def bounded_list(items: Sequence[JsonValue], limits: OutputLimits) -> tuple[list[JsonValue], bool]:
    """The first ``max_items`` of ``items``, fewer when they exceed ``max_bytes``; and whether any were left
    out (at least one entry is always kept, so the answer shows what the entries look like)."""
    kept = list(items[:limits.max_items])
    while len(kept) > 1 and json_size(kept) > limits.max_bytes:
        kept = kept[:len(kept) // 2]
    return kept, len(kept) < len(items)


def bounded_text(text: str, limits: OutputLimits) -> str:
    """``text``, or its first ``text_chars`` characters and a line saying how many were left out."""
    if len(text) <= limits.text_chars:
        return text
    left = len(text) - limits.text_chars
    return f"{text[:limits.text_chars]}\n\n(cut: {left} more characters; the structured content has the figures)"
