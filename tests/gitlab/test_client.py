"""The HTTP choke point against the fake GitLab: retries, rate limits, pagination, token handling."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from spyglass.exceptions import UsageError
from spyglass.gitlab.api import GitLabApi
from spyglass.gitlab.client import GitLabClient, RetryPolicy, api_base, next_page, project_ref, retry_delay
from spyglass.gitlab.errors import (
    GitLabAuthError,
    GitLabNotFound,
    GitLabResponseLost,
    GitLabScopeError,
    GitLabUnavailable,
)
from spyglass.store import Store
from spyglass.testing.gitlab import FakeGitLab
from tests.gitlab.conftest import PROJECT, Scenario, build_scenario


def _api(scenario: Scenario, token: str, policy: RetryPolicy | None = None) -> GitLabApi:
    client = GitLabClient(scenario.fake.url, token, sleep=scenario.sleeps.append, policy=policy)
    return GitLabApi(client, PROJECT)


def test_urls_and_project_refs() -> None:
    assert api_base("https://host/gitlab/") == "https://host/gitlab/api/v4"
    assert api_base("https://gitlab.com/api/v4") == "https://gitlab.com/api/v4"
    assert project_ref("data/analytics/warehouse") == "data%2Fanalytics%2Fwarehouse"
    assert project_ref(" 42 ") == "42"
    for bad in ("gitlab.com", "ftp://host", "https://user:pw@host", "https://host?private_token=x"):
        with pytest.raises(UsageError):
            api_base(bad)


def test_lists_more_than_100_merge_requests_across_pages(scenario: Scenario) -> None:
    for i in range(230):
        scenario.fake.world.add_merge_request(scenario.project, scenario.owner, title=f"MR {i}")
    with _api(scenario, scenario.user_token("lee", 40)).client as client:
        mrs = list(GitLabApi(client, PROJECT).merge_requests("all"))
    assert len(mrs) == 231 and len({mr.iid for mr in mrs}) == 231
    pages = [p for m, p in scenario.fake.requests if p.endswith("/merge_requests")]
    assert len(pages) == 3  # per_page=100, GitLab's maximum


def test_follows_link_header_when_x_next_page_is_missing() -> None:
    link = ('<https://proxy.example/api/v4/projects/1/notes?page=3&per_page=100>; rel="next", '
            '<https://proxy.example/api/v4/projects/1/notes?page=1&per_page=100>; rel="first"')
    assert next_page(httpx.Headers({"Link": link})) == 3
    assert next_page(httpx.Headers({"X-Next-Page": "", "Link": link.split(", ")[1]})) is None
    assert next_page(httpx.Headers({"X-Next-Page": "7"})) == 7


def test_server_errors_then_success_are_retried_with_backoff(scenario: Scenario) -> None:
    scenario.fake.fail_next("GET", r"/merge_requests$", kind="500", count=2)
    api = _api(scenario, scenario.user_token("ria", 40))
    with api.client:
        assert [mr.iid for mr in api.merge_requests()] == [1]
    assert scenario.sleeps == [0.5, 1.0]


def test_rate_limit_waits_for_retry_after(scenario: Scenario) -> None:
    scenario.fake.fail_next("GET", r"/user$", kind="429", retry_after=7)
    api = _api(scenario, scenario.user_token("rob", 40))
    with api.client:
        assert api.current_user().username == "rob"
    assert scenario.sleeps == [7.0]


def test_rate_limit_reset_epoch_and_caps() -> None:
    policy = RetryPolicy(max_wait=30)
    reset = httpx.Response(429, headers={"RateLimit-Reset": "1000"})
    assert retry_delay(reset, now=990.0, policy=policy, attempt=0) == 10.0
    huge = httpx.Response(429, headers={"Retry-After": "3600"})
    assert retry_delay(huge, now=0.0, policy=policy, attempt=0) == 30.0
    bare = httpx.Response(429)
    assert retry_delay(bare, now=0.0, policy=policy, attempt=2) == 2.0


def test_retries_are_bounded_then_a_clear_error(scenario: Scenario) -> None:
    scenario.fake.fail_next("GET", r"/user$", kind="500", count=10)
    api = _api(scenario, scenario.user_token("bo", 40), RetryPolicy(attempts=3))
    with api.client, pytest.raises(GitLabUnavailable) as caught:
        api.current_user()
    assert "after 3 attempts" in caught.value.message and caught.value.remedy
    assert scenario.sleeps == [0.5, 1.0]  # no pointless wait after the last attempt


def test_dropped_connection_on_get_is_retried(scenario: Scenario) -> None:
    scenario.fake.fail_next("GET", r"/user$", kind="drop")
    api = _api(scenario, scenario.user_token("dee", 40))
    with api.client:
        assert api.current_user().username == "dee"


def test_dropped_response_to_a_post_is_reported_not_repeated(scenario: Scenario) -> None:
    scenario.fake.fail_next("POST", r"/notes$", kind="drop")
    api = _api(scenario, scenario.user_token("pam", 40))
    with api.client, pytest.raises(GitLabResponseLost):
        api.create_note(1, "hello")
    assert [n.body for n in scenario.mr.notes] == ["hello"]  # processed once, never re-sent


def test_unreachable_gitlab_is_a_clear_error(fake_gitlab_factory: Callable[..., FakeGitLab]) -> None:
    fake = fake_gitlab_factory()
    url = fake.url
    fake.stop()
    sleeps: list[float] = []
    client = GitLabClient(url, "glpat-x", sleep=sleeps.append, policy=RetryPolicy(attempts=2))
    with client, pytest.raises(GitLabUnavailable) as caught:
        client.get("/user")
    assert "could not connect" in caught.value.message and sleeps == [0.5]


def test_error_bodies_map_to_typed_errors(scenario: Scenario) -> None:
    expired = scenario.user_token("old", 40, revoked=True)
    with _api(scenario, expired).client as client, pytest.raises(GitLabAuthError) as auth:
        client.get("/user")
    assert auth.value.reason == "revoked" and auth.value.status == 401
    api = _api(scenario, scenario.user_token("ro", 40, ("read_api",)))
    with api.client:
        with pytest.raises(GitLabScopeError) as scope:
            api.create_note(1, "x")
        with pytest.raises(GitLabNotFound):
            api.merge_request(99)
    assert scope.value.error == "insufficient_scope" and scope.value.exit_code == 3
    assert scenario.mr.notes == []


def test_token_only_in_the_header_never_in_urls_or_errors(fake_gitlab: FakeGitLab, gitlab_store: Store) -> None:
    seen: list[httpx.Request] = []

    class Recording(httpx.HTTPTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return super().handle_request(request)

    scenario = build_scenario(fake_gitlab, gitlab_store)
    token = scenario.user_token("tim", 40, expires_at=None)
    client = GitLabClient(scenario.fake.url, token, sleep=scenario.sleeps.append, transport=Recording())
    with client, pytest.raises(GitLabNotFound) as caught:
        client.get("/projects/nope%2Fnope")
    assert seen and all(r.headers["PRIVATE-TOKEN"] == token and token not in str(r.url) for r in seen)
    assert token not in str(caught.value) and token not in repr(caught.value)


@pytest.mark.parametrize("url", [
    "https://gitlab.example.com\x00", "https://gitlab.example.com\r\nX-Injected: 1", "https://gitlab example.com",
    "http://[::1", "http://host:99999", "http://host:0", "http://h" + "a" * 300 + ".com", "ftp://me:hunter2@host",
    "https://me:hunter2@host", "https://host/#fragment", "https://host/?private_token=hunter2",
])
def test_an_unusable_gitlab_url_is_a_usage_error_that_never_quotes_it(url: str) -> None:
    with pytest.raises(UsageError) as caught:
        GitLabClient(url, "glpat-token")

    assert "hunter2" not in str(caught.value) and "X-Injected" not in str(caught.value)
    assert caught.value.remedy


@pytest.mark.parametrize("token", ["s3cr3t-a\r\nX-Injected: 1", "s3cr3t-a\x00b", "s3cr3t a", "s3cr3t-é", "  "])
def test_a_token_no_http_header_can_carry_is_refused_before_any_request(token: str) -> None:
    with pytest.raises(UsageError) as caught:
        GitLabClient("https://gitlab.example.com", token)

    assert "s3cr3t" not in str(caught.value) and "X-Injected" not in str(caught.value) and caught.value.remedy
