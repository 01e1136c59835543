"""The settings page's routes against the fake GitLab over real HTTP: downgrade confirmation, the
webhook URL check, the note preview and binding the checklist to a merge request."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spyglass.gitlab.comment import SUMMARY_MARKER
from spyglass.store import Store
from spyglass.testing.gitlab import FakeGitLab
from tests.gitlab.conftest import PROJECT, Scenario, build_scenario
from tests.server.conftest import MakeClient


@pytest.fixture
def scenario(fake_gitlab: FakeGitLab) -> Iterator[Scenario]:
    """The GitLab tests' project (one open MR from ``feature``), over the store the server uses too."""
    with Store.open(os.environ) as store:
        yield build_scenario(fake_gitlab, store)


def _connect(client: TestClient, scenario: Scenario, token: str, **extra: object) -> Any:
    return client.post("/api/gitlab/connect",
                       json={"url": scenario.fake.url, "project": PROJECT, "token": token, **extra})


def test_a_read_api_token_replaces_an_api_token_only_when_confirmed(client: TestClient,
                                                                     scenario: Scenario) -> None:
    api_token = scenario.user_token("lead", 40)
    assert _connect(client, scenario, api_token).status_code == 200
    read_only = scenario.user_token("viewer", 40, ("read_api",))
    refused = _connect(client, scenario, read_only)
    assert refused.status_code == 409
    body = refused.json()
    assert "can post" in body["error"] and "confirm_downgrade" in body["remedy"]
    assert read_only not in refused.text and api_token[-4:] in body["error"]
    assert client.get("/api/gitlab/connection").json()["token_last4"] == api_token[-4:]  # nothing replaced
    confirmed = _connect(client, scenario, read_only, confirm_downgrade=True)
    assert confirmed.status_code == 200 and confirmed.json()["stored"] is True
    assert client.get("/api/gitlab/connection").json()["scopes"] == ["read_api"]
    # an api token after a read_api one is no downgrade
    assert _connect(client, scenario, scenario.user_token("next", 40)).status_code == 200


@pytest.mark.parametrize(("url", "warned"), [
    ("http://127.0.0.1:8000/api/gitlab/webhook", True), ("http://192.168.0.10/api/gitlab/webhook", True),
    ("https://spyglass.example.com/api/gitlab/webhook", False),
])
def test_the_webhook_url_check_warns_about_local_addresses(client: TestClient, url: str, warned: bool) -> None:
    response = client.get("/api/gitlab/webhook/url-check", params={"url": url})
    assert response.status_code == 200
    warning = response.json()["warning"]
    assert (warning is not None) is warned
    if warned:
        assert "GitLab probably cannot reach" in warning and "--allowed-host" in warning


def test_preview_is_the_body_post_writes_and_sends_nothing(client: TestClient, scenario: Scenario) -> None:
    assert _connect(client, scenario, scenario.user_token("lead", 40)).status_code == 200
    before = len(scenario.fake.requests)
    preview = client.get("/api/gitlab/merge-requests/1/preview")
    assert preview.status_code == 200 and len(scenario.fake.requests) == before  # no request to GitLab
    body = preview.json()["body"]
    assert body.startswith(SUMMARY_MARKER)
    assert client.post("/api/gitlab/merge-requests/1/post", json={}).status_code == 200
    assert [note.body for note in scenario.mr.notes] == [body]


def test_binding_the_checklist_to_a_merge_request_then_its_head_moves(client: TestClient,
                                                                      scenario: Scenario) -> None:
    head = scenario.mr.sha
    assert _connect(client, scenario, scenario.user_token("lead", 40)).status_code == 200
    assert client.get("/api/gitlab/merge-requests").json()["bound"] is None
    bound = client.post("/api/gitlab/merge-requests/1/bind", json={})
    assert bound.status_code == 200, bound.text
    ref = bound.json()["merge_request"]
    assert (ref["iid"], ref["source_branch"], ref["head_sha"], ref["project"]) == (1, "feature", head, PROJECT)
    assert not scenario.fake.writes()  # binding only reads GitLab
    listing = client.get("/api/gitlab/merge-requests").json()
    assert listing["bound"]["head_sha"] == head == listing["merge_requests"][0]["mr"]["head_sha"]
    scenario.mr.sha = "c" * 40  # someone pushed to the merge request
    moved = client.get("/api/gitlab/merge-requests").json()
    assert moved["bound"]["head_sha"] == head and moved["merge_requests"][0]["mr"]["head_sha"] == "c" * 40
    exported = client.get("/api/state/export").json()  # the binding is part of the state file
    assert exported["environment"]["merge_request"]["head_sha"] == head
    assert exported["environment"]["git_branch"] == "feature"
    missing = client.post("/api/gitlab/merge-requests/99/bind", json={})
    assert missing.status_code == 404 and "!99" in missing.json()["error"] and missing.json()["remedy"]
    assert client.get("/api/gitlab/merge-requests").json()["bound"]["iid"] == 1  # still the first binding


def test_the_binding_survives_a_restart_of_the_server(make_client: MakeClient, scenario: Scenario,
                                                      tmp_path: Path) -> None:
    state_path = tmp_path / "bound_state.json"
    first = make_client(state_path=state_path)
    assert _connect(client=first, scenario=scenario, token=scenario.user_token("lead", 40)).status_code == 200
    assert first.post("/api/gitlab/merge-requests/1/bind", json={}).status_code == 200
    assert first.post("/api/state/save", json={}).status_code == 200
    again = make_client(state_path=state_path)  # reads the state file, describes the artifacts afresh
    bound = again.get("/api/gitlab/merge-requests").json()["bound"]
    assert (bound["iid"], bound["head_sha"]) == (1, scenario.mr.sha)
