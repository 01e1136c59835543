"""Pure comment logic: our note by marker and author, thread plans, counts, tracking status."""

from __future__ import annotations

from datetime import datetime, timezone

from spyglass.gitlab.comment import (
    SUMMARY_MARKER,
    check_marker,
    counts,
    discussion_body,
    find_summary_note,
    findings,
    summary_body,
    threads_with_records,
)
from spyglass.gitlab.models import Discussion, MergeRequest, Note, User
from spyglass.gitlab.sync import plan_threads
from spyglass.gitlab.tracking import TrackingStatus, tracking_status, view
from spyglass.store.models import TrackedMergeRequest
from tests.gitlab.conftest import make_state

ME = User(id=1, username="bot")
YOU = User(id=2, username="you")


def _note(id_: int, body: str, author: User = ME, *, resolved: bool | None = None) -> Note:
    return Note(id=id_, body=body, author=author, resolvable=resolved is not None, resolved=resolved)


def test_summary_note_needs_marker_and_our_author() -> None:
    notes = [_note(1, f"{SUMMARY_MARKER} quoted", YOU), _note(2, "hello"), _note(3, f"{SUMMARY_MARKER}\nA"),
             _note(4, f"{SUMMARY_MARKER}\nB")]
    assert find_summary_note(notes, ME.id) == notes[2]
    assert find_summary_note(notes[:2], ME.id) is None
    assert summary_body(make_state(set())).startswith(SUMMARY_MARKER + "\n# Spyglass summary")


def test_plan_creates_updates_resolves_and_reopens() -> None:
    found = {f.check_id: f for f in findings(make_state({"orders", "customers"}))}
    assert [f.mismatch for f in found.values()] == [True, True, False]
    passing = {f.check_id: f for f in findings(make_state(set()))}
    threads = [
        Discussion(id="a" * 40, notes=(_note(10, discussion_body(found["check-orders"], resolved=False),
                                             resolved=False),)),
        Discussion(id="b" * 40, notes=(_note(11, discussion_body(passing["check-customers"], resolved=True),
                                             resolved=True),)),
        Discussion(id="c" * 40, notes=(_note(12, check_marker("check-payments") + "\nold", YOU,
                                             resolved=False),)),
    ]
    mine = threads_with_records(threads, ME.id)
    assert sorted(mine) == ["check-customers", "check-orders"]

    plan = plan_threads(make_state({"orders", "customers"}), mine, lambda _: True)
    assert [(a.kind, a.finding.check_id, a.discussion_id, a.resolve) for a in plan.threads] == [
        ("update", "check-customers", "b" * 40, False)]
    plan = plan_threads(make_state(set()), mine, lambda _: True)
    assert [(a.kind, a.discussion_id, a.resolve) for a in plan.threads] == [("update", "a" * 40, True)]
    plan = plan_threads(make_state({"payments"}), mine, lambda _: True)
    assert [(a.kind, a.finding.check_id) for a in plan.threads] == [("update", "check-orders"),
                                                                    ("create", "check-payments")]


def test_counts_and_commit_status_text() -> None:
    tally = counts(make_state({"orders", "payments"}))
    assert (tally.description, tally.commit_state) == ("3 checks, 2 mismatches", "failed")
    assert counts(make_state(set(), names=("one",))).description == "1 check, 0 mismatches"
    assert counts(make_state(set())).commit_state == "success"


def _tracked(validated: str | None, note: int | None = None, summary: str | None = None) -> TrackedMergeRequest:
    now = datetime(2026, 11, 25, tzinfo=timezone.utc)
    return TrackedMergeRequest(project="p", iid=1, title="t", state="opened", head_sha=validated,
                               validated_sha=validated, validated_at=now if validated else None,
                               summary_note_id=note, summary_sha=summary, stale=False, updated_at=now)


def test_tracking_status() -> None:
    assert tracking_status("abc", None) is TrackingStatus.NOT_VALIDATED
    assert tracking_status("abc", _tracked(None)) is TrackingStatus.NOT_VALIDATED
    assert tracking_status("abc", _tracked("abc")) is TrackingStatus.VALIDATED
    assert tracking_status("def", _tracked("abc", 5, "abc")) is TrackingStatus.STALE
    assert tracking_status("abc", _tracked("abc", 5, "abc")) is TrackingStatus.SUMMARY_POSTED
    mr = MergeRequest(id=9, iid=1, project_id=3, title="t", state="opened", source_branch="f",
                      target_branch="main", sha="def0123456", web_url="https://g/p/-/merge_requests/1")
    row = view(mr, _tracked("abc0123456789", 5, "abc0123456789"))
    assert row.status_text == "stale (validated at abc01234, new commits since)"
    assert row.summary_url == "https://g/p/-/merge_requests/1#note_5"
