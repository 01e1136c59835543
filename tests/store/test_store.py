from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.fernet import Fernet

from spyglass.exceptions import SecretStoreError, StoreError
from spyglass.store import Store, TrackedMergeRequest
from spyglass.store.db import WEBHOOK_RETENTION
from tests.store.changes import seen, validated

TOKEN = "glpat-StoreTestToken-9876"
PROJECT = "group/sub/project"


class FakeClock:
    """A deterministic clock: each reading is one second after the previous."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def test_connection_round_trip_keeps_the_token_out_of_the_record(store: Store) -> None:
    assert store.connection() is None
    assert store.token() is None

    saved = store.save_connection("https://host/gitlab", PROJECT, TOKEN, user="bot", scopes=["api", "read_user"])

    loaded = store.connection()
    assert loaded == saved
    assert (loaded.url, loaded.project, loaded.user, loaded.scopes) == (
        "https://host/gitlab", PROJECT, "bot", ("api", "read_user"))
    assert loaded.token_last4 == "9876"
    assert TOKEN not in loaded.model_dump_json()
    assert store.token() == TOKEN


def test_saving_again_replaces_the_connection_but_keeps_its_creation_time(store_env: Mapping[str, str]) -> None:
    with Store.open(store_env, clock=FakeClock()) as store:
        first = store.save_connection("https://gitlab.com", "a/b", "token-one-1111", user=None, scopes=[])
        second = store.save_connection("https://gitlab.com", "c/d", "token-two-2222", user="u", scopes=["read_api"])

        assert second.created_at == first.created_at
        assert second.updated_at > first.updated_at
        assert store.connection() == second
        assert store.token() == "token-two-2222"


def test_delete_connection_forgets_the_token(store: Store) -> None:
    store.save_connection("https://gitlab.com", PROJECT, TOKEN, user="bot", scopes=["api"])

    assert store.delete_connection() is True
    assert store.connection() is None
    assert store.token() is None
    assert store.delete_connection() is False


def test_empty_token_is_refused(store: Store) -> None:
    with pytest.raises(StoreError) as caught:
        store.save_connection("https://gitlab.com", PROJECT, "", user=None, scopes=[])
    assert caught.value.remedy
    assert store.connection() is None


def test_a_changed_key_is_reported_and_disconnect_still_works(store_env: Mapping[str, str]) -> None:
    with Store.open({**store_env, "SPYGLASS_SECRET_KEY": Fernet.generate_key().decode()}) as store:
        store.save_connection("https://gitlab.com", PROJECT, TOKEN, user="bot", scopes=["api"])
        store.save_webhook_secret("hook-secret")

    with Store.open({**store_env, "SPYGLASS_SECRET_KEY": Fernet.generate_key().decode()}) as store:
        assert store.connection() is not None  # the non-secret part stays readable
        with pytest.raises(SecretStoreError) as caught:
            store.token()
        assert TOKEN not in str(caught.value)
        with pytest.raises(SecretStoreError):
            store.webhook_secret()
        assert store.delete_connection() is True


def test_webhook_secret_round_trip(store: Store) -> None:
    assert store.webhook_secret() is None

    store.save_webhook_secret("first-secret")
    store.save_webhook_secret("second-secret")

    assert store.webhook_secret() == "second-secret"
    assert store.delete_webhook_secret() is True
    assert store.webhook_secret() is None
    assert store.delete_webhook_secret() is False


def test_settings(store: Store) -> None:
    assert store.get_setting("gitlab.default_branch") is None

    store.set_setting("gitlab.default_branch", "main")
    store.set_setting("gitlab.default_branch", "trunk")
    store.set_setting("ui.theme", "dark")

    assert store.get_setting("gitlab.default_branch") == "trunk"
    assert store.get_setting("ui.theme") == "dark"
    assert store.delete_setting("ui.theme") is True
    assert store.get_setting("ui.theme") is None
    assert store.delete_setting("ui.theme") is False


def test_a_change_sees_the_stored_row_and_what_it_returns_is_kept(store: Store) -> None:
    seen_rows: list[TrackedMergeRequest | None] = []

    def note(row: TrackedMergeRequest | None, now: datetime) -> TrackedMergeRequest:
        seen_rows.append(row)
        base = seen(PROJECT, 7, title="Add orders", state="opened", head_sha="aaa")(row, now)
        return base.model_copy(update={"summary_note_id": len(seen_rows), "summary_sha": "aaa", "stale": True})

    first = store.change_merge_request(PROJECT, 7, note)
    second = store.change_merge_request(PROJECT, 7, note)

    assert seen_rows == [None, first]
    assert (second.summary_note_id, second.summary_sha, second.stale) == (2, "aaa", True)
    assert store.merge_request(PROJECT, 7) == second == store.tracked(PROJECT)[7]


def test_a_validation_and_its_tracking_change_are_kept_together(store: Store) -> None:
    validation = store.record_validation(PROJECT, 7, "aaa", checks=7, mismatches=2, errors=0,
                                         change=validated(PROJECT, 7, "aaa"))

    tracked = store.tracked(PROJECT)[7]
    assert (validation.checks, validation.mismatches, validation.errors) == (7, 2, 0)
    assert (tracked.head_sha, tracked.validated_sha, tracked.validated_at) == ("aaa", "aaa", validation.validated_at)

    def refuse(row: TrackedMergeRequest | None, now: datetime) -> TrackedMergeRequest:
        raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        store.record_validation(PROJECT, 7, "bbb", checks=1, mismatches=0, errors=0, change=refuse)
    assert [v.sha for v in store.validations(PROJECT, 7)] == ["aaa"]  # the history row went with the change
    assert store.tracked(PROJECT)[7] == tracked


def test_tracked_is_per_project_and_keyed_by_iid(store: Store) -> None:
    for iid in (10, 2, 33):
        store.change_merge_request(PROJECT, iid, seen(PROJECT, iid, title=f"mr {iid}", state="opened", head_sha=None))
    store.change_merge_request("other/project", 2, seen("other/project", 2, title="elsewhere", state="opened",
                                                        head_sha="x"))

    tracked = store.tracked(PROJECT)

    assert list(tracked) == [2, 10, 33]
    assert tracked[2].title == "mr 2"
    assert store.tracked("other/project")[2].title == "elsewhere"
    assert store.tracked("nobody/nothing") == {}
    assert store.merge_request(PROJECT, 99) is None


def test_webhook_events_are_idempotent_on_their_key(store: Store) -> None:
    assert store.record_webhook_event("key-1", event="Merge Request Hook", project=PROJECT, iid=1, action="open")
    assert not store.record_webhook_event("key-1", event="Merge Request Hook", project=PROJECT, iid=1,
                                          action="open")
    assert store.record_webhook_event("key-2", event="Merge Request Hook", project=PROJECT, iid=1,
                                      action="update")
    assert store.record_webhook_event(None, event="Merge Request Hook", project=PROJECT, iid=1, action="merge")
    assert store.record_webhook_event(None, event="Merge Request Hook", project=PROJECT, iid=1, action="merge")

    events = store.webhook_events(PROJECT)
    assert [(e.idempotency_key, e.action) for e in events] == [
        (None, "merge"), (None, "merge"), ("key-2", "update"), ("key-1", "open")]
    assert [e.action for e in store.webhook_events(PROJECT, limit=1)] == ["merge"]
    assert store.webhook_events("other/project") == []


def test_a_closed_store_refuses_to_work(store_env: Mapping[str, str]) -> None:
    store = Store.open(store_env)
    store.close()

    with pytest.raises(StoreError) as caught:
        store.get_setting("anything")
    assert caught.value.remedy


def test_description_names_the_backend_without_secrets(store: Store, store_env: Mapping[str, str]) -> None:
    if "SPYGLASS_DATABASE_URL" in store_env:
        assert store.description.startswith("PostgreSQL postgresql://")
    else:
        assert store.description.startswith("SQLite ") and store.description.endswith("spyglass.db")


def test_a_gitlab_url_with_a_password_is_not_stored(store: Store) -> None:
    with pytest.raises(StoreError) as caught:
        store.save_connection("https://me:hunter2@gitlab.com", PROJECT, TOKEN, user=None, scopes=[])

    assert "hunter2" not in str(caught.value)
    assert "without user:password@" in caught.value.remedy
    assert store.connection() is None


def test_old_webhook_deliveries_are_forgotten_after_the_retention(store_env: Mapping[str, str]) -> None:
    clock = FakeClock()
    with Store.open(store_env, clock=clock) as store:
        assert store.record_webhook_event("old", event="Merge Request Hook", project=PROJECT, iid=1, action="open")
        clock.now += WEBHOOK_RETENTION - timedelta(minutes=1)
        assert not store.record_webhook_event("old", event="Merge Request Hook", project=PROJECT, iid=1,
                                              action="open")  # still within the retention
        clock.now += timedelta(minutes=2)
        assert store.record_webhook_event("new", event="Merge Request Hook", project=PROJECT, iid=1,
                                          action="update")

        assert [e.idempotency_key for e in store.webhook_events(PROJECT)] == ["new"]


def test_times_from_any_timezone_are_kept_as_the_same_instants(store_env: Mapping[str, str]) -> None:
    paris = timezone(timedelta(hours=2))
    clock = FakeClock()
    with Store.open(store_env, clock=lambda: clock.now) as store:
        clock.now = datetime(2026, 6, 1, 23, 30, tzinfo=paris)
        store.record_validation(PROJECT, 1, "a", checks=1, mismatches=0, errors=0, change=validated(PROJECT, 1, "a"))
        clock.now = datetime(2026, 6, 1, 22, 0, tzinfo=timezone.utc)
        store.record_validation(PROJECT, 1, "b", checks=1, mismatches=0, errors=0, change=validated(PROJECT, 1, "b"))

        first, second = store.validations(PROJECT, 1)
        tracked = store.tracked(PROJECT)[1]

    assert first.validated_at == datetime(2026, 6, 1, 21, 30, tzinfo=timezone.utc)
    assert first.validated_at.utcoffset() == timedelta(0)
    assert second.validated_at == tracked.validated_at == datetime(2026, 6, 1, 22, 0, tzinfo=timezone.utc)


def test_rotating_the_key_keeps_the_stored_secrets(store_env: Mapping[str, str]) -> None:
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with Store.open({**store_env, "SPYGLASS_SECRET_KEY": old_key}) as store:
        store.save_connection("https://gitlab.com", PROJECT, TOKEN, user="bot", scopes=["api"])
        store.save_webhook_secret("hook-secret")

    rotating = {**store_env, "SPYGLASS_SECRET_KEY": new_key, "SPYGLASS_SECRET_KEY_PREVIOUS": old_key}
    with Store.open(rotating) as store:
        assert store.token() == TOKEN  # still readable through the previous key
        assert store.reencrypt_secrets() == 2

    with Store.open({**store_env, "SPYGLASS_SECRET_KEY": new_key}) as store:
        assert store.token() == TOKEN
        assert store.webhook_secret() == "hook-secret"
    with Store.open({**store_env, "SPYGLASS_SECRET_KEY": old_key}) as store, pytest.raises(SecretStoreError):
        store.token()
