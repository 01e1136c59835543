"""PLACEHOLDER: row_count_diff check (to be implemented)."""

from __future__ import annotations

from typing import Literal

from spyglass.checks.base import CheckContext, CheckDefinition, CheckType, Params, Result
from spyglass.exceptions import CheckSkipped


class RowCountDiffParams(Params):
    pass


class RowCountDiffResult(Result):
    kind: Literal["row_count_diff"] = "row_count_diff"

    @property
    def mismatch(self) -> bool:
        return False

    @property
    def headline(self) -> str:
        return ""


def run(params: RowCountDiffParams, ctx: CheckContext) -> RowCountDiffResult:
    raise CheckSkipped("The row_count_diff check is not implemented yet.")


def title(params: RowCountDiffParams) -> str:
    return "row_count_diff"


ROW_COUNT_DIFF = CheckDefinition(
    type=CheckType.ROW_COUNT_DIFF, params_model=RowCountDiffParams, result_model=RowCountDiffResult, run=run, title=title
)
