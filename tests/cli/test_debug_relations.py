"""``spyglass debug`` probes one base and one current relation through the target's one connection, and
says so when they are not both reachable (the base in another PostgreSQL database, a relation missing)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from spyglass.cli.debug import debug_command
from tests.fixtures.warehouses import PG_DATABASE, PostgresServer, write_project
from tests.project.manifest_builder import ManifestBuilder, write_catalog, write_pair


def _debug(project: Path) -> tuple[int, str]:
    result = CliRunner().invoke(debug_command, ["--project-dir", str(project), "--profiles-dir", str(project)],
                                catch_exceptions=False)
    return result.exit_code, result.output


def _artifacts(project: Path, adapter: str, base: tuple[str, str], current: tuple[str, str]) -> None:
    """Manifests naming ``orders`` in (database, schema) ``base`` and ``current``."""
    builders = [ManifestBuilder(adapter=adapter, database=database, schema=schema)
                for database, schema in (base, current)]
    for builder in builders:
        builder.model("orders", sql="select 1 as id", materialized="table")
    write_pair(project, *builders)


@pytest.mark.slow
@pytest.mark.postgres
def test_base_in_another_postgres_database_fails_with_the_remedy(postgres_server: PostgresServer,
                                                                tmp_path: Path) -> None:
    suffix = uuid.uuid4().hex[:8]
    other, prod, dev = f"base_db_{suffix}", f"prod_{suffix}", f"dev_{suffix}"
    server = postgres_server
    server.admin_execute(f"create database {other}", database="postgres")
    try:
        server.admin_execute(f"create schema {prod}; create table {prod}.orders as select 1 as id", database=other)
        for schema in (prod, dev):
            server.admin_execute(f"create schema {schema}; create table {schema}.orders as select 1 as id")
        write_project(tmp_path, {"crafted": {"target": "dev", "outputs": {"dev": {
            "type": "postgres", "host": server.host, "port": server.port, "user": server.user, "password": "",
            "dbname": PG_DATABASE, "schema": dev, "threads": 1}}}})

        _artifacts(tmp_path, "postgres", base=(other, prod), current=(PG_DATABASE, dev))
        code, out = _debug(tmp_path)
        assert code == 2, out
        assert "pass  Connection" in out
        assert "fail  Base and current relations" in out and "cross-database references are not implemented" in out
        assert f'"{other}"."{prod}"."orders"' in out
        assert "fix: Spyglass compares base and current through the profile target's one connection" in out
        assert "--target-base-path" in out and "All checks passed." not in out

        _artifacts(tmp_path, "postgres", base=(PG_DATABASE, prod), current=(PG_DATABASE, dev))
        code, out = _debug(tmp_path)
        assert code == 0, out
        assert "pass  Base and current relations" in out and f'"{PG_DATABASE}"."{prod}"."orders"' in out
        assert "All checks passed." in out
    finally:
        server.admin_execute(f"drop schema {prod} cascade; drop schema {dev} cascade")
        server.admin_execute(f"drop database {other} with (force)", database="postgres")


@pytest.mark.slow
def test_a_missing_base_relation_fails_on_duckdb(tmp_path: Path) -> None:
    write_project(tmp_path, {"crafted": {"target": "dev", "outputs": {"dev": {
        "type": "duckdb", "path": str(tmp_path / "shop.duckdb"), "threads": 1}}}})
    _artifacts(tmp_path, "duckdb", base=("shop", "prod"), current=("shop", "main"))
    code, out = _debug(tmp_path)  # neither relation exists: the base is probed first and named
    assert code == 2
    assert "fail  Base and current relations" in out and '"shop"."prod"."orders"' in out
    assert "A relation that is only missing needs building" in out


@pytest.mark.slow
def test_the_probe_takes_a_model_the_catalogs_list_as_built(tmp_path: Path) -> None:
    """``a_planned`` sorts first but was never built (no catalog entry): ``orders`` is probed, and passes."""
    import duckdb

    with duckdb.connect(str(tmp_path / "shop.duckdb")) as connection:
        connection.execute("create schema prod; create table prod.orders as select 1 as id; "
                           "create table main.orders as select 1 as id")
    write_project(tmp_path, {"crafted": {"target": "dev", "outputs": {"dev": {
        "type": "duckdb", "path": str(tmp_path / "shop.duckdb"), "threads": 1}}}})
    builders = [ManifestBuilder(adapter="duckdb", database="shop", schema=schema) for schema in ("prod", "main")]
    for builder in builders:
        builder.model("a_planned", materialized="table")
        builder.model("orders", sql="select 1 as id", materialized="table")
    base_dir, current_dir = write_pair(tmp_path, *builders)
    for directory in (base_dir, current_dir):
        write_catalog(directory, {"model.shop.orders": [("id", "INTEGER")]})
    code, out = _debug(tmp_path)
    assert code == 0, out
    assert 'pass  Base and current relations: `select 1 ... where 1=0` ran on base "shop"."prod"."orders"' in out
    assert "a_planned" not in out
