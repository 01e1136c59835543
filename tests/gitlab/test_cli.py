"""``spyglass gitlab ...`` through the real entry point, against the fake GitLab."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet

from spyglass.cli.main import main
from spyglass.state.store import save_state
from spyglass.store import Store
from tests.fixtures.stores import StoreBackend, counting_store_opens
from tests.gitlab.conftest import PROJECT, Scenario, make_state


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str


class Cli:
    """Runs ``spyglass`` in-process like a shell would, keeping every output for the token audit."""

    def __init__(self) -> None:
        self.outputs: list[str] = []

    def __call__(self, *args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Outcome:
        runner = CliRunner()
        with runner.isolation(input=stdin, env=env) as streams:
            out, err = streams[0], streams[1]
            try:
                main(list(args))
                code = 0
            except SystemExit as exc:
                code = int(exc.code or 0)
            result = Outcome(code, out.getvalue().decode(), err.getvalue().decode())
        self.outputs += [result.out, result.err]
        return result


def _home_bytes() -> list[tuple[Path, bytes]]:
    home = Path(os.environ["SPYGLASS_HOME"])
    return [(p, p.read_bytes()) for p in home.rglob("*") if p.is_file()]


def test_connect_status_mrs_post_disconnect_without_leaking_the_token(scenario: Scenario,
                                                                       tmp_path: Path) -> None:
    cli = Cli()
    token = scenario.user_token("bot", 40)
    connected = cli("gitlab", "connect", "--url", scenario.fake.url, "--project", PROJECT, "--token-stdin",
                    stdin=token + "\n")
    assert connected.code == 0, connected.err
    assert f"...{token[-4:]}" in connected.out and "Connection stored" in connected.out
    assert connected.out.count("PASS") == 6 and "NOTE Token kind" in connected.out

    status = cli("gitlab", "status", "--json")
    data = json.loads(status.out)
    assert status.code == 0 and data["can_post"] and data["project"] == PROJECT and data["user"] == "bot"
    assert data["token_last4"] == token[-4:] and data["problems"] == []

    mrs = cli("gitlab", "mrs", "--state", "all")
    assert mrs.code == 0 and "!1  Rename customer columns  @olivia  feature -> main" in mrs.out
    assert "[not validated]" in mrs.out

    state_file = tmp_path / "spyglass_state.json"
    save_state(state_file, make_state({"orders"}))
    posted = cli("gitlab", "post", "--mr", "1", "--state-file", str(state_file), "--notes", "--commit-status")
    assert posted.code == 0, posted.err
    assert "Posted the summary on !1 (3 checks, 1 mismatches, 0 errors)" in posted.out
    updated = cli("gitlab", "post", "--mr", "1", "--state-file", str(state_file), "--json")
    assert json.loads(updated.out)["created"] is False
    listed = json.loads(cli("gitlab", "mrs", "--json").out)
    assert listed["merge_requests"][0]["status"] == "summary posted"

    files = _home_bytes()
    assert files, "the connection should be stored under SPYGLASS_HOME"
    assert all(token.encode() not in data for _, data in files)
    assert all(token not in text for text in cli.outputs)

    assert cli("gitlab", "disconnect").out.strip() == "Stored GitLab connection deleted."
    after = cli("gitlab", "status")
    assert after.code == 2 and "No GitLab URL or project or token configured" in after.err
    assert "spyglass gitlab connect" in after.err


def test_read_api_token_connects_but_post_exits_3_before_writing(scenario: Scenario, tmp_path: Path) -> None:
    cli = Cli()
    token = scenario.user_token("viewer", 40, ("read_api",))
    connected = cli("gitlab", "connect", "--url", scenario.fake.url, "--project", PROJECT,
                    env={"SPYGLASS_GITLAB_TOKEN": token})
    assert connected.code == 3 and "WARN Scope allows posting" in connected.out
    assert "Connection stored" in connected.out
    assert cli("gitlab", "status").code == 3
    state_file = tmp_path / "state.json"
    save_state(state_file, make_state(set()))
    posted = cli("gitlab", "post", "--mr", "1", "--state-file", str(state_file))
    assert posted.code == 3 and "can track merge requests but not post" in posted.err
    assert "`api` scope" in posted.err and scenario.fake.writes() == []
    assert "read-only token" in cli("gitlab", "mrs").out
    assert all(token not in text for text in cli.outputs)


def test_unusable_token_is_not_stored(scenario: Scenario) -> None:
    cli = Cli()
    token = scenario.user_token("gone", 40, revoked=True)
    connected = cli("gitlab", "connect", "--url", scenario.fake.url, "--project", PROJECT, "--token-stdin",
                    stdin=token)
    assert connected.code == 2 and "FAIL Token active: The token was revoked." in connected.out
    assert "NOT stored" in connected.out
    assert cli("gitlab", "status").code == 2
    assert all(token.encode() not in data for _, data in _home_bytes())


def test_hidden_prompt_reads_the_token_without_echo(scenario: Scenario) -> None:
    cli = Cli()
    token = scenario.user_token("prompted", 50)
    connected = cli("gitlab", "connect", "--url", scenario.fake.url, "--project", PROJECT, stdin=token + "\n")
    assert connected.code == 0 and "GitLab token (input hidden)" in connected.err
    assert all(token not in text for text in cli.outputs)


def test_environment_overrides_the_stored_connection(scenario: Scenario) -> None:
    cli = Cli()
    stored = scenario.user_token("stored", 40)
    cli("gitlab", "connect", "--url", scenario.fake.url, "--project", PROJECT, "--token-stdin", stdin=stored)
    other = scenario.user_token("from_env", 30)
    status = cli("gitlab", "status", "--json", env={"SPYGLASS_GITLAB_TOKEN": other})
    assert json.loads(status.out)["user"] == "from_env"
    # The stored token is never sent to another GitLab than the one it was stored for.
    elsewhere = cli("gitlab", "status", "--url", "http://127.0.0.1:9")
    assert elsewhere.code == 2 and "token" in elsewhere.err


def test_webhook_install_says_when_the_role_is_too_low(scenario: Scenario) -> None:
    cli = Cli()
    env = {"SPYGLASS_GITLAB_URL": scenario.fake.url, "SPYGLASS_GITLAB_PROJECT": PROJECT}
    developer = scenario.user_token("dev", 30)
    refused = cli("gitlab", "webhook", "install", "https://spyglass.example/api/gitlab/webhook",
                  env={**env, "SPYGLASS_GITLAB_TOKEN": developer})
    assert refused.code == 2 and "needs the Maintainer role" in refused.err and "Developer" in refused.err
    maintainer = scenario.user_token("lead", 40)
    made = cli("gitlab", "webhook", "install", "https://spyglass.example/api/gitlab/webhook",
               env={**env, "SPYGLASS_GITLAB_TOKEN": maintainer})
    assert made.code == 0 and "stored encrypted" in made.out
    secret = scenario.project.hooks[0]["token"]
    assert isinstance(secret, str) and len(secret) >= 32
    assert all(secret.encode() not in data for _, data in _home_bytes())
    assert all(secret not in text for text in cli.outputs)


@pytest.mark.parametrize(("how", "bad"), [
    ("env", "\r\nX-Injected: 1"), ("env", "\n"), ("stdin", "\x00"), ("stdin", "\t"), ("stdin", " x"), ("stdin", "é"),
])
def test_a_token_no_header_can_carry_is_a_usage_error_that_never_shows_it(
        scenario: Scenario, caplog: pytest.LogCaptureFixture, how: str, bad: str) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, httpx and httpcore included
    cli = Cli()
    token = scenario.user_token("bot", 40)
    hostile = token[:12] + bad + token[12:]
    args = ("gitlab", "connect", "--url", scenario.fake.url, "--project", PROJECT)
    connected = (cli(*args, env={"SPYGLASS_GITLAB_TOKEN": hostile}) if how == "env"
                 else cli(*args, "--token-stdin", stdin=hostile + "\n"))

    assert connected.code == 2, connected.out + connected.err
    assert "cannot be sent in an HTTP header" in connected.err and "Copy the token again" in connected.err
    assert "Traceback" not in connected.err
    for part in (token[:12], token[12:], token[-4:]):
        assert all(part not in text for text in cli.outputs)
        assert not [r for r in caplog.records if part in r.getMessage()]
    assert scenario.fake.requests == []
    assert cli("gitlab", "status").code == 2  # nothing was stored


def test_merge_request_text_cannot_drive_the_terminal(scenario: Scenario) -> None:
    cli = Cli()
    hostile = "Fix \x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\ \x1b[2J[bold red]loud[/] \x07"
    scenario.fake.world.add_merge_request(scenario.project, scenario.owner, title=hostile, sha="b2" * 20)
    cli("gitlab", "connect", "--url", scenario.fake.url, "--project", PROJECT, "--token-stdin",
        stdin=scenario.user_token("bot", 40))

    listed = cli("gitlab", "mrs")

    assert listed.code == 0 and "\x1b" not in listed.out and "\x07" not in listed.out
    assert "[bold red]loud[/]" in listed.out and "click" in listed.out


def test_an_impossible_mr_iid_is_a_usage_error(scenario: Scenario, tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    save_state(state_file, make_state(set()))
    for iid in ("0", "-1", str(2**31)):
        posted = Cli()("gitlab", "post", "--mr", iid, "--state-file", str(state_file))
        assert posted.code == 2 and "--mr" in posted.err
    assert scenario.fake.requests == []


# -- the store: opened once per command; its secrets re-encrypted after a key change --------------------------


def test_a_post_with_notes_and_commit_status_opens_the_store_once(
        store_backend: StoreBackend, scenario: Scenario, tmp_path: Path) -> None:
    cli = Cli()
    connected = cli("gitlab", "connect", "--url", scenario.fake.url, "--project", PROJECT, "--token-stdin",
                    stdin=scenario.user_token("bot", 40) + "\n")
    assert connected.code == 0, connected.err
    state_file = tmp_path / "spyglass_state.json"
    save_state(state_file, make_state({"orders"}))
    database = store_backend.postgres
    others = database.backends() if database else 0  # the scenario's own store may hold one
    sessions_before = database.settled_sessions(still_open=others) if database else 0

    with counting_store_opens(store_backend.home) as opens:
        posted = cli("gitlab", "post", "--mr", "1", "--state-file", str(state_file), "--notes", "--commit-status")

    assert posted.code == 0, posted.err
    assert "Commit status `spyglass`" in posted.out and "Threads: 1 opened" in posted.out
    assert opens.key_reads == 1  # the key is read once: the store is opened once
    if database is None:
        assert opens.sqlite_connections == 1
    else:
        assert database.settled_sessions(still_open=others) - sessions_before == 1  # one connection, reused
    listed = json.loads(cli("gitlab", "mrs", "--json").out)
    assert listed["merge_requests"][0]["status"] == "summary posted"  # tracked through that one store


def test_reencrypt_moves_the_stored_secrets_to_the_new_key(
        store_backend: StoreBackend, scenario: Scenario) -> None:
    cli = Cli()
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    token = scenario.user_token("bot", 40)
    with_old = {"SPYGLASS_SECRET_KEY": old_key}
    assert cli("gitlab", "connect", "--url", scenario.fake.url, "--project", PROJECT, "--token-stdin",
               stdin=token + "\n", env=with_old).code == 0
    assert cli("gitlab", "webhook", "install", "https://spyglass.example/api/gitlab/webhook", env=with_old).code == 0
    with_new = {"SPYGLASS_SECRET_KEY": new_key}
    before = cli("gitlab", "status", env=with_new)
    assert before.code == 2 and "cannot be decrypted" in before.err and "SPYGLASS_SECRET_KEY_PREVIOUS" in before.err

    stranger = Fernet.generate_key().decode()
    unknown = cli("gitlab", "reencrypt", env={**with_new, "SPYGLASS_SECRET_KEY_PREVIOUS": stranger})
    assert unknown.code == 2 and "cannot be decrypted" in unknown.err and "Traceback" not in unknown.err
    assert cli("gitlab", "status", env=with_old).code == 0  # a failed re-encryption changed nothing

    rotated = cli("gitlab", "reencrypt", env={**with_new, "SPYGLASS_SECRET_KEY_PREVIOUS": old_key})

    assert rotated.code == 0, rotated.err
    assert "Re-encrypted 2 stored secrets with the key from SPYGLASS_SECRET_KEY." in rotated.out
    after = cli("gitlab", "status", "--json", env=with_new)  # the new key alone reads the token now
    assert after.code == 0 and json.loads(after.out)["token_last4"] == token[-4:]
    assert cli("gitlab", "status", env=with_old).code == 2  # and the old one no longer does
    with Store.open({**os.environ, **with_new}) as store:
        assert store.webhook_secret() == scenario.project.hooks[0]["token"]
    assert all(token not in text for text in cli.outputs)


def _env(scenario: Scenario, token: str) -> dict[str, str]:
    return {"SPYGLASS_GITLAB_URL": scenario.fake.url, "SPYGLASS_GITLAB_PROJECT": PROJECT,
            "SPYGLASS_GITLAB_TOKEN": token}


def test_status_reports_the_merge_checks_and_how_to_turn_them_on(scenario: Scenario) -> None:
    cli = Cli()
    env = _env(scenario, scenario.user_token("project_2_bot_9f8e7d", 40, bot=True))
    off = cli("gitlab", "status", env=env)
    assert off.code == 0 and "WARN Merge check: all threads must be resolved" in off.out
    assert "Settings -> Merge requests -> Merge checks" in off.out
    assert "only_allow_merge_if_all_discussions_are_resolved=true" in off.out
    assert "PASS Token kind: project access token (a bot user)" in off.out
    scenario.project.only_allow_merge_if_all_discussions_are_resolved = True
    on = cli("gitlab", "status", "--json", env=env)
    data = json.loads(on.out)
    assert data["merge_checks"] == {"threads_must_be_resolved": True, "pipelines_must_succeed": False}
    assert [a["code"] for a in data["advice"]] == ["merge_check_pipeline_off"]
    assert data["token_kind"] == "project_access_token" and data["posting"] == "yes"
    assert all("PRIVATE-TOKEN: glpat" not in text for text in cli.outputs)  # the call shows a placeholder


def test_status_of_one_merge_request_sees_its_locked_discussion(scenario: Scenario) -> None:
    cli = Cli()
    scenario.project.visibility = "public"
    scenario.mr.discussion_locked = True
    env = _env(scenario, scenario.user_token("outsider", None))
    plain = cli("gitlab", "status", env=env)
    assert plain.code == 0 and "give --mr" in plain.out  # the lock is a merge request's: not looked at
    locked = cli("gitlab", "status", "--mr", "1", env=env)
    assert locked.code == 3 and "WARN Project accepts posts" in locked.out and "!1 is locked" in locked.out
    assert "cannot post (see above)" in locked.out
    from_ci = cli("gitlab", "status", "--json", env={**env, "CI_MERGE_REQUEST_IID": "1"})
    data = json.loads(from_ci.out)
    assert (data["merge_request_iid"], data["discussion_locked"], data["posting"]) == (1, True, "no")
    assert scenario.fake.writes() == []  # judged from the fields, never by writing a test note


def test_status_of_an_expired_token_marks_what_it_cannot_read(scenario: Scenario) -> None:
    cli = Cli()
    env = _env(scenario, scenario.user_token("eve", 40, expires_at=date(2026, 1, 1)))
    text = cli("gitlab", "status", env=env)
    assert text.code == 2 and "user unknown (the token cannot be read)" in text.out
    assert "acts as None" not in text.out and "FAIL Token active: The token has expired." in text.out
    data = json.loads(cli("gitlab", "status", "--json", env=env).out)
    assert (data["token_readable"], data["role_label"], data["token_kind"]) == (
        False, "unknown (the token cannot be read)", "unknown")
    assert "has expired" in data["unknown_reason"]


def test_status_on_an_old_gitlab_does_not_assume_it_can_post(scenario: Scenario) -> None:
    cli = Cli()
    scenario.fake.token_self_supported = False
    status = cli("gitlab", "status", env=_env(scenario, scenario.user_token("old", 40)))
    assert status.code == 3 and "WARN Scope allows posting" in status.out
    assert "whether it can post is unknown" in status.out


def test_a_read_only_token_replaces_a_posting_one_only_when_allowed(scenario: Scenario) -> None:
    cli = Cli()
    poster = scenario.user_token("bot", 40)
    reader = scenario.user_token("viewer", 40, ("read_api",))
    connect = ("gitlab", "connect", "--url", scenario.fake.url, "--project", PROJECT, "--token-stdin")
    assert cli(*connect, stdin=poster + "\n").code == 0
    refused = cli(*connect, stdin=reader + "\n")
    assert refused.code == 2 and "--allow-downgrade" in refused.out + refused.err
    assert scenario.store.connection() is not None and scenario.store.connection().token_last4 == poster[-4:]
    allowed = cli(*connect, "--allow-downgrade", stdin=reader + "\n")
    assert allowed.code == 3  # stored, and it says it cannot post
    assert scenario.store.connection().token_last4 == reader[-4:]
    assert all(poster not in text and reader not in text for text in cli.outputs)
