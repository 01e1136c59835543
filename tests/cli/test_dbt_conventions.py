"""The CLI takes dbt's options as dbt does: DBT_* environment variables, dbt Core's profiles.yml lookup,
the project found from a subdirectory, and ``--vars``. Real dbt-duckdb profiles, the CLI in process.

Each profile target points at its own DuckDB file whose ``marker`` table names it, so the value a query
returns says which project, profiles.yml and target the command used.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
import yaml

from tests.cli.crafted_project import spyglass
from tests.fixtures.warehouses import write_project
from tests.project.manifest_builder import ManifestBuilder, write_pair

DBT_VARIABLES = [f"{prefix}_{name}" for prefix in ("DBT", "DBT_ENGINE")
                 for name in ("PROJECT_DIR", "PROFILES_DIR", "PROFILE", "TARGET", "TARGET_PATH")]


def _profiles(directory: Path, label: str) -> None:
    """``directory/profiles.yml`` with targets ``dev`` and ``other``, each a DuckDB file marked ``<label>-<target>``."""
    directory.mkdir(parents=True, exist_ok=True)
    outputs = {}
    for target in ("dev", "other"):
        path = directory / f"{label}-{target}.duckdb"
        with duckdb.connect(str(path)) as connection:
            connection.execute(f"create table marker as select '{label}-{target}' as v")
        outputs[target] = {"type": "duckdb", "path": str(path), "threads": 1}
    (directory / "profiles.yml").write_text(yaml.safe_dump({"crafted": {"target": "dev", "outputs": outputs}}))


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A dbt project with artifacts and its own profiles.yml ("project"), another profiles directory
    ("elsewhere"), ``~/.dbt`` ("home"), and a working directory that is none of them ("outside")."""
    for name in DBT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    project, elsewhere, home, outside = (tmp_path / name for name in ("project", "elsewhere", "home", "outside"))
    write_project(project, {})
    _profiles(project, "project")
    _profiles(elsewhere, "elsewhere")
    _profiles(home / ".dbt", "home")
    builder = ManifestBuilder("crafted")
    write_pair(project, builder, builder.copy())
    (project / "models").mkdir()
    outside.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(outside)
    return {"project": project, "elsewhere": elsewhere, "home": home, "outside": outside}


def _marker(capsys: pytest.CaptureFixture[str], *args: str | Path) -> str:
    """Which profile target ``spyglass query`` used (fails the test when the command fails)."""
    code, out, err = spyglass(capsys, "query", "select v from marker", "--json", *args)
    assert code == 0, err
    return str(json.loads(out)["result"]["table"]["rows"][0][0])


def test_dbt_environment_variables_and_flag_precedence(places: dict[str, Path], capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DBT_PROJECT_DIR", str(places["project"]))
    monkeypatch.setenv("DBT_PROFILES_DIR", str(places["elsewhere"]))
    monkeypatch.setenv("DBT_TARGET", "other")
    assert _marker(capsys) == "elsewhere-other"
    # the flag wins over its environment variable, as in dbt
    assert _marker(capsys, "--profiles-dir", places["project"], "--target", "dev") == "project-dev"
    monkeypatch.setenv("DBT_PROJECT_DIR", str(places["outside"]))  # no artifacts there
    assert _marker(capsys, "--project-dir", places["project"]) == "elsewhere-other"
    # dbt 1.11's DBT_ENGINE_ names come first
    monkeypatch.setenv("DBT_PROJECT_DIR", str(places["project"]))
    monkeypatch.setenv("DBT_ENGINE_TARGET", "dev")
    assert _marker(capsys) == "elsewhere-dev"
    monkeypatch.setenv("DBT_TARGET_PATH", "nowhere")
    code, _, err = spyglass(capsys, "query", "select 1", "--json")
    assert code == 2 and "nowhere" in err


def test_profiles_yml_is_found_like_dbt_core(places: dict[str, Path], capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # dbt Core reads the working directory's profiles.yml, else ~/.dbt's; never the project directory's
    assert _marker(capsys, "--project-dir", places["project"]) == "home-dev"
    monkeypatch.chdir(places["project"])
    assert _marker(capsys) == "project-dev"
    # from a subdirectory the project is the nearest parent with a dbt_project.yml (no profiles.yml here)
    monkeypatch.chdir(places["project"] / "models")
    assert _marker(capsys) == "home-dev"
    code, _, err = spyglass(capsys, "query", "select 1", "--project-dir", places["outside"] / "typo")
    assert code == 2 and "does not exist" in err


@pytest.mark.parametrize(("given", "problem"), [
    ("{x: [1", "is not valid YAML"),
    ("[1, 2]", "is not a YAML mapping"),
    ("", "is not a YAML mapping"),
])
def test_a_bad_vars_is_a_usage_error(places: dict[str, Path], capsys: pytest.CaptureFixture[str], given: str,
                                     problem: str) -> None:
    code, out, err = spyglass(capsys, "query", "select 1", "--project-dir", places["project"], "--vars", given)
    assert (code, out) == (2, "")
    assert "Invalid value for '--vars'" in err and problem in err
    assert "Traceback" not in err


def test_vars_reach_the_template(places: dict[str, Path], capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(places["project"])
    sql = "select {{ var('x') }} as x, '{{ var(\"day\") }}' as day, '{{ var(\"who\") }}' as who"
    for given in ("{x: 3, day: 2024-01-31, who: ann}", '{"x": 3, "day": "2024-01-31", "who": "ann"}'):
        code, out, err = spyglass(capsys, "query", sql, "--vars", given, "--json")
        assert code == 0, err
        assert json.loads(out)["result"]["table"]["rows"] == [[3, "2024-01-31", "ann"]]
    code, out, err = spyglass(capsys, "query-diff", "select {{ var('x') }} as x", "--base-sql", "select 4 as x",
                              "--vars", "{x: 3}", "--json")
    assert code == 0, err
    assert json.loads(out)["mismatch"] is True
