"""The demo's engine choice: profiles per engine, DSN parsing, and the refusals (no warehouse needed)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from spyglass.demo.build import PROFILE_NAME, profiles_yaml
from spyglass.demo.engines import DATABASE_FILE, SECRET_ENV, DemoEngine, PostgresDsn
from spyglass.exceptions import UsageError


def _outputs(engine: DemoEngine, project_dir: Path) -> dict[str, dict[str, object]]:
    profile = yaml.safe_load(profiles_yaml(project_dir / DATABASE_FILE, engine=engine))[PROFILE_NAME]
    assert profile["target"] == "dev"
    outputs: dict[str, dict[str, object]] = profile["outputs"]
    assert {name: out["schema"] for name, out in outputs.items()} == {"prod": "prod", "dev": "dev"}
    return outputs


def test_spark_profile_keeps_the_metastore_and_tables_in_the_demo_directory(tmp_path: Path) -> None:
    for output in _outputs(DemoEngine("spark"), tmp_path).values():
        assert (output["type"], output["method"], output["host"]) == ("spark", "session", "NA")
        parameters = output["server_side_parameters"]
        assert isinstance(parameters, dict)
        home = tmp_path.resolve() / ".spark"
        assert parameters["spark.sql.warehouse.dir"] == str(home / "spark-warehouse")
        assert parameters["spark.driver.extraJavaOptions"] == f"-Dderby.system.home={home / 'metastore'}"
        assert parameters["spark.ui.enabled"] == "false"
    assert DemoEngine("spark").database(tmp_path) == tmp_path / ".spark"


def test_postgres_profile_reads_the_password_from_the_environment(tmp_path: Path) -> None:
    engine = DemoEngine("postgres", "postgresql://shop:pw%21@db.internal:6543/analytics")
    text = profiles_yaml(tmp_path / DATABASE_FILE, engine=engine)
    assert "pw!" not in text and "pw%21" not in text
    for output in _outputs(engine, tmp_path).values():
        assert (output["host"], output["port"], output["user"], output["dbname"]) == (
            "db.internal", 6543, "shop", "analytics")
        assert output["password"] == "{{ env_var('PGPASSWORD', '') }}"
    assert engine.database(tmp_path) is None


def test_dsn_password_goes_to_the_environment_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    dsn = PostgresDsn.parse("postgresql://me:s%40cret@localhost/db")
    assert (dsn.user, dsn.password, dsn.port) == ("me", "s@cret", 5432)
    assert "s@cret" not in repr(dsn)
    engine = DemoEngine("postgres", "postgresql://me:s%40cret@localhost/db")
    assert engine.environment() == {"PGPASSWORD": "s@cret", SECRET_ENV: "s@cret"}
    monkeypatch.setenv("PGPASSWORD", "from-env")
    assert engine.environment() == {SECRET_ENV: "s@cret"}  # an explicit PGPASSWORD wins
    assert DemoEngine("postgres", "postgresql://me@localhost/db").environment() == {}
    assert os.environ["PGPASSWORD"] == "from-env"


@pytest.mark.parametrize(("engine", "needle"), [
    (DemoEngine("postgres"), "--dsn"),
    (DemoEngine("duckdb", "postgresql://u@h/d"), "--dsn"),
    (DemoEngine("postgres", "mysql://u@h/d"), "postgresql://"),
    (DemoEngine("postgres", "postgresql://u@h"), "postgresql://"),
    (DemoEngine("postgres", "postgresql://u@h:99999/d"), "port"),
    (DemoEngine("oracle"), "--engine duckdb|spark|postgres"),
])
def test_bad_engine_choices_are_usage_errors(engine: DemoEngine, needle: str) -> None:
    with pytest.raises(UsageError) as excinfo:
        engine.validate()
    assert needle in excinfo.value.message + (excinfo.value.remedy or "")
    assert excinfo.value.exit_code == 2
