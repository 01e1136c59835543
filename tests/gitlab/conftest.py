"""Shared set-up for the GitLab tests: a fake GitLab with a realistic project, and state files."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import pytest

from spyglass.checks.schema_diff import (
    NodeSchemaDiff,
    SchemaColumn,
    SchemaDiffParams,
    SchemaDiffResult,
    SchemaDiffSpec,
)
from spyglass.gitlab.service import GitLabService
from spyglass.state.models import CheckRecord, RunRecord, RunStatus, State
from spyglass.store import Store
from spyglass.testing.gitlab import FakeGitLab
from spyglass.testing.gitlab_world import FakeMergeRequest, FakeProject, FakeUser

TODAY = date(2026, 11, 25)
PROJECT = "data/analytics/warehouse"


@dataclass
class Scenario:
    """A fake GitLab holding ``data/analytics/warehouse`` (a subgroup project) with one open MR."""

    fake: FakeGitLab
    project: FakeProject
    mr: FakeMergeRequest
    owner: FakeUser
    #: the Spyglass store of the test (SQLite in its SPYGLASS_HOME), as a command would open it
    store: Store
    sleeps: list[float] = field(default_factory=list)

    def user_token(self, username: str, level: int | None, scopes: tuple[str, ...] = ("api",), *,
                   expires_at: date | None = None, revoked: bool = False, bot: bool = False,
                   on_group: bool = True) -> str:
        """A new user with ``level`` on the project's top group (inherited) or on the project itself."""
        user = self.fake.world.add_user(username, bot=bot)
        if level is not None:
            self.fake.world.add_member("data" if on_group else PROJECT, user, level)
        return self.fake.world.add_token(user, scopes, expires_at=expires_at, revoked=revoked)

    def service(self, **environ: str) -> GitLabService:
        return GitLabService(self.store, {**os.environ, **environ}, sleep=self.sleeps.append, today=lambda: TODAY)


def build_scenario(fake: FakeGitLab, store: Store) -> Scenario:
    world = fake.world
    owner = world.add_user("olivia")
    world.add_member("data", owner, 50)
    project = world.add_project(PROJECT)
    mr = world.add_merge_request(project, owner, title="Rename customer columns", sha="a1" * 20)
    return Scenario(fake, project, mr, owner, store)


@pytest.fixture
def gitlab_store() -> Iterator[Store]:
    """The test's Spyglass store (SQLite in its SPYGLASS_HOME), closed after the test."""
    with Store.open(os.environ) as store:
        yield store


@pytest.fixture
def scenario(fake_gitlab: FakeGitLab, gitlab_store: Store) -> Scenario:
    fake_gitlab.today = TODAY
    return build_scenario(fake_gitlab, gitlab_store)


SCHEMA = SchemaDiffSpec(params=SchemaDiffParams())


def _schema_result(mismatch: bool, name: str, added: int) -> SchemaDiffResult:
    column = SchemaColumn(name="customer_id", type="INTEGER", index=1)
    new = tuple(SchemaColumn(name=f"email_{i}", type="VARCHAR", index=i + 2) for i in range(added))
    node = NodeSchemaDiff(unique_id=f"model.shop.{name}", name=name, resource_type="model",
                          status="modified", coverage="complete", added=new if mismatch else (),
                          base_columns=(column,), current_columns=(column,))
    return SchemaDiffResult(selection=name, nodes=(node,))


def make_state(mismatching: set[str], names: tuple[str, ...] = ("orders", "customers", "payments"), *,
               added: int = 1) -> State:
    """A state with one schema_diff check per name; those in ``mismatching`` gain ``added`` columns."""
    now = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
    checks, runs = [], []
    for i, name in enumerate(names):
        run = RunRecord(run_id=f"run-{name}", spec=SCHEMA, check_id=f"check-{name}",
                        status=RunStatus.SUCCESS, result=_schema_result(name in mismatching, name, added),
                        started_at=now, ended_at=now + timedelta(seconds=1))
        runs.append(run)
        checks.append(CheckRecord(check_id=f"check-{name}", name=f"Schema of {name}", spec=SCHEMA,
                                  last_run_id=run.run_id, created_at=now, updated_at=now + timedelta(i)))
    return State(spyglass_version="0.1.0", created_at=now, updated_at=now, checks=checks, runs=runs)
