"""What a tool returns: structured content (JSON) and a short text rendering, or an error with its remedy."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import JsonValue

from spyglass.checks.registry import definition_of
from spyglass.exceptions import SpyglassError
from spyglass.mcp.limits import OutputLimits, bounded_run, bounded_text
from spyglass.state.models import RunRecord, RunStatus


@dataclass(frozen=True)
class ToolAnswer:
    """One tool call's answer; ``error`` answers are tool errors (the agent reads them), never a crash."""

    structured: dict[str, JsonValue]
    text: str
    error: bool = False


def error_answer(exc: SpyglassError) -> ToolAnswer:
    """What went wrong and what to do, as a tool error."""
    return ToolAnswer({"error": exc.message, "remedy": exc.remedy, "kind": type(exc).__name__},
                      f"Error: {exc.message}\n{exc.remedy}".strip(), error=True)


def unexpected_answer() -> ToolAnswer:
    """A bug in a tool: said without its details (its type is logged, in one line)."""
    message, remedy = ("The tool failed unexpectedly.",
                       "Call it again; if it fails again, report it with the line Spyglass logged to standard error.")
    return ToolAnswer({"error": message, "remedy": remedy, "kind": "InternalError"}, f"Error: {message}\n{remedy}",
                      error=True)


def run_answer(record: RunRecord, limits: OutputLimits) -> ToolAnswer:
    """A check's run as ``spyglass <diff> --json`` prints it (``mismatch``, ``headline``, then the run record),
    its result cut to the limits (``truncated`` says so); a run that failed or was cancelled is a tool error
    carrying the check's message and remedy."""
    bounded, cut = bounded_run(record, limits)
    headline = record.result.headline if record.result is not None else None
    data: dict[str, JsonValue] = {"mismatch": record.mismatch, "headline": headline,
                                  **bounded.model_dump(mode="json")}
    if cut:
        data["truncated"] = True
    return ToolAnswer(data, bounded_text(run_text(bounded, cut), limits),
                      error=record.status in (RunStatus.FAILED, RunStatus.CANCELLED))


def run_text(record: RunRecord, cut: bool) -> str:
    """The run in a few lines: the verdict and the check type's Markdown view, or the error and remedy."""
    lines = [f"Run {record.run_id}: {record.status.value}."]
    if record.error is not None:
        lines += [record.error.message, record.error.remedy]
    if record.result is not None:
        verdict = "mismatch" if record.result.mismatch else "no change"
        lines += [*(f"Note: {note}" for note in record.result.notes), f"{verdict}: {record.result.headline}", "",
                  definition_of(record.spec).markdown(record.result)]
        if cut:
            lines.append("(Sample rows or long values were cut to fit; every figure is exact.)")
    return "\n".join(lines).strip()
