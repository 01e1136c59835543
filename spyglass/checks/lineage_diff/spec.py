"""What a lineage diff is asked: Recce's params (``select``, ``exclude``, ``view_mode``), its spec and title."""

from __future__ import annotations

from typing import Literal

from spyglass.checks.base import CheckSpec, Params
from spyglass.checks.scope import CheckNodes, as_selector
from spyglass.project.selection import describe_selection

ViewMode = Literal["changed_models", "all"]
_CHANGED_MODELS = "1+state:modified+"


class LineageDiffParams(Params):
    select: str | list[str] | None = None
    exclude: str | list[str] | None = None
    view_mode: ViewMode = "changed_models"

    def nodes(self) -> CheckNodes:
        return CheckNodes(select=as_selector(selector(self)), exclude=as_selector(self.exclude))

    def narrowed(self, nodes: CheckNodes) -> LineageDiffParams:
        return self.model_copy(update={"select": list(nodes.select) or None, "exclude": list(nodes.exclude) or None})


class LineageDiffSpec(CheckSpec[LineageDiffParams]):
    type: Literal["lineage_diff"] = "lineage_diff"


def selector(params: LineageDiffParams) -> str | list[str] | None:
    """The selector the params mean: ``select``, else the view mode's (None: every node)."""
    if params.select:
        return params.select
    return _CHANGED_MODELS if params.view_mode == "changed_models" else None


def describe(params: LineageDiffParams) -> str:
    """The selection in words (``1+state:modified+``, ``all nodes excluding x``)."""
    if not params.select and params.view_mode == "all":
        return describe_selection(select="all nodes", exclude=params.exclude)
    return describe_selection(select=selector(params), exclude=params.exclude)


def title(params: LineageDiffParams) -> str:
    return f"Lineage diff of {describe(params)}"
