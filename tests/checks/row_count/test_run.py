"""Row count diff on crafted data in DuckDB and PostgreSQL, and its Markdown details."""

from __future__ import annotations

from dataclasses import replace

import pytest
import yaml
from pydantic import TypeAdapter

from spyglass.checks.base import CheckContext
from spyglass.checks.registry import AnyResult, parse_spec
from spyglass.checks.row_count import (
    ROW_COUNT_DIFF,
    RowCountDiffParams,
    RowCountDiffResult,
    RowCountRow,
    SideCount,
    SideStatus,
)
from spyglass.checks.row_count.markdown import render
from spyglass.demo import DemoPaths
from spyglass.demo.changeset import FILTERED_MODEL
from spyglass.exceptions import Cancelled, CheckError, ConfigError, WarehouseUnavailable
from spyglass.project.lineage import diff_lineage
from spyglass.project.models import Env
from spyglass.state.models import RunStatus
from spyglass.warehouse.base import CancelToken
from spyglass.warehouse.dbt import open_warehouse
from tests.fixtures.warehouses import Crafted, PostgresServer

FIVE = "select * from (values (1), (2), (3), (4), (5)) as t(id)"
THREE = "select * from (values (1), (2), (3)) as t(id)"


def _build(crafted: Crafted) -> None:
    crafted.create_model("same", THREE, THREE)
    crafted.create_model("filtered", FIVE, FIVE + " where id <= 3")
    crafted.create_model("added", None, THREE)
    crafted.create_model("removed", FIVE, None)
    crafted.create_model("dropped", THREE, THREE + " where id > 0")
    crafted.execute(f"drop table {crafted.relation('dropped', Env.CURRENT)}")
    crafted.create_model("empty", THREE + " where id < 0", THREE + " where id < 0 and id > -5")
    crafted.ephemeral("eph")


def _by_name(result: RowCountDiffResult) -> dict[str, RowCountRow]:
    return {row.name: row for row in result.rows}


def test_counts_statuses_and_changes_of_modified_nodes(crafted: Crafted) -> None:
    _build(crafted)
    result = ROW_COUNT_DIFF.run(RowCountDiffParams(), crafted.context())
    rows = _by_name(result)
    # default selection is state:modified: "same" and "eph" (identical SQL) are not selected
    assert sorted(rows) == ["added", "dropped", "empty", "filtered", "removed"]
    filtered = rows["filtered"]
    assert (filtered.base_count, filtered.current_count, filtered.delta) == (5, 3, -2)
    assert filtered.delta_pct == pytest.approx(-40.0)
    assert filtered.changed
    assert (rows["added"].base.status, rows["added"].current) == (SideStatus.NOT_IN_MANIFEST,
                                                                  SideCount(status=SideStatus.OK, count=3))
    assert rows["removed"].current.status is SideStatus.NOT_IN_MANIFEST
    assert rows["removed"].base_count == 5
    assert rows["dropped"].current.status is SideStatus.TABLE_MISSING
    assert rows["dropped"].base_count == 3 and rows["dropped"].delta is None and rows["dropped"].changed
    empty = rows["empty"]
    assert (empty.base_count, empty.current_count, empty.delta, empty.delta_pct) == (0, 0, 0, None)
    assert not empty.changed
    assert result.mismatch
    assert result.headline == "4 of 5 nodes differ"
    assert result.selection == "state:modified"


def test_explicit_node_names_and_equal_counts(crafted: Crafted) -> None:
    _build(crafted)
    result = ROW_COUNT_DIFF.run(RowCountDiffParams.model_validate({"node_names": ["same", "eph"]}),
                                crafted.context())
    rows = _by_name(result)
    assert rows["same"].base_count == rows["same"].current_count == 3
    assert rows["eph"].base.status is rows["eph"].current.status is SideStatus.NOT_MATERIALIZED
    assert not result.mismatch
    assert result.headline == "2 nodes, row counts equal"


def test_select_and_exclude(crafted: Crafted) -> None:
    _build(crafted)
    params = RowCountDiffParams.model_validate({"select": "state:modified", "exclude": ["removed", "dropped"],
                                                "node_ids": None})
    assert sorted(_by_name(ROW_COUNT_DIFF.run(params, crafted.context()))) == ["added", "empty", "filtered"]
    single = RowCountDiffParams.model_validate({"node_names": "filtered"})
    assert list(_by_name(ROW_COUNT_DIFF.run(single, crafted.context()))) == ["filtered"]


def test_unknown_node_name_is_check_error(crafted: Crafted) -> None:
    _build(crafted)
    with pytest.raises(CheckError, match="no_such_model"):
        ROW_COUNT_DIFF.run(RowCountDiffParams(node_names=("no_such_model",)), crafted.context())


def test_cancelled_token_cancels_the_check(crafted: Crafted) -> None:
    _build(crafted)
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        ROW_COUNT_DIFF.run(RowCountDiffParams(), crafted.context(cancel=token))


def test_through_session_with_recce_alias_and_json_round_trip(crafted: Crafted) -> None:
    _build(crafted)
    session = crafted.session()
    record = session.run_check(parse_spec("row_count", {"node_names": ["filtered", "same"]}))
    assert record.status is RunStatus.SUCCESS, record.error
    result = record.result
    assert isinstance(result, RowCountDiffResult)
    again = TypeAdapter(AnyResult).validate_json(result.model_dump_json())
    assert again == result
    assert isinstance(again, RowCountDiffResult)
    assert _by_name(again)["filtered"].delta == -2


def test_without_warehouse_the_check_fails_with_the_connection_error(crafted: Crafted) -> None:
    _build(crafted)
    ctx = crafted.context()
    no_warehouse = type(ctx)(artifacts=ctx.artifacts, lineage=ctx.lineage, warehouse=None, cancel=CancelToken())
    with pytest.raises(WarehouseUnavailable, match="no connection to it was opened"):
        ROW_COUNT_DIFF.run(RowCountDiffParams(), no_warehouse)
    cause = ConfigError("No profiles.yml in /nowhere.", remedy="Pass --profiles-dir.")
    failed = type(ctx)(artifacts=ctx.artifacts, lineage=ctx.lineage, warehouse=None, cancel=CancelToken(),
                       warehouse_error=cause)
    with pytest.raises(ConfigError, match=r"No profiles\.yml in /nowhere\.") as raised:
        ROW_COUNT_DIFF.run(RowCountDiffParams(), failed)
    assert raised.value.remedy == "Pass --profiles-dir."


@pytest.mark.slow
def test_demo_row_count_shows_the_filtered_models_drop(demo_build: DemoPaths) -> None:
    from spyglass.service import Session

    session = Session.load(demo_build.settings)
    try:
        record = session.run_check(parse_spec("row_count_diff", {"select": "state:modified+"}))
    finally:
        session.close()
    assert record.status is RunStatus.SUCCESS, record.error
    result = record.result
    assert isinstance(result, RowCountDiffResult)
    rows = _by_name(result)
    filtered = rows[FILTERED_MODEL]
    assert filtered.base_count is not None and filtered.current_count is not None
    assert 0 < filtered.current_count < filtered.base_count
    assert filtered.changed and result.mismatch
    assert f"`{FILTERED_MODEL}`" in render(result)
    added = [row for row in result.rows if row.base.status is SideStatus.NOT_IN_MANIFEST]
    removed = [row for row in result.rows if row.current.status is SideStatus.NOT_IN_MANIFEST]
    assert all(row.current.status is SideStatus.OK for row in added)
    assert all(row.base.status is SideStatus.OK for row in removed)


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("engine", ["postgres"])
def test_permission_denied_on_one_side(crafted: Crafted, postgres_server: PostgresServer) -> None:
    crafted.create_model("secret", THREE, THREE + " where id > 1")
    role = f"reader_{crafted.schemas[Env.BASE]}"
    base_schema, current_schema = crafted.schemas[Env.BASE], crafted.schemas[Env.CURRENT]
    postgres_server.admin_execute(
        f"create role {role} login; grant usage on schema {base_schema}, {current_schema} to {role}; "
        f"grant select on {crafted.relation('secret', Env.CURRENT)} to {role}")
    profiles_path = crafted.project_dir / "profiles.yml"
    profiles = yaml.safe_load(profiles_path.read_text())
    outputs = profiles["crafted"]["outputs"]
    outputs["reader"] = {**outputs["dev"], "user": role}
    profiles_path.write_text(yaml.safe_dump(profiles))
    pair = crafted.pair()
    warehouse = open_warehouse(replace(crafted.settings, target="reader"))
    try:
        ctx = CheckContext(artifacts=pair, lineage=diff_lineage(pair), warehouse=warehouse, cancel=CancelToken())
        row = _by_name(ROW_COUNT_DIFF.run(RowCountDiffParams(node_names=("secret",)), ctx))["secret"]
    finally:
        warehouse.close()
        postgres_server.admin_execute(f"drop owned by {role}; drop role {role}")
    assert row.base.status is SideStatus.PERMISSION_DENIED
    assert row.base.error and "permission denied" in row.base.error
    assert row.current == SideCount(status=SideStatus.OK, count=2)
    assert row.changed and row.delta is None
