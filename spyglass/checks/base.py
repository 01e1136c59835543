"""What every check type shares: its type name, context, params/result base classes, definition."""

from __future__ import annotations

import builtins
import copy
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Generic, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict

from spyglass.exceptions import SpyglassError, WarehouseUnavailable
from spyglass.project.lineage import LineageDiff
from spyglass.project.models import ArtifactPair
from spyglass.warehouse.base import CancelToken, Warehouse


class CheckType(str, Enum):
    """Check type names; identical to Recce's so a ``recce.yml`` runs unchanged."""

    LINEAGE_DIFF = "lineage_diff"
    SCHEMA_DIFF = "schema_diff"
    ROW_COUNT_DIFF = "row_count_diff"
    VALUE_DIFF = "value_diff"
    VALUE_DIFF_DETAIL = "value_diff_detail"
    QUERY = "query"
    QUERY_DIFF = "query_diff"
    PROFILE_DIFF = "profile_diff"
    TOP_K_DIFF = "top_k_diff"
    HISTOGRAM_DIFF = "histogram_diff"


class Params(BaseModel):
    """Base of every check's parameters (validated from spyglass.yml / recce.yml / the API)."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class Result(BaseModel):
    """Base of every check's result: frozen, JSON round-trippable, derived figures as properties."""

    model_config = ConfigDict(frozen=True)

    @property
    def mismatch(self) -> bool:
        """True when the result shows a difference between base and current."""
        raise NotImplementedError

    @property
    def headline(self) -> str:
        """One short line for tables (``"2 of 5 models differ"``)."""
        raise NotImplementedError

    @property
    def conclusive(self) -> bool:
        """False when the check could not see all it was asked about (a schema diff without a
        catalog): no mismatch then proves nothing, so such a result must not be auto-approved."""
        return True


class ProgressFn(Protocol):
    def __call__(self, fraction: float, message: str) -> None: ...


def no_progress(fraction: float, message: str) -> None:
    """A ProgressFn that ignores progress."""


@dataclass(frozen=True)
class CheckContext:
    """Everything a check may use. ``warehouse`` is None when no connection could be opened;
    ``warehouse_error`` then says why, and every check that needs the warehouse fails with it."""

    artifacts: ArtifactPair
    lineage: LineageDiff
    warehouse: Warehouse | None
    cancel: CancelToken
    progress: ProgressFn = no_progress
    warehouse_error: SpyglassError | None = None

    def require_warehouse(self) -> Warehouse:
        """The warehouse; raises the connection's own error (ConfigError, WarehouseUnavailable ...)
        when there is none, so the run fails with what went wrong and what to do."""
        if self.warehouse is not None:
            return self.warehouse
        if self.warehouse_error is not None:
            raise copy.copy(self.warehouse_error)  # shared by every check of a run: raise a fresh copy
        raise WarehouseUnavailable(
            "This check needs the warehouse, but no connection to it was opened.",
            remedy="Pass --profiles-dir/--target (as dbt takes them) or run `spyglass debug`.",
        )


P = TypeVar("P", bound=Params)
R = TypeVar("R", bound=Result)


@dataclass(frozen=True)
class CheckDefinition(Generic[P, R]):
    """One check type: how to validate its params, run it and name it."""

    type: CheckType
    params_model: builtins.type[P]
    result_model: builtins.type[R]
    run: Callable[[P, CheckContext], R]
    title: Callable[[P], str]
    needs_warehouse: bool = True
