"""Thin I/O: one sync of a merge request's Spyglass threads with a checklist (:mod:`spyglass.gitlab.sync`).

Reads the threads first, answers the note commands (:mod:`spyglass.gitlab.commands`), applies approvals
to the checklist, then writes the threads. Resolving is an idempotent PUT (retried by the client); a
thread or reply whose POST lost its response is looked for again before it is written again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict

from spyglass.gitlab.api import GitLabApi
from spyglass.gitlab.commands import (
    DEVELOPER,
    REPLY_MARKER,
    Command,
    find_commands,
    reply_body,
    target,
    unknown_verb,
)
from spyglass.gitlab.comment import Finding, findings, marker_id, our_threads, threads_with_records
from spyglass.gitlab.errors import GitLabNotFound, GitLabResponseLost, GitLabUnavailable
from spyglass.gitlab.models import Discussion
from spyglass.gitlab.sync import Approval, Checklist, ThreadPlan, match_threads, plan_threads
from spyglass.markup.escape import md_code

WRITE_ATTEMPTS = 3


@dataclass
class SyncOutcome:
    """What one sync did: threads written, approvals changed (check names), commands answered."""

    created: int = 0
    updated: int = 0
    resolved: int = 0
    reopened: int = 0
    approved: list[str] = field(default_factory=list)
    unapproved: list[str] = field(default_factory=list)
    commands: int = 0
    reruns: list[str] = field(default_factory=list)


class SyncResult(BaseModel):
    """One sync of an MR's threads with the checklist (a webhook event, an approval in Spyglass)."""

    model_config = ConfigDict(frozen=True)

    project: str
    iid: int
    created: int = 0
    updated: int = 0
    resolved: int = 0
    reopened: int = 0
    approved: list[str] = []
    unapproved: list[str] = []
    commands: int = 0
    reruns: list[str] = []


class Roles:
    """Project roles by user id, looked up once per sync (``members/all``: inherited roles count)."""

    def __init__(self, api: GitLabApi) -> None:
        self._api = api
        self._levels: dict[int, int] = {}

    def allowed(self, user_id: int) -> bool:
        """True when the user has at least the Developer role on the project."""
        if user_id not in self._levels:
            try:
                self._levels[user_id] = self._api.member(user_id).access_level
            except GitLabNotFound:
                self._levels[user_id] = 0
        return self._levels[user_id] >= DEVELOPER


def sync_threads(api: GitLabApi, iid: int, user_id: int, checklist: Checklist) -> SyncOutcome:
    """Read the MR's threads, answer commands, set approvals and write the threads, in that order."""
    discussions = list(api.discussions(iid))
    roles = Roles(api)
    outcome = SyncOutcome()
    replies = _commands(discussions, user_id, checklist, roles, outcome)
    mine = threads_with_records(discussions, user_id)
    plan = plan_threads(checklist.state(), mine, roles.allowed)
    names = {c.check_id: c.name for c in checklist.state().checks}
    for approval in plan.approvals:
        checklist.set_approval(approval)
        (outcome.approved if approval.approved else outcome.unapproved).append(names.get(approval.check_id, ""))
    for action in plan.threads:
        _write_thread(api, iid, user_id, action, outcome)
    for command, body in replies:
        _reply(api, iid, user_id, command, body)
    return outcome


def _commands(discussions: list[Discussion], user_id: int, checklist: Checklist, roles: Roles,
              outcome: SyncOutcome) -> list[tuple[Command, str]]:
    """Apply the unanswered commands to the checklist; the replies to post once the threads are written."""
    replies = []
    mine = threads_with_records(discussions, user_id)
    for command in find_commands(discussions, user_id):
        found = findings(checklist.state())
        matched = match_threads(found, mine)
        by_thread = {matched[f.check_id][0].id: f for f in found if f.check_id in matched}
        text = _execute(command, found, by_thread, checklist, roles, outcome)
        replies.append((command, reply_body(command, text)))
        outcome.commands += 1
    return replies


def _execute(command: Command, found: list[Finding], by_thread: dict[str, Finding], checklist: Checklist,
             roles: Roles, outcome: SyncOutcome) -> str:
    problem = unknown_verb(command)
    if problem is not None:
        return problem
    if not roles.allowed(command.author.id):
        return ("not applied: Spyglass commands need at least the Developer role on this project "
                "(ask a Maintainer).")
    hit = target(command, found, by_thread)
    if isinstance(hit, str):
        return hit
    name = md_code(hit.name)
    if command.verb == "rerun":
        run_id = checklist.rerun(hit.check_id)
        if run_id is None:
            return (f"no Spyglass server received this, so {name} was not re-run here: every pipeline runs "
                    "every check again, so retry the pipeline's Spyglass job (or push) to re-run it.")
        outcome.reruns.append(hit.name)
        return (f"re-run of {name} queued on the Spyglass server (run {md_code(run_id)}); this thread follows "
                "its new result at the next sync (a comment, an approval or a post).")
    approve = command.verb == "approve"
    checklist.set_approval(Approval(hit.check_id, approve, hit.digest,
                                    f"@{command.author.username} in GitLab" if approve else None))
    (outcome.approved if approve else outcome.unapproved).append(hit.name)
    return f"{name} {'approved' if approve else 'un-approved'} in Spyglass."


def _write_thread(api: GitLabApi, iid: int, user_id: int, action: ThreadPlan, outcome: SyncOutcome) -> None:
    if action.kind == "create":
        thread = _create_thread(api, iid, user_id, action)
        if action.resolve and not thread.resolved:
            api.resolve_discussion(iid, thread.id, True)
        outcome.created += 1
        return
    assert action.discussion_id is not None and action.note_id is not None
    if action.body_changed:
        api.update_discussion_note(iid, action.discussion_id, action.note_id, action.body)
    if action.resolve != action.resolved_now:
        api.resolve_discussion(iid, action.discussion_id, action.resolve)
    if action.resolve and not action.resolved_now:
        outcome.resolved += 1
    elif not action.resolve and action.resolved_now:
        outcome.reopened += 1
        outcome.updated += 1
    else:
        outcome.updated += 1


def _create_thread(api: GitLabApi, iid: int, user_id: int, action: ThreadPlan) -> Discussion:
    key = marker_id(action.finding.check_id)
    for _ in range(WRITE_ATTEMPTS):
        existing = our_threads(api.discussions(iid), user_id).get(key)
        if existing is not None:
            return existing
        try:
            return api.create_discussion(iid, action.body)
        except GitLabResponseLost:
            continue  # it may exist now: look again before creating
    raise GitLabUnavailable("GitLab kept dropping the connection while Spyglass opened a thread.",
                            remedy="Run `spyglass gitlab post --notes` again: it updates what exists.")


def _reply(api: GitLabApi, iid: int, user_id: int, command: Command, body: str) -> None:
    marker = REPLY_MARKER.format(note_id=command.note_id)
    for attempt in range(WRITE_ATTEMPTS):
        if attempt and any(n.author.id == user_id and marker in n.body for d in api.discussions(iid)
                           if d.id == command.discussion_id for n in d.notes):
            return
        try:
            api.add_discussion_note(iid, command.discussion_id, body)
            return
        except GitLabResponseLost:
            continue
    raise GitLabUnavailable("GitLab kept dropping the connection while Spyglass answered a command.",
                            remedy="Run `spyglass gitlab post --notes` again: it answers what is unanswered.")
