"""The run use case: run checks, settle each check's approval, produce the state.

Every entry point runs checks through here, so a result means the same everywhere:

* :meth:`Session.run_check <spyglass.service.Session.run_check>` runs one spec and never raises for a
  check's failure (a bug in a check becomes a failed run too); :func:`settle_check` makes a run a
  check's latest and decides its approval (:func:`decide_approval`).
* :func:`run_all` is ``spyglass run`` (locally and in CI): every check in order, one warehouse connection,
  and the new state.
* The server runs each check on its own worker (cancellable, with progress): its
  :class:`~spyglass.server.runner.RunManager` calls ``Session.run_check``, and its workspace settles the
  check with :func:`settle_check` when the run is recorded (``POST /api/checks/run`` re-runs them all).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone

from spyglass.checks.budget import Budget, RunBudget
from spyglass.checks.presets import PresetCheck
from spyglass.checks.registry import definition_of, title
from spyglass.checks.scope import NodeSelection
from spyglass.project.git import detect_git
from spyglass.project.git_log import base_branch, base_freshness
from spyglass.service import Connection, Session
from spyglass.settings import ProjectSettings
from spyglass.state.bounds import StateLimits, bound_state, same_result
from spyglass.state.models import BaseFreshnessInfo, CheckRecord, MergeRequestRef, RunRecord, RunStatus, State
from spyglass.state.store import new_state
from spyglass.warehouse.base import CancelToken

#: (index, total, check, finished run or None when the check is about to start)
ProgressCallback = Callable[[int, int, CheckRecord, RunRecord | None], None]


def _now() -> datetime:
    return datetime.now(timezone.utc)


def checks_from_presets(presets: Sequence[PresetCheck]) -> list[CheckRecord]:
    """Turn preset definitions into check records (named after their spec when unnamed) (pure)."""
    now = _now()
    return [
        CheckRecord(
            check_id=uuid.uuid4().hex,
            name=preset.name or title(preset.spec),
            description=preset.description,
            spec=preset.spec,
            is_preset=True,
            created_at=now,
            updated_at=now,
        )
        for preset in presets
    ]


def decide_approval(check: CheckRecord, run: RunRecord, previous: RunRecord | None) -> bool:
    """Auto-approve a check whose conclusive result shows no difference; keep a reviewer's approval
    only while the result it approved is unchanged (pure). Results are compared as computed, also when
    the state file keeps a cut copy (:func:`spyglass.state.bounds.same_result`)."""
    result = run.result if run.status is RunStatus.SUCCESS else None
    if result is not None and not result.mismatch and result.conclusive:
        return True  # an inconclusive result (a schema diff without catalogs) is the reviewer's to approve
    if check.approved and previous is not None and previous.result is not None:
        return same_result(previous, run)
    return False


def settle_check(check: CheckRecord, run: RunRecord, previous: RunRecord | None) -> CheckRecord:
    """``check`` once ``run`` (a run of it) finished: the run is its latest, and it is approved as
    :func:`decide_approval` says against ``previous``, the run it replaces."""
    return check.model_copy(update={"last_run_id": run.run_id, "approved": decide_approval(check, run, previous),
                                    "updated_at": _now()})


def needs_warehouse(checks: Sequence[CheckRecord]) -> bool:
    """True when any check needs the warehouse (pure)."""
    return any(definition_of(check.spec).needs_warehouse for check in checks)


def connect_for(session: Session, checks: Sequence[CheckRecord]) -> Connection:
    """One connection attempt for all ``checks`` (none when no check needs the warehouse)."""
    return session.connect() if needs_warehouse(checks) else Connection()


def nothing_can_run(checks: Sequence[CheckRecord], connection: Connection) -> bool:
    """True when the warehouse could not be opened and every check needs it (pure)."""
    if connection.error is None or not checks:
        return False
    return all(definition_of(c.spec).needs_warehouse for c in checks)


def freshness_info(settings: ProjectSettings, generated_at: str, environ: Mapping[str, str]) -> BaseFreshnessInfo:
    """Base artifacts generated at ``generated_at`` against the base branch's last change to the project
    (``spyglass check-base``'s verdict)."""
    report = base_freshness(settings, base_branch(settings.project_dir, None, environ), generated_at)
    return BaseFreshnessInfo(status=report.status.value, line=report.line, base_branch=report.base_branch,
                             commit_sha=report.commit_sha)


def run_all(
    session: Session,
    checks: Sequence[CheckRecord],
    *,
    previous: State | None = None,
    on_progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    environ: Mapping[str, str] | None = None,
    connection: Connection | None = None,
    limits: StateLimits | None = None,
    selection: NodeSelection | None = None,
    budget: Budget | None = None,
) -> State:
    """Run every check in order and return the new state, its results cut to ``limits`` (default
    :class:`StateLimits`) as a state file keeps them; nothing is written here. With ``selection``
    (``--select/--exclude``) each check runs on its nodes in it, or is skipped saying so. With ``budget``
    (``--max-rows``, ``budget:``) each data check is estimated first and skipped, or sampled, when over it
    (:mod:`spyglass.checks.budget`).

    The warehouse is connected to once for all checks (``connection``, else attempted here): when it
    cannot be opened, every check that needs it fails with that error, and the others still run.
    The whole run works from the artifacts it started with, also when the session reloads them meanwhile.
    """
    snapshot = session.snapshot
    token = cancel or CancelToken()
    attempt = connection if connection is not None else connect_for(session, checks)
    updated: list[CheckRecord] = []
    runs: list[RunRecord] = []
    total = len(checks)
    guard = RunBudget(budget).guard if budget is not None and budget.active else None
    for index, check in enumerate(checks):
        if on_progress:
            on_progress(index, total, check, None)
        run = session.run_check(check.spec, check_id=check.check_id, cancel=token, connection=attempt,
                                selection=selection, snapshot=snapshot, guard=guard)
        updated.append(settle_check(check, run, previous.latest_run(check) if previous else None))
        runs.append(run)
        if on_progress:
            on_progress(index + 1, total, check, run)
    base = previous or new_state()
    environ = environ if environ is not None else os.environ
    git = detect_git(session.settings.project_dir, environ)
    mr = (MergeRequestRef(iid=git.merge_request_iid, project=git.project, web_url=git.merge_request_url,
                          source_branch=git.source_branch, target_branch=git.target_branch,
                          head_sha=git.sha)
          if git.merge_request_iid is not None else None)
    freshness = freshness_info(session.settings, snapshot.artifacts.base.manifest.metadata.generated_at, environ)
    environment = session.environment_info(snapshot).model_copy(
        update={"git_branch": git.branch, "git_sha": git.sha, "merge_request": mr, "base_freshness": freshness})
    return bound_state(base.model_copy(update={
        "updated_at": _now(),
        "environment": environment,
        "lineage": session.lineage_summary(snapshot, selection=selection),
        "checks": updated,
        "runs": runs,
    }), limits or StateLimits())
