"""Markdown details of row count diff results (pure, deterministic)."""

from __future__ import annotations

from spyglass.checks.row_count import RowCountDiffResult, RowCountRow, SideCount, SideStatus
from spyglass.checks.row_count.markdown import render


def _row(name: str, base: SideCount, current: SideCount) -> RowCountRow:
    return RowCountRow(unique_id=f"model.p.{name}", name=name, resource_type="model", base=base, current=current)


def test_markdown_details_list_changed_nodes_first() -> None:
    ok = SideStatus.OK
    result = RowCountDiffResult(selection="state:modified", rows=(
        _row("a_same", SideCount(status=ok, count=1000), SideCount(status=ok, count=1000)),
        _row("b_filtered", SideCount(status=ok, count=1200), SideCount(status=ok, count=1080)),
        _row("c_new", SideCount(status=SideStatus.NOT_IN_MANIFEST), SideCount(status=ok, count=7)),
        _row("d|pipe", SideCount(status=ok, count=0), SideCount(status=SideStatus.PERMISSION_DENIED,
                                                                     error="no SELECT on d")),
    ))
    assert render(result) == (
        "Row count diff of `state:modified`: 3 of 4 nodes differ.\n"
        "\n"
        "| Node | Base | Current | Change |\n"
        "|---|--:|--:|---|\n"
        "| 🔴 `b_filtered` | 1,200 | 1,080 | -120 (-10.0%) |\n"
        "| 🔴 `c_new` | — | 7 | added |\n"
        "| 🔴 <code>d\\|pipe</code> | 0 | permission denied | cannot compare |\n"
        "| `a_same` | 1,000 | 1,000 | = |\n"
        "\n"
        "- <code>d\\|pipe</code>: no SELECT on d\n"
    )
    assert render(result) == render(RowCountDiffResult.model_validate_json(result.model_dump_json()))


def test_markdown_details_of_empty_selection() -> None:
    result = RowCountDiffResult(selection="tag:none", rows=())
    assert render(result) == "Row count diff of `tag:none`: no nodes selected.\n"
    assert not result.mismatch
