"""Two-way threads without a server: ``spyglass gitlab post --notes`` reads the threads first, against the
fake GitLab over real HTTP. Reviewers act through GitLab's API with their own tokens."""

from __future__ import annotations

from pathlib import Path

import pytest

from spyglass.gitlab.api import GitLabApi
from spyglass.gitlab.client import GitLabClient
from spyglass.gitlab.comment import parse_marker
from spyglass.state.bounds import full_digest
from spyglass.state.models import State
from spyglass.state.store import load_state, save_state
from spyglass.testing.gitlab_world import FakeNote
from tests.gitlab.conftest import PROJECT, Scenario, make_state
from tests.gitlab.test_cli import Cli

ORDERS = "Schema of orders"


class Review:
    """A reviewer acting in GitLab (the web UI calls the same API)."""

    def __init__(self, scenario: Scenario, token: str) -> None:
        self.scenario = scenario
        self.api = GitLabApi(GitLabClient(scenario.fake.url, token), PROJECT)

    def resolve(self, thread: str, resolved: bool = True) -> None:
        self.api.resolve_discussion(1, thread, resolved)

    def reply(self, thread: str, body: str) -> None:
        self.api.add_discussion_note(1, thread, body)

    def comment(self, body: str) -> None:
        self.api.create_note(1, body)


@pytest.fixture
def cli(scenario: Scenario) -> Cli:
    return Cli()


def _env(scenario: Scenario, token: str) -> dict[str, str]:
    return {"SPYGLASS_GITLAB_URL": scenario.fake.url, "SPYGLASS_GITLAB_PROJECT": PROJECT,
            "SPYGLASS_GITLAB_TOKEN": token}


def _threads(scenario: Scenario) -> dict[str, list[FakeNote]]:
    """Our check threads by check id: their notes, first note first."""
    by_discussion: dict[str, list[FakeNote]] = {}
    for note in scenario.mr.notes:
        by_discussion.setdefault(note.discussion_id, []).append(note)
    found = {}
    for notes in by_discussion.values():
        parsed = parse_marker(notes[0].body.split("\n", 1)[0])
        if parsed is not None and notes[0].author.username == "bot":
            found[parsed[0]] = notes
    return found


def _thread_id(scenario: Scenario, check_id: str = "check-orders") -> str:
    return _threads(scenario)[check_id][0].discussion_id


def _resolved(scenario: Scenario, check_id: str = "check-orders") -> bool:
    return all(n.resolved for n in _threads(scenario)[check_id] if n.resolvable)


def _check(state_file: Path, check_id: str = "check-orders") -> tuple[bool, str | None, str | None]:
    state = load_state(state_file)
    check = next(c for c in state.checks if c.check_id == check_id)
    return check.approved, check.approval_digest, check.approved_by


def _digest(state: State, check_id: str = "check-orders") -> str | None:
    check = next(c for c in state.checks if c.check_id == check_id)
    run = state.latest_run(check)
    assert run is not None
    return full_digest(run)


class Setup:
    def __init__(self, scenario: Scenario, cli: Cli, tmp_path: Path) -> None:
        self.scenario, self.cli = scenario, cli
        self.bot = scenario.user_token("bot", 40)
        self.rita = Review(scenario, scenario.user_token("rita", 30))
        self.rob = Review(scenario, scenario.user_token("rob", 20))
        self.state_file = tmp_path / "spyglass_state.json"

    def post(self, state: State | None = None) -> str:
        if state is not None:
            save_state(self.state_file, state)
        done = self.cli("gitlab", "post", "--mr", "1", "--state-file", str(self.state_file), "--notes",
                        env=_env(self.scenario, self.bot))
        assert done.code == 0, done.err
        return done.out


@pytest.fixture
def setup(scenario: Scenario, cli: Cli, tmp_path: Path) -> Setup:
    return Setup(scenario, cli, tmp_path)


def test_resolving_in_gitlab_approves_and_reopening_unapproves(setup: Setup) -> None:
    state = make_state({"orders"})
    setup.post(state)
    assert not _resolved(setup.scenario) and _check(setup.state_file) == (False, None, None)

    setup.rita.resolve(_thread_id(setup.scenario))
    out = setup.post()
    assert "1 approved" in out
    assert _check(setup.state_file) == (True, _digest(state), "@rita in GitLab")
    assert _resolved(setup.scenario)
    first = _threads(setup.scenario)["check-orders"][0]
    assert "resolved=1" in first.body.splitlines()[0] and "Approved by \\@rita in GitLab" in first.body

    setup.post()  # nothing changed: no write to the thread
    assert _check(setup.state_file)[0] is True and _resolved(setup.scenario)

    setup.rita.resolve(_thread_id(setup.scenario), False)
    setup.post()
    assert _check(setup.state_file)[0] is False and not _resolved(setup.scenario)
    assert len(_threads(setup.scenario)) == 1


def test_a_new_run_with_new_check_ids_finds_the_thread_and_its_approval(setup: Setup) -> None:
    setup.post(make_state({"orders"}))
    setup.rita.resolve(_thread_id(setup.scenario))
    fresh = make_state({"orders"})
    renamed = fresh.model_copy(update={
        "checks": [c.model_copy(update={"check_id": "new-" + c.check_id}) for c in fresh.checks],
        "runs": [r.model_copy(update={"check_id": "new-" + (r.check_id or "")}) for r in fresh.runs]})
    setup.post(renamed)
    assert _check(setup.state_file, "new-check-orders")[0] is True
    assert list(_threads(setup.scenario)) == ["new-check-orders"] and _resolved(setup.scenario, "new-check-orders")


def test_approving_in_spyglass_resolves_and_unapproving_reopens(setup: Setup) -> None:
    state = make_state({"orders"})
    digest = _digest(state)
    approved = state.model_copy(update={"checks": [
        c.model_copy(update={"approved": True, "approval_digest": digest, "approved_by": "Spyglass"})
        if c.check_id == "check-orders" else c for c in state.checks]})
    setup.post(approved)
    assert _resolved(setup.scenario) and "Approved by Spyglass" in _threads(setup.scenario)["check-orders"][0].body

    unapproved = state.model_copy(update={"checks": [
        c.model_copy(update={"approved": False, "approval_digest": digest}) if c.check_id == "check-orders" else c
        for c in state.checks]})
    setup.post(unapproved)
    assert not _resolved(setup.scenario) and _check(setup.state_file)[0] is False


def test_a_changed_result_reopens_its_thread_and_withdraws_the_approval(setup: Setup) -> None:
    setup.post(make_state({"orders"}))
    setup.rita.resolve(_thread_id(setup.scenario))
    setup.post()
    approved_before = load_state(setup.state_file)
    assert _check(setup.state_file)[0] is True

    changed = make_state({"orders"}, added=2)  # another result; the old approval carried over
    kept = changed.model_copy(update={"checks": [
        c.model_copy(update={"approved": True, "approval_digest": _digest(approved_before),
                             "approved_by": "@rita in GitLab"}) if c.check_id == "check-orders" else c
        for c in changed.checks]})
    setup.post(kept)
    assert not _resolved(setup.scenario) and _check(setup.state_file)[0] is False
    first = _threads(setup.scenario)["check-orders"][0]
    assert f"result={_digest(changed)}" in first.body.splitlines()[0] and "resolved=0" in first.body
    assert len(_threads(setup.scenario)) == 1


def test_note_commands_from_a_developer_apply_once_and_from_a_reporter_are_ignored(setup: Setup) -> None:
    setup.post(make_state({"orders", "customers"}))
    setup.rita.reply(_thread_id(setup.scenario), "/spyglass approve")  # the thread's own check
    setup.rob.comment("Looks fine to me\n/spyglass approve Schema of customers")
    setup.rita.comment(f"/spyglass rerun {ORDERS}")
    setup.post()
    assert _check(setup.state_file)[0] is True and _resolved(setup.scenario)
    assert _check(setup.state_file, "check-customers")[0] is False
    assert not _resolved(setup.scenario, "check-customers")
    replies = [n.body for n in setup.scenario.mr.notes if "<!-- spyglass:reply:" in n.body]
    assert len(replies) == 3
    assert any("approved in Spyglass" in r for r in replies)
    assert any("@rob: not applied" in r.replace("\\@", "@") and "Developer role" in r for r in replies)
    assert any("no Spyglass server received this" in r for r in replies)

    setup.post()  # answered commands are not applied or answered again
    assert len([n for n in setup.scenario.mr.notes if "<!-- spyglass:reply:" in n.body]) == 3


def test_a_resolution_by_the_mr_author_below_developer_is_reopened(setup: Setup) -> None:
    scenario = setup.scenario
    author = next(u for u in scenario.fake.world.users.values() if u.username == "rob")
    scenario.mr.author = author  # a Reporter's merge request: GitLab lets its author resolve threads
    setup.post(make_state({"orders"}))
    setup.rob.resolve(_thread_id(scenario))
    assert _resolved(scenario)
    setup.post()
    assert not _resolved(scenario) and _check(setup.state_file)[0] is False
    assert "@rob resolved it, but approving needs at least the Developer role" in \
        _threads(scenario)["check-orders"][0].body.replace("\\@", "@")


def test_faults_never_create_a_second_thread_or_reply(setup: Setup) -> None:
    fake = setup.scenario.fake
    fake.fail_next("POST", r"/discussions$", kind="drop")
    fake.fail_next("GET", r"/discussions$", kind="429")
    setup.post(make_state({"orders"}))
    assert len(_threads(setup.scenario)) == 1

    setup.rita.reply(_thread_id(setup.scenario), f"/spyglass approve {ORDERS}")
    fake.fail_next("POST", r"/discussions/[0-9a-f]+/notes$", kind="drop")
    fake.fail_next("PUT", r"/discussions/[0-9a-f]+$", kind="500", count=2)
    fake.fail_next("PUT", r"/discussions/[0-9a-f]+/notes/\d+$", kind="drop")
    setup.post()
    assert _resolved(setup.scenario) and _check(setup.state_file)[0] is True
    notes = _threads(setup.scenario)["check-orders"]
    assert len(_threads(setup.scenario)) == 1
    assert len([n for n in notes if "<!-- spyglass:reply:" in n.body]) == 1
    summaries = [n for n in setup.scenario.mr.notes if n.body.startswith("<!-- spyglass:summary -->")]
    assert len(summaries) == 1
    assert [f.remaining for f in fake.faults] == [0, 0, 0, 0, 0]  # every fault was met


def test_approving_with_the_cli_resolves_the_thread(setup: Setup) -> None:
    setup.post(make_state({"orders"}))
    env = _env(setup.scenario, setup.bot)
    done = setup.cli("gitlab", "approve", "schema of ORDERS", "--state-file", str(setup.state_file), "--mr", "1",
                     env=env)
    assert done.code == 0, done.err
    assert "1 resolved" in done.out and _resolved(setup.scenario)
    assert _check(setup.state_file) == (True, _digest(load_state(setup.state_file)), "Spyglass")
    undone = setup.cli("gitlab", "approve", "Schema of orders", "--unapprove", "--state-file",
                       str(setup.state_file), "--mr", "1", env=env)
    assert undone.code == 0 and "1 re-opened" in undone.out and not _resolved(setup.scenario)
    missing = setup.cli("gitlab", "approve", "No such check", "--state-file", str(setup.state_file), env=env)
    assert missing.code == 2 and "No check with a result is named 'No such check'" in missing.err
