"""schema_diff over synthetic artifacts: column changes, node status, coverage, params, title."""

from __future__ import annotations

from pathlib import Path

import pytest

from spyglass.checks import registry
from spyglass.checks.base import CheckContext
from spyglass.checks.registry import definition_of, parse_spec
from spyglass.checks.schema_diff import SCHEMA_DIFF, SchemaDiffParams, SchemaDiffResult, title
from spyglass.checks.schema_diff.run import run
from spyglass.exceptions import CheckError, SelectionError
from spyglass.project.artifacts import load_pair
from spyglass.project.lineage import diff_lineage
from spyglass.service import Session
from spyglass.settings import ProjectSettings
from spyglass.warehouse.base import CancelToken
from tests.project.manifest_builder import ManifestBuilder, shop_builders, write_catalog, write_pair

Columns = list[tuple[str, str]]

BASE_TABLES: dict[str, Columns] = {
    "model.shop.stg_orders": [("order_id", "INTEGER"), ("amount", "INTEGER")],
    "model.shop.customers": [("customer_id", "INTEGER"), ("name", "VARCHAR")],
    "model.shop.orders": [("order_id", "INTEGER")],
    "model.shop.old_report": [("day", "DATE"), ("total", "DOUBLE")],
}
CURRENT_TABLES: dict[str, Columns] = {
    "model.shop.stg_orders": [("order_id", "INTEGER"), ("amount", "DOUBLE"), ("status", "VARCHAR")],
    "model.shop.customers": [("customer_id", "INTEGER"), ("name", "VARCHAR")],
    "model.shop.orders": [("order_id", "INTEGER")],
    "model.shop.customer_ltv": [("customer_id", "INTEGER"), ("ltv", "DOUBLE")],
}


def make_context(root: Path, base_tables: dict[str, Columns] | None = BASE_TABLES,
             current_tables: dict[str, Columns] | None = CURRENT_TABLES,
             builders: tuple[ManifestBuilder, ManifestBuilder] | None = None) -> CheckContext:
    base_dir, current_dir = write_pair(root, *(builders or shop_builders()))
    if base_tables is not None:
        write_catalog(base_dir, base_tables)
    if current_tables is not None:
        write_catalog(current_dir, current_tables)
    pair = load_pair(base_dir, current_dir)
    return CheckContext(artifacts=pair, lineage=diff_lineage(pair), warehouse=None, cancel=CancelToken())


def _run(ctx: CheckContext, **params: object) -> SchemaDiffResult:
    return run(SchemaDiffParams.model_validate(params), ctx)


def test_default_is_state_modified_with_column_changes(tmp_path: Path) -> None:
    result = _run(make_context(tmp_path))
    by_name = {n.name: n for n in result.nodes}
    assert set(by_name) == {"stg_orders", "customers", "customer_ltv", "old_report"}
    stg = by_name["stg_orders"]
    assert stg.status == "modified"
    assert [c.name for c in stg.added] == ["status"]
    assert [(t.column, t.base_type, t.current_type) for t in stg.type_changes] == [("amount", "INTEGER", "DOUBLE")]
    assert not stg.removed and not stg.reordered
    assert not by_name["customers"].changed  # modified by config only; same columns
    assert [c.name for c in by_name["customer_ltv"].added] == ["customer_id", "ltv"]
    assert by_name["customer_ltv"].status == "added"
    assert [c.name for c in by_name["old_report"].removed] == ["day", "total"]
    assert by_name["old_report"].status == "removed"
    assert result.coverage == "complete"
    assert result.mismatch
    assert result.headline == "3 of 4 nodes changed schema"
    assert result.conclusive
    assert result.selection == "state:modified"


def test_reordering_counts_only_real_moves(tmp_path: Path) -> None:
    base = ManifestBuilder()
    a = base.model("a")
    b = base.model("b")
    current = base.copy()
    current.model("a", sql="changed a")
    current.model("b", sql="changed b")
    ctx = make_context(
        tmp_path,
        {a: [("id", "INTEGER"), ("name", "VARCHAR"), ("email", "VARCHAR"), ("age", "INTEGER")],
         b: [("x", "INTEGER"), ("y", "INTEGER"), ("z", "INTEGER")]},
        {a: [("id", "BIGINT"), ("email", "VARCHAR"), ("name", "VARCHAR"), ("phone", "VARCHAR")],
         b: [("x", "INTEGER"), ("new", "INTEGER"), ("y", "INTEGER"), ("z", "INTEGER")]},
        builders=(base, current),
    )
    result = _run(ctx)
    node_a, node_b = result.nodes
    assert [(m.column, m.base_index, m.current_index) for m in node_a.reordered] == [("name", 2, 3)]
    assert [c.name for c in node_a.removed] == ["age"]
    assert [c.name for c in node_a.added] == ["phone"]
    assert [t.column for t in node_a.type_changes] == ["id"]
    # a column inserted in the middle shifts positions but moves nothing
    assert node_b.reordered == ()
    assert [c.name for c in node_b.added] == ["new"]


def test_types_compare_case_and_space_insensitively(tmp_path: Path) -> None:
    base = ManifestBuilder()
    uid = base.model("a")
    current = base.copy()
    current.model("a", sql="changed")
    ctx = make_context(tmp_path, {uid: [("ID", "character varying(10)")]}, {uid: [("id", "CHARACTER  VARYING(10)")]},
                   builders=(base, current))
    result = _run(ctx)
    assert not result.mismatch
    assert result.headline == "0 of 1 node changed schema"


def test_missing_catalog_makes_coverage_unknown(tmp_path: Path) -> None:
    result = _run(make_context(tmp_path, base_tables=None))
    assert result.coverage == "unknown"
    notes = {n.name: n.coverage_note for n in result.nodes}
    assert notes["stg_orders"] == "no base catalog"
    assert notes["old_report"] == "no base catalog"
    # an added node only needs the current catalog: its columns are still reported
    ltv = next(n for n in result.nodes if n.name == "customer_ltv")
    assert ltv.coverage == "complete"
    assert [c.name for c in ltv.added] == ["customer_id", "ltv"]
    assert result.headline == "1 of 4 nodes changed schema (coverage unknown)"
    assert not result.conclusive


def test_node_missing_from_a_catalog_is_partial(tmp_path: Path) -> None:
    current = dict(CURRENT_TABLES)
    del current["model.shop.customers"]
    result = _run(make_context(tmp_path, current_tables=current))
    assert result.coverage == "partial"
    customers = next(n for n in result.nodes if n.name == "customers")
    assert (customers.coverage, customers.coverage_note) == ("unknown", "not in the current catalog")
    assert customers.base_columns is not None and customers.current_columns is None


def test_no_catalogs_and_nothing_selected(tmp_path: Path) -> None:
    base, _ = shop_builders()
    result = _run(make_context(tmp_path, None, None, builders=(base, base.copy())))
    assert result.nodes == ()
    assert result.coverage == "unknown"
    assert result.headline == "no nodes selected (coverage unknown)"
    assert not result.mismatch
    assert not result.conclusive  # nothing changed, but nothing could be seen either: not approvable


def test_node_id_param(tmp_path: Path) -> None:
    ctx = make_context(tmp_path)
    one = _run(ctx, node_id="model.shop.orders")
    assert [n.name for n in one.nodes] == ["orders"]
    assert not one.mismatch
    names = _run(ctx, node_id=["stg_orders", "old_report"], select="tag:nothing")  # node_id wins
    assert [n.name for n in names.nodes] == ["old_report", "stg_orders"]
    with pytest.raises(CheckError, match="No model, seed, snapshot or source 'nope'"):
        _run(ctx, node_id="nope")


def test_select_and_exclude(tmp_path: Path) -> None:
    ctx = make_context(tmp_path)
    result = _run(ctx, select="state:modified+", exclude=["old_report", "customer_ltv"])
    # exposures and seeds are skipped or not selected; the snapshot has no catalog entry
    assert [n.name for n in result.nodes] == ["customers", "orders", "stg_orders", "orders_snapshot"]
    with pytest.raises(SelectionError):
        _run(ctx, select="bogus:x")


def test_ephemeral_and_exposures_are_skipped(tmp_path: Path) -> None:
    base = ManifestBuilder()
    eph = base.model("helper", materialized="ephemeral")
    base.exposure("dash", depends_on=[eph])
    current = base.copy()
    current.model("helper", sql="changed", materialized="ephemeral")
    result = _run(make_context(tmp_path, {}, {}, builders=(base, current)), select="helper+")
    assert result.nodes == ()
    assert result.coverage == "complete"


def test_title_and_definition() -> None:
    assert title(SchemaDiffParams()) == "Schema diff of state:modified"
    assert title(SchemaDiffParams(select="tag:mart", exclude="orders")) == "Schema diff of tag:mart excluding orders"
    assert title(SchemaDiffParams(node_id=["model.shop.orders", "model.shop.customers"])) == \
        "Schema diff of orders, customers"
    assert SCHEMA_DIFF.needs_warehouse is False
    assert definition_of(parse_spec("schema_diff", {})) is SCHEMA_DIFF


def test_result_round_trips_as_json(tmp_path: Path) -> None:
    result = _run(make_context(tmp_path))
    again = SchemaDiffResult.model_validate_json(result.model_dump_json())
    assert again == result
    assert again.mismatch


def test_runs_through_the_session_without_a_warehouse(tmp_path: Path) -> None:
    base_dir, current_dir = write_pair(tmp_path, *shop_builders())
    write_catalog(base_dir, BASE_TABLES)
    write_catalog(current_dir, CURRENT_TABLES)
    session = Session.load(ProjectSettings(project_dir=tmp_path, profiles_dir=tmp_path))
    record = session.run_check(parse_spec("schema_diff", {"select": "stg_orders"}))
    assert record.status.value == "success", record.error
    assert record.mismatch is True
    assert registry.title(parse_spec("schema_diff", {})) == "Schema diff of state:modified"
