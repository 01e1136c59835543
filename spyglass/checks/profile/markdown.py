"""The Markdown details of a profile diff: only the columns that changed, only the figures that changed.

:data:`FIGURES` and :func:`figure` also give the terminal view its labels and display texts.
"""

from __future__ import annotations

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


def figure(profile: ColumnProfile | None, attribute: str) -> str:
    """One figure as display text (``-`` when absent or not applicable)."""
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
    return str(value)


def changed_figures(column: ProfileColumn) -> list[tuple[str, str, str]]:
    """``(label, base, current)`` of the figures that read differently."""
    rows = []
    for label, attribute in FIGURES:
        base, current = figure(column.base, attribute), figure(column.current, attribute)
        if base != current:
            rows.append((label, base, current))
    return rows


def render(result: ProfileDiffResult) -> str:
    if not result.base_present or not result.current_present:
        side = "current" if result.current_present else "base"
        return f"{md_code(result.model)} exists only in {side}; there is nothing to compare."
    changed = result.changed_columns
    approx = " (approximate distinct counts and medians)" if result.approx else ""
    if not changed:
        return f"No figure changed in the {len(result.columns)} profiled columns{approx}."
    lines = [
        f"{len(changed)} of {len(result.columns)} columns changed{approx}:",
        "",
        "| column | figure | base | current |",
        "|---|---|--:|--:|",
    ]
    for column in changed:
        name = f"{md_code(column.name)}"
        rows = changed_figures(column)
        if column.base is None or column.current is None:
            rows = [("column", "absent" if column.base is None else "present",
                     "absent" if column.current is None else "present")]
        elif not rows:  # differs below display precision
            rows = [("avg/median", figure(column.base, "avg"), figure(column.current, "avg"))]
        for label, base, current in rows:
            lines.append(f"| {name} | {label} | {md_text(base)} | {md_text(current)} |")
            name = ""
    return "\n".join(lines)
