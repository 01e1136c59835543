"""`spyglass demo --engine spark|postgres` end to end: the same shop, the same figures as on DuckDB.

Each demo runs as the user runs it (a subprocess: one Spark JVM of its own, started in a clean working
directory), once per session; every preset check's typed result (the state file) must equal the DuckDB
demo's at the same row count, apart from the engines' type names and the catalog's column numbering.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.warehouses import PG_DATABASE, PostgresServer

pytestmark = pytest.mark.slow

ROWS = 200
#: what legitimately differs between engines: type names (PostgreSQL's sum(bigint) is numeric, so
#: product_sales.units_sold is retyped there), and 0- vs 1-based catalog column indexes
_ENGINE_KEYS = frozenset({"type", "base_type", "current_type", "index", "type_changes"})
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
#: every check type of the demo's spyglass.yml, plus `query`, which `spyglass query` covers here
_CHECK_KINDS = {"lineage_diff", "schema_diff", "row_count_diff", "value_diff", "value_diff_detail", "profile_diff",
                "top_k_diff", "histogram_diff", "query_diff"}
_QUERY = "select status, count(*) as orders, sum(amount) as revenue from {{ ref('fct_orders') }} group by status"


@dataclass(frozen=True)
class Demo:
    directory: Path
    cwd: Path
    proc: subprocess.CompletedProcess[str]

    def results(self) -> dict[str, Any]:
        """The result of each preset check's run, by check name."""
        state = json.loads((self.directory / "spyglass_state.json").read_text())
        names = {check["check_id"]: check["name"] for check in state["checks"]}
        return {names[run["check_id"]]: run["result"] for run in state["runs"]}

    def query(self, sql: str) -> dict[str, Any]:
        proc = _spyglass(["query", sql, "--json", "--project-dir", str(self.directory),
                          "--profiles-dir", str(self.directory)], self.cwd)
        assert proc.returncode == 0, proc.stderr + proc.stdout
        record: dict[str, Any] = json.loads(proc.stdout)
        return record


def _spyglass(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "spyglass", *args], capture_output=True, text=True,
                          timeout=900, cwd=cwd, env=env)


def _demo(root: Path, *engine: str) -> Demo:
    cwd = root / "cwd"
    cwd.mkdir(parents=True)
    directory = root / "demo"
    proc = _spyglass(["demo", "--dir", str(directory), "--no-serve", "--rows", str(ROWS), *engine], cwd)
    return Demo(directory=directory, cwd=cwd, proc=proc)


@pytest.fixture(scope="session")
def duckdb_demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    return _demo(tmp_path_factory.mktemp("engine-duckdb"))


@pytest.fixture(scope="session")
def spark_demo(tmp_path_factory: pytest.TempPathFactory, spark_home: Path) -> Demo:
    """Built once per session (each dbt invocation on Spark costs ~25 s); ``spark_home`` skips without Java."""
    return _demo(tmp_path_factory.mktemp("engine-spark"), "--engine", "spark")


def _comparable(value: Any) -> Any:
    """``value`` without engine-specific keys, floats rounded (engines sum in different orders)."""
    if isinstance(value, dict):
        return {key: _comparable(item) for key, item in value.items() if key not in _ENGINE_KEYS}
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        return round(float(value), 6)  # a decimal as text: '0.00' on DuckDB is '0' on PostgreSQL
    return value


def _assert_same_figures(engine: Demo, duckdb: Demo) -> None:
    assert duckdb.proc.returncode == 0, duckdb.proc.stderr + duckdb.proc.stdout
    expected, actual = duckdb.results(), engine.results()
    assert {result["kind"] for result in expected.values()} == _CHECK_KINDS
    assert set(actual) == set(expected)
    for name, result in expected.items():
        assert _comparable(actual[name]) == _comparable(result), name


def test_spark_demo_exits_0_and_leaves_nothing_in_the_working_directory(spark_demo: Demo) -> None:
    assert spark_demo.proc.returncode == 0, spark_demo.proc.stderr + spark_demo.proc.stdout
    assert "Building base (schema prod on spark" in spark_demo.proc.stdout
    assert list(spark_demo.cwd.iterdir()) == []  # no metastore_db, derby.log or spark-warehouse
    home = spark_demo.directory / ".spark"
    assert (home / "metastore").is_dir() and (home / "spark-warehouse").is_dir()


def test_every_check_on_spark_has_the_duckdb_figures(spark_demo: Demo, duckdb_demo: Demo) -> None:
    assert spark_demo.proc.returncode == 0, spark_demo.proc.stderr + spark_demo.proc.stdout
    _assert_same_figures(spark_demo, duckdb_demo)


def test_query_on_spark_has_the_duckdb_rows(spark_demo: Demo, duckdb_demo: Demo) -> None:
    sql = _QUERY + " order by status"
    spark, duckdb = spark_demo.query(sql), duckdb_demo.query(sql)
    assert spark["status"] == duckdb["status"] == "success", (spark, duckdb)
    assert _comparable(spark["result"]["table"]["rows"]) == _comparable(duckdb["result"]["table"]["rows"])
    assert len(duckdb["result"]["table"]["rows"]) == 4  # current: cancelled orders are filtered out


def test_postgres_demo_has_the_duckdb_figures(postgres_server: PostgresServer, duckdb_demo: Demo,
                                             tmp_path: Path) -> None:
    dsn = f"postgresql://{postgres_server.user}@{postgres_server.host}:{postgres_server.port}/{PG_DATABASE}"
    postgres = _demo(tmp_path, "--engine", "postgres", "--dsn", dsn)
    assert postgres.proc.returncode == 0, postgres.proc.stderr + postgres.proc.stdout
    _assert_same_figures(postgres, duckdb_demo)
    assert "password" not in (postgres.directory / "profiles.yml").read_text().replace("password: '{{", "")


def test_dsn_password_is_used_and_never_printed(postgres_server: PostgresServer, tmp_path: Path) -> None:
    secret = "s3cret-demo-pw"
    postgres_server.admin_execute(f"create role demo_owner login password '{secret}' superuser")
    dsn = f"postgresql://demo_owner:{secret}@{postgres_server.host}:{postgres_server.port}/{PG_DATABASE}"
    env = {key: value for key, value in os.environ.items() if key != "PGPASSWORD"}
    proc = _spyglass(["demo", "--dir", str(tmp_path / "demo"), "--no-serve", "--rows", "10", "--engine",
                      "postgres", "--dsn", dsn], tmp_path, env)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    for text in (proc.stdout, proc.stderr, *(p.read_text(errors="replace") for p in (tmp_path / "demo").rglob("*")
                                              if p.is_file() and p.suffix in (".yml", ".json", ".md"))):
        assert secret not in text


def test_engine_errors_exit_2_with_a_remedy(tmp_path: Path) -> None:
    no_dsn = _spyglass(["demo", "--dir", str(tmp_path / "a"), "--no-serve", "--engine", "postgres"], tmp_path)
    assert no_dsn.returncode == 2 and "--dsn" in no_dsn.stderr
    stray_dsn = _spyglass(["demo", "--dir", str(tmp_path / "b"), "--no-serve", "--dsn", "postgresql://u@h/d"],
                          tmp_path)
    assert stray_dsn.returncode == 2
    bad_dsn = _spyglass(["demo", "--dir", str(tmp_path / "c"), "--no-serve", "--engine", "postgres",
                         "--dsn", "mysql://x"], tmp_path)
    assert bad_dsn.returncode == 2 and "postgresql://" in bad_dsn.stderr
    env = {key: value for key, value in os.environ.items() if key != "JAVA_HOME"}
    python_dir = str(Path(sys.executable).parent)
    env["PATH"] = python_dir if shutil.which("java", path=python_dir) is None else ""
    no_java = _spyglass(["demo", "--dir", str(tmp_path / "d"), "--no-serve", "--engine", "spark"], tmp_path, env)
    assert no_java.returncode == 2, no_java.stderr
    assert "apt-get install openjdk-17-jre-headless" in no_java.stderr
    assert not (tmp_path / "d").exists()
