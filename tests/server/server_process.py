"""``spyglass server`` (or a script serving an app) as a real process, for tests of how it starts and stops.

``started(command)`` runs the command with stdout piped and stderr in a file, waits for the
"serving on URL" line and yields a :class:`ServerProcess`; the process is interrupted (then killed)
at the end if still alive.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spyglass.settings import ProjectSettings

SERVING = re.compile(r"serving on (http://\S+)")


@dataclass
class ServerProcess:
    process: subprocess.Popen[str]
    url: str
    stderr_path: Path
    lines: list[str] = field(default_factory=list)
    _queue: queue.Queue[str | None] = field(default_factory=queue.Queue)

    def next_line(self, timeout: float = 30) -> str | None:
        """The next line printed on stdout (None once it is closed)."""
        line = self._queue.get(timeout=timeout)
        if line is not None:
            self.lines.append(line)
        return line

    def stop(self, signum: int, *, within: float) -> float:
        """Send ``signum``; the seconds it took the process to exit (AssertionError past ``within``)."""
        sent = time.monotonic()
        self.process.send_signal(signum)
        try:
            self.process.wait(timeout=within)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the server did not exit within {within} s of signal {signum}") from None
        return time.monotonic() - sent

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")


def server_command(settings: ProjectSettings, *args: str) -> list[str]:
    return [sys.executable, "-m", "spyglass", "server", "--port", "0", "--project-dir", str(settings.project_dir),
            "--profiles-dir", str(settings.profiles_dir), *args]


def _pump(stream: object, lines: queue.Queue[str | None]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        lines.put(line)
    lines.put(None)


@contextlib.contextmanager
def started(command: Sequence[str], stderr_path: Path, *, env: dict[str, str] | None = None,
            timeout: float = 120) -> Iterator[ServerProcess]:
    """Run ``command``, yield once it printed "serving on URL" (the process output so far in ``lines``)."""
    with stderr_path.open("w") as err:
        process = subprocess.Popen(list(command), stdout=subprocess.PIPE, stderr=err, text=True,
                                   env=env if env is not None else dict(os.environ))
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_pump, args=(process.stdout, lines), daemon=True).start()
    seen: list[str] = []
    try:
        deadline = time.monotonic() + timeout
        while True:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            assert line is not None, f"the server exited: {''.join(seen)} {stderr_path.read_text()}"
            seen.append(line)
            match = SERVING.search(line)
            if match:
                break
        yield ServerProcess(process=process, url=match[1], stderr_path=stderr_path, lines=seen, _queue=lines)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
