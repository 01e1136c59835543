"""The server's thin adapter over :mod:`spyglass.gitlab`, on the one store the server opened at start-up.

Everything GitLab does lives in :mod:`spyglass.gitlab` (shared with the CLI): the service, tracking, and
the webhook receiver (:mod:`spyglass.gitlab.receiver`). This module only adds what is specific to the
server: the stored-connection view for the settings page, and the store's lifetime (the app's: the port
closes it when the app shuts down).
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict

from spyglass.exceptions import UsageError
from spyglass.gitlab.diagnose import Diagnosis
from spyglass.gitlab.receiver import WebhookReceiver
from spyglass.gitlab.service import ConnectResult, GitLabService, MergeRequestList, PostResult, WebhookResult
from spyglass.server.rotation import AutoRotator
from spyglass.state.models import State
from spyglass.store.db import Store


class ConnectionView(BaseModel):
    """The stored connection as the settings page shows it: never the token, only its last four."""

    model_config = ConfigDict(frozen=True)

    connected: bool
    url: str | None = None
    project: str | None = None
    user: str | None = None
    scopes: list[str] = []
    token_last4: str | None = None
    webhook_configured: bool = False


class GitLabPort:
    """What the GitLab routes call; one per app, over the store the app opened (and closes through it)."""

    def __init__(self, store: Store, environ: Mapping[str, str]) -> None:
        self._store = store
        self.service = GitLabService(store, environ)
        self.webhooks = WebhookReceiver(store, environ)
        #: the token's expiry warning and opt-in automatic rotation (started by the app's lifespan)
        self.rotation = AutoRotator(self.service, store)

    def close(self) -> None:
        """Close the store (the app is shutting down)."""
        self._store.close()

    def connection(self) -> ConnectionView:
        stored = self.service.stored()
        hooked = self.service.webhook_configured()
        if stored is None:
            return ConnectionView(connected=False, webhook_configured=hooked)
        return ConnectionView(connected=True, url=stored.url, project=stored.project, user=stored.user,
                              scopes=list(stored.scopes), token_last4=stored.token_last4,
                              webhook_configured=hooked)

    def connect(self, url: str, project: str, token: str, *, confirm_downgrade: bool = True) -> ConnectResult:
        if not token.strip():
            raise UsageError("The token is empty.", remedy="Paste a GitLab Personal Access Token.")
        return self.service.connect(url, project, token, confirm_downgrade=confirm_downgrade)

    def diagnose(self) -> Diagnosis:
        return self.service.status()

    def disconnect(self) -> bool:
        return self.service.disconnect()

    def merge_requests(self, state: str) -> MergeRequestList:
        return self.service.merge_requests(state=state)

    def post(self, state: State, iid: int, *, notes: bool, commit_status: bool) -> PostResult:
        return self.service.post(state, mr_iid=iid, notes=notes, commit_status=commit_status)

    def install_webhook(self, hook_url: str) -> WebhookResult:
        return self.service.install_webhook(hook_url)
