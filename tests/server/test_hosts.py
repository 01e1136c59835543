"""Host names, origins and the cross-site decision (pure), and the served-host configuration."""

from __future__ import annotations

import pytest
from starlette.datastructures import Headers

from spyglass.exceptions import UsageError
from spyglass.server.config import ServerConfig, resolve_allowed_hosts, validate_bind_host
from spyglass.server.hosts import Authority, Origin, normalize_name, parse_authority, parse_origin, url_host
from spyglass.server.security import cross_site_problem


def test_host_names_are_normalized() -> None:
    assert normalize_name("LocalHost.") == "localhost"
    assert normalize_name("::1") == normalize_name("[::1]") == normalize_name("[0:0:0::1]") == "[::1]"
    assert normalize_name("Spyglass.Example.COM") == "spyglass.example.com"
    for bad in ("", "*", "*.example.com", "a b", "evil.example/", "http://x", "[::1", "x" * 300, "a..b", "-a.b"):
        assert normalize_name(bad) is None, bad


def test_host_headers_are_parsed() -> None:
    assert parse_authority("localhost:8000") == Authority("localhost", 8000)
    assert parse_authority("[::1]:8000") == Authority("[::1]", 8000)
    assert parse_authority("127.0.0.1") == Authority("127.0.0.1", None)
    for bad in ("::1", "localhost:", "localhost:99999", "localhost:0", "a:1:2", "evil.example:80@x", ""):
        assert parse_authority(bad) is None, bad


def test_origins_and_referers_are_parsed() -> None:
    assert parse_origin("http://127.0.0.1:8000") == Origin("http", "127.0.0.1", 8000)
    assert parse_origin("https://Spyglass.example.com") == Origin("https", "spyglass.example.com", 443)
    assert parse_origin("http://[::1]:8000/#/checks?x=1") == Origin("http", "[::1]", 8000)
    for bad in ("null", "", "file:///etc/passwd", "http://user@127.0.0.1:8000", "http://", "http://h:99999",
                "javascript:alert(1)"):
        assert parse_origin(bad) is None, bad


def _problem(method_headers: dict[str, str], path: str = "/api/state/import") -> str | None:
    return cross_site_problem("http", path, Headers({"host": "127.0.0.1:8000", **method_headers}))


def test_the_cross_site_decision() -> None:
    own, header = "http://127.0.0.1:8000", {"x-spyglass-request": "1"}
    assert _problem({"origin": own, **header}) is None
    assert _problem({"origin": own, "content-type": "application/json; charset=utf-8"}) is None
    assert _problem({"referer": f"{own}/#/checks", **header}) is None
    assert _problem({"content-type": "application/json"}) is None  # a program: no Origin, no Referer
    for hostile in ({"origin": "http://evil.example", **header}, {"origin": "null", **header},
                    {"origin": "http://127.0.0.1:8001", **header}, {"origin": "https://127.0.0.1:8000", **header},
                    {"referer": "http://evil.example/", **header}, {"origin": own, "content-type": "text/plain"},
                    {"origin": own}, {}, {"content-type": "application/x-www-form-urlencoded"}):
        assert _problem(hostile) is not None, hostile
    # the webhook: no custom header needed, but no foreign origin either
    assert _problem({}, "/api/gitlab/webhook") is None
    assert _problem({"origin": "http://evil.example"}, "/api/gitlab/webhook") is not None


def test_served_hosts() -> None:
    assert ServerConfig().served_hosts() == {"localhost", "127.0.0.1", "[::1]"}
    assert ServerConfig(host="::1").served_hosts() == {"localhost", "127.0.0.1", "[::1]"}
    config = ServerConfig(host="0.0.0.0", allowed_hosts=("spyglass.example.com",))
    assert config.served_hosts() == {"localhost", "127.0.0.1", "[::1]", "0.0.0.0", "spyglass.example.com"}


def test_allowed_hosts_from_flags_and_environment() -> None:
    env = {"SPYGLASS_ALLOWED_HOSTS": "b.example.com, C.example.com  [fe80::1]"}
    assert resolve_allowed_hosts(["a.example.com:8443", "A.example.com"], env) == \
        ("a.example.com", "b.example.com", "c.example.com", "[fe80::1]")
    assert resolve_allowed_hosts([], {}) == ()
    for bad in ("https://a.example.com/", "*", "a b/c"):
        with pytest.raises(UsageError) as info:
            resolve_allowed_hosts([bad], {})
        assert "--allowed-host" in info.value.message and info.value.remedy


def test_bind_hosts() -> None:
    assert validate_bind_host("[::1]") == "[::1]" and validate_bind_host("::1") == "::1"
    assert url_host("::1") == url_host("[::1]") == "[::1]" and url_host("127.0.0.1") == "127.0.0.1"
    with pytest.raises(UsageError):
        validate_bind_host("http://0.0.0.0")
