"""Pure: what the project's and the merge request's own fields say about posting and merge gating.

Read from ``GET /projects/:id`` and ``GET /projects/:id/merge_requests/:iid`` as GitLab returns them,
never by writing a test note:

- ``archived``: an archived project is read-only for everyone: notes, threads, statuses fail (403).
- ``merge_requests_enabled`` (per user: the feature is available *to this user*) and
  ``merge_requests_access_level`` (``disabled`` / ``private``: project members of Reporter and up /
  ``enabled``): without it the merge requests cannot even be read.
- a merge request's ``discussion_locked``: only project members (any role) may comment, resolve or edit.
- ``only_allow_merge_if_all_discussions_are_resolved`` ("All threads must be resolved") and
  ``only_allow_merge_if_pipeline_succeeds`` ("Pipelines must succeed"): the merge checks, on every tier.

GitLab has no separate switch that turns comments off in a project: archiving, a locked discussion and
turning merge requests off are the ways notes become impossible.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from spyglass.gitlab.models import MergeRequest, Project
from spyglass.gitlab.problems import Problem, ProblemCode, Severity

MERGE_CHECKS_PLACE = "the project's Settings -> Merge requests -> Merge checks"


class MergeChecks(BaseModel):
    """The project's merge checks (None: this GitLab did not return the field)."""

    model_config = ConfigDict(frozen=True)

    #: "All threads must be resolved": open Spyglass threads block the merge (any tier)
    threads_must_be_resolved: bool | None = None
    #: "Pipelines must succeed": a failed pipeline or commit status blocks the merge (any tier)
    pipelines_must_succeed: bool | None = None


def merge_checks(project: Project) -> MergeChecks:
    return MergeChecks(threads_must_be_resolved=project.only_allow_merge_if_all_discussions_are_resolved,
                       pipelines_must_succeed=project.only_allow_merge_if_pipeline_succeeds)


def enable_call(url: str, project_id: int, field: str) -> str:
    """The API call a Maintainer runs to turn one merge check on (the token is a placeholder)."""
    return (f'curl --request PUT --header "PRIVATE-TOKEN: <a Maintainer\'s api token>" '
            f'"{url}/api/v4/projects/{project_id}?{field}=true"')


#: each merge check: its field, code, severity, GitLab's name for it, what being off means
_CHECKS: tuple[tuple[str, ProblemCode, Severity, str, str], ...] = (
    ("only_allow_merge_if_all_discussions_are_resolved", ProblemCode.MERGE_CHECK_THREADS_OFF, "warning",
     "All threads must be resolved",
     "a merge request can be merged while Spyglass threads (one per mismatched check) are still open"),
    ("only_allow_merge_if_pipeline_succeeds", ProblemCode.MERGE_CHECK_PIPELINE_OFF, "info",
     "Pipelines must succeed", "a failed Spyglass job or commit status does not block the merge"),
)


def merge_check_problems(url: str, project: Project) -> list[Problem]:
    """A problem for each merge check that is off (nothing for one GitLab did not report)."""
    return [Problem(code=code, severity=severity, message=f'"{name}" is off: {meaning}.',
                    remedy=f'Turn on "{name}" in {MERGE_CHECKS_PLACE} (Maintainer; every tier, Free '
                           f"included), or: {enable_call(url, project.id, field)}")
            for field, code, severity, name, meaning in _CHECKS if getattr(project, field) is False]


def project_problems(project: Project) -> list[Problem]:
    """Problems of the project's own state: merge requests unavailable (error), archived (no posting)."""
    problems: list[Problem] = []
    level = project.merge_requests_access_level
    if project.merge_requests_enabled is False or level == "disabled":
        who = ("are turned off in this project" if level == "disabled" else
               "are visible only to project members of Reporter role and up (\"Only project members\")")
        problems.append(Problem(
            code=ProblemCode.MERGE_REQUESTS_DISABLED, severity="error",
            message=f"The project's merge requests {who}: the token's user cannot read them.",
            remedy="A Maintainer can turn merge requests on (Settings -> General -> Visibility, project "
                   "features, permissions -> Merge requests), or give the token's user the Reporter role "
                   "or higher (Manage -> Members)."))
    if project.archived:
        problems.append(Problem(
            code=ProblemCode.PROJECT_ARCHIVED, severity="warning",
            message="The project is archived: it is read-only, so Spyglass can read its merge requests but "
                    "posting summaries, threads and commit statuses will fail (403), whatever the token's "
                    "scope and role.",
            remedy="An Owner can unarchive it (Settings -> General -> Advanced -> Unarchive project)."))
    return problems


def discussion_problem(mr: MergeRequest, member: bool | None) -> Problem | None:
    """A locked discussion stops a non-member (and possibly one whose role is unknown) from posting."""
    if not mr.discussion_locked or member:
        return None
    who = ("the token's user is not a member of the project" if member is False
           else "the token's role in the project could not be read")
    return Problem(
        code=ProblemCode.DISCUSSION_LOCKED, severity="warning",
        message=f"The discussion of merge request !{mr.iid} is locked: only project members can comment, "
                f"and {who}, so posting on it "
                + ("will fail (403)." if member is False else "may fail (403)."),
        remedy="A project member who can edit the merge request can unlock it (its ⋮ menu -> Unlock "
               "discussion), or add the token's user to the project (Manage -> Members).")
