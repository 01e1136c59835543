"""The Markdown details of a profile diff: only the columns that changed, only the figures that changed.

:data:`FIGURES` and :func:`figure` also give the terminal view its labels and display texts.
"""

from __future__ import annotations

import re

from spyglass.checks.profile.result import ColumnProfile, ProfileColumn, ProfileDiffResult
from spyglass.markup.escape import md_code, md_text

#: (label, attribute) of each figure, in display order
FIGURES: tuple[tuple[str, str], ...] = (
    ("rows", "row_count"),
    ("nulls", "nulls"),
    ("null %", "null_pct"),
    ("distinct", "distinct"),
    ("distinct %", "distinct_pct"),
    ("unique", "unique"),
    ("min", "min"),
    ("max", "max"),
    ("avg", "avg"),
    ("median", "median"),
)


_DECIMAL = re.compile(r"(-?)(\d+)(\.\d+)?")


def grouped(text: str) -> str:
    """A number the warehouse wrote as text (a numeric column's min or max) with thousands separators, as
    every other figure reads (``10000.5`` → ``10,000.5``); any other text as it is."""
    match = _DECIMAL.fullmatch(text)
    if match is None:
        return text
    sign, whole, fraction = match.groups()
    return f"{sign}{int(whole):,}{fraction or ''}"


def numeric(column: ProfileColumn) -> bool:
    """Whether the column holds numbers on every side it is on (its min and max are then numbers)."""
    types = [t for t in (column.base_type, column.current_type) if t is not None]
    return bool(types) and all(t in ("integer", "number") for t in types)


def figure(profile: ColumnProfile | None, attribute: str, *, number: bool = False) -> str:
    """One figure as display text (``-`` when absent or not applicable); ``number``: min and max are
    numbers written as text (grouped like the counts)."""
    if profile is None:
        return "-"
    value = getattr(profile, attribute)
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if attribute.endswith("_pct"):
        return f"{value:.1f}%"
    if isinstance(value, float):
        return f"{value:,.6g}" if abs(value) < 1e15 else f"{value:.6e}"
    if isinstance(value, int):
        return f"{value:,}"
    return grouped(str(value)) if number else str(value)


def changed_figures(column: ProfileColumn, *, rows: bool = True) -> list[tuple[str, str, str]]:
    """``(label, base, current)`` of the figures that read differently (``rows`` False: not the row count,
    said once for the model)."""
    shown = []
    number = numeric(column)
    for label, attribute in FIGURES:
        if attribute == "row_count" and not rows:
            continue
        base, current = figure(column.base, attribute, number=number), figure(column.current, attribute, number=number)
        if base != current:
            shown.append((label, base, current))
    return shown


def _row_count_line(result: ProfileDiffResult) -> str:
    base, current = result.row_counts
    return f"Row count {base:,} → {current:,} in every column."


def render(result: ProfileDiffResult) -> str:
    if not result.base_present or not result.current_present:
        side = "current" if result.current_present else "base"
        return f"{md_code(result.model)} exists only in {side}; there is nothing to compare."
    changed = result.changed_columns
    approx = " (approximate distinct counts and medians)" if result.approx else ""
    rows = [_row_count_line(result), ""] if result.rows_changed else []
    if not changed:
        other = " other" if result.rows_changed else ""
        return "\n".join([*rows, f"No{other} figure changed in the {len(result.columns)} profiled columns{approx}."])
    lines = [
        *rows,
        f"{len(changed)} of {len(result.columns)} columns changed{approx}:",
        "",
        "| column | figure | base | current |",
        "|---|---|--:|--:|",
    ]
    for column in changed:
        name = f"{md_code(column.name)}"
        figures = changed_figures(column, rows=not result.rows_changed)
        if column.base is None or column.current is None:
            figures = [("column", "absent" if column.base is None else "present",
                        "absent" if column.current is None else "present")]
        elif not figures:  # differs below display precision
            figures = [("avg/median", figure(column.base, "avg"), figure(column.current, "avg"))]
        for label, base, current in figures:
            lines.append(f"| {name} | {label} | {md_text(base)} | {md_text(current)} |")
            name = ""
    return "\n".join(lines)
