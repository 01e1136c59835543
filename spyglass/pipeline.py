"""Run a list of checks headlessly and produce a complete state: what ``spyglass run`` (and the demo,
and the server's "re-run all") do."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone

from spyglass.checks.presets import PresetCheck
from spyglass.project.git import detect_git
from spyglass.service import Session
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
    only while the result it approved is unchanged (pure)."""
    if run.status is RunStatus.SUCCESS and run.result is not None and not run.result.mismatch:
        # an inconclusive result (e.g. schema diff without catalogs) is left to the reviewer
        return run.result.conclusive
    if check.approved and previous is not None and previous.result is not None:
        return previous.result == run.result
    return False


def run_all(
    session: Session,
    checks: Sequence[CheckRecord],
    *,
    previous: State | None = None,
    on_progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    environ: Mapping[str, str] | None = None,
) -> State:
    """Run every check in order and return the new state (nothing is written here)."""
    token = cancel or CancelToken()
    updated: list[CheckRecord] = []
    runs: list[RunRecord] = []
    total = len(checks)
    for index, check in enumerate(checks):
        if on_progress:
            on_progress(index, total, check, None)
        run = session.run_check(check.type, check.params, check_id=check.check_id, cancel=token)
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
    return base.model_copy(update={
        "updated_at": _now(),
        "environment": environment,
        "lineage": session.lineage_summary(),
        "checks": updated,
        "runs": runs,
    })
