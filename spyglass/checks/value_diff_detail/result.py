"""Differing rows of a keyed comparison (also what a keyed ``query_diff`` returns)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from spyglass.checks.sampling import SampledResult
from spyglass.checks.sql import JsonScalar

RowStatus = Literal["added", "removed", "changed"]


class DiffRow(BaseModel):
    """One differing row: its key, what happened, which columns changed, and both sides' values."""

    model_config = ConfigDict(frozen=True)

    key: tuple[JsonScalar, ...]
    status: RowStatus
    changed_columns: tuple[str, ...] = ()
    #: values of the compared columns (``DiffRows.columns`` order); None when the side lacks the row
    base: tuple[JsonScalar, ...] | None = None
    current: tuple[JsonScalar, ...] | None = None


class DiffRows(BaseModel):
    """Differing rows of a keyed comparison, plus totals over all of them (not only those returned)."""

    model_config = ConfigDict(frozen=True)

    primary_key: tuple[str, ...]
    columns: tuple[str, ...]
    rows: tuple[DiffRow, ...]
    limit: int
    more: bool
    added: int
    removed: int
    changed: int
    base_only_columns: tuple[str, ...] = ()
    current_only_columns: tuple[str, ...] = ()
    #: True when the state file keeps fewer rows (or shortened values) than were fetched
    truncated: bool = False

    @property
    def total(self) -> int:
        return self.added + self.removed + self.changed

    @property
    def headline(self) -> str:
        if not self.total:
            return "no differing rows"
        return f"{self.total:,} differing row{_s(self.total)}: {self.added:,} added, {self.removed:,} removed, " \
               f"{self.changed:,} changed"


def _s(count: int) -> str:
    return "" if count == 1 else "s"


class ValueDiffDetailResult(SampledResult):
    """``sample`` (:class:`SampledResult`) set: its rows are the sample's."""

    kind: Literal["value_diff_detail"] = "value_diff_detail"
    model: str
    diff: DiffRows

    @property
    def mismatch(self) -> bool:
        return self.diff.total > 0

    @property
    def headline(self) -> str:
        return self.diff.headline
