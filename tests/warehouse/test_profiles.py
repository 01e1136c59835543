"""Reading profiles.yml the way dbt does: directories, env_var(), --profile/--target, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from spyglass.exceptions import ConfigError, WarehouseUnavailable
from spyglass.settings import ProjectSettings
from spyglass.warehouse.dbt import open_warehouse
from spyglass.warehouse.profiles import load_target, profiles_dir
from tests.fixtures.warehouses import write_project


@pytest.fixture(autouse=True)
def _in_the_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test runs from its project directory, as a dbt user does: dbt Core reads profiles.yml from the
    working directory, never from the project directory."""
    monkeypatch.chdir(tmp_path)


def _duckdb_profile(path: str, threads: int = 3) -> dict[str, object]:
    return {"crafted": {"target": "dev", "outputs": {
        "dev": {"type": "duckdb", "path": path, "threads": threads},
        "other": {"type": "duckdb", "path": path + ".other", "threads": 1},
    }}}


def test_env_var_in_profiles_is_rendered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "from-env.duckdb"
    monkeypatch.setenv("SPYGLASS_TEST_DB_PATH", str(db))
    write_project(tmp_path, _duckdb_profile("{{ env_var('SPYGLASS_TEST_DB_PATH') }}"))
    target = load_target(ProjectSettings(project_dir=tmp_path))
    assert target.adapter_type == "duckdb"
    assert target.credentials.path == str(db)
    assert (target.profile_name, target.target_name, target.threads) == ("crafted", "dev", 3)


def test_target_override_and_profiles_dir_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project, home = tmp_path / "project", tmp_path / "home"
    write_project(project, _duckdb_profile(str(tmp_path / "in-project.duckdb")))
    (home / ".dbt").mkdir(parents=True)
    (home / ".dbt" / "profiles.yml").write_text(yaml.safe_dump(_duckdb_profile(str(tmp_path / "home.duckdb"), 5)))
    monkeypatch.setenv("HOME", str(home))
    # DBT_PROFILES_DIR is --profiles-dir's environment variable: the CLI reads it, not the library
    monkeypatch.setenv("DBT_PROFILES_DIR", str(project))
    # dbt Core: the working directory (tmp_path, no profiles.yml here), then ~/.dbt; never the project directory
    assert profiles_dir(ProjectSettings(project_dir=project)) == home / ".dbt"
    assert load_target(ProjectSettings(project_dir=project)).threads == 5
    monkeypatch.chdir(project)
    assert profiles_dir(ProjectSettings(project_dir=project)).resolve() == project.resolve()
    explicit = ProjectSettings(project_dir=project, profiles_dir=project, target="other")
    target = load_target(explicit)
    assert (target.target_name, target.threads) == ("other", 1)


def test_missing_profiles_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"No profiles\.yml") as info:
        load_target(ProjectSettings(project_dir=tmp_path, profiles_dir=tmp_path))
    assert "--profiles-dir" in info.value.remedy


def test_unknown_profile_and_target(tmp_path: Path) -> None:
    write_project(tmp_path, _duckdb_profile(str(tmp_path / "x.duckdb")))
    with pytest.raises(ConfigError, match="no profile named 'nope'"):
        load_target(ProjectSettings(project_dir=tmp_path, profile="nope"))
    with pytest.raises(ConfigError, match="missing_target"):
        load_target(ProjectSettings(project_dir=tmp_path, target="missing_target"))


def test_no_profile_name_anywhere(tmp_path: Path) -> None:
    (tmp_path / "profiles.yml").write_text(yaml.safe_dump(_duckdb_profile("x.duckdb")))
    with pytest.raises(ConfigError, match="No dbt profile name"):
        load_target(ProjectSettings(project_dir=tmp_path))


def test_adapter_not_installed(tmp_path: Path) -> None:
    write_project(tmp_path, {"crafted": {"target": "dev", "outputs": {"dev": {"type": "snowflakeish"}}}})
    with pytest.raises(WarehouseUnavailable, match="not installed") as info:
        load_target(ProjectSettings(project_dir=tmp_path))
    assert "pip install dbt-snowflakeish" in info.value.remedy


def test_invalid_credentials(tmp_path: Path) -> None:
    write_project(tmp_path, {"crafted": {"target": "dev", "outputs": {"dev": {"type": "postgres", "host": "x"}}}})
    with pytest.raises(ConfigError, match="invalid"):
        load_target(ProjectSettings(project_dir=tmp_path))


def test_unreachable_postgres_is_unavailable_without_leaking_password(tmp_path: Path) -> None:
    write_project(tmp_path, {"crafted": {"target": "dev", "outputs": {"dev": {
        "type": "postgres", "host": "127.0.0.1", "port": 1, "user": "u", "password": "hunter2-secret",
        "dbname": "d", "schema": "s", "threads": 1, "connect_timeout": 2, "retries": 0}}}})
    with pytest.raises(WarehouseUnavailable) as info:
        open_warehouse(ProjectSettings(project_dir=tmp_path))
    assert "hunter2-secret" not in str(info.value)
    assert info.value.remedy


def test_env_var_without_default_names_the_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SPYGLASS_TEST_UNSET", raising=False)
    write_project(tmp_path, _duckdb_profile("{{ env_var('SPYGLASS_TEST_UNSET') }}"))
    with pytest.raises(ConfigError, match="SPYGLASS_TEST_UNSET"):
        load_target(ProjectSettings(project_dir=tmp_path))


def test_env_var_values_render_natively_like_dbt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPYGLASS_TEST_PORT", "6543")
    monkeypatch.setenv("SPYGLASS_TEST_TARGET", "pg")
    write_project(tmp_path, {"crafted": {"target": "{{ env_var('SPYGLASS_TEST_TARGET') }}", "outputs": {"pg": {
        "type": "postgres", "host": "localhost", "port": "{{ env_var('SPYGLASS_TEST_PORT') | as_number }}",
        "user": "u", "password": "{{ env_var('SPYGLASS_TEST_NO_PW', '') }}", "dbname": "d", "schema": "s",
        "threads": "{{ 3 }}"}}}})
    target = load_target(ProjectSettings(project_dir=tmp_path))
    assert (target.target_name, target.adapter_type, target.threads) == ("pg", "postgres", 3)
    assert target.credentials.port == 6543
    assert target.credentials.password == ""


def test_invalid_target_never_echoes_the_password(tmp_path: Path) -> None:
    write_project(tmp_path, {"crafted": {"target": "dev", "outputs": {"dev": {
        "type": "postgres", "host": "h", "port": 5432, "user": "u", "password": 98765432123,
        "dbname": "d", "schema": "s"}}}})
    with pytest.raises(ConfigError) as info:
        load_target(ProjectSettings(project_dir=tmp_path))
    assert "98765432123" not in str(info.value)
    assert info.value.__cause__ is None
