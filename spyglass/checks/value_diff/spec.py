"""What a value diff is asked: the model, its key, the columns, tolerances and a row filter."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from spyglass.checks.base import CheckSpec
from spyglass.checks.compare import Tolerance
from spyglass.checks.row_filter import FilterParams, title_suffix
from spyglass.checks.scope import CheckNodes


class ValueDiffParams(FilterParams):
    """Recce-compatible: ``model``, ``primary_key`` (a column or a list), optional ``columns``.

    Without ``primary_key`` the model's column tested ``unique`` (and ``not_null``) in dbt is used.
    Tolerances apply to columns numeric on both sides; other columns compare exactly. ``where``,
    ``since``/``until`` and ``event_time`` filter both sides (:mod:`spyglass.checks.row_filter`).
    """

    model: str
    primary_key: str | list[str] | None = None
    columns: list[str] | None = None
    #: numeric columns match when ``|base - current| <= abs_tolerance``
    abs_tolerance: float | None = Field(default=None, ge=0)
    #: numeric columns match when ``|base - current| <= rel_tolerance * max(|base|, |current|)``
    rel_tolerance: float | None = Field(default=None, ge=0)
    #: force the two-step form (True) or the single join (False); default: as the dialect declares
    two_step: bool | None = None
    #: skip the uniqueness scan of the key before the join (one GROUP BY per side: on DuckDB about as long
    #: as the join itself). A key that is not unique after all is still refused, with examples, once the
    #: join shows it; but a key with many duplicates makes that join run long (it stays cancellable).
    assume_unique_key: bool = False
    #: when rows differ, one more query groups the removed, added and changed rows by the model's
    #: low-cardinality columns and reports where they concentrate ("92% of changed rows have status =
    #: 'returned'"); about one more join of both sides (:mod:`.segments`). False skips it.
    segments: bool = True
    #: compare only this fraction of the keys (0 < sample <= 1), the same keys on both sides (a hash of
    #: the key: :mod:`spyglass.checks.sampling`); the result's rates are then estimates with a 95% interval
    sample: float | None = Field(default=None, gt=0, le=1)
    #: compare about this many keys: the fraction is this over the larger side's rows (counted first)
    sample_rows: int | None = Field(default=None, ge=1)

    @field_validator("primary_key")
    @classmethod
    def _non_empty(cls, value: str | list[str] | None) -> str | list[str] | None:
        if value is not None and (not value or (isinstance(value, list) and not all(value))):
            raise ValueError("primary_key must name at least one column")
        return value

    @property
    def keys(self) -> tuple[str, ...]:
        if self.primary_key is None:
            return ()
        return (self.primary_key,) if isinstance(self.primary_key, str) else tuple(self.primary_key)

    @property
    def tolerance(self) -> Tolerance:
        return Tolerance(self.abs_tolerance, self.rel_tolerance)

    def nodes(self) -> CheckNodes:
        return CheckNodes(names=(self.model,))


class ValueDiffSpec(CheckSpec[ValueDiffParams]):
    type: Literal["value_diff"] = "value_diff"


def title(params: ValueDiffParams) -> str:
    return f"Value diff of {params.model}{title_suffix(params.row_filter)}"
