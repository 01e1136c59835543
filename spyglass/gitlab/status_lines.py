"""Pure: a :class:`Diagnosis` as the troubleshooting list ``spyglass gitlab status`` prints."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from spyglass.gitlab.diagnose import Diagnosis
from spyglass.gitlab.problems import ProblemCode

Outcome = Literal["pass", "warn", "fail", "skip", "info"]


@dataclass(frozen=True)
class StatusLine:
    """One troubleshooting item of ``spyglass gitlab status``."""

    label: str
    outcome: Outcome
    detail: str
    remedy: str = ""


def _recognised(d: Diagnosis) -> str:
    if not d.token_readable:
        return "GitLab knows the token but refuses it (below): who it acts as is unknown"
    return f"acts as {d.user}" + (" (bot)" if d.bot else "")


def _active(d: Diagnosis) -> str:
    if not d.token_readable:
        return "unknown (the token cannot be read)"
    return f"expires {d.expires_at} ({d.days_left} days left)" if d.expires_at else "no expiry date known"


def _scopes(d: Diagnosis) -> str:
    return f"scopes: {', '.join(d.scopes)}" if d.scopes is not None else "scopes unknown"


def _posts(d: Diagnosis) -> str:
    if d.merge_request_iid is None:
        return "project not archived (give --mr to check a merge request's discussion lock too)"
    lock = "locked, and the token's user is a member" if d.discussion_locked else "open"
    return f"project not archived; discussion of !{d.merge_request_iid}: {lock}"


def _gate(value: bool | None) -> str:
    return "on" if value else "unknown (this GitLab did not return the setting)"


_Detail = Callable[[Diagnosis], str]
_ITEMS: tuple[tuple[str, tuple[ProblemCode, ...], _Detail], ...] = (
    ("Token recognised", (ProblemCode.TOKEN_UNKNOWN,), _recognised),
    ("Token active", (ProblemCode.TOKEN_EXPIRED, ProblemCode.TOKEN_REVOKED, ProblemCode.TOKEN_EXPIRING_SOON),
     _active),
    ("Token kind", (ProblemCode.TOKEN_PERSONAL,), lambda d: d.token_kind_label),
    ("Scope allows posting", (ProblemCode.SCOPE_INSUFFICIENT, ProblemCode.SCOPE_READ_ONLY,
                              ProblemCode.SCOPES_UNKNOWN), _scopes),
    ("Project found", (ProblemCode.PROJECT_NOT_FOUND, ProblemCode.MERGE_REQUESTS_DISABLED),
     lambda d: f"{d.project} (id {d.project_id})"),
    ("Project accepts posts", (ProblemCode.PROJECT_ARCHIVED, ProblemCode.DISCUSSION_LOCKED), _posts),
    ("Role Maintainer or Owner", (ProblemCode.ROLE_BELOW_MAINTAINER, ProblemCode.ROLE_UNKNOWN),
     lambda d: f"{d.role} (access level {d.access_level})"),
    ("Merge check: all threads must be resolved", (ProblemCode.MERGE_CHECK_THREADS_OFF,),
     lambda d: _gate(d.merge_checks.threads_must_be_resolved if d.merge_checks else None)),
    ("Merge check: pipelines must succeed", (ProblemCode.MERGE_CHECK_PIPELINE_OFF,),
     lambda d: _gate(d.merge_checks.pipelines_must_succeed if d.merge_checks else None)),
)

_OUTCOME: dict[str, Outcome] = {"error": "fail", "warning": "warn", "info": "info"}


def status_lines(d: Diagnosis) -> list[StatusLine]:
    """One line per troubleshooting item, pass / info / warn / fail / skip, each problem with its remedy."""
    lines: list[StatusLine] = []
    blocked = False
    for label, codes, detail in _ITEMS:
        found = [p for p in [*d.problems, *d.advice] if p.code in codes]
        if found:
            worst = next(s for s in ("error", "warning", "info") if any(p.severity == s for p in found))
            lines.append(StatusLine(label, _OUTCOME[worst], " ".join(p.message for p in found),
                                    " ".join(p.remedy for p in found)))
            blocked = blocked or worst == "error"
        elif blocked:
            lines.append(StatusLine(label, "skip", "not checked (fix the problem above first)"))
        else:
            text = detail(d)
            lines.append(StatusLine(label, "skip" if text.startswith("unknown") else "pass", text))
    return lines


def verdict(d: Diagnosis) -> tuple[Literal["good", "partial", "bad"], str]:
    """The last line of the report, matching the exit code (0 good, 3 partial, 2 bad)."""
    if d.can_post:
        return "good", "Spyglass can track merge requests and post summaries."
    if not d.can_read_merge_requests:
        return "bad", "This connection cannot be used."
    if d.posting == "unknown":
        return "partial", ("Spyglass can track merge requests; whether it can post is unknown (see above): "
                           "a post that GitLab refuses stops cleanly, writing nothing.")
    return "partial", "Spyglass can track merge requests but cannot post (see above)."
