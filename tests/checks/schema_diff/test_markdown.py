"""Markdown details of schema_diff results: tables per changed node, counts, caps, escaping."""

from __future__ import annotations

from pathlib import Path

from spyglass.checks.schema_diff import NodeSchemaDiff, SchemaColumn, SchemaDiffParams, SchemaDiffResult
from spyglass.checks.schema_diff.markdown import MAX_NODES, MAX_ROWS, change_rows, render
from spyglass.checks.schema_diff.run import run
from spyglass.report.markdown import render_details
from tests.checks.schema_diff.test_run import make_context


def _shop_result(tmp_path: Path, **params: object) -> SchemaDiffResult:
    return run(SchemaDiffParams.model_validate(params), make_context(tmp_path))


def test_changed_nodes_get_a_table_and_unchanged_are_counted(tmp_path: Path) -> None:
    text = render(_shop_result(tmp_path))
    assert text.startswith("Schema diff of `state:modified`: 3 of 4 nodes changed schema.\n")
    assert "**`stg_orders`** (model, modified)" in text
    assert "| `status` | added |  | VARCHAR |" in text
    assert "| `amount` | type changed | INTEGER | DOUBLE |" in text
    assert "**`old_report`** (model, removed)" in text
    assert "| `total` | removed | DOUBLE |  |" in text
    assert "**`customer_ltv`** (model, added)" in text
    assert "`customers`" not in text  # unchanged schema: only counted
    assert "1 node with an unchanged schema." in text
    assert "Schema not known" not in text


def test_registry_dispatches_and_output_is_deterministic(tmp_path: Path) -> None:
    result = _shop_result(tmp_path)
    assert render_details(result) == render(result)
    again = SchemaDiffResult.model_validate_json(result.model_dump_json())
    assert render(again) == render(result)


def test_unknown_coverage_is_explained(tmp_path: Path) -> None:
    ctx = make_context(tmp_path, base_tables=None)
    text = render(run(SchemaDiffParams(), ctx))
    assert "(coverage unknown)" in text
    assert "Schema not known for `customers` (no base catalog)" in text
    assert "dbt docs generate" in text


def test_moves_render_positions() -> None:
    node = NodeSchemaDiff.model_validate({
        "unique_id": "model.shop.a", "name": "a", "resource_type": "model", "status": "modified",
        "coverage": "complete", "reordered": [{"column": "name", "base_index": 2, "current_index": 3}]})
    assert change_rows(node) == [("name", "moved", "position 2", "position 3")]
    result = SchemaDiffResult(selection="a", nodes=(node,))
    assert "| `name` | moved | position 2 | position 3 |" in render(result)


def test_caps_rows_and_nodes_and_escapes_cells() -> None:
    wide = NodeSchemaDiff(
        unique_id="model.shop.wide", name="wide|table", resource_type="model", status="added", coverage="complete",
        added=tuple(SchemaColumn(name=f"c{i}", type="STRUCT(a INT)|x", index=i) for i in range(MAX_ROWS + 5)))
    many = tuple(wide.model_copy(update={"unique_id": f"model.shop.n{i}", "name": f"n{i}"})
                 for i in range(MAX_NODES + 3))
    text = render(SchemaDiffResult(selection="state:modified", nodes=(wide, *many)))
    assert "**<code>wide\\|table</code>**" in text
    assert "STRUCT(a INT)\\|x" in text
    assert "| … | 5 more changes | | |" in text
    assert text.count("**`") + text.count("**<code>") == MAX_NODES
    assert "… and 4 more nodes with schema changes." in text


def test_nothing_selected() -> None:
    text = render(SchemaDiffResult(selection="tag:none", nodes=()))
    assert text == "Schema diff of `tag:none`: no nodes selected.\n"
