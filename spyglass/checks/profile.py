"""profile_diff: per column, base and current side by side (counts, nulls, distinct, min/max/avg/median).

All figures are aggregates computed in the warehouse. Columns are batched into one query per side, or, where
the dialect declares exact distinct counts batched slower (DuckDB), one query per column, run
concurrently. ``approx`` uses the dialect's approximate distinct count
and median in one query per side.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, computed_field

from spyglass.checks.base import CheckContext, CheckDefinition, CheckSpec, Params, Result
from spyglass.checks.profile_sql import Figures, Statement, plan_statements, read_figures
from spyglass.checks.profile_target import Column, Side, Target, first_error, load_target
from spyglass.checks.scope import CheckNodes


class ProfileDiffParams(Params):
    model: str
    #: profile only these columns (default: every column of either side)
    columns: tuple[str, ...] | None = None
    #: approximate distinct count and median (one query per side, much faster on big tables)
    approx: bool = False

    def nodes(self) -> CheckNodes:
        return CheckNodes(names=(self.model,))


def _pct(part: int, whole: int) -> float | None:
    return None if whole == 0 else 100.0 * part / whole


class ColumnProfile(BaseModel):
    """One column's figures on one side."""

    model_config = ConfigDict(frozen=True)

    row_count: int
    nulls: int
    distinct: int
    #: every row has a distinct non-null value; None when the distinct count is approximate
    unique: bool | None
    min: str | None = None
    max: str | None = None
    avg: float | None = None
    median: float | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def null_pct(self) -> float | None:
        return _pct(self.nulls, self.row_count)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def distinct_pct(self) -> float | None:
        return _pct(self.distinct, self.row_count)

    def same_as(self, other: ColumnProfile) -> bool:
        """Equal figures (averages and medians within float noise of parallel aggregation)."""
        exact = ("row_count", "nulls", "distinct", "unique", "min", "max")
        if any(getattr(self, f) != getattr(other, f) for f in exact):
            return False
        return _close(self.avg, other.avg) and _close(self.median, other.median)


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


class ProfileColumn(BaseModel):
    """One column, base and current side by side (a side is None when the column is not there)."""

    model_config = ConfigDict(frozen=True)

    name: str
    base_type: str | None = None
    current_type: str | None = None
    base: ColumnProfile | None = None
    current: ColumnProfile | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def changed(self) -> bool:
        if self.base is None or self.current is None:
            return self.base is not self.current
        return not self.base.same_as(self.current)


class ProfileDiffResult(Result):
    kind: Literal["profile_diff"] = "profile_diff"
    model: str
    approx: bool = False
    base_present: bool = True
    current_present: bool = True
    columns: tuple[ProfileColumn, ...] = ()

    @property
    def changed_columns(self) -> tuple[ProfileColumn, ...]:
        return tuple(c for c in self.columns if c.changed)

    @property
    def mismatch(self) -> bool:
        return self.base_present != self.current_present or bool(self.changed_columns)

    @property
    def headline(self) -> str:
        if not self.base_present or not self.current_present:
            return f"{self.model} exists only in {'current' if self.current_present else 'base'}"
        changed = len(self.changed_columns)
        if changed == 0:
            return f"no change in {len(self.columns)} profiled columns"
        return f"{changed} of {len(self.columns)} columns differ"


def _profile(figures: Figures, *, approx: bool) -> ColumnProfile:
    nulls = figures.row_count - figures.non_null
    return ColumnProfile(
        row_count=figures.row_count,
        nulls=nulls,
        distinct=figures.distinct,
        unique=None if approx else (figures.distinct == figures.row_count),
        min=figures.min,
        max=figures.max,
        avg=figures.avg,
        median=figures.median,
    )


def _side_columns(side: Side | None, names: list[str]) -> list[Column]:
    if side is None:
        return []
    return [c for c in (side.find(n) for n in names) if c is not None]


def _selected(target: Target, params: ProfileDiffParams) -> list[str]:
    if params.columns:
        return list(dict.fromkeys(target.resolve(name) for name in params.columns))
    return target.column_names()


def run(params: ProfileDiffParams, ctx: CheckContext) -> ProfileDiffResult:
    warehouse = ctx.require_warehouse()
    target = load_target(warehouse, ctx.artifacts, params.model, ctx.cancel)
    names = _selected(target, params)
    statements: list[Statement] = []
    for side in target.sides:
        statements += plan_statements(side.relation, _side_columns(side, names), warehouse.quote,
                                      warehouse.dialect, approx=params.approx)
    ctx.progress(0.1, f"Profiling {len(names)} columns of {params.model} in {len(statements)} queries")
    results = first_error(warehouse.execute_many([s.sql for s in statements], cancel=ctx.cancel))
    figures = read_figures(statements, [result.rows[0] for result in results])
    ctx.progress(1.0, "Profile done")
    return ProfileDiffResult(
        model=params.model,
        approx=params.approx,
        base_present=target.base is not None,
        current_present=target.current is not None,
        # "unique" is only known when the distinct counts are exact (dialects without approx_distinct)
        columns=tuple(_column(target, name, figures, approx=params.approx and bool(warehouse.dialect.approx_distinct))
                      for name in names),
        notes=target.notes,
    )


def _column(target: Target, name: str, figures: dict[str, dict[str, Figures]], *, approx: bool) -> ProfileColumn:
    sides: list[tuple[str | None, ColumnProfile | None]] = []
    for side in (target.base, target.current):
        column = side.find(name) if side else None
        if side is None or column is None:
            sides.append((None, None))
            continue
        sides.append((column.type, _profile(figures[side.relation][column.name], approx=approx)))
    (base_type, base), (current_type, current) = sides
    return ProfileColumn(name=name, base_type=base_type, current_type=current_type, base=base, current=current)


def title(params: ProfileDiffParams) -> str:
    return f"Profile diff of {params.model}"


class ProfileDiffSpec(CheckSpec[ProfileDiffParams]):
    type: Literal["profile_diff"] = "profile_diff"


PROFILE_DIFF = CheckDefinition(spec_model=ProfileDiffSpec, result_model=ProfileDiffResult, run=run, title=title)
