"""What the ad-hoc diffs print and how they exit: ``--fail-on mismatch``, the verdict at the top of
``--json``, and tables that stay whole when stdout is a CI log (a pipe). Crafted DuckDB project."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.cli.crafted_project import orders_project, spyglass
from tests.fixtures.warehouses import Crafted

LONG = "a rather long status text that a CI log must show on one line, not folded into a column"
BASE = f"select * from (values (1, 'short', 10), (2, '{LONG} (base)', 20)) as t(id, status, amount)"
CURRENT = f"select * from (values (1, 'short', 10), (2, '{LONG} (current)', 25)) as t(id, status, amount)"


@pytest.fixture
def project(crafted: Crafted, monkeypatch: pytest.MonkeyPatch) -> Path:
    return orders_project(crafted, monkeypatch, BASE, CURRENT)


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
def test_fail_on_mismatch_and_the_json_verdict(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = spyglass(capsys, "value-diff", "orders", "-k", "id")
    assert code == 0 and "mismatch: " in out  # a difference is a finding, not a failure...
    code, out, err = spyglass(capsys, "value-diff", "orders", "-k", "id", "--fail-on", "mismatch")
    assert code == 1 and "mismatch: " in out and err == ""  # ...unless the caller asks
    code, out, _ = spyglass(capsys, "value-diff", "orders", "-k", "id", "--json", "--fail-on", "mismatch")
    record = json.loads(out)
    assert code == 1
    assert list(record)[:2] == ["mismatch", "headline"]
    assert record["mismatch"] is True and record["headline"] == "0 added, 0 removed, 1 of 2 changed"
    same = "select id, amount from {{ ref('orders') }} where id = 1"
    code, out, _ = spyglass(capsys, "query-diff", same, "--json", "--fail-on", "mismatch")
    assert code == 0 and json.loads(out)["mismatch"] is False
    code, out, _ = spyglass(capsys, "top-k-diff", "orders", "status", "--json")
    assert code == 0 and json.loads(out)["mismatch"] is True
    # a failed check exits 1 whatever --fail-on says; its verdict is null, never a guess
    code, out, err = spyglass(capsys, "profile-diff", "orders", "-c", "nope", "--json")
    record = json.loads(out)
    assert code == 1 and (record["mismatch"], record["headline"], record["status"]) == (None, None, "failed")
    assert "nope" in err


def _piped(*args: str, cwd: Path, columns: str | None = None) -> subprocess.CompletedProcess[str]:
    """``spyglass ARGS`` with stdout a pipe, as in a CI job (COLUMNS unset unless given)."""
    env = {key: value for key, value in os.environ.items() if key != "COLUMNS"}
    if columns is not None:
        env["COLUMNS"] = columns
    return subprocess.run([sys.executable, "-m", "spyglass", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
def test_tables_are_not_wrapped_when_stdout_is_not_a_terminal(project: Path, crafted: Crafted) -> None:
    name = "Orders keep their statuses and amounts, checked by id on every row of both environments"
    (project / "spyglass.yml").write_text(yaml.safe_dump({"checks": [
        {"name": name, "type": "value_diff", "params": {"model": "orders", "primary_key": "id"}}]}))
    crafted.close()
    crafted._admin.close()  # DuckDB lets one process at a time open the file
    detail = _piped("value-diff", "orders", "-k", "id", "--detail", cwd=project)
    assert detail.returncode == 0, detail.stderr
    rows = [line for line in detail.stdout.splitlines() if line.startswith("│")]
    assert len(rows) == 1, detail.stdout  # one differing row: one line, no cell folded onto a second
    assert f"{LONG} (base) → {LONG} (current)" in rows[0] and "20 → 25" in rows[0]
    run = _piped("run", "-o", "state.json", cwd=project)
    assert run.returncode == 0, run.stderr
    assert any(name in line and "value_diff" in line and "1 of 2 changed" in line for line in run.stdout.splitlines())
    narrow = _piped("value-diff", "orders", "-k", "id", "--detail", cwd=project, columns="100")
    assert max(map(len, narrow.stdout.splitlines())) <= 100  # COLUMNS, when set, is the width
