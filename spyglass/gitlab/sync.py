"""Two-way threads: a Spyglass thread's resolution and a check's approval kept in step.

One thread per mismatched check (:mod:`spyglass.gitlab.comment`). Its marker line records what Spyglass
last wrote: the digest of the result it shows and whether Spyglass left it resolved. Against that record,
each sync tells who changed what since:

* GitLab: the thread's resolution differs from the record. Resolved (by someone with at least the
  Developer role, looked up with the members API) approves the check, for the result the thread shows;
  re-opened un-approves it. Resolved by anyone below Developer (an MR author may resolve threads on their
  own MR) is re-opened, saying why.
* Spyglass: its decision about the latest result (``approval_digest`` equals the result's digest) differs
  from the record: the thread is resolved or re-opened to match.
* Neither, and Spyglass has no decision about this result (a fresh ``spyglass run`` in CI): the thread's
  state stands, and a resolved thread approves the check.
* The result changed since the thread was written: its resolution was about another result, so it is
  re-opened (an approval of another result is withdrawn) unless Spyglass approved the new one.

A check that passes again gets "no longer mismatches" and is resolved once; a reviewer may re-open it.
The planning here is pure; :func:`sync_threads` does the reads and writes. Every write is idempotent
(PUT) or recovered by listing again (POST), so faults never create a second thread or reply.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from spyglass.exceptions import UsageError
from spyglass.gitlab.comment import Finding, ThreadRecord, discussion_body, findings, marker_id, name_key
from spyglass.gitlab.models import Discussion
from spyglass.state.models import State


@dataclass(frozen=True)
class Approval:
    """Set a check's approval: for the result with ``digest``, by ``by`` (words) when approved."""

    check_id: str
    approved: bool
    digest: str | None
    by: str | None = None


class Checklist(Protocol):
    """Where the checks live: a state file (CLI) or the server's workspace."""

    def state(self) -> State: ...

    def set_approval(self, approval: Approval) -> None: ...

    def rerun(self, check_id: str) -> str | None:
        """Queue a run of the check; its run id, or None when this process cannot run checks."""
        ...


class StateChecklist:
    """A state in memory (``spyglass gitlab post``): approvals change it; it cannot run checks."""

    def __init__(self, state: State) -> None:
        self._state = state
        self.changed = False

    def state(self) -> State:
        return self._state

    def set_approval(self, approval: Approval) -> None:
        self._state = apply_approval(self._state, approval)
        self.changed = True

    def rerun(self, check_id: str) -> str | None:
        return None


def approval_for(state: State, name: str, approved: bool, by: str) -> Approval:
    """Approve (or un-approve) the check named ``name`` (any case) for its latest result.

    Raises:
        UsageError: no check with a result has that name, or several do.
    """
    named = [f for f in findings(state) if f.name.strip().casefold() == name.strip().casefold()]
    if len(named) != 1:
        found = f"{len(named)} checks with a result are" if named else "No check with a result is"
        raise UsageError(f"{found} named {name!r}.",
                         remedy="Give the check's name as `spyglass run` printed it (rename duplicates first).")
    return Approval(named[0].check_id, approved, named[0].digest, by if approved else None)


def apply_approval(state: State, approval: Approval) -> State:
    """``state`` with the check's approval set (pure)."""
    update = {"approved": approval.approved, "approval_digest": approval.digest,
              "approved_by": approval.by if approval.approved else None}
    checks = [c.model_copy(update=update) if c.check_id == approval.check_id else c for c in state.checks]
    return state.model_copy(update={"checks": checks})


@dataclass(frozen=True)
class ThreadPlan:
    """One thread to write: ``create`` it, or ``update`` its first note; ``resolve`` its target state."""

    kind: str
    finding: Finding
    body: str
    resolve: bool
    discussion_id: str | None = None
    note_id: int | None = None
    body_changed: bool = True
    resolved_now: bool = False


@dataclass
class Plan:
    threads: list[ThreadPlan] = field(default_factory=list)
    approvals: list[Approval] = field(default_factory=list)


def decision(finding: Finding) -> bool | None:
    """Spyglass's decision about the latest result: approved, un-approved, or None (none recorded)."""
    if finding.approved and finding.approval_digest in (None, finding.digest):
        return True  # None: approved before approvals recorded digests (spyglass run keeps it per result)
    if not finding.approved and finding.approval_digest is not None and finding.approval_digest == finding.digest:
        return False
    return None


def match_threads(found: Sequence[Finding], mine: dict[str, tuple[Discussion, ThreadRecord]]
                   ) -> dict[str, tuple[Discussion, ThreadRecord]]:
    """Each finding's thread: by its marker, else (new check ids from a new run) the one other thread
    recording the same check name."""
    ids = {marker_id(f.check_id) for f in found}
    orphans: dict[str, list[tuple[Discussion, ThreadRecord]]] = {}
    for key, (thread, record) in mine.items():
        if key not in ids and record.name is not None:
            orphans.setdefault(record.name, []).append((thread, record))
    names = [name_key(f.name) for f in found]
    matched: dict[str, tuple[Discussion, ThreadRecord]] = {}
    for finding, name in zip(found, names, strict=True):
        hit = mine.get(marker_id(finding.check_id))
        if hit is None and names.count(name) == 1 and len(orphans.get(name, [])) == 1:
            hit = orphans[name][0]
        if hit is not None:
            matched[finding.check_id] = hit
    return matched


Allowed = Callable[[int], bool]


def _gitlab_side(thread: Discussion, allowed: Allowed) -> tuple[bool, str | None]:
    """The thread's resolution as an approval: (resolved, refused resolver's name)."""
    if not thread.resolved:
        return False, None
    resolver = thread.resolved_by
    if resolver is not None and allowed(resolver.id):
        return True, None
    return False, "@" + resolver.username if resolver else "someone"


def _target(finding: Finding, thread: Discussion, record: ThreadRecord,
            allowed: Allowed) -> tuple[bool, str | None, str | None]:
    """(resolved, approved by, refused resolver) for a mismatching check's existing thread."""
    spy = decision(finding)
    shown = record.result if not record.legacy else finding.digest
    if shown != finding.digest:  # the thread's resolution was about another result
        return spy is True, finding.approved_by, None
    was = record.resolved if not record.legacy else False
    if spy is not None and spy != was:  # Spyglass changed (if GitLab did too, they agree)
        return spy, finding.approved_by, None
    if thread.resolved == was and spy is not None:
        return spy, finding.approved_by, None
    resolved, refused = _gitlab_side(thread, allowed)  # GitLab changed, or Spyglass has no decision
    by = f"@{thread.resolved_by.username} in GitLab" if resolved and thread.resolved_by else None
    return resolved, by, refused


def plan_threads(state: State, mine: dict[str, tuple[Discussion, ThreadRecord]], allowed: Allowed) -> Plan:
    """What to write on GitLab and in Spyglass so threads and approvals agree (pure but for ``allowed``,
    which looks up a resolver's role)."""
    found = findings(state)
    matched = match_threads(found, mine)
    plan = Plan()
    for finding in found:
        hit = matched.get(finding.check_id)
        if not finding.mismatch:
            if hit is not None:
                _passing(plan, finding, hit[0])
            continue
        if hit is None:
            resolved, by, refused = decision(finding) is True, finding.approved_by, None
        else:
            resolved, by, refused = _target(finding, hit[0], hit[1], allowed)
        _approval(plan, finding, resolved, by)
        shown = replace(finding, approved_by=by)
        body = discussion_body(shown, resolved=resolved, refused=refused)
        if hit is None:
            plan.threads.append(ThreadPlan("create", finding, body, resolved))
            continue
        thread = hit[0]
        first = thread.first
        assert first is not None  # our threads have a first note
        if first.body != body or thread.resolved != resolved:
            plan.threads.append(ThreadPlan("update", finding, body, resolved, thread.id, first.id,
                                           body_changed=first.body != body, resolved_now=thread.resolved))
    return plan


def _approval(plan: Plan, finding: Finding, resolved: bool, by: str | None) -> None:
    if resolved and (not finding.approved or finding.approval_digest != finding.digest):
        plan.approvals.append(Approval(finding.check_id, True, finding.digest, by))
    elif not resolved and finding.approved:
        plan.approvals.append(Approval(finding.check_id, False, finding.digest))


def _passing(plan: Plan, finding: Finding, thread: Discussion) -> None:
    """A check that passes again: its thread says so and is resolved, once (a reviewer may re-open it)."""
    first = thread.first
    assert first is not None
    body = discussion_body(finding, resolved=True)
    if first.body != body:
        plan.threads.append(ThreadPlan("update", finding, body, True, thread.id, first.id,
                                       resolved_now=thread.resolved))
