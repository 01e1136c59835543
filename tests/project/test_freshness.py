"""The base freshness verdict (pure: no git, no files)."""

from __future__ import annotations

from datetime import datetime, timezone

from spyglass.project.freshness import BaseCommit, Freshness, GitProblem, choose_branch, judge, missing, parse_timestamp

_COMMIT = BaseCommit(branch="main", revision="origin/main", sha="a" * 40,
                     committed_at=datetime(2026, 1, 1, 12, tzinfo=timezone.utc))


def test_the_branch_comes_from_the_flag_then_ci_then_origin_head_then_main() -> None:
    ci = {"CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "release", "CI_DEFAULT_BRANCH": "trunk"}
    assert choose_branch("dev", ci, "head").name == "dev"
    assert (choose_branch(None, ci, "head").name, choose_branch(None, ci, "head").source) == (
        "release", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME")
    assert choose_branch(None, {"CI_DEFAULT_BRANCH": "trunk", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": ""},
                         "head").name == "trunk"
    assert choose_branch(None, {}, "head").source == "origin/HEAD"
    assert (choose_branch(None, {}, None).name, choose_branch(None, {}, None).source) == ("main", "default")


def test_timestamps_as_dbt_and_git_write_them() -> None:
    utc = datetime(2026, 1, 1, 12, tzinfo=timezone.utc)
    assert parse_timestamp("2026-01-01T12:00:00.000000Z") == utc
    assert parse_timestamp("2026-01-01T14:00:00+02:00") == utc
    assert parse_timestamp("2026-01-01T12:00:00") == utc  # no zone: UTC, as dbt writes
    assert parse_timestamp("yesterday") is None and parse_timestamp("") is None and parse_timestamp(None) is None


def test_verdicts_and_their_exit_codes() -> None:
    fresh = judge("2026-01-01T12:00:00Z", _COMMIT, "dbt docs generate --target prod")
    stale = judge("2026-01-01T11:59:59Z", _COMMIT, "dbt docs generate --target prod")
    assert (fresh.status, fresh.exit_code, fresh.remedy) == (Freshness.FRESH, 0, "")  # built the same second: fresh
    assert (stale.status, stale.exit_code) == (Freshness.STALE, 2)
    assert "on origin/main 2026-01-01 12:00:00 UTC (aaaaaaaaaaaa)" in stale.line
    assert "`dbt docs generate --target prod`" in stale.remedy and stale.commit_sha == "a" * 40
    unknown = judge("2026-01-01T12:00:00Z", GitProblem("no git here.", "Install git."), "dbt")
    assert (unknown.status, unknown.exit_code, unknown.remedy) == (Freshness.UNKNOWN, 1, "Install git.")
    assert judge(None, _COMMIT, "dbt").status is Freshness.UNKNOWN
    assert missing("no manifest.", "Build it.").exit_code == 1
