"""simple: Recce's manual check, a name and a description for a reviewer to verify by hand.

Nothing is computed (no params; ``needs_warehouse=False``). Its result is never a mismatch and never
conclusive, so it is never approved automatically: the reviewer approves it. A ``recce.yml`` with
``type: simple`` checks runs unchanged.
"""

from __future__ import annotations

from typing import Literal

from spyglass.checks.base import CheckContext, CheckDefinition, CheckSpec, Params, Result

HEADLINE = "manual check: a reviewer decides"


class SimpleParams(Params):
    """No params (Recce writes none; anything given is ignored)."""


class SimpleResult(Result):
    kind: Literal["simple"] = "simple"

    @property
    def mismatch(self) -> bool:
        return False

    @property
    def headline(self) -> str:
        return HEADLINE

    @property
    def conclusive(self) -> bool:
        return False  # a person decides: never approved automatically


def run(params: SimpleParams, ctx: CheckContext) -> SimpleResult:
    return SimpleResult()


def title(params: SimpleParams) -> str:
    return "Manual check"


class SimpleSpec(CheckSpec[SimpleParams]):
    type: Literal["simple"] = "simple"


SIMPLE = CheckDefinition(spec_model=SimpleSpec, result_model=SimpleResult, run=run, title=title, needs_warehouse=False)
