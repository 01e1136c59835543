"""``spyglass mcp``'s options: mistakes are usage errors (exit 2) before anything loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.crafted_project import spyglass


def test_http_options_without_http_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = spyglass(capsys, "mcp", "--auth-token", "long-enough-token", "--project-dir", tmp_path)
    assert code == 2 and "apply to --http only" in err


def test_http_off_loopback_needs_a_token(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = spyglass(capsys, "mcp", "--http", "--host", "0.0.0.0", "--project-dir", tmp_path)
    assert code == 2 and "no access token" in err and "--auth-token" in err


def test_help_names_the_transports(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = spyglass(capsys, "mcp", "--help")
    assert code == 0 and "Model Context Protocol" in out and "--http" in out and "STATE_FILE" in out
