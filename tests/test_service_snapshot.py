"""Session: the artifacts are one immutable snapshot, independent of the warehouse. While a real query runs
(DuckDB: a heavy cross join; PostgreSQL: pg_sleep), dbt rewrites the artifacts and the session reloads
them: the reload returns at once, readers answer meanwhile, the query finishes, and the next run sees the
new artifacts. A reload used to wait for every running query (and forever for an endless one)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from spyglass.checks.lineage_diff import LineageDiffParams, LineageDiffResult, LineageDiffSpec
from spyglass.checks.presets import PresetCheck
from spyglass.checks.query import QueryParams, QuerySpec
from spyglass.pipeline import checks_from_presets, run_all
from spyglass.project.models import Env
from spyglass.service import Session
from spyglass.settings import ProjectSettings
from spyglass.state.models import CheckRecord, RunRecord, RunStatus
from tests.cli.crafted_project import orders_project
from tests.fixtures.warehouses import Crafted
from tests.project.manifest_builder import ManifestBuilder, write_pair

#: a few seconds of real work in the warehouse, then an answer
SLOW_SQL = {"duckdb": "select count(*) as n from range(40000) a(x), range(40000) b(y) where a.x + b.y = -1",
            "postgres": "select pg_sleep(4) as slept"}
ORDERS = "select 1 as id"


def rewrite_artifacts(crafted: Crafted, project: Path, added: str) -> None:
    """What ``dbt build`` does on the merge request: the current side gains model ``added``."""
    crafted.create_model(added, None, "select 7 as id")
    base = ManifestBuilder("crafted", database=crafted.database, schema=crafted.schemas[Env.BASE])
    base.model("orders", sql=ORDERS, materialized="table")
    current = base.copy(schema=crafted.schemas[Env.CURRENT])
    current.model(added, sql="select 7 as id", materialized="table")
    write_pair(project, base, current)


class SlowRun:
    """A query check running on its own thread; ``wait_running()`` returns once it is in the warehouse."""

    def __init__(self, session: Session, sql: str) -> None:
        self._in_warehouse = threading.Event()
        self.records: list[RunRecord] = []
        self.thread = threading.Thread(target=self._run, args=(session, sql), daemon=True)
        self.thread.start()

    def _run(self, session: Session, sql: str) -> None:
        def progress(fraction: float, message: str) -> None:
            if message.startswith("Running the query"):
                self._in_warehouse.set()

        self.records.append(session.run_check(QuerySpec(params=QueryParams(sql_template=sql)), progress=progress))

    def wait_running(self) -> None:
        assert self._in_warehouse.wait(60), "the query never started"
        self.thread.join(0.3)  # it has handed the statement to the warehouse by now
        assert self.thread.is_alive(), "the query ended before the test could reload during it"

    def finished(self) -> RunRecord:
        self.thread.join(180)
        assert not self.thread.is_alive() and len(self.records) == 1
        return self.records[0]


@pytest.fixture
def project(crafted: Crafted, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Session, Path]]:
    directory = orders_project(crafted, monkeypatch, ORDERS, ORDERS)
    session = Session.load(ProjectSettings(project_dir=directory, profiles_dir=directory))
    try:
        yield session, directory
    finally:
        session.close()


def _within(seconds: float, call: Callable[[], object]) -> object:
    """``call()``'s answer, asserting it came while the slow query still ran and within ``seconds``."""
    done = threading.Event()
    answer: list[object] = []
    worker = threading.Thread(target=lambda: (answer.append(call()), done.set()), daemon=True)
    worker.start()
    assert done.wait(seconds), f"{call} waited for the running query"
    return answer[0]


@pytest.mark.slow
def test_a_reload_during_a_long_query_blocks_nobody(crafted: Crafted,
                                                     project: tuple[Session, Path]) -> None:
    session, directory = project
    slow = SlowRun(session, SLOW_SQL[crafted.engine])
    slow.wait_running()
    rewrite_artifacts(crafted, directory, "customers")

    assert _within(30, session.reload_if_changed) is True
    nodes = _within(30, lambda: session.artifacts.current.manifest.nodes)
    assert "model.crafted.customers" in nodes  # type: ignore[operator]
    assert _within(30, lambda: session.lineage.added) == {"model.crafted.customers"}
    info = _within(30, session.environment_info)
    assert crafted.schemas[Env.CURRENT] in info.current.schema_names  # type: ignore[attr-defined]
    assert [n.name for n in session.lineage_summary().nodes] == ["customers"]
    assert slow.thread.is_alive(), "the query should still be running: the reads above did not wait for it"

    record = slow.finished()
    assert record.status is RunStatus.SUCCESS, record.error
    after = session.run_check(QuerySpec(params=QueryParams(sql_template="select id from {{ ref('customers') }}")))
    assert after.status is RunStatus.SUCCESS, after.error
    assert after.result is not None and after.result.table.rows == ((7,),)  # type: ignore[union-attr]


def test_a_check_keeps_the_snapshot_it_started_with(crafted: Crafted, project: tuple[Session, Path]) -> None:
    session, directory = project
    started_with = session.snapshot
    rewrite_artifacts(crafted, directory, "customers")
    assert session.reload_if_changed()
    assert session.snapshot is not started_with
    assert "model.crafted.customers" not in started_with.artifacts.current.manifest.nodes  # never changed
    spec = QuerySpec(params=QueryParams(sql_template="select id from {{ ref('customers') }}"))
    old = session.run_check(spec, snapshot=started_with)
    assert old.status is RunStatus.FAILED and old.error is not None
    assert "ref('customers') does not name a node of the current manifest" in old.error.message
    assert session.run_check(spec).status is RunStatus.SUCCESS


@pytest.mark.slow
def test_spyglass_run_works_from_the_artifacts_it_started_with(crafted: Crafted,
                                                               project: tuple[Session, Path]) -> None:
    """Checks after the slow one, and the state's lineage, describe the artifacts the run began with."""
    session, directory = project
    presets = [PresetCheck(spec=QuerySpec(params=QueryParams(sql_template=SLOW_SQL[crafted.engine]))),
               PresetCheck(spec=LineageDiffSpec(params=LineageDiffParams()))]
    states = []
    first_started = threading.Event()

    def on_progress(index: int, total: int, check: CheckRecord, run: RunRecord | None) -> None:
        if index == 0 and run is None:
            first_started.set()

    runner = threading.Thread(target=lambda: states.append(run_all(
        session, checks_from_presets(presets), environ={}, on_progress=on_progress)), daemon=True)
    runner.start()
    assert first_started.wait(60)
    runner.join(0.5)  # the slow query is running now
    assert runner.is_alive(), "the slow query ended before the artifacts could change"
    rewrite_artifacts(crafted, directory, "customers")
    assert session.reload_if_changed()
    runner.join(180)
    state = states[0]
    assert [run.status for run in state.runs] == [RunStatus.SUCCESS, RunStatus.SUCCESS]
    lineage = state.runs[1].result
    assert isinstance(lineage, LineageDiffResult) and lineage.changed_nodes == ()
    assert state.lineage.nodes == []
    assert session.lineage.added == {"model.crafted.customers"}  # the session itself moved on
