"""What a top-k diff is asked: a model's column and K."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from spyglass.checks.base import CheckSpec
from spyglass.checks.profile_target import ColumnParams
from spyglass.checks.row_filter import title_suffix


class TopKDiffParams(ColumnParams):
    #: how many of each side's most frequent values to compare
    k: int = Field(default=10, ge=1, le=1000)


class TopKDiffSpec(CheckSpec[TopKDiffParams]):
    type: Literal["top_k_diff"] = "top_k_diff"


def title(params: TopKDiffParams) -> str:
    return f"Top-{params.k} diff of {params.model}.{params.column_name}{title_suffix(params.row_filter)}"
