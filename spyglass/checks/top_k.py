"""top_k_diff: the most frequent values of one column on each side, with counts and shares.

One statement: both sides grouped by the value (as text, so a type change still lines up), full
outer joined on it, keeping the values in the top K of either side, plus both sides' row and non-null
counts. Nulls are counted separately; shares are of non-null rows.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from spyglass.checks.base import CheckContext, CheckDefinition, CheckSpec, Params, Result
from spyglass.checks.profile_sql import as_int
from spyglass.checks.profile_target import Side, load_target
from spyglass.checks.scope import CheckNodes
from spyglass.exceptions import CheckError
from spyglass.warehouse.base import QueryResult, Warehouse


class TopKDiffParams(Params):
    model: str
    column_name: str
    k: int = Field(default=10, ge=1, le=1000)

    def nodes(self) -> CheckNodes:
        return CheckNodes(names=(self.model,))


class TopKValue(BaseModel):
    model_config = ConfigDict(frozen=True)

    #: the value as text
    value: str
    base_count: int
    current_count: int
    base_share: float | None = None
    current_share: float | None = None


class TopKSide(BaseModel):
    model_config = ConfigDict(frozen=True)

    row_count: int
    non_null: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def nulls(self) -> int:
        return self.row_count - self.non_null


class TopKDiffResult(Result):
    kind: Literal["top_k_diff"] = "top_k_diff"
    model: str
    column_name: str
    k: int
    #: values in the top K of either side, by current count then base count (descending)
    values: tuple[TopKValue, ...] = ()
    base: TopKSide | None = None
    current: TopKSide | None = None

    @property
    def mismatch(self) -> bool:
        if self.base != self.current:
            return True
        return any(v.base_count != v.current_count for v in self.values)

    @property
    def headline(self) -> str:
        if self.base is None or self.current is None:
            return f"{self.column_name} only in {'base' if self.current is None else 'current'}"
        differing = sum(1 for v in self.values if v.base_count != v.current_count)
        if differing:
            return f"{differing} of the top {len(self.values)} values changed count"
        if self.base != self.current:
            return "row or null counts differ"
        return f"top {len(self.values)} values identical"


def _grouped(side: Side | None, column: str, warehouse: Warehouse) -> str:
    """``(value, n)`` of one side, or an empty relation of that shape when the side is absent."""
    text = warehouse.dialect.text_type
    if side is None or side.find(column) is None:
        return f"select cast(null as {text}) as v, 0 as n where 1 = 0"
    quoted = warehouse.quote(column)
    return (f"select cast({quoted} as {text}) as v, count(*) as n from {side.relation} "
            f"where {quoted} is not null group by 1")


def _totals(side: Side | None, column: str, warehouse: Warehouse) -> str:
    if side is None or side.find(column) is None:
        return "select 0 as total, 0 as valid"
    return f"select count(*) as total, count({warehouse.quote(column)}) as valid from {side.relation}"


def top_k_sql(base: Side | None, current: Side | None, column: str, k: int, warehouse: Warehouse) -> str:
    """One statement: totals of both sides left-joined to the ranked top-K values of either side."""
    return f"""with b as ({_grouped(base, column, warehouse)}),
c as ({_grouped(current, column, warehouse)}),
joined as (
  select coalesce(c.v, b.v) as v, coalesce(b.n, 0) as bn, coalesce(c.n, 0) as cn,
    row_number() over (order by b.n desc nulls last, coalesce(c.v, b.v)) as br,
    row_number() over (order by c.n desc nulls last, coalesce(c.v, b.v)) as cr
  from b full outer join c on b.v = c.v
),
ranked as (select v, bn, cn from joined where (br <= {k} and bn > 0) or (cr <= {k} and cn > 0)),
bt as ({_totals(base, column, warehouse)}),
ct as ({_totals(current, column, warehouse)})
select bt.total, bt.valid, ct.total, ct.valid, ranked.v, ranked.bn, ranked.cn
from bt cross join ct left join ranked on 1 = 1
order by ranked.cn desc, ranked.bn desc, ranked.v"""


def read_result(result: QueryResult, params: TopKDiffParams, base: bool, current: bool) -> TopKDiffResult:
    first = result.rows[0]
    base_side = TopKSide(row_count=as_int(first[0]), non_null=as_int(first[1])) if base else None
    current_side = TopKSide(row_count=as_int(first[2]), non_null=as_int(first[3])) if current else None
    values = []
    for row in result.rows:
        if row[4] is None:
            continue
        bn, cn = as_int(row[5]), as_int(row[6])
        values.append(TopKValue(
            value=str(row[4]), base_count=bn, current_count=cn,
            base_share=_share(bn, base_side), current_share=_share(cn, current_side),
        ))
    return TopKDiffResult(model=params.model, column_name=params.column_name, k=params.k,
                          values=tuple(values), base=base_side, current=current_side)


def _share(count: int, side: TopKSide | None) -> float | None:
    if side is None or side.non_null == 0:
        return None
    return count / side.non_null


def run(params: TopKDiffParams, ctx: CheckContext) -> TopKDiffResult:
    warehouse = ctx.require_warehouse()
    target = load_target(warehouse, ctx.artifacts, params.model, ctx.cancel)
    column = target.resolve(params.column_name)
    sql = top_k_sql(target.base, target.current, column, params.k, warehouse)
    result = warehouse.execute(sql, cancel=ctx.cancel)
    if not result.rows:
        raise CheckError(f"The top-k query on {params.model} returned no row.",
                         remedy="This is a bug in Spyglass; please report it with the model's column types.")
    resolved = params.model_copy(update={"column_name": column})
    return read_result(result, resolved, target.base is not None and target.base.find(column) is not None,
                       target.current is not None and target.current.find(column) is not None
                       ).model_copy(update={"notes": target.notes})


def title(params: TopKDiffParams) -> str:
    return f"Top-{params.k} diff of {params.model}.{params.column_name}"


class TopKDiffSpec(CheckSpec[TopKDiffParams]):
    type: Literal["top_k_diff"] = "top_k_diff"


TOP_K_DIFF = CheckDefinition(spec_model=TopKDiffSpec, result_model=TopKDiffResult, run=run, title=title)
