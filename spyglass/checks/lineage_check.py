"""PLACEHOLDER: lineage_diff check (to be implemented)."""

from __future__ import annotations

from typing import Literal

from spyglass.checks.base import CheckContext, CheckDefinition, CheckType, Params, Result
from spyglass.exceptions import CheckSkipped


class LineageDiffParams(Params):
    pass


class LineageDiffResult(Result):
    kind: Literal["lineage_diff"] = "lineage_diff"

    @property
    def mismatch(self) -> bool:
        return False

    @property
    def headline(self) -> str:
        return ""


def run(params: LineageDiffParams, ctx: CheckContext) -> LineageDiffResult:
    raise CheckSkipped("The lineage_diff check is not implemented yet.")


def title(params: LineageDiffParams) -> str:
    return "lineage_diff"


LINEAGE_DIFF = CheckDefinition(
    type=CheckType.LINEAGE_DIFF, params_model=LineageDiffParams, result_model=LineageDiffResult, run=run, title=title
)
