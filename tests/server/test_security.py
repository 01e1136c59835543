"""Loopback by default; an access token for every API route but the webhook otherwise."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from spyglass.exceptions import UsageError
from spyglass.server.config import ServerConfig, is_loopback, resolve_auth_token
from spyglass.server.security import token_matches
from tests.server.conftest import MakeClient

TOKEN = "s3cret-access-token"


def test_loopback_addresses() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert is_loopback("127.8.0.2") and is_loopback("[::1]")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10") and not is_loopback("example.com")


def test_non_loopback_bind_requires_a_token() -> None:
    with pytest.raises(UsageError) as info:
        resolve_auth_token("0.0.0.0", None, {})
    assert "--auth-token" in info.value.remedy
    assert resolve_auth_token("0.0.0.0", None, {"SPYGLASS_AUTH_TOKEN": TOKEN}) == TOKEN
    assert resolve_auth_token("0.0.0.0", TOKEN, {}) == TOKEN
    assert resolve_auth_token("127.0.0.1", None, {}) is None
    with pytest.raises(UsageError):
        resolve_auth_token("0.0.0.0", "short", {})


def test_token_comparison() -> None:
    assert token_matches(TOKEN, f"Bearer {TOKEN}")
    assert not token_matches(TOKEN, f"Bearer {TOKEN}x")
    assert not token_matches(TOKEN, TOKEN)
    assert not token_matches(TOKEN, None)


def test_api_needs_the_token_when_one_is_set(make_client: MakeClient) -> None:
    client = make_client(config=ServerConfig(auth_token=TOKEN))
    refused = client.get("/api/lineage")
    assert refused.status_code == 401
    assert "access token" in refused.json()["error"]
    assert TOKEN not in refused.text
    assert client.get("/api/lineage", headers={"Authorization": "Bearer wrong-token"}).status_code == 401
    assert client.get("/api/lineage", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert client.post("/api/checks", json={"spec": {"type": "lineage_diff"}}).status_code == 401
    # the UI itself loads (it then asks for the token), health answers, the webhook checks its own secret
    assert client.get("/").status_code == 200
    assert client.get("/static/js/main.js").status_code == 200
    assert client.get("/api/health").json() == {"status": "ok"}
    info = client.get("/api/info", headers={"Authorization": f"Bearer {TOKEN}"}).json()
    assert info["auth_required"] is True
    assert TOKEN not in client.get("/api/info", headers={"Authorization": f"Bearer {TOKEN}"}).text


def test_default_config_binds_loopback_without_token(client: TestClient) -> None:
    assert ServerConfig().host == "127.0.0.1"
    assert client.get("/api/lineage").status_code == 200


def test_page_allows_no_third_party_content(client: TestClient) -> None:
    page = client.get("/")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "no-referrer"
