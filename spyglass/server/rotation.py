"""The server's watch over the stored token's expiry: a warning 14 days ahead, and rotation when opted in.

The expiry is the one recorded when the token was connected or rotated (no request to GitLab to learn it).
At start and then daily, :meth:`AutoRotator.check` logs the warning and, when the user turned automatic
rotation on (the store's ``gitlab.auto_rotate``), rotates a token within 14 days of its expiry through
:meth:`GitLabService.rotate` (the new token is stored before any other request uses it). One rotation at a
time: in this process a lock, across processes the store's rotation marker.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from datetime import date, datetime, timezone

from spyglass.exceptions import SpyglassError
from spyglass.gitlab.diagnose import EXPIRY_WARNING_DAYS
from spyglass.gitlab.errors import GitLabRotationBusy, GitLabRotationLost
from spyglass.gitlab.rotate import AUTO_ROTATE_KEY, EXPIRES_KEY, RotationResult, refuse_if_rotating
from spyglass.gitlab.service import GitLabService
from spyglass.server.schemas import Body, View
from spyglass.store.db import Store

log = logging.getLogger("spyglass.server")
DAILY_SECONDS = 24 * 3600.0


class RotationStatus(View):
    """What the settings page shows about the token's lifetime (no request to GitLab)."""

    connected: bool
    auto_rotate: bool
    expires_at: date | None
    days_left: int | None
    #: "The GitLab token expires on ... (N days left) ..." within 14 days of expiry, else None
    expiry_warning: str | None
    last_rotated_at: datetime | None = None
    last_error: str | None = None
    #: a rotation under way, lost or interrupted (what happened and what to do), else None
    rotation_problem: str | None = None


class AutoRotateRequest(Body):
    auto_rotate: bool


class AutoRotator:
    """Checks the stored token's expiry; rotates it when due and opted in. ``today``/``now`` injectable."""

    def __init__(self, service: GitLabService, store: Store, *, today: Callable[[], date] = date.today,
                 now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> None:
        self._service = service
        self._store = store
        self._today = today
        self._now = now
        self._lock = threading.Lock()
        self._last_rotated: datetime | None = None
        self._last_error: str | None = None

    def enabled(self) -> bool:
        return self._store.get_setting(AUTO_ROTATE_KEY) == "true"

    def set_enabled(self, on: bool) -> RotationStatus:
        """Turn automatic rotation on or off (stored; the next daily check acts on it)."""
        self._store.set_setting(AUTO_ROTATE_KEY, "true" if on else "false")
        return self.status()

    def status(self) -> RotationStatus:
        try:
            refuse_if_rotating(self._store, self._now())
            problem = None
        except (GitLabRotationBusy, GitLabRotationLost) as exc:
            problem = str(exc)
        connected = self._store.connection() is not None
        raw = self._store.get_setting(EXPIRES_KEY) if connected else None
        expires = date.fromisoformat(raw) if raw else None
        days = (expires - self._today()).days if expires else None
        return RotationStatus(connected=connected, auto_rotate=self.enabled(), expires_at=expires, days_left=days,
                              expiry_warning=self._warning(expires, days), last_rotated_at=self._last_rotated,
                              last_error=self._last_error, rotation_problem=problem)

    def _warning(self, expires: date | None, days: int | None) -> str | None:
        if expires is None or days is None or days > EXPIRY_WARNING_DAYS:
            return None
        if days < 0:
            return f"The GitLab token expired on {expires}: create a new one and connect it."
        then = ("Spyglass rotates it automatically." if self.enabled() else
                "Rotate it (`spyglass gitlab rotate`, or Rotate now), or turn on automatic rotation.")
        return f"The GitLab token expires on {expires} ({days} days left). {then}"

    def check(self) -> RotationStatus:
        """Warn when the token is within 14 days of expiry; rotate it then when opted in (never twice at once)."""
        status = self.status()
        if status.expiry_warning:
            log.warning("%s", status.expiry_warning)
        due = status.days_left is not None and 0 <= status.days_left <= EXPIRY_WARNING_DAYS
        if not (status.auto_rotate and due) or not self._lock.acquire(blocking=False):
            return status
        try:
            result = self._service.rotate()
            self._last_rotated, self._last_error = self._now(), None
            log.info("The GitLab token was rotated automatically: ...%s replaced ...%s, expires %s.",
                     result.token_last4, result.previous_last4, result.expires_at or "never")
        except SpyglassError as exc:
            self._last_error = exc.message
            log.warning("Rotating the GitLab token automatically failed: %s %s", exc.message, exc.remedy)
        finally:
            self._lock.release()
        return self.status()

    def rotate_now(self) -> RotationResult:
        """Rotate at once (the settings page's button); :class:`GitLabRotationBusy` while one runs."""
        if not self._lock.acquire(blocking=False):
            raise GitLabRotationBusy("A token rotation is under way.", remedy="Try again in a minute.")
        try:
            result = self._service.rotate()
            self._last_rotated, self._last_error = self._now(), None
            return result
        finally:
            self._lock.release()

    async def run(self, interval: float = DAILY_SECONDS) -> None:
        """Check at start, then every ``interval`` seconds, until cancelled."""
        while True:
            try:
                await asyncio.to_thread(self.check)
            except RuntimeError:  # the loop's executor is shutting down with the server
                return
            except Exception as exc:  # the daily check must outlive one bad day
                log.error("The GitLab token check failed unexpectedly (%s); it runs again tomorrow.",
                          type(exc).__name__)
            await asyncio.sleep(interval)
