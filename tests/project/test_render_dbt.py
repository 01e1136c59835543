"""SQL templates render exactly as dbt compiles them, on a real dbt-duckdb project (built in process through
``dbtRunner``) with a var in dbt_project.yml, ``--vars``, the project's macros, a local package's macros
and a versioned model; then run as a query check through a Session on the real warehouse."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from spyglass.checks.query import QueryParams, QuerySpec
from spyglass.exceptions import CheckError
from spyglass.project.models import Env
from spyglass.project.snapshot import load_snapshot
from spyglass.service import Session
from spyglass.settings import ProjectSettings
from spyglass.state.models import RunStatus
from tests.project.real_dbt import run_dbt, write_duckdb_profile, write_files

pytestmark = pytest.mark.slow

CLI_VARS = {"region": "us"}
PROJECT = """
name: shop
version: "1.0"
profile: shop
config-version: 2
vars:
  region: eu
  scale: 3
  shop:
    scoped: 5
  greeting: "hello-{{ var('region') }}"
"""
UTILS_PROJECT = "name: my_utils\nversion: '1.0'\nconfig-version: 2\n"
FILES = {
    "packages.yml": "packages:\n  - local: utils\n",
    "utils/dbt_project.yml": UTILS_PROJECT,
    "utils/macros/cents.sql": "{% macro cents(col) %}{{ my_utils.as_double(col) }} / 100{% endmacro %}\n"
                              "{% macro as_double(col) %}cast({{ col }} as double){% endmacro %}\n",
    "macros/money.sql": "{% macro cents_to_dollars(col, scale=2) %}round({{ col }} / 100.0, {{ scale }})"
                        "{% endmacro %}\n"
                        "{% macro pick(kind) %}{{ return('alpha' if kind == 'a' else var('region')) }}"
                        "{% endmacro %}\n"
                        "{% macro as_text(col, strict=false) %}{% if strict %}{% set t = 'varchar' %}{% else %}"
                        "{% set t = 'text' %}{% endif %}cast({{ col }} as {{ t }}){% endmacro %}\n",
    "macros/dbt_only.sql": "{% macro column_names(rel) %}{% for c in adapter.get_columns_in_relation(rel) %}"
                           "{{ c.name }}{% endfor %}{% endmacro %}\n",
    "seeds/payments.csv": "id,amount\n1,1234\n2,500\n",
    "models/orders_v1.sql": "select 1 as id, 'v1' as version",
    "models/orders_v2.sql": "select 2 as id, 'v2' as version",
    "models/schema.yml": "version: 2\nmodels:\n  - name: orders\n    latest_version: 1\n"
                         "    versions:\n      - v: 1\n      - v: 2\n",
}
#: templates compiled by dbt (as analyses) and rendered by Spyglass, expected to agree character for character
TEMPLATES = {
    "macros": "select {{ cents_to_dollars('amount') }} as dollars, {{ cents_to_dollars('amount', var('scale')) }}"
              " as exact, {{ my_utils.cents('amount') }} as c, {{ shop.cents_to_dollars('amount', 0) }} as r,\n"
              "  {{ as_text('id') }} as t, {{ as_text('id', strict=true) }} as s\n"
              "from {{ ref('payments') }}",
    "vars": "select '{{ var('region') }}' as region, {{ var('scoped') }} as scoped, '{{ var('greeting') }}' as g,"
            " '{{ var('absent', 'fallback') }}' as d, '{{ pick('a') }}-{{ pick('r') }}' as picked",
    "versions": "select * from {{ ref('orders') }} union all select * from {{ ref('orders', v=2) }}"
                " union all select * from {{ ref('shop', 'orders', version=1) }}",
    "loops": "{% set cols = ['id', 'amount'] %}select {% for c in cols %}{{ c }}{{ ', ' if not loop.last }}"
             "{% endfor %} from {{ ref('payments') }} where amount > {{ var('scale') * 100 }}",
}


@dataclass(frozen=True)
class Built:
    root: Path
    settings: ProjectSettings
    compiled: dict[str, str]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    root = tmp_path_factory.mktemp("macros")
    (root / "dbt_project.yml").write_text(PROJECT)
    write_duckdb_profile(root, "shop", threads=2)
    write_files(root, {**FILES, **{f"analyses/{name}.sql": sql for name, sql in TEMPLATES.items()}})
    run_dbt(root, "deps")
    run_dbt(root, "build")
    run_dbt(root, "compile", "--vars", "{region: us}")
    shutil.copytree(root / "target", root / "target-base")
    compiled = {name: (root / "target" / "compiled" / "shop" / "analyses" / f"{name}.sql").read_text()
                for name in TEMPLATES}
    yield Built(root, ProjectSettings(project_dir=root, profiles_dir=root, vars=CLI_VARS), compiled)


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_templates_render_as_dbt_compiles_them(built: Built, name: str) -> None:
    renderer = load_snapshot(built.settings).renderer
    assert renderer.render(TEMPLATES[name], Env.CURRENT) == built.compiled[name]


def test_a_query_check_runs_the_projects_macros_and_vars(built: Built) -> None:
    session = Session.load(built.settings)
    try:
        sql = ("select id, {{ cents_to_dollars('amount') }} as dollars, '{{ var('region') }}' as region "
               "from {{ ref('payments') }} order by id")
        record = session.run_check(QuerySpec(params=QueryParams(sql_template=sql)))
        assert record.status is RunStatus.SUCCESS, record.error
        assert record.result is not None
        seed = [line.split(",") for line in FILES["seeds/payments.csv"].splitlines()[1:]]
        expected = [(int(i), round(int(amount) / 100, 2), CLI_VARS["region"]) for i, amount in seed]
        assert list(record.result.table.rows) == expected  # type: ignore[union-attr]
    finally:
        session.close()


def test_a_macro_needing_the_adapter_fails_naming_it(built: Built) -> None:
    session = Session.load(built.settings)
    try:
        record = session.run_check(QuerySpec(params=QueryParams(
            sql_template="select '{{ column_names(ref('payments')) }}' as cols")))
        assert record.status is RunStatus.FAILED and record.error is not None
        assert record.error.kind == CheckError.__name__
        assert "column_names (macro.shop.column_names) uses adapter" in record.error.message
    finally:
        session.close()
