"""Thin I/O: install the project's hook for a URL, updating the one that has it instead of adding another.

A POST whose response was lost is never repeated blindly: the hooks are listed again first (the hook
found then is the one just created, with this secret), as :mod:`spyglass.gitlab.publish` does for notes.
"""

from __future__ import annotations

from spyglass.gitlab.api import GitLabApi
from spyglass.gitlab.errors import GitLabApiError, GitLabResponseLost, GitLabUnavailable, WebhookUrlRefused
from spyglass.gitlab.hooks import plan_hook, unreachable_warning
from spyglass.gitlab.models import Hook
from spyglass.gitlab.publish import WRITE_ATTEMPTS


def install_hook(api: GitLabApi, hook_url: str, secret: str) -> tuple[Hook, bool, tuple[int, ...]]:
    """(hook, created, duplicate ids): update the hook with this URL, else create one; after a lost
    POST, list again (the hook found then is the one just created, with this secret)."""
    lost = False
    for _ in range(WRITE_ATTEMPTS):
        plan = plan_hook(api.hooks(), hook_url)
        if plan.kind == "update" and plan.hook_id is not None:
            return api.update_hook(plan.hook_id, hook_url, secret), lost, plan.duplicates
        try:
            return api.create_hook(hook_url, secret), True, ()
        except GitLabResponseLost:
            lost = True  # it may exist now: look again before creating
    raise GitLabUnavailable("GitLab kept dropping the connection while Spyglass installed the webhook.",
                            remedy="Run `spyglass gitlab webhook install` again: it updates the hook if it "
                                   "exists.")


def refused_url(exc: GitLabApiError, hook_url: str) -> GitLabApiError:
    """GitLab's 400/422 on a hook URL, said with what to do; any other error as it was."""
    if exc.status not in (400, 422):
        return exc
    reason = unreachable_warning(hook_url)
    return WebhookUrlRefused(
        f"GitLab refused the webhook URL ({exc.gitlab_message or exc.error or exc.message}).",
        status=exc.status, error=exc.error, description=exc.description, gitlab_message=exc.gitlab_message,
        remedy=reason or "Give an http(s) address GitLab can reach, e.g. "
                         "https://spyglass.example.com/api/gitlab/webhook.")
