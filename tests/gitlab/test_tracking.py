"""Merge-request tracking, in one place: the pure decisions case by case, then applied by a real store."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from spyglass.gitlab.tracking import (
    TrackingStatus,
    after_summary_note,
    after_upsert,
    after_validation,
    is_stale,
    posted,
    seen,
    tracking_status,
)
from spyglass.store import Store, TrackedMergeRequest

T0 = datetime(2026, 3, 1, tzinfo=timezone.utc)
T1 = T0 + timedelta(minutes=1)
T2 = T0 + timedelta(minutes=2)
PROJECT = "group/sub/project"


def _status(mr: TrackedMergeRequest) -> TrackingStatus:
    return tracking_status(mr.head_sha, mr)


def test_is_stale_only_when_a_validated_head_moved() -> None:
    assert is_stale("b", "a") is True
    assert is_stale("a", "a") is False
    assert is_stale(None, "a") is False  # head unknown: no claim
    assert is_stale("a", None) is False  # never validated: "not validated", not stale


def test_a_new_merge_request_is_not_validated() -> None:
    mr = after_upsert(None, "g/p", 1, title="t", state="opened", head_sha="a", now=T0)

    assert (_status(mr), mr.stale, mr.validated_sha, mr.updated_at) == (TrackingStatus.NOT_VALIDATED, False, None, T0)


def test_an_update_keeps_validation_facts_and_judges_staleness() -> None:
    validated = after_validation(
        after_upsert(None, "g/p", 1, title="t", state="opened", head_sha="a", now=T0), "g/p", 1, "a", now=T1)

    same = after_upsert(validated, "g/p", 1, title="t2", state="opened", head_sha="a", now=T2)
    moved = after_upsert(validated, "g/p", 1, title="t2", state="opened", head_sha="b", now=T2)
    unknown = after_upsert(validated, "g/p", 1, title="t2", state="closed", head_sha=None, now=T2)

    assert (same.stale, same.title, same.validated_at) == (False, "t2", T1)
    assert (moved.stale, _status(moved), moved.validated_sha) == (True, TrackingStatus.STALE, "a")
    assert (unknown.head_sha, unknown.state, unknown.stale) == ("a", "closed", False)


def test_a_summary_note_is_remembered_and_shown_while_fresh() -> None:
    validated = after_validation(None, "g/p", 2, "a", now=T0)

    noted = after_summary_note(validated, "g/p", 2, 99, "a", now=T1)
    pushed = after_upsert(noted, "g/p", 2, title="t", state="opened", head_sha="b", now=T2)

    assert (_status(noted), noted.summary_note_id, noted.summary_sha) == (TrackingStatus.SUMMARY_POSTED, 99, "a")
    assert _status(pushed) is TrackingStatus.STALE  # new commits outrank the old summary
    assert pushed.summary_note_id == 99  # the same note is updated in place by the next post


def test_a_summary_note_on_an_unseen_merge_request_tracks_it() -> None:
    mr = after_summary_note(None, "g/p", 3, 7, "c", now=T0)

    assert (mr.head_sha, mr.summary_note_id, mr.validated_sha) == ("c", 7, None)
    assert _status(mr) is TrackingStatus.NOT_VALIDATED


@pytest.fixture
def store() -> Iterator[Store]:
    """A real store (SQLite in the test's SPYGLASS_HOME)."""
    with Store.open(os.environ) as opened:
        yield opened


def test_tracking_through_a_merge_requests_life_in_the_store(store: Store) -> None:
    opened = store.change_merge_request(PROJECT, 7, seen(PROJECT, 7, title="Add orders", state="opened",
                                                           head_sha="aaa"))
    assert (_status(opened), opened.stale, opened.validated_sha) == (TrackingStatus.NOT_VALIDATED, False, None)

    same = seen(PROJECT, 7, title="Add orders", state="opened", head_sha="aaa")
    validation = store.record_validation(PROJECT, 7, "aaa", checks=7, mismatches=2, errors=0,
                                         change=posted(same, PROJECT, 7, "aaa", 123456))
    assert (validation.checks, validation.mismatches, validation.errors) == (7, 2, 0)
    assert _status(store.tracked(PROJECT)[7]) is TrackingStatus.SUMMARY_POSTED

    pushed = store.change_merge_request(PROJECT, 7, seen(PROJECT, 7, title="Add orders (v2)", state="opened",
                                                           head_sha="bbb"))
    assert (pushed.stale, _status(pushed), pushed.validated_sha, pushed.summary_note_id) == (
        True, TrackingStatus.STALE, "aaa", 123456)

    again = seen(PROJECT, 7, title="Add orders (v2)", state="opened", head_sha="bbb")
    store.record_validation(PROJECT, 7, "bbb", checks=7, mismatches=0, errors=0,
                            change=posted(again, PROJECT, 7, "bbb", 123456))
    merged = store.change_merge_request(PROJECT, 7, seen(PROJECT, 7, title="Add orders (v2)", state="merged",
                                                           head_sha=None))

    assert (merged.state, merged.head_sha, merged.stale, merged.summary_sha) == ("merged", "bbb", False, "bbb")
    assert [v.sha for v in store.validations(PROJECT, 7)] == ["aaa", "bbb"]
    assert store.merge_request(PROJECT, 7) == merged


def test_validating_an_older_sha_than_the_head_is_stale(store: Store) -> None:
    store.change_merge_request(PROJECT, 4, seen(PROJECT, 4, title="t", state="opened", head_sha="new"))
    stays = seen(PROJECT, 4, title="t", state="opened", head_sha=None)

    store.record_validation(PROJECT, 4, "old", checks=1, mismatches=0, errors=0,
                            change=posted(stays, PROJECT, 4, "old", 1))

    assert store.tracked(PROJECT)[4].stale is True
    assert _status(store.tracked(PROJECT)[4]) is TrackingStatus.STALE
