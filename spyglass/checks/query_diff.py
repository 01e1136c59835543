"""PLACEHOLDER: query_diff check (to be implemented)."""

from __future__ import annotations

from typing import Literal

from spyglass.checks.base import CheckContext, CheckDefinition, CheckType, Params, Result
from spyglass.exceptions import CheckSkipped


class QueryDiffParams(Params):
    pass


class QueryDiffResult(Result):
    kind: Literal["query_diff"] = "query_diff"

    @property
    def mismatch(self) -> bool:
        return False

    @property
    def headline(self) -> str:
        return ""


def run(params: QueryDiffParams, ctx: CheckContext) -> QueryDiffResult:
    raise CheckSkipped("The query_diff check is not implemented yet.")


def title(params: QueryDiffParams) -> str:
    return "query_diff"


QUERY_DIFF = CheckDefinition(
    type=CheckType.QUERY_DIFF, params_model=QueryDiffParams, result_model=QueryDiffResult, run=run, title=title
)
