"""How the server is set up: bind address, served host names, access token, limits. Passed in, never read globally."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from spyglass.exceptions import UsageError
from spyglass.server.hosts import LOOPBACK_NAMES, normalize_name, parse_config_host

#: Requests larger than this get 413 (imports of big state files included).
DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024

#: Extra host names to serve, comma- or space-separated (added to those of --allowed-host).
ALLOWED_HOSTS_ENV = "SPYGLASS_ALLOWED_HOSTS"


@dataclass(frozen=True)
class ServerConfig:
    """What the app needs to know about how it is served."""

    host: str = "127.0.0.1"
    port: int = 8000
    #: required on every API route but the webhook when set (always set for a non-loopback bind)
    auth_token: str | None = None
    #: host names served besides ``host`` and the loopback names (normalized, see ``resolve_allowed_hosts``)
    allowed_hosts: tuple[str, ...] = ()
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    #: seconds between two checks of the artifacts on disk
    reload_interval: float = 2.0
    #: how many check runs may execute at once
    run_workers: int = 4
    #: seconds one run may take before it is cancelled and recorded as failed (0: no limit)
    run_seconds: float = 900.0
    #: seconds the server waits for open requests (long polls) once asked to stop
    graceful_seconds: int = 1
    #: seconds it then waits for cancelled runs to end; past both (and a margin) the process exits anyway
    shutdown_seconds: float = 5.0

    def served_hosts(self) -> frozenset[str]:
        """Every host name a request may carry in its ``Host`` header (normalized)."""
        own = normalize_name(self.host)
        names = {*LOOPBACK_NAMES, *self.allowed_hosts}
        return frozenset(names | {own} if own is not None else names)


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


def resolve_allowed_hosts(flags: Sequence[str], environ: Mapping[str, str]) -> tuple[str, ...]:
    """``--allowed-host`` values plus ``SPYGLASS_ALLOWED_HOSTS``, normalized; UsageError for a bad one."""
    values = [*flags, *re.split(r"[\s,]+", environ.get(ALLOWED_HOSTS_ENV, ""))]
    names: list[str] = []
    for value in values:
        if not value.strip():
            continue
        name = parse_config_host(value)
        if name is None:
            raise UsageError(
                f"{value[:100]!r} is not a host name (from --allowed-host or {ALLOWED_HOSTS_ENV}).",
                remedy="Give the bare name clients use to reach the server, e.g. spyglass.example.com "
                       "or 192.168.1.10: no scheme, path or wildcard.",
            )
        if name not in names:
            names.append(name)
    return tuple(names)


def validate_bind_host(host: str) -> str:
    """``--host`` as given, when it is a host name or address (``[::1]`` and ``::1`` both work)."""
    if normalize_name(host) is None:
        raise UsageError(f"{host[:100]!r} is not an address to bind to.",
                         remedy="Pass --host 127.0.0.1 (the default), ::1, or an address of this machine.")
    return host
