"""Pure: which kind of token a diagnosis holds, from what ``GET /user`` says of its user.

GitLab marks every non-human user ``bot: true`` on ``/user`` (its ``BOT_USER_TYPES``: project and group
access tokens' bot users, service accounts, GitLab's own bots); it does not expose the user type. Project
and group access tokens act as a bot user named ``project_<id>_bot_<hash>`` / ``group_<id>_bot_<hash>``
(older GitLab: ``project_<id>_bot``, ``project_<id>_bot1`` ...); any other bot user is taken to be a service
account (whose names default to ``service_account_...`` but can be chosen).
"""

from __future__ import annotations

import re
from typing import Literal

from spyglass.gitlab.models import User
from spyglass.gitlab.problems import Problem, ProblemCode

TokenKind = Literal["personal", "project_access_token", "group_access_token", "service_account", "unknown"]

TOKEN_KIND_LABELS: dict[str, str] = {
    "personal": "personal access token",
    "project_access_token": "project access token (a bot user)",
    "group_access_token": "group access token (a bot user)",
    "service_account": "service account token (a non-human user)",
    "unknown": "unknown (the token cannot be read)",
}

_PROJECT_BOT = re.compile(r"^project_\d+_bot")
_GROUP_BOT = re.compile(r"^group_\d+_bot")

BOT_IDENTITY = (
    "For a bot identity: a project access token (the project's Settings -> Access tokens, role "
    "Maintainer, scope `api`; any tier on self-managed, Premium on GitLab.com), a group access token, or "
    "a personal access token of a service account. Then connect it instead "
    "(Settings → GitLab integration, or `spyglass gitlab connect`).")


def token_kind(user: User | None) -> TokenKind:
    """The kind of token whose ``/user`` is ``user`` (``unknown`` when GitLab would not say)."""
    if user is None:
        return "unknown"
    if not user.bot:
        return "personal"
    if _PROJECT_BOT.match(user.username):
        return "project_access_token"
    if _GROUP_BOT.match(user.username):
        return "group_access_token"
    return "service_account"


def personal_token_advice(user: User) -> Problem:
    """The advice for a personal token: its notes, threads and statuses appear as that person."""
    return Problem(
        code=ProblemCode.TOKEN_PERSONAL, severity="info",
        message=f"This is a personal access token: summaries, threads and commit statuses will appear as "
                f"{user.name or user.username} (@{user.username}), and stop working when that person "
                "leaves the project.",
        remedy=BOT_IDENTITY)
