"""``spyglass gitlab ...`` through the real entry point, against the fake GitLab."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
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
    assert connected.out.count("PASS") == 5

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


def test_ci_template_is_valid_yaml_for_merge_request_pipelines() -> None:
    printed = Cli()("gitlab", "ci-template", "--current-target", "review")
    assert printed.code == 0
    jobs = yaml.safe_load(printed.out)
    review = jobs["spyglass-review"]
    assert review["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    script = "\n".join(review["script"])
    assert "spyglass run --target review" in script and "spyglass gitlab post" in script
    assert jobs["spyglass-base"]["artifacts"]["paths"] == ["target/manifest.json", "target/catalog.json"]
    assert "SPYGLASS_GITLAB_TOKEN" in printed.out and "Mask variable" in printed.out
    fetch = next(line for line in review["script"] if line.startswith("python -c"))
    compile(fetch.split('"')[1], "fetch-base-artifacts", "exec")  # the one-liner is valid Python


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
