"""What a value diff found: row counts by kind, per-column matches, example keys."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from spyglass.checks.base import Result
from spyglass.checks.sql import JsonScalar


class ColumnMatch(BaseModel):
    """How one compared column fared on the rows present on both sides."""

    model_config = ConfigDict(frozen=True)

    column: str
    base_type: str | None = None
    current_type: str | None = None
    matched: int
    mismatched: int
    #: the smallest key whose value differs in this column
    example_key: JsonScalar = None

    @property
    def matched_p(self) -> float | None:
        """Share of in-both rows whose values match (None when no row is on both sides)."""
        total = self.matched + self.mismatched
        return self.matched / total if total else None


class ValueDiffResult(Result):
    kind: Literal["value_diff"] = "value_diff"
    model: str
    primary_key: tuple[str, ...]
    base_rows: int
    current_rows: int
    added: int
    removed: int
    in_both: int
    changed: int
    columns: tuple[ColumnMatch, ...]
    base_only_columns: tuple[str, ...] = ()
    current_only_columns: tuple[str, ...] = ()
    #: a few keys of each kind of difference (smallest and largest)
    example_added: tuple[JsonScalar, ...] = ()
    example_removed: tuple[JsonScalar, ...] = ()
    example_changed: tuple[JsonScalar, ...] = ()
    abs_tolerance: float | None = None
    rel_tolerance: float | None = None

    @property
    def mismatch(self) -> bool:
        return bool(self.added or self.removed or self.changed or any(c.mismatched for c in self.columns))

    @property
    def headline(self) -> str:
        if not self.base_rows and not self.current_rows:
            return "both sides empty: 0 rows each"
        if not self.mismatch:
            return f"identical: {self.in_both:,} rows, {len(self.columns)} columns match"
        parts = [f"{self.added:,} added", f"{self.removed:,} removed",
                 f"{self.changed:,} of {self.in_both:,} changed"]
        return ", ".join(parts)
