"""Running a manual check: nothing is computed."""

from __future__ import annotations

from spyglass.checks.base import CheckContext
from spyglass.checks.simple.result import SimpleResult
from spyglass.checks.simple.spec import SimpleParams


def run(params: SimpleParams, ctx: CheckContext) -> SimpleResult:
    return SimpleResult()
