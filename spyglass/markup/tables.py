"""Markdown tables of values, shared by the checks' Markdown views (pure).

Cells hold values as results store them (JSON scalars): NULL in italics, long text shortened, every
user-controlled text escaped (:func:`spyglass.markup.escape.md_text`). A view shows the first
:data:`SHOWN_ROWS` rows, says how many more there are (:func:`more_line`) and whether the state file
keeps a cut copy (:func:`cut_note`).
"""

from __future__ import annotations

from collections.abc import Sequence

from spyglass.markup.escape import md_code, md_text

#: a value as a result stores it (the same union as ``spyglass.checks.sql.JsonScalar``)
Scalar = str | int | float | bool | None

#: rows shown in a ``<details>`` block (the state file holds more)
SHOWN_ROWS = 10
_MAX_CELL = 60


def cell_text(value: Scalar) -> str:
    """One value as plain display text (not escaped): NULL spelled out, long text shortened."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = f"{value:.10g}" if isinstance(value, float) else str(value)
    return text[: _MAX_CELL - 1] + "…" if len(text) > _MAX_CELL else text


def cell(value: Scalar) -> str:
    """One value as table-cell Markdown: NULL in italics (a text "NULL" stays plain), escaped."""
    if value is None:
        return "*NULL*"
    return md_text(cell_text(value)) if value != "" else '""'


def cell_code(value: Scalar) -> str:
    """One value (a key) as inline code."""
    return md_code(cell_text(value))


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> str:
    """A Markdown table from already-formatted cells; columns in ``right`` are right-aligned."""
    rule = ["---:" if i in right else "---" for i in range(len(headers))]
    lines = ["| " + " | ".join(md_text(h) for h in headers) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def more_line(shown: int, total: int, what: str = "rows") -> str:
    return f"\n\n…and {total - shown:,} more {what}." if total > shown else ""


def cut_note(truncated: bool, stored: int, total: int, what: str = "rows") -> str:
    """Says so when the state file keeps a cut copy of a result's rows (empty when it keeps them all)."""
    if not truncated:
        return ""
    if stored < total:
        return (f"\n\n*Only the first {stored:,} of {total:,} {what} are stored: the result was cut to fit "
                "the state file.*")
    return "\n\n*Long values are shortened: the result was cut to fit the state file.*"
