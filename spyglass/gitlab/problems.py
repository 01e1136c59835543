"""The problems a diagnosis reports: stable codes (a contract: scripts read ``spyglass gitlab status
--json``), a severity, what went wrong and what to do.

Severities: ``error`` — the connection cannot be used at all (exit 2); ``warning`` — something does not
work or is not known (posting, the webhook, a merge gate); ``info`` — advice, nothing is broken.
"""

from __future__ import annotations

from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict

NEW_TOKEN = ("Create a personal access token in GitLab (avatar -> Edit profile -> Access tokens -> "
             "Add new token) with the `api` scope and an expiry date, then connect it "
             "(Settings → GitLab integration, or `spyglass gitlab connect`).")


class ProblemCode(str, Enum):
    TOKEN_UNKNOWN = "token_unknown"
    TOKEN_EXPIRED = "token_expired"
    TOKEN_REVOKED = "token_revoked"
    SCOPE_READ_ONLY = "scope_read_only"
    SCOPE_INSUFFICIENT = "scope_insufficient"
    #: GitLab cannot say the token's scopes (no ``/personal_access_tokens/self``: older than 15.5)
    SCOPES_UNKNOWN = "scopes_unknown"
    PROJECT_NOT_FOUND = "project_not_found"
    #: the project is archived: read-only for everyone, so no note, thread or status can be written
    PROJECT_ARCHIVED = "project_archived"
    #: the project's merge requests are turned off, or only for members of a higher role
    MERGE_REQUESTS_DISABLED = "merge_requests_disabled"
    #: the merge request's discussion is locked: only project members can comment
    DISCUSSION_LOCKED = "discussion_locked"
    ROLE_BELOW_MAINTAINER = "role_below_maintainer"
    #: the membership could not be read (not "not a member": unknown)
    ROLE_UNKNOWN = "role_unknown"
    TOKEN_EXPIRING_SOON = "token_expiring_soon"
    #: a personal access token: notes appear as a person (advice: a bot identity)
    TOKEN_PERSONAL = "token_personal"
    #: "All threads must be resolved" is off: open Spyglass threads do not block the merge
    MERGE_CHECK_THREADS_OFF = "merge_check_threads_off"
    #: "Pipelines must succeed" is off: a failed pipeline (and the commit status) does not block the merge
    MERGE_CHECK_PIPELINE_OFF = "merge_check_pipeline_off"


#: problems that stop posting (but not reading)
POST_BLOCKERS = frozenset({ProblemCode.SCOPE_READ_ONLY, ProblemCode.PROJECT_ARCHIVED,
                           ProblemCode.DISCUSSION_LOCKED})

Severity = Literal["error", "warning", "info"]


class Problem(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: ProblemCode
    severity: Severity
    message: str
    remedy: str
