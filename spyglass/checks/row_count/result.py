"""A row count diff's result: per node, each side's status and count, and the change."""

from __future__ import annotations

from enum import Enum
from typing import Literal

from pydantic import BaseModel

from spyglass.checks.base import Result
from spyglass.checks.row_count.spec import DEFAULT_SELECT


class SideStatus(str, Enum):
    OK = "ok"
    TABLE_MISSING = "table_missing"
    NOT_MATERIALIZED = "not_materialized"
    NOT_IN_MANIFEST = "not_in_manifest"
    PERMISSION_DENIED = "permission_denied"
    ERROR = "error"


#: statuses that say nothing about the data: the node cannot be verified on that side
_UNVERIFIED = frozenset({SideStatus.TABLE_MISSING, SideStatus.PERMISSION_DENIED, SideStatus.ERROR})


class SideCount(BaseModel, frozen=True):
    """One side of one node: its status and, when ``ok``, its row count."""

    status: SideStatus
    count: int | None = None
    error: str | None = None


class RowCountRow(BaseModel, frozen=True):
    """Base and current counts of one node, with the derived change figures as properties."""

    unique_id: str
    name: str
    resource_type: str
    base: SideCount
    current: SideCount

    @property
    def base_count(self) -> int | None:
        return self.base.count

    @property
    def current_count(self) -> int | None:
        return self.current.count

    @property
    def delta(self) -> int | None:
        """``current - base`` when both sides were counted."""
        if self.base.count is None or self.current.count is None:
            return None
        return self.current.count - self.base.count

    @property
    def delta_pct(self) -> float | None:
        """The change in percent of the base count (None when not both counted or base is 0)."""
        delta = self.delta
        if delta is None or not self.base.count:
            return None
        return delta * 100.0 / self.base.count

    @property
    def changed(self) -> bool:
        """Counts or statuses differ, or a side could not be verified (missing table, no access)."""
        if self.base.status in _UNVERIFIED or self.current.status in _UNVERIFIED:
            return True
        return (self.base.status, self.base.count) != (self.current.status, self.current.count)


class RowCountDiffResult(Result):
    kind: Literal["row_count_diff"] = "row_count_diff"
    rows: tuple[RowCountRow, ...] = ()
    selection: str = DEFAULT_SELECT

    @property
    def changed_rows(self) -> tuple[RowCountRow, ...]:
        return tuple(row for row in self.rows if row.changed)

    @property
    def mismatch(self) -> bool:
        return any(row.changed for row in self.rows)

    @property
    def headline(self) -> str:
        total = len(self.rows)
        if total == 0:
            return "no nodes selected"
        noun = "node" if total == 1 else "nodes"
        changed = len(self.changed_rows)
        if changed == 0:
            return f"{total} {noun}, row counts equal"
        return f"{changed} of {total} {noun} differ"
