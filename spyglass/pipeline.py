"""Run a list of checks headlessly and produce a complete state: what ``spyglass run`` (and the demo,
and the server's "re-run all") do."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone

from spyglass.checks.presets import PresetCheck
from spyglass.checks.registry import lookup
from spyglass.project.git import detect_git
from spyglass.service import Connection, Session
from spyglass.state.bounds import StateLimits, bound_state, same_result
from spyglass.state.models import CheckRecord, MergeRequestRef, RunRecord, RunStatus, State
from spyglass.state.store import new_state
from spyglass.warehouse.base import CancelToken

#: (index, total, check, finished run or None when the check is about to start)
ProgressCallback = Callable[[int, int, CheckRecord, RunRecord | None], None]


def _now() -> datetime:
    return datetime.now(timezone.utc)


def checks_from_presets(session: Session, presets: Sequence[PresetCheck]) -> list[CheckRecord]:
    """Turn preset definitions into check records (named by type and params when unnamed)."""
    now = _now()
    return [
        CheckRecord(
            check_id=uuid.uuid4().hex,
            name=preset.name or session.title(preset.type, preset.params),
            description=preset.description,
            type=preset.type,
            params=preset.params,
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
    if run.status is RunStatus.SUCCESS and run.result is not None and not run.result.mismatch:
        # an inconclusive result (e.g. schema diff without catalogs) is left to the reviewer
        return run.result.conclusive
    if check.approved and previous is not None and previous.result is not None:
        return same_result(previous, run)
    return False


def needs_warehouse(checks: Sequence[CheckRecord]) -> bool:
    """True when any check needs the warehouse (unknown types fail without one) (pure)."""
    for check in checks:
        definition = lookup(check.type)
        if definition is not None and definition.needs_warehouse:
            return True
    return False


def connect_for(session: Session, checks: Sequence[CheckRecord]) -> Connection:
    """One connection attempt for all ``checks`` (none when no check needs the warehouse)."""
    return session.connect() if needs_warehouse(checks) else Connection()


def nothing_can_run(checks: Sequence[CheckRecord], connection: Connection) -> bool:
    """True when the warehouse could not be opened and every check needs it (pure)."""
    if connection.error is None or not checks:
        return False
    definitions = [lookup(c.type) for c in checks]
    return not any(d is not None and not d.needs_warehouse for d in definitions)


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
) -> State:
    """Run every check in order and return the new state, its results cut to ``limits`` (default
    :class:`StateLimits`) as a state file keeps them; nothing is written here.

    The warehouse is connected to once for all checks (``connection``, else attempted here): when it
    cannot be opened, every check that needs it fails with that error, and the others still run.
    """
    token = cancel or CancelToken()
    attempt = connection if connection is not None else connect_for(session, checks)
    updated: list[CheckRecord] = []
    runs: list[RunRecord] = []
    total = len(checks)
    for index, check in enumerate(checks):
        if on_progress:
            on_progress(index, total, check, None)
        run = session.run_check(check.type, check.params, check_id=check.check_id, cancel=token,
                                connection=attempt)
        prior = previous.latest_run(check) if previous else None
        approved = decide_approval(check, run, prior)
        updated.append(check.model_copy(update={"last_run_id": run.run_id, "approved": approved,
                                                "updated_at": _now()}))
        runs.append(run)
        if on_progress:
            on_progress(index + 1, total, check, run)
    base = previous or new_state()
    git = detect_git(session.settings.project_dir, environ if environ is not None else os.environ)
    mr = (MergeRequestRef(iid=git.merge_request_iid, project=git.project, web_url=git.merge_request_url,
                          source_branch=git.source_branch, target_branch=git.target_branch,
                          head_sha=git.sha)
          if git.merge_request_iid is not None else None)
    environment = session.environment_info().model_copy(
        update={"git_branch": git.branch, "git_sha": git.sha, "merge_request": mr})
    return bound_state(base.model_copy(update={
        "updated_at": _now(),
        "environment": environment,
        "lineage": session.lineage_summary(),
        "checks": updated,
        "runs": runs,
    }), limits or StateLimits())
