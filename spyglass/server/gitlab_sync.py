"""The server's side of two-way threads (:mod:`spyglass.gitlab.sync`): its checklist is the workspace.

A webhook event for the checklist's merge request, and an approval made in the UI or the API, sync the
threads at once; without a connection nothing is sent. A sync that fails (GitLab unreachable, the token
read-only) never fails the approval or the delivery: it is logged and reported, and the next event,
approval or ``post`` syncs again (a sync compares states, so nothing is lost in between).
"""

from __future__ import annotations

import logging

from spyglass.exceptions import SpyglassError
from spyglass.gitlab.sync import Approval
from spyglass.gitlab.threads import SyncResult
from spyglass.server.gitlab_port import GitLabPort
from spyglass.server.runner import RunManager
from spyglass.server.workspace import Workspace
from spyglass.state.models import State

log = logging.getLogger("spyglass.server")


class WorkspaceChecklist:
    """The server's checklist: approvals go to the workspace, re-runs to the run manager."""

    def __init__(self, workspace: Workspace, runs: RunManager) -> None:
        self._workspace = workspace
        self._runs = runs

    def state(self) -> State:
        return self._workspace.snapshot()

    def set_approval(self, approval: Approval) -> None:
        self._workspace.update_check(approval.check_id, {
            "approved": approval.approved, "approval_digest": approval.digest,
            "approved_by": approval.by if approval.approved else None})

    def rerun(self, check_id: str) -> str | None:
        return self._runs.submit_checks([self._workspace.check(check_id)])[0].run_id


def sync_threads(gitlab: GitLabPort | None, checklist: WorkspaceChecklist,
                 iid: int | None = None) -> tuple[SyncResult | None, str | None]:
    """(what the sync did, or None when there was nothing to sync; the error that stopped it)."""
    if gitlab is None:
        return None, None
    try:
        return gitlab.service.sync(checklist, iid), None
    except SpyglassError as exc:
        log.warning("Syncing the GitLab threads failed: %s", exc.message)
        return None, exc.message
