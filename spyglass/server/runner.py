"""Check runs off the event loop: a thread pool, progress, cancellation, waiting.

dbt adapters are synchronous, so every run executes in a worker thread through
:meth:`Session.run_check`; several may run at once. Cancelling fires the run's :class:`CancelToken`,
which the warehouse turns into a cancel of the running query. A finished run is handed to the
:class:`Workspace`, which saves it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TypeVar

from pydantic import ValidationError

from spyglass.checks.registry import lookup
from spyglass.exceptions import NotFound, SpyglassError, UsageError
from spyglass.report.details import render_details
from spyglass.server.schemas import RunView
from spyglass.server.workspace import Workspace
from spyglass.service import Session, validation_message
from spyglass.state.models import ErrorInfo, RawParams, RunRecord, RunStatus
from spyglass.warehouse.base import CancelToken

T = TypeVar("T")
log = logging.getLogger("spyglass.server")


@dataclass
class _Active:
    run_id: str
    type: str
    params: RawParams
    check_id: str | None
    title: str
    started_at: datetime
    cancel: CancelToken = field(default_factory=CancelToken)
    future: Future[RunRecord] | None = None
    progress: float = 0.0
    message: str = ""


class RunManager:
    """Starts runs in a thread pool and answers for them until the workspace has their record."""

    def __init__(self, session: Session, workspace: Workspace, *, workers: int = 4) -> None:
        self._session = session
        self._workspace = workspace
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="spyglass-run")
        self._active: dict[str, _Active] = {}
        self._lock = threading.Lock()

    def submit(self, type_name: str, params: RawParams, *, check_id: str | None = None) -> str:
        """Validate the type and params (UsageError → 4xx), then start the run; returns its id."""
        definition = lookup(type_name)
        if definition is None:
            raise UsageError(f"Spyglass has no check type {type_name!r}.",
                             remedy="Use one of the types listed by GET /api/info (check_types).")
        try:
            typed = definition.params_model.model_validate(params)
        except ValidationError as exc:
            raise UsageError(f"Invalid params for {type_name}: {validation_message(exc)}.",
                             remedy="Fix the params and send the request again.") from None
        active = _Active(run_id=uuid.uuid4().hex, type=type_name, params=params, check_id=check_id,
                         title=definition.title(typed), started_at=datetime.now(timezone.utc))
        with self._lock:
            self._active[active.run_id] = active
            active.future = self._pool.submit(self._execute, active)
        return active.run_id

    def _execute(self, active: _Active) -> RunRecord:
        def progress(fraction: float, message: str) -> None:
            active.progress = max(0.0, min(1.0, fraction))
            active.message = message

        try:
            record = self._session.run_check(active.type, active.params, check_id=active.check_id,
                                             cancel=active.cancel, progress=progress, run_id=active.run_id)
        except Exception as exc:  # a bug in a check must become a failed run, never a lost one
            record = RunRecord(
                run_id=active.run_id, type=active.type, params=active.params, check_id=active.check_id,
                status=RunStatus.FAILED, started_at=active.started_at, ended_at=datetime.now(timezone.utc),
                error=ErrorInfo(kind=type(exc).__name__, message="The check failed unexpectedly.",
                                remedy="Re-run it; if it fails again, report it with the server log."),
            )
        try:
            self._workspace.record_run(record)
        except SpyglassError as exc:  # kept in memory; only the state file could not be written
            log.error("The run %s finished but the state file could not be saved: %s", record.run_id, exc)
        finally:
            with self._lock:
                self._active.pop(active.run_id, None)
        return record

    def cancel(self, run_id: str) -> RunView:
        with self._lock:
            active = self._active.get(run_id)
        if active is not None:
            active.cancel.cancel()
        return self.view(run_id)

    def view(self, run_id: str) -> RunView:
        with self._lock:
            active = self._active.get(run_id)
        if active is not None:
            return RunView(run_id=active.run_id, type=active.type, title=active.title, params=active.params,
                           check_id=active.check_id, status=RunStatus.RUNNING, progress=active.progress,
                           progress_message=active.message, started_at=active.started_at)
        return run_view(self._session, self._workspace.run(run_id))

    async def wait(self, run_id: str, timeout: float) -> RunView:
        """The run's view once it finished, or still running after ``timeout`` seconds."""
        with self._lock:
            active = self._active.get(run_id)
        if active is not None and active.future is not None:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(active.future)), timeout)
        return self.view(run_id)

    def running(self) -> list[RunView]:
        with self._lock:
            ids = list(self._active)
        views = []
        for run_id in ids:
            try:
                views.append(self.view(run_id))
            except NotFound:
                continue
        return views

    def shutdown(self) -> None:
        with self._lock:
            actives = list(self._active.values())
        for active in actives:
            active.cancel.cancel()
        self._pool.shutdown(wait=True, cancel_futures=True)


def run_view(session: Session, run: RunRecord) -> RunView:
    """A stored run as the API shows it (title, headline, mismatch, Markdown details)."""
    result = run.result
    return RunView(
        run_id=run.run_id, type=run.type, title=session.title(run.type, run.params), params=run.params,
        check_id=run.check_id, status=run.status, progress=1.0, result=result, error=run.error,
        started_at=run.started_at, ended_at=run.ended_at,
        mismatch=None if result is None else _safe(lambda: result.mismatch),
        headline=None if result is None else _safe(lambda: result.headline),
        details_markdown="" if result is None else (_safe(lambda: render_details(result)) or ""),
    )


def _safe(get: Callable[[], T]) -> T | None:
    try:
        return get()
    except Exception:  # a placeholder or buggy renderer must not break the API
        return None
