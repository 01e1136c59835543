"""The Markdown details of a value diff: the counts, a per-column match table, a few example keys and
where the changes are."""

from __future__ import annotations

from collections.abc import Callable

from spyglass.checks.sampling import SampleInfo
from spyglass.checks.sql import JsonScalar
from spyglass.checks.value_diff.result import ColumnMatch, Segment, ValueDiffResult
from spyglass.checks.value_diff.segments import MIN_ROWS
from spyglass.markup.escape import md_code, md_text
from spyglass.markup.tables import cell_code, table


def percent(share: float | None) -> str:
    """A match share as a percentage that never reads 100% unless it is exactly 100%."""
    if share is None:
        return "-"
    if share < 1 and round(share * 100, 2) >= 100:
        return "99.99%"
    return f"{share * 100:.2f}%"


#: longest value a segment line shows (longer ones are cut with an ellipsis)
SEGMENT_VALUE_CHARS = 60


def _share(share: float) -> str:
    """A share as a whole percentage that reads neither 100% nor 0% unless it is exactly that."""
    if 0 < share < 0.005:
        return "<1%"
    if share < 1 and round(share * 100) >= 100:
        return "99%"
    return f"{share * 100:.0f}%"


def segment_sentence(segment: Segment, code: Callable[[str], str] = md_code,
                     text: Callable[[str], str] = md_text) -> str:
    """One segment in words: "92% of changed rows (46 of 50) have `status` = 'returned' (base values;
    5% of all base rows)". ``code`` shows the column and ``text`` the value (Markdown by default; the
    terminal passes plain ones)."""
    if segment.value is None:
        holds = f"NULL in {code(segment.column)}"
    else:
        value = segment.value if len(segment.value) <= SEGMENT_VALUE_CHARS else \
            segment.value[:SEGMENT_VALUE_CHARS - 1] + "…"
        holds = f"{code(segment.column)} = " + (f"'{text(value)}'" if segment.text else text(value))
    return (f"{_share(segment.share)} of {segment.kind} rows ({segment.rows:,} of {segment.kind_rows:,}) have "
            f"{holds} ({segment.side} values; {_share(segment.overall_share)} of all {segment.side} rows)")


def segment_lines(result: ValueDiffResult, code: Callable[[str], str] = md_code,
                  text: Callable[[str], str] = md_text) -> list[str]:
    """Where the changes are, as lines (none when the grouping did not run)."""
    if result.segments:
        return ["Where the changes are:", *(f"- {segment_sentence(s, code, text)}" for s in result.segments)]
    if result.segment_columns and max(result.removed, result.added, result.changed) >= MIN_ROWS:
        columns = ", ".join(code(c) for c in result.segment_columns)
        return [f"Where the changes are: no value of {columns} is markedly more common among the removed, "
                "added or changed rows than among all rows."]
    return []


def _keys(values: tuple[JsonScalar, ...]) -> str:
    return ", ".join(cell_code(v) for v in values)


def _column_row(column: ColumnMatch) -> list[str]:
    key = cell_code(column.example_key) if column.mismatched else ""
    return [md_text(column.column), f"{column.matched:,}", f"{column.mismatched:,}",
            percent(column.matched_p), key]


def sample_lines(result: ValueDiffResult, sample: SampleInfo) -> list[str]:
    """What a sampled result can claim: each rate with its 95% interval (pure)."""
    lines = [f"changed: {sample.rate_text(result.changed, result.in_both, 'keys in both')}",
             f"added: {sample.rate_text(result.added, result.current_rows, 'current rows')}",
             f"removed: {sample.rate_text(result.removed, result.base_rows, 'base rows')}"]
    lines += [f"{column.column} mismatched: {sample.rate_text(column.mismatched, result.in_both, 'keys in both')}"
              for column in result.columns if column.mismatched]
    return lines


def sample_paragraph(result: ValueDiffResult, sample: SampleInfo) -> str:
    """The Markdown paragraph saying a result is a sample's, and its rates (pure)."""
    head = (f"**Sampled: {sample.percent} of the keys** (the same keys on both sides, chosen by a hash of the "
            "key); the counts are the sample's and each rate is an estimate with its 95% interval"
            + ("; no difference in a sample is not proof of none." if not result.mismatch else "."))
    return head + "\n\n" + "\n".join(f"- {md_text(line)}" for line in sample_lines(result, sample))


def render(result: ValueDiffResult) -> str:
    key = ", ".join(f"{md_code(k)}" for k in result.primary_key)
    lines = [
        f"{md_code(result.model)} by {key}: {result.base_rows:,} base rows, {result.current_rows:,} current "
        f"rows; **{result.added:,} added, {result.removed:,} removed, {result.changed:,} of {result.in_both:,} "
        f"rows in both changed**.",
    ]
    if result.sample is not None:
        lines.append(sample_paragraph(result, result.sample))
    if result.columns:
        rows = [_column_row(c) for c in sorted(result.columns, key=lambda c: -c.mismatched)]
        lines.append(table(["column", "matched", "mismatched", "matched %", "e.g. key"], rows, right=(1, 2, 3)))
    examples = [f"{label}: {_keys(values)}" for label, values in
                (("added", result.example_added), ("removed", result.example_removed),
                 ("changed", result.example_changed)) if values]
    if examples:
        lines.append("Example keys — " + "; ".join(examples) + ".")
    segments = segment_lines(result)
    if segments:
        lines.append("\n".join(segments))
    if result.base_only_columns or result.current_only_columns:
        only = [f"only in {side}: " + ", ".join(f"{md_code(c)}" for c in cols)
                for side, cols in (("base", result.base_only_columns), ("current", result.current_only_columns))
                if cols]
        lines.append("Not compared (" + "; ".join(only) + ").")
    if result.abs_tolerance is not None or result.rel_tolerance is not None:
        parts = [f"{name} {value:g}" for name, value in (("absolute", result.abs_tolerance),
                                                        ("relative", result.rel_tolerance)) if value is not None]
        lines.append("Numeric tolerance: " + ", ".join(parts) + ".")
    return "\n\n".join(lines)
