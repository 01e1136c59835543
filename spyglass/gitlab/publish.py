"""Thin I/O: post or update the one summary note and the commit status (threads: :mod:`spyglass.gitlab.threads`).

Writes whose response was lost are never blindly repeated: we list again and update what exists.
"""

from __future__ import annotations

from spyglass.gitlab.api import GitLabApi
from spyglass.gitlab.comment import STATUS_NAME, Counts, find_summary_note
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


def set_status(api: GitLabApi, mr: MergeRequest, tally: Counts, target_url: str | None) -> CommitStatus:
    """The ``spyglass`` commit status on the MR's head sha: success, or failed with the counts."""
    if not mr.sha:
        raise GitLabUnavailable(f"GitLab did not give merge request !{mr.iid}'s head commit.",
                                remedy="Check the merge request has commits, then post again.")
    return api.set_commit_status(mr.sha, state=tally.commit_state, name=STATUS_NAME,
                                 description=tally.description, ref=mr.source_branch, target_url=target_url)
