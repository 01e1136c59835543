"""``spyglass server``: refuses a network bind without a token; serves the API and UI on loopback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from spyglass.cli.main import main
from spyglass.settings import ProjectSettings
from tests.fixtures.ports import free_port


def _project_args(settings: ProjectSettings) -> list[str]:
    return ["--project-dir", str(settings.project_dir), "--profiles-dir", str(settings.profiles_dir)]


def test_network_bind_without_token_exits_2(shop_project: ProjectSettings, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["server", "--host", "0.0.0.0", *_project_args(shop_project)])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "no access token" in err and "--auth-token" in err


def test_server_serves_api_and_ui_and_saves_the_state(shop_project: ProjectSettings, tmp_path: Path) -> None:
    port = free_port()
    state = tmp_path / "state.json"
    env = {**os.environ, "SPYGLASS_AUTH_TOKEN": "a-long-access-token"}
    process = subprocess.Popen(
        [sys.executable, "-m", "spyglass", "server", str(state), "--port", str(port), *_project_args(shop_project)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "spyglass server did not start"
            time.sleep(0.1)
        assert httpx.get(f"{base}/api/lineage").status_code == 401
        lineage = httpx.get(f"{base}/api/lineage", headers={"Authorization": "Bearer a-long-access-token"})
        assert lineage.status_code == 200 and lineage.json()["nodes"]
        page = httpx.get(f"{base}/")
        assert page.status_code == 200 and "<title>Spyglass</title>" in page.text
        assert state.exists()
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}" in out
    assert "a-long-access-token" not in out + err
