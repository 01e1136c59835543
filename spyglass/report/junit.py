"""The run as a JUnit XML report, for GitLab's "Test summary" merge request widget (pure and deterministic).

GitLab reads the common JUnit shape (``artifacts:reports:junit``): ``<testsuites>`` holding one
``<testsuite>`` whose ``<testcase>`` elements each carry at most one ``<failure>``, ``<error>`` or
``<skipped>``, and a ``<system-out>``. One test case per check:

- a mismatch is a ``<failure>`` (its message the result's headline, its body the figures: the check type's
  terminal view as plain text);
- an error (the check failed to run) is an ``<error>`` with the error's message and its remedy;
- a skipped, cancelled or not-run check is ``<skipped>``;
- a match, or a result a reviewer must judge ("to review"), passes (the latter says so in its output).

The counts on ``<testsuites>`` and ``<testsuite>`` are those of the run (:func:`junit_counts`). Every text a
merge request author controls (check names, descriptions, values in the figures) is escaped, and the
characters XML 1.0 forbids (control characters, lone surrogates, U+FFFE/U+FFFF) are dropped, so any state
gives a well-formed file.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.markdown import Markdown

from spyglass.checks.base import Result, headline_view
from spyglass.checks.registry import BY_KIND
from spyglass.exceptions import StateError, UsageError
from spyglass.report.markdown import ordered_checks
from spyglass.report.text import CANCELLED, ERROR, MISMATCH, NOT_RUN, REVIEW, SKIPPED, outcome_of
from spyglass.state.models import CheckRecord, RunRecord, State
from spyglass.state.store import write_atomically

SUITE = "spyglass"
#: width of the figures' plain-text tables (a CI log and GitLab's test detail both scroll sideways)
FIGURES_WIDTH = 120
#: everything XML 1.0 does not allow in a document (its ``Char`` production), dropped
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SKIPPED = (SKIPPED, CANCELLED, NOT_RUN)


@dataclass(frozen=True)
class JUnitCounts:
    """What the report's ``tests``, ``failures``, ``errors`` and ``skipped`` attributes say."""

    tests: int
    failures: int
    errors: int
    skipped: int


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (pure); escaping is the serialiser's."""
    return _NOT_XML.sub("", text)


def junit_counts(state: State) -> JUnitCounts:
    """The run's outcome counts as JUnit reads them: mismatches fail, errors err, skipped/cancelled/not run
    are skipped (pure)."""
    outcomes = [outcome_of(run) for _, run in ordered_checks(state)]
    return JUnitCounts(tests=len(outcomes), failures=outcomes.count(MISMATCH), errors=outcomes.count(ERROR),
                       skipped=sum(outcomes.count(o) for o in _SKIPPED))


def render_junit(state: State) -> str:
    """The whole JUnit XML document for ``state`` (same state, same text)."""
    counts = junit_counts(state)
    seconds = sum(run.seconds or 0.0 for _, run in ordered_checks(state) if run is not None)
    totals = {"tests": str(counts.tests), "failures": str(counts.failures), "errors": str(counts.errors),
              "skipped": str(counts.skipped), "time": _seconds(seconds)}
    root = ET.Element("testsuites", {"name": SUITE, **totals})
    suite = ET.SubElement(root, "testsuite", {"name": SUITE, **totals,
                                              "timestamp": state.created_at.strftime("%Y-%m-%dT%H:%M:%S")})
    for check, run in ordered_checks(state):
        _testcase(suite, check, run)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(path: Path, state: State) -> None:
    """Write the report to ``path`` atomically (a reader never sees half a file).

    Raises:
        UsageError: the file cannot be written there (exit 2).
    """
    try:
        write_atomically(path, render_junit(state))
    except StateError as exc:
        raise UsageError(f"Cannot write the JUnit report {path}: {exc.message.rsplit(': ', 1)[-1]}",
                         remedy="Choose a writable location with --junit.") from None


def _testcase(suite: ET.Element, check: CheckRecord, run: RunRecord | None) -> None:
    outcome = outcome_of(run)
    case = ET.SubElement(suite, "testcase", {
        "name": xml_text(check.name), "classname": xml_text(f"{SUITE}.{check.spec.type}"),
        "time": _seconds(run.seconds if run is not None and run.seconds is not None else 0.0)})
    headline = run.result.headline if run is not None and run.result is not None else ""
    if outcome is MISMATCH and run is not None and run.result is not None:
        approved = " (approved in Spyglass)" if check.approved else ""
        failure = ET.SubElement(case, "failure", {"message": _attribute(headline + approved), "type": "mismatch"})
        failure.text = xml_text(figures(run.result))
    elif outcome is ERROR:
        error = run.error if run is not None else None
        kind, message, remedy = (error.kind, error.message, error.remedy) if error else ("error", "failed", "")
        element = ET.SubElement(case, "error", {"message": _attribute(message), "type": xml_text(kind)})
        element.text = xml_text("\n\n".join(part for part in (message, remedy) if part))
    elif outcome in _SKIPPED:
        reason = run.error.message if run is not None and run.error is not None else outcome.label
        ET.SubElement(case, "skipped", {"message": _attribute(f"{outcome.label}: {reason}"
                                                              if reason != outcome.label else reason)})
    output = _system_out(check, run, outcome is REVIEW)
    if output:
        ET.SubElement(case, "system-out").text = xml_text(output)


def _system_out(check: CheckRecord, run: RunRecord | None, to_review: bool) -> str:
    parts = [check.description.strip()] if check.description.strip() else []
    if run is not None and run.result is not None and not run.mismatch:
        parts.append("To review: the check could not see everything it was asked about, so no difference "
                      "proves nothing." if to_review else "No change.")
        parts.append(figures(run.result))
    return "\n\n".join(part for part in parts if part)


def figures(result: Result) -> str:
    """The result's figures as plain text: its notes, its headline, then its check type's terminal view
    (else its Markdown view) rendered without colour at a fixed width, whatever the environment (pure)."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=FIGURES_WIDTH, color_system=None, force_terminal=False,
                      force_interactive=False, force_jupyter=False, legacy_windows=False, emoji=False,
                      highlight=False, markup=False, _environ={})
    for note in result.notes:
        console.print(f"Note: {note}")
    console.print(result.headline)
    definition = BY_KIND.get(getattr(result, "kind", ""))
    if definition is not None and definition.terminal is not headline_view:
        for renderable in definition.terminal(result):
            console.print(renderable)
    elif definition is not None:  # no terminal view: its Markdown view (tables), rendered as text
        console.print(Markdown(definition.markdown(result), hyperlinks=False))
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()).strip("\n")


def _attribute(text: str) -> str:
    """An attribute value on one line (parsers fold line breaks in attributes to spaces anyway)."""
    return " ".join(xml_text(text).split())


def _seconds(value: float) -> str:
    return f"{max(value, 0.0):.3f}"
