"""The facade every entry point (CLI, server, GitLab, demo) shares.

A :class:`Session` owns one dbt project's artifacts, lineage diff and (lazily) its warehouse
connection. It is thread-safe: the server calls it from several worker threads at once.

A failed connection attempt is never remembered beyond the callers that waited for it: the next use
tries again (a database that was down may be back). A warehouse check that cannot get a connection
fails with the connection's own error (what went wrong, what to do), never "skipped".
"""

from __future__ import annotations

import copy
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from pydantic import ValidationError

from spyglass.checks.base import CheckContext, CheckDefinition, CheckType, Params, ProgressFn, no_progress
from spyglass.checks.registry import lookup
from spyglass.exceptions import Cancelled, CheckSkipped, SpyglassError, UsageError
from spyglass.project.artifacts import artifact_fingerprint, load_pair
from spyglass.project.lineage import LineageDiff, diff_lineage
from spyglass.project.models import ArtifactPair, Artifacts
from spyglass.settings import ProjectSettings
from spyglass.state.models import (
    EnvironmentInfo,
    EnvSide,
    ErrorInfo,
    LineageNode,
    LineageSummary,
    RawParams,
    RunRecord,
    RunStatus,
)
from spyglass.warehouse.base import CancelToken, Warehouse

WarehouseOpener = Callable[[ProjectSettings, ArtifactPair], Warehouse]


def _default_opener(settings: ProjectSettings, artifacts: ArtifactPair) -> Warehouse:
    from spyglass.warehouse.dbt import open_warehouse

    return open_warehouse(settings, artifacts)


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


def validate_check(type_name: str, params: RawParams) -> tuple[CheckDefinition[Any, Any], Params]:
    """The definition and typed params of a check: the one validation the runner, the CLI and the
    API's create/patch all use.

    Raises:
        UsageError: the type is unknown or the params do not fit it (HTTP 400 / exit 2).
    """
    definition = lookup(type_name)
    if definition is None:
        raise UsageError(f"Spyglass has no check type {type_name!r}.",
                         remedy="Use one of: " + ", ".join(t.value for t in CheckType) + ".")
    try:
        return definition, definition.params_model.model_validate(params)
    except ValidationError as exc:
        raise UsageError(f"Invalid params for {type_name}: {validation_message(exc)}.",
                         remedy="Fix the check's params (in spyglass.yml, the state file or the request) "
                                "and try again.") from None


class Session:
    """Artifacts + lineage + warehouse of one dbt project, shared by all entry points."""

    def __init__(
        self,
        settings: ProjectSettings,
        artifacts: ArtifactPair,
        *,
        open_warehouse: WarehouseOpener = _default_opener,
    ) -> None:
        self.settings = settings
        self._open_warehouse = open_warehouse
        self._lock = threading.RLock()
        #: held while connecting (separately, so a slow connect never blocks reading the artifacts);
        #: taken before ``_lock`` when both are needed, never after
        self._connect_lock = threading.Lock()
        self._artifacts = artifacts
        self._lineage = diff_lineage(artifacts)
        self._fingerprint = artifact_fingerprint(settings.base_dir, settings.current_dir)
        self._warehouse: Warehouse | None = None
        #: failed connection attempts so far, and the last one's error (shared with callers that waited)
        self._failures = 0
        self._last_failure: SpyglassError | None = None

    @classmethod
    def load(cls, settings: ProjectSettings, *, open_warehouse: WarehouseOpener = _default_opener) -> Session:
        """Load both environments' artifacts (raises ArtifactError with what to run)."""
        return cls(settings, load_pair(settings.base_dir, settings.current_dir), open_warehouse=open_warehouse)

    # -- artifacts --------------------------------------------------------------------------------
    @property
    def artifacts(self) -> ArtifactPair:
        with self._lock:
            return self._artifacts

    @property
    def lineage(self) -> LineageDiff:
        with self._lock:
            return self._lineage

    def reload_if_changed(self) -> bool:
        """Reload the artifacts when dbt rewrote them on disk; True when something changed."""
        fingerprint = artifact_fingerprint(self.settings.base_dir, self.settings.current_dir)
        with self._lock:
            if fingerprint == self._fingerprint:
                return False
            artifacts = load_pair(self.settings.base_dir, self.settings.current_dir)
            self._artifacts = artifacts
            self._lineage = diff_lineage(artifacts)
            self._fingerprint = fingerprint
        self.close()  # the next use opens the warehouse over the new artifacts
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
                self._warehouse = self._open_warehouse(self.settings, self.artifacts)
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
                connection: Connection | None = None) -> CheckContext:
        """What a check runs with; ``connection`` None = attempt to connect now."""
        attempt = connection if connection is not None else self.connect()
        return CheckContext(
            artifacts=self.artifacts,
            lineage=self.lineage,
            warehouse=attempt.warehouse,
            warehouse_error=attempt.error,
            cancel=cancel or CancelToken(),
            progress=progress,
        )

    def run_check(
        self,
        type_name: str,
        params: RawParams,
        *,
        check_id: str | None = None,
        cancel: CancelToken | None = None,
        progress: ProgressFn = no_progress,
        run_id: str | None = None,
        connection: Connection | None = None,
    ) -> RunRecord:
        """Run one check and return its record; check failures are recorded, never raised.

        ``connection``: an attempt made once for several checks (``spyglass run``); None = the check
        connects itself when it needs the warehouse. Checks that need none never connect.
        """
        started = utcnow()
        record = {
            "run_id": run_id or uuid.uuid4().hex,
            "type": type_name,
            "params": params,
            "check_id": check_id,
            "started_at": started,
        }
        try:
            definition, typed_params = validate_check(type_name, params)
        except UsageError as exc:
            return RunRecord(**record, status=RunStatus.FAILED, error=_error_info(exc), ended_at=utcnow())
        if not definition.needs_warehouse:
            connection = Connection()
        ctx = self.context(cancel, progress, connection=connection)
        try:
            ctx.cancel.raise_if_cancelled()
            result = definition.run(typed_params, ctx)
        except CheckSkipped as exc:
            return RunRecord(**record, status=RunStatus.SKIPPED, error=_error_info(exc), ended_at=utcnow())
        except Cancelled as exc:
            return RunRecord(**record, status=RunStatus.CANCELLED, error=_error_info(exc), ended_at=utcnow())
        except SpyglassError as exc:
            return RunRecord(**record, status=RunStatus.FAILED, error=_error_info(exc), ended_at=utcnow())
        return RunRecord(**record, status=RunStatus.SUCCESS, result=result, ended_at=utcnow())

    def title(self, type_name: str, params: RawParams) -> str:
        """A default name for a check of this type and params."""
        definition = lookup(type_name)
        if definition is None:
            return type_name
        try:
            return definition.title(definition.params_model.model_validate(params))
        except ValidationError:
            return type_name

    # -- environment ------------------------------------------------------------------------------------
    def environment_info(self) -> EnvironmentInfo:
        pair = self.artifacts
        return EnvironmentInfo(base=_env_side(pair.base, str(self.settings.base_dir)),
                               current=_env_side(pair.current, str(self.settings.current_dir)))

    def lineage_summary(self) -> LineageSummary:
        """Changed nodes plus everything downstream of them, and the edges among those nodes."""
        lineage = self.lineage
        keep = {uid for uid, c in lineage.changes.items() if c.status.value != "unchanged" or c.impacted}
        nodes = [
            LineageNode(unique_id=c.unique_id, name=c.name, resource_type=c.resource_type.value,
                        status=c.status.value, impacted=c.impacted, reasons=list(c.reasons))
            for uid, c in sorted(lineage.changes.items()) if uid in keep
        ]
        edges = sorted({(parent, child) for child in keep for parent in lineage.parent_map.get(child, ())
                        if parent in keep})
        return LineageSummary(nodes=nodes, edges=edges)


def _error_info(exc: SpyglassError) -> ErrorInfo:
    return ErrorInfo(kind=type(exc).__name__, message=exc.message, remedy=exc.remedy)


def validation_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "params"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


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
