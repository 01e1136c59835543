"""Suite-wide fixtures. Heavy fixtures (dbt builds, PostgreSQL, fake GitLab) live in tests/fixtures/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest_plugins = [
    "tests.fixtures.spark",
    "tests.fixtures.warehouses",
    "tests.fixtures.demo",
    "tests.fixtures.gitlab_server",
    "tests.fixtures.stores",
]


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test reads or writes the developer's ~/.spyglass or GitLab settings."""
    monkeypatch.setenv("SPYGLASS_HOME", str(tmp_path / "spyglass-home"))
    for name in ("SPYGLASS_GITLAB_URL", "SPYGLASS_GITLAB_PROJECT", "SPYGLASS_GITLAB_TOKEN",
                 "SPYGLASS_SECRET_KEY", "SPYGLASS_AUTH_TOKEN", "SPYGLASS_DATABASE_URL",
                 "CI_SERVER_URL", "CI_PROJECT_ID", "CI_PROJECT_PATH", "CI_MERGE_REQUEST_IID"):
        monkeypatch.delenv(name, raising=False)
    yield
