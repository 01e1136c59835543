"""The facade every entry point (CLI, server, GitLab, demo) shares.

A :class:`Session` owns one dbt project's artifacts (one immutable
:class:`~spyglass.project.snapshot.ProjectSnapshot` at a time) and, lazily, its warehouse connection.
It is thread-safe: the server calls it from several worker threads at once. The two are independent:
a reader takes the current snapshot without waiting for anything, a reload reads the new artifacts
outside any lock and publishes them in one assignment, and neither waits for, nor closes, the warehouse
(which runs SQL and never needs the artifacts). A check keeps the snapshot it started with.

A failed connection attempt is never remembered beyond the callers that waited for it: the next use
tries again (a database that was down may be back). A warehouse check that cannot get a connection
fails with the connection's own error (what went wrong, what to do), never "skipped".
"""

from __future__ import annotations

import copy
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

from spyglass.checks.base import CheckContext, Params, ProgressFn, no_progress
from spyglass.checks.registry import AnySpec, definition_of
from spyglass.checks.scope import NodeSelection, within
from spyglass.exceptions import Cancelled, CheckSkipped, SpyglassError
from spyglass.project.lineage import LineageDiff
from spyglass.project.models import ArtifactPair, Artifacts, Env
from spyglass.project.selection import select_nodes
from spyglass.project.snapshot import ProjectSnapshot, build_snapshot, current_fingerprint, load_snapshot
from spyglass.settings import ProjectSettings
from spyglass.state.lineage import build_summary, catalog_column_count, check_nodes
from spyglass.state.models import (
    EnvironmentInfo,
    EnvSide,
    ErrorInfo,
    LineageSummary,
    RunRecord,
    RunStatus,
)
from spyglass.warehouse.base import CancelToken, Warehouse

WarehouseOpener = Callable[[ProjectSettings], Warehouse]


#: what a run's budget does to a check before it runs (:meth:`spyglass.checks.budget.RunBudget.guard`): its
#: type, params and context in; the params to run and a note for the result out (or it raises)
CheckGuard = Callable[[str, Params, CheckContext], tuple[Params, str | None]]


def _default_opener(settings: ProjectSettings) -> Warehouse:
    from spyglass.warehouse.dbt import open_warehouse

    return open_warehouse(settings)


log = logging.getLogger("spyglass")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Connection:
    """The outcome of one attempt to open the warehouse: the warehouse, or the error saying why not.

    ``spyglass run`` attempts once and hands the outcome to every check, so an unreachable host costs
    one connect timeout, not one per check. ``Connection()`` (neither) means no attempt was made.
    """

    warehouse: Warehouse | None = None
    error: SpyglassError | None = None


class Session:
    """The artifact snapshot + warehouse of one dbt project, shared by all entry points (see module doc)."""

    def __init__(
        self,
        settings: ProjectSettings,
        artifacts: ArtifactPair | ProjectSnapshot,
        *,
        open_warehouse: WarehouseOpener = _default_opener,
    ) -> None:
        """``artifacts``: a snapshot (e.g. another session's), or an artifact pair to take one of."""
        self.settings = settings
        self._open_warehouse = open_warehouse
        #: replaced whole by a reload; read without a lock (one attribute read)
        self._snapshot = (artifacts if isinstance(artifacts, ProjectSnapshot)
                          else build_snapshot(settings, artifacts, current_fingerprint(settings)))
        #: one reload at a time (so an older reload never publishes over a newer one); readers never take it
        self._reload_lock = threading.Lock()
        #: held while connecting or closing; never taken by a reader or a reload
        self._connect_lock = threading.Lock()
        self._warehouse: Warehouse | None = None
        #: failed connection attempts so far, and the last one's error (shared with callers that waited)
        self._failures = 0
        self._last_failure: SpyglassError | None = None

    @classmethod
    def load(cls, settings: ProjectSettings, *, open_warehouse: WarehouseOpener = _default_opener) -> Session:
        """Load both environments' artifacts (raises ArtifactError with what to run, ConfigError for a
        dbt_project.yml that is not YAML)."""
        return cls(settings, load_snapshot(settings), open_warehouse=open_warehouse)

    # -- artifacts --------------------------------------------------------------------------------
    @property
    def snapshot(self) -> ProjectSnapshot:
        """The current artifacts, lineage and renderer, as one consistent whole (never waits)."""
        return self._snapshot

    @property
    def artifacts(self) -> ArtifactPair:
        return self._snapshot.artifacts

    @property
    def lineage(self) -> LineageDiff:
        return self._snapshot.lineage

    def reload_if_changed(self) -> bool:
        """Load a new snapshot when dbt rewrote the artifacts on disk; True when something changed.

        Readers keep answering from the old snapshot meanwhile, and checks running on it finish on it;
        the warehouse is left alone (it does not depend on the artifacts).

        Raises:
            ArtifactError, ConfigError: the new artifacts cannot be read yet; the old snapshot stays.
        """
        with self._reload_lock:
            if current_fingerprint(self.settings) == self._snapshot.fingerprint:
                return False
            self._snapshot = load_snapshot(self.settings, self._snapshot.column_cache)
        return True

    # -- warehouse ----------------------------------------------------------------------------------
    def warehouse(self) -> Warehouse:
        """The open warehouse connection, opened on first use.

        A failed attempt is not cached: the next call tries again. Callers that were waiting while an
        attempt failed get that attempt's error instead of each waiting for a connect timeout of its own.

        Raises:
            ConfigError: profiles.yml missing, no such profile or target.
            WarehouseUnavailable: the adapter is missing or the database cannot be reached.
        """
        failures_seen = self._failures
        with self._connect_lock:
            if self._warehouse is not None:
                return self._warehouse
            if self._failures != failures_seen and self._last_failure is not None:
                raise copy.copy(self._last_failure)  # a copy: the shared one keeps no traceback of ours
            try:
                self._warehouse = self._open_warehouse(self.settings)
            except SpyglassError as exc:
                self._failures += 1
                self._last_failure = exc
                raise
            self._last_failure = None
            return self._warehouse

    def try_warehouse(self) -> Warehouse | None:
        """The warehouse, or None when it cannot be opened right now (tried again on the next call)."""
        return self.connect().warehouse

    def connect(self) -> Connection:
        """One attempt to open the warehouse (or the one already open); never raises SpyglassError."""
        try:
            return Connection(warehouse=self.warehouse())
        except SpyglassError as exc:
            return Connection(error=exc)

    def close(self) -> None:
        with self._connect_lock:
            if self._warehouse is not None:
                self._warehouse.close()
                self._warehouse = None

    # -- checks ---------------------------------------------------------------------------------------
    def context(self, cancel: CancelToken | None = None, progress: ProgressFn = no_progress, *,
                connection: Connection | None = None, snapshot: ProjectSnapshot | None = None) -> CheckContext:
        """What a check runs with; ``connection`` None = attempt to connect now; ``snapshot`` None =
        the current one."""
        attempt = connection if connection is not None else self.connect()
        snap = snapshot or self._snapshot
        return CheckContext(
            artifacts=snap.artifacts,
            lineage=snap.lineage,
            renderer=snap.renderer,
            changes=snap.changes,
            warehouse=attempt.warehouse,
            warehouse_error=attempt.error,
            cancel=cancel or CancelToken(),
            progress=progress,
        )

    def run_check(
        self,
        spec: AnySpec,
        *,
        check_id: str | None = None,
        cancel: CancelToken | None = None,
        progress: ProgressFn = no_progress,
        run_id: str | None = None,
        connection: Connection | None = None,
        snapshot: ProjectSnapshot | None = None,
        selection: NodeSelection | None = None,
        guard: CheckGuard | None = None,
    ) -> RunRecord:
        """Run one check (its spec parsed where it came in) and return its record; check failures, and a
        bug in a check, are recorded as a failed run, never raised.

        ``connection``: an attempt made once for several checks (``spyglass run``); None = the check
        connects itself when it needs the warehouse. Checks that need none never connect.
        ``snapshot``: the artifacts a run of several checks started with; None = the current ones.
        ``selection``: a run's ``--select/--exclude``: the check runs on its nodes in it, or is skipped
        (:func:`spyglass.checks.scope.within`).
        ``guard``: a run's budget (:meth:`spyglass.checks.budget.RunBudget.guard`): the params to run, maybe
        sampled (its note then joins the result's), or :class:`~spyglass.exceptions.OverBudget` (skipped).
        """
        snap = snapshot or self._snapshot
        record = {"run_id": run_id or uuid.uuid4().hex, "spec": spec, "check_id": check_id, "started_at": utcnow(),
                  "node_ids": check_nodes(spec.params, snap.artifacts, snap.lineage)}
        definition = definition_of(spec)
        if not definition.needs_warehouse:
            connection = Connection()
        try:
            ctx = self.context(cancel, progress, connection=connection, snapshot=snap)
            ctx.cancel.raise_if_cancelled()
            params = spec.params if selection is None else within(spec.params, selection, ctx.artifacts, ctx.lineage)
            note = None
            if guard is not None:
                params, note = guard(spec.type, params, ctx)
            result = definition.run(params, ctx)
            if note is not None:
                result = result.model_copy(update={"notes": (*result.notes, note)})
        except CheckSkipped as exc:
            return RunRecord(**record, status=RunStatus.SKIPPED, error=_error_info(exc), ended_at=utcnow())
        except Cancelled as exc:
            return RunRecord(**record, status=RunStatus.CANCELLED, error=_error_info(exc), ended_at=utcnow())
        except SpyglassError as exc:
            return RunRecord(**record, status=RunStatus.FAILED, error=_error_info(exc), ended_at=utcnow())
        except Exception as exc:  # a bug in a check: a failed run (one log line), so other checks still run
            log.error("The %s check (run %s) failed unexpectedly: %s", spec.type, record["run_id"],
                      type(exc).__name__)
            return RunRecord(**record, status=RunStatus.FAILED, ended_at=utcnow(), error=ErrorInfo(
                kind=type(exc).__name__, message="The check failed unexpectedly.",
                remedy="Run it again; if it fails again, report it with the log."))
        return RunRecord(**record, status=RunStatus.SUCCESS, result=result, ended_at=utcnow())

    # -- environment ------------------------------------------------------------------------------------
    def environment_info(self, snapshot: ProjectSnapshot | None = None) -> EnvironmentInfo:
        pair = (snapshot or self._snapshot).artifacts
        shown = partial(project_relative, project_dir=self.settings.project_dir)
        return EnvironmentInfo(base=_env_side(pair.base, shown(self.settings.base_dir)),
                               current=_env_side(pair.current, shown(self.settings.current_dir)))

    def lineage_summary(self, snapshot: ProjectSnapshot | None = None, *,
                        selection: NodeSelection | None = None) -> LineageSummary:
        """Changed nodes plus everything downstream of them, the edges among those nodes, and the change
        intelligence of each (of ``snapshot``, else the current one); ``selection``: a run's
        ``--select/--exclude``, which marks the nodes outside it.

        When the change analysis fails (a bug: it reports SQL it cannot read as ``unknown``), the summary
        is the lineage alone, ``analysed`` False, and one log line says so.
        """
        snap = snapshot or self._snapshot
        report, counts = None, catalog_column_count(snap.artifacts)
        try:
            report = snap.changes.impact()
        except Exception as exc:  # the summary must still be written: without the analysis
            log.error("The change analysis failed, so the summary shows the lineage alone: %s: %s",
                      type(exc).__name__, exc)

        def column_count(unique_id: str) -> int | None:
            known = counts(unique_id)
            if known is not None:
                return known
            try:
                return len(snap.changes.columns(Env.CURRENT, unique_id).columns) or None
            except SpyglassError:
                return None

        selected = None
        if selection is not None and selection.active:
            selected = select_nodes(snap.artifacts, snap.lineage, selection.select or None, selection.exclude or None)
        return build_summary(snap.artifacts, snap.lineage, report, column_count=column_count, selected=selected,
                             selection=selection.describe() if selection is not None else None)


def _error_info(exc: SpyglassError) -> ErrorInfo:
    return ErrorInfo(kind=type(exc).__name__, message=exc.message, remedy=exc.remedy)


def project_relative(path: Path, *, project_dir: Path) -> str:
    """``path`` relative to the project directory (``target-base``), or only its name when it lies
    outside: the state and the summary posted on a merge request never carry the runner's absolute paths."""
    try:
        return path.resolve().relative_to(project_dir.resolve()).as_posix() or "."
    except ValueError:
        return path.resolve().name or path.as_posix()


def _env_side(artifacts: Artifacts, target_path: str) -> EnvSide:
    meta = artifacts.manifest.metadata
    schemas = sorted({n.schema for n in artifacts.manifest.nodes.values()
                      if n.schema and n.resource_type.value in {"model", "seed", "snapshot"}})
    return EnvSide(
        target_path=target_path,
        manifest_generated_at=meta.generated_at,
        catalog_generated_at=artifacts.catalog.generated_at if artifacts.catalog else None,
        dbt_version=meta.dbt_version,
        adapter_type=meta.adapter_type,
        schema_names=schemas,
    )
