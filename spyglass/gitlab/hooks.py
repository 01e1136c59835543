"""Pure: the project hook Spyglass wants, which existing hook to reuse, and whether GitLab can reach a URL.

``spyglass gitlab webhook install`` lists the project's hooks first and updates the one with the same URL
instead of creating a second; after a POST whose response was lost it lists again (see
:meth:`spyglass.gitlab.service.GitLabService.install_webhook`).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from spyglass.gitlab.models import Hook

#: the events the two-way threads need: merge request changes (tracking) and notes (resolve, commands)
HOOK_EVENTS: dict[str, bool] = {"merge_requests_events": True, "note_events": True, "push_events": False}

_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa")


@dataclass(frozen=True)
class HookPlan:
    """Create a hook, or update ``hook_id`` (same URL); ``duplicates``: other hooks with that URL."""

    kind: Literal["create", "update"]
    hook_id: int | None = None
    duplicates: tuple[int, ...] = ()


def hook_body(url: str, secret: str) -> dict[str, object]:
    """The body of ``POST``/``PUT /projects/:id/hooks``: URL, secret and the events Spyglass reads."""
    return {"url": url, "token": secret, **HOOK_EVENTS, "enable_ssl_verification": url.startswith("https://")}


def _normal(url: str) -> tuple[str, str, int | None, str, str]:
    parts = urlsplit(url.strip())
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    port = parts.port if parts.port != default else None
    return parts.scheme.lower(), (parts.hostname or "").lower(), port, parts.path.rstrip("/"), parts.query


def same_url(a: str, b: str) -> bool:
    """Whether two hook URLs name the same endpoint (scheme and host case, default port, trailing slash)."""
    try:
        return _normal(a) == _normal(b)
    except ValueError:
        return a.strip() == b.strip()


def plan_hook(existing: Iterable[Hook], url: str) -> HookPlan:
    """Update the first hook whose URL is ``url`` (oldest id first), else create one."""
    matching = sorted(hook.id for hook in existing if same_url(hook.url, url))
    if not matching:
        return HookPlan("create")
    return HookPlan("update", matching[0], tuple(matching[1:]))


def has_events(hook: Hook) -> bool:
    """The hook already sends both merge request and note events."""
    return hook.merge_requests_events and hook.note_events


def unreachable_reason(url: str) -> str | None:
    """Why GitLab probably cannot call ``url`` (a loopback, private or link-local host), else None.

    Decided from the URL alone (nothing is resolved): IP literals by their range, and names that only
    exist on a local network (``localhost``, ``*.local``, a name without a dot ...).
    """
    try:
        host = (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return None
    if not host:
        return None
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if host == "localhost" or host.endswith(_LOCAL_SUFFIXES):
            return f"{host} is a name of this machine or its local network"
        if "." not in host:
            return f"{host} is a name without a domain, which only resolves on a local network"
        return None
    if address.is_loopback or address.is_unspecified:
        return f"{host} is a loopback address (this machine only)"
    if address.is_link_local:
        return f"{host} is a link-local address"
    if address.is_private:
        return f"{host} is a private network address"
    return None


def unreachable_warning(url: str) -> str | None:
    """The warning shown (CLI, settings page) when GitLab probably cannot call ``url``."""
    reason = unreachable_reason(url)
    if reason is None:
        return None
    return (f"GitLab probably cannot reach this webhook URL: {reason}. GitLab also refuses hooks to the "
            "local network unless an administrator allows it (Admin -> Settings -> Network -> Outbound "
            "requests). Give the address GitLab can reach, e.g. https://spyglass.example.com/api/gitlab/webhook, "
            "and start the server with --allowed-host spyglass.example.com.")
