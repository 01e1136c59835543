"""``post`` end to end against the fake GitLab: one note updated in place, threads, statuses, tracking."""

from __future__ import annotations

import logging

import pytest

from spyglass.gitlab.comment import NOTE_LIMIT, SUMMARY_MARKER, check_marker, parse_marker
from spyglass.gitlab.errors import GitLabForbidden, GitLabReadOnly, GitLabUnusable
from spyglass.gitlab.service import GitLabService
from spyglass.gitlab.tracking import TrackingStatus
from spyglass.state.models import EnvironmentInfo, EnvSide, MergeRequestRef
from spyglass.testing.gitlab_world import FakeNote
from tests.gitlab.conftest import PROJECT, Scenario, make_state


def _service(scenario: Scenario, token: str) -> GitLabService:
    return scenario.service(SPYGLASS_GITLAB_URL=scenario.fake.url, SPYGLASS_GITLAB_PROJECT=PROJECT,
                            SPYGLASS_GITLAB_TOKEN=token)


def _ours(scenario: Scenario) -> list[str]:
    return [n.body for n in scenario.mr.notes if SUMMARY_MARKER in n.body and n.author.username == "bot"]


def test_first_post_creates_the_note_and_the_second_updates_it(scenario: Scenario) -> None:
    service = _service(scenario, scenario.user_token("bot", 40))
    first = service.post(make_state({"orders"}), mr_iid=1)
    assert first.created and (first.checks, first.mismatches, first.errors) == (3, 1, 0)
    assert first.note_url and first.note_url.endswith(f"/-/merge_requests/1#note_{first.note_id}")
    second = service.post(make_state({"orders", "customers"}), mr_iid=1)
    assert not second.created and second.note_id == first.note_id and second.mismatches == 2
    bodies = _ours(scenario)
    assert len(bodies) == 1 and bodies[0].startswith(SUMMARY_MARKER) and "Spyglass summary" in bodies[0]


def test_a_dropped_response_to_the_note_post_leaves_exactly_one_note(scenario: Scenario) -> None:
    service = _service(scenario, scenario.user_token("bot", 40))
    scenario.fake.fail_next("POST", r"/merge_requests/1/notes$", kind="drop")
    result = service.post(make_state(set()), mr_iid=1)
    assert len(_ours(scenario)) == 1 and result.note_id == scenario.mr.notes[0].id
    assert [m for m, p in scenario.fake.requests if p.endswith("/notes")].count("POST") == 1


def test_5xx_and_429_on_writes_end_in_one_note(scenario: Scenario) -> None:
    service = _service(scenario, scenario.user_token("bot", 40))
    scenario.fake.fail_next("POST", r"/notes$", kind="500")
    scenario.fake.fail_next("GET", r"/notes$", kind="429", retry_after=2)
    service.post(make_state(set()), mr_iid=1)
    assert len(_ours(scenario)) == 1 and 2.0 in scenario.sleeps


def test_finds_its_note_among_more_than_100_notes(scenario: Scenario) -> None:
    service = _service(scenario, scenario.user_token("bot", 40))
    chatty = scenario.fake.world.add_user("chatty")
    for i in range(60):
        scenario.fake.world.add_note(scenario.mr, chatty, f"comment {i}")
    first = service.post(make_state(set()), mr_iid=1)
    for i in range(70):
        scenario.fake.world.add_note(scenario.mr, chatty, f"later comment {i}")
    assert len(scenario.mr.notes) == 131
    second = service.post(make_state({"payments"}), mr_iid=1)
    assert second.note_id == first.note_id and not second.created and len(_ours(scenario)) == 1


def test_a_marker_in_someone_elses_note_is_not_ours(scenario: Scenario) -> None:
    impostor = scenario.fake.world.add_user("impostor")
    fake_note = scenario.fake.world.add_note(scenario.mr, impostor, f"{SUMMARY_MARKER}\nnot yours")
    result = _service(scenario, scenario.user_token("bot", 40)).post(make_state(set()), mr_iid=1)
    assert result.created and result.note_id != fake_note.id and fake_note.body.endswith("not yours")


def test_read_api_token_stops_before_any_write(scenario: Scenario) -> None:
    service = _service(scenario, scenario.user_token("bot", 40, ("read_api",)))
    with pytest.raises(GitLabReadOnly) as caught:
        service.post(make_state({"orders"}), mr_iid=1, notes=True, commit_status=True)
    assert caught.value.exit_code == 3 and "`api` scope" in caught.value.remedy
    assert scenario.fake.writes() == [] and scenario.mr.notes == []


def test_unusable_token_stops_with_exit_2(scenario: Scenario) -> None:
    service = _service(scenario, "glpat-unknown")
    with pytest.raises(GitLabUnusable) as caught:
        service.post(make_state(set()), mr_iid=1)
    assert caught.value.exit_code == 2 and scenario.fake.writes() == []


def _threads(scenario: Scenario) -> dict[str, bool]:
    firsts: dict[str, FakeNote] = {}
    for note in scenario.mr.notes:
        if note.resolvable:
            firsts.setdefault(note.discussion_id, note)
    return {check_marker(parsed[0]): n.resolved for n in firsts.values()
            if (parsed := parse_marker(n.body.splitlines()[0]))}


def test_notes_open_update_and_resolve_one_thread_per_check(scenario: Scenario) -> None:
    service = _service(scenario, scenario.user_token("bot", 40))
    opened = service.post(make_state({"orders", "customers"}), mr_iid=1, notes=True)
    assert opened.discussions_created == 2
    assert _threads(scenario) == {"<!-- spyglass:check:check-orders -->": False,
                                  "<!-- spyglass:check:check-customers -->": False}
    again = service.post(make_state({"orders", "customers"}), mr_iid=1, notes=True)
    assert (again.discussions_created, again.discussions_updated, again.discussions_resolved) == (0, 0, 0)
    fixed = service.post(make_state({"orders"}), mr_iid=1, notes=True)
    assert (fixed.discussions_created, fixed.discussions_resolved) == (0, 1)
    assert _threads(scenario)["<!-- spyglass:check:check-customers -->"] is True
    assert sum(n.resolvable for n in scenario.mr.notes) == 2
    broken = service.post(make_state({"orders", "customers"}), mr_iid=1, notes=True)
    assert broken.discussions_updated == 1 and not any(_threads(scenario).values())


def test_commit_status_on_the_head_sha(scenario: Scenario) -> None:
    service = _service(scenario, scenario.user_token("bot", 30))
    failed = service.post(make_state({"orders", "payments"}), mr_iid=1, commit_status=True)
    assert failed.commit_status == "failed"
    status = scenario.project.statuses[-1]
    assert (status["sha"], status["name"], status["description"]) == (scenario.mr.sha, "spyglass",
                                                                      "3 checks, 2 mismatches")
    assert status["target_url"] == failed.note_url
    assert service.post(make_state(set()), mr_iid=1, commit_status=True).commit_status == "success"


def test_tracking_after_posting_and_new_commits(scenario: Scenario) -> None:
    service = _service(scenario, scenario.user_token("bot", 40))
    scenario.fake.world.add_merge_request(scenario.project, scenario.owner, title="Second", sha="b2" * 20)
    before = {mr.iid: mr.status for mr in service.merge_requests().merge_requests}
    assert before == {1: TrackingStatus.NOT_VALIDATED, 2: TrackingStatus.NOT_VALIDATED}
    posted = service.post(make_state({"orders"}), mr_iid=1)
    listing = {mr.iid: mr for mr in service.merge_requests().merge_requests}
    assert listing[1].status is TrackingStatus.SUMMARY_POSTED and listing[1].summary_note_id == posted.note_id
    assert listing[1].status_text.startswith(f"summary posted (note {posted.note_id})")
    scenario.mr.sha = "c3" * 20
    assert service.merge_requests().merge_requests[-1].status is TrackingStatus.STALE
    validations = scenario.store.validations(PROJECT, 1)
    assert [(v.sha, v.checks, v.mismatches) for v in validations] == [("a1" * 20, 3, 1)]


def test_ci_variables_choose_the_merge_request(scenario: Scenario) -> None:
    token = scenario.user_token("bot", 40)
    service = scenario.service(CI_SERVER_URL=scenario.fake.url, CI_PROJECT_ID=str(scenario.project.id),
                               CI_MERGE_REQUEST_IID="1", SPYGLASS_GITLAB_TOKEN=token)
    result = service.post(make_state(set()), notes=True, commit_status=True)
    assert (result.iid, result.project, result.created) == (1, PROJECT, True)


def test_a_summary_over_the_note_limit_is_cut_not_rejected(scenario: Scenario) -> None:
    names = tuple(f"model_{i:03d}_" + "x" * 30_000 for i in range(40))
    state = make_state(set(names[::2]), names=names)
    result = _service(scenario, scenario.user_token("bot", 40)).post(state, mr_iid=1)
    body = scenario.mr.notes[0].body
    assert result.created and len(body) <= NOTE_LIMIT and body.startswith(SUMMARY_MARKER)
    assert len(body) > NOTE_LIMIT // 2 and "cut" in body[-200:]


def test_webhook_install_needs_maintainer(scenario: Scenario) -> None:
    maintainer = _service(scenario, scenario.user_token("bot", 40))
    hook = maintainer.install_webhook("https://spyglass.example/api/gitlab/webhook")
    assert hook.warning is None and scenario.project.hooks[0]["merge_requests_events"] is True
    assert scenario.store.webhook_secret() == scenario.project.hooks[0]["token"]
    developer = _service(scenario, scenario.user_token("dev", 30))
    with pytest.raises(GitLabForbidden) as caught:
        developer.install_webhook("https://spyglass.example/api/gitlab/webhook")
    assert "Maintainer" in caught.value.message and "Developer" in caught.value.message


def test_a_dropped_thread_post_does_not_duplicate_the_thread(scenario: Scenario) -> None:
    service = _service(scenario, scenario.user_token("bot", 40))
    scenario.fake.fail_next("POST", r"/discussions$", kind="drop")
    result = service.post(make_state({"orders"}), mr_iid=1, notes=True)
    assert result.discussions_created == 1
    assert list(_threads(scenario)) == ["<!-- spyglass:check:check-orders -->"]


def test_no_token_in_log_records(scenario: Scenario, caplog: pytest.LogCaptureFixture) -> None:
    token = scenario.user_token("bot", 40)
    scenario.fake.fail_next("GET", r"/notes$", kind="500")
    with caplog.at_level(logging.DEBUG):
        _service(scenario, token).post(make_state({"orders"}), mr_iid=1, notes=True, commit_status=True)
    assert "retrying GET" in caplog.text and "HTTP Request" in caplog.text
    assert token not in caplog.text


def test_validation_is_recorded_at_the_commit_the_run_saw(scenario: Scenario) -> None:
    side = EnvSide(target_path="target")
    older = "0f" * 20
    state = make_state({"orders"}).model_copy(update={"environment": EnvironmentInfo(
        base=side, current=side, git_sha=older,
        merge_request=MergeRequestRef(iid=1, head_sha=older))})
    service = _service(scenario, scenario.user_token("bot", 40))
    result = service.post(state)  # the MR comes from the state (written by `spyglass run` in CI)
    assert result.iid == 1
    row = service.merge_requests().merge_requests[0]
    assert row.status is TrackingStatus.STALE and row.validated_sha == older
