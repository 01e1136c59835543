"""A manual check's result: never a mismatch, never conclusive (a reviewer decides)."""

from __future__ import annotations

from typing import Literal

from spyglass.checks.base import Result

HEADLINE = "manual check: a reviewer decides"


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
