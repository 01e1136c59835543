"""What a query diff is asked: the SQL of each side, an optional key, how many rows to keep."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from spyglass.checks.base import CheckSpec, Params
from spyglass.checks.compare import Tolerance
from spyglass.checks.query import QUERY_LIMIT, sql_excerpt


class QueryDiffParams(Params):
    """Recce-compatible: ``sql_template``, optional ``base_sql_template`` and ``primary_keys``; with a key,
    ``abs_tolerance``/``rel_tolerance`` compare numeric columns as a value diff does."""

    sql_template: str = Field(min_length=1)
    base_sql_template: str | None = None
    primary_keys: list[str] | None = None
    limit: int = Field(default=QUERY_LIMIT, ge=1, le=100_000)
    #: with ``primary_keys``: numeric columns match when ``|base - current| <= abs_tolerance``
    abs_tolerance: float | None = Field(default=None, ge=0)
    #: with ``primary_keys``: numeric columns match when ``|base - current| <= rel_tolerance * max(|base|, |current|)``
    rel_tolerance: float | None = Field(default=None, ge=0)

    @field_validator("primary_keys", mode="before")
    @classmethod
    def _listify(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value or None

    @property
    def tolerance(self) -> Tolerance:
        """The float tolerance, as a value diff's (:class:`spyglass.checks.compare.Tolerance`)."""
        return Tolerance(self.abs_tolerance, self.rel_tolerance)


class QueryDiffSpec(CheckSpec[QueryDiffParams]):
    type: Literal["query_diff"] = "query_diff"


def title(params: QueryDiffParams) -> str:
    return f"Query diff: {sql_excerpt(params.sql_template)}"
