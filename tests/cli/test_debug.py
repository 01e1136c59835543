"""``spyglass debug`` against a real built demo project and against broken setups."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from spyglass.cli.debug import debug_command
from spyglass.demo import DemoPaths
from tests.fixtures.warehouses import write_project


def _debug(argv: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(debug_command, argv, catch_exceptions=False)
    return result.exit_code, result.output


def _demo_args(demo: DemoPaths, **overrides: str) -> list[str]:
    s = demo.settings
    args = {"--project-dir": str(s.project_dir), "--profiles-dir": str(s.profiles_dir),
            "--profile": str(s.profile), "--target": str(s.target)}
    args.update(overrides)
    return [part for pair in args.items() for part in pair]


@pytest.mark.slow
def test_debug_passes_on_the_built_demo(demo_build: DemoPaths) -> None:
    code, out = _debug(_demo_args(demo_build))
    assert code == 0, out
    for name in ("Base manifest", "Current manifest", "Base catalog", "Current catalog", "Profile", "Connection"):
        assert f"pass  {name}:" in out
    assert "select 1" in out and "duckdb" in out
    assert "All checks passed." in out


@pytest.mark.slow
def test_debug_warns_on_missing_catalog_and_fails_on_missing_base(
    demo_build: DemoPaths, tmp_path: Path
) -> None:
    current = tmp_path / "current-no-catalog"
    current.mkdir()
    shutil.copy(demo_build.settings.current_dir / "manifest.json", current / "manifest.json")
    code, out = _debug(_demo_args(demo_build, **{"--target-path": str(current),
                                                  "--target-base-path": str(tmp_path / "nowhere")}))
    assert code == 2
    assert "warn  Current catalog" in out and "dbt docs generate" in out
    assert "fail  Base manifest" in out
    assert "fix: Run `dbt docs generate --target prod" in out
    assert "pass  Connection" in out
    assert "1 check(s) failed." in out


def test_debug_without_profile_or_artifacts_says_what_to_fix(
    tmp_path: Path,
) -> None:
    code, out = _debug(["--project-dir", str(tmp_path), "--profiles-dir", str(tmp_path)])
    assert code == 2
    assert "fail  Base manifest" in out and "fail  Current manifest" in out
    assert "fail  Profile" in out and "No profiles.yml" in out and "--profiles-dir" in out
    assert "Connection" not in out


def test_debug_reports_a_failing_connection(tmp_path: Path) -> None:
    write_project(tmp_path, {"crafted": {"target": "dev", "outputs": {"dev": {
        "type": "postgres", "host": "127.0.0.1", "port": 1, "user": "u", "password": "pw-not-shown",
        "dbname": "d", "schema": "s", "threads": 1, "connect_timeout": 2, "retries": 0}}}})
    code, out = _debug(["--project-dir", str(tmp_path), "--profiles-dir", str(tmp_path)])
    assert code == 2
    assert "pass  Profile" in out and "'crafted'" in out
    assert "fail  Connection" in out and "fix: Check the target's connection settings" in out
    assert "pw-not-shown" not in out


def test_debug_reports_an_invalid_target(tmp_path: Path) -> None:
    write_project(tmp_path, {"crafted": {"target": "dev", "outputs": {"dev": {"type": "duckdb", "path": "x"}}}})
    (tmp_path / "profiles.yml").write_text(yaml.safe_dump({"crafted": {"outputs": {}}}))
    code, out = _debug(["--project-dir", str(tmp_path), "--profiles-dir", str(tmp_path), "--target", "prod"])
    assert code == 2
    assert "fail  Profile" in out and "prod" in out


def test_debug_exit_code_through_the_console_script(tmp_path: Path) -> None:
    completed = subprocess.run([sys.executable, "-m", "spyglass", "debug", "--project-dir", str(tmp_path),
                                "--profiles-dir", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 2, completed.stdout + completed.stderr
    assert "fail  Profile" in completed.stdout
