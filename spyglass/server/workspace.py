"""The server's checklist and runs: one :class:`State` in memory, written to its file in the background.

Every method takes the lock, builds a new frozen ``State``, measures it and hands its text to a
:class:`spyglass.server.writer.StateWriter` before returning; the writer's thread writes the newest state
at most every ``save_interval`` seconds, so no request waits for the disk and a burst of changes is one
write. Only the checks and runs that changed are serialised and measured again (:class:`StateText`,
:class:`BoundRuns`), and the file is read back only when another program changed it (:class:`StateFile`).
A change is on disk within ``save_interval`` (plus one write), at once after :meth:`Workspace.save`, and
after :meth:`Workspace.close` (the server's clean shutdown); a crash loses the last ``save_interval`` of
changes at most. A failed write is answered, like before, with the :class:`StateError` (409) of the next
change or save, the change itself kept in memory. Thread-safe: run workers and request handlers call it
concurrently.

The state stays within :class:`StateLimits` (:mod:`spyglass.state.bounds`): each check's latest run, the
newest ad-hoc runs, results cut to their share of the budget, and never more than ``state_bytes`` in all
(a change that would exceed it is refused with :class:`StateTooLarge`). A run of a check is settled as in
``spyglass run`` (:func:`spyglass.pipeline.settle_check`: its latest run, approval by the same rule).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from spyglass.checks.registry import AnySpec
from spyglass.exceptions import NotFound, UsageError
from spyglass.pipeline import settle_check
from spyglass.server.writer import SAVE_INTERVAL, StateWriter
from spyglass.state.bounds import BoundRuns, StateLimits, bound_state, check_size
from spyglass.state.file import StateFile
from spyglass.state.models import (
    CheckRecord,
    EnvironmentInfo,
    LineageSummary,
    MergeRequestRef,
    RunRecord,
    State,
)
from spyglass.state.text import StateText


def keep_binding(environment: EnvironmentInfo, previous: EnvironmentInfo | None) -> EnvironmentInfo:
    """``environment`` (freshly read from the artifacts) keeping the merge request, branch and commit the
    checklist was bound to."""
    if previous is None or environment.merge_request is not None:
        return environment
    return environment.model_copy(update={"merge_request": previous.merge_request,
                                          "git_branch": environment.git_branch or previous.git_branch,
                                          "git_sha": environment.git_sha or previous.git_sha})


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Workspace:
    """Thread-safe holder of the current :class:`State`; written to ``path`` when one is set."""

    def __init__(self, state: State, *, path: Path | None, limits: StateLimits | None = None,
                 save_interval: float = SAVE_INTERVAL) -> None:
        self._limits = limits or StateLimits()
        self._bounds = BoundRuns()  # only new runs are measured (and cut) again
        self._state = bound_state(state, self._limits, self._bounds)  # a state from before the bounds shrinks
        self._path = path
        self._writer = StateWriter(StateFile(path), interval=save_interval) if path is not None else None
        self._text = StateText()
        self._lock = threading.Lock()

    @property
    def limits(self) -> StateLimits:
        return self._limits

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def writes(self) -> int:
        """How many times the state file was written."""
        return self._writer.writes if self._writer is not None else 0

    def snapshot(self) -> State:
        with self._lock:
            return self._state

    def _commit(self, state: State, *, bound: bool = False) -> State:
        """Make ``state`` current and hand it to the writer; ``bound`` when its runs changed (they are
        bounded again).

        Raises:
            StateTooLarge: the state would exceed ``limits.state_bytes``; nothing changed.
            StateError: the last write of the state file failed; the change is kept (and written with
                the next write that succeeds).
        """
        state = self._publish(state, bound=bound)
        if self._writer is not None:
            self._writer.raise_failure()
        return state

    def _publish(self, state: State, *, bound: bool = False) -> State:
        if bound:
            state = bound_state(state, self._limits, self._bounds)
        state = state.model_copy(update={"updated_at": _now()})
        text = self._text.render(state)
        check_size(text, self._limits)
        self._state = state
        if self._writer is not None:
            self._writer.changed(text)
        return state

    # -- runs ---------------------------------------------------------------------------------------
    def record_run(self, run: RunRecord) -> None:
        """Store a finished run; a run of a check becomes that check's latest run, and the check stays
        approved only as ``spyglass run`` would keep it (:func:`settle_check` against the run it
        replaces, as the check is now: a reviewer may have approved it while it ran)."""
        with self._lock:
            state = self._state
            runs = [r for r in state.runs if r.run_id != run.run_id] + [run]
            checks = [settle_check(c, run, state.latest_run(c)) if c.check_id == run.check_id else c
                      for c in state.checks]
            self._commit(state.model_copy(update={"runs": runs, "checks": checks}), bound=True)

    def run(self, run_id: str) -> RunRecord:
        run = self.snapshot().run(run_id)
        if run is None:
            raise NotFound(f"There is no run {run_id!r}.", remedy="List the runs with GET /api/runs.")
        return run

    # -- checks -------------------------------------------------------------------------------------
    def check(self, check_id: str) -> CheckRecord:
        for check in self.snapshot().checks:
            if check.check_id == check_id:
                return check
        raise NotFound(f"There is no check {check_id!r}.", remedy="List the checks with GET /api/checks.")

    def add_check(
        self, *, name: str, spec: AnySpec, description: str = "", last_run_id: str | None = None,
    ) -> CheckRecord:
        now = _now()
        check = CheckRecord(check_id=uuid.uuid4().hex, name=name, description=description, spec=spec,
                            last_run_id=last_run_id, created_at=now, updated_at=now)
        with self._lock:
            state = self._state
            runs = [r.model_copy(update={"check_id": check.check_id}) if r.run_id == last_run_id else r
                    for r in state.runs]
            self._commit(state.model_copy(update={"checks": [*state.checks, check], "runs": runs}), bound=True)
        return check

    def update_check(self, check_id: str, changes: dict[str, object]) -> CheckRecord:
        """Apply ``changes`` (name, description, approved, params); unknown keys were refused earlier."""
        with self._lock:
            state = self._state
            updated: CheckRecord | None = None
            checks = []
            for check in state.checks:
                if check.check_id == check_id:
                    check = check.model_copy(update={**changes, "updated_at": _now()})
                    updated = check
                checks.append(check)
            if updated is None:
                raise NotFound(f"There is no check {check_id!r}.",
                               remedy="List the checks with GET /api/checks.")
            self._commit(state.model_copy(update={"checks": checks}))
            return updated

    def delete_check(self, check_id: str) -> None:
        with self._lock:
            state = self._state
            checks = [c for c in state.checks if c.check_id != check_id]
            if len(checks) == len(state.checks):
                raise NotFound(f"There is no check {check_id!r}.",
                               remedy="List the checks with GET /api/checks.")
            self._commit(state.model_copy(update={"checks": checks}), bound=True)  # its runs go too

    def reorder(self, check_ids: Sequence[str]) -> list[CheckRecord]:
        """Put the checks in the given order; the ids must be exactly the current checks."""
        with self._lock:
            state = self._state
            by_id = {c.check_id: c for c in state.checks}
            if sorted(check_ids) != sorted(by_id):
                raise UsageError("The new order must list every check exactly once.",
                                 remedy="Send all check ids from GET /api/checks, in the order you want.")
            checks = [by_id[i] for i in check_ids]
            self._commit(state.model_copy(update={"checks": checks}))
            return checks

    # -- whole state --------------------------------------------------------------------------------
    def replace(self, state: State) -> State:
        """Import: the given state's checks and runs replace ours (bounded like our own); the environments
        stay this server's."""
        with self._lock:
            update: dict[str, object] = {"checks": state.checks, "runs": state.runs}
            return self._commit(self._state.model_copy(update=update), bound=True)

    def refresh_environment(self, environment: EnvironmentInfo, lineage: LineageSummary) -> None:
        """After the artifacts were reloaded: the state describes the new environments (still bound to
        its merge request)."""
        with self._lock:
            environment = keep_binding(environment, self._state.environment)
            self._commit(self._state.model_copy(update={"environment": environment, "lineage": lineage}))

    def bind_merge_request(self, merge_request: MergeRequestRef | None) -> State:
        """Tie the checklist to a merge request's source branch and head commit (None: untie it)."""
        with self._lock:
            env = self._state.environment
            if env is None:
                raise UsageError("The checklist has no environments to bind to a merge request.",
                                 remedy="Start the server over a dbt project with both artifacts.")
            update = {"merge_request": merge_request,
                      "git_branch": merge_request.source_branch if merge_request else env.git_branch,
                      "git_sha": merge_request.head_sha if merge_request else env.git_sha}
            return self._commit(self._state.model_copy(update={"environment": env.model_copy(update=update)}))

    def save(self) -> Path:
        """Write the state now and return once it is on disk (``POST /api/state/save``).

        Raises:
            StateError: the file could not be written (the state stays in memory).
        """
        with self._lock:
            if self._path is None or self._writer is None:
                raise UsageError("This server was started without a state file, so there is nowhere to save.",
                                 remedy="Use Export to download the state, or restart with a STATE_FILE.")
            self._publish(self._state)
        self._writer.flush()  # outside the lock: changes go on while the file is written
        return self._path

    def close(self) -> None:
        """Write what is not on disk yet and stop the writer (the server is stopping). Idempotent.

        Raises:
            StateError: the last write failed.
        """
        if self._writer is not None:
            self._writer.close()
