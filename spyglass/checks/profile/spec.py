"""What a profile diff is asked: a model, optionally some of its columns, exact or approximate."""

from __future__ import annotations

from typing import Literal

from spyglass.checks.base import CheckSpec
from spyglass.checks.profile_target import ModelParams
from spyglass.checks.row_filter import title_suffix


class ProfileDiffParams(ModelParams):
    #: profile only these columns (default: every column of either side)
    columns: tuple[str, ...] | None = None
    #: approximate distinct count and median (one query per side, much faster on big tables)
    approx: bool = False


class ProfileDiffSpec(CheckSpec[ProfileDiffParams]):
    type: Literal["profile_diff"] = "profile_diff"


def title(params: ProfileDiffParams) -> str:
    return f"Profile diff of {params.model}{title_suffix(params.row_filter)}"
