"""Artifacts written by real dbt (dbt-duckdb, in process through ``dbtRunner``): load, diff, select,
schema diff. One small project, built as base, then changed and built as current."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from spyglass.checks.base import CheckContext
from spyglass.checks.schema_diff import SchemaDiffParams
from spyglass.checks.schema_diff.run import run as run_schema_diff
from spyglass.project.artifacts import load_pair
from spyglass.project.lineage import ChangeStatus, diff_lineage
from spyglass.project.models import ArtifactPair, ResourceType
from spyglass.project.selection import select_nodes
from spyglass.warehouse.base import CancelToken
from tests.project.real_dbt import run_dbt, write_duckdb_profile, write_files

pytestmark = pytest.mark.slow

PROJECT = """
name: mini
version: "1.0"
profile: mini
config-version: 2
models:
  mini:
    +materialized: view
    marts:
      +materialized: table
"""

SCHEMA_YML = """
version: 2
sources:
  - name: raw
    schema: main
    tables:
      - name: payments
models:
  - name: customers
    columns:
      - name: customer_id
        data_tests: [unique, not_null]
exposures:
  - name: dash
    type: dashboard
    owner: {name: analytics, email: analytics@example.com}
    depends_on: [ref('customers')]
"""

BASE_FILES = {
    "seeds/raw_customers.csv": "customer_id,name,age\n1,Ann,30\n2,Bob,40\n",
    "models/staging/stg_customers.sql": "select customer_id, name, age from {{ ref('raw_customers') }}",
    "models/marts/customers.sql": "select customer_id, name, age from {{ ref('stg_customers') }}",
    "models/marts/legacy.sql": "select count(*) as n from {{ ref('stg_customers') }}",
    "models/marts/summary.sql": "select count(*) as customers from {{ ref('customers') }}",
    "models/schema.yml": SCHEMA_YML,
}

CHANGES = {
    # a column removed (age), one added (email), one retyped (customer_id -> bigint)
    "models/marts/customers.sql": "select cast(customer_id as bigint) as customer_id, name, "
                                  "lower(name) || '@example.com' as email from {{ ref('stg_customers') }}",
    "models/marts/new_model.sql": "select customer_id from {{ ref('customers') }}",
    "models/marts/legacy.sql": None,
}


@dataclass(frozen=True)
class Built:
    root: Path
    pair: ArtifactPair


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    root = tmp_path_factory.mktemp("mini")
    (root / "dbt_project.yml").write_text(PROJECT)
    write_duckdb_profile(root, "mini")
    write_files(root, BASE_FILES)
    run_dbt(root, "build")
    run_dbt(root, "docs", "generate", "--target-path", "target-base")
    write_files(root, CHANGES)
    run_dbt(root, "build")
    run_dbt(root, "docs", "generate")
    yield Built(root=root, pair=load_pair(root / "target-base", root / "target"))


def test_real_manifest_loads(built: Built) -> None:
    manifest = built.pair.current.manifest
    assert 10 <= manifest.metadata.schema_version <= 12
    assert manifest.metadata.adapter_type == "duckdb"
    customers = manifest.nodes["model.mini.customers"]
    assert customers.materialized == "table"
    assert customers.primary_key == "customer_id"
    assert customers.relation_name is not None and "customers" in customers.relation_name
    assert customers.fqn == ("mini", "marts", "customers")
    assert manifest.nodes["source.mini.raw.payments"].resource_type is ResourceType.SOURCE
    assert manifest.nodes["exposure.mini.dash"].depends_on == ("model.mini.customers",)
    assert built.pair.base.catalog is not None and built.pair.current.catalog is not None


def test_real_lineage_diff(built: Built) -> None:
    diff = diff_lineage(built.pair)
    assert diff.added == {"model.mini.new_model"}
    assert diff.removed == {"model.mini.legacy"}
    assert diff.modified == {"model.mini.customers"}
    assert diff.changes["model.mini.customers"].reasons == ("code",)
    assert diff.impacted == {"model.mini.summary", "exposure.mini.dash"}
    assert diff.changes["source.mini.raw.payments"].status is ChangeStatus.UNCHANGED


def test_real_selection(built: Built) -> None:
    diff = diff_lineage(built.pair)
    modified_plus = select_nodes(built.pair, diff, "state:modified+")
    assert modified_plus == {"model.mini.customers", "model.mini.new_model", "model.mini.legacy",
                             "model.mini.summary", "exposure.mini.dash"}
    assert select_nodes(built.pair, diff, "path:models/staging") == {"model.mini.stg_customers"}
    assert select_nodes(built.pair, diff, "+customers", resource_types=["seed"]) == {"seed.mini.raw_customers"}


def test_real_schema_diff(built: Built) -> None:
    pair = built.pair
    ctx = CheckContext(artifacts=pair, lineage=diff_lineage(pair), warehouse=None, cancel=CancelToken())
    result = run_schema_diff(SchemaDiffParams(), ctx)
    assert result.coverage == "complete"
    by_name = {n.name: n for n in result.nodes}
    customers = by_name["customers"]
    assert [c.name for c in customers.added] == ["email"]
    assert [c.name for c in customers.removed] == ["age"]
    assert [(t.column, t.current_type) for t in customers.type_changes] == [("customer_id", "BIGINT")]
    assert [c.name for c in by_name["new_model"].added] == ["customer_id"]
    assert [c.name for c in by_name["legacy"].removed] == ["n"]
