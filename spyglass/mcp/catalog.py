"""The tools an agent sees: name, description, typed input schema, whether they change anything, and the call.

The diff tools are the check types of :mod:`spyglass.checks.registry`: each takes its check's ``Params``
(their JSON schema is the tool's input schema) and answers with the run as ``spyglass <diff> --json``
prints it. The others take the models of :mod:`spyglass.mcp.inputs`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TypeVar

from pydantic import BaseModel, JsonValue, ValidationError

from spyglass.checks.registry import DEFINITIONS, params_problems
from spyglass.exceptions import UsageError
from spyglass.mcp.answer import ToolAnswer
from spyglass.mcp.gitlab_post import gitlab_post
from spyglass.mcp.inputs import (
    AddCheckArgs,
    ApproveArgs,
    CheckIdArgs,
    ColumnLineageArgs,
    GitLabPostArgs,
    ImpactArgs,
    NoArgs,
    SummaryArgs,
)
from spyglass.mcp.lineage import column_lineage, impact
from spyglass.mcp.review import ReviewTools
from spyglass.server.gitlab_sync import WorkspaceChecklist
from spyglass.server.runner import RunManager
from spyglass.warehouse.base import CancelToken

A = TypeVar("A", bound=BaseModel)
#: a tool's arguments as they arrive (a JSON object)
Arguments = Mapping[str, JsonValue]

#: what each diff tool does, in the words an agent picks a tool by
DIFF_DESCRIPTIONS: Mapping[str, str] = {
    "lineage_diff": "The lineage of the changed models and everything downstream: nodes added, removed, "
                    "modified (with what each change means) and impacted.",
    "schema_diff": "Columns added, removed or retyped in a model between base and current.",
    "row_count_diff": "Row counts of models on base and current.",
    "value_diff": "Compare a model's rows on base and current by primary key, column by column (match "
                  "percentages per column).",
    "value_diff_detail": "The rows of a model that differ between base and current, by primary key (first rows).",
    "profile_diff": "Per-column profile (nulls, distinct, min, max, average, median) of a model on base and current.",
    "top_k_diff": "The most frequent values of one column on base and current.",
    "histogram_diff": "The distribution of a numeric or date column on base and current, in shared bins.",
    "query": "Run one read-only SELECT (Jinja with ref() and source()) on current (or base) and return the "
             "first rows.",
    "query_diff": "Run one read-only SELECT on base and current and return the rows that differ.",
}


@dataclass(frozen=True)
class ToolDef:
    name: str
    description: str
    #: the input schema, as JSON schema
    schema: dict[str, JsonValue]
    #: True: reads only (a diff's run is still kept among the checklist's recent runs)
    read_only: bool
    call: Callable[[Arguments, CancelToken], ToolAnswer]


def parsed(model: type[A], arguments: Arguments) -> A:
    """``arguments`` as ``model``; UsageError naming each bad field."""
    try:
        return model.model_validate(dict(arguments))
    except ValidationError as exc:
        raise UsageError(f"Invalid arguments: {params_problems(exc)}.",
                         remedy="Fix them as the tool's input schema says and call it again.") from None


def _tool(name: str, description: str, model: type[A], run: Callable[[A, CancelToken], ToolAnswer], *,
          read_only: bool) -> ToolDef:
    return ToolDef(name, description, model.model_json_schema(), read_only,
                   lambda arguments, cancel: run(parsed(model, arguments), cancel))


def _diff(review: ReviewTools, type_name: str) -> ToolDef:
    params_model = DEFINITIONS[type_name].spec_model.model_fields["params"].annotation
    assert isinstance(params_model, type) and issubclass(params_model, BaseModel)
    known = frozenset(params_model.model_fields)

    def call(arguments: Arguments, cancel: CancelToken) -> ToolAnswer:
        unknown = sorted(set(arguments) - known)
        if unknown:  # a check's params ignore unknown keys (Recce writes some); an agent's are a mistake
            raise UsageError(f"{type_name} has no argument {', '.join(map(repr, unknown))}.",
                             remedy=f"Use its arguments: {', '.join(sorted(known))}.")
        return review.diff(type_name, dict(arguments), cancel)

    return ToolDef(type_name, DIFF_DESCRIPTIONS[type_name], params_model.model_json_schema(), True, call)


def review_tools(review: ReviewTools, environ: Mapping[str, str], runs: RunManager) -> list[ToolDef]:
    """Every tool over ``review`` (``environ`` names the GitLab store ``gitlab_post`` opens when called;
    ``runs`` runs the re-runs asked in GitLab threads)."""
    limits = review.limits
    tools = [
        *(_diff(review, name) for name in DIFF_DESCRIPTIONS),
        _tool("impact", "The changed nodes, what each change means (category, why, changed columns) and the "
                        "downstream nodes and columns it can affect. Reads the artifacts only.", ImpactArgs,
              lambda args, _: impact(review.session.snapshot, args, limits), read_only=True),
        _tool("column_lineage", "Where MODEL.COLUMN comes from and where it goes, column by column across "
                                "models. Reads the artifacts only.", ColumnLineageArgs,
              lambda args, _: column_lineage(review.session.snapshot, args, limits), read_only=True),
        _tool("list_checks", "The checklist: every check, its latest run's verdict and whether it is approved.",
              NoArgs, lambda _, __: review.list_checks(), read_only=True),
        _tool("run_check", "Run one check of the checklist again; its run becomes the check's latest (an "
                           "approval stays only when the result did not change).", CheckIdArgs,
              review.run_check, read_only=False),
        _tool("add_check", "Add a check to the checklist: keep a diff tool's run (run_id), or give a check "
                           "type and its params.", AddCheckArgs, lambda args, _: review.add_check(args),
              read_only=False),
        _tool("approve_check", "Approve a check for its latest result (approved: false withdraws it).",
              ApproveArgs, lambda args, _: review.approve_check(args), read_only=False),
        _tool("summary", "The checklist's Markdown summary, as posted on a merge request.", SummaryArgs,
              lambda args, _: review.summary(args), read_only=True),
        _tool("gitlab_post", "Post (or update) the summary on the GitLab merge request. Only with a stored "
                             "GitLab connection whose token has the api scope; otherwise it says why it is "
                             "unavailable.", GitLabPostArgs,
              lambda args, _: gitlab_post(WorkspaceChecklist(review.workspace, runs), args, environ), read_only=False),
    ]
    return [replace(tool, call=_after_refresh(review, tool.call)) for tool in tools]


def _after_refresh(review: ReviewTools, call: Callable[[Arguments, CancelToken], ToolAnswer],
                   ) -> Callable[[Arguments, CancelToken], ToolAnswer]:
    """``call``, once the artifacts dbt rewrote since the last call are taken (:meth:`ReviewTools.refresh`)."""
    def refreshed(arguments: Arguments, cancel: CancelToken) -> ToolAnswer:
        review.refresh()
        return call(arguments, cancel)

    return refreshed
