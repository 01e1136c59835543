"""GitLab client overhead: listing thousands of MRs and finding our note among many, against the fake
GitLab of :mod:`spyglass.testing.gitlab` on loopback, as a ratio to a bare ``httpx`` page loop measured
in the same run.

``python -m benchmarks gitlab -- [--mrs N] [--notes N]``
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from functools import partial

import httpx

from spyglass.gitlab.api import GitLabApi
from spyglass.gitlab.client import GitLabClient
from spyglass.gitlab.comment import SUMMARY_MARKER, find_summary_note
from spyglass.testing.gitlab import FakeGitLab

PROJECT = "bench/group/project"


def _bare_pages(base: str, token: str, path: str) -> int:
    """The baseline: GET every page (per_page=100) with httpx, JSON-decoded, nothing else."""
    count, page = 0, 1
    with httpx.Client(base_url=base, headers={"PRIVATE-TOKEN": token}) as client:
        while page:
            response = client.get(path, params={"per_page": 100, "page": page})
            count += len(response.json())
            nxt = response.headers.get("X-Next-Page", "")
            page = int(nxt) if nxt else 0
    return count


def _timed(func: Callable[[], int]) -> tuple[float, int]:
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench_gitlab")
    parser.add_argument("--mrs", type=int, default=3000)
    parser.add_argument("--notes", type=int, default=1000)
    args = parser.parse_args(argv)
    with FakeGitLab() as fake:
        user = fake.world.add_user("bench")
        token = fake.world.add_token(user)
        project = fake.world.add_project(PROJECT)
        fake.world.add_member("bench", user, 40)
        mrs = [fake.world.add_merge_request(project, user, title=f"MR {i}") for i in range(args.mrs)]
        for i in range(args.notes):
            fake.world.add_note(mrs[0], user, f"{SUMMARY_MARKER}\n" if i == args.notes - 1 else f"note {i}")
        base = fake.url + "/api/v4"
        encoded = PROJECT.replace("/", "%2F")
        api = GitLabApi(GitLabClient(fake.url, token), PROJECT)
        with api.client:
            for label, bare_path, ours in (
                (f"list {args.mrs} merge requests", f"/projects/{encoded}/merge_requests?state=all",
                 lambda: len(list(api.merge_requests("all")))),
                (f"find our note among {args.notes}", f"/projects/{encoded}/merge_requests/1/notes",
                 lambda: int(find_summary_note(api.notes(1), user.id) is not None)),
            ):
                base_s, _ = _timed(partial(_bare_pages, base, token, bare_path))
                ours_s, result = _timed(ours)
                print(f"{label}: spyglass {ours_s:.3f}s, bare httpx {base_s:.3f}s, "
                      f"ratio {ours_s / base_s:.2f} (result {result})", flush=True)
