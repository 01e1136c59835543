"""Pure two-way planning: who changed what since the thread's record, and what both sides become."""

from __future__ import annotations

import pytest

from spyglass.gitlab.comment import discussion_body, findings, threads_with_records
from spyglass.gitlab.models import Discussion, Note, User
from spyglass.gitlab.sync import Approval, apply_approval, plan_threads
from spyglass.state.models import State
from tests.gitlab.conftest import make_state

ME = User(id=1, username="bot")
DEV = User(id=2, username="dev")
GUEST = User(id=3, username="guest")


def _state(decision: bool | None) -> State:
    """orders mismatching; Spyglass approved / un-approved it for this result, or decided nothing."""
    state = make_state({"orders"})
    if decision is None:
        return state
    digest = findings(state)[0].digest
    return apply_approval(state, Approval("check-orders", decision, digest, "Spyglass"))


def _thread(state: State, recorded: bool, resolved_by: User | None) -> Discussion:
    body = discussion_body(findings(state)[0], resolved=recorded)
    note = Note(id=10, body=body, author=ME, resolvable=True, resolved=resolved_by is not None,
                resolved_by=resolved_by)
    return Discussion(id="a" * 40, notes=(note,))


@pytest.mark.parametrize(("decision", "recorded", "resolver", "resolved", "approved"), [
    (None, False, None, False, None),       # nothing happened
    (None, False, DEV, True, True),         # resolved in GitLab: approves
    (None, True, DEV, True, True),          # a fresh run adopts an earlier resolution
    (None, False, GUEST, False, None),      # resolved by someone below Developer: re-opened
    (True, True, None, False, False),       # re-opened in GitLab: un-approves
    (True, False, None, True, None),        # approved in Spyglass: resolves
    (False, True, DEV, False, None),        # un-approved in Spyglass: re-opens
    (True, True, DEV, True, None),          # in step
])
def test_who_changed_wins(decision: bool | None, recorded: bool, resolver: User | None, resolved: bool,
                          approved: bool | None) -> None:
    state = _state(decision)
    thread = _thread(state, recorded, resolver)
    plan = plan_threads(state, threads_with_records([thread], ME.id), lambda uid: uid == DEV.id)
    target = plan.threads[0].resolve if plan.threads else thread.resolved
    assert target is resolved
    assert [a.approved for a in plan.approvals] == ([] if approved is None else [approved])
    if plan.threads:
        assert f"resolved={int(resolved)}" in plan.threads[0].body.splitlines()[0]


def test_a_thread_about_another_result_follows_spyglass_only() -> None:
    old = make_state({"orders"})
    thread = _thread(old, True, DEV)  # resolved for the old result
    new = apply_approval(make_state({"orders"}, added=3), Approval("check-orders", True, findings(old)[0].digest))
    plan = plan_threads(new, threads_with_records([thread], ME.id), lambda uid: True)
    assert [(t.resolve, t.resolved_now) for t in plan.threads] == [(False, True)]
    assert [(a.approved, a.digest) for a in plan.approvals] == [(False, findings(new)[0].digest)]
