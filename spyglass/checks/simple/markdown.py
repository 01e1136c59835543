"""Markdown details of a manual (``simple``) check: nothing was computed, a reviewer decides."""

from __future__ import annotations

from spyglass.checks.simple.result import SimpleResult


def render(result: SimpleResult) -> str:
    return ("Manual check: Spyglass computes nothing here. A reviewer verifies what the description says "
            "and approves the check.\n")
