"""What a value-diff detail is asked: value_diff's params plus how many differing rows to return."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from spyglass.checks.base import CheckSpec
from spyglass.checks.value_diff import ValueDiffParams

DEFAULT_LIMIT = 1_000


class ValueDiffDetailParams(ValueDiffParams):
    """value_diff's params plus ``limit`` (how many differing rows to return)."""

    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=100_000)
    #: always False: the rows query cannot tell a duplicated key from a changed row, so the key is
    #: always checked first
    assume_unique_key: Literal[False] = False


class ValueDiffDetailSpec(CheckSpec[ValueDiffDetailParams]):
    type: Literal["value_diff_detail"] = "value_diff_detail"


def title(params: ValueDiffDetailParams) -> str:
    return f"Value diff detail of {params.model}"
