"""Small pure helpers shared by the Markdown and terminal renderers."""

from __future__ import annotations

from dataclasses import dataclass

from spyglass.state.models import RunRecord, RunStatus


@dataclass(frozen=True)
class Outcome:
    label: str
    icon: str
    #: sort order in reports: mismatches first, then errors
    rank: int


MISMATCH = Outcome("mismatch", "🔴", 0)
ERROR = Outcome("error", "⚠️", 1)
#: no difference seen, but the result cannot prove there is none (a manual check, a schema diff without
#: catalog): a reviewer decides
REVIEW = Outcome("to review", "👀", 2)
CANCELLED = Outcome("cancelled", "⏹️", 3)
SKIPPED = Outcome("skipped", "⏭️", 4)
NOT_RUN = Outcome("not run", "⚪", 5)
MATCH = Outcome("no change", "🟢", 6)


def outcome_of(run: RunRecord | None) -> Outcome:
    """How a run reads in a report (pure)."""
    if run is None or run.status is RunStatus.RUNNING:
        return NOT_RUN
    if run.status is RunStatus.FAILED:
        return ERROR
    if run.status is RunStatus.CANCELLED:
        return CANCELLED
    if run.status is RunStatus.SKIPPED:
        return SKIPPED
    if run.mismatch:
        return MISMATCH
    return REVIEW if run.result is not None and not run.result.conclusive else MATCH
