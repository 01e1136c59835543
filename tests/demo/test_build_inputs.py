"""The builder's pure parts and its refusals (no dbt run needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from spyglass.cli.main import main
from spyglass.demo.build import (
    MARKER_FILE,
    PROFILE_NAME,
    build_demo,
    demo_settings,
    profiles_yaml,
)
from spyglass.demo.runner import DbtInvocation
from spyglass.exceptions import UsageError


def test_profiles_have_prod_and_dev_schemas_of_one_duckdb_file(tmp_path: Path) -> None:
    database = tmp_path / "a dir" / "demo.duckdb"
    profile = yaml.safe_load(profiles_yaml(database))[PROFILE_NAME]
    outputs = profile["outputs"]
    assert profile["target"] == "dev"
    assert {name: out["schema"] for name, out in outputs.items()} == {"prod": "prod", "dev": "dev"}
    assert {out["path"] for out in outputs.values()} == {str(database)}
    assert {out["threads"] for out in outputs.values()} == {2}
    assert {out["type"] for out in outputs.values()} == {"duckdb"}


def test_settings_point_at_both_targets_and_the_dev_profile(tmp_path: Path) -> None:
    settings = demo_settings(tmp_path)
    assert settings.base_dir == tmp_path / "target-base"
    assert settings.current_dir == tmp_path / "target"
    assert (settings.profiles_dir, settings.profile, settings.target) == (tmp_path, PROFILE_NAME, "dev")


def test_dbt_runs_without_telemetry_and_logs_inside_the_project(tmp_path: Path) -> None:
    args = DbtInvocation(project_dir=tmp_path, profiles_dir=tmp_path).arguments(["build"])
    assert args[0] == "build"
    assert "--no-send-anonymous-usage-stats" in args
    assert args[args.index("--log-path") + 1] == str(tmp_path / "logs")
    assert args[args.index("--log-level") + 1] == "none"
    verbose = DbtInvocation(project_dir=tmp_path, profiles_dir=tmp_path, verbose=True).arguments(["run"])
    assert verbose[verbose.index("--log-level") + 1] == "info"


def test_refuses_a_directory_it_did_not_create(tmp_path: Path) -> None:
    keep = tmp_path / "precious.txt"
    keep.write_text("mine")
    with pytest.raises(UsageError, match="not created by `spyglass demo`") as excinfo:
        build_demo(tmp_path, 100)
    assert excinfo.value.remedy
    assert keep.read_text() == "mine"
    assert not (tmp_path / MARKER_FILE).exists()


def test_refuses_a_file_as_directory(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(UsageError, match="is a file"):
        build_demo(target, 100)


def test_refuses_too_few_rows(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="at least 10"):
        build_demo(tmp_path / "demo", 3)
    assert not (tmp_path / "demo").exists()


def test_cli_refuses_a_foreign_directory_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(SystemExit) as excinfo:
        main(["demo", "--dir", str(tmp_path), "--no-serve"])
    assert excinfo.value.code == 2
    err = capsys.readouterr().err
    assert "not created by `spyglass demo`" in err
    assert "Pass --dir with a new or empty directory" in err
    assert (tmp_path / "notes.txt").read_text() == "mine"
