"""The Spyglass store: settings, the encrypted GitLab connection, tracked merge requests, validations
and webhook events. SQLite under ``SPYGLASS_HOME`` by default, PostgreSQL when
``SPYGLASS_DATABASE_URL`` says so. Safe to share between threads; every method is one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

from spyglass.exceptions import StoreError
from spyglass.store.backend import Backend, Transaction
from spyglass.store.home import spyglass_home
from spyglass.store.migrations import VERSIONS_TABLE, migrate
from spyglass.store.models import StoredConnection, TrackedMergeRequest, TrackingChange, Validation, WebhookEvent
from spyglass.store.rows import MR_COLUMNS, load_mr, mr_from_row, parse_time, save_mr, stamp, to_bytes, to_int
from spyglass.store.secrets import SecretBox

DATABASE_URL_ENV = "SPYGLASS_DATABASE_URL"
SQLITE_FILE_NAME = "spyglass.db"
WEBHOOK_SECRET = "gitlab_webhook_secret"
#: how long webhook deliveries (and so their idempotency keys) are kept
WEBHOOK_RETENTION = timedelta(days=30)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Store:
    """Facade over one backend. Build it with :meth:`open` once per process (a command, a server) and pass
    it to whatever needs it; close it (or use ``with``) when done. Opening reads the key, makes a
    connection pool and migrates the schema, so it is never done per request."""

    def __init__(self, backend: Backend, box: SecretBox, *, clock: Clock = utc_now) -> None:
        """Use ``backend`` as is (already migrated, see :meth:`open`) and ``box`` for secrets."""
        self._backend = backend
        self._box = box
        self._clock = clock

    @classmethod
    def open(cls, environ: Mapping[str, str], *, clock: Clock = utc_now) -> Store:
        """The store ``environ`` names: ``SPYGLASS_DATABASE_URL`` (``postgresql://...`` or
        ``sqlite:///path``), else SQLite at ``$SPYGLASS_HOME/spyglass.db``; upgraded to the current schema.

        The secret key comes from ``SPYGLASS_SECRET_KEY`` or ``$SPYGLASS_HOME/secret.key``.
        """
        home = spyglass_home(environ)
        box = SecretBox.from_environment(home, environ)
        backend = open_backend(environ.get(DATABASE_URL_ENV, "").strip(), home)
        try:
            migrate(backend, clock)
        except BaseException:
            backend.close()
            raise
        return cls(backend, box, clock=clock)

    @property
    def description(self) -> str:
        """Where the data lives, without any password (for status pages and logs)."""
        return self._backend.description

    def schema_version(self) -> int:
        """The schema version of the database (``LATEST_VERSION`` once opened)."""
        with self._backend.transaction(write=False) as tx:
            row = tx.fetch_one(f"SELECT MAX(version) FROM {VERSIONS_TABLE}")
        return 0 if row is None or row[0] is None else to_int(row[0])

    def close(self) -> None:
        """Close every database connection; the store is unusable afterwards."""
        self._backend.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    # -- GitLab connection ---------------------------------------------------------------------------

    def save_connection(
        self, url: str, project: str, token: str, *, user: str | None, scopes: Sequence[str],
        settings: Mapping[str, str | None] | None = None,
    ) -> StoredConnection:
        """Store (or replace) the one GitLab connection; the token is kept encrypted only. ``settings``
        (plain, never secret) are set, or deleted when None, in the same transaction: a rotated token and
        the end of its rotation are recorded together or not at all."""
        if not token:
            raise StoreError("Cannot store an empty GitLab token.", remedy="Provide the token to store.")
        _refuse_credentials_in(url)
        now = stamp(self._now())
        ciphertext = self._box.encrypt(token)
        with self._backend.transaction() as tx:
            for key, value in (settings or {}).items():
                _put_setting(tx, key, value, now)
            row = tx.fetch_one("SELECT created_at FROM spyglass_connection WHERE id = 1")
            created = str(row[0]) if row is not None else now
            tx.execute("DELETE FROM spyglass_connection WHERE id = 1")
            tx.execute(
                "INSERT INTO spyglass_connection (id, url, project, token_ciphertext, token_last4, "
                "username, scopes, created_at, updated_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)",
                (url, project, ciphertext, token[-4:], user, json.dumps(list(scopes)), created, now),
            )
        return StoredConnection(
            url=url, project=project, token_last4=token[-4:], user=user, scopes=tuple(scopes),
            created_at=parse_time(created), updated_at=parse_time(now),
        )

    def connection(self) -> StoredConnection | None:
        """The stored connection (without its token), or None."""
        with self._backend.transaction(write=False) as tx:
            row = tx.fetch_one(
                "SELECT url, project, token_last4, username, scopes, created_at, updated_at "
                "FROM spyglass_connection WHERE id = 1"
            )
        if row is None:
            return None
        url, project, last4, user, scopes, created, updated = row
        return StoredConnection(
            url=str(url), project=str(project), token_last4=str(last4),
            user=None if user is None else str(user), scopes=tuple(json.loads(str(scopes))),
            created_at=parse_time(created), updated_at=parse_time(updated),
        )

    def token(self) -> str | None:
        """The stored token in clear, for the HTTP client only; :class:`SecretStoreError` if the key
        changed."""
        with self._backend.transaction(write=False) as tx:
            row = tx.fetch_one("SELECT token_ciphertext FROM spyglass_connection WHERE id = 1")
        return None if row is None else self._box.decrypt(to_bytes(row[0]))

    def delete_connection(self) -> bool:
        """Forget the connection and its token; False when there was none. Works with a lost key."""
        with self._backend.transaction(serialized=False) as tx:
            return tx.execute("DELETE FROM spyglass_connection WHERE id = 1") > 0

    def claim_setting(self, key: str, value: str) -> bool:
        """Set ``key`` only if it is not set: False when it was (a marker two processes cannot both take)."""
        with self._backend.transaction(serialized=False) as tx:
            return tx.execute(
                "INSERT INTO spyglass_settings (key, value, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO NOTHING", (key, value, stamp(self._now()))) > 0

    def drop_connection_if(self, key: str, expected: str, value: str) -> bool:
        """Delete the connection and its token and set ``key`` to ``value``, in one transaction, only while
        ``key`` still holds ``expected``; False (nothing changed) otherwise."""
        with self._backend.transaction() as tx:
            row = tx.fetch_one("SELECT value FROM spyglass_settings WHERE key = ?", (key,))
            if row is None or str(row[0]) != expected:
                return False
            tx.execute("DELETE FROM spyglass_connection WHERE id = 1")
            _put_setting(tx, key, value, stamp(self._now()))
        return True

    @property
    def key_source(self) -> str:
        """Where the current secret key comes from (``SPYGLASS_SECRET_KEY`` or the key file's path)."""
        return self._box.source

    def reencrypt_secrets(self) -> int:
        """Encrypt every stored secret again with the current key (after a key rotation, once the old key
        is in ``SPYGLASS_SECRET_KEY_PREVIOUS``); the number of secrets rewritten. ``spyglass gitlab
        reencrypt`` runs it. One transaction: a secret no key can decrypt changes nothing."""
        with self._backend.transaction() as tx:
            row = tx.fetch_one("SELECT token_ciphertext FROM spyglass_connection WHERE id = 1")
            if row is not None:
                tx.execute("UPDATE spyglass_connection SET token_ciphertext = ? WHERE id = 1",
                           (self._box.rotate(to_bytes(row[0])),))
            named = tx.fetch_all("SELECT name, ciphertext FROM spyglass_secrets ORDER BY name")
            for name, ciphertext in named:
                tx.execute("UPDATE spyglass_secrets SET ciphertext = ? WHERE name = ?",
                           (self._box.rotate(to_bytes(ciphertext)), str(name)))
        return len(named) + (row is not None)

    # -- secrets and settings ------------------------------------------------------------------------

    def save_webhook_secret(self, secret: str) -> None:
        """Store (or replace) the GitLab webhook secret, encrypted."""
        self._save_secret(WEBHOOK_SECRET, secret)

    def webhook_secret(self) -> str | None:
        """The webhook secret in clear (to compare with ``X-Gitlab-Token``), or None."""
        return self._secret(WEBHOOK_SECRET)

    def delete_webhook_secret(self) -> bool:
        """Forget the webhook secret; False when there was none."""
        with self._backend.transaction(serialized=False) as tx:
            return tx.execute("DELETE FROM spyglass_secrets WHERE name = ?", (WEBHOOK_SECRET,)) > 0

    def get_setting(self, key: str) -> str | None:
        """A plain (non-secret) setting, or None."""
        with self._backend.transaction(write=False) as tx:
            row = tx.fetch_one("SELECT value FROM spyglass_settings WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    def set_setting(self, key: str, value: str) -> None:
        """Store a plain setting. Never put a secret here: use the encrypted methods."""
        with self._backend.transaction(serialized=False) as tx:
            _put_setting(tx, key, value, stamp(self._now()))

    def delete_setting(self, key: str) -> bool:
        """Remove a setting; False when it was not set."""
        with self._backend.transaction(serialized=False) as tx:
            return tx.execute("DELETE FROM spyglass_settings WHERE key = ?", (key,)) > 0

    # -- merge-request tracking (the decisions live in spyglass.gitlab.tracking) ---------------------

    def change_merge_request(self, project: str, iid: int, change: TrackingChange) -> TrackedMergeRequest:
        """Apply ``change`` to the MR's tracking row (None if never seen) and save what it returns, in one
        serialized transaction (a concurrent change waits, never interleaves)."""
        with self._backend.transaction() as tx:
            return _apply(tx, project, iid, change, self._now())

    def record_validation(
        self, project: str, iid: int, sha: str, *, checks: int, mismatches: int, errors: int,
        change: TrackingChange,
    ) -> Validation:
        """Add ``sha`` to the MR's validation history and apply ``change`` to its tracking row, in one
        transaction."""
        now = self._now()
        with self._backend.transaction() as tx:
            tx.execute(
                "INSERT INTO spyglass_validations (project, iid, sha, checks, mismatches, errors, "
                "validated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (project, iid, sha, checks, mismatches, errors, stamp(now)),
            )
            _apply(tx, project, iid, change, now)
        return Validation(
            project=project, iid=iid, sha=sha, checks=checks, mismatches=mismatches, errors=errors,
            validated_at=now,
        )

    def merge_request(self, project: str, iid: int) -> TrackedMergeRequest | None:
        """The tracking row of one MR, or None if never seen."""
        with self._backend.transaction(write=False) as tx:
            return load_mr(tx, project, iid)

    def tracked(self, project: str) -> dict[int, TrackedMergeRequest]:
        """Every tracked MR of ``project`` by iid."""
        with self._backend.transaction(write=False) as tx:
            rows = tx.fetch_all(
                f"SELECT {MR_COLUMNS} FROM spyglass_merge_requests WHERE project = ? ORDER BY iid",
                (project,),
            )
        return {mr.iid: mr for mr in map(mr_from_row, rows)}

    def validations(self, project: str, iid: int) -> list[Validation]:
        """The MR's validations, oldest first."""
        with self._backend.transaction(write=False) as tx:
            rows = tx.fetch_all(
                "SELECT project, iid, sha, checks, mismatches, errors, validated_at FROM spyglass_validations "
                "WHERE project = ? AND iid = ? ORDER BY id",
                (project, iid),
            )
        return [
            Validation(
                project=str(p), iid=to_int(i), sha=str(s), checks=to_int(c), mismatches=to_int(m), errors=to_int(e),
                validated_at=parse_time(at),
            )
            for p, i, s, c, m, e, at in rows
        ]

    # -- webhooks ------------------------------------------------------------------------------------

    def record_webhook_event(
        self, idempotency_key: str | None, *, event: str, project: str, iid: int | None, action: str | None
    ) -> bool:
        """Record a webhook delivery; False (nothing recorded) when ``idempotency_key`` was seen before.

        Deliveries without a key are always recorded. Deliveries older than ``WEBHOOK_RETENTION`` are
        forgotten on the way (GitLab stops retrying long before).
        """
        with self._backend.transaction(serialized=False) as tx:
            return _insert_webhook_event(tx, idempotency_key, event, project, iid, action, self._now())

    def receive_merge_request_event(
        self, idempotency_key: str | None, *, event: str, project: str, iid: int, action: str | None,
        change: TrackingChange,
    ) -> TrackedMergeRequest | None:
        """Record a Merge Request Hook delivery AND apply ``change`` to the MR's tracking, in one transaction.

        None (nothing changed) when ``idempotency_key`` was seen before. When anything fails, neither the
        delivery nor the tracking change is kept, so GitLab's retry of the same delivery is processed
        instead of being taken for a duplicate.
        """
        now = self._now()
        with self._backend.transaction() as tx:
            if not _insert_webhook_event(tx, idempotency_key, event, project, iid, action, now):
                return None
            return _apply(tx, project, iid, change, now)

    def webhook_events(self, project: str, *, limit: int = 50) -> list[WebhookEvent]:
        """The latest webhook deliveries for ``project``, newest first."""
        with self._backend.transaction(write=False) as tx:
            rows = tx.fetch_all(
                "SELECT idempotency_key, event, project, iid, action, received_at FROM spyglass_webhook_events "
                "WHERE project = ? ORDER BY id DESC LIMIT ?",
                (project, limit),
            )
        return [
            WebhookEvent(
                idempotency_key=None if key is None else str(key), event=str(ev), project=str(p),
                iid=None if i is None else to_int(i), action=None if a is None else str(a), received_at=parse_time(at),
            )
            for key, ev, p, i, a, at in rows
        ]

    # -- internals -----------------------------------------------------------------------------------

    def _now(self) -> datetime:
        return self._clock().astimezone(timezone.utc)

    def _save_secret(self, name: str, secret: str) -> None:
        ciphertext = self._box.encrypt(secret)
        with self._backend.transaction(serialized=False) as tx:
            tx.execute(
                "INSERT INTO spyglass_secrets (name, ciphertext, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET ciphertext = excluded.ciphertext, "
                "updated_at = excluded.updated_at",
                (name, ciphertext, stamp(self._now())),
            )

    def _secret(self, name: str) -> str | None:
        with self._backend.transaction(write=False) as tx:
            row = tx.fetch_one("SELECT ciphertext FROM spyglass_secrets WHERE name = ?", (name,))
        return None if row is None else self._box.decrypt(to_bytes(row[0]))


def _put_setting(tx: Transaction, key: str, value: str | None, now: str) -> None:
    """Set a plain setting inside ``tx`` (None: delete it)."""
    if value is None:
        tx.execute("DELETE FROM spyglass_settings WHERE key = ?", (key,))
        return
    tx.execute("INSERT INTO spyglass_settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) "
               "DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at", (key, value, now))


def _apply(tx: Transaction, project: str, iid: int, change: TrackingChange, now: datetime) -> TrackedMergeRequest:
    row = change(load_mr(tx, project, iid), now)
    if (row.project, row.iid) != (project, iid):
        raise ValueError(f"A tracking change of {project}!{iid} returned the row of {row.project}!{row.iid}.")
    save_mr(tx, row)
    return row


def _insert_webhook_event(
    tx: Transaction, key: str | None, event: str, project: str, iid: int | None, action: str | None, now: datetime
) -> bool:
    """Insert one delivery (forgetting those past ``WEBHOOK_RETENTION``); False when ``key`` was seen."""
    tx.execute("DELETE FROM spyglass_webhook_events WHERE received_at < ?", (stamp(now - WEBHOOK_RETENTION),))
    inserted = tx.execute(
        "INSERT INTO spyglass_webhook_events (idempotency_key, event, project, iid, action, "
        "received_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING",
        (key, event, project, iid, action, stamp(now)),
    )
    return inserted > 0


def open_backend(url: str, home: Path) -> Backend:
    """The backend for a ``SPYGLASS_DATABASE_URL`` value (empty: SQLite in ``home``)."""
    from spyglass.store.sqlite import SqliteBackend

    if not url:
        return SqliteBackend(home / SQLITE_FILE_NAME)
    scheme = urlsplit(url).scheme.lower()  # never echo the rest: it may hold a password
    if scheme in ("postgresql", "postgres"):
        from spyglass.store.postgres import PostgresBackend

        return PostgresBackend(url)
    if scheme == "sqlite" and url.startswith("sqlite:///"):
        return SqliteBackend(Path(url[len("sqlite:///"):]))
    raise StoreError(
        f"{DATABASE_URL_ENV} has an unsupported scheme {scheme!r}." if scheme
        else f"{DATABASE_URL_ENV} is not a database URL.",
        remedy=(
            f"Use postgresql://user@host:5432/dbname, sqlite:////absolute/path.db, or unset "
            f"{DATABASE_URL_ENV} to use SQLite in SPYGLASS_HOME."
        ),
    )


def _refuse_credentials_in(url: str) -> None:
    if urlsplit(url).password is not None:
        raise StoreError(
            "The GitLab URL contains a password; Spyglass stores URLs in clear.",
            remedy="Give the URL without user:password@ (the token authenticates).",
        )
