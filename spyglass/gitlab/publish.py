"""Thin I/O: post or update the one summary note, the per-check discussions and the commit status.

Writes whose response was lost are never blindly repeated: we list again and update what exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from spyglass.gitlab.api import GitLabApi
from spyglass.gitlab.comment import (
    STATUS_NAME,
    Counts,
    DiscussionAction,
    Finding,
    find_summary_note,
    marker_id,
    our_threads,
    plan_discussions,
)
from spyglass.gitlab.errors import GitLabResponseLost, GitLabUnavailable
from spyglass.gitlab.models import CommitStatus, MergeRequest, Note

WRITE_ATTEMPTS = 3


def upsert_summary(api: GitLabApi, iid: int, user_id: int, body: str) -> tuple[Note, bool]:
    """Update our summary note in place, or create it; returns (note, created)."""
    for _ in range(WRITE_ATTEMPTS):
        existing = find_summary_note(api.notes(iid), user_id)
        if existing is not None:
            if existing.body == body:
                return existing, False
            return api.update_note(iid, existing.id, body), False
        try:
            return api.create_note(iid, body), True
        except GitLabResponseLost:
            continue  # the note may exist now: look again before creating
    raise GitLabUnavailable("GitLab kept dropping the connection while Spyglass posted the summary.",
                            remedy="Run `spyglass gitlab post` again: it updates the note if it exists.")


@dataclass(frozen=True)
class DiscussionOutcome:
    created: int = 0
    updated: int = 0
    resolved: int = 0


def _create_thread(api: GitLabApi, iid: int, user_id: int, action: DiscussionAction) -> None:
    for _ in range(WRITE_ATTEMPTS):
        if marker_id(action.finding.check_id) in our_threads(api.discussions(iid), user_id):
            return
        try:
            api.create_discussion(iid, action.body)
            return
        except GitLabResponseLost:
            continue
    raise GitLabUnavailable("GitLab kept dropping the connection while Spyglass opened a thread.",
                            remedy="Run `spyglass gitlab post --notes` again: it updates what exists.")


def sync_discussions(api: GitLabApi, iid: int, user_id: int, found: list[Finding]) -> DiscussionOutcome:
    """Create, update (reopening if needed) and resolve the per-check threads."""
    actions = plan_discussions(found, api.discussions(iid), user_id)
    created = updated = resolved = 0
    for action in actions:
        if action.kind == "create":
            _create_thread(api, iid, user_id, action)
            created += 1
            continue
        assert action.discussion_id is not None and action.note_id is not None
        api.update_discussion_note(iid, action.discussion_id, action.note_id, action.body)
        if action.kind == "resolve":
            api.resolve_discussion(iid, action.discussion_id, True)
            resolved += 1
        else:
            if action.reopen:
                api.resolve_discussion(iid, action.discussion_id, False)
            updated += 1
    return DiscussionOutcome(created=created, updated=updated, resolved=resolved)


def set_status(api: GitLabApi, mr: MergeRequest, tally: Counts, target_url: str | None) -> CommitStatus:
    """The ``spyglass`` commit status on the MR's head sha: success, or failed with the counts."""
    if not mr.sha:
        raise GitLabUnavailable(f"GitLab did not give merge request !{mr.iid}'s head commit.",
                                remedy="Check the merge request has commits, then post again.")
    return api.set_commit_status(mr.sha, state=tally.commit_state, name=STATUS_NAME,
                                 description=tally.description, ref=mr.source_branch, target_url=target_url)
