"""query: Jinja SQL on either side, limit + more + total count, errors as failed runs; only one read-only
query ever reaches the warehouse (hostile SQL refused, benign SQL returns what the engine returns)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from spyglass.checks.query import ColumnInfo, QueryParams, QueryResultModel
from spyglass.checks.query.run import run
from spyglass.checks.registry import parse_spec
from spyglass.checks.sql import to_json_scalar
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
        ("selec 1", "QueryRefused"),  # refused before the warehouse: it does not parse
        ("select * from {{ ref('ghost') }}", "CheckError"),
        ("select {{ 1 + }}", "CheckError"),
    ]
    for template, kind in cases:
        record = session.run_check(parse_spec("query", {"sql_template": template}))
        assert record.status is RunStatus.FAILED, template
        assert record.error is not None and record.error.kind == kind, (template, record.error)
        assert record.error.message and record.error.remedy


def _hostile(engine: str, marker: Path) -> list[str]:
    """Queries that, wrapped as text, ran their middle statement (``{rel}``: the model's relation)."""
    writes = {
        "duckdb": f"copy (select 1 as pwned) to '{marker}'",
        "postgres": f"copy (select 1) to program 'touch {marker}'",
    }[engine]
    breakout = "select 1 as a) as t; {statement}; select * from (select 1 as a"
    return [
        breakout.format(statement="drop table {rel}"),
        breakout.format(statement="delete from {rel}"),
        breakout.format(statement=writes),
        "select 1; drop table {rel}",
        "select 1 -- hidden\n; drop table {rel}",
        "select 1 /* a */; delete from {rel}",
        "with gone as (delete from {rel} returning *) select * from gone",
        "with added as (insert into {rel} values (9, 'z') returning *) select * from added",
        writes,
        "drop table {rel}",
        "attach '" + str(marker) + "' as other",
        "pragma database_list",
        "set search_path = evil",
        "call pragma_version()",
        "export database '" + str(marker) + "'",
        "select * into stolen from {rel}",
        "garbage ;; ( select",
    ]


def test_hostile_queries_are_refused_and_nothing_reaches_the_warehouse(crafted: Crafted) -> None:
    crafted.create_model("people", BASE, CURRENT)
    relation = crafted.relation("people", Env.CURRENT)
    before = crafted.warehouse().execute(f"select * from {relation} order by id").rows
    directory = Path(tempfile.mkdtemp(prefix="spyglass-hostile-"))
    os.chmod(directory, 0o777)  # so a PostgreSQL server running as another user could write the marker
    marker = directory / "pwned"
    session = crafted.session()
    for template in _hostile(crafted.engine, marker):
        sql = template.replace("{rel}", "{{ ref('people') }}")
        record = session.run_check(parse_spec("query", {"sql_template": sql}))
        assert record.status is RunStatus.FAILED, sql
        assert record.error is not None and record.error.kind == "QueryRefused", (sql, record.error)
        assert record.error.message and record.error.remedy
    wh = crafted.warehouse()
    assert wh.execute(f"select * from {relation} order by id").rows == before
    assert not marker.exists()
    assert not list(directory.iterdir())


#: SQL the engine understands in its own dialect; run through the check, it must return what the engine
#: returns for the SQL as written (``{rel}``: the model's relation)
BENIGN = {
    "duckdb": [
        "select id::varchar || '-' || \"Name\" as k from {rel} order by 1",
        "select id, \"Name\" from {rel} qualify row_number() over (order by id desc) = 1",
        "select * exclude (\"Name\") from {rel} order by id",
        "select 7 // 2 as a, 7 / 2 as b, [10, 20][1] as c, 2 ** 3 as d",
        "select \"Name\" ilike 'b' as m from {rel} order by id",
        "from {rel} select id order by id desc",
    ],
    "postgres": [
        "select id::text || '-' || \"Name\" as k from {rel} order by 1",
        "select \"Name\" ilike 'b' as m, \"Name\" ~ '^[ab]' as r from {rel} order by id",
        "select distinct on (id > 0) id from {rel} order by id > 0, id desc",
        "select E'a\\nb' as e, $$it's$$ as d, 7 / 2 as i, 7 % 2 as m, 2 ^ 3 as p",
        "select id from {rel} where \"Name\" similar to '[aB]' order by id",
    ],
    "both": [
        "with doubled as (select id * 2 as id2 from {rel}) select * from doubled order by id2;",
        "select id from {rel} union all select id + 10 from {rel} order by 1",
        "select id, sum(id) over (order by id rows between 1 preceding and current row) as s from {rel} order by id",
        "select id -- a trailing comment\nfrom {rel} /* block */ order by id;\n",
        "select \"Name\" as \"UpperAlias\", count(*) as \"N\" from {rel} group by \"Name\" order by 1",
        "values (1, 'x'), (2, 'y')",
        "(select max(id) as top from {rel})",
    ],
}


def test_benign_queries_return_what_the_engine_returns(crafted: Crafted) -> None:
    crafted.create_model("people", BASE, CURRENT)
    relation = crafted.relation("people", Env.CURRENT)
    wh = crafted.warehouse()
    for template in BENIGN[crafted.engine] + BENIGN["both"]:
        direct = wh.execute(template.replace("{rel}", relation).rstrip().rstrip(";"))
        result = run(QueryParams(sql_template=template.replace("{rel}", "{{ ref('people') }}")), crafted.context())
        assert result.table.column_names == direct.column_names, template
        assert result.table.rows == tuple(tuple(to_json_scalar(v) for v in row) for row in direct.rows), template

