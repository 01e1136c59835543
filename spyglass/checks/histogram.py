"""PLACEHOLDER: histogram_diff check (to be implemented)."""

from __future__ import annotations

from typing import Literal

from spyglass.checks.base import CheckContext, CheckDefinition, CheckType, Params, Result
from spyglass.exceptions import CheckSkipped


class HistogramDiffParams(Params):
    pass


class HistogramDiffResult(Result):
    kind: Literal["histogram_diff"] = "histogram_diff"

    @property
    def mismatch(self) -> bool:
        return False

    @property
    def headline(self) -> str:
        return ""


def run(params: HistogramDiffParams, ctx: CheckContext) -> HistogramDiffResult:
    raise CheckSkipped("The histogram_diff check is not implemented yet.")


def title(params: HistogramDiffParams) -> str:
    return "histogram_diff"


HISTOGRAM_DIFF = CheckDefinition(
    type=CheckType.HISTOGRAM_DIFF, params_model=HistogramDiffParams, result_model=HistogramDiffResult, run=run, title=title
)
