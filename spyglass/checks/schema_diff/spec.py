"""What a schema diff is asked: Recce's params (``select``, ``exclude``, ``node_id``), its spec and title."""

from __future__ import annotations

from typing import Literal

from spyglass.checks.base import CheckSpec, Params
from spyglass.checks.scope import CheckNodes, as_selector
from spyglass.project.selection import describe_selection


class SchemaDiffParams(Params):
    """Recce-compatible: ``node_id`` wins over ``select``; neither means ``state:modified``."""

    select: str | list[str] | None = None
    exclude: str | list[str] | None = None
    node_id: str | list[str] | None = None

    def nodes(self) -> CheckNodes:
        return CheckNodes(names=as_selector(self.node_id), select=as_selector(self.select) or ("state:modified",),
                          exclude=as_selector(self.exclude))

    def narrowed(self, nodes: CheckNodes) -> SchemaDiffParams:
        return self.model_copy(update={"node_id": list(nodes.names) or None, "select": list(nodes.select) or None,
                                       "exclude": list(nodes.exclude) or None})


class SchemaDiffSpec(CheckSpec[SchemaDiffParams]):
    type: Literal["schema_diff"] = "schema_diff"


def title_selection(params: SchemaDiffParams) -> str:
    return describe_selection(node_ids=params.node_id, select=params.select, exclude=params.exclude)


def title(params: SchemaDiffParams) -> str:
    return f"Schema diff of {title_selection(params)}"
