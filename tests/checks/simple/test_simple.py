"""simple (Recce's manual check): nothing computed, never a mismatch, never conclusive; its own views."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text

from spyglass.checks.registry import definition_of, parse_spec
from spyglass.checks.simple import HEADLINE, SIMPLE, SimpleParams, SimpleResult, SimpleSpec, title
from spyglass.checks.simple.markdown import render
from spyglass.checks.simple.run import run
from spyglass.report.markdown import render_details
from tests.checks.lineage_diff.test_run import make_context


def test_a_manual_check_computes_nothing_and_leaves_the_verdict_to_a_reviewer(tmp_path: Path) -> None:
    spec = parse_spec("simple", {"anything": "ignored"})
    assert spec == SimpleSpec(params=SimpleParams()) and definition_of(spec) is SIMPLE
    result = run(spec.params, make_context(tmp_path))
    assert result == SimpleResult()
    assert (result.mismatch, result.conclusive, result.headline) == (False, False, HEADLINE)
    assert title(spec.params) == "Manual check" and SIMPLE.needs_warehouse is False


def test_its_views_say_a_reviewer_decides() -> None:
    result = SimpleResult(notes=("a note",))
    assert render(result).startswith("Manual check: Spyglass computes nothing here. A reviewer verifies")
    assert render_details(result) == "_Note:_ a note\n\n" + render(result)
    assert [str(r) for r in SIMPLE.terminal(result) if isinstance(r, Text)] == [HEADLINE]
