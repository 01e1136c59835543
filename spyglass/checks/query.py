"""PLACEHOLDER: query check (to be implemented)."""

from __future__ import annotations

from typing import Literal

from spyglass.checks.base import CheckContext, CheckDefinition, CheckType, Params, Result
from spyglass.exceptions import CheckSkipped


class QueryParams(Params):
    pass


class QueryResultModel(Result):
    kind: Literal["query"] = "query"

    @property
    def mismatch(self) -> bool:
        return False

    @property
    def headline(self) -> str:
        return ""


def run(params: QueryParams, ctx: CheckContext) -> QueryResultModel:
    raise CheckSkipped("The query check is not implemented yet.")


def title(params: QueryParams) -> str:
    return "query"


QUERY = CheckDefinition(
    type=CheckType.QUERY, params_model=QueryParams, result_model=QueryResultModel, run=run, title=title
)
