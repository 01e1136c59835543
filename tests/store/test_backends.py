from __future__ import annotations

from pathlib import Path

import pytest

from spyglass.exceptions import StoreError
from spyglass.store import Store
from spyglass.store.backend import POSTGRES, SQLITE
from spyglass.store.db import open_backend
from spyglass.store.postgres import redact_url
from tests.fixtures.warehouses import PostgresServer


def test_sql_is_written_once_and_rendered_per_engine() -> None:
    sql = "CREATE TABLE t (id {serial_pk}, data {blob}); SELECT 1 WHERE a LIKE '5%' AND b = ?"

    assert SQLITE.render(sql) == (
        "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, data BLOB); SELECT 1 WHERE a LIKE '5%' AND b = ?")
    assert POSTGRES.render(sql) == (
        "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, data BYTEA); SELECT 1 WHERE a LIKE '5%%' AND b = %s")


def test_sqlite_url_puts_the_database_where_it_says(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "store.db"
    environ = {"SPYGLASS_HOME": str(tmp_path / "home"), "SPYGLASS_DATABASE_URL": f"sqlite:///{target}"}

    with Store.open(environ) as store:
        store.set_setting("k", "v")
        assert store.description == f"SQLite {target}"

    assert target.exists()
    assert not (tmp_path / "home" / "spyglass.db").exists()
    assert (tmp_path / "home" / "secret.key").exists()  # the key stays in the home, apart from the data


def test_unknown_database_url_scheme_is_refused_with_remedy(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as caught:
        open_backend("mysql://root:pw@localhost/spyglass", tmp_path)

    assert "'mysql'" in caught.value.message
    assert "postgresql://" in caught.value.remedy
    assert "pw" not in str(caught.value)


def test_redact_url_hides_only_the_password() -> None:
    assert redact_url("postgresql://spy:s3cret@db.internal:6543/spyglass?sslmode=require") == (
        "postgresql://spy:***@db.internal:6543/spyglass?sslmode=require")
    assert redact_url("postgresql://spy@db/spyglass") == "postgresql://spy@db/spyglass"


def test_unreachable_postgres_is_reported_without_the_password(tmp_path: Path, unused_port: int) -> None:
    url = f"postgresql://spy:TopSecretPw@127.0.0.1:{unused_port}/spyglass"
    environ = {"SPYGLASS_HOME": str(tmp_path / "home"), "SPYGLASS_DATABASE_URL": url}

    with pytest.raises(StoreError) as caught:
        Store.open(environ)

    assert "Cannot connect" in caught.value.message
    assert "TopSecretPw" not in str(caught.value)
    assert "127.0.0.1" in caught.value.message
    assert "SPYGLASS_DATABASE_URL" in caught.value.remedy


@pytest.mark.postgres
@pytest.mark.slow
def test_postgres_database_url_is_used(tmp_path: Path, store_postgres_database: str) -> None:
    environ = {"SPYGLASS_HOME": str(tmp_path / "home"), "SPYGLASS_DATABASE_URL": store_postgres_database}

    with Store.open(environ) as store:
        store.set_setting("backend.check", "postgres")
        assert store.description.startswith("PostgreSQL ")

    assert not (tmp_path / "home" / "spyglass.db").exists()
    with Store.open(environ) as store:
        assert store.get_setting("backend.check") == "postgres"


@pytest.mark.postgres
@pytest.mark.slow
def test_postgres_connections_dropped_by_the_server_are_replaced(
    tmp_path: Path, postgres_server: PostgresServer, store_postgres_database: str
) -> None:
    name = f"spyglass_store_{tmp_path.name[-20:]}"
    environ = {"SPYGLASS_HOME": str(tmp_path / "home"),
               "SPYGLASS_DATABASE_URL": f"{store_postgres_database}&application_name={name}"}
    terminate = f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{name}'"

    with Store.open(environ) as store:
        store.set_setting("before", "1")
        assert postgres_server.admin_execute(terminate) == [(True,)]

        assert store.get_setting("before") == "1"  # a read on a fresh connection

        assert postgres_server.admin_execute(terminate) == [(True,)]
        store.set_setting("after", "2")  # a write on a fresh connection
        assert store.get_setting("after") == "2"


@pytest.mark.postgres
@pytest.mark.slow
def test_postgres_user_without_create_rights_is_told_how_to_fix_it(
    tmp_path: Path, postgres_server: PostgresServer
) -> None:
    role = f"spy_{tmp_path.name[-12:].replace('-', '_').lower()}"
    postgres_server.admin_execute(f"CREATE ROLE {role} LOGIN; CREATE SCHEMA {role}_ro; "
                                  f"GRANT USAGE ON SCHEMA {role}_ro TO {role}")  # may read, not create
    server = postgres_server
    url = f"postgresql://{role}@{server.host}:{server.port}/{server.database}?options=-csearch_path%3D{role}_ro"
    environ = {"SPYGLASS_HOME": str(tmp_path / "home"), "SPYGLASS_DATABASE_URL": url}

    with pytest.raises(StoreError) as caught:
        Store.open(environ)

    assert "permission denied" in caught.value.message
    assert "GRANT CREATE ON SCHEMA" in caught.value.remedy


def test_a_database_url_without_scheme_is_refused_without_echoing_it(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as caught:
        open_backend("s3cr3t-not-a-url", tmp_path)

    assert "is not a database URL" in caught.value.message
    assert "s3cr3t" not in str(caught.value)
