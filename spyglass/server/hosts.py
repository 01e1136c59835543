"""Host names and origins (pure): what a ``Host``, ``Origin`` or ``Referer`` header names.

The server answers only to the names it was started for (DNS rebinding: a page on an attacker's name
that resolves to 127.0.0.1 sends its own name in ``Host``), and changes state only for requests from
its own origin (cross-site request forgery). Names are compared normalized: lower case, no trailing
dot, IPv6 addresses in brackets and compressed (``[::1]``).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

#: Always served: the loopback names a local browser uses.
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")

_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_HOSTNAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")
_AUTHORITY = re.compile(r"(?P<host>\[[^\]]*\]|[^:\[\]]*)(?::(?P<port>[0-9]{1,5}))?")
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Authority:
    """A normalized host name and the port, when one was given."""

    host: str
    port: int | None = None


@dataclass(frozen=True)
class Origin:
    """scheme://host:port, the port filled in from the scheme when omitted."""

    scheme: str
    host: str
    port: int


def normalize_name(name: str) -> str | None:
    """The normalized host name (no port), or None when ``name`` is not a host name or address.

    Accepts ``example.com``, ``127.0.0.1``, ``[::1]`` and a bare IPv6 address (``::1``).
    """
    name = name.strip().lower()
    if name.startswith("[") and name.endswith("]"):
        return _ipv6(name[1:-1])
    if ":" in name:
        return _ipv6(name)
    name = name[:-1] if name.endswith(".") else name
    if not name or len(name) > 253 or not _HOSTNAME.fullmatch(name):
        return None
    return name


def _ipv6(text: str) -> str | None:
    try:
        address = ipaddress.IPv6Address(text)
    except ValueError:
        return None
    return f"[{address.compressed}]"


def parse_authority(value: str) -> Authority | None:
    """``name``, ``name:port``, ``[v6]`` or ``[v6]:port`` (a ``Host`` header); None when malformed."""
    match = _AUTHORITY.fullmatch(value.strip())
    if match is None:
        return None
    host = normalize_name(match["host"])
    port = int(match["port"]) if match["port"] else None
    if host is None or (port is not None and not 0 < port < 65536):
        return None
    return Authority(host, port)


def parse_config_host(value: str) -> str | None:
    """An ``--allowed-host`` value: a name or address, a port after it is accepted and ignored."""
    name = normalize_name(value)
    if name is not None:
        return name
    authority = parse_authority(value)
    return authority.host if authority is not None else None


def parse_origin(value: str) -> Origin | None:
    """The origin of an ``Origin`` header or of a ``Referer`` URL; None for ``null`` or anything malformed."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.netloc or "@" in parts.netloc:
        return None
    authority = parse_authority(parts.netloc)
    if authority is None:
        return None
    return Origin(scheme, authority.host, port if port is not None else _DEFAULT_PORTS[scheme])


def request_origin(scheme: str, host_header: str | None) -> Origin | None:
    """The origin a request was sent to: its scheme and its ``Host`` header."""
    if host_header is None or scheme not in _DEFAULT_PORTS:
        return None
    authority = parse_authority(host_header)
    if authority is None:
        return None
    return Origin(scheme, authority.host,
                  authority.port if authority.port is not None else _DEFAULT_PORTS[scheme])


def bind_address(host: str) -> str:
    """The address to give the socket layer: ``[::1]`` becomes ``::1``."""
    host = host.strip()
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host


def url_host(host: str) -> str:
    """The host as it appears in a URL: IPv6 addresses in brackets."""
    address = bind_address(host)
    return f"[{address}]" if ":" in address else address
