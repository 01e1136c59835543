"""A Spark ``session`` target keeps its files in the dbt project unless the profile says otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from spyglass.settings import ProjectSettings
from spyglass.warehouse.profiles import load_target
from spyglass.warehouse.spark import session_defaults
from tests.fixtures.warehouses import write_project

pytest.importorskip("pyspark")


def _load(project: Path, output: dict[str, Any]) -> dict[str, str]:
    write_project(project, {"crafted": {"target": "dev", "outputs": {"dev": output}}})
    target = load_target(ProjectSettings(project_dir=project, profiles_dir=project))
    assert target.adapter_type == "spark"
    parameters: dict[str, str] = target.credentials.server_side_parameters
    return parameters


def test_session_files_default_to_the_project_directory(tmp_path: Path) -> None:
    project = tmp_path / "project"
    parameters = _load(project, {"type": "spark", "method": "session", "host": "NA", "schema": "analytics"})
    assert parameters["spark.sql.warehouse.dir"] == str(project.resolve() / "spark-warehouse")
    assert parameters["spark.driver.extraJavaOptions"] == f"-Dderby.system.home={project.resolve()}"


def test_the_profile_s_own_settings_win(tmp_path: Path) -> None:
    mine = {"spark.sql.warehouse.dir": "/data/wh", "spark.driver.extraJavaOptions": "-Xss4m",
            "spark.sql.shuffle.partitions": "8"}
    parameters = _load(tmp_path / "p", {"type": "spark", "method": "session", "host": "NA", "schema": "s",
                                        "server_side_parameters": mine})
    assert parameters["spark.sql.warehouse.dir"] == "/data/wh"
    assert parameters["spark.sql.shuffle.partitions"] == "8"
    home = (tmp_path / "p").resolve()
    assert parameters["spark.driver.extraJavaOptions"] == f"-Xss4m -Dderby.system.home={home}"
    derby = {"spark.driver.extraJavaOptions": "-Dderby.system.home=/data/derby"}
    assert session_defaults({"method": "session", "server_side_parameters": derby}, home)[
        "server_side_parameters"]["spark.driver.extraJavaOptions"] == "-Dderby.system.home=/data/derby"


def test_remote_methods_are_left_alone(tmp_path: Path) -> None:
    thrift = {"type": "spark", "method": "thrift", "host": "spark.internal", "schema": "s"}
    assert session_defaults(thrift, tmp_path) == thrift
