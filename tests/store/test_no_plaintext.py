"""Nothing the store writes under SPYGLASS_HOME may contain a secret in clear (issue 4)."""

from __future__ import annotations

import stat
from collections.abc import Mapping
from pathlib import Path

from spyglass.store import Store
from spyglass.store.db import open_backend
from tests.store.changes import seen

TABLES = ("spyglass_connection", "spyglass_secrets", "spyglass_settings", "spyglass_merge_requests",
          "spyglass_validations", "spyglass_webhook_events", "spyglass_schema_migrations")

TOKEN = "glpat-NeverOnDisk-0123456789"
WEBHOOK_SECRET = "whsec-NeverOnDiskEither-42"


def files_containing(home: Path, secret: str) -> list[str]:
    needles = (secret.encode("utf-8"), secret.encode("utf-16-le"))
    return sorted(
        str(path.relative_to(home))
        for path in home.rglob("*")
        if path.is_file() and any(needle in path.read_bytes() for needle in needles)
    )


def exercise(store: Store) -> None:
    for round_ in range(3):
        store.save_connection("https://gitlab.example.com", "g/p", TOKEN, user="bot", scopes=["api"])
        store.save_webhook_secret(WEBHOOK_SECRET)
        assert store.token() == TOKEN
        assert store.webhook_secret() == WEBHOOK_SECRET
        store.change_merge_request("g/p", round_, seen("g/p", round_, title="t", state="opened", head_sha="abc"))
        store.record_webhook_event(f"key-{round_}", event="Merge Request Hook", project="g/p", iid=round_,
                                   action="open")


def test_no_secret_bytes_in_any_file_under_home(store_env: Mapping[str, str]) -> None:
    home = Path(store_env["SPYGLASS_HOME"])
    with Store.open(store_env) as store:
        exercise(store)
        if "SPYGLASS_DATABASE_URL" not in store_env:
            assert (home / "spyglass.db-wal").exists()  # the write-ahead log is part of the scan
        assert files_containing(home, TOKEN) == []
        assert files_containing(home, WEBHOOK_SECRET) == []
        store.delete_connection()

    assert files_containing(home, TOKEN) == []
    assert files_containing(home, WEBHOOK_SECRET) == []
    assert (home / "secret.key").exists()


def test_no_secret_in_any_stored_row(store_env: Mapping[str, str]) -> None:
    """Also what a PostgreSQL dump would show: every row of every Spyglass table, as text."""
    with Store.open(store_env) as store:
        exercise(store)
    backend = open_backend(store_env.get("SPYGLASS_DATABASE_URL", ""), Path(store_env["SPYGLASS_HOME"]))
    try:
        with backend.transaction(write=False) as tx:
            dumped = repr([tx.fetch_all(f"SELECT * FROM {table}") for table in TABLES])
    finally:
        backend.close()

    assert "glpat-" not in dumped and "NeverOnDisk" not in dumped
    assert "gitlab.example.com" in dumped  # the scan did read the stored rows


def test_every_file_of_the_store_is_private(tmp_path: Path) -> None:
    environ = {"SPYGLASS_HOME": str(tmp_path / "home")}
    with Store.open(environ) as store:
        exercise(store)
        files = [p for p in (tmp_path / "home").iterdir() if p.is_file()]

        assert {p.name for p in files} >= {"secret.key", "spyglass.db", "spyglass.db-wal", "spyglass.db-shm"}
        assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in files} == {p.name: 0o600 for p in files}
    assert stat.S_IMODE((tmp_path / "home").stat().st_mode) == 0o700
