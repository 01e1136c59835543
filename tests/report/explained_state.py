"""States with the change analysis in their lineage, for the summary's explanation tests (built directly:
the summary renders a state alone)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from spyglass.checks.base import Result
from spyglass.checks.registry import AnySpec
from spyglass.checks.row_count import RowCountDiffResult, RowCountRow, SideCount, SideStatus
from spyglass.state.models import CheckRecord, ErrorInfo, LineageNode, LineageSummary, RunRecord, RunStatus, State
from spyglass.state.store import new_state
from tests.records import check_record, run_record

T0 = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def node(name: str, change: str | None = "modified", **fields: Any) -> LineageNode:
    """A model of the summary: ``change`` as the impact report says, ``status`` as the lineage diff would."""
    status = {"impacted": "unchanged", None: "unchanged"}.get(change, change)
    defaults: dict[str, Any] = {"materialized": "table", "primary_key": ["id"], "built": True}
    return LineageNode(unique_id=f"model.shop.{name}", name=name, resource_type="model", status=status or "",
                       impacted=change in ("impacted", None), change=change, **{**defaults, **fields})


def uid(name: str) -> str:
    return f"model.shop.{name}"


def counts(*rows: tuple[str, int | None, int | None]) -> RowCountDiffResult:
    """A row count result: (name, base count, current count); None = the table is missing on that side."""
    def side(count: int | None) -> SideCount:
        return SideCount(status=SideStatus.OK, count=count) if count is not None else SideCount(
            status=SideStatus.TABLE_MISSING, error="missing")

    return RowCountDiffResult(rows=tuple(RowCountRow(unique_id=uid(name), name=name, resource_type="model",
                                                     base=side(base), current=side(current))
                                         for name, base, current in rows))


class Checks:
    """Checks and their latest runs, added one by one."""

    def __init__(self) -> None:
        self.checks: list[CheckRecord] = []
        self.runs: list[RunRecord] = []

    def ran(self, name: str, spec: AnySpec, result: Result | None = None, *, status: RunStatus = RunStatus.SUCCESS,
            error: str = "", node_ids: Sequence[str] = ()) -> Checks:
        index = len(self.checks)
        self.checks.append(check_record(f"c{index}", name=name, spec=spec, last_run_id=f"r{index}", at=T0))
        self.runs.append(run_record(f"r{index}", spec=spec, check_id=f"c{index}", status=status, result=result,
                                    error=ErrorInfo(kind="CheckError", message=error) if error else None,
                                    node_ids=list(node_ids), at=T0, ended_at=T0))
        return self


def state(nodes: Sequence[LineageNode], checks: Checks | None = None, *, analysed: bool = True,
          selection: str | None = None, edges: Sequence[tuple[str, str]] = ()) -> State:
    lineage = LineageSummary(nodes=list(nodes), edges=list(edges), analysed=analysed, selection=selection)
    done = checks or Checks()
    return new_state(T0).model_copy(update={"lineage": lineage, "checks": done.checks, "runs": done.runs})
