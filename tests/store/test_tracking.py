"""The pure tracking decisions, case by case."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from spyglass.store.models import is_stale
from spyglass.store.tracking import after_summary_note, after_upsert, after_validation

T0 = datetime(2026, 3, 1, tzinfo=timezone.utc)
T1 = T0 + timedelta(minutes=1)
T2 = T0 + timedelta(minutes=2)


def test_is_stale_only_when_a_validated_head_moved() -> None:
    assert is_stale("b", "a") is True
    assert is_stale("a", "a") is False
    assert is_stale(None, "a") is False  # head unknown: no claim
    assert is_stale("a", None) is False  # never validated: "not validated", not stale


def test_a_new_merge_request_is_not_validated() -> None:
    mr = after_upsert(None, "g/p", 1, title="t", state="opened", head_sha="a", now=T0)

    assert (mr.status, mr.stale, mr.validated_sha, mr.updated_at) == ("not validated", False, None, T0)


def test_an_update_keeps_validation_facts_and_judges_staleness() -> None:
    validated = after_validation(
        after_upsert(None, "g/p", 1, title="t", state="opened", head_sha="a", now=T0), "g/p", 1, "a", now=T1)

    same = after_upsert(validated, "g/p", 1, title="t2", state="opened", head_sha="a", now=T2)
    moved = after_upsert(validated, "g/p", 1, title="t2", state="opened", head_sha="b", now=T2)
    unknown = after_upsert(validated, "g/p", 1, title="t2", state="closed", head_sha=None, now=T2)

    assert (same.stale, same.title, same.validated_at) == (False, "t2", T1)
    assert (moved.stale, moved.status, moved.validated_sha) == (True, "stale", "a")
    assert (unknown.head_sha, unknown.state, unknown.stale) == ("a", "closed", False)


def test_a_summary_note_is_remembered_and_shown_while_fresh() -> None:
    validated = after_validation(None, "g/p", 2, "a", now=T0)

    posted = after_summary_note(validated, "g/p", 2, 99, "a", now=T1)
    pushed = after_upsert(posted, "g/p", 2, title="t", state="opened", head_sha="b", now=T2)

    assert (posted.status, posted.summary_note_id, posted.summary_sha) == ("summary posted", 99, "a")
    assert pushed.status == "stale"  # new commits outrank the old summary
    assert pushed.summary_note_id == 99  # the same note is updated in place by the next post


def test_a_summary_note_on_an_unseen_merge_request_tracks_it() -> None:
    mr = after_summary_note(None, "g/p", 3, 7, "c", now=T0)

    assert (mr.head_sha, mr.summary_note_id, mr.validated_sha, mr.status) == ("c", 7, None, "not validated")
