"""Running a top-k diff: one statement over both sides (:mod:`.sql`); nulls are counted separately and
shares are of non-null rows."""

from __future__ import annotations

from spyglass.checks.base import CheckContext
from spyglass.checks.profile_target import load_target
from spyglass.checks.sql import SqlBuilder
from spyglass.checks.top_k.result import TopKDiffResult
from spyglass.checks.top_k.spec import TopKDiffParams
from spyglass.checks.top_k.sql import read_result, top_k_sql
from spyglass.exceptions import CheckError


def run(params: TopKDiffParams, ctx: CheckContext) -> TopKDiffResult:
    warehouse = ctx.require_warehouse()
    target = load_target(warehouse, ctx.artifacts, params.model, ctx.cancel, params.row_filter)
    column = target.resolve(params.column_name)
    sql = top_k_sql(target.base, target.current, column, params.k, SqlBuilder.for_warehouse(warehouse))
    result = warehouse.execute(sql, cancel=ctx.cancel)
    if not result.rows:
        raise CheckError(f"The top-k query on {params.model} returned no row.",
                         remedy="This is a bug in Spyglass; please report it with the model's column types.")
    resolved = params.model_copy(update={"column_name": column})
    having = target.having(column)
    return read_result(result, resolved, having.base is not None, having.current is not None
                       ).model_copy(update={"notes": target.notes})
