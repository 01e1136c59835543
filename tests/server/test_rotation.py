"""The server's token watch against the fake GitLab over real HTTP: the 14-day warning, opt-in automatic
rotation (never twice at once), a lost answer, and the settings routes."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from spyglass.server.rotation import AutoRotator
from spyglass.store import Store
from spyglass.testing.gitlab import FakeGitLab
from tests.gitlab.conftest import PROJECT, TODAY, Scenario, build_scenario


@pytest.fixture
def scenario(fake_gitlab: FakeGitLab) -> Iterator[Scenario]:
    fake_gitlab.today = TODAY
    fake_gitlab.world.reuse_detection_everywhere = True  # the strictest GitLab: any reuse revokes the family
    with Store.open(os.environ) as store:
        yield build_scenario(fake_gitlab, store)


def _watch(scenario: Scenario, days_left: int, *, auto: bool) -> tuple[AutoRotator, str]:
    token = scenario.user_token("bot", 40, expires_at=TODAY + timedelta(days=days_left))
    service = scenario.service()
    assert service.connect(scenario.fake.url, PROJECT, token).stored
    rotator = AutoRotator(service, scenario.store, today=lambda: TODAY)
    rotator.set_enabled(auto)
    return rotator, token


def _rotations(scenario: Scenario) -> int:
    return sum(1 for method, path in scenario.fake.requests if method == "POST" and path.endswith("/rotate"))


def test_no_warning_and_no_rotation_far_from_expiry(scenario: Scenario) -> None:
    rotator, token = _watch(scenario, 20, auto=True)
    status = rotator.check()
    assert status.expiry_warning is None and status.days_left == 20 and status.auto_rotate
    assert _rotations(scenario) == 0 and scenario.store.token() == token


def test_within_14_days_it_warns_and_rotates_only_when_opted_in(scenario: Scenario,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    rotator, token = _watch(scenario, 14, auto=False)
    with caplog.at_level(logging.WARNING, logger="spyglass.server"):
        status = rotator.check()
    assert status.expiry_warning is not None and "14 days left" in status.expiry_warning
    assert "automatic rotation" in status.expiry_warning
    assert any("expires on" in r.getMessage() for r in caplog.records)
    assert _rotations(scenario) == 0 and scenario.store.token() == token
    rotator.set_enabled(True)
    status = rotator.check()
    new = scenario.store.token()
    assert _rotations(scenario) == 1 and new != token and scenario.fake.world.tokens[token].revoked
    assert status.expiry_warning is None and status.days_left is not None and status.days_left > 14
    assert status.last_rotated_at is not None and status.last_error is None
    assert scenario.fake.world.revoked_token_uses == []  # the revoked token was never presented again
    assert all(token not in r.getMessage() and (new or "") not in r.getMessage() for r in caplog.records)


def test_concurrent_checks_rotate_once(scenario: Scenario) -> None:
    rotator, _ = _watch(scenario, 5, auto=True)
    barrier = threading.Barrier(4)

    def check() -> None:
        barrier.wait()
        rotator.check()

    threads = [threading.Thread(target=check) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert _rotations(scenario) == 1
    family = [t for t in scenario.fake.world.tokens.values() if t.user.username == "bot"]
    assert sum(not t.revoked for t in family) == 1 and scenario.store.token() in {t.value for t in family}


def test_a_lost_answer_is_reported_and_the_token_never_sent_again(scenario: Scenario) -> None:
    rotator, token = _watch(scenario, 3, auto=True)
    assert scenario.store.token() == token
    scenario.fake.fail_next("POST", r"/rotate$", kind="drop")
    status = rotator.check()
    assert status.last_error is not None and "never send it again" in status.last_error
    assert not status.connected and scenario.store.token() is None
    assert status.rotation_problem is not None and "connect" in status.rotation_problem
    sent = len(scenario.fake.requests)
    rotator.check()  # the next day: nothing to rotate, nothing sent
    assert len(scenario.fake.requests) == sent and _rotations(scenario) == 1


def test_an_expired_token_is_not_rotated(scenario: Scenario) -> None:
    _watch(scenario, 2, auto=True)
    later = AutoRotator(scenario.service(), scenario.store, today=lambda: TODAY + timedelta(days=5))
    status = later.check()
    assert status.expiry_warning is not None and "expired on" in status.expiry_warning
    assert _rotations(scenario) == 0


def test_the_settings_routes(client: TestClient, fake_gitlab: FakeGitLab) -> None:
    with Store.open(os.environ) as store:
        scenario = build_scenario(fake_gitlab, store)
        token = scenario.user_token("bot", 40, expires_at=date.today() + timedelta(days=7))
    connected = client.post("/api/gitlab/connect", json={"url": fake_gitlab.url, "project": PROJECT,
                                                          "token": token})
    assert connected.status_code == 200
    status = client.get("/api/gitlab/rotation").json()
    assert status["days_left"] == 7 and "7 days left" in status["expiry_warning"] and not status["auto_rotate"]
    assert client.put("/api/gitlab/rotation", json={"auto_rotate": True}).json()["auto_rotate"] is True
    rotated = client.post("/api/gitlab/rotate")
    assert rotated.status_code == 200, rotated.text
    body = rotated.json()
    assert body["previous_last4"] == token[-4:] and "token" not in body
    assert all(t.value not in rotated.text for t in fake_gitlab.world.tokens.values())
    assert client.get("/api/gitlab/connection").json()["token_last4"] == body["token_last4"]
    fake_gitlab.fail_next("POST", r"/rotate$", kind="drop")
    lost = client.post("/api/gitlab/rotate")
    assert lost.status_code == 409 and "connect" in lost.json()["remedy"]
    assert client.get("/api/gitlab/connection").json()["connected"] is False
