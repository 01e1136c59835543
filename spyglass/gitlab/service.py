"""The facade the CLI and the web server both call: every GitLab operation Spyglass offers.

Public API (stable; the server codes against it)::

    svc = GitLabService(store, environ)                # the process's open Store; transport/sleep/today for tests
    svc.settings(url=, project=, token=, mr_iid=)     -> ConnectionSettings (flags > env > CI > stored)
    svc.diagnose(settings)                            -> Diagnosis (four GETs, never writes)
    svc.connect(url, project, token, confirm_downgrade=True) -> ConnectResult (stores only if it can read
                                                         MRs; False: 409 before a read-only token replaces an api one)
    svc.status(url=, project=)                        -> Diagnosis of the configured connection
    svc.stored()                                      -> StoredConnection | None (never the token)
    svc.webhook_configured()                          -> bool (a webhook secret is stored)
    svc.disconnect()                                  -> bool
    svc.rotate(expires_at=None)                       -> RotationResult (new token stored before any use)
    svc.merge_requests(state=, url=, project=)        -> MergeRequestList (views with tracking status)
    svc.post(state, mr_iid=, notes=, commit_status=, url=, project=, checklist=) -> PostResult
    svc.sync(checklist, iid=None)                     -> SyncResult | None (threads <-> approvals)
    svc.merge_request_ref(iid)                        -> MergeRequestRef (what a checklist is bound to; GETs only)
    svc.summary_preview(state)                        -> str (the note body post writes; no request)
    svc.install_webhook(hook_url, url=, project=)     -> WebhookResult (MR + note events; same URL updated)
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict
from datetime import date, datetime, timezone
from typing import TypeVar

import httpx
from pydantic import BaseModel, ConfigDict

from spyglass.exceptions import NotFound
from spyglass.gitlab.api import GitLabApi
from spyglass.gitlab.client import GitLabClient, RetryPolicy, require_sendable_token
from spyglass.gitlab.comment import counts, summary_body
from spyglass.gitlab.diagnose import Diagnosis, diagnose
from spyglass.gitlab.errors import (
    GitLabApiError,
    GitLabDowngradeUnconfirmed,
    GitLabForbidden,
    GitLabNotConfigured,
    GitLabNotFound,
)
from spyglass.gitlab.hook_install import install_hook, refused_url
from spyglass.gitlab.hooks import unreachable_warning
from spyglass.gitlab.models import MAINTAINER, MergeRequest, TokenInfo, role_name
from spyglass.gitlab.preconditions import downgrades, require_post, validated_sha
from spyglass.gitlab.probe import attempt as _attempt
from spyglass.gitlab.probe import probe
from spyglass.gitlab.publish import set_status, upsert_summary
from spyglass.gitlab.rotate import EXPIRES_KEY, ROTATION_KEY, RotationResult, refuse_if_rotating
from spyglass.gitlab.rotate import rotate as rotate_token
from spyglass.gitlab.settings import PROJECT_ENV, TOKEN_ENV, URL_ENV, ConnectionSettings, resolve
from spyglass.gitlab.sync import Checklist, StateChecklist
from spyglass.gitlab.threads import SyncOutcome, SyncResult, sync_threads
from spyglass.gitlab.tracking import MergeRequestView, posted, seen, view
from spyglass.state.models import MergeRequestRef, State
from spyglass.store.db import Store
from spyglass.store.models import StoredConnection

T = TypeVar("T")
#: the store's setting naming the MR (``project!iid``) threads were last posted on: where an approval made
#: in Spyglass resolves its thread
THREADS_MR = "gitlab.threads_mr"


class ConnectResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    diagnosis: Diagnosis
    stored: bool
    token_last4: str


class MergeRequestList(BaseModel):
    model_config = ConfigDict(frozen=True)

    project: str
    can_post: bool
    merge_requests: list[MergeRequestView]


class PostResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    project: str
    iid: int
    head_sha: str | None
    note_id: int
    note_url: str | None
    created: bool
    checks: int
    mismatches: int
    errors: int
    discussions_created: int = 0
    discussions_updated: int = 0
    discussions_resolved: int = 0
    commit_status: str | None = None
    #: two-way threads (``notes``): threads re-opened, checks approved / un-approved from GitLab, note
    #: commands answered, checks queued to re-run (names)
    discussions_reopened: int = 0
    approved: list[str] = []
    unapproved: list[str] = []
    commands: int = 0
    reruns: list[str] = []


class WebhookResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    hook_id: int
    url: str
    warning: str | None = None
    #: False when a hook with the same URL existed and was updated instead
    created: bool = True
    merge_requests_events: bool = True
    note_events: bool = True


class GitLabService:
    """Every GitLab operation, with dependencies injected: the store (opened once by the caller, who closes
    it), the environment, HTTP transport, sleep and today."""

    def __init__(self, store: Store, environ: Mapping[str, str], *, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep, today: Callable[[], date] = date.today,
                 policy: RetryPolicy | None = None) -> None:
        self._store = store
        self._environ = environ
        self._transport = transport
        self._sleep = sleep
        self._today = today
        self._policy = policy
        #: one thread sync at a time in this process (a webhook and an approval arriving together)
        self._sync_lock = threading.Lock()

    # -- settings and the store -------------------------------------------------------------------
    def stored(self) -> StoredConnection | None:
        """The stored connection (url, project, user, scopes, token's last four), or None."""
        return self._store.connection()

    def webhook_configured(self) -> bool:
        """True when a webhook secret is stored (``install_webhook`` ran)."""
        return self._store.webhook_secret() is not None

    def settings(self, *, url: str | None = None, project: str | None = None, token: str | None = None,
                 mr_iid: int | None = None) -> ConnectionSettings:
        """Resolve the connection: explicit values, then environment, GitLab CI, the stored one."""
        stored = self._store.connection()
        uses_stored = token is None and not self._environ.get(TOKEN_ENV)
        if uses_stored:  # never send a token whose rotation is under way, lost or interrupted
            refuse_if_rotating(self._store, datetime.now(timezone.utc))
        stored_token = self._store.token() if stored is not None and uses_stored else None
        return resolve(self._environ, stored, url=url, project=project, token=token, mr_iid=mr_iid,
                       stored_token=stored_token)

    def _require(self, settings: ConnectionSettings) -> tuple[str, str, str]:
        given = {"URL": settings.url, "project": settings.project, "token": settings.token}
        missing = [name for name, value in given.items() if not value]
        if missing:
            raise GitLabNotConfigured(
                f"No GitLab {' or '.join(missing)} configured.",
                remedy="Run `spyglass gitlab connect --url URL --project GROUP/PROJECT`, or set "
                       f"{URL_ENV}, {PROJECT_ENV} and {TOKEN_ENV} (in GitLab CI the URL and project "
                       "come from CI_SERVER_URL and CI_PROJECT_ID).")
        assert settings.url and settings.project and settings.token
        return settings.url, settings.project, settings.token

    def _api(self, settings: ConnectionSettings) -> GitLabApi:
        url, project, token = self._require(settings)
        return GitLabApi(self._client(url, token), project)

    def _client(self, url: str, token: str) -> GitLabClient:
        return GitLabClient(url, token, transport=self._transport, sleep=self._sleep, policy=self._policy)

    # -- validation -------------------------------------------------------------------------------
    def diagnose(self, settings: ConnectionSettings) -> Diagnosis:
        """The four validation requests (token, user, project, membership), judged. Never writes."""
        api = self._api(settings)
        with api.client:
            return self._judge(api, settings)

    def _judge(self, api: GitLabApi, settings: ConnectionSettings, iid: int | None = None) -> Diagnosis:
        """The diagnosis; with a merge request (``iid``, else the settings'), its discussion lock too."""
        return diagnose(api.client.base[: -len("/api/v4")], settings.project or "",
                        probe(api, iid or settings.mr_iid), today=self._today())

    def connect(self, url: str, project: str, token: str, *, confirm_downgrade: bool = True) -> ConnectResult:
        """Validate the token; store the connection (token encrypted) only if it can read MRs.

        A token that cannot be sent in an HTTP header (line break, control character ...) is a
        :class:`GitLabTokenInvalid` before anything is sent or logged. With ``confirm_downgrade`` False, a
        token that cannot post does not replace a stored one that can: :class:`GitLabDowngradeUnconfirmed`.
        """
        token = require_sendable_token(token)
        settings = ConnectionSettings(url=url.strip(), project=project.strip(), token=token)
        diagnosis = self.diagnose(settings)
        stored = self._store.connection()
        if not confirm_downgrade and downgrades(stored, diagnosis):
            assert stored is not None
            raise GitLabDowngradeUnconfirmed(
                f"The new token can only read merge requests (scopes: {', '.join(diagnosis.scopes or [])}), "
                f"while the stored one (ending in {stored.token_last4}) can post summaries: connecting it would "
                "stop Spyglass from posting.",
                remedy="Connect a token with the `api` scope, or confirm that you want the read-only token "
                       "(`spyglass gitlab connect --allow-downgrade`; in the API, confirm_downgrade: true).")
        if diagnosis.can_read_merge_requests:
            self._store.save_connection(diagnosis.url, diagnosis.project, token,
                                        user=diagnosis.user, scopes=diagnosis.scopes or [], settings={
                                            ROTATION_KEY: None,  # a new token ends any lost rotation
                                            EXPIRES_KEY: diagnosis.expires_at.isoformat()
                                            if diagnosis.expires_at else None})
        return ConnectResult(diagnosis=diagnosis, stored=diagnosis.can_read_merge_requests,
                             token_last4=token[-4:])

    def status(self, *, url: str | None = None, project: str | None = None) -> Diagnosis:
        """Diagnose the configured connection (flags > environment > CI > stored)."""
        return self.diagnose(self.settings(url=url, project=project))

    def disconnect(self) -> bool:
        """Delete the stored connection and its token; False when there was none."""
        lost = self._store.delete_setting(ROTATION_KEY)
        return self._store.delete_connection() or lost

    def rotate(self, *, expires_at: date | None = None) -> RotationResult:
        """Rotate the stored token (``POST /personal_access_tokens/self/rotate``): the new one is stored,
        encrypted, before anything uses it; a lost answer deletes the old one, never sent again
        (:class:`GitLabRotationLost`). ``expires_at`` default: the old token's lifetime from today."""
        return rotate_token(self._store, self._client, today=self._today(), expires_at=expires_at,
                            now=lambda: datetime.now(timezone.utc))

    # -- merge requests -------------------------------------------------------------------------
    def merge_requests(self, *, state: str = "opened", url: str | None = None,
                       project: str | None = None) -> MergeRequestList:
        """Every MR of the project in ``state`` (all pages), with Spyglass's tracking status."""
        settings = self.settings(url=url, project=project)
        api = self._api(settings)
        with api.client:
            token = _attempt(api.token_self)
            proj = api.project()
            mrs = list(api.merge_requests(state))
        tracked = self._store.tracked(proj.path_with_namespace)
        # Scopes unknown (older GitLab): assume it can post; `post` stops cleanly if it cannot.
        can_post = not isinstance(token, TokenInfo) or "api" in token.scopes
        return MergeRequestList(project=proj.path_with_namespace, can_post=can_post,
                                merge_requests=[view(mr, tracked.get(mr.iid)) for mr in mrs])

    def merge_request_ref(self, iid: int, *, url: str | None = None,
                          project: str | None = None) -> MergeRequestRef:
        """What a checklist is bound to: the MR's project, branches and head commit (two GETs, no write)."""
        api = self._api(self.settings(url=url, project=project))
        with api.client:
            proj = api.project()
            try:
                mr = api.merge_request(iid)
            except GitLabNotFound:
                raise NotFound(f"Merge request !{iid} is not in {proj.path_with_namespace}, or the token's user "
                               "cannot see it.", remedy="Pick a merge request from the list.") from None
        return MergeRequestRef(iid=mr.iid, project=proj.path_with_namespace, web_url=mr.web_url or None,
                               source_branch=mr.source_branch, target_branch=mr.target_branch, head_sha=mr.sha)

    # -- posting ----------------------------------------------------------------------------------
    def post(self, state: State, *, mr_iid: int | None = None, notes: bool = False,
             commit_status: bool = False, url: str | None = None,
             project: str | None = None, checklist: Checklist | None = None) -> PostResult:
        """Post (or update) the summary note of ``state`` on the MR; optionally threads and status.

        With ``notes`` the threads are read first and synced both ways with ``checklist`` (default: ``state``
        in memory; the caller saves ``checklist.state()``): the summary then shows the approvals.
        Raises :class:`GitLabReadOnly` (exit 3) before any write when the token cannot post.
        """
        settings = self.settings(url=url, project=project, mr_iid=mr_iid)
        iid = settings.mr_iid or (state.environment.merge_request.iid if state.environment
                                  and state.environment.merge_request else None)
        if iid is None:
            raise GitLabNotConfigured("Which merge request? No --mr given and CI_MERGE_REQUEST_IID unset.",
                                      remedy="Pass --mr IID (the number after ! in the merge request).")
        checks = checklist or StateChecklist(state)
        api = self._api(settings)
        with api.client:
            diagnosis = self._judge(api, settings, iid)
            require_post(diagnosis)  # before any write request
            assert diagnosis.user_id is not None
            mr = api.merge_request(iid)
            with self._sync_lock:
                threads = sync_threads(api, iid, diagnosis.user_id, checks) if notes else SyncOutcome()
            state = checks.state()
            note, created = upsert_summary(api, iid, diagnosis.user_id, summary_body(state))
            note_url = f"{mr.web_url}#note_{note.id}" if mr.web_url else None
            tally = counts(state)
            status = set_status(api, mr, tally, note_url).status if commit_status else None
        self._record(diagnosis.project, mr, note.id, state)
        if notes:
            self._store.set_setting(THREADS_MR, f"{diagnosis.project}!{iid}")
        return PostResult(
            project=diagnosis.project, iid=iid, head_sha=mr.sha, note_id=note.id, note_url=note_url,
            created=created, checks=tally.checks, mismatches=tally.mismatches, errors=tally.errors,
            discussions_created=threads.created, discussions_updated=threads.updated,
            discussions_resolved=threads.resolved, commit_status=status, discussions_reopened=threads.reopened,
            approved=threads.approved, unapproved=threads.unapproved, commands=threads.commands,
            reruns=threads.reruns)

    def sync(self, checklist: Checklist, iid: int | None = None, *,
             mr_iid: int | None = None) -> SyncResult | None:
        """Sync the checklist's MR's threads with ``checklist`` both ways (no summary, no status): on a
        webhook event for MR ``iid``, or an approval in Spyglass (``iid`` None). The checklist's MR is the
        one its state names (``spyglass run`` in CI), else the one threads were last posted on from this
        store (:meth:`threads_mr`); ``mr_iid`` (or CI_MERGE_REQUEST_IID) names it instead, for a command.
        None (nothing done) without a connection, or for another MR."""
        settings = self.settings(mr_iid=mr_iid)
        target = (settings.mr_iid if iid is None else None) or self.checklist_mr(checklist.state(),
                                                                                  settings.project)
        if target is None or (iid is not None and iid != target) \
                or not (settings.url and settings.project and settings.token):
            return None
        api = self._api(settings)
        with api.client:
            diagnosis = self._judge(api, settings)
            require_post(diagnosis)
            assert diagnosis.user_id is not None
            with self._sync_lock:
                done = sync_threads(api, target, diagnosis.user_id, checklist)
        return SyncResult(project=diagnosis.project, iid=target, **asdict(done))

    def checklist_mr(self, state: State, project: str | None) -> int | None:
        """The MR a checklist's threads are on: its state's MR, else :meth:`threads_mr`."""
        mr = state.environment.merge_request if state.environment else None
        return mr.iid if mr is not None else self.threads_mr(project)

    def threads_mr(self, project: str | None) -> int | None:
        """The MR threads were last posted on (``post --notes``) for ``project``, from this store."""
        stored = self._store.get_setting(THREADS_MR) or ""
        where, _, iid = stored.rpartition("!")
        same = project is not None and where.lower() == project.strip().strip("/").lower()
        return int(iid) if same and iid.isdigit() else None

    @staticmethod
    def summary_preview(state: State) -> str:
        """The note body :meth:`post` writes for ``state`` (before any thread sync); no request to GitLab."""
        return summary_body(state)

    def _record(self, project: str, mr: MergeRequest, note_id: int, state: State) -> None:
        """Track what GitLab said of the MR and, in the same transaction, the validation just posted."""
        tally = counts(state)
        validated = validated_sha(state) or mr.sha  # the commit the run saw, else the MR's head
        change = seen(project, mr.iid, title=mr.title, state=mr.state, head_sha=mr.sha)
        if not validated:
            self._store.change_merge_request(project, mr.iid, change)
            return
        self._store.record_validation(project, mr.iid, validated, checks=tally.checks, mismatches=tally.mismatches,
                                      errors=tally.errors, change=posted(change, project, mr.iid, validated, note_id))

    # -- webhooks -------------------------------------------------------------------------------
    def install_webhook(self, hook_url: str, *, url: str | None = None,
                        project: str | None = None) -> WebhookResult:
        """Install the project's hook for merge request and note events, with a new secret stored encrypted.

        A hook with the same URL is updated (new secret, both events), never duplicated; a POST whose
        response was lost is followed by listing the hooks again, not by a second POST. Needs Maintainer:
        GitLab's 403 is raised saying so; a URL GitLab refuses (local network) is a :class:`WebhookUrlRefused`.
        """
        settings = self.settings(url=url, project=project)
        secret = secrets.token_urlsafe(32)
        api = self._api(settings)
        with api.client:
            diagnosis = self._judge(api, settings)
            require_post(diagnosis)
            role = None
            if (diagnosis.access_level or 0) < MAINTAINER:
                role = (f"The token's user is {role_name(diagnosis.access_level) or 'not a member'}: "
                        "installing a webhook needs the Maintainer role, so GitLab will probably refuse.")
            try:
                hook, created, duplicates = install_hook(api, hook_url, secret)
            except GitLabForbidden as exc:
                raise GitLabForbidden(
                    f"GitLab refused to install the webhook: {role or exc.message}", status=exc.status,
                    remedy="Ask an Owner to give the token's user the Maintainer role (Manage -> Members), "
                           "or run this with a Maintainer's token.") from None
            except GitLabApiError as exc:
                raise refused_url(exc, hook_url) from None
        self._store.save_webhook_secret(secret)
        extra = (f"{len(duplicates)} more hook(s) of this project call the same URL (ids "
                 f"{', '.join(map(str, duplicates))}); delete them in GitLab (Settings -> Webhooks), or "
                 "GitLab delivers every event more than once." if duplicates else None)
        warning = " ".join(w for w in (role, unreachable_warning(hook_url), extra) if w) or None
        return WebhookResult(hook_id=hook.id, url=hook.url, warning=warning, created=created,
                             merge_requests_events=hook.merge_requests_events, note_events=hook.note_events)
