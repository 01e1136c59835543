"""Pure: the four validation answers (token, user, project, membership) → a :class:`Diagnosis`.

Problem codes (a contract: scripts read ``spyglass gitlab status --json``): ``token_unknown``,
``token_expired``, ``token_revoked``, ``scope_read_only``, ``scope_insufficient``,
``project_not_found``, ``role_below_maintainer``, ``token_expiring_soon``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict

from spyglass.gitlab.errors import GitLabApiError, GitLabAuthError
from spyglass.gitlab.models import MAINTAINER, Member, Project, TokenInfo, User, role_name

EXPIRY_WARNING_DAYS = 14
NEW_TOKEN = ("Create a personal access token in GitLab (avatar -> Edit profile -> Access tokens -> "
             "Add new token) with the `api` scope and an expiry date, then connect it "
             "(Settings → GitLab integration, or `spyglass gitlab connect`).")


class ProblemCode(str, Enum):
    TOKEN_UNKNOWN = "token_unknown"
    TOKEN_EXPIRED = "token_expired"
    TOKEN_REVOKED = "token_revoked"
    SCOPE_READ_ONLY = "scope_read_only"
    SCOPE_INSUFFICIENT = "scope_insufficient"
    PROJECT_NOT_FOUND = "project_not_found"
    ROLE_BELOW_MAINTAINER = "role_below_maintainer"
    TOKEN_EXPIRING_SOON = "token_expiring_soon"


Severity = Literal["error", "warning"]


class Problem(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: ProblemCode
    severity: Severity
    message: str
    remedy: str


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
    asked because the token was already unusable."""

    token: TokenInfo | Failure | None
    user: User | Failure | None
    project: Project | Failure | None = None
    member: Member | Failure | None = None


class Diagnosis(BaseModel):
    """Everything ``status`` and the settings page show about a connection."""

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
    can_post: bool = False
    problems: list[Problem] = []

    @property
    def exit_code(self) -> int:
        """0 can post, 3 can only read, 2 cannot be used."""
        return 0 if self.can_post else 3 if self.can_read_merge_requests else 2

    def has(self, code: ProblemCode) -> bool:
        return any(p.code == code for p in self.problems)


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
        failed = isinstance(project, Failure) and project.insufficient_scope
        return [insufficient] if failed else []
    if "api" in scopes:
        return []
    if "read_api" in scopes:
        return [Problem(code=ProblemCode.SCOPE_READ_ONLY, severity="warning",
                        message="The token has the `read_api` scope: Spyglass can view and track merge "
                                "requests but cannot post summaries, notes or commit statuses.",
                        remedy="To post, create a token with the `api` scope instead. " + NEW_TOKEN)]
    return [insufficient]


def _role_problem(member: Member | Failure | None) -> Problem | None:
    level = member.access_level if isinstance(member, Member) else None
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


def diagnose(url: str, project: str, probes: Probes, *, today: date) -> Diagnosis:
    """Judge a connection from GitLab's answers. Pure and deterministic (``today`` is injected)."""
    problems = _token_problems(probes.token, today)
    if not problems and isinstance(probes.user, Failure):
        problems = [_user_problem(probes.user)]
    scopes = list(probes.token.scopes) if isinstance(probes.token, TokenInfo) else None
    expires_at, days_left = _expiry(probes.token, today)
    usable = not problems
    if usable:
        problems += _scope_problems(scopes, probes.project)
        if isinstance(probes.project, Failure) and not probes.project.insufficient_scope:
            problems.append(Problem(
                code=ProblemCode.PROJECT_NOT_FOUND, severity="error",
                message=f"Project {project!r} was not found, or the token's user cannot see it.",
                remedy="Check the path (group/subgroup/project, as in its URL) or numeric id, and that "
                       "the user is a member of the project."))
        role = _role_problem(probes.member) if isinstance(probes.project, Project) else None
        problems += [role] if role else []
        if days_left is not None and 0 <= days_left <= EXPIRY_WARNING_DAYS:
            problems.append(Problem(
                code=ProblemCode.TOKEN_EXPIRING_SOON, severity="warning",
                message=f"The token expires on {expires_at} ({days_left} days left).",
                remedy="Create a new token before then and connect it "
                       "(Settings → GitLab integration, or `spyglass gitlab connect`)."))
    can_read = not any(p.severity == "error" for p in problems) and isinstance(probes.project, Project)
    user = probes.user if isinstance(probes.user, User) else None
    proj = probes.project if isinstance(probes.project, Project) else None
    level = probes.member.access_level if isinstance(probes.member, Member) else None
    return Diagnosis(
        url=url, project=proj.path_with_namespace if proj else project,
        project_id=proj.id if proj else None, project_web_url=proj.web_url if proj else None,
        user=user.username if user else None, user_id=user.id if user else None,
        bot=user.bot if user else False, scopes=scopes, expires_at=expires_at, days_left=days_left,
        access_level=level, role=role_name(level), can_read_merge_requests=can_read,
        can_post=can_read and not any(p.code == ProblemCode.SCOPE_READ_ONLY for p in problems),
        problems=problems)


@dataclass(frozen=True)
class StatusLine:
    """One troubleshooting item of ``spyglass gitlab status``."""

    label: str
    outcome: Literal["pass", "warn", "fail", "skip"]
    detail: str
    remedy: str = ""


_ITEMS: tuple[tuple[str, tuple[ProblemCode, ...]], ...] = (
    ("Token recognised", (ProblemCode.TOKEN_UNKNOWN,)),
    ("Token active", (ProblemCode.TOKEN_EXPIRED, ProblemCode.TOKEN_REVOKED,
                      ProblemCode.TOKEN_EXPIRING_SOON)),
    ("Scope allows posting", (ProblemCode.SCOPE_INSUFFICIENT, ProblemCode.SCOPE_READ_ONLY)),
    ("Project found", (ProblemCode.PROJECT_NOT_FOUND,)),
    ("Role Maintainer or Owner", (ProblemCode.ROLE_BELOW_MAINTAINER,)),
)


def _pass_detail(label: str, d: Diagnosis) -> str:
    if label == "Token recognised":
        return f"acts as {d.user}" + (" (bot)" if d.bot else "")
    if label == "Token active":
        return f"expires {d.expires_at} ({d.days_left} days left)" if d.expires_at else "no expiry date known"
    if label == "Scope allows posting":
        return f"scopes: {', '.join(d.scopes)}" if d.scopes is not None else "scopes unknown (older GitLab)"
    if label == "Project found":
        return f"{d.project} (id {d.project_id})"
    return f"{d.role} (access level {d.access_level})"


def status_lines(d: Diagnosis) -> list[StatusLine]:
    """One line per troubleshooting item, pass / warn / fail / skip, each failure with its remedy."""
    lines: list[StatusLine] = []
    blocked = False
    for label, codes in _ITEMS:
        found = [p for p in d.problems if p.code in codes]
        if found:
            failed = any(p.severity == "error" for p in found)
            lines.append(StatusLine(label, "fail" if failed else "warn", " ".join(p.message for p in found),
                                    " ".join(p.remedy for p in found)))
            blocked = blocked or failed
        elif blocked:
            lines.append(StatusLine(label, "skip", "not checked (fix the problem above first)"))
        else:
            lines.append(StatusLine(label, "pass", _pass_detail(label, d)))
    return lines
