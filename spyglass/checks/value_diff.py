"""PLACEHOLDER: value_diff check (to be implemented)."""

from __future__ import annotations

from typing import Literal

from spyglass.checks.base import CheckContext, CheckDefinition, CheckType, Params, Result
from spyglass.exceptions import CheckSkipped


class ValueDiffParams(Params):
    pass


class ValueDiffResult(Result):
    kind: Literal["value_diff"] = "value_diff"

    @property
    def mismatch(self) -> bool:
        return False

    @property
    def headline(self) -> str:
        return ""


def run(params: ValueDiffParams, ctx: CheckContext) -> ValueDiffResult:
    raise CheckSkipped("The value_diff check is not implemented yet.")


def title(params: ValueDiffParams) -> str:
    return "value_diff"


VALUE_DIFF = CheckDefinition(
    type=CheckType.VALUE_DIFF, params_model=ValueDiffParams, result_model=ValueDiffResult, run=run, title=title
)
