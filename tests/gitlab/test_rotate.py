"""``spyglass gitlab rotate`` against the fake GitLab over real HTTP, with GitLab's reuse detection at its
strictest (a revoked token presented anywhere revokes its family): success; a lost answer; the old token
refused afterwards; the stored token is never the revoked one, and no revoked token is ever sent."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from spyglass.gitlab.client import GitLabClient
from spyglass.gitlab.errors import (
    GitLabApiError,
    GitLabNotConfigured,
    GitLabRotationBusy,
    GitLabRotationLost,
    GitLabScopeError,
)
from spyglass.gitlab.models import TokenInfo
from spyglass.gitlab.rotate import EXPIRES_KEY, ROTATION_KEY, RotationMarker, default_expiry, marker
from spyglass.gitlab.service import GitLabService
from spyglass.testing.gitlab_world import FakeToken
from tests.gitlab.conftest import PROJECT, TODAY, Scenario
from tests.gitlab.test_cli import Cli


def _connected(scenario: Scenario, scopes: tuple[str, ...] = ("api",), *,
               lifetime: int = 90) -> tuple[GitLabService, str]:
    scenario.fake.world.reuse_detection_everywhere = True
    token = scenario.user_token("bot", 40, scopes, expires_at=TODAY + timedelta(days=10))
    scenario.fake.world.tokens[token].created_on = TODAY + timedelta(days=10 - lifetime)
    service = scenario.service()
    assert service.connect(scenario.fake.url, PROJECT, token).stored
    return service, token


def _family(scenario: Scenario, token: str) -> list[FakeToken]:
    world = scenario.fake.world
    return [t for t in world.tokens.values() if t.user is world.tokens[token].user]


def test_rotation_stores_the_new_token_and_the_old_one_is_refused(scenario: Scenario) -> None:
    service, old = _connected(scenario)
    result = service.rotate()
    world = scenario.fake.world
    new = scenario.store.token()
    assert new is not None and new != old and world.tokens[old].revoked
    assert result.token_last4 == new[-4:] and result.previous_last4 == old[-4:]
    fresh = world.tokens[new]
    assert not fresh.revoked and fresh.previous_id == world.tokens[old].id and fresh.name == world.tokens[old].name
    assert result.expires_at == fresh.expires_at == TODAY + timedelta(days=90)  # the old token's lifetime
    assert scenario.store.get_setting(EXPIRES_KEY) == fresh.expires_at.isoformat()
    assert scenario.store.get_setting(ROTATION_KEY) is None
    assert service.status().can_post  # every later request uses the new token
    old_service = scenario.service(SPYGLASS_GITLAB_URL=scenario.fake.url, SPYGLASS_GITLAB_PROJECT=PROJECT,
                                   SPYGLASS_GITLAB_TOKEN=old)
    refused = old_service.status()  # someone else presenting the old token: GitLab refuses it ...
    assert not refused.can_read_merge_requests and refused.problems[0].code == "token_revoked"
    assert world.tokens[new].revoked  # ... and revokes its family: what reuse detection is for
    assert world.revoked_token_uses and all(p for p in world.revoked_token_uses)


def test_spyglass_never_presents_the_revoked_token(scenario: Scenario) -> None:
    service, _ = _connected(scenario)
    service.rotate()
    service.status()
    service.merge_requests()
    assert scenario.fake.world.revoked_token_uses == []
    assert sum(1 for t in _family(scenario, scenario.store.token() or "") if not t.revoked) == 1


def test_a_lost_answer_deletes_the_old_token_and_never_sends_it_again(scenario: Scenario) -> None:
    service, old = _connected(scenario)
    scenario.fake.fail_next("POST", r"/rotate$", kind="drop")
    with pytest.raises(GitLabRotationLost) as caught:
        service.rotate()
    world = scenario.fake.world
    assert world.tokens[old].revoked  # GitLab did rotate: the new token was lost in transit
    assert scenario.store.token() is None and scenario.store.connection() is None  # never the revoked one
    said = str(caught.value)
    assert old[-4:] in said and "connect" in caught.value.remedy and PROJECT in caught.value.remedy
    assert old not in said and all(t.value not in said for t in world.tokens.values())
    found = marker(scenario.store)
    assert found is not None and found.state == "lost"
    requests = len(scenario.fake.requests)
    for call in (service.status, service.merge_requests, service.rotate):
        with pytest.raises(GitLabRotationLost):
            call()
    assert len(scenario.fake.requests) == requests and world.revoked_token_uses == []  # nothing was sent
    rotations = [p for m, p in scenario.fake.requests if m == "POST"]
    assert rotations == ["/personal_access_tokens/self/rotate"]  # never repeated


def test_connecting_a_new_token_ends_a_lost_rotation(scenario: Scenario) -> None:
    service, _ = _connected(scenario)
    scenario.fake.fail_next("POST", r"/rotate$", kind="drop")
    with pytest.raises(GitLabRotationLost):
        service.rotate()
    fresh = scenario.user_token("bot2", 40)
    assert service.connect(scenario.fake.url, PROJECT, fresh).stored
    assert marker(scenario.store) is None and service.status().can_post


def test_a_5xx_counts_as_lost_but_a_4xx_changes_nothing(scenario: Scenario) -> None:
    service, old = _connected(scenario)
    scenario.fake.world.max_token_lifetime_days = 30
    with pytest.raises(GitLabApiError) as caught:  # past the instance's longest lifetime: GitLab says so
        service.rotate(expires_at=TODAY + timedelta(days=31))
    assert caught.value.status == 400 and "must be before" in str(caught.value)
    assert scenario.store.token() == old and not scenario.fake.world.tokens[old].revoked
    assert marker(scenario.store) is None
    scenario.fake.fail_next("POST", r"/rotate$", kind="500")
    with pytest.raises(GitLabRotationLost):
        service.rotate()
    assert scenario.store.token() is None


def test_the_instance_lifetime_limit_is_used_when_the_default_is_longer(scenario: Scenario) -> None:
    service, _ = _connected(scenario, lifetime=200)
    scenario.fake.world.max_token_lifetime_days = 60
    result = service.rotate()
    assert result.expires_at == TODAY + timedelta(days=60)
    assert [m for m, _ in scenario.fake.requests].count("POST") == 2  # the 400 rotated nothing


def test_a_token_without_a_rotation_scope_is_refused_before_any_write(scenario: Scenario) -> None:
    service, old = _connected(scenario, ("read_api",))
    with pytest.raises(GitLabScopeError) as caught:
        service.rotate()
    assert "self_rotate" in caught.value.remedy and scenario.fake.writes() == []
    assert scenario.store.token() == old and marker(scenario.store) is None


def test_a_self_rotate_token_rotates(scenario: Scenario) -> None:
    service, old = _connected(scenario, ("read_api", "self_rotate"))
    result = service.rotate(expires_at=TODAY + timedelta(days=30))
    assert result.expires_at == TODAY + timedelta(days=30) and result.scopes == ["read_api", "self_rotate"]
    assert scenario.store.token() != old


def test_gitlab_unreachable_changes_nothing(scenario: Scenario) -> None:
    service, old = _connected(scenario)
    scenario.fake.stop()
    with pytest.raises(Exception) as caught:
        service.rotate()
    assert not isinstance(caught.value, GitLabRotationLost)
    assert scenario.store.token() == old and marker(scenario.store) is None


def test_a_rotation_under_way_blocks_the_stored_token(scenario: Scenario) -> None:
    service, old = _connected(scenario)
    pending = RotationMarker(state="pending", started_at=datetime.now(timezone.utc), token_last4=old[-4:],
                             url=scenario.fake.url, project=PROJECT)
    assert scenario.store.claim_setting(ROTATION_KEY, pending.model_dump_json())
    with pytest.raises(GitLabRotationBusy):
        service.rotate()
    with pytest.raises(GitLabRotationBusy):
        service.status()
    assert scenario.store.token() == old and scenario.fake.requests[-1][0] == "GET"


def test_an_interrupted_rotation_deletes_the_token(scenario: Scenario) -> None:
    service, old = _connected(scenario)
    stale = RotationMarker(state="pending", started_at=datetime.now(timezone.utc) - timedelta(hours=1),
                           token_last4=old[-4:], url=scenario.fake.url, project=PROJECT)
    scenario.store.set_setting(ROTATION_KEY, stale.model_dump_json())
    sent = len(scenario.fake.requests)
    with pytest.raises(GitLabRotationLost) as caught:
        service.status()
    assert "never finished" in caught.value.message and scenario.store.token() is None
    assert len(scenario.fake.requests) == sent


def test_nothing_to_rotate_without_a_connection(scenario: Scenario) -> None:
    with pytest.raises(GitLabNotConfigured):
        scenario.service().rotate()


def test_default_expiry_keeps_the_lifetime_within_a_year() -> None:
    info = TokenInfo(id=1, expires_at=date(2026, 12, 1))
    assert default_expiry(info, date(2026, 9, 2), TODAY) == TODAY + timedelta(days=90)
    assert default_expiry(info, date(2020, 1, 1), TODAY) == TODAY + timedelta(days=365)
    assert default_expiry(info, date(2026, 11, 24), TODAY) == TODAY + timedelta(days=30)
    assert default_expiry(TokenInfo(id=1), date(2026, 9, 2), TODAY) is None


def test_the_cli_rotates_and_explains_a_lost_answer(scenario: Scenario) -> None:
    cli = Cli()
    _, old = _connected(scenario)
    done = cli("gitlab", "rotate", "--json")
    assert done.code == 0, done.err
    data = json.loads(done.out)
    new = scenario.store.token() or ""
    assert data["previous_last4"] == old[-4:] and data["token_last4"] == new[-4:]
    scenario.fake.fail_next("POST", r"/rotate$", kind="drop")
    lost = cli("gitlab", "rotate")
    assert lost.code == 2 and "never send it again" in (lost.out + lost.err).replace("\n", " ")
    assert all(token not in text for token in (old, new) for text in cli.outputs)


def test_the_fake_detects_reuse_on_the_rotate_endpoint_as_gitlab_does(scenario: Scenario) -> None:
    service, old = _connected(scenario)
    scenario.fake.world.reuse_detection_everywhere = False  # GitLab since 16.2: only the rotate endpoints
    service.rotate()
    new = scenario.store.token() or ""
    stale = scenario.service(SPYGLASS_GITLAB_URL=scenario.fake.url, SPYGLASS_GITLAB_PROJECT=PROJECT,
                             SPYGLASS_GITLAB_TOKEN=old)
    assert stale.status().problems[0].code == "token_revoked"
    assert not scenario.fake.world.tokens[new].revoked  # a GET with the revoked token: refused, nothing more
    with pytest.raises(GitLabApiError) as caught:
        _rotate_with(scenario, old)
    assert caught.value.status == 401 and scenario.fake.world.tokens[new].revoked  # the family is revoked


def _rotate_with(scenario: Scenario, token: str) -> object:
    with GitLabClient(scenario.fake.url, token, sleep=scenario.sleeps.append) as client:
        return client.post("/personal_access_tokens/self/rotate", {})
