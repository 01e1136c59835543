"""Versioned schema migrations of the Spyglass store.

``MIGRATIONS`` is append-only: never edit a released migration, add the next version. Each one runs
in its own transaction together with the row that records it in ``spyglass_schema_migrations``, so a
failed upgrade leaves the database at the last complete version. A database written by a newer
Spyglass (a version above the last one known here) is refused rather than guessed at.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from spyglass.exceptions import StoreError
from spyglass.store.backend import Backend, Transaction

VERSIONS_TABLE = "spyglass_schema_migrations"


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    #: portable statements (see :meth:`SqlDialect.render` for the ``{slots}``)
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "settings, secrets, GitLab connection, tracked merge requests", (
        "CREATE TABLE spyglass_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at TEXT NOT NULL)",
        "CREATE TABLE spyglass_secrets (name TEXT PRIMARY KEY, ciphertext {blob} NOT NULL, "
        "updated_at TEXT NOT NULL)",
        "CREATE TABLE spyglass_connection (id INTEGER PRIMARY KEY CHECK (id = 1), url TEXT NOT NULL, "
        "project TEXT NOT NULL, token_ciphertext {blob} NOT NULL, token_last4 TEXT NOT NULL, "
        "username TEXT, scopes TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)",
        "CREATE TABLE spyglass_merge_requests (project TEXT NOT NULL, iid BIGINT NOT NULL, "
        "title TEXT NOT NULL, state TEXT NOT NULL, head_sha TEXT, validated_sha TEXT, validated_at TEXT, "
        "summary_note_id BIGINT, summary_sha TEXT, stale INTEGER NOT NULL, updated_at TEXT NOT NULL, "
        "PRIMARY KEY (project, iid))",
    )),
    Migration(2, "validation history", (
        "CREATE TABLE spyglass_validations (id {serial_pk}, project TEXT NOT NULL, iid BIGINT NOT NULL, "
        "sha TEXT NOT NULL, checks INTEGER NOT NULL, mismatches INTEGER NOT NULL, errors INTEGER NOT NULL, "
        "validated_at TEXT NOT NULL)",
        "CREATE INDEX spyglass_validations_mr ON spyglass_validations (project, iid)",
    )),
    Migration(3, "webhook events with idempotency keys", (
        "CREATE TABLE spyglass_webhook_events (id {serial_pk}, idempotency_key TEXT UNIQUE, "
        "event TEXT NOT NULL, project TEXT NOT NULL, iid BIGINT, action TEXT, received_at TEXT NOT NULL)",
        "CREATE INDEX spyglass_webhook_events_project ON spyglass_webhook_events (project, id)",
        "CREATE INDEX spyglass_webhook_events_received ON spyglass_webhook_events (received_at)",
    )),
)

LATEST_VERSION = MIGRATIONS[-1].version

_CREATE_VERSIONS = (
    f"CREATE TABLE IF NOT EXISTS {VERSIONS_TABLE} "
    "(version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)"
)


def pending(current: int, migrations: Sequence[Migration]) -> list[Migration]:
    """The migrations above ``current``, in order; :class:`StoreError` if ``current`` is unknown here."""
    known = migrations[-1].version if migrations else 0
    if current > known:
        raise StoreError(
            f"The Spyglass store is at schema version {current}, newer than this Spyglass knows "
            f"({known}): it was written by a newer Spyglass.",
            remedy=(
                "Upgrade Spyglass (pip install -U spyglass), or point SPYGLASS_HOME / "
                "SPYGLASS_DATABASE_URL at another store."
            ),
        )
    return [m for m in migrations if m.version > current]


def current_version(tx: Transaction) -> int:
    """The highest applied version (0 for a new database)."""
    tx.execute(_CREATE_VERSIONS)
    row = tx.fetch_one(f"SELECT MAX(version) FROM {VERSIONS_TABLE}")
    return int(row[0]) if row is not None and row[0] is not None else 0


def migrate(
    backend: Backend,
    clock: Callable[[], datetime],
    migrations: Sequence[Migration] = MIGRATIONS,
) -> int:
    """Bring the database up to the last of ``migrations``; the version it is at afterwards."""
    with backend.transaction() as tx:
        version = current_version(tx)
        todo = pending(version, migrations)
    for migration in todo:
        with backend.transaction() as tx:
            version = current_version(tx)
            if version >= migration.version:
                continue  # another process applied it meanwhile
            for statement in migration.statements:
                tx.execute(statement)
            tx.execute(
                f"INSERT INTO {VERSIONS_TABLE} (version, description, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.description, clock().astimezone(timezone.utc).isoformat()),
            )
            version = migration.version
    return version
