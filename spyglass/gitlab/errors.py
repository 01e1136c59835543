"""GitLab errors, all under :class:`spyglass.exceptions.GitLabError`.

Messages never contain the token: requests carry it only in the ``PRIVATE-TOKEN`` header, and no
message quotes request headers.
"""

from __future__ import annotations

from spyglass.exceptions import GitLabError, UsageError


class GitLabApiError(GitLabError):
    """GitLab answered with a non-success status.

    ``status`` is the HTTP status; ``error`` / ``description`` keep GitLab's own body fields
    (``{"message": ...}`` or ``{"error": ..., "error_description": ...}``) for troubleshooting.
    """

    def __init__(self, message: str, *, status: int, error: str = "", description: str = "",
                 remedy: str = "", gitlab_message: str = "") -> None:
        super().__init__(message, remedy=remedy)
        self.status = status
        self.error = error
        self.description = description
        #: GitLab's own ``message`` field (``"403 Forbidden - User is blocked"``)
        self.gitlab_message = gitlab_message


class GitLabAuthError(GitLabApiError):
    """401: the token is unknown, expired or revoked."""

    @property
    def reason(self) -> str:
        """``expired``, ``revoked`` or ``unknown``, read from GitLab's ``error_description``."""
        text = self.description.lower()
        if "expired" in text:
            return "expired"
        if "revoked" in text:
            return "revoked"
        return "unknown"


class GitLabScopeError(GitLabApiError):
    """403 ``insufficient_scope``: the token's scopes do not allow this request."""

    exit_code = 3


class GitLabForbidden(GitLabApiError):
    """403 for any other reason (role too low, blocked user)."""


class GitLabNotFound(GitLabApiError):
    """404: the resource is missing or invisible to the token's user."""


class WebhookUrlRefused(GitLabApiError):
    """GitLab refused a webhook URL (422: blocked local network address, invalid URL)."""

    http_status = 422


class GitLabUnavailable(GitLabError):
    """GitLab could not be reached, or kept failing (5xx, 429, timeouts) after the bounded retries."""


class GitLabResponseLost(GitLabUnavailable):
    """A write request was sent but its response was lost (connection dropped, read timeout).

    The write may or may not have happened: callers look for its effect before trying again.
    """


class GitLabRotationLost(GitLabError):
    """``rotate``: the rotation may have happened but its answer (the new token) never arrived, or a rotation
    was interrupted; the old token may be revoked and is never sent again. Exit 2, HTTP 409."""

    exit_code = 2
    http_status = 409


class GitLabRotationBusy(GitLabError):
    """A token rotation is under way right now (another command or the server): the stored token is not sent
    until it ends. Exit 2, HTTP 409."""

    exit_code = 2
    http_status = 409


class GitLabTokenInvalid(UsageError):
    """The token cannot be a GitLab token: empty, or holding a character an HTTP header cannot carry."""


class GitLabDowngradeUnconfirmed(UsageError):
    """A read-only token would replace a stored token that can post, and the user did not confirm (409)."""

    http_status = 409


class GitLabNotConfigured(UsageError):
    """No GitLab URL, project or token could be resolved from flags, environment, CI or the store."""


class GitLabReadOnly(GitLabError):
    """The token can read merge requests but cannot post (``read_api`` scope). Exit 3."""

    exit_code = 3
    http_status = 403


class GitLabUnusable(GitLabError):
    """The token cannot be used for this project at all (diagnosis has error problems). Exit 2."""

    exit_code = 2
    http_status = 400


class WebhookUnauthorized(GitLabError):
    """A webhook delivery did not carry the configured secret (``X-Gitlab-Token``)."""

    http_status = 401


class WebhookWrongProject(UsageError):
    """A webhook delivery for another project than the connected one (or none is connected)."""

    http_status = 403


class WebhookTooLarge(UsageError):
    """A webhook body above the size limit (refused while reading it, never held whole)."""

    http_status = 413

    def __init__(self, limit: int) -> None:
        super().__init__(f"The webhook body is larger than {limit // 2**20} MiB.",
                         remedy="Send merge request events only: GitLab's merge request hook bodies are far "
                                "smaller.")


class BaseArtifactsUnavailable(GitLabError):
    """``fetch-base``: the target branch has no base artifacts to download now (no successful pipeline yet,
    or its artifacts expired): nothing to compare against until a pipeline on that branch builds them. Exit 4,
    so a CI job can tell it from a failure (``allow_failure: exit_codes: [4]``)."""

    exit_code = 4
    http_status = 404


class BaseJobMissing(GitLabError):
    """``fetch-base``: the newest successful pipeline of the branch has no job of that name, or the job keeps
    no artifacts: a configuration problem (exit 2)."""

    exit_code = 2
    http_status = 404


class UnsafeArchive(GitLabError):
    """``fetch-base``: the artifacts archive is refused (an entry outside the target directory, a link, over a
    size limit, not a zip); nothing was unpacked (exit 2)."""

    exit_code = 2
    http_status = 422
