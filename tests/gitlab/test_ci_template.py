"""`spyglass gitlab ci-template`: the .gitlab-ci.yml it prints is valid YAML wired to Spyglass's own commands."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import yaml

from spyglass.gitlab.ci_template import DEFAULT_SOURCE, needs_postgres
from spyglass.gitlab.errors import BaseArtifactsUnavailable
from tests.gitlab.test_cli import Cli


def _template(*args: str, env: dict[str, str] | None = None) -> dict[str, object]:
    printed = Cli()("gitlab", "ci-template", *args, env=env)
    assert printed.code == 0, printed.err
    assert "SPYGLASS_GITLAB_TOKEN" in printed.out and "Mask variable" in printed.out
    jobs = yaml.safe_load(printed.out)
    assert isinstance(jobs, dict)
    return jobs


def test_the_review_job_fetches_the_base_runs_with_junit_and_exposes_the_html_report(tmp_path: Path) -> None:
    jobs = _template("--current-target", "review", env={"DBT_PROFILES_DIR": str(tmp_path)})
    review = jobs["spyglass-review"]
    assert isinstance(review, dict)
    assert review["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    script = review["script"]
    assert not any("python -c" in line for line in script)  # no inline Python any more
    fetch = next(line for line in script if line.startswith("spyglass gitlab fetch-base"))
    assert "--target-base-path target-base" in fetch and "--job spyglass-base" in fetch
    run = next(line for line in script if line.startswith("spyglass run"))
    assert "--target review" in run and "--target-base-path target-base" in run
    assert "--junit spyglass-junit.xml" in run
    assert any(line.startswith("spyglass report --html spyglass-report.html") for line in script)
    assert script.index(fetch) < script.index(run) < len(script) - 1
    assert script[-1].startswith("spyglass gitlab post")
    artifacts = review["artifacts"]
    assert artifacts["reports"] == {"junit": "spyglass-junit.xml"}
    assert artifacts["when"] == "always"  # the test summary even when a gate fails the job
    assert artifacts["expose_as"] == "Spyglass report" and artifacts["paths"] == ["spyglass-report.html"]
    # no base artifacts yet is a warning: fetch-base's own exit code for it
    assert review["allow_failure"] == {"exit_codes": [BaseArtifactsUnavailable.exit_code]}
    base = jobs["spyglass-base"]
    assert isinstance(base, dict)
    assert base["artifacts"]["paths"] == ["target/manifest.json", "target/catalog.json"]
    assert base["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]


def test_spyglass_is_installed_from_the_pinned_source_with_the_extra_the_profile_needs(tmp_path: Path) -> None:
    plain = _template(env={"DBT_PROFILES_DIR": str(tmp_path)})
    assert plain["variables"]["SPYGLASS_SOURCE"] == DEFAULT_SOURCE  # type: ignore[index]
    assert plain["default"]["before_script"] == ['pip install "spyglass @ ${SPYGLASS_SOURCE}"']  # type: ignore[index]
    pinned = "git+https://git.example.org/tools/spyglass.git@v0.3.1"
    chosen = _template("--source", pinned, "--postgres", env={"DBT_PROFILES_DIR": str(tmp_path)})
    assert chosen["variables"]["SPYGLASS_SOURCE"] == pinned  # type: ignore[index]
    assert chosen["default"]["before_script"] == [  # type: ignore[index]
        'pip install "spyglass[postgres] @ ${SPYGLASS_SOURCE}"']
    (tmp_path / "profiles.yml").write_text(yaml.safe_dump(
        {"shop": {"target": "ci", "outputs": {"ci": {"type": "postgres", "host": "db"}}}}))
    detected = _template(env={"DBT_PROFILES_DIR": str(tmp_path)})
    assert "spyglass[postgres]" in detected["default"]["before_script"][0]  # type: ignore[index]
    assert "spyglass @" in _template("--no-postgres", env={"DBT_PROFILES_DIR": str(tmp_path)})[
        "default"]["before_script"][0]  # type: ignore[index]


@pytest.mark.parametrize("source", ['x" && curl evil', "two words", ""])
def test_a_source_that_would_break_the_file_is_refused(source: str) -> None:
    refused = Cli()("gitlab", "ci-template", "--source", source)
    assert refused.code == 2 and "--source" in refused.err


@pytest.mark.parametrize(("profiles", "expected"), [
    ({"p": {"outputs": {"dev": {"type": "duckdb"}, "prod": {"type": "postgres"}}}}, True),
    ({"p": {"outputs": {"dev": {"type": "duckdb"}}}}, False),
    ({"config": {"send_anonymous_usage_stats": False}}, False),
    ("not: [valid", False),
])
def test_needs_postgres_reads_the_profiles_adapters(profiles: object, expected: bool) -> None:
    text = profiles if isinstance(profiles, str) else yaml.safe_dump(profiles)
    assert needs_postgres(text) is expected


def test_every_spyglass_command_of_the_template_is_one_the_cli_accepts(tmp_path: Path) -> None:
    """Each `spyglass ...` line, options and all, parses (click stops at the trailing --help)."""
    jobs = _template(env={"DBT_PROFILES_DIR": str(tmp_path)})
    lines = [" ".join(line.split()) for job in jobs.values() if isinstance(job, dict)
             for line in job.get("script", []) if line.strip().startswith("spyglass ")]
    assert len(lines) == 4
    for line in lines:
        parsed = Cli()(*shlex.split(line)[1:], "--help")
        assert parsed.code == 0, (line, parsed.err)
        assert "Usage:" in parsed.out
