"""PLACEHOLDER: profile_diff check (to be implemented)."""

from __future__ import annotations

from typing import Literal

from spyglass.checks.base import CheckContext, CheckDefinition, CheckType, Params, Result
from spyglass.exceptions import CheckSkipped


class ProfileDiffParams(Params):
    pass


class ProfileDiffResult(Result):
    kind: Literal["profile_diff"] = "profile_diff"

    @property
    def mismatch(self) -> bool:
        return False

    @property
    def headline(self) -> str:
        return ""


def run(params: ProfileDiffParams, ctx: CheckContext) -> ProfileDiffResult:
    raise CheckSkipped("The profile_diff check is not implemented yet.")


def title(params: ProfileDiffParams) -> str:
    return "profile_diff"


PROFILE_DIFF = CheckDefinition(
    type=CheckType.PROFILE_DIFF, params_model=ProfileDiffParams, result_model=ProfileDiffResult, run=run, title=title
)
