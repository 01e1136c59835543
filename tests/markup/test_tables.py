"""Markdown table cells of values (pure)."""

from __future__ import annotations

from spyglass.markup.tables import cell


def test_cell_formatting() -> None:
    assert cell(None) == "*NULL*"
    assert cell("") == '""'
    assert cell(True) == "true"
    assert cell(0.1 + 0.2) == "0.3"
    assert cell("x" * 100) == "x" * 59 + "…"
    assert cell("a|b") == "a\\|b"
