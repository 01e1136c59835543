"""How the server is set up: bind address, access token, limits. Passed in, never read globally."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass

from spyglass.exceptions import UsageError

#: Requests larger than this get 413 (imports of big state files included).
DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class ServerConfig:
    """What the app needs to know about how it is served."""

    host: str = "127.0.0.1"
    port: int = 8000
    #: required on every API route but the webhook when set (always set for a non-loopback bind)
    auth_token: str | None = None
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    #: seconds between two checks of the artifacts on disk
    reload_interval: float = 2.0
    #: how many check runs may execute at once
    run_workers: int = 4


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (IPv4 and IPv6)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def resolve_auth_token(host: str, flag: str | None, environ: Mapping[str, str]) -> str | None:
    """The access token to require: the flag, else ``SPYGLASS_AUTH_TOKEN``; mandatory off loopback."""
    token = flag or environ.get("SPYGLASS_AUTH_TOKEN") or None
    if token is None and not is_loopback(host):
        raise UsageError(
            f"Serving on {host} exposes the API to the network, and no access token is set.",
            remedy="Pass --auth-token TOKEN (or set SPYGLASS_AUTH_TOKEN), or bind to 127.0.0.1.",
        )
    if token is not None and len(token) < 8:
        raise UsageError("The access token is too short.", remedy="Use at least 8 random characters.")
    return token
