"""The fake GitLab shipped in ``spyglass.testing``, used as the README shows: real HTTP, GitLab's answers."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from spyglass.testing.gitlab import FakeGitLab

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_example_runs_and_the_fake_answers_like_gitlab() -> None:
    block = re.search(r"```python\n(from spyglass\.testing\.gitlab import .*?)```", README.read_text(), re.S)
    assert block is not None, "README shows how to use spyglass.testing.gitlab"
    scope: dict[str, object] = {}
    exec(block.group(1), scope)  # the documented example, as written (it stops the fake on leaving `with`)
    gitlab, token, mr = scope["gitlab"], scope["token"], scope["mr"]
    assert isinstance(gitlab, FakeGitLab)
    with gitlab:  # started again, same world
        api = f"{gitlab.url}/api/v4/projects/data%2Fwarehouse/merge_requests/1/notes"
        posted = httpx.post(api, headers={"PRIVATE-TOKEN": str(token)}, json={"body": "hello"})
        unknown = httpx.get(api, headers={"PRIVATE-TOKEN": "glpat-unknown"})
        listed = httpx.get(api, headers={"PRIVATE-TOKEN": str(token)}, params={"per_page": 1})
    assert posted.status_code == 201 and posted.json()["body"] == "hello"
    assert [n.body for n in mr.notes] == ["hello"]  # type: ignore[attr-defined]
    assert (unknown.status_code, unknown.json()) == (401, {"message": "401 Unauthorized"})
    assert listed.headers["X-Total"] == "1" and len(listed.json()) == 1
    assert gitlab.writes() == [("POST", "/projects/data%2Fwarehouse/merge_requests/1/notes")]


def test_a_read_only_token_cannot_write() -> None:
    with FakeGitLab(prefix="/gitlab") as gitlab:
        bob = gitlab.world.add_user("bob")
        token = gitlab.world.add_token(bob, ("read_api",))
        project = gitlab.world.add_project("g/p", visibility="public")
        gitlab.world.add_merge_request(project, bob)
        notes = f"{gitlab.url}/api/v4/projects/g%2Fp/merge_requests/1/notes"
        refused = httpx.post(notes, headers={"PRIVATE-TOKEN": token}, json={"body": "x"})
        read = httpx.get(notes, headers={"PRIVATE-TOKEN": token})
    assert refused.status_code == 403 and refused.json()["error"] == "insufficient_scope"
    assert read.status_code == 200 and read.json() == []
