"""The base branch's last change to the project, read with ``git`` (a subprocess; local only, never a
fetch or any other network call). The verdict is :mod:`spyglass.project.freshness`'s."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from spyglass.exceptions import ArtifactError
from spyglass.project.artifacts import dbt_command, load_manifest
from spyglass.project.freshness import (
    BaseBranch,
    BaseCommit,
    FreshnessReport,
    GitProblem,
    choose_branch,
    judge,
    missing,
    parse_timestamp,
)
from spyglass.project.models import Env
from spyglass.settings import ProjectSettings

#: seconds any one git command may take (they read local refs and history only)
GIT_TIMEOUT = 30


def _git(project_dir: Path, *args: str) -> subprocess.CompletedProcess[str] | GitProblem:
    # a partial clone would fetch missing objects from its remote: never (git 2.44+); never prompt either
    env = {**os.environ, "GIT_NO_LAZY_FETCH": "1", "GIT_TERMINAL_PROMPT": "0"}
    try:
        return subprocess.run(["git", *args], cwd=project_dir, capture_output=True, text=True, env=env,
                              timeout=GIT_TIMEOUT, check=False, stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        return GitProblem("git is not installed, so the base branch's history cannot be read.",
                          "Install git, or run this where the project's git clone and git are.")
    except subprocess.TimeoutExpired:
        return GitProblem(f"`git {args[0]}` took longer than {GIT_TIMEOUT} s.",
                          "Check the repository (`git status`) and try again.")


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "no message")


def origin_head(project_dir: Path) -> str | None:
    """The branch ``origin/HEAD`` points at (``main``), when the clone knows it."""
    done = _git(project_dir, "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD")
    if isinstance(done, GitProblem) or done.returncode != 0:
        return None
    return done.stdout.strip().removeprefix("origin/") or None


def _revision(project_dir: Path, branch: str) -> str | GitProblem:
    """``origin/<branch>`` when the clone has it (what the base was built from), else ``<branch>``."""
    if not branch or branch.startswith("-"):  # never an option to git
        return GitProblem(f"{branch!r} is not a branch name.", "Name the base branch with --base-branch.")
    for candidate in (f"origin/{branch}", branch):
        done = _git(project_dir, "rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}")
        if isinstance(done, GitProblem):
            return done
        if done.returncode == 0:
            return candidate
    return GitProblem(f"the base branch {branch!r} is not in this clone (neither origin/{branch} nor {branch}).",
                      f"Fetch it (`git fetch origin {branch}`; in GitLab CI set GIT_DEPTH: 0 or fetch the "
                      "target branch), or name the base branch with --base-branch.")


def last_change(project_dir: Path, branch: str) -> BaseCommit | GitProblem:
    """The last commit on ``branch``'s first-parent history (a merge counts when it lands) that touched
    ``project_dir``."""
    inside = _git(project_dir, "rev-parse", "--is-inside-work-tree")
    if isinstance(inside, GitProblem):
        return inside
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        return GitProblem("the project directory is not in a git work tree.",
                          f"Run it inside the project's git clone (git said: {_first_line(inside.stderr)}).")
    revision = _revision(project_dir, branch)
    if isinstance(revision, GitProblem):
        return revision
    done = _git(project_dir, "log", "-1", "--first-parent", "--format=%H%x00%cI", revision, "--", ".")
    if isinstance(done, GitProblem):
        return done
    if done.returncode != 0:
        return GitProblem(f"`git log {revision}` failed: {_first_line(done.stderr)}.",
                          "Check the clone (`git log` in the project directory).")
    sha, _, when = done.stdout.strip().partition("\0")
    committed_at = parse_timestamp(when)
    if not sha or committed_at is None:
        return GitProblem(f"no commit on {revision} touches the project directory (a shallow clone, or a "
                          "project the base branch does not have yet).",
                          "Fetch more history (GIT_DEPTH: 0 in GitLab CI) or check --base-branch.")
    return BaseCommit(branch=branch, revision=revision, sha=sha, committed_at=committed_at)


def base_branch(project_dir: Path, explicit: str | None, environ: Mapping[str, str]) -> BaseBranch:
    """The base branch as :func:`~spyglass.project.freshness.choose_branch` picks it (git is asked for
    ``origin/HEAD`` only when neither the flag nor a CI variable names one)."""
    chosen = choose_branch(explicit, environ, None)
    if chosen.source != "default":
        return chosen
    return choose_branch(None, environ, origin_head(project_dir))


def base_freshness(settings: ProjectSettings, branch: BaseBranch, generated_at: str | None = None) -> FreshnessReport:
    """Fresh, stale, missing or unknown: the base manifest (read from ``settings.base_dir`` unless its
    ``generated_at`` is given) against ``branch``'s last change to the project directory."""
    rebuild = dbt_command(Env.BASE, settings.target_base_path)
    if generated_at is None:
        try:
            generated_at = load_manifest(settings.base_dir / "manifest.json", Env.BASE).metadata.generated_at
        except ArtifactError as exc:
            return missing(exc.message, exc.remedy)
    return judge(generated_at, last_change(settings.project_dir, branch.name), rebuild)
