"""``spyglass check-base`` on real git repositories: fresh, stale, missing, unknown, and which branch counts."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from click.testing import CliRunner

from spyglass.cli.check_base import check_base_command
from spyglass.pipeline import freshness_info
from spyglass.report.markdown import render_summary
from spyglass.settings import ProjectSettings
from spyglass.state.models import BaseFreshnessInfo, EnvironmentInfo, EnvSide
from spyglass.state.store import new_state
from tests.project.manifest_builder import ManifestBuilder

#: ManifestBuilder's metadata.generated_at
BUILT = "2026-01-01T00:00:00+00:00"
BEFORE, AFTER = "2025-12-01T12:00:00+00:00", "2026-02-01T12:00:00+00:00"
#: CI variables that choose the base branch, unset unless a test sets them
_CI: dict[str, str | None] = {"CI_MERGE_REQUEST_TARGET_BRANCH_NAME": None, "CI_DEFAULT_BRANCH": None}


def git(repo: Path, *args: str, when: str = BEFORE) -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args], cwd=repo,
                          env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def commit(repo: Path, path: str, text: str, when: str) -> str:
    (repo / path).parent.mkdir(parents=True, exist_ok=True)
    (repo / path).write_text(text)
    git(repo, "add", path)
    git(repo, "commit", "-q", "-m", f"change {path}", when=when)
    return git(repo, "rev-parse", "HEAD")


def repository(tmp_path: Path, *, project: str = "shop") -> tuple[Path, Path]:
    """A git repository holding a dbt project in ``project/`` (committed at BEFORE, on main) whose base
    artifacts (not committed) were generated at BUILT."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    project_dir = repo / project
    commit(repo, f"{project}/dbt_project.yml", "name: shop\n", BEFORE)
    ManifestBuilder().write(project_dir / "target-base")
    return repo, project_dir


def check_base(project_dir: Path, *args: str, env: Mapping[str, str | None] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(check_base_command, ["--project-dir", str(project_dir), *args],
                                env={**_CI, **(env or {})}, catch_exceptions=False)
    return result.exit_code, result.output


def test_fresh_when_the_base_was_built_after_the_last_change(tmp_path: Path) -> None:
    repo, project_dir = repository(tmp_path)
    commit(repo, "README.md", "outside the project: does not count", AFTER)
    code, out = check_base(project_dir)
    assert code == 0, out
    assert "Base artifacts are fresh" in out and "2026-01-01 00:00:00 UTC" in out and "2025-12-01 12:00:00 UTC" in out
    assert "Base branch main (from default)" in out and "fix:" not in out


def test_stale_when_the_project_changed_after_the_build(tmp_path: Path) -> None:
    repo, project_dir = repository(tmp_path)
    sha = commit(repo, "shop/models/orders.sql", "select 1", AFTER)
    code, out = check_base(project_dir)
    assert code == 2, out
    assert "Base artifacts are stale" in out and sha[:12] in out and "2026-02-01 12:00:00 UTC" in out
    assert "fix: Rebuild them from main with `dbt docs generate --target prod --target-path target-base`" in out


def test_a_merge_counts_when_it_lands_not_when_its_commits_were_made(tmp_path: Path) -> None:
    """The feature commit predates the build, its merge into main does not: main changed after the build."""
    repo, project_dir = repository(tmp_path)
    git(repo, "checkout", "-q", "-b", "feature")
    commit(repo, "shop/models/orders.sql", "select 2", "2025-12-15T00:00:00+00:00")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", "merge feature", "feature", when=AFTER)
    code, out = check_base(project_dir)
    assert code == 2 and "2026-02-01 12:00:00 UTC" in out, out


def test_missing_base_artifacts(tmp_path: Path) -> None:
    _, project_dir = repository(tmp_path)
    code, out = check_base(project_dir, "--target-base-path", "nowhere")
    assert code == 1
    assert "Base artifacts missing" in out and "nowhere" in out and "fix: Run `dbt docs generate --target prod" in out


def test_outside_a_git_repository_is_unknown_and_exits_1(tmp_path: Path) -> None:
    ManifestBuilder().write(tmp_path / "target-base")
    code, out = check_base(tmp_path)
    assert code == 1
    assert "Base freshness unknown: the project directory is not in a git work tree" in out
    assert "fix: Run it inside the project's git clone" in out


def test_an_unknown_branch_says_how_to_fetch_it(tmp_path: Path) -> None:
    _, project_dir = repository(tmp_path)
    code, out = check_base(project_dir, "--base-branch", "release")
    assert code == 1
    assert "the base branch 'release' is not in this clone" in out and "git fetch origin release" in out
    code, out = check_base(project_dir, "--base-branch=--output=x")  # never passed to git as an option
    assert code == 1 and "'--output=x' is not a branch name" in out


def test_the_base_branch_comes_from_the_flag_then_ci_variables(tmp_path: Path) -> None:
    """``release`` changed after the build, ``main`` did not: the verdict follows the chosen branch."""
    repo, project_dir = repository(tmp_path)
    git(repo, "checkout", "-q", "-b", "release")
    commit(repo, "shop/models/orders.sql", "select 3", AFTER)
    git(repo, "checkout", "-q", "main")
    assert check_base(project_dir, env={"CI_DEFAULT_BRANCH": "main"})[0] == 0
    code, out = check_base(project_dir, env={"CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "release",
                                             "CI_DEFAULT_BRANCH": "main"})
    assert code == 2 and "(from CI_MERGE_REQUEST_TARGET_BRANCH_NAME)" in out, out
    code, out = check_base(project_dir, "--base-branch", "main", env={"CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "release"})
    assert code == 0 and "(from --base-branch)" in out, out


def test_a_clone_reads_origin_head_and_the_remote_branch(tmp_path: Path) -> None:
    """In a clone the default branch comes from origin/HEAD and the history from origin/<branch>, so a
    local branch that fell behind does not hide a newer change."""
    upstream, _ = repository(tmp_path)
    git(upstream, "branch", "-q", "-m", "main", "trunk")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(upstream), str(clone))
    ManifestBuilder().write(clone / "shop" / "target-base")
    assert check_base(clone / "shop")[0] == 0
    commit(upstream, "shop/models/orders.sql", "select 4", AFTER)
    git(clone, "fetch", "-q", "origin")  # the local trunk stays behind; origin/trunk has the change
    code, out = check_base(clone / "shop")
    assert code == 2 and "on origin/trunk" in out and "Base branch trunk (from origin/HEAD)" in out, out


def test_the_summary_shows_the_verdict() -> None:
    freshness = BaseFreshnessInfo(status="stale", line="Base artifacts are stale: built before `x`.")
    env = EnvironmentInfo(base=EnvSide(target_path="target-base"), current=EnvSide(target_path="target"),
                          base_freshness=freshness)
    text = render_summary(new_state().model_copy(update={"environment": env}))
    assert "\n⚠️ Base artifacts are stale: built before \\`x\\`.\n" in text  # Markdown-escaped, after the table
    assert "Base artifacts" not in render_summary(new_state().model_copy(update={"environment": env.model_copy(
        update={"base_freshness": None})}))


def test_a_run_records_the_verdict_in_the_state(tmp_path: Path) -> None:
    """What ``spyglass run`` keeps in ``environment.base_freshness`` (the base branch from CI, as in a pipeline)."""
    repo, project_dir = repository(tmp_path)
    sha = commit(repo, "shop/models/orders.sql", "select 5", AFTER)
    info = freshness_info(ProjectSettings(project_dir=project_dir), BUILT, {"CI_DEFAULT_BRANCH": "main"})
    assert (info.status, info.base_branch, info.commit_sha) == ("stale", "main", sha)
    assert info.line.startswith("Base artifacts are stale: base artifacts generated 2026-01-01 00:00:00 UTC")
    assert str(tmp_path) not in info.line  # no runner path in what the summary shows
