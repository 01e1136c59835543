"""``state:modified`` and each of its sub-selectors select what dbt itself selects: a DuckDB project built
as base, then changed without touching most models' SQL (a macro edited, configs edited, descriptions
edited with ``persist_docs``, a contract, an alias, a source and an exposure) and built again; for every
selector, Spyglass's selection equals ``dbt ls --select <selector> --state target-base``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from spyglass.project.artifacts import load_pair
from spyglass.project.lineage import LineageDiff, diff_lineage
from spyglass.project.models import ArtifactPair
from spyglass.project.selection import select_nodes
from spyglass.project.state_modified import SUB_SELECTORS
from tests.project.real_dbt import run_dbt, write_duckdb_profile, write_files

pytestmark = pytest.mark.slow

#: every model a table, so that persist_docs writes comments and contracts check constraints
PROJECT = "name: mini\nversion: '1.0'\nprofile: mini\nconfig-version: 2\nmodels: {mini: {+materialized: table}}\n"

SCHEMA = """
version: 2
sources:
  - name: stripe
    schema: main
    tables:
      - name: payments
        identifier: {identifier}
models:
  - name: configured
    config: {configured}
  - name: tagged
    config:
      tags: {tags}
  - name: documented
    description: {description}
    config:
      persist_docs: {{relation: true, columns: true}}
    columns:
      - name: id
        description: {description}
  - name: undocumented
    description: {description}
    columns:
      - name: id
        description: {description}
  - name: contracted
    config:
      contract: {{enforced: true}}
    columns:
      - name: id
        data_type: integer
        constraints: {constraints}
  - name: moved
    config:
      alias: {alias}
exposures:
  - name: dash
    type: dashboard
    url: {url}
    owner: {{name: analytics, email: analytics@example.com}}
    depends_on: [ref('orders')]
"""

CENTS = "{% macro cents_to_dollars(col) %}({{ col }} / 100.0){% endmacro %}\n"
MONEY = "{% macro money(col) %}round({{ cents_to_dollars(col) }}, 2){% endmacro %}\n"

BASE = {
    "dbt_project.yml": PROJECT,
    "seeds/raw_orders.csv": "id,amount\n1,100\n2,250\n",
    "seeds/payments.csv": "id\n1\n",
    "macros/money.sql": CENTS + MONEY,
    "models/marts/orders.sql": "select id, {{ money('amount') }} as amount from {{ ref('raw_orders') }}",
    "models/marts/direct.sql": "select id, {{ cents_to_dollars('amount') }} as amount from {{ ref('raw_orders') }}",
    "models/marts/downstream.sql": "select * from {{ ref('orders') }}",
    "models/marts/body.sql": "select 1 as id",
    "models/marts/legacy.sql": "select 1 as id",
    **{f"models/marts/{name}.sql": "select 1 as id"
       for name in ("configured", "tagged", "documented", "undocumented", "contracted", "moved")},
    "models/schema.yml": SCHEMA.format(identifier="payments", configured="{materialized: table}", tags="[a]",
                                       description="before", constraints="[]", alias="moved", url="https://bi/1"),
}

CHANGES = {
    "macros/money.sql": CENTS.replace("100.0)", "100.0)::decimal(18, 2)") + MONEY,  # only a macro
    "seeds/payments_v2.csv": "id\n1\n",
    "models/marts/body.sql": "select 2 as id",
    "models/marts/legacy.sql": None,
    "models/marts/added.sql": "select {{ cents_to_dollars('100') }} as id",
    "models/marts/added_plain.sql": "select 1 as id",
    "models/schema.yml": SCHEMA.format(
        identifier="payments_v2", configured="{materialized: view, post-hook: 'select 1'}", tags="[b]",
        description="after", constraints="[{type: not_null}]", alias="moved_v2", url="https://bi/2"),
}

SELECTORS = ["state:modified", *(f"state:modified.{sub}" for sub in SUB_SELECTORS), "state:new"]
#: the resource types Spyglass selects among (dbt ls lists tests too)
_PREFIXES = ("model.", "seed.", "snapshot.", "source.", "exposure.")


@dataclass(frozen=True)
class Built:
    root: Path
    pair: ArtifactPair
    diff: LineageDiff


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("state_modified")
    write_duckdb_profile(root, "mini")
    write_files(root, BASE)
    run_dbt(root, "build", "--target-path", "target-base")
    write_files(root, CHANGES)
    run_dbt(root, "build")
    pair = load_pair(root / "target-base", root / "target")
    return Built(root=root, pair=pair, diff=diff_lineage(pair))


def dbt_ls(root: Path, selector: str) -> set[str]:
    """Unique ids ``dbt ls --select <selector> --state target-base`` lists (models, seeds, snapshots,
    sources and exposures)."""
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(["ls", "--select", selector, "--state", str(root / "target-base"), "--output", "json",
                                 "--output-keys", "unique_id", "--project-dir", str(root), "--profiles-dir", str(root),
                                 "--quiet"])
    assert result.success, f"dbt ls --select {selector} failed: {result.exception}"
    assert isinstance(result.result, list)
    listed = {json.loads(line)["unique_id"] for line in result.result}
    return {uid for uid in listed if uid.startswith(_PREFIXES)}


@pytest.mark.parametrize("selector", SELECTORS)
def test_spyglass_selects_what_dbt_selects(built: Built, selector: str) -> None:
    expected = dbt_ls(built.root, selector)
    assert expected, f"{selector} selects nothing in dbt: the project does not exercise it"
    # Spyglass's one documented difference: plain state:modified also lists the removed model
    removed = built.diff.removed if selector == "state:modified" else frozenset()
    assert select_nodes(built.pair, built.diff, selector) == expected | removed


def test_reasons_of_changes_that_do_not_touch_the_sql(built: Built) -> None:
    reasons = {uid.split(".")[-1]: change.reasons for uid, change in built.diff.changes.items()
               if change.reasons}
    assert reasons == {
        "orders": ("macro.cents_to_dollars",),  # through money()
        "direct": ("macro.cents_to_dollars",),
        "body": ("code",),
        "configured": ("config.materialized", "config.post-hook"),
        "documented": ("descriptions",),
        "contracted": ("contract",),
        "moved": ("config.alias",),
        "payments": ("identifier",),
        "dash": ("url",),
    }
    assert built.diff.removed == {"model.mini.legacy"}
