"""``spyglass server`` as a process: announced only once it answers, IPv6 loopback, one-line logs."""

from __future__ import annotations

import signal
import socket
import sys
import textwrap
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from spyglass.settings import ProjectSettings
from tests.fixtures.ports import free_port
from tests.server.server_process import server_command, started

pytestmark = pytest.mark.slow


def test_serving_is_announced_once_the_port_answers(shop_project: ProjectSettings, tmp_path: Path) -> None:
    port = free_port()
    command = server_command(shop_project, "--port", str(port))
    with started(command, tmp_path / "stderr.log") as server:
        assert server.url == f"http://127.0.0.1:{port}"
        # no retry: whoever reads the line may connect at once
        with socket.create_connection(("127.0.0.1", port), timeout=10):
            pass
        assert httpx.get(f"{server.url}/api/health", timeout=10).status_code == 200
        assert sum("serving on" in line for line in server.lines) == 1


@pytest.mark.parametrize("host", ["[::1]", "::1"])
def test_ipv6_loopback(shop_project: ProjectSettings, tmp_path: Path, host: str) -> None:
    with started(server_command(shop_project, "--host", host), tmp_path / "stderr.log") as server:
        parts = urlsplit(server.url)
        assert parts.hostname == "::1" and server.url == f"http://[::1]:{parts.port}"
        info = httpx.get(f"{server.url}/api/info", timeout=10)  # loopback: no token needed
        assert info.status_code == 200 and info.json()["auth_required"] is False
        assert httpx.get(f"{server.url}/api/info", headers={"Host": "evil.example"}).status_code == 400
        with pytest.raises(httpx.TransportError):  # bound to IPv6 loopback only
            httpx.get(f"http://127.0.0.1:{parts.port}/api/health", timeout=5)


def test_network_bind_lists_the_names_it_answers_to(shop_project: ProjectSettings, tmp_path: Path) -> None:
    command = server_command(shop_project, "--host", "0.0.0.0", "--allowed-host", "spyglass.example.com",
                             "--auth-token", "a-long-access-token")
    with started(command, tmp_path / "stderr.log") as server:
        port = urlsplit(server.url).port
        public = httpx.get(f"http://127.0.0.1:{port}/api/health", headers={"Host": "spyglass.example.com"})
        assert public.status_code == 200
        hint = server.next_line() or ""
        assert "spyglass.example.com" in hint and "--allowed-host" in hint


def test_a_bad_allowed_host_is_a_usage_error(shop_project: ProjectSettings, tmp_path: Path) -> None:
    import subprocess

    for value in ("https://spyglass.example.com/", "*", "*.example.com", "a b"):
        done = subprocess.run(server_command(shop_project, "--allowed-host", value), capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 2, done.stderr
        assert "not a host name" in done.stderr and "Traceback" not in done.stderr


def test_a_port_in_use_is_a_usage_error(shop_project: ProjectSettings, tmp_path: Path) -> None:
    import subprocess

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(server_command(shop_project, "--port", str(port)), capture_output=True, text=True,
                              timeout=60)
    assert done.returncode == 2, done.stderr
    assert "already in use" in done.stderr and "--port" in done.stderr and "Traceback" not in done.stderr


BOOM_SCRIPT = """
import sys
from pathlib import Path

from spyglass.server.config import ServerConfig
from spyglass.server.launch import build_app
from spyglass.server.serving import bind_sockets, run_app
from spyglass.service import Session
from spyglass.settings import ProjectSettings

project = Path(sys.argv[1])
config = ServerConfig(port=0)
app = build_app(Session.load(ProjectSettings(project_dir=project, profiles_dir=project)), None,
                config=config, environ={})


def boom(detail: str) -> None:
    raise RuntimeError("token glpat-SECRETTOKEN\\r\\nINJECTED: a forged log line " + detail)


app.add_api_route("/api/boom/{detail}", boom, methods=["GET"])
run_app(app, config, bind_sockets("127.0.0.1", 0), announce=lambda url: print("serving on", url, flush=True))
"""


def test_an_unexpected_error_is_one_log_line_without_traceback_or_request_text(
        shop_project: ProjectSettings, tmp_path: Path) -> None:
    script = tmp_path / "boom.py"
    script.write_text(textwrap.dedent(BOOM_SCRIPT))
    command = [sys.executable, str(script), str(shop_project.project_dir)]
    with started(command, tmp_path / "stderr.log") as server:
        response = httpx.get(f"{server.url}/api/boom/x%0d%0aINJECTED:%20forged%20by%20the%20path", timeout=10)
        assert response.status_code == 500
        body = response.json()
        error_id = body["error_id"]
        assert error_id in body["error"] and "SECRETTOKEN" not in response.text and "Traceback" not in response.text
        port = urlsplit(server.url).port
        with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:  # uvicorn logs this one itself
            conn.sendall(b"NOT HTTP\r\nINJECTED: by a bad request\r\n\r\n")
            conn.recv(1024)
        server.stop(signal.SIGTERM, within=20)
    log = server.stderr
    assert "Traceback" not in log and 'File "' not in log, log
    assert "SECRETTOKEN" not in log and "forged" not in log, log
    assert not [line for line in log.splitlines() if line.startswith("INJECTED")], log
    [line] = [line for line in log.splitlines() if error_id in line]
    assert "GET /api/boom/{detail}" in line and "RuntimeError" in line


STUCK_SCRIPT = """
import signal
import threading
import time

from spyglass.server.serving import StopGuard

guard = StopGuard(lambda: time.sleep(1000), deadline=1.0)  # cancelling the runs never returns
signal.signal(signal.SIGTERM, lambda signum, frame: guard(signum))
threading.Thread(target=time.sleep, args=(1000,)).start()  # a thread nothing can stop
print("serving on http://127.0.0.1:9", flush=True)
while True:
    time.sleep(1)
"""


def test_a_process_that_cannot_stop_cleanly_still_exits_after_the_deadline(tmp_path: Path) -> None:
    script = tmp_path / "stuck.py"
    script.write_text(STUCK_SCRIPT)
    with started([sys.executable, str(script)], tmp_path / "stderr.log") as process:
        process.stop(signal.SIGTERM, within=15)
    assert process.process.returncode == 128 + signal.SIGTERM
    assert "did not stop within" in process.stderr
