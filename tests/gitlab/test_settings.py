"""Connection settings: flags, then SPYGLASS_GITLAB_*, then GitLab CI's variables, then the store."""

from __future__ import annotations

from datetime import datetime, timezone

from spyglass.gitlab.settings import normalise_url, resolve
from spyglass.store.models import StoredConnection

NOW = datetime(2026, 11, 25, tzinfo=timezone.utc)
STORED = StoredConnection(url="https://gitlab.example.com/", project="data/dbt", token_last4="abcd",
                          user="bot", scopes=("api",), created_at=NOW, updated_at=NOW)


def test_flags_beat_environment_beat_ci_beat_stored() -> None:
    environ = {"SPYGLASS_GITLAB_URL": "https://env.example", "SPYGLASS_GITLAB_PROJECT": "env/proj",
               "CI_SERVER_URL": "https://ci.example", "CI_PROJECT_ID": "42", "CI_PROJECT_PATH": "ci/proj",
               "CI_MERGE_REQUEST_IID": "7", "SPYGLASS_GITLAB_TOKEN": "env-token"}
    flags = resolve(environ, STORED, url="https://flag.example", project="flag/proj", mr_iid=3,
                    stored_token="stored-token")
    assert (flags.url, flags.project, flags.mr_iid, flags.token) == ("https://flag.example", "flag/proj", 3,
                                                                     "env-token")
    env = resolve(environ, STORED)
    assert (env.url, env.project, env.mr_iid) == ("https://env.example", "env/proj", 7)
    assert env.sources == {"url": "SPYGLASS_GITLAB_URL", "project": "SPYGLASS_GITLAB_PROJECT",
                           "token": "SPYGLASS_GITLAB_TOKEN", "mr_iid": "CI_MERGE_REQUEST_IID"}
    ci_only = {k: v for k, v in environ.items() if k.startswith("CI_")}
    ci = resolve(ci_only, None)
    assert (ci.url, ci.project, ci.token) == ("https://ci.example", "42", None)
    path_only = resolve({"CI_PROJECT_PATH": "ci/proj"}, STORED, stored_token="stored-token")
    assert (path_only.url, path_only.project, path_only.token) == (STORED.url, "ci/proj", "stored-token")


def test_stored_token_only_goes_to_its_own_gitlab() -> None:
    same = resolve({"SPYGLASS_GITLAB_URL": "https://GITLAB.example.com/api/v4"}, STORED, stored_token="t0k3n")
    assert same.token == "t0k3n" and same.sources["token"] == "stored"
    other = resolve({"CI_SERVER_URL": "https://evil.example"}, STORED, stored_token="t0k3n")
    assert other.token is None and other.sources["token"] == "unset"


def test_token_never_in_repr() -> None:
    settings = resolve({}, STORED, stored_token="super-secret-token-1234")
    assert "super-secret" not in repr(settings) and settings.token_last4 == "1234"


def test_normalise_url() -> None:
    assert normalise_url("HTTPS://Host.Example/GitLab/api/v4/") == "https://host.example/GitLab"
    assert normalise_url("https://gitlab.com") == "https://gitlab.com"


def test_a_merge_request_iid_from_ci_is_used_only_when_it_is_a_valid_iid() -> None:
    for raw in ("²", "0", "-3", "1.5", str(2**31), "9" * 5000, "seven"):
        settings = resolve({"CI_MERGE_REQUEST_IID": raw}, None)
        assert (settings.mr_iid, settings.sources["mr_iid"]) == (None, "unset"), raw
    assert resolve({"CI_MERGE_REQUEST_IID": str(2**31 - 1)}, None).mr_iid == 2**31 - 1
