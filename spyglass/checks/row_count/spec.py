"""What a row count diff is asked: which nodes (explicit ones win over a selector)."""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator

from spyglass.checks.base import CheckSpec
from spyglass.checks.row_filter import FilterParams, title_suffix
from spyglass.checks.scope import CheckNodes, as_selector
from spyglass.project.selection import describe_selection

DEFAULT_SELECT = "state:modified"


class RowCountDiffParams(FilterParams):
    """Which nodes to count; ``node_names``/``node_ids`` win over ``select``/``exclude``. With a row filter
    (``where``, ``since``/``until``) each node's filtered rows are counted."""

    node_names: tuple[str, ...] | None = None
    node_ids: tuple[str, ...] | None = None
    select: str | tuple[str, ...] | None = None
    exclude: str | tuple[str, ...] | None = None

    @field_validator("node_names", "node_ids", mode="before")
    @classmethod
    def _one_name(cls, value: object) -> object:
        """Accept a single name where Recce takes a list."""
        return [value] if isinstance(value, str) else value

    @property
    def explicit_nodes(self) -> tuple[str, ...]:
        return tuple(self.node_ids or ()) + tuple(self.node_names or ())

    def nodes(self) -> CheckNodes:
        return CheckNodes(names=self.explicit_nodes, select=as_selector(self.select) or (DEFAULT_SELECT,),
                          exclude=as_selector(self.exclude))

    def narrowed(self, nodes: CheckNodes) -> RowCountDiffParams:
        return self.model_copy(update={"node_ids": nodes.names or None, "node_names": None,
                                       "select": nodes.select or None, "exclude": nodes.exclude or None})


class RowCountDiffSpec(CheckSpec[RowCountDiffParams]):
    type: Literal["row_count_diff"] = "row_count_diff"


def title_selection(params: RowCountDiffParams) -> str:
    return describe_selection(node_ids=params.explicit_nodes or None, select=params.select,
                              exclude=params.exclude, default_select=DEFAULT_SELECT)


def title(params: RowCountDiffParams) -> str:
    return f"Row count diff of {title_selection(params)}{title_suffix(params.row_filter)}"
