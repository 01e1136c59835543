"""The checklist: create from a run, edit, approve, re-run, reorder, delete."""

from __future__ import annotations

from fastapi import APIRouter, Response

from spyglass.exceptions import UsageError
from spyglass.server.context import ServerContext
from spyglass.server.runner import run_view
from spyglass.server.schemas import CheckCreate, CheckPatch, CheckView, ReorderRequest, RunView
from spyglass.service import validate_check
from spyglass.state.models import CheckRecord


def check_view(ctx: ServerContext, check: CheckRecord) -> CheckView:
    """A check with its latest run, as the checklist shows it."""
    run = ctx.workspace.snapshot().latest_run(check)
    return CheckView(
        check_id=check.check_id, name=check.name, description=check.description, type=check.type,
        params=check.params, approved=check.approved, is_preset=check.is_preset,
        created_at=check.created_at, updated_at=check.updated_at,
        last_run=run_view(ctx.session, run) if run is not None else None,
    )


def router(ctx: ServerContext) -> APIRouter:
    api = APIRouter(prefix="/api/checks", tags=["checks"])
    _list_and_create(api, ctx)
    _per_check(api, ctx)
    return api


def _list_and_create(api: APIRouter, ctx: ServerContext) -> None:
    def view(check: CheckRecord) -> CheckView:
        return check_view(ctx, check)

    @api.get("", response_model=list[CheckView])
    def checks() -> list[CheckView]:
        return [view(c) for c in ctx.workspace.snapshot().checks]

    @api.post("", response_model=CheckView, status_code=201)
    def create(body: CheckCreate) -> CheckView:
        """From a finished run (``run_id``), or from ``type`` + ``params`` (not run yet)."""
        if body.run_id is not None:
            run = ctx.workspace.run(body.run_id)
            type_name, params = run.type, run.params
        elif body.type is not None:
            type_name, params = body.type, body.params or {}
        else:
            raise UsageError("A check needs a run_id, or a type and params.",
                             remedy="Send {\"run_id\": ...} to keep a run as a check.")
        validate_check(type_name, params)  # the same rule as POST /api/runs: 400 with what to fix
        name = body.name or ctx.session.title(type_name, params)
        check = ctx.workspace.add_check(name=name, type_name=type_name, params=params,
                                        description=body.description, last_run_id=body.run_id)
        return view(check)

    @api.post("/reorder", response_model=list[CheckView])
    def reorder(body: ReorderRequest) -> list[CheckView]:
        return [view(c) for c in ctx.workspace.reorder(body.check_ids)]


def _per_check(api: APIRouter, ctx: ServerContext) -> None:
    def view(check: CheckRecord) -> CheckView:
        return check_view(ctx, check)

    @api.get("/{check_id}", response_model=CheckView)
    def get(check_id: str) -> CheckView:
        return view(ctx.workspace.check(check_id))

    @api.patch("/{check_id}", response_model=CheckView)
    def patch(check_id: str, body: CheckPatch) -> CheckView:
        """Rename, describe, approve/unapprove or change params (changing params clears approval)."""
        changes = body.model_dump(exclude_none=True)
        if "params" in changes:
            validate_check(ctx.workspace.check(check_id).type, changes["params"])  # 404, then 400
        if "params" in changes and "approved" not in changes:
            changes["approved"] = False
        return view(ctx.workspace.update_check(check_id, changes))

    @api.delete("/{check_id}", status_code=204)
    def delete(check_id: str) -> Response:
        ctx.workspace.delete_check(check_id)
        return Response(status_code=204)

    @api.post("/{check_id}/run", response_model=RunView, status_code=202)
    def rerun(check_id: str) -> RunView:
        """Re-run the check with its params; the new run becomes its latest once finished."""
        check = ctx.workspace.check(check_id)
        return ctx.runs.view(ctx.runs.submit(check.type, check.params, check_id=check.check_id))
