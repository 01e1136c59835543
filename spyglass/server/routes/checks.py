"""The checklist: create from a run, edit, approve, re-run (one check or all), reorder, delete."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Response

from spyglass.checks.registry import AnySpec, parse_spec, title
from spyglass.exceptions import UsageError
from spyglass.server.context import ServerContext
from spyglass.server.gitlab_sync import WorkspaceChecklist, sync_threads
from spyglass.server.runner import run_view
from spyglass.server.schemas import CheckCreate, CheckPatch, CheckView, ReorderRequest, RunView
from spyglass.state.bounds import full_digest
from spyglass.state.models import CheckRecord


def check_view(ctx: ServerContext, check: CheckRecord) -> CheckView:
    """A check with its latest run, as the checklist shows it."""
    run = ctx.workspace.snapshot().latest_run(check)
    return CheckView(
        check_id=check.check_id, name=check.name, description=check.description, spec=check.spec,
        approved=check.approved, is_preset=check.is_preset, created_at=check.created_at,
        updated_at=check.updated_at, last_run=run_view(run) if run is not None else None,
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
        """From a finished run (``run_id``), or from a ``spec`` (not run yet)."""
        if body.run_id is not None:
            spec: AnySpec = ctx.workspace.run(body.run_id).spec
        elif body.spec is not None:
            spec = body.spec
        else:
            raise UsageError("A check needs a run_id, or a spec.",
                             remedy='Send {"run_id": ...} to keep a run as a check, or '
                                    '{"spec": {"type": ..., "params": {...}}}.')
        check = ctx.workspace.add_check(name=body.name or title(spec), spec=spec, description=body.description,
                                        last_run_id=body.run_id)
        return view(check)

    @api.post("/run", response_model=list[RunView], status_code=202)
    def rerun_all() -> list[RunView]:
        """Re-run every check (after a rebuild), in the checklist's order; each run becomes its check's
        latest once finished, approved as ``spyglass run`` would approve it."""
        return ctx.runs.submit_checks(ctx.workspace.snapshot().checks)

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
    def patch(check_id: str, body: CheckPatch, background: BackgroundTasks) -> CheckView:
        """Rename, describe, approve/unapprove or change the spec or its params (which clears approval).

        An approval is recorded for the latest result (its digest): when GitLab is connected, the check's
        thread on the checklist's merge request is resolved (re-opened) after the answer is sent."""
        changes: dict[str, object] = body.model_dump(exclude_none=True, exclude={"spec", "params"})
        check = ctx.workspace.check(check_id)  # 404
        spec = _new_spec(check, body)  # 400
        if spec is not None:
            changes["spec"] = spec
            changes.setdefault("approved", False)
        if body.approved is not None:
            run = ctx.workspace.snapshot().latest_run(check)
            changes.update(approval_digest=full_digest(run) if run is not None else None,
                           approved_by="Spyglass" if body.approved else None)
            background.add_task(sync_threads, ctx.gitlab, WorkspaceChecklist(ctx.workspace, ctx.runs))
        return view(ctx.workspace.update_check(check_id, changes))

    @api.delete("/{check_id}", status_code=204)
    def delete(check_id: str) -> Response:
        ctx.workspace.delete_check(check_id)
        return Response(status_code=204)

    @api.post("/{check_id}/run", response_model=RunView, status_code=202)
    def rerun(check_id: str) -> RunView:
        """Re-run the check with its params; the new run becomes its latest once finished."""
        return ctx.runs.submit_checks([ctx.workspace.check(check_id)])[0]


def _new_spec(check: CheckRecord, body: CheckPatch) -> AnySpec | None:
    """The spec a PATCH gives the check (None: unchanged); a check keeps its type.

    Raises:
        UsageError: both ``spec`` and ``params``, a spec of another type, or params invalid for the type.
    """
    if body.spec is not None and body.params is not None:
        raise UsageError("Send either a spec or params, not both.",
                         remedy='Send {"params": {...}} to change the params of the check\'s own type.')
    if body.spec is not None:
        if body.spec.type != check.spec.type:
            raise UsageError(f"The check is a {check.spec.type}; a patch cannot make it a {body.spec.type}.",
                             remedy="Create a new check of that type instead (POST /api/checks).")
        return body.spec
    return parse_spec(check.spec.type, body.params) if body.params is not None else None
