"""Running a value diff: resolve both sides and the key, check the key, run the one statement, read it.

The key is checked **first**, by one bounded GROUP BY per side run concurrently (duplicate or NULL key
values, up to 5 of them named in the error): joining on a key that is not unique multiplies rows, and
a low-cardinality key over 200k rows made the join run for minutes before the error. The join then also
verifies, for free, that ``in_both + removed == base rows``, ``in_both + added == current rows`` and
that removed/added keys are distinct (keys that only collide after casting both sides to one type).

When rows differ, one more statement finds where they concentrate (:mod:`.segments`, unless
``segments: false``); it stays cancellable, and its failure only adds a note: the figures stand.
"""

from __future__ import annotations

from dataclasses import dataclass

from spyglass.checks.base import CheckContext
from spyglass.checks.compare import ComparePlan, ModelPair, check_keys, filtered_sides, model_nodes, plan_comparison
from spyglass.checks.key_tests import KeyProof, key_proof
from spyglass.checks.sampling import SampleInfo, sample_of, sampled_side
from spyglass.checks.sides import Side
from spyglass.checks.sql import JsonScalar, SqlBuilder, to_json_scalar
from spyglass.checks.value_diff import segments
from spyglass.checks.value_diff import sql as out
from spyglass.checks.value_diff.result import ColumnMatch, ValueDiffResult
from spyglass.checks.value_diff.spec import ValueDiffParams
from spyglass.exceptions import Cancelled, CheckError, SpyglassError
from spyglass.warehouse.base import Record, Value, Warehouse


# -- interpretation (pure) ---------------------------------------------------------------------------------
def _examples(*values: Value) -> tuple[JsonScalar, ...]:
    found: list[JsonScalar] = []
    for value in values:
        scalar = to_json_scalar(value)
        if scalar is not None and scalar not in found:
            found.append(scalar)
    return tuple(found)


def keys_consistent(row: Record) -> bool:
    """The in-pass key check: True when no key is duplicated or NULL on either side."""
    both, removed, added = row.as_int(out.IN_BOTH), row.as_int(out.REMOVED), row.as_int(out.ADDED)
    return (both + removed == row.as_int(out.BASE_ROWS) and both + added == row.as_int(out.CURRENT_ROWS)
            and removed == row.as_int(out.REMOVED_KEYS) and added == row.as_int(out.ADDED_KEYS))


def interpret(row: Record, plan: ComparePlan, params: ValueDiffParams) -> ValueDiffResult:
    """Turn the summary statement's one row into the result (call after :func:`keys_consistent`)."""
    both = row.as_int(out.IN_BOTH)
    columns = []
    for i, pair in enumerate(plan.columns):
        mismatched = row.as_int(out.MISMATCHED(i))
        columns.append(ColumnMatch(column=pair.name, base_type=pair.base_type, current_type=pair.current_type,
                                   matched=both - mismatched, mismatched=mismatched,
                                   example_key=to_json_scalar(row[out.EXAMPLE_KEY(i)])))
    examples = {kind: _examples(row[out.MIN_KEY[kind]], row[out.MAX_KEY[kind]]) for kind in out.MIN_KEY}
    return ValueDiffResult(
        model=params.model, primary_key=tuple(k.name for k in plan.keys), base_rows=row.as_int(out.BASE_ROWS),
        current_rows=row.as_int(out.CURRENT_ROWS), added=row.as_int(out.ADDED), removed=row.as_int(out.REMOVED),
        in_both=both, changed=row.as_int(out.CHANGED), columns=tuple(columns), base_only_columns=plan.base_only,
        current_only_columns=plan.current_only, example_added=examples[out.ADDED],
        example_removed=examples[out.REMOVED], example_changed=examples[out.CHANGED],
        abs_tolerance=params.abs_tolerance, rel_tolerance=params.rel_tolerance,
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


@dataclass(frozen=True)
class ModelComparison:
    """A model's two sides and how their columns pair (what value_diff and its detail start from)."""

    what: str
    nodes: ModelPair
    base: Side
    current: Side
    plan: ComparePlan
    #: set when only a sample of the keys is compared (both sides then hold only those keys)
    sample: SampleInfo | None = None
    #: what the row filter (where, since/until) did, for the result's notes
    filter_notes: tuple[str, ...] = ()


def compare_model(params: ValueDiffParams, ctx: CheckContext, sql: SqlBuilder) -> ModelComparison:
    """Resolve the model on both sides, read their columns, pair keys and columns by name."""
    what = f"model {params.model!r}"
    ctx.progress(0.05, "Reading columns")
    nodes = model_nodes(ctx, params.model)
    sides = filtered_sides(ctx, sql, nodes, params.row_filter, params.model)
    base, current, filtered = sides.base, sides.current, sides.row_filter.notes
    plan = plan_comparison(base, current, resolve_keys(nodes, params), params.columns, sql, what)
    sample = sample_of(params.sample, params.sample_rows, ctx, sql, base, current)
    if sample is None:
        return ModelComparison(what, nodes, base, current, plan, filter_notes=filtered)
    return ModelComparison(what, nodes, sampled_side(sql, base, plan.keys, sample.fraction),
                           sampled_side(sql, current, plan.keys, sample.fraction), plan, sample, filtered)


def run(params: ValueDiffParams, ctx: CheckContext) -> ValueDiffResult:
    warehouse = ctx.require_warehouse()
    sql = SqlBuilder.for_warehouse(warehouse)
    model = compare_model(params, ctx, sql)
    proof = KeyProof(()) if params.assume_unique_key else key_proof(ctx, model.nodes, [k.name for k in model.plan.keys])
    if not params.assume_unique_key and len(proof.skipped) < 2:
        ctx.progress(0.1, "Checking the primary key")
        check_keys(warehouse, sql, model.plan, model.base, model.current, model.what, ctx, skip=proof.skipped)
    ctx.progress(0.3, f"Comparing {len(model.plan.columns)} columns")
    statement = out.summary_query(sql, model.plan, model.base, model.current, params.tolerance,
                                  two_step=params.two_step)
    row = warehouse.execute(statement, cancel=ctx.cancel).record()
    if not keys_consistent(row) and (params.assume_unique_key or proof.skipped):  # assumed wrong: say where
        check_keys(warehouse, sql, model.plan, model.base, model.current, model.what, ctx)
    if not keys_consistent(row):  # unique on each side, yet the join paired rows more than once
        raise CheckError(f"The primary key of {model.what} paired rows more than once although it is unique "
                         "on each side: values can become equal once both sides are cast to one type (or the "
                         "tables changed during the check).",
                         remedy="Choose key columns of the same type on both sides, or run the check again.")
    result = interpret(row, model.plan, params).model_copy(update={"notes": (*model.nodes.notes,
                                                                             *model.filter_notes, *proof.notes),
                                                                   "sample": model.sample})
    if params.segments and (result.removed or result.added or result.changed):
        result = with_segments(result, model, params, ctx, warehouse, sql)
    return result


def with_segments(result: ValueDiffResult, model: ModelComparison, params: ValueDiffParams, ctx: CheckContext,
                  warehouse: Warehouse, sql: SqlBuilder) -> ValueDiffResult:
    """``result`` with where its differing rows concentrate (:mod:`.segments`); a failure of that one
    query becomes a note (a cancel still stops the run)."""
    common = plan_comparison(model.base, model.current, [k.name for k in model.plan.keys], None, sql, model.what)
    columns = segments.candidates(model.plan.columns, common.columns)
    kinds = [kind for kind, rows in ((out.REMOVED, result.removed), (out.ADDED, result.added),
                                     (out.CHANGED, result.changed)) if rows]
    if not columns or not kinds:
        return result
    ctx.progress(0.9, "Finding where the changes are")
    statement = segments.segments_query(sql, model.plan, model.base, model.current, params.tolerance, columns, kinds)
    try:
        found = warehouse.execute(statement, cancel=ctx.cancel)
    except Cancelled:
        raise
    except SpyglassError as error:
        note = f"Could not find where the changes are (the figures stand): {error.message}"
        return result.model_copy(update={"notes": (*result.notes, note)})
    return result.model_copy(update={"segments": segments.read(found.records(), columns),
                                     "segment_columns": tuple(c.name for c in columns)})
