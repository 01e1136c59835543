"""Pure: what every view of a run shows besides the result itself (the server's API, the HTML report)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from spyglass.report.markdown import render_details
from spyglass.state.models import RunRecord

T = TypeVar("T")


@dataclass(frozen=True)
class RunFigures:
    """Whether a run's result mismatches and is conclusive, its headline and its Markdown details (None
    and empty for a run without a result, or when a renderer fails)."""

    mismatch: bool | None
    conclusive: bool | None
    headline: str | None
    details_markdown: str


def run_figures(run: RunRecord) -> RunFigures:
    result = run.result
    if result is None:
        return RunFigures(mismatch=None, conclusive=None, headline=None, details_markdown="")
    return RunFigures(mismatch=safely(lambda: result.mismatch), conclusive=safely(lambda: result.conclusive),
                      headline=safely(lambda: result.headline),
                      details_markdown=safely(lambda: render_details(result)) or "")


def safely(get: Callable[[], T]) -> T | None:
    """``get()``, or None when it raises: a placeholder or buggy renderer must not break a view."""
    try:
        return get()
    except Exception:
        return None
