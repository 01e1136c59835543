"""PLACEHOLDER: top_k_diff check (to be implemented)."""

from __future__ import annotations

from typing import Literal

from spyglass.checks.base import CheckContext, CheckDefinition, CheckType, Params, Result
from spyglass.exceptions import CheckSkipped


class TopKDiffParams(Params):
    pass


class TopKDiffResult(Result):
    kind: Literal["top_k_diff"] = "top_k_diff"

    @property
    def mismatch(self) -> bool:
        return False

    @property
    def headline(self) -> str:
        return ""


def run(params: TopKDiffParams, ctx: CheckContext) -> TopKDiffResult:
    raise CheckSkipped("The top_k_diff check is not implemented yet.")


def title(params: TopKDiffParams) -> str:
    return "top_k_diff"


TOP_K_DIFF = CheckDefinition(
    type=CheckType.TOP_K_DIFF, params_model=TopKDiffParams, result_model=TopKDiffResult, run=run, title=title
)
