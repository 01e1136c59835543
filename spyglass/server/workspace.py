"""The server's checklist and runs: one :class:`State` in memory, saved after every change.

Every method takes the lock, builds a new frozen ``State`` and saves it (atomically, through
:func:`spyglass.state.store.save_state`) before returning, so the file on disk always matches what the UI
shows. Thread-safe: run workers and request handlers call it concurrently.

The state stays within :class:`StateLimits` (:mod:`spyglass.state.bounds`): each check's latest run, the
newest ad-hoc runs, results cut to their share of the budget, and never more than ``state_bytes`` in all
(a change that would exceed it is refused with :class:`StateTooLarge`). A re-run of a check decides its
approval as ``spyglass run`` does (:func:`spyglass.pipeline.decide_approval`).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

from pydantic import JsonValue

from spyglass.exceptions import NotFound, UsageError
from spyglass.pipeline import decide_approval
from spyglass.state.bounds import StateLimits, bound_state, check_size
from spyglass.state.models import CheckRecord, EnvironmentInfo, LineageSummary, RunRecord, State
from spyglass.state.store import dump_state


class Saver(Protocol):
    """Writes a state (``text`` is its :func:`dump_state`, already made): :func:`save_state`."""

    def __call__(self, path: Path, state: State, *, text: str | None = None) -> None: ...


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Workspace:
    """Thread-safe holder of the current :class:`State`; persists through ``save`` when a path is set."""

    def __init__(self, state: State, *, path: Path | None, save: Saver, limits: StateLimits | None = None) -> None:
        self._limits = limits or StateLimits()
        self._state = bound_state(state, self._limits)  # a state file from before the bounds shrinks here
        self._path = path
        self._save = save
        self._lock = threading.Lock()

    @property
    def limits(self) -> StateLimits:
        return self._limits

    @property
    def path(self) -> Path | None:
        return self._path

    def snapshot(self) -> State:
        with self._lock:
            return self._state

    def _commit(self, state: State, *, bound: bool = False) -> State:
        """Make ``state`` current and save it; ``bound`` when its runs changed (they are bounded again).

        Raises:
            StateTooLarge: the state would exceed ``limits.state_bytes``; nothing changed.
        """
        if bound:
            state = bound_state(state, self._limits)
        state = state.model_copy(update={"updated_at": _now()})
        text = dump_state(state)
        check_size(text, self._limits)
        self._state = state  # memory first: a failing save (StateError, 409) must not lose the change
        if self._path is not None:
            self._save(self._path, state, text=text)
        return state

    # -- runs ---------------------------------------------------------------------------------------
    def record_run(self, run: RunRecord) -> None:
        """Store a finished run; a run of a check becomes that check's latest run, and the check stays
        approved only as ``spyglass run`` would keep it (:func:`decide_approval` against the run it
        replaces)."""
        with self._lock:
            state = self._state
            runs = [r for r in state.runs if r.run_id != run.run_id] + [run]
            checks = [
                c.model_copy(update={"last_run_id": run.run_id, "updated_at": _now(),
                                     "approved": decide_approval(c, run, state.latest_run(c))})
                if c.check_id == run.check_id else c
                for c in state.checks
            ]
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
        self, *, name: str, type_name: str, params: dict[str, JsonValue], description: str = "",
        last_run_id: str | None = None,
    ) -> CheckRecord:
        now = _now()
        check = CheckRecord(check_id=uuid.uuid4().hex, name=name, description=description, type=type_name,
                            params=params, last_run_id=last_run_id, created_at=now, updated_at=now)
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
        """After the artifacts were reloaded: the state describes the new environments."""
        with self._lock:
            self._commit(self._state.model_copy(update={"environment": environment, "lineage": lineage}))

    def save(self) -> Path:
        """Write the state now (``POST /api/state/save``)."""
        with self._lock:
            if self._path is None:
                raise UsageError("This server was started without a state file, so there is nowhere to save.",
                                 remedy="Use Export to download the state, or restart with a STATE_FILE.")
            self._commit(self._state)
            return self._path
