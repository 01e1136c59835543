"""The typed arguments of the tools that are not a check type (those take their check's ``Params``).

Unknown arguments are refused (an agent that misspells one learns it at once), unlike a check's params,
which ignore keys Recce writes and Spyglass does not use.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, JsonValue


class Arguments(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ImpactArgs(Arguments):
    """Which nodes to report (dbt's selector syntax)."""

    select: list[str] = Field(default_factory=lambda: ["state:modified+"],
                              description="Nodes to report (default: the changed ones and everything downstream).")
    exclude: list[str] = Field(default_factory=list, description="Nodes to leave out.")


class ColumnLineageArgs(Arguments):
    model: str = Field(min_length=1, description="The model (name, unique id or source:SRC.TABLE).")
    column: str = Field(min_length=1, description="The column's name.")
    base: bool = Field(default=False, description="The base environment's lineage instead of current.")
    depth: int | None = Field(default=None, ge=1, description="At most this many hops each way (default: all).")


class NoArgs(Arguments):
    pass


class CheckIdArgs(Arguments):
    check_id: str = Field(min_length=1, description="The check's id (from list_checks).")


class AddCheckArgs(Arguments):
    """A check from a run a tool returned (``run_id``), or from a check type and its params."""

    run_id: str | None = Field(default=None, description="Keep this run (from a diff tool's answer) as a check.")
    type: str | None = Field(default=None, description="A check type (a diff tool's name), with params.")
    params: dict[str, JsonValue] | None = Field(default=None,
                                                description="The params of that type (as its diff tool takes them).")
    name: str | None = Field(default=None, max_length=200, description="The check's name (default: from its params).")
    description: str = Field(default="", max_length=10_000)


class ApproveArgs(CheckIdArgs):
    approved: bool = Field(default=True, description="False withdraws an approval.")


class SummaryArgs(Arguments):
    max_chars: int = Field(default=60_000, ge=200, le=1_000_000,
                           description="Cut whole sections beyond this many characters.")


class GitLabPostArgs(Arguments):
    mr_iid: int | None = Field(default=None, ge=1,
                               description="The merge request (the number after !); default: the one the "
                                           "checklist is bound to.")
    notes: bool = Field(default=False, description="Also sync one thread per check, both ways.")
    commit_status: bool = Field(default=False, description="Also set a commit status on the head commit.")
