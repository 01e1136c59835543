"""A histogram diff's result: shared bins and each side's count per bin."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from spyglass.checks.base import Result


class HistogramSide(BaseModel, frozen=True):
    row_count: int
    nulls: int
    #: one count per bin, in bin order
    counts: tuple[int, ...]


class HistogramDiffResult(Result):
    kind: Literal["histogram_diff"] = "histogram_diff"
    model: str
    column_name: str
    #: ``numeric`` or ``date``
    column_type: Literal["numeric", "date"] = "numeric"
    #: for dates: ``year``, ``month`` or ``day`` buckets
    unit: str | None = None
    labels: tuple[str, ...] = ()
    #: numeric bins: ``len(labels) + 1`` edges; the last bin includes its upper edge
    bin_edges: tuple[float, ...] = ()
    min: str | None = None
    max: str | None = None
    base: HistogramSide | None = None
    current: HistogramSide | None = None

    @property
    def changed_bins(self) -> int:
        if self.base is None or self.current is None:
            return len(self.labels)
        return sum(1 for b, c in zip(self.base.counts, self.current.counts, strict=True) if b != c)

    @property
    def mismatch(self) -> bool:
        return self.base != self.current

    @property
    def headline(self) -> str:
        if self.base is None or self.current is None:
            return f"{self.column_name} only in {'base' if self.current is None else 'current'}"
        if self.changed_bins:
            return f"{self.changed_bins} of {len(self.labels)} bins differ"
        if self.mismatch:
            return "null counts differ"
        return f"identical in {len(self.labels)} bins"
