from __future__ import annotations

from pathlib import Path

from spyglass.project.git import detect_git


def test_gitlab_ci_variables_win(tmp_path: Path) -> None:
    env = {
        "CI_MERGE_REQUEST_IID": "42",
        "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "feature/x",
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
        "CI_COMMIT_SHA": "abc123",
        "CI_PROJECT_PATH": "group/sub/proj",
        "CI_MERGE_REQUEST_PROJECT_URL": "https://gitlab.example.com/group/sub/proj",
    }
    info = detect_git(tmp_path, env)
    assert (info.branch, info.sha, info.merge_request_iid) == ("feature/x", "abc123", 42)
    assert info.merge_request_url == "https://gitlab.example.com/group/sub/proj/-/merge_requests/42"
    assert info.target_branch == "main"


def test_reads_head_and_packed_refs_above_the_project(tmp_path: Path) -> None:
    git = tmp_path / ".git"
    git.mkdir()
    (git / "HEAD").write_text("ref: refs/heads/my-branch\n")
    (git / "packed-refs").write_text("# pack-refs\nfeedbeef refs/heads/my-branch\n")
    project = tmp_path / "dbt"
    project.mkdir()
    info = detect_git(project, {})
    assert (info.branch, info.sha, info.merge_request_iid) == ("my-branch", "feedbeef", None)


def test_detached_head_and_no_repo(tmp_path: Path) -> None:
    git = tmp_path / "repo" / ".git"
    git.mkdir(parents=True)
    (git / "HEAD").write_text("0123456789abcdef\n")
    assert detect_git(tmp_path / "repo", {}).sha == "0123456789abcdef"
    assert detect_git(tmp_path / "repo", {}).branch is None
