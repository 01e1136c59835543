"""The diagnosis of what GitLab's own fields say: merge checks, token kind, posting blocked although scope
and role are right (archived, merge requests off, locked discussion), and what is unknown, not absent."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from spyglass.gitlab.diagnose import Diagnosis, Failure, Probes, ProblemCode, diagnose
from spyglass.gitlab.errors import GitLabApiError, GitLabReadOnly
from spyglass.gitlab.models import Member, MergeRequest, Project, TokenInfo, User
from spyglass.gitlab.service import GitLabService
from spyglass.gitlab.settings import ConnectionSettings
from spyglass.gitlab.status_lines import status_lines, verdict
from tests.gitlab.conftest import PROJECT, TODAY, Scenario, make_state


def _diagnose(scenario: Scenario, token: str, mr_iid: int | None = None) -> Diagnosis:
    settings = ConnectionSettings(url=scenario.fake.url, project=PROJECT, token=token, mr_iid=mr_iid)
    return scenario.service().diagnose(settings)


def _service(scenario: Scenario, token: str) -> GitLabService:
    return scenario.service(SPYGLASS_GITLAB_URL=scenario.fake.url, SPYGLASS_GITLAB_PROJECT=PROJECT,
                            SPYGLASS_GITLAB_TOKEN=token)


def _line(d: Diagnosis, label: str) -> tuple[str, str, str]:
    line = next(x for x in status_lines(d) if x.label == label)
    return line.outcome, line.detail, line.remedy


def _codes(d: Diagnosis) -> list[str]:
    return [p.code.value for p in d.problems]


# -- merge gating ---------------------------------------------------------------------------------

def test_merge_checks_off_say_how_to_turn_them_on(scenario: Scenario) -> None:
    d = _diagnose(scenario, scenario.user_token("mia", 40))
    assert d.merge_checks is not None
    assert (d.merge_checks.threads_must_be_resolved, d.merge_checks.pipelines_must_succeed) == (False, False)
    outcome, detail, remedy = _line(d, "Merge check: all threads must be resolved")
    assert outcome == "warn" and "Spyglass threads" in detail
    assert "Settings -> Merge requests -> Merge checks" in remedy and "Free" in remedy
    assert f"/api/v4/projects/{scenario.project.id}?only_allow_merge_if_all_discussions_are_resolved=true" \
        in remedy and "PUT" in remedy
    outcome, _, remedy = _line(d, "Merge check: pipelines must succeed")
    assert outcome == "info" and "only_allow_merge_if_pipeline_succeeds=true" in remedy
    # advice, not a problem of the connection: it still posts, exit 0
    assert d.problems == [] and d.exit_code == 0


def test_merge_checks_on_pass(scenario: Scenario) -> None:
    scenario.project.only_allow_merge_if_all_discussions_are_resolved = True
    scenario.project.only_allow_merge_if_pipeline_succeeds = True
    d = _diagnose(scenario, scenario.user_token("mia", 40))
    assert d.merge_checks is not None and d.merge_checks.threads_must_be_resolved is True
    assert [a.code.value for a in d.advice] == ["token_personal"]
    assert _line(d, "Merge check: all threads must be resolved")[:2] == ("pass", "on")
    assert _line(d, "Merge check: pipelines must succeed")[:2] == ("pass", "on")


def test_merge_checks_a_gitlab_does_not_return_are_unknown() -> None:
    probes = Probes(token=TokenInfo(id=1, scopes=("api",)), user=User(id=2, username="project_3_bot_a1b2", bot=True),
                    project=Project(id=3, path_with_namespace="g/p"), member=Member(id=2, username="b",
                                                                                   access_level=40))
    d = diagnose("https://gitlab.example.com", "g/p", probes, today=TODAY)
    assert d.advice == [] and d.merge_checks is not None and d.merge_checks.threads_must_be_resolved is None
    assert _line(d, "Merge check: all threads must be resolved")[:2] == \
        ("skip", "unknown (this GitLab did not return the setting)")


# -- token kind -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("username", "kind", "label"), [
    ("project_2_bot_4f1e9a0c", "project_access_token", "project access token (a bot user)"),
    ("project_2_bot", "project_access_token", "project access token (a bot user)"),
    ("group_7_bot_0a9b8c7d", "group_access_token", "group access token (a bot user)"),
    ("service_account_group_7_1c2d3e", "service_account", "service account token (a non-human user)"),
    ("spyglass-ci", "service_account", "service account token (a non-human user)"),
])
def test_bot_identities_are_named(scenario: Scenario, username: str, kind: str, label: str) -> None:
    d = _diagnose(scenario, scenario.user_token(username, 40, bot=True))
    assert (d.token_kind, d.token_kind_label, d.bot, d.exit_code) == (kind, label, True, 0)
    assert not d.has(ProblemCode.TOKEN_PERSONAL)  # already a bot identity: no advice to get one
    assert _line(d, "Token kind") == ("pass", label, "")


def test_a_personal_token_is_advised_a_bot_identity(scenario: Scenario) -> None:
    d = _diagnose(scenario, scenario.user_token("mia", 40))
    assert (d.token_kind, d.token_kind_label) == ("personal", "personal access token")
    outcome, detail, remedy = _line(d, "Token kind")
    assert outcome == "info" and "@mia" in detail and "appear as" in detail
    assert "project access token" in remedy and "service account" in remedy
    assert d.can_post  # advice only


# -- posting blocked although scope and role are right --------------------------------------------

def test_archived_project_can_be_read_but_not_posted_to(scenario: Scenario) -> None:
    scenario.project.archived = True
    token = scenario.user_token("mia", 40)
    d = _diagnose(scenario, token)
    assert _codes(d) == ["project_archived"] and d.archived is True
    assert (d.can_read_merge_requests, d.posting, d.can_post, d.exit_code) == (True, "no", False, 3)
    outcome, detail, remedy = _line(d, "Project accepts posts")
    assert outcome == "warn" and "archived" in detail and "Unarchive" in remedy
    assert verdict(d) == ("partial", "Spyglass can track merge requests but cannot post (see above).")
    # the fake refuses writes there as GitLab does; `post` stops before trying, writing nothing
    with pytest.raises(GitLabReadOnly) as caught:
        _service(scenario, token).post(make_state({"orders"}), mr_iid=1, notes=True, commit_status=True)
    assert "archived" in caught.value.message and caught.value.exit_code == 3
    assert scenario.fake.writes() == []
    refused = httpx.post(f"{scenario.fake.url}/api/v4/projects/{scenario.project.id}/merge_requests/1/notes",
                         headers={"PRIVATE-TOKEN": token}, json={"body": "x"})
    assert refused.status_code == 403 and scenario.mr.notes == []


@pytest.mark.parametrize(("access", "level", "readable"), [
    ("disabled", 40, False), ("private", 10, False), ("private", 20, True)])
def test_merge_requests_turned_off_or_members_only(scenario: Scenario, access: str, level: int,
                                                   readable: bool) -> None:
    scenario.project.merge_requests_access_level = access
    d = _diagnose(scenario, scenario.user_token("gus", level))
    assert d.merge_requests_access_level == access
    assert d.can_read_merge_requests is readable
    assert d.has(ProblemCode.MERGE_REQUESTS_DISABLED) is (not readable)
    if not readable:
        assert d.exit_code == 2 and _line(d, "Project found")[0] == "fail"
        assert ("turned off" if access == "disabled" else "Reporter") in d.problems[0].message


def test_locked_discussion_blocks_a_non_member_only(scenario: Scenario) -> None:
    scenario.project.visibility = "public"
    scenario.mr.discussion_locked = True
    outsider = _diagnose(scenario, scenario.user_token("pat", None), mr_iid=1)
    assert outsider.discussion_locked is True and outsider.merge_request_iid == 1
    assert "discussion_locked" in _codes(outsider)
    assert (outsider.posting, outsider.exit_code) == ("no", 3)
    assert "!1 is locked" in _line(outsider, "Project accepts posts")[1]
    member_token = scenario.user_token("mia", 40)
    member = _diagnose(scenario, member_token, mr_iid=1)
    assert (member.posting, member.exit_code, member.problems) == ("yes", 0, [])
    assert _line(member, "Project accepts posts")[1].endswith("locked, and the token's user is a member")
    # the fake agrees: the member's post lands, the outsider's is refused
    assert _service(scenario, member_token).post(make_state(set()), mr_iid=1).created
    refused = httpx.post(f"{scenario.fake.url}/api/v4/projects/{scenario.project.id}/merge_requests/1/notes",
                         headers={"PRIVATE-TOKEN": scenario.user_token("pia", None)}, json={"body": "x"})
    assert refused.status_code == 403


def test_without_a_merge_request_the_lock_is_not_looked_at(scenario: Scenario) -> None:
    scenario.mr.discussion_locked = True
    d = _diagnose(scenario, scenario.user_token("mia", 40))
    assert (d.merge_request_iid, d.discussion_locked) == (None, None)
    assert "give --mr" in _line(d, "Project accepts posts")[1]
    assert all("/merge_requests" not in path for _, path in scenario.fake.requests)


def test_a_locked_discussion_with_the_role_unknown_makes_posting_unknown() -> None:
    mr = MergeRequest(id=9, iid=4, project_id=3, title="t", state="opened", source_branch="f",
                      target_branch="main", discussion_locked=True)
    probes = Probes(token=TokenInfo(id=1, scopes=("api",)), user=User(id=2, username="mia"),
                    project=Project(id=3, path_with_namespace="g/p"),
                    member=Failure(status=403, description="403 Forbidden"), merge_request=mr)
    d = diagnose("https://gitlab.example.com", "g/p", probes, today=TODAY)
    assert sorted(_codes(d)) == ["discussion_locked", "role_unknown"]
    assert (d.posting, d.can_post, d.exit_code, d.role_known, d.role) == ("unknown", False, 3, False, None)
    assert d.role_label == "unknown (GitLab would not say)"
    assert "may fail" in next(p.message for p in d.problems if p.code.value == "discussion_locked")
    assert "whether it can post is unknown" in verdict(d)[1]


# -- unknown is not absent --------------------------------------------------------------------------

def test_read_user_token_role_is_unknown_not_absent(scenario: Scenario) -> None:
    d = _diagnose(scenario, scenario.user_token("uma", 40, ("read_user",)))
    assert d.user == "uma" and d.token_readable
    assert (d.role, d.role_known, d.role_label) == (None, False, "unknown (the token cannot read the project)")


def test_not_a_member_is_said_only_when_gitlab_said_so(scenario: Scenario) -> None:
    scenario.project.visibility = "public"
    d = _diagnose(scenario, scenario.user_token("pat", None))
    assert (d.role, d.role_known, d.role_label) == (None, True, "not a member")


def test_old_gitlab_posting_is_unknown_but_post_still_tries(scenario: Scenario) -> None:
    scenario.fake.token_self_supported = False
    token = scenario.user_token("old", 40)
    d = _diagnose(scenario, token)
    assert (d.posting, d.exit_code) == ("unknown", 3) and "whether it can post is unknown" in verdict(d)[1]
    assert _service(scenario, token).post(make_state(set()), mr_iid=1).created


def test_old_gitlab_read_api_token_is_refused_by_gitlab_not_duplicated(scenario: Scenario) -> None:
    scenario.fake.token_self_supported = False
    with pytest.raises(GitLabApiError) as caught:
        _service(scenario, scenario.user_token("old", 40, ("read_api",))).post(make_state(set()), mr_iid=1)
    assert caught.value.exit_code == 3 and caught.value.error == "insufficient_scope"
    assert scenario.mr.notes == []


def test_expiry_known_from_the_token_itself_is_kept() -> None:
    probes = Probes(token=TokenInfo(id=1, scopes=("api",), expires_at=date(2026, 11, 1), active=False),
                    user=User(id=2, username="mia"))
    d = diagnose("https://gitlab.example.com", "g/p", probes, today=TODAY)
    assert [p.code.value for p in d.problems] == ["token_expired"]
    assert d.expires_at == date(2026, 11, 1) and d.token_readable and d.user == "mia"


def test_a_token_that_describes_itself_but_not_its_user_keeps_its_scopes() -> None:
    probes = Probes(token=TokenInfo(id=1, scopes=("read_repository",)),
                    user=Failure(status=403, error="insufficient_scope"))
    d = diagnose("https://gitlab.example.com", "g/p", probes, today=TODAY)
    assert [p.code.value for p in d.problems] == ["scope_insufficient"]
    assert d.token_readable and d.scopes == ["read_repository"] and d.unknown_reason is None
    assert (d.user, d.role_label) == (None, "unknown (not checked: fix the problem above first)")
