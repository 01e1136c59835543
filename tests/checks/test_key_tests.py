"""The value diff's key scan is skipped when dbt's unique test on that key passed in the build, on real
DuckDB/PostgreSQL data: which queries ran is read from a log kept around the real warehouse."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from spyglass.checks.base import CheckContext
from spyglass.checks.value_diff import ValueDiffParams
from spyglass.checks.value_diff.run import run
from spyglass.exceptions import CheckError
from spyglass.project.artifacts import load_pair
from spyglass.project.lineage import diff_lineage
from spyglass.project.models import Env, Node
from spyglass.warehouse.base import CancelToken, QueryResult, Warehouse
from spyglass.warehouse.dialects import Dialect
from tests.fixtures.warehouses import Crafted
from tests.project.manifest_builder import ManifestBuilder, write_pair

UNIQUE = "select * from (values (1, 'a'), (2, 'b'), (3, 'c')) as t(order_id, status)"
CHANGED = "select * from (values (1, 'a'), (2, 'B'), (4, 'd')) as t(order_id, status)"
DUPLICATED = "select * from (values (1, 'a'), (1, 'x'), (2, 'B')) as t(order_id, status)"


class StatementLog:
    """The real warehouse, with every statement it was given kept in order."""

    def __init__(self, warehouse: Warehouse) -> None:
        self.warehouse = warehouse
        self.statements: list[str] = []

    @property
    def dialect(self) -> Dialect:
        return self.warehouse.dialect

    @property
    def threads(self) -> int:
        return self.warehouse.threads

    def execute(self, sql: str, *, cancel: CancelToken | None = None, limit: int | None = None,
                read_only: bool = False) -> QueryResult:
        self.statements.append(sql)
        return self.warehouse.execute(sql, cancel=cancel, limit=limit, read_only=read_only)

    def execute_many(self, statements: Sequence[str], *, cancel: CancelToken | None = None,
                     read_only: bool = False) -> list[QueryResult | Exception]:
        self.statements.extend(statements)
        return self.warehouse.execute_many(statements, cancel=cancel, read_only=read_only)

    def relation(self, node: Node) -> str:
        return self.warehouse.relation(node)

    def quote(self, identifier: str) -> str:
        return self.warehouse.quote(identifier)

    def close(self) -> None:
        self.warehouse.close()


def _results(directory: Path, statuses: dict[str, str]) -> None:
    results = [{"unique_id": uid, "status": status, "failures": 0} for uid, status in statuses.items()]
    (directory / "run_results.json").write_text(json.dumps({"metadata": {}, "results": results}))


def _context(crafted: Crafted, base_sql: str, current_sql: str, *, current: str | None,
             base: str | None = None) -> tuple[CheckContext, StatementLog]:
    """``orders`` with a unique test on order_id whose status is ``current``/``base`` in each build's
    run_results.json (None: no run_results.json)."""
    builders = {Env.BASE: ManifestBuilder("crafted", database=crafted.database, schema=crafted.schemas[Env.BASE])}
    builders[Env.CURRENT] = builders[Env.BASE].copy(schema=crafted.schemas[Env.CURRENT])
    crafted.create_model("orders", base_sql, current_sql)
    test_ids = {}
    for env, builder in builders.items():
        uid = builder.model("orders", sql=base_sql if env is Env.BASE else current_sql, materialized="table")
        test_ids[env] = builder.test("unique", uid, "order_id")
    dirs = dict(zip((Env.BASE, Env.CURRENT), write_pair(crafted.project_dir, builders[Env.BASE],
                                                        builders[Env.CURRENT]), strict=True))
    for env, status in ((Env.BASE, base), (Env.CURRENT, current)):
        if status is not None:
            _results(dirs[env], {test_ids[env]: status})
    pair = load_pair(dirs[Env.BASE], dirs[Env.CURRENT])
    log = StatementLog(crafted.warehouse())
    return CheckContext(artifacts=pair, lineage=diff_lineage(pair), warehouse=log, cancel=CancelToken()), log


def _scans(log: StatementLog) -> int:
    return sum(1 for s in log.statements if "key_rows" in s)


def test_a_passed_test_in_both_builds_skips_the_scan(crafted: Crafted) -> None:
    ctx, log = _context(crafted, UNIQUE, CHANGED, current="pass", base="pass")
    result = run(ValueDiffParams(model="orders", primary_key="order_id"), ctx)
    assert (result.added, result.removed, result.changed) == (1, 1, 1)
    assert _scans(log) == 0
    assert result.notes == ("key order_id: dbt test unique_orders_order_id passed in this build and in the base "
                            "build; uniqueness scan skipped",)


def test_only_the_current_build_passed_scans_base_only(crafted: Crafted) -> None:
    ctx, log = _context(crafted, UNIQUE, CHANGED, current="pass")
    result = run(ValueDiffParams(model="orders", primary_key="order_id"), ctx)
    assert (result.added, result.removed, result.changed) == (1, 1, 1)
    scans = [s for s in log.statements if "key_rows" in s]
    assert len(scans) == 1 and crafted.schemas[Env.BASE] in scans[0]
    assert result.notes == ("key order_id: dbt test unique_orders_order_id passed in this build; uniqueness scan "
                            "skipped on the current side (base was scanned)",)


@pytest.mark.parametrize("status", ["fail", "error", "skipped", None])
def test_a_test_that_did_not_pass_scans_as_before(crafted: Crafted, status: str | None) -> None:
    ctx, log = _context(crafted, UNIQUE, CHANGED, current=status, base="pass")
    result = run(ValueDiffParams(model="orders", primary_key="order_id"), ctx)
    assert _scans(log) == 2 and result.notes == ()  # one scan per side, as without dbt's tests
    assert (result.added, result.removed, result.changed) == (1, 1, 1)


def test_a_passed_test_on_duplicated_data_is_still_refused_after_the_join(crafted: Crafted) -> None:
    """dbt said unique (a stale or lying run_results.json), the data is not: the join's check catches it
    and the error names the duplicated key."""
    ctx, log = _context(crafted, UNIQUE, DUPLICATED, current="pass", base="pass")
    with pytest.raises(CheckError) as info:
        run(ValueDiffParams(model="orders", primary_key="order_id"), ctx)
    assert "is not unique and non-null" in info.value.message and "order_id=1 (2 rows)" in info.value.message
    assert _scans(log) == 2  # only after the join, to name the duplicates (one scan per side)
    join_at = next(i for i, s in enumerate(log.statements) if "FULL OUTER JOIN" in s.upper())
    assert all(i > join_at for i, s in enumerate(log.statements) if "key_rows" in s)
    other_key = run(ValueDiffParams(model="orders", primary_key="status"), _context_again(crafted, ctx))
    assert other_key.notes == ()  # a test on another column proves nothing about this key


def _context_again(crafted: Crafted, ctx: CheckContext) -> CheckContext:
    return CheckContext(artifacts=ctx.artifacts, lineage=ctx.lineage, warehouse=crafted.warehouse(),
                        cancel=CancelToken())
