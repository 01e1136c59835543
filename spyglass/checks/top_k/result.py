"""A top-k diff's result: the values in the top K of either side, with counts and shares."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, computed_field

from spyglass.checks.base import Result


class TopKValue(BaseModel, frozen=True):
    #: the value as text
    value: str
    base_count: int
    current_count: int
    base_share: float | None = None
    current_share: float | None = None


class TopKSide(BaseModel, frozen=True):
    row_count: int
    non_null: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def nulls(self) -> int:
        return self.row_count - self.non_null


class TopKDiffResult(Result):
    kind: Literal["top_k_diff"] = "top_k_diff"
    model: str
    column_name: str
    k: int
    #: values in the top K of either side, by current count then base count (descending)
    values: tuple[TopKValue, ...] = ()
    base: TopKSide | None = None
    current: TopKSide | None = None

    @property
    def listed(self) -> str:
        """What the values are: ``Top 10``, or ``All 4`` when the column has fewer values than K."""
        return f"All {len(self.values)}" if len(self.values) < self.k else f"Top {self.k}"

    @property
    def mismatch(self) -> bool:
        if self.base != self.current:
            return True
        return any(v.base_count != v.current_count for v in self.values)

    @property
    def headline(self) -> str:
        if self.base is None or self.current is None:
            return f"{self.column_name} only in {'base' if self.current is None else 'current'}"
        differing = sum(1 for v in self.values if v.base_count != v.current_count)
        if differing:
            return f"{differing} of the top {len(self.values)} values changed count"
        if self.base != self.current:
            return "row or null counts differ"
        return f"top {len(self.values)} values identical"
