"""PLACEHOLDER: schema_diff check (to be implemented)."""

from __future__ import annotations

from typing import Literal

from spyglass.checks.base import CheckContext, CheckDefinition, CheckType, Params, Result
from spyglass.exceptions import CheckSkipped


class SchemaDiffParams(Params):
    pass


class SchemaDiffResult(Result):
    kind: Literal["schema_diff"] = "schema_diff"

    @property
    def mismatch(self) -> bool:
        return False

    @property
    def headline(self) -> str:
        return ""


def run(params: SchemaDiffParams, ctx: CheckContext) -> SchemaDiffResult:
    raise CheckSkipped("The schema_diff check is not implemented yet.")


def title(params: SchemaDiffParams) -> str:
    return "schema_diff"


SCHEMA_DIFF = CheckDefinition(
    type=CheckType.SCHEMA_DIFF, params_model=SchemaDiffParams, result_model=SchemaDiffResult, run=run, title=title
)
