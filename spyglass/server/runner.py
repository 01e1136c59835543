"""Check runs off the event loop: a pool of worker threads, progress, cancellation, time limit, waiting.

dbt adapters are synchronous, so every run executes in a worker thread through
:meth:`spyglass.service.Session.run_check`, as ``spyglass run`` runs its checks; several may run at once.
Cancelling fires the run's :class:`CancelToken`, which the warehouse turns into a cancel of the running
query and the template renderer into a stop, so a cancelled run frees its worker. A run still going
after ``run_seconds`` is cancelled the same way and recorded as failed ("timed out"). A finished run is
handed to the :class:`Workspace`, which settles its check as ``spyglass run`` does
(:func:`spyglass.pipeline.settle_check`) and saves it.

:meth:`RunManager.shutdown` cancels every run and returns within its timeout even if a worker is stuck
in a call nothing can interrupt; the workers are daemon threads, so such a worker does not keep the
process alive either.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime, timezone

from spyglass.checks.registry import AnySpec, title
from spyglass.exceptions import Cancelled, NotFound, SpyglassError
from spyglass.report.figures import run_figures
from spyglass.server.schemas import RunView
from spyglass.server.workspace import Workspace
from spyglass.service import Session
from spyglass.state.models import CheckRecord, ErrorInfo, RunRecord, RunStatus
from spyglass.warehouse.base import CancelToken

log = logging.getLogger("spyglass.server")


@dataclass
class _Active:
    run_id: str
    spec: AnySpec
    check_id: str | None
    title: str
    started_at: datetime
    cancel: CancelToken = field(default_factory=CancelToken)
    future: Future[RunRecord] = field(default_factory=Future)
    progress: float = 0.0
    message: str = ""
    timed_out: bool = False


class _Workers:
    """``count`` daemon threads running queued runs (started on the first submit)."""

    def __init__(self, count: int, work: Callable[[_Active], RunRecord]) -> None:
        self._count = max(1, count)
        self._work = work
        self._queue: queue.SimpleQueue[_Active | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._stopped = False

    def submit(self, active: _Active) -> None:
        with self._lock:
            if not self._threads and not self._stopped:
                self._threads = [threading.Thread(target=self._loop, name=f"spyglass-run-{n}", daemon=True)
                                 for n in range(self._count)]
                for thread in self._threads:
                    thread.start()
        self._queue.put(active)

    def _loop(self) -> None:
        while (active := self._queue.get()) is not None:
            if not active.future.set_running_or_notify_cancel():
                continue
            try:
                active.future.set_result(self._work(active))
            except BaseException as exc:  # handed to whoever waits on the future
                active.future.set_exception(exc)

    def stop(self, timeout: float) -> bool:
        """Let the workers finish what is queued and end; True when all ended within ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._lock:
            if not self._stopped:
                self._stopped = True
                for _ in self._threads:
                    self._queue.put(None)
            threads = list(self._threads)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return not any(thread.is_alive() for thread in threads)


class RunManager:
    """Starts runs on worker threads and answers for them until the workspace has their record.

    ``run_seconds`` (None or 0: no limit) is how long one run may take before it is cancelled.
    """

    def __init__(self, session: Session, workspace: Workspace, *, workers: int = 4,
                 run_seconds: float | None = None) -> None:
        self._session = session
        self._workspace = workspace
        self._workers = _Workers(workers, self._execute)
        self._run_seconds = run_seconds or None
        self._active: dict[str, _Active] = {}
        self._lock = threading.Lock()
        self._closed = False

    def submit(self, spec: AnySpec, *, check_id: str | None = None) -> str:
        """Start a run of ``spec`` (parsed where it came in); returns its id."""
        active = _Active(run_id=uuid.uuid4().hex, spec=spec, check_id=check_id, title=title(spec),
                         started_at=datetime.now(timezone.utc))
        with self._lock:
            if self._closed:
                raise Cancelled("The server is stopping, so the run was not started.",
                                remedy="Start it again once the server is back.")
            self._active[active.run_id] = active
        self._workers.submit(active)
        return active.run_id

    def submit_checks(self, checks: Sequence[CheckRecord]) -> list[RunView]:
        """Start a run of each check's spec, in order; each settles its check once recorded."""
        return [self.view(self.submit(check.spec, check_id=check.check_id)) for check in checks]

    def _execute(self, active: _Active) -> RunRecord:
        def progress(fraction: float, message: str) -> None:
            active.progress = max(0.0, min(1.0, fraction))
            active.message = message

        def time_out() -> None:
            active.timed_out = True
            active.cancel.cancel()

        timer = threading.Timer(self._run_seconds, time_out) if self._run_seconds else None
        if timer is not None:
            timer.daemon = True
            timer.start()
        try:
            record = self._session.run_check(active.spec, check_id=active.check_id, cancel=active.cancel,
                                             progress=progress, run_id=active.run_id)
            if active.timed_out and record.status is RunStatus.CANCELLED:
                record = record.model_copy(update={"status": RunStatus.FAILED, "error": self._timeout_error()})
        finally:
            if timer is not None:
                timer.cancel()
        try:
            self._workspace.record_run(record)
        except SpyglassError as exc:  # kept in memory; only the state file could not be written
            log.error("The run %s finished but the state file could not be saved: %s", record.run_id, exc)
        finally:
            with self._lock:
                self._active.pop(active.run_id, None)
        return record

    def _timeout_error(self) -> ErrorInfo:
        return ErrorInfo(kind="RunTimeout",
                         message=f"The run took longer than {self._run_seconds:g} s, the server's limit for one "
                                 "run, and was stopped (its warehouse query cancelled).",
                         remedy="Narrow the check (fewer columns, a where condition, a smaller model), or "
                                "start the server with a longer run limit.")

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
            return RunView(run_id=active.run_id, spec=active.spec, title=active.title, check_id=active.check_id,
                           status=RunStatus.RUNNING, progress=active.progress, progress_message=active.message,
                           started_at=active.started_at)
        return run_view(self._workspace.run(run_id))

    async def wait(self, run_id: str, timeout: float) -> RunView:
        """The run's view once it finished, or still running after ``timeout`` seconds (the view, with
        its rendered details, is made off the event loop)."""
        with self._lock:
            active = self._active.get(run_id)
        if active is not None:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(active.future)), timeout)
        return await asyncio.to_thread(self.view, run_id)

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

    def shutdown(self, timeout: float = 5.0) -> None:
        """Refuse new runs, cancel every run (running or queued) and wait for the workers at most
        ``timeout`` seconds (a worker still stuck is left behind: it is a daemon thread). Safe to call
        several times, from any thread."""
        with self._lock:
            self._closed = True
            actives = list(self._active.values())
        for active in actives:
            active.cancel.cancel()
        if not self._workers.stop(timeout):
            log.warning("Some runs did not stop within %.0f s of being cancelled; leaving them behind.", timeout)


def run_view(run: RunRecord) -> RunView:
    """A stored run as the API shows it (title, headline, mismatch, Markdown details)."""
    figures = run_figures(run)
    return RunView(
        run_id=run.run_id, spec=run.spec, title=title(run.spec), check_id=run.check_id, status=run.status,
        progress=1.0, result=run.result, error=run.error, started_at=run.started_at, ended_at=run.ended_at,
        mismatch=figures.mismatch, conclusive=figures.conclusive, headline=figures.headline,
        details_markdown=figures.details_markdown,
    )
