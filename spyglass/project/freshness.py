"""Base freshness: are the base artifacts older than the base branch's last change to the project?

Pure: the manifest's ``metadata.generated_at`` and the base branch's last commit touching the project
directory (read by :mod:`spyglass.project.git_log`) go in, a verdict with its one-line text and remedy
comes out. ``spyglass check-base`` exits with :attr:`FreshnessReport.exit_code`; ``spyglass debug`` and
the summary show :attr:`FreshnessReport.line`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum

#: where the base branch comes from when ``--base-branch`` is not given, first that is set wins
BRANCH_VARIABLES = ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "CI_DEFAULT_BRANCH")
DEFAULT_BRANCH = "main"


class Freshness(str, Enum):
    FRESH = "fresh"
    MISSING = "missing"
    STALE = "stale"
    #: the artifacts are there but git cannot say when the project last changed (no repository ...)
    UNKNOWN = "unknown"


#: ``spyglass check-base`` exit codes (a documented exception to the README's table): an unknown
#: freshness is not a fresh one, so it exits as a missing base does
EXIT_CODES = {Freshness.FRESH: 0, Freshness.MISSING: 1, Freshness.UNKNOWN: 1, Freshness.STALE: 2}


@dataclass(frozen=True)
class BaseBranch:
    name: str
    #: how it was chosen: ``--base-branch``, a CI variable's name, ``origin/HEAD`` or ``default``
    source: str


@dataclass(frozen=True)
class BaseCommit:
    """The base branch's last commit that touched the project directory."""

    branch: str
    #: the git revision it was read from (``origin/main`` or ``main``)
    revision: str
    sha: str
    committed_at: datetime


@dataclass(frozen=True)
class GitProblem:
    """Why the base branch's last change could not be read."""

    message: str
    remedy: str


@dataclass(frozen=True)
class FreshnessReport:
    status: Freshness
    #: one line: what was compared and the verdict
    line: str
    remedy: str = ""
    base_branch: str | None = None
    commit_sha: str | None = None
    committed_at: datetime | None = None
    generated_at: datetime | None = None

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]


def choose_branch(explicit: str | None, environ: Mapping[str, str], origin_head: str | None) -> BaseBranch:
    """``--base-branch``, else GitLab CI's target/default branch, else ``origin/HEAD``'s branch, else main."""
    if explicit:
        return BaseBranch(explicit, "--base-branch")
    for variable in BRANCH_VARIABLES:
        if environ.get(variable):
            return BaseBranch(environ[variable], variable)
    if origin_head:
        return BaseBranch(origin_head, "origin/HEAD")
    return BaseBranch(DEFAULT_BRANCH, "default")


def parse_timestamp(text: str | None) -> datetime | None:
    """An ISO 8601 time as dbt and git write it (``2024-05-01T10:00:00.123456Z``, ``...+02:00``), aware;
    a time without a zone is UTC (dbt writes UTC); None when absent or unreadable."""
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)


def _when(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def missing(problem: str, remedy: str) -> FreshnessReport:
    """No base artifacts to judge: ``problem`` says what is missing."""
    return FreshnessReport(Freshness.MISSING, f"Base artifacts missing: {problem}", remedy)


def judge(generated_at: str | None, last_change: BaseCommit | GitProblem, rebuild: str) -> FreshnessReport:
    """The verdict for a base manifest written at ``generated_at`` against the base branch's last change
    to the project; ``rebuild`` is the command that rebuilds the base artifacts (in the remedy)."""
    built = parse_timestamp(generated_at)
    if built is None:
        return FreshnessReport(Freshness.UNKNOWN, "Base freshness unknown: the base manifest has no readable "
                               f"metadata.generated_at ({generated_at or 'none'}).",
                               f"Rebuild the base artifacts with `{rebuild}`.")
    if isinstance(last_change, GitProblem):
        return FreshnessReport(Freshness.UNKNOWN, f"Base freshness unknown: {last_change.message}",
                               last_change.remedy, generated_at=built)
    commit = last_change
    compared = (f"base artifacts generated {_when(built)}, last change to the project on {commit.revision} "
                f"{_when(commit.committed_at)} ({commit.sha[:12]})")
    stale = built < commit.committed_at
    return FreshnessReport(
        Freshness.STALE if stale else Freshness.FRESH,
        f"Base artifacts are {'stale' if stale else 'fresh'}: {compared}.",
        f"Rebuild them from {commit.branch} with `{rebuild}` (or fetch the latest base build), then run "
        "Spyglass again." if stale else "",
        base_branch=commit.branch, commit_sha=commit.sha, committed_at=commit.committed_at, generated_at=built)
