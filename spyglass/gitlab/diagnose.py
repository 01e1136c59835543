"""Pure: GitLab's answers (token, user, project, membership, optionally one merge request) → a
:class:`Diagnosis`. Never writes: posting is judged from the fields GitLab returns.

Problem codes (a contract: scripts read ``spyglass gitlab status --json``) are in
:mod:`spyglass.gitlab.problems`; what the project and merge request fields mean in
:mod:`spyglass.gitlab.posting`; the token kind in :mod:`spyglass.gitlab.identity`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from spyglass.gitlab.errors import GitLabApiError, GitLabAuthError
from spyglass.gitlab.identity import TOKEN_KIND_LABELS, TokenKind, personal_token_advice, token_kind
from spyglass.gitlab.models import MAINTAINER, Member, MergeRequest, Project, TokenInfo, User, role_name
from spyglass.gitlab.posting import (
    MergeChecks,
    discussion_problem,
    merge_check_problems,
    merge_checks,
    project_problems,
)
from spyglass.gitlab.problems import NEW_TOKEN, POST_BLOCKERS, Problem, ProblemCode, Severity

__all__ = ["NEW_TOKEN", "Diagnosis", "Failure", "Probes", "Problem", "ProblemCode", "Severity", "diagnose"]

EXPIRY_WARNING_DAYS = 14
Posting = Literal["yes", "no", "unknown"]


@dataclass(frozen=True)
class Failure:
    """A probe that GitLab answered with an error status."""

    status: int
    error: str = ""
    description: str = ""

    @classmethod
    def of(cls, exc: GitLabApiError) -> Failure:
        return cls(status=exc.status, error=exc.error, description=exc.description or exc.gitlab_message)

    @property
    def auth_reason(self) -> str | None:
        """``unknown`` / ``expired`` / ``revoked`` for a 401, else None."""
        if self.status != 401:
            return None
        return GitLabAuthError("", status=401, description=self.description).reason

    @property
    def insufficient_scope(self) -> bool:
        return self.status == 403 and self.error == "insufficient_scope"


@dataclass(frozen=True)
class Probes:
    """What GitLab answered. ``token`` None: ``/personal_access_tokens/self`` does not exist there (old
    GitLab, or not a personal access token), so scopes are unknown. ``project``/``member`` None: not
    asked because the token was already unusable. ``merge_request`` None: no merge request in question."""

    token: TokenInfo | Failure | None
    user: User | Failure | None
    project: Project | Failure | None = None
    member: Member | Failure | None = None
    merge_request: MergeRequest | Failure | None = None


class Diagnosis(BaseModel):
    """Everything ``status`` and the settings page show about a connection.

    Fields that could not be read are None *with* a flag saying so: ``token_readable`` False (GitLab
    refused the token: its user, role, scopes and expiry are unknown, not absent; ``unknown_reason`` says
    why), ``role_known`` False (the membership was not, or could not be, read: ``role`` None then means
    unknown, not "not a member"), ``scopes`` None (GitLab cannot say them).
    """

    model_config = ConfigDict(frozen=True)

    url: str
    project: str
    project_id: int | None = None
    project_web_url: str | None = None
    user: str | None = None
    user_id: int | None = None
    bot: bool = False
    scopes: list[str] | None = None
    expires_at: date | None = None
    days_left: int | None = None
    access_level: int | None = None
    role: str | None = None
    can_read_merge_requests: bool = False
    #: True only when posting is known to work (``posting == "yes"``)
    can_post: bool = False
    problems: list[Problem] = []
    #: not problems of the connection but what is worth doing (codes ``token_personal``,
    #: ``merge_check_threads_off``, ``merge_check_pipeline_off``): the same shape as ``problems``
    advice: list[Problem] = []
    #: False when GitLab refused the token (expired, revoked, unknown): user, role, scopes, expiry unknown
    token_readable: bool = True
    #: why user / role / scopes / expiry are unknown (None when they are known)
    unknown_reason: str | None = None
    #: personal / project_access_token / group_access_token / service_account / unknown
    token_kind: TokenKind = "unknown"
    token_kind_label: str = TOKEN_KIND_LABELS["unknown"]
    #: True when the membership was read: then ``role`` None means "not a member"
    role_known: bool = False
    #: what to show for the role: "Maintainer", "not a member", or "unknown (...)"
    role_label: str = "unknown"
    #: yes / no / unknown (scopes unknown, or a locked discussion and the role unknown)
    posting: Posting = "no"
    archived: bool | None = None
    merge_requests_access_level: str | None = None
    merge_checks: MergeChecks | None = None
    #: the merge request the diagnosis looked at (``--mr`` / ``CI_MERGE_REQUEST_IID``), and its lock
    merge_request_iid: int | None = None
    discussion_locked: bool | None = None

    @property
    def exit_code(self) -> int:
        """0 can post, 3 can read (posting impossible or not known), 2 cannot be used."""
        return 0 if self.can_post else 3 if self.can_read_merge_requests else 2

    def has(self, code: ProblemCode) -> bool:
        return any(p.code == code for p in [*self.problems, *self.advice])


def _auth_problem(reason: str) -> Problem:
    if reason == "expired":
        return Problem(code=ProblemCode.TOKEN_EXPIRED, severity="error", message="The token has expired.",
                       remedy=NEW_TOKEN)
    if reason == "revoked":
        return Problem(code=ProblemCode.TOKEN_REVOKED, severity="error", message="The token was revoked.",
                       remedy=NEW_TOKEN)
    return Problem(code=ProblemCode.TOKEN_UNKNOWN, severity="error",
                   message="GitLab does not recognise this token (401 Unauthorized).",
                   remedy="Check the token was copied whole and belongs to this GitLab URL. " + NEW_TOKEN)


def _user_problem(failure: Failure) -> Problem:
    """``GET /user`` failed: an auth failure, a scope that cannot even read the user, or a blocked user."""
    if failure.auth_reason:
        return _auth_problem(failure.auth_reason)
    if failure.insufficient_scope:
        return Problem(code=ProblemCode.SCOPE_INSUFFICIENT, severity="error",
                       message="The token's scopes do not even allow reading its own user.",
                       remedy="It needs `api` (view, track and post) or `read_api` (view and track). " + NEW_TOKEN)
    said = failure.description or failure.error or f"HTTP {failure.status}"
    return Problem(code=ProblemCode.TOKEN_UNKNOWN, severity="error",
                   message=f"GitLab would not say who the token acts as ({said}); the user may be blocked.",
                   remedy="Check the token's user can sign in to GitLab. " + NEW_TOKEN)


def _token_problems(token: TokenInfo | Failure | None, today: date) -> list[Problem]:
    if isinstance(token, Failure):
        reason = token.auth_reason
        return [_auth_problem(reason)] if reason else []
    if token is None:
        return []
    if token.revoked:
        return [_auth_problem("revoked")]
    if not token.active or (token.expires_at is not None and token.expires_at < today):
        return [_auth_problem("expired")]
    return []


def _scope_problems(scopes: list[str] | None, project: Project | Failure | None) -> list[Problem]:
    insufficient = Problem(
        code=ProblemCode.SCOPE_INSUFFICIENT, severity="error",
        message=f"The token's scopes ({', '.join(scopes or []) or 'unknown'}) cannot read merge requests.",
        remedy="It needs `api` (view, track and post summaries) or `read_api` (view and track only). "
               + NEW_TOKEN)
    if scopes is None:
        if isinstance(project, Failure) and project.insufficient_scope:
            return [insufficient]
        return [Problem(
            code=ProblemCode.SCOPES_UNKNOWN, severity="warning",
            message="This GitLab cannot say the token's scopes (it has no /personal_access_tokens/self: "
                    "GitLab before 15.5): whether it can post is unknown. A `read_api` token's first post "
                    "will stop with 403, writing nothing.",
            remedy="Check the token's scopes in GitLab (avatar -> Edit profile -> Access tokens): posting "
                   "needs `api`.")]
    if "api" in scopes:
        return []
    if "read_api" in scopes:
        return [Problem(code=ProblemCode.SCOPE_READ_ONLY, severity="warning",
                        message="The token has the `read_api` scope: Spyglass can view and track merge "
                                "requests but cannot post summaries, notes or commit statuses.",
                        remedy="To post, create a token with the `api` scope instead. " + NEW_TOKEN)]
    return [insufficient]


def _membership(member: Member | Failure | None) -> tuple[bool, int | None]:
    """(role known, access level): only GitLab's 404 on ``members/all/:id`` means "not a member"."""
    if isinstance(member, Member):
        return True, member.access_level
    return (isinstance(member, Failure) and member.status == 404), None


def _role_problem(member: Member | Failure | None) -> Problem | None:
    known, level = _membership(member)
    if not known:
        said = f" (HTTP {member.status})" if isinstance(member, Failure) else ""
        return Problem(code=ProblemCode.ROLE_UNKNOWN, severity="warning",
                       message=f"GitLab would not say the token's role in the project{said}: whether it can "
                               "set commit statuses (Developer) and install the webhook (Maintainer) is unknown.",
                       remedy="Check the user's role in the project (Manage -> Members).")
    if level is not None and level >= MAINTAINER:
        return None
    who = f"The token's user is a {role_name(level)}" if level is not None else \
        "The token's user is not a member of the project (access through visibility only)"
    return Problem(
        code=ProblemCode.ROLE_BELOW_MAINTAINER, severity="warning",
        message=f"{who}, below Maintainer: installing the webhook needs Maintainer"
                + ("" if (level or 0) >= 30 else ", and commit statuses need Developer") + ".",
        remedy="Summaries and notes still work. For the rest, ask an Owner to give the user the "
               "Maintainer role (Manage -> Members), or use a token of a Maintainer.")


def _expiry(token: TokenInfo | Failure | None, today: date) -> tuple[date | None, int | None]:
    if isinstance(token, TokenInfo) and token.expires_at is not None:
        return token.expires_at, (token.expires_at - today).days
    return None, None


def _expiring(expires_at: date | None, days_left: int | None) -> list[Problem]:
    if days_left is None or not 0 <= days_left <= EXPIRY_WARNING_DAYS:
        return []
    return [Problem(code=ProblemCode.TOKEN_EXPIRING_SOON, severity="warning",
                    message=f"The token expires on {expires_at} ({days_left} days left).",
                    remedy="Create a new token before then and connect it "
                           "(Settings → GitLab integration, or `spyglass gitlab connect`).")]


def _project_problems(project: str, probes: Probes) -> list[Problem]:
    """Everything the project, the membership and the merge request say (the token itself is usable)."""
    proj = probes.project
    if isinstance(proj, Failure):
        if proj.insufficient_scope:
            return []
        return [Problem(
            code=ProblemCode.PROJECT_NOT_FOUND, severity="error",
            message=f"Project {project!r} was not found, or the token's user cannot see it.",
            remedy="Check the path (group/subgroup/project, as in its URL) or numeric id, and that "
                   "the user is a member of the project.")]
    if proj is None:
        return []
    problems = project_problems(proj)
    role = _role_problem(probes.member)
    problems += [role] if role else []
    if isinstance(probes.merge_request, MergeRequest):
        known, level = _membership(probes.member)
        locked = discussion_problem(probes.merge_request, (level is not None) if known else None)
        problems += [locked] if locked else []
    return problems


def _problems(project: str, probes: Probes, today: date) -> list[Problem]:
    problems = _token_problems(probes.token, today)
    if not problems and isinstance(probes.user, Failure):
        problems = [_user_problem(probes.user)]
    if problems:
        return problems
    scopes = list(probes.token.scopes) if isinstance(probes.token, TokenInfo) else None
    problems = _scope_problems(scopes, probes.project) + _project_problems(project, probes)
    return problems + _expiring(*_expiry(probes.token, today))


def _advice(url: str, probes: Probes) -> list[Problem]:
    """Nothing broken, but worth doing: a bot identity for a personal token; the merge checks that are off."""
    advice = [personal_token_advice(probes.user)] \
        if isinstance(probes.user, User) and token_kind(probes.user) == "personal" else []
    return advice + (merge_check_problems(url, probes.project) if isinstance(probes.project, Project) else [])


def _posting(problems: list[Problem], can_read: bool, role_known: bool) -> Posting:
    """``no`` when something blocks posting; ``unknown`` when the scopes, or the role a locked discussion
    asks for, could not be read; else ``yes``."""
    codes = {p.code for p in problems}
    unknown = {ProblemCode.SCOPES_UNKNOWN} | (set() if role_known else {ProblemCode.DISCUSSION_LOCKED})
    if not can_read or codes & (POST_BLOCKERS - unknown):
        return "no"
    return "unknown" if codes & unknown else "yes"


def _unknown_reason(problems: list[Problem], probes: Probes) -> str | None:
    """Why nothing about the token could be read (GitLab answered neither its self-description nor its user),
    or None: then what is None in the diagnosis is None because GitLab said so."""
    if isinstance(probes.user, User) or isinstance(probes.token, TokenInfo):
        return None
    refused = next((p for p in problems if p.code in (ProblemCode.TOKEN_EXPIRED, ProblemCode.TOKEN_REVOKED,
                                                      ProblemCode.TOKEN_UNKNOWN)), None)
    said = refused.message.rstrip(".") if refused else "GitLab would not say who the token acts as"
    why = said[:1].lower() + said[1:] if said.startswith("The ") else said
    return f"The token cannot be read ({why}): its user, role, scopes and expiry are unknown."


def _role_label(known: bool, level: int | None, *, token_read: bool, project: Project | Failure | None) -> str:
    if known:
        return role_name(level) or "not a member"
    why = ("the token cannot be read" if not token_read else
           "not checked: fix the problem above first" if project is None else
           "the token cannot read the project" if isinstance(project, Failure) else "GitLab would not say")
    return f"unknown ({why})"


def diagnose(url: str, project: str, probes: Probes, *, today: date) -> Diagnosis:
    """Judge a connection from GitLab's answers. Pure and deterministic (``today`` is injected)."""
    problems = _problems(project, probes, today)
    scopes = list(probes.token.scopes) if isinstance(probes.token, TokenInfo) else None
    expires_at, days_left = _expiry(probes.token, today)
    can_read = not any(p.severity == "error" for p in problems) and isinstance(probes.project, Project)
    user = probes.user if isinstance(probes.user, User) else None
    proj = probes.project if isinstance(probes.project, Project) else None
    known, level = _membership(probes.member) if proj else (False, None)
    mr = probes.merge_request if isinstance(probes.merge_request, MergeRequest) else None
    reason = _unknown_reason(problems, probes)
    kind = token_kind(user)
    posting = _posting(problems, can_read, known)
    return Diagnosis(
        url=url, project=proj.path_with_namespace if proj else project,
        project_id=proj.id if proj else None, project_web_url=proj.web_url if proj else None,
        user=user.username if user else None, user_id=user.id if user else None,
        bot=user.bot if user else False, scopes=scopes, expires_at=expires_at, days_left=days_left,
        access_level=level, role=role_name(level), can_read_merge_requests=can_read,
        can_post=posting == "yes", problems=problems, advice=_advice(url, probes) if can_read else [],
        token_readable=reason is None, unknown_reason=reason,
        token_kind=kind, token_kind_label=TOKEN_KIND_LABELS[kind], role_known=known,
        role_label=_role_label(known, level, token_read=reason is None, project=probes.project),
        posting=posting,
        archived=proj.archived if proj else None,
        merge_requests_access_level=proj.merge_requests_access_level if proj else None,
        merge_checks=merge_checks(proj) if proj else None,
        merge_request_iid=mr.iid if mr else None, discussion_locked=mr.discussion_locked if mr else None)
