"""The demo built with real dbt-duckdb: artifacts, lineage diff of the change set, the filtered rows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from spyglass.checks.registry import parse_spec
from spyglass.demo import DemoPaths
from spyglass.demo.changeset import (
    ADDED_MODELS,
    FILTERED_MODEL,
    MODIFIED_MODELS,
    REMOVED_MODELS,
    UNCHANGED_DOWNSTREAM,
)
from spyglass.demo.runner import DbtInvocation, run_dbt
from spyglass.exceptions import SpyglassError
from spyglass.project.lookup import find_in_pair, find_node
from spyglass.project.models import Env, ResourceType
from spyglass.service import Session
from spyglass.state.models import RunStatus

pytestmark = pytest.mark.slow


@pytest.fixture
def session(demo_build: DemoPaths) -> Iterator[Session]:
    session = Session.load(demo_build.settings)
    yield session
    session.close()


def _models_with(session: Session, status: str) -> set[str]:
    return {c.name for c in session.lineage.changes.values()
            if c.resource_type is ResourceType.MODEL and c.status.value == status}


def test_build_writes_both_environments(demo_build: DemoPaths) -> None:
    for target_path, target in (("target-base", "prod"), ("target", "dev")):
        for artifact in ("manifest.json", "catalog.json", "run_results.json"):
            assert (demo_build.project_dir / target_path / artifact).is_file(), (target_path, artifact)
        results = json.loads((demo_build.project_dir / target_path / "run_results.json").read_text())
        assert results["results"]
        assert {r["status"] for r in results["results"]} <= {"success", "pass"}
        assert results["args"]["target"] == target
    assert demo_build.database.is_file()
    assert (demo_build.project_dir / "logs" / "dbt.log").is_file()


def test_lineage_diff_names_exactly_the_change_set(session: Session) -> None:
    assert _models_with(session, "added") == ADDED_MODELS
    assert _models_with(session, "removed") == REMOVED_MODELS
    assert _models_with(session, "modified") == MODIFIED_MODELS


def test_unchanged_downstream_models_are_impacted_not_modified(session: Session) -> None:
    changes = {c.name: c for c in session.lineage.changes.values()}
    for name in UNCHANGED_DOWNSTREAM:
        assert changes[name].status.value == "unchanged", name
        assert changes[name].impacted, name


def test_base_and_current_live_in_two_schemas_of_one_file(session: Session) -> None:
    base, current = find_in_pair(session.artifacts, FILTERED_MODEL).nodes
    assert base is not None and current is not None
    assert (base.schema, current.schema) == ("prod", "dev")
    assert base.database == current.database
    assert current.primary_key == "order_id"
    assert "marts" in current.tags


def test_filtered_model_loses_rows(session: Session) -> None:
    warehouse = session.warehouse()
    counts = {}
    for env, manifest in ((Env.BASE, session.artifacts.base.manifest),
                          (Env.CURRENT, session.artifacts.current.manifest)):
        found = find_node(manifest, FILTERED_MODEL)
        assert found is not None
        counts[env] = warehouse.execute(f"select count(*) from {warehouse.relation(found.node)}").scalar()
    assert isinstance(counts[Env.BASE], int) and isinstance(counts[Env.CURRENT], int)
    # every 20th order is cancelled and the change set filters cancelled orders out
    assert counts[Env.CURRENT] == counts[Env.BASE] - counts[Env.BASE] // 20


def test_row_count_check_shows_the_drop(session: Session) -> None:
    run = session.run_check(parse_spec("row_count_diff", {"select": FILTERED_MODEL}))
    assert run.status is RunStatus.SUCCESS, run.error
    assert run.result is not None and run.result.mismatch


def test_dbt_failure_raises_with_dbts_message(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    (tmp_path / "dbt_project.yml").write_text(
        "name: broken\nversion: '1.0'\nconfig-version: 2\nprofile: broken\n")
    (tmp_path / "profiles.yml").write_text(
        f"broken:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        f"      path: {tmp_path / 'x.duckdb'}\n      threads: 1\n")
    (tmp_path / "models" / "bad.sql").write_text("select * from table_that_does_not_exist")
    with pytest.raises(SpyglassError) as excinfo:
        run_dbt(DbtInvocation(project_dir=tmp_path, profiles_dir=tmp_path), ["run"])
    assert "bad" in excinfo.value.message
    assert "table_that_does_not_exist" in excinfo.value.message
    assert "dbt.log" in excinfo.value.remedy


def test_build_leaves_no_duckdb_handle_open(demo_build: DemoPaths) -> None:
    # the server opens the file with external access disabled: DuckDB refuses that while another
    # connection of this process holds it with a different configuration
    connection = duckdb.connect(str(demo_build.database), config={"enable_external_access": False})
    try:
        assert connection.sql("select count(*) from dev.payment_method_summary").fetchall() == [(5,)]
    finally:
        connection.close()
