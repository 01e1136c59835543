"""Session: a failed warehouse connection is an error of the checks that need it, never "skipped"; it is
retried on the next use (a long-running server recovers when the database comes back); a run of many
checks connects once. Real DuckDB and PostgreSQL, made unreachable and then reachable again."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import socket
import socketserver
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from spyglass.checks.presets import PresetCheck
from spyglass.checks.registry import parse_spec
from spyglass.pipeline import checks_from_presets, run_all
from spyglass.service import Session
from spyglass.settings import ProjectSettings
from spyglass.state.models import RunStatus
from spyglass.warehouse.dbt import DbtWarehouse, open_warehouse
from tests.fixtures.ports import free_port
from tests.fixtures.warehouses import Crafted

ORDERS = "select * from (values (1, 'a'), (2, 'b')) as t(id, name)"


def _copy(source: socket.socket, target: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            target.sendall(data)
    with contextlib.suppress(OSError):
        target.shutdown(socket.SHUT_WR)


class _Pipe(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        assert isinstance(self.server, _Forwarder)
        with socket.create_connection(self.server.upstream) as upstream:
            back = threading.Thread(target=_copy, args=(upstream, self.request), daemon=True)
            back.start()
            _copy(self.request, upstream)
            back.join()


class _Forwarder(socketserver.ThreadingTCPServer):
    """A loopback port forwarding to the PostgreSQL server: the database at that port 'comes back'."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        super().__init__(("127.0.0.1", port), _Pipe)


@contextlib.contextmanager
def _reachable_at(port: int, crafted: Crafted) -> Iterator[None]:
    profiles = yaml.safe_load((crafted.project_dir / "profiles.yml").read_text())
    real = profiles["crafted"]["outputs"]["dev"]
    forwarder = _Forwarder(port, (str(real["host"]), int(real["port"])))
    thread = threading.Thread(target=forwarder.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        forwarder.shutdown()
        forwarder.server_close()


Appear = Callable[[], contextlib.AbstractContextManager[None]]


def _unreachable_settings(crafted: Crafted, tmp_path: Path) -> tuple[ProjectSettings, Appear]:
    """Settings whose profile points at a database that is not there yet, and how to make it appear."""
    profiles = yaml.safe_load((crafted.project_dir / "profiles.yml").read_text())
    output = profiles["crafted"]["outputs"]["dev"]
    port = free_port()  # PostgreSQL: nothing listens there yet, the connection is refused
    later = tmp_path / "mounted-later"  # DuckDB: the directory of the database file does not exist yet
    if crafted.engine == "postgres":
        output["port"] = port
    else:
        output["path"] = str(later / "crafted.duckdb")

    @contextlib.contextmanager
    def appear() -> Iterator[None]:
        if crafted.engine == "postgres":
            with _reachable_at(port, crafted):
                yield
        else:
            os.symlink(crafted.project_dir, later)  # the database file shows up at that path
            yield

    profiles_dir = tmp_path / "profiles"
    profiles_dir.mkdir()
    (profiles_dir / "profiles.yml").write_text(yaml.safe_dump(profiles))
    return dataclasses.replace(crafted.settings, profiles_dir=profiles_dir), appear


def test_a_failed_connect_is_retried_on_the_next_use(crafted: Crafted, tmp_path: Path) -> None:
    """One failed connect once made every later check of a long-running server 'skipped' for good."""
    crafted.create_model("orders", ORDERS, ORDERS)
    settings, appear = _unreachable_settings(crafted, tmp_path)
    session = Session(settings, crafted.pair(), open_warehouse=open_warehouse)
    try:
        first = session.run_check(parse_spec("row_count_diff", {"node_names": ["orders"]}))
        assert first.status is RunStatus.FAILED, first
        assert first.error is not None and first.error.kind == "WarehouseUnavailable"
        assert "select 1" in first.error.message and "database is running" in first.error.remedy
        assert session.run_check(parse_spec("row_count_diff", {"node_names": ["orders"]})).status is RunStatus.FAILED
        with appear():
            again = session.run_check(parse_spec("row_count_diff", {"node_names": ["orders"]}))
            assert again.status is RunStatus.SUCCESS, again.error
            assert again.result is not None and not again.result.mismatch
            session.close()
    finally:
        session.close()


def test_a_bug_in_a_check_is_a_failed_run_and_one_log_line(crafted: Crafted, tmp_path: Path,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    """Not a SpyglassError (a bug): recorded as a failed run by the session itself, where the CLI, the
    server's runner and `spyglass run` all run checks; the log says which check, never a traceback."""
    crafted.create_model("orders", ORDERS, ORDERS)

    def broken_opener(settings: ProjectSettings) -> DbtWarehouse:
        raise TypeError("a bug")

    session = Session(crafted.settings, crafted.pair(), open_warehouse=broken_opener)
    try:
        record = session.run_check(parse_spec("row_count_diff", {"node_names": ["orders"]}))
        assert record.status is RunStatus.FAILED
        assert record.error is not None and record.error.kind == "TypeError"
        assert record.error.message == "The check failed unexpectedly." and record.error.remedy
        assert session.run_check(parse_spec("lineage_diff", {})).status is RunStatus.SUCCESS  # the next one runs
    finally:
        session.close()
    failures = [r for r in caplog.records if "failed unexpectedly" in r.getMessage()]
    assert failures and all(r.exc_info is None and "row_count_diff" in r.getMessage() for r in failures)


def test_a_run_connects_once_for_all_its_checks(crafted: Crafted, tmp_path: Path) -> None:
    """An unreachable host must cost one connect attempt per run, not one per check."""
    crafted.create_model("orders", ORDERS, ORDERS)
    settings, _appear = _unreachable_settings(crafted, tmp_path)
    attempts: list[int] = []

    def counting_opener(settings: ProjectSettings) -> DbtWarehouse:
        attempts.append(1)
        return open_warehouse(settings)

    session = Session(settings, crafted.pair(), open_warehouse=counting_opener)
    presets = [PresetCheck(parse_spec("row_count_diff", {"node_names": ["orders"]})),
               PresetCheck(parse_spec("value_diff", {"model": "orders", "primary_key": "id"})),
               PresetCheck(parse_spec("query", {"sql_template": "select 1"})),
               PresetCheck(parse_spec("lineage_diff", {}))]
    state = run_all(session, checks_from_presets(presets), environ={})
    assert len(attempts) == 1
    statuses = [(run.spec.type, run.status, run.error.kind if run.error else None) for run in state.runs]
    assert statuses == [("row_count_diff", RunStatus.FAILED, "WarehouseUnavailable"),
                        ("value_diff", RunStatus.FAILED, "WarehouseUnavailable"),
                        ("query", RunStatus.FAILED, "WarehouseUnavailable"),
                        ("lineage_diff", RunStatus.SUCCESS, None)]
    lineage_only = run_all(session, checks_from_presets(presets[3:]), environ={})
    assert len(attempts) == 1  # no check needed the warehouse: no attempt at all
    assert lineage_only.runs[0].status is RunStatus.SUCCESS
