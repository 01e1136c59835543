"""Real failures inside the store's database, for tests of what a failed transaction leaves behind.

``failing_tracking(environ)`` installs a trigger (SQLite ``RAISE(ABORT)``, PostgreSQL ``RAISE EXCEPTION``)
that makes every write of a merge request's tracking row fail in the database itself, as a broken disk,
a full tablespace or a constraint would, and removes it on exit. Nothing in Spyglass is patched.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from spyglass.store.db import DATABASE_URL_ENV, open_backend
from spyglass.store.home import spyglass_home
from tests.fixtures.warehouses import PostgresServer

_TRIGGERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "sqlite": (
        ("CREATE TRIGGER spyglass_test_refuse BEFORE INSERT ON spyglass_merge_requests "
         "BEGIN SELECT RAISE(ABORT, 'injected failure'); END",),
        ("DROP TRIGGER spyglass_test_refuse",),
    ),
    "postgresql": (
        ("CREATE FUNCTION spyglass_test_refuse() RETURNS trigger LANGUAGE plpgsql AS "
         "$$ BEGIN RAISE EXCEPTION 'injected failure'; END $$",
         "CREATE TRIGGER spyglass_test_refuse BEFORE INSERT ON spyglass_merge_requests "
         "FOR EACH ROW EXECUTE FUNCTION spyglass_test_refuse()"),
        ("DROP TRIGGER spyglass_test_refuse ON spyglass_merge_requests", "DROP FUNCTION spyglass_test_refuse()"),
    ),
}


@contextmanager
def failing_tracking(environ: Mapping[str, str]) -> Iterator[None]:
    """Within the block, writing a tracked merge request fails in the (already migrated) store of ``environ``."""
    backend = open_backend(environ.get(DATABASE_URL_ENV, "").strip(), spyglass_home(environ))
    create, drop = _TRIGGERS[backend.dialect.name]
    try:
        with backend.transaction() as tx:
            for statement in create:
                tx.execute(statement)
        yield
    finally:
        with backend.transaction() as tx:
            for statement in drop:
                tx.execute(statement)
        backend.close()


def postgres_store_url(server: PostgresServer) -> str:
    """URL of a new, empty schema on the test PostgreSQL server (as a user sharing a database would)."""
    schema = f"store_{secrets.token_hex(6)}"
    server.admin_execute(f"CREATE SCHEMA {schema}")
    return (f"postgresql://{server.user}@{server.host}:{server.port}/{server.database}"
            f"?options=-csearch_path%3D{schema}")
