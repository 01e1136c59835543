"""Validation against the fake GitLab: every token kind, every role, subgroups, path prefixes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from spyglass.gitlab.diagnose import Diagnosis, ProblemCode
from spyglass.gitlab.settings import ConnectionSettings
from spyglass.gitlab.status_lines import status_lines
from spyglass.store import Store
from spyglass.testing.gitlab import FakeGitLab
from tests.gitlab.conftest import PROJECT, TODAY, Scenario, build_scenario


def _diagnose(scenario: Scenario, token: str, project: str = PROJECT) -> Diagnosis:
    settings = ConnectionSettings(url=scenario.fake.url, project=project, token=token)
    return scenario.service().diagnose(settings)


def _codes(d: Diagnosis) -> list[str]:
    return [p.code.value for p in d.problems]


def test_api_token_of_a_maintainer_can_post(scenario: Scenario) -> None:
    d = _diagnose(scenario, scenario.user_token("mia", 40, expires_at=TODAY + timedelta(days=90)))
    assert (d.can_post, d.can_read_merge_requests, d.exit_code) == (True, True, 0)
    assert d.problems == []
    assert (d.user, d.scopes, d.role, d.access_level) == ("mia", ["api"], "Maintainer", 40)
    assert (d.expires_at, d.days_left) == (TODAY + timedelta(days=90), 90)
    assert d.project == PROJECT and d.project_id == scenario.project.id
    assert (d.posting, d.token_kind, d.role_known, d.role_label) == ("yes", "personal", True, "Maintainer")
    # a personal token of a person, and a project with GitLab's default merge checks (off): advice
    assert [a.code.value for a in d.advice] == ["token_personal", "merge_check_threads_off",
                                                 "merge_check_pipeline_off"]
    assert [line.outcome for line in status_lines(d)] == ["pass"] * 2 + ["info"] + ["pass"] * 4 + ["warn", "info"]


def test_owner_has_no_role_warning(scenario: Scenario) -> None:
    d = _diagnose(scenario, scenario.user_token("otto", 50, on_group=False))
    assert (d.role, d.exit_code, d.problems) == ("Owner", 0, [])


def test_read_api_token_can_only_track(scenario: Scenario) -> None:
    d = _diagnose(scenario, scenario.user_token("rita", 40, ("read_api",)))
    assert _codes(d) == ["scope_read_only"]
    assert (d.can_read_merge_requests, d.can_post, d.exit_code) == (True, False, 3)
    problem = d.problems[0]
    assert problem.severity == "warning" and "`api` scope" in problem.remedy
    assert [line.outcome for line in status_lines(d)][3] == "warn"
    assert d.posting == "no"


def test_read_user_only_token_cannot_be_used(scenario: Scenario) -> None:
    d = _diagnose(scenario, scenario.user_token("uma", 40, ("read_user",)))
    assert _codes(d) == ["scope_insufficient"]
    assert (d.can_read_merge_requests, d.exit_code, d.user) == (False, 2, "uma")
    assert "`api`" in d.problems[0].remedy and "`read_api`" in d.problems[0].remedy


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"expires_at": TODAY - timedelta(days=1)}, "token_expired"),
    ({"revoked": True}, "token_revoked"),
])
def test_expired_and_revoked_tokens(scenario: Scenario, kwargs: dict[str, object], code: str) -> None:
    d = _diagnose(scenario, scenario.user_token("eve", 40, **kwargs))  # type: ignore[arg-type]
    assert _codes(d) == [code]
    assert d.exit_code == 2 and not d.can_read_merge_requests
    assert "Access tokens" in d.problems[0].remedy
    assert [line.outcome for line in status_lines(d)] == ["pass", "fail"] + ["skip"] * 7
    # nothing the token would have said is presented as a fact: each is marked unknown, and why
    assert not d.token_readable and d.token_kind == "unknown" and not d.role_known
    assert (d.user, d.scopes, d.expires_at, d.role) == (None, None, None, None)
    assert d.role_label == "unknown (the token cannot be read)"
    assert d.unknown_reason is not None and d.problems[0].message.rstrip(".").lower() in d.unknown_reason
    assert "who it acts as is unknown" in status_lines(d)[0].detail


def test_unknown_token(scenario: Scenario) -> None:
    d = _diagnose(scenario, "glpat-not-a-real-token")
    assert _codes(d) == ["token_unknown"] and d.exit_code == 2 and d.user is None
    assert status_lines(d)[0].outcome == "fail"


def test_blocked_user_is_explained(scenario: Scenario) -> None:
    token = scenario.user_token("blocked", 40)
    next(u for u in scenario.fake.world.users.values() if u.username == "blocked").blocked = True
    d = _diagnose(scenario, token)
    assert _codes(d) == ["token_unknown"] and d.exit_code == 2
    assert "403 Forbidden - Your account has been blocked." in d.problems[0].message
    # GitLab answers nothing for a blocked user: every field is unknown, and the reason says why
    assert not d.token_readable and (d.user, d.scopes) == (None, None)
    assert d.unknown_reason is not None and "blocked" in d.unknown_reason


def test_token_expiring_soon_is_a_warning(scenario: Scenario) -> None:
    d = _diagnose(scenario, scenario.user_token("sam", 40, expires_at=TODAY + timedelta(days=5)))
    assert _codes(d) == ["token_expiring_soon"] and d.days_left == 5 and d.exit_code == 0


def test_non_member_of_a_private_project_sees_no_project(scenario: Scenario) -> None:
    d = _diagnose(scenario, scenario.user_token("nina", None))
    assert _codes(d) == ["project_not_found"] and d.exit_code == 2


def test_non_member_of_a_public_project_is_warned(fake_gitlab: FakeGitLab, gitlab_store: Store) -> None:
    scenario = build_scenario(fake_gitlab, gitlab_store)
    scenario.project.visibility = "public"
    d = _diagnose(scenario, scenario.user_token("pat", None))
    assert _codes(d) == ["role_below_maintainer"] and d.access_level is None and d.exit_code == 0
    assert "not a member" in d.problems[0].message


@pytest.mark.parametrize(("level", "role"), [(30, "Developer"), (20, "Reporter")])
def test_role_below_maintainer_is_a_warning_not_a_stop(scenario: Scenario, level: int, role: str) -> None:
    d = _diagnose(scenario, scenario.user_token("dev", level))
    assert _codes(d) == ["role_below_maintainer"]
    assert (d.role, d.can_post, d.exit_code) == (role, True, 0)
    assert "webhook needs Maintainer" in d.problems[0].message
    assert ("commit statuses need Developer" in d.problems[0].message) is (level < 30)


def test_project_by_numeric_id_and_missing_path(scenario: Scenario) -> None:
    token = scenario.user_token("ida", 40)
    by_id = _diagnose(scenario, token, project=str(scenario.project.id))
    assert by_id.project == PROJECT and by_id.exit_code == 0
    missing = _diagnose(scenario, token, project="data/analytics/nope")
    assert _codes(missing) == ["project_not_found"] and "data/analytics/nope" in missing.problems[0].message


def test_old_gitlab_without_token_introspection_falls_back_to_user(scenario: Scenario) -> None:
    scenario.fake.token_self_supported = False
    d = _diagnose(scenario, scenario.user_token("old", 40))
    assert (d.scopes, d.user, d.can_read_merge_requests) == (None, "old", True)
    # the scopes cannot be read, so posting is not assumed: unknown, said so, exit 3
    assert (_codes(d), d.posting, d.can_post, d.exit_code) == (["scopes_unknown"], "unknown", False, 3)
    line = status_lines(d)[3]
    assert line.outcome == "warn" and "15.5" in line.detail and "`api`" in line.remedy


def test_base_url_with_a_path_prefix(fake_gitlab_factory: Callable[..., FakeGitLab], gitlab_store: Store) -> None:
    scenario = build_scenario(fake_gitlab_factory(prefix="/gitlab", today=TODAY), gitlab_store)
    assert scenario.fake.url.endswith("/gitlab")
    d = _diagnose(scenario, scenario.user_token("pia", 40, bot=True))
    assert d.exit_code == 0 and d.bot and d.url == scenario.fake.url
    assert all(path.startswith("/") for _, path in scenario.fake.requests)


def test_diagnosis_json_has_the_documented_fields(scenario: Scenario) -> None:
    data = _diagnose(scenario, scenario.user_token("js", 30, ("read_api",))).model_dump(mode="json")
    for key in ("url", "project", "user", "scopes", "expires_at", "days_left", "access_level", "role",
                "can_read_merge_requests", "can_post", "problems", "advice", "token_readable", "unknown_reason",
                "token_kind", "token_kind_label", "role_known", "role_label", "posting", "archived",
                "merge_requests_access_level", "merge_checks", "merge_request_iid", "discussion_locked"):
        assert key in data
    assert {p["code"] for p in data["problems"]} == {"scope_read_only", "role_below_maintainer"}
    assert set(data["problems"][0]) == {"code", "severity", "message", "remedy"}
    assert {c.value for c in ProblemCode} == {
        "token_unknown", "token_expired", "token_revoked", "scope_read_only", "scope_insufficient",
        "project_not_found", "role_below_maintainer", "token_expiring_soon", "scopes_unknown",
        "project_archived", "merge_requests_disabled", "discussion_locked", "role_unknown", "token_personal",
        "merge_check_threads_off", "merge_check_pipeline_off"}


