"""``gitlab_post``: the checklist's summary on a merge request, through :class:`GitLabService` (the CLI's and
the server's), only with a stored connection whose token has the ``api`` scope.

The store is opened for the call and closed after it, so ``spyglass mcp`` starts, and serves every other
tool, without touching it or the network.
"""

from __future__ import annotations

from collections.abc import Mapping

from spyglass.gitlab.errors import GitLabNotConfigured, GitLabReadOnly
from spyglass.gitlab.service import GitLabService
from spyglass.mcp.answer import ToolAnswer
from spyglass.mcp.inputs import GitLabPostArgs
from spyglass.server.gitlab_sync import WorkspaceChecklist
from spyglass.store.db import Store

#: the scope a token needs to post notes (``read_api`` can only read)
POST_SCOPE = "api"


def gitlab_post(checklist: WorkspaceChecklist, args: GitLabPostArgs, environ: Mapping[str, str]) -> ToolAnswer:
    """Post (or update) the summary note; raises GitLabNotConfigured / GitLabReadOnly (why it is unavailable,
    and what to do) without a stored connection that can post, and the service's errors otherwise."""
    store = Store.open(environ)
    try:
        service = GitLabService(store, environ)
        stored = service.stored()
        if stored is None:
            raise GitLabNotConfigured("gitlab_post is unavailable: no GitLab connection is stored.",
                                    remedy="Run `spyglass gitlab connect --url URL --project GROUP/PROJECT` with "
                                           "a token that has the api scope, then call it again.")
        if POST_SCOPE not in stored.scopes:
            raise GitLabReadOnly(
                f"gitlab_post is unavailable: the stored token's scopes ({', '.join(stored.scopes) or 'none'}) "
                "cannot post notes.",
                remedy="Connect a token with the api scope (`spyglass gitlab connect`), then call it again.")
        result = service.post(checklist.state(), mr_iid=args.mr_iid, notes=args.notes,
                              commit_status=args.commit_status, checklist=checklist)
    finally:
        store.close()
    where = result.note_url or f"{result.project}!{result.iid}"
    text = (f"{'Posted' if result.created else 'Updated'} the summary on {where}: {result.checks} checks, "
            f"{result.mismatches} mismatches, {result.errors} errors.")
    return ToolAnswer({"post": result.model_dump(mode="json")}, text)
