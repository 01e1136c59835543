"""`spyglass profile-diff / top-k-diff / histogram-diff` as a user runs them, on a crafted DuckDB project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.crafted_project import orders_project, spyglass
from tests.fixtures.warehouses import Crafted

BASE = "select * from (values (1, 'a', 10.5), (2, 'b', 20.0), (3, null, -3.25)) as t(id, \"Status\", amount)"
CURRENT = "select * from (values (1, 'a', 10.5), (2, 'a', 25.0), (3, null, -3.25)) as t(id, \"Status\", amount)"


@pytest.fixture
def project(crafted: Crafted, monkeypatch: pytest.MonkeyPatch) -> Path:
    return orders_project(crafted, monkeypatch, BASE, CURRENT)


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
def test_profile_diff_table_and_json(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = spyglass(capsys, "profile-diff", "orders", "--project-dir", project)
    assert (code, err) == (0, "")
    assert "Profile diff of orders" in out
    assert "mismatch: 2 of 3 columns differ" in out
    assert "25" in out and "Status" in out
    code, out, _ = spyglass(capsys, "profile-diff", "orders", "-c", "amount,id", "--json", "--project-dir", project)
    record = json.loads(out)
    assert code == 0 and record["status"] == "success"
    assert [c["name"] for c in record["result"]["columns"]] == ["amount", "id"]
    amount = record["result"]["columns"][0]
    assert (amount["base"]["max"], amount["current"]["max"], amount["changed"]) == ("20.00", "25.00", True)


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
def test_top_k_and_histogram(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = spyglass(capsys, "top-k-diff", "orders", "status", "--top", "1", "--project-dir", project)
    assert code == 0
    assert "Top 1 values of orders.Status" in out and "mismatch" in out
    code, out, _ = spyglass(capsys, "top-k-diff", "orders", "status", "--k", "2", "--json")
    assert code == 0 and json.loads(out)["result"]["k"] == 2
    # one letter, one meaning: -k is --primary-key in every command, and the old `top-k-diff -k N` says so
    code, out, err = spyglass(capsys, "top-k-diff", "orders", "status", "-k", "1")
    assert (code, out) == (2, "")
    assert "-k means --primary-key in every spyglass command; write --top 1" in err
    code, out, _ = spyglass(capsys, "histogram-diff", "orders", "amount", "--num-bins", "4", "--json",
                            "--project-dir", project)
    result = json.loads(out)["result"]
    assert code == 0
    assert result["bin_edges"] == [-10.0, 0.0, 10.0, 20.0, 30.0]
    assert result["base"]["counts"] == [1, 0, 1, 1] and result["current"]["counts"] == [1, 0, 1, 1]
    # 20.0 -> 25.0 stays in the same bin
    code, out, _ = spyglass(capsys, "histogram-diff", "orders", "amount", "--num-bins", "4", "--project-dir", project)
    assert code == 0
    assert "20 to 30" in out and "no change: identical in 4 bins" in out


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
def test_failed_runs_exit_1_with_error_and_remedy(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = spyglass(capsys, "histogram-diff", "orders", "Status", "--project-dir", project)
    assert code == 1
    assert "Error: Column 'Status' of orders is text" in err
    assert "Use top_k_diff for 'Status'" in err
    code, out, err = spyglass(capsys, "top-k-diff", "orders", "nope", "--json", "--project-dir", project)
    assert code == 1
    assert json.loads(out)["status"] == "failed"
    assert "Available columns: id, Status, amount." in err
    code, _, err = spyglass(capsys, "profile-diff", "ordrs", "--project-dir", project)
    assert code == 1 and "Did you mean orders?" in err
