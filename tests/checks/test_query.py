"""query: Jinja SQL on either side, limit + more + total count, errors as failed runs."""

from __future__ import annotations

from spyglass.checks.query import ColumnInfo, QueryParams, QueryResultModel, run
from spyglass.project.models import Env
from spyglass.state.models import RunStatus
from tests.fixtures.warehouses import Crafted

BASE = "select * from (values (1, 'a'), (2, 'b'), (3, 'c')) as t(id, \"Name\")"
CURRENT = "select * from (values (1, 'a'), (2, 'B')) as t(id, \"Name\")"


def test_query_runs_on_current_and_base(crafted: Crafted) -> None:
    crafted.create_model("people", BASE, CURRENT)
    template = "select id, \"Name\" from {{ ref('people') }} order by id;"
    current = run(QueryParams(sql_template=template), crafted.context())
    assert current.env is Env.CURRENT
    assert current.table.columns == (ColumnInfo(name="id", type="integer"), ColumnInfo(name="Name", type="text"))
    assert current.table.rows == ((1, "a"), (2, "B"))
    assert (current.table.total_row_count, current.table.more, current.table.limit) == (2, False, 2000)
    assert current.headline == "2 rows (current)"
    assert not current.mismatch
    base = run(QueryParams(sql_template=template, base=True, limit=2), crafted.context())
    assert base.env is Env.BASE
    assert base.table.rows == ((1, "a"), (2, "b"))
    assert (base.table.total_row_count, base.table.more, base.table.limit) == (3, True, 2)
    assert QueryResultModel.model_validate_json(base.model_dump_json()) == base


def test_query_without_rows_succeeds(crafted: Crafted) -> None:
    crafted.create_model("people", BASE, CURRENT)
    result = run(QueryParams(sql_template="select * from {{ ref('people') }} where id > 10"), crafted.context())
    assert (result.table.rows, result.table.total_row_count, result.table.more) == ((), 0, False)
    assert [c.name for c in result.table.columns] == ["id", "Name"]


def test_query_errors_are_failed_runs(crafted: Crafted) -> None:
    crafted.create_model("people", BASE, CURRENT)
    session = crafted.session()
    cases = [
        ("select nope from {{ ref('people') }}", "QuerySyntaxError"),
        ("selec 1", "QuerySyntaxError"),
        ("select * from {{ ref('ghost') }}", "CheckError"),
        ("select {{ 1 + }}", "CheckError"),
    ]
    for template, kind in cases:
        record = session.run_check("query", {"sql_template": template})
        assert record.status is RunStatus.FAILED, template
        assert record.error is not None and record.error.kind == kind, (template, record.error)
        assert record.error.message and record.error.remedy
