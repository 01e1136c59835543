"""Start-up: commands load lazily, and those that only read artifacts or a state file never import dbt,
an adapter's driver or agate (each checked in a fresh interpreter)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest

from spyglass.cli.main import COMMANDS, _register, cli
from spyglass.state.store import new_state, save_state
from tests.project.manifest_builder import ManifestBuilder, write_pair

#: top-level packages a command that reads only artifacts must not load
HEAVY = ("dbt", "dbt_common", "dbt_adapters", "duckdb", "psycopg2", "pyspark", "agate")

_SCRIPT = f"""
import sys
from spyglass.cli.main import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
else:
    code = 0
heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))
lazy = sorted(m for m in sys.modules if m.startswith('spyglass.cli.') and m not in ('spyglass.cli.main',))
print('LOADED', code, ','.join(heavy) or '-', ','.join(lazy) or '-')
"""


def _loaded(project: Path, *args: str) -> tuple[int, set[str], set[str]]:
    """Exit code, heavy packages and spyglass.cli modules loaded by ``spyglass ARGS`` in a fresh interpreter."""
    done = subprocess.run([sys.executable, "-c", _SCRIPT, *args], capture_output=True, text=True, cwd=project,
                          timeout=120, check=False)
    last = done.stdout.strip().splitlines()[-1]
    marker, code, heavy, lazy = last.split(" ")
    assert marker == "LOADED", done.stdout + done.stderr
    return int(code), set(heavy.split(",")) - {"-"}, set(lazy.split(",")) - {"-"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Artifacts of a two-model project and an empty state file, no profiles.yml, no git."""
    base = ManifestBuilder()
    base.model("orders", columns=["id"])
    current = base.copy()
    current.model("orders", sql="select 2 as id", columns=["id"])
    write_pair(tmp_path, base, current)
    (tmp_path / "dbt_project.yml").write_text("name: shop\nprofile: shop\n")
    save_state(tmp_path / "spyglass_state.json", new_state())
    return tmp_path


@pytest.mark.parametrize(("args", "code", "modules"), [
    ((), 2, set()),  # click: a group run bare prints its help and exits 2
    (("--help",), 0, set()),
    (("summary", "spyglass_state.json"), 0, {"spyglass.cli.run"}),
    (("impact", "--json"), 0, {"spyglass.cli.impact"}),
    (("column-lineage", "orders.id"), 0, {"spyglass.cli.impact"}),
    (("gitlab", "--help"), 0, {"spyglass.cli.gitlab"}),
    (("check-base",), 1, {"spyglass.cli.check_base"}),
], ids=lambda value: " ".join(value) if isinstance(value, tuple) else None)
def test_reading_commands_never_import_dbt(project: Path, args: tuple[str, ...], code: int,
                                           modules: set[str]) -> None:
    exit_code, heavy, loaded = _loaded(project, *args)
    assert exit_code == code
    assert heavy == set()
    assert modules <= loaded  # the command's own module, and (below) no other command module
    assert {m for m in loaded if m.count(".") == 2 and m.split(".")[2] in _COMMAND_MODULES} == modules


_COMMAND_MODULES = {entry.module.rsplit(".", 1)[1] for entry in COMMANDS.values()}


def test_the_probe_sees_dbt_when_a_command_loads_it(project: Path) -> None:
    """The same probe on ``debug`` (which connects through dbt) finds dbt and the driver: the check above
    can fail."""
    (project / "profiles.yml").write_text(
        f"shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: {project / 'x.duckdb'}\n")
    _, heavy, loaded = _loaded(project, "debug", "--profiles-dir", str(project))
    assert {"dbt", "duckdb"} <= heavy and "spyglass.cli.debug" in loaded


def test_every_listed_line_is_the_commands_own_help() -> None:
    """``spyglass --help`` lists COMMANDS' lines without importing; each is the command's first sentence,
    and every registered command is listed."""
    _register()
    context = click.Context(cli)
    for name, entry in COMMANDS.items():
        command = cli.get_command(context, name)
        assert command is not None, name
        assert command.get_short_help_str(limit=10_000) == entry.summary, name
    assert set(cli.commands) == set(COMMANDS)
