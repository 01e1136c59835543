"""What a histogram diff is asked: a model's numeric or date column and the most bins."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from spyglass.checks.base import CheckSpec
from spyglass.checks.profile_target import ColumnParams
from spyglass.checks.row_filter import title_suffix


class HistogramDiffParams(ColumnParams):
    """``column_name`` holds numbers, dates or timestamps (dates are bucketed by year, month or day)."""

    #: the most bins for numbers (fewer when nice bin widths cover the range in fewer)
    num_bins: int = Field(default=50, ge=1, le=1000)


class HistogramDiffSpec(CheckSpec[HistogramDiffParams]):
    type: Literal["histogram_diff"] = "histogram_diff"


def title(params: HistogramDiffParams) -> str:
    return f"Histogram diff of {params.model}.{params.column_name}{title_suffix(params.row_filter)}"
