"""A profile diff's result: per column, base and current figures side by side."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, computed_field

from spyglass.checks.base import Result


def _pct(part: int, whole: int) -> float | None:
    return None if whole == 0 else 100.0 * part / whole


class ColumnProfile(BaseModel, frozen=True):
    """One column's figures on one side."""

    row_count: int
    nulls: int
    distinct: int
    #: every row has a distinct non-null value; None when the distinct count is approximate
    unique: bool | None
    min: str | None = None
    max: str | None = None
    avg: float | None = None
    median: float | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def null_pct(self) -> float | None:
        return _pct(self.nulls, self.row_count)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def distinct_pct(self) -> float | None:
        return _pct(self.distinct, self.row_count)

    def same_beyond_rows(self, other: ColumnProfile) -> bool:
        """Equal figures besides the row count (the model's, the same in every column of a side); averages
        and medians within float noise of parallel aggregation."""
        exact = ("nulls", "distinct", "unique", "min", "max")
        if any(getattr(self, f) != getattr(other, f) for f in exact):
            return False
        return _close(self.avg, other.avg) and _close(self.median, other.median)


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


class ProfileColumn(BaseModel, frozen=True):
    """One column, base and current side by side (a side is None when the column is not there).

    ``changed``: the column is on one side only, or a figure besides the row count differs. A changed row
    count alone is the model's, not the column's (:attr:`ProfileDiffResult.row_counts`).
    """

    name: str
    base_type: str | None = None
    current_type: str | None = None
    base: ColumnProfile | None = None
    current: ColumnProfile | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def changed(self) -> bool:
        if self.base is None or self.current is None:
            return self.base is not self.current
        return not self.base.same_beyond_rows(self.current)


class ProfileDiffResult(Result):
    kind: Literal["profile_diff"] = "profile_diff"
    model: str
    approx: bool = False
    base_present: bool = True
    current_present: bool = True
    columns: tuple[ProfileColumn, ...] = ()

    @property
    def changed_columns(self) -> tuple[ProfileColumn, ...]:
        return tuple(c for c in self.columns if c.changed)

    @property
    def row_counts(self) -> tuple[int | None, int | None]:
        """The model's row count on base and current (None: no profiled column on that side)."""
        base = next((c.base.row_count for c in self.columns if c.base is not None), None)
        current = next((c.current.row_count for c in self.columns if c.current is not None), None)
        return base, current

    @property
    def rows_changed(self) -> bool:
        """Both sides counted and their row counts differ (shown once, not as a change of every column)."""
        base, current = self.row_counts
        return base is not None and current is not None and base != current

    @property
    def mismatch(self) -> bool:
        return self.base_present != self.current_present or self.rows_changed or bool(self.changed_columns)

    @property
    def headline(self) -> str:
        if not self.base_present or not self.current_present:
            return f"{self.model} exists only in {'current' if self.current_present else 'base'}"
        changed = len(self.changed_columns)
        base, current = self.row_counts
        if self.rows_changed and base is not None and current is not None:
            rows = f"row count {base:,} → {current:,}"
            if changed == 0:
                return f"{rows}; no other figure differs in {len(self.columns)} profiled columns"
            return f"{changed} of {len(self.columns)} columns differ; {rows}"
        if changed == 0:
            return f"no change in {len(self.columns)} profiled columns"
        return f"{changed} of {len(self.columns)} columns differ"
