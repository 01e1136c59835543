"""The validation requests a diagnosis rests on: GETs only, never a write (no test note)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

from spyglass.gitlab.api import GitLabApi
from spyglass.gitlab.diagnose import Failure, Probes
from spyglass.gitlab.errors import GitLabApiError
from spyglass.gitlab.models import MergeRequest, Project, TokenInfo

T = TypeVar("T")


def attempt(call: Callable[[], T]) -> T | Failure:
    """The call's answer, or GitLab's error status as a :class:`Failure`."""
    try:
        return call()
    except GitLabApiError as exc:
        return Failure.of(exc)


def probe(api: GitLabApi, mr_iid: int | None = None) -> Probes:
    """Ask GitLab the validation questions (stopping early when the token is rejected): the token, its
    user, the project, the user's effective membership and, with ``mr_iid``, that merge request."""
    token: TokenInfo | Failure | None = attempt(api.token_self)
    if isinstance(token, Failure) and token.status in (400, 403, 404):
        token = None  # older GitLab (no /personal_access_tokens/self) or not a PAT: fall back to /user
    user = attempt(api.current_user)
    if isinstance(token, Failure) or isinstance(user, Failure):
        return Probes(token=token, user=user)
    project = attempt(api.project)
    if not isinstance(project, Project):
        return Probes(token=token, user=user, project=project)
    member = attempt(partial(api.member, user.id))
    mr: MergeRequest | Failure | None = attempt(partial(api.merge_request, mr_iid)) if mr_iid else None
    return Probes(token=token, user=user, project=project, member=member, merge_request=mr)
