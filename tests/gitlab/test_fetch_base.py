"""`spyglass gitlab fetch-base` through the real entry point, over real HTTP against the fake GitLab."""

from __future__ import annotations

import io
import json
import stat
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.gitlab.conftest import PROJECT, Scenario
from tests.gitlab.test_cli import Cli, Outcome

BRANCH = "main"
PAST = "2020-01-02T03:04:05.000Z"


def artifacts_zip(manifest: dict[str, object] | None = None, *, extra: dict[str, bytes] | None = None) -> bytes:
    """An artifacts archive as the base job keeps it: target/manifest.json and target/catalog.json."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if manifest is not None:
            archive.writestr("target/manifest.json", json.dumps(manifest))
            archive.writestr("target/catalog.json", json.dumps({"nodes": {}, "sources": {}}))
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def ci_env(scenario: Scenario, job_token: str, **extra: str) -> dict[str, str]:
    """What GitLab CI sets in a merge request pipeline (no Spyglass token at all)."""
    return {"CI_JOB_TOKEN": job_token, "CI_SERVER_URL": scenario.fake.url, "CI_PROJECT_ID": str(scenario.project.id),
            "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": BRANCH, "SPYGLASS_GITLAB_TOKEN": "", **extra}


def fetch(scenario: Scenario, tmp_path: Path, *args: str, cli: Cli | None = None) -> tuple[Outcome, str]:
    token = scenario.fake.world.add_job_token(scenario.project, scenario.owner)
    outcome = (cli or Cli())("gitlab", "fetch-base", "--target-base-path", str(tmp_path / "target-base"), *args,
                             env=ci_env(scenario, token))
    return outcome, token


def test_the_newest_successful_pipeline_of_the_target_branch_is_chosen(scenario: Scenario, tmp_path: Path) -> None:
    world = scenario.fake.world
    world.add_pipeline(scenario.project, BRANCH, jobs={"spyglass-base": artifacts_zip({"run": "old"})})
    world.add_pipeline(scenario.project, BRANCH, jobs={"spyglass-base": artifacts_zip({"run": "newest"}),
                                                       "lint": None})
    world.add_pipeline(scenario.project, BRANCH, status="failed", jobs={"spyglass-base": artifacts_zip({"run": "x"})})
    world.add_pipeline(scenario.project, "feature", jobs={"spyglass-base": artifacts_zip({"run": "feature"})})
    stale = tmp_path / "target-base" / "stale.json"
    stale.parent.mkdir()
    stale.write_text("{}")
    cli = Cli()
    outcome, token = fetch(scenario, tmp_path, cli=cli)

    assert outcome.code == 0, outcome.out + outcome.err
    base = tmp_path / "target-base"
    assert json.loads((base / "manifest.json").read_text()) == {"run": "newest"}
    assert sorted(p.name for p in base.iterdir()) == ["catalog.json", "manifest.json"]  # replaced whole
    assert "unpacked into" in outcome.out and "CI_JOB_TOKEN" in outcome.out
    assert all(token not in text for text in cli.outputs)
    assert [p for m, p in scenario.fake.requests] == [
        f"/projects/{scenario.project.id}/jobs/artifacts/{BRANCH}/download"]  # one request when there are some
    assert not list(tmp_path.glob(".*"))  # no temporary file or directory left behind


def test_no_successful_pipeline_yet_says_run_one_and_exits_4(scenario: Scenario, tmp_path: Path) -> None:
    scenario.fake.world.add_pipeline(scenario.project, BRANCH, status="failed",
                                     jobs={"spyglass-base": artifacts_zip({"run": "x"})})
    outcome, _ = fetch(scenario, tmp_path)
    assert outcome.code == 4, outcome.out + outcome.err
    assert "No pipeline has succeeded on main yet" in outcome.err and "first pipeline" in outcome.err
    assert "Run a pipeline on main" in outcome.err and "Traceback" not in outcome.err
    assert not (tmp_path / "target-base").exists()


def test_expired_artifacts_say_when_and_how_to_keep_them(scenario: Scenario, tmp_path: Path) -> None:
    scenario.fake.world.add_pipeline(scenario.project, BRANCH, jobs={"spyglass-base": None}, expire_at=PAST)
    outcome, _ = fetch(scenario, tmp_path)
    assert outcome.code == 4, outcome.out + outcome.err
    assert "expired on 2020-01-02 03:04 UTC" in outcome.err
    assert "expire_in" in outcome.err and "Keep artifacts from most recent successful jobs" in outcome.err


def test_a_wrong_job_name_lists_the_jobs_there_are_and_exits_2(scenario: Scenario, tmp_path: Path) -> None:
    scenario.fake.world.add_pipeline(scenario.project, BRANCH, jobs={"dbt-prod": artifacts_zip({"run": "x"}),
                                                                     "lint": None})
    outcome, _ = fetch(scenario, tmp_path)
    assert outcome.code == 2, outcome.out + outcome.err
    assert "no job named 'spyglass-base'" in outcome.err and "dbt-prod, lint" in outcome.err
    assert "--job" in outcome.err
    renamed, _ = fetch(scenario, tmp_path, "--job", "dbt-prod")
    assert renamed.code == 0, renamed.out + renamed.err


def test_a_job_that_keeps_no_artifacts_is_a_configuration_problem(scenario: Scenario, tmp_path: Path) -> None:
    scenario.fake.world.add_pipeline(scenario.project, BRANCH, jobs={"spyglass-base": None})
    outcome, _ = fetch(scenario, tmp_path)
    assert outcome.code == 2 and "kept no artifacts" in outcome.err and "target/manifest.json" in outcome.err


def test_a_job_token_that_cannot_list_pipelines_names_every_cause(scenario: Scenario, tmp_path: Path) -> None:
    """Older GitLab: the job token downloads artifacts but may not list pipelines."""
    scenario.fake.world.job_token_routes -= {"pipelines", "pipeline_jobs"}
    outcome, _ = fetch(scenario, tmp_path)
    assert outcome.code == 4, outcome.out + outcome.err
    for cause in ("first pipeline", "named otherwise", "expired", "--job", "SPYGLASS_GITLAB_TOKEN"):
        assert cause in outcome.err


def test_the_configured_token_tells_why_when_the_job_token_cannot_list(scenario: Scenario, tmp_path: Path) -> None:
    """In CI with SPYGLASS_GITLAB_TOKEN set too: the job token downloads, the token lists pipelines."""
    scenario.fake.world.job_token_routes -= {"pipelines", "pipeline_jobs"}
    scenario.fake.world.add_pipeline(scenario.project, BRANCH, jobs={"build-base": artifacts_zip({"run": "1"})})
    job_token = scenario.fake.world.add_job_token(scenario.project, scenario.owner)
    reader = scenario.user_token("reader", 20, ("read_api",))
    cli = Cli()
    outcome = cli("gitlab", "fetch-base", "--target-base-path", str(tmp_path / "base"),
                  env=ci_env(scenario, job_token, SPYGLASS_GITLAB_TOKEN=reader))
    assert outcome.code == 2, outcome.out + outcome.err
    assert "no job named 'spyglass-base'" in outcome.err and "build-base" in outcome.err
    assert all(job_token not in text and reader not in text for text in cli.outputs)


def test_the_stored_token_is_used_outside_ci(scenario: Scenario, tmp_path: Path) -> None:
    scenario.fake.world.add_pipeline(scenario.project, BRANCH, jobs={"spyglass-base": artifacts_zip({"run": "1"})})
    cli = Cli()
    token = scenario.user_token("reader", 20, ("read_api",))
    connected = cli("gitlab", "connect", "--url", scenario.fake.url, "--project", PROJECT, "--token-stdin",
                    stdin=token)
    assert connected.code in (0, 3), connected.out + connected.err
    outcome = cli("gitlab", "fetch-base", "--ref", BRANCH, "--target-base-path", str(tmp_path / "base"),
                  env={"SPYGLASS_GITLAB_TOKEN": "", "CI_JOB_TOKEN": ""})
    assert outcome.code == 0, outcome.out + outcome.err
    assert json.loads((tmp_path / "base" / "manifest.json").read_text()) == {"run": "1"}
    assert all(token not in text for text in cli.outputs)
    missing_ref = cli("gitlab", "fetch-base", env={"SPYGLASS_GITLAB_TOKEN": "", "CI_JOB_TOKEN": ""})
    assert missing_ref.code == 2 and "--ref" in missing_ref.err


def test_a_failing_gitlab_is_retried_and_the_download_counted_once(scenario: Scenario, tmp_path: Path) -> None:
    scenario.fake.world.add_pipeline(scenario.project, BRANCH, jobs={"spyglass-base": artifacts_zip({"run": "1"})})
    scenario.fake.fail_next("GET", r"/download$", kind="500")
    scenario.fake.fail_next("GET", r"/download$", kind="drop")
    outcome, _ = fetch(scenario, tmp_path)
    assert outcome.code == 0, outcome.out + outcome.err
    assert json.loads((tmp_path / "target-base" / "manifest.json").read_text()) == {"run": "1"}


def _symlink_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("target/manifest.json", "{}")
        link = zipfile.ZipInfo("target/catalog.json")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    return buffer.getvalue()


@pytest.mark.parametrize(("archive", "words"), [
    (artifacts_zip({"run": "1"}, extra={"target/../../escaped.json": b"{}"}), "climbs out"),
    (artifacts_zip({"run": "1"}, extra={"../escaped.json": b"{}"}), "climbs out"),
    (artifacts_zip({"run": "1"}, extra={"/tmp/escaped.json": b"{}"}), "absolute or unsafe"),
    (artifacts_zip({"run": "1"}, extra={"target\\..\\..\\escaped.json": b"{}"}), "absolute or unsafe"),
    (_symlink_zip(), "symbolic link"),
    (b"{\"message\":\"404 Not found\"}", "not a zip"),
    (artifacts_zip(None, extra={"other/manifest.json": b"{}"}), "hold no target/manifest.json"),
])
def test_an_unsafe_or_wrong_archive_is_refused_and_nothing_is_unpacked(
        scenario: Scenario, tmp_path: Path, archive: bytes, words: str) -> None:
    scenario.fake.world.add_pipeline(scenario.project, BRANCH, jobs={"spyglass-base": archive})
    root = tmp_path / "root"
    (root / "work").mkdir(parents=True)
    outcome, _ = fetch(scenario, root / "work")
    assert outcome.code == 2, outcome.out + outcome.err
    assert words in outcome.err and "Traceback" not in outcome.err
    assert sorted(p.name for p in root.rglob("*")) == ["work"]  # nothing written, inside or outside


def test_an_archive_over_the_size_limit_is_refused(scenario: Scenario, tmp_path: Path) -> None:
    big = artifacts_zip({"run": "1"}, extra={"target/run_results.json": b" " * (3 * 2**20)})  # compresses well
    scenario.fake.world.add_pipeline(scenario.project, BRANCH, jobs={"spyglass-base": big})
    outcome, _ = fetch(scenario, tmp_path, "--max-size", "1")
    assert outcome.code == 2 and "size limit" in outcome.err
    assert not (tmp_path / "target-base").exists()


class _Storage(BaseHTTPRequestHandler):
    """Object storage GitLab redirects downloads to: serves :attr:`archive`, records each request's headers."""

    archive = b""
    seen: list[tuple[str, dict[str, str]]] = []

    def do_GET(self) -> None:
        type(self).seen.append((self.path, dict(self.headers.items())))
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.archive)))
        self.end_headers()
        self.wfile.write(self.archive)

    def log_message(self, format: str, *args: object) -> None:
        """Silent."""


def test_a_redirect_to_object_storage_is_followed_without_the_token(scenario: Scenario, tmp_path: Path) -> None:
    storage_type = type("Storage", (_Storage,), {"archive": artifacts_zip({"run": "cdn"}), "seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), storage_type)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        pipeline = scenario.fake.world.add_pipeline(scenario.project, BRANCH,
                                                    jobs={"spyglass-base": artifacts_zip({"run": "gitlab"})})
        pipeline.jobs[0].redirect_to = f"http://localhost:{server.server_address[1]}/bucket"
        outcome, token = fetch(scenario, tmp_path)
    finally:
        server.shutdown()
        server.server_close()
    assert outcome.code == 0, outcome.out + outcome.err
    assert json.loads((tmp_path / "target-base" / "manifest.json").read_text()) == {"run": "cdn"}
    [(path, headers)] = storage_type.seen
    assert path == f"/bucket/{pipeline.jobs[0].id}/artifacts.zip"
    assert token not in path and all(token not in value for value in headers.values())
    assert not {"job-token", "private-token", "authorization"} & {name.lower() for name in headers}
