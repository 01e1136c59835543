"""Running a profile diff: all figures are aggregates computed in the warehouse.

Columns are batched into one query per side, or, where the dialect declares exact distinct counts batched
slower (DuckDB), one query per column, run concurrently. ``approx`` uses the dialect's approximate
distinct count and median in one query per side.
"""

from __future__ import annotations

from spyglass.checks.base import CheckContext
from spyglass.checks.profile.result import ColumnProfile, ProfileColumn, ProfileDiffResult
from spyglass.checks.profile.spec import ProfileDiffParams
from spyglass.checks.profile.sql import Figures, Statement, plan_statements, read_figures
from spyglass.checks.profile_target import Target, load_target, profiled_family
from spyglass.checks.sides import Column, Side
from spyglass.checks.sql import SqlBuilder, checked
from spyglass.project.models import Env


def run(params: ProfileDiffParams, ctx: CheckContext) -> ProfileDiffResult:
    warehouse = ctx.require_warehouse()
    target = load_target(warehouse, ctx.artifacts, params.model, ctx.cancel, params.row_filter)
    names = _selected(target, params)
    sql = SqlBuilder.for_warehouse(warehouse)
    statements: list[Statement] = []
    for side in target.sides:
        statements += plan_statements(side, _side_columns(side, names), sql, approx=params.approx)
    ctx.progress(0.1, f"Profiling {len(names)} columns of {params.model} in {len(statements)} queries")
    results = [checked(r) for r in warehouse.execute_many([s.sql for s in statements], cancel=ctx.cancel)]
    figures = read_figures(statements, results)
    ctx.progress(1.0, "Profile done")
    # "unique" is only known when the distinct counts are exact (dialects without approx_distinct)
    approx = params.approx and bool(warehouse.dialect.approx_distinct)
    return ProfileDiffResult(
        model=params.model,
        approx=params.approx,
        base_present=target.base is not None,
        current_present=target.current is not None,
        columns=tuple(_column(target, name, figures, approx=approx) for name in names),
        notes=target.notes,
    )


def _selected(target: Target, params: ProfileDiffParams) -> list[str]:
    if params.columns:
        return list(dict.fromkeys(target.resolve(name) for name in params.columns))
    return target.column_names()


def _side_columns(side: Side, names: list[str]) -> list[Column]:
    return [c for c in (side.find(n) for n in names) if c is not None]


def _profile(figures: Figures, *, approx: bool) -> ColumnProfile:
    return ColumnProfile(
        row_count=figures.row_count,
        nulls=figures.row_count - figures.non_null,
        distinct=figures.distinct,
        unique=None if approx else (figures.distinct == figures.row_count),
        min=figures.min,
        max=figures.max,
        avg=figures.avg,
        median=figures.median,
    )


def _column(target: Target, name: str, figures: dict[Env, dict[str, Figures]], *, approx: bool) -> ProfileColumn:
    types: list[str | None] = []
    profiles: list[ColumnProfile | None] = []
    for side in (target.base, target.current):
        column = side.find(name) if side else None
        if side is None or column is None:
            types.append(None)
            profiles.append(None)
        else:
            types.append(profiled_family(column.type).value)
            profiles.append(_profile(figures[side.env][column.name], approx=approx))
    return ProfileColumn(name=name, base_type=types[0], current_type=types[1], base=profiles[0], current=profiles[1])
