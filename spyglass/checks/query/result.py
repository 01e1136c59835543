"""A query's result set: its first rows, whether there are more, how many there are."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from spyglass.checks.base import Result
from spyglass.checks.sql import JsonScalar
from spyglass.project.models import Env
from spyglass.warehouse.families import TypeFamily


class ColumnInfo(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    type: TypeFamily = TypeFamily.UNKNOWN


class DataTable(BaseModel):
    """The first ``limit`` rows of a query, whether there are more, and how many there are in all."""

    model_config = ConfigDict(frozen=True)

    columns: tuple[ColumnInfo, ...]
    rows: tuple[tuple[JsonScalar, ...], ...]
    limit: int
    more: bool
    total_row_count: int
    #: True when the state file keeps fewer rows (or shortened values) than were fetched
    truncated: bool = False

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


class QueryResultModel(Result):
    kind: Literal["query"] = "query"
    env: Env = Env.CURRENT
    table: DataTable

    @property
    def mismatch(self) -> bool:
        return False

    @property
    def headline(self) -> str:
        rows = self.table.total_row_count
        return f"{rows:,} row{'s' if rows != 1 else ''} ({self.env.value})"
