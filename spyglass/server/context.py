"""What every router is given: the session, the workspace, the run manager, the artifact watcher.

One :class:`ServerContext` per app, built by :func:`spyglass.server.app.create_app`; routers receive it
as an argument (no globals).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from spyglass.exceptions import SpyglassError
from spyglass.server.config import ServerConfig
from spyglass.server.gitlab_port import GitLabPort
from spyglass.server.runner import RunManager
from spyglass.server.workspace import Workspace
from spyglass.service import Session

log = logging.getLogger("spyglass.server")


class ArtifactWatcher:
    """Polls :meth:`Session.reload_if_changed`; bumps ``version`` and wakes waiting pages on a change.

    A reload never waits for running checks or the warehouse (the session swaps one artifact snapshot),
    so pages and API reads answer at once while a long query runs, and a run keeps the artifacts it
    started with.
    """

    def __init__(self, session: Session, workspace: Workspace, *, interval: float) -> None:
        self._session = session
        self._workspace = workspace
        self._interval = interval
        self.version = 1
        self._changed: asyncio.Condition | None = None
        self._last_error: str | None = None
        self._stopping = False

    def _refresh_state(self) -> None:
        snapshot = self._session.snapshot  # one snapshot: both parts describe the same artifacts
        self._workspace.refresh_environment(self._session.environment_info(snapshot),
                                            self._session.lineage_summary(snapshot))

    def _condition(self) -> asyncio.Condition:
        if self._changed is None:
            self._changed = asyncio.Condition()
        return self._changed

    async def check_once(self) -> bool:
        """Reload when dbt rewrote the artifacts; True when it did (errors keep the old artifacts)."""
        try:
            changed = await asyncio.to_thread(self._session.reload_if_changed)
        except RuntimeError:  # the loop's executor is shutting down with the server
            return False
        except SpyglassError as exc:
            if exc.message != self._last_error:  # say it once, not at every poll while dbt is still writing
                log.warning("Artifacts changed but could not be reloaded yet: %s", exc.message)
            self._last_error = exc.message
            return False
        self._last_error = None
        if changed:
            try:
                await asyncio.to_thread(self._refresh_state)
            except SpyglassError as exc:  # the pages still refresh; only the state file lags behind
                log.warning("Artifacts reloaded, but the state file could not record it: %s", exc.message)
            condition = self._condition()
            async with condition:
                self.version += 1
                condition.notify_all()
            log.info("Artifacts reloaded (version %d); open pages refresh.", self.version)
        return changed

    async def watch(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            await self.check_once()

    async def wait_for_change(self, known: int, timeout: float) -> int:
        """The version once it differs from ``known``, or the current one after ``timeout`` seconds
        (at once when the server is stopping)."""
        condition = self._condition()
        async with condition:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(condition.wait_for(lambda: self.version != known or self._stopping),
                                       timeout)
            return self.version

    async def release_waiters(self) -> None:
        """Answer every waiting page now and from now on: the server is stopping."""
        self._stopping = True
        condition = self._condition()
        async with condition:
            condition.notify_all()


@dataclass(frozen=True)
class ServerContext:
    session: Session
    workspace: Workspace
    runs: RunManager
    watcher: ArtifactWatcher
    config: ServerConfig
    gitlab: GitLabPort | None
