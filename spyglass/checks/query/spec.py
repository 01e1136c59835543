"""What a query check is asked: the Jinja SQL, which environment, how many rows to keep."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from spyglass.checks.base import CheckSpec, Params

QUERY_LIMIT = 2_000


class QueryParams(Params):
    """Recce-compatible ``sql_template``; ``base: true`` runs it against the base environment."""

    sql_template: str = Field(min_length=1)
    base: bool = False
    limit: int = Field(default=QUERY_LIMIT, ge=1, le=100_000)


class QuerySpec(CheckSpec[QueryParams]):
    type: Literal["query"] = "query"


def sql_excerpt(sql: str, width: int = 60) -> str:
    """The SQL on one line, cut to ``width`` characters (for titles)."""
    line = " ".join(sql.split())
    return line if len(line) <= width else line[:width] + "..."


def title(params: QueryParams) -> str:
    return f"Query{' (base)' if params.base else ''}: {sql_excerpt(params.sql_template)}"
