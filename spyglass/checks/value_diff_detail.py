"""PLACEHOLDER: value_diff_detail check (to be implemented)."""

from __future__ import annotations

from typing import Literal

from spyglass.checks.base import CheckContext, CheckDefinition, CheckType, Params, Result
from spyglass.exceptions import CheckSkipped


class ValueDiffDetailParams(Params):
    pass


class ValueDiffDetailResult(Result):
    kind: Literal["value_diff_detail"] = "value_diff_detail"

    @property
    def mismatch(self) -> bool:
        return False

    @property
    def headline(self) -> str:
        return ""


def run(params: ValueDiffDetailParams, ctx: CheckContext) -> ValueDiffDetailResult:
    raise CheckSkipped("The value_diff_detail check is not implemented yet.")


def title(params: ValueDiffDetailParams) -> str:
    return "value_diff_detail"


VALUE_DIFF_DETAIL = CheckDefinition(
    type=CheckType.VALUE_DIFF_DETAIL, params_model=ValueDiffDetailParams, result_model=ValueDiffDetailResult, run=run, title=title
)
