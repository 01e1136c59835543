"""`spyglass impact` and `spyglass column-lineage` as a user runs them: on artifacts shaped as dbt writes
them (tests/checks/lineage_diff/change_project.py), and on a real dbt-duckdb project built twice."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.checks.lineage_diff.change_project import BASE_MODELS, CURRENT_MODELS, write_change_project
from tests.cli.crafted_project import spyglass
from tests.project.manifest_builder import ManifestBuilder, write_catalog, write_pair
from tests.project.real_dbt import run_dbt, write_duckdb_profile, write_files

#: the fields of one node of `spyglass impact --json`, in order (scripts depend on them)
IMPACT_FIELDS = ["unique_id", "name", "resource_type", "change", "category", "reasons", "columns",
                 "impacted_columns"]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The change project's artifacts; no profiles.yml anywhere (so no warehouse could be opened)."""
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.chdir(tmp_path)
    return write_change_project(tmp_path)


def _impact(capsys: pytest.CaptureFixture[str], project: Path, *args: str) -> list[dict[str, Any]]:
    code, out, err = spyglass(capsys, "impact", "--json", "--project-dir", project, *args)
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert list(data) == ["nodes"]
    assert all(list(node) == IMPACT_FIELDS for node in data["nodes"])
    return list(data["nodes"])


def _by_id(nodes: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {node["unique_id"]: node for node in nodes}


def _assert_change_project_impact(nodes: list[dict[str, Any]]) -> None:
    """What a reviewer expects of the change project's changes (see change_project.py)."""
    assert [(n["change"], n["unique_id"]) for n in nodes] == [
        ("added", "model.shop.new_model"),
        ("removed", "model.shop.legacy"),
        ("modified", "model.shop.big_orders"),
        ("modified", "model.shop.stg_orders"),
        ("impacted", "exposure.shop.revenue_dashboard"),
        ("impacted", "model.shop.big_orders_report"),
        ("impacted", "model.shop.customer_revenue"),
        ("impacted", "model.shop.orders"),
    ]
    by_id = _by_id(nodes)
    stg = by_id["model.shop.stg_orders"]
    assert (stg["name"], stg["resource_type"], stg["category"]) == ("stg_orders", "model", "partial_breaking")
    assert stg["columns"] == {"amount": "modified"}
    assert stg["reasons"] and all(isinstance(reason, str) for reason in stg["reasons"])
    # new_model.revenue is made from amount too, but new_model is a change of its own (added), not impacted
    assert stg["impacted_columns"] == ["customer_revenue.revenue", "orders.amount_cents"]
    big = by_id["model.shop.big_orders"]
    assert big["category"] == "breaking"
    assert any("amount > 20" in reason for reason in big["reasons"])
    assert big["impacted_columns"] == ["big_orders_report.n", "big_orders_report.total"]
    for uid in ("model.shop.new_model", "model.shop.legacy"):
        assert by_id[uid]["category"] is None and by_id[uid]["columns"] == {}
    impacted = {n["name"]: n for n in nodes if n["change"] == "impacted"}
    assert all(n["category"] is None and n["columns"] == {} for n in impacted.values())
    assert impacted["orders"]["impacted_columns"] == ["orders.amount_cents"]  # not order_id, status ...
    assert impacted["customer_revenue"]["impacted_columns"] == ["customer_revenue.revenue"]  # not order_count
    assert impacted["big_orders_report"]["impacted_columns"] == ["big_orders_report.n", "big_orders_report.total"]
    assert "model.shop.order_status" not in by_id  # downstream of stg_orders, but only of unchanged columns


def test_impact_json_field_by_field(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nodes = _impact(capsys, project)
    _assert_change_project_impact(nodes)
    assert _impact(capsys, project) == nodes  # deterministic
    assert _impact(capsys, project, "--select", "state:modified+") == nodes  # the default


def test_impact_select_and_exclude(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    full = _by_id(_impact(capsys, project))
    only = _impact(capsys, project, "--select", "stg_orders")
    assert only == [full["model.shop.stg_orders"]]  # its impact downstream is still named
    narrowed = _impact(capsys, project, "-s", "state:modified", "--exclude", "big_orders", "--exclude", "legacy")
    assert [n["unique_id"] for n in narrowed] == ["model.shop.new_model", "model.shop.stg_orders"]
    downstream = _impact(capsys, project, "--select", "orders+ big_orders_report")
    assert [n["unique_id"] for n in downstream] == ["model.shop.big_orders_report", "model.shop.orders"]
    assert _impact(capsys, project, "--select", "order_status") == []  # downstream, but not affected


def test_impact_table(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = spyglass(capsys, "impact", "--project-dir", project)
    assert (code, err) == (0, "")
    assert "Impact of state:modified+" in out
    lines = out.splitlines()
    stg = next(line for line in lines if "stg_orders (model)" in line)
    assert "modified" in stg and "partial breaking" in stg and "amount (modified)" in stg
    assert "2: customer_revenue.revenue, orders.amount_cents" in stg
    assert "revenue_dashboard" in stg  # the exposure downstream, named
    big = next(line for line in lines if "big_orders (model)" in line)
    assert "breaking" in big and "partial" not in big and "2: big_orders_report.n, big_orders_report.total" in big
    assert any("added" in line and "new_model (model)" in line for line in lines)
    assert any("removed" in line and "legacy (model)" in line for line in lines)
    assert any("impacted" in line and "orders (model)" in line and "1: orders.amount_cents" in line
               for line in lines)
    assert ("4 changed nodes (1 breaking, 1 partial breaking); 4 impacted nodes, 4 impacted columns. "
            "Exposures downstream: revenue_dashboard.") in " ".join(out.split())


def test_impact_of_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                           capsys: pytest.CaptureFixture[str]) -> None:
    base = ManifestBuilder()
    base.model("orders", sql="select 1 as id")
    write_pair(tmp_path, base, base.copy())
    monkeypatch.chdir(tmp_path)
    assert _impact(capsys, tmp_path) == []
    code, out, _ = spyglass(capsys, "impact", "--project-dir", tmp_path)
    assert code == 0 and out.strip() == "Nothing changed in the selection."


def test_impact_errors(project: Path, tmp_path_factory: pytest.TempPathFactory,
                       capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = spyglass(capsys, "impact", "--select", "bogus:x", "--project-dir", project)
    assert (code, out) == (2, "") and "unknown method 'bogus'" in err and "Known methods" in err
    code, _, err = spyglass(capsys, "impact", "--select", "a,,b", "--json", "--project-dir", project)
    assert code == 2 and "empty term" in err
    empty = tmp_path_factory.mktemp("no_artifacts")
    code, out, err = spyglass(capsys, "impact", "--project-dir", empty)
    assert (code, out) == (2, "") and "manifest.json" in err and "dbt" in err
    code, _, err = spyglass(capsys, "impact", "--fail-on", "mismatch", "--project-dir", project)
    assert code == 2 and "No such option" in err


def test_impact_reads_artifacts_only(project: Path) -> None:
    """A fresh interpreter: the command never imports dbt nor a database driver (and there is no
    profiles.yml to open a warehouse with)."""
    script = ("import sys\nfrom spyglass.cli.main import main\ntry:\n    main(sys.argv[1:])\n"
              "except SystemExit as exc:\n    code = exc.code\nelse:\n    code = 0\n"
              "loaded = sorted({m.split('.')[0] for m in sys.modules} & {'dbt', 'duckdb', 'psycopg', 'psycopg2'})\n"
              "print('LOADED', code, loaded)")
    done = subprocess.run([sys.executable, "-c", script, "impact", "--json", "--project-dir", str(project)],
                          capture_output=True, text=True, cwd=project, timeout=120, check=False)
    assert done.stdout.strip().endswith("LOADED 0 []"), done.stderr
    assert not (project / "profiles.yml").exists()


# -- column-lineage ----------------------------------------------------------------------------------------
def _lineage(capsys: pytest.CaptureFixture[str], project: Path, *args: str) -> dict[str, Any]:
    code, out, err = spyglass(capsys, "column-lineage", *args, "--json", "--project-dir", project)
    assert code == 0 and all(line.startswith("Note: ") for line in err.splitlines()), err  # notes: not on stdout
    data = json.loads(out)
    assert list(data) == ["node", "column", "upstream", "downstream"]
    assert all(list(hop) == ["node", "column", "transformation", "depth"]
               for hop in data["upstream"] + data["downstream"])
    return dict(data)


def _hops(hops: list[dict[str, Any]]) -> list[tuple[str, str, str, int]]:
    return [(h["node"], h["column"], h["transformation"], h["depth"]) for h in hops]


def test_column_lineage_json(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cents = _lineage(capsys, project, "orders.amount_cents")
    assert (cents["node"], cents["column"]) == ("orders", "amount_cents")
    assert _hops(cents["upstream"]) == [("stg_orders", "amount", "derived", 1), ("raw_orders", "amount", "source", 2)]
    assert cents["downstream"] == []
    amount = _lineage(capsys, project, "stg_orders.AMOUNT")  # column names are case-insensitive
    assert amount["column"] == "amount"
    assert _hops(amount["upstream"]) == [("raw_orders", "amount", "source", 1)]
    assert _hops(amount["downstream"]) == [("customer_revenue", "revenue", "aggregated", 1),
                                           ("orders", "amount_cents", "derived", 1),
                                           ("new_model", "revenue", "passthrough", 2)]
    assert _hops(_lineage(capsys, project, "stg_orders.amount", "--depth", "1")["downstream"]) == [
        ("customer_revenue", "revenue", "aggregated", 1), ("orders", "amount_cents", "derived", 1)]
    base = _lineage(capsys, project, "stg_orders.amount", "--base")
    assert _hops(base["downstream"]) == [("customer_revenue", "revenue", "aggregated", 1),
                                         ("orders", "amount_cents", "derived", 1)]  # no new_model in base
    assert _hops(base["upstream"]) == [("raw_orders", "amount", "source", 1)]
    assert _lineage(capsys, project, "stg_orders", "amount") == amount  # MODEL COLUMN, two arguments
    assert _lineage(capsys, project, "model.shop.stg_orders.amount") == amount  # a unique id


def test_column_lineage_table(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = spyglass(capsys, "column-lineage", "stg_orders.amount", "--project-dir", project)
    assert (code, err) == (0, "")
    assert "Column lineage of stg_orders.amount (current)" in out
    lines = [" ".join(line.replace("│", " ").split()) for line in out.splitlines()]
    rows = [line for line in lines if line.startswith(("upstream ", "downstream "))]
    assert rows == ["upstream 1 raw_orders.amount source",
                    "downstream 1 customer_revenue.revenue aggregated",
                    "downstream 1 orders.amount_cents derived",
                    "downstream 2 new_model.revenue passthrough"]
    assert "stg_orders.amount: 1 upstream column, 3 downstream columns." in out


def test_column_lineage_errors(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = spyglass(capsys, "column-lineage", "orders.amount", "--project-dir", project)
    assert (code, out) == (2, "")
    assert "orders has no column 'amount' in the current environment" in err
    assert "amount_cents, customer_id, order_id, status" in err
    code, _, err = spyglass(capsys, "column-lineage", "ordres.amount", "--project-dir", project)
    assert code == 2 and "No model, seed, snapshot or source 'ordres'" in err and "Did you mean orders" in err
    code, _, err = spyglass(capsys, "column-lineage", "legacy.n", "--project-dir", project)
    assert code == 2 and "'legacy' is not in the current manifest" in err and "--base" in err
    assert _lineage(capsys, project, "legacy.n", "--base")["node"] == "legacy"
    code, _, err = spyglass(capsys, "column-lineage", "orders", "--project-dir", project)
    assert code == 2 and "'orders' does not name a column" in err and "MODEL.COLUMN" in err
    code, _, err = spyglass(capsys, "column-lineage", "orders.order_id", "--depth", "0", "--project-dir", project)
    assert code == 2 and "--depth" in err


def test_column_lineage_of_versions_and_packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """``MODEL.COLUMN`` splits at the last dot: versioned and package-qualified names work as is."""
    builder = ManifestBuilder()
    raw = builder.seed("raw")
    relation = builder.nodes[raw]["relation_name"]
    versions = {1: f"select id, amount from {relation}", 2: f"select id, amount * 2 as total from {relation}"}
    for version, sql in versions.items():
        uid = builder.model("orders", sql=sql, depends_on=[raw], version=version, latest_version=2)
        builder.nodes[uid]["compiled_code"] = sql
    write_pair(tmp_path, builder, builder.copy())
    for directory in ("target-base", "target"):
        write_catalog(tmp_path / directory, {raw: [("id", "INTEGER"), ("amount", "INTEGER")],
                                             "model.shop.orders.v1": [("id", "INTEGER"), ("amount", "INTEGER")],
                                             "model.shop.orders.v2": [("id", "INTEGER"), ("total", "INTEGER")]})
    monkeypatch.chdir(tmp_path)
    v1 = _lineage(capsys, tmp_path, "orders.v1.amount")
    assert (v1["node"], _hops(v1["upstream"])) == ("orders", [("raw", "amount", "source", 1)])
    latest = _lineage(capsys, tmp_path, "orders.total")  # the latest version, as ref('orders')
    assert _hops(latest["upstream"]) == [("raw", "amount", "source", 1)]
    assert _lineage(capsys, tmp_path, "shop.orders.v2.total") == latest
    code, out, err = spyglass(capsys, "column-lineage", "orders.total", "--project-dir", tmp_path)
    assert (code, err) == (0, "")
    assert out.startswith("Note: 'orders' means model.shop.orders.v2, its latest_version; other versions: orders.v1.")
    code, _, err = spyglass(capsys, "column-lineage", "orders.v2.amount", "--project-dir", tmp_path)
    assert code == 2 and "no column 'amount'" in err and "id, total" in err


def test_column_lineage_of_an_ambiguous_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    builder = ManifestBuilder()
    for package in ("pay", "crm"):
        uid = builder.model("customers", sql="select 1 as id", package=package)
        builder.nodes[uid]["compiled_code"] = "select 1 as id"
    write_pair(tmp_path, builder, builder.copy())
    monkeypatch.chdir(tmp_path)
    code, out, err = spyglass(capsys, "column-lineage", "customers.id", "--project-dir", tmp_path)
    assert (code, out) == (2, "")
    assert "'customers' matches 2 nodes" in err and "Name the one you mean: crm.customers or pay.customers" in err
    assert _hops(_lineage(capsys, tmp_path, "crm.customers.id")["upstream"]) == []


# -- a real dbt project -------------------------------------------------------------------------------------
REAL_PROJECT = ("name: shop\nversion: '1.0'\nprofile: shop\nconfig-version: 2\n"
                "models:\n  shop:\n    +materialized: table\n")
EXPOSURES = """
version: 2
exposures:
  - name: revenue_dashboard
    type: dashboard
    owner: {name: analytics, email: analytics@example.com}
    depends_on: [ref('customer_revenue')]
"""
RAW_ORDERS_CSV = "order_id,customer_id,status,amount\n1,1,placed,12.50\n2,1,returned,30.00\n3,2,placed,8.25\n"


def _model_files(models: dict[str, str]) -> dict[str, str | None]:
    return {f"models/{name}.sql": sql for name, sql in models.items()}


@pytest.fixture(scope="module")
def real_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The change project's SQL as a real dbt-duckdb project, built on base, then on the change set."""
    root = tmp_path_factory.mktemp("real_shop")
    (root / "dbt_project.yml").write_text(REAL_PROJECT)
    write_duckdb_profile(root, "shop")
    write_files(root, {"seeds/raw_orders.csv": RAW_ORDERS_CSV, "models/exposures.yml": EXPOSURES,
                       **_model_files(BASE_MODELS)})
    run_dbt(root, "build")
    run_dbt(root, "docs", "generate", "--target-path", "target-base")
    write_files(root, {**_model_files(CURRENT_MODELS), "models/legacy.sql": None})
    run_dbt(root, "build")
    run_dbt(root, "docs", "generate")
    yield root


@pytest.mark.slow
def test_impact_on_real_dbt_artifacts(real_project: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(real_project)
    _assert_change_project_impact(_impact(capsys, real_project))
    lineage = _lineage(capsys, real_project, "orders.amount_cents")
    assert _hops(lineage["upstream"]) == [("stg_orders", "amount", "derived", 1),
                                          ("raw_orders", "amount", "source", 2)]
