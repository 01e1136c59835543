"""Build a base/current dbt project pair with real dbt, on DuckDB or PostgreSQL.

``build_pair`` copies the ``base`` tree into a project directory, runs ``dbt build`` and ``dbt docs
generate`` (target ``base``, artifacts in ``target-base/``), lays the ``current`` tree over it (files
there replace the base ones) and does the same with target ``current`` (artifacts in ``target/``). The two
sides build into two schemas of one warehouse, as a production and a merge-request build would.
"""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from spyglass.project.artifacts import load_pair
from spyglass.project.models import ArtifactPair
from tests.fixtures.warehouses import PostgresServer
from tests.project.real_dbt import run_dbt

CASES_DIR = Path(__file__).parent


@dataclass(frozen=True)
class Warehouse:
    """Where both sides build: ``engine`` is ``duckdb`` or ``postgres`` (then ``server`` is set)."""

    engine: str
    server: PostgresServer | None = None


@dataclass(frozen=True)
class BuiltPair:
    root: Path
    pair: ArtifactPair
    #: the schema each side was built into (target name -> schema)
    schemas: dict[str, str]


def _output(warehouse: Warehouse, root: Path, schema: str) -> dict[str, Any]:
    if warehouse.engine == "duckdb":
        return {"type": "duckdb", "path": str(root / "warehouse.duckdb"), "schema": schema, "threads": 2}
    server = warehouse.server
    assert server is not None, "a PostgreSQL build needs the postgres_server fixture"
    return {"type": "postgres", "host": server.host, "port": server.port, "user": server.user, "password": "",
            "dbname": server.database, "schema": schema, "threads": 2}


def write_profile(root: Path, profile: str, warehouse: Warehouse) -> dict[str, str]:
    """``root/profiles.yml`` with targets ``base`` and ``current`` on schemas unique to this build."""
    suffix = uuid.uuid4().hex[:8]
    schemas = {target: f"{target}_{suffix}" for target in ("base", "current")}
    outputs = {target: _output(warehouse, root, schema) for target, schema in schemas.items()}
    (root / "profiles.yml").write_text(yaml.safe_dump({profile: {"target": "current", "outputs": outputs}}))
    return schemas


def build_pair(root: Path, base: Path, current: Path, *, profile: str, warehouse: Warehouse,
               project_yml: str, build: tuple[str, ...] = ("build",)) -> BuiltPair:
    """Build ``base`` then ``current`` (laid over it) in ``root``; see the module doc. ``build`` is the dbt
    command that builds a side (``("run",)`` where the project's data tests are expected to fail)."""
    shutil.copytree(base, root, dirs_exist_ok=True)
    (root / "dbt_project.yml").write_text(project_yml)
    schemas = write_profile(root, profile, warehouse)
    run_dbt(root, *build, "--target", "base")
    run_dbt(root, "docs", "generate", "--target", "base", "--target-path", "target-base")
    shutil.copytree(current, root, dirs_exist_ok=True)
    run_dbt(root, *build, "--target", "current")
    run_dbt(root, "docs", "generate", "--target", "current")
    return BuiltPair(root=root, pair=load_pair(root / "target-base", root / "target"), schemas=schemas)


def drop_schemas(built: BuiltPair, warehouse: Warehouse) -> None:
    """Drop a PostgreSQL build's schemas (a DuckDB build lives in its temporary directory)."""
    if warehouse.server is not None:
        for schema in built.schemas.values():
            warehouse.server.admin_execute(f'drop schema if exists "{schema}" cascade')


CASES_PROJECT = """\
name: cases
version: "1.0"
profile: cases
config-version: 2
models:
  cases:
    +materialized: table
"""


def build_cases(root: Path, warehouse: Warehouse) -> BuiltPair:
    """The crafted change cases (``base/`` → ``current/`` beside this module), built for real."""
    return build_pair(root, CASES_DIR / "base", CASES_DIR / "current", profile="cases", warehouse=warehouse,
                      project_yml=CASES_PROJECT)
