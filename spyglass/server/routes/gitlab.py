"""Settings -> GitLab integration, the merge-request dashboard, and GitLab's webhook."""

from __future__ import annotations

import asyncio
from typing import Literal

from fastapi import APIRouter, Header, Path, Query, Request
from pydantic import Field

from spyglass.gitlab.diagnose import Diagnosis
from spyglass.gitlab.errors import WebhookTooLarge
from spyglass.gitlab.hooks import unreachable_warning
from spyglass.gitlab.receiver import MAX_WEBHOOK_BYTES, WebhookOutcome
from spyglass.gitlab.rotate import RotationResult
from spyglass.gitlab.service import ConnectResult, PostResult, WebhookResult
from spyglass.gitlab.settings import MAX_IID
from spyglass.gitlab.tracking import MergeRequestView
from spyglass.server.context import ServerContext
from spyglass.server.gitlab_port import ConnectionView, GitLabPort
from spyglass.server.gitlab_sync import WorkspaceChecklist, sync_threads
from spyglass.server.rotation import AutoRotateRequest, RotationStatus
from spyglass.server.schemas import Body, View
from spyglass.state.models import MergeRequestRef

READ_ONLY_REASON = ("This token has the read_api scope: Spyglass can view and track merge requests but cannot "
                    "post summaries or notes. Connect a token with the api scope to post.")


class ConnectRequest(Body):
    url: str = Field("https://gitlab.com", min_length=1, max_length=2000)
    project: str = Field(min_length=1, max_length=500)
    #: write-only: never returned, logged or stored in clear
    token: str = Field(min_length=1, max_length=500, repr=False)
    #: replace a stored token that can post by one that cannot (else 409)
    confirm_downgrade: bool = False


class PostRequest(Body):
    notes: bool = False
    commit_status: bool = False


class InstallRequest(Body):
    #: where GitLab should send events; default: this server's /api/gitlab/webhook
    hook_url: str | None = None


class MergeRequestRow(View):
    mr: MergeRequestView
    status_text: str


class MergeRequestsResponse(View):
    project: str
    can_post: bool
    post_disabled_reason: str | None
    merge_requests: list[MergeRequestRow]
    #: the merge request the checklist is bound to (its source branch and head commit when bound)
    bound: MergeRequestRef | None = None


class PreviewResponse(View):
    #: the note exactly as ``post`` would write it (Markdown)
    body: str
    bound: MergeRequestRef | None = None


class BindResponse(View):
    merge_request: MergeRequestRef


class UrlCheckResponse(View):
    url: str
    #: why GitLab probably cannot call this URL, or None
    warning: str | None


class DisconnectResponse(View):
    disconnected: bool


def router(ctx: ServerContext, gitlab: GitLabPort) -> APIRouter:
    api = APIRouter(prefix="/api/gitlab", tags=["gitlab"])
    _connection_routes(api, gitlab)
    _merge_request_routes(api, ctx, gitlab)
    _webhook_routes(api, gitlab, WorkspaceChecklist(ctx.workspace, ctx.runs))
    return api


def _connection_routes(api: APIRouter, gitlab: GitLabPort) -> None:
    @api.get("/connection", response_model=ConnectionView)
    def connection() -> ConnectionView:
        """The stored connection (token's last four characters only); no request to GitLab."""
        return gitlab.connection()

    @api.post("/connect", response_model=ConnectResult)
    def connect(body: ConnectRequest) -> ConnectResult:
        """Validate the token (scopes, expiry, user, role, project) and store it if it can read MRs."""
        return gitlab.connect(body.url, body.project, body.token, confirm_downgrade=body.confirm_downgrade)

    @api.get("/diagnosis", response_model=Diagnosis)
    def diagnosis() -> Diagnosis:
        """Re-validate the configured connection: every problem with its remedy."""
        return gitlab.diagnose()

    @api.post("/disconnect", response_model=DisconnectResponse)
    def disconnect() -> DisconnectResponse:
        return DisconnectResponse(disconnected=gitlab.disconnect())

    @api.get("/rotation", response_model=RotationStatus)
    def rotation() -> RotationStatus:
        """The stored token's expiry, the 14-day ``expiry_warning`` and the automatic rotation opt-in."""
        return gitlab.rotation.status()

    @api.put("/rotation", response_model=RotationStatus)
    def set_rotation(body: AutoRotateRequest) -> RotationStatus:
        """Turn automatic rotation (within 14 days of expiry, checked daily) on or off."""
        return gitlab.rotation.set_enabled(body.auto_rotate)

    @api.post("/rotate", response_model=RotationResult)
    def rotate() -> RotationResult:
        """Rotate the stored token now; the new one is stored before any use (409 when the answer was lost)."""
        return gitlab.rotation.rotate_now()


def _merge_request_routes(api: APIRouter, ctx: ServerContext, gitlab: GitLabPort) -> None:
    @api.get("/merge-requests", response_model=MergeRequestsResponse)
    def merge_requests(
        state: Literal["opened", "merged", "closed", "all"] = Query("opened"),
    ) -> MergeRequestsResponse:
        """The project's merge requests with Spyglass's tracking status."""
        listing = gitlab.merge_requests(state)
        env = ctx.workspace.snapshot().environment
        return MergeRequestsResponse(
            project=listing.project, can_post=listing.can_post, bound=env.merge_request if env else None,
            post_disabled_reason=None if listing.can_post else READ_ONLY_REASON,
            merge_requests=[MergeRequestRow(mr=mr, status_text=mr.status_text) for mr in listing.merge_requests])

    @api.post("/merge-requests/{iid}/post", response_model=PostResult)
    def post(body: PostRequest, iid: int = Path(ge=1, le=MAX_IID)) -> PostResult:
        """Post (or update in place) the summary of this server's checklist on the merge request."""
        checklist = WorkspaceChecklist(ctx.workspace, ctx.runs)  # threads' approvals sync into the workspace
        return gitlab.service.post(checklist.state(), mr_iid=iid, notes=body.notes,
                                   commit_status=body.commit_status, checklist=checklist)

    @api.get("/merge-requests/{iid}/preview", response_model=PreviewResponse)
    def preview(iid: int = Path(ge=1, le=MAX_IID)) -> PreviewResponse:
        """The summary note ``post`` would write from this server's checklist; nothing is sent to GitLab."""
        state = ctx.workspace.snapshot()
        return PreviewResponse(body=gitlab.service.summary_preview(state),
                               bound=state.environment.merge_request if state.environment else None)

    @api.post("/merge-requests/{iid}/bind", response_model=BindResponse)
    def bind(iid: int = Path(ge=1, le=MAX_IID)) -> BindResponse:
        """Bind the checklist to the merge request's source branch and head commit (read from GitLab)."""
        ref = gitlab.service.merge_request_ref(iid)
        ctx.workspace.bind_merge_request(ref)
        return BindResponse(merge_request=ref)


def _webhook_routes(api: APIRouter, gitlab: GitLabPort, checklist: WorkspaceChecklist) -> None:
    @api.get("/webhook/url-check", response_model=UrlCheckResponse)
    def url_check(url: str = Query(max_length=2000)) -> UrlCheckResponse:
        """Whether GitLab can probably call ``url`` (loopback, private, link-local hosts cannot); no request."""
        return UrlCheckResponse(url=url, warning=unreachable_warning(url))

    @api.post("/webhook/install", response_model=WebhookResult)
    def install(body: InstallRequest, request: Request) -> WebhookResult:
        """Install the project's hook for merge request and note events with a new secret (needs Maintainer);
        a hook with the same URL is updated, never duplicated."""
        hook_url = body.hook_url or str(request.url_for("gitlab_webhook"))
        return gitlab.install_webhook(hook_url)

    @api.post("/webhook", response_model=WebhookOutcome, name="gitlab_webhook")
    async def webhook(
        request: Request,
        x_gitlab_token: str | None = Header(None),
        idempotency_key: str | None = Header(None),
        x_gitlab_event: str | None = Header(None),
    ) -> WebhookOutcome:
        """GitLab's Merge Request and Note Hooks: checks X-Gitlab-Token (before reading the body), refuses
        another project's deliveries, idempotent on Idempotency-Key; an event for the checklist's merge
        request syncs its threads with the checklist (two-way threads, note commands)."""
        await asyncio.to_thread(gitlab.webhooks.authorize, x_gitlab_token)
        body = await _read_body(request, MAX_WEBHOOK_BYTES)
        outcome = await asyncio.to_thread(gitlab.webhooks.receive, token=x_gitlab_token,
                                          idempotency_key=idempotency_key, event=x_gitlab_event, body=body)
        if outcome.result != "recorded" or outcome.iid is None:
            return outcome
        synced, error = await asyncio.to_thread(sync_threads, gitlab, checklist, outcome.iid)
        return outcome.model_copy(update={"synced": synced is not None, "sync_error": error})


async def _read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with a 413 as soon as it passes ``limit`` bytes (never held whole)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise WebhookTooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise WebhookTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)

