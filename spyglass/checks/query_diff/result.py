"""What a query diff found: the multiset difference and both result sets, or the differing rows by key."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from spyglass.checks.base import Result
from spyglass.checks.query import DataTable
from spyglass.checks.sql import JsonScalar
from spyglass.checks.value_diff_detail import DiffRows


class RowCount(BaseModel):
    """One distinct row whose number of occurrences differs between base and current."""

    model_config = ConfigDict(frozen=True)

    values: tuple[JsonScalar, ...]
    base_count: int
    current_count: int


class MultisetDiff(BaseModel):
    model_config = ConfigDict(frozen=True)

    columns: tuple[str, ...]
    rows: tuple[RowCount, ...]
    #: rows (with multiplicity) of base that current lacks, and the reverse
    only_in_base: int
    only_in_current: int
    #: distinct rows whose counts differ (``rows`` holds the first ``limit`` in column order)
    differing: int
    more: bool
    #: True when the state file keeps fewer rows (or shortened values) than were fetched
    truncated: bool = False


class QueryDiffResult(Result):
    kind: Literal["query_diff"] = "query_diff"
    base_only_columns: tuple[str, ...] = ()
    current_only_columns: tuple[str, ...] = ()
    #: without a key: the multiset difference and both result sets
    multiset: MultisetDiff | None = None
    base: DataTable | None = None
    current: DataTable | None = None
    #: with a key: the differing rows
    keyed: DiffRows | None = None
    #: both sides returned no rows (a result: nothing differs)
    both_empty: bool = False

    @property
    def mismatch(self) -> bool:
        if self.base_only_columns or self.current_only_columns:
            return True
        if self.keyed is not None:
            return self.keyed.total > 0
        return self.multiset is not None and (self.multiset.only_in_base + self.multiset.only_in_current) > 0

    @property
    def headline(self) -> str:
        columns = ""
        if self.base_only_columns or self.current_only_columns:
            columns = f"; columns only in base: {len(self.base_only_columns)}, " \
                      f"only in current: {len(self.current_only_columns)}"
        if self.both_empty:
            return "no rows on either side" + columns
        if self.keyed is not None:
            return self.keyed.headline + columns
        if self.multiset is None:
            return "no result" + columns
        m = self.multiset
        if not (m.only_in_base or m.only_in_current):
            return "same rows" + columns
        return multiset_counts(m) + columns


def multiset_counts(diff: MultisetDiff) -> str:
    """``"2 rows only in base, 1 only in current"``."""
    noun = "row" if diff.only_in_base == 1 else "rows"
    return f"{diff.only_in_base:,} {noun} only in base, {diff.only_in_current:,} only in current"
