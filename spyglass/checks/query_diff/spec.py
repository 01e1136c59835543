"""What a query diff is asked: the SQL of each side, an optional key, how many rows to keep."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from spyglass.checks.base import CheckSpec, Params
from spyglass.checks.query import QUERY_LIMIT, sql_excerpt


class QueryDiffParams(Params):
    """Recce-compatible: ``sql_template``, optional ``base_sql_template`` and ``primary_keys``."""

    sql_template: str = Field(min_length=1)
    base_sql_template: str | None = None
    primary_keys: list[str] | None = None
    limit: int = Field(default=QUERY_LIMIT, ge=1, le=100_000)

    @field_validator("primary_keys", mode="before")
    @classmethod
    def _listify(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value or None


class QueryDiffSpec(CheckSpec[QueryDiffParams]):
    type: Literal["query_diff"] = "query_diff"


def title(params: QueryDiffParams) -> str:
    return f"Query diff: {sql_excerpt(params.sql_template)}"
