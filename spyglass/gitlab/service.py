"""The facade the CLI and the web server both call: every GitLab operation Spyglass offers.

Public API (stable; the server codes against it)::

    svc = GitLabService(store, environ)                # the process's open Store; transport/sleep/today for tests
    svc.settings(url=, project=, token=, mr_iid=)     -> ConnectionSettings (flags > env > CI > stored)
    svc.diagnose(settings)                            -> Diagnosis (four GETs, never writes)
    svc.connect(url, project, token)                  -> ConnectResult (stores only if it can read MRs)
    svc.status(url=, project=)                        -> Diagnosis of the configured connection
    svc.stored()                                      -> StoredConnection | None (never the token)
    svc.webhook_configured()                          -> bool (a webhook secret is stored)
    svc.disconnect()                                  -> bool
    svc.merge_requests(state=, url=, project=)        -> MergeRequestList (views with tracking status)
    svc.post(state, mr_iid=, notes=, commit_status=, url=, project=) -> PostResult
    svc.install_webhook(hook_url, url=, project=)     -> WebhookResult
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Mapping
from datetime import date
from functools import partial
from typing import TypeVar

import httpx
from pydantic import BaseModel, ConfigDict

from spyglass.gitlab.api import GitLabApi
from spyglass.gitlab.client import GitLabClient, RetryPolicy, require_sendable_token
from spyglass.gitlab.comment import counts, findings, summary_body
from spyglass.gitlab.diagnose import NEW_TOKEN, Diagnosis, Failure, Probes, ProblemCode, diagnose
from spyglass.gitlab.errors import (
    GitLabApiError,
    GitLabForbidden,
    GitLabNotConfigured,
    GitLabReadOnly,
    GitLabUnusable,
)
from spyglass.gitlab.models import MAINTAINER, MergeRequest, Project, TokenInfo, role_name
from spyglass.gitlab.publish import set_status, sync_discussions, upsert_summary
from spyglass.gitlab.settings import PROJECT_ENV, TOKEN_ENV, URL_ENV, ConnectionSettings, resolve
from spyglass.gitlab.tracking import MergeRequestView, posted, seen, view
from spyglass.state.models import State
from spyglass.store.db import Store
from spyglass.store.models import StoredConnection

T = TypeVar("T")


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


class WebhookResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    hook_id: int
    url: str
    warning: str | None = None


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
        stored_token = self._store.token() if stored is not None and token is None \
            and not self._environ.get(TOKEN_ENV) else None
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
        client = GitLabClient(url, token, transport=self._transport, sleep=self._sleep, policy=self._policy)
        return GitLabApi(client, project)

    # -- validation -------------------------------------------------------------------------------
    def diagnose(self, settings: ConnectionSettings) -> Diagnosis:
        """The four validation requests (token, user, project, membership), judged. Never writes."""
        api = self._api(settings)
        with api.client:
            return self._judge(api, settings)

    def _judge(self, api: GitLabApi, settings: ConnectionSettings) -> Diagnosis:
        return diagnose(api.client.base[: -len("/api/v4")], settings.project or "", probe(api),
                        today=self._today())

    def connect(self, url: str, project: str, token: str) -> ConnectResult:
        """Validate the token; store the connection (token encrypted) only if it can read MRs.

        A token that cannot be sent in an HTTP header (line break, control character ...) is a
        :class:`GitLabTokenInvalid` before anything is sent or logged.
        """
        token = require_sendable_token(token)
        settings = ConnectionSettings(url=url.strip(), project=project.strip(), token=token)
        diagnosis = self.diagnose(settings)
        if diagnosis.can_read_merge_requests:
            self._store.save_connection(diagnosis.url, diagnosis.project, token,
                                        user=diagnosis.user, scopes=diagnosis.scopes or [])
        return ConnectResult(diagnosis=diagnosis, stored=diagnosis.can_read_merge_requests,
                             token_last4=token[-4:])

    def status(self, *, url: str | None = None, project: str | None = None) -> Diagnosis:
        """Diagnose the configured connection (flags > environment > CI > stored)."""
        return self.diagnose(self.settings(url=url, project=project))

    def disconnect(self) -> bool:
        """Delete the stored connection and its token; False when there was none."""
        return self._store.delete_connection()

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

    # -- posting ----------------------------------------------------------------------------------
    def post(self, state: State, *, mr_iid: int | None = None, notes: bool = False,
             commit_status: bool = False, url: str | None = None,
             project: str | None = None) -> PostResult:
        """Post (or update) the summary note of ``state`` on the MR; optionally threads and status.

        Raises :class:`GitLabReadOnly` (exit 3) before any write when the token cannot post.
        """
        settings = self.settings(url=url, project=project, mr_iid=mr_iid)
        iid = settings.mr_iid or (state.environment.merge_request.iid if state.environment
                                  and state.environment.merge_request else None)
        if iid is None:
            raise GitLabNotConfigured("Which merge request? No --mr given and CI_MERGE_REQUEST_IID unset.",
                                      remedy="Pass --mr IID (the number after ! in the merge request).")
        api = self._api(settings)
        with api.client:
            diagnosis = self._judge(api, settings)
            _require_post(diagnosis)  # before any write request
            assert diagnosis.user_id is not None
            mr = api.merge_request(iid)
            note, created = upsert_summary(api, iid, diagnosis.user_id, summary_body(state))
            threads = sync_discussions(api, iid, diagnosis.user_id, findings(state)) if notes else None
            note_url = f"{mr.web_url}#note_{note.id}" if mr.web_url else None
            tally = counts(state)
            status = set_status(api, mr, tally, note_url).status if commit_status else None
        self._record(diagnosis.project, mr, note.id, state)
        return PostResult(
            project=diagnosis.project, iid=iid, head_sha=mr.sha, note_id=note.id, note_url=note_url,
            created=created, checks=tally.checks, mismatches=tally.mismatches, errors=tally.errors,
            discussions_created=threads.created if threads else 0,
            discussions_updated=threads.updated if threads else 0,
            discussions_resolved=threads.resolved if threads else 0, commit_status=status)

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
        """Create the project's Merge Request hook with a new secret, stored encrypted.

        Needs Maintainer: below that the result's ``warning`` says so (GitLab's 403 is raised as is).
        """
        settings = self.settings(url=url, project=project)
        secret = secrets.token_urlsafe(32)
        api = self._api(settings)
        with api.client:
            diagnosis = self._judge(api, settings)
            _require_post(diagnosis)
            warning = None
            if (diagnosis.access_level or 0) < MAINTAINER:
                warning = (f"The token's user is {role_name(diagnosis.access_level) or 'not a member'}: "
                           "creating a webhook needs the Maintainer role, so GitLab will probably refuse.")
            try:
                hook = api.create_hook(hook_url, secret)
            except GitLabForbidden as exc:
                raise GitLabForbidden(
                    f"GitLab refused to create the webhook: {warning or exc.message}", status=exc.status,
                    remedy="Ask an Owner to give the token's user the Maintainer role (Manage -> Members), "
                           "or run this with a Maintainer's token.") from None
        self._store.save_webhook_secret(secret)
        return WebhookResult(hook_id=hook.id, url=hook.url, warning=warning)


def validated_sha(state: State) -> str | None:
    """The commit the state's run validated, when the state says (``spyglass run`` in CI does)."""
    env = state.environment
    if env is None:
        return None
    if env.merge_request is not None and env.merge_request.head_sha:
        return env.merge_request.head_sha
    return env.git_sha


def _require_post(diagnosis: Diagnosis) -> None:
    """Stop before any write request when the token cannot post (exit 3) or is unusable (exit 2)."""
    if not diagnosis.can_read_merge_requests:
        errors = [p for p in diagnosis.problems if p.severity == "error"]
        raise GitLabUnusable(" ".join(p.message for p in errors) or "The GitLab connection cannot be used.",
                             remedy=" ".join(p.remedy for p in errors) or "Run `spyglass gitlab status`.")
    if diagnosis.has(ProblemCode.SCOPE_READ_ONLY) or not diagnosis.can_post:
        raise GitLabReadOnly(
            "This token has the `read_api` scope: Spyglass can track merge requests but not post "
            "summaries, notes or commit statuses.", remedy="To post, " + NEW_TOKEN[0].lower() + NEW_TOKEN[1:]
            + f" Then set {TOKEN_ENV} (a masked CI/CD variable in GitLab CI).")


def _attempt(call: Callable[[], T]) -> T | Failure:
    try:
        return call()
    except GitLabApiError as exc:
        return Failure.of(exc)


def probe(api: GitLabApi) -> Probes:
    """Ask GitLab the four validation questions (stopping early when the token is rejected)."""
    token: TokenInfo | Failure | None = _attempt(api.token_self)
    if isinstance(token, Failure) and token.status in (400, 403, 404):
        token = None  # older GitLab (no /personal_access_tokens/self) or not a PAT: fall back to /user
    user = _attempt(api.current_user)
    if isinstance(token, Failure) or isinstance(user, Failure):
        return Probes(token=token, user=user)
    project = _attempt(api.project)
    member = _attempt(partial(api.member, user.id)) if isinstance(project, Project) else None
    return Probes(token=token, user=user, project=project, member=member)
