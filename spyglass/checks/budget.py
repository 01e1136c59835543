"""Cost guards: what a data check will scan, estimated before it runs, against the run's budget.

Before a data check that reads a model's rows runs (:data:`BUDGETED`: value diffs, profile, top-k and
histogram diffs), :func:`estimate` says how many rows each side holds: the catalog's row count where the
adapter's catalog gives one (``dbt docs generate`` on Snowflake, BigQuery, Spark ...), else one
``count(*)`` per side (concurrent and cancellable). A check with an active row filter (``where``,
``since``/``until``: :mod:`spyglass.checks.row_filter`) is estimated at what it will read: one ``count(*)``
per side over the same filtered sides the check builds (the catalog only knows whole tables). A row count
diff is its own estimate: it always runs.

:func:`decide` weighs the larger side's rows against the budget (:class:`Budget`): ``max_rows`` per check,
``max_run_rows`` for the whole run (the rows per side of every check run so far, summed). A check over
budget is skipped (:class:`~spyglass.exceptions.OverBudget`: recorded as skipped, saying why), or, when
the budget allows sampling and the check can be sampled (its params take ``sample``: value diffs),
sampled to fit (:mod:`spyglass.checks.sampling`). :class:`RunBudget` carries a run's total across checks.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import Enum

from spyglass.checks.base import CheckContext, Params
from spyglass.checks.compare import ModelPair, filtered_sides, model_nodes
from spyglass.checks.row_filter import FilterParams
from spyglass.checks.sampling import count_query, effective_fraction, share
from spyglass.checks.sides import catalog_table
from spyglass.checks.sql import SqlBuilder, checked
from spyglass.exceptions import CheckError, OverBudget
from spyglass.project.models import Node

#: check types that scan a model's rows, and so are estimated and budgeted
BUDGETED = frozenset({"value_diff", "value_diff_detail", "profile_diff", "top_k_diff", "histogram_diff"})
#: the params field that asks a check for a sample of its keys (checks without it cannot be sampled)
SAMPLE_FIELD = "sample"
#: the params field that asks for a sample of about so many keys
SAMPLE_ROWS_FIELD = "sample_rows"
#: how the note of a check sampled to fit its budget starts (the summary lists those notes)
OVER_BUDGET_NOTE = "Over budget: "


@dataclass(frozen=True)
class Limit:
    """One limit: how many rows, and how the user set it (``--max-rows``, ``budget.max_rows``)."""

    rows: int
    name: str


@dataclass(frozen=True)
class Budget:
    """A run's budget; no limit = unlimited. ``sample``: an over-budget check that can be sampled is
    sampled to fit instead of skipped."""

    max_rows: Limit | None = None
    max_run_rows: Limit | None = None
    sample: bool = False

    @property
    def active(self) -> bool:
        return self.max_rows is not None or self.max_run_rows is not None

    def over(self, other: Budget) -> Budget:
        """This budget, with ``other``'s limits where this one sets none (the command line over the file)."""
        return Budget(max_rows=self.max_rows or other.max_rows, max_run_rows=self.max_run_rows or other.max_run_rows,
                      sample=self.sample or other.sample)


@dataclass(frozen=True)
class Estimate:
    """What a check on ``what`` will scan: each side's rows, and where they were read."""

    what: str
    base_rows: int
    current_rows: int
    #: ``catalog`` (the adapter's stats, free) or ``count`` (one ``count(*)`` per side)
    source: str
    #: bytes per side as the catalog gives them (None: not given)
    bytes: int | None = None
    #: the share of the keys the check already asks to compare (``sample``/``sample_rows``; 1: all)
    asked: float = 1.0
    #: the row filter the rows were counted through (``where status = 'open'; ...``); empty: the whole model
    filtered: str = ""

    @property
    def whole(self) -> int:
        """The larger side's rows."""
        return max(self.base_rows, self.current_rows)

    @property
    def rows(self) -> int:
        """What "rows per side" means in a budget: the larger side's, of the sample asked for if any."""
        return math.ceil(self.whole * self.asked)

    @property
    def described(self) -> str:
        """``orders: ~52,000,000 rows per side`` (``... in the 10% sample asked for``; ``... once filtered
        (where status = 'open')``)."""
        asked = f" in the {share(self.asked)} sample asked for" if self.asked < 1 else ""
        size = f" (~{size_text(self.bytes)} in the catalog)" if self.bytes and self.asked >= 1 else ""
        filtered = f" once filtered ({self.filtered})" if self.filtered else ""
        return f"{self.what}: ~{self.rows:,} rows per side{size}{filtered}{asked}"


def size_text(size: int) -> str:
    """A size in bytes as people read it: ``4.1 GB``, ``900 B`` (pure)."""
    value, unit = float(size), "B"
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if value < 1000 or unit == "PB":
            break
        value /= 1000
    return f"{value:.0f} {unit}" if unit == "B" or value >= 100 else f"{value:.1f} {unit}"


class Verdict(str, Enum):
    RUN = "run"
    SAMPLE = "sample"
    SKIP = "skip"


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    #: rows per side the check is charged in the run's total (the sample's when sampled)
    charged: int = 0
    #: the fraction of keys to compare (SAMPLE only)
    fraction: float | None = None
    #: why (SAMPLE and SKIP): "orders: ~52,000,000 rows per side, over --max-rows 10,000,000"
    reason: str = ""


def decide(estimate: Estimate, budget: Budget, used: int, *, can_sample: bool) -> Decision:
    """Run, sample or skip a check of ``estimate`` under ``budget``, ``used`` rows already spent (pure)."""
    limits = []  # (rows still allowed, the limit as set, its name, what earlier checks used of it)
    if budget.max_rows:
        limits.append((budget.max_rows.rows, budget.max_rows.rows, budget.max_rows.name, ""))
    if budget.max_run_rows:
        spent = f" ({used:,} used by earlier checks)" if used else ""
        limits.append((max(0, budget.max_run_rows.rows - used), budget.max_run_rows.rows, budget.max_run_rows.name,
                       spent))
    over = [limit for limit in limits if estimate.rows > limit[0]]
    if not over:
        return Decision(Verdict.RUN, charged=estimate.rows)
    allowed, limit, name, spent = min(over)
    reason = f"{estimate.described}, over {name} {limit:,}{spent}"
    if budget.sample and can_sample and allowed > 0:
        fraction = effective_fraction(allowed / estimate.whole)
        return Decision(Verdict.SAMPLE, charged=min(allowed, round(estimate.whole * fraction)), fraction=fraction,
                        reason=f"{reason}: sampled {share(fraction)} of the keys to fit")
    return Decision(Verdict.SKIP, reason=reason)


def skip_remedy(budget: Budget, can_sample: bool) -> str:
    """What to do about a skipped check (pure)."""
    if can_sample:
        allow = "" if budget.sample else "; or allow sampling (`--sample-over-budget`, `budget: {sample: true}`)"
        return f"Raise the limit, or narrow the check with `where:`/`--since`{allow}."
    return "Raise the limit, or narrow the check with `where:`/`--since` (only value diffs can be sampled)."


def _catalog_rows(ctx: CheckContext, base: Node, current: Node) -> tuple[int | None, int | None, int | None]:
    tables = catalog_table(ctx.artifacts.base, base), catalog_table(ctx.artifacts.current, current)
    rows = [t.row_count if t is not None else None for t in tables]
    sizes = [t.bytes for t in tables if t is not None and t.bytes is not None]
    return rows[0], rows[1], max(sizes) if sizes else None


def _filtered_estimate(params: Params, ctx: CheckContext, pair: ModelPair, model: str) -> Estimate | None:
    """The rows per side a check with an active row filter reads, counted through the same filtered sides
    the check builds; None when it has no filter, or its filter keeps every row (a window ignored on a
    model without event_time: the whole model is read, and estimated as such).

    Raises:
        CheckError: the filter cannot be applied (a bad ``where``, a window without an event_time column).
    """
    row_filter = params.row_filter if isinstance(params, FilterParams) else None
    if row_filter is None or not row_filter.active:
        return None
    warehouse = ctx.require_warehouse()
    sql = SqlBuilder.for_warehouse(warehouse)
    sides = filtered_sides(ctx, sql, pair, row_filter, model)
    if sides.row_filter.condition is None:
        return None
    results = warehouse.execute_many([count_query(sql, side.from_item) for side in (sides.base, sides.current)],
                                     cancel=ctx.cancel)
    base_rows, current_rows = (checked(r).record().as_int("row_count") for r in results)
    return Estimate(model, base_rows, current_rows, "count", filtered=sides.row_filter.description)


def estimate(params: Params, ctx: CheckContext) -> Estimate | None:
    """What a check on one model will scan (through its row filter, if any); None when its params name no
    single model, or it or its filter cannot be resolved (the check itself then says what is wrong when it
    runs)."""
    nodes = params.nodes()
    if nodes is None or len(nodes.names) != 1:
        return None
    try:
        pair = model_nodes(ctx, nodes.names[0])
        filtered = _filtered_estimate(params, ctx, pair, nodes.names[0])
    except CheckError:  # an unknown or one-sided model, a filter it cannot take: the check itself says so
        return None
    if filtered is not None:
        return filtered
    base_rows, current_rows, size = _catalog_rows(ctx, pair.base, pair.current)
    if base_rows is not None and current_rows is not None:
        return Estimate(nodes.names[0], base_rows, current_rows, "catalog", size)
    warehouse = ctx.require_warehouse()
    sql = SqlBuilder.for_warehouse(warehouse)
    statements = [count_query(sql, sql.relation(warehouse.relation(node)))
                  for node, known in ((pair.base, base_rows), (pair.current, current_rows)) if known is None]
    counted = iter(checked(r).record().as_int("row_count")
                   for r in warehouse.execute_many(statements, cancel=ctx.cancel))
    base_rows = base_rows if base_rows is not None else next(counted)
    current_rows = current_rows if current_rows is not None else next(counted)
    return Estimate(nodes.names[0], base_rows, current_rows, "count", size)


def asked_fraction(params: Params, rows: int) -> float:
    """The share of its keys a check already asks to compare, of ``rows`` (``sample``, else ``sample_rows``
    over them; 1.0: every key) (pure)."""
    fields = type(params).model_fields
    fraction, wanted = (getattr(params, name) if name in fields else None for name in (SAMPLE_FIELD, SAMPLE_ROWS_FIELD))
    if isinstance(fraction, float):
        return fraction
    if isinstance(wanted, int) and rows:
        return min(1.0, wanted / rows)
    return 1.0


@dataclass
class RunBudget:
    """A run's budget and the rows per side its checks have been charged so far (one per run)."""

    budget: Budget
    used: int = 0

    def guard(self, check_type: str, params: Params, ctx: CheckContext) -> tuple[Params, str | None]:
        """``params`` to run under the budget (as they are, or sampled to fit), and a note saying why
        they were sampled (None when they were not).

        Raises:
            OverBudget: the check is over budget and cannot (or may not) be sampled.
        """
        if not self.budget.active or check_type not in BUDGETED:
            return params, None
        found = estimate(params, ctx)
        if found is None:
            return params, None
        found = replace(found, asked=asked_fraction(params, found.whole))
        can_sample = SAMPLE_FIELD in type(params).model_fields
        decision = decide(found, self.budget, self.used, can_sample=can_sample)
        if decision.verdict is Verdict.SKIP:
            raise OverBudget(f"Not run: {decision.reason}.", remedy=skip_remedy(self.budget, can_sample))
        self.used += decision.charged
        if decision.verdict is Verdict.SAMPLE:
            sampled = params.model_copy(update={SAMPLE_FIELD: decision.fraction, SAMPLE_ROWS_FIELD: None})
            return sampled, f"{OVER_BUDGET_NOTE}{decision.reason}."
        return params, None


def budget_from(values: Mapping[str, object], names: Mapping[str, str]) -> Budget:
    """A budget from ``max_rows``/``max_run_rows``/``sample`` values (None: not set), each limit named as
    ``names`` says the user set it (pure)."""
    def limit(key: str) -> Limit | None:
        value = values.get(key)
        return Limit(int(value), names[key]) if isinstance(value, int) and not isinstance(value, bool) else None

    return Budget(max_rows=limit("max_rows"), max_run_rows=limit("max_run_rows"), sample=values.get("sample") is True)
