"""``webhook install`` against the fake GitLab over real HTTP: one hook per URL, note events, lost responses."""

from __future__ import annotations

import pytest

from spyglass.gitlab.errors import GitLabForbidden, WebhookUrlRefused
from spyglass.gitlab.hooks import plan_hook, same_url, unreachable_reason, unreachable_warning
from spyglass.gitlab.models import Hook
from spyglass.gitlab.service import GitLabService
from tests.gitlab.conftest import PROJECT, Scenario
from tests.gitlab.test_cli import Cli

HOOK = "https://spyglass.example/api/gitlab/webhook"


def _service(scenario: Scenario, token: str) -> GitLabService:
    return scenario.service(SPYGLASS_GITLAB_URL=scenario.fake.url, SPYGLASS_GITLAB_PROJECT=PROJECT,
                            SPYGLASS_GITLAB_TOKEN=token)


def _posts(scenario: Scenario) -> int:
    return sum(1 for method, path in scenario.fake.requests if method == "POST" and path.endswith("/hooks"))


def test_a_dropped_post_lists_again_and_leaves_exactly_one_hook(scenario: Scenario) -> None:
    service = _service(scenario, scenario.user_token("lead", 40))
    scenario.fake.fail_next("POST", r"/hooks$", kind="drop")
    result = service.install_webhook(HOOK)
    hooks = scenario.project.hooks
    assert len(hooks) == 1 and _posts(scenario) == 1  # listed again, never posted twice
    assert result.hook_id == hooks[0]["id"] and result.created
    assert hooks[0]["merge_requests_events"] is True and hooks[0]["note_events"] is True
    assert hooks[0]["push_events"] is False
    assert scenario.store.webhook_secret() == hooks[0]["token"]  # the hook and the store agree


def test_a_5xx_on_the_post_is_recovered_the_same_way(scenario: Scenario) -> None:
    service = _service(scenario, scenario.user_token("lead", 40))
    scenario.fake.fail_next("POST", r"/hooks$", kind="500")
    service.install_webhook(HOOK)
    hooks = [(m, p.rsplit("/", 1)[-1]) for m, p in scenario.fake.requests if p.endswith("/hooks")]
    # the 500 was not applied: listed again, found nothing, posted once more
    assert hooks == [("GET", "hooks"), ("POST", "hooks"), ("GET", "hooks"), ("POST", "hooks")]
    assert len(scenario.project.hooks) == 1


def test_installing_again_updates_the_hook_with_the_same_url(scenario: Scenario) -> None:
    service = _service(scenario, scenario.user_token("lead", 40))
    first = service.install_webhook(HOOK)
    old_secret = scenario.store.webhook_secret()
    again = service.install_webhook(HOOK.upper().replace("/API/GITLAB/WEBHOOK", "/api/gitlab/webhook/"))
    assert not again.created and again.hook_id == first.hook_id
    assert len(scenario.project.hooks) == 1 and _posts(scenario) == 1
    new_secret = scenario.store.webhook_secret()
    assert new_secret != old_secret and new_secret == scenario.project.hooks[0]["token"]


def test_an_existing_hook_without_note_events_gains_them(scenario: Scenario) -> None:
    old = {"id": 900, "url": HOOK, "project_id": scenario.project.id, "merge_requests_events": True,
           "push_events": True, "note_events": False, "token": "old-secret"}
    scenario.project.hooks.append(old)
    result = _service(scenario, scenario.user_token("lead", 40)).install_webhook(HOOK)
    assert result.hook_id == 900 and not result.created and result.note_events
    assert old["note_events"] is True and old["push_events"] is False and old["token"] != "old-secret"
    assert _posts(scenario) == 0 and len(scenario.project.hooks) == 1


def test_duplicate_hooks_are_named_in_the_warning(scenario: Scenario) -> None:
    for hook_id in (901, 902):
        scenario.project.hooks.append({"id": hook_id, "url": HOOK, "merge_requests_events": True})
    result = _service(scenario, scenario.user_token("lead", 40)).install_webhook(HOOK)
    assert result.hook_id == 901 and result.warning is not None and "902" in result.warning
    assert len(scenario.project.hooks) == 2


def test_a_developer_is_told_the_role_before_any_write(scenario: Scenario) -> None:
    with pytest.raises(GitLabForbidden) as caught:
        _service(scenario, scenario.user_token("dev", 30)).install_webhook(HOOK)
    assert "Maintainer" in caught.value.message and "Developer" in caught.value.message
    assert not scenario.fake.writes() and scenario.store.webhook_secret() is None


def test_a_local_url_is_refused_by_gitlab_with_what_to_do(scenario: Scenario) -> None:
    service = _service(scenario, scenario.user_token("lead", 40))
    with pytest.raises(WebhookUrlRefused) as caught:
        service.install_webhook("http://127.0.0.1:8000/api/gitlab/webhook")
    assert "Requests to localhost are not allowed" in caught.value.message
    assert "--allowed-host" in caught.value.remedy and scenario.store.webhook_secret() is None
    scenario.fake.world.local_hooks_allowed = True  # an admin allowed the local network
    made = service.install_webhook("http://10.1.2.3:8000/api/gitlab/webhook")
    assert made.warning is not None and "private network" in made.warning


@pytest.mark.parametrize(("url", "local"), [
    ("http://127.0.0.1:8000/x", True), ("http://[::1]:8000/x", True), ("http://localhost/x", True),
    ("http://169.254.1.1/x", True), ("http://192.168.1.20/x", True), ("http://spyglass/x", True),
    ("http://box.local/x", True), ("https://spyglass.example.com/x", False), ("https://8.8.8.8/x", False),
])
def test_unreachable_hosts_are_recognised_from_the_url(url: str, local: bool) -> None:
    assert (unreachable_reason(url) is not None) is local
    assert (unreachable_warning(url) is not None) is local


def test_plan_reuses_the_oldest_hook_with_the_same_url() -> None:
    hooks = [Hook(id=7, url="https://a.example/hook"), Hook(id=3, url="HTTPS://A.example:443/hook/"),
             Hook(id=5, url="https://b.example/hook")]
    plan = plan_hook(hooks, "https://a.example/hook")
    assert (plan.kind, plan.hook_id, plan.duplicates) == ("update", 3, (7,))
    assert plan_hook(hooks, "https://c.example/hook").kind == "create"
    assert not same_url("http://a.example/hook", "https://a.example/hook")


def test_the_command_says_created_then_updated_and_warns_about_a_local_url(scenario: Scenario) -> None:
    cli = Cli()
    env = {"SPYGLASS_GITLAB_URL": scenario.fake.url, "SPYGLASS_GITLAB_PROJECT": PROJECT,
           "SPYGLASS_GITLAB_TOKEN": scenario.user_token("lead", 40)}
    first = cli("gitlab", "webhook", "install", HOOK, env=env)
    assert first.code == 0 and "created" in first.out and "note events" in first.out
    again = cli("gitlab", "webhook", "install", HOOK, env=env)
    assert again.code == 0 and "updated (it had the same URL)" in again.out and len(scenario.project.hooks) == 1
    local = cli("gitlab", "webhook", "install", "http://127.0.0.1:8000/api/gitlab/webhook", env=env)
    assert local.code == 2 and "localhost are not allowed" in local.err and "--allowed-host" in local.err
    assert len(scenario.project.hooks) == 1
