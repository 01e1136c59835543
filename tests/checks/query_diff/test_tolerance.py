"""query_diff's float tolerances (value diff's semantics): params, spyglass.yml presets and the CLI."""

from __future__ import annotations

import json

import pytest

from spyglass.checks.presets import load_presets
from spyglass.checks.query_diff import QueryDiffParams, QueryDiffResult
from spyglass.checks.query_diff.run import run
from spyglass.exceptions import CheckError
from spyglass.service import Session
from spyglass.state.models import RunStatus
from tests.cli.crafted_project import orders_project, spyglass
from tests.fixtures.warehouses import Crafted

# price differs by 0.004 for id 1 (0.04%), by 0.5 for id 2 (5%), not at all for id 3; name differs for id 3
BASE = "select * from (values (1, 10.000, 'a'), (2, 10.0, 'b'), (3, 7.0, 'c')) as t(id, price, name)"
CURRENT = "select * from (values (1, 10.004, 'a'), (2, 10.5, 'b'), (3, 7.0, 'C')) as t(id, price, name)"
TEMPLATE = "select id, cast(price as double precision) as price, name from {{ ref('orders') }}"


def _changed(crafted: Crafted, **tolerance: float) -> dict[object, tuple[str, ...]]:
    result = run(QueryDiffParams(sql_template=TEMPLATE, primary_keys=["id"], **tolerance), crafted.context())
    assert result.keyed is not None
    return {row.key[0]: row.changed_columns for row in result.keyed.rows}


def test_tolerances_pair_values_as_value_diff_does(crafted: Crafted) -> None:
    crafted.create_model("orders", BASE, CURRENT)
    assert _changed(crafted) == {1: ("price",), 2: ("price",), 3: ("name",)}
    assert _changed(crafted, abs_tolerance=0.01) == {2: ("price",), 3: ("name",)}
    assert _changed(crafted, abs_tolerance=0.5) == {3: ("name",)}
    assert _changed(crafted, rel_tolerance=0.001) == {2: ("price",), 3: ("name",)}
    assert _changed(crafted, rel_tolerance=0.05) == {3: ("name",)}
    result = run(QueryDiffParams(sql_template=TEMPLATE, primary_keys=["id"], abs_tolerance=0.01), crafted.context())
    assert result.notes == ("Numeric columns compared within abs_tolerance 0.01.",)
    with pytest.raises(CheckError) as info:
        run(QueryDiffParams(sql_template=TEMPLATE, abs_tolerance=0.01), crafted.context())
    assert "needs primary_keys" in info.value.message and "primary_keys" in info.value.remedy


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
def test_tolerances_in_presets_and_on_the_command_line(crafted: Crafted, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    project = orders_project(crafted, monkeypatch, BASE, CURRENT)
    (project / "spyglass.yml").write_text(
        "checks:\n  - type: query_diff\n    params:\n"
        f"      sql_template: \"{TEMPLATE}\"\n      primary_keys: [id]\n      rel_tolerance: 0.001\n")
    presets = load_presets(project)
    assert presets.checks[0].spec.params.model_dump()["rel_tolerance"] == 0.001
    session = Session.load(crafted.settings)
    try:
        record = session.run_check(presets.checks[0].spec)
    finally:
        session.close()
    assert record.status is RunStatus.SUCCESS and isinstance(record.result, QueryDiffResult)
    assert record.result.keyed is not None
    assert [tuple(row.key) for row in record.result.keyed.rows] == [(2,), (3,)]
    code, out, _ = spyglass(capsys, "query-diff", TEMPLATE, "-k", "id", "--abs-tolerance", "0.5", "--json",
                            "--project-dir", project)
    rows = json.loads(out)["result"]["keyed"]["rows"]
    assert code == 0 and [(r["key"], r["changed_columns"]) for r in rows] == [([3], ["name"])]
    code, _, err = spyglass(capsys, "query-diff", TEMPLATE, "--rel-tolerance", "0.1", "--project-dir", project)
    assert code == 2 and "need --primary-key" in err
    code, _, err = spyglass(capsys, "query-diff", TEMPLATE, "-k", "id", "--abs-tolerance", "-1",
                            "--project-dir", project)
    assert code == 2 and "--abs-tolerance" in err
