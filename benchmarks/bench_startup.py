"""Start-up of the CLI: each command in a fresh interpreter, against the floor of the same run.

* **floor** - ``python -c "import click"`` (the interpreter and the CLI toolkit, nothing of Spyglass);
* **help**, **bare** - ``spyglass --help`` and ``spyglass`` (commands load lazily: no command imported);
* **summary** - ``spyglass summary`` of an empty state file;
* **impact** - ``spyglass impact --json`` on a small synthetic project (``--models``);
* **check-base** - ``spyglass check-base`` (no git repository: the verdict is "unknown", exit 1);
* **dbt** - ``python -c "import dbt.adapters.factory"``: what the warehouse commands pay once, and the
  reading commands above never do.

Each is the median of ``--runs`` interleaved rounds, shown in seconds and as a ratio to the floor.
``python -m benchmarks startup -- --runs 3`` for a quick run.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from benchmarks.impact_project import write_project
from benchmarks.timing import interleaved_medians
from spyglass.state.store import new_state, save_state


def _runner(args: list[str], cwd: Path) -> Callable[[], object]:
    def run() -> object:
        return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, check=False, timeout=300)
    return run


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks startup")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--models", type=int, default=50)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="spyglass-bench-startup-") as tmp:
        root = Path(tmp)
        write_project(root, args.models)
        save_state(root / "spyglass_state.json", new_state())
        cli = ["-m", "spyglass"]
        actions = {
            "floor": _runner(["-c", "import click"], root),
            "help": _runner([*cli, "--help"], root),
            "bare": _runner(cli, root),
            "summary": _runner([*cli, "summary", "spyglass_state.json"], root),
            "impact": _runner([*cli, "impact", "--json"], root),
            "check-base": _runner([*cli, "check-base"], root),
            "dbt": _runner(["-c", "import dbt.adapters.factory"], root),
        }
        medians = interleaved_medians(actions, args.runs)
    floor = medians["floor"]
    print(f"{'command':<12} {'seconds':>8} {'x floor':>8}")
    for name, seconds in medians.items():
        print(f"{name:<12} {seconds:>8.3f} {seconds / floor:>8.1f}")
