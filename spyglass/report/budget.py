"""The summary's list of checks a budget skipped and of results read from a sample, with why (pure).

A check over budget (:mod:`spyglass.checks.budget`) is recorded as skipped with an ``OverBudget`` error
saying by how much; a sampled result says which sample (``Result.sampled``) and, when a budget chose it,
carries a note saying why. Neither reads as a pass: a skip is listed under Not verified, and a sample
that found nothing is "to review", never "no change".
"""

from __future__ import annotations

from spyglass.checks.budget import OVER_BUDGET_NOTE
from spyglass.exceptions import OverBudget
from spyglass.markup.escape import md_text
from spyglass.state.models import CheckRecord, RunRecord, State


def budget_lines(check: CheckRecord, run: RunRecord) -> list[str]:
    """The list items for one check's run: skipped over budget, or sampled (none otherwise)."""
    name = md_text(check.name)
    if run.error is not None and run.error.kind == OverBudget.__name__:
        return [f"- ⏭️ **{name}** skipped: {md_text(run.error.message)}"]
    if run.result is None or run.result.sampled is None:
        return []
    why = [note.removeprefix(OVER_BUDGET_NOTE).rstrip(".") for note in run.result.notes
           if note.startswith(OVER_BUDGET_NOTE)]
    reason = f" ({md_text(why[0])})" if why else " (asked for)"
    return [f"- 🔬 **{name}** read {md_text(run.result.sampled)}{reason}: {md_text(run.result.headline)}"]


def render_budget(state: State) -> str | None:
    """``## Budget and samples``: every check skipped over budget or sampled, with why; None when none was."""
    runs = {run.run_id: run for run in state.runs}
    lines = [line for check in state.checks if (run := runs.get(check.last_run_id or "")) is not None
             for line in budget_lines(check, run)]
    if not lines:
        return None
    intro = ("Checks over the run's budget were not run, or compared only a sample of keys (the same keys on "
             "both sides); a sample's rates are estimates at 95%, and a sample without difference proves none.")
    return "## Budget and samples\n\n" + intro + "\n\n" + "\n".join(lines) + "\n"
