"""Which git branch and merge request the current build belongs to, when that can be known.

Reads GitLab CI's variables and the project's ``.git/HEAD``; never runs git or touches the network.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class GitInfo:
    branch: str | None = None
    sha: str | None = None
    merge_request_iid: int | None = None
    project: str | None = None
    merge_request_url: str | None = None
    source_branch: str | None = None
    target_branch: str | None = None


def detect_git(project_dir: Path, environ: Mapping[str, str]) -> GitInfo:
    """Branch/sha/MR from GitLab CI variables, else from ``.git/HEAD`` above ``project_dir``."""
    iid_text = environ.get("CI_MERGE_REQUEST_IID", "")
    iid = int(iid_text) if iid_text.isdigit() else None
    branch = environ.get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME") or environ.get("CI_COMMIT_REF_NAME")
    sha = environ.get("CI_COMMIT_SHA")
    if branch is None or sha is None:
        head_branch, head_sha = _read_head(project_dir)
        branch = branch or head_branch
        sha = sha or head_sha
    project_url = environ.get("CI_MERGE_REQUEST_PROJECT_URL") or environ.get("CI_PROJECT_URL")
    return GitInfo(
        branch=branch,
        sha=sha,
        merge_request_iid=iid,
        project=environ.get("CI_PROJECT_PATH"),
        merge_request_url=f"{project_url}/-/merge_requests/{iid}" if project_url and iid else None,
        source_branch=environ.get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME"),
        target_branch=environ.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME"),
    )


def _read_head(project_dir: Path) -> tuple[str | None, str | None]:
    for directory in (project_dir.resolve(), *project_dir.resolve().parents):
        git_dir = directory / ".git"
        if git_dir.is_dir():
            return _parse_head(git_dir)
    return None, None


def _parse_head(git_dir: Path) -> tuple[str | None, str | None]:
    try:
        head = (git_dir / "HEAD").read_text(encoding="utf-8").strip()
    except OSError:
        return None, None
    if not head.startswith("ref: "):
        return None, head or None
    ref = head[5:]
    branch = ref.removeprefix("refs/heads/")
    try:
        sha: str | None = (git_dir / ref).read_text(encoding="utf-8").strip() or None
    except OSError:
        sha = _packed_ref(git_dir, ref)
    return branch, sha


def _packed_ref(git_dir: Path, ref: str) -> str | None:
    try:
        lines = (git_dir / "packed-refs").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in lines:
        parts = line.split(" ", 1)
        if len(parts) == 2 and parts[1] == ref:
            return parts[0]
    return None
