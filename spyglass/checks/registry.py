"""The one place that lists the check types Spyglass can run, and the union of their results."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from spyglass.checks.base import CheckDefinition, CheckType
from spyglass.checks.histogram import HISTOGRAM_DIFF, HistogramDiffResult
from spyglass.checks.lineage_check import LINEAGE_DIFF, LineageDiffResult
from spyglass.checks.profile import PROFILE_DIFF, ProfileDiffResult
from spyglass.checks.query import QUERY, QueryResultModel
from spyglass.checks.query_diff import QUERY_DIFF, QueryDiffResult
from spyglass.checks.row_count import ROW_COUNT_DIFF, RowCountDiffResult
from spyglass.checks.schema_diff import SCHEMA_DIFF, SchemaDiffResult
from spyglass.checks.top_k import TOP_K_DIFF, TopKDiffResult
from spyglass.checks.value_diff import VALUE_DIFF, ValueDiffResult
from spyglass.checks.value_diff_detail import VALUE_DIFF_DETAIL, ValueDiffDetailResult

AnyResult = Annotated[
    LineageDiffResult
    | SchemaDiffResult
    | RowCountDiffResult
    | ValueDiffResult
    | ValueDiffDetailResult
    | QueryResultModel
    | QueryDiffResult
    | ProfileDiffResult
    | TopKDiffResult
    | HistogramDiffResult,
    Field(discriminator="kind"),
]

# Any: each definition has its own Params/Result pair; callers go through run_definition().
DEFINITIONS: dict[CheckType, CheckDefinition[Any, Any]] = {
    d.type: d
    for d in (
        LINEAGE_DIFF,
        SCHEMA_DIFF,
        ROW_COUNT_DIFF,
        VALUE_DIFF,
        VALUE_DIFF_DETAIL,
        QUERY,
        QUERY_DIFF,
        PROFILE_DIFF,
        TOP_K_DIFF,
        HISTOGRAM_DIFF,
    )
}

#: Recce's older aliases for the same types.
ALIASES: dict[str, CheckType] = {"row_count": CheckType.ROW_COUNT_DIFF, "profile": CheckType.PROFILE_DIFF}


def lookup(type_name: str) -> CheckDefinition[Any, Any] | None:
    """The definition of a check type by name (Recce aliases accepted), or None if unknown."""
    if type_name in ALIASES:
        return DEFINITIONS[ALIASES[type_name]]
    try:
        return DEFINITIONS[CheckType(type_name)]
    except ValueError:
        return None
