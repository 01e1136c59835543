"""The summary posted on a merge request never carries the runner's absolute paths."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from spyglass.gitlab.comment import summary_body
from spyglass.report.markdown import render_summary
from spyglass.service import project_relative
from spyglass.state.models import EnvironmentInfo, EnvSide, State
from spyglass.state.store import new_state

T0 = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
RUNNER = "/builds/data/analytics/warehouse"


def _state(base: str, current: str) -> State:
    env = EnvironmentInfo(base=EnvSide(target_path=base, dbt_version="1.11.0"),
                          current=EnvSide(target_path=current, dbt_version="1.11.0"))
    return new_state(T0).model_copy(update={"environment": env})


def _artifacts_row(markdown: str) -> str:
    return next(line for line in markdown.splitlines() if line.startswith("| Artifacts |"))


@pytest.mark.parametrize(("base", "current", "shown"), [
    (f"{RUNNER}/target-base", f"{RUNNER}/target", "| Artifacts | target-base | target |"),
    ("/home/ci/.cache/base-artifacts/", "/tmp/run-1/target", "| Artifacts | base-artifacts | target |"),
    (r"C:\Users\runner\work\target-base", r"D:\a\target", "| Artifacts | target-base | target |"),
    ("~/project/target-base", "target", "| Artifacts | target-base | target |"),
    ("target-base", "build/target", "| Artifacts | target-base | build/target |"),
])
def test_absolute_target_paths_are_shown_by_their_name(base: str, current: str, shown: str) -> None:
    state = _state(base, current)
    for text in (render_summary(state), summary_body(state)):
        assert _artifacts_row(text) == shown
        assert RUNNER not in text and "/home/ci" not in text and "Users" not in text and "/tmp/" not in text
        assert not re.search(r"\| (/|~|[A-Z]:\\)", text)


def test_paths_are_stored_relative_to_the_project(tmp_path: Path) -> None:
    project = tmp_path / "shop"
    (project / "target-base").mkdir(parents=True)
    outside = tmp_path / "downloads" / "base-artifacts"
    outside.mkdir(parents=True)
    assert project_relative(project / "target-base", project_dir=project) == "target-base"
    assert project_relative(project / "nested" / "target", project_dir=project) == "nested/target"
    assert project_relative(outside, project_dir=project) == "base-artifacts"
    assert project_relative(project, project_dir=project) == "."
    # a relative project directory (dbt's default `.`) resolves against the working directory
    assert project_relative(Path.cwd() / "target", project_dir=Path(".")) == "target"
