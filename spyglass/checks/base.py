"""What every check type shares: its spec (type name + params), context, result base class, definition.

A check type is one package ``spyglass.checks.<type>`` declaring its ``Params``, its ``CheckSpec`` (the
type name as a ``Literal`` and the params), its ``Result``, how to run it, its views (Markdown, and a
terminal view unless the headline will do) and a :class:`CheckDefinition` tying them together;
:mod:`spyglass.checks.registry` lists the definitions. Specs are parsed once, where they enter (API,
state file, presets, CLI), and travel typed from there.
"""

from __future__ import annotations

import builtins
import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, SerializerFunctionWrapHandler, model_serializer
from rich.console import RenderableType
from rich.text import Text

from spyglass.checks.scope import CheckNodes
from spyglass.exceptions import SpyglassError, WarehouseUnavailable
from spyglass.project.changes import ChangeAnalysis
from spyglass.project.lineage import LineageDiff
from spyglass.project.models import ArtifactPair, Env
from spyglass.project.render import SqlRenderer
from spyglass.warehouse.base import CancelToken, Warehouse

_P = TypeVar("_P", bound="Params")


class Params(BaseModel):
    """Base of every check's parameters (validated from spyglass.yml / recce.yml / the API).

    Unknown keys are ignored (Recce writes some Spyglass does not use). Serialised without the fields
    that hold their default, so a spec reads back as written (``{"select": "a"}``, not every option).
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    # no return annotation on purpose: pydantic would take it as the serialised schema and the OpenAPI
    # document would lose every params model's fields
    @model_serializer(mode="wrap")
    def _without_defaults(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]
        data = handler(self)
        fields = type(self).model_fields
        return {key: value for key, value in data.items()
                if key not in fields or getattr(self, key) != fields[key].get_default(call_default_factory=True)}

    def nodes(self) -> CheckNodes | None:
        """The nodes these params are about, which ``spyglass run --select`` limits (:mod:`spyglass.checks.scope`);
        None: no node in particular (a query), never limited."""
        return None

    def narrowed(self: _P, nodes: CheckNodes) -> _P:
        """These params on ``nodes``, a narrowing of :meth:`nodes` (types over several nodes override it)."""
        return self


class Result(BaseModel):
    """Base of every check's result: frozen, JSON round-trippable, derived figures as properties."""

    model_config = ConfigDict(frozen=True)

    #: what the check chose on the way that a reader should know, such as which node a model name
    #: meant when it could mean another (:mod:`spyglass.project.lookup`); shown above the details
    notes: tuple[str, ...] = ()

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

    @property
    def sampled(self) -> str | None:
        """How the result was sampled (``"a 10% sample of the keys"``), or None when it saw every row: its
        figures are then a sample's (:mod:`spyglass.checks.sampling`)."""
        return None


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
    #: renders SQL templates against ``artifacts`` (a session's carries ``--vars`` and dbt_project.yml's
    #: vars); None = ref/source/macros of ``artifacts`` without vars
    renderer: SqlRenderer | None = None
    #: column lineage, categories and impact over ``artifacts`` (a session's snapshot shares one, so what
    #: it computed is cached across checks); None = one is built over ``artifacts`` when asked
    changes: ChangeAnalysis | None = None

    def change_analysis(self) -> ChangeAnalysis:
        """``changes``, else a new analysis of ``artifacts`` and ``lineage`` (contexts built without one)."""
        return self.changes if self.changes is not None else ChangeAnalysis(self.artifacts, self.lineage)

    def render(self, template: str, env: Env) -> str:
        """``template`` rendered like dbt for the ``env`` side, stopped when the run is cancelled."""
        renderer = self.renderer or SqlRenderer(self.artifacts)
        return renderer.render(template, env, cancel=self.cancel)

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


class CheckSpec(BaseModel, Generic[P]):
    """What to check: the type's name and its typed params (``{"type": "value_diff", "params": {...}}``).

    Each check type subclasses it with ``type: Literal["<name>"] = "<name>"`` (its name, identical to
    Recce's so a ``recce.yml`` runs unchanged) and its params model.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: str
    params: P


#: a result's view in a terminal: rich renderables printed one after another
TerminalView = Sequence[RenderableType]


def headline_view(result: Result) -> TerminalView:
    """The terminal view of a type without one of its own: its headline (which the CLI's verdict line
    already carries, so it prints nothing more)."""
    return [Text(result.headline)]


@dataclass(frozen=True)
class CheckDefinition(Generic[P, R]):
    """One check type, whole: its spec model (type name + params), how to run it, its result model,
    how to name a check of it, and how to show its result (Markdown for the summary, merge request notes
    and the UI; a terminal view for the CLI). :mod:`spyglass.checks.registry` lists the definitions.
    """

    spec_model: builtins.type[CheckSpec[P]]
    result_model: builtins.type[R]
    run: Callable[[P, CheckContext], R]
    title: Callable[[P], str]
    #: the ``<details>`` body of the result, used by the summary, merge request notes and the UI (pure;
    #: every user-controlled text escaped with :mod:`spyglass.markup.escape`)
    markdown: Callable[[R], str]
    #: what the CLI prints for the result (the headline unless the type has its own view)
    terminal: Callable[[R], TerminalView] = headline_view
    needs_warehouse: bool = True

    @property
    def type(self) -> str:
        """The type's name: the default of its spec's ``type`` literal."""
        name = self.spec_model.model_fields["type"].default
        assert isinstance(name, str), f"{self.spec_model.__name__}.type needs its name as default"
        return name

    @property
    def kind(self) -> str:
        """The ``kind`` its results carry (the key of the result union)."""
        kind = self.result_model.model_fields["kind"].default
        assert isinstance(kind, str), f"{self.result_model.__name__}.kind needs its name as default"
        return kind
