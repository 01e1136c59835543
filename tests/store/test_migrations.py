from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

import pytest

from spyglass.exceptions import StoreError
from spyglass.store import Store
from spyglass.store.backend import Backend
from spyglass.store.db import open_backend
from spyglass.store.migrations import LATEST_VERSION, MIGRATIONS, VERSIONS_TABLE, Migration, migrate, pending
from tests.store.changes import validated


def clock() -> datetime:
    return datetime(2026, 2, 3, 4, 5, 6, tzinfo=timezone.utc)


def backend_of(store_env: Mapping[str, str]) -> Backend:
    return open_backend(store_env.get("SPYGLASS_DATABASE_URL", ""), Path(store_env["SPYGLASS_HOME"]))


@pytest.fixture
def backend(store_env: Mapping[str, str]) -> Iterator[Backend]:
    opened = backend_of(store_env)
    yield opened
    opened.close()


def applied_versions(backend: Backend) -> list[int]:
    with backend.transaction(write=False) as tx:
        return [int(str(row[0])) for row in tx.fetch_all(f"SELECT version FROM {VERSIONS_TABLE} ORDER BY version")]


def test_versions_are_consecutive_from_one() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    assert MIGRATIONS[-1].version == LATEST_VERSION


def test_pending_lists_what_is_above_the_current_version() -> None:
    assert pending(0, MIGRATIONS) == list(MIGRATIONS)
    assert pending(1, MIGRATIONS) == list(MIGRATIONS[1:])
    assert pending(LATEST_VERSION, MIGRATIONS) == []


def test_an_empty_database_is_brought_to_the_latest_version(backend: Backend) -> None:
    assert migrate(backend, clock) == LATEST_VERSION

    assert applied_versions(backend) == [m.version for m in MIGRATIONS]
    assert migrate(backend, clock) == LATEST_VERSION  # a second run changes nothing
    assert applied_versions(backend) == [m.version for m in MIGRATIONS]


def test_an_older_database_is_upgraded_and_keeps_its_data(backend: Backend, store_env: Mapping[str, str]) -> None:
    assert migrate(backend, clock, MIGRATIONS[:1]) == 1
    with backend.transaction() as tx:
        tx.execute("INSERT INTO spyglass_settings (key, value, updated_at) VALUES (?, ?, ?)",
                   ("kept", "yes", clock().isoformat()))
        tx.execute(
            "INSERT INTO spyglass_merge_requests (project, iid, title, state, head_sha, validated_sha, "
            "validated_at, summary_note_id, summary_sha, stale, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ("g/p", 5, "old MR", "opened", "abc", None, None, None, None, 0, clock().isoformat()),
        )
    backend.close()

    with Store.open(store_env) as store:
        assert store.schema_version() == LATEST_VERSION
        assert store.get_setting("kept") == "yes"
        assert store.tracked("g/p")[5].title == "old MR"
        store.record_validation("g/p", 5, "abc", checks=2, mismatches=0, errors=0,  # a table of version 2
                                change=validated("g/p", 5, "abc"))
        assert store.record_webhook_event("k", event="e", project="g/p", iid=5, action="open")  # version 3

    with closing(backend_of(store_env)) as reopened:
        assert applied_versions(reopened) == [m.version for m in MIGRATIONS]


def test_a_database_from_a_newer_spyglass_is_refused(backend: Backend, store_env: Mapping[str, str]) -> None:
    migrate(backend, clock)
    with backend.transaction() as tx:
        tx.execute(f"INSERT INTO {VERSIONS_TABLE} (version, description, applied_at) VALUES (?, ?, ?)",
                   (LATEST_VERSION + 1, "from the future", clock().isoformat()))

    with pytest.raises(StoreError) as caught:
        Store.open(store_env)

    assert f"schema version {LATEST_VERSION + 1}" in caught.value.message
    assert "newer" in caught.value.message
    assert "Upgrade Spyglass" in caught.value.remedy


def test_a_failing_migration_leaves_the_last_complete_version(backend: Backend) -> None:
    broken = Migration(LATEST_VERSION + 1, "broken", (
        "CREATE TABLE spyglass_half_done (x INTEGER)",
        "THIS IS NOT SQL",
    ))

    with pytest.raises(StoreError) as caught:
        migrate(backend, clock, (*MIGRATIONS, broken))

    assert caught.value.remedy
    assert applied_versions(backend) == [m.version for m in MIGRATIONS]
    with pytest.raises(StoreError), backend.transaction(write=False) as tx:
        tx.fetch_all("SELECT x FROM spyglass_half_done")  # rolled back with its migration


@pytest.mark.parametrize("attempt", range(20))  # a race: about 1 attempt in 10 lost it before the fix
def test_stores_opened_at_once_migrate_exactly_once(store_env: Mapping[str, str], attempt: int) -> None:
    """Four stores opening a new database at once (SQLite: each switches the file to WAL, which SQLite
    does not wait for) all open, and the migrations run exactly once."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def open_store() -> None:
        barrier.wait()
        try:
            with Store.open(store_env) as store:
                store.set_setting("opened", "yes")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with closing(backend_of(store_env)) as backend:
        assert applied_versions(backend) == [m.version for m in MIGRATIONS]
