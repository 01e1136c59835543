"""Pure: what must hold before the service writes to GitLab or replaces the stored token."""

from __future__ import annotations

from spyglass.gitlab.diagnose import NEW_TOKEN, Diagnosis, ProblemCode
from spyglass.gitlab.errors import GitLabReadOnly, GitLabUnusable
from spyglass.gitlab.problems import POST_BLOCKERS
from spyglass.gitlab.settings import TOKEN_ENV
from spyglass.state.models import State
from spyglass.store.models import StoredConnection


def downgrades(stored: StoredConnection | None, diagnosis: Diagnosis) -> bool:
    """Storing this read-only token would replace a stored token that can post."""
    return (stored is not None and "api" in stored.scopes and diagnosis.can_read_merge_requests
            and not diagnosis.can_post)


def validated_sha(state: State) -> str | None:
    """The commit the state's run validated, when the state says (``spyglass run`` in CI does)."""
    env = state.environment
    if env is None:
        return None
    if env.merge_request is not None and env.merge_request.head_sha:
        return env.merge_request.head_sha
    return env.git_sha


def require_post(diagnosis: Diagnosis) -> None:
    """Stop before any write request when the token cannot post (exit 3) or is unusable (exit 2)."""
    if not diagnosis.can_read_merge_requests:
        errors = [p for p in diagnosis.problems if p.severity == "error"]
        raise GitLabUnusable(" ".join(p.message for p in errors) or "The GitLab connection cannot be used.",
                             remedy=" ".join(p.remedy for p in errors) or "Run `spyglass gitlab status`.")
    if diagnosis.has(ProblemCode.SCOPE_READ_ONLY):
        raise GitLabReadOnly(
            "This token has the `read_api` scope: Spyglass can track merge requests but not post "
            "summaries, notes or commit statuses.", remedy="To post, " + NEW_TOKEN[0].lower() + NEW_TOKEN[1:]
            + f" Then set {TOKEN_ENV} (a masked CI/CD variable in GitLab CI).")
    if diagnosis.posting == "no":  # archived project, locked discussion: GitLab would refuse every write
        blocking = [p for p in diagnosis.problems if p.code in POST_BLOCKERS]
        raise GitLabReadOnly(" ".join(p.message for p in blocking) or "GitLab would refuse the post.",
                             remedy=" ".join(p.remedy for p in blocking) or "Run `spyglass gitlab status`.")
    # posting "unknown" (scopes unknown on an older GitLab): try; a 403 stops before anything is written
