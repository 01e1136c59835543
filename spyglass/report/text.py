"""Small pure helpers shared by the Markdown and terminal renderers."""

from __future__ import annotations

from dataclasses import dataclass

from spyglass.report.escape import md_text
from spyglass.state.models import RunRecord, RunStatus


@dataclass(frozen=True)
class Outcome:
    label: str
    icon: str
    #: sort order in reports: mismatches first, then errors
    rank: int


MISMATCH = Outcome("mismatch", "🔴", 0)
ERROR = Outcome("error", "⚠️", 1)
CANCELLED = Outcome("cancelled", "⏹️", 2)
SKIPPED = Outcome("skipped", "⏭️", 3)
NOT_RUN = Outcome("not run", "⚪", 4)
MATCH = Outcome("no change", "🟢", 5)


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
    return MISMATCH if run.mismatch else MATCH


def escape_cell(text: str) -> str:
    """Make user text inert inside Markdown: a table cell, a paragraph or a list item (one line).

    The same as :func:`spyglass.report.escape.md_text`; see that module for code, HTML and links.
    """
    return md_text(text)
