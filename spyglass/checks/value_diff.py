"""value_diff: compare a model's base and current rows by primary key, column by column, in ONE query.

One statement joining base and current on the raw key columns (by name) yields removed, added, in-both
and changed row counts, and per compared column its mismatch count and an example key; its two
declared forms (single join, or two-step with a row hash) are in :mod:`spyglass.checks.value_diff_sql`.

The key is checked **first**, by one bounded GROUP BY per side run concurrently (duplicate or NULL key
values, up to 5 of them named in the error): joining on a key that is not unique multiplies rows, and
a low-cardinality key over 200k rows made the join run for minutes before the error. The scan costs
about one read of each side; the join then also verifies, for free, that ``in_both + removed == base
rows``, ``in_both + added == current rows`` and that removed/added keys are distinct (keys that only
collide after casting both sides to one type). Two empty sides are a result: 0 rows each, no mismatch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from spyglass.checks.base import CheckContext, CheckDefinition, CheckSpec, Params, Result
from spyglass.checks.compare import (
    ComparePlan,
    ModelPair,
    Tolerance,
    check_keys,
    model_nodes,
    model_sides,
    plan_comparison,
)
from spyglass.checks.scope import CheckNodes
from spyglass.checks.sql import JsonScalar, SqlBuilder, to_json_scalar
from spyglass.checks.value_diff_sql import summary_query
from spyglass.exceptions import CheckError
from spyglass.warehouse.base import Value


class ValueDiffParams(Params):
    """Recce-compatible: ``model``, ``primary_key`` (a column or a list), optional ``columns``.

    Without ``primary_key`` the model's column tested ``unique`` (and ``not_null``) in dbt is used.
    Tolerances apply to columns numeric on both sides; other columns compare exactly.
    """

    model: str
    primary_key: str | list[str] | None = None
    columns: list[str] | None = None
    #: numeric columns match when ``|base - current| <= abs_tolerance``
    abs_tolerance: float | None = Field(default=None, ge=0)
    #: numeric columns match when ``|base - current| <= rel_tolerance * max(|base|, |current|)``
    rel_tolerance: float | None = Field(default=None, ge=0)
    #: a SQL condition both sides are filtered by (e.g. a date window, so a CI build with less data
    #: compares fairly)
    where: str | None = None
    #: force the two-step form (True) or the single join (False); default: as the dialect declares
    two_step: bool | None = None

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


class ColumnMatch(BaseModel):
    """How one compared column fared on the rows present on both sides."""

    model_config = ConfigDict(frozen=True)

    column: str
    base_type: str | None = None
    current_type: str | None = None
    matched: int
    mismatched: int
    #: the smallest key whose value differs in this column
    example_key: JsonScalar = None

    @property
    def matched_p(self) -> float | None:
        """Share of in-both rows whose values match (None when no row is on both sides)."""
        total = self.matched + self.mismatched
        return self.matched / total if total else None


class ValueDiffResult(Result):
    kind: Literal["value_diff"] = "value_diff"
    model: str
    primary_key: tuple[str, ...]
    base_rows: int
    current_rows: int
    added: int
    removed: int
    in_both: int
    changed: int
    columns: tuple[ColumnMatch, ...]
    base_only_columns: tuple[str, ...] = ()
    current_only_columns: tuple[str, ...] = ()
    #: a few keys of each kind of difference (smallest and largest)
    example_added: tuple[JsonScalar, ...] = ()
    example_removed: tuple[JsonScalar, ...] = ()
    example_changed: tuple[JsonScalar, ...] = ()
    abs_tolerance: float | None = None
    rel_tolerance: float | None = None

    @property
    def mismatch(self) -> bool:
        return bool(self.added or self.removed or self.changed or any(c.mismatched for c in self.columns))

    @property
    def headline(self) -> str:
        if not self.base_rows and not self.current_rows:
            return "both sides empty: 0 rows each"
        if not self.mismatch:
            return f"identical: {self.in_both:,} rows, {len(self.columns)} columns match"
        parts = [f"{self.added:,} added", f"{self.removed:,} removed",
                 f"{self.changed:,} of {self.in_both:,} changed"]
        return ", ".join(parts)


# -- SQL ------------------------------------------------------------------------------------------------
# -- interpretation (pure) ---------------------------------------------------------------------------------
def _int(value: Value) -> int:
    return int(value or 0)  # type: ignore[arg-type]


def _examples(*values: Value) -> tuple[JsonScalar, ...]:
    out: list[JsonScalar] = []
    for value in values:
        scalar = to_json_scalar(value)
        if scalar is not None and scalar not in out:
            out.append(scalar)
    return tuple(out)


def keys_consistent(row: Sequence[Value]) -> bool:
    """The in-pass key check: True when no key is duplicated or NULL on either side."""
    base_rows, current_rows, both, removed, added = (_int(v) for v in row[:5])
    removed_distinct, added_distinct = _int(row[6]), _int(row[7])
    return (both + removed == base_rows and both + added == current_rows
            and removed == removed_distinct and added == added_distinct)


def interpret(row: Sequence[Value], plan: ComparePlan, params: ValueDiffParams) -> ValueDiffResult:
    """Turn the summary query's one row into the result (call after :func:`keys_consistent`)."""
    base_rows, current_rows, both, removed, added, changed = (_int(v) for v in row[:6])
    columns = []
    for i, pair in enumerate(plan.columns):
        mismatched = _int(row[14 + 2 * i])
        columns.append(ColumnMatch(column=pair.name, base_type=pair.base_type, current_type=pair.current_type,
                                   matched=both - mismatched, mismatched=mismatched,
                                   example_key=to_json_scalar(row[15 + 2 * i])))
    return ValueDiffResult(
        model=params.model, primary_key=tuple(k.name for k in plan.keys), base_rows=base_rows,
        current_rows=current_rows, added=added, removed=removed, in_both=both, changed=changed,
        columns=tuple(columns), base_only_columns=plan.base_only, current_only_columns=plan.current_only,
        example_added=_examples(row[8], row[9]), example_removed=_examples(row[10], row[11]),
        example_changed=_examples(row[12], row[13]), abs_tolerance=params.abs_tolerance,
        rel_tolerance=params.rel_tolerance,
    )


# -- the check ------------------------------------------------------------------------------------------------
def resolve_keys(nodes: ModelPair, params: ValueDiffParams) -> tuple[str, ...]:
    """The given key, else the column the model's dbt tests declare unique (CheckError when none)."""
    if params.keys:
        return params.keys
    declared = nodes.current.primary_key or nodes.base.primary_key
    if declared is None:
        raise CheckError(f"No primary key given for model {params.model!r}, and none is declared in dbt.",
                         remedy="Pass primary_key (a column or a list of columns), or add a `unique` test "
                                "to the model's key column.")
    return (declared,)


def run(params: ValueDiffParams, ctx: CheckContext) -> ValueDiffResult:
    warehouse = ctx.require_warehouse()
    sql = SqlBuilder.for_warehouse(warehouse)
    what = f"model {params.model!r}"
    ctx.progress(0.05, "Reading columns")
    nodes = model_nodes(ctx, params.model)
    base, current = model_sides(ctx, sql, nodes, params.where)
    plan = plan_comparison(base, current, resolve_keys(nodes, params), params.columns, sql, what)
    ctx.progress(0.1, "Checking the primary key")
    check_keys(warehouse, sql, plan, base, current, what, ctx)
    ctx.progress(0.3, f"Comparing {len(plan.columns)} columns")
    statement = summary_query(sql, plan, base, current, params.tolerance, two_step=params.two_step)
    row = warehouse.execute(statement, cancel=ctx.cancel).rows[0]
    if not keys_consistent(row):  # unique on each side, yet the join paired rows more than once
        raise CheckError(f"The primary key of {what} paired rows more than once although it is unique on "
                         "each side: values can become equal once both sides are cast to one type (or the "
                         "tables changed during the check).",
                         remedy="Choose key columns of the same type on both sides, or run the check again.")
    return interpret(row, plan, params).model_copy(update={"notes": nodes.notes})


def title(params: ValueDiffParams) -> str:
    return f"Value diff of {params.model}"


class ValueDiffSpec(CheckSpec[ValueDiffParams]):
    type: Literal["value_diff"] = "value_diff"


VALUE_DIFF = CheckDefinition(spec_model=ValueDiffSpec, result_model=ValueDiffResult, run=run, title=title)
