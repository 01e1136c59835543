"""A webhook delivery and the tracking change it causes are one transaction (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from spyglass.exceptions import StoreError
from spyglass.store import Store, TrackedMergeRequest
from tests.store.changes import seen
from tests.store.faults import failing_tracking

PROJECT = "group/sub/project"


def _deliver(store: Store, key: str | None, *, head: str = "a" * 40,
             state: str = "opened") -> TrackedMergeRequest | None:
    return store.receive_merge_request_event(key, event="Merge Request Hook", project=PROJECT, iid=7,
                                             action="update", change=seen(PROJECT, 7, title="Change revenue",
                                                                          state=state, head_sha=head))


def test_a_delivery_is_recorded_with_its_tracking_change_and_only_once(store: Store) -> None:
    first = _deliver(store, "delivery-1")
    again = _deliver(store, "delivery-1", head="b" * 40, state="merged")

    assert first is not None and (first.iid, first.head_sha, first.state) == (7, "a" * 40, "opened")
    assert again is None  # the same delivery: nothing changes
    tracked = store.merge_request(PROJECT, 7)
    assert tracked is not None and (tracked.head_sha, tracked.state) == ("a" * 40, "opened")
    assert [e.idempotency_key for e in store.webhook_events(PROJECT)] == ["delivery-1"]
    assert _deliver(store, None) is not None and _deliver(store, None) is not None  # no key: always applied


def test_a_delivery_whose_work_fails_is_not_remembered_so_the_retry_is_processed(
        store: Store, store_env: Mapping[str, str]) -> None:
    with failing_tracking(store_env), pytest.raises(StoreError) as caught:
        _deliver(store, "delivery-1")

    assert "injected failure" in caught.value.message and caught.value.remedy
    assert store.webhook_events(PROJECT) == []  # the key went with the failed work
    assert store.merge_request(PROJECT, 7) is None

    retried = _deliver(store, "delivery-1")

    assert retried is not None and retried.head_sha == "a" * 40
    tracked = store.merge_request(PROJECT, 7)
    assert tracked is not None and tracked.title == "Change revenue"
    assert [e.idempotency_key for e in store.webhook_events(PROJECT)] == ["delivery-1"]
    assert _deliver(store, "delivery-1") is None  # and now it is a duplicate
